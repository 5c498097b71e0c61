"""Exact arithmetic: Decimal everywhere, 四舍五入 (ROUND_HALF_UP), explicit interval bounds."""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

ZERO = Decimal(0)
ONE = Decimal(1)
HUNDRED = Decimal(100)
# the largest number a workbook cell may hold for an input or a score without its own maximum (the
# template's validation and the reader's bound): beyond it a value is a typing accident
UNBOUNDED = Decimal("999999999")


def to_decimal(value: object) -> Decimal:
    """Convert a YAML/JSON number without float noise (2.3 stays 2.3, not 2.2999…)."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool):
        raise TypeError("a boolean is not a number")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, str):
        return Decimal(value.strip())
    raise TypeError(f"not a number: {value!r}")


def round_half_up(value: Decimal, decimals: int) -> Decimal:
    """四舍五入 to ``decimals`` places; Python's round() would round half to even."""
    return value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def fmt(value: Decimal | None, decimals: int | None = None) -> str:
    """Human text for a score: no exponent, no trailing zeros unless ``decimals`` is given."""
    if value is None:
        return "—"
    if decimals is not None:
        value = round_half_up(value, decimals)
    # str() is the same text as format "f" unless it chose an exponent (3E+1, 1E-7), and ~4× faster:
    # hundreds of numbers per workbook are worded into reasons and records
    text = str(value)
    if "E" in text:
        text = f"{value:f}"  # never an exponent; 3E+1 → "30"
    if decimals is None and "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


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


def cn_number(text: str) -> int | None:
    """一 → 1, 十 → 10, 十二 → 12, 二十 → 20, 两 → 2 (headings and counts in criteria; up to 九十九)."""
    if not text or any(ch not in _CN_DIGIT and ch != "十" for ch in text):
        return None
    if "十" not in text:
        return _CN_DIGIT[text] if len(text) == 1 else None
    tens, _, ones = text.partition("十")
    t = _CN_DIGIT.get(tens, -1) if tens else 1
    o = _CN_DIGIT.get(ones, -1) if ones else 0
    return None if t < 0 or o < 0 else t * 10 + o


@dataclass(frozen=True)
class Interval:
    """A range of numbers with explicit inclusive/exclusive bounds (None = unbounded)."""

    low: Decimal | None = None
    low_inclusive: bool = True
    high: Decimal | None = None
    high_inclusive: bool = False

    def contains(self, x: Decimal) -> bool:
        if self.low is not None and (x < self.low or (x == self.low and not self.low_inclusive)):
            return False
        return not (self.high is not None and (x > self.high or (x == self.high and not self.high_inclusive)))

    def describe(self, measure: str = "") -> str:
        parts: list[str] = []
        if self.low is not None:
            parts.append(f"{'≥' if self.low_inclusive else '>'}{fmt(self.low)}{measure}")
        if self.high is not None:
            parts.append(f"{'≤' if self.high_inclusive else '<'}{fmt(self.high)}{measure}")
        return "且".join(parts) if parts else "任意值"

    @classmethod
    def from_bounds(cls, bounds: Mapping[str, object]) -> Interval:
        """Build from the rubric's ``gte``/``gt``/``lte``/``lt`` keys."""
        low = high = None
        low_inc, high_inc = True, False
        if "gte" in bounds:
            low, low_inc = to_decimal(bounds["gte"]), True
        elif "gt" in bounds:
            low, low_inc = to_decimal(bounds["gt"]), False
        if "lte" in bounds:
            high, high_inc = to_decimal(bounds["lte"]), True
        elif "lt" in bounds:
            high, high_inc = to_decimal(bounds["lt"]), False
        return cls(low, low_inc, high, high_inc)

    def to_bounds(self) -> dict[str, Decimal]:
        """The rubric's ``gte``/``gt``/``lte``/``lt`` keys (the inverse of ``from_bounds``)."""
        out: dict[str, Decimal] = {}
        if self.low is not None:
            out["gte" if self.low_inclusive else "gt"] = self.low
        if self.high is not None:
            out["lte" if self.high_inclusive else "lt"] = self.high
        return out


def interval_problems(intervals: list[Interval], floor: Decimal | None, ceiling: Decimal | None) -> list[str]:
    """Describe overlaps and gaps between intervals covering [floor, ceiling] (None = open end).

    Returned as Chinese sentences; an empty list means the intervals tile the range exactly.
    """
    issues: list[str] = []
    if not intervals:
        return ["没有任何区间"]

    def low_key(iv: Interval) -> tuple[Decimal, int]:
        # unbounded below sorts first; inclusive low sorts before exclusive at the same value
        return (iv.low if iv.low is not None else Decimal("-Infinity"), 0 if iv.low_inclusive else 1)

    ordered = sorted(intervals, key=low_key)
    for iv in ordered:
        if (
            iv.low is not None
            and iv.high is not None
            and (iv.low > iv.high or (iv.low == iv.high and not (iv.low_inclusive and iv.high_inclusive)))
        ):
            issues.append(f"区间“{iv.describe()}”为空")
    first = ordered[0]
    if (
        floor is not None
        and first.low is not None
        and (first.low > floor or (first.low == floor and not first.low_inclusive))
    ):
        issues.append(f"低于 {fmt(first.low)} 的数值没有对应的档次")
    for prev, nxt in itertools.pairwise(ordered):
        if prev.high is None:
            issues.append(f"“{prev.describe()}”与“{nxt.describe()}”重叠")
            continue
        if nxt.low is None:
            issues.append(f"“{prev.describe()}”与“{nxt.describe()}”重叠")
            continue
        if prev.high > nxt.low or (prev.high == nxt.low and prev.high_inclusive and nxt.low_inclusive):
            issues.append(f"“{prev.describe()}”与“{nxt.describe()}”重叠")
        elif prev.high < nxt.low or (
            prev.high == nxt.low and not prev.high_inclusive and not nxt.low_inclusive
        ):
            issues.append(f"“{prev.describe()}”与“{nxt.describe()}”之间有空档")
    last = ordered[-1]
    if (
        ceiling is not None
        and last.high is not None
        and (last.high < ceiling or (last.high == ceiling and not last.high_inclusive))
    ):
        issues.append(f"高于 {fmt(last.high)} 的数值没有对应的档次")
    return issues
