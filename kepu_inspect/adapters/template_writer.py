"""Write the self-assessment template (自评表) for one unit, reproducibly, through openpyxl.

The layout (sheet names, columns, row ids) is ``adapters/layout.py``, shared with the reader; this
module places the cells, styles, validations and print setup of one unit's workbook and lets
openpyxl write the SpreadsheetML. Equal inputs give equal bytes: timestamps are fixed afterwards.
"""

from __future__ import annotations

import functools
import hashlib
import io
import zipfile
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any, NamedTuple

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.cell_range import CellRange, MultiCellRange
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from kepu_inspect.adapters import layout as L
from kepu_inspect.adapters.output import (
    UNSAFE_FILENAME_CHARS,
    normalise_xlsx_bytes,
    safe_filename,
    write_bytes_atomic,
)
from kepu_inspect.adapters.template_pages import Block, fit_scale, page_breaks, page_room
from kepu_inspect.core.linebreak import estimate_lines
from kepu_inspect.core.linebreak import wrap_text as _wrap_text
from kepu_inspect.core.numbers import UNBOUNDED, ZERO, fmt
from kepu_inspect.core.rubric import Assignment, Criterion, Gate, Item, Rubric, Unit
from kepu_inspect.core.scoring import score_range
from kepu_inspect.core.titles import FORM_NAME, form_subject, form_title

__all__ = [
    "MAX_NUMBER",
    "TemplateBuilder",
    "safe_filename",
    "template_bytes",
    "template_filename",
    "template_filenames",
    "write_template",
    "write_templates",
]


class _Font(NamedTuple):
    name: str
    size: float
    bold: bool = False


class _Align(NamedTuple):
    horizontal: str | None
    vertical: str
    wrap: bool


# Fonts every Chinese Windows (and WPS) has: 宋体 SimSun, 黑体 SimHei, 仿宋 FangSong.
# A4, one page wide, "第 X 页 共 Y 页" (a template is one unit's workbook: its total is its own)
PAPER_A4 = "9"  # OOXML paperSize code for A4
PAGE_FOOTER = "第 &P 页 共 &N 页"
SIDE_MARGIN, HEADER_MARGIN = 0.5, 0.3

BODY_FONT = "宋体"
TITLE_FONT = "黑体"
NOTE_FONT = "仿宋"

BORDER_COLOR = "808080"  # thin grey lines round every box
INPUT_FILL = "FFF9E5"  # cells the unit fills in
INSPECTOR_FILL = "E8F0FB"  # cells the inspection team fills in
SECTION_FILL = "E7E6E6"
MISSING_FILL = "FCE4D6"  # conditional format: a required cell still empty
LOCKED_FILL = "EDEDED"  # the inspection team's cells when the team records its verdict elsewhere
WRAP = _Align(None, "center", True)
WRAP_TOP = _Align(None, "top", True)
CENTER = _Align("center", "center", True)
CENTER_TOP = _Align("center", "top", True)
RIGHT = _Align("right", "center", False)
LEFT = _Align(None, "center", False)
MAX_NUMBER = Decimal("999999999")
BODY = _Font(BODY_FONT, 10.5)
BOLD = _Font(BODY_FONT, 10.5, True)
NOTE = _Font(NOTE_FONT, 11)
NOTE_BOLD = _Font(NOTE_FONT, 11, True)
TITLE = _Font(TITLE_FONT, 18, True)
SHEET_TITLE = _Font(TITLE_FONT, 16, True)

_TOTAL_STYLE: dict[str, Any] = {"font": BOLD, "align": CENTER, "fmt_": "0.00"}
_BORDER = Border(*(Side(style="thin", color=BORDER_COLOR),) * 4)
_UNLOCKED = Protection(locked=False)
_MISSING = PatternFill("solid", fgColor=MISSING_FILL, bgColor=MISSING_FILL)

# Row heights in points. A 10.5 pt CJK line needs ~13.5 pt in Excel (宋体) but ~15.5 pt in LibreOffice
# with Noto CJK, so plan for the larger: a clipped criterion on paper is worse than white space.
LINE_PT = 16.0
ROW_PAD_PT = 4.0
MIN_ROW_PT = 20.0

# Excel serial numbers of 2000-01-01 and 2099-12-31 (1900 date system), for the date validation.
DATE_LOW, DATE_HIGH = "36526", "73050"
_MAX_CELL_TEXT = 32767  # Excel's limit for the text of a cell

TEMPLATE_NAME_LIMIT = 80


def gate_label(gate: Gate) -> str:
    """The gate's row on the form: only a real veto is a 否决事项; a deduction is a 扣分事项."""
    kind = "否决事项" if gate.is_veto else "扣分事项"
    return f"{kind}：{gate.name}（{gate.description or gate.effect()}）"


def gate_sentence(gate: Gate) -> str:
    """The cover's sentence about a gate, worded from the gate itself."""
    if gate.description:
        text = gate.description
    elif gate.automatic:
        text = f"{gate.condition()}的，{gate.effect()}"
    elif gate.grade:
        text = f"经查实存在“{gate.name}”情形的，考核等次直接定为{gate.grade}"
    else:
        text = f"存在“{gate.name}”情形的，{gate.effect()}"
    text = text.rstrip("。；;.") + "。"
    return text + ("（按得分自动认定）" if gate.automatic else "")


# the layout owns the printed texts (the reader checks them against the rubric)
unit_target = L.unit_target
what_to_enter = L.what_to_enter


# 分值 cells of 加分 and 扣分 rows print with their sign, and stay numbers (totals read them as such)
SIGNED_FORMAT = {"bonus": '"＋"General', "deduct": '"－"General'}
NO_MAXIMUM = L.NO_MAXIMUM
SECTION_NOTES = {"bonus": "（加分项目，不计入基本分）", "deduct": "（扣分项目，从总分中扣除）"}


def template_filename(rubric: Rubric, unit: Unit, tag: str = "") -> str:
    """``2017年宝丰县全民科学素质工作目标责任自评表.xlsx``: year, unit, the rubric's subject. A very long
    unit name is shortened and tagged with a short hash of the unit id, so the year and the subject stay
    and two long names cannot collide; ``tag`` (a unit id) tells apart names that clean up to the same
    text."""
    prefix = f"{rubric.meta.year}年"
    suffix = UNSAFE_FILENAME_CHARS.sub("_", form_subject(rubric))[:30] + FORM_NAME
    # the name sits inside the file name, so a reserved device name (CON …) is harmless there
    name = UNSAFE_FILENAME_CHARS.sub("_", unit.name).strip().rstrip(". ") or "未命名"
    room = TEMPLATE_NAME_LIMIT - len(prefix) - len(suffix)
    if not tag and len(name) > room:
        tag = hashlib.sha256(unit.id.encode()).hexdigest()[:6]
    if tag:
        name = name[: room - len(tag) - 1].rstrip(". ") + "_" + tag
    return safe_filename(prefix + name + suffix, limit=TEMPLATE_NAME_LIMIT) + ".xlsx"


def template_filenames(rubric: Rubric, units: Iterable[Unit]) -> dict[str, str]:
    """File name per unit id, unique even on a case-insensitive file system: names that clean up to the
    same text (``a/b`` and ``a:b``, ``ABC`` and ``abc``) get the unit id added."""
    names: dict[str, str] = {}
    taken: set[str] = set()
    for unit in units:
        name = template_filename(rubric, unit)
        if name.casefold() in taken:
            name = template_filename(rubric, unit, tag=unit.id)
        taken.add(name.casefold())
        names[unit.id] = name
    return names


_lines = estimate_lines
# the same criteria are wrapped for every unit of a batch; the wrapping itself lives in core
wrap_text = functools.lru_cache(maxsize=8192)(_wrap_text)


def _height(lines: int, line_pt: float = LINE_PT) -> float:
    return max(MIN_ROW_PT, lines * line_pt + ROW_PAD_PT)


def _grown(block: Block, points: float) -> Block:
    return Block(block.first, block.last, block.height + points, block.join_prev, block.keep_prev)


class _Formula(str):
    """A formula the writer means; any other text starting with ``=`` is written as plain text."""


def _sum_formula(col: str, rows: list[int], cap: Decimal | None = None) -> _Formula:
    """A live total of ``rows`` in ``col``. The filler's 自评分 total always shows; the inspectors'
    核定分 total stays blank until they enter a score, so an empty column does not read as 0."""
    refs = ",".join(f"{col}{r}" for r in rows)
    total = f"SUM({refs})" if cap is None else f"MIN({fmt(cap)},SUM({refs}))"
    return _Formula(f"={total}" if col != L.COL_VERIFIED else f'=IF(COUNT({refs})=0,"",{total})')


def _compact(refs: list[str]) -> str:
    """``G7 G8 G9 G12`` → ``G7:G9 G12``: a run of cells down a column becomes one range, listed by
    column, then row."""
    runs: list[list[Any]] = []  # [column, first row, last row]
    for ref in refs:
        col = ref.rstrip("0123456789")
        row = int(ref[len(col) :])
        if runs and runs[-1][0] == col and runs[-1][2] == row - 1:
            runs[-1][2] = row
        else:
            runs.append([col, row, row])
    unique = sorted({(len(c), c, a, b) for c, a, b in runs})
    return " ".join(f"{c}{a}" if a == b else f"{c}{a}:{c}{b}" for _, c, a, b in unique)


def _clean(text: str) -> str:
    """Drop control characters XML cannot hold (a rubric may carry one in from a copied name)."""
    return ILLEGAL_CHARACTERS_RE.sub("", text)


def _header_text(text: str) -> str:
    """Header/footer text is a mini-language where ``&`` starts a code; a literal one is ``&&``."""
    return _clean(text).replace("&", "&&")


_COL_INDEX = {L.col_letter(i): i for i in range(1, 27)}
_StyleKey = tuple[_Font | None, str | None, _Align | None, bool, bool, str | None]


class _Sheet:
    """Small helpers over one worksheet, so the writer reads like the printed form.

    Setting a font, fill or border on an openpyxl cell hashes the style object every time, which is
    most of the writing time; each distinct combination is therefore resolved once per workbook and
    its style indices copied onto later cells.
    """

    def __init__(self, ws: Worksheet, cache: dict[_StyleKey, StyleArray]) -> None:
        self.ws = ws
        self.cache = cache

    def put(
        self,
        col: str,
        row: int,
        value: Any = None,
        *,
        font: _Font | None = BODY,
        fill: str | None = None,
        align: _Align | None = WRAP,
        border: bool = True,
        unlocked: bool = False,
        fmt_: str | None = None,
    ) -> None:
        """One cell. Rubric text such as "=10分以上…" stays text: only a ``_Formula`` is written as one."""
        cell = self.ws.cell(row=row, column=_COL_INDEX[col])
        if isinstance(value, _Formula):
            cell.value = str(value)
        elif isinstance(value, str):
            cell.value = _clean(value)[:_MAX_CELL_TEXT]
            cell.data_type = "s"
        elif value is not None:
            cell.value = value
        key: _StyleKey = (font, fill, align, border, unlocked, fmt_)
        cached = self.cache.get(key)
        if cached is not None:
            cell._style = StyleArray(cached)
            return
        if font is not None:
            cell.font = Font(name=font.name, size=font.size, bold=font.bold or None)
        if fill is not None:
            cell.fill = PatternFill("solid", fgColor=fill)
        if align is not None:
            cell.alignment = Alignment(
                horizontal=align.horizontal, vertical=align.vertical, wrap_text=align.wrap or None
            )
        if border:
            cell.border = _BORDER
        if unlocked:
            cell.protection = _UNLOCKED
        if fmt_:
            cell.number_format = fmt_
        self.cache[key] = StyleArray(cell._style)

    def merge(self, ref: str) -> None:
        """Merge without openpyxl's per-cell reformatting: the cells are already styled by ``put``."""
        self.ws.merged_cells.ranges.add(CellRange(ref))


def a4_page_setup(ws: Worksheet, *, landscape: bool, title_rows: str | None, top_margin: float = 0.7) -> None:
    """A4, one page wide (any number of pages tall), centred, header rows repeated, "第 X 页 共 Y 页"."""
    ws.page_setup.paperSize = PAPER_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = SIDE_MARGIN
    ws.page_margins.top = ws.page_margins.bottom = top_margin
    ws.page_margins.header = ws.page_margins.footer = HEADER_MARGIN
    if title_rows:
        ws.print_title_rows = title_rows
    ws.oddFooter.center.text = PAGE_FOOTER
    ws.oddFooter.center.font = BODY_FONT


def _dv(
    kind: str,
    *,
    formula1: str | None = None,
    formula2: str | None = None,
    low: Decimal | None = None,
    high: Decimal | None = None,
    prompt: str,
    title: str,
    error: str = "",
) -> DataValidation:
    if kind == "list":
        dv = DataValidation(type="list", formula1=formula1, allow_blank=True)
    elif kind in ("date", "textLength"):
        dv = DataValidation(
            type=kind, operator="between", formula1=formula1, formula2=formula2, allow_blank=True
        )
    elif kind == "text":
        dv = DataValidation(type=None, allow_blank=True)  # prompt only: any text is fine
    else:
        dv = DataValidation(
            type="decimal",
            operator="between",
            formula1=fmt(low if low is not None else ZERO),
            formula2=fmt(high if high is not None else MAX_NUMBER),
            allow_blank=True,
        )
    # Excel's limits: titles 32 characters, prompt 255, error 225
    dv.promptTitle = title[:32]
    dv.prompt = prompt[:255]
    dv.showInputMessage = True
    if kind == "text":
        dv.showErrorMessage = False
    else:
        dv.errorTitle = "输入有误"
        dv.error = error[:225]
        dv.showErrorMessage = True
        dv.errorStyle = "stop"
    return dv


class TemplateBuilder:
    """Builds one unit's workbook. Split from writing so tests can inspect the openpyxl object."""

    def __init__(self, rubric: Rubric, unit: Unit, password: str | None = None) -> None:
        self.rubric = rubric
        self.unit = unit
        self.password = password
        self.wb = Workbook()
        self.style_cache: dict[_StyleKey, StyleArray] = {}
        self.validations: dict[tuple[Any, ...], tuple[DataValidation, list[str]]] = {}
        self.option_columns: dict[tuple[str, ...], str] = {}
        self.required_cells: dict[str, list[str]] = {}
        self.last_row = 0
        # the team's 核定分, 核查意见 and gate answers in this file (verification: in_submission)
        self.inspector_editable = rubric.settings.verification == "in_submission"
        self.heights: dict[int, float] = {}  # item sheet: explicit row heights, for the page breaks
        self.blocks: list[Block] = []
        self.glue_next = False  # the next item joins the section heading before it
        self.item_spans: list[tuple[int, int, Assignment]] = []
        self.breaks: list[int] = []

    # --- workbook ---------------------------------------------------------------------------
    def build(self) -> Workbook:
        wb = self.wb
        cover = wb.active
        assert cover is not None
        cover.title = L.COVER_SHEET
        items = wb.create_sheet(L.ITEM_SHEET)
        options = wb.create_sheet(L.OPTIONS_SHEET)
        identity = wb.create_sheet(L.IDENTITY_SHEET)
        self.options = options
        self.write_cover(cover)
        self.write_items(items)
        self.write_identity(identity)
        options.sheet_state = "hidden"
        identity.sheet_state = "veryHidden"
        for ws in (cover, items, options, identity):
            ws.protection.sheet = True
            ws.protection.formatRows = False  # let people heighten rows to read long criteria
            ws.protection.formatColumns = False
            if self.password:
                ws.protection.password = self.password
            ws.sheet_view.tabSelected = ws is cover
        wb.security = WorkbookProtection(lockStructure=True)
        if self.password:
            wb.security.workbookPassword = self.password
        # open on the cover: it has the unit's contact cells and the filling instructions
        wb.active = 0
        props = wb.properties
        props.creator = "kepu-inspect"
        props.title = _clean(f"{self.unit.name}{form_title(self.rubric)}")
        return wb

    def write_cover(self, ws: Worksheet) -> None:
        meta = self.rubric.meta
        s = _Sheet(ws, self.style_cache)
        ws.column_dimensions["A"].width = 3
        ws.column_dimensions["B"].width = 18
        ws.column_dimensions["C"].width = 52
        title = form_title(self.rubric)
        s.merge("B2:C2")
        s.put("B", 2, title, font=TITLE, align=CENTER, border=False)
        s.put("C", 2, border=False, align=None)
        ws.row_dimensions[2].height = max(60, 12 + 26 * _lines(title, 38))
        s.merge("B3:C3")
        s.put("B", 3, meta.title, font=NOTE, align=CENTER, border=False)
        ws.row_dimensions[3].height = 8 + 17 * _lines(meta.title, 66)
        # rows 4–7: layout.COVER_UNIT_CELL, COVER_CONTACT_CELL, COVER_PHONE_CELL, COVER_DATE_CELL
        rows = [
            ("单位名称", self.unit.name, False),
            ("联系人", None, True),
            ("联系电话", None, True),
            ("填报日期", None, True),
        ]
        for i, (label, value, editable) in enumerate(rows, start=4):
            s.put("B", i, label, font=BOLD, align=CENTER)
            ref = f"C{i}"
            s.put(
                "C",
                i,
                value,
                unlocked=editable,
                fill=INPUT_FILL if editable else None,
                fmt_="yyyy-mm-dd" if ref == L.COVER_DATE_CELL else "@" if ref == L.COVER_PHONE_CELL else None,
            )
            ws.row_dimensions[i].height = max(26, _height(_lines(value or "", 52)))
        self.cover_validations(ws)
        for ref in (L.COVER_CONTACT_CELL, L.COVER_PHONE_CELL):
            ws.conditional_formatting.add(ref, FormulaRule(formula=[f"LEN(TRIM({ref}))=0"], fill=_MISSING))
        ws.row_dimensions[8].height = 12
        s.put("B", 9, "单位负责人签字：", font=BOLD, border=False, align=LEFT)
        s.put("C", 9, "（单位盖章）            年    月    日", border=False, align=LEFT)
        ws.row_dimensions[9].height = 48
        ws.row_dimensions[10].height = 12
        notes = [
            "填表说明",
            *(wrap_text(f"{n}．{text}", 66) for n, text in enumerate(self.cover_notes(), start=1)),
        ]
        for i, text in enumerate(notes, start=11):
            s.merge(f"B{i}:C{i}")
            s.put("B", i, text, font=NOTE_BOLD if i == 11 else NOTE, border=False, align=WRAP_TOP)
            ws.row_dimensions[i].height = 4 + 17 * _lines(text, 66)
        self.page_setup(ws, landscape=False, title_rows=None)
        ws.print_area = f"B2:C{10 + len(notes)}"
        ws.sheet_view.selection[0].activeCell = L.COVER_CONTACT_CELL
        ws.sheet_view.selection[0].sqref = L.COVER_CONTACT_CELL

    def cover_notes(self) -> list[str]:
        """The filling instructions, worded from the rubric: its deadline, issuer and gates."""
        meta = self.rubric.meta
        deadline = f"请于 {meta.deadline} 前" if meta.deadline else "请按通知要求的时间"
        protect = "表格已设保护密码" if self.password else "表格已保护，无需密码即可撤销保护，但请不要这样做"
        gates = "及否决、扣分事项" if any(not g.automatic for g in self.rubric.gates) else ""
        if self.inspector_editable:
            inspectors = (
                f"本表由被考核单位如实填写；“核定分”“核查意见”{gates}（蓝色）由督导检查组填写，单位不要填写。"
            )
        else:
            inspectors = f"本表由被考核单位如实填写；“核定分”“核查意见”{gates}（灰色）由督导检查组填写，单位无需填写（已锁定）。"
        notes = [
            inspectors,
            "黄色单元格为填写区：按“填报项目”填写数值，或从下拉列表中选择“是/否”或等级；再填写自评分和佐证材料。",
            "橙色表示尚未填写的必填项，填写后颜色自动消失。自评分不得超过该项分值。",
            f"请勿增删、移动工作表或表中行列，请勿修改表格结构（{protect}）。",
            f"{deadline}将本表电子版（.xlsx）和签字盖章的纸质版报送{meta.issuer}。",
        ]
        kinds = {a.section.kind for a in self.rubric.assignments(self.unit)}
        if "deduct" in kinds:
            notes.append("扣分项目（分值前有“－”号）的自评分一栏填写应扣的分数（正数），合计后从总分中扣除。")
        if any(a.item.reported_by == "office" for a in self.rubric.assignments(self.unit)):
            notes.append("注明“由督导检查组认定”的项目（灰色）单位不填写。")
        notes += [gate_sentence(gate) for gate in self.rubric.gates]
        return notes

    def cover_validations(self, ws: Worksheet) -> None:
        checks = [
            (
                L.COVER_CONTACT_CELL,
                _dv(
                    "textLength",
                    formula1="1",
                    formula2="30",
                    title="联系人",
                    prompt="请填写本单位负责填报的联系人姓名。",
                    error="请填写联系人姓名（不超过30个字）。",
                ),
            ),
            (
                L.COVER_PHONE_CELL,
                _dv(
                    "textLength",
                    formula1="5",
                    formula2="40",
                    title="联系电话",
                    prompt="请填写联系电话：座机请带区号（如 0375-1234567），或填写手机号码。",
                    error="请填写有效的联系电话（座机请带区号）。",
                ),
            ),
            (
                L.COVER_DATE_CELL,
                _dv(
                    "date",
                    formula1=DATE_LOW,
                    formula2=DATE_HIGH,
                    title="填报日期",
                    prompt="请填写日期，如 2017-12-15。",
                    error="请按“年-月-日”格式填写日期，如 2017-12-15。",
                ),
            ),
        ]
        for ref, dv in checks:
            dv.sqref = MultiCellRange(ref)
            ws.add_data_validation(dv)

    def write_identity(self, ws: Worksheet) -> None:
        for i, (key, value) in enumerate(L.identity_values(self.rubric, self.unit).items(), start=1):
            ws.cell(row=i, column=1, value=key)
            # the one deliberate change since: text that looks like a formula (a unit named "=…") stays text
            ws.cell(row=i, column=2, value=_clean(value)).data_type = "s"

    def option_range(self, options: tuple[str, ...]) -> str:
        """Level lists live on a hidden sheet: inline lists over 255 characters break files."""
        col = self.option_columns.get(options)
        if col is None:
            col = L.col_letter(len(self.option_columns) + 1)
            self.option_columns[options] = col
            for i, name in enumerate(options, start=1):
                self.options[f"{col}{i}"] = name
                self.options[f"{col}{i}"].data_type = "s"  # as above
        return f"'{L.OPTIONS_SHEET}'!${col}$1:${col}${len(options)}"

    def validate(self, ref: str, key: tuple[Any, ...], kind: str, **options: Any) -> None:
        """Add ``ref`` to the validation for ``key``, made from ``_dv(kind, **options)`` the first time:
        one validation per distinct rule keeps the file small."""
        entry = self.validations.get(key)
        if entry is None:
            entry = (_dv(kind, **options), [])
            self.validations[key] = entry
        entry[1].append(ref)

    def require(self, col: str, row: int) -> None:
        self.required_cells.setdefault(col, []).append(f"{col}{row}")

    def inspector_cell(self, s: _Sheet, col: str, row: int, value: Any = None, **style: Any) -> bool:
        """A cell of the inspection team: blue and open under ``verification: in_submission``, else grey
        and locked (the team records its verdict elsewhere; the column stays for the printed form).
        Returns whether the cell is open."""
        open_ = self.inspector_editable
        style.setdefault("align", CENTER)
        s.put(col, row, value, unlocked=open_, fill=INSPECTOR_FILL if open_ else LOCKED_FILL, **style)
        return open_

    def write_items(self, ws: Worksheet) -> None:
        rubric, unit = self.rubric, self.unit
        s = _Sheet(ws, self.style_cache)
        meta = rubric.meta
        last = L.COLUMNS[-1][0]
        for col, _, width in L.COLUMNS:
            ws.column_dimensions[col].width = width
        ws.column_dimensions[L.COL_ID].hidden = True
        title = form_title(rubric)
        s.merge(f"B1:{last}1")
        s.put("B", 1, title, font=SHEET_TITLE, align=CENTER, border=False)
        self.set_height(ws, 1, max(30, 10 + 22 * _lines(title, 150 * 10.5 / 16)))
        s.merge(f"B2:{last}2")
        unit_line = (
            f"被考核单位：{unit.name}　　　基本分满分：{fmt(rubric.max_base(unit))} 分　　　"
            f"考核细则：{meta.title}（版本 {meta.version}）"
        )
        s.put("B", 2, unit_line, align=WRAP, border=False)
        self.set_height(ws, 2, _height(_lines(unit_line, 148)))
        inspector_fill = INSPECTOR_FILL if self.inspector_editable else LOCKED_FILL
        s.merge(f"{L.COL_NO}3:{L.COL_MAX}3")
        for col in "BCDE":
            s.put(
                col,
                3,
                "考核项目及评分标准" if col == "B" else None,
                font=BOLD,
                align=CENTER,
                fill=SECTION_FILL,
            )
        s.merge(f"{L.COL_LABEL}3:{L.COL_EVIDENCE}3")
        for col in "FGHI":
            s.put(
                col,
                3,
                "单位自评（由被考核单位填写）" if col == "F" else None,
                font=BOLD,
                align=CENTER,
                fill=INPUT_FILL,
            )
        s.merge(f"{L.COL_VERIFIED}3:{L.COL_OPINION}3")
        for col in "JK":
            s.put(
                col,
                3,
                "由督导检查组填写" if col == "J" else None,
                font=BOLD,
                align=CENTER,
                fill=inspector_fill,
            )
        self.set_height(ws, 3, MIN_ROW_PT)
        for col, heading, _ in L.COLUMNS:
            s.put(
                col,
                L.HEADER_ROW,
                heading,
                font=BOLD,
                align=CENTER,
                fill=inspector_fill if col in (L.COL_VERIFIED, L.COL_OPINION) else SECTION_FILL,
            )
        self.set_height(ws, L.HEADER_ROW, MIN_ROW_PT)
        ws.freeze_panes = f"C{L.FIRST_DATA_ROW}"

        row = L.FIRST_DATA_ROW
        assignments = rubric.assignments(unit)
        subtotals: dict[str, list[int]] = {"base": [], "bonus": [], "deduct": []}
        self.item_bonus_rows: list[int] = []  # bonus criteria inside base items count as 加分
        bonus_max = ZERO
        deduct_max: Decimal | None = ZERO  # None: a deduction without a maximum
        for section in rubric.sections:
            sec_items = [a for a in assignments if a.section.id == section.id]
            if not sec_items:
                continue
            is_bonus = section.kind == "bonus"
            s.put(L.COL_ID, row, f"T:{section.id}", border=False, align=None)
            s.merge(f"{L.COL_NO}{row}:{L.COL_TEXT}{row}")
            heading = wrap_text(section.title + SECTION_NOTES.get(section.kind, ""), 60)
            s.put(L.COL_NO, row, heading, font=BOLD, fill=SECTION_FILL)
            for col in "CDEFGHIJK":
                s.put(col, row, fill=SECTION_FILL)
            self.set_height(ws, row, _height(_lines(heading, 60)))
            self.blocks.append(Block(row, row, self.heights[row]))
            self.glue_next = True  # a section heading never ends a page
            row += 1
            item_rows: list[int] = []
            for a in sec_items:
                item_rows.append(row)
                row = self.write_item(ws, s, a, row)
            # section subtotal
            s.put(L.COL_ID, row, f"S:{section.id}", border=False, align=None)
            s.merge(f"{L.COL_NO}{row}:{L.COL_TEXT}{row}")
            s.put(L.COL_NO, row, f"{section.title} 小计", font=BOLD, align=RIGHT)
            for col in "CD":
                s.put(col, row)
            sec_max = sum((a.item.points * a.weight for a in sec_items), ZERO)
            cap = section.cap if section.kind != "base" else None
            open_ended = any(a.item.open_ended for a in sec_items)
            if cap is not None:
                sec_max = cap if open_ended else min(sec_max, cap)
            if is_bonus:
                bonus_max += sec_max
            elif section.kind == "deduct":
                deduct_max = (
                    None if deduct_max is None or (open_ended and cap is None) else deduct_max + sec_max
                )
            shown_max: float | str = NO_MAXIMUM if open_ended and cap is None else float(sec_max)
            s.put(L.COL_MAX, row, shown_max, font=BOLD, align=CENTER, fmt_=SIGNED_FORMAT.get(section.kind))
            s.put(
                L.COL_SELF,
                row,
                _sum_formula(L.COL_SELF, item_rows, cap),
                font=BOLD,
                align=CENTER,
                fmt_="0.00",
            )
            self.inspector_total(s, row, item_rows, cap)
            for col in (L.COL_LABEL, L.COL_INPUT, L.COL_EVIDENCE, L.COL_OPINION):
                s.put(col, row)
            self.set_height(ws, row, _height(_lines(section.title + " 小计", 60)))
            self.blocks.append(Block(row, row, self.heights[row], join_prev=True))  # never alone
            subtotals[section.kind].append(row)
            row += 1
        first_tail = row
        row = self.write_totals(s, row, subtotals, bonus_max, deduct_max)
        row = self.write_gates(ws, s, row)
        self.set_height(ws, row, 12)
        signature = row + 1
        signers = (
            "被考核单位负责人（签字）："
            + " " * 20
            + ("督导检查组成员（签字）：" if self.inspector_editable else "填表人（签字）：")
        )
        s.put("B", signature, signers, border=False, align=LEFT)
        self.set_height(ws, signature, 36)
        for r in range(first_tail, signature + 1):  # totals and signatures stay with the last item
            self.blocks.append(Block(r, r, self.heights[r], join_prev=True))
        self.last_row = row
        for dv, refs in self.validations.values():
            dv.sqref = MultiCellRange(_compact(refs))
            ws.add_data_validation(dv)
        self.add_required_highlight(ws)
        self.page_setup(ws, landscape=True, title_rows=L.TITLE_ROWS)
        ws.oddHeader.right.text = _header_text(f"被考核单位：{unit.name}")
        ws.oddHeader.right.font = BODY_FONT
        ws.print_area = f"B1:{last}{signature}"
        self.paginate(ws, s)

    def set_height(self, ws: Worksheet, row: int, points: float) -> None:
        ws.row_dimensions[row].height = points
        self.heights[row] = points

    def paginate(self, ws: Worksheet, s: _Sheet) -> None:
        """Manual page breaks from the explicit row heights, then the item boxes merged page by page:
        an item continued on the next page shows its number and title again there."""
        scale = fit_scale([w for col, _, w in L.COLUMNS if col != L.COL_ID])
        repeated = self.heights[3] + self.heights[L.HEADER_ROW]
        room = page_room(scale)
        top = self.heights[1] + self.heights[2] + repeated
        self.breaks = page_breaks(self.blocks, room - top, room - repeated)
        for r in self.breaks:
            ws.row_breaks.append(Break(id=r))
        cuts = set(self.breaks)
        for first, last, a in self.item_spans:
            starts = [first] + [r + 1 for r in range(first, last) if r in cuts]
            for n, start in enumerate(starts):
                end = starts[n + 1] - 1 if n + 1 < len(starts) else last
                if n:  # a continuation: the item's number and title again, top of the page
                    s.put(L.COL_NO, start, a.item.number or a.item.id, align=CENTER_TOP)
                    s.put(
                        L.COL_TITLE, start, wrap_text(f"{a.item.title}（续）", 13), font=BOLD, align=WRAP_TOP
                    )
                if end > start:
                    for col in (L.COL_NO, L.COL_TITLE, L.COL_EVIDENCE, L.COL_OPINION):
                        s.merge(f"{col}{start}:{col}{end}")

    def inspector_total(self, s: _Sheet, row: int, rows: list[int], cap: Decimal | None = None) -> None:
        """The 核定分 total of ``rows``: a live formula when the team fills the column here."""
        formula = _sum_formula(L.COL_VERIFIED, rows, cap) if self.inspector_editable else None
        s.put(
            L.COL_VERIFIED,
            row,
            formula,
            font=BOLD,
            align=CENTER,
            fmt_="0.00",
            fill=None if self.inspector_editable else LOCKED_FILL,
        )

    def write_totals(
        self,
        s: _Sheet,
        row: int,
        subtotals: dict[str, list[int]],
        bonus_max: Decimal,
        deduct_max: Decimal | None,
    ) -> int:
        """基本分合计, 加分合计 (capped as the rubric says), 扣分合计 and the grand total, live formulas."""
        rubric, unit = self.rubric, self.unit
        max_base = rubric.max_base(unit)
        bonus_cap = rubric.settings.bonus_cap
        bonus_refs = subtotals["bonus"] + self.item_bonus_rows
        bonus_max += sum((self._item_bonus_max(a) for a in rubric.assignments(unit)), ZERO)
        if bonus_cap is not None:
            bonus_max = min(bonus_max, bonus_cap)
        open_base = any(a.item.open_ended for a in rubric.assignments(unit) if not a.is_adjustment)
        totals: dict[str, int] = {}
        for label, rows_, max_value, rid, cap, kind in (
            (
                "基本分合计",
                subtotals["base"],
                NO_MAXIMUM if open_base else float(max_base),
                "S:base",
                None,
                "base",
            ),
            ("加分合计", bonus_refs, float(bonus_max), "S:bonus", bonus_cap, "bonus"),
            (
                "扣分合计",
                subtotals["deduct"],
                NO_MAXIMUM if deduct_max is None else float(deduct_max),
                "S:deduct",
                None,
                "deduct",
            ),
        ):
            if not rows_:
                continue
            self.total_row(s, row, label, max_value, rid, SIGNED_FORMAT.get(kind))
            s.put(L.COL_SELF, row, _sum_formula(L.COL_SELF, rows_, cap), **_TOTAL_STYLE)
            self.inspector_total(s, row, rows_, cap)
            totals[rid] = row
            row += 1
        if len(totals) >= 2 and "S:base" in totals:
            base = totals["S:base"]
            bonus = totals.get("S:bonus")
            deduct = totals.get("S:deduct")
            signs = ([("+", bonus)] if bonus else []) + ([("-", deduct)] if deduct else [])
            group = rubric.group(unit.group)
            sign_words = ("＋加分" if bonus else "") + ("－扣分" if deduct else "")
            h, j = L.COL_SELF, L.COL_VERIFIED
            plus = "".join(f"{op}{h}{r}" for op, r in signs)
            plus_j = "".join(f"{op}N({j}{r})" for op, r in signs)
            cells = ",".join(f"{j}{r}" for r in (base, bonus, deduct) if r)
            top: float | str
            if group.normalise and max_base:
                # departments are compared on 得分率 × 100, so their total is on that scale too
                label = f"总分（基本分折算为百分制{sign_words}）"
                top = float(100 + bonus_max)
                rate = f"/{fmt(max_base)}*100,{rubric.settings.decimals})"
                self_total = _Formula(f"=ROUND({h}{base}{rate}{plus}")
                verified = _Formula(f'=IF(COUNT({cells})=0,"",ROUND(N({j}{base}){rate}{plus_j})')
            else:
                label = f"总分（基本分{sign_words}）"
                top = NO_MAXIMUM if open_base else float(max_base + bonus_max)
                if deduct:
                    self_total = _Formula(f"={h}{base}{plus}")
                    verified = _Formula(f'=IF(COUNT({cells})=0,"",N({j}{base}){plus_j})')
                else:  # base and bonus: a plain sum
                    self_total = _sum_formula(h, [base, bonus or base])
                    verified = _sum_formula(j, [base, bonus or base])
            self.total_row(s, row, label, top, "S:total")
            s.put(L.COL_SELF, row, self_total, **_TOTAL_STYLE)
            s.put(
                L.COL_VERIFIED,
                row,
                verified if self.inspector_editable else None,
                **{**_TOTAL_STYLE, "fill": SECTION_FILL if self.inspector_editable else LOCKED_FILL},
            )
            row += 1
        return row

    def total_row(
        self, s: _Sheet, row: int, label: str, max_value: float | str, rid: str, fmt_: str | None = None
    ) -> None:
        s.put(L.COL_ID, row, rid, border=False, align=None)
        s.merge(f"{L.COL_NO}{row}:{L.COL_TEXT}{row}")
        s.put(L.COL_NO, row, label, font=BOLD, align=RIGHT, fill=SECTION_FILL)
        for col in "CD":
            s.put(col, row, fill=SECTION_FILL)
        s.put(L.COL_MAX, row, max_value, font=BOLD, align=CENTER, fill=SECTION_FILL, fmt_=fmt_)
        for col in (L.COL_LABEL, L.COL_INPUT, L.COL_EVIDENCE, L.COL_OPINION):
            s.put(col, row, fill=SECTION_FILL)
        self.set_height(s.ws, row, MIN_ROW_PT)

    @staticmethod
    def _item_bonus_max(a: Assignment) -> Decimal:
        if a.is_bonus:
            return ZERO
        return sum((c.points * a.weight for c in a.item.criteria if c.bonus), ZERO)

    def write_gates(self, ws: Worksheet, s: _Sheet, row: int) -> int:
        """Gates the inspection team answers: a veto (弄虚作假 → 不合格) or a deduction (迟报 → 扣2分)."""
        for gate in self.rubric.gates:
            if gate.automatic:  # decided by the scores: nobody answers it on the form
                continue
            s.put(L.COL_ID, row, f"G:{gate.id}", border=False, align=None)
            s.merge(f"{L.COL_NO}{row}:{L.COL_TEXT}{row}")
            text = wrap_text(gate_label(gate), 64)
            fill = INSPECTOR_FILL if self.inspector_editable else LOCKED_FILL
            s.put(L.COL_NO, row, text, fill=fill)
            for col in "CD":
                s.put(col, row, fill=fill)
            s.merge(f"{L.COL_MAX}{row}:{L.COL_SELF}{row}")
            s.put(L.COL_MAX, row, "由督导检查组填写 →", fill=fill, align=CENTER)
            for col in "FGHI":
                s.put(col, row, fill=fill)
            if self.inspector_cell(s, L.COL_VERIFIED, row):
                self.validate(
                    f"{L.COL_VERIFIED}{row}",
                    ("gate",),
                    "list",
                    formula1='"是,否"',
                    title="否决或扣分事项（督导检查组填写）",
                    prompt="督导检查组填写：经查实存在该情形的选“是”，否则选“否”。",
                    error="请从下拉列表中选择“是”或“否”。",
                )
            if self.inspector_cell(s, L.COL_OPINION, row, align=WRAP):
                self.validate(
                    f"{L.COL_OPINION}{row}",
                    ("gate-note",),
                    "text",
                    title="核查意见（督导检查组填写）",
                    prompt="督导检查组填写：查实情况、依据或扣分说明。",
                )
            self.set_height(ws, row, _height(_lines(text, 64)))
            row += 1
        return row

    def item_text(self, a: Assignment) -> str:
        return wrap_text(L.item_text(a), 46)

    @staticmethod
    def evidence_text(item: Item) -> str:
        """The evidence the item asks for, printed beside the unit's 佐证材料 box (not only a popup)."""
        if not item.evidence:
            return ""
        return wrap_text(f"佐证材料：{item.evidence}", 16)

    def criterion_text(self, crit: Criterion, a: Assignment) -> str:
        """The criterion as printed (see layout.criterion_text), wrapped to the column."""
        return wrap_text(L.criterion_text(crit, a, self.unit), 46)

    @staticmethod
    def points_cell(crit: Criterion, a: Assignment) -> tuple[float | str, str | None]:
        """What the 分值 column shows for a criterion (layout.criterion_points), and its sign format."""
        points = L.criterion_points(crit, a)
        if isinstance(points, str):
            return points, None
        kind = "bonus" if crit.bonus and not a.is_adjustment else a.section.kind
        return float(points), SIGNED_FORMAT.get(kind)

    def write_item(self, ws: Worksheet, s: _Sheet, a: Assignment, row: int) -> int:
        item, weight = a.item, a.weight
        first = row
        s.put(L.COL_ID, row, item.id, border=False, align=None)
        s.put(L.COL_NO, row, item.number or item.id, align=CENTER_TOP)
        s.put(L.COL_TITLE, row, wrap_text(item.title, 13), font=BOLD, align=WRAP_TOP)
        text = self.item_text(a)
        s.put(L.COL_TEXT, row, text, align=WRAP_TOP)
        office = item.reported_by == "office"
        points = L.item_points(a)
        item_max: float | str = points if isinstance(points, str) else float(points)
        s.put(L.COL_MAX, row, item_max, font=BOLD, align=CENTER, fmt_=SIGNED_FORMAT.get(a.section.kind))
        evidence = self.evidence_text(item)
        if evidence:  # under 填报项目: what to provide, beside the box where the unit lists it
            s.put(L.COL_LABEL, row, evidence, align=WRAP_TOP)
            s.put(L.COL_INPUT, row, "小计", font=BOLD, align=CENTER)
        else:
            s.put(L.COL_LABEL, row, "本项小计", font=BOLD, align=CENTER)
            s.put(L.COL_INPUT, row)
        s.put(L.COL_EVIDENCE, row, unlocked=True, fill=INPUT_FILL, align=WRAP_TOP)
        prompt = f"请列出佐证材料名称或编号。本项要求：{item.evidence or '请列出佐证材料名称'}"
        self.validate(f"{L.COL_EVIDENCE}{row}", ("evidence", prompt), "text", title="佐证材料", prompt=prompt)
        if item.evidence_required and not office:
            self.require(L.COL_EVIDENCE, row)
        if self.inspector_cell(s, L.COL_OPINION, row, align=WRAP_TOP):
            self.validate(
                f"{L.COL_OPINION}{row}",
                ("opinion",),
                "text",
                title="核查意见（督导检查组填写）",
                prompt="督导检查组填写：核定分与自评分不一致时，请写明理由。",
            )
        self.set_height(ws, first, _height(max(_lines(text, 46), _lines(evidence, 16))))
        row += 1
        base_rows: list[int] = []
        for n_crit, crit in enumerate(item.criteria):
            low, high = score_range(crit, weight)
            shown_max, sign = self.points_cell(crit, a)
            start = row
            label_lines: list[int] = []
            for n, ir in enumerate(L.input_rows(item.id, crit)):
                s.put(L.COL_ID, row, ir.row_id, border=False, align=None)
                for col in (L.COL_NO, L.COL_TITLE, L.COL_EVIDENCE):
                    s.put(col, row)
                s.put(L.COL_OPINION, row, fill=None if self.inspector_editable else LOCKED_FILL)
                if n == 0:
                    if crit.bonus and not a.is_adjustment:
                        self.item_bonus_rows.append(row)
                    else:
                        base_rows.append(row)
                    several = len(crit.inputs()) > 1  # merged below; top-aligned survives a page break
                    s.put(L.COL_TEXT, row, self.criterion_text(crit, a), align=WRAP_TOP if several else WRAP)
                    s.put(L.COL_MAX, row, shown_max, align=CENTER, fmt_=sign)
                    self.self_score_cell(s, row, low, high, office, a.is_deduct)
                    if self.inspector_cell(s, L.COL_VERIFIED, row):
                        span = self.span_words(low, high)
                        self.validate(
                            f"{L.COL_VERIFIED}{row}",
                            ("verified", low, high),
                            "decimal",
                            low=low,
                            high=high,
                            title="核定分（督导检查组填写）",
                            prompt=f"督导检查组填写核定分（{span}）。",
                            error=f"核定分应为 {span} 的数字。",
                        )
                else:
                    s.put(L.COL_TEXT, row, align=WRAP_TOP)
                    s.put(L.COL_MAX, row, align=CENTER)
                    s.put(
                        L.COL_SELF,
                        row,
                        fill=LOCKED_FILL if office else INPUT_FILL,
                        align=CENTER,
                        fmt_="General",
                    )
                    s.put(
                        L.COL_VERIFIED,
                        row,
                        fill=INSPECTOR_FILL if self.inspector_editable else LOCKED_FILL,
                        align=CENTER,
                    )
                label_lines.append(_lines(self.write_input(s, ir, row, office), 16))
                row += 1
            # a criterion with several inputs is one box for its text, points and scores, as printed;
            # the scores stay in its first row, where the reader looks
            if row - start > 1:
                for col in (L.COL_TEXT, L.COL_MAX, L.COL_SELF, L.COL_VERIFIED):
                    s.merge(f"{col}{start}:{col}{row - 1}")
            heights = [_height(n) for n in label_lines]
            deficit = _height(_lines(self.criterion_text(crit, a), 46)) - sum(heights)
            for i, h in enumerate(heights):
                self.set_height(ws, start + i, h + max(0.0, deficit) / len(heights))
            height = sum(self.heights[r] for r in range(start, row))
            if n_crit == 0:  # the item's heading row never ends a page without its first criterion
                self.blocks.append(
                    Block(first, row - 1, height + self.heights[first], join_prev=self.glue_next)
                )
                self.glue_next = False
            else:  # the item's criteria stay together unless the item is longer than a page
                self.blocks.append(Block(start, row - 1, height, keep_prev=True))
        if not item.criteria:
            self.blocks.append(Block(first, first, self.heights[first], join_prev=self.glue_next))
            self.glue_next = False
        # a long title needs its lines within the item's box
        short = _height(_lines(wrap_text(item.title, 13), 14)) - sum(
            self.heights[r] for r in range(first, row)
        )
        if short > 0:
            self.set_height(ws, first, self.heights[first] + short)
            head = -max(1, len(item.criteria))  # the block holding the item's heading row
            self.blocks[head] = _grown(self.blocks[head], short)
        # one 序号, 考核项目, 佐证材料 and 核查意见 box per item (per page: see ``paginate``); the value
        # (and the reader) stays in the item's own row. Top-aligned, as printed forms are.
        self.item_spans.append((first, row - 1, a))
        s.put(L.COL_SELF, first, _sum_formula(L.COL_SELF, base_rows) if base_rows else None, **_TOTAL_STYLE)
        if base_rows:
            self.inspector_total(s, first, base_rows)
        else:
            s.put(L.COL_VERIFIED, first, None, **_TOTAL_STYLE)
        return row

    @staticmethod
    def span_words(low: Decimal, high: Decimal) -> str:
        return f"不小于 {fmt(low)} 分" if high >= UNBOUNDED else f"{fmt(low)}～{fmt(high)}分"

    def self_score_cell(
        self, s: _Sheet, row: int, low: Decimal, high: Decimal, office: bool, deduct: bool
    ) -> None:
        """The unit's 自评分: yellow, checked and required; locked grey on an item the office reports."""
        if office:
            s.put(L.COL_SELF, row, "—", fill=LOCKED_FILL, align=CENTER)
            return
        s.put(L.COL_SELF, row, unlocked=True, fill=INPUT_FILL, align=CENTER, fmt_="General")
        span = self.span_words(low, high)
        what = "应扣的分数" if deduct else "自评分"
        self.validate(
            f"{L.COL_SELF}{row}",
            ("self", low, high, deduct),
            "decimal",
            low=low,
            high=None if high >= UNBOUNDED else high,
            title="自评分",
            prompt=f"请按评分标准填写{what}（{span}）。",
            error=f"自评分应为 {span} 的数字。",
        )
        self.require(L.COL_SELF, row)

    def write_input(self, s: _Sheet, ir: L.InputRow, row: int, office: bool = False) -> str:
        """The 填报项目 label and 填报值 cell of one input row; returns the label. The inputs of an
        item the office reports are printed, locked and grey: the unit has nothing to enter there."""
        spec = ir.spec
        if spec.kind == "score":
            label = "（由督导检查组认定）" if office else "（直接填写自评分）"
            s.put(L.COL_LABEL, row, label)
            s.put(L.COL_INPUT, row, "—", align=CENTER)
            return label
        # per-category labels already carry their unit: 省级示范社区（个）
        suffix = f"（{spec.measure}）" if spec.measure and spec.kind == "number" else ""
        label = wrap_text(spec.label if spec.label.endswith(suffix) else spec.label + suffix, 16)
        s.put(L.COL_LABEL, row, label)
        ref = f"{L.COL_INPUT}{row}"
        if office:
            s.put(L.COL_INPUT, row, "—", fill=LOCKED_FILL, align=CENTER)
            return label
        s.put(L.COL_INPUT, row, unlocked=True, fill=INPUT_FILL, align=CENTER)
        self.require(L.COL_INPUT, row)
        if spec.kind == "yesno":
            self.validate(
                ref,
                ("yesno",),
                "list",
                formula1='"是,否"',
                title="是/否",
                prompt="请从下拉列表中选择“是”或“否”。",
                error="只能选择“是”或“否”。",
            )
        elif spec.kind == "level":
            rng = self.option_range(spec.options)
            names = "、".join(spec.options)
            self.validate(
                ref,
                ("level", spec.options),
                "list",
                formula1=rng,
                title="等级",
                prompt="请从下拉列表中选择：" + names,
                error="请从下拉列表中选择：" + names,
            )
        else:
            unit = spec.measure or ""
            low = spec.low if spec.low is not None else -MAX_NUMBER
            bound = f"不小于 {fmt(low)} 的" if spec.high is None else f"{fmt(low)}～{fmt(spec.high)} 之间的"
            self.validate(
                ref,
                ("number", low, spec.high, unit),
                "decimal",
                low=low,
                high=spec.high,
                title="填写数值",
                prompt=f"请填写{bound}数字{('（单位：' + unit + '）') if unit else ''}，不要填写文字或单位。",
                error=f"请填写{bound}数字，不要填写文字、范围或单位。",
            )
        return label

    def add_required_highlight(self, ws: Worksheet) -> None:
        """Empty required inputs show orange until filled. One rule per column, its formula relative
        to the column's first (topmost) cell, which Excel and LibreOffice both take as the anchor."""
        for _col, refs in sorted(self.required_cells.items()):
            if refs:
                rule = FormulaRule(formula=[f"LEN(TRIM({refs[0]}))=0"], fill=_MISSING, stopIfTrue=False)
                ws.conditional_formatting.add(_compact(refs), rule)

    @staticmethod
    def page_setup(ws: Worksheet, *, landscape: bool, title_rows: str | None) -> None:
        a4_page_setup(ws, landscape=landscape, title_rows=title_rows)
        ws.oddFooter.center.font = BODY_FONT


def template_bytes(rubric: Rubric, unit: Unit, password: str | None = None) -> bytes:
    """The workbook as bytes; equal inputs give equal bytes (fixed timestamps)."""
    wb = TemplateBuilder(rubric, unit, password).build()
    buffer = io.BytesIO()
    # stored, not deflated: normalise_xlsx_bytes compresses every part once anyway
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        ExcelWriter(wb, archive).write_data()
    return normalise_xlsx_bytes(buffer.getvalue())


def write_template(
    rubric: Rubric, unit: Unit, directory: Path, password: str | None = None, filename: str | None = None
) -> Path:
    target = directory / (filename or template_filename(rubric, unit))
    write_bytes_atomic(target, template_bytes(rubric, unit, password))
    return target


def write_templates(
    rubric: Rubric, units: Iterable[Unit], directory: Path, password: str | None = None
) -> list[Path]:
    units = list(units)
    names = template_filenames(rubric, units)
    return [write_template(rubric, u, directory, password, names[u.id]) for u in units]
