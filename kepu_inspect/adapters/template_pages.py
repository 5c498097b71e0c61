"""Where the printed self-assessment form breaks into pages, chosen by the writer, not the application.

Excel, WPS and LibreOffice measure rows differently, so pages an application breaks for itself split
an item from its criteria, leave a section heading at the foot of a page, or print a last page with
only the totals and signatures. Every row of the item sheet has an explicit height; this module
places manual page breaks from those heights so each page holds less than any of them can print.
"""

from __future__ import annotations

from dataclasses import dataclass

# A4 landscape in points, and the template's margins (template_writer.SIDE_MARGIN: 0.5 in sides, 0.7 in
# top and bottom; header and footer sit inside the top and bottom margins)
PAGE_WIDTH_PT, PAGE_HEIGHT_PT = 841.89, 595.28
SIDE_MARGIN_PT, TOP_MARGIN_PT = 36.0, 50.4
# what is left unused of a page: rounding of row heights, and printers that shrink a little
SAFETY = 0.94
# Excel's column width unit is the maximum digit width of the default font (Calibri 11: 7 px at
# 96 dpi, 5.25 pt); LibreOffice draws the same widths about a third wider and so prints smaller.
POINTS_PER_WIDTH_UNIT = 5.25


@dataclass(frozen=True)
class Block:
    """Rows ``first``..``last`` that never part (a criterion and its input rows, say).

    ``join_prev``: must print on the same page as the block before (a subtotal after its item).
    ``keep_prev``: should, unless the run of blocks kept together is longer than a page (the
    criteria of one item).
    """

    first: int
    last: int
    height: float
    join_prev: bool = False
    keep_prev: bool = False


def fit_scale(column_widths: list[float]) -> float:
    """The scale fit-to-width gives in Excel (never above 1) for the printed columns."""
    width = sum(column_widths) * POINTS_PER_WIDTH_UNIT
    return min(1.0, (PAGE_WIDTH_PT - 2 * SIDE_MARGIN_PT) / width) if width else 1.0


def page_room(scale: float) -> float:
    """Points of unscaled row height one page holds, with the safety margin."""
    return (PAGE_HEIGHT_PT - 2 * TOP_MARGIN_PT) / scale * SAFETY


def page_breaks(blocks: list[Block], first_room: float, room: float) -> list[int]:
    """Rows after which a new page starts.

    Blocks joined to their predecessor become one; runs kept together start a new page when they do
    not fit on what is left of the current one, and are split between blocks only when longer than a
    whole page. ``first_room`` is the room on page 1, ``room`` on later pages (both less the rows
    repeated at the top of each page).
    """
    atoms: list[list[float]] = []  # [first, last, height, keep_prev]
    for b in blocks:
        if b.join_prev and atoms:
            atoms[-1][1] = b.last
            atoms[-1][2] += b.height
        else:
            atoms.append([b.first, b.last, b.height, b.keep_prev])
    groups: list[list[list[float]]] = []
    for atom in atoms:
        if atom[3] and groups:
            groups[-1].append(atom)
        else:
            groups.append([atom])
    breaks: list[int] = []
    left, used = first_room, False
    for group in groups:
        height = sum(a[2] for a in group)
        if height <= left:
            left -= height
            used = True
            continue
        if used and height <= room:
            breaks.append(int(group[0][0]) - 1)
            left = room - height
            continue
        for atom in group:  # longer than a page: fill this one, go on on the next
            if atom[2] <= left or not used:
                left -= atom[2]
                used = True
            else:
                breaks.append(int(atom[0]) - 1)
                left = room - atom[2]
    return breaks
