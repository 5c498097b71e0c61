"""The document around the items: its title (not the 印发通知 wrapping it, not the signature), who
issued it, where and at which level (省/市/县/区) it was written, and notes that change how it reads
(列第一位者为牵头单位) or parts that are requirements rather than work items (工作要求, 保障措施)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence

from kepu_inspect.core.plan.model import Level
from kepu_inspect.core.plan.text import CJK, compact

_TITLE_WORDS = re.compile(r"要点|方案|计划|安排|意见|任务|分工|清单|责任书|细则")
_NOT_TITLE = re.compile(
    r"^附件\s*\d*[：:]?$|〔\d{4}〕|\[\d{4}\]|［\d{4}］|文件$|[：:]$|印发给你们|现将|^（?注[：:]|^\d{4}年\d{1,2}月\d{1,2}日$"
)
# （中国科协办公厅代章） （此件主动公开）: lines a signature or a publication note adds
_STAMP_RE = re.compile(r"^[（(][^）)]*(?:代章|印章|盖章|公开|发布)[^）)]*[）)]$")
_COVER_RES = (
    re.compile(r"关于(?:印发|转发|下发)[《〈<]?(.+?)[》〉>]?的通知"),
    re.compile(r"[《〈]([^《》〈〉]+?)[》〉][^《》]{0,24}印发给你们"),
)
_DATE_RE = re.compile(
    r"^(?:\d{4}|[〇零○一二三四五六七八九]{4})\s*年\s*(?:\d{1,2}|[一二三四五六七八九十]{1,3})\s*月"
    r"\s*(?:\d{1,2}|[一二三四五六七八九十]{1,3})\s*日$"
)
_ORG_RE = re.compile(
    rf"^[{CJK}（）()]{{4,40}}(?:办公室|领导小组|委员会|人民政府|科学技术协会|科协|局|委|办|厅|部|政府|协会)$"
)
_PLACE_RE = re.compile(
    rf"^((?:[{CJK}]{{1,10}}?(?:省|自治区|自治州|地区|市|县|区|旗|州|盟))+?)(?=\d|全民|科学|科普|关于|年|[（(])"
)
_LEAD_FIRST_RE = re.compile(r"(?:列|排)(?:在|于)?(?:第一位|第一|首位)[^。；\n]{0,12}牵头")
_CLOSING_RE = re.compile(
    r"组织领导|组织保障|组织实施|保障措施|工作要求|工作保障|有关要求|几点要求|其他事项|其他要求|实施保障|保障机制"
    r"|督导考核|监督检查|考核评估|宣传引导|工作机制"
)
_OPENING_RE = re.compile(r"总体要求|指导思想|工作目标|基本原则|主要目标|总体目标|目标任务|工作思路")
_NATIONAL_RE = re.compile(r"^(?:中国|中央|中共中央|国家|全国|国务院|共青团中央)|^[^省市县区]{2,8}部$")


def is_date_line(text: str) -> bool:
    return bool(_DATE_RE.match(text.replace(" ", "")))


def _dated(texts: Sequence[str], i: int) -> bool:
    """The line after ``i`` is a date, perhaps after a stamp line （…代章）."""
    nxt = i + 1
    if nxt < len(texts) and _STAMP_RE.match(texts[nxt]):
        nxt += 1
    return nxt < len(texts) and is_date_line(texts[nxt])


def is_signature_line(texts: Sequence[str], i: int) -> bool:
    """An issuer's name with the date below it, its stamp line, or that date (the end of a document)."""
    text = texts[i]
    if is_date_line(text) or _STAMP_RE.match(text):
        back = i - 1 if is_date_line(text) and i > 0 and _STAMP_RE.match(texts[i - 1]) else i
        return back > 0 and bool(_ORG_RE.match(texts[back - 1])) and _dated(texts, back - 1)
    return bool(_ORG_RE.match(text)) and _dated(texts, i)


def title_of(head: Sequence[str]) -> str:
    """The plan's title from the lines before its first heading.

    A 印发通知 names the plan in 《》; otherwise the first line that reads like a title, joined with
    the pieces a PDF broke it into (平顶山市 / 2017 / 年全民科学素质工作要点) but never with the issuer's
    name or a signature above it."""
    cover = cover_title(head)
    if cover:
        return cover
    lines = [
        t for t in head[:16] if not _NOT_TITLE.search(t) and not _ORG_RE.match(t) and not _STAMP_RE.match(t)
    ]
    fallback = ""
    for i, text in enumerate(lines):
        joined = text
        for nxt in lines[i + 1 : i + 4]:
            if _TITLE_WORDS.search(joined) or "。" in joined or len(joined) > 60:
                break
            if not (
                nxt[:1].isdigit()
                or nxt.startswith(("年", "（", "("))
                or joined[-1:].isdigit()
                or len(nxt) <= 6
            ):
                break
            joined += nxt
        if _TITLE_WORDS.search(joined) and re.search(f"[{CJK}]", joined) and "。" not in joined:
            return _with_years(joined, lines[i + 1 : i + 2]).strip("《》 ")
        if not fallback and len(text) <= 60 and "。" not in text and len(compact(text)) >= 4:
            fallback = text.strip("《》 ")
    return fallback


def cover_title(head: Sequence[str]) -> str:
    """The plan a 印发通知 wraps: 关于印发《X》的通知 (its title may be broken over lines) or 现将《X》印发给你们."""
    for pattern in _COVER_RES:
        for i in range(len(head)):
            window = "".join(head[i : i + 4])
            m = pattern.search(window)
            if m and m.start() < len(head[i]):
                return m.group(1).strip("《》〈〉 ")
    return ""


def _with_years(title: str, following: Sequence[str]) -> str:
    """实施方案 / （2021—2025年） broken over two lines is one title."""
    if following and re.fullmatch(r"[（(]\s*\d{4}\s*[—\-–－~～至]+\s*\d{4}\s*年?\s*[）)]", following[0]):
        return title + following[0]
    return title


def issuer_of(lines: Sequence[str]) -> str:
    """The issuer the plan names: a signature (name over a date), a 红头 (…文件), or the name a 印发通知
    opens with (市人民政府办公室关于印发…)."""
    for i in range(len(lines) - 1):
        if _ORG_RE.match(lines[i]) and _dated(lines, i):
            return lines[i]
    for text in lines:
        if text.endswith("文件") and _ORG_RE.match(text[:-2]):
            return text[:-2]
    for i in range(len(lines)):
        m = re.match(r"^(.{4,40}?)关于(?:印发|转发|下发)", "".join(lines[i : i + 2]))
        if m and _ORG_RE.match(m.group(1)):
            return m.group(1)
    return ""


def place_of(title: str) -> str:
    m = _PLACE_RE.match(title)
    return m.group(1) if m else ""


def level_of(place: str, names: Iterable[str]) -> tuple[Level, str]:
    """The plan's level and why: from the place in the title, else from how its units are named."""
    names = list(names)
    if place:
        for suffix, level in (
            ("自治区", "province"),
            ("省", "province"),
            ("区", "district"),
            ("县", "county"),
            ("旗", "county"),
        ):
            if place.endswith(suffix):
                return level, f"标题中的“{place}”"  # type: ignore[return-value]
        return "city", f"标题中的“{place}”"
    votes = Counter(v for v in map(_vote_of, names) if v is not None)
    if not votes:
        return "city", "标题和单位名称都没有写明"
    level = votes.most_common(1)[0][0]
    return level, "单位名称（如“" + next(n for n in names if _vote_of(n) == level) + "”）"


def _vote_of(name: str) -> Level | None:
    if _NATIONAL_RE.search(name):
        return "national"
    return {"省": "province", "市": "city", "县": "county", "区": "district"}.get(name[:1])  # type: ignore[return-value]


def lead_first_note(text: str) -> str:
    """ "责任单位中列第一位者为牵头单位" (and the like), as written; "" if the plan has no such note."""
    m = _LEAD_FIRST_RE.search(text)
    if not m:
        return ""
    start = max(text.rfind("\n", 0, m.start()) + 1, m.start() - 20)
    end = text.find("\n", m.end())
    return text[start : end if end >= 0 else len(text)].strip(" （）()。")


def is_closing_title(title: str) -> bool:
    """工作要求, 保障措施, 组织领导, 总体要求 … : a part that sets requirements, not work items."""
    short = compact(title)
    return len(short) <= 14 and bool(_CLOSING_RE.search(short) or _OPENING_RE.search(short))
