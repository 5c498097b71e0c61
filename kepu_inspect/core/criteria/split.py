"""A 评分标准 cell → its criteria: numbered lines (1. / （1） / ① / a.), else one per line, else the
whole cell; the importer cuts a sentence further (。 then ；) only when every piece is a rule."""

from __future__ import annotations

import re
from dataclasses import dataclass

_MARK = r"(?:\d{1,2}[.、．](?!\d)|[（(]\d{1,2}[)）]|[①-⑳]|[a-z][.、)）])"
_LINE_MARK = re.compile(rf"^\s*{_MARK}\s*")
_INLINE_MARK = re.compile(rf"(?:(?<=^)|(?<=[。；;，,\s]))(?={_MARK})")
_ID = re.compile(r"^〔(?P<id>[A-Za-z][A-Za-z0-9_-]{0,39})〕")


@dataclass(frozen=True)
class CriterionText:
    text: str  # without its number
    id: str = ""  # printed as 〔id〕 when the export's criterion id is not the positional letter


def split_criteria(cell: str) -> list[CriterionText]:
    lines = [line.strip() for line in cell.replace("\r", "\n").split("\n") if line.strip()]
    if not lines:
        return []
    marked = [i for i, line in enumerate(lines) if _LINE_MARK.match(line)]
    pieces: list[str]
    if len(lines) == 1 and len(_inline(lines[0])) > 1:
        pieces = _inline(lines[0])
    elif marked and marked[0] == 0:
        pieces = []
        for line in lines:  # an unnumbered line continues the numbered one above it
            if _LINE_MARK.match(line) or not pieces:
                pieces.append(_LINE_MARK.sub("", line, count=1))
            else:
                pieces[-1] += line
    elif len(lines) == 1:
        pieces = _inline(lines[0])
    else:
        pieces = lines
    out = []
    for piece in pieces:
        m = _ID.match(piece)
        out.append(CriterionText(piece[m.end() :].strip(), m.group("id")) if m else CriterionText(piece))
    return [c for c in out if c.text]


def _inline(line: str) -> list[str]:
    """One line numbered inside (①…②… / （1）…（2）…): the numbered parts, when they count up from 1."""
    starts = [m.start() for m in re.finditer(_MARK, line) if _is_mark_at(line, m.start())]
    if len(starts) < 2 or starts[0] != 0:
        return [line]
    numbers = [_number(line[s:]) for s in starts]
    if numbers != list(range(1, len(starts) + 1)):
        return [line]
    parts = [line[a:b] for a, b in zip(starts, [*starts[1:], len(line)], strict=True)]
    return [_LINE_MARK.sub("", p, count=1).rstrip("；;，,。 ") for p in parts]


def _is_mark_at(line: str, i: int) -> bool:
    return i == 0 or line[i - 1] in "。；;，, "


def _number(text: str) -> int:
    if text[0] in "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳":
        return "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳".index(text[0]) + 1
    m = re.match(r"[（(]?(\d{1,2})", text)
    if m:
        return int(m.group(1))
    m = re.match(r"([a-z])", text)
    return ord(m.group(1)) - ord("a") + 1 if m else 0
