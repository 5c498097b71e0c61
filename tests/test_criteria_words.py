"""Every rule said in the export's words reads back as the very same rule (Hypothesis), and the common
office wordings of each kind read as the rule they mean."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from kepu_inspect.core.criteria import parse_criterion, rule_words, split_criteria
from kepu_inspect.core.criteria.text import normalise
from kepu_inspect.core.numbers import Interval
from kepu_inspect.core.rules import (
    BestOf,
    Category,
    Check,
    Checklist,
    Compound,
    Condition,
    Deductions,
    DeductPer,
    Discretionary,
    Fault,
    Growth,
    Judged,
    Level,
    Levels,
    NofM,
    Option,
    PerCategory,
    PerFault,
    Pool,
    Proportional,
    Rule,
    Shortfall,
    Target,
    Threshold,
    Tier,
    Tiers,
)

LABELS = st.sampled_from(
    [
        "开展全国科普日活动",
        "制定年度科普工作计划",
        "建立科普信息员队伍",
        "参加文化科技卫生“三下乡”活动",
        "召开领导小组（成员单位）会议",
        "科普专项经费列入财政预算",
        "组织青少年科技创新大赛",
        "新建科普示范社区",
        "农家书屋设科普专柜",
    ]
)
MEASURES = st.sampled_from(["次", "个", "篇", "期", "人次", "万元", "%", "场"])
POINTS = st.sampled_from([D(1), D(2), D("0.5"), D("1.5"), D(3), D(4), D(5), D(10)])
LEVEL_NAMES = st.sampled_from([("好", "较好", "一般"), ("优秀", "良好", "合格"), ("显著", "较显著", "一般")])


@st.composite
def checklists(draw: st.DrawFn) -> tuple[Rule, D]:
    labels = draw(st.lists(LABELS, min_size=1, max_size=4, unique=True))
    if draw(st.booleans()):
        checks = tuple(Check(label, draw(POINTS)) for label in labels)
        return Checklist(checks), sum((c.points or D(0) for c in checks), D(0))
    return Checklist(tuple(Check(label) for label in labels), "all"), draw(POINTS)


@st.composite
def thresholds(draw: st.DrawFn) -> tuple[Rule, D]:
    target = Target(value=draw(st.sampled_from([D(1), D(2), D(8), D("0.5"), D(100)])))
    return Threshold(draw(LABELS), target, draw(MEASURES), draw(st.booleans())), draw(POINTS)


@st.composite
def tiered(draw: st.DrawFn) -> tuple[Rule, D]:
    edges = sorted(
        draw(
            st.lists(
                st.sampled_from([D(1), D(2), D(5), D(10), D(50), D(200), D(600)]),
                min_size=2,
                max_size=4,
                unique=True,
            )
        )
    )
    tiers = [Tier(Interval(edges[-1], draw(st.booleans()), None), D(len(edges)))]
    for i in range(len(edges) - 1):
        tiers.append(Tier(Interval(edges[i], True, edges[i + 1], False), D(i + 1)))
    return Tiers(draw(LABELS), tuple(tiers), draw(MEASURES)), D(len(edges))


@st.composite
def levelled(draw: st.DrawFn) -> tuple[Rule, D]:
    names = draw(LEVEL_NAMES)
    if draw(st.booleans()):
        return Levels(draw(LABELS), tuple(Level(n, points=D(3 - i)) for i, n in enumerate(names))), D(3)
    shares = [(D("0.9"), D(1)), (D("0.7"), D("0.9")), (D("0.6"), D("0.7"))]
    return Levels(
        draw(LABELS), tuple(Level(n, share=a, share_to=b) for n, (a, b) in zip(names, shares, strict=True))
    ), D(10)


@st.composite
def others(draw: st.DrawFn) -> tuple[Rule, D]:
    label, measure, points = draw(LABELS), draw(MEASURES), draw(POINTS)
    choice = draw(st.integers(0, 11))
    if choice == 0:
        return NofM(("有专职人员", "有办公场所", "有工作经费", "有工作制度"), draw(st.integers(1, 4))), points
    if choice == 1:
        return DeductPer(label, draw(POINTS), measure), points
    if choice == 2:
        return DeductPer(
            label, draw(POINTS), measure, required=Target(value=D(draw(st.integers(1, 12))))
        ), points
    if choice == 3:
        return Deductions(
            (Fault("无年度工作计划", draw(POINTS)), Fault("无年度工作总结", draw(POINTS)))
        ), points
    if choice == 4:
        cats = (Category("中央媒体", draw(POINTS), "篇"), Category("省级媒体", draw(POINTS), "篇"))
        mode = draw(st.integers(0, 2))
        if mode == 0:
            return PerCategory(cats, points), points
        return (PerCategory(cats, uncapped=True), D(0)) if mode == 1 else (PerCategory(cats), points)
    if choice == 5:
        return Discretionary(D(0), points) if draw(st.booleans()) else Discretionary(), points
    if choice == 6:
        return Proportional(label, Target(value=D(2000)), measure), points
    if choice == 7:
        return Pool(
            (Fault("未按期换届", D(3)),),
            (PerFault("缺席会议", D(1)),),
            (Judged("名册不全", D(3)),),
            (Fault("有专职秘书长", D(1)),),
        ), D(20)
    if choice == 8:
        return Compound(
            (Condition("污水处理率", Interval(D(80), True, None), "%"), Condition("建立长效机制"))
        ), points
    if choice == 9:
        opts = (
            Option("省级推广", Interval(D(1), True, None), D(6), "篇"),
            Option("市级推广", Interval(D(2), True, None), D(4), "篇"),
        )
        return BestOf(opts), D(6)
    if choice == 10:
        bound = Interval(D("0.1"), True, None) if draw(st.booleans()) else Growth(label).bound
        return Growth(label, measure, bound), points
    return Shortfall(label, Target(value=D(100)), draw(POINTS), D(1), "%"), points


RULES = st.one_of(checklists(), thresholds(), tiered(), levelled(), others())


@settings(max_examples=300, deadline=None)
@given(RULES, st.sampled_from(["base", "bonus", "deduct"]))
def test_every_rule_in_words_reads_back_as_itself(case: tuple[Rule, D], context: str) -> None:
    rule, points = case
    # rules that count what is kept (a pool, deductions) have no place in a 扣分 section (RB032)
    assume(not (isinstance(rule, (Pool, DeductPer, Deductions)) and context == "deduct"))
    words = rule_words(rule, points, context)  # type: ignore[arg-type]
    parsed = parse_criterion(words, context)  # type: ignore[arg-type]
    assert parsed is not None, words
    assert parsed.rule == rule, words


@pytest.mark.parametrize(
    ("sentence", "kind"),
    [
        ("组织开展“科技工作者日”主题活动一次以上得2分，未开展不得分", "threshold"),
        ("全年报送工作信息不少于８期，每少报一期扣０．５分，扣完为止", "deduct_per"),
        ("结合部门特色开展专题科普活动，3次以上得3分，2次得2分，1次得1分", "tiers"),
        ("好、较好、一般分别得5、3.5、2分", "levels"),
        ("活动方案、活动总结、图片报道三项齐全得2分，缺一项不得分", "checklist"),
        ("酌情评分（0～3分）", "discretionary"),
        ("无年度工作计划的扣2分；无年度工作总结的扣1分", "deductions"),
    ],
)
def test_common_wordings(sentence: str, kind: str) -> None:
    parsed = parse_criterion(sentence)
    assert parsed is not None and parsed.rule.kind == kind


def test_all_of_three_keeps_its_three_conditions() -> None:
    parsed = parse_criterion("活动方案、活动总结、图片报道三项齐全得2分，缺一项不得分")
    assert parsed is not None and isinstance(parsed.rule, Checklist)
    assert [c.label for c in parsed.rule.checks] == ["活动方案", "活动总结", "图片报道"]
    assert parsed.rule.mode == "all" and parsed.points == 2


def test_normalise_reads_numerals_but_keeps_words() -> None:
    assert normalise("每少一次扣０．５分") == "每少1次扣0.5分"
    assert normalise("一般得1分；任一部分") == "一般得1分；任一部分"
    assert normalise("200至600人") == "200～600人"


def test_split_criteria_by_numbers_lines_and_inline_marks() -> None:
    assert [c.text for c in split_criteria("1.得2分\n2.得3分")] == ["得2分", "得3分"]
    assert [c.text for c in split_criteria("①得2分；②得3分")] == ["得2分", "得3分"]
    assert [(c.id, c.text) for c in split_criteria("1.〔x1〕（2分）得2分")] == [("x1", "（2分）得2分")]
    assert [c.text for c in split_criteria("只有一句")] == ["只有一句"]


def test_a_sentence_in_no_form_is_refused_not_guessed() -> None:
    for sentence in ("工作有创新、有特色，形成典型经验", "资料整理规范", ""):
        assert parse_criterion(sentence) is None
