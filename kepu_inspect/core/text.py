"""Untrusted text made safe to show and to serialise: no terminal control sequences, no bidi tricks.

Cells and file names come from dozens of offices; an ESC, a C1 CSI (U+009B) or a right-to-left
override (U+202E) would otherwise reach a terminal, flip text around in a report, or hide in JSON.
Pure functions, so the workers that serialise results and every renderer apply the same policy.
"""

from __future__ import annotations

import json
import re
from typing import Any

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
