"""Exceptions told in Chinese, for the rare fault that reaches the command line."""

from __future__ import annotations

from kepu_inspect.core.os_errors import os_error_text


def describe_exception(exc: BaseException) -> str:
    """What kind of fault this is, in Chinese — without Python's English exception name or message."""
    if isinstance(exc, OSError):
        where = f"（{exc.filename}）" if getattr(exc, "filename", None) else ""
        return os_error_text(exc) + where
    if isinstance(exc, MemoryError):
        return "内存不足"
    if isinstance(exc, UnicodeError):
        return "文字编码转换出错"
    if isinstance(exc, RecursionError):
        return "数据嵌套过深"
    if isinstance(exc, (ValueError, TypeError, KeyError, IndexError, AttributeError, AssertionError)):
        return "处理数据时出现了意外情况"
    return "出现了意外情况"
