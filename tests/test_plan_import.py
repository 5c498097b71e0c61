"""``rubric import``: work plans in many styles → a rubric skeleton that ``rubric check`` accepts."""

from __future__ import annotations

import ast
import io
import re
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from kepu_inspect.adapters import plan_file
from kepu_inspect.adapters.plan_file import decode_text, docx_text, read_plan, read_units_file, simplifier
from kepu_inspect.adapters.rubric_file import load_rubric, load_rubric_text
from kepu_inspect.adapters.yaml_writer import plain, scalar, to_yaml
from kepu_inspect.core.plan import (
    OfficialUnit,
    Plan,
    alias_strength,
    cn_number,
    parse_plan,
    prepare_lines,
    short_title,
)
from kepu_inspect.core.problems import Code
from kepu_inspect.services import plan_import
from kepu_inspect.services.plan_import import import_plan
from kepu_inspect.services.plan_skeleton import spread_points

REPO = Path(__file__).resolve().parents[1]
PLANS = REPO / "tests" / "data" / "plans"
# the project's seed document, vendored so a clean clone runs every test
SEED = REPO / "tests" / "data" / "seed" / "pingdingshan-2017-work-points.txt"
SEED_ORIGINAL = REPO / "tests" / "data" / "seed" / "pingdingshan-2017-work-points.original.txt"


def parse(text: str, **kwargs: object) -> Plan:
    return parse_plan(text, to_simplified=simplifier(), **kwargs)  # type: ignore[arg-type]


def codes(problems: object) -> list[str]:
    return [p.code.name for p in problems]  # type: ignore[attr-defined]


def item(plan: Plan, number: int, section: int | None = None) -> object:
    found = [it for it in plan.items if it.number == number and (section is None or it.section == section)]
    assert len(found) == 1, f"item {number}: {found}"
    return found[0]


def write(tmp_path: Path, name: str, data: bytes | str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(data if isinstance(data, bytes) else data.encode(encoding))
    return path


def make_docx(lines: list[str], numbered: tuple[str, ...] = ()) -> bytes:
    """A .docx with one paragraph a line; lines in ``numbered`` use Word's automatic numbering."""
    import docx

    document = docx.Document()
    for line in lines:
        if line in numbered:
            document.add_paragraph(line, style="List Number")
        else:
            document.add_paragraph(line)
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def imported(path: Path, units: Path | None = None) -> plan_import.ImportResult:
    result = import_plan(path, units)
    assert not result.fatal, [p.message for p in result.problems]
    loaded = load_rubric_text(result.yaml_text, Path("out.yaml"))
    assert loaded.rubric is not None and not [p for p in loaded.problems if p.severity.value == "error"]
    return result


# --------------------------------------------------------------------------------------------
# The seed
# --------------------------------------------------------------------------------------------
SEED_LEADS = [
    ("实施青少年科学素质行动", ("市教育局", "团市委", "市科协")),
    ("实施农民科学素质行动", ("市农业局", "市科协")),
    ("实施城镇劳动者科学素质行动", ("市人力资源社会保障局", "市总工会", "市安全监管局")),
    ("实施领导干部和公务员科学素质行动", ("市委组织部", "市人力资源社会保障局")),
]


def seed_variants(tmp_path: Path) -> dict[str, Path]:
    text = SEED.read_text("utf-8")
    return {
        "utf-8": SEED,
        "utf-8-bom": write(tmp_path, "bom.txt", b"\xef\xbb\xbf" + text.encode("utf-8")),
        "gb18030": write(tmp_path, "gb.txt", text, "gb18030"),
        "docx": write(tmp_path, "seed.docx", make_docx(text.splitlines())),
        "original": SEED_ORIGINAL,
    }


@pytest.mark.parametrize("variant", ["utf-8", "utf-8-bom", "gb18030", "docx", "original"])
def test_seed_imports_exactly(variant: str, tmp_path: Path) -> None:
    result = imported(seed_variants(tmp_path)[variant])
    assert result.counts == {"sections": 4, "groups": 4, "items": 33, "units": 29, "notes": 0}
    plan = result.plan
    assert plan is not None
    assert [it.number for it in plan.items] == list(range(1, 34))
    assert [len(plan.items_of(i)) for i in range(4)] == [5, 9, 16, 3]
    assert [(g.title, g.leads) for g in plan.groups] == SEED_LEADS
    assert [[it.number for it in plan.items if it.group == gi] for gi in range(4)] == [
        [6, 7],
        [8, 9, 10],
        [11, 12],
        [13, 14],
    ]
    names = {u.name for u in plan.units}
    assert "市素质办" not in names and not any(n.startswith("各") for n in names)
    assert all(u.group == "dept" for u in plan.units)
    merged = next(u for u in plan.units if "市工业和信息化委" in (u.name, *u.aliases))
    assert {merged.name, *merged.aliases} == {"市工信委", "市工业和信息化委"}
    canonical = merged.name

    def units(n: int) -> tuple[str, ...]:
        return item(plan, n).units  # type: ignore[attr-defined,no-any-return]

    assert units(6) == (
        "市教育局",
        canonical,
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
    )
    assert units(15) == (
        "市文广新局",
        "市民政局",
        "市妇联",
        "市卫生计生委",
        "市安全监管局",
        "市总工会",
        "市科协",
    )
    assert units(17)[2] == canonical
    assert units(28)[:3] == ("市科技局", "市科协", "市教育局") and len(units(28)) == 13
    assert item(plan, 28).text.startswith("组织动员科技类博物馆")  # type: ignore[attr-defined]
    assert units(10) == ("市科协", "市财政局")  # 市农业局 leads the group but is not named on item 10
    for n in (1, 2, 3, 4, 5, 20):
        assert units(n) == () and item(plan, n).collectives == ("dept",)  # type: ignore[attr-defined]
    for n in (31, 33):
        it = item(plan, n)
        assert it.units == () and it.collectives == ("leads", "county") and it.office == ("市素质办",)  # type: ignore[attr-defined]
    assert units(32) == ("市财政局",) and item(plan, 32).collectives == ("county",)  # type: ignore[attr-defined]
    assert item(plan, 26).text.count("科科技") == 1  # the typo stays: the tool copies, it does not edit
    counts = {u.name: sum(u.name in it.units for it in plan.items) for u in plan.units}
    assert counts["市科协"] == 21 and counts["市文广新局"] == 12 and counts["市科技局"] == 12
    expected = {"PL007", "PL010"} | ({"PL005"} if variant == "original" else set())
    assert set(codes(result.problems)) == expected


def test_seed_rubric_semantics(tmp_path: Path) -> None:
    result = imported(SEED)
    rubric = load_rubric_text(result.yaml_text, Path("seed.yaml")).rubric
    assert rubric is not None
    assert [g.id for g in rubric.groups] == ["county", "dept"]
    assert not rubric.assessed_units("county")  # counties are never named: the office adds them
    items = {it.number: it for _, it in rubric.items()}
    scopes31 = [(s.kind, s.ref) for s in items["31"].applies_to]
    assert scopes31 == [
        ("leads", "g1"),
        ("leads", "g2"),
        ("leads", "g3"),
        ("leads", "g4"),
        ("group", "county"),
    ]
    assert [(s.kind, s.ref) for s in items["1"].applies_to] == [("group", "dept")]
    assert sum((it.points for _, it in rubric.items()), Decimal(0)) == 100
    assert all(it.points in (Decimal(3), Decimal("3.5")) for _, it in rubric.items())
    assert [s.points for s in rubric.sections] == [
        sum((i.points for i in s.items), Decimal(0)) for s in rubric.sections
    ]
    assert items["6"].item_group == "g1" and items["15"].item_group == ""
    assert items["6"].plan_items == (6,)
    for unit in rubric.assessed_units():
        assert rubric.assignments(unit)
    assert "TODO 待编辑" in result.yaml_text
    assert "# 原文：责任单位：市素质办、各牵头单位、各县（市、区）" in result.yaml_text


def test_seed_doubled_copy_adds_nothing(tmp_path: Path) -> None:
    clean, doubled = imported(SEED).plan, imported(SEED_ORIGINAL).plan
    assert clean is not None and doubled is not None
    assert [(i.number, i.text, i.units, i.collectives) for i in clean.items] == [
        (i.number, i.text, i.units, i.collectives) for i in doubled.items
    ]
    assert [s.heading for s in clean.sections] == [s.heading for s in doubled.sections]


def test_seed_import_is_stable(tmp_path: Path) -> None:
    """The same plan gives the same bytes."""
    first = import_plan(SEED_ORIGINAL)
    assert import_plan(SEED_ORIGINAL).yaml_text == first.yaml_text


def test_seed_with_official_unit_list() -> None:
    result = imported(SEED, PLANS / "pingdingshan-units.yaml")
    plan = result.plan
    assert plan is not None
    names = [u.name for u in plan.units]
    assert "市工业和信息化委员会" in names and "市工信委" not in names
    assert "共青团平顶山市委员会" in names and "市科学技术协会" in names
    assert item(plan, 6).units[-1] == "市科学技术协会"  # type: ignore[attr-defined]
    counties = [u for u in plan.units if u.group == "county"]
    assert len(counties) == 10 and all(not u.named for u in counties)
    assert result.counts["units"] == 39
    assert codes(result.problems).count("PL008") == 25  # named in the plan, missing from the short list
    assert "PL007" not in codes(result.problems)  # the official list already knows 市工信委
    rubric = load_rubric_text(result.yaml_text, Path("x.yaml")).rubric
    assert rubric is not None and len(rubric.assessed_units("county")) == 10
    ruzhou = rubric.find_unit("汝州市")
    assert ruzhou is not None and [a.item.number for a in rubric.assignments(ruzhou)] == ["31", "32", "33"]
    assert rubric.find_unit("团市委") is not None


# --------------------------------------------------------------------------------------------
# Hand-written plans in other styles
# --------------------------------------------------------------------------------------------
PLAN_CASES = [
    # file, (sections, groups, items, units), expected warning codes
    ("a-dunhao-restart.txt", (3, 2, 10, 12), {"PL002", "PL007", "PL009", "PL010", "PL026"}),
    ("b-paren-own-line.txt", (2, 0, 6, 14), {"PL026"}),
    ("c-simplified.txt", (2, 1, 5, 13), {"PL007"}),
    ("c-traditional.txt", (2, 1, 5, 13), {"PL007"}),
    ("d-mixed-brackets.txt", (2, 2, 7, 5), {"PL009", "PL010"}),
    ("e-pdf-broken.txt", (3, 2, 10, 12), {"PL002", "PL005", "PL007", "PL009", "PL010", "PL026"}),
]


@pytest.mark.parametrize(("name", "counts", "warnings"), PLAN_CASES, ids=[c[0] for c in PLAN_CASES])
def test_plans_in_other_styles(name: str, counts: tuple[int, int, int, int], warnings: set[str]) -> None:
    result = imported(PLANS / name)
    assert (
        result.counts["sections"],
        result.counts["groups"],
        result.counts["items"],
        result.counts["units"],
    ) == counts
    assert set(codes(result.problems)) == warnings


def test_restarted_numbering_and_county_units() -> None:
    plan = imported(PLANS / "a-dunhao-restart.txt").plan
    assert plan is not None
    assert [it.number for it in plan.items] == [1, 2, 3, 1, 2, 1, 2, 1, 2, 3]
    assert plan.items[0].units == ("市科协", "市教育局", "市财政局")  # 牵头单位 + 配合单位
    assert plan.items[1].collectives == ("dept",) and plan.items[1].office == ("市素质办",)
    assert plan.items[2].collectives == ("county",)  # 各县（市、区）人民政府
    assert [(g.title, g.leads) for g in plan.groups] == [
        ("青少年科学素质行动", ("市教育局", "团市委")),
        ("农民科学素质行动", ("市农业局", "市科协")),
    ]
    assert plan.items[3].units == ("市教育局", "市科协", "团市委")  # half-width (责任单位:…,…)
    assert plan.items[6].collectives == ("own_leads",) and not plan.items[6].annotated
    assert {u.name for u in plan.units if u.group == "county"} == {"魏都区", "建安区", "禹州市"}
    assert plan.items[-1].text == "加强科普信息化建设。"  # closing remarks and signature not swallowed
    assert [s.title for s in plan.sections][:3] == [
        "加强组织领导，完善工作机制",
        "实施重点人群科学素质行动",
        "强化基础设施建设",
    ]
    rubric = load_rubric_text(imported(PLANS / "a-dunhao-restart.txt").yaml_text, Path("a.yaml")).rubric
    assert rubric is not None
    # the rubric's 序号 runs on; the plan's own (restarting) numbers stay in plan_items
    assert [it.number for _, it in rubric.items()] == [str(n) for n in range(1, 11)]
    assert [it.plan_items for _, it in rubric.items()][3:5] == [(1,), (2,)]


def test_paren_numbering_with_sub_points_and_annotation_lines() -> None:
    plan = imported(PLANS / "b-paren-own-line.txt").plan
    assert plan is not None
    assert [it.number for it in plan.items] == [1, 2, 3, 4, 5, 6]
    assert (
        plan.items[0].text == "组织开展全国科普日活动。具体包括：1.举办科普日主场活动；2.开展科普进社区活动。"
    )
    assert plan.items[1].units == ("市科技局", "市科协")  # 责任单位 on its own line, no brackets
    assert plan.items[2].units == ("市应急管理局", "市地震局", "市气象局")  # 〔…〕
    assert plan.items[3].units == ("市科协", "市文化广电和旅游局")  # [负责单位：…]
    assert plan.items[4].units == ("鹤山区", "淇县", "高新区", "市民政局")  # 牵头单位 + 配合单位 lines
    assert plan.items[5].units == ("市委组织部", "市人力资源社会保障局", "市科协")


def test_traditional_plan_gives_the_same_units_as_simplified() -> None:
    simplified = imported(PLANS / "c-simplified.txt").plan
    traditional = imported(PLANS / "c-traditional.txt").plan
    assert simplified is not None and traditional is not None
    assert traditional.converted_traditional and not simplified.converted_traditional
    assert [u.name for u in traditional.units] == [u.name for u in simplified.units]
    assert [(i.units, i.collectives) for i in traditional.items] == [
        (i.units, i.collectives) for i in simplified.items
    ]
    assert [g.leads for g in traditional.groups] == [("市教育局", "团市委")]


def test_unlabelled_and_odd_brackets() -> None:
    plan = imported(PLANS / "d-mixed-brackets.txt").plan
    assert plan is not None
    by = [(it.units, it.collectives) for it in plan.items]
    assert by == [
        ((), ("dept",)),  # （各成员单位）
        (("市教育局", "市科协"), ()),  # （市教育局、市科协） without a label
        (("市农业农村局", "市人社局"), ()),  # 【责任单位】…
        (("市农业农村局", "市科协"), ("county",)),  # (责任单位:…,…;各县(市、区))
        (("市科协",), ()),  # 市科协等单位
        (("市财政局", "市科协"), ()),  # separated by a space
        ((), ("dept",)),  # only 市素质办: falls back to everyone, with a warning
    ]
    assert plan.items[3].number == 4  # full-width digit ４．
    assert [g.leads for g in plan.groups] == [("市教育局", "市科协"), ("市农业农村局",)]


def test_pdf_copy_equals_clean_plan() -> None:
    clean = imported(PLANS / "a-dunhao-restart.txt").plan
    broken = imported(PLANS / "e-pdf-broken.txt").plan
    assert clean is not None and broken is not None
    assert [(i.number, i.text, i.units, i.collectives) for i in clean.items] == [
        (i.number, i.text, i.units, i.collectives) for i in broken.items
    ]
    assert [g.leads for g in clean.groups] == [g.leads for g in broken.groups]
    assert [u.name for u in clean.units] == [u.name for u in broken.units]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16"])
def test_encodings_are_detected(encoding: str, tmp_path: Path) -> None:
    text = (PLANS / "c-simplified.txt").read_text("utf-8")
    path = write(tmp_path, "plan.txt", text.encode(encoding))
    source = read_plan(path)
    assert source.text is not None and source.text.lstrip("\ufeff") == text
    assert imported(path).counts["items"] == 5


def test_docx_with_word_numbering_and_tables(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    document.add_paragraph("测试市2019年全民科学素质工作要点")
    document.add_paragraph("一、科普活动")
    document.add_paragraph("开展科普日活动。（责任单位：市科协、市教育局）", style="List Number")
    document.add_paragraph("开展科技活动周。（责任单位：市科技局）", style="List Number")
    document.add_paragraph("二、能力建设")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "3.建设科普基地。（责任单位：市科协）"
    table.cell(0, 1).text = "备注"
    table.cell(1, 0).merge(table.cell(1, 1)).text = "4.加强队伍建设。（责任单位：市人社局）"
    buf = io.BytesIO()
    document.save(buf)
    text = docx_text(buf.getvalue())
    assert "1.开展科普日活动" in text and "2.开展科技活动周" in text  # Word's own numbers are kept
    assert text.count("4.加强队伍建设") == 1  # a merged cell is read once
    result = imported(write(tmp_path, "plan.docx", buf.getvalue()))
    assert result.counts == {"sections": 2, "groups": 0, "items": 4, "units": 4, "notes": 0}


# --------------------------------------------------------------------------------------------
# Styles, one feature at a time
# --------------------------------------------------------------------------------------------
NUMBERING = ["{n}.", "{n}、", "{n}．", "（{n}）", "({n})", "{n}. ", "{c}"]
CIRCLED = "①②③"


@pytest.mark.parametrize("numbering", NUMBERING)
@pytest.mark.parametrize("section", ["一、", "一．", "第一部分 "])
@pytest.mark.parametrize("group", ["（一）", "(一)", "（一）、"])
def test_numbering_styles(numbering: str, section: str, group: str) -> None:
    lines = ["某市2020年科普工作要点", f"{section}重点工作", f"{group}青少年行动（牵头部门：市教育局）"]
    for n, unit in ((1, "市科协"), (2, "市教育局"), (3, "市财政局")):
        lines.append(
            numbering.format(n=n, c=CIRCLED[n - 1]) + f"开展第{n}项工作。（责任单位：{unit}、市妇联）"
        )
    plan = parse("\n".join(lines))
    assert [it.number for it in plan.items] == [1, 2, 3]
    assert [it.units for it in plan.items] == [
        ("市科协", "市妇联"),
        ("市教育局", "市妇联"),
        ("市财政局", "市妇联"),
    ]
    assert plan.items[0].text == "开展第1项工作。"
    assert [g.leads for g in plan.groups] == [("市教育局",)] and len(plan.sections) == 1


ANNOTATIONS = [
    "（责任单位：{a}、{b}）",
    "(责任单位:{a},{b})",
    "（牵头单位：{a}；配合单位：{b}）",
    "（牵头部门：{a}、{b}）",
    "（负责单位：{a}，{b}）",
    "〔责任单位：{a}、{b}〕",
    "[责任单位：{a}; {b}]",
    "【责任单位】{a}、{b}",
    "（{a}、{b}）",
    "\n责任单位：{a}、{b}",
    "\n（责任单位：{a}、{b}）",
    "\n牵头单位：{a}\n配合单位：{b}",
    "（責任單位：{a}、{b}）",
    "（责任单位：{a}/{b}）",
    "（ 责任单位 ： {a} 、 {b} ）",
]


@pytest.mark.parametrize("annotation", ANNOTATIONS)
def test_annotation_styles(annotation: str) -> None:
    text = (
        "一、工作任务\n"
        + "\n".join(
            f"{n}.开展第{n}项工作。" + annotation.format(a=a, b=b)
            for n, (a, b) in enumerate([("市科协", "市教育局"), ("市财政局", "各县（市、区）")], start=1)
        )
        + "\n二、保障措施\n各单位要高度重视。"
    )
    plan = parse(text)
    assert [(it.units, it.collectives) for it in plan.items] == [
        (("市科协", "市教育局"), ()),
        (("市财政局",), ("county",)),
    ]
    assert [it.text for it in plan.items] == ["开展第1项工作。", "开展第2项工作。"]
    assert not {"PL002", "PL003"} & set(codes(plan.problems))


def test_pdf_noise_is_removed() -> None:
    text = "\n".join(
        [
            "某市科协文件",
            "一、工作任务",
            "1.",
            "开展科普日活动，全年举办",
            "20",
            "场以上，覆盖全市",
            "- 2 -",
            "某市科协文件",
            "所有乡镇。（责任单位：市科",
            "协、市教",
            "育局）",
            "第 3 页",
            "2、开展科技周",
            "3",
            "某市科协文件",
            "活动。（责任单位",
            "：市科技局）",
            "共 4 页 第 4 页",
        ]
    )
    plan = parse(text)
    assert [it.text for it in plan.items] == [
        "开展科普日活动，全年举办20场以上，覆盖全市所有乡镇。",
        "开展科技周活动。",
    ]
    assert [it.units for it in plan.items] == [("市科协", "市教育局"), ("市科技局",)]
    assert "某市科协文件" not in " ".join(t for _, t in prepare_lines(text))


def test_continuation_lines_that_look_like_numbers_stay_text() -> None:
    text = "一、任务\n1.组织开展活动，时间为\n3、4月份，参加人数\n2.5万人次。（责任单位：市科协）\n2.开展培训。（责任单位：市教育局）"
    plan = parse(text)
    assert [it.number for it in plan.items] == [1, 2]
    assert plan.items[0].text == "组织开展活动，时间为3、4月份，参加人数2.5万人次。"


@pytest.mark.parametrize(
    ("annotation", "units", "collectives"),
    [
        ("（责任单位：市科协（牵头）、市教育局）", ("市科协", "市教育局"), ()),
        ("（责任单位：市科协牵头，市教育局、市财政局配合）", ("市科协", "市教育局", "市财政局"), ()),
        ("（责任单位：市教育局和市科协）", ("市教育局", "市科协"), ()),
        ("（责任单位：市工业和信息化委员会）", ("市工业和信息化委员会",), ()),
        ("（责任单位：市科协及各成员单位）", ("市科协",), ("dept",)),
        ("（责任单位：各县（市、区）科协）", (), ("county",)),
        ("（责任单位：市素质办、各牵头单位）", (), ("leads",)),
        ("（責任單位：市衛生計生委、團市委）", ("市卫生计生委", "团市委"), ()),
    ],
)
def test_unit_lists_as_people_write_them(
    annotation: str, units: tuple[str, ...], collectives: tuple[str, ...]
) -> None:
    plan = parse(f"一、任务\n（一）分组（牵头部门：市科协）\n1.开展活动。{annotation}")
    assert (plan.items[0].units, plan.items[0].collectives) == (units, collectives)


def test_label_words_in_running_text_are_not_annotations() -> None:
    plan = parse("一、任务\n1.明确分工。（责任单位要高度重视，认真落实）\n2.开展活动。（责任单位：市科协）")
    assert plan.items[0].text == "明确分工。（责任单位要高度重视，认真落实）" and not plan.items[0].annotated
    assert [u.name for u in plan.units] == ["市科协"]


def test_title_broken_by_a_pdf_and_document_numbers() -> None:
    plan = parse(
        "平科素办〔2017〕3号\n平顶山市\n2017\n年全民科学素质工作要点\n一、任务\n1.开展活动。（责任单位：市科协）"
    )
    assert (plan.title, plan.year, plan.place) == ("平顶山市2017年全民科学素质工作要点", 2017, "平顶山市")


def test_plan_numbered_only_with_chinese_parentheses() -> None:
    text = "\n".join(
        [
            "某市全民科学素质行动计划纲要实施方案（2021—2025年）",
            "一、总体要求",
            "坚持需求导向。",
            "二、重点任务",
            "（一）实施青少年科学素质提升行动。激发青少年好奇心。（牵头单位：市教育局；责任单位：团市委、市妇联）",
            "（二）实施农民科学素质提升行动。",
            "开展高素质农民培育。",
            "（牵头单位：市农业农村局）",
            "三、组织实施",
            "加强领导。",
        ]
    )
    plan = parse(text)
    assert plan.year == 2021
    assert [(it.number, it.units) for it in plan.items] == [
        (1, ("市教育局", "团市委", "市妇联")),
        (2, ("市农业农村局",)),
    ]
    assert plan.items[1].text == "实施农民科学素质提升行动。开展高素质农民培育。"


def test_a_bracket_left_on_its_own_line_is_not_an_annotation() -> None:
    plan = parse(
        "一、任务\n1.推进科普资源进村\n（社区）\n，入户到人。（责任单位：市科协）\n2.开展活动。（市教育局、市科协）"
    )
    assert [it.text for it in plan.items] == ["推进科普资源进村（社区），入户到人。", "开展活动。"]
    assert [it.units for it in plan.items] == [("市科协",), ("市教育局", "市科协")]


def test_items_before_any_section_get_a_section() -> None:
    plan = parse("1.开展科普日活动。（责任单位：市科协）\n2.开展科技周活动。（责任单位：市科技局）")
    assert len(plan.sections) == 1 and [it.section for it in plan.items] == [0, 0]


# --------------------------------------------------------------------------------------------
# Warnings: every PL code
# --------------------------------------------------------------------------------------------
def test_pl002_item_without_annotation() -> None:
    plan = parse("一、任务\n1.开展科普日活动。\n2.开展科技周活动。（责任单位：市科技局）")
    assert codes(plan.problems) == ["PL002"] and plan.problems[0].line == 2
    assert plan.items[0].collectives == ("dept",)


def test_pl003_annotation_that_cannot_be_split() -> None:
    plan = parse("一、任务\n1.开展活动。（责任单位：由市科协会同有关部门根据实际情况确定并报市政府同意。）")
    assert "PL003" in codes(plan.problems)
    assert plan.items[0].units == ()


def test_pl004_possible_alias_pair_is_reported_not_merged() -> None:
    plan = parse("一、任务\n1.开展活动。（责任单位：团市委）\n2.开展培训。（责任单位：共青团平顶山市委员会）")
    assert codes(plan.problems) == ["PL004"]
    assert len(plan.units) == 2


def test_pl005_repeated_text_is_kept_once() -> None:
    body = "一、任务\n1.开展科普日活动，覆盖全市城乡。（责任单位：市科协）\n2.开展科技周活动，举办系列讲座。（责任单位：市科技局）"
    plan = parse(body + "\n" + body[:40])
    assert len(plan.items) == 2 and codes(plan.problems) == ["PL005"]


def test_pl006_no_items(tmp_path: Path) -> None:
    path = write(tmp_path, "notes.txt", "关于做好科普工作的通知\n各单位：请认真做好科普工作。")
    result = import_plan(path)
    assert result.fatal and codes(result.problems) == ["PL006"]


def test_pl007_alias_merged_with_warning() -> None:
    plan = parse(
        "一、任务\n1.开展活动。（责任单位：市卫生计生委）\n2.开展培训。（责任单位：市卫生和计划生育委员会）"
    )
    assert codes(plan.problems) == ["PL007"] and len(plan.units) == 1


def test_pl008_name_missing_from_the_official_list() -> None:
    official = [OfficialUnit("市科学技术协会", ("市科协",))]
    plan = parse("一、任务\n1.开展活动。（责任单位：市科协、市气象局）", official=official)
    assert codes(plan.problems) == ["PL008"]
    assert plan.items[0].units == ("市科学技术协会", "市气象局")


def test_pl009_vague_collective_and_office_only() -> None:
    plan = parse("一、任务\n1.开展活动。（责任单位：各有关单位）\n2.组织考核。（责任单位：市素质办）")
    assert codes(plan.problems).count("PL009") == 2
    assert [it.collectives for it in plan.items] == [("dept",), ("dept",)]


def test_pl010_office_is_not_a_unit() -> None:
    plan = parse("一、任务\n1.组织考核。（责任单位：市素质办、市科协）")
    assert "PL010" in codes(plan.problems)
    assert [u.name for u in plan.units] == ["市科协"] and plan.items[0].office == ("市素质办",)


@pytest.mark.parametrize(
    ("name", "data", "words"),
    [
        ("plan.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF"),
        ("plan.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, ".doc"),
        ("plan.wps", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, ".wps"),
        ("plan.rtf", b"{\\rtf1\\ansi hello}", "RTF"),
        ("plan.docx", "一、任务\n1.开展活动。".encode(), ".docx"),
        ("plan.txt", b"", "空"),
        ("plan.txt", bytes(range(256)) * 40, "文本"),
        ("plan.docx", b"PK\x03\x04broken", "损坏"),
    ],
)
def test_pl001_unreadable_files_say_how_to_fix(name: str, data: bytes, words: str, tmp_path: Path) -> None:
    result = import_plan(write(tmp_path, name, data))
    assert result.fatal and codes(result.problems) == ["PL001"]
    problem = result.problems[0]
    assert words in problem.message
    assert problem.hint  # every refusal says what to do


def test_pl001_other_office_files_and_size_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    wb.save(tmp_path / "plan.xlsx")
    result = import_plan(tmp_path / "plan.xlsx")
    assert result.fatal and "Excel" in result.problems[0].message
    monkeypatch.setattr(plan_file, "MAX_BYTES", 100)
    big = write(tmp_path, "big.txt", "一、任务\n" + "1.开展活动。（责任单位：市科协）\n" * 20)
    result = import_plan(big)
    assert result.fatal and "太大" in result.problems[0].message


def test_pl001_refusal_mentions_conversion() -> None:
    assert "另存为" in Code.PL001.hint_template.format(fix=plan_file._TO_DOCX)
    assert "另存为" in plan_file._FROM_PDF and ".txt" in plan_file._FROM_PDF


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("units.yaml", "name: [unclosed"),
        ("units.yaml", "- {aliases: [x]}"),
        ("units.csv", ""),
        ("units.yaml", "just text"),
    ],
)
def test_pl011_bad_unit_list(name: str, content: str, tmp_path: Path) -> None:
    plan = write(tmp_path, "plan.txt", "一、任务\n1.开展活动。（责任单位：市科协）")
    result = import_plan(plan, write(tmp_path, name, content))
    assert result.fatal and codes(result.problems) == ["PL011"]


def test_pl011_missing_unit_list_in_chinese(tmp_path: Path) -> None:
    plan = write(tmp_path, "plan.txt", "一、任务\n1.开展活动。（责任单位：市科协）")
    result = import_plan(plan, tmp_path / "nope.csv")
    assert result.fatal and "找不到该文件" in result.problems[0].message


def test_pl012_a_skeleton_that_would_not_load_is_never_returned(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plan = write(tmp_path, "plan.txt", "一、任务\n1.开展活动。（责任单位：市科协）")
    monkeypatch.setattr(
        plan_import,
        "to_yaml",
        lambda doc, trailer=(): to_yaml(doc, trailer).replace("points: 100", "points: 99", 1),
    )
    result = import_plan(plan)
    assert result.fatal and codes(result.problems) == ["PL012"] and result.yaml_text == ""


# --------------------------------------------------------------------------------------------
# The official unit list
# --------------------------------------------------------------------------------------------
def test_units_csv_in_gbk_with_header_and_groups(tmp_path: Path) -> None:
    csv_text = "名称,别名,分组\n市科学技术协会,市科协|市科协会,部门\n市教育局,,\n宝丰县,,县（市、区）\n"
    path = write(tmp_path, "units.csv", csv_text, "gbk")
    units, problems = read_units_file(path)
    assert not problems
    assert units == [
        OfficialUnit("市科学技术协会", ("市科协", "市科协会"), "dept"),
        OfficialUnit("市教育局"),
        OfficialUnit("宝丰县", (), "county"),
    ]
    plan_path = write(
        tmp_path, "plan.txt", "一、任务\n1.开展活动。（责任单位：市科协、市教育局、各县（市、区））"
    )
    result = imported(plan_path, path)
    plan = result.plan
    assert plan is not None and plan.items[0].units == ("市科学技术协会", "市教育局")
    assert [u.name for u in plan.units if u.group == "county"] == ["宝丰县"]
    assert not result.problems


def test_units_yaml_may_be_a_rubric(tmp_path: Path) -> None:
    units, problems = read_units_file(REPO / "tests" / "data" / "mini.yaml")
    assert not problems and [u.name for u in units][:3] == ["甲县", "乙区", "市科协"]


def test_official_heuristic_match(tmp_path: Path) -> None:
    plan = parse(
        "一、任务\n1.开展活动。（责任单位：市发展改革委）", official=[OfficialUnit("市发展和改革委员会")]
    )
    assert plan.items[0].units == ("市发展和改革委员会",) and codes(plan.problems) == ["PL007"]


# --------------------------------------------------------------------------------------------
# The CLI
# --------------------------------------------------------------------------------------------
def test_cli_import_then_check(tmp_path: Path) -> None:
    from kepu_inspect.cli.app import app

    runner = CliRunner()
    out = tmp_path / "out.yaml"
    result = runner.invoke(app, ["rubric", "import", str(PLANS / "a-dunhao-restart.txt"), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "3 个部分" in result.output and "10 个考核项目" in result.output and "12 个单位" in result.output
    assert "PL002" in result.output and "PL007" in result.output
    check = runner.invoke(app, ["rubric", "check", str(out)])
    assert check.exit_code == 0, check.output
    assert load_rubric(out).rubric is not None


def test_cli_stdout_and_refusal(tmp_path: Path) -> None:
    from kepu_inspect.cli.app import app

    runner = CliRunner()
    result = runner.invoke(app, ["rubric", "import", str(PLANS / "b-paren-own-line.txt")])
    assert result.exit_code == 0 and "rubric:" in result.stdout
    pdf = write(tmp_path, "plan.pdf", b"%PDF-1.4\n")
    refused = runner.invoke(app, ["rubric", "import", str(pdf), "-o", str(tmp_path / "x.yaml")])
    # a file that cannot be used exits 2 (issue 19's exit-code table)
    assert refused.exit_code == 2 and "PL001" in refused.output and not (tmp_path / "x.yaml").exists()


# --------------------------------------------------------------------------------------------
# YAML writing and small pieces
# --------------------------------------------------------------------------------------------
def test_yaml_is_readable_chinese_with_stable_key_order() -> None:
    text = imported(PLANS / "c-simplified.txt").yaml_text
    assert "\\u" not in text and "市教育局" in text
    top = [line.split(":")[0] for line in text.splitlines() if line and not line.startswith((" ", "#"))]
    assert top == [
        "rubric",
        "scoring",
        "total",
        "groups",
        "units",
        "item_groups",
        "gates",
        "grades",
        "sections",
    ]
    keys = [
        line.strip().split(":")[0]
        for line in text.splitlines()
        if line.startswith("        ") and ":" in line and not line.strip().startswith(("#", "-"))
    ]
    assert keys[:8] == [
        "number",
        "title",
        "content",
        "plan_items",
        "item_group",
        "points",
        "applies_to",
        "criteria",
    ]


@settings(max_examples=300, deadline=None)
@given(st.text(min_size=1, max_size=40))
def test_scalars_round_trip(value: str) -> None:
    value = "".join(ch for ch in value if ch.isprintable())
    if not value:
        return
    for flow in (False, True):
        doc = f"k: [{scalar(value, flow=True)}]" if flow else f"k: {scalar(value)}"
        assert yaml.safe_load(doc) == {"k": [value] if flow else value}


@pytest.mark.parametrize(
    "text", ["2017-12-20", "true", "null", "3.5", "- 3 -", "a: b", "#x", "[1]", "是, 否", "~", "on"]
)
def test_scalars_quote_what_yaml_would_misread(text: str) -> None:
    assert yaml.safe_load(f"k: {scalar(text)}") == {"k": text}


@pytest.mark.parametrize("n", [1, 2, 3, 7, 33, 150, 201, 999, 1500])
def test_points_spread_evenly_and_sum_exactly(n: int) -> None:
    points = spread_points(n)
    assert len(points) == n and sum(points) == 100
    assert max(points) - min(points) <= Decimal("0.5")


def test_plain_converts_decimals() -> None:
    assert plain({"a": Decimal("3.5"), "b": Decimal(3)}) == {"a": 3.5, "b": 3}


@pytest.mark.parametrize(
    ("a", "b", "strength"),
    [
        ("市工信委", "市工业和信息化委", "strong"),
        ("市卫生计生委", "市卫生和计划生育委员会", "strong"),
        ("市发展改革委", "市发展和改革委员会", "strong"),
        ("市文广新局", "市文化广电新闻出版局", "strong"),
        ("市科协", "市科学技术协会", "strong"),
        ("市妇联", "市妇女联合会", "strong"),
        ("团市委", "共青团平顶山市委员会", "weak"),
        ("市科协", "市科技局", None),
        ("市文物局", "市文广新局", None),
        ("市委组织部", "市委宣传部", None),
        ("市农业局", "市林业局", None),
        ("市教育局", "市科技局", None),
    ],
)
def test_alias_strength(a: str, b: str, strength: str | None) -> None:
    assert alias_strength(a, b) == strength


def test_no_false_alias_pairs_among_seed_units() -> None:
    plan = imported(SEED).plan
    assert plan is not None
    names = [n for u in plan.units for n in (u.name, *u.aliases)]
    pairs = [(a, b) for i, a in enumerate(names) for b in names[i + 1 :] if alias_strength(a, b)]
    assert pairs == [("市工信委", "市工业和信息化委")]


@pytest.mark.parametrize(
    ("text", "n"), [("一", 1), ("十", 10), ("十二", 12), ("二十", 20), ("二十三", 23), ("甲", None)]
)
def test_cn_number(text: str, n: int | None) -> None:
    assert cn_number(text) == n


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("推进以科技创新为核心的全面创新。积极推动……", "推进以科技创新为核心的全面创新"),
        ("加大科技宣传力度，报道科技成就，学习科技典范，传播科学知识。", "加大科技宣传力度"),
        ("", "第5项"),
    ],
)
def test_short_title(text: str, title: str) -> None:
    assert short_title(text, 5) == title


def test_decode_rejects_binary() -> None:
    assert decode_text(b"\x00\x01\x02") is None
    assert decode_text("科普".encode("gb18030")) == ("科普", "gb18030")


@pytest.mark.parametrize(
    "module",
    [
        *sorted((REPO / "kepu_inspect" / "core" / "plan").glob("*.py")),
        REPO / "kepu_inspect" / "core" / "tables.py",
    ],
    ids=lambda p: p.name,
)
def test_core_parser_is_pure(module: Path) -> None:
    source = module.read_text("utf-8")
    imported_modules = {
        node.module if isinstance(node, ast.ImportFrom) else alias.name
        for node in ast.walk(ast.parse(source))
        if isinstance(node, (ast.Import, ast.ImportFrom))
        for alias in node.names
    }
    forbidden = {"yaml", "docx", "opencc_purepy", "pathlib", "typer", "rich", "openpyxl", "io", "os"}
    assert not {m.split(".")[0] for m in imported_modules if m} & forbidden
    assert all(m.startswith("kepu_inspect.core") for m in imported_modules if m and m.startswith("kepu"))
    assert not re.search(r"(?<![\w.])open\(", source)
