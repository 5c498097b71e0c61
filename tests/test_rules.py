"""Every rule kind, at and around its boundaries, against hand-computed points."""

from __future__ import annotations

from decimal import Decimal
from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kepu_inspect.core.numbers import Interval, fmt, interval_problems, round_half_up
from kepu_inspect.core.rules import (
    Category,
    Check,
    Checklist,
    Deductions,
    DeductPer,
    Discretionary,
    Fault,
    Level,
    Levels,
    NofM,
    PerCategory,
    Proportional,
    Target,
    Threshold,
    Tier,
    Tiers,
)

NO_PARAMS: dict[str, D] = {}


def tiers_rule() -> Tiers:
    return Tiers(
        "志愿者人数",
        (
            Tier(Interval(D(600), True, None), D(3)),
            Tier(Interval(D(200), True, D(600), False), D(2)),
            Tier(Interval(D(50), True, D(200), False), D(1)),
        ),
        "人",
    )


@pytest.mark.parametrize(
    ("n", "points"),
    [(0, 0), (49, 0), (50, 1), (199, 1), (D("199.9"), 1), (200, 2), (599, 2), (600, 3), (10_000, 3)],
)
def test_tiers_boundaries_inclusive_low_exclusive_high(n: int, points: int) -> None:
    outcome = tiers_rule().evaluate(D(3), {"n": D(n)}, NO_PARAMS)
    assert outcome.points == D(points)


def test_tiers_exclusive_low_bound() -> None:
    rule = Tiers(
        "x", (Tier(Interval(D(10), False, None), D(2)), Tier(Interval(D(0), True, D(10), True), D(1)))
    )
    assert rule.evaluate(D(2), {"n": D(10)}, NO_PARAMS).points == 1
    assert rule.evaluate(D(2), {"n": D("10.01")}, NO_PARAMS).points == 2


@pytest.mark.parametrize(("checks", "points"), [((True, True), 4), ((True, False), 2), ((False, False), 0)])
def test_checklist_sum(checks: tuple[bool, bool], points: int) -> None:
    rule = Checklist((Check("科普日", D(2)), Check("科技周", D(2))))
    assert rule.evaluate(D(4), {"c1": checks[0], "c2": checks[1]}, NO_PARAMS).points == points


@pytest.mark.parametrize(("checks", "points"), [((True, True, True), 3), ((True, True, False), 0)])
def test_checklist_all_or_nothing(checks: tuple[bool, ...], points: int) -> None:
    rule = Checklist((Check("a"), Check("b"), Check("c")), mode="all")
    outcome = rule.evaluate(D(3), {f"c{i}": v for i, v in enumerate(checks, 1)}, NO_PARAMS)
    assert outcome.points == points


@pytest.mark.parametrize(("n", "points"), [(0, 0), (D("0.99"), 0), (1, 2), (5, 2)])
def test_threshold_at_least(n: int, points: int) -> None:
    rule = Threshold("开展次数", Target(D(1)), "次")
    assert rule.evaluate(D(2), {"n": D(n)}, NO_PARAMS).points == points


def test_threshold_strict_and_per_unit_target() -> None:
    rule = Threshold("科普经费", Target(param="population", per=D(1)), "万元")
    params = {"population": D(40)}
    assert rule.evaluate(D(4), {"n": D(40)}, params).points == 4  # ≥ 1元 × 40万人 = 40万元
    assert rule.evaluate(D(4), {"n": D("39.99")}, params).points == 0
    strict = Threshold("增长", Target(D(0)), strict=True)
    assert strict.evaluate(D(1), {"n": D(0)}, NO_PARAMS).points == 0
    assert strict.evaluate(D(1), {"n": D("0.1")}, NO_PARAMS).points == 1


def test_threshold_missing_param_is_not_a_zero() -> None:
    rule = Threshold("科普经费", Target(param="population"), "万元")
    outcome = rule.evaluate(D(4), {"n": D(10)}, NO_PARAMS)
    assert outcome.points is None and "population" in outcome.reason


@pytest.mark.parametrize(
    ("actual", "points"),
    [(0, "0"), (100_000, "2"), (150_000, "3"), (200_000, "4"), (300_000, "4"), (133_333, "2.66666")],
)
def test_proportional_capped(actual: int, points: str) -> None:
    rule = Proportional("培训", Target(D(200_000)), "人次")
    got = rule.evaluate(D(4), {"n": D(actual)}, NO_PARAMS).points
    assert got is not None
    assert got.quantize(D("0.00001")) == D(points).quantize(D("0.00001"))


def test_levels_points_and_share() -> None:
    rule = Levels(
        "成效", (Level("好", share=D(1)), Level("较好", share=D("0.75")), Level("一般", points=D(1)))
    )
    assert rule.evaluate(D(4), {"level": "好"}, NO_PARAMS).points == 4
    assert rule.evaluate(D(4), {"level": "较好"}, NO_PARAMS).points == 3
    assert rule.evaluate(D(4), {"level": "一般"}, NO_PARAMS).points == 1
    assert rule.evaluate(D(4), {"level": "差"}, NO_PARAMS).points is None


@pytest.mark.parametrize(("met", "points"), [(4, 2), (3, 2), (2, 0), (0, 0)])
def test_n_of_m(met: int, points: int) -> None:
    rule = NofM(("a", "b", "c", "d"), need=3)
    values = {f"c{i}": i <= met for i in range(1, 5)}
    assert rule.evaluate(D(2), values, NO_PARAMS).points == points


@pytest.mark.parametrize(("n", "points"), [(0, "2"), (1, "1.5"), (3, "0.5"), (4, "0"), (9, "0")])
def test_deduct_per_with_floor(n: int, points: str) -> None:
    rule = DeductPer("少开展次数", D("0.5"))
    outcome = rule.evaluate(D(2), {"n": D(n)}, NO_PARAMS)
    assert outcome.points == D(points)


def test_deduct_per_reason_reads_like_the_rubric() -> None:
    outcome = DeductPer("少开展", D("0.5")).evaluate(D(2), {"n": D(3)}, NO_PARAMS)
    assert "每次扣0.5分" in outcome.reason and "扣1.5分" in outcome.reason


def test_deduct_per_nonzero_floor() -> None:
    assert DeductPer("x", D(1), floor=D(1)).evaluate(D(3), {"n": D(5)}, NO_PARAMS).points == 1


def test_named_deductions() -> None:
    rule = Deductions((Fault("无工作计划", D(2)), Fault("无总结", D("1.5"))))
    assert rule.evaluate(D(3), {"f1": False, "f2": False}, NO_PARAMS).points == 3
    assert rule.evaluate(D(3), {"f1": True, "f2": False}, NO_PARAMS).points == 1
    assert rule.evaluate(D(3), {"f1": True, "f2": True}, NO_PARAMS).points == 0


def test_per_category_capped() -> None:
    rule = PerCategory(
        (Category("中央媒体", D(3)), Category("省级媒体", D("1.5")), Category("市级媒体", D("0.5"))), D(5)
    )
    assert rule.evaluate(D(5), {"k1": D(0), "k2": D(1), "k3": D(3)}, NO_PARAMS).points == 3
    assert rule.evaluate(D(5), {"k1": D(1), "k2": D(1), "k3": D(1)}, NO_PARAMS).points == 5
    outcome = rule.evaluate(D(5), {"k1": D(2), "k2": D(0), "k3": D(0)}, NO_PARAMS)
    assert outcome.points == 5 and "上限" in outcome.reason


def test_discretionary_within_bounds() -> None:
    rule = Discretionary(D(1), None)
    assert rule.evaluate(D(4), {"score": D("3.5")}, NO_PARAMS).points == D("3.5")
    assert rule.evaluate(D(4), {"score": D(9)}, NO_PARAMS).points == 4
    assert rule.evaluate(D(4), {"score": D(0)}, NO_PARAMS).points == 1
    assert rule.evaluate(D(4), {}, NO_PARAMS).points is None


def test_missing_inputs_give_no_points_and_say_which() -> None:
    outcome = tiers_rule().evaluate(D(3), {}, NO_PARAMS)
    assert outcome.points is None and outcome.missing == ("志愿者人数",)


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        ("2.345", 2, "2.35"),
        ("2.5", 0, "3"),
        ("3.5", 0, "4"),
        ("0.125", 2, "0.13"),
        ("-2.5", 0, "-3"),
        ("89.995", 2, "90.00"),
    ],
)
def test_round_half_up_is_sishe_wuru(value: str, decimals: int, expected: str) -> None:
    assert str(round_half_up(D(value), decimals)) == expected


def test_interval_gaps_and_overlaps() -> None:
    ok = [
        Interval(D(90), True, None),
        Interval(D(80), True, D(90), False),
        Interval(D(0), True, D(80), False),
    ]
    assert interval_problems(ok, D(0), None) == []
    gap = [Interval(D(90), True, None), Interval(D(0), True, D(89), False)]
    assert any("空档" in t for t in interval_problems(gap, D(0), None))
    overlap = [Interval(D(90), True, None), Interval(D(0), True, D(90), True)]
    assert any("重叠" in t for t in interval_problems(overlap, D(0), None))
    not_from_zero = [Interval(D(60), True, None)]
    assert interval_problems(not_from_zero, D(0), None)


scores = st.decimals(min_value=0, max_value=10_000, places=2, allow_nan=False, allow_infinity=False)


@given(n=scores)
def test_no_rule_exceeds_its_points(n: D) -> None:
    rules = [
        tiers_rule(),
        Proportional("x", Target(D(100))),
        DeductPer("x", D("0.5")),
        Threshold("x", Target(D(5))),
        PerCategory((Category("a", D(1)),), D(3)),
        Discretionary(),
    ]
    for rule in rules:
        values = {"n": n, "k1": n, "score": n}
        outcome = rule.evaluate(D(3), values, NO_PARAMS)
        assert outcome.points is not None
        assert D(0) <= outcome.points <= D(3)


@settings(max_examples=600, deadline=None)
@given(
    st.decimals(min_value=-(10**15), max_value=10**15, allow_nan=False, allow_infinity=False)
    | st.integers(-(10**12), 10**12).flatmap(
        lambda n: st.integers(-12, 8).map(lambda e: Decimal(n).scaleb(e))
    ),
    st.sampled_from([None, 0, 1, 2, 4]),
)
def test_fmt_words_a_number_as_the_f_format_would(value: Decimal, decimals: int | None) -> None:
    """fmt takes str() where it equals format "f" (faster); never an exponent, zeros stripped unless
    ``decimals`` is given, 四舍五入 when it is."""
    text = f"{round_half_up(value, decimals):f}" if decimals is not None else f"{value:f}"
    if decimals is None and "." in text:
        text = text.rstrip("0").rstrip(".")
    assert fmt(value, decimals) == text
    assert "E" not in fmt(value, decimals)
