"""The report tables every renderer shares, as plain rows of text, so the formats cannot disagree."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import PurePath

from kepu_inspect.core.dates import chinese_date
from kepu_inspect.core.numbers import ZERO, fmt
from kepu_inspect.core.problems import Problem
from kepu_inspect.core.results import STATUS_LABELS, CriterionResult, ItemResult, Ranked, ScoreRun, UnitResult
from kepu_inspect.core.statement import scoring_statement
from kepu_inspect.core.titles import group_results_title, results_title
from kepu_inspect.reports.safe_text import neutralise

_SEPARATORS = "，、；：,;: "
RANKING_COLUMNS = ("名次", "单位", "自评分", "核定分", "加分", "扣分", "总分", "得分率", "等次", "备注")
STATUS_LABEL = STATUS_LABELS


@dataclass(frozen=True)
class RankingTable:
    group_id: str
    group_name: str
    normalised: bool
    columns: tuple[str, ...]
    rows: list[tuple[str, ...]]
    ranked: list[Ranked]

    @property
    def title(self) -> str:
        return self.group_name


def _d(run: ScoreRun, value: Decimal | None) -> str:
    return "" if value is None else fmt(value, run.rubric.settings.decimals)


def remark(r: Ranked) -> str:
    """The 备注: why a unit is not ranked, then every note on its result (gates, overclaims, errors…)."""
    res = r.result
    label = STATUS_LABEL[res.status]
    notes = [
        n
        for n in res.notes
        if n not in STATUS_LABEL.values() and not n.endswith("未评分") and not n.startswith(label)
    ]
    # why it is not ranked first, and once: a held unit's own reasons already end in 待核实
    if not res.scored:
        notes.sort(key=lambda n: label not in n)
    parts: list[str] = [] if res.scored or any(label in n for n in notes) else [label]
    parts.extend(notes)
    if r.tie:
        parts.append("并列")
    if r.tie_note:
        parts.append(r.tie_note)
    # a part never brings its own separator: the 备注 never starts (or a clause never follows) with "，"
    cleaned = (p.strip().lstrip(_SEPARATORS).rstrip(_SEPARATORS + "。") for p in parts)
    return "；".join(p for p in cleaned if p)


def ranking_tables(run: ScoreRun) -> list[RankingTable]:
    tables = []
    with_change = any(r.change for rows in run.rankings.values() for r in rows)
    for group in run.rubric.groups:
        ranked = run.rankings.get(group.id)
        if not ranked:
            continue
        columns = RANKING_COLUMNS + (("较上年",) if with_change else ())
        rows = []
        for r in ranked:
            res = r.result
            if res.has_score:
                row = (
                    str(r.rank) if r.rank is not None else "—",
                    res.unit_name,
                    _d(run, res.self_total),
                    _d(run, res.base),
                    _d(run, res.bonus),
                    _d(run, res.deductions),
                    _d(run, res.score),
                    _d(run, res.rate) + "%",
                    res.grade or "—",
                    remark(r),
                )
            else:
                row = ("—", res.unit_name, "", "", "", "", "", "", res.grade or "—", remark(r))
            rows.append(row + ((r.change,) if with_change else ()))
        tables.append(RankingTable(group.id, group.name, group.normalise, columns, rows, ranked))
    return tables


def ranking_basis(table: RankingTable) -> str:
    """How this group's total is made, in one sentence."""
    if table.normalised:
        return (
            "本组各单位考核项目不同，按得分率比较：总分 = 得分率（核定分 ÷ 基本分满分 × 100）+ 加分 − 扣分。"
        )
    return "总分 = 核定分（基本分）+ 加分 − 扣分。"


TIE_SENTENCE = "名次相同者为并列，其后的名次顺延。"


def ranking_notes(run: ScoreRun, table: RankingTable) -> str:
    """The 说明 printed under a ranking table: how this group's total is made, then every declared rule."""
    rest = "".join(scoring_statement(run.rubric))
    return f"{ranking_basis(table)}{rest}{TIE_SENTENCE}"


def report_title(run: ScoreRun) -> str:
    """平顶山市2017年全民科学素质工作目标责任考核结果: from the rubric's title, whatever its subject."""
    return results_title(run.rubric)


@dataclass(frozen=True)
class ItemAnalysis:
    item_id: str
    number: str
    title: str
    units: int
    average_rate: Decimal  # 0–1
    lowest_unit: str


def item_analysis(run: ScoreRun) -> list[ItemAnalysis]:
    """Average score rate per base item across scored units, weakest first (the 短板). 加分 and 扣分
    items are adjustments, not work to be rated: what they earn is no score rate."""
    base = {section.id for section in run.rubric.sections if section.kind == "base"}
    # running totals per item (a list of every unit's rate cost 20 MB at 3,000 units × 40 items)
    totals: dict[str, tuple[Decimal, int, tuple[Decimal, str]]] = {}
    meta: dict[str, tuple[str, str]] = {}
    for res in run.results.values():
        if not res.scored:
            continue
        for it in res.items:
            if it.bonus_section or it.section_id not in base or not it.max_points:
                continue
            rate = it.points / it.max_points
            seen = totals.get(it.item_id)
            if seen is None:
                totals[it.item_id] = (ZERO + rate, 1, (rate, res.unit_name))
            else:
                total, count, lowest = seen
                here = (rate, res.unit_name)
                totals[it.item_id] = (total + rate, count + 1, here if here < lowest else lowest)
            meta[it.item_id] = (it.number, it.title)
    out = []
    for item_id, (total, count, lowest) in totals.items():
        out.append(ItemAnalysis(item_id, meta[item_id][0], meta[item_id][1], count, total / count, lowest[1]))
    out.sort(key=lambda a: (a.average_rate, a.item_id))
    return out


def self_vs_verified(run: ScoreRun) -> list[tuple[str, ...]]:
    """Per unit: self total, verified total, difference, and the items suspected of over-claiming."""
    rows: list[tuple[str, ...]] = []
    for group in run.rubric.groups:
        for r in run.rankings.get(group.id, []):
            res = r.result
            if not res.scored:
                continue
            diff = res.self_total - res.base
            listed = "；".join(
                f"{o.title}（自评{fmt(o.self_points)}，核定{fmt(o.verified_points)}）" for o in res.overclaims
            )
            rows.append(
                (
                    group.name,
                    res.unit_name,
                    _d(run, res.self_total),
                    _d(run, res.base),
                    _d(run, diff),
                    str(len(res.overclaims)),
                    listed,
                )
            )
    return rows


SELF_VS_VERIFIED_COLUMNS = ("分组", "单位", "自评分", "核定分", "差值", "疑似虚报项数", "疑似虚报项目")


# --- printable reports (xlsx, html): shared text helpers and tables -----------------------------

# Characters XML 1.0 and HTML forbid (C0 controls except tab/newline/CR, DEL, lone surrogates, non-characters).
_UNSAFE_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def safe_text(value: object) -> str:
    """Text fit for any output: a formula-like start neutralised, characters XML/HTML forbid replaced."""
    text = "" if value is None else str(value)
    return _UNSAFE_CHARS.sub("\ufffd", str(neutralise(text)))


DATE_LABEL = "通报日期"  # the run's date is the date the results are published with, not the inspection's


def report_date(run: ScoreRun) -> str:
    """The run's date as official documents print it (2017年12月28日); other forms are shown as given."""
    return chinese_date(run.date)


def dated(run: ScoreRun) -> str:
    """通报日期：2017年12月28日 — what every printed page says about its date."""
    return f"{DATE_LABEL}：{report_date(run)}"


def in_group(unit_name: str, group_name: str) -> str:
    """甲县（县（市、区））would double the brackets: 甲县　县（市、区）; 市教育局（市直成员单位）stays."""
    if any(b in group_name for b in "（）()"):
        return f"{unit_name}　{group_name}"
    return f"{unit_name}（{group_name}）"


def group_title(run: ScoreRun, group_name: str) -> str:
    """One group's results, the group named once: 平顶山市2017年县（市、区）…考核结果."""
    return group_results_title(run.rubric, group_name)


def grade_tone(run: ScoreRun, grade: str) -> int | None:
    """0 (best band) … 3 (worst band), so every format colours 等次 alike; None for no or unknown grade."""
    bands = sorted(
        run.rubric.grades, key=lambda b: -(b.interval.low if b.interval.low is not None else Decimal(-1))
    )
    names = [b.name for b in bands]
    if grade not in names:
        return None
    i = names.index(grade)
    if len(names) > 1 and i == len(names) - 1:
        return 3
    return min(i, 2)


def scored_in_rank_order(run: ScoreRun) -> list[tuple[str, Ranked]]:
    """(group name, ranked) for every scored unit: groups in rubric order, units in ranking order."""
    return [(g.name, r) for g in run.rubric.groups for r in run.rankings.get(g.id, []) if r.result.scored]


def item_label(it: ItemResult) -> str:
    return it.title + ("（加分项目）" if it.bonus_section else "")


def criterion_label(c: CriterionResult) -> str:
    return c.text + ("（加分）" if c.bonus else "")


def inputs_text(c: CriterionResult) -> str:
    """The unit's reported data for one criterion: 标签：值；标签：值."""
    return "；".join(f"{label}：{value}" for label, value in c.inputs)


DETAIL_COLUMNS = (
    "单位",
    "分组",
    "序号",
    "考核项目",
    "评分标准",
    "评分方式",
    "分值",
    "填报数据",
    "自评分",
    "核定分",
    "得分",
    "依据/理由",
    "核查意见",
)


# --- the inspection record (issue 14): what the 督导检查组 found, as every report prints it ------------
PLACEHOLDER_INSPECTOR = "督导检查组"  # the name a verification without named inspectors carries


def inspection_lines(res: UnitResult) -> list[tuple[str, str]]:
    """The unit's 督导检查意见 as (label, text) lines: the team and its members, the 检查方式 counted, the
    总体评价, 主要成绩 and 存在问题 — only the parts the team recorded."""
    ins = res.inspection
    if ins is None:
        return []
    lines: list[tuple[str, str]] = []
    people = [p for p in (ins.leader, *ins.inspectors) if p and p != PLACEHOLDER_INSPECTOR]
    members = [p for p in dict.fromkeys(people) if p != ins.leader]
    if ins.team or people:
        who = []
        if ins.leader and ins.leader != PLACEHOLDER_INSPECTOR:
            who.append(f"组长：{ins.leader}")
        if members:
            who.append(f"成员：{'、'.join(members)}")
        team = ins.team or PLACEHOLDER_INSPECTOR
        lines.append(("督导检查组", team + (f"（{'；'.join(who)}）" if who else "")))
    if ins.methods:
        lines.append(("检查方式", "、".join(f"{method}{count}项" for method, count in ins.methods)))
    for label, text in (("总体评价", ins.overall), ("主要成绩", ins.strengths), ("存在问题", ins.weaknesses)):
        if text.strip():
            lines.append((label, text.strip()))
    return lines


def inspection_text(res: UnitResult) -> str:
    """The 督导检查意见 in one cell (the ranking csv): 总体评价：…；主要成绩：…；存在问题：…"""
    parts = [
        f"{label}：{text.rstrip('。；;')}" for label, text in inspection_lines(res) if label != "检查方式"
    ]
    return "；".join(parts)


PROBLEM_COLUMNS = ("代码", "级别", "单位", "文件", "位置", "问题", "怎么改")
_SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


def sorted_problems(run: ScoreRun) -> list[Problem]:
    """Errors first, then warnings, then notes; within a level by unit and file (stable otherwise)."""
    return sorted(
        run.problems(), key=lambda p: (_SEVERITY_ORDER.get(p.severity.value, 3), p.unit or "", p.file or "")
    )


def problem_row(p: Problem) -> tuple[str, ...]:
    where = p.location
    if p.file and where.startswith(p.file):
        where = where[len(p.file) :].removeprefix(" · ")
    message = p.message + (f"（原值：{p.value}）" if p.value and p.value not in p.message else "")
    return (
        p.code.name,
        p.severity.label,
        p.unit or "",
        PurePath(p.file).name if p.file else "",
        where,
        message,
        p.hint,
    )


def problem_rows(run: ScoreRun) -> list[tuple[str, ...]]:
    """The problems sheet (PROBLEM_COLUMNS): file names without folders, location inside the file."""
    return [problem_row(p) for p in sorted_problems(run)]


PROBLEM_SUMMARY_COLUMNS = ("代码", "级别", "条数", "涉及单位数", "示例")


def problem_summary(run: ScoreRun) -> list[tuple[str, ...]]:
    """Problems counted by code (PROBLEM_SUMMARY_COLUMNS), most severe and most frequent first."""
    groups: dict[str, list[Problem]] = {}
    for p in sorted_problems(run):
        groups.setdefault(p.code.name, []).append(p)
    rows = sorted(
        groups.values(),
        key=lambda ps: (_SEVERITY_ORDER.get(ps[0].severity.value, 3), -len(ps), ps[0].code.name),
    )
    return [
        (
            ps[0].code.name,
            ps[0].severity.label,
            str(len(ps)),
            str(len({p.unit for p in ps if p.unit})),
            ps[0].message,
        )
        for ps in rows
    ]


ITEM_ANALYSIS_COLUMNS = ("排序", "序号", "考核项目", "考核单位数", "平均得分率", "得分率最低的单位", "短板")
WEAK_ITEMS = 5  # how many of the lowest-scoring items a report calls 短板


def is_weak(position: int, analysis: ItemAnalysis) -> bool:
    """短板: among the WEAK_ITEMS lowest average rates (0-based position), and not fully scored."""
    return position < WEAK_ITEMS and analysis.average_rate < 1


@dataclass(frozen=True)
class MatrixColumn:
    item_id: str
    number: str
    title: str
    bonus: bool

    @property
    def heading(self) -> str:
        return f"{self.number} {self.title}".strip() + ("（加分）" if self.bonus else "")


@dataclass(frozen=True)
class ScoreMatrix:
    """Units × items: each cell the item's score rate (0–1), None where the item does not apply."""

    columns: list[MatrixColumn]
    rows: list[tuple[str, Ranked, tuple[Decimal | None, ...]]]  # group name, ranked unit, rates


def score_matrix(run: ScoreRun) -> ScoreMatrix:
    units = scored_in_rank_order(run)
    present: dict[str, ItemResult] = {}
    for _, r in units:
        for it in r.result.items:
            present.setdefault(it.item_id, it)
    columns = [
        MatrixColumn(item.id, item.number, item.title, section.kind == "bonus")
        for section, item in run.rubric.items()
        if item.id in present
    ]
    rows = []
    for group_name, r in units:
        rates = {it.item_id: it.rate for it in r.result.items}
        rows.append((group_name, r, tuple(rates.get(col.item_id) for col in columns)))
    return ScoreMatrix(columns, rows)


REVIEW_PAIR_COLUMNS = ("分组", "名次", "单位", "名次", "单位", "相差", "可能的变化")
REVIEW_GRADE_COLUMNS = ("分组", "名次", "单位", "总分", "等次", "可能变为", "分数线", "可能的变化")


def review_tables(run: ScoreRun) -> tuple[list[tuple[str, ...]], list[tuple[str, ...]]]:
    """复核提示 as rows: pairs whose ranks could swap, units whose grade could change (closest first)."""
    if run.review is None:
        return [], []
    pairs: list[tuple[str, ...]] = [
        (p.group, str(p.first_rank), p.first, str(p.second_rank), p.second, _d(run, p.gap), p.reason)
        for p in run.review.pairs
    ]
    grades: list[tuple[str, ...]] = [
        (g.group, str(g.rank), g.unit, _d(run, g.score), g.grade, g.other, fmt(g.line), g.reason)
        for g in run.review.grades
    ]
    return pairs, grades


CHANGE_COLUMNS = ("分组", "单位", "公示时", "更正后", "原因")
OBJECTION_COLUMNS = ("单位", "异议情况", "复核结论", "处理结果", "批准人", "日期")


def change_rows(run: ScoreRun) -> list[tuple[str, ...]]:
    """更正说明: every unit whose rank, score or grade changed since 公示, before → after, and why."""
    d = run.rubric.settings.decimals
    rows: list[tuple[str, ...]] = []
    for c in run.changes or []:
        before = c.before.describe(d) if c.before is not None else "（公示时未列入）"
        why = "；".join(c.because) if c.because else "其他单位的更正使名次变化"
        rows.append((c.group, c.unit, before, c.after.describe(d), why))
    return rows


def objection_rows(run: ScoreRun) -> list[tuple[str, ...]]:
    """异议处理情况: every row of the ledger — corrected, or answered without a change."""
    ledger = run.ledger
    if ledger is None:
        return []
    rows: list[tuple[str, ...]] = []
    for c in sorted((*ledger.corrections, *ledger.answered), key=lambda c: c.line):
        result = c.describe(False) if c.changes else "维持原结果"
        rows.append((c.unit_name, c.objection or "（核实更正）", c.conclusion, result, c.approved_by, c.date))
    return rows
