"""Score one unit's submission exactly, keeping a Chinese reason for every point.

Total and deterministic: a submission with problems still gets a result, and every criterion says
why it got what it got (verified score, the rule applied to the unit's inputs, or a missing value).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from kepu_inspect.core.numbers import HUNDRED, ZERO, fmt, round_half_up
from kepu_inspect.core.problems import Code, Problem, problem
from kepu_inspect.core.results import Basis, CriterionResult, ItemResult, Overclaim, Status, UnitResult
from kepu_inspect.core.rubric import Assignment, Criterion, Rubric, Unit
from kepu_inspect.core.rules import InputSpec, Outcome, Value
from kepu_inspect.core.submission import CriterionEntry, Submission

__all__ = [
    "CriterionResult",
    "ItemResult",
    "Overclaim",
    "UnitResult",
    "assess_unit",
    "grade_for",
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


def criterion_outcome(
    crit: Criterion, weight: Decimal, entry: CriterionEntry | None, params: Mapping[str, Decimal]
) -> Outcome:
    """``crit``'s rule applied to the unit's own inputs (a discretionary criterion: its proposal)."""
    values: Mapping[str, Value] = entry.values if entry else {}
    if not crit.input_specs and entry is not None and entry.self_score is not None:
        values = {**values, "score": entry.self_score / weight}
    return crit.rule.evaluate(crit.points, values, params)


def score_criterion(
    rubric: Rubric, a: Assignment, crit: Criterion, entry: CriterionEntry | None, outcome: Outcome
) -> CriterionResult:
    uid = f"{a.item.id}.{crit.id}"
    weight = a.weight
    top = crit.points * weight
    specs = crit.inputs()
    values: Mapping[str, Value] = entry.values if entry else {}
    self_score = entry.self_score if entry else None
    verified = entry.verified if entry else None
    computed = None if outcome.points is None else min(max(outcome.points * weight, ZERO), top)
    weight_note = f"（牵头单位分值×{fmt(weight)}）" if weight != 1 and computed is not None else ""
    shown = tuple((s.label, _display(values.get(s.key))) for s in specs)
    if verified is not None:
        claimed = f"自评{fmt(self_score)}分，" if self_score is not None else ""
        rule_text = f"；按填报数据：{outcome.reason}" if specs and outcome.points is not None else ""
        return CriterionResult(
            uid,
            crit.text,
            crit.rule.title,
            top,
            shown,
            computed,
            self_score,
            verified,
            verified,
            "verified",
            f"{claimed}督导检查组核定{fmt(verified)}分{rule_text}",
            crit.bonus,
        )
    return _unverified(
        rubric.settings.unverified, uid, crit, top, shown, computed, self_score, outcome, specs, weight_note
    )


def _unverified(
    policy: str,
    uid: str,
    crit: Criterion,
    top: Decimal,
    shown: tuple[tuple[str, str], ...],
    computed: Decimal | None,
    self_score: Decimal | None,
    outcome: Outcome,
    specs: list[InputSpec],
    weight_note: str,
) -> CriterionResult:
    """A criterion no inspector verified, scored by the rubric's declared ``unverified`` policy.

    ``self`` counts the unit's own 自评分 (never more than it claimed, never more than the maximum);
    ``computed`` applies the rule to the unit's entered data; ``lower`` takes the smaller of the two;
    ``zero`` counts nothing. The reason always says which, and what the other reading would give.
    """
    claimed = None if self_score is None else min(max(self_score, ZERO), top)
    data_text = (
        f"按填报数据应为{fmt(computed)}分（{outcome.reason}{weight_note}）"
        if specs and computed is not None
        else ""
    )
    if specs and computed is None:
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
    capped = "（超出分值范围，按" + fmt(claimed) + "分计）" if claimed != self_score else ""
    tail = f"；{data_text}" if data_text else ""
    return result(claimed, "self", f"未经核定，按自评分计{fmt(claimed)}分{capped}{tail}")


def score_unit(
    rubric: Rubric,
    unit: Unit,
    submission: Submission,
    files: tuple[str, ...] = (),
    problems: tuple[Problem, ...] = (),
) -> UnitResult:
    """Score a read submission: base, bonus (capped), deductions, rate, grade and every reason."""
    return assess_unit(rubric, unit, submission, files, problems)[0]


def assess_unit(
    rubric: Rubric,
    unit: Unit,
    submission: Submission,
    files: tuple[str, ...] = (),
    problems: tuple[Problem, ...] = (),
) -> tuple[UnitResult, list[Problem]]:
    """Score a submission and report what its own data contradict (WB022), from one rule evaluation.

    The check (does the 自评分 match what the unit's entered data give?) and the score need the same
    rule outcome for every criterion of every file, so both come from this one pass.
    """
    settings = rubric.settings
    content: list[Problem] = []
    items: list[ItemResult] = []
    bonus_by_section: dict[str, Decimal] = {}
    in_item_bonus = ZERO
    overclaims: list[Overclaim] = []
    unverified = 0
    for a in rubric.assignments(unit):
        scored_crits: list[CriterionResult] = []
        for c in a.item.criteria:
            entry = submission.criteria.get(f"{a.item.id}.{c.id}")
            outcome = criterion_outcome(c, a.weight, entry, unit.params)
            if entry is not None and c.input_specs:
                mismatch = _inconsistency(rubric, unit, submission, a, entry, outcome)
                if mismatch is not None:
                    content.append(mismatch)
            scored_crits.append(score_criterion(rubric, a, c, entry, outcome))
        crits = tuple(scored_crits)
        base_crits = [c for c in crits if a.is_bonus or not c.bonus]
        extra = sum((c.points for c in crits if c.bonus and not a.is_bonus), ZERO)
        points = sum((c.points for c in base_crits), ZERO)
        self_points = sum((c.self_score or ZERO for c in base_crits), ZERO)
        all_verified = all(c.verified is not None for c in crits)
        unverified += sum(1 for c in crits if c.verified is None)
        item_entry = submission.items.get(a.item.id)
        item = ItemResult(
            a.item.id,
            a.item.number,
            a.item.title,
            a.section.id,
            a.is_bonus,
            a.weight,
            a.item.points * a.weight,
            self_points,
            points,
            extra,
            all_verified,
            crits,
            item_entry.opinion if item_entry else "",
        )
        items.append(item)
        if a.is_bonus:
            bonus_by_section[a.section.id] = bonus_by_section.get(a.section.id, ZERO) + points
        else:
            in_item_bonus += extra
        verified_crits = [c for c in base_crits if c.verified is not None]
        if settings.overclaim_threshold is not None and verified_crits:
            claimed = sum((c.self_score or ZERO for c in verified_crits), ZERO)
            got = sum((c.points for c in verified_crits), ZERO)
            if claimed - got > settings.overclaim_threshold:
                overclaims.append(Overclaim(a.item.id, a.item.title, claimed, got))
    bonus = in_item_bonus
    for section in rubric.sections:
        if section.id in bonus_by_section:
            got = bonus_by_section[section.id]
            bonus += min(got, section.cap) if section.cap is not None else got
    if settings.bonus_cap is not None:
        bonus = min(bonus, settings.bonus_cap)
    base_items = [i for i in items if not i.bonus_section]
    base = sum((i.points for i in base_items), ZERO)
    self_total = sum((i.self_points for i in base_items), ZERO)
    max_base = rubric.max_base(unit)
    triggered = tuple(g.id for g in rubric.gates if submission.gates.get(g.id) is True)
    deductions = settings.overclaim_deduction * len(overclaims)
    deductions += sum((g.deduct for g in rubric.gates if g.id in triggered), ZERO)
    rate = base / max_base * HUNDRED if max_base else ZERO
    group = rubric.group(unit.group)
    raw_score = (rate if group.normalise else base) + bonus - deductions
    d = settings.decimals
    score = round_half_up(max(raw_score, ZERO), d)
    grade = grade_for(rubric, score, triggered)
    notes: list[str] = []
    for g in rubric.gates:
        if g.id in triggered:
            notes.append(f"{g.name}：" + (f"等次定为{g.grade}" if g.grade else f"扣{fmt(g.deduct)}分"))
    if overclaims:
        notes.append(
            f"疑似虚报{len(overclaims)}项"
            + (
                f"，扣{fmt(settings.overclaim_deduction * len(overclaims))}分"
                if settings.overclaim_deduction
                else ""
            )
        )
    if unverified:
        notes.append(f"{unverified}项未核定")
    result = UnitResult(
        unit.id,
        unit.name,
        unit.group,
        "scored",
        max_base,
        round_half_up(self_total, d),
        round_half_up(base, d),
        round_half_up(bonus, d),
        round_half_up(deductions, d),
        round_half_up(rate, d),
        score,
        grade,
        triggered,
        tuple(items),
        tuple(overclaims),
        unverified,
        tuple(notes),
        files,
        problems,
    )
    return result, content


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
    for gate in rubric.gates:
        if gate.id in gates and gate.grade:
            return gate.grade
    for band in rubric.grades:
        if band.interval.contains(score):
            return band.name
    return ""


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
    threshold = rubric.settings.overclaim_threshold
    return [
        problem(
            Code.SC001,
            unit=result.unit_name,
            item=f"{o.item_id} {o.title}",
            diff=fmt(o.diff),
            threshold=fmt(threshold),
        )
        for o in result.overclaims
    ]
