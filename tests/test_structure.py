"""Structure is checked before values (issue 13): a file that is no longer the template's form is named
once, with the reason, and not scored; an ambiguous file is refused, never resolved by picking one.

Workbooks are real templates, filled, then changed the way Excel/WPS (openpyxl stands in for them)
or only the raw file format can change them.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from kepu_inspect.adapters import layout as L
from kepu_inspect.adapters.workbook_reader import read_submission
from kepu_inspect.cli.app import app
from kepu_inspect.core.problems import Severity
from kepu_inspect.core.results import FileReading
from kepu_inspect.core.rubric import Rubric
from kepu_inspect.services.batch import check_paths, score_paths
from tests.conftest import MINI
from tests.workbook_factory import (
    cell_of,
    clean_bytes,
    delete_rows_as_excel,
    insert_rows_as_excel,
    replace_parts,
    set_cell_xml,
    sheet_part,
    with_openpyxl,
    write,
)

ITEM = L.ITEM_SHEET
A = "A"
NAME = "甲县.xlsx"


def _read(tmp_path: Path, rubric: Rubric, data: bytes) -> FileReading:
    return read_submission(rubric, write(tmp_path, NAME, data))


def _codes(reading: FileReading, severity: Severity | None = None) -> list[str]:
    return [p.code.name for p in reading.problems if severity is None or p.severity is severity]


def _rejected_for(tmp_path: Path, mini: Rubric, data: bytes, code: str) -> FileReading:
    """The file is refused with exactly one error, ``code``, and the unit's material is 材料无效."""
    reading = _read(tmp_path, mini, data)
    assert reading.status == "rejected", reading.problems
    assert _codes(reading, Severity.ERROR) == [code], [(p.code.name, p.message) for p in reading.problems]
    assert reading.unit_id == A
    intake = check_paths(mini, [tmp_path / NAME])
    assert next(row for row in intake.ledger if row.unit_id == A).status == "材料无效"
    return reading


# --- columns -----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("edit", "column"),
    [
        (lambda ws: ws.delete_cols(5), "E"),  # 分值 deleted: everything right of it moved left
        (lambda ws: ws.delete_cols(2), "B"),
        (lambda ws: ws.insert_cols(7), "G"),  # a column inserted before 填报值
        (lambda ws: ws.insert_cols(12), None),  # after the last column: harmless
        (lambda ws: ws.delete_cols(1), "A"),  # the hidden id column itself
    ],
    ids=["delete-E", "delete-B", "insert-G", "insert-after-K", "delete-A"],
)
def test_a_deleted_or_inserted_column_is_one_error_and_not_scored(
    tmp_path: Path, mini: Rubric, edit: Any, column: str | None
) -> None:
    """Was: a ranked 不合格 with 60–77 unrelated cell errors."""
    data = with_openpyxl(clean_bytes(mini, A), lambda wb: edit(wb[ITEM]))
    if column is None:
        reading = _read(tmp_path, mini, data)
        assert reading.status == "read" and _codes(reading) == []
        return
    reading = _rejected_for(tmp_path, mini, data, "WB054")
    (p,) = reading.problems
    assert (p.sheet, p.cell) == (ITEM, f"{column}{L.HEADER_ROW}")


def test_a_moved_column_names_where_the_header_went(tmp_path: Path, mini: Rubric) -> None:
    def swap(wb: Any) -> None:  # 自评分 and 核定分 swapped, as cut and paste of whole columns leaves them
        ws = wb[ITEM]
        for row in range(L.HEADER_ROW, ws.max_row + 1):
            h, j = ws[f"H{row}"], ws[f"J{row}"]
            if type(h).__name__ == "Cell" and type(j).__name__ == "Cell":
                h.value, j.value = j.value, h.value

    reading = _rejected_for(tmp_path, mini, with_openpyxl(clean_bytes(mini, A), swap), "WB054")
    assert reading.problems[0].cell == f"H{L.HEADER_ROW}" and "J 列" in reading.problems[0].message


def test_a_deleted_column_is_not_ranked(tmp_path: Path, mini: Rubric) -> None:
    folder = tmp_path / "in"
    write(folder, NAME, with_openpyxl(clean_bytes(mini, A), lambda wb: wb[ITEM].delete_cols(5)))
    run = score_paths(mini, [folder], "2017-12-28")
    assert run.results[A].status == "invalid"
    assert [
        p.code.name for p in run.intake.all_problems() if p.unit == "甲县" and p.severity is Severity.ERROR
    ] == ["WB054"]


def test_rows_sorted_or_inserted_still_read_by_id(tmp_path: Path, mini: Rubric) -> None:
    """The README's promise stays: rows are found by their id, so an inserted row is harmless."""

    def insert(wb: Any) -> None:
        insert_rows_as_excel(wb[ITEM], 8)

    reading = _read(tmp_path, mini, with_openpyxl(clean_bytes(mini, A), insert))
    assert reading.status == "read"
    assert not [c for c in _codes(reading) if c in ("WB054", "WB055", "WB012")]


def test_cleared_row_ids_are_one_error(tmp_path: Path, mini: Rubric) -> None:
    def clear(wb: Any) -> None:
        ws = wb[ITEM]
        for row in range(L.FIRST_DATA_ROW, ws.max_row + 1):
            ws[f"A{row}"].value = None

    reading = _rejected_for(tmp_path, mini, with_openpyxl(clean_bytes(mini, A), clear), "WB055")
    assert "（第一个：C1 " in reading.problems[0].message, reading.problems[0].message


def test_one_deleted_row_is_still_a_row_problem(tmp_path: Path, mini: Rubric) -> None:
    row = int(cell_of(mini, A, "A", "C1.b")[1:])
    data = with_openpyxl(clean_bytes(mini, A), lambda wb: delete_rows_as_excel(wb[ITEM], row))
    reading = _read(tmp_path, mini, data)
    assert reading.status == "read" and "WB012" in _codes(reading)


# --- ambiguous files ------------------------------------------------------------------------------------
def _workbook_xml(data: bytes) -> str:
    return zipfile.ZipFile(io.BytesIO(data)).read("xl/workbook.xml").decode()


def test_two_sheets_named_like_the_item_sheet_are_refused(tmp_path: Path, mini: Rubric) -> None:
    """Was: one of them picked silently (a total moved from 96.10 to 91.10 with exit 0)."""
    data = clean_bytes(mini, A)
    other = with_openpyxl(data, lambda wb: wb.copy_worksheet(wb[ITEM]))  # 自评表 Copy, part sheet5
    wb_xml = _workbook_xml(other)
    renamed = re.sub(r'name="自评表 Copy"', 'name="自评表"', wb_xml)
    assert renamed != wb_xml
    _rejected_for(tmp_path, mini, replace_parts(other, {"xl/workbook.xml": renamed.encode()}), "WB052")


def test_a_sheet_name_differing_only_in_case_is_the_same_name(tmp_path: Path, mini: Rubric) -> None:
    data = with_openpyxl(clean_bytes(mini, A), lambda wb: setattr(wb.create_sheet("Notes"), "title", "Notes"))
    wb_xml = _workbook_xml(data).replace('name="Notes"', 'name="_KEPU"')
    _rejected_for(tmp_path, mini, replace_parts(data, {"xl/workbook.xml": wb_xml.encode()}), "WB052")


def test_a_duplicated_sheet_entry_is_refused(tmp_path: Path, mini: Rubric) -> None:
    data = clean_bytes(mini, A)
    wb_xml = _workbook_xml(data)
    entry = re.search(r'<sheet [^>]*name="自评表"[^>]*/>', wb_xml)
    assert entry is not None
    copy = re.sub(r'name="[^"]*"', 'name="自评表 (2)"', entry.group(0))
    copy = re.sub(r'sheetId="\d+"', 'sheetId="99"', copy)
    twice = wb_xml.replace(entry.group(0), entry.group(0) + copy)
    _rejected_for(tmp_path, mini, replace_parts(data, {"xl/workbook.xml": twice.encode()}), "WB052")


def test_a_part_stored_twice_in_the_zip_is_refused(tmp_path: Path, mini: Rubric) -> None:
    data = clean_bytes(mini, A)
    part = sheet_part(data, ITEM)
    edited = set_cell_xml(data, ITEM, cell_of(mini, A, L.COL_SELF, "C1.a"), '<c r="H7"><v>0</v></c>')
    second = zipfile.ZipFile(io.BytesIO(edited)).read(part)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            dst.writestr(info.filename, src.read(info.filename))
        with pytest.warns(UserWarning, match="Duplicate name"):
            dst.writestr(part, second)
    _rejected_for(tmp_path, mini, out.getvalue(), "WB052")


def test_a_cell_written_twice_is_refused(tmp_path: Path, mini: Rubric) -> None:
    ref = cell_of(mini, A, L.COL_SELF, "C1.a")
    data = set_cell_xml(
        clean_bytes(mini, A), ITEM, ref, f'<c r="{ref}"><v>4</v></c><c r="{ref}"><v>0</v></c>'
    )
    _rejected_for(tmp_path, mini, data, "WB052")


def test_a_cell_written_twice_is_refused_by_the_general_parser_too(tmp_path: Path, mini: Rubric) -> None:
    """A comment in the part sends it to expat: the same verdict."""
    ref = cell_of(mini, A, L.COL_SELF, "C1.a")
    data = set_cell_xml(
        clean_bytes(mini, A), ITEM, ref, f'<c r="{ref}"><v>4</v></c><!-- x --><c r="{ref}"><v>0</v></c>'
    )
    _rejected_for(tmp_path, mini, data, "WB052")


@pytest.mark.parametrize("column", [L.COL_SELF, L.COL_INPUT, L.COL_VERIFIED])
def test_a_value_hidden_under_a_merge_is_refused(tmp_path: Path, mini: Rubric, column: str) -> None:
    """Merging H7:H8 shows only H7's score; the reader used to read H8 as C1.b's score anyway."""
    top = cell_of(mini, A, column, "C1.a")
    below = cell_of(mini, A, column, "C1.b")
    data = with_openpyxl(
        clean_bytes(mini, A),
        lambda wb: wb[ITEM].merged_cells.ranges.add(
            __import__("openpyxl").worksheet.cell_range.CellRange(f"{top}:{below}")
        ),
    )
    reading = _rejected_for(tmp_path, mini, data, "WB053")
    (p,) = reading.problems
    assert p.cell == below
    heading = dict((letter, h) for letter, h, _ in L.COLUMNS)[column]
    assert p.message.startswith(f"值“{p.value}”被合并单元格遮住")
    assert f"屏幕上只显示第{top[1:]}行“{heading}”的值" in p.message
    assert f"请取消第{top[1:]}至{below[1:]}行“{heading}”的合并单元格" in p.hint
    # the rejected file's reason is placed in words too: a return notice says 第8行 <item> 自评分
    assert p.extra["row"] == int(below[1:]) and p.extra["field"] == heading and p.extra["item"]


def test_the_templates_own_merges_hide_nothing(tmp_path: Path, mini: Rubric) -> None:
    for unit in mini.assessed_units():
        reading = read_submission(mini, write(tmp_path, f"{unit.name}.xlsx", clean_bytes(mini, unit)))
        assert reading.status == "read" and reading.problems == []


@pytest.mark.parametrize("part", ["[Content_Types].xml", "sheet:选项"])
def test_a_missing_part_makes_the_file_invalid(tmp_path: Path, mini: Rubric, part: str) -> None:
    data = clean_bytes(mini, A)
    name = sheet_part(data, part.split(":")[1]) if part.startswith("sheet:") else part
    reading = _rejected_for(tmp_path, mini, replace_parts(data, {name: None}), "WB002")
    assert reading.status == "rejected"


def test_cli_exit_code_and_ledger_for_a_duplicated_sheet(tmp_path: Path, mini: Rubric) -> None:
    data = with_openpyxl(clean_bytes(mini, A), lambda wb: wb.copy_worksheet(wb[ITEM]))
    wb_xml = _workbook_xml(data).replace('name="自评表 Copy"', 'name="自评表"')
    folder = tmp_path / "in"
    write(folder, NAME, replace_parts(data, {"xl/workbook.xml": wb_xml.encode()}))
    result = CliRunner().invoke(app, ["check", str(MINI), str(folder)])
    assert result.exit_code == 1 and "WB052" in result.output


# --- locked cells ----------------------------------------------------------------------------------------
def test_changed_locked_cells_are_named_and_the_rubric_still_scores(tmp_path: Path, mini: Rubric) -> None:
    """分值 5 → 10, criterion wording edited, a subtotal formula replaced by 99: one warning naming them."""
    points = cell_of(mini, A, L.COL_MAX, "C1.a")
    wording = cell_of(mini, A, L.COL_TEXT, "C1.b")
    subtotal = cell_of(mini, A, L.COL_SELF, "C1")
    title = cell_of(mini, A, L.COL_TITLE, "C2")

    def tamper(wb: Any) -> None:
        ws = wb[ITEM]
        ws[points] = 10
        ws[wording] = "培训完成比例（改）"
        ws[subtotal] = 99
        ws[title] = "组织领导工作"

    clean = _read(tmp_path, mini, clean_bytes(mini, A))
    reading = read_submission(mini, write(tmp_path, "乙.xlsx", with_openpyxl(clean_bytes(mini, A), tamper)))
    assert reading.status == "read"
    (p,) = [p for p in reading.problems if p.code.name == "WB056"]
    assert p.severity is Severity.WARNING
    assert (
        p.message
        == (  # rows in words, as a return notice names them (never "E7")
            f"锁定单元格被修改：第{subtotal[1:]}行（小计公式被改为 99）、第{points[1:]}行（分值应为 4，现为 10）、"
            f"第{wording[1:]}行（考核内容或评分标准被改动）、第{title[1:]}行（考核项目名称被改动）"
        )
    )
    assert reading.submission == clean.submission  # scored by the rubric, not by the edited form


def test_locked_cells_survive_a_libreoffice_style_resave(tmp_path: Path, pingdingshan: Rubric) -> None:
    """Writers differ in spaces and line breaks inside the printed text: not a change."""
    for unit in pingdingshan.assessed_units()[:6]:
        reading = read_submission(
            pingdingshan, write(tmp_path, f"{unit.name}.xlsx", clean_bytes(pingdingshan, unit))
        )
        assert "WB056" not in _codes(reading)


def test_forms_printed_by_an_earlier_version_are_not_locked_cell_changes(
    tmp_path: Path, pingdingshan: Rubric
) -> None:
    """Earlier templates printed fewer tags and notes (no 【加分】, no 本单位目标): the rubric's own words
    are what is compared; an appended remark of the unit's is still named."""
    import re as _re

    unit = next(u for u in pingdingshan.assessed_units() if u.params)

    def older(wb: Any) -> None:
        ws = wb[ITEM]
        for row in ws.iter_rows(min_col=4, max_col=4):
            cell = row[0]
            if isinstance(cell.value, str) and type(cell).__name__ == "Cell":
                cell.value = _re.sub(r"\n?（本单位目标：[^）]*）", "", cell.value.replace("【加分】", ""))

    reading = read_submission(
        pingdingshan, write(tmp_path, "old.xlsx", with_openpyxl(clean_bytes(pingdingshan, unit), older))
    )
    assert reading.status == "read" and "WB056" not in _codes(reading)

    def remark(wb: Any) -> None:
        ref = cell_of(pingdingshan, unit, L.COL_TEXT, pingdingshan.assignments(unit)[0].item.id)
        wb[ITEM][ref] = str(wb[ITEM][ref].value) + "（已完成）"

    reading = read_submission(
        pingdingshan, write(tmp_path, "new.xlsx", with_openpyxl(clean_bytes(pingdingshan, unit), remark))
    )
    assert "WB056" in _codes(reading)


# --- what the unit is told --------------------------------------------------------------------------------
def test_return_notices_name_structure_problems_by_row_item_and_column(tmp_path: Path, mini: Rubric) -> None:
    """A file refused for a merge and one with changed locked cells: the return notice says where in
    the words a clerk finds (第8行 <item> 自评分), never a cell reference such as H8 or E7."""
    import docx

    top = cell_of(mini, A, L.COL_SELF, "C1.a")
    below = cell_of(mini, A, L.COL_SELF, "C1.b")
    merged = with_openpyxl(
        clean_bytes(mini, A),
        lambda wb: wb[ITEM].merged_cells.ranges.add(
            __import__("openpyxl").worksheet.cell_range.CellRange(f"{top}:{below}")
        ),
    )
    folder = tmp_path / "in"
    write(folder, NAME, merged)
    points = cell_of(mini, "B", L.COL_MAX, "C1.a")
    write(
        folder,
        "乙区.xlsx",
        with_openpyxl(clean_bytes(mini, "B"), lambda wb: wb[ITEM].__setitem__(points, 10)),
    )
    notices = tmp_path / "通知"
    result = CliRunner().invoke(app, ["check", str(MINI), str(folder), "--notice", str(notices)])
    assert result.exit_code == 1, result.output

    def text(name: str) -> str:
        document = docx.Document(str(notices / name))
        return "\n".join(c.text for t in document.tables for row in t.rows for c in row.cells)

    refused, changed = text("甲县退回修改通知.docx"), text("乙区退回修改通知.docx")
    assert f"第{below[1:]}行 " in refused and "自评分" in refused
    assert f"屏幕上只显示第{top[1:]}行“自评分”的值" in refused
    assert f"锁定单元格被修改：第{points[1:]}行（分值应为 4，现为 10）" in changed
    assert not re.findall(r"(?<![A-Za-z])[A-K]\d{1,4}(?![\d.])", refused + changed)  # H8, E7
