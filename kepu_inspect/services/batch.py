"""One batch, as explicit stages: find → read → check → score → ledger → rank. Returns results; prints nothing.

``check`` runs the same stages as ``score`` and keeps only the problems. Reading, checking and scoring
happen per file, in worker processes for large folders; the ledger and the ranking need every file and
run in this process. Process concerns (what crosses a process boundary and how, the garbage
collector while millions of result objects are built) live here and nowhere else.
"""

from __future__ import annotations

import contextlib
import copyreg
import gc
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from typing import Any

from kepu_inspect.adapters.input_files import discover, display_name
from kepu_inspect.adapters.verification_layout import KIND
from kepu_inspect.adapters.verification_reader import VerificationFile, peek_kind, read_verification
from kepu_inspect.adapters.workbook_reader import ReadingContext, read_submission
from kepu_inspect.adapters.xlsx_safe import Source
from kepu_inspect.core.changes import Standing, compare
from kepu_inspect.core.corrections import Correction, Ledger
from kepu_inspect.core.corrections import apply as apply_corrections
from kepu_inspect.core.corrections import by_unit as corrections_by_unit
from kepu_inspect.core.ledger import build_ledger
from kepu_inspect.core.numbers import fmt
from kepu_inspect.core.problems import Code, Problem, problem
from kepu_inspect.core.ranking import rank_all
from kepu_inspect.core.record import encode_record, pack_record
from kepu_inspect.core.results import (
    CriterionResult,
    FileReading,
    Intake,
    ItemResult,
    ScoreRun,
    Skipped,
    Swing,
    UnitResult,
)
from kepu_inspect.core.review import review
from kepu_inspect.core.rubric import Rubric
from kepu_inspect.core.scoring import assess_unit, overclaim_problems, unscored
from kepu_inspect.core.submission import Submission
from kepu_inspect.core.verification import Verification, disagreements, from_submission, merge

POOL_THRESHOLD = 200  # below this, starting worker processes costs more than it saves
CHUNK_MAX = 32  # files per task sent to a worker

Progress = Callable[[int], None]


@dataclass(frozen=True)
class BatchOptions:
    """What the per-file stage keeps.

    ``score`` False is a check: the results are dropped once the file is checked, so a national
    ``check`` holds problems, not every value of every workbook. ``keep_items`` False drops the
    item-level detail once the unit's record is made (only item-level reports need it in memory).
    ``records`` makes each unit's canonical results record where it is scored.
    """

    score: bool = True
    keep_items: bool = True
    records: bool = True
    workers: int | None = None
    keep_submissions: bool = False  # `inspection` shows each unit's entered data to the inspectors
    exclude: tuple[Path, ...] = ()  # folders never read as input (the run's own output folder)


@dataclass(frozen=True)
class Inspection:
    """What the verification workbooks of a batch say, per unit, ready for the workers that score."""

    by_unit: Mapping[str, Verification] = field(default_factory=dict)
    made_from: Mapping[str, frozenset[str]] = field(default_factory=dict)  # unit id → submission SHA-256s
    corrections: Mapping[str, tuple[Correction, ...]] = field(default_factory=dict)  # after 公示, by unit


CHECK_ONLY = BatchOptions(score=False, keep_items=False, records=False)


@dataclass(frozen=True)
class FileOutcome:
    """What the per-file stage sends back: the reading (its values dropped), the result and its record."""

    reading: FileReading
    result: UnitResult | None = None
    record: bytes | None = None
    submission: Submission | None = None  # kept only when asked (BatchOptions.keep_submissions)


# --- the per-file stage: read → check → score ----------------------------------------------------


def process_file(
    context: ReadingContext, path: Source, options: BatchOptions, inspection: Inspection | None = None
) -> FileOutcome:
    """Read one file, check its content and score it where it was read.

    The isolation boundary: one file's unforeseen failure (a bug) becomes WB036 on that file, and
    the batch goes on. Whether a result counts is decided later by the ledger (a unit with two files,
    for instance, is not scored at all).
    """
    name = display_name(path)
    try:
        return _process(context, path, options, inspection or Inspection())
    except Exception as exc:  # reported as a problem, never raised
        detail = f"{type(exc).__name__}: {exc}"[:200]
        return FileOutcome(
            FileReading(name, "", "rejected", problems=[problem(Code.WB036, file=name, detail=detail)])
        )


def _process(
    context: ReadingContext, path: Source, options: BatchOptions, inspection: Inspection
) -> FileOutcome:
    rubric = context.rubric
    reading = read_submission(rubric, path, context=context)
    submission = reading.submission
    if reading.status != "read" or submission is None or reading.unit_id is None:
        return FileOutcome(replace(reading, submission=None) if submission is not None else reading)
    unit = rubric.unit(reading.unit_id)
    verification = inspection.by_unit.get(unit.id)
    if verification is not None and reading.sha256 not in inspection.made_from.get(unit.id, frozenset()):
        # inspected on an earlier submission: the marks may not fit what the unit sent last
        stale = problem(Code.VF008, file=reading.path, unit=unit.name)
        reading = replace(reading, problems=[*reading.problems, stale])
        verification = replace(verification, hold=(*verification.hold, "核查表依据较早报送的自评表，待核实"))
    corrections = inspection.corrections.get(unit.id, ())
    if corrections:  # the ledger's corrections over what the inspection decided (or the unit's own 核定分)
        if verification is None and rubric.settings.verification == "in_submission":
            verification = from_submission(submission)
        verification = apply_corrections(verification, unit.id, corrections)
    result, content = assess_unit(
        rubric, unit, submission, (reading.path,), tuple(reading.problems), verification
    )
    problems = reading.problems + [p.at(file=reading.path) for p in content]
    reading = replace(reading, submission=None, problems=problems)
    kept = submission if options.keep_submissions else None
    if not options.score or not unit.assessed:
        return FileOutcome(reading, submission=kept)
    result = replace(result, problems=tuple(problems))
    record = None
    if options.records:
        record = pack_record(encode_record(rubric.settings.decimals, result), compress=options.keep_items)
    if not options.keep_items:
        result = replace(result, items=())
    return FileOutcome(reading, result, record, kept)


def _process_serial(
    rubric: Rubric,
    files: list[Source],
    progress: Progress | None,
    options: BatchOptions,
    inspection: Inspection,
) -> list[FileOutcome]:
    context = ReadingContext(rubric)
    out = []
    for f in files:
        out.append(process_file(context, f, options, inspection))
        if progress:
            progress(1)
    return out


# Item results cross from the workers in their millions at national scale (3,000 units × 40 items):
# pickled as plain fields and rebuilt with shared Decimals and interned rubric texts, they take ≈ a third
# of the memory in this process and unpickle ≈ 30 % faster (measured, benchmarks/RESULTS.md).
_intern = sys.intern


_DECIMALS: dict[str, Decimal] = {}
_DECIMALS_MAX = 1 << 16


def shared_decimal(text: str) -> Decimal:
    """The Decimal for ``text``, one object per distinct value (Decimals are immutable).

    Results arriving from worker processes repeat a handful of values (3, 0, 1.5 …) a million times
    at national scale; sharing them saves ~100 bytes each and the parsing. Bounded, so odd inputs
    cannot grow it without limit.
    """
    value = _DECIMALS.get(text)
    if value is None:
        value = Decimal(text)
        if len(_DECIMALS) < _DECIMALS_MAX:
            _DECIMALS[text] = value
    return value


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _number(text: str | None) -> Decimal | None:
    return None if text is None else shared_decimal(text)


def _criterion(
    uid: str,
    text: str,
    rule: str,
    max_points: str,
    inputs: tuple[tuple[str, str], ...],
    computed: str | None,
    self_score: str | None,
    verified: str | None,
    points: str,
    basis: Any,
    reason: str,
    bonus: bool,
) -> CriterionResult:
    return CriterionResult(
        _intern(uid),
        _intern(text),
        _intern(rule),
        shared_decimal(max_points),
        tuple((_intern(label), _intern(value)) for label, value in inputs),
        _number(computed),
        _number(self_score),
        _number(verified),
        shared_decimal(points),
        basis,
        reason,
        bonus,
    )


def _reduce_criterion(c: CriterionResult) -> tuple[Any, tuple[Any, ...]]:
    return _criterion, (
        c.uid,
        c.text,
        c.rule,
        str(c.max_points),
        c.inputs,
        _text(c.computed),
        _text(c.self_score),
        _text(c.verified),
        str(c.points),
        c.basis,
        c.reason,
        c.bonus,
    )


def _item(
    item_id: str,
    number: str,
    title: str,
    section_id: str,
    bonus_section: bool,
    weight: str,
    max_points: str,
    self_points: str,
    points: str,
    bonus_points: str,
    verified: bool,
    criteria: tuple[CriterionResult, ...],
    opinion: str,
) -> ItemResult:
    return ItemResult(
        _intern(item_id),
        _intern(number),
        _intern(title),
        _intern(section_id),
        bonus_section,
        shared_decimal(weight),
        shared_decimal(max_points),
        shared_decimal(self_points),
        shared_decimal(points),
        shared_decimal(bonus_points),
        verified,
        criteria,
        opinion,
    )


def _reduce_item(i: ItemResult) -> tuple[Any, tuple[Any, ...]]:
    return _item, (
        i.item_id,
        i.number,
        i.title,
        i.section_id,
        i.bonus_section,
        str(i.weight),
        str(i.max_points),
        str(i.self_points),
        str(i.points),
        str(i.bonus_points),
        i.verified,
        i.criteria,
        i.opinion,
    )


def _swing(uid: str, label: str, low: str, high: str, current: str, verified: bool) -> Swing:
    return Swing(
        _intern(uid),
        _intern(label),
        shared_decimal(low),
        shared_decimal(high),
        shared_decimal(current),
        verified,
    )


def _reduce_swing(s: Swing) -> tuple[Any, tuple[Any, ...]]:
    # every unit carries its disputed criteria (≈ 20 at 40 items before the inspection): the labels
    # repeat across units, and the values are a handful of Decimals (3,000 units, full: 171 → 148 MB after the batch)
    return _swing, (s.uid, s.label, str(s.low), str(s.high), str(s.current), s.verified)


copyreg.pickle(CriterionResult, _reduce_criterion)
copyreg.pickle(ItemResult, _reduce_item)
copyreg.pickle(Swing, _reduce_swing)

_WORKER: dict[str, Any] = {}


def _init_worker(rubric: Rubric, options: BatchOptions, inspection: Inspection) -> None:
    gc.enable()  # forked while the parent had it paused; a worker's garbage is short-lived anyway
    _WORKER["context"], _WORKER["options"], _WORKER["inspection"] = (
        ReadingContext(rubric),
        options,
        inspection,
    )


def _process_in_worker(path: Source) -> FileOutcome:
    return process_file(_WORKER["context"], path, _WORKER["options"], _WORKER["inspection"])


def _peek_in_worker(path: Source) -> str:
    return peek_kind(path)


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while many long-lived, acyclic objects are built.

    Receiving thousands of results creates millions of objects (≈ 1.2 M at 3,000 units × 40 items with
    item detail), and every allocation burst would trigger collections that walk everything alive,
    rubric included (measured ≈ 1.2 s of this process's CPU at that size). Results hold no reference
    cycles, so nothing accumulates meanwhile. On the way out what was built is frozen (moved out of
    the collector's sight), so the reports built from it afterwards do not pay for it either.
    """
    enabled = gc.isenabled()
    gc.disable()
    gc.freeze()  # also keeps the rubric out of the workers' collections (forked pages stay shared)
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


def _pool(n: int, initargs: tuple[Any, ...] | None) -> Any:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    ctx = multiprocessing.get_context("fork" if hasattr(os, "fork") else "spawn")
    if initargs is None:
        return ProcessPoolExecutor(max_workers=n, mp_context=ctx, initializer=gc.enable)
    return ProcessPoolExecutor(max_workers=n, mp_context=ctx, initializer=_init_worker, initargs=initargs)


def _workers(options: BatchOptions, files: list[Source]) -> int:
    n = options.workers if options.workers is not None else (os.cpu_count() or 1)
    return 1 if len(files) < POOL_THRESHOLD else n


def _chunk(files: list[Source], n: int) -> int:
    # small chunks: when one worker runs out of files, the other has at most ~30 left (≈ 0.15 s)
    return max(1, min(CHUNK_MAX, len(files) // (n * 8)))


def _process_all(
    rubric: Rubric,
    files: list[Source],
    progress: Progress | None,
    options: BatchOptions,
    inspection: Inspection,
) -> list[FileOutcome]:
    """Every file through the per-file stage, in a process pool for large folders; input order kept."""
    n = _workers(options, files)
    if n <= 1:
        return _process_serial(rubric, files, progress, options, inspection)
    out: list[FileOutcome] = []
    with _pool(n, (rubric, options, inspection)) as pool:
        for outcome in pool.map(_process_in_worker, files, chunksize=_chunk(files, n)):
            out.append(outcome)
            if progress:
                progress(1)
    return out


def _kinds(files: list[Source], options: BatchOptions) -> list[str]:
    """What each file's identity part declares, read from that part alone (≈ a tenth of a full read)."""
    n = _workers(options, files)
    if n <= 1:
        return [peek_kind(f) for f in files]
    with _pool(n, None) as pool:
        return list(pool.map(_peek_in_worker, files, chunksize=_chunk(files, n)))


# --- the batch --------------------------------------------------------------------------------------


@dataclass
class Batch:
    """A batch read and checked: the intake, and each counted unit's result and record."""

    intake: Intake
    results: dict[str, UnitResult]  # unit id → result of its one counted file (已收到)
    records: dict[str, bytes]
    inspection: Inspection = field(default_factory=Inspection)
    submissions: dict[str, Submission] = field(default_factory=dict)  # when BatchOptions.keep_submissions


def run_batch(
    rubric: Rubric,
    paths: Iterable[Path],
    options: BatchOptions = BatchOptions(),
    progress: Progress | None = None,
    on_total: Callable[[int], None] | None = None,
    corrections: Ledger | None = None,
) -> Batch:
    """Find, read, check (and score) every input, and account for every path and unit; never raises
    for a bad file.

    Under ``verification: separate`` the inspection teams' workbooks are told apart by their identity
    part and read first, so each unit is scored once, where its submission is read, with its verification.
    """
    with _collector_paused():
        files, skipped = discover(paths, options.exclude)
        if on_total:
            on_total(len(files))
        verification_files: list[VerificationFile] = []
        if rubric.settings.verification == "separate" and files:
            kinds = _kinds(files, options)
            verification_files = [
                read_verification(rubric, f) for f, k in zip(files, kinds, strict=True) if k == KIND
            ]
            files = [f for f, k in zip(files, kinds, strict=True) if k != KIND]
        inspection, inspection_problems = gather_inspection(rubric, verification_files)
        inspection = replace(inspection, corrections=corrections_by_unit(corrections))
        outcomes = _process_all(rubric, files, progress, options, inspection)
        readings = [o.reading for o in outcomes] + [_as_reading(v) for v in verification_files]
        # anything else this tool wrote (a report among the submissions) is accounted for, not read
        others = [r for r in readings if r.kind not in ("submission", KIND)]
        if others:
            readings = [r for r in readings if r.kind in ("submission", KIND)]
            skipped = skipped + [
                Skipped(r.path, r.problems[0].message if r.problems else r.kind) for r in others
            ]
        ledger, problems, unidentified = build_ledger(rubric, readings)
        counted = {row.unit_id for row in ledger if row.status == "已收到"}
        for unit_id in inspection.by_unit:
            if unit_id not in counted and rubric.unit(unit_id).assessed:
                problems.append(problem(Code.VF003, unit=rubric.unit(unit_id).name))
        intake = Intake(readings, skipped, ledger, unidentified, problems + inspection_problems)
        results: dict[str, UnitResult] = {}
        records: dict[str, bytes] = {}
        submissions: dict[str, Submission] = {}
        for o in outcomes:
            uid = o.reading.unit_id
            if uid in counted and o.reading.status == "read":
                if o.result is not None:
                    results[uid] = o.result
                if o.record is not None:
                    records[uid] = o.record
                if o.submission is not None:
                    submissions[uid] = o.submission
        return Batch(intake, results, records, inspection, submissions)


def _as_reading(v: VerificationFile) -> FileReading:
    return FileReading(
        v.path,
        v.sha256,
        "read" if v.status == "read" else "rejected",
        None,
        None,
        v.problems,
        {"team": v.team},
        kind=KIND,
    )


def gather_inspection(rubric: Rubric, files: list[VerificationFile]) -> tuple[Inspection, list[Problem]]:
    """Every unit's verification from the workbooks that cover it; conflicts and disagreements named."""
    parts: dict[str, list[Verification]] = {}
    made_from: dict[str, set[str]] = {}
    for f in files:
        for uv in f.units:
            parts.setdefault(uv.verification.unit_id, []).append(uv.verification)
            made_from.setdefault(uv.verification.unit_id, set()).add(uv.submission_sha256)
    by_unit: dict[str, Verification] = {}
    problems: list[Problem] = []
    spread = rubric.settings.spread
    for unit_id, given in parts.items():
        unit = rubric.unit(unit_id)
        merged, conflicts = merge(unit_id, given)
        for inspector, sources in conflicts:
            problems.append(
                problem(Code.VF004, unit=unit.name, inspector=inspector, files="、".join(sources))
            )
        if conflicts:
            merged = replace(merged, hold=(*merged.hold, "同一检查人员有两份核查结果，待核实"))
        if spread is not None:
            texts = {
                f"{item.id}.{c.id}": f"{item.number or item.id} {item.title}（{c.text[:16]}）"
                for _, item in rubric.items()
                for c in item.criteria
            }
            for uid, gap, who in disagreements(merged, spread):
                problems.append(
                    problem(
                        Code.VF007,
                        unit=unit.name,
                        item=texts.get(uid, uid),
                        spread=fmt(gap),
                        marks=who,
                        limit=fmt(spread),
                    )
                )
        by_unit[unit_id] = merged
    return Inspection(by_unit, {u: frozenset(s) for u, s in made_from.items()}), problems


def check_paths(
    rubric: Rubric,
    paths: Iterable[Path],
    workers: int | None = None,
    progress: Progress | None = None,
    on_total: Callable[[int], None] | None = None,
    exclude: tuple[Path, ...] = (),
) -> Intake:
    """``check``: every stage but the results (problems and the ledger only)."""
    options = replace(CHECK_ONLY, workers=workers, exclude=exclude)
    return run_batch(rubric, paths, options, progress, on_total).intake


def score_paths(
    rubric: Rubric,
    paths: Iterable[Path],
    date: str,
    previous: Mapping[str, Mapping[str, int | Standing]] | None = None,
    options: BatchOptions = BatchOptions(),
    progress: Progress | None = None,
    on_total: Callable[[int], None] | None = None,
    ledger: Ledger | None = None,
    published: Mapping[str, Standing] | None = None,
) -> ScoreRun:
    """``score``: the batch, then every assessed unit's counted result and each group's ranking.

    ``ledger``: corrections after 公示, applied where each unit is scored; ``published``: the standings
    that were published, to say what the corrections changed (更正说明).
    """
    batch = run_batch(rubric, paths, options, progress, on_total, ledger)
    run = rank_batch(rubric, batch, date, previous)
    run.ledger = ledger
    if published is not None:
        run.changes = compare(rubric, published, run.rankings, ledger)
    return run


def rank_batch(
    rubric: Rubric,
    batch: Batch,
    date: str,
    previous: Mapping[str, Mapping[str, int | Standing]] | None = None,
) -> ScoreRun:
    """Each assessed unit's result (scored, or listed with why not) and the ranking of each group."""
    intake = batch.intake
    results: dict[str, UnitResult] = {}
    extra: list[Problem] = []
    by_unit = intake.readings_by_unit()
    for row in intake.ledger:
        if row.status == "不参加考核":
            continue
        unit = rubric.unit(row.unit_id)
        unit_problems = tuple(p for r in by_unit.get(unit.id, []) for p in r.problems)
        if row.status == "已收到" and unit.id in batch.results:
            result = batch.results[unit.id]
            extra.extend(overclaim_problems(result, rubric))
        elif row.status == "未收到":
            result = unscored(rubric, unit, "missing", "未报送")
        elif row.status == "重复报送":
            result = unscored(rubric, unit, "invalid", "收到多份材料，未评分", row.files, unit_problems)
        else:
            result = unscored(rubric, unit, "invalid", "材料无效，未评分", row.files, unit_problems)
        results[unit.id] = result
    rankings = rank_all(rubric, results, previous)
    records = dict(batch.records)
    for ranked in rankings.values():
        for r in ranked:
            if r.result is not results[r.result.unit_id]:  # a quota moved its grade: its record is made anew
                results[r.result.unit_id] = r.result
                records.pop(r.result.unit_id, None)
    return ScoreRun(rubric, intake, results, rankings, date, extra, records, review(rubric, rankings))
