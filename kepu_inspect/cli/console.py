"""Console encodings: a Chinese Windows console, or output redirected to a file there, is GBK (code page
936), not UTF-8. Chinese text is fine in GBK, but a symbol or a rare character in a unit's name is not:
without care one such character stops the command with an encoding error. So text streams that are not
UTF-8 replace what they cannot show, and JSON written to them escapes it instead (still the same data).
"""

from __future__ import annotations

import sys
from typing import TextIO


def is_utf(stream: TextIO) -> bool:
    encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "").replace("_", "")
    return encoding.startswith("utf")


def setup_streams() -> None:
    """Never fail on a character the console cannot show (GBK console, PYTHONIOENCODING=gbk)."""
    for stream in (sys.stdout, sys.stderr):
        if stream is not None and not is_utf(stream) and hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")


def json_for(stream: TextIO, text: str) -> str:
    """JSON text that ``stream`` can encode: characters it cannot are written as \\uXXXX escapes."""
    if is_utf(stream):
        return text
    encoding = stream.encoding or "ascii"

    def escaped(char: str) -> str:
        try:
            char.encode(encoding)
            return char
        except UnicodeEncodeError:
            code = ord(char)
            if code > 0xFFFF:
                code -= 0x10000
                return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"
            return f"\\u{code:04x}"

    try:
        text.encode(encoding)
        return text
    except UnicodeEncodeError:
        return "".join(escaped(c) for c in text)


def write_json(text: str) -> None:
    """Write a JSON document to stdout in the console's encoding (UTF-8 bytes when it is UTF-8)."""
    stream = sys.stdout
    stream.write(json_for(stream, text))
    stream.flush()
