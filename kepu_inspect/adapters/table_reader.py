"""One bounded reader for users' own tables: Word tables, Excel sheets and tables typed or pasted into a
text file. Shared by ``rubric import`` (a plan's 分工表) and the 考核细则 import.

Why openpyxl here and not ``adapters.xlsx_safe``: a 分工 or 考核细则 sheet needs its merged cells (a
工作类别 merged down over its tasks, a section heading merged across), which the safe reader, built to
read submissions fast, does not keep. The file is one the office chose itself, read once, so openpyxl's
speed does not matter; its safety does, so the zip is bounded first (entries, declared sizes — zipfile
never inflates beyond a member's declared size — and the share of any one sheet) and openpyxl parses
through defusedxml (no DTDs, no entities). Iteration is capped to the area a table can occupy.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from typing import Any

from kepu_inspect.core.tables import Table, TableRow, classify, find_header, header_note, header_roles

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_UNZIPPED = 64 * 1024 * 1024
MAX_SHEET_XML = 8 * 1024 * 1024  # ~200,000 cells: far beyond any plan or rubric table
MAX_ENTRIES = 2_000
MAX_ROWS = 5_000
MAX_COLUMNS = 60
MAX_MERGES = 20_000
MAX_TABLES = 200

_RESAVE_DOCX = "请在 Word/WPS 中打开后重新“另存为” .docx。"
_RESAVE_XLSX = "请在 Excel/WPS 中打开后重新“另存为” Excel 工作簿（.xlsx）。"


@dataclass(frozen=True)
class TableFile:
    """Every table of a file whose header was recognised, and the file's other text, line by line.

    ``error`` (detail, fix) says why a file cannot be read at all; ``kind`` is what the file is:
    docx, xlsx, text, or "" when it is none of those (the caller decides what to say)."""

    tables: tuple[Table, ...] = ()
    text: str = ""
    kind: str = ""
    error: tuple[str, str] | None = None
    skipped: list[str] = field(default_factory=list)  # tables seen but not recognised, by place


def read_tables(path: Path) -> TableFile:
    """Read ``path`` and return its recognised tables; never raises for a bad file."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            return TableFile(error=(f"文件太大（{size / 1024 / 1024:.1f} MB）", "请确认选对了文件。"))
        data = path.read_bytes()
    except OSError as exc:
        return TableFile(error=(exc.strerror or str(exc), "请确认文件路径正确，且文件没有被其他程序占用。"))
    if data.startswith(b"PK\x03\x04"):
        return _read_zip(data)
    from kepu_inspect.adapters.plan_file import decode_text, sniff_kind

    if sniff_kind(data) != "text":
        return TableFile()
    decoded = decode_text(data)
    if decoded is None:
        return TableFile()
    return text_tables(decoded[0])


@dataclass(frozen=True)
class Grid:
    """Any table of a file, recognised or not: where it is, the paragraph above it, its rows."""

    source: str
    caption: str
    rows: tuple[TableRow, ...]


def read_grids(path: Path) -> tuple[list[Grid], TableFile]:
    """Every table of a .docx / .xlsx file as rows (the 考核细则 import reads its side tables — 考核单位,
    等次 … — by their headers), with the file's recognised tables and text as ``read_tables`` gives."""
    found = read_tables(path)
    if found.error is not None or found.kind not in ("docx", "xlsx"):
        return [], found
    try:
        data = path.read_bytes()
        grids = _docx_grids(data) if found.kind == "docx" else _xlsx_grids(data)
    except Exception:  # the file was read once already; a second failure loses only the side tables
        grids = []
    return grids, found


def _docx_grids(data: bytes) -> list[Grid]:
    import docx
    from docx.oxml.ns import qn
    from docx.table import Table as DocxTable

    document = docx.Document(io.BytesIO(data))
    grids: list[Grid] = []
    caption = ""
    for child in document.element.body.iterchildren():
        if child.tag == qn("w:p"):
            text = "".join(t.text or "" for t in child.iter(qn("w:t"))).strip()
            caption = text or caption
        elif child.tag == qn("w:tbl") and len(grids) < MAX_TABLES:
            grids.append(
                Grid(f"表格 {len(grids) + 1}", caption, tuple(_docx_rows(DocxTable(child, document))))
            )
            caption = ""
    return grids


def _xlsx_grids(data: bytes) -> list[Grid]:
    import openpyxl

    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=False, data_only=True, keep_links=False)
    return [
        Grid(f"工作表“{sheet.title}”", sheet.title, tuple(_sheet_rows(sheet)))
        for sheet in workbook.worksheets
        if sheet.sheet_state == "visible"
    ]


def _zip_error(data: bytes) -> tuple[str, str] | None:
    """Bounds checked on the zip's directory before any part is inflated."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
            if len(infos) > MAX_ENTRIES:
                return (f"压缩包内文件过多（{len(infos)} 个）", "请确认选对了文件。")
            if sum(i.file_size for i in infos) > MAX_UNZIPPED:
                return ("文件解压后过大，已拒绝读取", "请删去无关内容（如大图片）后另存，再导入。")
            sheets = [i for i in infos if i.filename.startswith("xl/worksheets/")]
            if any(i.file_size > MAX_SHEET_XML for i in sheets):
                return ("工作表内容过大，已拒绝读取", "请只保留分工表或考核细则表所在的工作表后再导入。")
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        return (f"文件已损坏或不完整（{type(exc).__name__}）", "请重新获取原文件，或打开后重新另存。")
    return None


def _read_zip(data: bytes) -> TableFile:
    error = _zip_error(data)
    if error is not None:
        return TableFile(error=error)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        names = set(zf.namelist())
    if "word/document.xml" in names:
        return _guard(_docx_tables, data, "docx", _RESAVE_DOCX)
    if "xl/workbook.xml" in names:
        return _guard(_xlsx_tables, data, "xlsx", _RESAVE_XLSX)
    return TableFile()


def _guard(reader: Any, data: bytes, kind: str, fix: str) -> TableFile:
    """python-docx, openpyxl and defusedxml raise many kinds on damaged or hostile files."""
    try:
        result: TableFile = reader(data)
        return result
    except Exception as exc:
        what = "Word 文档" if kind == "docx" else "Excel 工作簿"
        return TableFile(kind=kind, error=(f"{what}无法解析（{type(exc).__name__}）", fix))


def _table(source: str, rows: Sequence[TableRow]) -> Table | None:
    """A table from its rows, when a header row with known words is found."""
    found = find_header([r.cells for r in rows])
    if found is None:
        return None
    at, roles = found
    kind, reason = classify(roles)
    if kind is None:
        return None
    header = rows[at].cells
    columns = tuple(_column(i, header, rows, at, roles) for i in range(len(roles)))
    return Table(kind, source, columns, rows[at].line, tuple(rows[at + 1 :]), reason, header_note(header))


def _column(i: int, header: Sequence[str], rows: Sequence[TableRow], at: int, roles: Sequence[Any]) -> Any:
    from kepu_inspect.core.tables import Column

    text = header[i] if i < len(header) else ""
    above = rows[at - 1] if at > 0 else None
    two_rows = above is not None and not above.spans_all and any(header_roles(above.cells))
    if two_rows and above is not None and i < len(above.cells) and above.cells[i] not in ("", text):
        text = f"{above.cells[i]}/{text}"  # 责任单位/牵头单位
    return Column(i, re.sub(r"\s+", " ", text).strip(), roles[i])


# --------------------------------------------------------------------------------------------
# Word
# --------------------------------------------------------------------------------------------
def _docx_tables(data: bytes) -> TableFile:
    import docx
    from docx.oxml.ns import qn
    from docx.table import Table as DocxTable

    from kepu_inspect.adapters.plan_file import document_text

    document = docx.Document(io.BytesIO(data))
    tables: list[Table] = []
    skipped: list[str] = []
    caption = ""
    n = 0
    for child in document.element.body.iterchildren():
        if child.tag == qn("w:p"):
            text = "".join(t.text or "" for t in child.iter(qn("w:t"))).strip()
            caption = text or caption
            continue
        if child.tag != qn("w:tbl") or n >= MAX_TABLES:
            continue
        n += 1
        table = _table(f"表格 {n}", _docx_rows(DocxTable(child, document)))
        if table is None:
            skipped.append(f"表格 {n}")
        else:
            tables.append(replace(table, caption=caption))
        caption = ""
    text = document_text(document, tables=not tables)
    return TableFile(tuple(tables), text, "docx", None, skipped)


def _docx_rows(table: Any) -> list[TableRow]:
    """Rows with merged cells resolved (python-docx repeats a merged cell in every grid position)."""
    rows: list[TableRow] = []
    for r, row in enumerate(table.rows[:MAX_ROWS], start=1):
        cells = row.cells[:MAX_COLUMNS]
        texts = tuple(_docx_cell_text(c) for c in cells)
        spans_all = len(cells) > 1 and len({id(c._tc) for c in cells}) == 1
        rows.append(TableRow(r, texts, spans_all))
    return rows


def _docx_cell_text(cell: Any) -> str:
    return "\n".join(p.text for p in cell.paragraphs).strip()


# --------------------------------------------------------------------------------------------
# Excel
# --------------------------------------------------------------------------------------------
def _xlsx_tables(data: bytes) -> TableFile:
    import openpyxl

    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=False, data_only=True, keep_links=False)
    tables: list[Table] = []
    text: list[str] = []
    skipped: list[str] = []
    for sheet in workbook.worksheets:
        if sheet.sheet_state != "visible":
            skipped.append(f"工作表“{sheet.title}”（隐藏）")
            continue
        rows = _sheet_rows(sheet)
        table = _table(f"工作表“{sheet.title}”", rows)
        if table is None:
            skipped.append(f"工作表“{sheet.title}”")
            text.extend(_row_text(r) for r in rows)
            continue
        tables.append(table)
        header_at = next(i for i, r in enumerate(rows) if r.line == table.header_line)
        text.extend(_row_text(r) for r in rows[:header_at])
        text.extend(_row_text(r) for r in rows[header_at + 1 :] if _is_note_row(r))
    return TableFile(tuple(tables), "\n".join(t for t in text if t), "xlsx", None, skipped)


def _sheet_rows(sheet: Any) -> list[TableRow]:
    """The sheet's cells within the table-sized area, merged areas filled with their top-left text."""
    max_row = min(sheet.max_row or 0, MAX_ROWS)
    max_col = min(sheet.max_column or 0, MAX_COLUMNS)
    grid = [
        [_cell_text(v) for v in row]
        for row in sheet.iter_rows(min_row=1, max_row=max_row, max_col=max_col, values_only=True)
    ]
    across: set[int] = set()
    for merged in list(sheet.merged_cells.ranges)[:MAX_MERGES]:
        top, left = merged.min_row - 1, merged.min_col - 1
        if top >= max_row or left >= max_col:
            continue
        value = grid[top][left]
        for r in range(top, min(merged.max_row, max_row)):
            for c in range(left, min(merged.max_col, max_col)):
                grid[r][c] = value
        if merged.min_row == merged.max_row and merged.max_col - merged.min_col + 1 >= max(
            2, _used_width(grid)
        ):
            across.add(top)
    return [
        TableRow(r + 1, tuple(cells), r in across)
        for r, cells in enumerate(grid)
        if any(c.strip() for c in cells)
    ]


def _used_width(grid: list[list[str]]) -> int:
    return max((max((i + 1 for i, c in enumerate(row) if c), default=0) for row in grid), default=0)


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (dt.datetime, dt.date)):
        return value.strftime("%Y年%m月%d日") if isinstance(value, dt.date) else str(value)
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value).strip()


def _row_text(row: TableRow) -> str:
    return "\t".join(dict.fromkeys(c for c in row.cells if c.strip()))


def _is_note_row(row: TableRow) -> bool:
    """A row below the header that is text, not a table row: a note, a signature, a date."""
    return row.spans_all or len({c.strip() for c in row.cells if c.strip()}) == 1


# --------------------------------------------------------------------------------------------
# Text
# --------------------------------------------------------------------------------------------
_HEADING = re.compile(r"^(?:[一二三四五六七八九十]{1,3}[、.．]|[（(][一二三四五六七八九十]{1,3}[）)])")
_MD_RULE = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?\s*$")


def _split(line: str, delimiter: str) -> list[str]:
    if delimiter == "|":
        line = line.strip().strip("|｜")
        return [c.strip() for c in re.split(r"[|｜]", line)]
    if delimiter == "  ":
        return [c.strip() for c in re.split(r" {2,}|\u3000+", line.strip())]
    return [c.strip() for c in next(csv.reader([line], delimiter=delimiter), [])]


def text_tables(text: str) -> TableFile:
    """A table pasted into a text file: tab-separated (copied from Excel or Word), CSV (Excel's "save
    as"), pipes (｜ or a Markdown table) or columns lined up with spaces. Rows run from the header while lines still have the
    separator; a heading line (一、… / （一）…) inside stays as a heading row."""
    lines = text.splitlines()
    for delimiter in ("\t", ",", "|", "  "):
        candidates = [(i, _split(line, delimiter)) for i, line in enumerate(lines) if _has(line, delimiter)]
        if not candidates:
            continue
        found = find_header([cells for _, cells in candidates[:12]])
        if found is None:
            continue
        start = candidates[found[0]][0]
        rows, end = _text_rows(lines, start, delimiter)
        table = _table("文本表格", rows)
        if table is None:
            continue
        return TableFile((table,), "\n".join(lines[:start] + lines[end:]), "text")
    return TableFile(text=text, kind="text")


def _has(line: str, delimiter: str) -> bool:
    if delimiter == "|":
        return len(re.findall(r"[|｜]", line)) >= 2
    if delimiter == "  ":
        return len(_split(line, delimiter)) >= 3
    return line.count(delimiter) >= 1


def _text_rows(lines: list[str], start: int, delimiter: str) -> tuple[list[TableRow], int]:
    """Rows from the header line on; tab-separated text is read as CSV so quoted multi-line cells
    (Excel's copy of a cell with line breaks) stay one cell."""
    rows: list[TableRow] = []
    i = start
    while i < len(lines):
        line = lines[i]
        if not line.strip():
            i += 1
            continue
        if _MD_RULE.match(line):
            i += 1
            continue
        if not _has(line, delimiter):
            if _HEADING.match(line.strip()) and rows:
                rows.append(TableRow(i + 1, (line.strip(),), True))
                i += 1
                continue
            break
        if delimiter in "\t," and line.count('"') % 2:
            chunk, j = line, i
            while chunk.count('"') % 2 and j + 1 < len(lines):
                j += 1
                chunk += "\n" + lines[j]
            cells = next(csv.reader([chunk], delimiter=delimiter))
            rows.append(TableRow(i + 1, tuple(c.strip() for c in cells)))
            i = j + 1
            continue
        rows.append(TableRow(i + 1, tuple(_split(line, delimiter))))
        i += 1
    return rows, i
