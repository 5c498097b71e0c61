"""PyYAML's syntax errors told in Chinese, with the line, the column and the usual cause named.

A rubric is typed by office staff in Notepad or WPS: the mistakes that break YAML are a full-width colon
"：" typed by a Chinese input method, a Tab key used for indentation, an indentation that does not line
up, a colon inside a value, an unclosed quote. PyYAML's messages ("could not find expected ':'") name
none of these, and differ between its C (libyaml) and Python scanners; both wordings are handled.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

FULLWIDTH_KEY = re.compile(r"^\s*(?:-\s+)?[^\s:：#\"'][^:：#\"']*：")
HALFWIDTH_KEY = re.compile(r"^\s*(?:-\s+)?[^\s:#\"'][^:#\"']*:(\s|$)")
TAB = "\t"


@dataclass(frozen=True)
class YamlSyntax:
    """What is wrong, where (1-based line and column), and how to fix it."""

    detail: str
    hint: str
    line: int | None
    column: int | None


def _line(lines: list[str], number: int | None) -> str:
    if number is None or not 1 <= number <= len(lines):
        return ""
    return lines[number - 1]


def _fullwidth_line(lines: list[str], *candidates: int | None) -> int | None:
    """The first candidate line (or the non-blank line before it) with a key ended by a full-width colon."""
    for number in candidates:
        if number is None:
            continue
        for n in (number, number - 1, number - 2):
            text = _line(lines, n)
            if FULLWIDTH_KEY.match(text) and not HALFWIDTH_KEY.match(text):
                return n
    return None


def _where(line: int | None, column: int | None) -> str:
    if line is None:
        return ""
    return f"第 {line} 行" + (f"第 {column} 列" if column else "") + "："


FULLWIDTH_HINT = "请把这一行的中文全角冒号“：”改为英文冒号“:”，并在冒号后面加一个空格（如 title: 某某）。"
TAB_HINT = "YAML 只能用空格缩进：请删除这一行开头的 Tab，改为与同级内容对齐的空格（通常每级 2 个空格）。"
INDENT_HINT = "同一级的内容必须左边对齐（用空格，通常每级 2 个空格）；请对照上下几行调整这一行的缩进。"
QUOTE_HINT = (
    '如果文字中有冒号、# 或以 * & @ 等符号开头，请用英文引号把整段文字括起来，如 title: "标准: 2017"。'
)


def explain(exc: Any, text: str) -> YamlSyntax:
    """Turn a ``yaml.YAMLError`` raised on ``text`` into a Chinese explanation."""
    lines = text.splitlines()
    problem = str(getattr(exc, "problem", "") or "")
    context = str(getattr(exc, "context", "") or "")
    pmark = getattr(exc, "problem_mark", None)
    cmark = getattr(exc, "context_mark", None)
    pline = pmark.line + 1 if pmark is not None else None
    pcol = pmark.column + 1 if pmark is not None else None
    cline = cmark.line + 1 if cmark is not None else None
    ccol = cmark.column + 1 if cmark is not None else None

    if not problem and not pmark:  # a ReaderError: an invisible control character
        position = getattr(exc, "position", None)
        line = text.count("\n", 0, position) + 1 if isinstance(position, int) else None
        column = position - (text.rfind("\n", 0, position) + 1) + 1 if isinstance(position, int) else None
        return YamlSyntax(
            f"{_where(line, column)}文件中有不可见的控制字符",
            "请删除该处的特殊字符（可能是从网页或其他软件复制带来的），或重新输入这一行。",
            line,
            column,
        )

    at_tab = bool(pline and pcol and _line(lines, pline)[pcol - 1 : pcol] == TAB)
    if "tab" in problem.lower() or at_tab or _line(lines, pline).startswith(TAB):
        line = pline
        return YamlSyntax(f"{_where(line, 1)}这一行用 Tab 键缩进了", TAB_HINT, line, 1)

    fullwidth = _fullwidth_line(lines, cline, pline)
    if fullwidth is not None and (
        "expected ':'" in problem or "mapping values" in problem or "expected key" in problem
    ):
        column = _line(lines, fullwidth).index("：") + 1
        return YamlSyntax(
            f"{_where(fullwidth, column)}这一行用了中文全角冒号“：”", FULLWIDTH_HINT, fullwidth, column
        )

    if "expected ':'" in problem:
        return YamlSyntax(
            f"{_where(cline or pline, ccol)}这一行缺少英文冒号“:”",
            "每一行应写成“名称: 值”（英文冒号后加一个空格）；如果是上一行内容的延续，请把它接到上一行。",
            cline or pline,
            ccol,
        )
    if "mapping values are not allowed" in problem:
        current = _line(lines, pline)
        if current.count(": ") + current.count(":\t") > 1 or re.search(r":\s+\S.*:\s", current):
            return YamlSyntax(f"{_where(pline, pcol)}这一行的值中含有冒号“: ”", QUOTE_HINT, pline, pcol)
        return YamlSyntax(f"{_where(pline, 1)}这一行的缩进与上一行不一致（多缩进了）", INDENT_HINT, pline, 1)
    if "expected key" in problem or "expected <block end>" in problem:
        return YamlSyntax(f"{_where(pline, pcol)}这一行的缩进与同级内容没有对齐", INDENT_HINT, pline, pcol)
    if "expected '-' indicator" in problem:
        return YamlSyntax(
            f"{_where(pline, pcol)}列表项（以“- ”开头的行）的缩进没有对齐",
            "同一个列表中每一项的“- ”必须上下对齐；请调整这一行的缩进。",
            pline,
            pcol,
        )
    if "end of stream" in problem and "quoted" in context:
        return YamlSyntax(
            f"{_where(cline, ccol)}引号没有配对（缺少结尾的引号）",
            "请在这段文字的末尾补上同样的引号（英文 \" 或 '）。",
            cline,
            ccol,
        )
    if "unknown escape" in problem:
        return YamlSyntax(
            f"{_where(pline, pcol)}双引号中的反斜杠“\\”后面跟了不认识的字符",
            "文件路径等含有反斜杠的文字请改用单引号括起来，如 path: 'D:\\资料'。",
            pline,
            pcol,
        )
    if "alias" in problem or "anchor" in problem or "cannot start any token" in problem:
        return YamlSyntax(f"{_where(pline, pcol)}这里的文字以特殊符号开头", QUOTE_HINT, pline, pcol)
    if "flow" in context or "',' or" in problem:
        return YamlSyntax(
            f"{_where(pline, pcol)}方括号 [ ] 或花括号 {{ }} 没有配对",
            "请检查该处附近的 [ ] 和 { } 是否成对，元素之间用英文逗号分隔。",
            pline,
            pcol,
        )
    if "constructor" in problem or "tag" in problem:
        return YamlSyntax(
            f"{_where(pline, pcol)}这里用了考核细则不支持的“!”标记",
            "请删除以 ! 开头的标记，或用引号把文字括起来。",
            pline,
            pcol,
        )
    return YamlSyntax(
        f"{_where(pline, pcol)}YAML 格式有误",
        "请检查该行及上一行的缩进（只用空格）、冒号（英文冒号后加空格）和引号是否成对。",
        pline,
        pcol,
    )


def explain_json(exc: Any) -> YamlSyntax:
    """A ``json.JSONDecodeError`` (JSON rubrics are read by the YAML parser; this is for a .json file that
    the YAML parser rejected and the JSON parser names more precisely)."""
    messages = {
        "Expecting ',' delimiter": "缺少英文逗号“,”",
        "Expecting ':' delimiter": "缺少英文冒号“:”",
        "Expecting property name enclosed in double quotes": "名称必须用英文双引号括起来（或多了一个逗号）",
        "Expecting value": "缺少值（或多了一个逗号）",
        "Unterminated string starting at": "引号没有配对",
        "Invalid control character at": "文字中有不可见的控制字符",
        "Extra data": "内容结束后还有多余的文字",
    }
    text = next((v for k, v in messages.items() if str(exc.msg).startswith(k)), "JSON 格式有误")
    return YamlSyntax(
        f"{_where(exc.lineno, exc.colno)}{text}",
        "请检查该处的括号、引号和逗号（都须为英文符号）。",
        exc.lineno,
        exc.colno,
    )
