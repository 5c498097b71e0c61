"""``role: lead | cooperate`` on applies_to entries: recorded from the plan, never a score change by itself."""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

from kepu_inspect.adapters.rubric_file import load_rubric_text
from kepu_inspect.core.scoring import score_unit
from kepu_inspect.core.submission import CriterionEntry, Submission

MINI = Path(__file__).resolve().parent / "data" / "mini.yaml"


def _with_roles(text: str) -> str:
    return text.replace(
        "applies_to: [{leads: youth, weight: 1.5}, 市科协]",
        "applies_to: [{leads: youth, weight: 1.5, role: lead}, {unit: 市科协, role: cooperate}]",
    ).replace("applies_to: [{group: dept}]", "applies_to: [{group: dept, role: cooperate}]")


def test_roles_are_read_and_change_no_score() -> None:
    plain_text = MINI.read_text("utf-8")
    roled_text = _with_roles(plain_text)
    assert roled_text != plain_text
    plain = load_rubric_text(plain_text, MINI).rubric
    roled = load_rubric_text(roled_text, MINI).rubric
    assert plain is not None and roled is not None
    roles = {(s.kind, s.ref): s.role for _, it in roled.items() for s in it.applies_to if s.role}
    assert roles == {("leads", "youth"): "lead", ("unit", "K"): "cooperate", ("group", "dept"): "cooperate"}
    submission = Submission(
        "J",
        {
            "D1.a": CriterionEntry({"c1": True, "c2": False}, D(2), D(2)),
            "D1.b": CriterionEntry({"k1": D(0), "k2": D(3)}, D("1.5"), D("1.5")),
            "D2.a": CriterionEntry({}, D(6), D("4.5")),
        },
    )
    for rubric in (plain, roled):
        unit = rubric.unit("J")
        assert rubric.max_base(unit) == 12
        assert score_unit(rubric, unit, submission).score == D("66.67")


def test_unknown_role_is_refused_with_its_line() -> None:
    text = MINI.read_text("utf-8").replace(
        "applies_to: [{group: dept}]", "applies_to: [{group: dept, role: 主办}]"
    )
    loaded = load_rubric_text(text, MINI)
    assert loaded.rubric is None or any(p.code.name == "RB001" for p in loaded.problems)
    assert [p.code.name for p in loaded.problems] == ["RB001"]
    assert loaded.problems[0].line is not None


def test_item_group_without_leads_loads() -> None:
    """A plan's subsection that names no 牵头部门 stays an item group (issue 18)."""
    text = MINI.read_text("utf-8")
    assert "item_groups:" in text
    text = text.replace("item_groups:\n", "item_groups:\n  - {id: plain, name: 社区科普}\n", 1)
    loaded = load_rubric_text(text, MINI)
    assert loaded.rubric is not None and not loaded.problems
    group = next(g for g in loaded.rubric.item_groups if g.id == "plain")
    assert group.leads == ()
