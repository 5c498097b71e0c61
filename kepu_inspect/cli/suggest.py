"""Did-you-mean for unit names: a clerk types 教育局 for 市教育局, 新华 for 新华区, 市教育句 for 市教育局
(a homophone picked by the input method), or jiaoyuju when the input method is off.

Matching, best first: one name contains the other; the same pinyin (homophones); a small edit distance on
the characters or on the pinyin. Suggestions are only shown, never used in place of the name typed.
pypinyin is imported only here, on the way to an error message (≈ 0.25 s once); without it the pinyin
steps are skipped.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kepu_inspect.core.rubric import Rubric

_DROP = re.compile(r"[\s（）()【】\[\]·•．.、，,:：-]")


def _plain(text: str) -> str:
    return _DROP.sub("", text).lower()


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance (insert, delete, substitute), for short names."""
    if len(a) < len(b):
        a, b = b, a
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def _pinyin() -> Callable[[str], tuple[str, str]] | None:
    try:
        from pypinyin import Style, lazy_pinyin
    except ImportError:  # pragma: no cover - a dependency, but the suggestions work without it
        return None

    def key(text: str) -> tuple[str, str]:
        syllables = lazy_pinyin(text.lower())  # letters and digits pass through as they are
        initials = lazy_pinyin(text.lower(), style=Style.FIRST_LETTER)
        return "".join(syllables), "".join(initials)

    return key


def rank_names(query: str, names: Iterable[tuple[str, str]], limit: int = 5) -> list[str]:
    """The display names whose spellings are closest to ``query``; ``names`` are (spelling, display)."""
    q = _plain(query)
    if not q:
        return []
    pinyin = _pinyin()
    q_py = pinyin(q) if pinyin else None
    scored: dict[str, float] = {}
    for spelling, display in names:
        s = _plain(spelling)
        if not s:
            continue
        score: float | None = None
        if len(q) >= 2 and (q in s or s in q):
            score = 0.0 + abs(len(s) - len(q)) * 0.01
        else:
            distance = edit_distance(q, s)
            if distance <= max(1, min(len(q), len(s)) // 3):
                score = 1.0 + distance
        if pinyin is not None and q_py is not None:
            s_py, s_initials = pinyin(s)
            if q_py[0] == s_py:
                score = min(score if score is not None else 9.0, 0.5)
            elif q.isascii() and len(q) >= 2 and (q == s_initials or q_py[0] in s_py):
                score = min(score if score is not None else 9.0, 1.5)
            elif edit_distance(q_py[0], s_py) <= max(1, len(s_py) // 6):
                score = min(score if score is not None else 9.0, 2.5)
        if score is not None and score < scored.get(display, 99.0):
            scored[display] = score
    return [name for name, _ in sorted(scored.items(), key=lambda kv: (kv[1], kv[0]))][:limit]


def suggest_units(rubric: Rubric, query: str, limit: int = 5) -> list[str]:
    """Official names of the units a mistyped name most likely meant."""
    spellings = [(spelling, unit.name) for unit in rubric.units for spelling in (*unit.names, unit.id)]
    return rank_names(query, spellings, limit)
