"""The bounded table reader: Word tables, Excel sheets and text tables → rows with header roles, merged
cells resolved, the kind of table decided from its header (分工表 / 考核细则表 / ambiguous)."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import docx
import pytest
from openpyxl import Workbook
from typer.testing import CliRunner

from kepu_inspect.adapters import table_reader
from kepu_inspect.adapters.rubric_file import load_rubric
from kepu_inspect.adapters.table_reader import read_tables, text_tables
from kepu_inspect.core.tables import classify, header_roles
from kepu_inspect.services.plan_import import import_plan

PLAN_HEADER = ["序号", "工作任务", "牵头单位", "配合单位"]
RUBRIC_HEADER = ["考核项目", "考核内容", "分值", "评分标准", "考核方式"]


def save_xlsx(
    path: Path, rows: list[list[object]], merges: tuple[str, ...] = (), **sheets: list[list[object]]
) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    for row in rows:
        ws.append(row)
    for ref in merges:
        ws.merge_cells(ref)
    for name, extra in sheets.items():
        other = wb.create_sheet(name)
        for row in extra:
            other.append(row)
    wb.save(path)
    return path


@pytest.mark.parametrize(
    ("header", "kind"),
    [
        (PLAN_HEADER, "plan"),
        (["序号", "重点任务", "责任单位", "完成时限"], "plan"),
        (["序号", "主要任务", "具体措施", "牵头部门", "参与单位"], "plan"),
        (RUBRIC_HEADER, "rubric"),
        (["序号", "考核项目", "分值", "评分细则", "责任单位"], "rubric"),
        (["序号", "工作任务", "分值", "责任单位"], "ambiguous"),
        (["序号", "姓名", "电话"], None),
        (["工作任务", "完成时限"], "plan"),  # the units are written in the task's text
        (["工作任务", "联系人"], None),
    ],
)
def test_the_header_decides_the_kind(header: list[str], kind: str | None) -> None:
    assert classify(header_roles(header))[0] == kind


def test_task_like_columns_split_into_category_and_task() -> None:
    assert header_roles(["序号", "重点任务", "工作内容", "牵头单位"]) == [
        "number",
        "category",
        "task",
        "lead",
    ]
    assert header_roles(["序号", "牵头\n单位", "责任单位（列第一位的为牵头单位）"]) == [
        "number",
        "lead",
        "responsible",
    ]


def test_docx_table_with_merges(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("某市2022年重点任务分工")
    table = document.add_table(rows=5, cols=4)
    for col, text in enumerate(PLAN_HEADER):
        table.cell(0, col).text = text
    table.cell(1, 0).merge(table.cell(1, 3)).text = "一、青少年科学素质"
    for r, (task, lead, coop) in enumerate(
        [
            ("开展科技节。", "市教育局", "市科协"),
            ("开展竞赛。", "市科协", "团市委"),
            ("开展研学。", "市文旅局", ""),
        ],
        start=2,
    ):
        table.cell(r, 0).text = str(r - 1)
        table.cell(r, 1).text = task
        table.cell(r, 2).text = lead if r != 3 else ""
        table.cell(r, 3).text = coop
    table.cell(2, 2).merge(table.cell(3, 2)).text = "市教育局"  # 牵头单位 merged down over two tasks
    path = tmp_path / "plan.docx"
    document.save(path)
    found = read_tables(path)
    assert found.kind == "docx" and found.error is None and "某市2022年重点任务分工" in found.text
    (t,) = found.tables
    assert t.kind == "plan" and [c.role for c in t.columns] == ["number", "task", "lead", "cooperate"]
    assert t.rows[0].spans_all and t.rows[0].cells[0] == "一、青少年科学素质"
    assert [t.value(r, "lead") for r in t.rows[1:]] == ["市教育局", "市教育局", "市文旅局"]


def test_xlsx_rubric_sheet_for_the_rubric_import(tmp_path: Path) -> None:
    """The API issue 17 builds on: roles per column, 考核项目 merged down resolved into every row."""
    rows: list[list[object]] = [
        ["某市2022年科普工作考核细则"],
        RUBRIC_HEADER,
        ["组织领导（10分）", "成立领导小组", 4, "成立得4分", "资料检查"],
        [None, "制定工作计划", 6, "无计划不得分", "资料检查"],
        ["科普活动", "开展科普日", 10, "每少一次扣2分", "实地查看"],
    ]
    path = save_xlsx(tmp_path / "rubric.xlsx", rows, ("A1:E1", "A3:A4"))
    (t,) = read_tables(path).tables
    assert t.kind == "rubric" and t.header_line == 2
    assert [c.role for c in t.columns] == ["item", "content", "points", "criteria", "method"]
    assert [t.value(r, "item") for r in t.rows] == ["组织领导（10分）", "组织领导（10分）", "科普活动"]
    assert [t.value(r, "points") for r in t.rows] == ["4", "6", "10"]
    assert [r.line for r in t.rows] == [3, 4, 5]


def test_two_row_header(tmp_path: Path) -> None:
    rows: list[list[object]] = [
        ["序号", "工作任务", "责任单位", None, "完成时限"],
        [None, None, "牵头单位", "配合单位", None],
        [1, "开展科普日。", "市科协", "市教育局", "9月"],
    ]
    path = save_xlsx(tmp_path / "plan.xlsx", rows, ("C1:D1", "A1:A2", "B1:B2", "E1:E2"))
    (t,) = read_tables(path).tables
    assert [c.role for c in t.columns] == ["number", "task", "lead", "cooperate", "deadline"]
    assert t.value(t.rows[0], "cooperate") == "市教育局"


def test_hidden_sheets_and_other_tables_are_skipped(tmp_path: Path) -> None:
    wb = Workbook()
    wb.active.append(["联系人", "电话"])
    hidden = wb.create_sheet("分工")
    hidden.append(PLAN_HEADER)
    hidden.append([1, "开展活动。", "市科协", ""])
    hidden.sheet_state = "hidden"
    wb.save(tmp_path / "x.xlsx")
    found = read_tables(tmp_path / "x.xlsx")
    assert not found.tables and len(found.skipped) == 2
    result = import_plan(tmp_path / "x.xlsx")
    assert result.fatal and [p.code.name for p in result.problems] == ["PL022"]


def test_formula_cells_give_their_saved_value(tmp_path: Path) -> None:
    path = tmp_path / "plan.xlsx"
    save_xlsx(path, [PLAN_HEADER, ["=1", "开展活动。", "市科协", ""]])
    (t,) = read_tables(path).tables
    assert t.rows[0].cells[0] == ""  # openpyxl saved no result: nothing is invented


@pytest.mark.parametrize(
    "text",
    [
        "某市分工表\n序号\t工作任务\t牵头单位\t配合单位\n1\t开展科普日。\t市科协\t市教育局\n2\t开展竞赛。\t市教育局\t\n注：略",
        "某市分工表\n| 序号 | 工作任务 | 牵头单位 | 配合单位 |\n| --- | --- | --- | --- |\n| 1 | 开展科普日。 | 市科协 | 市教育局 |\n| 2 | 开展竞赛。 | 市教育局 | |",
        "某市分工表\n序号｜工作任务｜牵头单位｜配合单位\n1｜开展科普日。｜市科协｜市教育局\n2｜开展竞赛。｜市教育局｜",
        "某市分工表\n序号  工作任务      牵头单位  配合单位\n1  开展科普日。  市科协  市教育局\n2  开展竞赛。  市教育局  无",
    ],
    ids=["tabs", "markdown", "full-width-pipes", "spaces"],
)
def test_text_tables(text: str) -> None:
    found = text_tables(text)
    (t,) = found.tables
    assert t.kind == "plan" and [t.value(r, "task") for r in t.rows] == ["开展科普日。", "开展竞赛。"]
    assert t.value(t.rows[0], "cooperate") == "市教育局"
    assert found.text.startswith("某市分工表")


def test_text_table_quoted_multiline_cell_and_repeated_header(tmp_path: Path) -> None:
    text = (
        "序号\t工作任务\t牵头单位\t配合单位\n"
        '1\t"开展科普日，\n组织主场活动。"\t市科协\t"市教育局\n团市委"\n'
        "序号\t工作任务\t牵头单位\t配合单位\n"
        "2\t开展竞赛。\t市教育局\t\n"
    )
    path = tmp_path / "plan.txt"
    path.write_text(text, "utf-8")
    result = import_plan(path)
    assert not result.fatal and result.plan is not None
    assert [(it.number, it.text) for it in result.plan.items] == [
        (1, "开展科普日，组织主场活动。"),
        (2, "开展竞赛。"),
    ]
    assert result.plan.items[0].units == ("市科协", "市教育局", "团市委")


def test_ambiguous_and_rubric_tables_are_refused_with_the_reason(tmp_path: Path) -> None:
    ambiguous = save_xlsx(
        tmp_path / "a.xlsx", [["序号", "工作任务", "分值", "责任单位"], [1, "开展活动。", 5, "市科协"]]
    )
    result = import_plan(ambiguous)
    assert result.fatal and [p.code.name for p in result.problems] == ["PL019"]
    assert "分值" in result.problems[0].message
    rubric = save_xlsx(
        tmp_path / "r.xlsx", [RUBRIC_HEADER, ["组织领导", "成立领导小组", 4, "成立得4分", "资料检查"]]
    )
    result = import_plan(rubric)
    assert result.fatal and [p.code.name for p in result.problems] == ["PL021"]
    assert "考核项目" in result.problems[0].message


def test_mixed_file_prose_and_table_uses_the_table_and_says_so(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("某市2022年工作要点")
    document.add_paragraph("一、任务")
    document.add_paragraph("1.开展科普日活动。（责任单位：市科协）")
    table = document.add_table(rows=2, cols=4)
    for col, text in enumerate(PLAN_HEADER):
        table.cell(0, col).text = text
    for col, text in enumerate(["1", "开展科普日活动。", "市科协", "市教育局"]):
        table.cell(1, col).text = text
    document.save(tmp_path / "mixed.docx")
    result = import_plan(tmp_path / "mixed.docx")
    assert not result.fatal and "PL020" in [p.code.name for p in result.problems]
    assert result.plan is not None and result.plan.items[0].role_of("市教育局") == "cooperate"


# --------------------------------------------------------------------------------------------
# Hostile files: bounded, refused with a reason, never a hang or a traceback
# --------------------------------------------------------------------------------------------
def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def test_zip_bomb_sheet_is_refused_before_inflating(tmp_path: Path) -> None:
    bomb = _zip(
        tmp_path / "bomb.xlsx",
        {
            "[Content_Types].xml": b"<x/>",
            "xl/workbook.xml": b"<x/>",
            "xl/worksheets/sheet1.xml": b"0" * (9 << 20),
        },
    )
    assert bomb.stat().st_size < 100_000
    found = read_tables(bomb)
    assert found.error is not None and "过大" in found.error[0]
    result = import_plan(bomb)
    assert result.fatal and [p.code.name for p in result.problems] == ["PL001"]


def test_too_many_entries_and_damaged_zips(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(table_reader, "MAX_ENTRIES", 10)
    many = _zip(tmp_path / "many.docx", {f"word/x{i}.xml": b"" for i in range(20)})
    assert read_tables(many).error is not None
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04" + b"\x00" * 200)
    assert read_tables(broken).error is not None and import_plan(broken).fatal


def test_entities_in_a_sheet_are_refused(tmp_path: Path) -> None:
    good = save_xlsx(tmp_path / "good.xlsx", [PLAN_HEADER, [1, "开展活动。", "市科协", ""]])
    with zipfile.ZipFile(good) as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    entities = [b'<!ENTITY a0 "aaaaaaaaaa">'] + [
        b'<!ENTITY a%d "%s">' % (i, (b"&a%d;" % (i - 1)) * 10) for i in range(1, 9)
    ]
    doctype = b"<!DOCTYPE worksheet [" + b"".join(entities) + b"]>"
    sheet = members["xl/worksheets/sheet1.xml"]
    sheet = re.sub(rb'(<c r="B2"[^>]*><is><t>)[^<]*', rb"\1&a8;", sheet)
    members["xl/worksheets/sheet1.xml"] = (
        b'<?xml version="1.0" encoding="UTF-8"?>' + doctype + sheet.split(b"?>", 1)[-1]
    )
    evil = _zip(tmp_path / "evil.xlsx", members)
    found = read_tables(evil)
    assert found.error is not None and "无法解析" in found.error[0]


def test_a_stray_far_cell_does_not_blow_up(tmp_path: Path) -> None:
    path = tmp_path / "far.xlsx"
    wb = Workbook()
    ws = wb.active
    ws.append(PLAN_HEADER)
    ws.append([1, "开展活动。", "市科协", ""])
    ws["XFD1048576"] = "x"
    wb.save(path)
    (t,) = read_tables(path).tables
    assert len(t.rows) == 1


def test_inputs_are_never_modified(tmp_path: Path) -> None:
    corpus = Path(__file__).resolve().parent / "data" / "plans" / "corpus"
    for name in ("08-docx-table.docx", "09-xlsx-table.xlsx", "07-text-table.txt"):
        copy = tmp_path / name
        copy.write_bytes((corpus / name).read_bytes())
        before = (copy.read_bytes(), copy.stat().st_mtime_ns)
        assert not import_plan(copy).fatal
        assert (copy.read_bytes(), copy.stat().st_mtime_ns) == before


def test_cli_imports_an_excel_plan_then_checks_it(tmp_path: Path) -> None:
    from kepu_inspect.cli.app import app

    corpus = Path(__file__).resolve().parent / "data" / "plans" / "corpus"
    out = tmp_path / "out.yaml"
    runner = CliRunner()
    result = runner.invoke(app, ["rubric", "import", str(corpus / "09-xlsx-table.xlsx"), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "7 个考核项目" in result.output
    assert load_rubric(out).rubric is not None
    assert runner.invoke(app, ["rubric", "check", str(out)]).exit_code == 0
    bad = save_xlsx(
        tmp_path / "a.xlsx", [["序号", "工作任务", "分值", "责任单位"], [1, "开展活动。", 5, "市科协"]]
    )
    refused = runner.invoke(app, ["rubric", "import", str(bad), "-o", str(tmp_path / "x.yaml")])
    assert refused.exit_code == 2 and "PL019" in refused.output and not (tmp_path / "x.yaml").exists()


def test_entities_in_a_word_document_are_refused(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("一、任务")
    document.add_paragraph("1.开展活动。（责任单位：XXXX）")
    document.save(tmp_path / "good.docx")
    with zipfile.ZipFile(tmp_path / "good.docx") as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    entities = [b'<!ENTITY a0 "aaaaaaaaaa">'] + [
        b'<!ENTITY a%d "%s">' % (i, (b"&a%d;" % (i - 1)) * 10) for i in range(1, 10)
    ]
    head, rest = members["word/document.xml"].split(b"?>", 1)
    members["word/document.xml"] = (
        head + b"?><!DOCTYPE w:document [" + b"".join(entities) + b"]>" + rest.replace(b"XXXX", b"&a9;")
    )
    evil = _zip(tmp_path / "evil.docx", members)
    result = import_plan(evil)
    assert result.fatal and [p.code.name for p in result.problems] == ["PL001"]


def test_csv_saved_by_excel_in_gbk(tmp_path: Path) -> None:
    text = '序号,工作任务,牵头单位,配合单位\r\n1,"开展科普日，\r\n组织主场活动。",市科协,"市教育局、团市委"\r\n2,开展竞赛。,市教育局,\r\n'
    path = tmp_path / "分工表.csv"
    path.write_bytes(text.encode("gbk"))
    result = import_plan(path)
    assert not result.fatal and result.plan is not None
    assert [(it.number, it.units) for it in result.plan.items] == [
        (1, ("市科协", "市教育局", "团市委")),
        (2, ("市教育局",)),
    ]
    assert result.plan.items[0].text == "开展科普日，组织主场活动。"


def test_table_whose_tasks_carry_their_own_annotations(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("某市2022年工作要点")
    table = document.add_table(rows=3, cols=3)
    rows = [
        ("序号", "工作任务", "完成时限"),
        ("1", "开展科普日活动。（责任单位：市科协、市教育局）", "9月"),
        ("2", "开展科技周。（市科技局牵头，市科协配合）", "5月"),
    ]
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    document.save(tmp_path / "plan.docx")
    result = import_plan(tmp_path / "plan.docx")
    assert not result.fatal and result.plan is not None and not result.problems
    first, second = result.plan.items
    assert (first.text, first.units, first.annotation) == (
        "开展科普日活动。",
        ("市科协", "市教育局"),
        "责任单位：市科协、市教育局",
    )
    assert second.role_of("市科技局") == "lead" and second.role_of("市科协") == "cooperate"
