"""Intake: find every input file, read each one safely, and account for every path and every unit."""

from __future__ import annotations

import contextlib
import gc
import os
import stat
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from kepu_inspect.adapters.workbook_reader import FileReading, read_submission
from kepu_inspect.core.problems import Code, Problem, Severity, problem
from kepu_inspect.core.rubric import Rubric
from kepu_inspect.core.scoring import UnitResult, score_unit

WORKBOOK_SUFFIXES = {".xlsx", ".xlsm", ".xltx", ".xls", ".et", ".ett", ".ods", ".csv"}
BLOCKING = {"WB008", "WB010"}
POOL_THRESHOLD = 200  # below this, starting worker processes costs more than it saves
CHUNK_MAX = 32  # files per task sent to a worker

LedgerStatus = Literal["已收到", "未收到", "重复报送", "材料无效", "不参加考核"]


@dataclass(frozen=True)
class Skipped:
    path: str
    reason: str


@dataclass(frozen=True)
class LedgerRow:
    unit_id: str
    unit_name: str
    group: str
    status: LedgerStatus
    files: tuple[str, ...]


@dataclass
class Intake:
    readings: list[FileReading] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    ledger: list[LedgerRow] = field(default_factory=list)
    unidentified: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)  # ledger-level problems

    def all_problems(self) -> list[Problem]:
        return [p for r in self.readings for p in r.problems] + self.problems

    def readings_by_unit(self) -> dict[str, list[FileReading]]:
        """Readings grouped by unit id, in input order (built once: lookups per unit stay O(1))."""
        grouped: dict[str, list[FileReading]] = {}
        for r in self.readings:
            if r.unit_id is not None:
                grouped.setdefault(r.unit_id, []).append(r)
        return grouped

    def reading_for(self, unit_id: str) -> FileReading | None:
        """The one reading that counts for a unit (None unless the ledger says 已收到)."""
        row = next((r for r in self.ledger if r.unit_id == unit_id), None)
        if row is None or row.status != "已收到":
            return None
        return next(r for r in self.readings_by_unit()[unit_id] if r.status == "read")


def _skip_reason(name: str) -> str | None:
    if name.startswith("~$"):
        return "Excel/WPS 打开文件时生成的临时锁定文件"
    if name.startswith(".~lock.") and name.endswith("#"):
        return "LibreOffice 打开文件时生成的锁定文件"
    if name.startswith("."):
        return "隐藏文件"
    if name.lower() in ("thumbs.db", "desktop.ini"):
        return "系统文件"
    return None


def discover(paths: Iterable[Path]) -> tuple[list[Path], list[Skipped]]:
    """Files to read, and every other path with the reason it was skipped (nothing unaccounted for).

    Symlinks are not followed and special files (FIFOs, devices) are never opened: opening a FIFO
    would hang the run. A path named twice (a folder and a file in it) is considered once, and one
    file reached under two names (a hard link) is read once, so it cannot pose as a duplicate.
    """
    found: list[Path] = []
    skipped: list[Skipped] = []
    seen_paths: set[str] = set()
    seen_objects: dict[tuple[int, int], str] = {}

    def consider(path: Path, explicit: bool) -> None:
        where = os.path.abspath(path)
        if where in seen_paths:
            return
        seen_paths.add(where)
        try:
            st = os.lstat(path)
        except OSError as exc:
            skipped.append(Skipped(str(path), f"无法访问：{exc.strerror}"))
            return
        if stat.S_ISDIR(st.st_mode) or stat.S_ISREG(st.st_mode):
            first = seen_objects.setdefault((st.st_dev, st.st_ino), str(path))
            if first != str(path):
                skipped.append(
                    Skipped(str(path), f"与“{first}”是同一个文件或文件夹（硬链接或挂载），只读取一次")
                )
                return
        if stat.S_ISLNK(st.st_mode):
            skipped.append(Skipped(str(path), "符号链接（快捷方式），未跟随；请直接放入原文件"))
            return
        if stat.S_ISDIR(st.st_mode):
            if not explicit and path.name.startswith("."):
                # .git, .Trash, a synced folder's cache: one line for the folder, not one per file in it
                skipped.append(Skipped(str(path), "隐藏文件夹，未读取其中的文件"))
                return
            try:
                entries = sorted(os.listdir(path))
            except OSError as exc:
                skipped.append(Skipped(str(path), f"无法读取文件夹：{exc.strerror}"))
                return
            for entry in entries:
                consider(path / entry, explicit=False)
            return
        if not stat.S_ISREG(st.st_mode):
            skipped.append(Skipped(str(path), "不是普通文件（设备或管道），未读取"))
            return
        reason = _skip_reason(path.name)
        if reason:
            skipped.append(Skipped(str(path), reason))
            return
        if not explicit and path.suffix.lower() not in WORKBOOK_SUFFIXES:
            skipped.append(Skipped(str(path), "不是工作簿文件"))
            return
        found.append(path)

    for p in paths:
        consider(p, explicit=True)
    return found, skipped


@dataclass(frozen=True)
class Scoring:
    """What a worker does after reading a file: score it, render its record, keep item detail or not.

    ``render`` (a module-level function, so it can be sent to a worker) turns a unit's result into
    its results-file record where the work is parallel; ``keep_items`` False drops the item-level
    detail afterwards, so a run that writes no item-level report sends back only a small result.
    ``score`` False is a check only: nothing is scored and the submission is dropped once checked,
    so a national ``check`` holds problems, not every value of every workbook.
    """

    render: Callable[[Rubric, UnitResult], str] | None = None
    keep_items: bool = True
    score: bool = True


CHECK_ONLY = Scoring(score=False)


def pack_record(text: str, compress: bool) -> bytes:
    """A rendered record as it travels and waits: UTF-8, deflated when memory is short.

    At 3,000 units the records (JSON with every criterion) hold ≈ 55 MB until the results file is
    written. That is affordable in a lean run; next to the item detail of a full run it is not, so
    there they are deflated (≈ 1/10; costs ≈ 0.1 ms per unit in the workers, 0.04 ms to inflate).
    """
    data = text.encode("utf-8")
    return zlib.compress(data, 1) if compress else data


def unpack_record(data: bytes) -> bytes:
    """The record's UTF-8 text, ready to be written as it is (a JSON object starts with "{")."""
    return data if data[:1] == b"{" else zlib.decompress(data)


def process_file(rubric: Rubric, path: Path, scoring: Scoring | None) -> FileReading:
    """Read one file and, when asked, score it right there.

    Scoring where the file was read lets each worker send back one small result instead of every
    cell; the submission itself is then dropped. Whether the result counts is decided later by the
    ledger (a unit with two files, for instance, is not scored at all).
    """
    reading = read_submission(rubric, path)
    if scoring and not scoring.score:
        return replace(reading, submission=None) if reading.submission is not None else reading
    if (
        scoring
        and reading.status == "read"
        and reading.submission is not None
        and reading.unit_id is not None
    ):
        unit = rubric.unit(reading.unit_id)
        if unit.assessed:
            result = score_unit(rubric, unit, reading.submission, (reading.path,), tuple(reading.problems))
            record = (
                pack_record(scoring.render(rubric, result), scoring.keep_items) if scoring.render else None
            )
            if not scoring.keep_items:
                result = replace(result, items=())
            reading = replace(reading, result=result, submission=None, record=record)
    return reading


def _read_serial(
    rubric: Rubric, files: list[Path], progress: Callable[[int], None] | None, scoring: Scoring | None
) -> list[FileReading]:
    out = []
    for f in files:
        out.append(process_file(rubric, f, scoring))
        if progress:
            progress(1)
    return out


_WORKER: dict[str, Any] = {}


def _init_worker(rubric: Rubric, scoring: Scoring | None) -> None:
    gc.enable()  # forked while the parent had it paused; a worker's garbage is short-lived anyway
    _WORKER["rubric"], _WORKER["scoring"] = rubric, scoring


def _read_one(path: Path) -> FileReading:
    return process_file(_WORKER["rubric"], path, _WORKER["scoring"])


_PAUSES = [0]


@contextlib.contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while many long-lived, acyclic objects are built.

    Receiving thousands of results creates millions of objects (≈ 1.2 M at 3,000 units × 40 items
    with item detail), and every allocation burst triggers collections that walk everything alive,
    rubric included: measured at ≈ 1.2 s of the main process's CPU at that size. Freezing what exists
    also keeps the rubric out of the workers' collections (and so keeps forked pages shared). Results
    hold no reference cycles, so nothing accumulates meanwhile. Nested uses pause once.
    """
    _PAUSES[0] += 1
    outer = _PAUSES[0] == 1
    enabled = gc.isenabled()
    if outer:
        gc.disable()
        gc.freeze()
    try:
        yield
    finally:
        _PAUSES[0] -= 1
        if outer:
            gc.unfreeze()
            if enabled:
                gc.enable()


def read_all(
    rubric: Rubric,
    files: list[Path],
    progress: Callable[[int], None] | None = None,
    workers: int | None = None,
    scoring: Scoring | None = None,
) -> list[FileReading]:
    """Read files, in a process pool for large folders; results come back in input order."""
    n = workers if workers is not None else (os.cpu_count() or 1)
    if n <= 1 or len(files) < POOL_THRESHOLD:
        return _read_serial(rubric, files, progress, scoring)
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    ctx = multiprocessing.get_context("fork" if hasattr(os, "fork") else "spawn")
    out: list[FileReading] = []
    with (
        paused_gc(),
        ProcessPoolExecutor(
            max_workers=n, mp_context=ctx, initializer=_init_worker, initargs=(rubric, scoring)
        ) as pool,
    ):
        # small chunks: when one worker runs out of files, the other has at most ~30 left (≈ 0.15 s)
        chunk = max(1, min(CHUNK_MAX, len(files) // (n * 8)))
        for reading in pool.map(_read_one, files, chunksize=chunk):
            out.append(reading)
            if progress:
                progress(1)
    return out


def build_ledger(
    rubric: Rubric, readings: list[FileReading]
) -> tuple[list[LedgerRow], list[Problem], list[str]]:
    by_unit: dict[str, list[FileReading]] = {}
    unidentified: list[str] = []
    for r in readings:
        if r.unit_id is None:
            unidentified.append(r.path)
        else:
            by_unit.setdefault(r.unit_id, []).append(r)
    rows: list[LedgerRow] = []
    problems: list[Problem] = []
    for unit in rubric.units:
        files = by_unit.get(unit.id, [])
        names = tuple(r.path for r in files)
        group = rubric.group(unit.group).name
        if not unit.assessed:
            if files:
                problems.append(problem(Code.WB026, unit=unit.name, file=names[0]))
                rows.append(LedgerRow(unit.id, unit.name, group, "不参加考核", names))
            continue
        if not files:
            problems.append(problem(Code.WB027, unit=unit.name))
            status: LedgerStatus = "未收到"
        elif len(files) > 1:
            problems.append(problem(Code.WB025, unit=unit.name, files="、".join(names)))
            status = "重复报送"
        else:
            only = files[0]
            blocked = only.status != "read" or any(
                p.code.name in BLOCKING and p.severity is Severity.ERROR for p in only.problems
            )
            status = "材料无效" if blocked else "已收到"
        rows.append(LedgerRow(unit.id, unit.name, group, status, names))
    return rows, problems, unidentified


def run_intake(
    rubric: Rubric,
    paths: Iterable[Path],
    progress: Callable[[int], None] | None = None,
    on_total: Callable[[int], None] | None = None,
    workers: int | None = None,
    scoring: Scoring | None = None,
) -> Intake:
    """Discover, read and account for every input; never raises for a bad file.

    ``scoring``: also score each readable file where it is read (see ``process_file``).
    """
    files, skipped = discover(paths)
    if on_total:
        on_total(len(files))
    readings = read_all(rubric, files, progress, workers, scoring)
    ledger, problems, unidentified = build_ledger(rubric, readings)
    return Intake(readings, skipped, ledger, unidentified, problems)
