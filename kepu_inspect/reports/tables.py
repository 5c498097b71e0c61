"""The report tables every renderer shares, as plain rows of text, so the formats cannot disagree."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from kepu_inspect.core.numbers import ZERO, fmt
from kepu_inspect.core.ranking import Ranked
from kepu_inspect.core.scoring import UnitResult
from kepu_inspect.services.scoring_service import ScoreRun

RANKING_COLUMNS = ("名次", "单位", "自评分", "核定分", "加分", "扣分", "总分", "得分率", "等次", "备注")
STATUS_LABEL = {"missing": "未报送", "invalid": "材料无效"}


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
    parts: list[str] = []
    res = r.result
    if not res.scored:
        parts.append(STATUS_LABEL[res.status])
    parts.extend(n for n in res.notes if n not in STATUS_LABEL.values() and not n.endswith("未评分"))
    if r.tie:
        parts.append("并列")
    if r.tie_note:
        parts.append(r.tie_note)
    return "；".join(parts)


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
            if res.scored:
                row = (str(r.rank), res.unit_name, _d(run, res.self_total), _d(run, res.base), _d(run, res.bonus),
                       _d(run, res.deductions), _d(run, res.score), _d(run, res.rate) + "%", res.grade, remark(r))
            else:
                row = ("—", res.unit_name, "", "", "", "", "", "", res.grade or "—", remark(r))
            rows.append(row + ((r.change,) if with_change else ()))
        tables.append(RankingTable(group.id, group.name, group.normalise, columns, rows, ranked))
    return tables


def report_title(run: ScoreRun) -> str:
    return f"{run.rubric.meta.year}年度全民科学素质工作目标责任考核结果"


def item_rate(res: UnitResult, item_id: str) -> Decimal | None:
    for it in res.items:
        if it.item_id == item_id and it.max_points:
            return it.points / it.max_points
    return None


@dataclass(frozen=True)
class ItemAnalysis:
    item_id: str
    number: str
    title: str
    units: int
    average_rate: Decimal  # 0–1
    lowest_unit: str


def item_analysis(run: ScoreRun) -> list[ItemAnalysis]:
    """Average score rate per base item across scored units, weakest first (the 短板)."""
    stats: dict[str, list[tuple[Decimal, str]]] = {}
    meta: dict[str, tuple[str, str]] = {}
    for res in run.results.values():
        if not res.scored:
            continue
        for it in res.items:
            if it.bonus_section or not it.max_points:
                continue
            stats.setdefault(it.item_id, []).append((it.points / it.max_points, res.unit_name))
            meta[it.item_id] = (it.number, it.title)
    out = []
    for item_id, values in stats.items():
        avg = sum((v for v, _ in values), ZERO) / len(values)
        lowest = min(values, key=lambda x: (x[0], x[1]))[1]
        out.append(ItemAnalysis(item_id, meta[item_id][0], meta[item_id][1], len(values), avg, lowest))
    out.sort(key=lambda a: (a.average_rate, a.item_id))
    return out


def self_vs_verified(run: ScoreRun) -> list[tuple[str, ...]]:
    """Per unit: self total, verified total, difference, and the items suspected of over-claiming."""
    rows = []
    for group in run.rubric.groups:
        for r in run.rankings.get(group.id, []):
            res = r.result
            if not res.scored:
                continue
            diff = res.self_total - res.base
            listed = "；".join(f"{o.title}（自评{fmt(o.self_points)}，核定{fmt(o.verified_points)}）" for o in res.overclaims)
            rows.append((group.name, res.unit_name, _d(run, res.self_total), _d(run, res.base), _d(run, diff),
                         str(len(res.overclaims)), listed))
    return rows


SELF_VS_VERIFIED_COLUMNS = ("分组", "单位", "自评分", "核定分", "差值", "疑似虚报项数", "疑似虚报项目")
