"""更正说明: what changed between the published results (公示) and the corrected ones, and why."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from kepu_inspect.core.corrections import Ledger
from kepu_inspect.core.numbers import fmt
from kepu_inspect.core.results import Ranked
from kepu_inspect.core.rubric import Rubric


@dataclass(frozen=True)
class Standing:
    """A unit's place in a set of results: rank (None: not ranked), score, grade, status."""

    rank: int | None
    score: Decimal | None
    grade: str
    status: str

    def describe(self, decimals: int) -> str:
        place = f"第{self.rank}名" if self.rank is not None else "不排名"
        score = fmt(self.score, decimals) if self.score is not None else "—"
        return f"{place}，{score}分，{self.grade or '—'}"


@dataclass(frozen=True)
class Change:
    group: str
    unit_id: str
    unit: str
    before: Standing | None  # None: not in the published results
    after: Standing
    because: tuple[str, ...]  # the ledger rows that caused it, in words; empty: moved by other units' changes


def standings(rankings: Mapping[str, list[Ranked]]) -> dict[str, Standing]:
    return {
        r.result.unit_id: Standing(
            r.rank, r.result.score if r.result.has_score else None, r.result.grade, r.result.status
        )
        for ranked in rankings.values()
        for r in ranked
    }


def compare(
    rubric: Rubric,
    published: Mapping[str, Standing],
    rankings: Mapping[str, list[Ranked]],
    ledger: Ledger | None,
) -> list[Change]:
    """Every unit whose rank, score or grade differs from the published results (in rubric order)."""
    now = standings(rankings)
    out: list[Change] = []
    for unit in rubric.units:
        after = now.get(unit.id)
        if after is None:
            continue
        before = published.get(unit.id)
        if before is not None and (before.rank, before.score, before.grade) == (
            after.rank,
            after.score,
            after.grade,
        ):
            continue
        rows = tuple(c.describe(False) for c in (ledger.for_unit(unit.id) if ledger else []) if c.changes)
        out.append(Change(rubric.group(unit.group).name, unit.id, unit.name, before, after, rows))
    return out
