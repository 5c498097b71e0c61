"""Chinese official documents (公文) as Word files: GB/T 9704-2012's page, fonts and parts, on python-docx.

What the standard fixes and an office checks at a glance: A4 with 天头 37 mm and 订口 28 mm (a 156 × 225 mm
版心), 22 lines of 28 characters, the title in 2号方正小标宋简体, the body in 3号仿宋_GB2312, level-1 headings
in 黑体 and level-2 in 楷体_GB2312, page numbers "— 1 —" in 4号宋体 on the outer side. The fonts are
declared by name, so the office's Word or WPS shows them as it shows its own 公文; a machine without them
substitutes (the tests map them to the installed Noto CJK fonts).

Everything is plain paragraphs and real tables — no text boxes — so the office edits the document as
any other. Long tables (a national run's 附件 has thousands of rows) are written as table XML in one
piece: python-docx's cell API rebuilds the table grid on every access, quadratic in the rows.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import uuid
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import IO, Any, Literal
from xml.sax.saxutils import escape

from kepu_inspect.core.dates import parse_date_text
from kepu_inspect.core.text import REPLACEMENT, displayable

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING_FONT = "黑体"
SUBHEADING_FONT = "楷体_GB2312"
PAGE_NUMBER_FONT = "宋体"
FONTS = (TITLE_FONT, BODY_FONT, HEADING_FONT, SUBHEADING_FONT, PAGE_NUMBER_FONT)

SIZE_2 = 22.0  # 二号, the title
SIZE_3 = 16.0  # 三号, the body
SIZE_4 = 14.0  # 四号, page numbers
SIZE_SMALL_4 = 12.0  # 小四, tables
SIZE_SMALL_5 = 9.0  # 小五, the 说明 under tables

PAGE_MM = (210, 297)
MARGINS_MM = {"top": 37, "bottom": 35, "left": 28, "right": 26}  # 版心 156 × 225 mm
TEXT_WIDTH_MM = PAGE_MM[0] - MARGINS_MM["left"] - MARGINS_MM["right"]
TEXT_HEIGHT_MM = PAGE_MM[1] - MARGINS_MM["top"] - MARGINS_MM["bottom"]
LINES_PER_PAGE, CHARS_PER_LINE = 22, 28
TWIPS_PER_MM = 1440 / 25.4
PT_PER_MM = 72 / 25.4
LINE_PITCH_TWIPS = int(TEXT_HEIGHT_MM * TWIPS_PER_MM / LINES_PER_PAGE)  # 579: 28.95 pt per line
# 28 characters a line: the body's characters are set 0.25 pt closer than their 3号 size (15.75 pt each).
# Word's own way, a docGrid "linesAndChars" with a negative charSpace, is misread by LibreOffice 7
# (characters spread over two grid cells, numbers split across lines), so the line grid is declared
# (22 lines of 28.95 pt) and the character pitch comes from the run spacing, which every reader applies.
BODY_CHAR_SPACING = -5  # twentieths of a point
TEXT_WIDTH_TWIPS = round(TEXT_WIDTH_MM * TWIPS_PER_MM)
RED = "FF0000"
FOOTER_MM = 22
PAGE_NUMBER_SPACE_PT = 16  # above the page number: with its 4号 line, the footer reaches the 版心

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
ZIP_TIME = (2000, 1, 1, 0, 0, 0)

Align = Literal["left", "center", "right", "both"]


# what XML 1.0 forbids beyond the controls ``displayable`` replaces: lone surrogates, U+FFFE, U+FFFF
_NOT_XML = re.compile("[\ud800-\udfff\ufffe\uffff]")


def clean(text: object) -> str:
    """Text from the inputs for a Word document: characters XML or a terminal must not see replaced."""
    return _NOT_XML.sub(REPLACEMENT, displayable("" if text is None else text))


def _run_items(
    font: str,
    size: float,
    *,
    bold: bool = False,
    color: str | None = None,
    spacing: int = 0,
    scale: int = 100,
) -> str:
    """The run properties' children: the font for every script, weight, colour, character spacing
    (twentieths of a point), horizontal scale (%), size (half-points)."""
    half = round(size * 2)
    return (
        f'<w:rFonts w:ascii="{font}" w:hAnsi="{font}" w:eastAsia="{font}" w:cs="{font}"/>'
        + ("<w:b/><w:bCs/>" if bold else "")
        + (f'<w:color w:val="{color}"/>' if color else "")
        + (f'<w:spacing w:val="{spacing}"/>' if spacing else "")
        + (f'<w:w w:val="{scale}"/>' if scale != 100 else "")
        + f'<w:sz w:val="{half}"/><w:szCs w:val="{half}"/>'
    )


def _run_props(
    font: str,
    size: float,
    *,
    bold: bool = False,
    color: str | None = None,
    spacing: int = 0,
    scale: int = 100,
) -> str:
    return f"<w:rPr>{_run_items(font, size, bold=bold, color=color, spacing=spacing, scale=scale)}</w:rPr>"


_SCRIPT_RUNS = re.compile(r"[\x21-\x7e]+|[^\x21-\x7e]+")


def runs_xml(
    text: str, font: str, size: float, *, bold: bool = False, color: str | None = None, scale: int = 100
) -> str:
    """The runs of ``text``; a newline becomes a line break inside the paragraph.

    Body text (3号) is set BODY_CHAR_SPACING closer for 28 characters a line; digits and Latin letters
    are left as they are, in runs of their own: LibreOffice breaks a letter-spaced number ("20｜17年").
    """
    plain = _run_props(font, size, bold=bold, color=color, scale=scale)
    tight = plain
    if size == SIZE_3:
        tight = _run_props(font, size, bold=bold, color=color, spacing=BODY_CHAR_SPACING, scale=scale)
    parts = []
    for i, line in enumerate(clean(text).split("\n")):
        if i:
            parts.append(f"<w:r>{plain}<w:br/></w:r>")
        for chunk in _SCRIPT_RUNS.findall(line):
            props = plain if chunk[0].isascii() and not chunk[0].isspace() else tight
            parts.append(f'<w:r>{props}<w:t xml:space="preserve">{escape(chunk)}</w:t></w:r>')
    return "".join(parts)


@dataclass(frozen=True)
class Column:
    """A table column: its heading, its share of the width (in characters), how its cells align."""

    heading: str
    width: float
    align: Align = "center"


def table_xml(
    columns: Sequence[Column],
    rows: Sequence[Sequence[str]],
    *,
    size: float = SIZE_SMALL_4,
    muted_rows: frozenset[int] = frozenset(),
    min_row_pt: float = 17.0,
) -> str:
    """A whole table as WordprocessingML (see ``table_parts``)."""
    return "".join(table_parts(columns, rows, size=size, muted_rows=muted_rows, min_row_pt=min_row_pt))


def table_parts(
    columns: Sequence[Column],
    rows: Sequence[Sequence[str]],
    *,
    size: float = SIZE_SMALL_4,
    muted_rows: frozenset[int] = frozenset(),
    min_row_pt: float = 17.0,
) -> Iterator[str]:
    """A table as WordprocessingML, row by row: its header row repeats on every page, no row splits
    across a page, the width is the 版心's, borders are thin black lines. ``muted_rows`` (indexes)
    print grey. Made lazily, so a 3,000-row 附件 is never whole in memory (``OfficialDocument.table``)."""
    total = sum(c.width for c in columns) or 1
    widths = [round(TEXT_WIDTH_TWIPS * c.width / total) for c in columns]
    widths[-1] += TEXT_WIDTH_TWIPS - sum(widths)
    border = '<w:{0} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
    borders = "".join(
        border.format(side) for side in ("top", "left", "bottom", "right", "insideH", "insideV")
    )
    head = (
        f'<w:tbl xmlns:w="{W_NS}"><w:tblPr><w:tblW w:w="{TEXT_WIDTH_TWIPS}" w:type="dxa"/><w:jc w:val="center"/>'
        f'<w:tblBorders>{borders}</w:tblBorders><w:tblLayout w:type="fixed"/>'
        '<w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="57" w:type="dxa"/>'
        '<w:bottom w:w="0" w:type="dxa"/><w:right w:w="57" w:type="dxa"/></w:tblCellMar>'
        '<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="0" w:lastColumn="0" '
        'w:noHBand="0" w:noVBand="1"/></w:tblPr><w:tblGrid>'
        + "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
        + "</w:tblGrid>"
    )
    height = round(min_row_pt * 20)
    # cells: no grid snapping (the body's 28.95 pt grid would double every row), single spacing
    mark = _run_props(BODY_FONT, size)  # an empty cell is as tall as its paragraph mark's font
    ppr = (
        '<w:pPr><w:snapToGrid w:val="0"/><w:spacing w:before="0" w:after="0" w:line="240" w:lineRule="auto"/>'
        '<w:ind w:left="0" w:right="0" w:firstLine="0"/><w:jc w:val="{align}"/>' + mark + "</w:pPr>"
    )

    def cell(text: str, width: int, align: str, font: str, bold: bool, color: str | None) -> str:
        return (
            f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/><w:vAlign w:val="center"/></w:tcPr>'
            f"<w:p>{ppr.format(align=align)}{runs_xml(text, font, size, bold=bold, color=color) if text else ''}</w:p></w:tc>"
        )

    header = (
        f'<w:tr><w:trPr><w:cantSplit/><w:trHeight w:val="{height}" w:hRule="atLeast"/><w:tblHeader/></w:trPr>'
        + "".join(
            cell(c.heading, w, "center", HEADING_FONT, False, None)
            for c, w in zip(columns, widths, strict=True)
        )
        + "</w:tr>"
    )
    yield head + header
    for index, row in enumerate(rows):
        color = "595959" if index in muted_rows else None
        yield (
            f'<w:tr><w:trPr><w:cantSplit/><w:trHeight w:val="{height}" w:hRule="atLeast"/></w:trPr>'
            + "".join(
                cell(text, w, c.align, BODY_FONT, False, color)
                for c, w, text in zip(columns, widths, row, strict=True)
            )
            + "</w:tr>"
        )
    yield "</w:tbl>"


class OfficialDocument:
    """A 公文 being written: GB/T 9704 page setup, styles and the parts in the order they are added."""

    def __init__(self) -> None:
        import docx

        self.doc = docx.Document()
        self._tables: list[Iterable[str]] = []  # table XML, streamed in by save()
        self._token = uuid.uuid4().hex
        self._styles()
        self._page(self.doc.sections[0], grid=True)
        self.doc.settings.odd_and_even_pages_header_footer = True
        self._page_numbers(self.doc.sections[0])
        self._drop_thumbnail()

    # --- setup -------------------------------------------------------------------------------------
    def _styles(self) -> None:
        from docx.oxml import parse_xml

        styles = self.doc.styles.element
        defaults = styles.find(f"{{{W_NS}}}docDefaults")
        if defaults is not None:
            styles.remove(defaults)
        styles.insert(
            0,
            parse_xml(
                f'<w:docDefaults xmlns:w="{W_NS}"><w:rPrDefault>{_run_props(BODY_FONT, SIZE_3)}'
                "</w:rPrDefault><w:pPrDefault><w:pPr>"
                '<w:spacing w:before="0" w:after="0" w:line="240" w:lineRule="auto"/></w:pPr>'
                "</w:pPrDefault></w:docDefaults>"
            ),
        )
        # Chinese for CJK text: Word and LibreOffice apply Chinese line breaking (避头尾); a Western language
        # for digits and Latin letters, which Chinese breaking would split anywhere ("20｜17年")
        rpr = styles.find(f"{{{W_NS}}}docDefaults/{{{W_NS}}}rPrDefault/{{{W_NS}}}rPr")
        assert rpr is not None
        rpr.append(parse_xml(f'<w:lang xmlns:w="{W_NS}" w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/>'))
        normal = self.doc.styles["Normal"]
        normal.element.append(
            parse_xml(
                f'<w:pPr xmlns:w="{W_NS}"><w:kinsoku/><w:overflowPunct/><w:spacing w:before="0" w:after="0" '
                f'w:line="{LINE_PITCH_TWIPS}" w:lineRule="exact"/><w:jc w:val="both"/></w:pPr>'
            )
        )
        normal.element.append(parse_xml(f'<w:rPr xmlns:w="{W_NS}">{_run_items(BODY_FONT, SIZE_3)}</w:rPr>'))

    def _page(self, section: Any, *, grid: bool) -> None:
        from docx.oxml import parse_xml
        from docx.shared import Mm

        section.page_width, section.page_height = Mm(PAGE_MM[0]), Mm(PAGE_MM[1])
        section.top_margin, section.bottom_margin = Mm(MARGINS_MM["top"]), Mm(MARGINS_MM["bottom"])
        section.left_margin, section.right_margin = Mm(MARGINS_MM["left"]), Mm(MARGINS_MM["right"])
        # the page number sits 7 mm under the 版心 (GB/T 9704 7.5): its paragraph fills the margin from
        # FOOTER_MM up to the 版心, so LibreOffice (which shrinks a footer to its content) keeps the 版心
        # as tall as Word does
        section.header_distance, section.footer_distance = Mm(15), Mm(FOOTER_MM)
        sect = section._sectPr
        for old in sect.findall(f"{{{W_NS}}}docGrid"):
            sect.remove(old)
        if grid:  # 22 lines a page (28 characters a line: BODY_CHAR_SPACING)
            xml = f'<w:docGrid xmlns:w="{W_NS}" w:type="lines" w:linePitch="{LINE_PITCH_TWIPS}"/>'
        else:
            xml = f'<w:docGrid xmlns:w="{W_NS}" w:linePitch="312"/>'
        sect.append(parse_xml(xml))

    def _page_numbers(self, section: Any) -> None:
        """— 1 — in 4号宋体: odd pages on the right, even pages on the left, one character in (GB/T 9704 7.5)."""
        from docx.oxml import parse_xml

        props = _run_props(PAGE_NUMBER_FONT, SIZE_4)
        indent = round(SIZE_4 * 20)
        for footer, side, ind in (
            (section.footer, "right", f'w:right="{indent}"'),
            (section.even_page_footer, "left", f'w:left="{indent}"'),
        ):
            footer.is_linked_to_previous = False
            p = footer.paragraphs[0]._p
            for old in p.findall(f"{{{W_NS}}}pPr"):
                p.remove(old)
            p.append(
                parse_xml(
                    f'<w:pPr xmlns:w="{W_NS}"><w:snapToGrid w:val="0"/>'
                    f'<w:spacing w:before="{PAGE_NUMBER_SPACE_PT * 20}" w:after="0" w:line="240" w:lineRule="auto"/>'
                    f'<w:ind {ind}/><w:jc w:val="{side}"/></w:pPr>'
                )
            )
            for chunk in (
                f'<w:r xmlns:w="{W_NS}">{props}<w:t xml:space="preserve">— </w:t></w:r>',
                f'<w:fldSimple xmlns:w="{W_NS}" w:instr=" PAGE "><w:r>{props}<w:t>1</w:t></w:r></w:fldSimple>',
                f'<w:r xmlns:w="{W_NS}">{props}<w:t xml:space="preserve"> —</w:t></w:r>',
            ):
                p.append(parse_xml(chunk))

    def _drop_thumbnail(self) -> None:
        """python-docx's template carries a thumbnail of an empty page; a 通报 should not show one."""
        rels = self.doc.part.package.rels
        for rid, rel in list(rels.items()):
            if rel.reltype.endswith("/thumbnail"):
                del rels[rid]

    # --- parts ---------------------------------------------------------------------------------------
    def paragraph(
        self,
        text: str = "",
        *,
        font: str = BODY_FONT,
        size: float = SIZE_3,
        align: Align = "both",
        indent_chars: float = 2,
        hanging_chars: float = 0,
        right_chars: float = 0,
        bold: bool = False,
        color: str | None = None,
        line: str = "grid",
        keep_next: bool = False,
        page_break_before: bool = False,
        border_bottom: str | None = None,
        space_before: float = 0,
        space_after: float = 0,
        scale: int = 100,
    ) -> Any:
        """One paragraph; ``indent_chars`` first-line indent and ``right_chars`` right indent in characters
        of the paragraph's size; ``line`` "grid" (28.95 pt, the 22-line grid) or "auto" (single)."""
        from docx.oxml import parse_xml

        char = round(size * 20)
        ind = (
            f'<w:ind w:left="{round(hanging_chars * char)}" w:leftChars="{round(hanging_chars * 100)}" '
            f'w:hanging="{round(hanging_chars * char)}" w:hangingChars="{round(hanging_chars * 100)}" '
            if hanging_chars
            else f'<w:ind w:firstLine="{round(indent_chars * char)}" w:firstLineChars="{round(indent_chars * 100)}" '
        ) + (
            f'w:right="{round(right_chars * char)}" w:rightChars="{round(right_chars * 100)}"/>'
            if right_chars
            else "/>"
        )
        around = f'w:before="{round(space_before * 20)}" w:after="{round(space_after * 20)}"'
        spacing = (
            f'<w:spacing {around} w:line="{LINE_PITCH_TWIPS}" w:lineRule="exact"/>'
            if line == "grid"
            else f'<w:spacing {around} w:line="240" w:lineRule="auto"/>'
        )
        bdr = (
            f'<w:pBdr><w:bottom w:val="single" w:sz="12" w:space="1" w:color="{border_bottom}"/></w:pBdr>'
            if border_bottom
            else ""
        )
        ppr = (
            f'<w:pPr xmlns:w="{W_NS}">'
            + ("<w:keepNext/>" if keep_next else "")
            + ("<w:pageBreakBefore/>" if page_break_before else "")
            + bdr
            + spacing
            + ind
            + f'<w:jc w:val="{align}"/>{_run_props(font, size)}</w:pPr>'
        )
        p = self.doc.add_paragraph()
        p._p.append(parse_xml(ppr))
        if text:
            for run in parse_xml(
                f'<w:p xmlns:w="{W_NS}">{runs_xml(text, font, size, bold=bold, color=color, scale=scale)}</w:p>'
            ):
                p._p.append(run)
        return p

    def blank(self, lines: int = 1, *, keep_next: bool = False) -> None:
        for _ in range(lines):
            self.paragraph(indent_chars=0, keep_next=keep_next)

    def letterhead(self, text: str, number: str) -> None:
        """版头: the 发文机关标志 in red 小标宋 on one line (narrowed when long, as offices print it), the
        发文字号, the red line."""
        name = clean(text)
        if name:
            width = TEXT_WIDTH_MM * PT_PER_MM
            size = max(SIZE_2, min(36.0, width / max(1.0, body_width(name))))
            scale = min(100, int(100 * width / (body_width(name) * size)))
            self.paragraph(
                name,
                font=TITLE_FONT,
                size=size,
                align="center",
                indent_chars=0,
                color=RED,
                line="auto",
                scale=max(33, scale),
            )
            self.blank(1)
        if number:
            self.paragraph(number, align="center", indent_chars=0)
        if name:  # the red separator line, 4 mm under the 发文字号, as wide as the 版心
            self.paragraph(indent_chars=0, border_bottom=RED, line="auto")
        self.blank(1 if name else 0)

    def title(self, text: str, size: float = SIZE_2) -> None:
        """The title, centred; a long one broken where its words allow (GB/T 9704 7.3.1: 回行时词意完整)."""
        lines = title_lines(clean(text), TEXT_WIDTH_MM * PT_PER_MM / size)
        self.paragraph(
            "\n".join(lines), font=TITLE_FONT, size=size, align="center", indent_chars=0, keep_next=True
        )

    def heading(self, text: str, level: int = 1) -> None:
        font = HEADING_FONT if level == 1 else SUBHEADING_FONT
        self.paragraph(text, font=font, keep_next=True)

    def table(self, xml: str | Iterable[str]) -> None:
        """Place a table (``table_xml`` or ``table_parts``) at the end of the document.

        The table is written as text when the document is saved, streamed into ``document.xml`` in place
        of a placeholder paragraph: parsed into python-docx's tree, the 附件 of a 3,000-unit run cost
        160 MB and a second; as one string, 60 MB (measured).
        """
        from docx.oxml import parse_xml

        token = f"kepu-table-{self._token}-{len(self._tables)}"
        self._tables.append([xml] if isinstance(xml, str) else xml)
        anchor = self.doc.add_paragraph()
        anchor._p.addprevious(parse_xml(f'<w:p xmlns:w="{W_NS}"><w:r><w:t>{token}</w:t></w:r></w:p>'))
        anchor._p.getparent().remove(anchor._p)

    def signature(self, issuer: str, date_text: str) -> None:
        """发文机关署名 and 成文日期: the date four characters in from the right, the issuer centred over
        it, three empty lines above for the seal, which presses on both (GB/T 9704 7.3.5). They never
        stand on a page alone: the caller keeps the text before them with them (``keep_next``)."""
        issuer_w = body_width(issuer)
        date_w = body_width(date_text)
        if date_w >= issuer_w:
            date_right = 4.0
            issuer_right = 4.0 + (date_w - issuer_w) / 2
        else:
            issuer_right = 2.0
            date_right = 2.0 + (issuer_w - date_w) / 2
        self.blank(3, keep_next=True)
        self.paragraph(issuer, align="right", indent_chars=0, right_chars=issuer_right, keep_next=True)
        self.paragraph(date_text, align="right", indent_chars=0, right_chars=date_right)

    def new_section(self, *, grid: bool, restart_numbers: bool = False) -> None:
        """A new page in a section of its own: the 附件 (its tables do not follow the body's line grid), or
        the next notice of a combined file (``restart_numbers``: its pages numbered from 1)."""
        from docx.enum.section import WD_SECTION
        from docx.oxml import parse_xml

        section = self.doc.add_section(WD_SECTION.NEW_PAGE)
        self._page(section, grid=grid)
        sect = section._sectPr
        for old in sect.findall(f"{{{W_NS}}}pgNumType"):
            sect.remove(old)
        if restart_numbers:
            numbering = parse_xml(f'<w:pgNumType xmlns:w="{W_NS}" w:start="1"/>')
            cols = sect.find(f"{{{W_NS}}}cols")
            if cols is not None:
                cols.addprevious(numbering)
            else:
                sect.append(numbering)

    def properties(self, *, title: str, author: str, comments: str, date: str) -> None:
        """Document properties: the title, the issuer as author, the tool in the comments (never on the page)."""
        props = self.doc.core_properties
        props.title = title
        props.author = author
        props.last_modified_by = author
        props.comments = comments
        props.subject = title
        props.keywords = "考核结果；通报"
        props.revision = 1
        when = parse_date_text(date) or dt.date(2000, 1, 1)
        stamp = dt.datetime(when.year, when.month, when.day)
        props.created = stamp
        props.modified = stamp

    def save(self, sink: IO[bytes]) -> None:
        """The package with fixed zip timestamps: equal results give equal bytes."""
        raw = io.BytesIO()
        self.doc.save(raw)
        raw.seek(0)
        with zipfile.ZipFile(raw) as src, zipfile.ZipFile(sink, "w", zipfile.ZIP_DEFLATED) as dst:
            for info in src.infolist():
                if info.filename == "docProps/thumbnail.jpeg":
                    continue
                entry = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
                entry.compress_type = zipfile.ZIP_DEFLATED
                entry.external_attr = 0o600 << 16
                data = src.read(info.filename)
                if info.filename == "word/document.xml" and self._tables:
                    with dst.open(entry, "w") as out:
                        self._splice(data, out)
                else:
                    dst.writestr(entry, data)

    def _splice(self, document: bytes, out: IO[bytes]) -> None:
        """Write ``document.xml`` with each placeholder paragraph replaced by its table."""
        rest = document
        for n, parts in enumerate(self._tables):
            placeholder = f"<w:p><w:r><w:t>kepu-table-{self._token}-{n}</w:t></w:r></w:p>".encode()
            before, found, rest = rest.partition(placeholder)
            if not found or placeholder in rest:
                raise RuntimeError(f"table placeholder {n} not found once in document.xml")
            out.write(before)
            declared = f' xmlns:w="{W_NS}"'  # the document's root declares it
            for part in parts:
                out.write(part.replace(declared, "", 1).encode() if declared in part else part.encode())
        out.write(rest)


# where a title may break: after 关于, after the year, before 考核结果 / 的通报 / 自评表, after 工作 or 目标责任
_TITLE_BREAKS = re.compile(
    r"(?<=^关于)|(?<=\d{4}年度)|(?<=\d{4}年)(?!度)|(?=考核结果)|(?=的通报$)|(?<=工作)|(?<=目标责任)"
)


def title_lines(text: str, per_line: float) -> list[str]:
    """A title in as few lines as fit ``per_line`` characters, broken at a phrase boundary into lines of
    balanced length; without a boundary that fits, one line (the word processor wraps it)."""
    if body_width(text) <= per_line:
        return [text]
    best: tuple[float, list[str]] | None = None
    points = sorted({m.start() for m in _TITLE_BREAKS.finditer(text)} - {0, len(text)})
    for i in points:
        first, second = text[:i], text[i:]
        widths = (body_width(first), body_width(second))
        if max(widths) <= per_line:
            score = abs(widths[0] - widths[1])
            if best is None or score < best[0]:
                best = (score, [first, second])
    return best[1] if best else [text]


def body_width(text: str) -> float:
    """Width in characters of the body size: a CJK character is one, a digit or Latin letter half."""
    return sum(0.5 if ch.isascii() else 1.0 for ch in text)
