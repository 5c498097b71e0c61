"""Score one unit's submission exactly, keeping a Chinese reason for every point.

Total and deterministic: a submission with problems still gets a result, and every criterion says
why it got what it got (verified score, the unverified policy, a missing value). Every rule that
decides a published number is a declared rubric setting (``Settings``), described in words by
``core.statement`` for the README and every report.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from kepu_inspect.core.numbers import HUNDRED, ZERO, fmt, round_half_up
from kepu_inspect.core.problems import Code, Problem, Severity, problem
from kepu_inspect.core.results import (
    Basis,
    CriterionResult,
    InspectionSummary,
    ItemResult,
    Overclaim,
    Span,
    Status,
    Swing,
    UnitResult,
)
from kepu_inspect.core.rubric import Assignment, Criterion, Rubric, Unit
from kepu_inspect.core.rules import Outcome, Value
from kepu_inspect.core.submission import CriterionEntry, Submission
from kepu_inspect.core.verification import Mark, Verification, combine, from_submission, gate_decision

__all__ = [
    "CriterionResult",
    "ItemResult",
    "Overclaim",
    "UnitResult",
    "assess_unit",
    "grade_for",
    "score_range",
    "score_unit",
    "unscored",
]


def _display(value: Value | None) -> str:
    if value is None:
        return "（未填）"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, Decimal):
        return fmt(value)
    return str(value)


def score_range(crit: Criterion, weight: Decimal) -> tuple[Decimal, Decimal]:
    """The range a 自评分 or 核定分 of ``crit`` may take (see ``Criterion.score_range``)."""
    return crit.score_range(weight)


def criterion_outcome(
    crit: Criterion, weight: Decimal, entry: CriterionEntry | None, params: Mapping[str, Decimal]
) -> Outcome:
    """``crit``'s rule applied to the unit's own inputs (a discretionary criterion: its proposal)."""
    values: Mapping[str, Value] = entry.values if entry else {}
    wants = not crit.input_specs or crit.rule.wants_score
    if wants and entry is not None and entry.self_score is not None:
        values = {**values, "score": entry.self_score / weight}
    return crit.rule.evaluate(crit.points, values, params)


class _Verified(NamedTuple):
    value: Decimal | None  # the 核定分 that counts (clamped when the rubric says so)
    how: str  # how several marks were combined (empty for one)
    out_of_range: bool  # the combined mark was outside the criterion's range


def score_criterion(
    rubric: Rubric,
    a: Assignment,
    crit: Criterion,
    entry: CriterionEntry | None,
    outcome: Outcome,
    verified: _Verified,
    bounds: tuple[Decimal, Decimal],
    uid: str,
) -> CriterionResult:
    """One criterion's counted points and the reason; ``bounds`` and ``uid`` are its range and id
    (``Assignment.ranges``, ``Assignment.uids``)."""
    weight = a.weight
    top = crit.points * weight
    low, high = bounds
    specs = crit.input_specs
    values: Mapping[str, Value] = entry.values if entry else {}
    office = a.item.reported_by == "office"
    # an item the office reports: whatever the unit typed into its locked cells does not count
    self_score = entry.self_score if entry and not office else None
    computed = None if outcome.points is None else min(max(outcome.points * weight, ZERO), high)
    weight_note = f"（牵头单位分值×{fmt(weight)}）" if weight != 1 and computed is not None else ""
    shown = tuple([(s.label, _display(values.get(s.key))) for s in specs]) if specs else ()
    if verified.value is not None:
        claimed = f"自评{fmt(self_score)}分，" if self_score is not None else ""
        rule_text = f"；按填报数据：{outcome.reason}" if specs and outcome.points is not None else ""
        how = f"（{verified.how}）" if verified.how else ""
        flag = "（核定分超出本项分值范围，待核实）" if verified.out_of_range else ""
        return CriterionResult(
            uid,
            crit.text,
            crit.rule.title,
            top,
            shown,
            computed,
            self_score,
            verified.value,
            verified.value,
            "verified",
            f"{claimed}督导检查组核定{fmt(verified.value)}分{how}{flag}{rule_text}",
            crit.bonus,
        )
    claimed_value = None if self_score is None else min(max(self_score, low), high)
    if office:
        return CriterionResult(
            uid,
            crit.text,
            crit.rule.title,
            top,
            shown,
            computed,
            None,
            None,
            ZERO,
            "zero",
            "本项由督导检查组认定，未经认定，计0分",
            crit.bonus,
        )
    return _unverified(
        rubric.settings.unverified,
        uid,
        crit,
        top,
        shown,
        computed,
        self_score,
        claimed_value,
        outcome,
        bool(specs),
        weight_note,
    )


def _unverified(
    policy: str,
    uid: str,
    crit: Criterion,
    top: Decimal,
    shown: tuple[tuple[str, str], ...],
    computed: Decimal | None,
    self_score: Decimal | None,
    claimed: Decimal | None,
    outcome: Outcome,
    has_inputs: bool,
    weight_note: str,
) -> CriterionResult:
    """A criterion no inspector verified, scored by the rubric's declared ``unverified`` policy.

    ``self`` counts the unit's own 自评分 (never more than it claimed, never outside the criterion's
    range); ``computed`` applies the rule to the unit's entered data; ``lower`` takes the smaller of
    the two; ``zero`` counts nothing. The reason says which, and what the other reading gives.
    """
    data_text = (
        f"按填报数据应为{fmt(computed)}分（{outcome.reason}{weight_note}）"
        if has_inputs and computed is not None
        else ""
    )
    if has_inputs and computed is None:
        data_text = f"填报数据无法计分（{outcome.reason}）"
    claim_text = "未填写自评分" if self_score is None else f"自评{fmt(self_score)}分"

    def result(points: Decimal, basis: Basis, reason: str) -> CriterionResult:
        return CriterionResult(
            uid,
            crit.text,
            crit.rule.title,
            top,
            shown,
            computed,
            self_score,
            None,
            points,
            basis,
            reason,
            crit.bonus,
        )

    if policy == "zero":
        return result(ZERO, "zero", "未经核定，按考核细则规定计0分")
    if policy == "computed":
        if computed is None:
            return result(ZERO, "missing", f"{outcome.reason}，计0分（未经核定，按填报数据计）")
        return result(computed, "self", f"{outcome.reason}{weight_note}（未经核定，按填报数据计）")
    if policy == "lower":
        got = min(claimed if claimed is not None else ZERO, computed if computed is not None else ZERO)
        parts = "；".join(p for p in (claim_text, data_text) if p)
        basis: Basis = "self" if claimed is not None and computed is not None else "missing"
        return result(got, basis, f"未经核定，按自评分与填报数据中较低者计{fmt(got)}分（{parts}）")
    # "self": the unit's 自评分
    if claimed is None:
        return result(ZERO, "missing", "未经核定且未填写自评分，计0分")
    capped = f"（超出分值范围，按{fmt(claimed)}分计）" if claimed != self_score else ""
    tail = f"；{data_text}" if data_text else ""
    return result(claimed, "self", f"未经核定，按自评分计{fmt(claimed)}分{capped}{tail}")


def score_unit(
    rubric: Rubric,
    unit: Unit,
    submission: Submission,
    files: tuple[str, ...] = (),
    problems: tuple[Problem, ...] = (),
    verification: Verification | None = None,
) -> UnitResult:
    """Score a read submission: base, bonus (capped), deductions, rate, grade and every reason."""
    return assess_unit(rubric, unit, submission, files, problems, verification)[0]


_NOT_VERIFIED = _Verified(None, "", False)


def _verified(
    rubric: Rubric, bounds: tuple[Decimal, Decimal], marks: Sequence[Mark], leader: str
) -> _Verified:
    if not marks:  # most criteria of a run before the inspection
        return _NOT_VERIFIED
    settings = rubric.settings
    combined = combine(marks, settings.combine, settings.decimals, settings.trim_from, leader)
    if combined.value is None:
        return _NOT_VERIFIED
    low, high = bounds
    # one inspector's typo (−1, 6 on a 5-point criterion) holds the unit even if an average hides it
    typo = any(m.value is not None and not low <= m.value <= high for m in marks)
    if low <= combined.value <= high and not typo:
        return _Verified(combined.value, combined.how, False)
    clamped = min(max(combined.value, low), high)
    if settings.verified_out_of_range == "clamp":
        return _Verified(clamped, combined.how + f"（超出分值范围，按{fmt(clamped)}分计）", False)
    return _Verified(clamped, combined.how, True)


def is_blank(submission: Submission) -> bool:
    """Nothing of the unit's own part filled: no 自评分 and no data cell (a cover-only template)."""
    return not any(e.self_score is not None or e.values or e.unreadable for e in submission.criteria.values())


def assess_unit(
    rubric: Rubric,
    unit: Unit,
    submission: Submission,
    files: tuple[str, ...] = (),
    problems: tuple[Problem, ...] = (),
    verification: Verification | None = None,
) -> tuple[UnitResult, list[Problem]]:
    """Score a submission and report what its own data contradict (WB022), from one rule evaluation.

    The check (does the 自评分 match what the unit's entered data give?) and the score need the same
    rule outcome for every criterion of every file, so both come from this one pass. ``verification``
    is what the inspection decided; without one, the 核定分 typed into the submission count only where
    the rubric declares ``verification: in_submission``.
    """
    settings = rubric.settings
    if verification is None and settings.verification == "in_submission":
        verification = from_submission(submission)
    marks = verification.marks if verification is not None else {}
    leader = verification.leader if verification is not None else ""
    content: list[Problem] = []
    items: list[ItemResult] = []
    per_item: list[tuple[Assignment, tuple[CriterionResult, ...]]] = []
    parts: list[_Part] = []  # what each item adds to the totals, from the sums made here
    self_total = ZERO
    unverified = 0
    out_of_range = 0
    for a in rubric.assignments(unit):
        crits: list[CriterionResult] = []
        for c, bounds, uid in zip(a.item.criteria, a.ranges, a.uids, strict=True):
            entry = submission.criteria.get(uid)
            outcome = criterion_outcome(c, a.weight, entry, unit.params)
            if entry is not None and c.input_specs:
                mismatch = _inconsistency(rubric, unit, submission, a, entry, outcome)
                if mismatch is not None:
                    content.append(mismatch)
            verified = _verified(rubric, bounds, marks.get(uid, ()), leader)
            out_of_range += verified.out_of_range
            crits.append(score_criterion(rubric, a, c, entry, outcome, verified, bounds, uid))
        extra = points = self_points = ZERO
        adjustment = a.is_adjustment
        for cr, (_, top) in zip(crits, a.ranges, strict=True):
            if cr.verified is None:
                unverified += 1
            if cr.bonus and not adjustment:
                extra += cr.points
            else:
                points += cr.points
                if cr.self_score is not None:
                    self_points += min(max(cr.self_score, ZERO), top)
        if not adjustment:
            self_total += self_points
        opinion = _opinion(verification.opinions.get(a.item.id, ()) if verification else ())
        items.append(
            ItemResult(
                a.item.id,
                a.item.number,
                # reports know 加分 items by their section flag; a 扣分 item says so in its title
                a.item.title + ("（扣分项目）" if a.is_deduct else ""),
                a.section.id,
                a.is_bonus,
                a.weight,
                a.item.points * a.weight,
                self_points,
                points,
                extra,
                all(c.verified is not None for c in crits),
                tuple(crits),
                opinion,
            )
        )
        per_item.append((a, tuple(crits)))
        # a 扣分 claimed low is no overclaim (as _part)
        parts.append(_Part(a, points, extra, () if a.is_deduct else _overclaims(rubric, a, crits)))
    triggered = _triggered(rubric, verification, parts)
    tally = _tally(rubric, unit, parts, triggered)
    base_r, bonus_r, deductions_r, rate_r, score = (
        tally.base,
        tally.bonus,
        tally.deductions,
        tally.rate,
        tally.score,
    )
    overclaims = list(tally.overclaims)
    max_base = rubric.max_base(unit)
    d = settings.decimals
    grade = grade_for(rubric, score, triggered)
    errors = sum(1 for p in (*problems, *content) if p.severity is Severity.ERROR)
    status, notes = _status(rubric, triggered, overclaims, unverified, out_of_range, verification, errors)
    if is_blank(submission) and not marks:
        status, notes = "blank", ["空白表：未填写自评分和填报数据"]
    result = UnitResult(
        unit.id,
        unit.name,
        unit.group,
        status,
        max_base,
        round_half_up(self_total, d),
        base_r,
        bonus_r,
        deductions_r,
        rate_r,
        score,
        grade if status == "scored" else "",
        triggered,
        tuple(items),
        tuple(overclaims),
        unverified,
        tuple(notes),
        files,
        problems,
        errors,
        inspection_summary(verification),
        _span(rubric, unit, per_item, parts, verification, triggered, tally)
        if status in ("scored", "held")
        else None,
    )
    return result, content


@dataclass(frozen=True)
class _Tally:
    base: Decimal  # each part rounded at the declared decimals; score is their sum
    bonus: Decimal
    deductions: Decimal
    rate: Decimal
    score: Decimal
    overclaims: tuple[Overclaim, ...]


class _Part(NamedTuple):
    """What one item adds to the unit's totals (the span re-tallies only the items it moves)."""

    a: Assignment
    points: Decimal  # the item's counted points (a 加分/扣分 item: its section's)
    bonus: Decimal  # its in-item 加分 criteria
    overclaims: tuple[Overclaim, ...]


def _part(
    rubric: Rubric, a: Assignment, crits: Sequence[CriterionResult], points: Sequence[Decimal] | None = None
) -> _Part:
    """``points``: each criterion counted at another value than its own (the span's ends)."""
    counted = [c.points for c in crits] if points is None else points
    total = bonus = ZERO
    if a.is_adjustment:
        for p in counted:
            total += p
    else:
        for c, p in zip(crits, counted, strict=True):
            if c.bonus:
                bonus += p
            else:
                total += p
    # a 扣分 claimed low is no overclaim
    claims = () if a.is_deduct else _overclaims(rubric, a, crits, counted)
    return _Part(a, total, bonus, claims)


def _tally(rubric: Rubric, unit: Unit, parts: Sequence[_Part], triggered: tuple[str, ...]) -> _Tally:
    """The unit's totals from its items' counted points: one place, for the score and its span."""
    settings = rubric.settings
    adjusted: dict[str, Decimal] = {}  # 加分 / 扣分 section → what its items earned
    in_item_bonus = ZERO
    base = ZERO
    overclaims: list[Overclaim] = []
    for part in parts:
        a = part.a
        if a.is_adjustment:
            adjusted[a.section.id] = adjusted.get(a.section.id, ZERO) + part.points
        else:
            base += part.points
            in_item_bonus += part.bonus
        overclaims.extend(part.overclaims)
    bonus = in_item_bonus
    adjustments = ZERO
    for section in rubric.sections:
        if section.id in adjusted:
            got = adjusted[section.id]
            got = min(got, section.cap) if section.cap is not None else got
            if section.kind == "bonus":
                bonus += got
            else:
                adjustments += got
    if settings.bonus_cap is not None:
        bonus = min(bonus, settings.bonus_cap)
    deductions = adjustments + settings.overclaim_deduction * len(overclaims)
    deductions += sum((g.deduct for g in rubric.gates if g.id in triggered), ZERO)
    d = settings.decimals
    max_base = rubric.max_base(unit)
    # totals that add up: each printed part is rounded at the declared decimals, the total is their sum
    base_r, bonus_r, deductions_r = (
        round_half_up(base, d),
        round_half_up(bonus, d),
        round_half_up(deductions, d),
    )
    rate_r = round_half_up(base / max_base * HUNDRED, d) if max_base else ZERO
    score = (rate_r if rubric.group(unit.group).normalise else base_r) + bonus_r - deductions_r
    if settings.floor is not None:
        score = max(score, settings.floor)
    return _Tally(base_r, bonus_r, deductions_r, rate_r, score, tuple(overclaims))


def _span(
    rubric: Rubric,
    unit: Unit,
    per_item: Sequence[tuple[Assignment, Sequence[CriterionResult]]],
    parts: Sequence[_Part],
    verification: Verification | None,
    triggered: tuple[str, ...],
    tally: _Tally,
) -> Span:
    """The unit's exact lowest and highest total over its disputed inputs (复核提示).

    Each disputed criterion ranges between its 自评分 and 核定分, between the inspectors' lowest and
    highest marks, or — unverified — between the policy's value and the unit's claim; a gate the
    inspectors disagreed on is on or off. A total only rises with each of these, so the lowest total
    takes every low end (and every disputed gate on), the highest every high end.
    """
    marks = verification.marks if verification is not None else {}
    swings: list[Swing] = []
    low_parts: list[_Part] = []
    high_parts: list[_Part] = []
    for (a, crits), part in zip(per_item, parts, strict=True):
        lows: list[Decimal] = []
        highs: list[Decimal] = []
        moved = False
        for c, (_, top), label in zip(crits, a.ranges, a.labels, strict=True):
            low, high = _range_of(c, marks.get(c.uid, ()), top)
            lows.append(low)
            highs.append(high)
            if low != high:
                moved = True
                swings.append(Swing(c.uid, label, low, high, c.points, c.verified is not None))
        low_parts.append(_part(rubric, a, crits, lows) if moved else part)
        high_parts.append(_part(rubric, a, crits, highs) if moved else part)
    disputed = {
        g.id
        for g in rubric.gates
        if verification is not None
        and len({m.value for m in verification.gates.get(g.id, ()) if m.value is not None}) > 1
    }
    automatic = {g.id for g in rubric.gates if g.automatic}
    on = tuple(sorted((set(triggered) - automatic) | disputed | _decided_by_scores(rubric, low_parts)))
    off = tuple(
        sorted(
            {g for g in triggered if g not in disputed and g not in automatic}
            | _decided_by_scores(rubric, high_parts)
        )
    )
    low_t = _tally(rubric, unit, low_parts, on) if swings or disputed else tally
    high_t = _tally(rubric, unit, high_parts, off) if swings or disputed else tally
    return Span(
        low_t.score,
        high_t.score,
        grade_for(rubric, low_t.score, on),
        grade_for(rubric, high_t.score, off),
        tuple(swings),
        tuple(sorted(disputed)),
    )


def _range_of(c: CriterionResult, marks: Sequence[Mark], top: Decimal) -> tuple[Decimal, Decimal]:
    """Where a criterion's counted points could lie, given what is in dispute about it."""
    candidates = [c.points]
    if c.verified is not None:
        candidates += [min(max(m.value, ZERO), top) for m in marks if m.value is not None]
    elif c.computed is not None:
        candidates.append(c.computed)
    if c.self_score is not None:
        candidates.append(_claim(c, top))
    return min(candidates), max(candidates)


def _status(
    rubric: Rubric,
    triggered: tuple[str, ...],
    overclaims: Sequence[Overclaim],
    unverified: int,
    out_of_range: int,
    verification: Verification | None,
    errors: int,
) -> tuple[Status, list[str]]:
    """Whether a scored unit is ranked (or held, or excluded by a gate), and the notes that say why."""
    settings = rubric.settings
    status: Status = "scored"
    notes: list[str] = []
    for g in rubric.gates:
        if g.id in triggered:
            notes.append(
                f"{g.name}：{g.effect()}" + ("，排在本组最后" if g.grade and settings.gated == "last" else "")
            )
            if g.exclude:
                status = "excluded"
    if overclaims:
        cost = settings.overclaim_deduction * len(overclaims)
        notes.append(f"疑似虚报{len(overclaims)}项" + (f"，扣{fmt(cost)}分" if cost else ""))
    if unverified and verification is None and settings.verification == "separate":
        notes.append("未经督导检查，全部评分细项按未核定计")
    elif unverified:
        notes.append(f"{unverified}项未核定")
    held: list[str] = []
    if out_of_range:
        held.append(f"核定分超出分值范围{out_of_range}处，待核实")
    if verification is not None:
        held.extend(verification.hold)
    notes.extend(held)
    if errors:
        notes.append(f"材料有误{errors}处，待核实")
        if settings.with_errors == "hold":
            held.append("with_errors")
    if held and status == "scored":
        status = "held"
    return status, notes


def _opinion(given: Sequence[tuple[str, str]]) -> str:
    """The remarks on an item: the text alone from one inspector, each with its author from several."""
    if not given:
        return ""
    if len({who for who, _ in given}) <= 1:
        return "；".join(text for _, text in given)
    return "；".join(f"{who}：{text}" for who, text in given)


def inspection_summary(verification: Verification | None) -> InspectionSummary | None:
    """What reports print of a unit's inspection (None when nobody inspected it)."""
    if verification is None or not (verification.inspectors or verification.summary):
        return None
    methods: dict[str, int] = {}
    for used in verification.methods.values():
        for method in dict.fromkeys(used):
            methods[method] = methods.get(method, 0) + 1
    return InspectionSummary(
        verification.team,
        verification.leader,
        verification.inspectors,
        verification.summary,
        verification.strengths,
        verification.weaknesses,
        tuple(methods.items()),
    )


def _claim(c: CriterionResult, high: Decimal) -> Decimal:
    """The unit's claim as it counts in totals: within the criterion's range (an out-of-range 自评分 is a
    problem on its cell, never a silent 0); ``high`` is the criterion's top (no maximum: unbounded)."""
    if c.self_score is None:
        return ZERO
    return min(max(c.self_score, ZERO), high)


def _overclaims(
    rubric: Rubric, a: Assignment, crits: Sequence[CriterionResult], counted: Sequence[Decimal] | None = None
) -> tuple[Overclaim, ...]:
    """Verified items (or criteria) whose 自评分 is above the 核定分 by the declared threshold.

    Only the criteria the item's points are made of count (an in-item 加分 counts apart), each claim
    within the criterion's range.
    """
    settings = rubric.settings
    threshold = settings.overclaim_threshold
    if threshold is None:
        return ()
    if counted is None:
        counted = [c.points for c in crits]
    per_item = settings.overclaim_per == "item"
    gte = settings.overclaim_boundary == "gte"
    adjustment = a.is_adjustment
    found: list[Overclaim] = []
    claimed_all = got_all = ZERO
    any_verified = False
    for c, (_, top), got in zip(crits, a.ranges, counted, strict=True):
        if c.verified is None or (c.bonus and not adjustment):
            continue
        claimed = ZERO if c.self_score is None else min(max(c.self_score, ZERO), top)
        if per_item:
            any_verified = True
            claimed_all += claimed
            got_all += got
            continue
        diff = claimed - got
        if diff > threshold or (gte and diff == threshold and diff > 0):
            found.append(Overclaim(c.uid, c.text, claimed, got))
    if any_verified:
        diff = claimed_all - got_all
        if diff > threshold or (gte and diff == threshold and diff > 0):
            found.append(Overclaim(a.item.id, a.item.title, claimed_all, got_all))
    return tuple(found)


def _triggered(
    rubric: Rubric,
    verification: Verification | None,
    parts: Sequence[_Part],
) -> tuple[str, ...]:
    """Gates that apply: those the inspection decided, and those the scores decide (a section minimum)."""
    majority = rubric.settings.gate_majority
    by_scores = _decided_by_scores(rubric, parts)
    found: list[str] = []
    for g in rubric.gates:
        if g.automatic:
            if g.id in by_scores:
                found.append(g.id)
        elif (
            verification is not None
            and gate_decision(verification.gates.get(g.id, ()), verification.leader, majority) is True
        ):
            found.append(g.id)
    return tuple(found)


def _decided_by_scores(rubric: Rubric, parts: Sequence[_Part]) -> set[str]:
    """Section-minimum gates the points trigger: any base section the unit has items in (or any of the
    gate's ``sections``) below the share of the unit's maximum there."""
    automatic = [g for g in rubric.gates if g.section_min is not None]
    if not automatic:
        return set()
    sections: dict[str, tuple[Decimal, Decimal]] = {}
    for part in parts:
        a = part.a
        if a.is_adjustment:
            continue
        got, most = sections.get(a.section.id, (ZERO, ZERO))
        sections[a.section.id] = (got + part.points, most + a.max_points)
    found: set[str] = set()
    for g in automatic:
        assert g.section_min is not None
        checked = [gm for sid, gm in sections.items() if (not g.sections or sid in g.sections) and gm[1] > 0]
        if any(got < g.section_min * most for got, most in checked):
            found.add(g.id)
    return found


def _inconsistency(
    rubric: Rubric, unit: Unit, submission: Submission, a: Assignment, entry: CriterionEntry, outcome: Outcome
) -> Problem | None:
    """WB022 when the 自评分 differs from the rule applied to the unit's own (readable) inputs."""
    if entry.self_score is None or entry.unreadable or outcome.points is None:
        return None
    d = rubric.settings.decimals
    computed = round_half_up(outcome.points * a.weight, d)
    if round_half_up(entry.self_score, d) == computed:
        return None
    return problem(
        Code.WB022,
        sheet=submission.sheet or None,
        cell=entry.self_cell,
        unit=unit.name,
        value=fmt(entry.self_score),
        claimed=fmt(entry.self_score),
        computed=fmt(computed),
        reason=outcome.reason,
    )


def grade_for(rubric: Rubric, score: Decimal, gates: tuple[str, ...] = ()) -> str:
    """The grade band of ``score``; a triggered gate may force a grade or cap it."""
    grade = ""
    for band in rubric.grades:
        if band.interval.contains(score):
            grade = band.name
            break
    if not gates:
        return grade
    order = [b.name for b in rubric.grades_high_to_low()]
    for gate in rubric.gates:
        if gate.id not in gates:
            continue
        if gate.grade:
            return gate.grade
        if gate.grade_cap and grade in order and gate.grade_cap in order:
            grade = order[max(order.index(grade), order.index(gate.grade_cap))]
    return grade


def unscored(
    rubric: Rubric,
    unit: Unit,
    status: Status,
    note: str,
    files: tuple[str, ...] = (),
    problems: tuple[Problem, ...] = (),
) -> UnitResult:
    """A unit listed without a score (未报送 / 材料无效), never silently dropped."""
    grade = rubric.settings.missing_grade if status == "missing" else ""
    return UnitResult(
        unit.id,
        unit.name,
        unit.group,
        status,
        max_base=rubric.max_base(unit),
        grade=grade,
        notes=(note,),
        files=files,
        problems=problems,
    )


def overclaim_problems(result: UnitResult, rubric: Rubric) -> list[Problem]:
    settings = rubric.settings
    threshold = settings.overclaim_threshold
    rule = f"高出{fmt(threshold)}分{'及以上' if settings.overclaim_boundary == 'gte' else '以上（不含）'}"
    return [
        problem(
            Code.SC001,
            unit=result.unit_name,
            item=f"{o.item_id} {o.title}",
            diff=fmt(o.diff),
            threshold=fmt(threshold),
            rule=rule,
        )
        for o in result.overclaims
    ]
