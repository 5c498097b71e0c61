"""Writing outputs safely: atomic replace, a manifest of what this tool wrote, report sets swapped in
whole, and neutralised spreadsheet formulas.

Nothing this tool did not write is replaced without being asked (``--force``): "written by the tool"
means listed, with its SHA-256, in the manifest the tool keeps in the folder, and still matching it —
a filled form carries the template's identity but no longer its bytes.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import re
import shutil
import tempfile
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from kepu_inspect.core.os_errors import os_error_text

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


# --- what this tool wrote: the manifest ---------------------------------------------------------------------
MANIFEST_TOOL = "kepu-inspect"
MAX_MANIFEST_BYTES = 4 * 1024 * 1024
REPORTS = "reports"  # a folder the tool writes whole (score's report set): never read back as input
FILES = "files"  # files the tool wrote among others (templates, a rubric)


class OutputError(Exception):
    """An output cannot be written where asked: ``message`` says why and ``hint`` what to do, in Chinese."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class SwapBlocked(OutputError):
    """The new report set is complete but could not take the old one's place (a report is open in
    Excel or WPS on Windows); it waits in ``waiting``."""

    def __init__(self, message: str, hint: str, waiting: Path) -> None:
        super().__init__(message, hint)
        self.waiting = waiting


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def read_manifest(folder: Path) -> tuple[str, dict[str, str]] | None:
    """(kind, file name → SHA-256) from a folder's manifest, or None when there is none we wrote."""
    path = folder / MANIFEST_NAME
    try:
        with open(path, "rb") as fh:
            raw = fh.read(MAX_MANIFEST_BYTES + 1)
        if len(raw) > MAX_MANIFEST_BYTES:
            return None
        doc = json.loads(raw.decode("utf-8"))
    except (OSError, ValueError):
        return None
    files = doc.get("files") if isinstance(doc, dict) else None
    if doc.get("tool") != MANIFEST_TOOL or not isinstance(files, dict):
        return None
    kind = doc.get("kind") if doc.get("kind") in (REPORTS, FILES) else FILES
    return kind, {str(k): str(v) for k, v in files.items() if isinstance(k, str) and isinstance(v, str)}


def _write_manifest(folder: Path, kind: str, files: dict[str, str]) -> None:
    doc = {"tool": MANIFEST_TOOL, "kind": kind, "files": dict(sorted(files.items()))}
    write_text_atomic(folder / MANIFEST_NAME, json.dumps(doc, ensure_ascii=False, indent=1) + "\n")


def written_by_tool(path: Path) -> bool:
    """True when ``path`` is listed in its folder's manifest and still has the bytes the tool wrote."""
    found = read_manifest(path.parent)
    if found is None or path.name not in found[1]:
        return False
    try:
        return file_sha256(path) == found[1][path.name]
    except OSError:
        return False


def foreign_entries(folder: Path) -> list[str]:
    """What is in ``folder`` that this tool did not write (or changed since): names, sorted."""
    try:
        names = sorted(os.listdir(folder))
    except OSError:
        return []
    found = read_manifest(folder)
    listed = found[1] if found else {}
    foreign = []
    for name in names:
        if name == MANIFEST_NAME:
            continue
        path = folder / name
        try:
            same = (
                name in listed
                and path.is_file()
                and not path.is_symlink()
                and file_sha256(path) == listed[name]
            )
        except OSError:
            same = False
        if not same:
            foreign.append(name)
    return foreign


def _listing(names: list[str], limit: int = 5) -> str:
    shown = "、".join(f"“{n}”" for n in names[:limit])
    return shown + (f" 等 {len(names)} 个" if len(names) > limit else "")


# --- checks made before any input is read ---------------------------------------------------------------------
def _existing_ancestor(path: Path) -> Path:
    here = Path(os.path.abspath(path))
    while not here.exists() and here != here.parent:
        here = here.parent
    return here


def probe_writable(folder: Path) -> None:
    """Create and remove a file in ``folder``: the only test of write access that holds everywhere
    (modes, ACLs, read-only mounts, a share's permissions). Raises OSError."""
    fd, tmp = tempfile.mkstemp(prefix=".kepu-inspect-probe-", dir=folder)
    os.close(fd)
    os.unlink(tmp)


def check_output_folder(
    target: Path, inputs: Iterable[Path] = (), need: int = 0, force: bool = False, option: str = "-o"
) -> None:
    """Whether a report set can go into ``target``: not a file, not around the inputs, writable, room
    for ``need`` bytes, and nothing in it this tool did not write (unless ``force``). Raises OutputError.
    """
    if target.exists() and not target.is_dir():
        raise OutputError(
            f"输出位置“{target}”是一个文件，不是文件夹。",
            f"请用 {option} 指定一个文件夹（不存在会自动创建）。",
        )
    where = os.path.realpath(target)
    for source in inputs:
        inside = os.path.realpath(source)
        if inside == where or inside.startswith(where.rstrip(os.sep) + os.sep):
            raise OutputError(
                f"输出文件夹“{target}”包含报送材料“{source}”。",
                f"请用 {option} 指定另一个文件夹，报告不能与报送材料混在一起。",
            )
    base = _existing_ancestor(target if target.exists() else target.parent)
    try:
        probe_writable(base)
    except OSError as exc:
        raise OutputError(
            f"无法在“{base}”中写入报告（{os_error_text(exc)}）。",
            f"请用 {option} 指定一个有写入权限的文件夹，或检查该文件夹是否只读、磁盘是否已写保护。",
        ) from None
    free = _free_bytes(base)
    if free is not None and need and free < need:
        raise OutputError(
            f"“{base}”所在磁盘空间不足：约需 {_mb(need)}，只剩 {_mb(free)}。",
            "请清理磁盘，或用 -o 把报告写到空间足够的磁盘上。",
        )
    if target.is_dir() and not force:
        foreign = foreign_entries(target)
        if foreign:
            raise OutputError(
                f"输出文件夹“{target}”中有不是本工具写出的文件（或写出后被修改过）：{_listing(foreign)}。",
                f"为免覆盖，未写入任何报告。请用 {option} 换一个文件夹；确需使用该文件夹时请加 --force"
                f"（原有内容会整体移到“{target.name}.上次”，不会删除）。",
            )


def _free_bytes(folder: Path) -> int | None:
    try:
        return shutil.disk_usage(folder).free
    except OSError:
        return None


def _mb(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB" if size < 10_000_000 else f"{size // 1_000_000} MB"


def input_bytes(paths: Iterable[Path], limit: int = 200_000) -> int:
    """The size of what will be read (a walk of the paths, no file opened): the room reports need."""
    total, seen = 0, 0
    for path in paths:
        for root, _, files in os.walk(path) if os.path.isdir(path) else [("", [], [str(path)])]:
            for name in files:
                seen += 1
                if seen > limit:
                    return total
                with contextlib.suppress(OSError):
                    total += os.stat(os.path.join(root, name)).st_size
    return total


# --- a report set, swapped in whole -------------------------------------------------------------------------------
STAGING = "写入中"
PREVIOUS = "上次"
WAITING = "新"
LOCK_WAIT_SECONDS = 120


class ReportFolder:
    """A report set written into a new folder beside ``target`` and swapped in at the end, under a lock.

    The previous set stays as ``<target>.上次``; a killed run leaves the previous complete set and no
    half-written file under a report's name (its files only ever existed in the hidden staging folder,
    removed by the next run); when a report is open in Excel/WPS (the swap is refused on Windows) the
    new set waits beside it as ``<target>.新``. Two runs into one folder wait for each other.
    """

    def __init__(self, target: Path, force: bool = False) -> None:
        self.target = Path(os.path.abspath(target))
        self.force = force
        parent, name = self.target.parent, self.target.name
        self.previous = parent / f"{name}.{PREVIOUS}"
        self.waiting = parent / f"{name}.{WAITING}"
        self.staging = parent / f".{name}.{STAGING}-{os.getpid()}"
        self.lock_path = parent / f".{name}.lock"
        self._lock: Any = None

    def __enter__(self) -> ReportFolder:
        from filelock import FileLock, Timeout

        self.target.parent.mkdir(parents=True, exist_ok=True)
        self._lock = FileLock(str(self.lock_path))
        try:
            self._lock.acquire(timeout=LOCK_WAIT_SECONDS)
        except Timeout:
            raise OutputError(
                f"另一个 kepu-inspect 正在向“{self.target}”写入报告，等待 {LOCK_WAIT_SECONDS} 秒后仍未结束。",
                "请等它结束后再运行，或用 -o 换一个文件夹。",
            ) from None
        self._clean_stale()
        self.staging.mkdir()
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            if self.staging.exists():
                shutil.rmtree(self.staging, ignore_errors=True)
        finally:
            if self._lock is not None:
                self._lock.release()

    def _clean_stale(self) -> None:
        """Staging folders of runs that were killed (we hold the lock: no other run is writing)."""
        prefix = f".{self.target.name}.{STAGING}-"
        for entry in os.listdir(self.target.parent):
            path = self.target.parent / entry
            if (
                entry.startswith(prefix)
                and path.is_dir()
                and not path.is_symlink()
                and all((path / f).is_file() and not (path / f).is_symlink() for f in os.listdir(path))
            ):
                shutil.rmtree(path, ignore_errors=True)

    def file(self, name: str) -> Path:
        """Where the report ``name`` is written (in the staging folder)."""
        if name != safe_filename(name) or name.startswith(".") or name == MANIFEST_NAME:
            raise OutputError(
                f"报告文件名“{name}”不能用作文件名。",
                "请用 --name 指定一个普通的文件名（不含 / \\ 等字符）。",
            )
        return self.staging / name

    def commit(self) -> Path:
        """Record what was written, then put the set in place; returns where it is."""
        files = {}
        for entry in sorted(os.listdir(self.staging)):
            files[entry] = file_sha256(self.staging / entry)
        _write_manifest(self.staging, REPORTS, files)
        if self.target.exists() and not self.force:  # someone put a file there while the run read
            foreign = foreign_entries(self.target)
            if foreign:
                return self._wait_beside(
                    f"输出文件夹“{self.target}”中有不是本工具写出的文件：{_listing(foreign)}，未替换。",
                    "请移走这些文件后把新报告复制过去，或加 --force 重新运行。",
                )
        try:
            if self.target.exists():
                self._make_room(self.previous)
                os.replace(self.target, self.previous)
        except PermissionError:
            return self._wait_beside(
                f"报告已生成，但无法替换“{self.target}”中的旧报告（文件正在被使用）。",
                "请关闭在 Excel/WPS 或浏览器中打开的报告，再把新报告复制过去，或重新运行。",
            )
        try:
            os.replace(self.staging, self.target)
        except OSError:
            with contextlib.suppress(OSError):  # the old set back where it was
                if not self.target.exists() and self.previous.exists():
                    os.replace(self.previous, self.target)
            return self._wait_beside(
                f"报告已生成，但无法放到“{self.target}”。",
                "请关闭在 Excel/WPS 中打开的报告或该文件夹的窗口，再重新运行。",
            )
        return self.target

    def _make_room(self, place: Path) -> None:
        """Free ``place`` (上次 or 新): a set the tool wrote there is replaced; anything else is kept
        under a numbered name, never deleted."""
        if not place.exists():
            return
        if place.is_dir() and not place.is_symlink() and not foreign_entries(place):
            shutil.rmtree(place)
            return
        n = 2
        while (kept := place.with_name(f"{place.name}-{n}")).exists():
            n += 1
        os.replace(place, kept)

    def _wait_beside(self, message: str, hint: str) -> Path:
        self._make_room(self.waiting)
        os.replace(self.staging, self.waiting)
        raise SwapBlocked(message, f"新报告在“{self.waiting}”。{hint}", self.waiting)


# --- files among others (templates, a rubric) -------------------------------------------------------------------
class ManagedFiles:
    """Files this tool writes into a folder that may hold other files (templates, a rubric draft): each
    replaced only if absent or still exactly as the tool wrote it, recorded in the folder's manifest."""

    def __init__(self, folder: Path, force: bool = False) -> None:
        self.folder = folder
        self.force = force
        found = read_manifest(folder)
        self.listed: dict[str, str] = dict(found[1]) if found else {}

    def refused(self, names: Iterable[str]) -> list[str]:
        """Names that exist and were not written by this tool (or changed since): never replaced
        without ``force``."""
        if self.force:
            return []
        out = []
        for name in names:
            path = self.folder / name
            if not os.path.lexists(path):
                continue
            try:
                same = path.is_file() and not path.is_symlink() and file_sha256(path) == self.listed.get(name)
            except OSError:
                same = False
            if not same:
                out.append(name)
        return out

    def write(self, name: str, data: bytes) -> Path:
        target = self.folder / name
        write_bytes_atomic(target, data)
        self.listed[name] = hashlib.sha256(data).hexdigest()
        return target

    def save(self) -> None:
        """Record what was written (merged with what other runs recorded meanwhile)."""
        found = read_manifest(self.folder)
        merged = dict(found[1]) if found else {}
        merged.update(self.listed)
        _write_manifest(self.folder, FILES, merged)


def check_output_file(
    target: Path, inputs: Iterable[Path] = (), force: bool = False, option: str = "-o"
) -> None:
    """Whether ``target`` may be written: not a folder, not one of the inputs (never, even with
    ``force``), its folder writable, and, if it exists, written by this tool and unchanged since (unless
    ``force``). Raises OutputError."""
    if target.is_dir():
        raise OutputError(
            f"输出位置“{target}”是一个文件夹。", f"请用 {option} 指定一个文件名，如 {option} 考核细则.yaml。"
        )
    for source in inputs:
        with contextlib.suppress(OSError):
            if os.path.realpath(source) == os.path.realpath(target) or (
                target.exists() and os.path.samefile(source, target)
            ):
                raise OutputError(
                    f"输出文件“{target}”就是输入的文件，写入会把它覆盖。", f"请用 {option} 指定另一个文件名。"
                )
    base = _existing_ancestor(target.parent)
    try:
        probe_writable(base)
    except OSError as exc:
        raise OutputError(
            f"无法在“{base}”中写入（{os_error_text(exc)}）。", f"请用 {option} 指定一个有写入权限的位置。"
        ) from None
    if ManagedFiles(target.parent, force).refused([target.name]):
        raise OutputError(
            f"“{target}”已存在，且不是本工具写出的（或写出后被修改过），未覆盖。",
            f"请用 {option} 换一个文件名；确需覆盖时请加 --force。",
        )


def write_output_file(target: Path, data: bytes) -> Path:
    """Write ``target`` (atomically) and record it in its folder's manifest."""
    files = ManagedFiles(target.parent, force=True)
    files.write(target.name, data)
    files.save()
    return target
