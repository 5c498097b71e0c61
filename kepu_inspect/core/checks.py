"""Content checks that need the rules: does the self score match what the unit's own inputs give?"""

from __future__ import annotations

from kepu_inspect.core.numbers import fmt, round_half_up
from kepu_inspect.core.problems import Code, Problem, problem
from kepu_inspect.core.rubric import Rubric, Unit
from kepu_inspect.core.scoring import entry_outcome
from kepu_inspect.core.submission import Submission


def consistency_problems(
    rubric: Rubric, unit: Unit, submission: Submission, file: str, sheet: str
) -> list[Problem]:
    """WB022 for every criterion whose self score differs from the rule applied to the unit's inputs."""
    out: list[Problem] = []
    d = rubric.settings.decimals
    for a in rubric.assignments(unit):
        for crit in a.item.criteria:
            entry = submission.criteria.get(f"{a.item.id}.{crit.id}")
            if entry is None or entry.self_score is None or not crit.inputs() or entry.unreadable:
                continue
            outcome = entry_outcome(crit, entry, unit.params)
            if outcome.points is None:
                continue
            computed = round_half_up(outcome.points * a.weight, d)
            if round_half_up(entry.self_score, d) != computed:
                out.append(
                    problem(
                        Code.WB022,
                        file=file,
                        sheet=sheet,
                        cell=entry.self_cell,
                        unit=unit.name,
                        value=fmt(entry.self_score),
                        claimed=fmt(entry.self_score),
                        computed=fmt(computed),
                        reason=outcome.reason,
                    )
                )
    return out
