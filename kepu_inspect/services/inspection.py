"""The inspection use case: from the received submissions, one verification workbook per inspection team.

Reads and checks the submissions exactly as ``check`` does (the ledger decides which file counts for a
unit), then lays each team's units out for its inspectors. With ``carry_over`` the inspectors' entries
from earlier workbooks are kept and the criteria whose data changed since are marked for review.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from kepu_inspect.adapters.teams_file import Team
from kepu_inspect.adapters.verification_layout import PreviousSheet
from kepu_inspect.adapters.verification_reader import previous_sheets
from kepu_inspect.adapters.verification_writer import UnitSource, Written, default_team, verification_bytes
from kepu_inspect.core.problems import Problem
from kepu_inspect.core.results import Intake
from kepu_inspect.core.rubric import Rubric
from kepu_inspect.services.batch import BatchOptions, run_batch


@dataclass
class InspectionPlan:
    """What will be written: each team's units with a counted submission, and those it cannot cover."""

    intake: Intake
    teams: list[tuple[Team, list[UnitSource]]]
    uncovered: dict[str, list[str]] = field(default_factory=dict)  # team → unit names without a submission
    previous: dict[tuple[str, str], PreviousSheet] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


def plan_inspection(
    rubric: Rubric,
    paths: Iterable[Path],
    teams: list[Team] | None = None,
    inspectors: int = 1,
    carry_over: Iterable[Path] = (),
    workers: int | None = None,
    progress: Callable[[int], None] | None = None,
    on_total: Callable[[int], None] | None = None,
) -> InspectionPlan:
    options = BatchOptions(
        score=False, keep_items=False, records=False, keep_submissions=True, workers=workers
    )
    batch = run_batch(rubric, paths, options, progress, on_total)
    received = {row.unit_id: row for row in batch.intake.ledger if row.status == "已收到"}
    by_unit = batch.intake.readings_by_unit()
    previous: dict[tuple[str, str], PreviousSheet] = {}
    problems: list[Problem] = []
    for path in carry_over:
        sheets, found = previous_sheets(rubric, path)
        previous.update(sheets)
        problems.extend(found)
    if teams is None:
        teams = [default_team(rubric.unit(uid), inspectors) for uid in received if uid in batch.submissions]
    plan = InspectionPlan(batch.intake, [], previous=previous, problems=problems)
    for team in teams:
        sources: list[UnitSource] = []
        for uid in team.units:
            submission = batch.submissions.get(uid)
            if uid not in received or submission is None:
                plan.uncovered.setdefault(team.name, []).append(rubric.unit(uid).name)
                continue
            reading = next(r for r in by_unit[uid] if r.status == "read")
            sources.append(UnitSource(rubric.unit(uid), submission, reading.sha256, Path(reading.path).name))
        plan.teams.append((team, sources))
    return plan


def written(
    rubric: Rubric, plan: InspectionPlan, password: str | None = None
) -> Iterator[tuple[Team, Written]]:
    """Each team's workbook, built one at a time (a national inspection never holds them all)."""
    for team, sources in plan.teams:
        if sources:
            yield team, verification_bytes(rubric, team, sources, plan.previous, password)
