"""Competition ranking (1, 2, 2, 4) per group, with the rubric's tie-breaks, and rank changes."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from decimal import Decimal

from kepu_inspect.core.results import Ranked, UnitResult
from kepu_inspect.core.rubric import TIE_BREAK_LABELS


def _tie_key(result: UnitResult, breaks: Sequence[str]) -> tuple[Decimal, ...]:
    keys: list[Decimal] = []
    for b in breaks:
        if b == "base":
            keys.append(-result.base)
        elif b == "bonus":
            keys.append(-result.bonus)
        elif b == "fewer_deductions":
            keys.append(result.deductions)
        elif b == "self_lower":
            keys.append(abs(result.self_total - result.base))
    return tuple(keys)


def rank_group(
    results: Sequence[UnitResult], tie_breaks: Sequence[str] = (), order: Mapping[str, int] | None = None
) -> list[Ranked]:
    """Rank scored units by score (then tie-breaks); equal keys share a rank. Unscored units follow.

    ``order`` (unit id → rubric position) only fixes the display order of units sharing a rank, so
    the output never depends on the order files were read in.
    """
    position = order or {}
    scored = [r for r in results if r.scored]
    key = {r.unit_id: (-r.score, *_tie_key(r, tie_breaks)) for r in scored}
    scored.sort(key=lambda r: (key[r.unit_id], position.get(r.unit_id, 0), r.unit_name))
    ranked: list[Ranked] = []
    for i, r in enumerate(scored):
        rank = ranked[-1].rank if i and key[scored[i - 1].unit_id] == key[r.unit_id] else i + 1
        ranked.append(Ranked(rank, r))
    sharing = Counter(item.rank for item in ranked)  # counted once: a per-unit scan was quadratic
    out: list[Ranked] = []
    for i, item in enumerate(ranked):
        shares = sharing[item.rank] > 1
        note = ""
        for j in (i - 1, i + 1):
            if (
                0 <= j < len(ranked)
                and ranked[j].result.score == item.result.score
                and ranked[j].rank != item.rank
            ):
                note = _which_break(item.result, ranked[j].result, tie_breaks)
                break
        out.append(Ranked(item.rank, item.result, shares, note))
    rest = sorted(
        (r for r in results if not r.scored), key=lambda r: (position.get(r.unit_id, 0), r.unit_name)
    )
    out.extend(Ranked(None, r) for r in rest)
    return out


def _which_break(a: UnitResult, b: UnitResult, breaks: Sequence[str]) -> str:
    ka, kb = _tie_key(a, breaks), _tie_key(b, breaks)
    for name, x, y in zip(breaks, ka, kb, strict=True):
        if x != y:
            return f"与{b.unit_name}总分相同，按“{TIE_BREAK_LABELS.get(name, name)}”排序"
    return ""


def rank_changes(ranked: list[Ranked], previous: Mapping[str, int]) -> list[Ranked]:
    """Mark each unit's movement against an earlier year's rank (by unit id or name)."""
    out = []
    for item in ranked:
        before = previous.get(item.result.unit_id, previous.get(item.result.unit_name))
        if item.rank is None:
            change = ""
        elif before is None:
            change = "新"
        elif before > item.rank:
            change = f"↑{before - item.rank}"
        elif before < item.rank:
            change = f"↓{item.rank - before}"
        else:
            change = "→"
        out.append(Ranked(item.rank, item.result, item.tie, item.tie_note, change))
    return out
