"""The small pieces of 评分标准 text: digits and numerals, measures, bounds, top-level clause splitting."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from kepu_inspect.core.numbers import Interval, cn_number

_WIDTH = str.maketrans("０１２３４５６７８９％＜＞≦≧＝", "0123456789%<>≤≥=")
# a measure word after a number: what is counted (次, 篇, 万元 …)
MEASURES = (
    "万人次|人次|万人|人|万元|元|%|篇次|篇|场次|次|个|项|期|场|所|家|名|户|天|条|份|处|支|批|座|课时|学时|"
    "小时|万册|册|部|套|件|平方米|米|公里|本|轮|届|月|周|个百分点|百分点"
)
# any other single character counted (站, 所 …), but not a word that goes on the sentence
_OTHER_MEASURE = (
    r"(?:(?!以|分|得|加|扣|计|及|至|到|和|或|且|并|的|为|不|每|共|含|起|内|左|右)[\u4e00-\u9fff])"
)
MEASURE = rf"(?:{MEASURES}|{_OTHER_MEASURE})"
NUM = r"\d+(?:\.\d+)?"
# Chinese numerals only before the measures counts are written with (一次, 两项, 三篇 …): 一部分, 一般,
# 一体 and the like stay words
_CN_MEASURES = "次|个|篇|项|期|名|人|场|所|家|条|份|处|支|批|座|户|天|年|月|周|届|轮|分|位"
_CN_NUM = re.compile(
    rf"(?<![一二三四五六七八九十百])([一二两三四五六七八九十]+)(?=(?:{_CN_MEASURES})(?![科学]))"
)
_RANGE_SEP = re.compile(rf"({NUM}{MEASURE}?)\s*(?:～|~|〜|－|—|–|-|至|到)\s*({NUM})")
_DOT = re.compile(r"(\d)．(\d)")
_SPACE = re.compile(r"[ \t\u3000]+")


def normalise(text: str) -> str:
    """Full-width digits and signs, Chinese numerals before a measure (一次 → 1次, 两项 → 2项), one range
    sign (～), no spaces: the forms the patterns below read."""
    text = _DOT.sub(r"\1.\2", text.translate(_WIDTH))
    text = _SPACE.sub("", text.replace("\r", "").replace("\n", ""))

    def numeral(m: re.Match[str]) -> str:
        n = cn_number(m.group(1))
        return str(n) if n is not None else m.group(1)

    text = _CN_NUM.sub(numeral, text)
    text = text.replace("半分", "0.5分")
    # 0.5元（含）至0.8元: the 含 marks the lower edge as included, as a range's lower edge always is
    text = re.sub(rf"({NUM}{MEASURE}?)[（(]含[)）](?=(?:至|～|~|-|到))", r"\1", text)
    return _RANGE_SEP.sub(lambda m: f"{m.group(1)}～{m.group(2)}", text)


def dec(text: str) -> Decimal:
    try:
        return Decimal(text)
    except InvalidOperation:  # pragma: no cover - the patterns only pass digits
        return Decimal(0)


_OPEN, _CLOSE = "（(“‘《〔【[", "）)”’》〕】]"


def split_top(text: str, seps: str) -> list[str]:
    """Split at ``seps`` outside brackets and quotes (a label like 未召开领导小组（成员单位）会议 stays)."""
    parts: list[str] = []
    depth = 0
    current = ""
    for ch in text:
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE and depth:
            depth -= 1
        if ch in seps and depth == 0:
            parts.append(current)
            current = ""
            continue
        current += ch
    parts.append(current)
    return [p.strip() for p in parts if p.strip()]


# --- bounds ------------------------------------------------------------------------------------
_U = rf"(?P<u>{MEASURE})?"
# each pattern: (regex, builder(low, high) → (Interval, explicit))
_BOUNDS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(p), kind)
    for p, kind in (
        (rf"(?P<a>{NUM}){_U}以上(?P<b>{NUM}){MEASURE}?以下$", "a<=x<=b"),
        (
            rf"(?P<a>{NUM}){_U}(?:及)?以上(?:、|，|,)?(?:不足|低于|少于|不到|未满)(?P<b>{NUM}){MEASURE}?$",
            "a<=x<b",
        ),
        (
            rf"(?:超过|高于|多于|大于|>)(?P<a>{NUM}){_U}(?:且|、|，|,)?(?:不足|低于|少于|不到)(?P<b>{NUM}){MEASURE}?$",
            "a<x<b",
        ),
        (rf"(?:超过|高于|多于|大于|>)(?P<a>{NUM}){_U}且?(?P<b>{NUM}){MEASURE}?以下$", "a<x<=b"),
        (rf"(?:第)?(?P<a>{NUM})(?:{MEASURE})?～(?P<b>{NUM}){_U}(?:（含(?:{NUM}{MEASURE}?)?）)?$", "a~b"),
        (
            rf"(?:≥|不少于|不低于|至少|达到|达|满)?(?P<a>{NUM}){_U}(?:及)?以上(?:（含(?:{NUM}{MEASURE}?)?）)?$",
            "a<=x",
        ),
        (rf"(?:≥|不少于|不低于|至少)(?P<a>{NUM}){_U}$", "a<=x"),
        (rf"(?:超过|高于|多于|大于|>)(?P<a>{NUM}){_U}$", "a<x"),
        (rf"(?P<a>{NUM}){_U}以上（不含(?:{NUM}{MEASURE}?)?）$", "a<x"),
        (rf"(?:不足|低于|少于|不到|<)(?P<b>{NUM}){_U}$", "x<b"),
        (rf"(?:≤|不超过|不高于|最多)?(?P<b>{NUM}){_U}(?:及)?以下$", "x<=b"),
        (rf"第(?P<a>{NUM}){_U}$", "=a"),
        (rf"(?P<a>{NUM}){_U}$", "=a"),
    )
)


def bound_at_end(text: str) -> tuple[str, Interval, str, bool] | None:
    """(label before the bound, interval, measure, explicit) for a clause ending in a bound:
    组织开展主题活动1次以上 → (组织开展主题活动, [1, ∞), 次, True). ``explicit`` is False for a
    range written a～b or a single count, whose upper edge a tier table decides (tiling)."""
    starts = _starts(text)  # the same for every pattern
    for pattern, kind in _BOUNDS:
        for start in starts:
            m = pattern.fullmatch(text, start)
            if m is None:
                continue
            a = dec(m.group("a")) if "a" in m.groupdict() and m.group("a") else None
            b = dec(m.group("b")) if "b" in m.groupdict() and m.group("b") else None
            unit = m.group("u") or "" if "u" in m.groupdict() else ""
            label = text[:start].rstrip("为达到在的共计")
            if kind == "a<=x<=b":
                return label, Interval(a, True, b, True), unit, True
            if kind == "a<=x<b":
                return label, Interval(a, True, b, False), unit, True
            if kind == "a<x<b":
                return label, Interval(a, False, b, False), unit, True
            if kind == "a<x<=b":
                return label, Interval(a, False, b, True), unit, True
            if kind == "a~b":
                return label, Interval(a, True, b, True), unit, False
            if kind == "a<=x":
                return label, Interval(a, True, None), unit, True
            if kind == "a<x":
                return label, Interval(a, False, None), unit, True
            if kind == "x<b":
                return label, Interval(None, True, b, False), unit, True
            if kind == "x<=b":
                return label, Interval(None, True, b, True), unit, True
            return label, Interval(a, True, a, True), unit, False
    return None


def _starts(text: str) -> list[int]:
    """Where a bound may begin: at a digit or a bound word, scanning from the left so the label is the
    shortest possible prefix."""
    words = (
        "≥",
        "≤",
        ">",
        "<",
        "不少于",
        "不低于",
        "至少",
        "达到",
        "达",
        "满",
        "超过",
        "高于",
        "多于",
        "大于",
        "不足",
        "低于",
        "少于",
        "不到",
        "未满",
        "不超过",
        "不高于",
        "最多",
        "第",
    )
    found = set()
    for i, ch in enumerate(text):
        if ch.isdigit() and (i == 0 or not (text[i - 1].isdigit() or text[i - 1] == ".")):
            found.add(i)
        for w in words:
            if text.startswith(w, i):
                found.add(i)
    return sorted(found)
