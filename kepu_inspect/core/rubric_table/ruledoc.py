"""A rule as the mapping a rubric file writes (the inverse of ``rubric_build.build_rule``)."""

from __future__ import annotations

from typing import Any

from kepu_inspect.core.rules import (
    ANY_GROWTH,
    BestOf,
    Checklist,
    Compound,
    Deductions,
    DeductPer,
    Discretionary,
    Growth,
    Level,
    Levels,
    NofM,
    PerCategory,
    Pool,
    Proportional,
    Rule,
    Shortfall,
    Target,
    Threshold,
    Tiers,
)


def _target(t: Target) -> Any:
    if t.param is None:
        return t.value
    return {"param": t.param, "per": t.per} if t.per != 1 else {"param": t.param}


def _unit(measure: str) -> dict[str, str]:
    return {"unit": measure} if measure else {}


def _level(lv: Level) -> dict[str, Any]:
    out: dict[str, Any] = {"name": lv.name}
    if lv.points is not None:
        out["points"] = [lv.points, lv.points_to] if lv.points_to is not None else lv.points
    if lv.share is not None:
        out["share"] = [lv.share, lv.share_to] if lv.share_to is not None else lv.share
    return out


def rule_doc(rule: Rule) -> dict[str, Any]:
    kind: dict[str, Any] = {"kind": rule.kind}
    if isinstance(rule, Checklist):
        checks = [
            {"label": c.label, **({"points": c.points} if c.points is not None else {})} for c in rule.checks
        ]
        return kind | ({"mode": "all"} if rule.mode == "all" else {}) | {"checks": checks}
    if isinstance(rule, Threshold):
        return (
            kind
            | {"label": rule.label}
            | _unit(rule.measure)
            | {"target": _target(rule.target)}
            | ({"strict": True} if rule.strict else {})
        )
    if isinstance(rule, Proportional):
        limit = {"cap": rule.cap} if rule.cap != 1 else {}
        return kind | {"label": rule.label} | _unit(rule.measure) | {"target": _target(rule.target)} | limit
    if isinstance(rule, Tiers):
        better = {"better": "lower"} if rule.better == "lower" else {}
        tiers = [t.interval.to_bounds() | {"points": t.points} for t in rule.tiers]
        return kind | {"label": rule.label} | _unit(rule.measure) | better | {"tiers": tiers}
    if isinstance(rule, Levels):
        return kind | {"label": rule.label, "levels": [_level(lv) for lv in rule.levels]}
    if isinstance(rule, NofM):
        return kind | {"need": rule.need, "conditions": list(rule.conditions)}
    if isinstance(rule, DeductPer):
        out = kind | {"label": rule.label, "unit": rule.measure, "each": rule.each}
        if rule.floor:
            out["floor"] = rule.floor
        if rule.required is not None:
            out["required"] = _target(rule.required)
        return out
    if isinstance(rule, Deductions):
        floor = {"floor": rule.floor} if rule.floor else {}
        return kind | floor | {"faults": [{"label": f.label, "points": f.points} for f in rule.faults]}
    if isinstance(rule, PerCategory):
        cap: dict[str, Any] = (
            {"uncapped": True} if rule.uncapped else ({"cap": rule.cap} if rule.cap is not None else {})
        )
        categories = [{"name": c.name, "each": c.each, "unit": c.measure} for c in rule.categories]
        return kind | cap | {"categories": categories}
    if isinstance(rule, Discretionary):
        return (
            kind
            | ({"min": rule.low} if rule.low else {})
            | ({"max": rule.high} if rule.high is not None else {})
        )
    return _later(rule, kind)


def _later(rule: Rule, kind: dict[str, Any]) -> dict[str, Any]:
    if isinstance(rule, Pool):
        out = dict(kind)
        if rule.floor:
            out["floor"] = rule.floor
        if rule.faults:
            out["faults"] = [{"label": f.label, "points": f.points} for f in rule.faults]
        if rule.per:
            out["per"] = [{"label": p.label, "each": p.each, "unit": p.measure} for p in rule.per]
        if rule.judged:
            out["judged"] = [
                {"label": j.label, **({"max": j.most} if j.most is not None else {})} for j in rule.judged
            ]
        if rule.bonuses:
            out["bonuses"] = [{"label": b.label, "points": b.points} for b in rule.bonuses]
        return out
    if isinstance(rule, Compound):
        conditions = [
            {"label": c.label} | _unit(c.measure) | (c.bound.to_bounds() if c.bound is not None else {})
            for c in rule.conditions
        ]
        return kind | ({"need": rule.need} if rule.need is not None else {}) | {"conditions": conditions}
    if isinstance(rule, BestOf):
        options = [
            {"label": o.label} | _unit(o.measure) | o.interval.to_bounds() | {"points": o.points}
            for o in rule.options
        ]
        return kind | {"options": options}
    if isinstance(rule, Growth):
        growth = {} if rule.bound == ANY_GROWTH else rule.bound.to_bounds()
        return kind | {"label": rule.label} | _unit(rule.measure) | growth
    if isinstance(rule, Shortfall):
        step = {"step": rule.step} if rule.step != 1 else {}
        return (
            kind
            | {"label": rule.label}
            | _unit(rule.measure)
            | {"target": _target(rule.target), "each": rule.each}
            | step
        )
    raise TypeError(f"no mapping for {type(rule).__name__}")
