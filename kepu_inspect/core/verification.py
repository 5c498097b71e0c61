"""What the inspection decided for one unit: each inspector's 核定分, gate decisions and remarks.

Scoring reads verified scores only from here, whatever they came from: the inspection teams'
verification workbooks, or — where a rubric declares ``verification: in_submission`` — the 核定分
column of the unit's own workbook. Several inspectors per criterion are combined by the rubric's
declared rule, at the declared decimals.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

from kepu_inspect.core.numbers import fmt, round_half_up
from kepu_inspect.core.submission import Submission

Combine = Literal["single", "mean", "trimmed_mean", "leader"]

# the one inspector behind a 核定分 typed into the unit's own workbook (verification: in_submission)
IN_SUBMISSION = "督导检查组"


@dataclass(frozen=True)
class Mark:
    """One inspector's 核定分 on one criterion (None: the cell was left empty)."""

    inspector: str
    value: Decimal | None
    where: str = ""  # file · sheet!cell, for problems


@dataclass(frozen=True)
class GateMark:
    """One inspector's answer on a gate (弄虚作假 …), with the facts found."""

    inspector: str
    value: bool | None
    facts: str = ""


@dataclass(frozen=True)
class Verification:
    """The inspection of one unit: marks per criterion uid, gate answers per gate id, remarks per item."""

    unit_id: str
    marks: Mapping[str, tuple[Mark, ...]] = field(default_factory=dict)
    gates: Mapping[str, tuple[GateMark, ...]] = field(default_factory=dict)
    opinions: Mapping[str, tuple[tuple[str, str], ...]] = field(
        default_factory=dict
    )  # item → (inspector, text)
    leader: str = ""
    inspectors: tuple[str, ...] = ()
    summary: str = ""  # 督导检查意见: the team's summary of the unit
    methods: Mapping[str, str] = field(default_factory=dict)  # item → 检查方式 (资料/实地/抽查)
    sources: tuple[str, ...] = ()  # files it was read from


def from_submission(submission: Submission) -> Verification:
    """The verification typed into the unit's own workbook (one inspector: the team)."""
    marks = {
        uid: (Mark(IN_SUBMISSION, entry.verified, entry.verified_cell),)
        for uid, entry in submission.criteria.items()
        if entry.verified is not None
    }
    gates = {
        gid: (GateMark(IN_SUBMISSION, value),) for gid, value in submission.gates.items() if value is not None
    }
    opinions = {iid: ((IN_SUBMISSION, e.opinion),) for iid, e in submission.items.items() if e.opinion}
    return Verification(submission.unit_id, marks, gates, opinions, IN_SUBMISSION, (IN_SUBMISSION,))


@dataclass(frozen=True)
class Combined:
    """The verified score a criterion counts, and how it was reached from the inspectors' marks."""

    value: Decimal | None
    how: str  # e.g. "3名督导检查人员的平均分" — empty for a single mark
    spread: Decimal  # highest − lowest mark


def combine(
    marks: Sequence[Mark], rule: Combine, decimals: int, trim_from: int = 3, leader: str = ""
) -> Combined:
    """Several inspectors' marks → one 核定分, by the rubric's rule.

    ``mean``: the average; ``trimmed_mean``: drop one highest and one lowest when there are at least
    ``trim_from`` marks (去掉一个最高分和一个最低分), then average; ``leader``: the leader's mark (the
    mean when the leader gave none); ``single``: the one mark (several marks: their mean, reported).
    Averages are rounded at the rubric's decimals (四舍五入).
    """
    values = sorted(m.value for m in marks if m.value is not None)
    if not values:
        return Combined(None, "", Decimal(0))
    spread = values[-1] - values[0]
    if len(values) == 1:
        return Combined(values[0], "", spread)
    if rule == "leader":
        own = [m.value for m in marks if m.inspector == leader and m.value is not None]
        if own:
            return Combined(own[0], f"组长{leader}核定", spread)
    used = values
    how = f"{len(values)}名督导检查人员的平均分"
    if rule == "trimmed_mean" and len(values) >= trim_from:
        used = values[1:-1]
        how = f"{len(values)}名督导检查人员去掉一个最高分（{fmt(values[-1])}）和一个最低分（{fmt(values[0])}）后的平均分"
    mean = round_half_up(sum(used, Decimal(0)) / len(used), decimals)
    return Combined(mean, how, spread)


def gate_decision(marks: Sequence[GateMark], leader: str, majority: bool) -> bool | None:
    """A gate is decided by the team leader, or by a majority of the inspectors who answered."""
    answered = [m for m in marks if m.value is not None]
    if not answered:
        return None
    if not majority:
        own = [m.value for m in answered if m.inspector == leader]
        if own:
            return own[0]
        if len(answered) == 1:
            return answered[0].value
    yes = sum(1 for m in answered if m.value)
    return yes * 2 > len(answered)
