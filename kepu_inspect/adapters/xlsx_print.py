"""Print setup of the workbooks written through openpyxl (templates): A4, fit to width.

The score report does not use openpyxl; reports/xlsx_parts.py writes the same settings as XML
(with a 0.75 top margin). Change both together.
"""

from __future__ import annotations

from typing import Any

PAPER_A4 = "9"  # OOXML paperSize code for A4
PAGE_FOOTER = "第 &P 页 共 &N 页"
SIDE_MARGIN, HEADER_MARGIN = 0.5, 0.3


def a4_page_setup(ws: Any, *, landscape: bool, title_rows: str | None, top_margin: float = 0.7) -> None:
    """A4, one page wide (any number of pages tall), centred, header rows repeated, "第 X 页 共 Y 页".

    ``ws`` is an openpyxl worksheet (normal or write-only); callers add their own page headers.
    """
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


def a4_page_setup_xml(*, landscape: bool, top_margin: float = 0.7) -> str:
    """The same setup as sheet XML (printOptions, pageMargins, pageSetup), for writers that skip openpyxl;
    the sheet must also say ``<pageSetUpPr fitToPage="1"/>``, and title rows are a defined name."""
    return (f'<printOptions horizontalCentered="1"/><pageMargins left="{SIDE_MARGIN:g}" right="{SIDE_MARGIN:g}" '
            f'top="{top_margin:g}" bottom="{top_margin:g}" header="{HEADER_MARGIN:g}" footer="{HEADER_MARGIN:g}"/>'
            f'<pageSetup orientation="{"landscape" if landscape else "portrait"}" paperSize="{PAPER_A4}" '
            'fitToHeight="0" fitToWidth="1"/>')
