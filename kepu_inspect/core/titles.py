"""Titles taken from the rubric's own title, for every document the tool writes.

A rubric names its subject (《平顶山市2017年全民科学素质工作目标责任考核细则》, 《新安县2018年度县直成员单位科普
工作考核细则》): the form, the results and the 通报 are titled from it, so no subject is assumed and a
ranking group already named in the title is not named twice.
"""

from __future__ import annotations

import re

from kepu_inspect.core.rubric import Rubric, subject_of, title_stem

FORM_NAME = "自评表"  # one name for the form: cover, sheet, file names, messages
RESULTS_NAME = "考核结果"
_PLACE_AND_YEAR = re.compile(r"^.*?\d{4}\s*年度?")
_BRACKETS = "（）()"


def subject_stem(rubric: Rubric) -> str:
    """The rubric's title without its ending (平顶山市2017年全民科学素质工作目标责任), or its place and year
    with the declared ``subject``; a title that already ends in 自评表 or 考核结果 loses that ending."""
    meta = rubric.meta
    title = meta.title.strip()
    if not meta.subject:
        for name in (FORM_NAME, RESULTS_NAME):
            if title.endswith(name) and len(title) > len(name):
                return title.removesuffix(name)
    return title_stem(meta)


def form_title(rubric: Rubric) -> str:
    """The form's title from the rubric's: 《平顶山市2017年全民科学素质工作目标责任考核细则》 →
    平顶山市2017年全民科学素质工作目标责任自评表 (no subject is assumed: any rubric names its own)."""
    title = rubric.meta.title.strip()
    if title.endswith(FORM_NAME) and not rubric.meta.subject:
        return title
    return title_stem(rubric.meta) + FORM_NAME


def form_subject(rubric: Rubric) -> str:
    """What the form is about, without place and year: 全民科学素质工作目标责任 (for file names)."""
    return subject_of(rubric.meta)


def _with_year(rubric: Rubric, stem: str) -> str:
    """A stem that names no year gets the rubric's: 科普工作 → 2017年度科普工作."""
    if re.search(r"\d{4}\s*年", stem):
        return stem
    return f"{rubric.meta.year}年度{stem}"


def results_title(rubric: Rubric) -> str:
    """平顶山市2017年全民科学素质工作目标责任考核结果: the title of every results document."""
    return _with_year(rubric, subject_stem(rubric)) + RESULTS_NAME


def notice_title(rubric: Rubric) -> str:
    """The 通报's title: 关于平顶山市2017年全民科学素质工作目标责任考核结果的通报."""
    return f"关于{results_title(rubric)}的通报"


def group_results_title(rubric: Rubric, group_name: str) -> str:
    """One group's results, the group named once and never in doubled brackets:
    平顶山市2017年县（市、区）全民科学素质工作目标责任考核结果 — not …考核结果（县（市、区））."""
    stem = _with_year(rubric, subject_stem(rubric))
    group = group_name.strip()
    if not group or group in stem:
        return stem + RESULTS_NAME
    found = _PLACE_AND_YEAR.match(stem)
    if found:
        return f"{found.group(0)}{group}{stem[found.end() :].lstrip()}{RESULTS_NAME}"
    if any(b in group for b in _BRACKETS):
        return f"{group}{stem}{RESULTS_NAME}"
    return f"{stem}{RESULTS_NAME}（{group}）"
