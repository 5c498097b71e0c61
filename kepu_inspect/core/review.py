"""复核提示: which ranks and grades could change if a disputed input went the other way, before 公示.

Every unit has a span (``UnitResult.span``): its exact lowest and highest total over its disputed
inputs. Two ranked units whose spans overlap could swap places; a unit whose span crosses a grade line
(or the score at a quota line) could change grade. For each such unit the criteria that decide it are
named, with what would have to change ("若……核定分由6改为8，舞钢市等次由良好变为优秀").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from kepu_inspect.core.numbers import HUNDRED, fmt
from kepu_inspect.core.results import Ranked, Swing, UnitResult
from kepu_inspect.core.rubric import Rubric
from kepu_inspect.core.scoring import grade_for

MAX_PAIRS_PER_UNIT = 3  # a unit overlapping many others is listed with its nearest three
MAX_DECIDING = 3


@dataclass(frozen=True)
class FragilePair:
    group: str
    first: str  # unit names, first ranked above second
    second: str
    first_rank: int
    second_rank: int
    gap: Decimal  # score difference now
    reason: str  # the deciding criteria in words


@dataclass(frozen=True)
class FragileGrade:
    group: str
    unit: str
    rank: int
    score: Decimal
    grade: str
    other: str  # the grade it could get
    line: Decimal  # the line its span crosses
    reason: str


@dataclass(frozen=True)
class Review:
    pairs: tuple[FragilePair, ...]
    grades: tuple[FragileGrade, ...]

    @property
    def empty(self) -> bool:
        return not self.pairs and not self.grades


def _scale(result: UnitResult, normalised: bool) -> Decimal:
    """Points on a criterion move the total by this factor (得分率 groups: × 100 ÷ the unit's maximum)."""
    if normalised and result.max_base:
        return HUNDRED / result.max_base
    return Decimal(1)


def _moves(result: UnitResult, up: bool, normalised: bool) -> list[tuple[Swing, Decimal]]:
    """Each criterion that can move the total (up or down) and by how much, biggest first."""
    span = result.span
    if span is None:
        return []
    scale = _scale(result, normalised)
    moves = []
    for s in span.swings:
        room = (s.high - s.current) if up else (s.current - s.low)
        if room > 0:
            moves.append((s, room * scale))
    moves.sort(key=lambda m: -m[1])
    return moves


def _deciding(moves: Sequence[tuple[Swing, Decimal]], need: Decimal) -> list[tuple[Swing, Decimal]]:
    """The fewest of ``moves`` (biggest first) that move the total by at least ``need``."""
    enough = 0  # moves[:enough] each alone move it far enough (moves are sorted biggest first)
    while enough < len(moves) and moves[enough][1] >= need:
        enough += 1
    if enough:  # the smallest change that alone is enough (of equals, the first)
        smallest = moves[enough - 1][1]
        return [next(m for m in moves[:enough] if m[1] == smallest)]
    chosen, total = [], Decimal(0)
    for m in moves:
        chosen.append(m)
        total += m[1]
        if total >= need or len(chosen) == MAX_DECIDING:
            break
    return chosen


def _words(result: UnitResult, moves: Sequence[tuple[Swing, Decimal]], up: bool) -> str:
    parts = []
    for s, _ in moves:
        target = s.high if up else s.low
        what = "核定分" if s.verified else "得分"
        parts.append(f"{s.label}{what}由{fmt(s.current)}改为{fmt(target)}")
    return "、".join(parts)


class _Moves:
    """Each unit's moves, sorted once per direction: a unit meets many neighbours."""

    def __init__(self, normalised: bool) -> None:
        self.normalised = normalised
        self.sorted: dict[tuple[str, bool], list[tuple[Swing, Decimal]]] = {}

    def __call__(self, result: UnitResult, up: bool) -> list[tuple[Swing, Decimal]]:
        key = (result.unit_id, up)
        found = self.sorted.get(key)
        if found is None:
            found = self.sorted[key] = _moves(result, up, self.normalised)
        return found


def review(rubric: Rubric, rankings: Mapping[str, list[Ranked]]) -> Review:
    """The fragile pairs and grades of every group (ranked units only)."""
    pairs: list[FragilePair] = []
    grades: list[FragileGrade] = []
    for group in rubric.groups:
        ranked = [r for r in rankings.get(group.id, []) if r.rank is not None and r.result.span is not None]
        moves = _Moves(group.normalise)
        _pairs(group.name, ranked, moves, pairs, grades)
        _grades(rubric, group.name, ranked, moves, grades)
    # the closest calls first: a pair one rounding apart before one ten points apart
    pairs.sort(key=lambda p: (p.gap, p.group, p.first_rank))
    grades.sort(key=lambda g: (abs(g.score - g.line), g.group, g.rank))
    return Review(tuple(pairs), tuple(grades))


def _pairs(
    group: str, ranked: Sequence[Ranked], moves: _Moves, pairs: list[FragilePair], grades: list[FragileGrade]
) -> None:
    """A unit's span reaches the units below whose highest total passes its lowest; nobody lies
    further above their score than ``reach``, so the scan down stops there."""
    reach = max((r.result.span.high - r.result.score for r in ranked if r.result.span), default=Decimal(0))
    for i, upper in enumerate(ranked):
        hi_span = upper.result.span
        assert hi_span is not None
        found = 0
        for j in range(i + 1, len(ranked)):  # (not a slice: a copy per unit is quadratic)
            lower = ranked[j]
            if lower.result.score + reach < hi_span.low:
                break
            lo_span = lower.result.span
            assert lo_span is not None
            gap = upper.result.score - lower.result.score
            if lo_span.high < hi_span.low or upper.rank == lower.rank or gap < 0:
                continue  # (a negative gap: a vetoed unit placed last by rule, not by its score)
            falls = _deciding(moves(upper.result, False), gap / 2)
            rises = _deciding(moves(lower.result, True), gap / 2)
            reason = (
                "；".join(
                    p
                    for p in (
                        f"若{_words(upper.result, falls, False)}" if falls else "",
                        f"若{_words(lower.result, rises, True)}" if rises else "",
                    )
                    if p
                )
                + f"，{lower.result.unit_name}可能排在{upper.result.unit_name}之前"
            )
            pairs.append(
                FragilePair(
                    group,
                    upper.result.unit_name,
                    lower.result.unit_name,
                    upper.rank or 0,
                    lower.rank or 0,
                    gap,
                    reason,
                )
            )
            if upper.result.grade != lower.result.grade and any("名额" in n for n in lower.result.notes):
                # the two straddle a quota line: the swap would move the grade across it too
                for who, other in ((upper, lower), (lower, upper)):
                    grades.append(
                        FragileGrade(
                            group,
                            who.result.unit_name,
                            who.rank or 0,
                            who.result.score,
                            who.result.grade,
                            other.result.grade,
                            lower.result.score,
                            f"{upper.result.unit_name}与{lower.result.unit_name}在名额线两侧，名次互换则等次随之互换",
                        )
                    )
            found += 1
            if found >= MAX_PAIRS_PER_UNIT:
                break


def _grades(
    rubric: Rubric, group: str, ranked: Sequence[Ranked], moves: _Moves, grades: list[FragileGrade]
) -> None:
    """Units whose span crosses a grade line, or whose grade hangs on a disputed gate."""
    lines = sorted(
        {b.interval.low for b in rubric.grades if b.interval.low is not None and b.interval.low > 0}
    )
    step = Decimal(1).scaleb(-rubric.settings.decimals)  # just below a line, at the published precision
    for r in ranked:
        res = r.result
        span = res.span
        assert span is not None
        for line in lines:
            if span.low < line <= res.score or res.score < line <= span.high:
                up = res.score < line
                need = (line - res.score) if up else (res.score - line) + Decimal("0.000001")
                chosen = _deciding(moves(res, up), need)
                could_be = grade_for(rubric, line if up else line - step)
                if could_be == res.grade or not could_be:
                    continue
                reason = (
                    f"若{_words(res, chosen, up)}，{res.unit_name}等次由{res.grade}变为{could_be}"
                    if chosen
                    else ""
                )
                grades.append(
                    FragileGrade(
                        group, res.unit_name, r.rank or 0, res.score, res.grade, could_be, line, reason
                    )
                )
        if span.gates and span.low_grade != span.high_grade:
            grades.append(
                FragileGrade(
                    group,
                    res.unit_name,
                    r.rank or 0,
                    res.score,
                    res.grade,
                    span.low_grade if span.low_grade != res.grade else span.high_grade,
                    res.score,
                    f"督导检查人员对否决事项意见不一，{res.unit_name}等次取决于认定结果",
                )
            )
