"""What ``check`` hands out: the machine-readable check document and the return notices' contents."""

from __future__ import annotations

from kepu_inspect.core.problems import Problem, Severity
from kepu_inspect.core.results import Intake
from kepu_inspect.core.text import dumps

# ledger facts about a unit, not faults in its material: nothing for the unit to correct and resend
_NOT_FOR_NOTICES = frozenset({"WB026", "WB027"})
# what the inspection teams' workbooks show (stale, disagreeing, out of range…) is for the office and
# the teams, not the unit; VF001 — the unit wrote in the inspectors' columns — is the unit's to undo
_UNIT_VF = frozenset({"VF001"})


def check_json(intake: Intake) -> str:
    """Every file with its SHA-256 and verdict, every skipped path, the ledger and every problem."""
    doc = {
        "files": [
            {"path": r.path, "sha256": r.sha256, "status": r.status, "unit_id": r.unit_id}
            for r in intake.readings
        ],
        "skipped": [{"path": s.path, "reason": s.reason} for s in intake.skipped],
        "ledger": [
            {
                "unit_id": r.unit_id,
                "unit": r.unit_name,
                "group": r.group,
                "status": r.status,
                "files": list(r.files),
            }
            for r in intake.ledger
        ],
        "problems": [p.as_dict() for p in intake.all_problems()],
    }
    return dumps(doc)


def notice_problems(problems: list[Problem]) -> dict[str, list[Problem]]:
    """Per unit, the problems its return notice (退回修改通知) lists: errors and warnings in its material."""
    by_unit: dict[str, list[Problem]] = {}
    for p in problems:
        code = p.code.name
        if code.startswith("VF") and code not in _UNIT_VF:
            continue
        if p.unit and p.severity is not Severity.INFO and code not in _NOT_FOR_NOTICES:
            by_unit.setdefault(p.unit, []).append(p)
    return dict(sorted(by_unit.items()))
