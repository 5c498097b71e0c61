"""Untrusted text for renderers: rich markup escaped, spreadsheet formulas made inert.

The character policy itself lives in ``core.text`` (shared with the workers that serialise results).
"""

from __future__ import annotations

from kepu_inspect.core.text import REPLACEMENT, displayable, dumps

__all__ = ["REPLACEMENT", "displayable", "dumps", "markup_safe", "neutralise"]

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "\x00")


def markup_safe(text: object) -> str:
    """User text for a rich renderable: displayable, and rich markup such as ``[red]`` shown as text."""
    from rich.markup import escape

    return escape(displayable(text))


def neutralise(value: object) -> object:
    """Make text that a spreadsheet would run as a formula (=, +, -, @, control chars) inert.

    Numbers pass through; only strings are prefixed with an apostrophe, the OWASP-recommended form.
    """
    if isinstance(value, str) and value and (value[0] in _FORMULA_START or ord(value[0]) < 32):
        return "'" + value
    return value
