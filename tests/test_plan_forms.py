"""Issue 18, finding by finding: the plan forms real offices write (each test failed on the old importer)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from kepu_inspect.adapters.plan_file import simplifier
from kepu_inspect.adapters.rubric_file import load_rubric_text
from kepu_inspect.core.plan import OfficialUnit, Plan, PlanItem, parse_plan
from kepu_inspect.core.problems import Code, Severity
from kepu_inspect.services.plan_import import import_plan


def parse(text: str, official: list[OfficialUnit] | None = None) -> Plan:
    return parse_plan(text, official=official or (), to_simplified=simplifier())


def codes(plan: Plan) -> list[str]:
    return [p.code.name for p in plan.problems]


def assignments(item: PlanItem) -> dict[str, str]:
    """unit or @collective → role ("-" when the plan gives none)."""
    got = {name: item.role_of(name) or "-" for name in item.units}
    got.update({"@" + c: item.role_of(c) or "-" for c in item.collectives})
    return got


def imported(tmp_path: Path, text: str, units: str | None = None) -> tuple[Plan, str]:
    path = tmp_path / "plan.txt"
    path.write_text(text, "utf-8")
    units_path = None
    if units is not None:
        units_path = tmp_path / "units.yaml"
        units_path.write_text(units, "utf-8")
    result = import_plan(path, units_path)
    assert not result.fatal, [p.message for p in result.problems]
    assert result.plan is not None
    loaded = load_rubric_text(result.yaml_text, Path("out.yaml"))
    assert loaded.rubric is not None, [p.message for p in loaded.problems]
    return result.plan, result.yaml_text


# --------------------------------------------------------------------------------------------
# District and county departments are units
# --------------------------------------------------------------------------------------------
DISTRICT = """郑州市金水区2020年全民科学素质工作要点
一、重点任务
1.开展法治进校园活动。（责任单位：区司法局、区教育局）
2.开展社区科普活动。（责任单位：区科协、各街道办事处）
"""


def test_district_departments_are_units_and_streets_the_level_below() -> None:
    plan = parse(DISTRICT)
    assert plan.level == "district"
    assert plan.items[0].units == ("区司法局", "区教育局") and plan.items[0].collectives == ()
    assert plan.items[1].units == ("区科协",) and plan.items[1].collectives == ("county",)
    assert all(u.group == "dept" for u in plan.units)
    assert plan.group_names == ("街道（乡镇）", "区直成员单位")


def test_county_plan_imports_its_departments(tmp_path: Path) -> None:
    plan, text = imported(
        tmp_path,
        "宝丰县2019年全民科学素质工作要点\n一、任务\n1.开展科技活动周。（责任单位：县科协、县教育局、各乡镇人民政府）\n",
    )
    assert plan.level == "county" and plan.items[0].units == ("县科协", "县教育局")
    assert plan.items[0].collectives == ("county",)
    doc = yaml.safe_load(text)
    assert [g["name"] for g in doc["groups"]] == ["乡镇（街道）", "县直成员单位"]
    assert [u["name"] for u in doc["units"]] == ["县科协", "县教育局"]


def test_unit_list_names_district_departments(tmp_path: Path) -> None:
    units = "- {name: 区司法局, aliases: [金水区司法局]}\n- {name: 区教育局}\n- {name: 区科协}\n"
    plan, _ = imported(tmp_path, DISTRICT, units)
    assert plan.items[0].units == ("区司法局", "区教育局")
    assert not [p for p in plan.problems if p.code is Code.PL008]


def test_unit_list_group_wins_over_the_name_guess(tmp_path: Path) -> None:
    """--units always wins: 高新区 looks like a district, but the office lists it among departments."""
    text = "鹤壁市2020年工作要点\n一、任务\n1.开展活动。（责任单位：高新区、市科协）\n"
    plan, _ = imported(tmp_path, text, "- {name: 高新区, group: dept}\n- {name: 市科协}\n")
    assert {u.name: u.group for u in plan.units} == {"高新区": "dept", "市科协": "dept"}
    guessed, _ = imported(tmp_path, text)
    assert {u.name: u.group for u in guessed.units}["高新区"] == "county"


# --------------------------------------------------------------------------------------------
# Annotations without a label, in every form
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("annotation", "expected"),
    [
        ("（市交通委负责落实）", {"市交通委": "-"}),
        ("（市交通委负责）", {"市交通委": "-"}),
        ("（市科协、市教育局、团市委分别负责落实）", {"市科协": "-", "市教育局": "-", "团市委": "-"}),
        (
            "（市人社局、市总工会牵头，各有关部门按职责分工负责）",
            {"市人社局": "lead", "市总工会": "lead", "@dept": "cooperate"},
        ),
        (
            "（市人社局、市總工會牽頭，各有關部門按職責分工負責）",
            {"市人社局": "lead", "市总工会": "lead", "@dept": "cooperate"},
        ),
        ("（市府办〔市大数据局〕牵头，市科协配合）", {"市府办": "lead", "市科协": "cooperate"}),
        ("（各县（市、区）人民政府负责落实，市科协配合）", {"@county": "lead", "市科协": "cooperate"}),
        ("\n市总工会牵头落实", {"市总工会": "lead"}),
        (
            "\n市科协牵头落实，市农业农村局、市科技局配合。",
            {"市科协": "lead", "市农业农村局": "cooperate", "市科技局": "cooperate"},
        ),
        ("（由市科协牵头负责）", {"市科协": "lead"}),
    ],
)
def test_unlabelled_annotations(annotation: str, expected: dict[str, str]) -> None:
    plan = parse(
        f"某市2022年工作要点\n一、任务\n1.开展第一项工作。{annotation}\n2.开展第二项工作。（责任单位：市财政局）"
    )
    assert assignments(plan.items[0]) == expected
    assert plan.items[0].text == "开展第一项工作。"
    assert "PL002" not in codes(plan)


def test_bracketed_alternative_name_is_an_alias_with_a_warning() -> None:
    plan = parse("某市2022年工作要点\n一、任务\n1.推进数字科普。（市府办〔市大数据局〕牵头，市科协配合）")
    unit = next(u for u in plan.units if u.name == "市府办")
    assert unit.aliases == ("市大数据局",) and "PL017" in codes(plan)


def test_general_lead_line_names_the_group_leads() -> None:
    plan = parse(
        "某市2022年工作要点\n一、重点人群\n（一）青少年科学素质提升行动\n总牵头部门：市教育局\n"
        "1.开展科技节活动。（市教育局负责落实）\n2.开展竞赛。"
    )
    assert plan.groups[0].leads == ("市教育局",)
    assert plan.items[1].fallback and plan.items[1].collectives == ("own_leads",)
    assert "PL002" in codes(plan)


# --------------------------------------------------------------------------------------------
# 牵头 and 配合 told apart
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("annotation", "expected"),
    [
        (
            "（牵头单位：市科协；配合单位：市教育局、市财政局）",
            {"市科协": "lead", "市教育局": "cooperate", "市财政局": "cooperate"},
        ),
        ("（牵头单位：市科协 配合单位：市教育局）", {"市科协": "lead", "市教育局": "cooperate"}),
        ("（主要责任单位：市科协；参与单位：市教育局）", {"市科协": "lead", "市教育局": "cooperate"}),
        ("（责任单位：市科协（牵头）、市教育局）", {"市科协": "lead", "市教育局": "cooperate"}),
        ("（责任单位：市科协牵头，各成员单位配合）", {"市科协": "lead", "@dept": "cooperate"}),
        ("（责任单位：市科协、市教育局）", {"市科协": "-", "市教育局": "-"}),
    ],
)
def test_roles(annotation: str, expected: dict[str, str]) -> None:
    plan = parse(f"某市2022年工作要点\n一、任务\n1.开展活动。{annotation}")
    assert assignments(plan.items[0]) == expected


def test_first_listed_leads_when_the_plan_says_so(tmp_path: Path) -> None:
    text = "某市2022年工作要点\n（责任单位中排在第一位的为牵头单位）\n一、任务\n1.开展活动。（责任单位：市科协、市教育局）\n"
    plan, out = imported(tmp_path, text)
    assert assignments(plan.items[0]) == {"市科协": "lead", "市教育局": "cooperate"}
    assert "PL016" in codes(plan)
    applies = yaml.safe_load(out)["sections"][0]["items"][0]["applies_to"]
    assert applies == [{"unit": "市科协", "role": "lead"}, {"unit": "市教育局", "role": "cooperate"}]


# --------------------------------------------------------------------------------------------
# Names
# --------------------------------------------------------------------------------------------
SHARED = "某市2022年工作要点\n一、任务\n1.开展干部培训。（责任单位：市委组织部、宣传部，市发展改革委、科技局、教育局）\n"


def test_shared_prefixes_are_expanded_with_a_note() -> None:
    plan = parse(SHARED)
    assert plan.items[0].units == ("市委组织部", "市委宣传部", "市发展改革委", "市科技局", "市教育局")
    notes = [p for p in plan.problems if p.code is Code.PL014]
    assert len(notes) == 3 and all(p.severity is Severity.INFO for p in notes)


def test_shared_prefixes_with_a_unit_list_make_no_duplicate(tmp_path: Path) -> None:
    units = "- {name: 市教育局}\n- {name: 市委宣传部}\n- {name: 市科学技术局, aliases: [市科技局]}\n"
    plan, _ = imported(tmp_path, SHARED, units)
    names = [u.name for u in plan.units]
    assert "教育局" not in names and names.count("市教育局") == 1
    assert plan.items[0].units[1:] == ("市委宣传部", "市发展改革委", "市科学技术局", "市教育局")


@pytest.mark.parametrize("word", ["待定", "另定", "另行确定"])
def test_undetermined_is_not_a_unit(word: str) -> None:
    plan = parse(f"某市2022年工作要点\n一、任务\n1.建设科普大屏。（责任单位：{word}）")
    assert plan.units == () and plan.items[0].units == () and plan.items[0].fallback
    assert codes(plan) == ["PL013"]


def test_a_unit_inside_another_is_not_its_alias() -> None:
    plan = parse(
        "某市2022年工作要点\n一、任务\n1.交通安全宣传。（责任单位：市公安局交通管理局、市公安局）\n"
        "2.禁毒宣传。（责任单位：市公安局）"
    )
    assert sorted(u.name for u in plan.units) == ["市公安局", "市公安局交通管理局"]
    assert "PL007" not in codes(plan)


# --------------------------------------------------------------------------------------------
# Structure
# --------------------------------------------------------------------------------------------
CLOSING = """某市2022年工作要点
一、重点任务
（一）青少年
1.开展科技节。（责任单位：市教育局）
（二）社区居民
2.开展社区科普。（责任单位：市科协）
二、工作要求
1.加强组织领导。各单位要高度重视。
2.加强督导检查。市素质办年底考核。
"""


def test_closing_requirements_are_notes_not_items(tmp_path: Path) -> None:
    plan, out = imported(tmp_path, CLOSING)
    assert [it.number for it in plan.items] == [1, 2]
    assert [n.title for n in plan.notes] == ["工作要求"] and "加强组织领导" in plan.notes[0].text
    assert "PL015" in codes(plan)
    assert "# 原文“工作要求”（作为说明保留，未列为考核项目）：" in out
    assert "# 1.加强组织领导。各单位要高度重视。" in out


def test_subsections_without_leads_stay_item_groups(tmp_path: Path) -> None:
    _, out = imported(tmp_path, CLOSING)
    doc = yaml.safe_load(out)
    assert doc["item_groups"] == [{"id": "g1", "name": "青少年"}, {"id": "g2", "name": "社区居民"}]
    assert [it["item_group"] for it in doc["sections"][0]["items"]] == ["g1", "g2"]


def test_a_requirements_section_that_names_units_stays() -> None:
    plan = parse("某市2022年工作要点\n一、加强组织领导\n1.召开领导小组会议。（责任单位：市科协）")
    assert len(plan.items) == 1 and not plan.notes


COVER = """关于印发《金水区2021年全民科学素质工作要点》的通知
各街道办事处，区全民科学素质工作领导小组各成员单位：
现将《金水区2021年全民科学素质工作要点》印发给你们，请认真贯彻落实。
金水区全民科学素质工作领导小组办公室
2021年3月1日
金水区2021年全民科学素质工作要点
一、任务
1.开展科普日活动。（责任单位：区科协）
"""


def test_title_and_issuer_from_the_cover_and_signature(tmp_path: Path) -> None:
    plan, out = imported(tmp_path, COVER)
    assert plan.title == "金水区2021年全民科学素质工作要点"
    assert plan.issuer == "金水区全民科学素质工作领导小组办公室"
    assert yaml.safe_load(out)["rubric"]["issuer"] == "金水区全民科学素质工作领导小组办公室"


def test_a_district_plan_without_signature_is_not_issued_by_the_city(tmp_path: Path) -> None:
    _, out = imported(tmp_path, DISTRICT)
    assert yaml.safe_load(out)["rubric"]["issuer"] == "郑州市金水区全民科学素质工作领导小组办公室"


def test_issuer_line_above_the_title_is_not_glued_on() -> None:
    plan = parse(
        "许昌市科学技术协会\n许昌市2018年全民科学素质工作要点\n一、任务\n1.开展活动。（责任单位：市科协）"
    )
    assert plan.title == "许昌市2018年全民科学素质工作要点"


def test_signature_after_the_last_item_is_not_its_text() -> None:
    plan = parse(
        "某市2022年工作要点\n一、任务\n1.开展活动。\n2.开展培训。\n某市全民科学素质工作领导小组办公室\n2022年3月1日"
    )
    assert plan.items[-1].text == "开展培训。" and plan.issuer == "某市全民科学素质工作领导小组办公室"


def test_item_numbers_of_five_digits() -> None:
    plan = parse(
        "某市2020年任务清单\n一、科普惠民\n10101．开展信息员建设。（责任单位：市科协）\n10102．开展科普进社区。（责任单位：市民政局）"
    )
    assert [it.number for it in plan.items] == [10101, 10102]


def test_no_items_is_an_error_not_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("关于做好科普工作的通知\n各单位：请认真做好科普工作。", "utf-8")
    result = import_plan(path)
    assert result.fatal and [(p.code.name, p.severity) for p in result.problems] == [
        ("PL006", Severity.ERROR)
    ]


def test_national_level_from_unit_names_is_reported() -> None:
    plan = parse("2023年全民科学素质工作要点\n一、任务\n1.开展科学教育。（教育部牵头，中国科协配合）")
    assert plan.level == "national" and "PL018" in codes(plan)
    assert assignments(plan.items[0]) == {"教育部": "lead", "中国科协": "cooperate"}


def test_an_action_with_its_own_leads_and_no_tasks_is_an_item() -> None:
    plan = parse(
        "某市实施方案（2021—2025年）\n一、提升行动\n（一）青少年科学素质提升行动。激发好奇心。\n"
        "牵头单位：市教育局\n责任单位：团市委\n二、重点工程\n（一）基础设施工程\n1.推进科技馆建设。（责任单位：市科协）"
    )
    assert [(it.number, it.group) for it in plan.items] == [(1, None), (1, 1)]
    assert assignments(plan.items[0]) == {"市教育局": "lead", "团市委": "cooperate"}
    assert plan.items[0].annotation == "牵头单位：市教育局；责任单位：团市委"
    assert "PL025" in codes(plan) and plan.groups[0].leads == ()


def test_stamp_line_and_cover_forms() -> None:
    plan = parse(
        "现将《2018年全民科学素质行动工作要点》印发给你们。\n全民科学素质纲要实施工作办公室\n（中国科协办公厅代章）\n"
        "2018年3月19日\n2018年全民科学素质行动工作要点\n一、任务\n1.开展活动。（教育部、中国科协牵头，各有关成员单位参加）"
    )
    assert plan.title == "2018年全民科学素质行动工作要点"
    assert plan.issuer == "全民科学素质纲要实施工作办公室"
    assert assignments(plan.items[0]) == {"教育部": "lead", "中国科协": "lead", "@dept": "cooperate"}


def test_cover_title_broken_over_lines_and_issuer_before_关于() -> None:
    plan = parse(
        "市人民政府办公室关于\n印发赤壁市全民科学素质行动计划纲要\n实施方案(2011-2015年)的通知\n"
        "赤壁市全民科学素质行动计划纲要实施方案(2011-2015年)\n一、任务\n1.开展活动。（责任单位：市科协）"
    )
    assert plan.title == "赤壁市全民科学素质行动计划纲要实施方案(2011-2015年)"
    assert plan.issuer == "赤壁市人民政府办公室"


@pytest.mark.parametrize(
    ("item", "expected"),
    [
        ("1.开展科普日活动。\n——责任单位：市科协、市教育局", {"市科协": "-", "市教育局": "-"}),
        ("1.开展科普日活动。（市科协、市教育局为责任单位）", {"市科协": "-", "市教育局": "-"}),
        ("1.开展科普日活动。（牵头：市科协；配合：市教育局）", {"市科协": "lead", "市教育局": "cooperate"}),
        ("1.开展科普日活动，责任单位：市科协、市教育局。", {"市科协": "-", "市教育局": "-"}),
        ("1.开展科普日活动，由市科协负责。", {"市科协": "-"}),
        ("1、开展科普日活动。(责任单位:市科协,市教育局)", {"市科协": "-", "市教育局": "-"}),
        ("①开展科普日活动。〔市科协、市教育局〕", {"市科协": "-", "市教育局": "-"}),
        (
            "1.开展科普日活动。（牵头单位：市科协；责任单位：市教育局；完成时限：2022年底前）",
            {"市科协": "lead", "市教育局": "cooperate"},
        ),
        ("1.开展科普日活动。（市科协负责，2022年12月底前完成）", {"市科协": "-"}),
        ("1.开展科普日活动。（责任单位：市科协；时间：全年）", {"市科协": "-"}),
    ],
)
def test_more_shapes_of_annotation(item: str, expected: dict[str, str]) -> None:
    plan = parse(f"某市2022年工作要点\n一、任务\n{item}")
    assert assignments(plan.items[0]) == expected
    assert not [p for p in plan.problems if p.severity is not Severity.INFO]


@pytest.mark.parametrize(
    "item",
    [
        "1.开展科普日活动，责任单位要高度重视。",
        "1.开展科技周，由各地组织开展宣传。",
        "1.推进科普资源进社区（含科技馆、博物馆）。",
    ],
)
def test_sentences_that_only_look_like_annotations(item: str) -> None:
    plan = parse(f"某市2022年工作要点\n一、任务\n{item}")
    assert plan.items[0].units == () and plan.items[0].fallback and "PL002" in codes(plan)


def test_unit_list_wins_over_the_lower_level_guess(tmp_path: Path) -> None:
    """县教育局 in a city's plan reads as every county's bureau — unless the office lists it as a unit."""
    text = "某市2022年工作要点\n一、任务\n1.开展活动。（责任单位：市科协、县教育局）\n"
    guessed, _ = imported(tmp_path, text)
    assert guessed.items[0].collectives == ("county",) and "PL009" in codes(guessed)
    listed, _ = imported(tmp_path, text, "- {name: 市科协}\n- {name: 县教育局, group: dept}\n")
    assert listed.items[0].units == ("市科协", "县教育局") and listed.items[0].collectives == ()
