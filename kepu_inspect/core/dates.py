"""Dates as offices write them, and as official documents print them.

A clerk types 2017-12-30, 2017/12/30, 2017.12.30 or 2017年12月30日 (full-width digits too); every
document prints 2017年12月30日 — year in full, no leading zeros (GB/T 9704: 成文日期用阿拉伯数字将年、月、日
标全，月、日不编虚位).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?")


def parse_date_text(text: str) -> dt.date | None:
    """The date in ``text`` (2017-12-30, 2017/12/30, 2017.12.30, 2017年12月30日), or None if it is not one."""
    cleaned = unicodedata.normalize("NFKC", text).strip()
    found = _DATE.fullmatch(cleaned)
    if found is None:
        return None
    try:
        return dt.date(*(int(g) for g in found.groups()))
    except ValueError:  # 2017-02-30
        return None


def iso_date(text: str) -> str | None:
    """``text`` as ISO (2017-12-30), or None if it is not a date."""
    found = parse_date_text(text)
    return None if found is None else found.isoformat()


def chinese_date(text: str) -> str:
    """2017-12-30 → 2017年12月30日; text that is not a date is returned as it is."""
    found = parse_date_text(text)
    return text if found is None else f"{found.year}年{found.month}月{found.day}日"
