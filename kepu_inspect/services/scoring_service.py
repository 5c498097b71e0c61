"""The main use case: intake → score every unit → rank each group. Returns results; prints nothing."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from kepu_inspect.core.problems import Problem
from kepu_inspect.core.ranking import Ranked, rank_changes, rank_group
from kepu_inspect.core.rubric import Rubric
from kepu_inspect.core.scoring import UnitResult, overclaim_problems, score_unit, unscored
from kepu_inspect.services.intake import Intake, Scoring, run_intake


@dataclass
class ScoreRun:
    rubric: Rubric
    intake: Intake
    results: dict[str, UnitResult]  # unit id → result, for every assessed unit
    rankings: dict[str, list[Ranked]]  # group id → ranking
    date: str
    scoring_problems: list[Problem] = field(default_factory=list)

    def problems(self) -> list[Problem]:
        return self.intake.all_problems() + self.scoring_problems


def score_intake(
    rubric: Rubric, intake: Intake, date: str, previous: Mapping[str, Mapping[str, int]] | None = None
) -> ScoreRun:
    results: dict[str, UnitResult] = {}
    extra: list[Problem] = []
    by_unit = intake.readings_by_unit()
    for row in intake.ledger:
        unit = rubric.unit(row.unit_id)
        if row.status == "不参加考核":
            continue
        files = row.files
        readings = by_unit.get(unit.id, [])
        unit_problems = tuple(p for r in readings for p in r.problems)
        if row.status == "已收到":
            reading = next(r for r in readings if r.status == "read")
            if reading.result is not None:  # already scored where it was read
                result = reading.result
            else:
                assert reading.submission is not None
                result = score_unit(rubric, unit, reading.submission, files, unit_problems)
            extra.extend(overclaim_problems(result, rubric))
        elif row.status == "未收到":
            result = unscored(rubric, unit, "missing", "未报送")
        elif row.status == "重复报送":
            result = unscored(rubric, unit, "invalid", "收到多份材料，未评分", files, unit_problems)
        else:
            result = unscored(rubric, unit, "invalid", "材料无效，未评分", files, unit_problems)
        results[unit.id] = result
    order = {u.id: i for i, u in enumerate(rubric.units)}
    rankings: dict[str, list[Ranked]] = {}
    for group in rubric.groups:
        members = [r for r in results.values() if r.group_id == group.id]
        if not members:
            continue
        ranked = rank_group(members, rubric.settings.tie_breaks, order)
        if previous is not None:
            ranked = rank_changes(ranked, previous.get(group.id, previous.get(group.name, {})))
        rankings[group.id] = ranked
    return ScoreRun(rubric, intake, results, rankings, date, extra)


def score_paths(
    rubric: Rubric,
    paths: Iterable[Path],
    date: str,
    previous: Mapping[str, Mapping[str, int]] | None = None,
    progress: Callable[[int], None] | None = None,
    on_total: Callable[[int], None] | None = None,
    workers: int | None = None,
    scoring: Scoring | None = None,
) -> ScoreRun:
    intake = run_intake(rubric, paths, progress, on_total, workers, scoring or Scoring())
    return score_intake(rubric, intake, date, previous)


def load_previous(path: Path) -> dict[str, dict[str, int]]:
    """Ranks from an earlier ``score`` json (results.json): group → unit id/name → rank."""
    data = json.loads(path.read_text("utf-8"))
    out: dict[str, dict[str, int]] = {}
    for group in data.get("rankings", []):
        ranks: dict[str, int] = {}
        for row in group.get("rows", []):
            if row.get("rank") is not None:
                ranks[row["unit_id"]] = int(row["rank"])
                ranks[row["unit"]] = int(row["rank"])
        out[group["group_id"]] = ranks
        out[group["group"]] = ranks
    return out
