"""Compile the framework's Chinese catalogue (.po → .mo) after editing it.

The .mo is committed (a clone must work without a build step); tests/test_cli_help.py checks that it
matches the .po. The GNU .mo layout is small enough to write here, so no tool beyond Python is needed.
"""

from __future__ import annotations

import ast
import struct
from pathlib import Path

FOLDER = Path(__file__).resolve().parents[1] / "kepu_inspect" / "cli" / "locale" / "zh_CN" / "LC_MESSAGES"


def read_po(path: Path) -> dict[str, str]:
    """msgid → msgstr, header included (one-line strings, or a header continued over lines)."""
    entries: dict[str, str] = {}
    key: str | None = None
    field = ""
    current = {"msgid": "", "msgstr": ""}
    for line in [*path.read_text("utf-8").splitlines(), ""]:
        if line.startswith("msgid "):
            if key is not None:
                entries[current["msgid"]] = current["msgstr"]
            field, key = "msgid", ""
            current = {"msgid": ast.literal_eval(line[6:]), "msgstr": ""}
        elif line.startswith("msgstr "):
            field = "msgstr"
            current["msgstr"] = ast.literal_eval(line[7:])
        elif line.startswith('"') and field:
            current[field] += ast.literal_eval(line)
    if key is not None:
        entries[current["msgid"]] = current["msgstr"]
    return entries


def write_mo(entries: dict[str, str], target: Path) -> None:
    keys = sorted(entries)
    ids = b"".join(k.encode("utf-8") + b"\0" for k in keys)
    strs = b"".join(entries[k].encode("utf-8") + b"\0" for k in keys)
    count = len(keys)
    start = 7 * 4 + count * 16
    offsets_ids, offsets_strs, pos = [], [], 0
    for k in keys:
        length = len(k.encode("utf-8"))
        offsets_ids += [length, start + pos]
        pos += length + 1
    base, pos = start + len(ids), 0
    for k in keys:
        length = len(entries[k].encode("utf-8"))
        offsets_strs += [length, base + pos]
        pos += length + 1
    header = struct.pack("<7I", 0x950412DE, 0, count, 7 * 4, 7 * 4 + count * 8, 0, 0)
    table = struct.pack(f"<{4 * count}I", *offsets_ids, *offsets_strs)
    target.write_bytes(header + table + ids + strs)


if __name__ == "__main__":
    write_mo(read_po(FOLDER / "kepu_inspect.po"), FOLDER / "kepu_inspect.mo")
    print("kepu_inspect.mo updated")
