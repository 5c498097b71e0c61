"""Read values the way people type them into a cell, and refuse anything ambiguous.

A cell arrives as (kind, text) — kind from the file ("number", "text", "bool", "error", "date",
"empty") — and leaves as a Decimal, a bool or a level name, or as a reason it cannot be read.
Guessing is worse than asking: ``8-9``, ``约8``, ``满分`` or a date are problems, never numbers.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

from kepu_inspect.core.rules import InputSpec, Value

YES = frozenset({"是", "√", "✓", "✔", "有", "对", "已完成", "完成", "y", "yes", "true", "t"})
NO = frozenset({"否", "×", "✗", "✘", "x", "无", "没有", "错", "未完成", "n", "no", "false", "f"})

_UNIT_SUFFIXES = (
    "分",
    "人次",
    "万人次",
    "万元",
    "元",
    "次",
    "篇",
    "人",
    "个",
    "场",
    "期",
    "所",
    "家",
    "项",
    "名",
    "支",
    "处",
    "条",
    "部",
    "件",
    "天",
    "万人",
    "%",
)
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")


@dataclass(frozen=True)
class Parsed:
    """A value, or why it could not be read (``code`` is a problem-catalogue name)."""

    value: Value | None
    code: str | None = None

    @property
    def ok(self) -> bool:
        return self.code is None


EMPTY = Parsed(None)


def clean_text(text: str) -> str:
    """NFKC folds full-width digits, letters and punctuation (８ → 8, ． → .); trim all spaces."""
    return unicodedata.normalize("NFKC", text).strip().replace("\u3000", "").replace(" ", "")


def parse_number(kind: str, text: str, measure: str = "") -> Parsed:
    if kind == "empty":
        return EMPTY
    if kind == "number":
        # A number cell holds an IEEE double (Excel, WPS and LibreOffice all store one), so read it as
        # that double: its shortest decimal form is what the application shows, and a crafted
        # 1E+999999999 or 1E-999999999 cannot reach exact arithmetic (overflow, billion-digit text).
        try:
            as_double = float(text)
        except ValueError:
            return Parsed(None, "WB015")
        if not math.isfinite(as_double):
            return Parsed(None, "WB015")
        return Parsed(_tidy(Decimal(repr(as_double))))
    if kind == "error":
        return Parsed(None, "WB017")
    if kind == "date":
        return Parsed(None, "WB030")
    if kind == "bool":
        return Parsed(None, "WB015")
    s = clean_text(text)
    if not s:
        return EMPTY
    percent = False
    for suffix in sorted({*(_UNIT_SUFFIXES), measure} - {""}, key=len, reverse=True):
        if s.endswith(suffix) and len(s) > len(suffix):
            percent = suffix == "%"
            s = s[: -len(suffix)]
            break
    if _THOUSANDS.match(s):
        s = s.replace(",", "")
    if not _NUMBER.match(s):
        return Parsed(None, "WB015")
    value = Decimal(s)
    if percent and measure != "%":
        value = value / 100
    return Parsed(_tidy(value))


def _tidy(value: Decimal) -> Decimal:
    """Canonical form, so 8, 8.0 and ８ compare and print alike (no exponent: 80 stays 80)."""
    return value.to_integral_value() if value == value.to_integral_value() else value.normalize()


def parse_yesno(kind: str, text: str) -> Parsed:
    if kind == "empty":
        return EMPTY
    if kind == "bool":
        return Parsed(text == "1")
    if kind == "error":
        return Parsed(None, "WB017")
    s = clean_text(text).lower()
    if not s:
        return EMPTY
    if s in YES:
        return Parsed(True)
    if s in NO:
        return Parsed(False)
    return Parsed(None, "WB032")


def parse_level(kind: str, text: str, options: tuple[str, ...]) -> Parsed:
    if kind == "empty":
        return EMPTY
    if kind == "error":
        return Parsed(None, "WB017")
    s = clean_text(text)
    if not s:
        return EMPTY
    for option in options:
        if clean_text(option) == s:
            return Parsed(option)
    return Parsed(None, "WB019")


def parse_input(spec: InputSpec, kind: str, text: str) -> Parsed:
    """Parse one cell for the input it holds."""
    if spec.kind == "yesno":
        return parse_yesno(kind, text)
    if spec.kind == "level":
        return parse_level(kind, text, spec.options)
    return parse_number(kind, text, spec.measure)


_DATE_TEXT = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_EXCEL_EPOCH = dt.date(1899, 12, 30)  # serial 1 = 1900-01-01 in Excel's (and LibreOffice's) 1900 system


def parse_date(kind: str, text: str) -> str | None:
    """A date cell (serial number) or date text (2017-12-20, 2017/12/20, 2017年12月20日) as ISO text."""
    try:
        if kind in ("date", "number"):
            serial = float(text)
            if kind == "number" and not 20_000 <= serial <= 80_000:  # plausible years only
                return None
            return (_EXCEL_EPOCH + dt.timedelta(days=int(serial))).isoformat()
        m = _DATE_TEXT.match(clean_text(text).replace("日", "日"))
        if m:
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3))).isoformat()
    except (ValueError, OverflowError):
        return None
    return None
