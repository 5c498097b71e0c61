"""Machine-readable results: JSON (everything, auditable) and CSV (the ranking tables, for Excel)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from typing import IO, Any

from kepu_inspect import __version__
from kepu_inspect.core.numbers import fmt
from kepu_inspect.core.problems import Problem
from kepu_inspect.core.record import encode_record, unpack_record
from kepu_inspect.core.results import ScoreRun, UnitResult
from kepu_inspect.core.statement import scoring_statement
from kepu_inspect.reports.safe_text import displayable, dumps, neutralise
from kepu_inspect.reports.tables import (
    CHANGE_COLUMNS,
    OBJECTION_COLUMNS,
    change_rows,
    inspection_text,
    objection_rows,
    ranking_tables,
    report_title,
)


def _cell(value: object) -> object:
    """A CSV cell: no formula injection, no control characters (a lone CR would break lines)."""
    if isinstance(value, str):
        value = displayable(value.replace("\r\n", "\n").replace("\r", "\n"))
    return neutralise(value)


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
        "rules": scoring_statement(run.rubric),
        "corrections": None
        if run.ledger is None
        else {"file": run.ledger.source, "sha256": run.ledger.sha256},
    }
    d = run.rubric.settings.decimals
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
                            "score": fmt(r.result.score, d) if r.result.has_score else None,
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
            (_unit_record(run, run.results[u.id]) for u in run.rubric.units if u.id in run.results),
        ),
        ("problems", (p.as_dict() for p in run.problems())),
        ("review", review_entries(run)),
        (
            "changes",
            (
                dict(zip(("group", "unit", "published", "now", "because"), r, strict=True))
                for r in change_rows(run)
            ),
        ),
        (
            "objections",
            (
                dict(
                    zip(("unit", "objection", "conclusion", "result", "approved_by", "date"), r, strict=True)
                )
                for r in objection_rows(run)
            ),
        ),
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


def review_entries(run: ScoreRun) -> Iterator[dict[str, Any]]:
    """复核提示: the fragile pairs, then the fragile grades (closest calls first)."""
    if run.review is None:
        return
    d = run.rubric.settings.decimals
    for p in run.review.pairs:
        yield {
            "kind": "pair",
            "group": p.group,
            "first": p.first,
            "second": p.second,
            "ranks": [p.first_rank, p.second_rank],
            "gap": fmt(p.gap, d),
            "reason": p.reason,
        }
    for g in run.review.grades:
        yield {
            "kind": "grade",
            "group": g.group,
            "unit": g.unit,
            "rank": g.rank,
            "score": fmt(g.score, d),
            "grade": g.grade,
            "could_be": g.other,
            "line": fmt(g.line),
            "reason": g.reason,
        }


def _unit_record(run: ScoreRun, res: UnitResult) -> bytes:
    """The record made where the unit was scored, or made here (units listed without a score)."""
    record = run.records.get(res.unit_id)
    if record is not None:
        return unpack_record(record)
    return encode_record(run.rubric.settings.decimals, res)


def results_json(run: ScoreRun) -> str:
    return b"".join(iter_results_json(run)).decode("utf-8")


def write_results_json(run: ScoreRun, sink: IO[bytes]) -> None:
    """Stream the results document into ``sink``: a national run never holds it whole."""
    for piece in iter_results_json(run):
        sink.write(piece)


def ranking_csv(run: ScoreRun) -> str:
    """All ranking tables in one CSV (group column first, the 督导检查意见 last); UTF-8 with BOM is added by
    the writer."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    tables = ranking_tables(run)
    columns = ("分组", *max((t.columns for t in tables), key=len)) if tables else ("分组",)
    writer.writerow((*columns, "督导检查意见"))
    for t in tables:
        for row, r in zip(t.rows, t.ranked, strict=True):
            padded = (*row, *([""] * (len(columns) - 1 - len(row))))
            writer.writerow(
                [_cell(t.group_name), *(_cell(v) for v in padded), _cell(inspection_text(r.result))]
            )
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


def changes_csv(run: ScoreRun) -> str:
    """更正说明 then 异议处理情况, as one CSV for Excel (a blank row between the two tables)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(CHANGE_COLUMNS)
    for row in change_rows(run):
        writer.writerow([_cell(v) for v in row])
    writer.writerow([])
    writer.writerow(OBJECTION_COLUMNS)
    for row in objection_rows(run):
        writer.writerow([_cell(v) for v in row])
    return buf.getvalue()
