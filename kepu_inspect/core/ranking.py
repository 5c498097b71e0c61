"""Competition ranking (1, 2, 2, 4) per group, with the rubric's tie-breaks, quotas, and rank changes.

Everything here decides a published rank or grade, so each rule is a declared rubric setting and each
decision carries its reason into the 备注: which tie-break separated two equal totals, which units
a quota moved, why a unit is listed but not ranked.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from decimal import Decimal

from kepu_inspect.core.changes import Standing
from kepu_inspect.core.numbers import HUNDRED, ZERO, fmt
from kepu_inspect.core.results import Ranked, UnitResult
from kepu_inspect.core.rubric import TIE_BREAK_LABELS, TIE_BREAK_LABELS_NORMALISED, Rubric

# units listed after the ranked ones, in this order (then in rubric order)
_UNRANKED_ORDER = {"held": 0, "excluded": 1, "blank": 2, "invalid": 3, "missing": 4}


def _self_rate(result: UnitResult) -> Decimal:
    return result.self_total / result.max_base * HUNDRED if result.max_base else ZERO


def _tie_key(result: UnitResult, breaks: Sequence[str], normalised: bool) -> tuple[Decimal, ...]:
    """The tie-breaks on the quantity the group is compared on (得分率 in a normalised group)."""
    keys: list[Decimal] = []
    for b in breaks:
        if b == "higher_base":
            keys.append(-(result.rate if normalised else result.base))
        elif b == "higher_bonus":
            keys.append(-result.bonus)
        elif b == "fewer_deductions":
            keys.append(result.deductions)
        elif b == "closest_self":
            keys.append(
                abs(_self_rate(result) - result.rate) if normalised else abs(result.self_total - result.base)
            )
        elif b == "lower_self":
            keys.append(_self_rate(result) if normalised else result.self_total)
    return tuple(keys)


def rank_group(
    results: Sequence[UnitResult],
    tie_breaks: Sequence[str] = (),
    order: Mapping[str, int] | None = None,
    *,
    normalised: bool = False,
    last: Callable[[UnitResult], bool] | None = None,
) -> list[Ranked]:
    """Rank scored units by score (then tie-breaks); equal keys share a rank. Unranked units follow.

    ``last`` picks units placed after all others whatever their score (a vetoed unit, where the rubric
    says ``gated: last``). ``order`` (unit id → rubric position) only fixes the display order of units
    sharing a rank, so the output never depends on the order files were read in.
    """
    position = order or {}
    scored = [r for r in results if r.scored]
    placed_last = {r.unit_id for r in scored if last is not None and last(r)}
    key = {
        r.unit_id: (r.unit_id in placed_last, -r.score, *_tie_key(r, tie_breaks, normalised)) for r in scored
    }
    scored.sort(key=lambda r: (key[r.unit_id], position.get(r.unit_id, 0), r.unit_name))
    ranked: list[Ranked] = []
    for i, r in enumerate(scored):
        rank = ranked[-1].rank if i and key[scored[i - 1].unit_id] == key[r.unit_id] else i + 1
        ranked.append(Ranked(rank, r))
    sharing = Counter(item.rank for item in ranked)  # counted once: a per-unit scan was quadratic
    labels = TIE_BREAK_LABELS_NORMALISED if normalised else TIE_BREAK_LABELS
    out: list[Ranked] = []
    for i, item in enumerate(ranked):
        shares = sharing[item.rank] > 1
        note = ""
        for j in (i - 1, i + 1):
            other = ranked[j] if 0 <= j < len(ranked) else None
            if (
                other is not None
                and other.result.score == item.result.score
                and other.rank != item.rank
                and (item.result.unit_id in placed_last) == (other.result.unit_id in placed_last)
            ):
                note = _which_break(item.result, other.result, tie_breaks, normalised, labels)
                break
        out.append(Ranked(item.rank, item.result, shares, note))
    rest = sorted(
        (r for r in results if not r.scored),
        key=lambda r: (_UNRANKED_ORDER.get(r.status, 9), position.get(r.unit_id, 0), r.unit_name),
    )
    out.extend(Ranked(None, r) for r in rest)
    return out


def _which_break(
    a: UnitResult, b: UnitResult, breaks: Sequence[str], normalised: bool, labels: Mapping[str, str]
) -> str:
    ka, kb = _tie_key(a, breaks, normalised), _tie_key(b, breaks, normalised)
    for name, x, y in zip(breaks, ka, kb, strict=True):
        if x != y:
            return f"与{b.unit_name}总分相同，按“{labels.get(name, name)}”排序"
    return ""


def apply_quotas(rubric: Rubric, ranked: list[Ranked]) -> list[Ranked]:
    """Grades with a quota keep at most their places per group; the units beyond fall to the next grade.

    In rank order, best grade first, so a unit moved down counts against the next grade's quota too.
    Units sharing the rank at the quota line all keep the grade or all fall (``ties: keep | drop``).
    A grade forced by a gate is never moved, and the reason of every move goes into the 备注.
    """
    bands = rubric.grades_high_to_low()
    if not any(b.quota for b in bands):
        return ranked
    forced = {g.id for g in rubric.gates if g.grade}
    grade = {r.result.unit_id: r.result.grade for r in ranked}
    notes: dict[str, list[str]] = {}
    in_ranking = [r for r in ranked if r.rank is not None]
    for i, band in enumerate(bands[:-1]):
        quota = band.quota
        if quota is None:
            continue
        holders = [
            r for r in in_ranking if grade[r.result.unit_id] == band.name and not forced & set(r.result.gates)
        ]
        places = quota.places(len(in_ranking))
        if len(holders) <= places:
            continue
        keep = holders[:places]
        if places and holders[places].rank == holders[places - 1].rank:
            line = holders[places - 1].rank
            keep = [r for r in holders if r.rank is not None and line is not None and r.rank <= line]
            if quota.ties == "drop":
                keep = [r for r in holders if r.rank is not None and line is not None and r.rank < line]
        kept = {r.result.unit_id for r in keep}
        lower = bands[i + 1].name
        for r in holders:
            uid = r.result.unit_id
            if uid not in kept:
                grade[uid] = lower
                notes.setdefault(uid, []).append(
                    f"{band.name}名额{places}个（{quota.describe()}），按名次由{band.name}调整为{lower}"
                )
    out: list[Ranked] = []
    for r in ranked:
        uid = r.result.unit_id
        if uid in notes:
            result = replace(r.result, grade=grade[uid], notes=(*r.result.notes, *notes[uid]))
            r = replace(r, result=result)
        out.append(r)
    return out


def rank_all(
    rubric: Rubric,
    results: Mapping[str, UnitResult],
    previous: Mapping[str, Mapping[str, int | Standing]] | None = None,
) -> dict[str, list[Ranked]]:
    """Each group's ranking: ranks, tie-breaks, vetoed units placed as declared, quotas, rank changes."""
    order = {u.id: i for i, u in enumerate(rubric.units)}
    settings = rubric.settings
    vetoes = {g.id for g in rubric.gates if g.grade}

    def vetoed(result: UnitResult) -> bool:
        return settings.gated == "last" and bool(vetoes & set(result.gates))

    rankings: dict[str, list[Ranked]] = {}
    for group in rubric.groups:
        members = [r for r in results.values() if r.group_id == group.id]
        if not members:
            continue
        ranked = rank_group(members, settings.tie_breaks, order, normalised=group.normalise, last=vetoed)
        ranked = apply_quotas(rubric, ranked)
        if previous is not None:
            ranked = rank_changes(
                ranked, previous.get(group.id, previous.get(group.name, {})), settings.decimals
            )
        rankings[group.id] = ranked
    return rankings


def rank_changes(
    ranked: list[Ranked], previous: Mapping[str, int | Standing], decimals: int = 2
) -> list[Ranked]:
    """Mark each unit's movement against an earlier year's rank (by unit id or name): ↑2, ↓1, →, 新; with
    the earlier standing known, the score and grade change too ("↑1（+2.60分，良好→优秀）")."""
    out = []
    for item in ranked:
        before = previous.get(item.result.unit_id, previous.get(item.result.unit_name))
        rank = before.rank if isinstance(before, Standing) else before
        if item.rank is None:
            change = ""
        elif before is None or rank is None:
            change = "新"
        elif rank > item.rank:
            change = f"↑{rank - item.rank}"
        elif rank < item.rank:
            change = f"↓{item.rank - rank}"
        else:
            change = "→"
        if (
            isinstance(before, Standing)
            and before.score is not None
            and item.rank is not None
            and rank is not None
        ):
            diff = item.result.score - before.score
            parts = [f"{'+' if diff > 0 else ''}{fmt(diff, decimals)}分"] if diff else []
            if before.grade and before.grade != item.result.grade:
                parts.append(f"{before.grade}→{item.result.grade}")
            if parts:
                change += f"（{'，'.join(parts)}）"
        out.append(Ranked(item.rank, item.result, item.tie, item.tie_note, change))
    return out
