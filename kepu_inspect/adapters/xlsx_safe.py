"""A small, bounded, streaming reader of .xlsx cell values for untrusted files.

Why not openpyxl: it builds every cell object (10–20× slower), and a file with a stray cell at
XFD1048576 or a decompression bomb must be refused within bounded memory and time. This reader
unzips only the parts it needs, counts every decompressed byte, refuses DTDs and entities (the XML
bomb vectors; Excel, WPS and LibreOffice never write them) and keeps only non-empty cells.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import stat
import struct
import zipfile
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import IO, Literal, NamedTuple, TypeVar
from xml.etree.ElementTree import ParseError, fromstring
from xml.parsers import expat

from kepu_inspect.adapters.layout import col_letter
from kepu_inspect.core.cellref import col_number

MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_PART_BYTES = 64 * 1024 * 1024
MAX_TOTAL_BYTES = 160 * 1024 * 1024
MAX_RATIO = 200  # decompressed / compressed, for parts above 1 MB
MAX_CELLS = 200_000
MAX_CELL_CHARS = 32_767  # Excel's own limit for one cell; longer text did not come from a spreadsheet
MAX_ENTRIES = 5_000
MAX_DIRECTORY_BYTES = 4 * 1024 * 1024  # the zip's central directory; zipfile builds an object per entry
MAX_ELEMENTS = 1_000_000  # XML elements over all parsed parts: bounds time when empty cells flood a sheet
CHUNK = 256 * 1024
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ENCRYPTION_STREAM = "EncryptionInfo".encode("utf-16-le")

# "external": a formula that refers to another workbook or program ([1]Sheet1!A1, DDE); its saved
# value is a copy of something outside the file, so it is not read as the unit's own value
CellKind = Literal["number", "text", "bool", "error", "date", "empty", "external"]


class WorkbookError(Exception):
    """A file that cannot be read as a workbook; ``kind`` picks the problem code and message."""

    def __init__(self, kind: str, detail: str = "", fix: str = "") -> None:
        super().__init__(detail or kind)
        self.kind = kind
        self.detail = detail
        self.fix = fix


class RawCell(NamedTuple):
    """One stored cell (a NamedTuple: hundreds are made per workbook, and they must be cheap)."""

    kind: CellKind
    text: str  # the stored value as text ("" when empty)
    formula: bool = False
    cached: bool = True  # False: a formula with no saved result
    percent: bool = False  # a number shown with a percent format: typed "85%", stored 0.85


@dataclass
class RawSheet:
    name: str
    state: str
    cells: dict[str, RawCell] = field(default_factory=dict)  # "G12" → cell
    rows: dict[int, dict[str, RawCell]] = field(default_factory=dict)  # 12 → {"G": cell}
    merges: list[str] = field(default_factory=list)  # merged ranges as written, "H17:H18"
    stored: StoredCells | None = None  # columns only compared, never read as values (see read_workbook)


@dataclass
class RawWorkbook:
    sheet_names: list[str]
    states: dict[str, str]
    sheets: dict[str, RawSheet]
    macro_enabled: bool = False
    application: str = ""  # docProps/app.xml's <Application>, read only when no wanted sheet exists


def sniff(head: bytes, suffix: str) -> WorkbookError | None:
    """Recognise what a non-xlsx file really is, to tell the user how to fix it."""
    suffix = suffix.lower()
    # say "renamed" only when the name claims to be a workbook (a real .csv is not a renamed file)
    renamed = (
        f"，只是扩展名为 {suffix}" if suffix in (".xlsx", ".xlsm", ".xltx", ".xls", ".et", ".ett") else ""
    )
    if head.startswith(OLE_MAGIC):
        if ENCRYPTION_STREAM in head or b"E\x00n\x00c\x00r\x00y\x00p\x00t\x00" in head:
            return _encrypted()
        if suffix == ".et":
            return WorkbookError(
                "legacy", "WPS 表格 .et 文件", "请在 WPS 中“另存为”Excel 工作簿(*.xlsx)后重新发送。"
            )
        return WorkbookError(
            "legacy",
            "Excel 97-2003 的 .xls 文件",
            "请在 Excel/WPS 中“另存为”Excel 工作簿(*.xlsx)后重新发送。",
        )
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return None
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith((b"<!doctype html", b"<html", b"<table", b"<meta")) or b"<html" in text[:512]:
        return WorkbookError(
            "legacy", f"网页（HTML）文件{renamed}", "请在 Excel/WPS 中打开后“另存为”Excel 工作簿(*.xlsx)。"
        )
    if text.startswith(b"{\\rtf"):
        return WorkbookError("legacy", "RTF 文档", "请使用下发的 .xlsx 自评表模板填写。")
    if text.startswith(b"%pdf"):
        return WorkbookError(
            "legacy", "PDF 文件", "请发送填写好的 .xlsx 自评表（PDF 仅作为纸质版扫描件另行报送）。"
        )
    if text.startswith(b"<?xml"):
        return WorkbookError(
            "legacy", "XML 表格（Excel 2003 XML）", "请在 Excel/WPS 中“另存为”Excel 工作簿(*.xlsx)。"
        )
    try:
        sample = head[:4096].decode("utf-8")
        printable = True
    except UnicodeDecodeError:
        try:
            sample = head[:4096].decode("gb18030")
            printable = True
        except UnicodeDecodeError:
            printable = False
            sample = ""
    if printable and ("," in sample or "\t" in sample or "，" in sample):
        return WorkbookError(
            "legacy",
            f"CSV/文本文件{renamed}",
            "请使用下发的 .xlsx 自评表模板填写；如已在 Excel/WPS 中填好，请“另存为”Excel 工作簿(*.xlsx)后发送。",
        )
    return WorkbookError("legacy", "无法识别的文件类型", "请使用下发的 .xlsx 自评表模板填写后发送。")


def _encrypted() -> WorkbookError:
    return WorkbookError(
        "encrypted",
        "设置了打开密码的加密工作簿",
        "请在 Excel/WPS 中打开，取消“打开密码”（文件 → 信息 → 保护工作簿 → 用密码进行加密，清空密码），"
        "再另存为 .xlsx 后发送。",
    )


def _ole_names_encryption(fh: IO[bytes]) -> bool:
    """An OLE2 file holding an ``EncryptionInfo`` stream is a password-encrypted .xlsx, not a .xls.

    The directory sectors may sit anywhere in the file, so scan all of it (already size-bounded);
    directory entries are 128-byte aligned, and the overlap covers any chunk boundary anyway.
    """
    fh.seek(0)
    tail = b""
    while chunk := fh.read(CHUNK * 4):
        if ENCRYPTION_STREAM in tail + chunk:
            return True
        tail = chunk[-len(ENCRYPTION_STREAM) :]
    return False


def _read_part(zf: zipfile.ZipFile, name: str, budget: list[int]) -> bytes:
    """Decompress one part while counting bytes: declared sizes can lie, so we count what we get."""
    info = zf.getinfo(name)
    if info.file_size > MAX_PART_BYTES:
        raise WorkbookError("bomb", f"{name} 解压后 {info.file_size // 1_000_000} MB")
    if info.compress_size and info.file_size > 1_000_000 and info.file_size / info.compress_size > MAX_RATIO:
        raise WorkbookError("bomb", f"{name} 压缩比异常（{info.file_size // max(info.compress_size, 1)}:1）")
    chunks: list[bytes] = []
    total = 0
    with zf.open(info) as fh:
        while True:
            chunk = fh.read(CHUNK)
            if not chunk:
                break
            total += len(chunk)
            budget[0] -= len(chunk)
            if total > MAX_PART_BYTES or budget[0] < 0:
                raise WorkbookError("bomb", f"{name} 解压后超过 {MAX_PART_BYTES // 1_000_000} MB")
            chunks.append(chunk)
    return b"".join(chunks)


def _parser() -> expat.XMLParserType:
    p = expat.ParserCreate()

    def refuse_dtd(*_: object) -> None:
        raise WorkbookError("xml", "文件中包含 DTD 声明")

    def refuse_entity(*_: object) -> None:
        raise WorkbookError("xml", "文件中包含实体声明")

    p.StartDoctypeDeclHandler = refuse_dtd
    p.EntityDeclHandler = refuse_entity
    p.UnparsedEntityDeclHandler = refuse_entity
    p.ExternalEntityRefHandler = refuse_entity  # type: ignore[assignment]
    p.buffer_text = True
    return p


def _local(tag: str) -> str:
    return tag.rpartition(":")[2]


def _parse(
    data: bytes,
    budget: list[int],
    start: Callable[[str, dict[str, str]], None],
    end: object = None,
    chars: object = None,
) -> None:
    """Parse one part; ``budget`` counts elements over the whole workbook (empty cells cost time too)."""
    p = _parser()

    def counted(tag: str, attrs: dict[str, str]) -> None:
        budget[0] -= 1
        if budget[0] < 0:
            raise WorkbookError("bomb", f"XML 元素数量超过 {MAX_ELEMENTS}")
        start(tag, attrs)

    p.StartElementHandler = counted
    if end is not None:
        p.EndElementHandler = end  # type: ignore[assignment]
    if chars is not None:
        p.CharacterDataHandler = chars  # type: ignore[assignment]
    try:
        p.Parse(data, True)
    except expat.ExpatError as exc:
        raise WorkbookError("corrupt", f"XML 格式错误：{expat.ErrorString(exc.code)}") from None


def _shared_strings(data: bytes, budget: list[int]) -> list[str]:
    strings: list[str] = []
    buf: list[str] = []
    state = {"in_t": False, "skip": 0, "chars": 0}

    def start(tag: str, attrs: dict[str, str]) -> None:
        t = _local(tag)
        if t == "si":
            buf.clear()
            state["chars"] = 0
        elif t == "t" and not state["skip"]:
            state["in_t"] = True
        elif t in ("rPh", "phoneticPr"):
            state["skip"] += 1

    def end(tag: str) -> None:
        t = _local(tag)
        if t == "si":
            strings.append("".join(buf))
            if len(strings) > MAX_CELLS:
                raise WorkbookError("bomb", "共享字符串数量过多")
        elif t == "t":
            state["in_t"] = False
        elif t in ("rPh", "phoneticPr"):
            state["skip"] -= 1

    def chars(text: str) -> None:
        if state["in_t"]:
            state["chars"] += len(text)
            if state["chars"] > MAX_CELL_CHARS:
                raise WorkbookError("bomb", f"共享字符串超过 {MAX_CELL_CHARS} 个字符")
            buf.append(text)

    _parse(data, budget, start, end, chars)
    return strings


_DATE_CODES = re.compile(r"[ymdhs]", re.IGNORECASE)
_BUILTIN_DATE_IDS = set(range(14, 23)) | {
    27,
    28,
    29,
    30,
    31,
    32,
    33,
    34,
    35,
    36,
    45,
    46,
    47,
    50,
    51,
    52,
    53,
    54,
    55,
    56,
    57,
    58,
}


_Layout = tuple[tuple[tuple[str, str, str], ...], Mapping[str, str]]  # (name, state, rel id) and targets


class NumberFormats(NamedTuple):
    """Which cell styles (cellXfs indices) show a number as a date, and which as a percentage.

    Both change what a stored number means: 43089 shown as 2017-12-20 is a date, and 0.85 shown as 85%
    is what the person typed as "85%".
    """

    dates: frozenset[int] = frozenset()
    percents: frozenset[int] = frozenset()

    @property
    def special(self) -> frozenset[int]:
        return self.dates | self.percents


NO_FORMATS = NumberFormats()


def _classify(xf_formats: list[int], custom: dict[int, str]) -> NumberFormats:
    dates, percents = set(), set()
    for i, fid in enumerate(xf_formats):
        if _is_date_format(fid, custom):
            dates.add(i)
        elif _is_percent_format(fid, custom):
            percents.add(i)
    return NumberFormats(frozenset(dates), frozenset(percents))


def _number_formats(data: bytes, budget: list[int]) -> NumberFormats:
    """The stylesheet's number formats, through the general parser (comments, prefixes, odd quoting)."""
    custom: dict[int, str] = {}
    xf_formats: list[int] = []
    state = {"in_xfs": False}

    def start(tag: str, attrs: dict[str, str]) -> None:
        t = _local(tag)
        if t == "numFmt":
            with contextlib.suppress(ValueError):
                custom[int(attrs.get("numFmtId", "-1"))] = attrs.get("formatCode", "")
        elif t == "cellXfs":
            state["in_xfs"] = True
        elif t == "xf" and state["in_xfs"]:
            try:
                xf_formats.append(int(attrs.get("numFmtId", "0")))
            except ValueError:
                xf_formats.append(0)

    def end(tag: str) -> None:
        if _local(tag) == "cellXfs":
            state["in_xfs"] = False

    _parse(data, budget, start, end)
    return _classify(xf_formats, custom)


_LITERALS = re.compile(r'"[^"]*"|\[[^\]]*\]|\\.|_.|\*.')


def _is_date_format(fid: int, custom: dict[int, str]) -> bool:
    if fid in custom:
        code = _LITERALS.sub("", custom[fid])
        return bool(_DATE_CODES.search(code)) and "General" not in code
    return fid in _BUILTIN_DATE_IDS


def _is_percent_format(fid: int, custom: dict[int, str]) -> bool:
    """Built-in 9 (0%) and 10 (0.00%), or a custom code with an unquoted, unescaped % (Excel then shows
    the number × 100: a quoted "%" or \\% is only a character)."""
    if fid in custom:
        return "%" in _LITERALS.sub("", custom[fid])
    return fid in (9, 10)


_REF = re.compile(r"([A-Z]{1,3})(\d+)$")


def interpret_cell(
    t: str,
    v: str | None,
    formula: str | None,
    style: str | None,
    inline: str | None,
    strings: _LazyStrings | list[str],
    formats: NumberFormats,
) -> RawCell | None:
    """What one stored cell holds: the one place where a cell's XML becomes a value, for both parsers.

    ``t`` is the cell's type attribute ("n" when absent), ``v`` the text of its <v> (None: no <v>),
    ``formula`` the formula's text (None: no formula; "" when its text cannot matter, see
    ``_fast_sheet``; a shared formula's dependent cell carries its group's text), ``style`` the s
    attribute, ``inline`` the text of an inline string. None: nothing stored (a styled empty cell).
    """
    if formula and _EXTERNAL.search(_STRING_LITERAL.sub("", formula)):
        stored = interpret_cell(t, v, "", style, inline, strings, formats)
        return RawCell("external", stored.text if stored is not None else "", True)
    is_formula = formula is not None
    if t == "s" and v:  # the common case first: a shared string
        if not (v.isascii() and v.isdigit()):  # int() would take "-1", " 1" or "0_0"
            raise WorkbookError("corrupt", "共享字符串索引无效")
        try:
            return RawCell("text", strings[int(v)], is_formula)
        except IndexError:
            raise WorkbookError("corrupt", "共享字符串索引无效") from None
    if t == "inlineStr":
        text = inline or ""
        return RawCell("text", text, is_formula) if text or is_formula else None
    if v is None or (v == "" and t != "str"):
        # openpyxl and some converters write an empty <v></v>: no value, and for a formula no saved result
        return RawCell("empty", "", True, cached=False) if is_formula else None
    if t == "n":
        # a number: its style says whether it is shown as a date or as a percentage
        if style is not None and style.isdigit():
            index = int(style)
            if index in formats.dates:
                return RawCell("date", v, is_formula)
            if index in formats.percents:
                return RawCell("number", v, is_formula, percent=True)
        return RawCell("number", v, is_formula)
    if t == "str":
        return RawCell("text", v, is_formula)
    if t == "b":
        # only 0 and 1 (true/false from some writers) are booleans; anything else stays as written,
        # so the reader reports it instead of reading 2 as FALSE
        low = v.strip().lower()
        return RawCell(
            "bool", "1" if low in ("1", "true") else "0" if low in ("0", "false") else v, is_formula
        )
    if t == "e":
        return RawCell("error", v, is_formula)
    if t == "d":
        return RawCell("date", v, is_formula)
    return RawCell("number", v, is_formula)  # an unknown type: as a number, which the reader checks


# A formula that reaches outside the workbook: an external reference ([1]Sheet1!A1, '[1]S 1'!A1, [1]!Name,
# or a path written out: '[预算.xlsx]Sheet1'!A1) or a DDE link (cmd|' /c calc'!A0). Its saved value is a
# copy of something the inspectors cannot see.
_EXTERNAL = re.compile(r"\[[0-9]+\][^\[\]]*!|\[[^\[\]]*\.[A-Za-z]{2,4}\]|\|")
_STRING_LITERAL = re.compile(r'"(?:[^"]|"")*"')


def _sheet(
    data: bytes,
    name: str,
    state_: str,
    strings: _LazyStrings | list[str],
    formats: NumberFormats,
    budget: list[int],
) -> RawSheet:
    """Every cell of a sheet through expat: the general parser, for parts the fast path does not take."""
    sheet = RawSheet(name, state_)
    cur: dict[str, str | None] = {}
    pos = {"row": 0, "col": 0, "count": 0, "chars": 0, "phonetic": 0}
    buf: list[str] = []
    flags = {"collect": False}
    shared: dict[str, str] = {}  # shared formula group → the text written in its first cell

    def start(tag: str, attrs: dict[str, str]) -> None:
        t = _local(tag)
        if t == "c":
            ref = attrs.get("r")
            if ref:
                m = _REF.match(ref)
                if m is None:
                    raise WorkbookError("corrupt", f"单元格引用“{ref[:20]}”无效")
                pos["col"] = col_number(m.group(1))
                pos["row"] = int(m.group(2))
            else:
                pos["col"] += 1
            cur.clear()
            pos["chars"] = 0
            cur["t"] = attrs.get("t", "n")
            cur["s"] = attrs.get("s")
            cur["v"] = cur["f"] = cur["is"] = cur["si"] = None
        elif t == "row":
            r = attrs.get("r")
            pos["row"] = int(r) if r and r.isdigit() else pos["row"] + 1
            pos["col"] = 0
        elif t in ("rPh", "phoneticPr"):
            pos["phonetic"] += 1  # a reading guide above East Asian text, not the text itself
        elif t in ("v", "t", "f") and not pos["phonetic"]:
            buf.clear()
            flags["collect"] = True
            if t == "f":
                cur["f"] = ""
                cur["si"] = attrs.get("si") if attrs.get("t") == "shared" else None
        elif t == "mergeCell" and attrs.get("ref"):
            sheet.merges.append(attrs["ref"])

    def end(tag: str) -> None:
        t = _local(tag)
        if t in ("rPh", "phoneticPr"):
            pos["phonetic"] -= 1
        elif pos["phonetic"]:
            return
        elif t == "v":
            cur["v"] = "".join(buf)
            flags["collect"] = False
        elif t == "t":
            cur["is"] = (cur.get("is") or "") + "".join(buf)
            flags["collect"] = False
        elif t == "f":
            text = "".join(buf)
            si = cur.get("si")
            if si is not None:
                text = shared.setdefault(si, text) if text else shared.get(si, "")
            cur["f"] = text
            flags["collect"] = False
        elif t == "c":
            cell = interpret_cell(cur["t"] or "n", cur["v"], cur["f"], cur["s"], cur["is"], strings, formats)
            if cell is not None:
                pos["count"] += 1
                if pos["count"] > MAX_CELLS:
                    raise WorkbookError("bomb", f"工作表“{name}”单元格数量超过 {MAX_CELLS}")
                letters = col_letter(pos["col"])
                ref = f"{letters}{pos['row']}"
                if ref in sheet.cells:
                    raise _twice(name, ref)
                sheet.cells[ref] = cell
                sheet.rows.setdefault(pos["row"], {})[letters] = cell

    def chars(text: str) -> None:
        if flags["collect"]:
            pos["chars"] += len(text)  # counted before joining: a 60 MB value is refused, never built
            if pos["chars"] > MAX_CELL_CHARS:
                raise WorkbookError("bomb", f"工作表“{name}”有单元格内容超过 {MAX_CELL_CHARS} 个字符")
            buf.append(text)

    _parse(data, budget, start, end, chars)
    return sheet


def _twice(sheet: str, ref: str) -> WorkbookError:
    return WorkbookError(
        "ambiguous",
        f"工作表“{sheet}”中单元格 {ref} 写了两次，不同软件显示的值可能不同",
    )


# --- fast path -------------------------------------------------------------------------------------
# Excel, WPS, LibreOffice and openpyxl all write cells as <c r="G12" …>…</c>, with no comments, CDATA or
# DTD. For such parts, C-speed regular expressions over the bytes replace one Python callback per XML
# element (~10× faster). Anything unusual — a namespace prefix, a cell without r, a comment, an entity
# other than the five predefined ones — goes to the expat path, which also refuses DTDs.
# a cell element the cell pattern below would not see: <c>, <c/>, other whitespace, no reference
# first, or a malformed one (attribute values holding "/", ">" or quotes are read by the pattern)
_ODD_CELL = re.compile(rb'<c(?:[>/\t\r\n]| (?!r="[A-Z]{1,3}[0-9]+"))')
_SHARED_INDEX = re.compile(rb' t="s"><v>([0-9]+)</v>')
# a prefix bound to the spreadsheet namespace (<x:c …>, as some SDKs write): the fast path matches
# unprefixed names only, so such parts go to the general parser. Looking for the binding is a literal
# search; looking for prefixed elements meant trying a pattern at every tag.
# A namespace written with character references (&#104;ttp…) may be that one too: also general parser.
_MAIN_PREFIX = re.compile(
    rb"""xmlns:[^\s=>]+\s*=\s*["'](?:http://schemas\.openxmlformats\.org/spreadsheetml/2006/main"""
    rb"""["']|http://purl\.oclc\.org/ooxml/spreadsheetml/main["']|[^"'<]*&)"""
)
_ENTITY = re.compile(rb"&(?!(?:lt|gt|amp|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);)")
_T = re.compile(rb"<t(?:\s[^>]*)?>(.*?)</t>|<t(?:\s[^>]*)?/>", re.S)
_RPH = re.compile(rb"<rPh\b.*?</rPh>|<phoneticPr\b[^>]*>", re.S)
_ATTR_T = re.compile(rb"""\st\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_ATTR_S = re.compile(rb"""\ss\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_SI = re.compile(rb"<si>(.*?)</si>|<si/>", re.S)
_REFS = re.compile(r"&(lt|gt|amp|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);")
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"', "apos": "'"}
_cell_patterns: dict[frozenset[str] | None, re.Pattern[bytes]] = {}


def _declares(data: bytes) -> bool:
    """Whether ``data`` holds "<!" (a comment, CDATA or DTD). "!" is rare in a part (a formula's sheet
    reference) and found by memchr; a search for the two bytes crawls over every "<" (61 µs per 75 KB
    sheet, measured, against under 1)."""
    i = data.find(b"!")
    while i >= 0:
        if i and data[i - 1] == 0x3C:  # "<"
            return True
        i = data.find(b"!", i + 1)
    return False


def _fast_ok(data: bytes) -> bool:
    """True when ``data`` has the plain shape every known spreadsheet writer produces."""
    if _declares(data):
        if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
            raise WorkbookError("xml", "文件中包含 DTD 或实体声明")
        return False  # comments or CDATA: let expat handle them
    after = data.find(b"?>") + 2 if data.startswith(b"<?xml") else 0
    if data.find(b"?", after) >= 0 and data.find(b"<?", after) >= 0:  # a one-byte search first: fast
        return False  # a processing instruction besides the declaration: its text is not content
    return (
        _ENTITY.search(data) is None
        and _MAIN_PREFIX.search(data) is None
        and not data.startswith((b"\xff\xfe", b"\xfe\xff"))
    )


def _text(raw: bytes) -> str:
    if b"&#" in raw:  # openpyxl writes CJK as numeric references: let the C parser decode them
        try:
            return fromstring(b"<t>" + raw + b"</t>").text or ""
        except ParseError:
            raise WorkbookError("corrupt", "单元格中有无效的字符引用") from None
    text = raw.decode("utf-8")
    if "&" in text:
        text = _REFS.sub(
            lambda m: (
                _NAMED.get(m.group(1))
                or chr(int(m.group(1)[2:], 16) if m.group(1)[1] == "x" else int(m.group(1)[1:]))
            ),
            text,
        )
    return text


def _join_t(inner: bytes) -> str:
    if b"<rPh" in inner or b"<phoneticPr" in inner:
        inner = _RPH.sub(b"", inner)
    parts = _T.findall(inner)
    if sum(len(p) for p in parts) > MAX_CELL_CHARS * 4:
        raise WorkbookError("bomb", f"有单元格内容超过 {MAX_CELL_CHARS} 个字符")
    text = "".join(_text(p) for p in parts)
    if len(text) > MAX_CELL_CHARS:
        raise WorkbookError("bomb", f"有单元格内容超过 {MAX_CELL_CHARS} 个字符")
    return text


_PRESERVED = b'<t xml:space="preserve">'


def _shared_entry(raw: bytes) -> str:
    """The text of one shared-string entry (``raw`` may run on past its </si>)."""
    end = raw.find(b"</si>")
    inner = raw if end < 0 else raw[:end]
    # the usual entry is one plain run: <t>…</t> or <t xml:space="preserve">…</t>
    start = 3 if inner.startswith(b"<t>") else 24 if inner.startswith(_PRESERVED) else 0
    if (
        start
        and inner.count(b"<") == 2
        and inner.endswith(b"</t>")
        and b"&" not in inner
        and len(inner) <= MAX_CELL_CHARS
    ):
        return inner[start:-4].decode("utf-8")
    return _join_t(inner)


class _LazyStrings:
    """Shared strings split at C speed and decoded only when a wanted cell refers to one.

    ``decoded``: the batch's table of entries already decoded, by their bytes. Files from one template
    and one program repeat the printed texts byte for byte, and text split into runs by font (as
    LibreOffice writes digits beside CJK) costs ~10 µs to join; a lookup costs a hash.
    """

    def __init__(self, data: bytes, decoded: dict[bytes, str] | None = None) -> None:
        pieces = data.split(b"<si>")[1:]  # C-speed; each piece still ends with "</si>…", cut on access
        # every entry the plain <si>…</si> (no <si/>, <si …>): as many "<si" and "</si>" as "<si>"
        if data.count(b"<si") != len(pieces) or data.count(b"</si>") != len(pieces):
            pieces = _SI.findall(data)  # unusual forms: the exact pattern (<si/> gives b"")
        self.raw = pieces
        if len(self.raw) > MAX_CELLS:
            raise WorkbookError("bomb", "共享字符串数量过多")
        self.done: dict[int, str] = {}
        self.decoded: dict[bytes, str] = {} if decoded is None else decoded

    def __getitem__(self, index: int) -> str:
        text = self.done.get(index)
        if text is None:
            raw = self.raw[index]  # the entry and what follows it up to the next one
            text = self.decoded.get(raw)  # the batch's files repeat most entries byte for byte
            if text is None:
                text = _shared_entry(raw)
                if len(raw) <= _SEEN_STRING_BYTES:
                    if len(self.decoded) >= _SEEN_STRINGS:
                        self.decoded.clear()
                    self.decoded[raw] = text
            self.done[index] = text
        return text

    def __len__(self) -> int:
        return len(self.raw)


# Files filled from one template in one program carry byte-identical styles and workbook layouts: a
# batch parses each distinct one once (a dict lookup hashes the bytes; parsing costs ~40× more). Only
# small parts are kept (a crafted 60 MB stylesheet must not stay in memory), few of them, and a hit
# charges the XML element budget exactly as parsing did, so a file's verdict never depends on which
# files came before it.
_SEEN_MAX = 64
_SEEN_PART_BYTES = 256 * 1024
_SEEN_STRINGS = 8192  # decoded shared strings kept, each at most _SEEN_STRING_BYTES long as stored
_SEEN_STRING_BYTES = 4096
_K = TypeVar("_K")
_V = TypeVar("_V")


class ReaderCache:
    """What the files of one batch share while they are read, owned by the batch and passed in.

    Parsed stylesheets and workbook layouts, and decoded shared strings, each keyed by its bytes, so a
    part seen before is looked up instead of parsed. Bounded (few, small entries), and a hit charges
    the element budget as parsing did: a file's verdict never depends on the files read before it.
    """

    def __init__(self) -> None:
        self.styles: dict[bytes, tuple[NumberFormats, int]] = {}
        self.layouts: dict[tuple[bytes, bytes], tuple[_Layout, int]] = {}
        self.strings: dict[bytes, str] = {}
        self.style_bytes: dict[NumberFormats, frozenset[bytes]] = {}


def _charge(elements: list[int], cost: int) -> None:
    elements[0] -= cost
    if elements[0] < 0:
        raise WorkbookError("bomb", f"XML 元素数量超过 {MAX_ELEMENTS}")


def _once_per_batch(
    cache: dict[_K, tuple[_V, int]], key: _K, size: int, elements: list[int], parse: Callable[[], _V]
) -> _V:
    """``parse()``, or what it gave for the same bytes earlier in the batch (charged the same elements)."""
    small = size <= _SEEN_PART_BYTES
    seen = cache.get(key) if small else None
    if seen is not None:
        _charge(elements, seen[1])
        return seen[0]
    before = elements[0]
    value = parse()
    if small:
        if len(cache) >= _SEEN_MAX:
            cache.clear()
        cache[key] = (value, before - elements[0])
    return value


def _number_formats_of(data: bytes, elements: list[int], cache: ReaderCache) -> NumberFormats:
    return _once_per_batch(
        cache.styles,
        data,
        len(data),
        elements,
        lambda: _fast_number_formats(data) if _fast_ok(data) else _number_formats(data, elements),
    )


_NUMFMT = re.compile(rb"<numFmt\b([^>]*)>")
_NUMFMT_ID = re.compile(rb'\snumFmtId\s*=\s*"(\d+)"')
_FORMAT_CODE = re.compile(rb'\sformatCode\s*=\s*"([^"]*)"')


def _fast_number_formats(data: bytes) -> NumberFormats:
    custom: dict[int, str] = {}
    for attrs in _NUMFMT.findall(data):
        fid, code = _NUMFMT_ID.search(attrs), _FORMAT_CODE.search(attrs)
        if fid and code:
            custom[int(fid.group(1))] = _text(code.group(1))
    section = re.search(rb"<cellXfs\b[^>]*>(.*?)</cellXfs>", data, re.S)
    ids = (
        [
            int(m.group(1)) if m else 0
            for m in (_NUMFMT_ID.search(xf) for xf in re.findall(rb"<xf\b([^>]*)", section.group(1)))
        ]
        if section
        else []
    )
    return _classify(ids, custom)


def _fast_sheet(
    data: bytes,
    name: str,
    state_: str,
    strings: _LazyStrings | list[str],
    formats: NumberFormats,
    budget: list[int],
    columns: frozenset[str] | None,
    cache: ReaderCache | None = None,
    compared: frozenset[str] = frozenset(),
    whole_row: int = 0,
) -> RawSheet | None:
    """Cells of a plain sheet, or None when the sheet needs the general parser.

    ``columns``: the column letters to keep (None: all); ``compared``: columns kept as stored, in
    ``sheet.stored`` (see StoredCells); ``whole_row``: a row kept in every column (0: none).
    """
    # every cell written <c r="A1"… with a well-formed reference and the root closed (a cut-off part
    # fails the zip's CRC or this test): otherwise the general parser decides, and reports a damaged
    # file precisely
    if _ODD_CELL.search(data) is not None or not data.rstrip().endswith(b"</worksheet>"):
        return None
    budget[0] -= data.count(b'<c r="')
    if budget[0] < 0:
        raise WorkbookError("bomb", f"XML 元素数量超过 {MAX_ELEMENTS}")
    kept = frozenset(c.encode() for c in compared) if columns is not None else frozenset()
    pattern = _cell_pattern(columns | compared if columns is not None else None)
    # counted over every column, as the general parser does (a part too short to hold that many
    # "</c>" is not scanned: 42 µs per 75 KB sheet)
    if len(data) > 4 * MAX_CELLS and data.count(b"</c>") > MAX_CELLS:
        raise WorkbookError("bomb", f"工作表“{name}”单元格数量超过 {MAX_CELLS}")
    # cells in columns we skip must still point at real shared strings: a damaged file is reported
    indexes = _SHARED_INDEX.findall(data)
    if indexes and max(map(int, indexes)) >= len(strings):
        raise WorkbookError("corrupt", "共享字符串索引无效")
    cache = cache or ReaderCache()
    sheet = RawSheet(name, state_)
    merged = data.find(b"<mergeCells")  # after the cells: the pattern need not scan them
    if merged >= 0:
        sheet.merges = [m.decode() for m in _MERGE.findall(data, merged)]
    cells, rows = sheet.cells, sheet.rows
    # no cell count here: matches end at distinct </c>, already counted against MAX_CELLS above
    matches = pattern.findall(data)
    if whole_row and columns is not None:  # its other columns: found by the row's bounds, near the top
        start = data.find(b'<row r="%d"' % whole_row)
        if start >= 0:
            end = data.find(b"</row>", start)
            listed = {c.encode() for c in columns | compared}
            matches += [m for m in _cell_pattern(None).findall(data, start, end) if m[0] not in listed]
    outward = b"[" in data or b"|" in data  # what any external formula holds (two memchr scans)
    read = _MatchReader(name, strings, formats, _style_bytes(formats, cache), outward)
    if outward and columns is not None:
        # a shared formula's first cell may sit in a column not kept: learn every group's text first
        for f_elem in _FORMULA.findall(data):
            _formula_text(f_elem, read.shared)
    store = sheet.stored = StoredCells(read, cells)
    strings_, special = read.strings, read.special
    make = tuple.__new__  # a RawCell without NamedTuple's Python-level __new__ (~400 cells a workbook)
    count = len(strings_)
    for match in matches:
        letters_b, row_b, s_b, t_b, attrs, f_elem, v_elem, v, rest = match
        if not (v_elem or f_elem or rest):  # a styled empty cell (no <v>, formula or content)
            continue
        if kept and letters_b in kept:
            ref = (letters_b + row_b).decode()
            if ref in store.raw:
                raise _twice(name, ref)
            store.raw[ref] = match
            continue
        cell: RawCell | None
        if v and not (attrs or f_elem or rest) and b"&" not in v and len(v) <= MAX_CELL_CHARS:
            # the plain cells nearly every cell is, as interpret_cell reads them (the property test in
            # tests/test_reader_paths_property.py holds the two equal): a shared string or a number
            if t_b == b"s":
                if not v.isdigit() or int(v) >= count:
                    raise WorkbookError("corrupt", "共享字符串索引无效")
                cell = make(RawCell, ("text", strings_[int(v)], False, True, False))
            elif (t_b == b"" or t_b == b"n") and s_b not in special:
                cell = make(RawCell, ("number", v.decode(), False, True, False))
            else:
                cell = _plain_cell(read, t_b, s_b, v, strings_, formats)
        else:
            cell = read.cell(match)  # formulas, inline strings, odd attributes, long or escaped values
        if cell is None:
            continue
        ref_b = letters_b + row_b
        ref = ref_b.decode()
        if ref in cells:
            raise _twice(name, ref)
        cells[ref] = cell
        row = int(row_b)
        letters = letters_b.decode()
        if row in rows:
            rows[row][letters] = cell
        else:
            rows[row] = {letters: cell}
    return sheet


def _plain_cell(
    read: _MatchReader,
    t_b: bytes,
    s_b: bytes,
    v: bytes,
    strings: _LazyStrings | list[str],
    formats: NumberFormats,
) -> RawCell | None:
    """A cell with a plain value but another type or a meaningful style (a date, a percentage)."""
    t = _TYPES.get(t_b) or t_b.decode()
    return interpret_cell(
        t, v.decode(), None, s_b.decode() if s_b in read.special else None, None, strings, formats
    )


_Match = tuple[bytes, bytes, bytes, bytes, bytes, bytes, bytes, bytes, bytes]


class _MatchReader:
    """Turns one match of the fast cell pattern into the arguments of interpret_cell."""

    def __init__(
        self,
        name: str,
        strings: _LazyStrings | list[str],
        formats: NumberFormats,
        special: frozenset[bytes],
        outward: bool,
    ) -> None:
        self.name, self.strings, self.formats = name, strings, formats
        # only styles that change a number's meaning reach interpret_cell, and a formula's text only
        # when the part holds anything that could make one external: both are rare, and skipping them
        # keeps ~400 cells per workbook cheap
        self.special, self.outward = special, outward
        self.shared: dict[bytes, str] = {}  # shared formula group → the text written in its first cell

    def long_value(self, v: bytes) -> str:
        """A <v> longer than a cell may hold, unless its character references shrink it enough."""
        if len(v) > MAX_CELL_CHARS * 4:
            raise WorkbookError("bomb", f"工作表“{self.name}”有单元格内容超过 {MAX_CELL_CHARS} 个字符")
        value = _text(v)
        if len(value) > MAX_CELL_CHARS:  # as the general parser counts: decoded characters
            raise WorkbookError("bomb", f"工作表“{self.name}”有单元格内容超过 {MAX_CELL_CHARS} 个字符")
        return value

    def cell(self, match: _Match) -> RawCell | None:
        """The cell of one match (for StoredCells, and _fast_sheet's cells other than the plain ones)."""
        _, _, s_b, t_b, attrs, f_elem, v_elem, v, rest = match
        if attrs and (b"t" in attrs or b"s" in attrs):  # attributes in an unusual order or quoting
            t_match, s_match = _ATTR_T.search(attrs), _ATTR_S.search(attrs)
            t_b = (t_match.group(1) if t_match.group(1) is not None else t_match.group(2)) if t_match else t_b
            s_b = (s_match.group(1) if s_match.group(1) is not None else s_match.group(2)) if s_match else s_b
        t = _TYPES.get(t_b) or t_b.decode()
        value: str | None = None
        if v_elem:
            value = self.long_value(v) if len(v) > MAX_CELL_CHARS else _text(v) if b"&" in v else v.decode()
        return interpret_cell(
            t,
            value,
            (_formula_text(f_elem, self.shared) if self.outward else "") if f_elem else None,
            s_b.decode() if s_b in self.special else None,
            _inline_text(rest) if t == "inlineStr" else None,
            self.strings,
            self.formats,
        )


class StoredCells:
    """Cells of columns the reader only compares with what the template printed (wording, points):
    kept as stored and interpreted on request, with a shortcut for the plain forms every writer uses.

    Reading them like values costs ~2 µs a cell, and a form has ~200 of them; comparing a plain
    stored number or shared string costs a fraction of that.
    """

    def __init__(self, read: _MatchReader | None, cells: dict[str, RawCell]) -> None:
        self.read = read
        self.raw: dict[str, _Match] = {}
        self.cells = cells  # the general parser's cells, already interpreted (then raw stays empty)

    def get(self, ref: str) -> RawCell | None:
        match = self.raw.get(ref)
        if match is None or self.read is None:
            return self.cells.get(ref)
        return self.read.cell(match)

    def text(self, ref: str) -> str:
        """The cell's text ("" when empty): a plain shared string at once, anything else interpreted."""
        match = self.raw.get(ref)
        if match is not None and self.read is not None and match[3] == b"s" and not (match[4] or match[5]):
            index = match[7]
            if index.isdigit() and int(index) < len(self.read.strings):
                return self.read.strings[int(index)]
        cell = self.get(ref)
        return cell.text if cell is not None else ""

    def not_plainly(self, wanted: list[tuple[str, bytes | str]]) -> list[int]:
        """Indices of the (cell, expected) pairs whose cell does not plainly hold what is expected: a
        number as stored (bytes, b"4"), or a shared string (str). Only a quick sorting: the cells it
        names may still hold the same value in another form (look closer with get())."""
        raw = self.raw
        read = self.read
        if read is None:
            return list(range(len(wanted)))
        strings, special = read.strings, read.special
        count = len(strings)
        out = []
        for i, (ref, expected) in enumerate(wanted):
            match = raw.get(ref)
            if match is None or match[4] or match[5]:  # absent, unusual attributes, or a formula
                out.append(i)
            elif type(expected) is bytes:
                if match[7] != expected or match[3] not in (b"", b"n") or match[2] in special:
                    out.append(i)
            elif (
                match[3] != b"s"
                or not match[7].isdigit()
                or int(match[7]) >= count
                or strings[int(match[7])] != expected
            ):
                out.append(i)
        return out

    def number(self, ref: str) -> str | None:
        """The cell's number as stored, or None when it holds no number."""
        match = self.raw.get(ref)
        if (
            match is not None
            and self.read is not None
            and match[3] in (b"", b"n")
            and match[7]
            and b"&" not in match[7]
            and not (match[4] or match[5])
            and match[2] not in self.read.special  # not shown as a date or a percentage
        ):
            return match[7].decode()
        cell = self.get(ref)
        return cell.text if cell is not None and cell.kind == "number" else None


def _cell_pattern(columns: frozenset[str] | None) -> re.Pattern[bytes]:
    pattern = _cell_patterns.get(columns)
    if pattern is None:
        cols = (
            b"[A-Z]{1,3}"
            if columns is None
            else b"(?:" + b"|".join(c.encode() for c in sorted(columns)) + b")"
        )
        pattern = _cell_patterns[columns] = re.compile(
            # ref, style, type, other attributes (quoted values may hold "/" or ">")
            rb'<c r="('
            + cols
            + rb""")(\d+)"(?: s="(\d+)")?(?: t="(\w+)")?((?:[^>/"']++|"[^"]*+"|'[^']*+')*+)>"""
            rb"(<f[^>]*?(?:/>|>[^<]*</f>))?"  # a formula (text without markup)
            rb"(<v(?:\s[^>]*)?>([^<]*)</v>|<v/>)?"  # the stored value (the element, then its text)
            rb"(.*?)</c>",
            re.S,
        )  # anything else: an inline string
    return pattern


_TYPES = {b"": "n", b"n": "n", b"s": "s", b"str": "str", b"b": "b", b"e": "e", b"inlineStr": "inlineStr"}
_APPLICATION = re.compile(rb"<(?:\w+:)?Application>([^<]*)</(?:\w+:)?Application>")
_MERGE = re.compile(rb'<mergeCell ref="([A-Z0-9:$]+)"')
_FORMULA = re.compile(rb"<f\b[^>]*?(?:/>|>[^<]*</f>)")


def _style_bytes(formats: NumberFormats, cache: ReaderCache) -> frozenset[bytes]:
    found = cache.style_bytes.get(formats)
    if found is None:
        if len(cache.style_bytes) >= _SEEN_MAX:
            cache.style_bytes.clear()
        found = cache.style_bytes[formats] = frozenset(str(i).encode() for i in formats.special)
    return found


_SHARED_SI = re.compile(rb"""\ssi\s*=\s*["']([^"']*)["']""")


def _formula_text(f_elem: bytes, shared: dict[bytes, str]) -> str:
    """The formula of ``<f …>text</f>`` or ``<f …/>``; a shared formula's dependent cell gets its group's."""
    close = f_elem.find(b">")
    head = f_elem[:close]
    text = "" if head.endswith(b"/") else _text(f_elem[close + 1 : -4])
    if b"shared" in head:
        kind, group = _ATTR_T.search(head), _SHARED_SI.search(head)
        if kind is not None and b"shared" in (kind.group(1), kind.group(2)) and group is not None:
            text = shared.setdefault(group.group(1), text) if text else shared.get(group.group(1), "")
    return text


def _inline_text(rest: bytes) -> str:
    if rest.startswith(b"<is><t>") and rest.endswith(b"</t></is>") and rest.count(b"<t") == 1:
        text = _text(rest[7:-9])  # the usual one-run inline string
        if len(text) > MAX_CELL_CHARS:
            raise WorkbookError("bomb", f"有单元格内容超过 {MAX_CELL_CHARS} 个字符")
        return text
    return _join_t(rest) if b"<t" in rest else ""


def _keep_columns(sheet: RawSheet, columns: frozenset[str] | None, whole_row: int = 0) -> RawSheet:
    if columns is None:
        return sheet
    kept = RawSheet(sheet.name, sheet.state, merges=sheet.merges)
    for ref, cell in sheet.cells.items():
        m = _REF.match(ref)
        if m and (m.group(1) in columns or int(m.group(2)) == whole_row):
            kept.cells[ref] = cell
            kept.rows.setdefault(int(m.group(2)), {})[m.group(1)] = cell
    return kept


@dataclass(frozen=True)
class ZipMember:
    """A file inside a .zip of submissions, read where it is (never extracted to disk).

    ``index`` is its place in the archive's directory (two entries may share a name); ``name`` its
    name as the sender saw it (decoded by the discovery, GBK where the zip does not say UTF-8).
    Behaves like a Path where the reader needs one (name, stem, suffix).
    """

    archive: Path
    index: int
    name: str

    @property
    def suffix(self) -> str:
        base = self.name.rpartition("/")[2]
        return "." + base.rpartition(".")[2] if "." in base.lstrip(".") else ""

    @property
    def stem(self) -> str:
        base = self.name.rpartition("/")[2]
        return base[: len(base) - len(self.suffix)] if self.suffix else base

    def __str__(self) -> str:
        return f"{self.archive}/{self.name}"


Source = Path | ZipMember  # what an input is: a file, or a file in a .zip


def open_regular(source: Source) -> IO[bytes]:
    """Open a regular file (or a file in a .zip) for reading; a FIFO or device is refused, never
    waited on.

    O_NONBLOCK makes opening a FIFO return at once (a plain open() would block until a writer
    appears); fstat on the open descriptor then decides, so a file swapped after listing is caught.
    O_NOATIME, where the system allows it (the file's owner), leaves even the access time alone.
    """
    if isinstance(source, ZipMember):
        return io.BytesIO(_member_bytes(source))
    path = source
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        try:
            fd = os.open(path, flags | getattr(os, "O_NOATIME", 0))
        except PermissionError:  # O_NOATIME is refused on files we do not own: read them normally
            fd = os.open(path, flags)
    except OSError as exc:
        raise WorkbookError("corrupt", f"无法打开文件：{exc.strerror or exc}") from None
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise WorkbookError("legacy", "设备、管道等特殊文件，不是普通文件", "请直接提供填好的自评表文件。")
    return os.fdopen(fd, "rb")


def read_workbook(
    path: Source,
    wanted: Mapping[str, frozenset[str] | None] | set[str],
    cache: ReaderCache | None = None,
    compared: Mapping[str, frozenset[str]] | None = None,
    whole_row: Mapping[str, int] | None = None,
) -> RawWorkbook:
    """Read the sheets named in ``wanted`` (others are listed, not parsed). Raises WorkbookError.

    ``wanted`` may map a sheet name to the column letters to keep (None keeps every column);
    ``compared`` names columns kept as stored, only to be compared (``RawSheet.stored``);
    ``whole_row`` names a row kept in every column (a header row to check);
    ``cache``: the batch's (see ReaderCache); without one, nothing is shared with other files.
    """
    with open_regular(path) as fh:
        size = fh.getbuffer().nbytes if isinstance(fh, io.BytesIO) else os.fstat(fh.fileno()).st_size
        if size == 0:
            raise WorkbookError("empty")
        if size > MAX_FILE_BYTES:
            raise WorkbookError("bomb", f"文件大小 {size // 1_000_000} MB")
        head = fh.read(8192)
        problem = sniff(head, path.suffix)
        if problem is not None:
            if problem.kind != "encrypted" and head.startswith(OLE_MAGIC) and _ole_names_encryption(fh):
                raise _encrypted()
            raise problem
        check_zip_directory(fh, size)
        fh.seek(0)
        return _read_zip(fh, wanted, cache or ReaderCache(), compared or {}, whole_row or {})


def _member_bytes(member: ZipMember) -> bytes:
    """The bytes of one file in a .zip, under the same bounds as a file on disk (size, compression
    ratio, counted while inflating: declared sizes can lie)."""
    with open_regular(member.archive) as fh:
        size = os.fstat(fh.fileno()).st_size
        check_zip_directory(fh, size)
        fh.seek(0)
        try:
            with zipfile.ZipFile(fh) as zf:
                infos = zf.infolist()
                if not 0 <= member.index < len(infos):
                    raise WorkbookError("corrupt", "压缩包中的文件已不存在")
                info = infos[member.index]
                if info.flag_bits & 0x1:
                    raise WorkbookError(
                        "encrypted",
                        "压缩包中的该文件设置了密码",
                        "请不加密码重新压缩，或直接发送填好的 .xlsx 自评表。",
                    )
                if info.file_size > MAX_FILE_BYTES:
                    raise WorkbookError("bomb", f"文件大小 {info.file_size // 1_000_000} MB")
                if (
                    info.compress_size
                    and info.file_size > 1_000_000
                    and info.file_size / info.compress_size > MAX_RATIO
                ):
                    raise WorkbookError("bomb", "压缩比异常")
                chunks: list[bytes] = []
                total = 0
                with zf.open(info) as member_fh:
                    while chunk := member_fh.read(CHUNK):
                        total += len(chunk)
                        if total > MAX_FILE_BYTES:
                            raise WorkbookError("bomb", f"解压后超过 {MAX_FILE_BYTES // 1_000_000} MB")
                        chunks.append(chunk)
                return b"".join(chunks)
        except WorkbookError:
            raise
        except (zipfile.BadZipFile, EOFError, OSError, ValueError, KeyError, zlib.error) as exc:
            raise WorkbookError("corrupt", f"压缩包损坏：{type(exc).__name__}") from None
        except (NotImplementedError, RuntimeError):
            raise WorkbookError("corrupt", "压缩包使用了不支持的压缩方式或设置了密码") from None


def check_zip_directory(fh: IO[bytes], size: int) -> None:
    """Refuse a zip whose central directory is huge before zipfile builds one object per entry.

    zipfile reads exactly the directory size the end record declares, so bounding that size bounds
    the work (a 50 MB file can declare ~900,000 entries: seconds and hundreds of MB otherwise).
    A missing or damaged end record is left for zipfile to report.
    """
    tail_len = min(size, 22 + 65_535)
    fh.seek(size - tail_len)
    tail = fh.read(tail_len)
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or at + 22 > len(tail):
        return
    entries, directory = struct.unpack_from("<HI", tail, at + 10)
    if (
        (entries == 0xFFFF or directory == 0xFFFFFFFF)
        and at >= 20
        and tail[at - 20 : at - 16] == b"PK\x06\x07"
    ):
        (record_at,) = struct.unpack_from("<Q", tail, at - 20 + 8)  # zip64 end record
        if record_at + 56 <= size:
            fh.seek(record_at)
            record = fh.read(56)
            if record[:4] == b"PK\x06\x06":
                entries, directory = struct.unpack_from("<QQ", record, 32)
    if entries > MAX_ENTRIES or directory > MAX_DIRECTORY_BYTES:
        raise WorkbookError("bomb", f"压缩包目录过大（{entries} 个文件，目录 {directory // 1024} KB）")


def _check_entries(names: list[str]) -> None:
    """A part stored twice: zipfile would read the last copy, Excel may show the first (part names are
    compared without regard to case, as the package format says)."""
    seen: set[str] = set()
    for name in names:
        key = name.lower()
        if key in seen:
            raise WorkbookError("ambiguous", f"压缩包中“{name[:60]}”出现了两次，不同软件读到的内容可能不同")
        seen.add(key)


def _not_a_workbook(names: list[str]) -> WorkbookError:
    """A zip that is not a workbook: say what it holds, so the sender knows what to do."""
    if "word/document.xml" in names:
        return WorkbookError("legacy", "Word 文档（.docx）", "请使用下发的 .xlsx 自评表模板填写。")
    if "xl/workbook.bin" in names:
        return WorkbookError(
            "legacy", "Excel 二进制工作簿（.xlsb）", "请在 Excel 中“另存为”Excel 工作簿(*.xlsx)后重新发送。"
        )
    if "content.xml" in names:
        return WorkbookError(
            "legacy", "OpenDocument 表格（.ods）", "请在 WPS/LibreOffice 中“另存为”Excel 工作簿(*.xlsx)。"
        )
    inner = [n for n in names if not n.endswith("/")]
    kinds = {n.rpartition(".")[2].lower() for n in inner if "." in n.rpartition("/")[2]}
    if kinds & {"xlsx", "xlsm", "xls", "et", "csv", "ods", "xlsb"}:
        return WorkbookError(
            "legacy",
            f"压缩包（内含 {len(inner)} 个文件）",
            "请把压缩包的扩展名改为 .zip（或解压后）再检查；压缩包中的 .xls、.csv 等文件请另存为 .xlsx。",
        )
    return WorkbookError("corrupt", "缺少 xl/workbook.xml")


def _sheet_parts(
    sheets_meta: tuple[tuple[str, str, str], ...], targets: Mapping[str, str], names: list[str]
) -> list[str]:
    """The part of every sheet the workbook lists; a sheet listed twice, or whose part is missing, makes
    the file ambiguous or damaged (Excel refuses it, or shows something else than we would read)."""
    present = set(names)
    parts: list[str] = []
    seen_names: set[str] = set()
    seen_parts: set[str] = set()
    for name, _, rid in sheets_meta:
        key = name.casefold()  # Excel compares sheet names without regard to case
        if key in seen_names:
            raise WorkbookError("ambiguous", f"工作簿中有两个名为“{name[:31]}”的工作表")
        seen_names.add(key)
        target = targets.get(rid, "")
        part = target.lstrip("/") if target.startswith("/") else "xl/" + target
        part = re.sub(r"[^/]+/\.\./", "", part)
        if part not in present:
            raise WorkbookError("corrupt", f"工作表“{name[:31]}”的数据缺失")
        if part.lower() in seen_parts:
            raise WorkbookError("ambiguous", f"工作簿中的工作表“{name[:31]}”与另一个工作表指向同一份数据")
        seen_parts.add(part.lower())
        parts.append(part)
    return parts


def _book_layout(wb_data: bytes, rels_data: bytes, elements: list[int], cache: ReaderCache) -> _Layout:
    """Sheets (name, state, relationship id) and relationship targets; parsed once per distinct pair."""

    def parse() -> _Layout:
        sheets_meta: list[tuple[str, str, str]] = []
        targets: dict[str, str] = {}

        def wb_start(tag: str, attrs: dict[str, str]) -> None:
            if _local(tag) == "sheet":
                rid = next((v for k, v in attrs.items() if _local(k) == "id"), "")
                sheets_meta.append((attrs.get("name", ""), attrs.get("state", "visible"), rid))

        def rel_start(tag: str, attrs: dict[str, str]) -> None:
            if _local(tag) == "Relationship":
                targets[attrs.get("Id", "")] = attrs.get("Target", "")

        _parse(wb_data, elements, wb_start)
        if rels_data:
            _parse(rels_data, elements, rel_start)
        return tuple(sheets_meta), MappingProxyType(targets)  # shared by the batch: read-only

    return _once_per_batch(
        cache.layouts, (wb_data, rels_data), len(wb_data) + len(rels_data), elements, parse
    )


def _read_zip(
    fh: IO[bytes],
    wanted: Mapping[str, frozenset[str] | None] | set[str],
    cache: ReaderCache,
    compared: Mapping[str, frozenset[str]],
    whole_row: Mapping[str, int],
) -> RawWorkbook:
    columns_of: dict[str, frozenset[str] | None] = (
        dict(wanted) if isinstance(wanted, Mapping) else dict.fromkeys(wanted)
    )
    try:
        zf = zipfile.ZipFile(fh)
    except zipfile.BadZipFile as exc:
        raise WorkbookError("corrupt", f"压缩包损坏：{exc}") from None
    except (OSError, EOFError, ValueError) as exc:
        raise WorkbookError("corrupt", f"压缩包无法读取：{exc}") from None
    try:
        with zf:
            names = zf.namelist()
            if len(names) > MAX_ENTRIES:
                raise WorkbookError("bomb", f"压缩包内文件数 {len(names)}")
            _check_entries(names)
            if "xl/workbook.xml" not in names:
                raise _not_a_workbook(names)
            if "[Content_Types].xml" not in names:
                # Excel and WPS refuse to open such a file: what the unit sees is not what we would read
                raise WorkbookError("corrupt", "缺少 [Content_Types].xml，Excel 无法打开该文件")
            budget = [MAX_TOTAL_BYTES]
            elements = [MAX_ELEMENTS]
            wb_data = _read_part(zf, "xl/workbook.xml", budget)
            rels_data = (
                _read_part(zf, "xl/_rels/workbook.xml.rels", budget)
                if "xl/_rels/workbook.xml.rels" in names
                else b""
            )
            sheets_meta, targets = _book_layout(wb_data, rels_data, elements, cache)
            parts = _sheet_parts(sheets_meta, targets, names)
            strings: _LazyStrings | list[str] = []
            if "xl/sharedStrings.xml" in names:
                data = _read_part(zf, "xl/sharedStrings.xml", budget)
                plain = _fast_ok(data) and data.rstrip().endswith(b"</sst>")
                strings = _LazyStrings(data, cache.strings) if plain else _shared_strings(data, elements)
            formats = NO_FORMATS
            if "xl/styles.xml" in names:
                data = _read_part(zf, "xl/styles.xml", budget)
                formats = _number_formats_of(data, elements, cache)
            sheets: dict[str, RawSheet] = {}
            for (name, state, _), part in zip(sheets_meta, parts, strict=True):
                if name not in columns_of:
                    continue
                data = _read_part(zf, part, budget)
                columns = columns_of[name]
                also = compared.get(name, frozenset())
                fast = (
                    _fast_sheet(
                        data,
                        name,
                        state,
                        strings,
                        formats,
                        elements,
                        columns,
                        cache,
                        also,
                        whole_row.get(name, 0),
                    )
                    if _fast_ok(data)
                    else None
                )
                if fast is None:
                    fast = _keep_columns(
                        _sheet(data, name, state, strings, formats, elements),
                        columns | also if columns is not None else None,
                        whole_row.get(name, 0),
                    )
                    fast.stored = StoredCells(None, fast.cells)
                sheets[name] = fast
            application = ""
            if not sheets and "docProps/app.xml" in names:  # a workbook of another kind: who made it
                with contextlib.suppress(WorkbookError):  # a name, not a verdict: a bad part says nothing
                    about = _read_part(zf, "docProps/app.xml", [min(budget[0], 64 * 1024)])
                    found = _APPLICATION.search(about)
                    application = _text(found.group(1))[:200] if found else ""
            return RawWorkbook(
                sheet_names=[n for n, _, _ in sheets_meta],
                states={n: s for n, s, _ in sheets_meta},
                sheets=sheets,
                macro_enabled="xl/vbaProject.bin" in names,
                application=application,
            )
    except WorkbookError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError, KeyError) as exc:
        raise WorkbookError("corrupt", f"压缩包损坏：{type(exc).__name__}") from None
    except zlib.error as exc:  # a truncated or tampered deflate stream
        raise WorkbookError("corrupt", f"数据损坏：{exc}") from None
    except (NotImplementedError, RuntimeError):  # zipfile: unknown compression method, encrypted entry
        raise WorkbookError("corrupt", "压缩包使用了不支持的压缩方式或设置了密码") from None
