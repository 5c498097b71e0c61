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
from typing import Literal, NamedTuple

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
    methods: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # item → 检查方式 (资料/实地/抽查)
    sources: tuple[str, ...] = ()  # files it was read from
    strengths: str = ""  # 主要成绩
    weaknesses: str = ""  # 存在问题
    hold: tuple[str, ...] = ()  # why the unit cannot be ranked on this verification yet (待核实)
    team: str = ""


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


class Combined(NamedTuple):
    """The verified score a criterion counts, and how it was reached from the inspectors' marks."""

    value: Decimal | None
    how: str  # e.g. "3名督导检查人员的平均分" — empty for a single mark
    spread: Decimal  # highest − lowest mark


_NO_MARK = Combined(None, "", Decimal(0))


def combine(
    marks: Sequence[Mark], rule: Combine, decimals: int, trim_from: int = 3, leader: str = ""
) -> Combined:
    """Several inspectors' marks → one 核定分, by the rubric's rule.

    ``mean``: the average; ``trimmed_mean``: drop one highest and one lowest when there are at least
    ``trim_from`` marks (去掉一个最高分和一个最低分), then average; ``leader``: the leader's mark (the
    mean when the leader gave none); ``single``: the one mark (several marks: their mean, reported).
    Averages are rounded at the rubric's decimals (四舍五入).
    """
    if len(marks) == 1:  # one inspector (or the submission's own column): the common case
        only = marks[0].value
        return Combined(only, "", Decimal(0)) if only is not None else _NO_MARK
    values = sorted(m.value for m in marks if m.value is not None)
    if not values:
        return _NO_MARK
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


def merge(
    unit_id: str, parts: Sequence[Verification]
) -> tuple[Verification, list[tuple[str, tuple[str, ...]]]]:
    """One unit's verification from every workbook that covers it, and the inspectors found twice.

    Teams may split a unit's items between workbooks, or a second workbook may bring another inspector;
    the same inspector in two workbooks is a conflict nobody can resolve by guessing (listed).
    """
    if len(parts) == 1:
        return parts[0], []
    seen: dict[str, list[str]] = {}
    for part in parts:
        for inspector in part.inspectors:
            seen.setdefault(inspector, []).extend(part.sources)
    conflicts = [(who, tuple(files)) for who, files in seen.items() if len(files) > 1]
    marks: dict[str, list[Mark]] = {}
    gates: dict[str, list[GateMark]] = {}
    opinions: dict[str, list[tuple[str, str]]] = {}
    methods: dict[str, list[str]] = {}
    for part in parts:
        for uid, ms in part.marks.items():
            marks.setdefault(uid, []).extend(ms)
        for gid, gs in part.gates.items():
            gates.setdefault(gid, []).extend(gs)
        for iid, os in part.opinions.items():
            opinions.setdefault(iid, []).extend(os)
        for iid, ws in part.methods.items():
            methods.setdefault(iid, []).extend(ws)

    def joined(texts: Sequence[str]) -> str:
        return "\n".join(t for t in dict.fromkeys(texts) if t)

    merged = Verification(
        unit_id,
        {k: tuple(v) for k, v in marks.items()},
        {k: tuple(v) for k, v in gates.items()},
        {k: tuple(v) for k, v in opinions.items()},
        next((p.leader for p in parts if p.leader), ""),
        tuple(dict.fromkeys(i for p in parts for i in p.inspectors)),
        joined([p.summary for p in parts]),
        {k: tuple(v) for k, v in methods.items()},
        tuple(s for p in parts for s in p.sources),
        joined([p.strengths for p in parts]),
        joined([p.weaknesses for p in parts]),
        tuple(h for p in parts for h in p.hold),
        "、".join(dict.fromkeys(p.team for p in parts if p.team)),
    )
    return merged, conflicts


def disagreements(verification: Verification, spread: Decimal) -> list[tuple[str, Decimal, str]]:
    """Criteria whose inspectors' marks lie further apart than ``spread``: (uid, spread, who gave what)."""
    out = []
    for uid, marks in verification.marks.items():
        given = [m for m in marks if m.value is not None]
        if len(given) < 2:
            continue
        values = [m.value for m in given if m.value is not None]
        gap = max(values) - min(values)
        if gap > spread:
            out.append((uid, gap, "，".join(f"{m.inspector}{fmt(m.value)}分" for m in given)))
    return out
