"""The format additions real rubrics need (issue 17): each rule and total at its boundaries, by hand.

Rule kinds: level bands, a shared pool, compound conditions, best of several counts, required counts,
growth on last year, uncapped accumulation, shortfall deductions, rank tiers. Totals: 扣分 sections,
items the office reports, section-minimum gates, rubrics without grades, the split group totals.
"""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

import pytest

from kepu_inspect.adapters.rubric_file import load_rubric_text
from kepu_inspect.core.numbers import Interval
from kepu_inspect.core.rubric import Rubric
from kepu_inspect.core.rules import (
    BestOf,
    Category,
    Compound,
    Condition,
    DeductPer,
    Fault,
    Growth,
    Judged,
    Level,
    Levels,
    Option,
    PerCategory,
    PerFault,
    Pool,
    Shortfall,
    Target,
    Tier,
    Tiers,
)
from kepu_inspect.core.scoring import score_unit
from kepu_inspect.core.submission import CriterionEntry, Submission

NO: dict[str, D] = {}


# --- level bands --------------------------------------------------------------------------------
BANDS = Levels(
    "群众满意度",
    (
        Level("优秀", share=D("0.9"), share_to=D(1)),
        Level("良好", share=D("0.7"), share_to=D("0.9")),
        Level("一般", points=D(1)),
    ),
)


@pytest.mark.parametrize(
    ("level", "proposed", "points"),
    [
        ("优秀", "9", 9),  # the band's lower edge
        ("优秀", "10", 10),  # its upper edge
        ("优秀", "9.5", D("9.5")),  # inside
        ("优秀", "8", 9),  # below the band: the band's lowest
        ("良好", "9.5", 9),  # above the band: the band's highest
        ("良好", None, 7),  # no proposal: the band's lowest
        ("一般", "5", 1),  # a fixed level ignores the proposal
    ],
)
def test_level_band_takes_the_score_inside_its_band(level: str, proposed: str | None, points: D) -> None:
    values: dict[str, object] = {"level": level}
    if proposed is not None:
        values["score"] = D(proposed)
    outcome = BANDS.evaluate(D(10), values, NO)  # type: ignore[arg-type]
    assert outcome.points == D(points)


def test_level_band_maximum_and_wants_the_score() -> None:
    assert BANDS.max_points(D(10)) == 10
    assert BANDS.wants_score
    assert not Levels("x", (Level("好", D(2)), Level("差", D(0)))).wants_score


# --- one pool ----------------------------------------------------------------------------------
POOL = Pool(
    faults=(Fault("未按期换届", D(3)),),
    per=(PerFault("缺席县科协会议", D(1)),),
    judged=(Judged("会员名册不全", D(3)),),
    bonuses=(Fault("有专职秘书长", D(1)),),
)


def pool(f: bool, absent: int, judged: str, bonus: bool) -> D | None:
    values = {"f1": f, "p1": D(absent), "j1": D(judged), "b1": bonus}
    return POOL.evaluate(D(20), values, NO).points  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("f", "absent", "judged", "bonus", "points"),
    [
        (False, 0, "0", False, 20),
        (False, 0, "0", True, 20),  # the bonus never lifts the item above its points
        (True, 0, "0", True, 18),  # 20 − 3 + 1
        (True, 4, "2", True, 12),  # 20 − 3 − 4 − 2 + 1: one pool, one floor
        (True, 4, "5", False, 10),  # the judged deduction is at most 3
        (True, 30, "3", False, 0),  # 扣完为止
        (True, 30, "3", True, 1),  # the bonus is added after the deductions stopped at 0
    ],
)
def test_pool_deducts_from_one_pool_and_adds_bonuses_after(
    f: bool, absent: int, judged: str, bonus: bool, points: int
) -> None:
    assert pool(f, absent, judged, bonus) == points


def test_pool_differs_from_invented_sub_pools() -> None:
    """The issue's point: cut into sub-pools (5 for 换届, 5 for attendance, 5 for the roll, 5 with the
    bonus) each floors on its own, so 8 absences cost 5, not 8, and the total comes out higher."""
    one = pool(True, 8, "3", True)
    sub = (5 - 3) + max(0, 5 - 8) + (5 - 3) + min(5, 5 + 1)
    assert one == 20 - 3 - 8 - 3 + 1 == 7
    assert sub == 9
    assert one != sub


def test_pool_inputs_are_what_the_unit_knows() -> None:
    kinds = [(s.key, s.kind, s.measure) for s in POOL.inputs()]
    assert kinds == [("f1", "yesno", ""), ("p1", "number", "次"), ("j1", "number", "分"), ("b1", "yesno", "")]
    assert POOL.inputs()[2].high == 3  # the judged amount cannot exceed its maximum on the form


# --- compound conditions -----------------------------------------------------------------------
SEWAGE = Compound(
    (
        Condition("污水处理率", Interval(D(80), True, None), "%"),
        Condition("垃圾无害化处理率", Interval(D(90), True, None), "%"),
        Condition("建立长效机制"),
    )
)


@pytest.mark.parametrize(
    ("sewage", "waste", "mechanism", "points"),
    [("80", "90", True, 3), ("79.9", "95", True, 0), ("85", "89.99", True, 0), ("100", "100", False, 0)],
)
def test_compound_needs_every_part_numbers_included(
    sewage: str, waste: str, mechanism: bool, points: int
) -> None:
    values = {"c1": D(sewage), "c2": D(waste), "c3": mechanism}
    assert SEWAGE.evaluate(D(3), values, NO).points == points  # type: ignore[arg-type]


def test_compound_with_need_counts_the_parts_met() -> None:
    rule = Compound(SEWAGE.conditions, need=2)
    assert rule.evaluate(D(3), {"c1": D(80), "c2": D(0), "c3": True}, NO).points == 3
    assert rule.evaluate(D(3), {"c1": D(79), "c2": D(0), "c3": True}, NO).points == 0


# --- best of ------------------------------------------------------------------------------------
BEST = BestOf(
    (
        Option("省级推广", Interval(D(1), True, None), D(3), "篇"),
        Option("市级推广", Interval(D(2), True, None), D(2), "篇"),
        Option("县级推广", Interval(D(3), True, None), D(1), "篇"),
    )
)


@pytest.mark.parametrize(
    ("province", "city", "county", "points"),
    [(0, 0, 0, 0), (0, 1, 2, 0), (0, 2, 0, 2), (1, 5, 9, 3), (0, 2, 3, 2), (0, 0, 3, 1)],
)
def test_best_of_takes_the_best_never_the_sum(province: int, city: int, county: int, points: int) -> None:
    values = {"k1": D(province), "k2": D(city), "k3": D(county)}
    assert BEST.evaluate(D(3), values, NO).points == points  # type: ignore[arg-type]
    assert BEST.max_points(D(3)) == 3


# --- required counts ----------------------------------------------------------------------------
MEETINGS = DeductPer("召开例会", D("2.5"), "次", required=Target(value=D(4)))


@pytest.mark.parametrize(("held", "points"), [(4, 10), (9, 10), (3, D("7.5")), (1, D("2.5")), (0, 0)])
def test_required_count_is_entered_as_done_and_the_shortfall_worked_out(held: int, points: D) -> None:
    assert MEETINGS.evaluate(D(10), {"n": D(held)}, NO).points == points
    assert MEETINGS.inputs()[0].label == "召开例会"


def test_required_count_can_depend_on_the_unit() -> None:
    rule = DeductPer("开展讲座", D(1), "次", required=Target(param="towns", per=D(2)))
    assert rule.params_needed() == ("towns",)
    assert rule.evaluate(D(5), {"n": D(7)}, {"towns": D(4)}).points == 4  # 8 required, 1 short
    assert rule.evaluate(D(5), {"n": D(7)}, {}).points is None


# --- growth ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("now", "before", "points"),
    [("11", "10", 3), ("10", "10", 0), ("9", "10", 0), ("0.01", "0", 3), ("0", "0", 0)],
)
def test_growth_on_last_year_any_growth(now: str, before: str, points: int) -> None:
    rule = Growth("科普经费", "万元")
    assert rule.evaluate(D(3), {"n": D(now), "prev": D(before)}, NO).points == points
    assert [s.label for s in rule.inputs()] == ["本年科普经费", "上年科普经费"]


@pytest.mark.parametrize(("now", "points"), [("110", 2), ("109.99", 0), ("200", 2)])
def test_growth_by_a_rate_includes_its_boundary(now: str, points: int) -> None:
    rule = Growth("科普经费", "万元", Interval(D("0.1"), True, None))
    assert rule.evaluate(D(2), {"n": D(now), "prev": D(100)}, NO).points == points


# --- uncapped accumulation ---------------------------------------------------------------------
def test_uncapped_per_category_adds_whatever_it_earns() -> None:
    rule = PerCategory((Category("市级以上媒体", D(10)), Category("县级媒体", D(2))), uncapped=True)
    assert not rule.capped
    assert rule.evaluate(D(0), {"k1": D(30), "k2": D(7)}, NO).points == 314
    capped = PerCategory(rule.categories, cap=D(20))
    assert capped.capped
    assert capped.evaluate(D(20), {"k1": D(30), "k2": D(7)}, NO).points == 20


# --- shortfall ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("rate", "points"), [("100", 0), ("120", 0), ("99", D("0.5")), ("96.5", D("1.75")), ("80", 5)]
)
def test_shortfall_counts_each_step_below_the_target_up_to_the_points(rate: str, points: D) -> None:
    rule = Shortfall("达标率", Target(value=D(100)), D("0.5"), measure="%")
    assert rule.evaluate(D(5), {"n": D(rate)}, NO).points == points


# --- rank tiers ---------------------------------------------------------------------------------
RANK = Tiers(
    "名次",
    (
        Tier(Interval(D(1), True, D(2), False), D(5)),
        Tier(Interval(D(2), True, D(4), False), D(3)),
        Tier(Interval(D(4), True, D(6), False), D(1)),
    ),
    "名",
    "lower",
)


@pytest.mark.parametrize(("rank", "points"), [(1, 5), (2, 3), (3, 3), (4, 1), (5, 1), (6, 0), (20, 0)])
def test_rank_tiers_reward_the_lower_number(rank: int, points: int) -> None:
    assert RANK.evaluate(D(5), {"n": D(rank)}, NO).points == points


# --- whole rubrics -------------------------------------------------------------------------------
HEAD = """
rubric: {id: t, title: 测试县2019年科普工作考核细则, year: 2019, issuer: 测试办, version: "1"}
scoring: {decimals: 2, verification: in_submission, unverified: self}
groups: [{id: g, name: 乡镇, kind: county, items_total: 20, unit_total: 20}]
units:
  - {id: a, name: 甲镇, group: g}
  - {id: b, name: 乙镇, group: g}
"""
GRADES = """
grades:  # on the 20-point scale of these units
  - {name: 优秀, gte: 18}
  - {name: 合格, gte: 12, lt: 18}
  - {name: 不合格, gte: 0, lt: 12}
"""
SECTIONS = """
sections:
  - id: s1
    title: 一、组织
    items:
      - id: i1
        title: 组织
        points: 10
        applies_to: [{group: g}]
        criteria: [{id: a, text: 酌情, points: 10, rule: {kind: discretionary}}]
  - id: s2
    title: 二、活动
    items:
      - id: i2
        title: 活动
        points: 10
        applies_to: [{group: g}]
        criteria: [{id: a, text: 酌情, points: 10, rule: {kind: discretionary}}]
  - id: kou
    title: 三、扣分项目
    kind: deduct
    cap: 6
    items:
      - id: k1
        title: 通报批评
        points: 0
        reported_by: office
        applies_to: [{group: g}]
        criteria:
          - id: a
            text: 受到通报批评的每次扣5分
            rule: {kind: per_category, uncapped: true, categories: [{name: 通报批评, each: 5, unit: 次}]}
      - id: k2
        title: 信息报送
        points: 2
        applies_to: [{group: g}]
        criteria: [{id: a, text: 未按时报送的扣2分, points: 2, rule: {kind: checklist, checks: [{label: 未按时报送, points: 2}]}}]
"""


def build(text: str) -> Rubric:
    loaded = load_rubric_text(text, Path("t.yaml"))
    assert loaded.rubric is not None, [(p.path, p.message) for p in loaded.problems]
    return loaded.rubric


def submission(unit: str, **scores: tuple[str | None, str | None]) -> Submission:
    """uid (with ``_`` for ``.``) → (自评分, 核定分)."""
    entries = {
        uid.replace("_", "."): CriterionEntry({}, None if s is None else D(s), None if v is None else D(v))
        for uid, (s, v) in scores.items()
    }
    return Submission(unit, entries)


def with_gate(gate: str) -> Rubric:
    return build(HEAD + GRADES + "gates:\n" + gate + SECTIONS)


def test_deduct_section_subtracts_what_its_criteria_earn_up_to_its_cap() -> None:
    rubric = build(HEAD + GRADES + SECTIONS)
    unit = rubric.unit("a")
    entries = {
        "i1.a": CriterionEntry({}, D(9), D(9)),
        "i2.a": CriterionEntry({}, D(9), D(9)),
        "k1.a": CriterionEntry({"k1": D(1)}, D(0), D(5)),
        "k2.a": CriterionEntry({"c1": True}, D(2), D(2)),
    }
    result = score_unit(rubric, unit, Submission("a", entries))
    assert (result.base, result.bonus, result.deductions) == (18, 0, 6)  # 5 + 2 = 7, at most 6
    assert result.score == 12
    assert result.max_base == 20
    titles = {i.item_id: i.title for i in result.items}
    assert titles["k1"] == "通报批评（扣分项目）"


def test_office_reported_item_ignores_what_the_unit_typed() -> None:
    rubric = build(HEAD + GRADES + SECTIONS)
    entries = {
        "i1.a": CriterionEntry({}, D(10), None),
        "i2.a": CriterionEntry({}, D(10), None),
        "k1.a": CriterionEntry({"k1": D(3)}, D(15), None),  # the unit typed into locked cells
        "k2.a": CriterionEntry({}, D(0), None),
    }
    result = score_unit(rubric, rubric.unit("a"), Submission("a", entries))
    k1 = next(i for i in result.items if i.item_id == "k1").criteria[0]
    assert (k1.points, k1.self_score, k1.basis) == (0, None, "zero")
    assert "督导检查组认定" in k1.reason
    assert result.deductions == 0


SECTION_MIN = """  - {id: balance, name: 各部分须达60%, section_min: 0.6, grade_cap: 不合格}
"""


@pytest.mark.parametrize(
    ("s1", "s2", "grade", "gated"),
    [
        ("6", "10", "合格", False),
        ("5.99", "10", "不合格", True),
        ("10", "10", "优秀", False),
        ("10", "5", "不合格", True),
    ],
)
def test_section_minimum_gate_is_decided_by_the_scores(s1: str, s2: str, grade: str, gated: bool) -> None:
    rubric = with_gate(SECTION_MIN)
    entries = {"i1.a": CriterionEntry({}, D(s1), D(s1)), "i2.a": CriterionEntry({}, D(s2), D(s2))}
    result = score_unit(rubric, rubric.unit("a"), Submission("a", entries))
    assert result.grade == grade
    assert ("balance" in result.gates) is gated
    if gated:
        assert any("各部分须达60%" in n for n in result.notes)


def test_section_minimum_only_over_the_named_sections() -> None:
    rubric = with_gate(
        "  - {id: balance, name: 活动须达60%, section_min: 0.6, sections: [s2], grade_cap: 合格}\n"
    )
    entries = {"i1.a": CriterionEntry({}, D(0), D(0)), "i2.a": CriterionEntry({}, D(10), D(10))}
    result = score_unit(rubric, rubric.unit("a"), Submission("a", entries))
    assert result.gates == ()
    assert rubric.gates[0].automatic
    assert rubric.gates[0].condition({"s2": "二、活动"}) == "“二、活动”中任一部分得分低于该部分分值的60%"


def test_section_minimum_refers_to_real_sections() -> None:
    loaded = load_rubric_text(
        HEAD
        + GRADES
        + "gates:\n  - {id: x, name: 须达60%, section_min: 0.6, sections: [nope], grade_cap: 合格}\n"
        + SECTIONS,
        Path("t.yaml"),
    )
    assert [p.code.name for p in loaded.problems] == ["RB006"]
    assert loaded.problems[0].path == "gates[0].sections[0]"


def test_a_rubric_without_grades_ranks_and_grades_nobody() -> None:
    rubric = build(HEAD + SECTIONS)
    assert rubric.grades == ()
    entries = {"i1.a": CriterionEntry({}, D(9), D(9)), "i2.a": CriterionEntry({}, D(9), D(9))}
    result = score_unit(rubric, rubric.unit("a"), Submission("a", entries))
    assert (result.status, result.score, result.grade) == ("scored", 18, "")


def test_a_gate_naming_a_grade_needs_grades() -> None:
    loaded = load_rubric_text(
        HEAD + "gates:\n  - {id: fraud, name: 弄虚作假, grade: 不合格}\n" + SECTIONS, Path("t.yaml")
    )
    assert [p.code.name for p in loaded.problems] == ["RB015"]


def test_uncapped_criterion_counts_beyond_any_maximum_in_a_raw_points_group() -> None:
    text = HEAD.replace("items_total: 20, unit_total: 20", "items_total: 20") + SECTIONS.replace(
        "    items:\n      - id: i2",
        """    items:
      - id: i3
        title: 宣传
        points: 0
        applies_to: [{group: g}]
        criteria:
          - {id: a, text: 每篇计10分, rule: {kind: per_category, uncapped: true, categories: [{name: 报道, each: 10}]}}
      - id: i2""",
    )
    rubric = build(text)
    assert rubric.max_base(rubric.unit("a")) == 20
    entries = {
        "i1.a": CriterionEntry({}, D(10), D(10)),
        "i2.a": CriterionEntry({}, D(10), D(10)),
        "i3.a": CriterionEntry({"k1": D(12)}, D(120), None),  # unverified: the self score counts
    }
    result = score_unit(rubric, rubric.unit("a"), Submission("a", entries))
    assert result.base == 140
    i3 = next(i for i in result.items if i.item_id == "i3")
    assert (i3.points, i3.self_points) == (120, 120)


def test_uncapped_criterion_in_a_normalised_group_is_refused() -> None:
    text = HEAD.replace("items_total: 20, unit_total: 20", "normalise: true") + SECTIONS.replace(
        "    items:\n      - id: i2",
        """    items:
      - id: i3
        title: 宣传
        points: 0
        applies_to: [{group: g}]
        criteria:
          - {id: a, text: 每篇计10分, rule: {kind: per_category, uncapped: true, categories: [{name: 报道, each: 10}]}}
      - id: i2""",
    )
    loaded = load_rubric_text(text, Path("t.yaml"))
    assert [p.code.name for p in loaded.problems] == ["RB021"]


@pytest.mark.parametrize(
    ("criterion", "code"),
    [
        ("{id: a, text: 酌情, rule: {kind: discretionary}}", "RB022"),  # a capped rule needs points
        (
            "{id: a, text: 每篇, points: 5, rule: {kind: per_category, uncapped: true, categories: [{name: 报道, each: 1}]}}",
            "RB022",
        ),
    ],
)
def test_criterion_points_follow_the_rule(criterion: str, code: str) -> None:
    text = HEAD + SECTIONS.replace(
        "criteria: [{id: a, text: 酌情, points: 10, rule: {kind: discretionary}}]",
        f"criteria: [{criterion}]",
        1,
    )
    loaded = load_rubric_text(text, Path("t.yaml"))
    assert code in [p.code.name for p in loaded.problems]


def test_split_group_totals_each_check_one_thing() -> None:
    # items_total is the catalogue's sum (RB005); unit_total every unit's maximum (RB020)
    wrong_items = HEAD.replace("items_total: 20", "items_total: 25") + SECTIONS
    assert [p.code.name for p in load_rubric_text(wrong_items, Path("t.yaml")).problems] == ["RB005"]
    wrong_units = HEAD.replace("unit_total: 20", "unit_total: 25") + SECTIONS
    codes = [p.code.name for p in load_rubric_text(wrong_units, Path("t.yaml")).problems]
    assert codes == ["RB020", "RB020"]  # both units, reported at once


def test_rank_tiers_need_points_that_fall_as_the_number_rises() -> None:
    bad = """
      - id: r
        title: 名次
        points: 5
        applies_to: [{group: g}]
        criteria:
          - id: a
            text: 名次加分
            points: 5
            rule: {kind: tiers, label: 名次, better: lower, tiers: [{gte: 1, lt: 2, points: 1}, {gte: 2, lt: 4, points: 5}]}
"""
    text = (
        HEAD
        + GRADES
        + SECTIONS.replace(
            "  - id: kou\n",
            "  - id: jia\n    title: 加分\n    kind: bonus\n    items:" + bad + "  - id: kou\n",
        )
    )
    codes = [p.code.name for p in load_rubric_text(text, Path("t.yaml")).problems]
    assert codes == ["RB007"]


def test_a_rule_that_counts_what_is_kept_cannot_deduct() -> None:
    """In a 扣分 section a criterion's points are what is deducted; 按次扣分 counts what is left (RB032)."""
    text = HEAD + SECTIONS.replace(
        "criteria: [{id: a, text: 未按时报送的扣2分, points: 2, rule: {kind: checklist, checks: [{label: 未按时报送, points: 2}]}}]",
        "criteria: [{id: a, text: 每少一次扣1分, points: 2, rule: {kind: deduct_per, label: 少报次数, each: 1}}]",
    )
    loaded = load_rubric_text(text, Path("t.yaml"))
    assert [p.code.name for p in loaded.problems] == ["RB032"]
    assert loaded.problems[0].path == "sections[2].items[1].criteria[0].rule"
