"""Write the self-assessment template (自评表) for one unit, byte-for-byte reproducibly.

The workbook is written as SpreadsheetML directly, part by part, not through openpyxl: a unit's
template has about 1,500 styled cells, validations and merges, and openpyxl spent ~40 ms building and
serialising its object model for them, where string building takes a few. The parts are laid out as
openpyxl 3.1 wrote them (same element and attribute order, styles numbered in the same order, text
as ASCII with numeric character references) so a template is the same file it always was;
``tests/test_template_raw.py`` holds the former openpyxl writer as its reference.
"""

from __future__ import annotations

import functools
import hashlib
import io
import re
import zipfile
from collections import OrderedDict
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any, NamedTuple

from kepu_inspect.adapters import layout as L
from kepu_inspect.adapters.output import (
    FIXED_TIME,
    UNSAFE_FILENAME_CHARS,
    ZIP_TIME,
    safe_filename,
    write_bytes_atomic,
)
from kepu_inspect.adapters.xlsx_print import PAGE_FOOTER, a4_page_setup_xml
from kepu_inspect.adapters.xlsx_theme import THEME_XML
from kepu_inspect.core.numbers import ZERO, fmt
from kepu_inspect.core.rubric import Assignment, Rubric, Unit


class _Font(NamedTuple):
    name: str
    size: float
    bold: bool = False


class _Align(NamedTuple):
    horizontal: str | None
    vertical: str
    wrap: bool


# Fonts every Chinese Windows (and WPS) has: 宋体 SimSun, 黑体 SimHei, 仿宋 FangSong.
BODY_FONT = "宋体"
TITLE_FONT = "黑体"
NOTE_FONT = "仿宋"

BORDER_COLOR = "808080"  # thin grey lines round every box
INPUT_FILL = "FFF9E5"  # cells the unit fills in
INSPECTOR_FILL = "E8F0FB"  # cells the inspection team fills in
SECTION_FILL = "E7E6E6"
MISSING_FILL = "FCE4D6"  # conditional format: a required cell still empty
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

# Row heights in points. A 10.5 pt CJK line needs ~13.5 pt in Excel (宋体) but ~15.5 pt in LibreOffice
# with Noto CJK, so plan for the larger: a clipped criterion on paper is worse than white space.
LINE_PT = 16.0
ROW_PAD_PT = 4.0
MIN_ROW_PT = 20.0

# Excel serial numbers of 2000-01-01 and 2099-12-31 (1900 date system), for the date validation.
DATE_LOW, DATE_HIGH = "36526", "73050"

TEMPLATE_NAME_LIMIT = 80
_NAME_SUFFIX = "科学素质工作自评表"


def template_filename(rubric: Rubric, unit: Unit, tag: str = "") -> str:
    """``2017年宝丰县科学素质工作自评表.xlsx``. A very long unit name is shortened and tagged with a short
    hash of the unit id, so the year and the suffix stay and two long names cannot collide; ``tag``
    (a unit id) tells apart names that clean up to the same text."""
    prefix = f"{rubric.meta.year}年"
    # the name sits inside the file name, so a reserved device name (CON …) is harmless there
    name = UNSAFE_FILENAME_CHARS.sub("_", unit.name).strip().rstrip(". ") or "未命名"
    room = TEMPLATE_NAME_LIMIT - len(prefix) - len(_NAME_SUFFIX)
    if not tag and len(name) > room:
        tag = hashlib.sha256(unit.id.encode()).hexdigest()[:6]
    if tag:
        name = name[: room - len(tag) - 1].rstrip(". ") + "_" + tag
    return safe_filename(prefix + name + _NAME_SUFFIX, limit=TEMPLATE_NAME_LIMIT) + ".xlsx"


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


@functools.lru_cache(maxsize=4096)  # the same criteria are measured for every unit
def _lines(text: str, width: float) -> int:
    """Estimated wrapped line count in a column ``width`` characters wide (Excel's unit: one digit).

    A CJK character is two digits wide at 10.5 pt and never straddles a line; in 宋体 so are curly
    quotes, dashes and other non-ASCII signs. A little of the width is lost to cell padding.
    """
    per_line = max(2, int(width * 0.95))
    total = 0
    for part in str(text).split("\n"):
        if part.isascii():
            total += max(1, -(-len(part) // per_line))
            continue
        lines, used = 1, 0
        for ch in part:
            w = 1 if ch.isascii() else 2
            if used + w > per_line:
                lines, used = lines + 1, 0
            used += w
        total += lines
    return total


def _height(lines: int, line_pt: float = LINE_PT) -> float:
    return max(MIN_ROW_PT, lines * line_pt + ROW_PAD_PT)


class _Formula(str):
    """A formula the writer means; any other text starting with ``=`` is written as plain text."""


def _sum_formula(col: str, rows: list[int], cap: Decimal | None = None) -> _Formula:
    """A live total of ``rows`` in ``col``. The filler's 自评分 total always shows; the inspectors'
    核定分 total stays blank until they enter a score, so an empty column does not read as 0."""
    refs = ",".join(f"{col}{r}" for r in rows)
    total = f"SUM({refs})" if cap is None else f"MIN({fmt(cap)},SUM({refs}))"
    return _Formula(f"={total}" if col != L.COL_VERIFIED else f'=IF(COUNT({refs})=0,"",{total})')


_COL_INDEX = {L.col_letter(i): i for i in range(1, 27)}


def _col_index(letters: str) -> int:
    index = _COL_INDEX.get(letters)
    if index is None:
        index = 0
        for ch in letters:
            index = index * 26 + ord(ch) - 64
    return index


def _split_ref(ref: str) -> tuple[int, int]:
    """``G12`` → (column 7, row 12)."""
    letters = ref.rstrip("0123456789")
    return _col_index(letters), int(ref[len(letters) :])


def _compact(cells: list[tuple[int, int]]) -> str:
    """``G7 G8 G9 G12`` ((column, row) pairs) → ``G7:G9 G12``: a run of cells down a column becomes one
    range, and ranges are listed by column, then row (the order Excel and openpyxl write them in)."""
    runs: list[list[int]] = []  # [column, first row, last row]
    for col, row in cells:
        if runs and runs[-1][0] == col and runs[-1][2] == row - 1:
            runs[-1][2] = row
        else:
            runs.append([col, row, row])
    unique = {(c, a, b) for c, a, b in runs}
    return " ".join(
        f"{L.col_letter(c)}{a}" if a == b else f"{L.col_letter(c)}{a}:{L.col_letter(c)}{b}"
        for c, a, b in sorted(unique)
    )


# XML forbids these control characters (a rubric may carry one in from a copied name)
_ILLEGAL_CHARACTERS = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")
_MAX_CELL_TEXT = 32767  # Excel's limit; longer text is cut, as openpyxl did


def _clean(text: str) -> str:
    """Drop control characters XML cannot hold."""
    return _ILLEGAL_CHARACTERS.sub("", text)


def _header_text(text: str) -> str:
    """Header/footer text is a mini-language where ``&`` starts a code; a literal one is ``&&``."""
    return _clean(text).replace("&", "&&")


def _esc(text: str) -> str:
    """Element text escaped as lxml escapes it; non-ASCII becomes character references at the end."""
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    if "\r" in text:
        text = text.replace("\r", "&#13;")
    return text


def _attr(text: str) -> str:
    """An attribute value escaped as lxml escapes it."""
    return _esc(_clean(text)).replace('"', "&quot;").replace("\n", "&#10;").replace("\t", "&#9;")


def _num(value: float) -> str:
    return format(value, ".16g")  # as openpyxl wrote numbers: 15.0 → "15", 16 significant digits


# OOXML's built-in number formats this writer may use; any other format is numbered from 164 up.
_BUILTIN_FORMATS = {
    "General": 0,
    "0": 1,
    "0.00": 2,
    "#,##0": 3,
    "#,##0.00": 4,
    "0%": 9,
    "0.00%": 10,
    "mm-dd-yy": 14,
    "@": 49,
}
_DEFAULT_FONT_XML = (
    '<font><name val="Calibri"/><family val="2"/><color theme="1"/><sz val="11"/><scheme val="minor"/></font>'
)
_BORDER_XML = "".join(
    f'<{side} style="thin"><color rgb="00{BORDER_COLOR}"/></{side}>'
    for side in ("left", "right", "top", "bottom")
)

# A resolved cell style: number format id, font id, fill id, border id, unlocked, alignment.
_Xf = tuple[int, int, int, int, bool, _Align | None]
_DEFAULT_XF: _Xf = (0, 0, 0, 0, False, None)


class _Styles:
    """The workbook's fonts, fills, borders, number formats and cell formats (xfs).

    Fonts, fills and formats are numbered in the order the builder first uses them and cell formats
    in the order cells are written, as openpyxl numbered them, so the stylesheet is the same file.
    """

    def __init__(self) -> None:
        self.fonts: dict[_Font, int] = {}
        self.fills: dict[str, int] = {}
        self.borders = 0  # 1 once the thin border is used
        self.formats: dict[str, int] = {}
        # a cell holds a style handle: an index into ``handles``; 0 is the default style
        self.resolved: dict[tuple[Any, ...], int] = {}
        self.handles: list[_Xf] = [_DEFAULT_XF]
        self.handle_of: dict[_Xf, int] = {_DEFAULT_XF: 0}
        # per handle, its ``s`` attribute once the cell format is numbered (when first written)
        self.s_attr: list[str | None] = [""]
        self.xfs: list[_Xf] = [_DEFAULT_XF]

    def resolve(
        self,
        font: _Font | None,
        fill: str | None,
        align: _Align | None,
        border: bool,
        unlocked: bool,
        fmt_: str | None,
    ) -> int:
        """The handle of a style, its font, fill and format numbered the first time they are used."""
        key = (font, fill, align, border, unlocked, fmt_)
        handle = self.resolved.get(key)
        if handle is None:
            font_id = 0 if font is None else self.fonts.setdefault(font, len(self.fonts) + 1)
            fill_id = 0 if fill is None else self.fills.setdefault(fill, len(self.fills) + 2)
            if border:
                self.borders = 1
            if not fmt_:
                fmt_id = 0
            elif fmt_ in _BUILTIN_FORMATS:
                fmt_id = _BUILTIN_FORMATS[fmt_]
            else:
                fmt_id = self.formats.setdefault(fmt_, len(self.formats) + 164)
            xf: _Xf = (fmt_id, font_id, fill_id, int(border), unlocked, align)
            handle = self.handle_of.get(xf)
            if handle is None:
                handle = self.handle_of[xf] = len(self.handles)
                self.handles.append(xf)
                self.s_attr.append(None)
            self.resolved[key] = handle
        return handle

    def number(self, handle: int) -> str:
        """The ``s`` attribute for a style written for the first time: cell formats are numbered in
        the order cells are written."""
        self.xfs.append(self.handles[handle])
        attr = self.s_attr[handle] = f' s="{len(self.xfs) - 1}"'
        return attr

    def xml(self) -> str:
        parts = [f'<styleSheet xmlns="{_MAIN_NS}">']
        if self.formats:
            parts.append(f'<numFmts count="{len(self.formats)}">')
            parts += [
                f'<numFmt numFmtId="{i}" formatCode="{_attr(code)}"/>' for code, i in self.formats.items()
            ]
            parts.append("</numFmts>")
        else:
            parts.append('<numFmts count="0"/>')
        parts.append(f'<fonts count="{len(self.fonts) + 1}">{_DEFAULT_FONT_XML}')
        for font in self.fonts:
            bold = '<b val="1"/>' if font.bold else ""
            parts.append(f'<font><name val="{_attr(font.name)}"/>{bold}<sz val="{_num(font.size)}"/></font>')
        parts.append(
            f'</fonts><fills count="{len(self.fills) + 2}"><fill><patternFill/></fill>'
            '<fill><patternFill patternType="gray125"/></fill>'
        )
        parts += [
            f'<fill><patternFill patternType="solid"><fgColor rgb="00{rgb}"/></patternFill></fill>'
            for rgb in self.fills
        ]
        parts.append(
            f'</fills><borders count="{self.borders + 1}"><border><left/><right/><top/><bottom/>'
            "<diagonal/></border>"
        )
        if self.borders:
            parts.append(f"<border>{_BORDER_XML}</border>")
        parts.append(
            '</borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
            f'</cellStyleXfs><cellXfs count="{len(self.xfs)}">'
        )
        for fmt_id, font_id, fill_id, border_id, unlocked, align in self.xfs:
            head = f'<xf numFmtId="{fmt_id}" fontId="{font_id}" fillId="{fill_id}" borderId="{border_id}"'
            applied = (' applyAlignment="1"' if align else "") + (' applyProtection="1"' if unlocked else "")
            tail = ' pivotButton="0" quotePrefix="0" xfId="0"'
            if align is None and not unlocked:
                parts.append(f"{head}{tail}/>")
                continue
            inner = ""
            if align is not None:
                horizontal = f' horizontal="{align.horizontal}"' if align.horizontal else ""
                wrap = ' wrapText="1"' if align.wrap else ""
                inner = f'<alignment{horizontal} vertical="{align.vertical}"{wrap}/>'
            if unlocked:
                inner += '<protection locked="0" hidden="0"/>'
            parts.append(f"{head}{applied}{tail}>{inner}</xf>")
        parts.append(f"</cellXfs>{_STYLES_TAIL}")
        return "".join(parts)


_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_INDEXED_COLORS = [
    "00000000",
    "00FFFFFF",
    "00FF0000",
    "0000FF00",
    "000000FF",
    "00FFFF00",
    "00FF00FF",
    "0000FFFF",
    "00000000",
    "00FFFFFF",
    "00FF0000",
    "0000FF00",
    "000000FF",
    "00FFFF00",
    "00FF00FF",
    "0000FFFF",
    "00800000",
    "00008000",
    "00000080",
    "00808000",
    "00800080",
    "00008080",
    "00C0C0C0",
    "00808080",
    "009999FF",
    "00993366",
    "00FFFFCC",
    "00CCFFFF",
    "00660066",
    "00FF8080",
    "000066CC",
    "00CCCCFF",
    "00000080",
    "00FF00FF",
    "00FFFF00",
    "0000FFFF",
    "00800080",
    "00800000",
    "00008080",
    "000000FF",
    "0000CCFF",
    "00CCFFFF",
    "00CCFFCC",
    "00FFFF99",
    "0099CCFF",
    "00FF99CC",
    "00CC99FF",
    "00FFCC99",
    "003366FF",
    "0033CCCC",
    "0099CC00",
    "00FFCC00",
    "00FF9900",
    "00FF6600",
    "00666699",
    "00969696",
    "00003366",
    "00339966",
    "00003300",
    "00333300",
    "00993300",
    "00993366",
    "00333399",
    "00333333",
]
_STYLES_TAIL = (
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0" hidden="0"/></cellStyles>'
    '<dxfs count="1"><dxf><fill><patternFill patternType="solid">'
    f'<fgColor rgb="00{MISSING_FILL}"/><bgColor rgb="00{MISSING_FILL}"/></patternFill></fill></dxf></dxfs>'
    '<tableStyles count="0" defaultTableStyle="TableStyleMedium9" defaultPivotStyle="PivotStyleLight16"/>'
    "<colors><indexedColors>"
    + "".join(f'<rgbColor rgb="{c}"/>' for c in _INDEXED_COLORS)
    + "</indexedColors></colors></styleSheet>"
)


class _Validation(NamedTuple):
    """One data validation: a rule, its input prompt and its error message."""

    type: str | None  # None: a prompt only, any input is accepted
    operator: str | None
    formula1: str | None
    formula2: str | None
    title: str
    prompt: str
    error: str | None  # None: no error message (prompt-only validations)


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
) -> _Validation:
    if kind == "list":
        type_, operator = "list", None
    elif kind in ("date", "textLength"):
        type_, operator = kind, "between"
    elif kind == "text":
        type_, operator = None, None  # prompt only: any text is fine
    else:
        type_, operator = "decimal", "between"
        formula1 = fmt(low if low is not None else ZERO)
        formula2 = fmt(high if high is not None else MAX_NUMBER)
    # Excel's limits: titles 32 characters, prompt 255, error 225
    return _Validation(
        type_, operator, formula1, formula2, title[:32], prompt[:255], None if kind == "text" else error[:225]
    )


def _validation_xml(dv: _Validation, sqref: str) -> str:
    head = (
        f'<dataValidation sqref="{sqref}" showDropDown="0" showInputMessage="1" '
        f'showErrorMessage="{0 if dv.error is None else 1}" allowBlank="1"'
    )
    if dv.error is not None:
        head += f' errorTitle="输入有误" error="{_attr(dv.error)}"'
    head += f' promptTitle="{_attr(dv.title)}" prompt="{_attr(dv.prompt)}"'
    if dv.type is None:
        return head + "/>"
    head += f' type="{dv.type}" errorStyle="stop"'
    if dv.operator:
        head += f' operator="{dv.operator}"'
    body = "" if dv.formula1 is None else f"<formula1>{_esc(dv.formula1)}</formula1>"
    body += "" if dv.formula2 is None else f"<formula2>{_esc(dv.formula2)}</formula2>"
    return f"{head}>{body}</dataValidation>"


def _password_hash(password: str) -> str:
    """The legacy sheet/workbook protection hash (a deterrent, not encryption), as Excel computes it."""
    value = 0
    for i, ch in enumerate(password, 1):
        bits = ord(ch) << i
        value ^= (bits & 0x7FFF) | (bits >> 15)
    value ^= len(password) ^ 0xCE4B
    return f"{value:X}"


_SHEET_PROTECTION = (
    '<sheetProtection selectLockedCells="0" selectUnlockedCells="0" sheet="1" objects="0" '
    'insertRows="1" insertHyperlinks="1" autoFilter="1" scenarios="0" formatColumns="0" '
    'deleteColumns="1" insertColumns="1" pivotTables="1" deleteRows="1" formatCells="1" '
    'formatRows="0" sort="1"'
)  # rows may be heightened to read long criteria
_DEFAULT_MARGINS = '<pageMargins left="0.75" right="0.75" top="1" bottom="1" header="0.5" footer="0.5"/>'
_HEADER_CODES = re.compile(r"&\[(Tab|Pages|Date|Path|Page|Time|File|Picture)\]")
_HEADER_CODE_LETTERS = {
    "Tab": "A",
    "Pages": "N",
    "Date": "D",
    "Path": "Z",
    "Page": "P",
    "Time": "T",
    "File": "F",
    "Picture": "G",
}
_HEADER_CONTROL = re.compile(r"[\001-\031]")


def _header_xml(parts: list[tuple[str, str, str]]) -> str:
    """Header or footer text: ``[(position L/C/R, font, text)]`` in the mini-language."""
    return _header_body("".join(f'&{pos}&"{font}"{body}' for pos, font, body in parts))


def _header_body(text: str) -> str:
    """Header text escaped: long codes (``&[Page]``) shortened, control characters as ``_xHHHH_``, XML.
    Each step looks at no more than a code, so a piece of the text is escaped as the whole would be."""
    text = _HEADER_CODES.sub(lambda m: "&" + _HEADER_CODE_LETTERS[m.group(1)], text)
    return _esc(_HEADER_CONTROL.sub(lambda m: f"_x{ord(m.group(0)):0>4x}_", text))


class _Sheet:
    """One worksheet as the builder describes it, and its SpreadsheetML.

    Cells are kept as (value, style handle); the XML is written once all are placed, rows in order.
    """

    def __init__(self, title: str, styles: _Styles, state: str = "visible") -> None:
        self.title = title
        self.styles = styles
        self.resolved = styles.resolved
        self.state = state
        self.cells: dict[tuple[int, int], tuple[Any, int]] = {}  # (row, column) → (value, style handle)
        self.heights: dict[int, float] = {}
        self.widths: dict[int, tuple[float, bool]] = {}  # column → (width, hidden)
        # a set of (min row, min col, max row, max col): merges are listed in set order, as openpyxl did
        self.merges: set[tuple[int, int, int, int]] = set()
        self.validations: list[tuple[_Validation, list[tuple[int, int]]]] = []
        self.highlights: list[tuple[str, str, bool]] = []  # (sqref, formula, written with stopIfTrue="0")
        self.active_cell = "A1"
        self.frozen: str | None = None
        self.page: tuple[bool, str | None] | None = None  # (landscape, title rows)
        self.print_area: str | None = None
        self.header_right: str | None = None

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
        if value.__class__ is str:  # not a _Formula
            value = _clean(value)[:_MAX_CELL_TEXT]
        handle = self.resolved.get((font, fill, align, border, unlocked, fmt_))
        if handle is None:
            handle = self.styles.resolve(font, fill, align, border, unlocked, fmt_)
        self.cells[(row, _COL_INDEX.get(col) or _col_index(col))] = (value, handle)

    def text(self, ref: str, value: str) -> None:
        """An unstyled text cell (the hidden sheets)."""
        col, row = _split_ref(ref)
        self.cells[(row, col)] = (_clean(value)[:_MAX_CELL_TEXT], 0)

    def merge(self, first_col: str, first_row: int, last_col: str, last_row: int) -> None:
        self.merges.add((first_row, _col_index(first_col), last_row, _col_index(last_col)))

    def height(self, row: int, points: float) -> None:
        self.heights[row] = points

    def width(self, col: str, width: float, hidden: bool = False) -> None:
        self.widths[_col_index(col)] = (width, hidden)

    def validate(self, dv: _Validation, cells: list[tuple[int, int]]) -> None:
        """``dv`` for ``cells``, (column, row) pairs."""
        self.validations.append((dv, cells))

    def highlight_empty(self, cells: list[tuple[int, int]], stop_if_true: bool = False) -> None:
        """Orange until filled; the formula is relative to the range's first (topmost) cell."""
        col, row = cells[0]
        self.highlights.append((_compact(cells), f"LEN(TRIM({L.col_letter(col)}{row}))=0", stop_if_true))

    # --- SpreadsheetML ------------------------------------------------------------------------------
    def dimension(self) -> str:
        if not self.cells:
            return "A1:A1"
        rows = [r for r, _ in self.cells]
        cols = [c for _, c in self.cells]
        return f"{L.col_letter(min(cols))}{min(rows)}:{L.col_letter(max(cols))}{max(rows)}"

    def xml(self, selected: bool, password_hash: str | None) -> bytes:
        fit = '<pageSetUpPr fitToPage="1"/>' if self.page else "<pageSetUpPr/>"
        parts = [
            f'<worksheet xmlns="{_MAIN_NS}"><sheetPr><outlinePr summaryBelow="1" summaryRight="1"/>{fit}'
            f'</sheetPr><dimension ref="{self.dimension()}"/><sheetViews>'
            f'<sheetView tabSelected="{int(selected)}" workbookViewId="0">'
        ]
        if self.frozen:
            col, row = _split_ref(self.frozen)
            parts.append(
                f'<pane xSplit="{col - 1}" ySplit="{row - 1}" topLeftCell="{self.frozen}" '
                'activePane="bottomRight" state="frozen"/><selection pane="topRight"/>'
                '<selection pane="bottomLeft"/>'
                f'<selection pane="bottomRight" activeCell="{self.active_cell}" sqref="{self.active_cell}"/>'
            )
        else:
            parts.append(f'<selection activeCell="{self.active_cell}" sqref="{self.active_cell}"/>')
        parts.append('</sheetView></sheetViews><sheetFormatPr baseColWidth="8" defaultRowHeight="15"/>')
        if self.widths:
            parts.append("<cols>")
            for col, (width, hidden) in sorted(self.widths.items()):
                hide = ' hidden="1"' if hidden else ""
                parts.append(f'<col{hide} width="{_num(width)}" customWidth="1" min="{col}" max="{col}"/>')
            parts.append("</cols>")
        parts.append("<sheetData>")
        self._rows(parts)
        parts.append("</sheetData>")
        parts.append(_SHEET_PROTECTION + (f' password="{password_hash}"/>' if password_hash else "/>"))
        if self.merges:
            parts.append(f'<mergeCells count="{len(self.merges)}">')
            parts += [
                f'<mergeCell ref="{L.col_letter(c1)}{r1}:{L.col_letter(c2)}{r2}"/>'
                for r1, c1, r2, c2 in self.merges
            ]
            parts.append("</mergeCells>")
        for priority, (sqref, formula, stop) in enumerate(self.highlights, start=1):
            stop_attr = ' stopIfTrue="0"' if stop else ""
            parts.append(
                f'<conditionalFormatting sqref="{sqref}"><cfRule type="expression" priority="{priority}" '
                f'dxfId="0"{stop_attr}><formula>{_esc(formula)}</formula></cfRule></conditionalFormatting>'
            )
        if self.validations:
            parts.append(f'<dataValidations count="{len(self.validations)}">')
            parts += [_validation_xml(dv, _compact(refs)) for dv, refs in self.validations]
            parts.append("</dataValidations>")
        if self.page:
            parts.append(a4_page_setup_xml(landscape=self.page[0]))
            header = (
                _header_xml([("R", BODY_FONT, self.header_right)]) if self.header_right is not None else ""
            )
            footer = _header_xml([("C", BODY_FONT, PAGE_FOOTER)])
            parts.append(
                f"<headerFooter><oddHeader>{header}</oddHeader><oddFooter>{footer}</oddFooter>"
                "<evenHeader></evenHeader><evenFooter></evenFooter><firstHeader></firstHeader>"
                "<firstFooter></firstFooter></headerFooter>"
            )
        else:
            parts.append(_DEFAULT_MARGINS)
        parts.append("</worksheet>")
        return "".join(parts).encode("ascii", "xmlcharrefreplace")

    def _rows(self, parts: list[str]) -> None:
        styles = self.styles
        s_attr = styles.s_attr
        by_row: dict[int, list[int]] = {r: [] for r in self.heights}
        for r, c in sorted(self.cells):
            by_row.setdefault(r, []).append(c)
        cells, heights, letters = self.cells, self.heights, _LETTERS
        append = parts.append
        for r in sorted(by_row):
            height = heights.get(r)
            append(f'<row r="{r}" ht="{_num(height)}" customHeight="1">' if height else f'<row r="{r}">')
            for c in by_row[r]:
                value, handle = cells[(r, c)]
                if value is None and not handle:
                    continue
                attr = s_attr[handle]
                if attr is None:
                    attr = styles.number(handle)
                head = f'<c r="{letters[c] if c <= 26 else L.col_letter(c)}{r}"{attr}'
                if value is None:
                    append(head + ' t="n"></c>')
                elif value.__class__ is str:
                    if not value:
                        append(head + ' t="inlineStr"></c>')
                    elif value != value.strip():
                        append(f'{head} t="inlineStr"><is><t xml:space="preserve">{_esc(value)}</t></is></c>')
                    else:
                        append(f'{head} t="inlineStr"><is><t>{_esc(value)}</t></is></c>')
                elif isinstance(value, _Formula):
                    append(f"{head}><f>{_esc(value[1:])}</f><v></v></c>")
                else:
                    append(f'{head} t="n"><v>{_num(value)}</v></c>')
            append("</row>")


_LETTERS = [""] + [L.col_letter(i) for i in range(1, 27)]
# Stands for the unit's name in a kept item sheet (a private-use character: no rubric text has one).
_NAME_MARK = "\ue000"
_NAME_MARK_XML = _NAME_MARK.encode("ascii", "xmlcharrefreplace")
_ITEM_CACHE_SIZE = 16  # item-sheet structures kept per rubric (a few hundred KB each)
# (item-sheet key) → (sheet before the name, between name and header name, after, options, styles, workbook)
_ItemCache = OrderedDict[tuple[Any, ...], tuple[bytes, bytes, bytes, bytes, bytes, bytes]]


class TemplateBuilder:
    """Builds one unit's workbook: four sheets described cell by cell, then written as one .xlsx."""

    def __init__(
        self, rubric: Rubric, unit: Unit, password: str | None = None, shared: _ItemCache | None = None
    ) -> None:
        self.rubric = rubric
        self.unit = unit
        self.password = password
        self.shared: _ItemCache = OrderedDict() if shared is None else shared
        self.styles = _Styles()
        self.validations: dict[tuple[Any, ...], tuple[_Validation, list[tuple[int, int]]]] = {}
        self.option_columns: dict[tuple[str, ...], str] = {}
        self.required_cells: dict[str, list[tuple[int, int]]] = {}
        self.cover = _Sheet(L.COVER_SHEET, self.styles)
        self.items = _Sheet(L.ITEM_SHEET, self.styles)
        self.options = _Sheet(L.OPTIONS_SHEET, self.styles, state="hidden")
        self.identity = _Sheet(L.IDENTITY_SHEET, self.styles, state="veryHidden")

    # --- workbook ---------------------------------------------------------------------------
    @property
    def sheets(self) -> list[_Sheet]:
        """In tab order; the workbook opens on the cover, which has the contact cells and instructions."""
        return [self.cover, self.items, self.options, self.identity]

    def xlsx(self, reuse: bool = True) -> bytes:
        """The package, every part deflated once, with fixed timestamps: equal inputs, equal bytes.

        With ``reuse``, the item sheet and the parts that follow from it come from the last unit with
        the same items, if any (see ``_item_parts``).
        """
        hashed = _password_hash(self.password) if self.password else None
        self.write_cover(self.cover)
        cover = self.cover.xml(
            selected=True, password_hash=hashed
        )  # first: its cell styles are numbered first
        shared = self._item_parts(hashed, reuse)
        if shared is None:  # the name cannot be spliced into this rubric's sheet: build it whole
            return TemplateBuilder(self.rubric, self.unit, self.password).xlsx(reuse=False)
        items, options, styles, workbook = shared
        self.write_identity(self.identity)
        identity = self.identity.xml(selected=False, password_hash=hashed)
        title = _clean(f"{self.rubric.meta.year}年{self.unit.name}自评表")
        parts: list[tuple[str, bytes]] = [
            ("docProps/app.xml", _APP_XML),
            ("docProps/core.xml", (_CORE_XML_HEAD + _esc(title) + _CORE_XML_TAIL).encode("utf-8")),
            ("xl/theme/theme1.xml", _THEME_BYTES),
            ("xl/worksheets/sheet1.xml", cover),
            ("xl/worksheets/sheet2.xml", items),
            ("xl/worksheets/sheet3.xml", options),
            ("xl/worksheets/sheet4.xml", identity),
            ("xl/styles.xml", styles),
            ("_rels/.rels", _ROOT_RELS),
            ("xl/workbook.xml", workbook),
            ("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS),
            ("[Content_Types].xml", _CONTENT_TYPES),
        ]
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, data in parts:
                info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o600 << 16
                archive.writestr(info, data)
        return buffer.getvalue()

    def _item_parts(self, hashed: str | None, reuse: bool) -> tuple[bytes, bytes, bytes, bytes] | None:
        """The item sheet, the options sheet, the stylesheet and the workbook part.

        Only the unit's name (in row 2 and the page header) tells apart the item sheets of units with
        the same items and weights — every county, say. The first such unit's sheet is written with a
        marker for the name and kept, in pieces, in the batch's ``shared`` cache; later units get the pieces joined round
        their name, escaped as the whole sheet would have escaped it. Building the sheet is most of the
        cost of a template, so a national inspection builds a handful. Nothing else about the unit is
        on these parts: the cover (written before, so its styles are numbered first, as always) and the
        identity sheet are written for every unit.
        """
        name = self.unit.name
        if not reuse or len(self.unit_line(name)) > _MAX_CELL_TEXT:
            self.write_items(self.items, name)
            return self._serialise_items(hashed)
        key = (tuple((a.section.id, a.item.id, a.weight) for a in self.rubric.assignments(self.unit)), hashed)
        cache = self.shared
        hit = cache.get(key)
        if hit is None:
            self.write_items(self.items, _NAME_MARK)
            items, *rest = self._serialise_items(hashed)
            pieces = items.split(_NAME_MARK_XML)
            if len(pieces) != 3:  # the rubric's own text holds the marker character
                return None
            hit = cache[key] = (pieces[0], pieces[1], pieces[2], rest[0], rest[1], rest[2])
            if len(cache) > _ITEM_CACHE_SIZE:
                cache.popitem(last=False)
        cache.move_to_end(key)
        before, between, after, options, styles, workbook = hit
        items = b"".join(
            (
                before,
                _esc(_clean(name)).encode("ascii", "xmlcharrefreplace"),
                between,
                _header_body(_header_text(name)).encode("ascii", "xmlcharrefreplace"),
                after,
            )
        )
        return items, options, styles, workbook

    def _serialise_items(self, hashed: str | None) -> tuple[bytes, bytes, bytes, bytes]:
        items = self.items.xml(selected=False, password_hash=hashed)
        options = self.options.xml(selected=False, password_hash=hashed)
        # the stylesheet last: writing the sheets numbers the cell styles (the identity sheet has none)
        return items, options, self.styles.xml().encode(), self.workbook_xml(hashed)

    def unit_line(self, name: str) -> str:
        """Row 2 of the item sheet: the unit, its maximum and the rubric."""
        meta = self.rubric.meta
        return (
            f"被考核单位：{name}　　　基本分满分：{fmt(self.rubric.max_base(self.unit))} 分　　　"
            f"考核细则：{meta.title}（版本 {meta.version}）"
        )

    def workbook_xml(self, password_hash: str | None) -> bytes:
        lock = f'workbookPassword="{password_hash}" ' if password_hash else ""
        parts = [
            f'<workbook xmlns="{_MAIN_NS}"><workbookPr/><workbookProtection {lock}lockStructure="1"/>'
            '<bookViews><workbookView visibility="visible" minimized="0" showHorizontalScroll="1" '
            'showVerticalScroll="1" showSheetTabs="1" tabRatio="600" firstSheet="0" activeTab="0" '
            'autoFilterDateGrouping="1"/></bookViews><sheets>'
        ]
        for i, ws in enumerate(self.sheets, start=1):
            parts.append(
                f'<sheet xmlns:r="{_REL_NS}" name="{_attr(ws.title)}" sheetId="{i}" state="{ws.state}" '
                f'r:id="rId{i}"/>'
            )
        parts.append("</sheets>")
        names = []
        for i, ws in enumerate(self.sheets):
            quoted = "'" + ws.title.replace("'", "''") + "'"
            if ws.page and ws.page[1]:
                first, _, last = ws.page[1].partition(":")
                names.append(
                    f'<definedName name="_xlnm.Print_Titles" localSheetId="{i}">'
                    f"{_esc(quoted)}!${first}:${last}</definedName>"
                )
            if ws.print_area:
                (c1, r1), (c2, r2) = (_split_ref(ref) for ref in ws.print_area.split(":"))
                names.append(
                    f'<definedName name="_xlnm.Print_Area" localSheetId="{i}">{_esc(quoted)}!'
                    f"${L.col_letter(c1)}${r1}:${L.col_letter(c2)}${r2}</definedName>"
                )
        if names:
            parts.append("<definedNames>" + "".join(names) + "</definedNames>")
        parts.append('<calcPr calcId="124519" fullCalcOnLoad="1"/></workbook>')
        return "".join(parts).encode()

    def write_cover(self, ws: _Sheet) -> None:
        meta = self.rubric.meta
        s = ws
        ws.width("A", 3)
        ws.width("B", 18)
        ws.width("C", 52)
        s.merge("B", 2, "C", 2)
        s.put(
            "B",
            2,
            f"{meta.year}年度全民科学素质工作目标责任\n自查自评表",
            font=TITLE,
            align=CENTER,
            border=False,
        )
        s.put("C", 2, border=False, align=None)
        ws.height(2, 60)
        s.merge("B", 3, "C", 3)
        s.put("B", 3, meta.title, font=NOTE, align=CENTER, border=False)
        ws.height(3, 8 + 17 * _lines(meta.title, 66))
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
            ws.height(i, max(26, _height(_lines(value or "", 52))))
        self.cover_validations(ws)
        for ref in (L.COVER_CONTACT_CELL, L.COVER_PHONE_CELL):
            ws.highlight_empty([_split_ref(ref)])
        s.put("B", 9, "单位负责人签字：", font=BOLD, border=False, align=LEFT)
        s.put("C", 9, "（单位盖章）            年    月    日", border=False, align=LEFT)
        ws.height(9, 48)
        deadline = f"请于 {meta.deadline} 前" if meta.deadline else "请按通知要求的时间"
        protect = "表格已设保护密码" if self.password else "表格已保护，无需密码即可撤销保护，但请不要这样做"
        notes = [
            "填表说明",
            "1．本表由被考核单位如实填写；“核定分”“核查意见”及否决事项由督导检查组填写，单位不要填写。",
            "2．黄色单元格为填写区：按“填报项目”填写数值，或从下拉列表中选择“是/否”或等级；再填写自评分和佐证材料。",
            "3．橙色表示尚未填写的必填项，填写后颜色自动消失。自评分不得超过该项分值。",
            f"4．请勿增删、移动工作表或表中行列，请勿修改表格结构（{protect}）。",
            f"5．{deadline}将本表电子版（.xlsx）和签字盖章的纸质版报送{meta.issuer}。",
            "6．如有弄虚作假，经查实的，考核等次直接定为不合格。",
        ]
        for i, text in enumerate(notes, start=11):
            s.merge("B", i, "C", i)
            s.put("B", i, text, font=NOTE_BOLD if i == 11 else NOTE, border=False, align=WRAP_TOP)
            ws.height(i, 4 + 17 * _lines(text, 66))
        ws.page = (False, None)  # A4 portrait
        ws.print_area = f"B2:C{10 + len(notes)}"
        ws.active_cell = L.COVER_CONTACT_CELL

    def cover_validations(self, ws: _Sheet) -> None:
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
            ws.validate(dv, [_split_ref(ref)])

    def write_identity(self, ws: _Sheet) -> None:
        for i, (key, value) in enumerate(L.identity_values(self.rubric, self.unit).items(), start=1):
            ws.text(f"A{i}", key)
            ws.text(f"B{i}", value)

    def option_range(self, options: tuple[str, ...]) -> str:
        """Level lists live on a hidden sheet: inline lists over 255 characters break files."""
        col = self.option_columns.get(options)
        if col is None:
            col = L.col_letter(len(self.option_columns) + 1)
            self.option_columns[options] = col
            for i, name in enumerate(options, start=1):
                self.options.text(f"{col}{i}", name)
        return f"'{L.OPTIONS_SHEET}'!${col}$1:${col}${len(options)}"

    def validate(self, col: str, row: int, key: tuple[Any, ...], kind: str, **options: Any) -> None:
        """Add the cell to the validation for ``key``, made from ``_dv(kind, **options)`` the first time:
        one validation per distinct rule keeps the file small."""
        entry = self.validations.get(key)
        if entry is None:
            entry = (_dv(kind, **options), [])
            self.validations[key] = entry
        entry[1].append((_COL_INDEX[col], row))

    def require(self, col: str, row: int) -> None:
        self.required_cells.setdefault(col, []).append((_COL_INDEX[col], row))

    def write_items(self, ws: _Sheet, name: str) -> None:
        rubric, unit = self.rubric, self.unit
        s = ws
        meta = rubric.meta
        last = L.COLUMNS[-1][0]
        for col, _, width in L.COLUMNS:
            ws.width(col, width, hidden=col == L.COL_ID)
        s.merge("B", 1, last, 1)
        s.put(
            "B",
            1,
            f"{meta.year}年度全民科学素质工作目标责任考核自评表",
            font=SHEET_TITLE,
            align=CENTER,
            border=False,
        )
        ws.height(1, 30)
        max_base = rubric.max_base(unit)
        s.merge("B", 2, last, 2)
        s.put("B", 2, self.unit_line(name), align=LEFT, border=False)
        ws.height(2, 20)
        s.merge(L.COL_NO, 3, L.COL_MAX, 3)
        for col in "BCDE":
            s.put(
                col,
                3,
                "考核项目及评分标准" if col == "B" else None,
                font=BOLD,
                align=CENTER,
                fill=SECTION_FILL,
            )
        s.merge(L.COL_LABEL, 3, L.COL_EVIDENCE, 3)
        for col in "FGHI":
            s.put(
                col,
                3,
                "单位自评（由被考核单位填写）" if col == "F" else None,
                font=BOLD,
                align=CENTER,
                fill=INPUT_FILL,
            )
        s.merge(L.COL_VERIFIED, 3, L.COL_OPINION, 3)
        for col in "JK":
            s.put(
                col,
                3,
                "由督导检查组填写" if col == "J" else None,
                font=BOLD,
                align=CENTER,
                fill=INSPECTOR_FILL,
            )
        for col, title, _ in L.COLUMNS:
            s.put(
                col,
                L.HEADER_ROW,
                title,
                font=BOLD,
                align=CENTER,
                fill=INSPECTOR_FILL if col in (L.COL_VERIFIED, L.COL_OPINION) else SECTION_FILL,
            )
        ws.height(L.HEADER_ROW, 20)
        ws.frozen = f"C{L.FIRST_DATA_ROW}"

        row = L.FIRST_DATA_ROW
        assignments = rubric.assignments(unit)
        base_subtotals: list[int] = []
        bonus_subtotals: list[int] = []
        self.item_bonus_rows: list[int] = []  # bonus criteria inside base items count as 加分
        bonus_max = ZERO
        for section in rubric.sections:
            sec_items = [a for a in assignments if a.section.id == section.id]
            if not sec_items:
                continue
            is_bonus = section.kind == "bonus"
            s.put(L.COL_ID, row, f"T:{section.id}", border=False, align=None)
            s.merge(L.COL_NO, row, L.COL_TEXT, row)
            s.put(
                L.COL_NO,
                row,
                section.title + ("（加分项目，不计入基本分）" if is_bonus else ""),
                font=BOLD,
                fill=SECTION_FILL,
            )
            for col in "CDEFGHIJK":
                s.put(col, row, fill=SECTION_FILL)
            ws.height(row, _height(_lines(section.title, 60)))
            row += 1
            item_rows: list[int] = []
            for a in sec_items:
                item_rows.append(row)
                row = self.write_item(ws, s, a, row)
            # section subtotal
            s.put(L.COL_ID, row, f"S:{section.id}", border=False, align=None)
            s.merge(L.COL_NO, row, L.COL_TEXT, row)
            s.put(L.COL_NO, row, f"{section.title} 小计", font=BOLD, align=RIGHT)
            for col in "CD":
                s.put(col, row)
            sec_max = sum((a.item.points * a.weight for a in sec_items), ZERO)
            cap = section.cap if is_bonus else None
            if cap is not None:
                sec_max = min(sec_max, cap)
            if is_bonus:
                bonus_max += sec_max
            s.put(L.COL_MAX, row, float(sec_max), font=BOLD, align=CENTER)
            for col in (L.COL_SELF, L.COL_VERIFIED):
                s.put(col, row, _sum_formula(col, item_rows, cap), font=BOLD, align=CENTER, fmt_="0.00")
            for col in (L.COL_LABEL, L.COL_INPUT, L.COL_EVIDENCE, L.COL_OPINION):
                s.put(col, row)
            ws.height(row, _height(_lines(section.title + " 小计", 60)))
            (bonus_subtotals if is_bonus else base_subtotals).append(row)
            row += 1
        row = self.write_totals(s, row, max_base, base_subtotals, bonus_subtotals, bonus_max)
        row = self.write_gates(ws, s, row)
        s.put(
            "B",
            row + 1,
            "被考核单位负责人（签字）：                    督导检查组成员（签字）：",
            border=False,
            align=LEFT,
        )
        ws.height(row + 1, 36)
        for dv, refs in self.validations.values():
            ws.validate(dv, refs)
        self.add_required_highlight(ws)
        ws.page = (True, L.TITLE_ROWS)  # A4 landscape, the column headings repeated on every page
        ws.header_right = _header_text(f"被考核单位：{name}")
        ws.print_area = f"B1:{last}{row + 1}"

    def write_totals(
        self,
        s: _Sheet,
        row: int,
        max_base: Decimal,
        base_rows: list[int],
        bonus_rows: list[int],
        bonus_max: Decimal,
    ) -> int:
        """基本分合计 and 加分合计, live formulas over the subtotal rows (加分 capped as the rubric says)."""
        bonus_cap = self.rubric.settings.bonus_cap
        bonus_refs = bonus_rows + self.item_bonus_rows
        bonus_max += sum((self._item_bonus_max(a) for a in self.rubric.assignments(self.unit)), ZERO)
        if bonus_cap is not None:
            bonus_max = min(bonus_max, bonus_cap)
        for label, rows_, max_value, rid, cap in (
            ("基本分合计", base_rows, max_base, "S:base", None),
            ("加分合计", bonus_refs, bonus_max, "S:bonus", bonus_cap),
        ):
            if not rows_:
                continue
            s.put(L.COL_ID, row, rid, border=False, align=None)
            s.merge(L.COL_NO, row, L.COL_TEXT, row)
            s.put(L.COL_NO, row, label, font=BOLD, align=RIGHT, fill=SECTION_FILL)
            for col in "CD":
                s.put(col, row, fill=SECTION_FILL)
            s.put(L.COL_MAX, row, float(max_value), font=BOLD, align=CENTER, fill=SECTION_FILL)
            for col in (L.COL_SELF, L.COL_VERIFIED):
                s.put(
                    col,
                    row,
                    _sum_formula(col, rows_, cap),
                    font=BOLD,
                    align=CENTER,
                    fill=SECTION_FILL,
                    fmt_="0.00",
                )
            for col in (L.COL_LABEL, L.COL_INPUT, L.COL_EVIDENCE, L.COL_OPINION):
                s.put(col, row, fill=SECTION_FILL)
            s.height(row, MIN_ROW_PT)
            row += 1
        return row

    @staticmethod
    def _item_bonus_max(a: Assignment) -> Decimal:
        if a.is_bonus:
            return ZERO
        return sum((c.points * a.weight for c in a.item.criteria if c.bonus), ZERO)

    def write_gates(self, ws: _Sheet, s: _Sheet, row: int) -> int:
        """Vetoes (弄虚作假 …), answered by the inspection team."""
        for gate in self.rubric.gates:
            s.put(L.COL_ID, row, f"G:{gate.id}", border=False, align=None)
            s.merge(L.COL_NO, row, L.COL_TEXT, row)
            effect = f"等次定为{gate.grade}" if gate.grade else f"扣{fmt(gate.deduct)}分"
            text = f"否决事项：{gate.name}（{gate.description or effect}）"
            s.put(L.COL_NO, row, text, fill=INSPECTOR_FILL)
            for col in "CD":
                s.put(col, row, fill=INSPECTOR_FILL)
            s.merge(L.COL_MAX, row, L.COL_SELF, row)
            s.put(L.COL_MAX, row, "由督导检查组填写 →", fill=INSPECTOR_FILL, align=CENTER)
            for col in "FGHI":
                s.put(col, row, fill=INSPECTOR_FILL)
            s.put(L.COL_VERIFIED, row, unlocked=True, fill=INSPECTOR_FILL, align=CENTER)
            self.validate(
                L.COL_VERIFIED,
                row,
                ("gate",),
                "list",
                formula1='"是,否"',
                title="否决事项（督导检查组填写）",
                prompt="督导检查组填写：经查实存在该情形的选“是”，否则选“否”。",
                error="请从下拉列表中选择“是”或“否”。",
            )
            s.put(L.COL_OPINION, row, unlocked=True, fill=INSPECTOR_FILL)
            self.validate(
                L.COL_OPINION,
                row,
                ("gate-note",),
                "text",
                title="核查意见（督导检查组填写）",
                prompt="督导检查组填写：查实情况、依据或扣分说明。",
            )
            ws.height(row, _height(_lines(text, 64)))
            row += 1
        return row

    def write_item(self, ws: _Sheet, s: _Sheet, a: Assignment, row: int) -> int:
        item, weight = a.item, a.weight
        first = row
        s.put(L.COL_ID, row, item.id, border=False, align=None)
        s.put(L.COL_NO, row, item.number or item.id, align=CENTER_TOP)
        s.put(L.COL_TITLE, row, item.title, font=BOLD, align=WRAP_TOP)
        extras = []
        if item.plan_items:
            extras.append("工作要点第" + "、".join(str(n) for n in item.plan_items) + "条")
        if item.verification:
            extras.append("核查方式：" + item.verification)
        if weight != 1:
            extras.append(f"本单位为牵头单位，分值×{fmt(weight)}")
        text = "\n".join(
            part for part in (item.content, ("（" + "；".join(extras) + "）") if extras else "") if part
        )
        s.put(L.COL_TEXT, row, text or item.title, align=WRAP_TOP)
        s.put(L.COL_MAX, row, float(item.points * weight), font=BOLD, align=CENTER)
        s.put(L.COL_LABEL, row, "本项小计", font=BOLD, align=CENTER)
        s.put(L.COL_INPUT, row)
        s.put(L.COL_EVIDENCE, row, unlocked=True, fill=INPUT_FILL, align=WRAP_TOP)
        prompt = f"请列出佐证材料名称或编号。本项要求：{item.evidence or '请列出佐证材料名称'}"
        self.validate(L.COL_EVIDENCE, row, ("evidence", prompt), "text", title="佐证材料", prompt=prompt)
        if item.evidence_required:
            self.require(L.COL_EVIDENCE, row)
        s.put(L.COL_OPINION, row, unlocked=True, fill=INSPECTOR_FILL, align=WRAP_TOP)
        self.validate(
            L.COL_OPINION,
            row,
            ("opinion",),
            "text",
            title="核查意见（督导检查组填写）",
            prompt="督导检查组填写：核定分与自评分不一致时，请写明理由。",
        )
        ws.height(first, _height(_lines(text, 46)))
        row += 1
        base_rows: list[int] = []
        for crit in item.criteria:
            crit_max = crit.points * weight
            start = row
            label_lines: list[int] = []
            for n, ir in enumerate(L.input_rows(item.id, crit)):
                s.put(L.COL_ID, row, ir.row_id, border=False, align=None)
                for col in (L.COL_NO, L.COL_TITLE, L.COL_EVIDENCE, L.COL_OPINION):
                    s.put(col, row)
                if n == 0:
                    if crit.bonus and not a.is_bonus:
                        self.item_bonus_rows.append(row)
                    else:
                        base_rows.append(row)
                    several = len(crit.inputs()) > 1  # merged below; top-aligned survives a page break
                    s.put(
                        L.COL_TEXT,
                        row,
                        ("【加分】" if crit.bonus else "") + crit.text,
                        align=WRAP_TOP if several else WRAP,
                    )
                    s.put(L.COL_MAX, row, float(crit_max), align=CENTER)
                    s.put(L.COL_SELF, row, unlocked=True, fill=INPUT_FILL, align=CENTER, fmt_="General")
                    self.validate(
                        L.COL_SELF,
                        row,
                        ("self", crit_max),
                        "decimal",
                        low=ZERO,
                        high=crit_max,
                        title="自评分",
                        prompt=f"请按评分标准填写自评分（0～{fmt(crit_max)}分）。",
                        error=f"自评分应为 0～{fmt(crit_max)} 之间的数字。",
                    )
                    self.require(L.COL_SELF, row)
                    s.put(L.COL_VERIFIED, row, unlocked=True, fill=INSPECTOR_FILL, align=CENTER)
                    self.validate(
                        L.COL_VERIFIED,
                        row,
                        ("verified", crit_max),
                        "decimal",
                        low=ZERO,
                        high=crit_max,
                        title="核定分（督导检查组填写）",
                        prompt=f"督导检查组填写核定分（0～{fmt(crit_max)}分）。",
                        error=f"核定分应为 0～{fmt(crit_max)} 之间的数字。",
                    )
                else:
                    s.put(L.COL_TEXT, row, align=WRAP_TOP)
                    s.put(L.COL_MAX, row, align=CENTER)
                    s.put(L.COL_SELF, row, fill=INPUT_FILL, align=CENTER, fmt_="General")
                    s.put(L.COL_VERIFIED, row, fill=INSPECTOR_FILL, align=CENTER)
                label_lines.append(_lines(self.write_input(s, ir, row), 16))
                row += 1
            # a criterion with several inputs is one box for its text, points and scores, as printed;
            # the scores stay in its first row, where the reader looks
            if row - start > 1:
                for col in (L.COL_TEXT, L.COL_MAX, L.COL_SELF, L.COL_VERIFIED):
                    s.merge(col, start, col, row - 1)
            heights = [_height(n) for n in label_lines]
            deficit = _height(_lines(crit.text, 46)) - sum(heights)
            for i, h in enumerate(heights):
                ws.height(start + i, h + max(0.0, deficit) / len(heights))
        # one 序号, 考核项目, 佐证材料 and 核查意见 box per item, as on the printed form; the value (and the
        # reader) stays in the item's own row. Top-aligned so a block split by a page break still shows it.
        if row - 1 > first:
            for col in (L.COL_NO, L.COL_TITLE, L.COL_EVIDENCE, L.COL_OPINION):
                s.merge(col, first, col, row - 1)
        for col in (L.COL_SELF, L.COL_VERIFIED):
            s.put(
                col,
                first,
                _sum_formula(col, base_rows) if base_rows else None,
                font=BOLD,
                align=CENTER,
                fmt_="0.00",
            )
        return row

    def write_input(self, s: _Sheet, ir: L.InputRow, row: int) -> str:
        """The 填报项目 label and 填报值 cell of one input row; returns the label."""
        spec = ir.spec
        if spec.kind == "score":
            label = "（直接填写自评分）"
            s.put(L.COL_LABEL, row, label)
            s.put(L.COL_INPUT, row, "—", align=CENTER)
            return label
        # per-category labels already carry their unit: 省级示范社区（个）
        suffix = f"（{spec.unit}）" if spec.unit and spec.kind == "number" else ""
        label = spec.label if spec.label.endswith(suffix) else spec.label + suffix
        s.put(L.COL_LABEL, row, label)
        s.put(L.COL_INPUT, row, unlocked=True, fill=INPUT_FILL, align=CENTER)
        self.require(L.COL_INPUT, row)
        if spec.kind == "yesno":
            self.validate(
                L.COL_INPUT,
                row,
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
                L.COL_INPUT,
                row,
                ("level", spec.options),
                "list",
                formula1=rng,
                title="等级",
                prompt="请从下拉列表中选择：" + names,
                error="请从下拉列表中选择：" + names,
            )
        else:
            unit = spec.unit or ""
            low = spec.low if spec.low is not None else -MAX_NUMBER
            bound = f"不小于 {fmt(low)} 的" if spec.high is None else f"{fmt(low)}～{fmt(spec.high)} 之间的"
            self.validate(
                L.COL_INPUT,
                row,
                ("number", low, spec.high, unit),
                "decimal",
                low=low,
                high=spec.high,
                title="填写数值",
                prompt=f"请填写{bound}数字{('（单位：' + unit + '）') if unit else ''}，不要填写文字或单位。",
                error=f"请填写{bound}数字，不要填写文字、范围或单位。",
            )
        return label

    def add_required_highlight(self, ws: _Sheet) -> None:
        """Empty required inputs show orange until filled. One rule per column, its formula relative
        to the column's first (topmost) cell, which Excel and LibreOffice both take as the anchor."""
        for _col, refs in sorted(self.required_cells.items()):
            if refs:
                ws.highlight_empty(refs, stop_if_true=True)


_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_DOC_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_OOXML_TYPE = "application/vnd.openxmlformats-officedocument"
# the parts every template shares, as openpyxl 3.1 wrote them
_APP_XML = (
    b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
    b"<Application>Microsoft Excel Compatible / Openpyxl 3.1.5</Application><AppVersion>3.1</AppVersion>"
    b"</Properties>"
)
_CORE_XML_HEAD = (
    '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties">'
    '<dc:creator xmlns:dc="http://purl.org/dc/elements/1.1/">kepu-inspect</dc:creator>'
    '<dc:title xmlns:dc="http://purl.org/dc/elements/1.1/">'
)
_CORE_XML_TAIL = (
    "</dc:title>"
    + "".join(
        f'<dcterms:{tag} xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        f'xsi:type="dcterms:W3CDTF">{FIXED_TIME}</dcterms:{tag}>'
        for tag in ("created", "modified")
    )
    + "</cp:coreProperties>"
)
_THEME_BYTES = THEME_XML.encode()
_ROOT_RELS = (
    f'<Relationships xmlns="{_PKG_REL}">'
    f'<Relationship Type="{_DOC_REL}/officeDocument" Target="xl/workbook.xml" Id="rId1"/>'
    f'<Relationship Type="{_PKG_REL}/metadata/core-properties" Target="docProps/core.xml" Id="rId2"/>'
    f'<Relationship Type="{_DOC_REL}/extended-properties" Target="docProps/app.xml" Id="rId3"/></Relationships>'
).encode()
_WORKBOOK_RELS = (
    f'<Relationships xmlns="{_PKG_REL}">'
    + "".join(
        f'<Relationship Type="{_DOC_REL}/worksheet" Target="/xl/worksheets/sheet{i}.xml" Id="rId{i}"/>'
        for i in range(1, 5)
    )
    + f'<Relationship Type="{_DOC_REL}/styles" Target="styles.xml" Id="rId5"/>'
    f'<Relationship Type="{_DOC_REL}/theme" Target="theme/theme1.xml" Id="rId6"/></Relationships>'
).encode()
_CONTENT_TYPES = (
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    f'<Override PartName="/xl/styles.xml" ContentType="{_OOXML_TYPE}.spreadsheetml.styles+xml"/>'
    f'<Override PartName="/xl/theme/theme1.xml" ContentType="{_OOXML_TYPE}.theme+xml"/>'
    '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
    f'<Override PartName="/docProps/app.xml" ContentType="{_OOXML_TYPE}.extended-properties+xml"/>'
    + "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
        f'ContentType="{_OOXML_TYPE}.spreadsheetml.worksheet+xml"/>'
        for i in range(1, 5)
    )
    + f'<Override PartName="/xl/workbook.xml" ContentType="{_OOXML_TYPE}.spreadsheetml.sheet.main+xml"/></Types>'
).encode()


def new_batch() -> _ItemCache:
    """What units of one batch share (item sheets of units with the same items): pass it to each call."""
    return OrderedDict()


def template_bytes(
    rubric: Rubric, unit: Unit, password: str | None = None, shared: _ItemCache | None = None
) -> bytes:
    """The workbook as bytes; equal inputs give equal bytes (fixed timestamps)."""
    return TemplateBuilder(rubric, unit, password, shared).xlsx()


def write_template(
    rubric: Rubric,
    unit: Unit,
    directory: Path,
    password: str | None = None,
    filename: str | None = None,
    shared: _ItemCache | None = None,
) -> Path:
    target = directory / (filename or template_filename(rubric, unit))
    write_bytes_atomic(target, template_bytes(rubric, unit, password, shared))
    return target


def write_templates(
    rubric: Rubric, units: Iterable[Unit], directory: Path, password: str | None = None
) -> list[Path]:
    units = list(units)
    names = template_filenames(rubric, units)
    shared = new_batch()
    return [write_template(rubric, u, directory, password, names[u.id], shared) for u in units]
