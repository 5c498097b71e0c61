"""Annotations: who is responsible for an item, as plans write it.

Forms read: a label in brackets （责任单位：A、B） / （牵头单位：A；配合单位：B） (in （）()〔〕[]【】), a
label heading a line of its own (责任单位：A / 【责任单位】A / 总牵头部门：A), and annotations without
any label, recognised by their verbs: （A负责落实） （A、B分别负责） （A、B牵头，各有关部门按职责分工负责）
（A牵头，B配合） or a line of its own "A牵头落实". Each name comes out with its role where the plan
states one (牵头 → lead, 配合/参与/协助 → cooperate).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from kepu_inspect.core.plan.model import Role
from kepu_inspect.core.plan.text import (
    CLOSE,
    OPEN,
    SEPARATORS,
    flatten,
    matching_close,
    matching_open,
    split_top,
    starts_line,
    struct,
    unclosed,
)
from kepu_inspect.core.plan.units import clean_piece, collective_of, plausible_name, unit_like

_UNIT_WORD = r"(?:[单單]位|部[门門]|[处處]室)"
_LEAD_WORDS = rf"(?:总)?[牵牽][头頭](?:[责責]任)?{_UNIT_WORD}|主[责責]{_UNIT_WORD}"
_COOP_WORDS = rf"(?:配合|[协協][办辦]|[参參][与與加]|[协協]助|[协協]同)(?:[责責]任)?{_UNIT_WORD}"
_RESP_WORDS = rf"(?:主要|具体)?(?:[责責]任|[负負][责責]|承[办辦])(?:{_UNIT_WORD}|主[体體])"
_BARE = r"(?:[牵牽][头頭]|配合|[参參][与與]|[协協][办辦]|[负負][责責])(?=\s*[：:])"  # 牵头：… 配合：…
_LABEL = rf"(?:{_LEAD_WORDS}|{_COOP_WORDS}|{_RESP_WORDS}|{_BARE})"
LABEL_RE = re.compile(_LABEL)
# （责任单位：…）, （责任单位）…, （责任单位 市科协） — but not （责任单位要高度重视…） in running text
_LABEL_BRACKET_RE = re.compile(rf"（\s*{_LABEL}(?=\s*[：:）]|\s)")
# a label inside an annotation, but not the collective 各牵头单位
# (not 为责任单位 at a clause's end: "A、B为责任单位" names A and B)
_LABEL_INSIDE_RE = re.compile(rf"(?<!各)(?<!项目)(?<!为){_LABEL}[ ]*(?:）)?[ ]*[：:]?")
# a label heading a line, perhaps after a dash or bullet: ——责任单位：…
LABEL_HEAD_RE = re.compile(rf"(?:[—\-－–·•●◆▲■□]+[ ]*)?(?:（[ ]*{_LABEL}[ ]*）[ ]*[：:]?|{_LABEL}[ ]*[：:])")

# a clause's verb tells the role of the names before it: A、B牵头 / C配合 / D分别负责落实
_LEAD_VERB = re.compile(
    r"(?:共同|联合)?牵头(?:负责|落实|实施|推进|组织|抓总)*(?:落实|实施)?$|为牵头(?:单位|部门)$"
)
_COOP_VERB = re.compile(
    r"(?:积极|共同|协同|按职责|按照职责|根据职责)?(?:配合|参与|参加|协助|协办)(?:落实|实施|推进|做好)?$"
    r"|为(?:配合|参与|协办)(?:单位|部门)$"
)
_RESP_VERB = re.compile(
    r"(?:分别|共同|具体|按|按照|根据|依据)?(?:各自)?(?:职责分工|职责|职能|分工)?"
    r"(?:负责落实|负责实施|负责推进|负责组织实施|组织实施|抓好落实|负责|落实)$|为(?:责任|负责|承办)(?:单位|部门)$"
)
# a deadline inside an annotation: 完成时限：2022年底前 / 2022年12月底前完成 / 长期坚持 — not a unit
_TIME_CLAUSE = re.compile(
    r"^(?:完成)?(?:时限|时间|期限|时间节点|进度安排|进度)(?:要求)?[：:]|^(?:\d{4}年|年底|年内|全年|长期|持续)"
    r"|(?:前|底|内)完成$|^(?:长期|持续)(?:坚持|推进)$"
)
_MARK_LEAD = re.compile(r"（(?:牵头|牵头单位|总牵头)）$")
_MARK_COOP = re.compile(r"（(?:配合|参与|协助|配合单位)）$")
_UNDETERMINED = re.compile(r"^(?:待定|另定|另行确定|另行明确|待明确|待确定|暂定|未定|视情确定|[/／—－-]+)$")


@dataclass(frozen=True)
class Mention:
    """One name in an annotation, with the role the plan gives it (None: responsible, role unstated)."""

    name: str
    role: Role | None = None
    alias: str = ""  # 市府办〔市大数据局〕: the bracketed alternative name
    undetermined: bool = False  # 待定 / 另定: a placeholder, not a unit
    verb: bool = False  # named before 负责/落实: pairs with a 配合 clause as the lead


@dataclass(frozen=True)
class Annotation:
    label: str
    inner: str  # the annotation's text, brackets dropped, labels kept
    span: tuple[int, int]
    role: Role | None = None  # the role of a bracket label like 【牵头单位】


def label_role(label: str) -> Role | None:
    """牵头单位 / 主责部门 / 牵头： → lead; 配合单位 / 参与单位 / 协办： → cooperate; 责任单位 → None."""
    word = re.sub(r"[\s：:（）]", "", label)
    if re.search("[牵牽][头頭]|主[责責]", word):
        return "lead"
    if re.match("配合|[参參][与與加]|[协協][办辦助同]", word):
        return "cooperate"
    return None


# --------------------------------------------------------------------------------------------
# Reading names and roles out of an annotation
# --------------------------------------------------------------------------------------------
def _verb_role(clause: str) -> tuple[str, Role | None, bool]:
    """A clause without its verb, the verb's role, and whether it had a verb at all."""
    text = clause.strip().rstrip("。.；;，,")
    text = re.sub(r"^由", "", text)
    for pattern, role in ((_LEAD_VERB, "lead"), (_COOP_VERB, "cooperate"), (_RESP_VERB, None)):
        m = pattern.search(text)
        if m and m.start() > 0:
            return text[: m.start()].rstrip("，,、 "), role, True  # type: ignore[return-value]
    return text, None, False


def _names_in(piece: str) -> list[str]:
    """One list piece as names: 市教育局和市科协 → two, 市工业和信息化委 → one, space-separated lists."""
    cleaned = clean_piece(piece)
    if not cleaned:
        return []
    if " " in piece.strip() and not collective_of(cleaned):
        subs = [clean_piece(s) for s in piece.split()]
        if all(unit_like(s) for s in subs if s):
            return [s for s in subs if s]
    joined = re.split(r"以及|及|和|与|同", cleaned)
    if len(joined) > 1 and all(unit_like(s) for s in joined):
        return [clean_piece(s) for s in joined]
    return [cleaned]


def _mention(name: str, role: Role | None, verb: bool) -> Mention:
    if _UNDETERMINED.match(name):
        return Mention(name, undetermined=True)
    alias = ""
    m = re.fullmatch(r"(.+?)（(.+?)）", name)
    if (
        m
        and unit_like(m.group(1))
        and unit_like(m.group(2))
        and len(m.group(2)) >= 3
        and not collective_of(name)
    ):
        name, alias = m.group(1), m.group(2)
    return Mention(name, role, alias, verb=verb)


def _segments(inner: str, default: Role | None) -> list[tuple[Role | None, str]]:
    """Text between labels, with the role of the label before it: 牵头单位：A；配合单位：B."""
    out: list[tuple[Role | None, str]] = []
    pos, role = 0, default
    for m in _LABEL_INSIDE_RE.finditer(inner):
        out.append((role, inner[pos : m.start()]))
        role = label_role(m.group(0))
        pos = m.end()
    out.append((role, inner[pos:]))
    return [(r, t) for r, t in out if t.strip(" ：:；;，,。—-－–·•●◆▲■□")]


def read_mentions(inner: str, default: Role | None = None) -> tuple[list[Mention], list[str]]:
    """Names with roles from an annotation's text, and the pieces that are no unit name (for PL003)."""
    mentions: list[Mention] = []
    bad: list[str] = []
    for seg_role, segment in _segments(struct(inner), default):
        for clause in split_top(segment, "，,；;"):
            if _TIME_CLAUSE.search(clause.strip()):
                continue
            text, verb_role, has_verb = _verb_role(clause)
            role = seg_role or verb_role
            for piece in split_top(text, "、/／"):
                marked = _MARK_LEAD.search(piece) or _MARK_COOP.search(piece)
                piece_role = role
                if marked:
                    piece_role = "lead" if _MARK_LEAD.search(piece) else "cooperate"
                    piece = piece[: marked.start()]
                for name in _names_in(piece):
                    if _UNDETERMINED.match(name) or plausible_name(name):
                        mentions.append(_mention(name, piece_role, has_verb and verb_role is None))
                    else:
                        bad.append(piece.strip())
    return mentions, bad


def settle_roles(mentions: list[Mention], lead_first: bool) -> list[Mention]:
    """Roles the plan implies: beside a named lead the others cooperate; beside 配合 units the
    responsible ones lead; under a "列第一位者为牵头单位" note the first named leads."""
    real = [m for m in mentions if not m.undetermined]
    roles = {m.role for m in real}
    if "lead" in roles:
        return [m if m.role or m.undetermined else _with_role(m, "cooperate") for m in mentions]
    if "cooperate" in roles:
        return [m if m.role or m.undetermined else _with_role(m, "lead") for m in mentions]
    if lead_first and real:
        first = real[0]
        return [
            m if m.undetermined else _with_role(m, "lead" if m is first else "cooperate") for m in mentions
        ]
    return mentions


def _with_role(m: Mention, role: Role) -> Mention:
    return Mention(m.name, role, m.alias, m.undetermined, m.verb)


# --------------------------------------------------------------------------------------------
# Finding annotations in a block of text
# --------------------------------------------------------------------------------------------
def verb_list_like(text: str) -> bool:
    """（市交通委负责落实） / 市科协牵头，市教育局配合: every clause is a list of unit names, and at
    least one clause ends with a responsibility verb."""
    clauses = [
        c for c in split_top(struct(text).strip().rstrip("。.；;"), "，,；;") if not _TIME_CLAUSE.search(c)
    ]
    if not clauses:
        return False
    any_verb = False
    for clause in clauses:
        body, _, has_verb = _verb_role(clause)
        any_verb = any_verb or has_verb
        if not unit_list_like(body):
            return False
    return any_verb


def unit_list_like(inner: str) -> bool:
    """（市教育局、市科协） or （各成员单位） without a label; not （社区） or （流动） left by a PDF."""
    pieces = [
        clean_piece(_MARK_LEAD.sub("", _MARK_COOP.sub("", p)))
        for p in split_top(struct(inner), SEPARATORS)
        if not _TIME_CLAUSE.search(p)
    ]
    return (
        bool(pieces)
        and all(unit_like(p) or bool(_UNDETERMINED.match(p)) for p in pieces)
        and any(
            collective_of(p)
            or p.startswith(("市", "团", "省", "县", "区", "中国", "国家", "全国"))
            or len(p) >= 3
            for p in pieces
        )
    )


def find_annotations(norm: str, starts: frozenset[int] = frozenset()) -> list[Annotation]:
    """Every annotation in a block (flattened and bracket-normalised), in order."""
    found = _bracketed_labels(norm, starts)
    found += _line_labels(norm, starts, found)
    if not found:
        tail = _unlabelled_tail(norm, starts)
        if tail is not None:
            found.append(tail)
    return sorted(found, key=lambda a: a.span[0])


def _line_end(norm: str, starts: frozenset[int], pos: int) -> int:
    later = [s for s in starts if s > pos]
    return min(later) if later else len(norm)


def _bracketed_labels(norm: str, starts: frozenset[int]) -> list[Annotation]:
    found: list[Annotation] = []
    for m in _LABEL_BRACKET_RE.finditer(norm):
        if any(a.span[0] <= m.start() < a.span[1] for a in found):
            continue
        close = matching_close(norm, m.start())
        end = len(norm) if close is None else close + 1
        inner = norm[m.start() + 1 : end - (0 if close is None else 1)]
        label = LABEL_RE.search(inner)
        after_label = inner[label.end() :].strip(" ：:") if label else inner
        role: Role | None = None
        if not after_label and close is not None:
            # 【责任单位】市科协、市教育局: the label is bracketed, the list follows on the same line
            stop = _line_end(norm, starts, end)
            inner = inner + "：" + norm[end:stop]
            end = stop
        found.append(Annotation(label.group(0) if label else "", inner, (m.start(), end), role))
    return found


def _line_labels(norm: str, starts: frozenset[int], found: list[Annotation]) -> list[Annotation]:
    """责任单位：… / 牵头单位：… heading a line of its own (or following a full stop), or closing a
    sentence after a comma when only unit names follow (开展科普日活动，责任单位：市科协。)."""
    more: list[Annotation] = []
    for m in LABEL_HEAD_RE.finditer(norm):
        start = m.start()
        taken = any(a.span[0] <= start < a.span[1] for a in found + more)
        after_comma = start > 0 and norm[start - 1] in "，," and _names_to_end(norm, m.end())
        if taken or not (starts_line(norm, start, starts) or after_comma):
            continue
        end = len(norm)
        for a in found:  # stop before a later bracketed annotation
            if a.span[0] > start:
                end = min(end, a.span[0])
        label = LABEL_RE.search(norm, start)
        more.append(Annotation(label.group(0) if label else "", norm[start:end], (start, end)))
    return more


def _names_to_end(norm: str, pos: int) -> bool:
    rest = norm[pos:].strip().rstrip("。.；;")
    return bool(rest) and "。" not in rest and all(unit_like(p) for p in split_top(rest))


def _unlabelled_tail(norm: str, starts: frozenset[int]) -> Annotation | None:
    """The block's end: a bracket holding only unit names (with or without a verb), or a sentence of
    its own such as 市总工会牵头落实 / 市科协牵头，市教育局配合."""
    stripped = norm.rstrip(" 。；;.，,")
    if stripped.endswith(CLOSE):
        open_at = matching_open(stripped, len(stripped) - 1)
        if open_at is not None:
            inner = stripped[open_at + 1 : -1]
            at_start = starts_line(norm, open_at, starts)
            if (at_start and unit_list_like(inner)) or verb_list_like(inner):
                return Annotation("", inner, (open_at, len(stripped)))
    # a sentence of its own: from the last line start or full stop to the end
    cut = max([s for s in starts if s < len(stripped)] + [0])
    for i in range(len(stripped) - 1, 0, -1):
        if stripped[i - 1] in "。；;" and i > cut:
            cut = i
            break
    tail = stripped[cut:]
    if cut > 0 and tail and not unclosed(tail) and verb_list_like(tail):
        return Annotation("", tail, (cut, len(norm)))  # its full stop goes with it
    # …，由市科技局负责。: the last clause, introduced by 由
    comma = max(stripped.rfind("，"), stripped.rfind(","))
    clause = stripped[comma + 1 :]
    if comma > 0 and clause.startswith("由") and verb_list_like(clause):
        return Annotation("", clause, (comma, len(stripped)))
    return None


def annotations_of(parts: Sequence[str]) -> tuple[str, list[Annotation]]:
    flat, starts = flatten(parts)
    return flat, find_annotations(struct(flat), starts)


def block_closes(parts: Sequence[str]) -> bool:
    """Whether an item's text already ends with its complete annotation (so later lines are not its text)."""
    flat, starts = flatten(parts[-12:])
    norm = struct(flat)
    stripped = norm.rstrip(" 。；;.，,")
    if stripped.endswith(CLOSE):
        open_at = matching_open(stripped, len(stripped) - 1)
        if open_at is not None:
            inner = stripped[open_at + 1 : -1]
            if LABEL_RE.match(inner.strip()):
                return True
            if (starts_line(norm, open_at, starts) and unit_list_like(inner)) or verb_list_like(inner):
                return True
    last = struct(parts[-1]).strip()
    head = LABEL_HEAD_RE.search(last)
    if (
        head is not None
        and starts_line(last, head.start(), frozenset())
        and last[-1] not in SEPARATORS + "：:"
        and not unclosed(last)
    ):
        return True
    # a lead line of its own after the item's text: 市总工会牵头落实
    return len(parts) > 1 and verb_list_like(last) and not unclosed(last)


def is_annotation_line(text: str) -> bool:
    norm = struct(text).strip()
    return bool(LABEL_HEAD_RE.match(norm) or _LABEL_BRACKET_RE.match(norm))


def with_breaks(flat: str, span: tuple[int, int], parts: Sequence[str]) -> str:
    """The annotation's text; where a new line starts with a label (牵头单位：… / 配合单位：…) keep a ；."""
    _, starts = flatten(parts)
    out = ""
    for i in range(span[0], span[1]):
        if i in starts and i > span[0] and out[-1:] not in SEPARATORS and LABEL_RE.match(flat, i):
            out += "；"
        out += flat[i]
    return out


def clean_annotation(text: str) -> str:
    """The annotation as written, for a comment: 责任单位：市科协、市教育局 (outer brackets dropped)."""
    text = re.sub(r"\s+", " ", text).strip()
    norm = struct(text)
    if norm.startswith(OPEN) and matching_close(norm, 0) == len(norm) - 1:
        text = text[1:-1]
    return text.strip("；;：: ")


def strip_spans(raw: str, anns: Sequence[Annotation]) -> str:
    out, pos = "", 0
    for ann in anns:
        out += raw[pos : ann.span[0]]
        pos = ann.span[1]
    return out + raw[pos:]
