"""Character-level cleaning of plan text: what a PDF, Word or a typist leaves behind, and the small
text helpers every other part of the parser uses (brackets, Chinese numerals, comparing copies)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from difflib import SequenceMatcher

Simplifier = Callable[[str], str]

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
OPEN, CLOSE = "（", "）"

CJK = "\u3400-\u9fff\uf900-\ufaff"
TERMINATORS = "。！？!?；;"
SEPARATORS = "、，,；;/／"


def clean_line(text: str) -> str:
    """One line as the parser sees it: invisible characters gone, full-width digits ASCII, spaces tidy."""
    text = _INVISIBLE.sub("", text).translate(_WIDTH)
    return re.sub(r" {2,}", " ", text).strip()


def struct(text: str) -> str:
    """Every kind of bracket as （）and colon as ：, position for position."""
    return text.translate(_STRUCT)


def compact(text: str) -> str:
    """Text reduced to its letters, for comparing copies that differ only in punctuation and breaks."""
    return re.sub(rf"[^0-9A-Za-z{CJK}]", "", text)


def tidy(text: str) -> str:
    """Spaces between Chinese characters are line-break residue, not words."""
    return re.sub(rf"(?<=[{CJK}，。、；：（）“”])\s+(?=[{CJK}，。、；：（）“”])", "", text).strip()


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


def unclosed(text: str) -> bool:
    return text.count(OPEN) > text.count(CLOSE)


def matching_close(text: str, open_at: int) -> int | None:
    depth = 0
    for i in range(open_at, len(text)):
        if text[i] == OPEN:
            depth += 1
        elif text[i] == CLOSE:
            depth -= 1
            if depth == 0:
                return i
    return None


def matching_open(text: str, close_at: int) -> int | None:
    depth = 0
    for i in range(close_at, -1, -1):
        if text[i] == CLOSE:
            depth += 1
        elif text[i] == OPEN:
            depth -= 1
            if depth == 0:
                return i
    return None


def split_top(text: str, separators: str = SEPARATORS) -> list[str]:
    """Split a list on 、，,；; / and line breaks, but not inside brackets: 各县（市、区） stays whole."""
    pieces, depth, buf = [], 0, ""
    for ch in text:
        if ch == OPEN:
            depth += 1
        elif ch == CLOSE:
            depth = max(0, depth - 1)
        if depth == 0 and (ch in separators or ch == "\n"):
            pieces.append(buf)
            buf = ""
        else:
            buf += ch
    pieces.append(buf)
    return [p.strip() for p in pieces if p.strip()]


def flatten(parts: Sequence[str]) -> tuple[str, frozenset[int]]:
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


def starts_line(norm: str, pos: int, starts: frozenset[int]) -> bool:
    while pos > 0 and norm[pos - 1] == " ":
        pos -= 1
    return pos == 0 or pos in starts or norm[pos - 1] in TERMINATORS


# --------------------------------------------------------------------------------------------
# Chinese numerals
# --------------------------------------------------------------------------------------------
CN = "〇零一二两三四五六七八九十"


def cn_numeral(n: int) -> str:
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    if n < 20:
        return "十" + (digits[n % 10] if n % 10 else "")
    if n < 100:
        return digits[n // 10] + "十" + (digits[n % 10] if n % 10 else "")
    return str(n)


def ranges(numbers: Sequence[int]) -> str:
    """1、2、3、5 → 1～3、5 (for messages)."""
    out: list[str] = []
    for n in sorted(set(numbers)):
        if out and "～" not in out[-1] and int(out[-1]) == n - 1:
            out[-1] = f"{out[-1]}～{n}"
        elif out and "～" in out[-1] and int(out[-1].split("～")[1]) == n - 1:
            out[-1] = f"{out[-1].split('～')[0]}～{n}"
        else:
            out.append(str(n))
    return "、".join(out)


def same_text(a: str, b: str) -> bool:
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


def looks_traditional(text: str, to_simplified: Simplifier) -> bool:
    sample = text[:20000]
    converted = to_simplified(sample)
    if len(converted) != len(sample):
        return True
    cjk = sum(1 for ch in sample if "\u4e00" <= ch <= "\u9fff")
    changed = sum(1 for a, b in zip(sample, converted, strict=True) if a != b)
    return changed >= 3 and changed >= 0.01 * max(cjk, 1)


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


def is_page_number(lines: Sequence[str], i: int) -> bool:
    text = lines[i]
    if any(r.match(text) for r in _PAGE_RES):
        return True
    if not re.fullmatch(r"\d{1,3}", text):
        return False
    prev = lines[i - 1] if i > 0 else ""
    nxt = lines[i + 1] if i + 1 < len(lines) else ""
    return not ((prev and prev[-1] in _NUMBER_PREV) or (nxt and nxt[0] in _MEASURE_NEXT))


def running_headers(lines: Sequence[str], keep: Callable[[str], bool]) -> set[str]:
    """Short lines repeated on every page (a PDF's running header); ``keep`` protects headings and
    annotations that legitimately repeat."""
    counts = Counter(lines)
    return {
        text
        for text, n in counts.items()
        if n >= 3 and len(text) <= 40 and not keep(text) and not any(ch in text for ch in "。；")
    }
