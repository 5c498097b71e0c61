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
from decimal import Decimal
from typing import NamedTuple

from kepu_inspect.core.numbers import fmt
from kepu_inspect.core.rules import YES_NO, InputSpec, Value

YES = frozenset({"是", "√", "✓", "✔", "有", "对", "已完成", "完成", "y", "yes", "true", "t"})
NO = frozenset({"否", "×", "✗", "✘", "x", "无", "没有", "错", "未完成", "n", "no", "false", "f"})

# Measures a number may be typed in instead of the criterion's own, with the power of ten that converts
# exactly: criterion measure → {word typed after the number: exponent}. Anything else is a problem.
CONVERTIBLE: dict[str, dict[str, int]] = {
    "万元": {"元": -4},
    "元": {"万元": 4},
    "万人": {"人": -4},
    "人": {"万人": 4},
    "万人次": {"人次": -4},
    "人次": {"万人次": 4},
}
# Words people type after a number to say what it counts; after a number in a cell for another measure
# they are the wrong measure (WB041), while other words ("8左右", "8以上") make the text no number (WB015)
MEASURE_WORDS = frozenset(
    [
        "分",
        "%",
        "‰",
        "元",
        "万元",
        "千元",
        "亿元",
        "人",
        "万人",
        "人次",
        "万人次",
        "次",
        "个",
        "篇",
        "场",
        "场次",
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
        "小时",
        "学时",
        "册",
        "份",
        "本",
        "块",
        "台",
        "套",
        "届",
        "批",
        "座",
        "户",
        "村",
        "个次",
        "万",
        "千",
        "百",
        "亿",
    ]
)
_FULL_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}  # ０-９ ． ， ％ Ａ… → ASCII
_LINE_BREAKS = "\t\n\r"  # Alt+Enter in a cell; whitespace, not a control character
_INVISIBLE = frozenset({"Cc", "Cf", "Cs", "Co", "Cn"})  # control, format, surrogate, private, unassigned
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")


# what 自评分 and 核定分 are counted in: "8分" is 8, "8万元" or 85% is a mistake
SCORE_MEASURE = "分"


class Note(NamedTuple):
    """A normalisation applied while reading a value (``code`` is a problem-catalogue name): the value
    was read, and the user sees how (nothing is changed silently)."""

    code: str
    fields: tuple[tuple[str, str], ...] = ()


class Parsed(NamedTuple):
    """A value, or why it could not be read (``code`` is a problem-catalogue name, ``fields`` fill its
    message), with the notes of every normalisation that produced it."""

    value: Value | None
    code: str | None = None
    fields: tuple[tuple[str, str], ...] = ()
    notes: tuple[Note, ...] = ()

    @property
    def ok(self) -> bool:
        return self.code is None


EMPTY = Parsed(None)


def clean_text(text: str) -> str:
    """NFKC folds full-width digits, letters and punctuation (８ → 8, ． → .); trim all spaces."""
    return unicodedata.normalize("NFKC", text).strip().replace("\u3000", "").replace(" ", "")


def parse_number(kind: str, text: str, measure: str = "", percent: bool = False) -> Parsed:
    """A number in the criterion's ``measure``; ``percent``: the cell shows its number as a percentage.

    Excel stores a typed "85%" as 0.85 with a percent format, so such a cell means 85 where the
    measure is % — and is a mistake anywhere else (a score, a sum of money).
    """
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
        value = _tidy(Decimal(repr(as_double)))
        if not percent:
            return Parsed(value)
        shown = _tidy(value.scaleb(2))  # exact: only the exponent moves
        if measure == "%":
            return Parsed(
                shown, notes=(Note("WB037", (("shown", f"{fmt(shown)}%"), ("read_as", fmt(shown)))),)
            )
        return Parsed(None, "WB038", (("shown", f"{fmt(shown)}%"), ("measure", measure or "数值")))
    if kind == "error":
        return Parsed(None, "WB017")
    if kind == "external":
        return Parsed(None, "WB049")
    if kind == "date":
        return Parsed(None, "WB030")
    if kind == "bool":
        return Parsed(None, "WB015")
    return _typed_number(text, measure)


def _typed_number(text: str, measure: str) -> Parsed:
    """A number typed as text, perhaps with its measure after it: "30万元", "８", "1,200", " 8 人次".

    Accepted only in forms with one meaning, each normalisation noted; a word after the number must be
    the criterion's measure or one that converts exactly (300000元 → 30 万元).
    """
    if not text.isprintable() and (invisible := _invisible(text)):
        return Parsed(None, "WB050", (("chars", invisible),))
    s = "".join(text.split())  # every kind of space, ideographic and no-break included
    if not s:
        return EMPTY
    notes: list[str] = []
    if s != text:
        notes.append("WB046")
    folded = s.translate(_FULL_WIDTH)
    if folded != s:
        notes.append("WB044")
        s = folded
    end = len(s)
    while end and not _numeric_char(s[end - 1]):
        end -= 1
    number, word = s[:end], s[end:]
    if not number.isascii():
        exotic = "".join(ch for ch in number if not ch.isascii() and unicodedata.category(ch)[0] == "N")
        return Parsed(None, "WB043", (("chars", exotic),)) if exotic else Parsed(None, "WB015")
    if "," in number:
        if not _THOUSANDS.match(number):
            return Parsed(None, "WB015")
        number = number.replace(",", "")
        notes.append("WB045")
    if not _NUMBER.match(number):
        return Parsed(None, "WB015")
    value = Decimal(number)
    rule = ""
    if word:
        exponent = CONVERTIBLE.get(measure, {}).get(word)
        if word == measure:
            notes.append("WB039")
        elif exponent is not None:
            value = value.scaleb(exponent)  # exact: only the exponent moves
            big, small = (word, measure) if exponent > 0 else (measure, word)
            rule = f"1{big} = 10000{small}"
            notes.append("WB040")
        elif word not in MEASURE_WORDS:
            return Parsed(None, "WB015")
        elif measure:
            return Parsed(None, "WB041", (("word", word), ("measure", measure)))
        else:
            return Parsed(None, "WB042", (("word", word),))
    value = _tidy(value)
    fields = (("read_as", fmt(value)), ("measure", measure), ("word", word), ("conversion", rule))
    return Parsed(value, notes=tuple(Note(code, fields) for code in notes))


def visible_text(text: str) -> tuple[str, str]:
    """Free text (evidence, remarks) without control and invisible format characters, and what was
    removed ("" when nothing): such characters break printing and exports, and hide text."""
    if text.isprintable() or not (invisible := _invisible(text)):
        return text.strip(), ""
    kept = "".join(ch for ch in text if ch in _LINE_BREAKS or unicodedata.category(ch) not in _INVISIBLE)
    return kept.strip(), invisible


def _numeric_char(ch: str) -> bool:
    """Part of the number, not of a word after it: digits of any script (checked later) and + - . ,"""
    return ch in "+-.," or (ch.isdigit() if ch.isascii() else unicodedata.category(ch)[0] == "N")


def _invisible(text: str) -> str:
    """Control and invisible format characters (BEL, zero-width space, BOM, direction marks …) as U+XXXX."""
    found = dict.fromkeys(
        ch for ch in text if ch not in _LINE_BREAKS and unicodedata.category(ch) in _INVISIBLE
    )
    return "、".join(f"U+{ord(ch):04X}" for ch in found)


def _tidy(value: Decimal) -> Decimal:
    """Canonical form, so 8, 8.0 and ８ compare and print alike (no exponent: 80 stays 80)."""
    return value.to_integral_value() if value == value.to_integral_value() else value.normalize()


def parse_yesno(kind: str, text: str) -> Parsed:
    if kind == "empty":
        return EMPTY
    if kind == "bool":
        # a TRUE/FALSE cell: only 1 and 0 are booleans (2 is not 否)
        if text in ("1", "0"):
            meaning = "是" if text == "1" else "否"
            return Parsed(text == "1", notes=(Note("WB047", (("answer", meaning),)),))
        return Parsed(None, "WB048")
    if kind == "error":
        return Parsed(None, "WB017")
    if kind == "external":
        return Parsed(None, "WB049")
    if text in YES_NO:  # as chosen from the drop-down list
        return Parsed(text == YES_NO[0])
    if not text.isprintable() and (invisible := _invisible(text)):
        return Parsed(None, "WB050", (("chars", invisible),))
    s = clean_text(text).lower()
    if not s:
        return EMPTY
    if s in YES or s in NO:
        meaning = YES_NO[0] if s in YES else YES_NO[1]
        return Parsed(meaning == YES_NO[0], notes=(Note("WB047", (("answer", meaning),)),))
    return Parsed(None, "WB032")


def parse_level(kind: str, text: str, options: tuple[str, ...]) -> Parsed:
    if kind == "empty":
        return EMPTY
    if kind == "error":
        return Parsed(None, "WB017")
    if kind == "external":
        return Parsed(None, "WB049")
    if text in options:
        return Parsed(text)
    if not text.isprintable() and (invisible := _invisible(text)):
        return Parsed(None, "WB050", (("chars", invisible),))
    s = clean_text(text)
    if not s:
        return EMPTY
    for option in options:
        if clean_text(option) == s:
            spaced = "".join(text.split()) != text
            return Parsed(option, notes=(Note("WB046" if spaced else "WB044", (("read_as", option),)),))
    return Parsed(None, "WB019")


def parse_input(spec: InputSpec, kind: str, text: str, percent: bool = False) -> Parsed:
    """Parse one cell for the input it holds (``percent``: the cell shows a percentage)."""
    if spec.kind == "yesno":
        return parse_yesno(kind, text)
    if spec.kind == "level":
        return parse_level(kind, text, spec.options)
    return parse_number(kind, text, spec.measure, percent)


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
