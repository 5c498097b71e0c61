"""Reading work plans and unit lists from disk: plain text in whatever encoding Windows saved it, .docx,
and a clear refusal (with the way out) for .doc, .pdf, .wps and anything else.

The parser (``core.plan``) only ever sees a ``str``; everything about bytes, encodings and file formats
stays here.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from kepu_inspect.core.plan import OfficialUnit, UnitGroup
from kepu_inspect.core.problems import Code, Problem, problem

MAX_BYTES = 20 * 1024 * 1024  # a real plan is a few hundred KB; more is not a plan
MAX_UNZIPPED = 200 * 1024 * 1024  # a .docx that inflates beyond this is refused (zip bomb)

_TO_DOCX = "请在 Word 或 WPS 中打开该文件，“另存为” Word 文档（.docx）或纯文本（.txt）后再导入。"
_FROM_PDF = (
    "PDF 不能直接导入：请在 WPS/Word 中打开后“另存为” .docx，或全选复制文字、粘贴到记事本保存为 .txt "
    "再导入（从 PDF 复制出的断行文字也能识别）。"
)


@dataclass(frozen=True)
class PlanText:
    """A plan's text and how it was read; ``text`` is None when the file cannot be used."""

    text: str | None
    encoding: str = ""
    problems: list[Problem] = field(default_factory=list)


def os_error_text(exc: OSError) -> str:
    """The reason a file cannot be opened, in words an office worker reads."""
    if isinstance(exc, FileNotFoundError):
        return "找不到该文件"
    if isinstance(exc, IsADirectoryError):
        return "这是一个文件夹，不是文件"
    if isinstance(exc, PermissionError):
        return "没有读取该文件的权限"
    return exc.strerror or str(exc)


def _fail(path: Path, detail: str, fix: str = _TO_DOCX) -> PlanText:
    return PlanText(None, "", [problem(Code.PL001, file=str(path), detail=detail, fix=fix)])


def sniff_kind(data: bytes) -> str:
    """What the bytes are, whatever the file name says: docx, zip, ole, pdf, rtf, text."""
    if data.startswith(b"PK\x03\x04"):
        return "zip"
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "ole"  # .doc, .wps, .xls, .et
    if data.lstrip()[:5] == b"%PDF-":
        return "pdf"
    if data.startswith(b"{\\rtf"):
        return "rtf"
    return "text"


def decode_text(data: bytes) -> tuple[str, str] | None:
    """Text in the encodings Chinese offices produce: UTF-8 (with or without BOM), UTF-16 with BOM
    (Notepad's “Unicode”), else GB18030 (a superset of GBK / GB2312). None if none fits."""
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError:
            return None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            return None
    if b"\x00" in data:
        return None  # binary, or UTF-16 without BOM: not something a person saved as text
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError:
        return None


def _looks_binary(text: str) -> bool:
    sample = text[:5000]
    if not sample:
        return False
    bad = sum(1 for ch in sample if (ord(ch) < 32 and ch not in "\r\n\t\f") or 0xE000 <= ord(ch) <= 0xF8FF)
    return bad > max(5, len(sample) // 50)


def read_plan(path: Path) -> PlanText:
    """Read a plan file into text; every way it can fail is a PL001 problem saying how to fix it."""
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            return _fail(
                path,
                f"文件太大（{size / 1024 / 1024:.1f} MB，上限 {MAX_BYTES // 1024 // 1024} MB）",
                "请确认选对了文件：工作要点通常只有几十 KB；如含大量图片，请另存为纯文本（.txt）。",
            )
        data = path.read_bytes()
    except OSError as exc:
        return _fail(path, os_error_text(exc), "请确认文件路径正确，且文件没有被其他程序占用。")
    if not data.strip():
        return _fail(path, "文件是空的", "请确认选对了文件并已保存内容。")
    kind = sniff_kind(data)
    suffix = path.suffix.lower()
    if kind == "zip":
        return _read_docx(path, data)
    if kind == "ole":
        what = (
            "WPS 文字文件（.wps）"
            if suffix == ".wps"
            else "旧版 Word 文件（.doc）"
            if suffix != ".xls"
            else "Excel 文件"
        )
        return _fail(path, f"这是{what}，无法直接读取", _TO_DOCX)
    if kind == "pdf":
        return _fail(path, "这是 PDF 文件", _FROM_PDF)
    if kind == "rtf":
        return _fail(path, "这是 RTF 文件", _TO_DOCX)
    if suffix == ".docx":
        return _fail(path, "文件扩展名是 .docx，但内容不是 Word 文档", "请在 Word/WPS 中重新“另存为” .docx。")
    decoded = decode_text(data)
    if decoded is None or _looks_binary(decoded[0]):
        return _fail(
            path,
            "不是可识别的文本文件（既不是 UTF-8 也不是 GBK/GB18030 编码）",
            "请用记事本打开并“另存为”UTF-8 编码的 .txt，或在 Word/WPS 中另存为 .docx。",
        )
    return PlanText(decoded[0], decoded[1])


# --------------------------------------------------------------------------------------------
# .docx
# --------------------------------------------------------------------------------------------
def _read_docx(path: Path, data: bytes) -> PlanText:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = set(zf.namelist())
            if "word/document.xml" not in names:
                what = (
                    "Excel 工作簿"
                    if "xl/workbook.xml" in names
                    else "PowerPoint 文件"
                    if any(n.startswith("ppt/") for n in names)
                    else "压缩包"
                )
                return _fail(
                    path, f"这是{what}，不是 Word 文档", "请选择工作要点的 Word（.docx）或文本（.txt）文件。"
                )
            if sum(info.file_size for info in zf.infolist()) > MAX_UNZIPPED:
                return _fail(path, "Word 文档解压后过大，已拒绝读取", "请另存为纯文本（.txt）后再导入。")
    except zipfile.BadZipFile:
        return _fail(
            path, "文件已损坏或不完整", "请在 Word/WPS 中打开后重新“另存为” .docx，或重新获取原文件。"
        )
    try:
        text = docx_text(data)
    except Exception as exc:  # python-docx/lxml raise many kinds on damaged files
        return _fail(
            path, f"Word 文档无法解析（{type(exc).__name__}）", "请在 Word/WPS 中打开后重新“另存为” .docx。"
        )
    return PlanText(text, "docx")


def _chinese(n: int) -> str:
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    if n < 20:
        return "十" + (digits[n % 10] if n % 10 else "")
    if n < 100:
        return digits[n // 10] + "十" + (digits[n % 10] if n % 10 else "")
    return str(n)


def _format_number(fmt: str, n: int) -> str:
    if fmt in (
        "chineseCounting",
        "chineseCountingThousand",
        "chineseLegalSimplified",
        "ideographTraditional",
        "taiwaneseCounting",
        "taiwaneseCountingThousand",
        "ideographLegalTraditional",
    ):
        return _chinese(n)
    if fmt == "decimalEnclosedCircle" or fmt == "decimalEnclosedCircleChinese":
        return chr(0x2460 + n - 1) if 1 <= n <= 20 else str(n)
    if fmt == "lowerLetter":
        return chr(0x60 + (n - 1) % 26 + 1)
    if fmt == "upperLetter":
        return chr(0x40 + (n - 1) % 26 + 1)
    if fmt in ("none", "bullet"):
        return ""
    return str(n)


class _Numbering:
    """Word's automatic list numbers (1. 2. 3. typed by Word, not by the author) are not in the paragraph
    text; without them the items of a plan written with Word's numbering button would not be found."""

    def __init__(self, document: Any) -> None:
        from docx.oxml.ns import qn

        self.qn = qn
        self.levels: dict[tuple[str, int], tuple[str, str, int]] = {}  # (numId, ilvl) → (fmt, text, start)
        self.counters: dict[str, dict[int, int]] = {}
        try:
            root = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            return
        abstract: dict[str, Any] = {a.get(qn("w:abstractNumId")): a for a in root.iter(qn("w:abstractNum"))}
        for num in root.iter(qn("w:num")):
            num_id = num.get(qn("w:numId"))
            ref = num.find(qn("w:abstractNumId"))
            definition = abstract.get(ref.get(qn("w:val"))) if ref is not None else None
            if definition is None:
                continue
            for lvl in definition.iter(qn("w:lvl")):
                ilvl = int(lvl.get(qn("w:ilvl"), "0"))
                fmt_el, text_el, start_el = (
                    lvl.find(qn("w:numFmt")),
                    lvl.find(qn("w:lvlText")),
                    lvl.find(qn("w:start")),
                )
                self.levels[(num_id, ilvl)] = (
                    fmt_el.get(qn("w:val")) if fmt_el is not None else "decimal",
                    text_el.get(qn("w:val")) if text_el is not None else f"%{ilvl + 1}.",
                    int(start_el.get(qn("w:val"))) if start_el is not None else 1,
                )

    def _num_pr(self, paragraph: Any) -> tuple[str, int] | None:
        qn = self.qn
        for ppr in (paragraph._p.pPr, _style_ppr(paragraph)):
            if ppr is None:
                continue
            num_pr = ppr.find(qn("w:numPr"))
            if num_pr is None:
                continue
            num_id_el, ilvl_el = num_pr.find(qn("w:numId")), num_pr.find(qn("w:ilvl"))
            if num_id_el is None:
                continue
            return num_id_el.get(qn("w:val")), int(ilvl_el.get(qn("w:val"))) if ilvl_el is not None else 0
        return None

    def prefix(self, paragraph: Any) -> str:
        found = self._num_pr(paragraph)
        if found is None or found[0] == "0" or (found[0], found[1]) not in self.levels:
            return ""
        num_id, ilvl = found
        counters = self.counters.setdefault(num_id, {})
        fmt, text, start = self.levels[(num_id, ilvl)]
        counters[ilvl] = counters.get(ilvl, start - 1) + 1
        for deeper in [k for k in counters if k > ilvl]:
            del counters[deeper]
        if fmt == "bullet":
            return ""

        def level_value(match: re.Match[str]) -> str:
            level = int(match.group(1)) - 1
            lfmt, _, lstart = self.levels.get((num_id, level), ("decimal", "", 1))
            return _format_number(lfmt, counters.get(level, lstart))

        return re.sub(r"%(\d)", level_value, text)


def _style_ppr(paragraph: Any) -> Any:
    try:
        style = paragraph.style
        return style.element.pPr if style is not None else None
    except (AttributeError, KeyError, ValueError):
        return None


def docx_text(data: bytes, *, tables: bool = True) -> str:
    """Paragraphs and table cells in document order, one paragraph a line, with Word's list numbers."""
    import docx

    return document_text(docx.Document(io.BytesIO(data)), tables=tables)


def document_text(document: Any, *, tables: bool = True) -> str:
    """A python-docx document's text; ``tables=False`` leaves table cells out (a 分工 table is read as a
    table by adapters.table_reader, and only the words around it are prose)."""
    from docx.oxml.ns import qn
    from docx.text.paragraph import Paragraph

    numbering = _Numbering(document)
    body = document.element.body
    lines: list[str] = []

    def add(p_el: Any, parent: Any) -> None:
        paragraph = Paragraph(p_el, parent)
        lines.append(numbering.prefix(paragraph) + paragraph.text)

    for child in body.iterchildren():
        if child.tag == qn("w:p"):
            add(child, document)
        elif child.tag == qn("w:tbl") and tables:
            for tc in child.iter(qn("w:tc")):
                for p_el in tc.iterchildren(qn("w:p")):
                    add(p_el, document)
        elif child.tag == qn("w:sdt"):  # content controls wrap ordinary paragraphs
            for p_el in child.iter(qn("w:p")):
                add(p_el, document)
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------
# The official unit list (--units)
# --------------------------------------------------------------------------------------------
_GROUP_WORDS: dict[str, UnitGroup] = {
    "county": "county",
    "县": "county",
    "县区": "county",
    "县（市、区）": "county",
    "县(市、区)": "county",
    "县市区": "county",
    "dept": "dept",
    "department": "dept",
    "部门": "dept",
    "市直": "dept",
    "成员单位": "dept",
    "市直成员单位": "dept",
    "市直单位": "dept",
}
_HEADER_WORDS = {"名称", "单位", "单位名称", "name", "全称"}


def _group_of(value: Any) -> UnitGroup | None:
    text = str(value or "").strip()
    return _GROUP_WORDS.get(text) or _GROUP_WORDS.get(text.lower())


def _aliases(value: Any) -> tuple[str, ...]:
    if isinstance(value, list):
        return tuple(str(v).strip() for v in value if str(v).strip())
    return tuple(a.strip() for a in re.split(r"[|｜;；、/／]", str(value or "")) if a.strip())


def _units_fail(path: Path, detail: str, fix: str) -> tuple[list[OfficialUnit], list[Problem]]:
    return [], [problem(Code.PL011, file=str(path), detail=detail, fix=fix)]


def read_units_file(path: Path) -> tuple[list[OfficialUnit], list[Problem]]:
    """The office's unit list: YAML/JSON (a list of {name, aliases, group}, or a rubric's ``units:``) or
    CSV/TXT rows ``名称,别名1|别名2[,分组]`` (Excel's CSV is GBK; both encodings are read)."""
    fix_format = (
        "请使用 YAML（- {name: 市科协, aliases: [市科学技术协会]}）或 CSV（每行：名称,别名1|别名2,分组），"
        "UTF-8 或 GBK 编码均可。"
    )
    try:
        if path.stat().st_size > MAX_BYTES:
            return _units_fail(path, "文件太大", "请确认选对了文件。")
        data = path.read_bytes()
    except OSError as exc:
        return _units_fail(path, os_error_text(exc), "请确认文件路径正确，且文件没有被其他程序占用。")
    decoded = decode_text(data) if sniff_kind(data) == "text" else None
    if decoded is None:
        return _units_fail(path, "不是文本文件（Excel 表格请另存为 CSV）", fix_format)
    text = decoded[0]
    if path.suffix.lower() in (".yaml", ".yml", ".json"):
        return _units_from_yaml(path, text, fix_format)
    return _units_from_csv(path, text, fix_format)


def _units_from_yaml(path: Path, text: str, fix: str) -> tuple[list[OfficialUnit], list[Problem]]:
    import yaml

    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"（第 {mark.line + 1} 行附近）" if mark is not None else ""
        return _units_fail(path, f"YAML 格式错误{where}", fix)
    if isinstance(doc, dict) and isinstance(doc.get("units"), list):
        doc = doc["units"]
    if not isinstance(doc, list):
        return _units_fail(path, "内容不是单位列表", fix)
    units: list[OfficialUnit] = []
    for i, entry in enumerate(doc):
        if isinstance(entry, str) and entry.strip():
            units.append(OfficialUnit(entry.strip()))
        elif isinstance(entry, dict) and str(entry.get("name") or "").strip():
            units.append(
                OfficialUnit(
                    str(entry["name"]).strip(), _aliases(entry.get("aliases")), _group_of(entry.get("group"))
                )
            )
        else:
            return _units_fail(path, f"第 {i + 1} 个条目没有名称（name）", fix)
    if not units:
        return _units_fail(path, "单位列表是空的", fix)
    return units, []


def _units_from_csv(path: Path, text: str, fix: str) -> tuple[list[OfficialUnit], list[Problem]]:
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    if not lines:
        return _units_fail(path, "单位列表是空的", fix)
    delimiter = "\t" if "\t" in lines[0] else "，" if "," not in lines[0] and "，" in lines[0] else ","
    units: list[OfficialUnit] = []
    for row in csv.reader(lines, delimiter=delimiter):
        cells = [c.strip() for c in row]
        if not cells or not cells[0]:
            continue
        if not units and cells[0].lower() in _HEADER_WORDS:
            continue
        units.append(
            OfficialUnit(
                cells[0],
                _aliases(cells[1]) if len(cells) > 1 else (),
                _group_of(cells[2]) if len(cells) > 2 else None,
            )
        )
    if not units:
        return _units_fail(path, "单位列表是空的", fix)
    return units, []


# --------------------------------------------------------------------------------------------
# Traditional → simplified
# --------------------------------------------------------------------------------------------
@cache
def simplifier() -> Callable[[str], str] | None:
    """OpenCC's traditional → simplified conversion (pure Python, dictionaries shipped in the package).

    None if the package is missing, so a broken install degrades to "traditional plans not converted"
    instead of failing every import."""
    try:
        from opencc_purepy import OpenCC
    except ImportError:
        return None
    converter = OpenCC("t2s")

    def convert(text: str) -> str:
        return str(converter.convert(text))

    return convert
