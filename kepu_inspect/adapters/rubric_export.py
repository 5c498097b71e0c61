"""Write the printable 考核细则 (``core.rubric_table.export``) as an Excel workbook or a Word document.

Everything is visible text in ordinary tables: no hidden sheet, no custom properties, nothing a
re-import could depend on that a person cannot read. Text that a spreadsheet would run as a formula
stays text; equal rubrics give equal bytes (fixed timestamps).
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from typing import Any

from kepu_inspect.adapters.output import normalise_xlsx_bytes
from kepu_inspect.adapters.template_writer import HEADER_MARGIN, PAGE_FOOTER, PAPER_A4, SIDE_MARGIN
from kepu_inspect.core.rubric_table.export import RubricDocument, SheetTable

BODY_FONT, TITLE_FONT = "宋体", "黑体"
HEADER_FILL = "E7E6E6"
SECTION_FILL = "F2F2F2"


# --------------------------------------------------------------------------------------------
# Excel
# --------------------------------------------------------------------------------------------
def export_xlsx(document: RubricDocument) -> bytes:
    from openpyxl import Workbook
    from openpyxl.writer.excel import ExcelWriter

    wb = Workbook()
    first = True
    for table in document.tables:
        ws = wb.active if first else wb.create_sheet()
        assert ws is not None
        ws.title = table.caption[:31]
        _xlsx_sheet(ws, table, document if first else None)
        first = False
    wb.properties.creator = "kepu-inspect"
    wb.properties.title = document.title
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        ExcelWriter(wb, archive).write_data()
    return normalise_xlsx_bytes(buffer.getvalue())


def _put(
    ws: Any,
    row: int,
    col: int,
    value: str,
    *,
    bold: bool = False,
    fill: str | None = None,
    border: bool = True,
    size: float = 10.5,
    font: str = BODY_FONT,
    center: bool = False,
) -> None:
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    cell = ws.cell(row=row, column=col)
    if value or not _merged(cell):
        cell.value = value
        cell.data_type = "s"  # text stays text, even when it starts with = (formula injection)
    cell.font = Font(name=font, size=size, bold=bold or None)
    cell.alignment = Alignment(
        horizontal="center" if center else None, vertical="center" if center else "top", wrap_text=True
    )
    if fill:
        cell.fill = PatternFill("solid", fgColor=fill)
    if border:
        side = Side(style="thin", color="808080")
        cell.border = Border(left=side, right=side, top=side, bottom=side)


def _merged(cell: Any) -> bool:
    from openpyxl.cell.cell import MergedCell

    return isinstance(cell, MergedCell)


def _lines(text: str, width: float) -> int:
    """Printed lines of ``text`` in a column ``width`` wide (a CJK character is two units)."""
    total = 0
    for part in text.split("\n") or [""]:
        units = sum(2 if ord(ch) > 0x2E80 else 1 for ch in part)
        # a column a little wider in print than its width in characters (Excel and LibreOffice alike)
        total += max(1, -(-units // max(1, int(width * 1.1))))
    return total


def _xlsx_sheet(ws: Any, table: SheetTable, document: RubricDocument | None) -> None:
    from openpyxl.utils import get_column_letter

    ncols = len(table.header)
    last = get_column_letter(ncols)
    row = 1
    title = document.title if document is not None else table.caption
    ws.merge_cells(f"A{row}:{last}{row}")
    _put(ws, row, 1, title, bold=True, border=False, size=16, font=TITLE_FONT, center=True)
    ws.row_dimensions[row].height = 30
    row += 1
    for line in (document.lines if document is not None else ()) + ((table.note,) if table.note else ()):
        ws.merge_cells(f"A{row}:{last}{row}")
        _put(ws, row, 1, line, border=False)
        row += 1
    header_row = row
    for col, text in enumerate(table.header, 1):
        _put(ws, row, col, text, bold=True, fill=HEADER_FILL, center=True)
    row += 1
    for i, values in enumerate(table.rows):
        if i in table.headings:
            ws.merge_cells(f"A{row}:{get_column_letter(ncols - 1)}{row}")
            _put(ws, row, 1, values[0], bold=True, fill=SECTION_FILL)
            for col in range(2, ncols):
                _put(ws, row, col, "", fill=SECTION_FILL)
            _put(ws, row, ncols, values[-1], fill=SECTION_FILL, center=True)
            ws.row_dimensions[row].height = 18 * _lines(values[0], sum(table.widths[:-1]))
        else:
            for col, text in enumerate(values, 1):
                _put(ws, row, col, text, center=col in (1, 4) and ncols == 9)
            tallest = max(_lines(v, w) for v, w in zip(values, table.widths, strict=True))
            ws.row_dimensions[row].height = 6 + 14 * tallest
        row += 1
    for col, width in enumerate(table.widths, 1):
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.freeze_panes = f"A{header_row + 1}"
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.page_setup.paperSize = PAPER_A4
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = SIDE_MARGIN
    ws.page_margins.header = ws.page_margins.footer = HEADER_MARGIN
    ws.oddFooter.center.text = PAGE_FOOTER


# --------------------------------------------------------------------------------------------
# Word
# --------------------------------------------------------------------------------------------
FIXED = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


def export_docx(document: RubricDocument) -> bytes:
    import docx
    from docx.enum.section import WD_ORIENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    doc = docx.Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(1.6))
    section.top_margin = section.bottom_margin = Cm(1.8)
    _style_fonts(doc)
    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = title.add_run(document.title)
    _font(run, TITLE_FONT, Pt(18), bold=True)
    for line in document.lines:
        _font(doc.add_paragraph().add_run(line), BODY_FONT, Pt(10.5))
    usable = 29.7 - 3.2
    for n, table in enumerate(document.tables):
        caption = doc.add_paragraph()
        _font(
            caption.add_run(table.caption if n == 0 else f"附表{n}　{table.caption}"),
            TITLE_FONT,
            Pt(12),
            bold=True,
        )
        if table.note:
            _font(doc.add_paragraph().add_run(table.note), BODY_FONT, Pt(9))
        _docx_table(doc, table, usable)
    props = doc.core_properties
    props.author = props.last_modified_by = "kepu-inspect"
    props.title = document.title
    props.created = props.modified = FIXED
    props.revision = 1
    buffer = io.BytesIO()
    doc.save(buffer)
    return normalise_xlsx_bytes(buffer.getvalue())  # fixed zip times as for the workbooks


def _style_fonts(doc: Any) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt

    normal = doc.styles["Normal"]
    normal.font.name = BODY_FONT
    normal.font.size = Pt(10.5)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), BODY_FONT)


def _font(run: Any, name: str, size: Any, bold: bool = False) -> None:
    from docx.oxml.ns import qn

    run.font.name = name
    run.font.size = size
    run.font.bold = bold or None
    rpr = run._element.get_or_add_rPr()
    rpr.get_or_add_rFonts().set(qn("w:eastAsia"), name)


def _docx_table(doc: Any, table: SheetTable, usable_cm: float) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm

    ncols = len(table.header)
    grid = doc.add_table(rows=1 + len(table.rows), cols=ncols)
    grid.style = "Table Grid"
    grid.autofit = False
    scale = usable_cm / sum(table.widths)
    widths = [Cm(w * scale) for w in table.widths]
    for col, width in zip(grid.columns, widths, strict=True):
        col.width = width  # the table grid, which Word and LibreOffice lay out from
    header = grid.rows[0]
    tr_pr = header._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    tr_pr.append(repeat)  # the header repeats on every printed page
    for col, text in enumerate(table.header):
        _cell(header.cells[col], text, widths[col], bold=True)
    for i, values in enumerate(table.rows):
        row = grid.rows[i + 1]
        if i in table.headings:
            merged = row.cells[0].merge(row.cells[ncols - 2])
            _cell(merged, values[0], None, bold=True)
            _cell(row.cells[ncols - 1], values[-1], widths[-1])
            continue
        for col, text in enumerate(values):
            _cell(row.cells[col], text, widths[col])


def _cell(cell: Any, text: str, width: Any, bold: bool = False) -> None:
    from docx.shared import Pt

    if width is not None:
        cell.width = width
    lines = text.split("\n") if text else [""]
    paragraph = cell.paragraphs[0]
    for n, line in enumerate(lines):
        p = paragraph if n == 0 else cell.add_paragraph()
        _font(p.add_run(line), BODY_FONT, Pt(9.5), bold=bold)
