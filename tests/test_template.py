"""The self-assessment template (自评表): per-unit structure, input help, protection, identity, printing,
reproducibility, safe file names, the ``template`` command, and reading back after people edit it.

Workbooks are checked as saved (bytes → openpyxl), not as built, so what is asserted is what a unit gets.
"""

from __future__ import annotations

import hashlib
import io
import random
import re
import subprocess
import sys
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import MergedCell
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet
from typer.testing import CliRunner

from kepu_inspect.adapters import layout as L
from kepu_inspect.adapters.filler import fill_template, plausible_filling
from kepu_inspect.adapters.rubric_file import load_rubric, load_rubric_text
from kepu_inspect.adapters.template_writer import (
    safe_filename,
    template_bytes,
    template_filename,
    template_filenames,
)
from kepu_inspect.adapters.workbook_reader import FileReading, read_submission
from kepu_inspect.cli.app import app
from kepu_inspect.core.numbers import fmt
from kepu_inspect.core.rubric import Rubric, Unit
from tests.conftest import MINI, PINGDINGSHAN, ROOT


@pytest.fixture(scope="session")
def pingdingshan(pingdingshan_in_submission: Rubric) -> Rubric:
    """These tests read the inspectors' columns as a unit's own workbook carries them (in_submission)."""
    return pingdingshan_in_submission


runner = CliRunner()
CJK = re.compile(r"[\u4e00-\u9fff]")
WINDOWS_BAD = re.compile(r'[<>:"/\\|?*\x00-\x1f]')
WINDOWS_RESERVED = re.compile(r"^(CON|PRN|AUX|NUL|COM[1-9]|LPT[1-9])(\..*)?$", re.IGNORECASE)

# Typed from the seed work plan: 市教育局 is named in items 6, 7, 11, 17, 22, 23, 28, 29, 30, is one of
# 各成员单位 (1–5, 20) and leads 青少年科学素质行动, so 各牵头单位 items 31 and 33 apply at 1.5× for 6–7.
JIAOYU_ITEMS = [
    "d01",
    "d02",
    "d03",
    "d04",
    "d05",
    "d06",
    "d07",
    "d11",
    "d17",
    "d20",
    "d22",
    "d23",
    "d28",
    "d29",
    "d30",
    "d31",
    "d33",
    "b1",
    "b3",
]
JIAOYU_WEIGHTED = {"d06": Decimal("1.5"), "d07": Decimal("1.5")}
# a county gets the county section 五 (c1–c7, items 31–33 of the plan) and the three bonus items
BAOFENG_ITEMS = ["c1", "c2", "c3", "c4", "c5", "c6", "c7", "b1", "b2", "b3"]


# --- helpers ---------------------------------------------------------------------------------------
def open_template(rubric: Rubric, unit: Unit, password: str | None = None) -> Workbook:
    return load_workbook(io.BytesIO(template_bytes(rubric, unit, password)))


def row_ids(ws: Worksheet) -> dict[str, int]:
    """Row id (column A) → row number, for the data rows."""
    ids: dict[str, int] = {}
    for (cell,) in ws.iter_rows(min_row=L.FIRST_DATA_ROW, min_col=1, max_col=1):
        if cell.value:
            assert str(cell.value) not in ids, f"duplicate row id {cell.value}"
            ids[str(cell.value)] = cell.row
    return ids


def flat(text: str) -> str:
    """Cell text without the line breaks the writer puts in (it wraps long text itself)."""
    return text.replace("\n", "")


def validation_of(ws: Worksheet, ref: str) -> DataValidation | None:
    found = [dv for dv in ws.data_validations.dataValidation if ref in dv.sqref]
    assert len(found) <= 1, f"{ref} has {len(found)} validations"
    return found[0] if found else None


def formula_refs(formula: str, col: str) -> list[int]:
    """Rows of the ``col`` cells a formula adds up (each distinct reference once)."""
    return sorted({int(n) for n in re.findall(rf"\b{col}(\d+)\b", formula)})


def input_cells(rubric: Rubric, unit: Unit, ws: Worksheet) -> dict[str, str]:
    """Every cell a unit or inspector types into on the item sheet → what kind of input it is."""
    ids = row_ids(ws)
    cells: dict[str, str] = {}
    for rid, (a, crit, ir) in L.expected_rows(rubric, unit).items():
        r = ids[rid]
        if crit is None:
            cells[f"{L.COL_EVIDENCE}{r}"] = "evidence"
            cells[f"{L.COL_OPINION}{r}"] = "opinion"
            continue
        assert ir is not None
        if rid == L.criterion_uid(a.item.id, crit):
            cells[f"{L.COL_SELF}{r}"] = "self"
            cells[f"{L.COL_VERIFIED}{r}"] = "verified"
        if ir.spec.kind != "score":
            cells[f"{L.COL_INPUT}{r}"] = ir.spec.kind
    for gate in rubric.gates:
        r = ids[f"G:{gate.id}"]
        cells[f"{L.COL_VERIFIED}{r}"] = "gate"
        cells[f"{L.COL_OPINION}{r}"] = "gate-note"
    return cells


@pytest.fixture(scope="module")
def baofeng(pingdingshan: Rubric) -> tuple[Rubric, Unit, Workbook]:
    unit = pingdingshan.find_unit("宝丰县")
    assert unit is not None
    return pingdingshan, unit, open_template(pingdingshan, unit)


@pytest.fixture(scope="module")
def jiaoyu(pingdingshan: Rubric) -> tuple[Rubric, Unit, Workbook]:
    unit = pingdingshan.find_unit("市教育局")
    assert unit is not None
    return pingdingshan, unit, open_template(pingdingshan, unit)


@pytest.fixture(params=["baofeng", "jiaoyu"])
def template(request: pytest.FixtureRequest) -> tuple[Rubric, Unit, Workbook]:
    return request.getfixturevalue(request.param)  # type: ignore[no-any-return]


# --- structure per unit ----------------------------------------------------------------------------
@pytest.mark.parametrize(("unit_name", "expected"), [("宝丰县", BAOFENG_ITEMS), ("市教育局", JIAOYU_ITEMS)])
def test_unit_gets_exactly_its_items_in_rubric_order(
    pingdingshan: Rubric, unit_name: str, expected: list[str]
) -> None:
    unit = pingdingshan.find_unit(unit_name)
    assert unit is not None
    assert [a.item.id for a in pingdingshan.assignments(unit)] == expected  # the model agrees with the seed
    ws = open_template(pingdingshan, unit)[L.ITEM_SHEET]
    ids = row_ids(ws)
    item_rows = [rid for rid in ids if not rid.startswith(("T:", "S:", "G:")) and "." not in rid]
    assert item_rows == expected
    # and every row the reader will look for, each exactly once, in rubric order
    wanted = list(L.expected_rows(pingdingshan, unit))
    assert [rid for rid in ids if rid in wanted] == wanted
    assert {rid for rid in ids if rid.startswith("G:")} == {"G:fraud", "G:late"}


@pytest.mark.parametrize("unit_name", ["宝丰县", "市教育局"])
def test_item_rows_show_number_title_points_and_criteria(pingdingshan: Rubric, unit_name: str) -> None:
    unit = pingdingshan.find_unit(unit_name)
    assert unit is not None
    ws = open_template(pingdingshan, unit)[L.ITEM_SHEET]
    ids = row_ids(ws)
    weighted = {a.item.id: a.weight for a in pingdingshan.assignments(unit) if a.weight != 1}
    assert weighted == (JIAOYU_WEIGHTED if unit_name == "市教育局" else {})
    for a in pingdingshan.assignments(unit):
        r = ids[a.item.id]
        assert ws[f"{L.COL_NO}{r}"].value == (a.item.number or a.item.id)
        assert flat(ws[f"{L.COL_TITLE}{r}"].value) == a.item.title
        assert a.item.content in flat(ws[f"{L.COL_TEXT}{r}"].value)
        assert Decimal(str(ws[f"{L.COL_MAX}{r}"].value)) == a.item.points * a.weight
        if a.weight != 1:
            assert "牵头单位" in ws[f"{L.COL_TEXT}{r}"].value
        for crit in a.item.criteria:
            cr = ids[L.criterion_uid(a.item.id, crit)]
            assert crit.text in flat(ws[f"{L.COL_TEXT}{cr}"].value)
            assert Decimal(str(ws[f"{L.COL_MAX}{cr}"].value)) == crit.points * a.weight
            for ir in L.input_rows(a.item.id, crit):
                label = flat(ws[f"{L.COL_LABEL}{ids[ir.row_id]}"].value)
                assert ir.spec.kind == "score" or label.startswith(ir.spec.label)
                assert not ir.spec.measure or label.count(f"（{ir.spec.measure}）") == 1, (
                    f"unit not once in {label!r}"
                )


def test_header_rows_and_inspector_columns(template: tuple[Rubric, Unit, Workbook]) -> None:
    rubric, unit, wb = template
    ws = wb[L.ITEM_SHEET]
    assert [ws[f"{col}{L.HEADER_ROW}"].value for col, _, _ in L.COLUMNS] == [t for _, t, _ in L.COLUMNS]
    headers = [ws[f"{col}{L.HEADER_ROW}"].value for col in "BCDEHIJK"]
    assert headers == [
        "序号",
        "考核项目",
        "考核内容／评分标准",
        "分值",
        "自评分",
        "佐证材料",
        "核定分",
        "核查意见",
    ]
    merged = {str(m) for m in ws.merged_cells.ranges}
    assert f"{L.COL_VERIFIED}3:{L.COL_OPINION}3" in merged
    assert ws[f"{L.COL_VERIFIED}3"].value == "由督导检查组填写"
    assert "被考核单位" in ws[f"{L.COL_LABEL}3"].value
    # the inspector columns look different from the unit's
    assert ws["J3"].fill.fgColor.rgb != ws["F3"].fill.fgColor.rgb
    assert ws[f"{L.COL_VERIFIED}{L.HEADER_ROW}"].fill.fgColor.rgb == ws["J3"].fill.fgColor.rgb
    assert unit.name in ws["B2"].value and rubric.meta.title in ws["B2"].value
    assert ws.column_dimensions[L.COL_ID].hidden
    assert ws.freeze_panes == f"C{L.FIRST_DATA_ROW}"


def test_subtotal_and_total_formulas_reference_the_right_cells(
    template: tuple[Rubric, Unit, Workbook],
) -> None:
    rubric, unit, wb = template
    ws = wb[L.ITEM_SHEET]
    ids = row_ids(ws)
    assignments = rubric.assignments(unit)
    for a in assignments:  # 本项小计 adds up the item's criteria rows
        crit_rows = [ids[L.criterion_uid(a.item.id, c)] for c in a.item.criteria if not c.bonus or a.is_bonus]
        r = ids[a.item.id]
        for col in (L.COL_SELF, L.COL_VERIFIED):
            formula = ws[f"{col}{r}"].value
            assert formula.startswith("=") and formula_refs(formula, col) == crit_rows, (a.item.id, formula)
        assert ws[f"{L.COL_VERIFIED}{r}"].value.startswith("=IF(COUNT(")  # blank until inspected
    base_subtotals, bonus_subtotals = [], []
    for section in rubric.sections:
        sec = [a for a in assignments if a.section.id == section.id]
        if not sec:
            assert f"S:{section.id}" not in ids
            continue
        r = ids[f"S:{section.id}"]
        (bonus_subtotals if section.kind == "bonus" else base_subtotals).append(r)
        for col in (L.COL_SELF, L.COL_VERIFIED):
            formula = ws[f"{col}{r}"].value
            assert formula_refs(formula, col) == [ids[a.item.id] for a in sec]
            if section.kind == "bonus" and section.cap is not None:
                assert f"MIN({fmt(section.cap)}," in formula
    total = ids["S:base"]
    assert Decimal(str(ws[f"{L.COL_MAX}{total}"].value)) == rubric.max_base(unit)
    assert ws[f"{L.COL_NO}{total}"].value == "基本分合计"
    for col in (L.COL_SELF, L.COL_VERIFIED):
        assert formula_refs(ws[f"{col}{total}"].value, col) == base_subtotals
        assert formula_refs(ws[f"{col}{ids['S:bonus']}"].value, col) == bonus_subtotals
    assert ws[f"{L.COL_SELF}{ids['S:bonus']}"].value.startswith("=MIN(5,")  # scoring.bonus_cap: 5


def test_department_max_is_its_own_items(jiaoyu: tuple[Rubric, Unit, Workbook]) -> None:
    rubric, unit, wb = jiaoyu
    ws = wb[L.ITEM_SHEET]
    assert rubric.max_base(unit) < 100  # departments are compared on 得分率, each has its own maximum
    assert f"基本分满分：{fmt(rubric.max_base(unit))} 分" in ws["B2"].value


def test_in_item_bonus_criteria_count_as_bonus(mini: Rubric) -> None:
    text = MINI.read_text("utf-8").replace(
        "- {id: d, text: 无工作计划扣1分, points: 2,",
        "- {id: e, text: 获奖加1分, points: 1, bonus: true, rule: {kind: checklist, checks: [{label: 获奖, points: 1}]}}\n"
        "          - {id: d, text: 无工作计划扣1分, points: 2,",
    )
    loaded = load_rubric_text(text, MINI)
    assert loaded.rubric is not None, [p.message for p in loaded.problems]
    rubric = loaded.rubric
    unit = rubric.find_unit("甲县")
    assert unit is not None
    ws = open_template(rubric, unit)[L.ITEM_SHEET]
    ids = row_ids(ws)
    bonus_row = ids["C2.e"]
    assert bonus_row not in formula_refs(ws[f"H{ids['C2']}"].value, "H")
    assert bonus_row in formula_refs(ws[f"H{ids['S:bonus']}"].value, "H")
    assert ws[f"{L.COL_TEXT}{bonus_row}"].value.startswith("【加分】")


# --- input help: validations, unlocked inputs, highlighting ---------------------------------------
@pytest.mark.parametrize("unit_name", ["宝丰县", "市教育局", "市科协"])
def test_every_input_cell_is_unlocked_and_validated(pingdingshan: Rubric, unit_name: str) -> None:
    unit = pingdingshan.find_unit(unit_name)
    assert unit is not None
    wb = open_template(pingdingshan, unit)
    ws = wb[L.ITEM_SHEET]
    ids = row_ids(ws)
    cells = input_cells(pingdingshan, unit, ws)
    specs = {
        f"{L.COL_INPUT}{ids[rid]}": ir.spec
        for rid, (_, _, ir) in L.expected_rows(pingdingshan, unit).items()
        if ir is not None
    }
    maxima = {
        f"{col}{ids[L.criterion_uid(a.item.id, c)]}": c.points * a.weight
        for a in pingdingshan.assignments(unit)
        for c in a.item.criteria
        for col in (L.COL_SELF, L.COL_VERIFIED)
    }
    kinds_seen = set()
    for ref, kind in cells.items():
        cell = ws[ref]
        assert cell.protection.locked is False, f"{ref} ({kind}) is locked"
        dv = validation_of(ws, ref)
        assert dv is not None, f"{ref} ({kind}) has no data validation"
        assert dv.showInputMessage and CJK.search(dv.prompt or ""), f"{ref}: no Chinese input prompt"
        assert len(dv.prompt) <= 255 and len(dv.promptTitle or "") <= 32
        kinds_seen.add(kind)
        if kind in ("self", "verified"):
            assert (dv.type, dv.operator, dv.formula1) == ("decimal", "between", "0")
            assert Decimal(dv.formula2) == maxima[ref]
            assert dv.showErrorMessage and dv.errorStyle == "stop" and CJK.search(dv.error)
        elif kind in ("yesno", "gate"):
            assert dv.type == "list" and dv.formula1 == '"是,否"' and dv.showErrorMessage
        elif kind == "level":
            assert dv.type == "list" and dv.formula1.startswith(f"'{L.OPTIONS_SHEET}'!$")
            sheet, rng = dv.formula1.split("!")
            values = tuple(c.value for (c,) in wb[sheet.strip("'")][rng.replace("$", "")])
            assert values == specs[ref].options
            assert CJK.search(dv.error)
        elif kind == "number":
            assert dv.type == "decimal" and Decimal(dv.formula1) == (specs[ref].low or 0)
            assert "数字" in dv.prompt and dv.showErrorMessage
        else:  # evidence and opinions: free text, the prompt says what is expected
            assert dv.type is None and not dv.showErrorMessage
    assert {"self", "verified", "evidence", "opinion", "gate", "gate-note", "yesno"} <= kinds_seen


def test_everything_else_is_locked(template: tuple[Rubric, Unit, Workbook]) -> None:
    rubric, unit, wb = template
    ws = wb[L.ITEM_SHEET]
    inputs = set(input_cells(rubric, unit, ws))
    unlocked = {
        c.coordinate
        for row in ws.iter_rows()
        for c in row
        if c.protection.locked is False and not isinstance(c, MergedCell)
    }
    assert unlocked == inputs
    # formulas, criteria texts and points are among the locked cells
    assert any(isinstance(c.value, str) and c.value.startswith("=") for row in ws.iter_rows() for c in row)
    for sheet in (L.OPTIONS_SHEET, L.IDENTITY_SHEET):
        assert not [c for row in wb[sheet].iter_rows() for c in row if c.protection.locked is False]


def test_cover_sheet(template: tuple[Rubric, Unit, Workbook]) -> None:
    rubric, unit, wb = template
    cover = wb[L.COVER_SHEET]
    assert wb.sheetnames[0] == L.COVER_SHEET and wb.active.title == L.COVER_SHEET
    assert str(rubric.meta.year) in cover["B2"].value and cover["B3"].value == rubric.meta.title
    assert cover[L.COVER_UNIT_CELL].value == unit.name and cover[L.COVER_UNIT_CELL].protection.locked
    texts = " ".join(str(c.value) for row in cover.iter_rows() for c in row if c.value)
    for words in (
        "联系人",
        "联系电话",
        "填报日期",
        "单位负责人签字",
        "盖章",
        "填表说明",
        rubric.meta.deadline,
        "由督导检查组填写",
    ):
        assert words in texts, words
    kinds = {L.COVER_CONTACT_CELL: "textLength", L.COVER_PHONE_CELL: "textLength", L.COVER_DATE_CELL: "date"}
    for ref, kind in kinds.items():
        assert cover[ref].protection.locked is False
        dv = validation_of(cover, ref)
        assert dv is not None and dv.type == kind and CJK.search(dv.prompt) and dv.showErrorMessage
    unlocked = {c.coordinate for row in cover.iter_rows() for c in row if c.protection.locked is False}
    assert unlocked == set(kinds)
    assert cover[L.COVER_DATE_CELL].number_format == "yyyy-mm-dd"
    assert cover[L.COVER_PHONE_CELL].number_format == "@"  # a phone number stays text: 0375-…, no 1.38E+10
    highlighted = {str(cf.sqref) for cf in cover.conditional_formatting}
    assert L.COVER_CONTACT_CELL in highlighted


def test_no_inline_list_longer_than_255(template: tuple[Rubric, Unit, Workbook]) -> None:
    _, _, wb = template
    for ws in wb.worksheets:
        for dv in ws.data_validations.dataValidation:
            if dv.type == "list" and dv.formula1.startswith('"'):
                assert len(dv.formula1) <= 255


def test_long_level_lists_come_from_the_hidden_options_sheet(mini: Rubric) -> None:
    levels = [
        f"第{i}档：工作成效显著，群众满意度高，受到上级通报表扬，形成可推广的经验做法" for i in range(1, 9)
    ]
    assert len(",".join(levels)) > 255
    level_yaml = ", ".join(
        f"{{name: '{name}', share: {Decimal(8 - i) / 8}}}" for i, name in enumerate(levels)
    )
    text = MINI.read_text("utf-8").replace(
        "levels: [{name: 好, share: 1}, {name: 较好, share: 0.75}, {name: 一般, points: 1}]",
        f"levels: [{level_yaml}]",
    )
    loaded = load_rubric_text(text, MINI)
    assert loaded.rubric is not None, [p.message for p in loaded.problems]
    unit = loaded.rubric.find_unit("甲县")
    assert unit is not None
    wb = open_template(loaded.rubric, unit)
    ws = wb[L.ITEM_SHEET]
    ref = f"{L.COL_INPUT}{row_ids(ws)['C2.a']}"
    dv = validation_of(ws, ref)
    assert dv is not None and dv.type == "list" and not dv.formula1.startswith('"')
    options = wb[L.OPTIONS_SHEET]
    assert options.sheet_state == "hidden"
    assert [c.value for (c,) in options[dv.formula1.split("!")[1].replace("$", "")]] == levels


@pytest.mark.parametrize("unit_name", ["宝丰县", "市教育局"])
def test_required_inputs_are_highlighted_until_filled(pingdingshan: Rubric, unit_name: str) -> None:
    unit = pingdingshan.find_unit(unit_name)
    assert unit is not None
    ws = open_template(pingdingshan, unit)[L.ITEM_SHEET]
    ids = row_ids(ws)
    rules: dict[str, tuple[str, Any]] = {}
    for cf in ws.conditional_formatting:
        cells = sorted((rc for rng in cf.sqref.ranges for rc in rng.cells), key=lambda rc: (rc[1], rc[0]))
        first = cells[0]
        for rule in cf.rules:
            # relative to the topmost cell of its range, so it means "this cell is empty" for every cell
            ref = f"{ws.cell(row=first[0], column=first[1]).column_letter}{first[0]}"
            assert rule.type == "expression" and rule.formula == [f"LEN(TRIM({ref}))=0"]
            assert rule.dxf.fill is not None
        for r, c in cells:
            rules[f"{ws.cell(row=r, column=c).column_letter}{r}"] = cf
    required = set()
    for rid, (a, crit, ir) in L.expected_rows(pingdingshan, unit).items():
        r = ids[rid]
        if crit is None:
            if a.item.evidence_required:
                required.add(f"{L.COL_EVIDENCE}{r}")
            continue
        assert ir is not None
        if ir.spec.kind != "score":
            required.add(f"{L.COL_INPUT}{r}")
        if rid == L.criterion_uid(a.item.id, crit):
            required.add(f"{L.COL_SELF}{r}")
    assert set(rules) == required
    assert not any(ref.startswith((L.COL_VERIFIED, L.COL_OPINION)) for ref in rules)  # not the unit's job


# --- protection -------------------------------------------------------------------------------------
def test_sheets_protected_without_password_by_default(template: tuple[Rubric, Unit, Workbook]) -> None:
    _, _, wb = template
    for ws in wb.worksheets:
        assert ws.protection.sheet is True, ws.title
        assert not ws.protection.password, ws.title
        assert ws.protection.formatRows is False  # people may heighten a row to read a long criterion
        assert ws.protection.insertRows and ws.protection.deleteRows and ws.protection.sort
    assert wb.security is not None and wb.security.lockStructure
    assert not wb.security.workbookPassword
    cover_text = " ".join(str(c.value) for row in wb[L.COVER_SHEET].iter_rows() for c in row if c.value)
    assert "无需密码" in cover_text


def test_password_option(pingdingshan: Rubric) -> None:
    unit = pingdingshan.find_unit("宝丰县")
    assert unit is not None
    wb = open_template(pingdingshan, unit, password="kepu2017")
    for ws in wb.worksheets:
        assert ws.protection.sheet and ws.protection.password and ws.protection.password != "kepu2017"
    assert wb.security.lockStructure and wb.security.workbookPassword
    cover_text = " ".join(str(c.value) for row in wb[L.COVER_SHEET].iter_rows() for c in row if c.value)
    assert "无需密码" not in cover_text


# --- identity ----------------------------------------------------------------------------------------
def test_identity_sheet(template: tuple[Rubric, Unit, Workbook]) -> None:
    rubric, unit, wb = template
    ws = wb[L.IDENTITY_SHEET]
    assert ws.sheet_state == "veryHidden"
    assert wb[L.OPTIONS_SHEET].sheet_state == "hidden"
    assert [w.sheet_state for w in wb.worksheets[:2]] == ["visible", "visible"]
    values = {str(a.value): str(b.value) for a, b in ws.iter_rows(min_col=1, max_col=2)}
    assert list(values) == list(L.IDENTITY_KEYS)
    assert values == L.identity_values(rubric, unit)
    assert values["rubric_id"] == "pingdingshan-2017" and values["unit_id"] == unit.id
    assert values["rubric_hash"] == rubric.content_hash and len(rubric.content_hash) == 64
    assert values["structure"] == rubric.structure_fingerprint()
    assert values["template_version"] == L.TEMPLATE_VERSION and values["year"] == "2017"


# --- determinism -------------------------------------------------------------------------------------
def test_same_input_same_bytes(pingdingshan: Rubric, mini: Rubric) -> None:
    unit = pingdingshan.find_unit("市教育局")
    assert unit is not None
    first = template_bytes(pingdingshan, unit)
    assert template_bytes(pingdingshan, unit) == first
    with zipfile.ZipFile(io.BytesIO(first)) as zf:
        assert {info.date_time for info in zf.infolist()} == {(2000, 1, 1, 0, 0, 0)}
        core = zf.read("docProps/core.xml").decode()
    assert core.count("2000-01-01T00:00:00Z") == 2
    other = pingdingshan.find_unit("市科协")
    assert other is not None and template_bytes(pingdingshan, other) != first
    assert template_bytes(pingdingshan, unit, password="x") != first
    # a wording change in the rubric changes the file (its hash is recorded), not only a structure change
    text = PINGDINGSHAN.read_text("utf-8").replace("品牌科普活动和双创活动", "品牌科普活动与双创活动", 1)
    edited = load_rubric_text(text, PINGDINGSHAN).rubric
    assert edited is not None and edited.structure_fingerprint() == pingdingshan.structure_fingerprint()
    assert template_bytes(edited, edited.unit(unit.id)) != first


def test_same_bytes_across_processes() -> None:
    """Hash randomisation, the clock and the process must not leak into the file."""
    code = (
        "import hashlib, sys; from pathlib import Path\n"
        "from kepu_inspect.adapters.rubric_file import load_rubric\n"
        "from kepu_inspect.adapters.template_writer import template_bytes\n"
        "r = load_rubric(Path(sys.argv[1])).rubric\n"
        "print(hashlib.sha256(template_bytes(r, r.find_unit('宝丰县'))).hexdigest())"
    )
    digests = set()
    for seed in ("1", "2"):
        result = subprocess.run(
            [sys.executable, "-c", code, str(PINGDINGSHAN)],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
            env={
                "PYTHONHASHSEED": seed,
                "PATH": "/usr/bin:/bin",
                "TZ": "Asia/Shanghai" if seed == "1" else "UTC",
            },
        )
        digests.add(result.stdout.strip())
    rubric = load_rubric(PINGDINGSHAN).rubric
    assert rubric is not None
    unit = rubric.find_unit("宝丰县")
    assert unit is not None
    digests.add(hashlib.sha256(template_bytes(rubric, unit)).hexdigest())
    assert len(digests) == 1


# --- printing ----------------------------------------------------------------------------------------
def test_print_setup(template: tuple[Rubric, Unit, Workbook]) -> None:
    _, unit, wb = template
    for ws, orientation in ((wb[L.COVER_SHEET], "portrait"), (wb[L.ITEM_SHEET], "landscape")):
        assert ws.page_setup.paperSize == 9  # A4
        assert ws.page_setup.orientation == orientation
        assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        footer = ws.oddFooter.center.text
        assert "&P" in footer and "&N" in footer and footer.startswith("第") and "共" in footer
    ws = wb[L.ITEM_SHEET]
    assert ws.print_title_rows == "$3:$4"
    assert unit.name in ws.oddHeader.right.text
    signature = next(
        c.row for (c,) in ws.iter_rows(min_col=2, max_col=2) if c.value and "签字" in str(c.value)
    )
    assert signature > row_ids(ws)["G:late"] and ws.print_area.endswith(f"$K${signature}")
    assert L.COL_ID not in ws.print_area.split("!")[1].split(":")[0]  # the id column is not printed


def test_fonts_are_on_chinese_windows(template: tuple[Rubric, Unit, Workbook]) -> None:
    _, _, wb = template
    used: set[str] = set()
    for name in (L.COVER_SHEET, L.ITEM_SHEET):
        for row in wb[name].iter_rows():
            for c in row:
                if not isinstance(c, MergedCell) and (c.value is not None or c.protection.locked is False):
                    used.add(c.font.name)
    assert used <= {"宋体", "仿宋", "黑体"}
    assert {"宋体", "黑体", "仿宋"} <= used


def test_long_criteria_fit_their_rows(template: tuple[Rubric, Unit, Workbook]) -> None:
    """Rows are tall enough for the text in Excel, where a 46-wide column holds about 22 CJK characters
    and a 10.5 pt line takes 13.5 pt; every text cell wraps."""
    rubric, unit, wb = template
    ws = wb[L.ITEM_SHEET]
    ids = row_ids(ws)
    merged = {(m.min_col, m.min_row): m for m in ws.merged_cells.ranges}

    def height(col: int, row: int) -> float:
        m = merged.get((col, row))
        rows = range(row, m.max_row + 1) if m else [row]
        return sum(ws.row_dimensions[r].height or 15 for r in rows)

    def needed(text: str, cjk_per_line: int) -> float:
        units = [sum(1 if ch.isascii() else 2 for ch in part) for part in text.split("\n")]
        return 13.5 * sum(max(1, -(-u // (2 * cjk_per_line))) for u in units)

    for a in rubric.assignments(unit):
        for rid in [a.item.id] + [L.criterion_uid(a.item.id, c) for c in a.item.criteria]:
            r = ids[rid]
            cell = ws[f"{L.COL_TEXT}{r}"]
            assert cell.alignment.wrap_text
            assert height(4, r) >= needed(cell.value, 22), (rid, cell.value)
        label_cells = [
            ws[f"{L.COL_LABEL}{ids[ir.row_id]}"] for c in a.item.criteria for ir in L.input_rows(a.item.id, c)
        ]
        for cell in label_cells:
            assert cell.alignment.wrap_text and ws.row_dimensions[cell.row].height >= needed(cell.value, 7)
    assert ws.column_dimensions[L.COL_TEXT].width >= 40


# --- file names ---------------------------------------------------------------------------------------
UNSAFE_NAMES = [
    "CON",
    "con.txt",
    "NUL",
    "COM1",
    "LPT9",
    "a/b:c*?",
    'x<y>z|"q"',
    "单位\\名称",
    "末尾有点...",
    "  前后空格  ",
    "制表\t符\n换行",
    "…" * 3,
    "长" * 200,
    "x/y",
    "x:y",
    "ABC",
    "abc",
    ".",
    "响\x07铃",
]


def unsafe_rubric(tmp_path: Path) -> Rubric:
    units = "\n".join(
        f"  - {{id: u{i}, name: {yaml_str(name)}, group: dept}}" for i, name in enumerate(UNSAFE_NAMES)
    )
    text = re.sub(r"units:\n(  - .*\n)+", lambda _: "units:\n" + units + "\n", MINI.read_text("utf-8"))
    text = text.replace("leads: [市教育局]", "leads: [u15]").replace(
        "applies_to: [{leads: youth, weight: 1.5}, 市科协]", "applies_to: [{group: dept}]"
    )
    path = tmp_path / "unsafe.yaml"
    path.write_text(text, "utf-8")
    loaded = load_rubric(path)
    assert loaded.rubric is not None, [p.message for p in loaded.problems]
    assert [u.name for u in loaded.rubric.units] == UNSAFE_NAMES
    return loaded.rubric


def yaml_str(text: str) -> str:
    return (
        '"'
        + text.replace("\\", "\\\\")
        .replace('"', '\\"')
        .replace("\t", "\\t")
        .replace("\n", "\\n")
        .replace("\x07", "\\a")
        + '"'
    )


def assert_windows_safe(name: str) -> None:
    stem = name.removesuffix(".xlsx")
    assert not WINDOWS_BAD.search(name), name
    assert not WINDOWS_RESERVED.match(stem) and not WINDOWS_RESERVED.match(name), name
    assert stem == stem.strip() and not stem.endswith((".", " ")), name
    assert 0 < len(name) <= 90, (len(name), name)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("CON", "_CON"),
        ("con.txt", "_con.txt"),
        ("COM1", "_COM1"),
        ("lpt3.xlsx", "_lpt3.xlsx"),
        ("AUX", "_AUX"),
        ("CONSOLE", "CONSOLE"),
        ("a/b:c*?", "a_b_c__"),
        ('<>|"', "____"),
        ("名称. . ", "名称"),
        ("", "未命名"),
        ("...", "未命名"),
        ("  宝丰县  ", "宝丰县"),
        ("a\x00b\x1fc", "a_b_c"),
        ("abc\u202egpj.exe", "abc_gpj.exe"),
    ],
)
def test_safe_filename(name: str, expected: str) -> None:
    assert safe_filename(name) == expected
    assert_windows_safe(safe_filename(name))


def test_safe_filename_is_bounded() -> None:
    assert len(safe_filename("长" * 500)) == 80
    assert len(safe_filename("长" * 500, limit=20)) == 20
    assert safe_filename("a" * 79 + ". b") == "a" * 79  # never ends in a dot after cutting


def test_template_file_names_for_unsafe_unit_names(tmp_path: Path) -> None:
    rubric = unsafe_rubric(tmp_path)
    names = template_filenames(rubric, rubric.units)
    assert len({n.casefold() for n in names.values()}) == len(UNSAFE_NAMES)  # no two units share a file
    for unit in rubric.units:
        name = names[unit.id]
        assert_windows_safe(name)
        assert name.startswith("2017年") and name.endswith("科学素质工作自评表.xlsx"), name
        assert template_filename(rubric, unit).startswith("2017年")
    assert len(names["u12"]) <= 85 and names["u12"].startswith(
        "2017年长长长"
    )  # 200 characters, cut with a tag
    # the files can really be written, and each holds its own unit
    result = runner.invoke(app, ["template", str(tmp_path / "unsafe.yaml"), "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    files = sorted(forms(tmp_path / "out"))
    assert sorted(f.name for f in files) == sorted(names.values())
    for unit in rubric.units:
        wb = load_workbook(tmp_path / "out" / names[unit.id], read_only=True)
        identity = {str(a.value): str(b.value) for a, b in wb[L.IDENTITY_SHEET].iter_rows(max_col=2)}
        assert identity["unit_id"] == unit.id
        wb.close()


# --- the template command ------------------------------------------------------------------------------
def test_cli_by_alias_and_summary(tmp_path: Path, pingdingshan: Rubric) -> None:
    out = tmp_path / "templates"
    result = runner.invoke(
        app,
        [
            "template",
            str(PINGDINGSHAN),
            "-o",
            str(out),
            "--unit",
            "平顶山市教育局",
            "-u",
            "宝丰县",
            "--unit",
            "市教育局",
        ],
    )  # 市教育局 twice: name and alias
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in forms(out)) == [
        "2017年宝丰县全民科学素质工作目标责任自评表.xlsx",
        "2017年市教育局全民科学素质工作目标责任自评表.xlsx",
    ]
    squeezed = re.sub(r"\s+", "", result.output)
    assert "已生成2份自评表" in squeezed
    for words in ("单位", "分组", "项目数", "基本分满分", "市教育局", "宝丰县", "67", "100"):
        assert words in result.output, words
    from tests.conftest import _load

    shipped = _load(PINGDINGSHAN)  # the command used the shipped file (verification: separate)
    jiaoyu = shipped.find_unit("市教育局")
    assert jiaoyu is not None
    assert (out / "2017年市教育局全民科学素质工作目标责任自评表.xlsx").read_bytes() == template_bytes(
        shipped, jiaoyu
    )


def test_cli_unknown_unit_is_a_usage_error(tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        ["template", str(PINGDINGSHAN), "-o", str(tmp_path / "t"), "--unit", "宝丰县", "--unit", "火星县"],
    )
    assert result.exit_code == 2
    assert "火星县" in result.output and not (tmp_path / "t").exists()


def test_cli_all_assessed_units_by_default(tmp_path: Path, mini: Rubric) -> None:
    result = runner.invoke(app, ["template", str(MINI), "-o", str(tmp_path / "a")])
    assert result.exit_code == 0, result.output
    assert len(forms(tmp_path / "a")) == len(mini.assessed_units()) == 4
    assert not list((tmp_path / "a").glob("*丙区*"))  # not assessed this year
    result = runner.invoke(app, ["template", str(MINI), "-o", str(tmp_path / "b"), "--all"])
    assert result.exit_code == 0 and len(forms(tmp_path / "b")) == 5


def test_cli_password_and_output_that_is_a_file(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["template", str(MINI), "-o", str(tmp_path), "-u", "甲县", "--password", "s3cret"]
    )
    assert result.exit_code == 0, result.output
    wb = load_workbook(tmp_path / "2017年甲县科学素质工作自评表.xlsx")
    assert all(ws.protection.password for ws in wb.worksheets)
    blocker = tmp_path / "file.txt"
    blocker.write_text("x")
    result = runner.invoke(app, ["template", str(MINI), "-o", str(blocker)])
    assert result.exit_code == 2 and "文件夹" in result.output


def test_cli_pingdingshan_all_units(tmp_path: Path, pingdingshan: Rubric) -> None:
    result = runner.invoke(app, ["template", str(PINGDINGSHAN), "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert len(list(tmp_path.glob("*.xlsx"))) == len(pingdingshan.assessed_units()) == 38
    # no temporary files left behind; beside the forms only the manifest of what the tool wrote
    assert [p.name for p in tmp_path.glob(".*")] == [".kepu-inspect.json"]


# --- reading back after people edit the file ---------------------------------------------------------
def comparable(reading: FileReading) -> dict[str, Any]:
    """What a reading says, without cell positions (which move when rows move)."""
    sub = reading.submission
    assert sub is not None, [p.message for p in reading.problems]
    return {
        "criteria": {
            uid: (e.values, e.self_score, e.verified, e.unreadable) for uid, e in sub.criteria.items()
        },
        "items": {iid: (e.evidence, e.opinion) for iid, e in sub.items.items()},
        "gates": sub.gates,
        "cover": (sub.contact, sub.phone, sub.filled_on),
        "codes": sorted(p.code.name for p in reading.problems),
    }


def expected_values(rubric: Rubric, unit: Unit, filling: Any) -> dict[str, Any]:
    def dec(v: Any) -> Any:
        return Decimal(str(v)) if isinstance(v, (int, float, Decimal)) and not isinstance(v, bool) else v

    criteria = {}
    for a in rubric.assignments(unit):
        for crit in a.item.criteria:
            uid = L.criterion_uid(a.item.id, crit)
            values = {
                ir.spec.key: dec(filling.inputs[ir.row_id])
                for ir in L.input_rows(a.item.id, crit)
                if ir.spec.kind != "score"
            }
            criteria[uid] = (values, dec(filling.self_scores[uid]), dec(filling.verified[uid]), ())
    return criteria


@pytest.fixture(scope="module")
def filled_baofeng(pingdingshan: Rubric) -> tuple[Rubric, Unit, bytes, Any]:
    unit = pingdingshan.find_unit("宝丰县")
    assert unit is not None
    filling = plausible_filling(pingdingshan, unit, random.Random(17))
    filling.opinions = {a.item.id: f"核查意见{a.item.id}" for a in pingdingshan.assignments(unit)}
    return pingdingshan, unit, fill_template(template_bytes(pingdingshan, unit), filling), filling


def test_fill_then_read_gives_back_what_was_filled(
    filled_baofeng: tuple[Rubric, Unit, bytes, Any], tmp_path: Path
) -> None:
    rubric, unit, data, filling = filled_baofeng
    path = tmp_path / template_filename(rubric, unit)
    path.write_bytes(data)
    reading = read_submission(rubric, path)
    assert reading.status == "read" and reading.unit_id == unit.id
    got = comparable(reading)
    assert got["criteria"] == expected_values(rubric, unit, filling)
    assert got["items"] == {iid: (filling.evidence[iid], filling.opinions[iid]) for iid in filling.evidence}
    assert got["gates"] == {"fraud": False, "late": False}
    assert got["cover"][:2] == (filling.cover[L.COVER_CONTACT_CELL], filling.cover[L.COVER_PHONE_CELL])


def test_reading_survives_sorted_hidden_and_inserted_rows(
    filled_baofeng: tuple[Rubric, Unit, bytes, Any], tmp_path: Path
) -> None:
    rubric, unit, data, _ = filled_baofeng
    original = tmp_path / "original" / template_filename(rubric, unit)
    original.parent.mkdir()
    original.write_bytes(data)
    before = comparable(read_submission(rubric, original))

    wb = load_workbook(io.BytesIO(data))
    ws = wb[L.ITEM_SHEET]
    ws.protection.sheet = False  # what a unit must do first (no password needed)
    for rng in list(ws.merged_cells.ranges):  # Excel refuses to sort merged cells
        ws.unmerge_cells(str(rng))
    ids = row_ids(ws)
    first, last = L.FIRST_DATA_ROW, max(ids.values())
    rows = [[ws.cell(row=r, column=c).value for c in range(1, 12)] for r in range(first, last + 1)]
    rows.sort(key=lambda values: str(values[3] or ""), reverse=True)  # "sort by 考核内容, descending"
    for offset, values in enumerate(rows):
        for c, value in enumerate(values, start=1):
            ws.cell(row=first + offset, column=c).value = value
    assert row_ids(ws) != ids  # the rows really moved
    middle = (first + last) // 2
    ws.insert_rows(middle, amount=2)  # blank rows in the middle
    ws[f"{L.COL_TEXT}{middle}"] = "（单位插入的说明行）"
    for rid in ("c1", "c3.a"):  # hide an item row and a criterion row
        ws.row_dimensions[row_ids(ws)[rid]].hidden = True
    edited = tmp_path / "edited" / template_filename(rubric, unit)
    edited.parent.mkdir()
    wb.save(edited)

    after = comparable(read_submission(rubric, edited))
    assert after == before
    assert not [c for c in after["codes"] if c in ("WB012", "WB013", "WB014")]  # no missing/duplicate rows


def test_rubric_text_is_never_a_formula(mini: Rubric) -> None:
    """Texts come from the rubric; one that starts with = (or a unit name with &) stays plain text."""
    text = (
        MINI.read_text("utf-8")
        .replace("text: 工作成效,", "text: '=SUM(1)工作成效',")
        .replace("name: 甲县,", "name: 甲县&乙,")
    )
    loaded = load_rubric_text(text, MINI)
    assert loaded.rubric is not None, [p.message for p in loaded.problems]
    unit = loaded.rubric.find_unit("甲县&乙")
    assert unit is not None
    ws = open_template(loaded.rubric, unit)[L.ITEM_SHEET]
    cell = ws[f"{L.COL_TEXT}{row_ids(ws)['C2.a']}"]
    assert cell.value == "=SUM(1)工作成效" and cell.data_type == "s"
    assert ws.oddHeader.right.text.endswith("甲县&&乙")  # & starts a code in headers; && prints one &


def forms(folder: Path) -> list[Path]:
    """The workbooks in an output folder (beside them: the manifest of what the tool wrote)."""
    return [p for p in folder.iterdir() if p.name != ".kepu-inspect.json"]
