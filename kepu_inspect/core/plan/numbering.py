"""Numbering and segmentation: which lines start a section (一、), an item group (（一）) or an item
(1. 1、 （1） ①, task codes like 10101．), and the block of lines each one owns."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from kepu_inspect.core.numbers import cn_number
from kepu_inspect.core.plan.annotations import (
    LABEL_RE,
    annotations_of,
    block_closes,
    is_annotation_line,
)
from kepu_inspect.core.plan.document import is_signature_line
from kepu_inspect.core.plan.text import (
    CN,
    OPEN,
    TERMINATORS,
    clean_line,
    is_page_number,
    running_headers,
    struct,
    unclosed,
)

_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
_SECTION_RE = re.compile(
    rf"^(?:第([{CN}]{{1,3}})(?:部分|章)[ 、.．:：]?|([{CN}]{{1,3}})[ ]*[、.．])[ ]*(.*)$"
)
_GROUP_RE = re.compile(rf"^[（(][ ]*([{CN}]{{1,3}})[ ]*[）)][ ]*[、.．]?[ ]*(.*)$")
# cn_paren: items numbered （一）（二）, as some 实施方案 do; only tried when no other numbering is found
ItemStyle = Literal["dot", "paren", "circled", "cn_paren"]
_ITEM_RES: dict[str, re.Pattern[str]] = {
    # up to six digits: some offices number tasks by a ledger code (10101．…)
    "dot": re.compile(r"^(\d{1,6})[ ]*(?:[.．、]|[)）])(?![0-9])[ ]*(.*)$"),
    "paren": re.compile(r"^[（(][ ]*(\d{1,4})[ ]*[）)][ ]*[、.．]?[ ]*(.*)$"),
    "circled": re.compile(rf"^([{_CIRCLED}])[ 、.．]*(.*)$"),
    "cn_paren": _GROUP_RE,
}
BlockKind = Literal["section", "group", "item"]


@dataclass(frozen=True)
class Marker:
    kind: BlockKind
    number: int
    rest: str
    dot_group: bool = (
        False  # 1.青少年科学素质行动 heading items numbered （1）（2）: a group, never inside an item
    )


def marker(text: str, style: ItemStyle) -> Marker | None:
    if style != "cn_paren" and (m := _GROUP_RE.match(text)):
        n = cn_number(m.group(1))
        if n is not None:
            return Marker("group", n, m.group(2))
    if m := _SECTION_RE.match(text):
        n = cn_number(m.group(1) or m.group(2))
        if n is not None and not m.group(3).startswith(("是", "要", "般")):
            return Marker("section", n, m.group(3))
    if m := _ITEM_RES[style].match(text):
        raw = m.group(1)
        value = (
            _CIRCLED.index(raw) + 1
            if style == "circled"
            else cn_number(raw)
            if style == "cn_paren"
            else int(raw)
        )
        if value:
            return Marker("item", value, m.group(2))
    return None


def prepare_lines(text: str, style: ItemStyle = "dot") -> list[tuple[int, str]]:
    """Source lines worth reading, numbered from 1: blank lines, page numbers and running headers gone."""
    numbered = [(i + 1, clean_line(t)) for i, t in enumerate(text.splitlines())]
    numbered = [(no, t) for no, t in numbered if t]
    texts = [t for _, t in numbered]
    keep = [(no, t) for i, (no, t) in enumerate(numbered) if not is_page_number(texts, i)]

    def protected(line: str) -> bool:
        return bool(marker(line, style) or LABEL_RE.search(line) or struct(line).startswith(OPEN))

    headers = running_headers([t for _, t in keep], protected)
    return [(no, t) for no, t in keep if t not in headers]


# --------------------------------------------------------------------------------------------
# Blocks
# --------------------------------------------------------------------------------------------
@dataclass
class Block:
    kind: BlockKind
    number: int
    line: int
    parts: list[str]
    closed: bool = False


@dataclass
class Segmented:
    style: ItemStyle
    blocks: list[Block]
    loose: list[tuple[int, str]]  # text outside any item (preamble, closing remarks, signature)

    def score(self) -> tuple[int, float]:
        """The numbering that carries the annotations is the item level; sub-points (1. inside （1）)
        would share the same annotations among more "items", so a higher share wins a tie."""
        items = [b for b in self.blocks if b.kind == "item"]
        annotated = sum(1 for b in items if annotations_of(b.parts)[1])
        return annotated, annotated / len(items) if items else 0.0


def segment(lines: Sequence[tuple[int, str]], style: ItemStyle) -> Segmented:
    blocks: list[Block] = []
    loose: list[tuple[int, str]] = []
    current: Block | None = None
    last = {"section": 0, "group": 0, "item": 0}
    texts = [t for _, t in lines]
    markers = [marker(t, style) or _dot_group(t, style) for t in texts]
    for i, (no, text) in enumerate(lines):
        mk = markers[i]
        inside_item = current is not None and current.kind == "item" and not current.closed
        if mk is not None and mk.dot_group and inside_item:
            mk = None  # 具体包括：1.… 2.… inside an item stays its text
        if mk is not None and _accept(mk, current, last):
            current = Block(mk.kind, mk.number, no, [mk.rest] if mk.rest else [])
            blocks.append(current)
            last[mk.kind] = mk.number
            if mk.kind == "section":
                last["group"] = 0
            if mk.kind == "item":
                current.closed = bool(current.parts) and block_closes(current.parts)
            continue
        if current is None or is_signature_line(texts, i):
            loose.append((no, text))
            if current is not None:
                current.closed = True
            continue
        if current.kind == "item":
            if not current.closed or is_annotation_line(text):
                current.parts.append(text)
                current.closed = block_closes(current.parts)
            else:
                loose.append((no, text))
            continue
        if _continues_heading(current, text, i, len(lines), markers):
            current.parts.append(text)
        else:
            current.closed = True
            loose.append((no, text))
    return Segmented(style, blocks, loose)


def _dot_group(text: str, style: ItemStyle) -> Marker | None:
    """Where items are numbered （1） or ①, a line numbered 1. between them heads a group of them."""
    if style not in ("paren", "circled"):
        return None
    found = marker(text, "dot")
    if found is None or found.kind != "item":
        return None
    return Marker("group", found.number, found.rest, dot_group=True)


def _continues_heading(
    current: Block, text: str, i: int, count: int, markers: Sequence[Marker | None]
) -> bool:
    """Section / group headings: annotation lines, unbalanced brackets and short broken tails continue it."""
    heading = "".join(current.parts)
    nxt = markers[i + 1] if i + 1 < count else None
    short_tail = (
        len(text) <= 30
        and not any(ch in text for ch in "。；")
        and not current.closed
        and (i + 1 == count or nxt is not None)
    )
    return not current.parts or unclosed(struct(heading)) or is_annotation_line(text) or short_tail


def _accept(mk: Marker, current: Block | None, last: dict[str, int]) -> bool:
    """Sequence sense: inside an unfinished item only the next number (or a heading restart) starts a new
    item, so 3、4月… broken onto a new line stays text; between items any plausible number starts one."""
    inside_open_item = current is not None and current.kind == "item" and not current.closed
    if mk.kind in ("section", "group"):
        # a heading lost in a PDF copy must not shift the next one's items into the wrong place
        return mk.number in (last[mk.kind] + 1, 1) or (not inside_open_item and mk.number > last[mk.kind])
    if not inside_open_item:
        return True
    assert current is not None
    if mk.number in (last["item"] + 1, last["item"] + 2):
        return True
    ends_paragraph = bool(current.parts) and current.parts[-1][-1:] in TERMINATORS
    return ends_paragraph and last["item"] < mk.number <= last["item"] + 10


def best_segmentation(text: str) -> Segmented:
    """The item numbering style whose items carry the annotations."""
    candidates: list[Segmented] = []
    styles: tuple[ItemStyle, ...] = ("dot", "paren", "circled")
    for style in styles:
        lines = prepare_lines(text, style)
        if any((mk := marker(t, style)) is not None and mk.kind == "item" for _, t in lines):
            candidates.append(segment(lines, style))
    if not candidates:
        candidates.append(segment(prepare_lines(text, "cn_paren"), "cn_paren"))
    return max(candidates, key=lambda s: s.score())
