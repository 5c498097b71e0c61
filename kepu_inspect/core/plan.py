"""Work plans (工作要点 / 实施方案) as data: sections, item groups with their leads, numbered items and
the units responsible for each item.

Pure: text in, a :class:`Plan` and its problems out. Real plans are typed by hand in many styles or
copied out of PDFs, so the parser reads *shapes*, not the seed's exact formatting:

- numbering ``1.`` ``1、`` ``1．`` ``（1）`` ``(1)`` ``①``; sections ``一、``; groups ``（一）`` / ``(一)``;
- annotations ``（责任单位：…）`` with 牵头单位 / 牵头部门 / 负责单位 / 配合单位 …, in （） () 〔〕 [] 【】,
  without a label ``（各成员单位）``, or on a line of their own after the item;
- PDF noise: lines broken mid-word or mid-annotation, numbers and brackets on lines of their own, page
  numbers and running headers, and whole passages repeated (the seed as received holds its text twice).

Traditional characters are handled by a converter the caller passes in (``to_simplified``), so this
module stays free of dictionaries and file access.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import Literal

from kepu_inspect.core.problems import Code, Problem, problem
from kepu_inspect.core.rubric import normalise_name

Simplifier = Callable[[str], str]
UnitGroup = Literal["county", "dept"]
# dept: 各成员单位; county: 各县（市、区）; leads: 各牵头单位 (every group's leads);
# own_leads: the leads of the item's own group (a fallback when an item names no unit)
Collective = Literal["dept", "county", "leads", "own_leads"]

COUNTY_GROUP_NAME = "县（市、区）"
DEPT_GROUP_NAME = "市直成员单位"


# --------------------------------------------------------------------------------------------
# Model
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class OfficialUnit:
    """One entry of the office's own unit list (``--units``): the name wins over the plan's spelling."""

    name: str
    aliases: tuple[str, ...] = ()
    group: UnitGroup | None = None


@dataclass(frozen=True)
class PlanUnit:
    """A unit named in the plan (or supplied by the official list), after alias merging."""

    name: str
    group: UnitGroup
    aliases: tuple[str, ...] = ()
    official: bool = False
    named: bool = True  # False: only in the official list, never named in the plan
    mentions: int = 0


@dataclass(frozen=True)
class PlanSection:
    number: int
    heading: str  # as printed, e.g. 一、以服务创新驱动发展战略实施为导向…
    title: str  # without the number
    line: int
    leads: tuple[str, ...] = ()  # a section-level 牵头单位 annotation (rare)


@dataclass(frozen=True)
class PlanGroup:
    """An item group (（一）实施青少年科学素质行动) and its 牵头部门."""

    number: int
    title: str
    section: int  # index into Plan.sections
    leads: tuple[str, ...]
    line: int


@dataclass(frozen=True)
class PlanItem:
    number: int  # as printed
    text: str  # the full text, without number and annotation
    title: str  # a short title for the rubric
    section: int  # index into Plan.sections
    group: int | None  # index into Plan.groups
    units: tuple[str, ...]  # canonical names of named units, in the plan's order
    collectives: tuple[Collective, ...] = ()  # 各成员单位 → dept, 各县（市、区） → county, 各牵头单位 → leads
    annotation: str = ""  # the annotation as written (without brackets), "" if none
    annotated: bool = False
    office: tuple[str, ...] = ()  # names of the office (市素质办) found in the annotation, not scored
    line: int = 0


@dataclass(frozen=True)
class Plan:
    title: str
    year: int | None
    city: str
    sections: tuple[PlanSection, ...]
    groups: tuple[PlanGroup, ...]
    items: tuple[PlanItem, ...]
    units: tuple[PlanUnit, ...]
    problems: tuple[Problem, ...] = ()
    converted_traditional: bool = False

    def items_of(self, section: int) -> list[PlanItem]:
        return [it for it in self.items if it.section == section]

    def counties_named(self) -> bool:
        return any(u.group == "county" for u in self.units)


# --------------------------------------------------------------------------------------------
# Character-level normalisation
# --------------------------------------------------------------------------------------------
_WIDTH = str.maketrans(
    {
        **{chr(0xFF10 + i): str(i) for i in range(10)},
        **{chr(0xFF21 + i): chr(0x41 + i) for i in range(26)},
        **{chr(0xFF41 + i): chr(0x61 + i) for i in range(26)},
        "\u3000": " ",
        "\xa0": " ",
        "\t": " ",
        "\u2002": " ",
        "\u2003": " ",
        "\u2009": " ",
    }
)
# characters a PDF or a Word file leaves behind that no reader wants (and YAML rejects some of them)
_INVISIBLE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff\ufffe\uffff"
    "\ud800-\udfff]"
)
# same-length mapping, so positions found in the normalised text cut the original text
_STRUCT = str.maketrans("([〔【［﹝｛)]〕】］﹞｝:︰", "（" * 7 + "）" * 7 + "：" * 2)
_OPEN, _CLOSE = "（", "）"

_CJK = "\u3400-\u9fff\uf900-\ufaff"
_TERMINATORS = "。！？!?；;"
_SEPARATORS = "、，,；;/／"

_LABEL = (
    r"(?:(?:[责責]任|[牵牽][头頭]|[负負][责責]|配合|[协協][办辦]|[参參]与|[参參]與|主[责責]|承[办辦])"
    r"(?:[单單]位|部[门門]|[处處]室)|[牵牽][头頭](?=\s*[：:]))"
)
_LABEL_RE = re.compile(_LABEL)
# （责任单位：…）, （责任单位）…, （责任单位 市科协） — but not （责任单位要高度重视…） in running text
_LABEL_BRACKET_RE = re.compile(rf"（\s*{_LABEL}(?=\s*[：:）]|\s)")
# a label inside an annotation, but not the collective 各牵头单位
_LABEL_STRIP_RE = re.compile(rf"(?<!各)(?<!项目){_LABEL}[ ]*(?:）)?[ ]*[：:]?")


def clean_line(text: str) -> str:
    """One line as the parser sees it: invisible characters gone, full-width digits ASCII, spaces tidy."""
    text = _INVISIBLE.sub("", text).translate(_WIDTH)
    return re.sub(r" {2,}", " ", text).strip()


def _struct(text: str) -> str:
    return text.translate(_STRUCT)


def compact(text: str) -> str:
    """Text reduced to its letters, for comparing copies that differ only in punctuation and breaks."""
    return re.sub(rf"[^0-9A-Za-z{_CJK}]", "", text)


# --------------------------------------------------------------------------------------------
# Numbers and structural lines
# --------------------------------------------------------------------------------------------
_CN_DIGIT = {
    "〇": 0,
    "零": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CN = "〇零一二两三四五六七八九十"
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"


def cn_number(text: str) -> int | None:
    """一 → 1, 十二 → 12, 二十 → 20, 二十三 → 23 (enough for headings)."""
    if not text or any(ch not in _CN_DIGIT and ch != "十" for ch in text):
        return None
    if "十" not in text:
        return _CN_DIGIT[text] if len(text) == 1 else None
    tens, _, ones = text.partition("十")
    t = _CN_DIGIT.get(tens, -1) if tens else 1
    o = _CN_DIGIT.get(ones, -1) if ones else 0
    return None if t < 0 or o < 0 else t * 10 + o


_SECTION_RE = re.compile(
    rf"^(?:第([{_CN}]{{1,3}})(?:部分|章)[ 、.．:：]?|([{_CN}]{{1,3}})[ ]*[、.．])[ ]*(.*)$"
)
_GROUP_RE = re.compile(rf"^[（(][ ]*([{_CN}]{{1,3}})[ ]*[）)][ ]*[、.．]?[ ]*(.*)$")
# cn_paren: items numbered （一）（二）, as some 实施方案 do; only tried when no other numbering is found
ItemStyle = Literal["dot", "paren", "circled", "cn_paren"]
_ITEM_RES: dict[str, re.Pattern[str]] = {
    "dot": re.compile(r"^(\d{1,4})[ ]*(?:[.．、]|[)）])(?![0-9])[ ]*(.*)$"),
    "paren": re.compile(r"^[（(][ ]*(\d{1,4})[ ]*[）)][ ]*[、.．]?[ ]*(.*)$"),
    "circled": re.compile(rf"^([{_CIRCLED}])[ 、.．]*(.*)$"),
    "cn_paren": _GROUP_RE,
}


@dataclass(frozen=True)
class _Marker:
    kind: Literal["section", "group", "item"]
    number: int
    rest: str


def _marker(text: str, style: ItemStyle) -> _Marker | None:
    if style != "cn_paren" and (m := _GROUP_RE.match(text)):
        n = cn_number(m.group(1))
        if n is not None:
            return _Marker("group", n, m.group(2))
    if m := _SECTION_RE.match(text):
        n = cn_number(m.group(1) or m.group(2))
        if n is not None and not m.group(3).startswith(("是", "要", "般")):
            return _Marker("section", n, m.group(3))
    if m := _ITEM_RES[style].match(text):
        raw = m.group(1)
        n = (
            _CIRCLED.index(raw) + 1
            if style == "circled"
            else cn_number(raw)
            if style == "cn_paren"
            else int(raw)
        )
        if n:
            return _Marker("item", n, m.group(2))
    return None


# --------------------------------------------------------------------------------------------
# Page noise
# --------------------------------------------------------------------------------------------
_PAGE_RES = [
    re.compile(r"^[-—–－~～·•]*[ ]*\d{1,4}[ ]*[-—–－~～·•]+$|^[-—–－~～·•]+[ ]*\d{1,4}[ ]*[-—–－~～·•]*$"),
    re.compile(r"^第[ ]*\d{1,4}[ ]*页([ ,，/]*共[ ]*\d{1,4}[ ]*页)?$"),
    re.compile(r"^共[ ]*\d{1,4}[ ]*页[ ,，/]*第[ ]*\d{1,4}[ ]*页$"),
    re.compile(r"^\d{1,4}[ ]*/[ ]*\d{1,4}$"),
    re.compile(r"^(?:page|Page|PAGE)[ ]*\d{1,4}([ ]*(?:of|/)[ ]*\d{1,4})?$"),
]
# a bare number continues the sentence when a measure word follows or a bracket / 第 precedes
_MEASURE_NEXT = "年月日号时分秒%％‰万亿千百个项人次名家所篇期场批座条户村乡镇县区元种件台套部册本天周届位支类级倍米里亩吨余多以）)〕]】、，。；：-–—/.．~～"
_NUMBER_PREV = "第约近达超共计逾（(〔[【“-–—~～/"


def _is_page_number(lines: Sequence[str], i: int) -> bool:
    text = lines[i]
    if any(r.match(text) for r in _PAGE_RES):
        return True
    if not re.fullmatch(r"\d{1,3}", text):
        return False
    prev = lines[i - 1] if i > 0 else ""
    nxt = lines[i + 1] if i + 1 < len(lines) else ""
    return not ((prev and prev[-1] in _NUMBER_PREV) or (nxt and nxt[0] in _MEASURE_NEXT))


def _running_headers(lines: Sequence[str], style: ItemStyle) -> set[str]:
    """Short lines repeated on every page (a PDF's running header), never a heading or annotation."""
    counts = Counter(lines)
    return {
        text
        for text, n in counts.items()
        if n >= 3
        and len(text) <= 40
        and not _marker(text, style)
        and not _LABEL_RE.search(text)
        and not _struct(text).startswith(_OPEN)
        and not any(ch in text for ch in "。；")
    }


# --------------------------------------------------------------------------------------------
# Annotations
# --------------------------------------------------------------------------------------------
_UNIT_SUFFIX = re.compile(
    r"(局|委|办|会|部|院|联|协|社|台|馆|厅|处|室|中心|公司|集团|所|站|队|署|府|行|校|学|园|县|区|市|团|组|关|"
    r"单位|部门|宫|报|厂|场|旗|盟|科|股|店)$"
)


def _matching_close(text: str, open_at: int) -> int | None:
    depth = 0
    for i in range(open_at, len(text)):
        if text[i] == _OPEN:
            depth += 1
        elif text[i] == _CLOSE:
            depth -= 1
            if depth == 0:
                return i
    return None


def _matching_open(text: str, close_at: int) -> int | None:
    depth = 0
    for i in range(close_at, -1, -1):
        if text[i] == _CLOSE:
            depth += 1
        elif text[i] == _OPEN:
            depth -= 1
            if depth == 0:
                return i
    return None


def _split_top(text: str) -> list[str]:
    """Split a unit list on 、，,；; / and line breaks, but not inside brackets: 各县（市、区） stays whole."""
    pieces, depth, buf = [], 0, ""
    for ch in text:
        if ch == _OPEN:
            depth += 1
        elif ch == _CLOSE:
            depth = max(0, depth - 1)
        if depth == 0 and (ch in _SEPARATORS or ch == "\n"):
            pieces.append(buf)
            buf = ""
        else:
            buf += ch
    pieces.append(buf)
    return [p.strip() for p in pieces if p.strip()]


def _unit_like(piece: str) -> bool:
    piece = _clean_piece(piece)
    return bool(piece) and len(piece) <= 25 and bool(_UNIT_SUFFIX.search(piece) or _collective_of(piece))


def _plausible_name(name: str) -> bool:
    """A unit name ends like one (局, 委, 中心 …) or is short; a sentence in the annotation is not a name."""
    if _collective_of(name):
        return True
    if re.search(r"[。，！？：；]", name) or not re.search(f"[{_CJK}]", name):
        return False
    return len(name) <= 10 or (len(name) <= 20 and bool(_UNIT_SUFFIX.search(name)))


def _unit_list_like(inner: str) -> bool:
    """（市教育局、市科协） or （各成员单位） without a label; not （社区） or （流动） left on a line by a PDF."""
    pieces = [_clean_piece(p) for p in _split_top(inner)]
    return (
        bool(pieces)
        and all(_unit_like(p) for p in pieces)
        and any(_collective_of(p) or p.startswith(("市", "团")) or len(p) >= 3 for p in pieces)
    )


@dataclass(frozen=True)
class _Annotation:
    label: str
    inner: str  # list text without the label
    span: tuple[int, int]


def _flatten(parts: Sequence[str]) -> tuple[str, frozenset[int]]:
    """A block's lines joined as a PDF broke them (no separator), and where each line started.

    Annotations are searched in the joined text, so （责任单 / 位：市教 / 育局） is found whole; the line
    starts tell an annotation written on its own line from the same words inside a sentence."""
    flat = ""
    starts: list[int] = []
    for part in parts:
        part = part.strip()
        if not part:
            continue
        if flat and flat[-1].isascii() and flat[-1].isalpha() and part[0].isascii() and part[0].isalpha():
            flat += " "
        starts.append(len(flat))
        flat += part
    return flat, frozenset(starts)


def _starts_line(norm: str, pos: int, starts: frozenset[int]) -> bool:
    while pos > 0 and norm[pos - 1] == " ":
        pos -= 1
    return pos == 0 or pos in starts or norm[pos - 1] in _TERMINATORS


_LABEL_HEAD_RE = re.compile(rf"(?:（[ ]*{_LABEL}[ ]*）[ ]*[：:]?|{_LABEL}[ ]*[：:])")


def _find_annotations(norm: str, starts: frozenset[int] = frozenset()) -> list[_Annotation]:
    """Every annotation in a block (flattened and bracket-normalised), in order."""
    found: list[_Annotation] = []

    def taken(i: int) -> bool:
        return any(a.span[0] <= i < a.span[1] for a in found)

    def line_end(pos: int) -> int:
        later = [s for s in starts if s > pos]
        return min(later) if later else len(norm)

    for m in _LABEL_BRACKET_RE.finditer(norm):
        if taken(m.start()):
            continue
        close = _matching_close(norm, m.start())
        end = len(norm) if close is None else close + 1
        inner = norm[m.start() + 1 : end - (0 if close is None else 1)]
        label = _LABEL_RE.search(inner)
        after_label = inner[label.end() :].strip(" ：:") if label else inner
        if not after_label and close is not None:
            # 【责任单位】市科协、市教育局: the label is bracketed, the list follows on the same line
            stop = line_end(end)
            inner = inner + "：" + norm[end:stop]
            end = stop
        found.append(
            _Annotation(label.group(0) if label else "", _LABEL_STRIP_RE.sub("；", inner), (m.start(), end))
        )
    for m in _LABEL_HEAD_RE.finditer(norm):
        start = m.start()
        if taken(start) or not _starts_line(norm, start, starts):
            continue
        end = len(norm)
        for a in found:  # stop before a later bracketed annotation
            if a.span[0] > start:
                end = min(end, a.span[0])
        label = _LABEL_RE.search(norm, start)
        found.append(
            _Annotation(
                label.group(0) if label else "", _LABEL_STRIP_RE.sub("；", norm[start:end]), (start, end)
            )
        )
    if not found:
        stripped = norm.rstrip(" 。；;.，,")
        if stripped.endswith(_CLOSE):
            open_at = _matching_open(stripped, len(stripped) - 1)
            if (
                open_at is not None
                and _starts_line(norm, open_at, starts)
                and _unit_list_like(stripped[open_at + 1 : -1])
            ):
                found.append(_Annotation("", stripped[open_at + 1 : -1], (open_at, len(stripped))))
    return sorted(found, key=lambda a: a.span[0])


def _annotations_of(parts: Sequence[str]) -> tuple[str, list[_Annotation]]:
    flat, starts = _flatten(parts)
    return flat, _find_annotations(_struct(flat), starts)


def _block_closes(parts: Sequence[str]) -> bool:
    """Whether an item's text already ends with its complete annotation (so later lines are not its text)."""
    flat, starts = _flatten(parts[-12:])
    norm = _struct(flat)
    stripped = norm.rstrip(" 。；;.，,")
    if stripped.endswith(_CLOSE):
        open_at = _matching_open(stripped, len(stripped) - 1)
        if open_at is not None:
            inner = stripped[open_at + 1 : -1]
            if _LABEL_RE.match(inner.strip()):
                return True
            if _starts_line(norm, open_at, starts) and _unit_list_like(inner):
                return True
    last = _struct(parts[-1]).strip()
    head = _LABEL_HEAD_RE.search(last)
    return (
        head is not None
        and _starts_line(last, head.start(), frozenset())
        and last[-1] not in _SEPARATORS + "：:"
        and not _unclosed(last)
    )


def _unclosed(text: str) -> bool:
    return text.count(_OPEN) > text.count(_CLOSE)


def _is_annotation_line(text: str) -> bool:
    norm = _struct(text).strip()
    return bool(_LABEL_HEAD_RE.match(norm) or _LABEL_BRACKET_RE.match(norm))


# --------------------------------------------------------------------------------------------
# Unit names
# --------------------------------------------------------------------------------------------
_OFFICE_RE = re.compile(r"素质(?:工作)?(?:领导小组)?办(?:公室)?$|^市?素质办$|科普(?:工作)?领导小组办公室$")
_DEPT_RE = re.compile(
    r"成员单位$|^(?:市直)?各(?:有关|相关)?(?:部门|单位)$|^(?:各)?(?:有关|相关)(?:部门|单位)$"
)
_COUNTY_RE = re.compile(r"^(?:各|全市各)?(?:县|区)[（(]?[市区县、,，]*[）)]?|^各(?:县|区|市)")
_LEADS_RE = re.compile(r"^各?(?:项目)?牵头(?:单位|部门)$")
_VAGUE_RE = re.compile(r"^(?:市直)?各(?:有关|相关)?(?:部门|单位)$|^(?:各)?(?:有关|相关)(?:部门|单位)$")
_COUNTY_NAME_RE = re.compile(rf"^(?!市)[{_CJK}]{{1,8}}(县|区|市)$")
_NOT_COUNTY = re.compile(r"委|局|办|会|部|院|中心|政府|社区|街道|城区")


def _clean_piece(piece: str) -> str:
    piece = re.sub(r"[\s“”\"'‘’《》「」]", "", piece)
    piece = piece.translate(str.maketrans("()", "（）"))
    piece = re.sub(r"^(?:由|和|及|以及|或)", "", piece)
    piece = re.sub(r"（(?:牵头|负责|配合|参与|协助|协办|主责)）$", "", piece)
    piece = re.sub(r"(?:等(?:有关|相关)?(?:单位|部门)?|牵头|负责|配合|参与|协助|协办|共同)+$", "", piece)
    return piece.strip("：:。.，,")


def _collective_of(name: str) -> Literal["office", "dept", "county", "leads", "vague"] | None:
    if _OFFICE_RE.search(name):
        return "office"
    if _LEADS_RE.match(name):
        return "leads"
    if _VAGUE_RE.match(name):
        return "vague"
    if _DEPT_RE.search(name):
        return "dept"
    if _COUNTY_RE.match(name):
        return "county"
    return None


def looks_like_county(name: str) -> bool:
    """新华区, 宝丰县, 舞钢市 — a county-level unit rather than a city department."""
    return bool(_COUNTY_NAME_RE.match(name)) and not _NOT_COUNTY.search(name)


_LONG_ENDINGS = (("委员会", "委"), ("办公室", "办"), ("联合会", "联"), ("协会", "协"))


def _split_ending(name: str) -> tuple[str, str]:
    """市发展和改革委员会 → (市发展和改革, 委): long and short forms end alike once 委员会 counts as 委."""
    for long, short in _LONG_ENDINGS:
        if name.endswith(long) and len(name) > len(long):
            return name[: -len(long)], short
    return name[:-1], name[-1:]


def _subsequence(short: str, long: str) -> bool:
    it = iter(long)
    return all(ch in it for ch in short)


def alias_strength(a: str, b: str) -> Literal["strong", "weak"] | None:
    """How likely two spellings name one unit. Strong: 市工信委 / 市工业和信息化委 — same first character,
    same ending, the short body's characters in order in the long one. Weak: the same but a different
    first character, as in 团市委 / 共青团平顶山市委员会 (reported, never merged)."""
    short, long = sorted((a, b), key=len)
    if len(short) < 3 or len(short) == len(long) or len(short) < 0.3 * len(long):
        return None
    short_body, short_end = _split_ending(short)
    long_body, long_end = _split_ending(long)
    if short_end != long_end or not short_body or not _subsequence(short_body, long_body):
        return None
    return "strong" if short[0] == long[0] else "weak"


# --------------------------------------------------------------------------------------------
# Segmentation
# --------------------------------------------------------------------------------------------
@dataclass
class _Block:
    kind: Literal["section", "group", "item"]
    number: int
    line: int
    parts: list[str]
    closed: bool = False


@dataclass
class _Segmented:
    style: ItemStyle
    blocks: list[_Block]
    loose: list[tuple[int, str]]  # text outside any item (preamble, closing remarks, repeated preamble)

    def score(self) -> tuple[int, float]:
        """The numbering that carries the annotations is the item level; sub-points (1. inside （1）)
        would share the same annotations among more "items", so a higher share wins a tie."""
        items = [b for b in self.blocks if b.kind == "item"]
        annotated = sum(1 for b in items if _annotations_of(b.parts)[1])
        return annotated, annotated / len(items) if items else 0.0


def _segment(lines: Sequence[tuple[int, str]], style: ItemStyle) -> _Segmented:
    blocks: list[_Block] = []
    loose: list[tuple[int, str]] = []
    current: _Block | None = None
    last = {"section": 0, "group": 0, "item": 0}
    texts = [t for _, t in lines]
    markers = [_marker(t, style) for t in texts]
    for i, (no, text) in enumerate(lines):
        mk = markers[i]
        if mk is not None and _accept(mk, current, last):
            current = _Block(mk.kind, mk.number, no, [mk.rest] if mk.rest else [])
            blocks.append(current)
            last[mk.kind] = mk.number
            if mk.kind == "section":
                last["group"] = 0
            if mk.kind == "item":
                current.closed = bool(current.parts) and _block_closes(current.parts)
            continue
        if current is None:
            loose.append((no, text))
            continue
        if current.kind == "item":
            if not current.closed or _is_annotation_line(text):
                current.parts.append(text)
                current.closed = _block_closes(current.parts)
            else:
                loose.append((no, text))
            continue
        # section / group heading: annotation lines, unbalanced brackets and short broken tails continue it
        heading = "".join(current.parts)
        nxt = markers[i + 1] if i + 1 < len(lines) else None
        short_tail = (
            len(text) <= 30
            and not any(ch in text for ch in "。；")
            and not current.closed
            and (i + 1 == len(lines) or nxt is not None)
        )
        if not current.parts or _unclosed(_struct(heading)) or _is_annotation_line(text) or short_tail:
            current.parts.append(text)
        else:
            current.closed = True
            loose.append((no, text))
    return _Segmented(style, blocks, loose)


def _accept(mk: _Marker, current: _Block | None, last: dict[str, int]) -> bool:
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
    ends_paragraph = bool(current.parts) and current.parts[-1][-1:] in _TERMINATORS
    return ends_paragraph and last["item"] < mk.number <= last["item"] + 10


# --------------------------------------------------------------------------------------------
# Raw parts → plan
# --------------------------------------------------------------------------------------------
@dataclass
class _RawItem:
    number: int
    text: str
    names: list[str]  # cleaned pieces, in order
    annotation: str
    annotated: bool
    bad_pieces: list[str]
    section: int
    group: int | None
    line: int
    duplicates: int = 0


def _annotation_pieces(anns: Sequence[_Annotation]) -> tuple[list[str], list[str]]:
    """Names from annotations, and the pieces that do not look like a unit name (for PL003)."""
    names: list[str] = []
    bad: list[str] = []
    for ann in anns:
        for piece in _split_top(ann.inner):
            cleaned = _clean_piece(piece)
            if not cleaned:
                continue
            if " " in piece.strip() and not _collective_of(cleaned):
                subs = [_clean_piece(s) for s in piece.split()]
                if all(_unit_like(s) for s in subs if s):
                    names.extend(s for s in subs if s)
                    continue
            # 市教育局和市科协 / 市科协及各成员单位 — but 市工业和信息化委 stays whole: split on 和/及/与
            # only where every part ends like a unit name
            joined = re.split(r"以及|及|和|与", cleaned)
            if len(joined) > 1 and all(_unit_like(s) for s in joined):
                names.extend(_clean_piece(s) for s in joined)
                continue
            if _plausible_name(cleaned):
                names.append(cleaned)
            else:
                bad.append(piece.strip())
    return names, bad


def _strip_spans(raw: str, anns: Sequence[_Annotation]) -> str:
    out, pos = "", 0
    for ann in anns:
        out += raw[pos : ann.span[0]]
        pos = ann.span[1]
    return out + raw[pos:]


def _block_content(block: _Block) -> tuple[str, str, list[_Annotation]]:
    """An item's text without its annotations, the flattened block, and the annotations."""
    parts = list(block.parts)
    flat, anns = _annotations_of(parts)
    if not anns and len(parts) > 1:
        # paragraph style: each line ends a sentence, so later paragraphs are not this item's text
        ended = sum(1 for p in parts[:-1] if p[-1:] in _TERMINATORS)
        if ended >= max(1, (len(parts) - 1) * 0.6):
            flat, anns = _annotations_of(parts[:1])
    text = _tidy(_strip_spans(flat, anns))
    return text.strip().rstrip("，,、"), flat, anns


def _tidy(text: str) -> str:
    return re.sub(rf"(?<=[{_CJK}，。、；：（）“”])\s+(?=[{_CJK}，。、；：（）“”])", "", text).strip()


def short_title(text: str, number: int) -> str:
    """A short title for the rubric: the item's first sentence, or its first clause, or a cut."""
    first = re.split(r"[。；;！!？?]", text, maxsplit=1)[0].strip()
    if 2 <= len(first) <= 24:
        return first
    clause = re.split(r"[，,：:]", first, maxsplit=1)[0].strip()
    if 4 <= len(clause) <= 24:
        return clause
    if first:
        return first[:20] + "…"
    return f"第{number}项"


def _heading_title(block: _Block) -> tuple[str, list[_Annotation]]:
    flat, anns = _annotations_of(block.parts)
    return _tidy(_strip_spans(flat, anns)).rstrip("。；;，,：: "), anns


def _same_text(a: str, b: str) -> bool:
    """Two headings or items are one if one is (nearly) the start of the other: a PDF copy is often cut."""
    if not a or not b:
        return a == b
    short, long = sorted((a, b), key=len)
    if len(short) < 4:
        return short == long
    if long.startswith(short):
        return True
    if len(short) < 10:
        return False
    head = long[: len(short)]
    matcher = SequenceMatcher(None, short[:300], head[:300], autojunk=False)
    return matcher.quick_ratio() >= 0.9 and matcher.ratio() >= 0.9


def _ranges(numbers: Sequence[int]) -> str:
    out: list[str] = []
    for n in sorted(set(numbers)):
        if out and "～" not in out[-1] and int(out[-1]) == n - 1:
            out[-1] = f"{out[-1]}～{n}"
        elif out and "～" in out[-1] and int(out[-1].split("～")[1]) == n - 1:
            out[-1] = f"{out[-1].split('～')[0]}～{n}"
        else:
            out.append(str(n))
    return "、".join(out)


def _looks_traditional(text: str, to_simplified: Simplifier) -> bool:
    sample = text[:20000]
    converted = to_simplified(sample)
    if len(converted) != len(sample):
        return True
    cjk = sum(1 for ch in sample if "\u4e00" <= ch <= "\u9fff")
    changed = sum(1 for a, b in zip(sample, converted, strict=True) if a != b)
    return changed >= 3 and changed >= 0.01 * max(cjk, 1)


_TITLE_WORDS = re.compile(r"要点|方案|计划|安排|意见|通知|任务|分工")
_NOT_TITLE = re.compile(r"^附件\s*\d*$|〔\d{4}〕|\[\d{4}\]|^\d{4}年\d{1,2}月\d{1,2}日$")


def _doc_title(loose: Sequence[tuple[int, str]], first_line: int | None) -> str:
    """The plan's title: the first line before the first heading that reads like one. A PDF may break
    it (平顶山市 / 2017 / 年全民科学素质工作要点), so up to four short lines are tried joined."""
    head = [text for no, text in loose if first_line is None or no < first_line][:12]
    head = [t for t in head if not _NOT_TITLE.search(t)]
    fallback = ""
    for i, text in enumerate(head):
        joined = ""
        for part in head[i : i + 4]:
            joined += part
            if "。" in joined or len(joined) > 60:
                break
            if _TITLE_WORDS.search(joined) and re.search(f"[{_CJK}]", joined):
                return joined.strip("《》 ")
        if not fallback and len(text) <= 60 and "。" not in text and len(compact(text)) >= 4:
            fallback = text.strip("《》 ")
    return fallback


@dataclass
class _Registry:
    """Unit names seen so far, in order of first appearance, with how often each spelling occurs."""

    order: list[str] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)
    lines: dict[str, int] = field(default_factory=dict)

    def add(self, name: str, line: int) -> None:
        if name not in self.counts:
            self.order.append(name)
            self.lines[name] = line
        self.counts[name] += 1


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, x: str) -> str:
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[rb] = ra


def _resolve_units(
    registry: _Registry,
    official: Sequence[OfficialUnit],
    simplify: Simplifier,
    problems: list[Problem],
) -> tuple[list[PlanUnit], dict[str, str]]:
    """Merge spellings into units (official list first, then the alias heuristic); name → canonical name."""
    official_key: dict[str, int] = {}
    for idx, ou in enumerate(official):
        for n in (ou.name, *ou.aliases):
            official_key.setdefault(normalise_name(simplify(n)), idx)
    uf = _UnionFind()
    matched: dict[str, int] = {}
    guessed: set[str] = set()  # spellings merged by the heuristic, reported once the name is chosen
    for name in registry.order:
        uf.find(name)
        key = normalise_name(name)
        if key in official_key:
            matched[name] = official_key[key]
            continue
        if official:
            strong = {
                i
                for i, ou in enumerate(official)
                for n in (ou.name, *ou.aliases)
                if alias_strength(name, normalise_name(simplify(n))) == "strong"
            }
            if len(strong) == 1:
                matched[name] = strong.pop()
                guessed.add(name)
                continue
            problems.append(problem(Code.PL008, name=name, line=registry.lines.get(name)))
    # names that matched the same official unit are one unit
    by_official: dict[int, str] = {}
    for name, idx in matched.items():
        if idx in by_official:
            uf.union(by_official[idx], name)
        else:
            by_official[idx] = name
    # the heuristic among the remaining spellings
    free = [n for n in registry.order if n not in matched]
    for i, a in enumerate(free):
        for b in free[i + 1 :]:
            strength = alias_strength(a, b)
            if strength == "strong" and uf.find(a) != uf.find(b):
                uf.union(a, b)
                guessed.update((a, b))
            elif strength == "weak":
                short, long = sorted((a, b), key=len)
                problems.append(problem(Code.PL004, short=short, long=long, line=registry.lines.get(long)))
    clusters: dict[str, list[str]] = {}
    for name in registry.order:
        clusters.setdefault(uf.find(name), []).append(name)
    units: list[PlanUnit] = []
    canonical: dict[str, str] = {}
    used_official: set[int] = set()
    for members in clusters.values():
        found = next((matched[m] for m in members if m in matched), None)
        if found is not None:
            ou = official[found]
            used_official.add(found)
            name = ou.name
            aliases = [*ou.aliases, *(m for m in members if normalise_name(m) != normalise_name(name))]
            group: UnitGroup = ou.group or ("county" if looks_like_county(name) else "dept")
        else:
            name = max(members, key=lambda m: (registry.counts[m], len(m), -registry.order.index(m)))
            aliases = [m for m in members if m != name]
            group = "county" if looks_like_county(name) else "dept"
        unique_aliases = tuple(dict.fromkeys(a for a in aliases if normalise_name(a) != normalise_name(name)))
        for m in members:
            canonical[m] = name
            if m in guessed and m != name:
                problems.append(problem(Code.PL007, alias=m, name=name, line=registry.lines.get(m)))
        units.append(
            PlanUnit(
                name, group, unique_aliases, found is not None, True, sum(registry.counts[m] for m in members)
            )
        )
    for index, ou in enumerate(official):
        if index not in used_official:
            group = ou.group or ("county" if looks_like_county(ou.name) else "dept")
            units.append(PlanUnit(ou.name, group, tuple(ou.aliases), True, False, 0))
    return units, canonical


def prepare_lines(text: str, style: ItemStyle = "dot") -> list[tuple[int, str]]:
    """Source lines worth reading, numbered from 1: blank lines, page numbers and running headers gone."""
    numbered = [(i + 1, clean_line(t)) for i, t in enumerate(text.splitlines())]
    numbered = [(no, t) for no, t in numbered if t]
    texts = [t for _, t in numbered]
    keep = [(no, t) for i, (no, t) in enumerate(numbered) if not _is_page_number(texts, i)]
    headers = _running_headers([t for _, t in keep], style)
    return [(no, t) for no, t in keep if t not in headers]


def parse_plan(
    text: str,
    *,
    official: Sequence[OfficialUnit] = (),
    to_simplified: Simplifier | None = None,
) -> Plan:
    """Read a work plan's text into a :class:`Plan`; every doubt becomes a problem, never an exception."""
    simplify: Simplifier = to_simplified or (lambda s: s)
    converted = False
    if to_simplified is not None and _looks_traditional(text, to_simplified):
        text, converted = to_simplified(text), True
    problems: list[Problem] = []

    # choose the item numbering style: the one whose items carry the annotations
    candidates: list[_Segmented] = []
    styles: tuple[ItemStyle, ...] = ("dot", "paren", "circled")
    for style in styles:
        lines = prepare_lines(text, style)
        if any((mk := _marker(t, style)) is not None and mk.kind == "item" for _, t in lines):
            candidates.append(_segment(lines, style))
    if not candidates:
        lines = prepare_lines(text, "cn_paren")
        candidates.append(_segment(lines, "cn_paren"))
    seg = max(candidates, key=lambda s: s.score())
    first_block_line = seg.blocks[0].line if seg.blocks else None
    title = _doc_title(seg.loose, first_block_line)
    # the first year in the title: a plan for 2021—2025 is assessed from its first year
    year_match = re.search(r"(20\d{2})(?!\d)", title) or re.search(r"(20\d{2})\s*年", text[:3000])
    year = int(year_match.group(1)) if year_match else None
    city_match = re.match(rf"^([{_CJK}]{{2,10}}?[省市县区州盟])", title)
    city = city_match.group(1) if city_match else ""

    sections: list[PlanSection] = []
    groups: list[PlanGroup] = []
    raw_items: list[_RawItem] = []
    registry = _Registry()
    office_names: dict[str, int] = {}  # the office (市素质办) → line of its first mention
    section_idx: int | None = None
    group_idx: int | None = None
    dup_numbers: list[int] = []
    dup_line = 0
    repeating = False  # inside a passage that repeats earlier text (a second copy of the plan)
    index = _ItemIndex()

    def register(names: Iterable[str], line: int) -> None:
        for n in map(simplify, names):
            kind = _collective_of(n)
            if kind is None:
                registry.add(n, line)
            elif kind == "office" and n not in office_names:
                office_names[n] = line

    for block in seg.blocks:
        if block.kind == "section":
            title_text, anns = _heading_title(block)
            heading = f"{_cn_numeral(block.number)}、{title_text}"
            # a repeated copy repeats the heading with its number; short titles alone are not enough
            match = next(
                (
                    i
                    for i, s in enumerate(sections)
                    if s.number == block.number and _same_text(compact(s.title), compact(title_text))
                ),
                None,
            )
            leads, _ = _annotation_pieces(anns)
            repeating = match is not None
            if match is not None:
                section_idx = match
                if len(title_text) > len(sections[match].title):
                    sections[match] = PlanSection(
                        block.number, heading, title_text, sections[match].line, sections[match].leads
                    )
            else:
                register(leads, block.line)
                sections.append(PlanSection(block.number, heading, title_text, block.line, tuple(leads)))
                section_idx = len(sections) - 1
            group_idx = None
            continue
        if section_idx is None:
            sections.append(PlanSection(0, "考核项目", "考核项目", block.line))
            section_idx = len(sections) - 1
        if block.kind == "group":
            title_text, anns = _heading_title(block)
            leads, _ = _annotation_pieces(anns)
            match = next(
                (
                    i
                    for i, g in enumerate(groups)
                    if g.section == section_idx
                    and g.number == block.number
                    and _same_text(compact(g.title), compact(title_text))
                ),
                None,
            )
            if match is not None:
                group_idx = match
                if not groups[match].leads and leads:
                    register(leads, block.line)
                    groups[match] = PlanGroup(
                        groups[match].number,
                        groups[match].title,
                        section_idx,
                        tuple(leads),
                        groups[match].line,
                    )
            else:
                register(leads, block.line)
                groups.append(PlanGroup(block.number, title_text, section_idx, tuple(leads), block.line))
                group_idx = len(groups) - 1
            continue
        content, flat, anns = _block_content(block)
        names, bad = _annotation_pieces(anns)
        annotation = "；".join(_clean_annotation(_with_breaks(flat, a.span, block.parts)) for a in anns)
        item = _RawItem(
            block.number, content, names, annotation, bool(anns), bad, section_idx, group_idx, block.line
        )
        dup = index.duplicate_of(item, repeating)
        repeating = dup is not None
        if dup is not None:
            dup_numbers.append(dup.number)
            dup_line = dup_line or block.line
            _merge_into(dup, item)
            if dup is not item and item.annotated and not dup.annotated:
                register(names, block.line)
            continue
        register(names, block.line)
        raw_items.append(item)
        index.add(item)

    if not raw_items:
        problems.append(problem(Code.PL006))
    if dup_numbers:
        problems.append(problem(Code.PL005, number=_ranges(dup_numbers), line=dup_line))

    units, canonical = _resolve_units(registry, official, simplify, problems)
    for name, line in office_names.items():
        problems.append(problem(Code.PL010, name=name, line=line))

    def resolve(names: Iterable[str]) -> tuple[list[str], list[Collective], list[str], list[str]]:
        out: list[str] = []
        coll: list[Collective] = []
        office: list[str] = []
        vague: list[str] = []
        for n in map(simplify, names):
            kind = _collective_of(n)
            if kind is None:
                out.append(canonical.get(n, n))
            elif kind == "office":
                office.append(n)
            elif kind == "vague":
                vague.append(n)
                coll.append("dept")
            else:
                coll.append(kind)
        return list(dict.fromkeys(out)), list(dict.fromkeys(coll)), office, vague

    final_groups = []
    for g in groups:
        leads, _, _, _ = resolve(g.leads)
        final_groups.append(PlanGroup(g.number, g.title, g.section, tuple(leads), g.line))
    final_sections = []
    for s in sections:
        leads, _, _, _ = resolve(s.leads)
        final_sections.append(PlanSection(s.number, s.heading, s.title, s.line, tuple(leads)))

    items: list[PlanItem] = []
    groups_with_leads = {i for i, g in enumerate(final_groups) if g.leads}
    for raw in raw_items:
        unit_names, coll, office, vague = resolve(raw.names)
        for text_bad in raw.bad_pieces:
            problems.append(problem(Code.PL003, number=raw.number, text=text_bad, line=raw.line))
        if raw.annotated and not raw.names and not raw.bad_pieces:
            problems.append(
                problem(Code.PL003, number=raw.number, text=raw.annotation or "（空）", line=raw.line)
            )
        for v in vague:
            problems.append(
                problem(Code.PL009, number=raw.number, text=v, meaning="全部市直成员单位", line=raw.line)
            )
        if "leads" in coll and not groups_with_leads:
            coll = [c for c in coll if c != "leads"]
            coll += [] if "dept" in coll else ["dept"]
            problems.append(
                problem(
                    Code.PL009,
                    number=raw.number,
                    text="各牵头单位（原文没有写明牵头部门）",
                    meaning="全部市直成员单位",
                    line=raw.line,
                )
            )
        if not raw.annotated:
            problems.append(problem(Code.PL002, number=raw.number, line=raw.line))
        if not unit_names and not coll:
            # nothing to score against (no annotation, or only 市素质办): the group's leads, else everyone
            own = raw.group is not None and raw.group in groups_with_leads
            coll = ["own_leads"] if own else ["dept"]
            if raw.annotated and not raw.bad_pieces:
                problems.append(
                    problem(
                        Code.PL009,
                        number=raw.number,
                        text=raw.annotation,
                        meaning="本组牵头单位" if own else "全部市直成员单位",
                        line=raw.line,
                    )
                )
        items.append(
            PlanItem(
                number=raw.number,
                text=raw.text,
                title=short_title(raw.text, raw.number),
                section=raw.section,
                group=raw.group,
                units=tuple(unit_names),
                collectives=tuple(coll),
                annotation=raw.annotation,
                annotated=raw.annotated,
                office=tuple(office),
                line=raw.line,
            )
        )
    return Plan(
        title=title,
        year=year,
        city=city,
        sections=tuple(final_sections),
        groups=tuple(final_groups),
        items=tuple(items),
        units=tuple(units),
        problems=tuple(problems),
        converted_traditional=converted,
    )


def _with_breaks(flat: str, span: tuple[int, int], parts: Sequence[str]) -> str:
    """The annotation's text; where a new line starts with a label (牵头单位：… / 配合单位：…) keep a ；."""
    _, starts = _flatten(parts)
    out = ""
    for i in range(span[0], span[1]):
        if i in starts and i > span[0] and out[-1:] not in _SEPARATORS and _LABEL_RE.match(flat, i):
            out += "；"
        out += flat[i]
    return out


def _clean_annotation(text: str) -> str:
    """The annotation as written, for a comment: 责任单位：市科协、市教育局 (outer brackets dropped)."""
    text = re.sub(r"\s+", " ", text).strip()
    norm = _struct(text)
    if norm.startswith(_OPEN) and _matching_close(norm, 0) == len(norm) - 1:
        text = text[1:-1]
    return text.strip("；;：: ")


def _cn_numeral(n: int) -> str:
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    if n < 20:
        return "十" + (digits[n % 10] if n % 10 else "")
    return digits[n // 10] + "十" + (digits[n % 10] if n % 10 else "")


class _ItemIndex:
    """Earlier items by the start of their text and by number, so finding copies stays linear."""

    def __init__(self) -> None:
        self.by_head: dict[str, list[_RawItem]] = {}
        self.by_number: dict[int, list[_RawItem]] = {}

    def add(self, item: _RawItem) -> None:
        self.by_head.setdefault(compact(item.text)[:4], []).append(item)
        self.by_number.setdefault(item.number, []).append(item)

    def duplicate_of(self, item: _RawItem, repeating: bool) -> _RawItem | None:
        """An earlier item this one copies. Inside a repeated passage (the previous heading or item was a
        copy) even a fragment cut short by the end of the copy counts; elsewhere a few words are not enough."""
        key = compact(item.text)
        if len(key) < (2 if repeating else 6):
            return None
        seen: set[int] = set()
        for other in self.by_head.get(key[:4], []) + self.by_number.get(item.number, []):
            if id(other) in seen:
                continue
            seen.add(id(other))
            other_key = compact(other.text)
            if (repeating and other_key.startswith(key)) or _same_text(other_key, key):
                return other
        return None


def _merge_into(kept: _RawItem, copy: _RawItem) -> None:
    """Keep one item from two copies: the fuller text, and the annotation of whichever copy has one."""
    kept.duplicates += 1
    if len(compact(copy.text)) > len(compact(kept.text)):
        kept.text = copy.text
    if copy.annotated and not kept.annotated:
        kept.names, kept.annotation, kept.annotated, kept.bad_pieces = (
            copy.names,
            copy.annotation,
            True,
            copy.bad_pieces,
        )
