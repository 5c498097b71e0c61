"""Untrusted text made safe to show and to serialise: no terminal control sequences, no bidi tricks.

Cells and file names come from dozens of offices; an ESC, a C1 CSI (U+009B) or a right-to-left
override (U+202E) would otherwise reach a terminal, flip text around in a report, or hide in JSON.
Pure functions, so the workers that serialise results and every renderer apply the same policy.
"""

from __future__ import annotations

import json
import re
from typing import Any

import orjson

# C0/C1 controls except tab and newline, DEL, format characters (bidi overrides, zero-width),
# line/paragraph separators.
_UNSAFE = re.compile(
    r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff"
    r"\ufff9-\ufffb]"
)
REPLACEMENT = "\ufffd"


def displayable(text: object) -> str:
    """User text for the screen or a CSV cell: unsafe characters become �."""
    return _UNSAFE.sub(REPLACEMENT, str(text))


def dumps_utf8(doc: Any) -> bytes:
    """``dumps(doc, compact=True)`` as UTF-8, the same bytes, made ~10× faster by orjson when it can.

    For documents without floats (orjson writes 1e16 where Python writes 1e+16), such as the results
    record every worker makes per unit (measured: 0.25 → 0.03 ms at 40 items). Anything orjson refuses
    (a Decimal, a tuple subclass, a key that is not a string) or whose text holds a character to escape
    goes the ``dumps`` way, so the bytes never depend on which path made them.
    """
    try:
        data = orjson.dumps(doc)
    except TypeError:
        return dumps(doc, compact=True).encode("utf-8")
    # decoded first: the str pattern is one character class, which the regex engine scans ~5× faster
    # than the byte sequences of the same characters (measured on 23 KB records: 0.06 vs 0.29 ms)
    if _UNSAFE.search(data.decode("utf-8")) is not None:
        return dumps(doc, compact=True).encode("utf-8")
    return data


def dumps(doc: Any, *, compact: bool = False) -> str:
    """JSON with Chinese kept readable but every unsafe character escaped as \\uXXXX (still valid JSON).

    ``compact`` uses the C encoder (``indent`` forces Python's pure-Python one, ~10× slower): for the
    full results of a national run, which run to tens of MB.
    """
    text = (
        json.dumps(doc, ensure_ascii=False, separators=(",", ":"))
        if compact
        else json.dumps(doc, ensure_ascii=False, indent=2)
    )
    return _UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
