"""Print setup of the score report workbook: A4, fitted as each sheet needs, pages numbered per sheet (the
templates set theirs through openpyxl)."""

from __future__ import annotations

PAPER_A4 = "9"  # OOXML paperSize code for A4
SIDE_MARGIN, HEADER_MARGIN = 0.5, 0.3


def a4_page_setup_xml(*, landscape: bool, top_margin: float = 0.7, fit: str = "width") -> str:
    """A4, centred: printOptions, pageMargins and pageSetup as sheet XML. ``fit``: "width" (one page
    wide, as many down), "page" (the whole sheet on one page) or "none" (100 %, split across pages;
    the sheet's title rows and columns repeat). Page numbers start at 1 on every sheet.

    A fitted sheet must also say ``<pageSetUpPr fitToPage="1"/>``; title rows are a defined name.
    """
    fitting = {"width": 'fitToHeight="0" fitToWidth="1" ', "page": 'fitToHeight="1" fitToWidth="1" '}.get(
        fit, ""
    )
    return (
        f'<printOptions horizontalCentered="1"/><pageMargins left="{SIDE_MARGIN:g}" right="{SIDE_MARGIN:g}" '
        f'top="{top_margin:g}" bottom="{top_margin:g}" header="{HEADER_MARGIN:g}" footer="{HEADER_MARGIN:g}"/>'
        f'<pageSetup orientation="{"landscape" if landscape else "portrait"}" paperSize="{PAPER_A4}" '
        f'{fitting}useFirstPageNumber="1" firstPageNumber="1"/>'
    )
