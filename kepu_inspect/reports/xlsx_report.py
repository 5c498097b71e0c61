"""The printable result workbook of ``kepu-inspect score`` (考核结果.xlsx).

Sheets: a ranking per group with a bar chart, 得分矩阵 (units × items, colour scale), 项目分析 (短板),
自评与核定对比, 问题清单, and the item-level detail — a sheet per unit for a city-sized inspection, one
filterable 评分明细 table when there are more than DETAIL_SHEET_LIMIT units.

How it is written: the cell rows are produced here as sheet XML with a shared-string table, and the
workbook's furniture — styles, column widths, merged titles, print setup, charts, conditional formats,
filters — by xlsx_parts, all without openpyxl: openpyxl spends about 8 s per million cells (a 3,000-unit
inspection has about three million detail cells), and importing it and building its objects was a
third of a small ``score`` run. The zip is written with fixed timestamps, so the same results give the
same bytes.
"""

from __future__ import annotations

import functools
import io
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import IO

from kepu_inspect.core.cellref import col_letter
from kepu_inspect.core.linebreak import wrap_text
from kepu_inspect.core.numbers import HUNDRED, fmt, round_half_up
from kepu_inspect.core.results import CriterionResult, ItemResult, Ranked, ScoreRun, UnitResult
from kepu_inspect.reports import xlsx_parts
from kepu_inspect.reports.safe_text import neutralise
from kepu_inspect.reports.tables import (
    CHANGE_COLUMNS,
    DETAIL_COLUMNS,
    ITEM_ANALYSIS_COLUMNS,
    OBJECTION_COLUMNS,
    PROBLEM_COLUMNS,
    SELF_VS_VERIFIED_COLUMNS,
    STATUS_LABEL,
    WEAK_ITEMS,
    change_rows,
    criterion_label,
    dated,
    grade_tone,
    group_title,
    in_group,
    inputs_text,
    inspection_lines,
    is_weak,
    item_analysis,
    item_label,
    objection_rows,
    problem_rows,
    ranking_notes,
    ranking_tables,
    remark,
    report_date,
    report_title,
    review_tables,
    safe_text,
    score_matrix,
    scored_in_rank_order,
    self_vs_verified,
)
from kepu_inspect.reports.xlsx_parts import Alignment, BarChart, Font, SheetSetup, Styles

DETAIL_SHEET_LIMIT = 60  # more scored units than this: one filterable detail table instead of a sheet each
CHART_MAX_BARS = 40  # a ranking chart shows at most this many units (the top of the ranking)
MATRIX_ITEMS_PER_PAGE = 16  # item columns (5.5 wide) beside the unit columns on an A4 landscape page at 100 %

BODY_FONT = "宋体"
TITLE_FONT = "黑体"
GRADE_FILLS = ("C6EFCE", "DDEBF7", "FFEB9C", "FFC7CE")  # tone 0 (best) … 3 (worst), as in the html report
SEVERITY_FILLS = {"错误": "FFC7CE", "警告": "FFEB9C"}
HEADER_FILL = "E7E6E6"
INVALID_SHEET_CHARS = re.compile(r"[\[\]:*?/\\\x00-\x1f\x7f]")
MAIN_NS = xlsx_parts.MAIN_NS
# XML escapes, and the characters XML 1.0 forbids (C0 controls but tab/newline/CR, DEL) replaced.
_XML_ESCAPES = str.maketrans(
    {
        "&": "&amp;",
        "<": "&lt;",
        ">": "&gt;",
        **{chr(c): "\ufffd" for c in (*range(9), 11, 12, *range(14, 32), 127)},
    }
)
_NEEDS_ESCAPE = re.compile("[&<>\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
RowSource = Callable[[], Iterable[str]]


LINE_HEIGHT = 13.5  # points per line of 10-pt 宋体


def _display_width(text: str) -> int:
    """Width in Excel column units: a CJK character takes two. Counted from the UTF-8 length, which is
    fast (CJK is 3 bytes, ASCII 1) and accurate enough for choosing row heights."""
    return (len(text.encode("utf-8", "surrogatepass")) + len(text)) // 2


def _lines(text: str, width: float) -> int:
    """Lines a wrapped cell of ``width`` column units needs for ``text``."""
    if not text:
        return 1
    per_line = max(1, int(width) - 1)
    return -(-_display_width(text) // per_line) + text.count("\n")


def _height(lines: int) -> float | None:
    """Row height for ``lines`` lines; None (the default height) for one line.

    Excel and LibreOffice do not grow rows for wrapped text written by a program, so heights are set.
    """
    return None if lines <= 1 else lines * LINE_HEIGHT + 3


def _header_text(text: str) -> str:
    """Page header/footer text: '&' starts a code there, so a literal one is doubled."""
    return safe_text(text).replace("&", "&&")


class _Strings:
    """The shared-string table: each distinct text stored once, cells refer to it by index."""

    def __init__(self) -> None:
        self.index: dict[str, int] = {}

    def __call__(self, text: str) -> int:
        i = self.index.get(text)
        if i is None:
            i = self.index[text] = len(self.index)
        return i

    def xml(self) -> Iterator[bytes]:
        yield (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<sst xmlns="{MAIN_NS}" uniqueCount="{len(self.index)}">'
        ).encode()
        chunk: list[str] = []
        for text in self.index:
            clean = str(neutralise(text))
            if _NEEDS_ESCAPE.search(clean):  # rare: a plain search is much faster than translating every text
                clean = clean.translate(_XML_ESCAPES)
            space = ' xml:space="preserve"' if clean != clean.strip() or "\n" in clean else ""
            chunk.append(f"<si><t{space}>{clean}</t></si>")
            if len(chunk) >= 2000:
                yield "".join(chunk).encode("utf-8", "replace")  # a lone surrogate becomes "?"
                chunk = []
        chunk.append("</sst>")
        yield "".join(chunk).encode("utf-8", "replace")


@dataclass(frozen=True)
class _Styles:
    """Cell format ids (cellXfs indexes), registered once per workbook."""

    title: int
    subtitle: int
    subtitle_right: int
    note: int
    header: int
    header_turned: int  # item headings of the score matrix, turned 90°
    text: int
    center: int
    muted: int
    number: int  # the rubric's decimals
    number_bold: int
    plain_number: int  # criterion points: as many decimals as the value has
    integer: int
    percent: int  # rates, the rubric's decimals
    percent1: int  # item rates, one decimal
    matrix: int
    grades: tuple[int, int, int, int]
    severity: dict[str, int]
    flagged: int  # a number that deserves attention (over-claims)
    flagged_integer: int
    weak: int  # 短板


def _ht(height: float | None) -> str:
    return f' ht="{height:g}" customHeight="1"' if height else ""


@functools.cache
def _col(index: int) -> str:
    """Column letters for a 0-based column index."""
    return col_letter(index + 1)


ROW_MARK = "\x00"  # stands for the row number in a row template; never part of the XML otherwise


def _placed(cells: Sequence[str], row: str, start: int = 0) -> str:
    """Cells with their references (r="B7") from column ``start`` on; each cell string starts with '<c '.

    Readers accept cells without references, but Excel and WPS are safest with them.
    """
    return "".join(f'<c r="{_col(i)}{row}"{cell[2:]}' for i, cell in enumerate(cells, start))


class _Sheet:
    """One worksheet: its furniture (xlsx_parts.SheetSetup), and its rows as XML (built or deferred)."""

    def __init__(self, book: _Book, title: str) -> None:
        self.book = book
        self.setup = SheetSetup(title)
        self.parts: list[str | RowSource] = []
        self.rows = 0
        self.col_widths: list[float] = []

    def row(self, cells: Sequence[str], height: float | None = None) -> int:
        self.rows += 1
        self.parts.append(f'<row r="{self.rows}"{_ht(height)}>{_placed(cells, str(self.rows))}</row>')
        return self.rows

    def defer(self, count: int, source: Callable[[int], Iterable[str]]) -> int:
        """Reserve ``count`` rows whose XML ``source(first_row)`` yields at save time; returns the first row."""
        first = self.rows + 1
        self.rows += count
        self.parts.append(lambda: source(first))
        return first

    def widths(self, widths: Sequence[float]) -> None:
        self.col_widths = list(widths)
        self.setup.col_widths = self.col_widths

    def merge(self, ref: str) -> None:
        self.setup.merge(ref)

    def iter_xml(self) -> Iterator[str]:
        for part in self.parts:
            if isinstance(part, str):
                yield part
            else:
                yield from part()


class _Book:
    def __init__(self, run: ScoreRun) -> None:
        self.run = run
        self.decimals = run.rubric.settings.decimals
        self.styles = Styles()
        self.sst = _Strings()
        self.sheets: list[_Sheet] = []
        self._names: set[str] = set()
        self._numbers: dict[Decimal, str] = {}
        self._wrapped: dict[tuple[str, float], str] = {}
        self._style: _Styles | None = None

    # --- cells ---------------------------------------------------------------------------------
    def t(self, value: object, style: int) -> str:
        """A text cell (neutralised when the table is written); empty text gives a styled blank cell."""
        text = "" if value is None else str(value)
        if not text:
            return f'<c s="{style}"/>'
        return f'<c s="{style}" t="s"><v>{self.sst(text)}</v></c>'

    def n(self, value: Decimal | int | None, style: int) -> str:
        """A numeric cell; the value is written exactly (no float), the style sets the shown decimals."""
        if value is None:
            return f'<c s="{style}"/>'
        if isinstance(value, int):
            return f'<c s="{style}"><v>{value}</v></c>'
        text = self._numbers.get(value)
        if text is None:
            text = self._numbers[value] = f"{value:f}"
        return f'<c s="{style}"><v>{text}</v></c>'

    def blank(self, style: int) -> str:
        return f'<c s="{style}"/>'

    def tw(self, value: object, style: int, width: float) -> tuple[str, int]:
        """A text cell whose lines we break for a column ``width`` wide (避头尾: no line starts with "，";
        spreadsheet programs break CJK text anywhere), and its line count for the row height."""
        text = "" if value is None else str(value)
        if text:
            key = (text, width)
            wrapped = self._wrapped.get(key)
            if wrapped is None:  # hints and criteria repeat across thousands of rows: each broken once
                wrapped = self._wrapped[key] = wrap_text(text, width)
            text = wrapped
        return self.t(text, style), text.count("\n") + 1

    # --- sheets and styles -----------------------------------------------------------------------
    def sheet(self, name: str) -> _Sheet:
        # Excel: at most 31 characters, none of []:*?/\, not starting or ending with an apostrophe.
        base = (
            INVALID_SHEET_CHARS.sub("_", safe_text(name).removeprefix("'")).strip()[:31].strip("'")
            or "工作表"
        )
        title, n = base, 1
        while title.casefold() in self._names:  # Excel compares sheet names case-insensitively
            n += 1
            suffix = f"({n})"
            title = base[: 31 - len(suffix)] + suffix
        self._names.add(title.casefold())
        sheet = _Sheet(self, title)
        self.sheets.append(sheet)
        return sheet

    @property
    def style(self) -> _Styles:
        if self._style is None:
            self._style = self._make_styles()
        return self._style

    def _xf(
        self,
        *,
        font: Font,
        fill: str | None = None,
        border: bool = True,
        align: Alignment | None = None,
        number_format: str | None = None,
    ) -> int:
        return self.styles.xf(
            font=font, fill=fill or None, border=border, align=align, number_format=number_format or None
        )

    def _make_styles(self) -> _Styles:
        d = self.decimals
        body = Font(name=BODY_FONT, size=10)
        bold = Font(name=BODY_FONT, size=10, bold=True)
        grey = Font(name=BODY_FONT, size=10, color="808080")
        small = Font(name=BODY_FONT, size=9)
        red = Font(name=BODY_FONT, size=10, bold=True, color="C00000")
        wrap = Alignment(wrap_text=True, vertical="center")
        center = Alignment(horizontal="center", vertical="center", wrap_text=True)
        number = "0." + "0" * d if d > 0 else "0"
        percent = ("0." + "0" * d if d > 0 else "0") + "%"
        return _Styles(
            title=self._xf(font=Font(name=TITLE_FONT, size=16, bold=True), border=False, align=center),
            subtitle=self._xf(font=body, border=False, align=Alignment(vertical="center")),
            subtitle_right=self._xf(
                font=body, border=False, align=Alignment(horizontal="right", vertical="center")
            ),
            note=self._xf(
                font=Font(name=BODY_FONT, size=9, color="595959"),
                border=False,
                align=Alignment(wrap_text=True, vertical="top"),
            ),
            header=self._xf(font=bold, fill=HEADER_FILL, align=center),
            header_turned=self._xf(
                font=Font(name=BODY_FONT, size=9, bold=True),
                fill=HEADER_FILL,
                align=Alignment(horizontal="center", vertical="bottom", wrap_text=True, text_rotation=90),
            ),
            text=self._xf(font=body, align=wrap),
            center=self._xf(font=body, align=center),
            muted=self._xf(font=grey, align=wrap),
            number=self._xf(font=body, align=center, number_format=number),
            number_bold=self._xf(font=bold, align=center, number_format=number),
            plain_number=self._xf(font=body, align=center, number_format="General"),
            integer=self._xf(font=body, align=center, number_format="0"),
            percent=self._xf(font=body, align=center, number_format=percent),
            percent1=self._xf(font=body, align=center, number_format="0.0%"),
            matrix=self._xf(font=small, align=center, number_format="0%"),
            grades=tuple(self._xf(font=bold, fill=f, align=center) for f in GRADE_FILLS),  # type: ignore[arg-type]
            severity={
                label: self._xf(font=body, fill=f, align=center) for label, f in SEVERITY_FILLS.items()
            },
            flagged=self._xf(font=red, align=center, number_format=number),
            flagged_integer=self._xf(font=red, align=center, number_format="0"),
            weak=self._xf(font=red, fill="FFC7CE", align=center),
        )

    def grade_style(self, grade: str) -> int:
        tone = grade_tone(self.run, grade)
        return self.style.center if tone is None else self.style.grades[tone]

    # --- shared sheet furniture ------------------------------------------------------------------
    def title_rows(self, sheet: _Sheet, title: str, subtitle: str, columns: int) -> None:
        """Row 1: the title across the table (a table wider than a page: across its first page's
        columns, so the centred title prints whole); row 2: what the sheet is, the date on the right."""
        s = self.style
        if sheet.setup.first_page_columns:
            columns = min(columns, sheet.setup.first_page_columns)
        last = col_letter(columns)
        sheet.row([self.t(title, s.title)], height=30)
        sheet.merge(f"A1:{last}1")
        date = dated(self.run)
        if columns >= 4:
            split = max(1, columns - 3)
            sheet.row(
                [
                    self.t(subtitle, s.subtitle),
                    *[self.blank(s.subtitle)] * (split - 1),
                    self.t(date, s.subtitle_right),
                ],
                height=20,
            )
            sheet.merge(f"A2:{col_letter(split)}2")
            sheet.merge(f"{col_letter(split + 1)}2:{last}2")
        else:
            sheet.row([self.t(f"{subtitle}　{date}", s.subtitle)], height=20)
            sheet.merge(f"A2:{last}2")

    def header_row(self, sheet: _Sheet, columns: Sequence[str], height: float = 24) -> int:
        return sheet.row([self.t(c, self.style.header) for c in columns], height=height)

    def note_row(self, sheet: _Sheet, text: str) -> None:
        """A note across the whole table (merged), its lines broken by us (避头尾: no line starts with "，")
        a little inside the width, so no application wraps it again; tall enough for them."""
        # 9 pt CJK measured in LibreOffice: two width units a character, like 10 pt in our estimate
        wrapped = wrap_text(safe_text(text), sum(sheet.col_widths) or 60)
        row = sheet.row(
            [self.t(wrapped, self.style.note)], height=max(15.0, (wrapped.count("\n") + 1) * 12.5 + 3)
        )
        sheet.merge(f"A{row}:{col_letter(max(1, len(sheet.col_widths)))}{row}")

    def print_setup(
        self,
        sheet: _Sheet,
        *,
        landscape: bool,
        title_rows: str | None,
        heading: str,
        fit: str = "width",
        title_cols: str | None = None,
    ) -> None:
        """A4, fitted to the page width (or as ``fit`` says), the header row (and ``title_cols``) repeated,
        title/date in the page header, the sheet's own page numbers."""
        setup = sheet.setup
        setup.landscape = landscape
        setup.fit = fit
        setup.title_rows = title_rows
        setup.title_cols = title_cols
        setup.header_left = _header_text(heading)
        setup.header_right = _header_text(report_date(self.run))
        setup.header_font = BODY_FONT

    # --- writing ---------------------------------------------------------------------------------
    def save(self, fh: IO[bytes]) -> None:
        """The package, its parts in the order openpyxl wrote them (with [Content_Types].xml first)."""
        sheets = [sheet.setup for sheet in self.sheets]
        charts = [sheet for sheet in sheets if sheet.chart is not None]
        with zipfile.ZipFile(fh, "w", zipfile.ZIP_DEFLATED) as dst:

            def put(name: str, content: str | bytes) -> None:
                dst.writestr(_entry(name, 6), content.encode() if isinstance(content, str) else content)

            put("[Content_Types].xml", xlsx_parts.content_types(sheets, shared_strings=True))
            put("docProps/app.xml", xlsx_parts.APP_XML)
            put(
                "docProps/core.xml",
                xlsx_parts.core_xml("kepu-inspect", report_title(self.run), xlsx_parts.FIXED_TIME),
            )
            put("xl/theme/theme1.xml", xlsx_parts.theme_xml())
            drawing = 0
            for i, sheet in enumerate(self.sheets, start=1):
                self._write_sheet(dst, f"xl/worksheets/sheet{i}.xml", sheet)
                chart = sheet.setup.chart
                if chart is not None:
                    drawing += 1
                    put(f"xl/drawings/drawing{drawing}.xml", chart.drawing_xml())
                    put(
                        f"xl/drawings/_rels/drawing{drawing}.xml.rels",
                        xlsx_parts.relationships(
                            [(f"{xlsx_parts.REL_NS}/chart", f"/xl/charts/chart{drawing}.xml", "rId1")]
                        ),
                    )
                    put(
                        f"xl/worksheets/_rels/sheet{i}.xml.rels",
                        xlsx_parts.relationships(
                            [(f"{xlsx_parts.REL_NS}/drawing", f"/xl/drawings/drawing{drawing}.xml", "rId1")]
                        ),
                    )
            for n, setup in enumerate(charts, start=1):
                assert setup.chart is not None
                put(f"xl/charts/chart{n}.xml", setup.chart.xml())
            put("xl/styles.xml", self.styles.xml())
            put("_rels/.rels", xlsx_parts.ROOT_RELS)
            put("xl/workbook.xml", xlsx_parts.workbook_xml(sheets))
            put("xl/_rels/workbook.xml.rels", xlsx_parts.workbook_rels(sheets, shared_strings=True))
            level = 1 if len(self.sst.index) > 20000 else 6
            with dst.open(_entry("xl/sharedStrings.xml", level), "w") as out:
                for chunk in self.sst.xml():
                    out.write(chunk)

    def _write_sheet(self, dst: zipfile.ZipFile, name: str, sheet: _Sheet) -> None:
        level = 1 if sheet.rows > 5000 else 6  # big tables: fast compression matters more than size
        with dst.open(_entry(name, level), "w") as out:
            out.write(sheet.setup.head_xml().encode())
            chunk: list[str] = []
            for row in sheet.iter_xml():
                chunk.append(row)
                if len(chunk) >= 1000:
                    out.write("".join(chunk).encode())
                    chunk = []
            out.write("".join(chunk).encode())
            out.write(sheet.setup.tail_xml().encode())


def _entry(name: str, level: int) -> zipfile.ZipInfo:
    """A zip entry with a fixed time and mode, so equal content gives equal bytes."""
    info = zipfile.ZipInfo(name, date_time=xlsx_parts.ZIP_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o600 << 16
    # The per-entry level is ``compress_level`` from Python 3.13, ``_compresslevel`` before.
    setattr(info, "compress_level" if hasattr(info, "compress_level") else "_compresslevel", level)
    return info


# --- the sheets ------------------------------------------------------------------------------------
RATE_PLACES = 6  # rates are stored to six decimal places; the cell format shows fewer


def _rate(value: Decimal | None) -> Decimal | None:
    return None if value is None else round_half_up(value, RATE_PLACES)


def _ranking_sheets(book: _Book) -> None:
    run = book.run
    for table in ranking_tables(run):
        sheet = book.sheet(f"{table.group_name}排名")
        columns = table.columns
        names = [safe_text(r.result.unit_name) for r in table.ranked]
        name_width = min(30, max([12, *(_display_width(n) + 2 for n in names)]))
        widths = {"名次": 6, "单位": name_width, "等次": 8, "备注": 28, "较上年": 7, "得分率": 10}
        sheet.widths([widths.get(c, 9) for c in columns])
        book.title_rows(sheet, group_title(run, table.group_name), run.rubric.meta.issuer, len(columns))
        header = book.header_row(sheet, columns)
        first = header + 1
        with_change = "较上年" in columns
        for r in table.ranked:
            note = wrap_text(remark(r), widths["备注"])
            lines = max(_lines(safe_text(r.result.unit_name), name_width), note.count("\n") + 1)
            sheet.row(_ranking_cells(book, r, with_change, note), _height(lines))
        scored = sum(1 for r in table.ranked if r.result.scored)
        book.note_row(sheet, "说明：" + ranking_notes(run, table))
        sheet.setup.freeze = f"C{first}"
        book.print_setup(sheet, landscape=False, title_rows=f"{header}:{header}", heading=report_title(run))
        if scored:
            _ranking_chart(book, sheet, table.group_name, columns, first, scored)


def _ranking_cells(book: _Book, r: Ranked, with_change: bool, note: str) -> list[str]:
    s, res = book.style, r.result
    if res.scored:
        cells = [
            book.n(r.rank, s.integer),
            book.t(res.unit_name, s.text),
            book.n(res.self_total, s.number),
            book.n(res.base, s.number),
            book.n(res.bonus, s.number),
            book.n(res.deductions, s.number),
            book.n(res.score, s.number_bold),
            book.n(res.rate / HUNDRED, s.percent),
            book.t(res.grade, book.grade_style(res.grade)),
            book.t(note, s.text),
        ]
    else:
        cells = [
            book.t("—", s.center),
            book.t(res.unit_name, s.muted),
            *[book.blank(s.number)] * 6,
            book.t(res.grade or "—", book.grade_style(res.grade) if res.grade else s.center),
            book.t(note or STATUS_LABEL.get(res.status, ""), s.muted),
        ]
    if with_change:
        cells.append(book.t(r.change, s.center))
    return cells


def _chart_height(bars: int) -> float:
    """Centimetres for ``bars`` horizontal bars (title and axis included)."""
    return max(6.0, 0.55 * bars + 2.5)


def _chart_sheet(book: _Book, name: str, title: str, chart: Callable[[int], BarChart]) -> None:
    """A chart on a sheet of its own: printed alone on one page, never cut by a page break nor under a
    table's repeated header row. ``chart(anchor_row)`` makes the chart placed at that row."""
    sheet = book.sheet(name)
    s = book.style
    sheet.widths([10] * 9)
    sheet.row([book.t(title, s.title)], height=30)
    sheet.merge("A1:I1")
    sheet.row([book.t(dated(book.run), s.subtitle_right)], height=20)
    sheet.merge("A2:I2")
    sheet.setup.chart = chart(3)
    book.print_setup(sheet, landscape=False, title_rows=None, heading=report_title(book.run), fit="page")


def _ranking_chart(
    book: _Book, table_sheet: _Sheet, group_name: str, columns: Sequence[str], first: int, scored: int
) -> None:
    """总分 of the scored units (the top CHART_MAX_BARS of a long ranking) as horizontal bars, first
    row at the top: long Chinese names stay readable."""
    bars = min(scored, CHART_MAX_BARS)
    shown = f"（前{bars}名）" if scored > bars else ""
    _chart_sheet(
        book,
        f"{group_name}排名图",
        f"{group_title(book.run, group_name)}：总分",
        lambda row: BarChart(
            title=f"{safe_text(group_name)}总分{shown}",
            sheet=table_sheet.setup.title,
            data_col=columns.index("总分") + 1,
            header_row=first - 1,
            last_row=first + bars - 1,
            category_col=columns.index("单位") + 1,
            number_format="0",
            anchor=f"A{row}",
            height=_chart_height(bars),
            data_labels=True,
        ),
    )


def _matrix_sheet(book: _Book) -> None:
    run, s = book.run, book.style
    matrix = score_matrix(run)
    fixed = ("分组", "单位", "名次", "总分")
    columns = (*fixed, *(c.heading for c in matrix.columns))
    sheet = book.sheet("得分矩阵")
    item_width = 5.5
    sheet.setup.first_page_columns = len(fixed) + MATRIX_ITEMS_PER_PAGE
    sheet.widths([12, 16, 5, 8, *[item_width] * len(matrix.columns)])
    book.title_rows(
        sheet,
        f"{report_title(run)}：各单位分项得分率",
        "数值为各项得分率（得分 ÷ 分值），空白表示该项不适用于该单位；红低绿高",
        len(columns),
    )
    # Item headings are turned 90°, two lines to a column; the row's height is the lines' length, and we
    # break them there ourselves (避头尾: a turned line never starts with "）" either).
    longest = max((_display_width(safe_text(c.heading)) for c in matrix.columns), default=8)
    height = min(160.0, max(40.0, 6.0 * longest / 2 + 12))
    per_line = max(2, int((height - 6) / 10))  # 9 pt characters along the turned line
    header = sheet.row(
        [book.t(c, s.header) for c in fixed]
        + [book.t(wrap_text(c.heading, per_line * 2 / 0.9), s.header_turned) for c in matrix.columns],
        height=height,
    )
    first = header + 1

    def rows(first_row: int) -> Iterator[str]:
        group_cells: dict[str, str] = {}
        for i, (group_name, r, rates) in enumerate(matrix.rows):
            gcell = group_cells.get(group_name)
            if gcell is None:
                gcell = group_cells[group_name] = book.t(group_name, s.text)
            cells = [
                gcell,
                book.t(r.result.unit_name, s.text),
                book.n(r.rank, s.integer),
                book.n(r.result.score, s.number),
            ]
            cells.extend(book.n(_rate(v), s.matrix) for v in rates)
            n = str(first_row + i)
            yield f'<row r="{n}">{_placed(cells, n)}</row>'

    sheet.defer(len(matrix.rows), rows)
    last = sheet.rows
    if matrix.rows and matrix.columns:
        sheet.setup.color_scale = f"E{first}:{col_letter(len(columns))}{last}"  # red (low) – yellow – green
        sheet.setup.auto_filter = f"A{header}:{col_letter(len(columns))}{last}"
    else:
        book.note_row(sheet, "没有已评分的单位。")
    sheet.setup.freeze = f"E{first}"
    # at 100 % (9 pt): a wide matrix runs over several pages, each repeating the units and the item headings
    book.print_setup(
        sheet,
        landscape=True,
        title_rows=f"{header}:{header}",
        heading=report_title(run),
        fit="none",
        title_cols="A:D",
    )


def _analysis_sheet(book: _Book) -> None:
    run, s = book.run, book.style
    analysis = item_analysis(run)
    sheet = book.sheet("项目分析")
    widths = [6, 8, 34, 10, 11, 18, 8]
    sheet.widths(widths)
    columns = ITEM_ANALYSIS_COLUMNS
    book.title_rows(sheet, f"{report_title(run)}：考核项目分析", "按平均得分率由低到高排列", len(columns))
    header = book.header_row(sheet, columns)
    for i, a in enumerate(analysis):
        weak = is_weak(i, a)
        title, title_lines = book.tw(a.title, s.text, widths[2])
        lowest, lowest_lines = book.t(a.lowest_unit, s.text), _lines(safe_text(a.lowest_unit), widths[5])
        sheet.row(
            [
                book.n(i + 1, s.integer),
                book.t(a.number, s.center),
                title,
                book.n(a.units, s.integer),
                book.n(_rate(a.average_rate), s.percent1),
                lowest,
                book.t("短板" if weak else "", s.weak if weak else s.center),
            ],
            _height(max(title_lines, lowest_lines)),
        )
    if not analysis:
        book.note_row(sheet, "没有已评分的单位。")
    book.note_row(
        sheet,
        f"说明：平均得分率 = 各单位该项得分 ÷ 该项分值的平均数（不含加分项目）；平均得分率最低的"
        f"{WEAK_ITEMS}项（满分项目除外）列为短板，是下一年度工作的重点。",
    )
    book.print_setup(sheet, landscape=False, title_rows=f"{header}:{header}", heading=report_title(run))
    bars = min(len(analysis), CHART_MAX_BARS)
    if bars:
        _chart_sheet(
            book,
            "项目分析图",
            f"{report_title(run)}：各项目平均得分率",
            lambda row: BarChart(
                title="各项目平均得分率（由低到高）",
                sheet=sheet.setup.title,
                data_col=5,
                header_row=header,
                last_row=header + bars,
                category_col=3,
                number_format="0%",
                anchor=f"A{row}",
                height=_chart_height(bars),
                axis_min_max=(0, 1),
            ),
        )


def _self_vs_verified_sheet(book: _Book) -> None:
    run, s = book.run, book.style
    rows = self_vs_verified(run)
    columns = SELF_VS_VERIFIED_COLUMNS
    sheet = book.sheet("自评与核定对比")
    widths = [12, 16, 9, 9, 9, 10, 60]
    sheet.widths(widths)
    threshold = run.rubric.settings.overclaim_threshold
    rule = (
        f"单项自评分比核定分高出 {fmt(threshold)} 分以上的，列为疑似虚报"
        if threshold is not None
        else "未设置疑似虚报标准"
    )
    book.title_rows(
        sheet, f"{report_title(run)}：自评分与核定分对比", f"差值 = 自评分 − 核定分；{rule}", len(columns)
    )
    header = book.header_row(sheet, columns)
    for group, unit, self_total, base, diff, count, listed in rows:
        flagged = count not in ("", "0")
        unit_cell, unit_lines = book.t(unit, s.text), _lines(safe_text(unit), widths[1])
        listed_cell, listed_lines = book.tw(listed, s.text, widths[6])
        sheet.row(
            [
                book.t(group, s.text),
                unit_cell,
                book.n(Decimal(self_total), s.number),
                book.n(Decimal(base), s.number),
                book.n(Decimal(diff), s.flagged if flagged else s.number),
                book.n(int(count), s.flagged_integer if flagged else s.integer),
                listed_cell,
            ],
            _height(max(unit_lines, listed_lines)),
        )
    if rows:
        sheet.setup.auto_filter = f"A{header}:{col_letter(len(columns))}{sheet.rows}"
    else:
        book.note_row(sheet, "没有已评分的单位。")
    sheet.setup.freeze = f"C{header + 1}"
    book.print_setup(sheet, landscape=True, title_rows=f"{header}:{header}", heading=report_title(run))


def _problems_sheet(book: _Book) -> None:
    run, s = book.run, book.style
    rows = problem_rows(run)
    columns = PROBLEM_COLUMNS
    sheet = book.sheet("问题清单")
    widths = [8, 6, 14, 24, 14, 50, 38]
    sheet.widths(widths)
    counts = {label: sum(1 for r in rows if r[1] == label) for label in ("错误", "警告", "提示")}
    summary = f"共 {len(rows)} 条（" + "，".join(f"{k} {v} 条" for k, v in counts.items()) + "）"
    book.title_rows(sheet, f"{report_title(run)}：材料问题清单", summary, len(columns))
    header = book.header_row(sheet, columns)
    for row in rows:
        code, level, unit, file, where, message, hint = row
        # names stay whole (the sheet is filtered by them); the prose is broken by us (避头尾)
        message_cell, message_lines = book.tw(message, s.text, widths[5])
        hint_cell, hint_lines = book.tw(hint, s.text, widths[6])
        names = max(_lines(safe_text(v), w) for v, w in zip((unit, file, where), widths[2:5], strict=True))
        sheet.row(
            [
                book.t(code, s.center),
                book.t(level, s.severity.get(level, s.center)),
                book.t(unit, s.text),
                book.t(file, s.text),
                book.t(where, s.text),
                message_cell,
                hint_cell,
            ],
            _height(max(names, message_lines, hint_lines)),
        )
    if rows:
        sheet.setup.auto_filter = f"A{header}:{col_letter(len(columns))}{sheet.rows}"
    else:
        book.note_row(sheet, "未发现问题。")
    sheet.setup.freeze = f"A{header + 1}"
    book.print_setup(sheet, landscape=True, title_rows=f"{header}:{header}", heading=report_title(run))


def _changes_sheet(book: _Book) -> None:
    """更正说明 (what changed since 公示, and why) and 异议处理情况 (every objection and its answer)."""
    run, s = book.run, book.style
    changes, objections = change_rows(run), objection_rows(run)
    sheet = book.sheet("更正说明")
    widths = [12, 16, 24, 24, 50, 8]
    sheet.widths(widths)
    ledger = f"更正台账：{run.ledger.source}（SHA-256 {run.ledger.sha256[:12]}）" if run.ledger else ""
    book.title_rows(sheet, f"{report_title(run)}：更正说明", ledger, len(widths))
    first = book.header_row(sheet, (*CHANGE_COLUMNS, ""))
    for row in changes:
        wrapped = [
            book.tw(v, s.text, w) if i >= 2 else (book.t(v, s.text), 1)
            for i, (v, w) in enumerate(zip(row, widths, strict=False))
        ]
        sheet.row(
            [*(cell for cell, _ in wrapped), book.blank(s.text)],
            _height(max((n for _, n in wrapped), default=1)),
        )
    if run.changes is not None and not changes:
        book.note_row(sheet, "与公示结果相比，没有单位的名次、得分或等次发生变化。")
    if objections:
        book.header_row(sheet, OBJECTION_COLUMNS)
        for row in objections:
            wrapped = [
                book.tw(v, s.text, w) if 0 < i < 4 else (book.t(v, s.text), 1)
                for i, (v, w) in enumerate(zip(row, widths, strict=True))
            ]
            sheet.row([cell for cell, _ in wrapped], _height(max((n for _, n in wrapped), default=1)))
    book.print_setup(sheet, landscape=True, title_rows=f"{first}:{first}", heading=report_title(run))


def _review_sheet(book: _Book) -> None:
    """复核提示: the pairs whose ranks, and the units whose grades, a disputed score could change."""
    run, s = book.run, book.style
    pairs, grades = review_tables(run)
    sheet = book.sheet("复核提示")
    widths = [12, 6, 14, 6, 14, 8, 8, 60]
    sheet.widths(widths)
    book.title_rows(
        sheet,
        f"{report_title(run)}：复核提示（公示前核对）",
        f"名次可能变化 {len(pairs)} 对，等次可能变化 {len(grades)} 个；按差距由小到大排列",
        len(widths),
    )
    book.note_row(
        sheet,
        "每项有争议的评分（自评分与核定分不同、检查人员意见不一、未核定、否决事项意见不一）取其可能的最低和最高值，"
        "得到每个单位总分的最低和最高值；两个单位的区间重叠即名次可能互换，区间跨过等次分数线即等次可能改变。",
    )
    first = book.header_row(sheet, ("分组", "名次", "单位", "名次", "单位", "相差", "", "可能的变化"))
    for row in pairs:
        group, r1, u1, r2, u2, gap, reason = row
        reason_cell, lines = book.tw(reason, s.text, widths[7])
        sheet.row(
            [
                book.t(group, s.text),
                book.t(r1, s.center),
                book.t(u1, s.text),
                book.t(r2, s.center),
                book.t(u2, s.text),
                book.t(gap, s.center),
                book.blank(s.text),
                reason_cell,
            ],
            _height(lines),
        )
    book.header_row(sheet, ("分组", "名次", "单位", "总分", "等次", "可能变为", "分数线", "可能的变化"))
    for row in grades:
        group, rank, unit, score, grade, other, line, reason = row
        reason_cell, lines = book.tw(reason, s.text, widths[7])
        sheet.row(
            [
                book.t(group, s.text),
                book.t(rank, s.center),
                book.t(unit, s.text),
                book.t(score, s.center),
                book.t(grade, s.center),
                book.t(other, s.center),
                book.t(line, s.center),
                reason_cell,
            ],
            _height(lines),
        )
    if not pairs and not grades:
        book.note_row(sheet, "没有名次或等次会因有争议的评分而改变。")
    book.print_setup(sheet, landscape=True, title_rows=f"{first}:{first}", heading=report_title(run))


UNIT_COLUMNS = DETAIL_COLUMNS[
    2:
]  # 序号 … 依据/理由: a unit's own sheet names the unit and group in its title
UNIT_WIDTHS = (6, 16, 28, 12, 6, 24, 7, 7, 7, 36, 22)
_W_TITLE, _W_TEXT, _W_RULE, _W_INPUTS, _W_REASON, _W_OPINION = (
    UNIT_WIDTHS[1],
    UNIT_WIDTHS[2],
    UNIT_WIDTHS[3],
    UNIT_WIDTHS[5],
    UNIT_WIDTHS[9],
    UNIT_WIDTHS[10],
)


class _CriterionCells:
    """The cells that are the same for a criterion in every unit (序号 … 分值), built once, their text
    broken by us into lines (避头尾), with the lines they take."""

    def __init__(self, book: _Book, with_title_lines: bool) -> None:
        self.book = book
        self.with_title_lines = with_title_lines
        self.cache: dict[tuple[str, Decimal], tuple[list[str], int]] = {}
        self.title_lines: dict[str, int] = {}

    def __call__(self, it: ItemResult, c: CriterionResult) -> tuple[list[str], int]:
        key = (c.uid, c.max_points)
        hit = self.cache.get(key)
        if hit is None:
            book, s = self.book, self.book.style
            title, title_lines = book.tw(item_label(it), s.text, _W_TITLE)
            text, text_lines = book.tw(criterion_label(c), s.text, _W_TEXT)
            rule, rule_lines = book.tw(c.rule, s.center, _W_RULE)
            cells = [book.t(it.number, s.center), title, text, rule, book.n(c.max_points, s.plain_number)]
            lines = max(text_lines, rule_lines)
            if self.with_title_lines:
                lines = max(lines, title_lines)
            self.title_lines[it.item_id] = title_lines
            hit = self.cache[key] = (cells, lines)
        return hit


def _unit_summary(book: _Book, group_name: str, r: Ranked) -> str:
    res: UnitResult = r.result
    d = book.decimals
    text = (
        f"单位：{res.unit_name}　分组：{group_name}　名次：{r.rank}　总分：{fmt(res.score, d)}　"
        f"等次：{res.grade or '—'}　基本分满分：{fmt(res.max_base)}　自评分：{fmt(res.self_total, d)}　"
        f"核定分：{fmt(res.base, d)}　加分：{fmt(res.bonus, d)}　扣分：{fmt(res.deductions, d)}"
    )
    return text + ("。" + "；".join(res.notes) if res.notes else "")


def _inspection_rows(book: _Book, sheet: _Sheet, res: UnitResult) -> None:
    """The unit's 督导检查意见 (issue 14), a line per part, label and text in cells of their own so the
    office copies them into its 通报."""
    lines = inspection_lines(res)
    if not lines:
        return
    s = book.style
    last = col_letter(len(UNIT_COLUMNS))
    row = sheet.row([book.t("督导检查意见", s.header), *[book.blank(s.header)] * (len(UNIT_COLUMNS) - 1)])
    sheet.merge(f"A{row}:{last}{row}")
    text_width = sum(UNIT_WIDTHS[2:])
    for label, text in lines:
        cell, count = book.tw(text, s.text, text_width)
        row = sheet.row(
            [
                book.t(label, s.center),
                book.blank(s.center),
                cell,
                *[book.blank(s.text)] * (len(UNIT_COLUMNS) - 3),
            ],
            _height(count),
        )
        sheet.merge(f"A{row}:B{row}")
        sheet.merge(f"C{row}:{last}{row}")


def _unit_sheets(book: _Book) -> None:
    run, s = book.run, book.style
    criterion_cells = _CriterionCells(book, with_title_lines=False)
    for group_name, r in scored_in_rank_order(run):
        res = r.result
        sheet = book.sheet(res.unit_name)
        sheet.widths(UNIT_WIDTHS)
        book.title_rows(
            sheet, f"{report_title(run)}：评分明细", in_group(res.unit_name, group_name), len(UNIT_COLUMNS)
        )
        book.note_row(sheet, _unit_summary(book, group_name, r))
        _inspection_rows(book, sheet, res)
        header = book.header_row(sheet, UNIT_COLUMNS)
        last_col = col_letter(len(UNIT_COLUMNS))
        for it in res.items:
            start = sheet.rows + 1
            opinion, opinion_lines = book.tw(it.opinion, s.text, _W_OPINION)
            above = 0  # lines of the item's rows so far
            for i, c in enumerate(it.criteria):
                fixed, lines = criterion_cells(it, c)
                # the item's title and 核查意见 are merged over its rows: the last row makes up their room
                merged = max(criterion_cells.title_lines[it.item_id], opinion_lines)
                if len(it.criteria) == 1:
                    lines = max(lines, merged)
                elif i == len(it.criteria) - 1:
                    lines = max(lines, merged - above)
                inputs, input_lines = book.tw(inputs_text(c), s.text, _W_INPUTS)
                reason, reason_lines = book.tw(c.reason, s.text, _W_REASON)
                lines = max(lines, input_lines, reason_lines)
                above += lines
                sheet.row(
                    [
                        *fixed,
                        inputs,
                        book.n(c.self_score, s.plain_number),
                        book.n(c.verified, s.plain_number),
                        book.n(c.points, s.plain_number),
                        reason,
                        opinion if i == 0 else book.blank(s.text),
                    ],
                    _height(lines),
                )
            if len(it.criteria) > 1:
                for col in ("A", "B", last_col):
                    sheet.merge(f"{col}{start}:{col}{sheet.rows}")
        total = sheet.row(
            [
                book.t("合计（基本分）", s.header),
                *[book.blank(s.header)] * 3,
                book.n(res.max_base, s.number_bold),
                book.blank(s.header),
                book.n(res.self_total, s.number_bold),
                book.blank(s.header),
                book.n(res.base, s.number_bold),
                book.blank(s.header),
                book.blank(s.header),
            ]
        )
        sheet.merge(f"A{total}:D{total}")
        sheet.setup.freeze = f"C{header + 1}"
        book.print_setup(
            sheet,
            landscape=True,
            title_rows=f"{header}:{header}",
            heading=f"{report_title(run)}　{res.unit_name}",
        )


def _detail_table(book: _Book) -> None:
    run, s = book.run, book.style
    units = scored_in_rank_order(run)
    count = sum(len(it.criteria) for _, r in units for it in r.result.items)
    sheet = book.sheet("评分明细")
    sheet.widths([16, 12, *UNIT_WIDTHS])
    columns = DETAIL_COLUMNS
    book.title_rows(
        sheet,
        f"{report_title(run)}：评分明细",
        f"共 {len(units)} 个单位、{count} 条评分细项；可用表头的筛选按钮按单位、分组或项目筛选",
        len(columns),
    )
    header = book.header_row(sheet, columns)
    criterion_cells = _CriterionCells(book, with_title_lines=True)

    def rows(first_row: int) -> Iterator[str]:
        # The hot loop of a large inspection (one pass per criterion of every unit): each row is a
        # template with ROW_MARK for its number, lookups are inlined, and the cells that repeat
        # (numbers, criterion texts, heights) come from caches.
        n = first_row
        text, index, mark = s.text, book.sst.index, ROW_MARK
        numbers: dict[tuple[Decimal | None, Decimal | None, Decimal], str] = {}  # 自评分, 核定分, 得分 (I–K)
        fixed_rows: dict[tuple[str, Decimal], tuple[str, int]] = {}
        heights = [_ht(_height(lines)) for lines in range(200)]
        per_inputs, per_reason = int(_W_INPUTS) - 1, int(_W_REASON) - 1
        inputs_blank = f'<c r="H{mark}" s="{text}"/>'
        inputs_head, reason_head = (
            f'<c r="H{mark}" s="{text}" t="s"><v>',
            f'<c r="L{mark}" s="{text}" t="s"><v>',
        )
        opinion_blank = f'<c r="M{mark}" s="{text}"/>'
        per_opinion = int(_W_OPINION) - 1
        for group_name, r in units:
            res = r.result
            head = f'<row r="{mark}"'
            unit_cells = _placed([book.t(res.unit_name, text), book.t(group_name, text)], mark)
            for it in res.items:
                opinion_cell, opinion_lines = opinion_blank, 1
                if it.opinion:  # the item's 核查意见, on each of its criteria (the table is filtered by row)
                    oi = index.get(it.opinion)
                    if oi is None:
                        oi = index[it.opinion] = len(index)
                    opinion_cell = f'<c r="M{mark}" s="{text}" t="s"><v>{oi}</v></c>'
                    opinion_lines = -(
                        -((len(it.opinion.encode("utf-8", "surrogatepass")) + len(it.opinion)) // 2)
                        // per_opinion
                    )
                for c in it.criteria:
                    key = (c.uid, c.max_points)
                    hit = fixed_rows.get(key)
                    if hit is None:
                        cells, lines = criterion_cells(it, c)
                        hit = fixed_rows[key] = (_placed(cells, mark, 2), lines)
                    fixed, lines = hit
                    reason = c.reason
                    ri = index.get(reason)
                    if ri is None:
                        ri = index[reason] = len(index)
                    need = -(
                        -((len(reason.encode("utf-8", "surrogatepass")) + len(reason)) // 2) // per_reason
                    )
                    if need > lines:
                        lines = need
                    if c.inputs:
                        inputs = inputs_text(c)
                        ii = index.get(inputs)
                        if ii is None:
                            ii = index[inputs] = len(index)
                        inputs_cell = f"{inputs_head}{ii}</v></c>"
                        need = -(
                            -((len(inputs.encode("utf-8", "surrogatepass")) + len(inputs)) // 2) // per_inputs
                        )
                        if need > lines:
                            lines = need
                    else:
                        inputs_cell = inputs_blank
                    values = (c.self_score, c.verified, c.points)
                    number_cells = numbers.get(values)
                    if number_cells is None:
                        number_cells = numbers[values] = _placed(
                            [book.n(v, s.plain_number) for v in values], mark, 8
                        )
                    if opinion_lines > lines:
                        lines = opinion_lines
                    ht = heights[lines] if lines < 200 else _ht(_height(lines))
                    yield (
                        f"{head}{ht}>{unit_cells}{fixed}{inputs_cell}{number_cells}{reason_head}{ri}</v></c>"
                        f"{opinion_cell}</row>"
                    ).replace(mark, str(n))
                    n += 1

    sheet.defer(count, rows)
    sheet.setup.auto_filter = f"A{header}:{col_letter(len(columns))}{max(sheet.rows, header)}"
    sheet.setup.freeze = f"C{header + 1}"
    book.print_setup(sheet, landscape=True, title_rows=f"{header}:{header}", heading=report_title(run))


# --- entry points ----------------------------------------------------------------------------------
def _build(run: ScoreRun, per_unit_sheets: bool | None, rankings_only: bool = False) -> _Book:
    book = _Book(run)
    _ranking_sheets(book)
    if rankings_only and book.sheets:
        return book
    if not book.sheets:  # no group has units: still a valid, explained workbook
        sheet = book.sheet("考核结果")
        sheet.widths([16] * 6)
        book.title_rows(sheet, report_title(run), run.rubric.meta.issuer, 6)
        book.note_row(sheet, "没有参加考核的单位。")
        book.print_setup(sheet, landscape=False, title_rows=None, heading=report_title(run))
    _matrix_sheet(book)
    _analysis_sheet(book)
    _self_vs_verified_sheet(book)
    _review_sheet(book)
    if run.changes is not None or run.ledger is not None:
        _changes_sheet(book)
    _problems_sheet(book)
    scored = len(scored_in_rank_order(run))
    if per_unit_sheets is None:
        per_unit_sheets = scored <= DETAIL_SHEET_LIMIT
    if per_unit_sheets:
        _unit_sheets(book)
    else:
        _detail_table(book)
    return book


def xlsx_report_bytes(run: ScoreRun, *, per_unit_sheets: bool | None = None) -> bytes:
    """The report workbook as bytes (equal results give equal bytes)."""
    out = io.BytesIO()
    _build(run, per_unit_sheets).save(out)
    return out.getvalue()


def write_xlsx_report(
    run: ScoreRun, sink: IO[bytes], *, per_unit_sheets: bool | None = None, rankings_only: bool = False
) -> None:
    """Write the report workbook into ``sink`` (the caller makes the file and replaces it atomically).

    ``per_unit_sheets``: a detail sheet per unit (True) or one filterable 评分明细 table (False);
    None chooses by size — per-unit sheets up to DETAIL_SHEET_LIMIT scored units.
    ``rankings_only``: just the ranking sheets with their charts (the lean file for the notice).
    """
    _build(run, per_unit_sheets, rankings_only).save(sink)


__all__ = ["DETAIL_SHEET_LIMIT", "write_xlsx_report", "xlsx_report_bytes"]
