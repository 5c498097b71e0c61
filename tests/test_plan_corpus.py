"""``rubric import`` measured on the corpus of plans written for issue 18 (``tests/data/plans/corpus``).

The figures (items right / total, assignments right / total) are printed with ``-s`` and by
``python -m tests.plan_corpus``; the thresholds are the issue's: ≥ 95 % of items, ≥ 90 % of unit
assignments (unit and role), and every miss that remains carries a PL warning on its item.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kepu_inspect.core.rubric import normalise_name
from tests.plan_corpus import expected_cases, plan_path, report, score_case, score_corpus, totals

CASES = expected_cases()


def test_corpus_has_the_styles_the_issue_asks_for() -> None:
    assert len(CASES) >= 12
    kinds = {plan_path(c)[0].suffix for c in CASES}
    assert {".txt", ".docx", ".xlsx"} <= kinds
    levels = {plan_path(c)[2]["level"] for c in CASES}
    assert {"national", "province", "city", "county", "district"} <= levels


def test_corpus_scores() -> None:
    scores = score_corpus()
    print("\n" + report(scores))
    items_right, items_total, pairs_right, pairs_total = totals(scores)
    assert items_right >= 0.95 * items_total, report(scores)
    assert pairs_right >= 0.90 * pairs_total, report(scores)
    unwarned = [f"{s.name}: {m}" for s in scores for m in s.unwarned]
    assert not unwarned, "misses without a PL warning:\n" + "\n".join(unwarned)


@pytest.mark.parametrize("expected", CASES, ids=[c.name.removesuffix(".expected.yaml") for c in CASES])
def test_plan_level_title_issuer_and_structure(expected: Path) -> None:
    spec = plan_path(expected)[2]
    _, result = score_case(expected)
    plan = result.plan
    assert plan is not None and not result.fatal
    assert plan.level == spec["level"]
    assert plan.title == spec["title"]
    if "year" in spec:
        assert plan.year == spec["year"]
    if "issuer" in spec:
        assert plan.issuer == spec["issuer"]
    notes = [n.title for n in plan.notes]
    for title in spec.get("notes", ()):
        assert title in notes, notes
    if "sections" in spec:
        assert [s.title for s in plan.sections if plan.items_of(plan.sections.index(s))] == spec["sections"]
    if "groups" in spec:
        used = [g.title for i, g in enumerate(plan.groups) if any(it.group == i for it in plan.items)]
        assert used == spec["groups"]
    for title, leads in spec.get("group_leads", {}).items():
        group = next(g for g in plan.groups if g.title == title)
        assert list(group.leads) == leads
    units = {u.name: u for u in plan.units}
    for name, aliases in spec.get("aliases", {}).items():
        assert set(aliases) <= set(units[name].aliases)
    for a, b in spec.get("distinct", ()):
        assert a in units and b in units, list(units)
    for name in spec.get("county_units", ()):
        assert units[name].group == "county"
    spellings = {normalise_name(n) for u in plan.units for n in (u.name, *u.aliases)}
    for name in spec.get("no_units", ()):
        assert normalise_name(name) not in spellings
