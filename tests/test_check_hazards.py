"""Untrusted files: each hazard from issue 5 as a generated file, refused or read within bounds.

Bombs are read in a child process that reports its own peak memory (VmHWM) and time, so the
bounds hold for the real reader, not for a test double: memory < 500 MB, time < 10 s per file
(a safety bound, generous on purpose; this is not a benchmark).
"""

from __future__ import annotations

import io
import json
import os
import struct
import subprocess
import sys
import threading
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from kepu_inspect.adapters import layout as L
from kepu_inspect.adapters.workbook_reader import FileReading, read_submission
from kepu_inspect.adapters.xlsx_safe import MAX_CELL_CHARS, MAX_CELLS, MAX_ELEMENTS
from kepu_inspect.core.results import Intake
from kepu_inspect.core.rubric import Rubric
from kepu_inspect.services.batch import check_paths as run_intake
from tests.conftest import MINI
from tests.workbook_factory import (
    add_shared_strings,
    cell_of,
    clean_bytes,
    inline,
    replace_parts,
    set_cell_xml,
    sheet_part,
    write,
)

OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
MAIN_NS = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"
MEMORY_BOUND_MB = 500
TIME_BOUND_S = 10.0


@pytest.fixture(scope="module")
def clean(mini: Rubric) -> bytes:
    return clean_bytes(mini, "A")


def codes(reading: FileReading) -> list[str]:
    return [p.code.name for p in reading.problems]


def read(mini: Rubric, folder: Path, name: str, data: bytes) -> FileReading:
    return read_submission(mini, write(folder, name, data))


def ole_file(directory_names: list[str], directory_at: int = 0x6000, size: int = 0x8000) -> bytes:
    """An OLE2 compound file as far as sniffing needs: magic, header, directory entries at an offset."""
    data = bytearray(size)
    data[:8] = OLE
    data[0x1E:0x20] = struct.pack("<H", 9)  # 512-byte sectors
    for i, name in enumerate(directory_names):
        encoded = name.encode("utf-16-le")
        entry = directory_at + 128 * i
        data[entry : entry + len(encoded)] = encoded
        data[entry + 64 : entry + 66] = struct.pack("<H", len(encoded) + 2)
    return bytes(data)


# --- not an xlsx at all: say what it is and how to fix it ----------------------------------------------
NOT_XLSX: list[tuple[str, Callable[[bytes], bytes], str]] = [
    # (file name, content from the clean workbook, a token of what it was recognised as)
    ("甲县.xls", lambda _c: ole_file(["Root Entry", "Workbook", "\x05SummaryInformation"]), "97-2003"),
    ("甲县.xlsx", lambda _c: ole_file(["Root Entry", "Workbook"]), "97-2003"),  # an .xls renamed
    ("甲县.et", lambda _c: ole_file(["Root Entry", "WorkBook"]), "WPS"),
    (
        "甲县.xlsx",
        lambda _c: ole_file(
            ["Root Entry", "\x06DataSpaces", "EncryptionInfo", "EncryptedPackage"], directory_at=0x200
        ),
        "加密",
    ),
    # the directory of a big encrypted file sits after its package stream, far beyond the first 8 KB
    (
        "甲县.xlsx",
        lambda _c: ole_file(
            ["Root Entry", "EncryptedPackage", "EncryptionInfo"], directory_at=3_000_000, size=3_100_000
        ),
        "加密",
    ),
    ("甲县.xlsx", lambda _c: "单位,自评分\n甲县,8\n".encode(), "CSV"),
    ("甲县.xlsx", lambda _c: "单位,自评分\n甲县,8\n".encode("gbk"), "CSV"),
    (
        "甲县.xlsx",
        lambda _c: ("\ufeff序号,单位,考核项目,自评分\n" + "1,甲县,科普经费保障工作情况,8\n" * 400).encode(),
        "CSV",
    ),
    ("甲县.csv", lambda _c: "单位,自评分\n甲县,8\n".encode(), "CSV"),
    ("甲县.xlsx", lambda _c: b"<html><body><table><tr><td>8</td></tr></table></body></html>", "HTML"),
    (
        "甲县.xls",
        lambda _c: "\ufeff<!DOCTYPE html>\n<html><meta charset=utf-8><table></table>".encode(),
        "HTML",
    ),
    ("甲县.xlsx", lambda _c: b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "PDF"),
    (
        "甲县.xlsx",
        lambda _c: replace_parts(_c, {"xl/workbook.xml": None}, extra={"word/document.xml": b"<w/>"}),
        "Word",
    ),
    (
        "甲县.xlsx",
        lambda _c: _zip(
            {
                "mimetype": b"application/vnd.oasis.opendocument.spreadsheet",
                "content.xml": b"<office:document-content/>",
            }
        ),
        "OpenDocument",
    ),
]


def _zip(parts: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, content in parts.items():
            zf.writestr(name, content)
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "make", "token"), NOT_XLSX, ids=[f"{c[0]}-{c[2]}-{i}" for i, c in enumerate(NOT_XLSX)]
)
def test_not_an_xlsx_says_what_it_is(
    name: str, make: Callable[[bytes], bytes], token: str, tmp_path: Path, mini: Rubric, clean: bytes
) -> None:
    reading = read(mini, tmp_path, name, make(clean))
    assert reading.status == "rejected" and codes(reading) == ["WB001"]
    (p,) = reading.problems
    assert token in p.message and p.hint  # names the kind ("say which") and how to fix it


def test_a_real_csv_is_not_called_renamed(tmp_path: Path, mini: Rubric) -> None:
    as_csv = read(mini, tmp_path, "甲县.csv", "单位,自评分\n甲县,8\n".encode()).problems[0].message
    renamed = read(mini, tmp_path, "甲县.xlsx", "单位,自评分\n甲县,8\n".encode()).problems[0].message
    assert ".xlsx" in renamed and ".csv" not in as_csv


# --- damaged zips ----------------------------------------------------------------------------------------
def _flip_inside(part: str) -> Callable[[bytes], bytes]:
    """Corrupt the deflate stream of one part, keeping the zip structure intact."""

    def corrupt(data: bytes) -> bytes:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            info = zf.getinfo(part)
        start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
        middle = start + info.compress_size // 2
        broken = bytearray(data)
        for i in range(middle, middle + 16):
            broken[i] ^= 0xA5
        return bytes(broken)

    return corrupt


def _central_entry_patch(part: str, offset: int, value: bytes) -> Callable[[bytes], bytes]:
    """Patch one field of a part's central-directory entry and of its local header (2 bytes earlier there)."""

    def patch(data: bytes) -> bytes:
        broken = bytearray(data)
        end = data.rfind(b"PK\x05\x06")
        at = struct.unpack_from("<L", data, end + 16)[0]
        while data[at : at + 4] == b"PK\x01\x02":
            name_len, extra_len, comment_len = struct.unpack_from("<3H", data, at + 28)
            if data[at + 46 : at + 46 + name_len] == part.encode():
                local = struct.unpack_from("<L", data, at + 42)[0]
                broken[at + offset : at + offset + len(value)] = value
                broken[local + offset - 2 : local + offset - 2 + len(value)] = value
                return bytes(broken)
            at += 46 + name_len + extra_len + comment_len
        raise KeyError(part)

    return patch


DAMAGED: list[tuple[str, Callable[[bytes], bytes]]] = [
    ("truncated", lambda c: c[: len(c) * 2 // 3]),
    ("only-local-headers", lambda c: c[: c.rfind(b"PK\x01\x02")]),
    ("corrupt-deflate", lambda c: _flip_inside(sheet_part(c, L.ITEM_SHEET))(c)),
    (
        "unknown-compression-method",
        lambda c: _central_entry_patch(sheet_part(c, L.ITEM_SHEET), 10, struct.pack("<H", 99))(c),
    ),
    (
        "encrypted-entry",
        lambda c: _central_entry_patch(sheet_part(c, L.ITEM_SHEET), 8, struct.pack("<H", 1))(c),
    ),
    ("no-workbook-part", lambda c: replace_parts(c, {"xl/workbook.xml": None})),
    ("sheet-part-missing", lambda c: replace_parts(c, {sheet_part(c, L.ITEM_SHEET): None})),
    ("malformed-xml", lambda c: replace_parts(c, {sheet_part(c, L.ITEM_SHEET): lambda x: x[: len(x) // 2]})),
    (
        "bad-cell-ref",
        lambda c: replace_parts(
            c, {sheet_part(c, L.ITEM_SHEET): lambda x: x.replace(b'<c r="A5"', b'<c r="A5:B9"', 1)}
        ),
    ),
    (
        "bad-shared-string-index",
        lambda c: replace_parts(
            c,
            {
                sheet_part(c, L.ITEM_SHEET): lambda x: x.replace(
                    b"<sheetData>", b'<sheetData><row r="1"><c r="Z1" t="s"><v>99999</v></c></row>', 1
                )
            },
        ),
    ),
    ("zip-header-only", lambda _c: b"PK\x03\x04" + bytes(26)),
]


@pytest.mark.parametrize(("kind", "damage"), DAMAGED, ids=[d[0] for d in DAMAGED])
def test_damaged_zip_is_a_problem_not_a_crash(
    kind: str, damage: Callable[[bytes], bytes], tmp_path: Path, mini: Rubric, clean: bytes
) -> None:
    reading = read(mini, tmp_path, "甲县.xlsx", damage(clean))
    assert reading.status == "rejected" and codes(reading) == ["WB002"], reading.problems


def test_zero_bytes(tmp_path: Path, mini: Rubric) -> None:
    reading = read(mini, tmp_path, "甲县.xlsx", b"")
    assert (reading.status, codes(reading)) == ("rejected", ["WB003"])


# --- macros: values only, never run ---------------------------------------------------------------------
def test_xlsm_is_read_for_values_only(
    tmp_path: Path, mini: Rubric, clean: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = replace_parts(clean, {}, extra={"xl/vbaProject.bin": OLE + b'Attribute VB_Name = "Module1"' * 50})
    opened: list[str] = []
    real_open = zipfile.ZipFile.open

    def spy(self: zipfile.ZipFile, name: str | zipfile.ZipInfo, *args: object, **kwargs: object) -> object:
        opened.append(name.filename if isinstance(name, zipfile.ZipInfo) else name)
        return real_open(self, name, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(zipfile.ZipFile, "open", spy)
    reading = read(mini, tmp_path, "甲县.xlsm", data)
    assert reading.status == "read" and codes(reading) == ["WB031"]
    assert reading.submission is not None and reading.submission.criteria
    assert "xl/vbaProject.bin" not in opened  # never even decompressed


# --- bombs, in a child process that measures itself ---------------------------------------------------------
CHILD = r"""
import json, resource, sys, time
from pathlib import Path
from kepu_inspect.adapters.rubric_file import load_rubric
from kepu_inspect.adapters.workbook_reader import read_submission


def peak_mb():
    # VmHWM is this process's own peak; ru_maxrss on Linux keeps the forking parent's size across exec
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss / 1024 / (1024 if sys.platform == "darwin" else 1)


rubric = load_rubric(Path(sys.argv[1])).rubric
start = time.perf_counter()
reading = read_submission(rubric, Path(sys.argv[2]))
seconds = time.perf_counter() - start
peak_mb = peak_mb()
print(json.dumps({"status": reading.status, "codes": [p.code.name for p in reading.problems],
                  "seconds": seconds, "peak_mb": peak_mb}))
"""


def measured_read(path: Path) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(MINI), str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        cwd=Path(__file__).resolve().parents[1],
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, object] = json.loads(done.stdout)
    assert float(result["peak_mb"]) < MEMORY_BOUND_MB, result  # type: ignore[arg-type]
    assert float(result["seconds"]) < TIME_BOUND_S, result  # type: ignore[arg-type]
    return result


def _with_sheet(
    clean: bytes, path: Path, write_sheet: Callable[[io.BufferedIOBase], None], level: int = 6
) -> Path:
    """Stream a replacement item sheet into the workbook: never holds the sheet XML in memory."""
    part = sheet_part(clean, L.ITEM_SHEET)
    src = zipfile.ZipFile(io.BytesIO(clean))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as dst:
        for info in src.infolist():
            if info.filename == part:
                with dst.open(part, "w", force_zip64=True) as fh:
                    write_sheet(fh)  # type: ignore[arg-type]
            else:
                dst.writestr(info.filename, src.read(info.filename))
    return path


def _sheet_head(fh: io.BufferedIOBase) -> None:
    fh.write(b'<worksheet xmlns="' + MAIN_NS + b'"><dimension ref="A1:XFD1048576"/><sheetData>')


def zip_bomb(clean: bytes, path: Path) -> Path:
    """200 MB of zeros in the item sheet, compressed ~1000:1 into a file of about 200 KB."""

    def sheet(fh: io.BufferedIOBase) -> None:
        _sheet_head(fh)
        zeros = b"0" * (1 << 20)
        for _ in range(200):
            fh.write(zeros)
        fh.write(b"</sheetData></worksheet>")

    return _with_sheet(clean, path, sheet, level=1)


def entity_bomb_in_shared_strings(clean: bytes, path: Path) -> Path:
    lol = ['<!ENTITY lol0 "lol">'] + [f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)]
    data, _ = add_shared_strings(clean, ["<si><t>&lol9;</t></si>"])
    doctype = ("<!DOCTYPE sst [" + "".join(lol) + "]>").encode()
    path.write_bytes(
        replace_parts(data, {"xl/sharedStrings.xml": lambda x: x.replace(b"<sst", doctype + b"<sst", 1)})
    )
    return path


def entity_bomb_in_sheet(clean: bytes, path: Path) -> Path:
    part = sheet_part(clean, L.ITEM_SHEET)
    lol = "".join(['<!ENTITY a0 "ha">'] + [f'<!ENTITY a{i} "{f"&a{i - 1};" * 16}">' for i in range(1, 12)])
    bomb = f"<!DOCTYPE worksheet [{lol}]>".encode()

    def edit(xml: bytes) -> bytes:
        return bomb + xml.replace(
            b"<sheetData>",
            b'<sheetData><row r="1"><c r="Z1" t="inlineStr"><is><t>&a11;</t></is></c></row>',
            1,
        )

    path.write_bytes(replace_parts(clean, {part: edit}))
    return path


def external_entity(clean: bytes, path: Path) -> Path:
    part = sheet_part(clean, L.ITEM_SHEET)
    doctype = b'<!DOCTYPE worksheet [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    path.write_bytes(
        replace_parts(
            clean,
            {
                part: lambda x: (
                    doctype
                    + x.replace(
                        b"<sheetData>",
                        b'<sheetData><row r="1"><c r="Z1" t="inlineStr"><is><t>&x;</t></is></c></row>',
                        1,
                    )
                )
            },
        )
    )
    return path


def stray_last_cell(clean: bytes, path: Path) -> Path:
    """The real sheet plus one cell at XFD1048576 and a dimension claiming the whole grid."""
    part = sheet_part(clean, L.ITEM_SHEET)

    def edit(xml: bytes) -> bytes:
        xml = xml.replace(b"<dimension ref=", b'<dimension ref="A1:XFD1048576" old=', 1)
        return xml.replace(
            b"</sheetData>", b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData>', 1
        )

    path.write_bytes(replace_parts(clean, {part: edit}))
    return path


def too_many_cells(clean: bytes, path: Path) -> Path:
    def sheet(fh: io.BufferedIOBase) -> None:
        _sheet_head(fh)
        for row in range(1, MAX_CELLS // 10 + 2):
            fh.write(
                b'<row r="%d">' % row
                + b"".join(
                    b'<c r="%s%d"><v>1</v></c>' % (col, row)
                    for col in (b"A", b"B", b"C", b"D", b"E", b"F", b"G", b"H", b"I", b"J")
                )
                + b"</row>"
            )
        fh.write(b"</sheetData></worksheet>")

    return _with_sheet(clean, path, sheet, level=1)


def empty_cell_flood(clean: bytes, path: Path) -> Path:
    """Over a million styled empty cells, each with its own reference (compresses only ~15:1)."""

    def sheet(fh: io.BufferedIOBase) -> None:
        _sheet_head(fh)
        letters = [bytes([65 + i]) for i in range(26)]
        for row in range(1, MAX_ELEMENTS // 26 + 100):
            fh.write(
                b'<row r="%d">' % row
                + b"".join(b'<c r="%s%d" s="1"/>' % (c, row) for c in letters)
                + b"</row>"
            )
        fh.write(b"</sheetData></worksheet>")

    return _with_sheet(clean, path, sheet, level=1)


def huge_cell(clean: bytes, path: Path) -> Path:
    """One input cell holding 20 MB of random digits (compresses only ~2:1, so the ratio check passes)."""
    digits = os.urandom(20_000_000).translate(bytes(48 + i % 10 for i in range(256)))

    def sheet(fh: io.BufferedIOBase) -> None:
        _sheet_head(fh)
        fh.write(b'<row r="7"><c r="G7" t="inlineStr"><is><t>' + digits + b"</t></is></c></row>")
        fh.write(b"</sheetData></worksheet>")

    return _with_sheet(clean, path, sheet, level=1)


def central_directory_flood(clean: bytes, path: Path) -> Path:
    """A real workbook whose central directory lists 900,000 more entries: a 48 MB file, just under the
    size limit, that would make zipfile build 900,000 objects (seconds and ~400 MB) before any check."""
    entries = []
    for i in range(900_000):
        name = b"x/%06d" % i
        entries.append(
            struct.pack(
                "<4s4B4HL2L5H2L",
                b"PK\x01\x02",
                20,
                0,
                20,
                0,
                0,
                0,
                0,
                0,
                0,
                0,
                0,
                len(name),
                0,
                0,
                0,
                0,
                0,
                0,
            )
            + name
        )
    end = clean.rfind(b"PK\x05\x06")
    directory_at = struct.unpack_from("<L", clean, end + 16)[0]
    directory = clean[directory_at:end] + b"".join(entries)
    count = 0xFFFF
    record = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, count, count, len(directory), directory_at, 0)
    path.write_bytes(clean[:directory_at] + directory + record)
    return path


BOMBS: list[tuple[str, Callable[[bytes, Path], Path], str, str]] = [
    # (name, generator, expected status, expected code)
    ("zip-bomb-200MB-zeros", zip_bomb, "rejected", "WB004"),
    ("billion-laughs-shared-strings", entity_bomb_in_shared_strings, "rejected", "WB005"),
    ("billion-laughs-sheet", entity_bomb_in_sheet, "rejected", "WB005"),
    ("external-entity", external_entity, "rejected", "WB005"),
    ("cell-at-XFD1048576", stray_last_cell, "read", ""),
    ("over-200k-cells", too_many_cells, "rejected", "WB004"),
    ("empty-cell-flood", empty_cell_flood, "rejected", "WB004"),
    ("central-directory-flood", central_directory_flood, "rejected", "WB004"),
    ("cell-with-20MB-text", huge_cell, "rejected", "WB004"),
]


@pytest.mark.parametrize(("name", "make", "status", "code"), BOMBS, ids=[b[0] for b in BOMBS])
def test_bomb_is_refused_within_memory_and_time(
    name: str, make: Callable[[bytes, Path], Path], status: str, code: str, tmp_path: Path, clean: bytes
) -> None:
    path = make(clean, tmp_path / "甲县.xlsx")
    result = measured_read(path)
    assert result["status"] == status, result
    if code:
        assert result["codes"] == [code], result
    else:
        assert result["codes"] == [], result  # the stray cell is outside the template: nothing to report


def test_stray_cell_does_not_change_what_is_read(tmp_path: Path, mini: Rubric, clean: bytes) -> None:
    plain = read(mini, tmp_path / "a", "甲县.xlsx", clean)
    stray = read_submission(mini, stray_last_cell(clean, tmp_path / "甲县.xlsx"))
    assert stray.submission == plain.submission


# --- the folder: lock files, hidden files, links, pipes, odd names ------------------------------------------------
def intake_within(mini: Rubric, paths: list[Path], seconds: float = 20) -> Intake:
    """Run the intake in a thread: a FIFO opened blindly would block forever, failing the test instead."""
    box: dict[str, Intake] = {}
    worker = threading.Thread(target=lambda: box.setdefault("intake", run_intake(mini, paths)), daemon=True)
    worker.start()
    worker.join(seconds)
    assert not worker.is_alive(), "intake hung (a FIFO or device opened blindly?)"
    return box["intake"]


def test_lock_and_hidden_files_are_skipped_with_a_note(tmp_path: Path, mini: Rubric, clean: bytes) -> None:
    d = tmp_path / "in"
    write(d, "甲县.xlsx", clean)
    write(d, "~$甲县.xlsx", b"\x05zhang san" + bytes(150))  # Excel/WPS owner file
    write(d, ".~lock.甲县.xlsx#", b"zhangsan,host,/tmp,01.12.2017 09:30,file:///home/zs;\n")  # LibreOffice
    write(d, ".甲县.xlsx", clean)
    write(d, "._甲县.xlsx", b"\x00\x05\x16\x07AppleDouble")  # macOS resource fork from a zip
    write(d, ".DS_Store", b"\x00\x00\x00\x01Bud1")
    write(d, "Thumbs.db", OLE)
    write(d / ".git", "乙区.xlsx", clean_bytes(mini, "B"))  # a hidden folder is skipped whole
    write(d, "说明.docx", b"PK\x03\x04")
    intake = intake_within(mini, [d])
    assert [Path(r.path).name for r in intake.readings] == ["甲县.xlsx"]
    reasons = {Path(s.path).name: s.reason for s in intake.skipped}
    assert set(reasons) == {
        "~$甲县.xlsx",
        ".~lock.甲县.xlsx#",
        ".甲县.xlsx",
        "._甲县.xlsx",
        ".DS_Store",
        "Thumbs.db",
        ".git",
        "说明.docx",
    }
    assert all(reasons.values())
    assert "Excel" in reasons["~$甲县.xlsx"] and "LibreOffice" in reasons[".~lock.甲县.xlsx#"]


def test_symlinks_are_not_followed(tmp_path: Path, mini: Rubric, clean: bytes) -> None:
    outside = tmp_path / "outside"
    write(outside, "乙区.xlsx", clean_bytes(mini, "B"))
    d = tmp_path / "in"
    write(d / "real", "甲县.xlsx", clean)
    (d / "乙区.xlsx").symlink_to(outside / "乙区.xlsx")
    (d / "link-to-folder").symlink_to(d / "real", target_is_directory=True)
    (d / "loop").symlink_to(d, target_is_directory=True)
    (d / "dangling.xlsx").symlink_to(tmp_path / "nowhere.xlsx")
    intake = intake_within(mini, [d, d / "乙区.xlsx"])
    assert [Path(r.path).relative_to(d).as_posix() for r in intake.readings] == ["real/甲县.xlsx"]
    skipped = sorted(Path(s.path).name for s in intake.skipped)  # 乙区.xlsx named twice, listed once
    assert skipped == sorted(["乙区.xlsx", "link-to-folder", "loop", "dangling.xlsx"])


def test_fifo_in_folder_does_not_hang(tmp_path: Path, mini: Rubric, clean: bytes) -> None:
    d = tmp_path / "in"
    write(d, "甲县.xlsx", clean)
    os.mkfifo(d / "乙区.xlsx")
    intake = intake_within(mini, [d, d / "乙区.xlsx"])
    assert [Path(r.path).name for r in intake.readings] == ["甲县.xlsx"]
    assert [Path(s.path).name for s in intake.skipped] == ["乙区.xlsx"]


def test_reader_refuses_a_fifo_without_blocking(tmp_path: Path, mini: Rubric) -> None:
    """Even past the folder walk (a file swapped for a pipe after listing), opening never blocks."""
    fifo = tmp_path / "乙区.xlsx"
    os.mkfifo(fifo)
    box: dict[str, FileReading] = {}
    worker = threading.Thread(target=lambda: box.setdefault("r", read_submission(mini, fifo)), daemon=True)
    worker.start()
    worker.join(10)
    assert not worker.is_alive(), "reading a FIFO blocked"
    assert (box["r"].status, codes(box["r"])) == ("rejected", ["WB001"])


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_unreadable_file_is_a_problem(tmp_path: Path, mini: Rubric, clean: bytes) -> None:
    path = write(tmp_path, "甲县.xlsx", clean)
    path.chmod(0)
    try:
        reading = read_submission(mini, path)
    finally:
        path.chmod(0o600)
    assert (reading.status, codes(reading)) == ("rejected", ["WB002"])


ODD_NAMES = [
    "2017年 甲县 自评表 (最终版).xlsx",
    "甲县🎉自评表✅.xlsx",
    "甲县" + "科学素质工作自评表" * 8 + ".xlsx",  # 236 bytes, near the 255-byte limit
    "甲县\n换行.xlsx",
    "-甲县.xlsx",
    "甲县.XLSX",
    "甲县 .xlsx",
    "ｊｉａ甲县（全角）.xlsx",
    "甲县.xlsx.xlsx",
]


@pytest.mark.parametrize("name", ODD_NAMES, ids=range(len(ODD_NAMES)))
def test_odd_file_names(name: str, tmp_path: Path, mini: Rubric, clean: bytes) -> None:
    assert len(name.encode()) < 256
    d = tmp_path / "in"
    write(d, name, clean)
    intake = intake_within(mini, [d])
    (reading,) = intake.readings
    assert (Path(reading.path).name, reading.status, reading.unit_id, reading.problems) == (
        name,
        "read",
        "A",
        [],
    )


def test_one_bad_file_never_stops_the_others(tmp_path: Path, mini: Rubric, clean: bytes) -> None:
    d = tmp_path / "in"
    for i, (name, make, _token) in enumerate(NOT_XLSX):
        write(d, f"{i:02d}-{name}", make(clean))
    for kind, damage in DAMAGED:
        write(d, f"{kind}.xlsx", damage(clean))
    write(d, "empty.xlsx", b"")
    entity_bomb_in_sheet(clean, d / "bomb.xlsx")
    os.mkfifo(d / "pipe.xlsx")
    write(d, "乙区.xlsx", clean_bytes(mini, "B"))
    intake = intake_within(mini, [d])
    good = [r for r in intake.readings if Path(r.path).name == "乙区.xlsx"]
    assert [(r.status, r.unit_id, r.problems) for r in good] == [("read", "B", [])]
    bad = [r for r in intake.readings if Path(r.path).name != "乙区.xlsx"]
    assert bad and all(r.status == "rejected" and r.problems for r in bad)
    assert next(row for row in intake.ledger if row.unit_id == "B").status == "已收到"


def test_central_directory_is_measured_before_zipfile_reads_it(
    tmp_path: Path, mini: Rubric, clean: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Deterministic twin of the timed test: the flood is refused before zipfile builds any entry."""
    import kepu_inspect.adapters.xlsx_safe as xlsx_safe

    path = central_directory_flood(clean, tmp_path / "甲县.xlsx")

    def no_zipfile(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("zipfile.ZipFile was constructed for an oversized directory")

    monkeypatch.setattr(xlsx_safe.zipfile, "ZipFile", no_zipfile)
    reading = read_submission(mini, path)
    assert (reading.status, codes(reading)) == ("rejected", ["WB004"])


@pytest.mark.parametrize(("extra", "status"), [(0, "read"), (1, "rejected")])
def test_cell_length_limit_is_excels(
    extra: int, status: str, tmp_path: Path, mini: Rubric, clean: bytes
) -> None:
    ref = cell_of(mini, "A", L.COL_EVIDENCE, "C1")
    text = "佐" * (MAX_CELL_CHARS + extra)
    reading = read(mini, tmp_path, "甲县.xlsx", set_cell_xml(clean, L.ITEM_SHEET, ref, inline(ref, text)))
    assert reading.status == status
    if status == "read":
        assert reading.submission is not None and reading.submission.items["C1"].evidence == text
    else:
        assert codes(reading) == ["WB004"]
