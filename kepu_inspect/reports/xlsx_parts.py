"""The package parts of the report workbook other than cell rows: styles, sheet furniture, workbook,
relationships, charts — written as XML text, without openpyxl.

Why: the report used openpyxl (write-only) for this furniture. Importing openpyxl costs 60–130 ms
(it pulls in numpy when installed) and its object model another ~100 ms for a city-sized report
(43 sheets), most of a small ``score`` run. The report uses a small, fixed set of features, so they
are written here directly. The XML is what openpyxl 3.1 writes for the same settings (element order,
attribute order, number formatting, merge-cell order), so files are byte-for-byte as before except the
application name in docProps/app.xml; ``tests/test_report_xlsx.py`` reads them back with openpyxl.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from kepu_inspect.core.cellref import col_letter
from kepu_inspect.reports.xlsx_print import a4_page_setup_xml
from kepu_inspect.reports.xlsx_theme import THEME_XML

# Reproducible files: equal results give equal bytes (no "now" in the zip or the document properties).
FIXED_TIME = "2000-01-01T00:00:00Z"
ZIP_TIME = (2000, 1, 1, 0, 0, 0)

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
DRAWING_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"
CHART_NS = "http://schemas.openxmlformats.org/drawingml/2006/chart"
APPLICATION = "Microsoft Excel Compatible / kepu-inspect"
# Page numbers per sheet: the sheet's name and its page. A total ("共 N 页") would count every sheet of the
# workbook in LibreOffice (and in Excel printing the whole workbook), so none is printed.
REPORT_FOOTER = "&A　第 &P 页"

# Number formats Excel knows by id (the subset of openpyxl's BUILTIN_FORMATS the report can use).
BUILTIN_FORMATS = {"General": 0, "0": 1, "0.00": 2, "#,##0": 3, "#,##0.00": 4, "0%": 9, "0.00%": 10}
DEFAULT_FONT = (
    '<font><name val="Calibri"/><family val="2"/><color theme="1"/><sz val="11"/><scheme val="minor"/></font>'
)
DEFAULT_FILLS = ("<fill><patternFill/></fill>", '<fill><patternFill patternType="gray125"/></fill>')
DEFAULT_BORDER = "<border><left/><right/><top/><bottom/><diagonal/></border>"
_INDEXED_COLORS = (  # openpyxl's COLOR_INDEX, the legacy palette
    "000000 FFFFFF FF0000 00FF00 0000FF FFFF00 FF00FF 00FFFF 000000 FFFFFF FF0000 00FF00 0000FF FFFF00 FF00FF "
    "00FFFF 800000 008000 000080 808000 800080 008080 C0C0C0 808080 9999FF 993366 FFFFCC CCFFFF 660066 FF8080 "
    "0066CC CCCCFF 000080 FF00FF FFFF00 00FFFF 800080 800000 008080 0000FF 00CCFF CCFFFF CCFFCC FFFF99 99CCFF "
    "FF99CC CC99FF FFCC99 3366FF 33CCCC 99CC00 FFCC00 FF9900 FF6600 666699 969696 003366 339966 003300 333300 "
    "993300 993366 333399 333333"
)
INDEXED_COLORS = _INDEXED_COLORS.split()


def text_xml(value: str) -> str:
    """Escape element text as lxml (which openpyxl used) does."""
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")


def attr_xml(value: str) -> str:
    """Escape an attribute value as lxml does."""
    return text_xml(value).replace('"', "&quot;").replace("\n", "&#10;").replace("\t", "&#9;")


def ascii_xml(value: str) -> str:
    """Escaped text with every non-ASCII character as a character reference (openpyxl wrote worksheet
    furniture with lxml's default ASCII encoding)."""
    return text_xml(value).encode("ascii", "xmlcharrefreplace").decode("ascii")


def number(value: float) -> str:
    """Numbers in attributes, as openpyxl's safe_string formats them."""
    return f"{value:.16g}"


_CELL = re.compile(r"^([A-Z]+)(\d+)$")


def _cell(ref: str) -> tuple[int, int]:
    """(row, column) of a cell reference like B7."""
    match = _CELL.match(ref)
    if match is None:
        raise ValueError(f"not a cell reference: {ref!r}")
    letters, row = match.groups()
    col = 0
    for ch in letters:
        col = col * 26 + ord(ch) - 64
    return int(row), col


def quote_sheetname(name: str) -> str:
    return "'" + name.replace("'", "''") + "'"


# --- styles ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Font:
    name: str
    size: float
    bold: bool = False
    color: str | None = None  # RRGGBB

    def xml(self) -> str:
        bold = '<b val="1"/>' if self.bold else ""
        color = f'<color rgb="00{self.color}"/>' if self.color else ""
        return f'<font><name val="{attr_xml(self.name)}"/>{bold}{color}<sz val="{number(self.size)}"/></font>'


@dataclass(frozen=True)
class Alignment:
    horizontal: str | None = None
    vertical: str | None = None
    text_rotation: int = 0
    wrap_text: bool = False

    def xml(self) -> str:
        attrs = [
            ("horizontal", self.horizontal),
            ("vertical", self.vertical),
            ("textRotation", str(self.text_rotation) if self.text_rotation else None),
            ("wrapText", "1" if self.wrap_text else None),
        ]
        return "<alignment" + "".join(f' {k}="{v}"' for k, v in attrs if v) + "/>"


class Styles:
    """The workbook's fonts, fills, borders, number formats and cell formats, each stored once in the
    order first used (as openpyxl numbers them)."""

    def __init__(self) -> None:
        self.fonts: dict[Font, int] = {}
        self.fills: dict[str, int] = {}
        self.number_formats: dict[str, int] = {}
        self.xfs: dict[tuple[int, int, int, int, Alignment | None], int] = {}

    def xf(
        self,
        *,
        font: Font,
        fill: str | None,
        border: bool,
        align: Alignment | None,
        number_format: str | None,
    ) -> int:
        """The cell format id (index into cellXfs) for these settings."""
        font_id = 1 + self.fonts.setdefault(font, len(self.fonts))
        fill_id = 0 if fill is None else 2 + self.fills.setdefault(fill, len(self.fills))
        border_id = 1 if border else 0
        fmt_id = 0
        if number_format is not None:
            fmt_id = BUILTIN_FORMATS.get(number_format, -1)
            if fmt_id < 0:
                fmt_id = 164 + self.number_formats.setdefault(number_format, len(self.number_formats))
        key = (fmt_id, font_id, fill_id, border_id, align if align != Alignment() else None)
        return 1 + self.xfs.setdefault(key, len(self.xfs))

    def xml(self) -> str:
        formats = "".join(
            f'<numFmt numFmtId="{164 + i}" formatCode="{attr_xml(code)}"/>'
            for code, i in self.number_formats.items()
        )
        fonts = DEFAULT_FONT + "".join(f.xml() for f in self.fonts)
        fills = "".join(DEFAULT_FILLS) + "".join(
            f'<fill><patternFill patternType="solid"><fgColor rgb="00{rgb}"/></patternFill></fill>'
            for rgb in self.fills
        )
        side = '<{0} style="thin"><color rgb="00808080"/></{0}>'
        thin = "<border>" + "".join(side.format(s) for s in ("left", "right", "top", "bottom")) + "</border>"
        xfs = [
            '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" pivotButton="0" quotePrefix="0" xfId="0"/>'
        ]
        for fmt_id, font_id, fill_id, border_id, align in self.xfs:
            head = f'<xf numFmtId="{fmt_id}" fontId="{font_id}" fillId="{fill_id}" borderId="{border_id}"'
            if align is None:
                xfs.append(f'{head} pivotButton="0" quotePrefix="0" xfId="0"/>')
            else:
                xfs.append(
                    f'{head} applyAlignment="1" pivotButton="0" quotePrefix="0" xfId="0">{align.xml()}</xf>'
                )
        colors = "".join(f'<rgbColor rgb="00{c}"/>' for c in INDEXED_COLORS)
        return (
            f'<styleSheet xmlns="{MAIN_NS}"><numFmts count="{len(self.number_formats)}">{formats}</numFmts>'
            f'<fonts count="{1 + len(self.fonts)}">{fonts}</fonts>'
            f'<fills count="{2 + len(self.fills)}">{fills}</fills>'
            f'<borders count="2">{DEFAULT_BORDER}{thin}</borders>'
            '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
            f'<cellXfs count="{len(xfs)}">{"".join(xfs)}</cellXfs>'
            '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0" hidden="0"/></cellStyles>'
            '<tableStyles count="0" defaultTableStyle="TableStyleMedium9" defaultPivotStyle="PivotStyleLight16"/>'
            f"<colors><indexedColors>{colors}</indexedColors></colors></styleSheet>"
        )


# --- charts ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class BarChart:
    """Horizontal bars of one column against the names in another, first row at the top."""

    title: str
    sheet: str  # the sheet holding the data
    data_col: int  # 1-based; the header row holds the series title
    header_row: int
    last_row: int
    category_col: int
    number_format: str
    anchor: str  # top-left cell of the chart
    height: float  # cm
    width: float = 17  # cm
    data_labels: bool = False
    axis_min_max: tuple[int, int] | None = None

    def _ref(self, col: int, first: int, last: int) -> str:
        letter = col_letter(col)
        if first == last:
            return f"{quote_sheetname(self.sheet)}!${letter}${first}"
        return f"{quote_sheetname(self.sheet)}!${letter}${first}:${letter}${last}"

    def xml(self) -> str:
        a = f'xmlns:a="{DRAWING_NS}"'
        series_title = text_xml(f"{quote_sheetname(self.sheet)}!{col_letter(self.data_col)}{self.header_row}")
        cats = text_xml(self._ref(self.category_col, self.header_row + 1, self.last_row))
        vals = text_xml(self._ref(self.data_col, self.header_row + 1, self.last_row))
        labels = (
            (
                '<dLbls><showLegendKey val="0"/><showVal val="1"/><showCatName val="0"/><showSerName val="0"/>'
                '<showPercent val="0"/></dLbls>'
            )
            if self.data_labels
            else ""
        )
        scaling = '<orientation val="minMax"/>'
        if self.axis_min_max is not None:
            low, high = self.axis_min_max
            scaling += f'<max val="{number(high)}"/><min val="{number(low)}"/>'
        # one paragraph per line, as openpyxl's title_maker makes them
        title = "".join(
            f"<a:p {a}><a:pPr><a:defRPr/></a:pPr><a:r><a:t>{text_xml(line)}</a:t></a:r></a:p>"
            for line in self.title.split("\n")
        )
        return (
            f'<chartSpace xmlns="{CHART_NS}"><style val="10"/><chart><title><tx><rich><a:bodyPr {a}/>'
            f"{title}</rich></tx></title>"
            '<plotArea><barChart><barDir val="bar"/><grouping val="clustered"/><ser><idx val="0"/><order val="0"/>'
            f'<tx><strRef><f>{series_title}</f></strRef></tx><spPr><a:ln {a}><a:prstDash val="solid"/></a:ln></spPr>'
            f"<cat><numRef><f>{cats}</f></numRef></cat><val><numRef><f>{vals}</f></numRef></val></ser>{labels}"
            '<gapWidth val="60"/><axId val="10"/><axId val="100"/></barChart>'
            '<catAx><axId val="10"/><scaling><orientation val="maxMin"/></scaling><delete val="0"/><axPos val="l"/>'
            '<majorTickMark val="none"/><minorTickMark val="none"/><crossAx val="100"/><lblOffset val="100"/></catAx>'
            f'<valAx><axId val="100"/><scaling>{scaling}</scaling><delete val="0"/><axPos val="l"/><majorGridlines/>'
            f'<numFmt formatCode="{attr_xml(self.number_format)}" sourceLinked="0"/><majorTickMark val="none"/>'
            '<minorTickMark val="none"/><crossAx val="10"/></valAx></plotArea><plotVisOnly val="1"/>'
            '<dispBlanksAs val="gap"/></chart></chartSpace>'
        )

    def drawing_xml(self) -> str:
        row, col = _cell(self.anchor)
        return (
            f'<wsDr xmlns="http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing"><oneCellAnchor>'
            f"<from><col>{col - 1}</col><colOff>0</colOff><row>{row - 1}</row><rowOff>0</rowOff></from>"
            f'<ext cx="{int(self.width * 360000)}" cy="{int(self.height * 360000)}"/><graphicFrame><nvGraphicFramePr>'
            '<cNvPr id="1" name="Chart 1"/><cNvGraphicFramePr/></nvGraphicFramePr><xfrm/>'
            f'<a:graphic xmlns:a="{DRAWING_NS}"><a:graphicData uri="{CHART_NS}"><c:chart xmlns:c="{CHART_NS}" '
            f'xmlns:r="{REL_NS}" r:id="rId1"/></a:graphicData></a:graphic></graphicFrame><clientData/>'
            "</oneCellAnchor></wsDr>"
        )


# --- worksheets ----------------------------------------------------------------------------------------
_HEADER_CODES = {
    "&[Tab]": "&A",
    "&[Pages]": "&N",
    "&[Date]": "&D",
    "&[Path]": "&Z",
    "&[Page]": "&P",
    "&[Time]": "&T",
    "&[File]": "&F",
    "&[Picture]": "&G",
}
_HEADER_CODE = re.compile("|".join(f"({re.escape(k)})" for k in _HEADER_CODES))
_CONTROL = re.compile("[\001-\031]")


def _header_footer(parts: Sequence[tuple[str, str]], font: str, size: int) -> str:
    """A page header or footer (openpyxl's HeaderFooterItem): each (position L/C/R, text) in the
    given font and size."""
    text = "".join(f'&{pos}&"{font}"&{size} {value}' for pos, value in parts)
    text = _HEADER_CODE.sub(lambda m: _HEADER_CODES[m.group(0)], text)
    return _CONTROL.sub(lambda m: f"_x{ord(m.group(0)):0>4x}_", text)


@dataclass
class SheetSetup:
    """Everything about a worksheet except its rows."""

    title: str
    col_widths: list[float] = field(default_factory=list)
    freeze: str | None = None  # top-left cell of the scrolling pane
    auto_filter: str | None = None
    color_scale: str | None = None  # range with the red-yellow-green scale
    landscape: bool = False
    fit: str = "width"  # "width": one page wide; "page": one page; "none": 100 %, split with title rows/cols
    title_rows: str | None = None  # "3:3"
    title_cols: str | None = None  # "A:D": repeated on every page across
    first_page_columns: int = 0  # a table wider than a page: the columns its first page prints
    header_left: str = ""
    header_right: str = ""
    header_font: str = "宋体"
    chart: BarChart | None = None
    _merged: list[tuple[int, int, int, int]] = field(default_factory=list)

    def merge(self, ref: str) -> None:
        """Merge a range (skipped if inside one already merged, as openpyxl does)."""
        first, _, last = ref.partition(":")
        r1, c1 = _cell(first)
        r2, c2 = _cell(last or first)
        bounds = (r1, c1, r2, c2)
        if not any(m[0] <= r1 and m[1] <= c1 and r2 <= m[2] and c2 <= m[3] for m in self._merged):
            self._merged.append(bounds)

    def _merge_xml(self) -> str:
        if not self._merged:
            return ""
        # openpyxl keeps merged ranges in a set hashed on (min_row, min_col, max_row, max_col) and
        # writes them in the set's order: a set of the same tuples, filled in the same order, has it.
        refs = []
        for r1, c1, r2, c2 in set(self._merged):
            ref = f"{col_letter(c1)}{r1}"
            refs.append(ref if (r1, c1) == (r2, c2) else f"{ref}:{col_letter(c2)}{r2}")
        return (
            f'<mergeCells count="{len(refs)}">'
            + "".join(f'<mergeCell ref="{r}"/>' for r in refs)
            + "</mergeCells>"
        )

    def _view_xml(self) -> str:
        if not self.freeze or self.freeze == "A1":
            return '<sheetViews><sheetView workbookViewId="0"><selection activeCell="A1" sqref="A1"/></sheetView></sheetViews>'
        row, col = _cell(self.freeze)
        split = ""
        if col > 1:
            split += f' xSplit="{col - 1}"'
        if row > 1:
            split += f' ySplit="{row - 1}"'
        pane = "bottomRight" if row > 1 and col > 1 else "bottomLeft" if row > 1 else "topRight"
        selections = (
            '<selection pane="topRight"/><selection pane="bottomLeft"/>' if row > 1 and col > 1 else ""
        )
        return (
            f'<sheetViews><sheetView workbookViewId="0"><pane{split} topLeftCell="{self.freeze}" '
            f'activePane="{pane}" state="frozen"/>{selections}'
            f'<selection pane="{pane}" activeCell="A1" sqref="A1"/></sheetView></sheetViews>'
        )

    def head_xml(self) -> str:
        """The worksheet XML up to and including <sheetData>."""
        fit = "" if self.fit == "none" else '<pageSetUpPr fitToPage="1"/>'
        cols = ""
        if self.col_widths:
            cols = (
                "<cols>"
                + "".join(
                    f'<col width="{number(w)}" customWidth="1" min="{i}" max="{i}"/>'
                    for i, w in enumerate(self.col_widths, start=1)
                )
                + "</cols>"
            )
        return (
            f'<worksheet xmlns="{MAIN_NS}"><sheetPr><outlinePr summaryBelow="1" summaryRight="1"/>'
            f"{fit}</sheetPr>{self._view_xml()}"
            f'<sheetFormatPr baseColWidth="8" defaultRowHeight="15"/>{cols}<sheetData>'
        )

    def tail_xml(self) -> str:
        """The worksheet XML from </sheetData> on."""
        parts = ["</sheetData>"]
        if self.auto_filter:
            parts.append(f'<autoFilter ref="{self.auto_filter}"/>')
        parts.append(self._merge_xml())
        if self.color_scale:
            parts.append(
                f'<conditionalFormatting sqref="{self.color_scale}"><cfRule type="colorScale" priority="1">'
                '<colorScale><cfvo type="min"/><cfvo type="percentile" val="50"/><cfvo type="max"/>'
                '<color rgb="00F8696B"/><color rgb="00FFEB84"/><color rgb="0063BE7B"/></colorScale>'
                "</cfRule></conditionalFormatting>"
            )
        header = _header_footer([("L", self.header_left), ("R", self.header_right)], self.header_font, 9)
        footer = _header_footer([("C", REPORT_FOOTER)], self.header_font, 9)
        parts.append(
            a4_page_setup_xml(landscape=self.landscape, top_margin=0.75, fit=self.fit)
            + f"<headerFooter><oddHeader>{ascii_xml(header)}</oddHeader><oddFooter>{ascii_xml(footer)}</oddFooter>"
            "<evenHeader></evenHeader><evenFooter></evenFooter><firstHeader></firstHeader><firstFooter></firstFooter>"
            "</headerFooter>"
        )
        if self.chart is not None:
            parts.append(f'<drawing xmlns:r="{REL_NS}" r:id="rId1"/>')
        parts.append("</worksheet>")
        return "".join(parts)

    def defined_names(self, index: int) -> Iterable[str]:
        name = quote_sheetname(self.title)
        if self.auto_filter:
            first, _, last = self.auto_filter.partition(":")
            (r1, c1), (r2, c2) = _cell(first), _cell(last or first)
            ref = f"${col_letter(c1)}${r1}:${col_letter(c2)}${r2}"
            yield (
                f'<definedName name="_xlnm._FilterDatabase" localSheetId="{index}" hidden="1">'
                f"{text_xml(name)}!{ref}</definedName>"
            )
        titles = []
        if self.title_cols:
            first, _, last = self.title_cols.partition(":")
            titles.append(f"{text_xml(name)}!${first}:${last}")
        if self.title_rows:
            first, _, last = self.title_rows.partition(":")
            titles.append(f"{text_xml(name)}!${first}:${last}")
        if titles:
            yield f'<definedName name="_xlnm.Print_Titles" localSheetId="{index}">{",".join(titles)}</definedName>'


# --- the package -------------------------------------------------------------------------------------
CT = "application/vnd.openxmlformats-officedocument"
WORKSHEET_CT = f"{CT}.spreadsheetml.worksheet+xml"


def content_types(sheets: Sequence[SheetSetup], shared_strings: bool) -> str:
    parts = [
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/styles.xml" ContentType="{CT}.spreadsheetml.styles+xml"/>'
        f'<Override PartName="/xl/theme/theme1.xml" ContentType="{CT}.theme+xml"/>'
        '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
        f'<Override PartName="/docProps/app.xml" ContentType="{CT}.extended-properties+xml"/>'
    ]
    drawing = 0
    for i, sheet in enumerate(sheets, start=1):
        parts.append(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{WORKSHEET_CT}"/>')
        if sheet.chart is not None:
            drawing += 1
            parts.append(
                f'<Override PartName="/xl/drawings/drawing{drawing}.xml" ContentType="{CT}.drawing+xml"/>'
            )
    parts += [
        f'<Override PartName="/xl/charts/chart{n}.xml" ContentType="{CT}.drawingml.chart+xml"/>'
        for n in range(1, drawing + 1)
    ]
    parts.append(f'<Override PartName="/xl/workbook.xml" ContentType="{CT}.spreadsheetml.sheet.main+xml"/>')
    if shared_strings:
        parts.append(
            f'<Override PartName="/xl/sharedStrings.xml" ContentType="{CT}.spreadsheetml.sharedStrings+xml"/>'
        )
    return "".join(parts) + "</Types>"


def relationships(rels: Iterable[tuple[str, str, str]]) -> str:
    """A relationships part from (type, target, id)."""
    body = "".join(
        f'<Relationship Type="{kind}" Target="{target}" Id="{rid}"/>' for kind, target, rid in rels
    )
    return f'<Relationships xmlns="{PKG_REL_NS}">{body}</Relationships>'


ROOT_RELS = relationships(
    [
        (f"{REL_NS}/officeDocument", "xl/workbook.xml", "rId1"),
        (f"{PKG_REL_NS}/metadata/core-properties", "docProps/core.xml", "rId2"),
        (f"{REL_NS}/extended-properties", "docProps/app.xml", "rId3"),
    ]
)
APP_XML = (
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
    f"<Application>{APPLICATION}</Application><AppVersion>3.1</AppVersion></Properties>"
)


def core_xml(creator: str, title: str, time: str) -> str:
    dc = 'xmlns:dc="http://purl.org/dc/elements/1.1/"'
    term = 'xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="dcterms:W3CDTF"'
    return (
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties">'
        f"<dc:creator {dc}>{text_xml(creator)}</dc:creator><dc:title {dc}>{text_xml(title)}</dc:title>"
        f"<dcterms:created {term}>{time}</dcterms:created><dcterms:modified {term}>{time}</dcterms:modified>"
        "</cp:coreProperties>"
    )


def workbook_xml(sheets: Sequence[SheetSetup]) -> str:
    listed = "".join(
        f'<sheet xmlns:r="{REL_NS}" name="{attr_xml(s.title)}" sheetId="{i}" state="visible" r:id="rId{i}"/>'
        for i, s in enumerate(sheets, start=1)
    )
    names = "".join(n for i, s in enumerate(sheets) for n in s.defined_names(i))
    return (
        f'<workbook xmlns="{MAIN_NS}"><workbookPr/><workbookProtection/><bookViews><workbookView visibility="visible" '
        'minimized="0" showHorizontalScroll="1" showVerticalScroll="1" showSheetTabs="1" tabRatio="600" '
        f'firstSheet="0" activeTab="0" autoFilterDateGrouping="1"/></bookViews><sheets>{listed}</sheets>'
        + (f"<definedNames>{names}</definedNames>" if names else "")
        + '<calcPr calcId="124519" fullCalcOnLoad="1"/></workbook>'
    )


def workbook_rels(sheets: Sequence[SheetSetup], shared_strings: bool) -> str:
    rels = [
        (f"{REL_NS}/worksheet", f"/xl/worksheets/sheet{i}.xml", f"rId{i}") for i in range(1, len(sheets) + 1)
    ]
    rels += [
        (f"{REL_NS}/styles", "styles.xml", f"rId{len(sheets) + 1}"),
        (f"{REL_NS}/theme", "theme/theme1.xml", f"rId{len(sheets) + 2}"),
    ]
    body = relationships(rels)
    if shared_strings:
        body = body.replace(
            "</Relationships>",
            f'<Relationship Id="rIdSharedStrings" Type="{REL_NS}/sharedStrings" '
            'Target="sharedStrings.xml"/></Relationships>',
        )
    return body


THEME_BYTES = THEME_XML.encode()


def theme_xml() -> bytes:
    """The default Office theme (as openpyxl ships it), shared with the template writer."""
    return THEME_BYTES
