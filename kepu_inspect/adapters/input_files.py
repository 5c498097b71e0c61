"""Finding input files: every path given is either read or accounted for with the reason it was not."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from pathlib import Path

from kepu_inspect.core.results import Skipped

WORKBOOK_SUFFIXES = {".xlsx", ".xlsm", ".xltx", ".xls", ".et", ".ett", ".ods", ".csv"}


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


def discover(paths: Iterable[Path]) -> tuple[list[Path], list[Skipped]]:
    """Files to read, and every other path with the reason it was skipped (nothing unaccounted for).

    Symlinks are not followed and special files (FIFOs, devices) are never opened: opening a FIFO
    would hang the run. A path named twice (a folder and a file in it) is considered once, and one
    file reached under two names (a hard link) is read once, so it cannot pose as a duplicate.
    """
    found: list[Path] = []
    skipped: list[Skipped] = []
    seen_paths: set[str] = set()
    seen_objects: dict[tuple[int, int], str] = {}

    def consider(path: Path, explicit: bool) -> None:
        where = os.path.abspath(path)
        if where in seen_paths:
            return
        seen_paths.add(where)
        try:
            st = os.lstat(path)
        except OSError as exc:
            skipped.append(Skipped(str(path), f"无法访问：{exc.strerror}"))
            return
        if stat.S_ISDIR(st.st_mode) or stat.S_ISREG(st.st_mode):
            first = seen_objects.setdefault((st.st_dev, st.st_ino), str(path))
            if first != str(path):
                skipped.append(
                    Skipped(str(path), f"与“{first}”是同一个文件或文件夹（硬链接或挂载），只读取一次")
                )
                return
        if stat.S_ISLNK(st.st_mode):
            skipped.append(Skipped(str(path), "符号链接（快捷方式），未跟随；请直接放入原文件"))
            return
        if stat.S_ISDIR(st.st_mode):
            if not explicit and path.name.startswith("."):
                # .git, .Trash, a synced folder's cache: one line for the folder, not one per file in it
                skipped.append(Skipped(str(path), "隐藏文件夹，未读取其中的文件"))
                return
            try:
                entries = sorted(os.listdir(path))
            except OSError as exc:
                skipped.append(Skipped(str(path), f"无法读取文件夹：{exc.strerror}"))
                return
            for entry in entries:
                consider(path / entry, explicit=False)
            return
        if not stat.S_ISREG(st.st_mode):
            skipped.append(Skipped(str(path), "不是普通文件（设备或管道），未读取"))
            return
        reason = _skip_reason(path.name)
        if reason:
            skipped.append(Skipped(str(path), reason))
            return
        if not explicit and path.suffix.lower() not in WORKBOOK_SUFFIXES:
            skipped.append(Skipped(str(path), "不是工作簿文件"))
            return
        found.append(path)

    for p in paths:
        consider(p, explicit=True)
    return found, skipped
