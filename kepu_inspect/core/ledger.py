"""The intake ledger: which material counts for each unit (已收到 / 未收到 / 重复报送 / 材料无效)."""

from __future__ import annotations

from kepu_inspect.core.problems import Code, Problem, Severity, problem
from kepu_inspect.core.results import FileReading, LedgerRow, LedgerStatus
from kepu_inspect.core.rubric import Rubric

# a file with one of these errors cannot be scored: it is not this year's form, or its item sheet is gone
BLOCKING = {"WB008", "WB010"}


def build_ledger(
    rubric: Rubric, readings: list[FileReading]
) -> tuple[list[LedgerRow], list[Problem], list[str]]:
    """One row per unit of the rubric (in rubric order), the ledger problems, and unidentified files."""
    by_unit: dict[str, list[FileReading]] = {}
    unidentified: list[str] = []
    for r in readings:
        if r.kind != "submission":  # an inspection team's workbook is not a unit's material
            continue
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
