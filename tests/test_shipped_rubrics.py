"""The rubrics shipped in ``rubrics/`` load cleanly and stay faithful to the seed work plan.

The table of responsible units below was typed by hand from 《平顶山市2017年全民科学素质工作要点》
(``/work/shared/seed/pingdingshan-2017-work-points.txt``), exactly as the document writes each
（责任单位：…） annotation, collective forms included. It deliberately does not use any plan parser.
"""

from __future__ import annotations

import json
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator
from typer.testing import CliRunner

from kepu_inspect.adapters.rubric_file import load_rubric, schema
from kepu_inspect.cli.app import app
from kepu_inspect.core.rubric import Item, Rubric
from kepu_inspect.core.rules import RULE_KINDS

ROOT = Path(__file__).parent.parent
RUBRICS = sorted((ROOT / "rubrics").glob("*.yaml"))
PINGDINGSHAN = ROOT / "rubrics" / "pingdingshan-2017.yaml"

EACH_MEMBER = "各成员单位"
EACH_LEAD = "各牵头单位"
EACH_COUNTY = "各县（市、区）"
OFFICE = "市素质办"  # runs the inspection; not a scored unit
COLLECTIVE = {EACH_MEMBER, EACH_LEAD, EACH_COUNTY, OFFICE}

# 第N条 → （责任单位：…）, in the seed's order and spelling.
SEED_RESPONSIBLE: dict[int, tuple[str, ...]] = {
    1: (EACH_MEMBER,),
    2: (EACH_MEMBER,),
    3: (EACH_MEMBER,),
    4: (EACH_MEMBER,),
    5: (EACH_MEMBER,),
    6: (
        "市教育局",
        "市工信委",
        "市民政局",
        "市文广新局",
        "市体育局",
        "市旅游局",
        "市文物局",
        "市农科院",
        "市气象局",
        "团市委",
        "市妇联",
        "市科协",
    ),
    7: (
        "市科协",
        "市教育局",
        "市科技局",
        "市工信委",
        "市民政局",
        "市人力资源社会保障局",
        "市环保局",
        "市文广新局",
        "市体育局",
        "市食品药品监管局",
        "市农科院",
        "团市委",
        "市妇联",
    ),
    8: ("市农业局", "市人力资源社会保障局", "市工信委", "市林业局", "市农科院", "市妇联", "市科协"),
    9: (
        "市科技局",
        "市财政局",
        "市农业局",
        "市林业局",
        "市文广新局",
        "市卫生计生委",
        "市农科院",
        "团市委",
        "市妇联",
        "市科协",
    ),
    10: ("市科协", "市财政局"),
    11: ("市人力资源社会保障局", "市教育局", "市农业局", "市妇联"),
    12: ("市总工会", "市人力资源社会保障局", "市安全监管局", "市文广新局", "团市委", "市妇联"),
    13: ("市委组织部", "市人力资源社会保障局"),
    14: (
        "市委组织部",
        "市委宣传部",
        "市发展改革委",
        "市科技局",
        "市人力资源社会保障局",
        "市文广新局",
        "市科协",
    ),
    15: ("市文广新局", "市民政局", "市妇联", "市卫生计生委", "市安全监管局", "市总工会", "市科协"),
    16: ("市科协", "市财政局"),
    17: (
        "市委组织部",
        "市委宣传部",
        "市工业和信息化委",
        "市科技局",
        "市教育局",
        "市农业局",
        "市文广新局",
        "市科协",
    ),
    18: ("市科协", "市财政局"),
    19: ("市科协", "市财政局", "市农业局"),
    20: (EACH_MEMBER,),
    21: ("市委宣传部", "市科技局", "市文广新局", "市广播电视台", "市科协"),
    22: ("市教育局", "市文广新局", "市科协", "团市委"),
    23: (
        "市科技局",
        "市科协",
        "市委宣传部",
        "市教育局",
        "市国土资源局",
        "市文广新局",
        "市文物局",
        "市农科院",
    ),
    24: ("市科协", "市发展改革委", "市科技局", "市财政局"),
    25: ("市科协", "市财政局", "市社科联"),
    26: ("市科协", "市委宣传部", "市发展改革委", "市科技局", "市财政局", "市文广新局"),
    27: ("市科协", "市科技局", "市国土资源局", "市环保局", "市林业局", "市地震局", "市气象局", "市社科联"),
    28: (
        "市科技局",
        "市科协",
        "市教育局",
        "市国土资源局",
        "市环保局",
        "市林业局",
        "市文广新局",
        "市地震局",
        "市文物局",
        "市气象局",
        "市总工会",
        "团市委",
        "市妇联",
    ),
    29: ("市委组织部", "市科技局", "市教育局", "市人力资源社会保障局", "市科协"),
    30: ("市科协", "市教育局", "市科技局"),
    31: (OFFICE, EACH_LEAD, EACH_COUNTY),
    32: ("市财政局", EACH_COUNTY),
    33: (OFFICE, EACH_LEAD, EACH_COUNTY),
}

# 第二部分四个小标题的（牵头部门：…）
SEED_LEADS: dict[str, tuple[str, ...]] = {
    "youth": ("市教育局", "团市委", "市科协"),
    "farmers": ("市农业局", "市科协"),
    "workers": ("市人力资源社会保障局", "市总工会", "市安全监管局"),
    "cadres": ("市委组织部", "市人力资源社会保障局"),
}
SEED_ITEM_GROUP = {
    6: "youth",
    7: "youth",
    8: "farmers",
    9: "farmers",
    10: "farmers",
    11: "workers",
    12: "workers",
    13: "cadres",
    14: "cadres",
}

COUNTY_LEVEL = (
    "新华区",
    "卫东区",
    "湛河区",
    "石龙区",
    "宝丰县",
    "叶县",
    "鲁山县",
    "郏县",
    "舞钢市",
    "汝州市",
)
NOT_ASSESSED_2017 = {"汝州市"}  # 省直管
ZONES = ("高新区", "城乡一体化示范区")


# --- helpers ---------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def rubric() -> Rubric:
    loaded = load_rubric(PINGDINGSHAN)
    assert loaded.rubric is not None, [p.message for p in loaded.problems]
    return loaded.rubric


def seed_named_units() -> set[str]:
    return {n for names in SEED_RESPONSIBLE.values() for n in names if n not in COLLECTIVE}


def uid(rubric: Rubric, name: str) -> str:
    unit = rubric.find_unit(name)
    assert unit is not None, f"seed unit {name} is not in the rubric"
    return unit.id


def expected_unit_ids(rubric: Rubric, n: int) -> set[str]:
    """The seed's responsible units for item N, collective forms expanded, aliases merged."""
    ids: set[str] = set()
    for name in SEED_RESPONSIBLE[n]:
        if name == OFFICE:
            continue
        if name == EACH_MEMBER:
            ids |= {uid(rubric, u) for u in seed_named_units()}
        elif name == EACH_LEAD:
            ids |= {uid(rubric, lead) for leads in SEED_LEADS.values() for lead in leads}
        elif name == EACH_COUNTY:
            ids |= {uid(rubric, c) for c in COUNTY_LEVEL if c not in NOT_ASSESSED_2017}
        else:
            ids.add(uid(rubric, name))
    return ids


def seed_plan_items_for(rubric: Rubric, name: str) -> set[int]:
    target = uid(rubric, name)
    return {n for n in SEED_RESPONSIBLE if target in expected_unit_ids(rubric, n)}


def base_items(rubric: Rubric) -> list[Item]:
    return [item for section, item in rubric.items() if section.kind == "base"]


def units_of(rubric: Rubric, item: Item, group: str | None = None) -> set[str]:
    """Ids of the units (assessed or not) an item applies to."""
    return {
        u.id
        for u in rubric.units
        if (group is None or u.group == group) and any(a.item.id == item.id for a in rubric.assignments(u))
    }


def department_items(rubric: Rubric) -> list[Item]:
    return [item for item in base_items(rubric) if units_of(rubric, item, "dept")]


def county_items(rubric: Rubric) -> list[Item]:
    return [item for item in base_items(rubric) if units_of(rubric, item, "county")]


def show_json(unit: str) -> dict:
    result = CliRunner().invoke(
        app, ["rubric", "show", str(PINGDINGSHAN), "--unit", unit, "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


# --- every shipped rubric --------------------------------------------------------------------
def test_there_are_shipped_rubrics() -> None:
    names = {p.name for p in RUBRICS}
    assert "pingdingshan-2017.yaml" in names
    assert len(names) >= 2


@pytest.mark.parametrize("path", RUBRICS, ids=[p.name for p in RUBRICS])
def test_rubric_loads_without_problems(path: Path) -> None:
    loaded = load_rubric(path)
    assert loaded.problems == [], [f"{p.code.name} {p.location} {p.message}" for p in loaded.problems]
    assert loaded.rubric is not None
    assert loaded.rubric.meta.id == path.stem


@pytest.mark.parametrize("path", RUBRICS, ids=[p.name for p in RUBRICS])
def test_rubric_validates_against_schema(path: Path) -> None:
    loaded = load_rubric(path)
    assert loaded.document is not None
    errors = [
        f"{list(e.absolute_path)}: {e.message}"
        for e in Draft202012Validator(schema()).iter_errors(loaded.document)
    ]
    assert errors == []


@pytest.mark.parametrize("path", RUBRICS, ids=[p.name for p in RUBRICS])
def test_cli_check_passes(path: Path) -> None:
    result = CliRunner().invoke(app, ["rubric", "check", str(path)])
    assert result.exit_code == 0, result.output


def test_every_rule_kind_is_used_across_shipped_rubrics() -> None:
    used: Counter[str] = Counter()
    for path in RUBRICS:
        loaded = load_rubric(path)
        assert loaded.rubric is not None
        used.update(c.rule.kind for _, item in loaded.rubric.items() for c in item.criteria)
    assert set(RULE_KINDS) <= set(used), set(RULE_KINDS) - set(used)


# The example rubric (frozen with its 37 submissions) uses every kind that existed when it was written;
# the kinds added for real rubrics that did not fit (issue 17) are used by the other shipped rubrics.
LATER_KINDS = {"pool", "compound", "best_of", "growth", "shortfall"}


def test_pingdingshan_alone_uses_every_original_rule_kind(rubric: Rubric) -> None:
    used = {c.rule.kind for _, item in rubric.items() for c in item.criteria}
    assert used == set(RULE_KINDS) - LATER_KINDS


# --- pingdingshan-2017: metadata, groups, units ---------------------------------------------
def test_metadata_and_scoring(rubric: Rubric) -> None:
    m = rubric.meta
    assert (m.id, m.year, m.version) == ("pingdingshan-2017", 2017, "1.0")
    assert m.title == "平顶山市2017年全民科学素质工作目标责任考核细则"
    assert m.issuer == "平顶山市全民科学素质工作领导小组办公室"
    assert (m.period_start, m.period_end) == ("2017-01-01", "2017-12-31")
    assert m.deadline and m.period_start <= m.deadline <= m.period_end
    assert m.source == "《平顶山市2017年全民科学素质工作要点》"
    s = rubric.settings
    assert s.decimals == 2 and s.unverified == "self"
    assert (s.overclaim_threshold, s.overclaim_deduction) == (Decimal(2), Decimal("0.5"))
    assert s.tie_breaks == ("higher_base",)
    assert s.bonus_cap == Decimal(5)
    # every rule that decides a published number is stated explicitly in the shipped rubric
    assert (s.verification, s.verified_out_of_range, s.with_errors, s.gated) == (
        "separate",
        "hold",
        "mark",
        "last",
    )
    assert (s.overclaim_boundary, s.overclaim_per, s.floor) == ("gte", "item", Decimal(0))
    assert (s.combine, s.gate_majority, s.spread) == ("mean", False, Decimal(2))


def test_groups(rubric: Rubric) -> None:
    """The file's single ``total`` reads as both totals for counties (compared on raw points) and as
    the catalogue's total only for departments (compared on 得分率, each with its own maximum)."""
    county, dept = rubric.group("county"), rubric.group("dept")
    assert (county.name, county.kind, county.items_total, county.unit_total, county.normalise) == (
        "县（市、区）",
        "county",
        Decimal(100),
        Decimal(100),
        False,
    )
    assert (dept.name, dept.kind, dept.items_total, dept.unit_total, dept.normalise) == (
        "市直成员单位",
        "department",
        Decimal(100),
        None,
        True,
    )


def test_grades_and_gates(rubric: Rubric) -> None:
    bands = {b.name: (b.interval.low, b.interval.high) for b in rubric.grades}
    assert bands == {"优秀": (90, None), "良好": (80, 90), "合格": (60, 80), "不合格": (0, 60)}
    assert all(b.interval.low_inclusive and not b.interval.high_inclusive for b in rubric.grades)
    fraud = next(g for g in rubric.gates if g.id == "fraud")
    assert fraud.name == "弄虚作假" and fraud.grade == "不合格"
    assert fraud.description == "经查实存在弄虚作假的，考核等次直接定为不合格"


def test_department_units_are_the_29_seed_units(rubric: Rubric) -> None:
    named = seed_named_units()
    assert len(named) == 30  # 29 units + the alias pair 市工信委 / 市工业和信息化委
    assert uid(rubric, "市工信委") == uid(rubric, "市工业和信息化委")
    dept = [u for u in rubric.units if u.group == "dept"]
    assert len(dept) == 29
    assert all(u.assessed for u in dept)
    assert {uid(rubric, n) for n in named} == {u.id for u in dept}
    assert rubric.find_unit(OFFICE) is None  # the office that inspects is not scored


@pytest.mark.parametrize(
    ("alias", "name"),
    [
        ("市工业和信息化委", "市工信委"),
        ("市文化广电新闻出版局", "市文广新局"),
        ("市卫生和计划生育委员会", "市卫生计生委"),
        ("市发展和改革委员会", "市发展改革委"),
        ("共青团平顶山市委员会", "团市委"),
        ("平顶山市科学技术协会", "市科协"),
        ("市人力资源和社会保障局", "市人力资源社会保障局"),
    ],
)
def test_long_names_are_aliases(rubric: Rubric, alias: str, name: str) -> None:
    unit = rubric.find_unit(alias)
    assert unit is not None and unit.name == name


def test_county_units(rubric: Rubric) -> None:
    county = [u for u in rubric.units if u.group == "county"]
    assert sorted(u.name for u in county) == sorted(COUNTY_LEVEL + ZONES)
    assessed = {u.name for u in rubric.assessed_units("county")}
    assert assessed == set(COUNTY_LEVEL) - NOT_ASSESSED_2017
    assert len(assessed) == 9
    ruzhou = rubric.find_unit("汝州市")
    assert ruzhou is not None and not ruzhou.assessed and "省直管" in ruzhou.note
    for zone in ZONES:
        unit = rubric.find_unit(zone)
        assert unit is not None and not unit.assessed
    for unit in county:  # any of them could be assessed, so every one needs its population
        assert unit.params.get("population", 0) > 0, unit.name


def test_item_groups_have_the_seed_leads(rubric: Rubric) -> None:
    got = {g.id: {rubric.unit(lead).name for lead in g.leads} for g in rubric.item_groups}
    assert got == {gid: set(leads) for gid, leads in SEED_LEADS.items()}


# --- pingdingshan-2017: items faithful to the seed ------------------------------------------
def test_one_department_item_per_work_plan_item(rubric: Rubric) -> None:
    by_plan: dict[int, list[Item]] = {}
    for item in department_items(rubric):
        assert len(item.plan_items) == 1, item.id
        by_plan.setdefault(item.plan_items[0], []).append(item)
    assert sorted(by_plan) == list(range(1, 34))
    for n, items in by_plan.items():
        assert len(items) == 1, (n, [i.id for i in items])
        item = items[0]
        assert item.number == str(n)
        assert item.title and item.content and item.evidence and item.verification
        assert item.item_group == SEED_ITEM_GROUP.get(n, ""), item.id


def test_department_sections_follow_the_plan(rubric: Rubric) -> None:
    expected = {"一、": range(1, 6), "二、": range(6, 15), "三、": range(15, 31), "四、": range(31, 34)}
    for section in rubric.sections[:4]:
        prefix = section.title[:2]
        assert [i.plan_items[0] for i in section.items] == list(expected[prefix]), section.title


SEED_FILE = Path("/work/shared/seed/pingdingshan-2017-work-points.txt")


@pytest.mark.skipif(not SEED_FILE.exists(), reason="seed document not available")
def test_titles_and_contents_come_from_the_seed(rubric: Rubric) -> None:
    lines = [line.strip() for line in SEED_FILE.read_text("utf-8").splitlines()]
    for section in rubric.sections[:4]:
        assert section.title in lines
    for item in department_items(rubric):
        (n,) = item.plan_items
        (line,) = [x for x in lines if x.startswith((f"{n}.", f"{n}．"))]
        assert item.content[:15] in line, item.id


@pytest.mark.parametrize("n", sorted(SEED_RESPONSIBLE))
def test_items_apply_to_exactly_the_seed_units(rubric: Rubric, n: int) -> None:
    actual = {
        u.id
        for u in rubric.assessed_units()
        for a in rubric.assignments(u)
        if a.section.kind == "base" and n in a.item.plan_items
    }
    assert actual == expected_unit_ids(rubric, n)


@pytest.mark.parametrize("n", sorted(SEED_RESPONSIBLE))
def test_department_item_matches_seed_departments(rubric: Rubric, n: int) -> None:
    """Without the county section: the department version alone is exactly the named departments."""
    (item,) = [i for i in department_items(rubric) if n in i.plan_items]
    counties = {uid(rubric, c) for c in COUNTY_LEVEL + ZONES}
    assert units_of(rubric, item) == expected_unit_ids(rubric, n) - counties


def test_lead_weights_only_where_all_leads_are_named(rubric: Rubric) -> None:
    for item in base_items(rubric):
        for scope in item.applies_to:
            if scope.weight == 1:
                continue
            assert scope.kind == "leads" and scope.weight > 1, item.id
            assert item.item_group == scope.ref, item.id
            (n,) = item.plan_items
            assert set(SEED_LEADS[scope.ref]) <= set(SEED_RESPONSIBLE[n]), item.id


def test_county_section_covers_items_31_to_33(rubric: Rubric) -> None:
    items = county_items(rubric)
    assert {n for i in items for n in i.plan_items} == {31, 32, 33}
    for item in items:
        assert set(item.plan_items) <= {31, 32, 33}, item.id
        assert not units_of(rubric, item, "dept"), item.id
        assert units_of(rubric, item) == {u.id for u in rubric.units if u.group == "county"}
    assert sum((i.points for i in items), Decimal(0)) == 100


def test_every_county_has_a_100_point_base(rubric: Rubric) -> None:
    for unit in rubric.units:
        if unit.group == "county":
            assert rubric.max_base(unit) == 100, unit.name


def test_department_catalogue_totals_100(rubric: Rubric) -> None:
    items = department_items(rubric)
    assert sum((i.base_points for i in items), Decimal(0)) == 100
    per_section = {s.id: sum((i.points for i in s.items), Decimal(0)) for s in rubric.sections[:4]}
    assert sum(per_section.values()) == 100
    assert all(s.points == per_section[s.id] for s in rubric.sections[:4])


def test_bonus_section(rubric: Rubric) -> None:
    bonus = [s for s in rubric.sections if s.kind == "bonus"]
    assert len(bonus) == 1 and bonus[0].cap == 5
    covered = {rubric.unit(x).group for item in bonus[0].items for x in units_of(rubric, item)}
    assert covered == {"county", "dept"}
    assert all(not i.plan_items for i in bonus[0].items)


# --- pingdingshan-2017: the rule examples the issue asks for ---------------------------------
def dept_item(rubric: Rubric, n: int) -> Item:
    return next(i for i in department_items(rubric) if i.plan_items == (n,))


def test_item1_brand_activities_are_a_checklist(rubric: Rubric) -> None:
    rules = [c.rule for c in dept_item(rubric, 1).criteria if c.rule.kind == "checklist"]
    labels = "".join(c.label for r in rules for c in r.checks)  # type: ignore[attr-defined]
    assert "科普日" in labels and "科技活动周" in labels and "三下乡" in labels


def test_item11_training_target_is_proportional(rubric: Rubric) -> None:
    (rule,) = [c.rule for c in dept_item(rubric, 11).criteria if c.rule.kind == "proportional"]
    assert (rule.label, rule.measure, rule.target.value) == ("完成职业培训", "人次", 200000)  # type: ignore[attr-defined]


def test_item32_county_funding_is_per_capita(rubric: Rubric) -> None:
    rules = [
        c.rule
        for i in county_items(rubric)
        if 32 in i.plan_items
        for c in i.criteria
        if c.rule.kind == "threshold" and c.rule.target.param
    ]  # type: ignore[attr-defined]
    assert len(rules) == 1
    rule = rules[0]
    assert (rule.target.param, rule.target.per, rule.measure) == ("population", 1, "万元")  # type: ignore[attr-defined]


def test_item30_volunteers_are_tiered(rubric: Rubric) -> None:
    (rule,) = [c.rule for c in dept_item(rubric, 30).criteria if c.rule.kind == "tiers"]
    tiers = sorted((t.interval.low, t.interval.high, t.points) for t in rule.tiers)  # type: ignore[attr-defined]
    assert tiers == [(50, 200, 1), (200, 600, 2), (600, None, 3)]


def test_named_rule_examples_exist(rubric: Rubric) -> None:
    crits = [c for _, item in rubric.items() for c in item.criteria]
    assert any(
        c.rule.kind == "levels" and [lv.name for lv in c.rule.levels] == ["好", "较好", "一般"]  # type: ignore[attr-defined]
        for c in crits
    )
    assert any(
        c.rule.kind == "deduct_per" and c.rule.each == Decimal("0.5") and "扣完为止" in c.text  # type: ignore[attr-defined]
        for c in crits
    )
    assert any(
        c.rule.kind == "deductions" and any("工作计划" in f.label and f.points == 2 for f in c.rule.faults)  # type: ignore[attr-defined]
        for c in crits
    )
    assert any(
        c.rule.kind == "per_category"
        and {"中央媒体", "省级媒体", "市级媒体"} <= {k.name for k in c.rule.categories}  # type: ignore[attr-defined]
        and c.rule.cap == c.points
        for c in crits
    )  # type: ignore[attr-defined]
    assert any(c.rule.kind == "checklist" and c.rule.mode == "all" for c in crits)  # type: ignore[attr-defined]
    assert any(c.rule.kind == "discretionary" and "酌情" in c.text for c in crits)


# --- pingdingshan-2017: what `rubric show --unit` lists -------------------------------------
def test_show_education_bureau(rubric: Rubric) -> None:
    expected_plan = seed_plan_items_for(rubric, "市教育局")
    assert expected_plan == {1, 2, 3, 4, 5, 6, 7, 11, 17, 20, 22, 23, 28, 29, 30, 31, 33}
    data = show_json("市教育局")
    (unit,) = data["units"]
    assert unit["name"] == "市教育局"
    items = {i["id"]: i for i in data["items"]}
    assert list(items) == unit["items"]
    base = [i for i in items.values() if i["section_kind"] == "base"]
    assert sorted(n for i in base for n in i["plan_items"]) == sorted(expected_plan)
    assert all(i["section"] != "s5" for i in base)
    bonus = {i["id"] for i in items.values() if i["section_kind"] == "bonus"}
    assert bonus == {"b1", "b3"}
    # items 6 and 7 carry the youth-lead weight 1.5: 25 + 4×1.5 + 4×1.5 + 4 + 3 + 4 + 2×5 + 4 + 3 + 4
    assert unit["weights"] == {"d06": "1.5", "d07": "1.5"}
    assert unit["max_base"] == "67"


def test_show_baofeng_county(rubric: Rubric) -> None:
    data = show_json("宝丰县")
    (unit,) = data["units"]
    items = data["items"]
    assert {i["id"] for i in items} == set(unit["items"])
    base = [i for i in items if i["section_kind"] == "base"]
    assert {i["section"] for i in base} == {"s5"}
    assert {i["id"] for i in base} == {i.id for i in county_items(rubric)}
    assert {n for i in base for n in i["plan_items"]} == {31, 32, 33}
    assert {i["id"] for i in items if i["section_kind"] == "bonus"} == {"b1", "b2", "b3"}
    assert unit["max_base"] == "100"
