"""Writing outputs safely: atomic replace, and neutralised spreadsheet formulas."""

from __future__ import annotations

import contextlib
import io
import os
import re
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

# The list of files a run of this tool wrote into a folder, with their SHA-256 (see OutputFolder): a
# file listed and unchanged may be replaced; a folder holding it is never read back as input.
MANIFEST_NAME = ".kepu-inspect.json"

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "\x00")


def neutralise(value: object) -> object:
    """Make text that a spreadsheet would run as a formula (=, +, -, @, control chars) inert.

    Numbers pass through; only strings are prefixed with an apostrophe, the OWASP-recommended form.
    """
    if isinstance(value, str) and value and (value[0] in _FORMULA_START or ord(value[0]) < 32):
        return "'" + value
    return value


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; it replaces ``target`` only if the block succeeds."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    os.chmod(tmp_path, 0o666 & ~_umask())  # mkstemp makes 0600; reports are shared like any saved file
    try:
        yield tmp_path
        os.replace(tmp_path, target)
    finally:
        if tmp_path.exists():
            tmp_path.unlink()


@contextlib.contextmanager
def atomic_open(
    target: Path, mode: str = "w", encoding: str | None = "utf-8", newline: str | None = None
) -> Iterator[IO[Any]]:
    with (
        atomic_path(target) as tmp,
        open(tmp, mode, encoding=encoding if "b" not in mode else None, newline=newline) as fh,
    ):
        yield fh


def write_text_atomic(target: Path, text: str, encoding: str = "utf-8") -> None:
    with atomic_open(target, "w", encoding=encoding) as fh:
        fh.write(text)


def write_bytes_atomic(target: Path, data: bytes) -> None:
    with atomic_open(target, "wb") as fh:
        fh.write(data)


FIXED_TIME = "2000-01-01T00:00:00Z"
ZIP_TIME = (2000, 1, 1, 0, 0, 0)


def normalise_xlsx_bytes(data: bytes) -> bytes:
    """Fixed timestamps in the zip and in docProps/core.xml, so equal content gives equal bytes.

    openpyxl stamps the current time into both; templates and reports must be reproducible.
    """
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = re.sub(
                    rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)",
                    rb"\g<1>" + FIXED_TIME.encode() + rb"\g<2>",
                    content,
                )
            zi = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o600 << 16
            dst.writestr(zi, content)
    return out.getvalue()


_RESERVED = re.compile(r"^(CON|PRN|AUX|NUL|CONIN\$|CONOUT\$|COM[1-9¹²³]|LPT[1-9¹²³])(\..*)?$", re.IGNORECASE)
# characters Windows refuses in names, control characters, and invisible direction overrides
UNSAFE_FILENAME_CHARS = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f\u200e\u200f\u202a-\u202e\u2066-\u2069]')


def safe_filename(name: str, limit: int = 80) -> str:
    """A file name Windows accepts: no reserved characters or names, no trailing dot/space, bounded."""
    cleaned = UNSAFE_FILENAME_CHARS.sub("_", name).strip().rstrip(". ")
    if not cleaned:
        cleaned = "未命名"
    if _RESERVED.match(cleaned):
        cleaned = "_" + cleaned
    return cleaned[:limit].rstrip(". ") or "未命名"
