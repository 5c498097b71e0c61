"""Machine-readable results: JSON (everything, auditable) and CSV (the ranking tables, for Excel)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from kepu_inspect import __version__
from kepu_inspect.adapters.output import atomic_open, neutralise
from kepu_inspect.core.numbers import fmt
from kepu_inspect.core.problems import Problem
from kepu_inspect.core.rubric import Rubric
from kepu_inspect.core.scoring import UnitResult
from kepu_inspect.reports.safe_text import displayable, dumps
from kepu_inspect.reports.tables import ranking_tables, report_title
from kepu_inspect.services.intake import unpack_record
from kepu_inspect.services.scoring_service import ScoreRun


def _cell(value: object) -> object:
    """A CSV cell: no formula injection, no control characters (a lone CR would break lines)."""
    if isinstance(value, str):
        value = displayable(value.replace("\r\n", "\n").replace("\r", "\n"))
    return neutralise(value)


def unit_record(rubric: Rubric, res: UnitResult) -> str:
    """One unit's line in the results file (rendered where the unit was scored, in a worker)."""
    return dumps(_unit_json(rubric.settings.decimals, res), compact=True)


def _unit_json(d: int, res: UnitResult) -> dict[str, Any]:
    return {
        "unit_id": res.unit_id,
        "unit": res.unit_name,
        "group_id": res.group_id,
        "status": res.status,
        "max_base": fmt(res.max_base),
        "self_total": fmt(res.self_total, d),
        "base": fmt(res.base, d),
        "bonus": fmt(res.bonus, d),
        "deductions": fmt(res.deductions, d),
        "rate": fmt(res.rate, d),
        "score": fmt(res.score, d),
        "grade": res.grade,
        "gates": list(res.gates),
        "notes": list(res.notes),
        "unverified": res.unverified,
        "files": list(res.files),
        "overclaims": [
            {
                "item_id": o.item_id,
                "title": o.title,
                "self": fmt(o.self_points),
                "verified": fmt(o.verified_points),
                "diff": fmt(o.diff),
            }
            for o in res.overclaims
        ],
        "items": [
            {
                "item_id": it.item_id,
                "number": it.number,
                "title": it.title,
                "section": it.section_id,
                "bonus_section": it.bonus_section,
                "weight": fmt(it.weight),
                "max": fmt(it.max_points),
                "self": fmt(it.self_points),
                "points": fmt(it.points),
                "bonus_points": fmt(it.bonus_points),
                "verified": it.verified,
                "opinion": it.opinion,
                "criteria": [
                    {
                        "id": c.uid,
                        "text": c.text,
                        "rule": c.rule,
                        "max": fmt(c.max_points),
                        "inputs": {label: value for label, value in c.inputs},
                        "computed": None if c.computed is None else fmt(c.computed),
                        "self": None if c.self_score is None else fmt(c.self_score),
                        "verified": None if c.verified is None else fmt(c.verified),
                        "points": fmt(c.points),
                        "basis": c.basis,
                        "reason": c.reason,
                        "bonus": c.bonus,
                    }
                    for c in it.criteria
                ],
            }
            for it in res.items
        ],
    }


def iter_results_json(run: ScoreRun) -> Iterator[bytes]:
    """The results document, UTF-8, in pieces: one line per file, unit, ranking and problem.

    Everything needed to audit and reproduce the results (rubric hash, each file's SHA-256). Written
    piece by piece, so a national run never holds the whole document in memory, and each record is
    encoded by json's C encoder; one record per line keeps it readable and diff-able. Bytes, so the
    workers' records go out as they came, and the file is the same on every system (no newline
    translation).
    """
    meta = run.rubric.meta
    head = {
        "tool": {"name": "kepu-inspect", "version": __version__},
        "title": report_title(run),
        "date": run.date,
        "rubric": {
            "id": meta.id,
            "title": meta.title,
            "year": meta.year,
            "version": meta.version,
            "content_hash": run.rubric.content_hash,
            "decimals": run.rubric.settings.decimals,
        },
    }
    d = run.rubric.settings.decimals
    # records already rendered in the workers, for the results that came from them
    records = {
        id(r.result): r.record for r in run.intake.readings if r.record is not None and r.result is not None
    }
    sections: list[tuple[str, Iterable[Any]]] = [
        (
            "files",
            (
                {"path": r.path, "sha256": r.sha256, "status": r.status, "unit_id": r.unit_id}
                for r in run.intake.readings
            ),
        ),
        ("skipped", ({"path": s.path, "reason": s.reason} for s in run.intake.skipped)),
        (
            "ledger",
            (
                {
                    "unit_id": row.unit_id,
                    "unit": row.unit_name,
                    "group": row.group,
                    "status": row.status,
                    "files": list(row.files),
                }
                for row in run.intake.ledger
            ),
        ),
        (
            "rankings",
            (
                {
                    "group_id": t.group_id,
                    "group": t.group_name,
                    "normalised": t.normalised,
                    "rows": [
                        {
                            "rank": r.rank,
                            "tie": r.tie,
                            "tie_note": r.tie_note,
                            "change": r.change,
                            "unit_id": r.result.unit_id,
                            "unit": r.result.unit_name,
                            "score": fmt(r.result.score, d) if r.result.scored else None,
                            "grade": r.result.grade,
                            "status": r.result.status,
                        }
                        for r in t.ranked
                    ],
                }
                for t in ranking_tables(run)
            ),
        ),
        (
            "units",
            (_unit_record(run, records, run.results[u.id]) for u in run.rubric.units if u.id in run.results),
        ),
        ("problems", (p.as_dict() for p in run.problems())),
    ]
    yield ("{" + dumps(head, compact=True)[1:-1]).encode()
    for name, entries in sections:
        yield f',\n"{name}":['.encode()
        first = True
        for entry in entries:
            yield b"\n" if first else b",\n"
            yield entry if isinstance(entry, bytes) else dumps(entry, compact=True).encode()
            first = False
        yield b"\n]"
    yield b"\n}\n"


def _unit_record(run: ScoreRun, records: dict[int, bytes], res: UnitResult) -> bytes:
    """The worker's record when this very result object came from it, otherwise rendered here."""
    record = records.get(id(res))
    if record is not None:
        return unpack_record(record)
    return dumps(_unit_json(run.rubric.settings.decimals, res), compact=True).encode()


def results_json(run: ScoreRun) -> str:
    return b"".join(iter_results_json(run)).decode("utf-8")


def write_results_json(run: ScoreRun, target: Path) -> None:
    """Stream the results document to ``target`` atomically."""
    with atomic_open(target, "wb") as fh:
        for piece in iter_results_json(run):
            fh.write(piece)


def ranking_csv(run: ScoreRun) -> str:
    """All ranking tables in one CSV (group column first); UTF-8 with BOM is added by the writer."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    tables = ranking_tables(run)
    columns = ("分组", *max((t.columns for t in tables), key=len)) if tables else ("分组",)
    writer.writerow(columns)
    for t in tables:
        for row in t.rows:
            padded = (*row, *([""] * (len(columns) - 1 - len(row))))
            writer.writerow([_cell(t.group_name), *(_cell(v) for v in padded)])
    return buf.getvalue()


def problems_csv(problems: list[Problem]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(("代码", "级别", "单位", "文件", "工作表", "单元格", "原值", "问题", "怎么改"))
    for p in problems:
        writer.writerow(
            [
                _cell(v or "")
                for v in (
                    p.code.name,
                    p.severity.label,
                    p.unit,
                    p.file,
                    p.sheet,
                    p.cell,
                    p.value,
                    p.message,
                    p.hint,
                )
            ]
        )
    return buf.getvalue()
