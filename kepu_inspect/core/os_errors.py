"""Operating-system errors in Chinese: the system's own text is English ("No such file or directory")
on Linux and depends on the Windows language, so the error number decides what the clerk reads."""

from __future__ import annotations

import errno

_TEXT = {
    errno.ENOENT: "找不到该文件或文件夹",
    errno.EACCES: "没有权限（文件可能正被 Excel/WPS 打开，或位于只读位置）",
    errno.EPERM: "没有权限（文件可能正被其他程序使用，或位于只读位置）",
    errno.EISDIR: "这是一个文件夹，不是文件",
    errno.ENOTDIR: "路径中的某一级不是文件夹",
    errno.ENOSPC: "磁盘空间已满",
    errno.EROFS: "该位置只读，不能写入",
    errno.EEXIST: "已存在同名的文件或文件夹",
    errno.ENAMETOOLONG: "文件名或路径太长",
    errno.EINVAL: '文件名或路径不合法（可能含有 \\ / : * ? " < > | 等字符）',
    errno.EBUSY: "文件正被其他程序使用",
    errno.ELOOP: "路径中的快捷方式（符号链接）循环指向自身",
    errno.EMFILE: "同时打开的文件太多",
    errno.EIO: "读写磁盘时出错（U 盘或网络盘可能已断开）",
}
# Windows reports a file locked by Excel as a sharing violation (winerror 32 / 33)
_WINERROR = {
    32: "文件正被其他程序（如 Excel、WPS）打开，请先关闭",
    33: "文件的一部分被其他程序锁定，请先关闭该程序",
}


def os_error_text(exc: OSError) -> str:
    """A Chinese sentence for an OSError (never Python's or the system's English)."""
    winerror = getattr(exc, "winerror", None)
    if winerror in _WINERROR:
        return _WINERROR[winerror]
    if exc.errno in _TEXT:
        return _TEXT[exc.errno]
    return f"系统读写出错（错误号 {exc.errno}）" if exc.errno else "系统读写出错"
