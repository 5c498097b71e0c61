"""Finding input files: every path given is either read or accounted for with the reason it was not.

What counts as input: workbooks in the folders and files named, and the workbooks inside a .zip of
submissions (read where they are, never extracted). What never does: anything this tool wrote — an
output folder (it holds the tool's manifest, see ``adapters.output``), the output folder of the
current run, lock files, hidden and system files.
"""

from __future__ import annotations

import os
import stat
import zipfile
import zlib
from collections.abc import Iterable
from pathlib import Path, PurePosixPath

from kepu_inspect.adapters.output import MANIFEST_NAME, REPORTS, read_manifest, written_by_tool
from kepu_inspect.adapters.xlsx_safe import (
    MAX_ENTRIES,
    MAX_FILE_BYTES,
    Source,
    WorkbookError,
    ZipMember,
    check_zip_directory,
    open_regular,
)
from kepu_inspect.core.results import Skipped

# a workbook, or something a sender may have sent instead of one (read, to say "请另存为 .xlsx")
WORKBOOK_SUFFIXES = {".xlsx", ".xlsm", ".xltx", ".xltm", ".xls", ".xlsb", ".et", ".ett", ".ods", ".csv"}
ARCHIVE_SUFFIXES = {".zip"}
MAX_ARCHIVE_BYTES = 1024 * 1024 * 1024  # a .zip's workbooks together, as declared (each is bounded too)
UTF8_FLAG = 0x800  # general purpose bit 11: the entry's name is UTF-8
UNICODE_PATH_EXTRA = 0x7075  # Info-ZIP: the name in UTF-8 beside a legacy one


def display_name(source: Source | str) -> str:
    """The name shown to people and written to reports: always valid text.

    A name that is not valid UTF-8 (a Windows zip unpacked on Linux leaves GBK bytes) is shown with
    its bytes escaped (\\xc4\\xe3…), so the file is still read, listed and written to every report.
    """
    if isinstance(source, ZipMember):
        return f"{display_name(source.archive)}/{source.name}"
    return os.fsencode(source).decode("utf-8", "backslashreplace")


def _skip_reason(name: str) -> str | None:
    if name.startswith("~$"):
        return "Excel/WPS 打开文件时生成的临时锁定文件"
    if name.startswith(".~lock.") and name.endswith("#"):
        return "LibreOffice 打开文件时生成的锁定文件"
    if name.startswith("."):
        return "隐藏文件"
    if name.lower() in ("thumbs.db", "desktop.ini"):
        return "系统文件"
    return None


def discover(paths: Iterable[Path], exclude: Iterable[Path] = ()) -> tuple[list[Source], list[Skipped]]:
    """Files to read, and every other path with the reason it was skipped (nothing unaccounted for).

    Paths named here are followed, symlinks included; symlinks found inside folders are not, and
    special files (FIFOs, devices) are never opened: opening a FIFO would hang the run. A path named
    twice (a folder and a file in it) is considered once, and one file reached under two names (a
    hard link) is read once, so it cannot pose as a duplicate. ``exclude``: folders never read (the
    run's own output folder); a folder holding this tool's manifest is skipped as well.
    """
    found = _Discovery(exclude)
    for p in paths:
        found.consider(p, explicit=True)
    return found.files, found.skipped


class _Discovery:
    def __init__(self, exclude: Iterable[Path]) -> None:
        self.files: list[Source] = []
        self.skipped: list[Skipped] = []
        self.seen_paths: set[str] = set()
        self.seen_objects: dict[tuple[int, int], str] = {}
        self.excluded = {os.path.realpath(p) for p in exclude}

    def skip(self, path: Path, reason: str) -> None:
        self.skipped.append(Skipped(display_name(path), reason))

    def consider(self, path: Path, explicit: bool) -> None:
        where = os.path.abspath(path)
        if where in self.seen_paths:
            return
        self.seen_paths.add(where)
        try:
            st = os.stat(path) if explicit else os.lstat(path)
        except OSError as exc:
            broken = explicit and os.path.islink(path)
            self.skip(path, "快捷方式（符号链接）指向的位置不存在" if broken else f"无法访问：{exc.strerror}")
            return
        if stat.S_ISLNK(st.st_mode):
            self.skip(path, "符号链接（快捷方式），未跟随；请直接放入原文件，或在命令中直接写出它")
            return
        if stat.S_ISDIR(st.st_mode) or stat.S_ISREG(st.st_mode):
            first = self.seen_objects.setdefault((st.st_dev, st.st_ino), display_name(path))
            if first != display_name(path):
                self.skip(path, f"与“{first}”是同一个文件或文件夹（硬链接或挂载），只读取一次")
                return
        if stat.S_ISDIR(st.st_mode):
            self.folder(path, explicit)
        elif stat.S_ISREG(st.st_mode):
            self.file(path, explicit)
        else:
            self.skip(path, "不是普通文件（设备或管道），未读取")

    def folder(self, path: Path, explicit: bool) -> None:
        if os.path.realpath(path) in self.excluded:
            self.skip(path, "本次运行的报告输出文件夹，不作为报送材料读取")
            return
        manifest = read_manifest(path)
        if manifest is not None and manifest[0] == REPORTS:
            self.skip(path, "本工具写出的报告文件夹，不作为报送材料读取")
            return
        if not explicit and path.name.startswith("."):
            # .git, .Trash, a synced folder's cache: one line for the folder, not one per file in it
            self.skip(path, "隐藏文件夹，未读取其中的文件")
            return
        try:
            entries = sorted(os.listdir(path))
        except OSError as exc:
            self.skip(path, f"无法读取文件夹：{exc.strerror}")
            return
        written = manifest[1] if manifest is not None else {}
        for entry in entries:
            if entry == MANIFEST_NAME:
                continue
            if entry in written and written_by_tool(path / entry):
                # a blank template or a draft this tool wrote, unchanged: nobody's material
                self.skip(
                    path / entry, "本工具生成后未改动过的文件（如未填写的空白自评表），不作为报送材料读取"
                )
                continue
            self.consider(path / entry, explicit=False)

    def file(self, path: Path, explicit: bool) -> None:
        reason = _skip_reason(path.name)
        suffix = path.suffix.lower()
        if reason:
            self.skip(path, reason)
        elif suffix in ARCHIVE_SUFFIXES:
            members, reasons = zip_members(path)
            # None: not a .zip of submissions (a workbook under another name, a damaged file): read it,
            # and the reader says what it is
            self.files.extend([path] if members is None else members)
            self.skipped.extend(reasons)
        elif not explicit and suffix not in WORKBOOK_SUFFIXES:
            self.skip(path, "不是工作簿文件")
        else:
            self.files.append(path)


def zip_members(path: Path) -> tuple[list[ZipMember] | None, list[Skipped]]:
    """The workbooks in a .zip of submissions and the reasons for every other entry.

    None when the file is no archive of files at all (a workbook renamed .zip, a damaged file): then
    it is read as a workbook and the reader says what it is. Bounded like a workbook: the directory's
    size, the number of entries and the declared size of what is read; each member is bounded again
    when it is read. Nested archives are not opened; names are never used as paths on disk.
    """
    try:
        with open_regular(path) as fh:
            size = os.fstat(fh.fileno()).st_size
            check_zip_directory(fh, size)
            fh.seek(0)
            with zipfile.ZipFile(fh) as zf:
                infos = zf.infolist()
    except WorkbookError as exc:
        if exc.kind == "bomb":
            return [], [
                Skipped(display_name(path), f"压缩包超出安全限制（{exc.detail}），未读取；请解压后分批报送")
            ]
        return None, []
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, zlib.error, NotImplementedError, RuntimeError):
        return None, []
    names = [info.filename for info in infos]
    if "xl/workbook.xml" in names or "[Content_Types].xml" in names:
        return None, []  # a workbook (or another Office file) under a .zip name
    shown = display_name(path)
    if len(infos) > MAX_ENTRIES:
        return [], [Skipped(shown, f"压缩包内文件过多（{len(infos)} 个），未读取；请解压后分批报送")]
    members: list[ZipMember] = []
    skipped: list[Skipped] = []
    declared = 0
    for index, info in enumerate(infos):
        if info.is_dir():
            continue
        name = member_name(info)
        where = f"{shown}/{name}"
        base = name.rpartition("/")[2]
        suffix = PurePosixPath(base).suffix.lower()
        if stat.S_ISLNK(info.external_attr >> 16):
            skipped.append(Skipped(where, "压缩包中的符号链接（快捷方式），未读取"))
        elif name.startswith("__MACOSX/"):
            skipped.append(Skipped(where, "苹果电脑压缩时附带的系统文件"))
        elif reason := _skip_reason(base):
            skipped.append(Skipped(where, reason))
        elif suffix in ARCHIVE_SUFFIXES or suffix in (".rar", ".7z", ".tar", ".gz"):
            skipped.append(
                Skipped(where, "压缩包中的压缩包，未读取；请先解压，再把其中的自评表放入材料文件夹")
            )
        elif suffix not in WORKBOOK_SUFFIXES:
            skipped.append(Skipped(where, "不是工作簿文件"))
        elif declared + min(info.file_size, MAX_FILE_BYTES) > MAX_ARCHIVE_BYTES:
            skipped.append(Skipped(where, "压缩包解压后的总大小超出安全限制，未读取；请解压后分批报送"))
        else:
            declared += min(info.file_size, MAX_FILE_BYTES)
            members.append(ZipMember(path, index, name))
    if not members and not skipped:
        skipped.append(Skipped(shown, "空的压缩包"))
    return members, skipped


def member_name(info: zipfile.ZipInfo) -> str:
    """An entry's name as its sender saw it.

    The zip says UTF-8 (bit 11), or carries the UTF-8 name in an Info-ZIP extra field; otherwise the
    bytes are in the sender's code page: valid UTF-8 (some tools forget the flag), else GBK/GB18030 (a
    Chinese Windows), else shown escaped. Path parts that would climb out (.., /, C:) are dropped from
    the name: it is only ever shown, never used to write a file.
    """
    escaped = False
    if info.flag_bits & UTF8_FLAG:
        name = info.filename
    else:
        raw = info.filename.encode("cp437")  # zipfile decoded the bytes as cp437: undo that
        name = _unicode_path(info, raw) or _decoded(raw)
        if not name:
            escaped, name = True, raw.decode("utf-8", "backslashreplace")
    if not escaped:  # an escaped name's backslashes are its escapes, not Windows separators
        name = name.replace("\\", "/")
    parts = [p for p in name.split("/") if p not in ("", ".", "..") and not p.endswith(":")]
    return "/".join(parts) or "（无名文件）"


def _decoded(raw: bytes) -> str:
    """The name in UTF-8 or GBK (GB18030), or "" when it is neither."""
    for codec in ("utf-8", "gb18030"):
        try:
            return raw.decode(codec)
        except UnicodeDecodeError:
            continue
    return ""


def _unicode_path(info: zipfile.ZipInfo, raw: bytes) -> str | None:
    """The Info-ZIP Unicode Path extra field's name, when it belongs to this entry's name (CRC)."""
    extra, at = info.extra, 0
    while at + 4 <= len(extra):
        kind, size = (
            int.from_bytes(extra[at : at + 2], "little"),
            int.from_bytes(extra[at + 2 : at + 4], "little"),
        )
        body = extra[at + 4 : at + 4 + size]
        at += 4 + size
        if (
            kind == UNICODE_PATH_EXTRA
            and len(body) > 5
            and body[0] == 1
            and int.from_bytes(body[1:5], "little") == zlib.crc32(raw)
        ):
            try:
                return body[5:].decode("utf-8")
            except UnicodeDecodeError:
                return None
    return None
