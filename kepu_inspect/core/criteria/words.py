"""A rule in the words of a printed 考核细则: one canonical sentence per kind, which ``parse`` reads back
to the very same rule (the export → import round trip depends on it).

The wording follows how offices write: …得2分; …以上得3分，否则不得分; 每少1次扣0.5分，扣完为止;
中央媒体每篇3分…最高6分. Bounds are said with the words that fix them (以上/以下 include the number,
超过/不足 do not), so a tier's edge survives the trip.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from kepu_inspect.core.numbers import Interval, fmt
from kepu_inspect.core.rules import (
    ANY_GROWTH,
    BestOf,
    Checklist,
    Compound,
    Deductions,
    DeductPer,
    Discretionary,
    Growth,
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

Context = Literal["base", "bonus", "deduct"]
VERB: dict[str, str] = {"base": "得", "bonus": "加", "deduct": "扣"}
PARAM_WORD = "单位参数"  # 1万元×单位参数“population”: a target that depends on the unit
BAND_NOTE = "（在所评等级的分值范围内评分）"
LOWER_NOTE = "（数值越小越好）"
BEST_NOTE = "按得分最高的一项计，不累计"
POOL_HEAD = "本项分值内合计计分："
POOL_TAIL = "扣完为止，加分后不超过本项分值"


def target_words(target: Target, measure: str) -> str:
    if target.param is None:
        return f"{fmt(target.value)}{measure}"
    return f"{fmt(target.per)}{measure}×{PARAM_WORD}“{target.param}”"


def interval_words(iv: Interval, measure: str = "") -> str:
    """[a, b) → a以上不足b; (a, ∞) → 超过a; (−∞, b] → b以下 (以上/以下 include, 超过/不足 do not)."""
    low = high = ""
    if iv.low is not None:
        low = f"{fmt(iv.low)}{measure}以上" if iv.low_inclusive else f"超过{fmt(iv.low)}{measure}"
    if iv.high is not None:
        high = f"{fmt(iv.high)}{measure}以下" if iv.high_inclusive else f"不足{fmt(iv.high)}{measure}"
    if low and high and iv.high_inclusive and not iv.low_inclusive:
        return f"{low}且{high}"
    return low + high or "任意数值"


def _rank_words(iv: Interval) -> str | None:
    """Whole ranks [a, b): 第a名 / 第a～b−1名 (the way rank bonuses are written)."""
    if iv.low is None or iv.high is None or not iv.low_inclusive or iv.high_inclusive:
        return None
    if iv.low != iv.low.to_integral_value() or iv.high != iv.high.to_integral_value() or iv.high <= iv.low:
        return None
    last = iv.high - 1
    return f"第{fmt(iv.low)}名" if last == iv.low else f"第{fmt(iv.low)}～{fmt(last)}名"


def _tail(floor: Decimal) -> str:
    return "扣完为止" if not floor else f"最低得{fmt(floor)}分"


def rule_words(rule: Rule, points: Decimal, context: Context = "base") -> str:
    """The canonical 评分标准 sentence of ``rule`` for a criterion worth ``points``; ``context`` is the
    kind of section (or a 加分 criterion inside a base item: ``bonus``), which gives the verb."""
    verb = VERB[context]
    if isinstance(rule, Checklist):
        if rule.mode == "sum":
            return "；".join(f"{c.label}{verb}{fmt(c.points)}分" for c in rule.checks)
        labels = "；".join(c.label for c in rule.checks)
        if len(rule.checks) == 1:
            return f"{labels}，做到{verb}{fmt(points)}分，否则不得分"
        return f"{labels}，以上{len(rule.checks)}项全部做到{verb}{fmt(points)}分，否则不得分"
    if isinstance(rule, Threshold):
        target = target_words(rule.target, rule.measure)
        edge = f"超过{target}" if rule.strict else f"达到{target}以上"
        return f"{rule.label}{edge}{verb}{fmt(points)}分，否则不得分"
    if isinstance(rule, Proportional):
        cap = f"，最高按目标的{fmt(rule.cap * 100)}%计" if rule.cap != 1 else ""
        return f"{rule.label}按完成比例{verb}分（目标{target_words(rule.target, rule.measure)}）{cap}"
    if isinstance(rule, Tiers):
        return _tiers_words(rule, verb)
    if isinstance(rule, Levels):
        values = "；".join(f"{lv.name}{verb}{lv.describe()}" for lv in rule.levels)
        return f"{rule.label}：{values}" + (BAND_NOTE if rule.wants_score else "")
    if isinstance(rule, NofM):
        return f"下列{len(rule.conditions)}项中满足{rule.need}项{verb}{fmt(points)}分：" + "；".join(
            rule.conditions
        )
    if isinstance(rule, DeductPer):
        if rule.required is not None:
            required = target_words(rule.required, rule.measure)
            return (
                f"{rule.label}不少于{required}，每少1{rule.measure}扣{fmt(rule.each)}分，{_tail(rule.floor)}"
            )
        return f"{rule.label}，每1{rule.measure}扣{fmt(rule.each)}分，{_tail(rule.floor)}"
    return _more_words(rule, points, verb)


def _more_words(rule: Rule, points: Decimal, verb: str) -> str:
    if isinstance(rule, Discretionary):
        if rule.high is not None:
            return f"酌情评分（{fmt(rule.low)}～{fmt(rule.high)}分）"
        return f"酌情评分（最低{fmt(rule.low)}分）" if rule.low else "酌情评分"
    if isinstance(rule, Deductions):
        faults = "；".join(f"{f.label}的扣{fmt(f.points)}分" for f in rule.faults)
        return f"{faults}，{_tail(rule.floor)}"
    if isinstance(rule, PerCategory):
        each = "；".join(f"{c.name}每{c.measure}{verb}{fmt(c.each)}分" for c in rule.categories)
        if rule.uncapped:
            return f"{each}，不设上限"
        if rule.cap is None:
            return f"{each}，以本项分值为限"
        return f"{each}，最高{verb}{fmt(rule.cap)}分"
    return _later_words(rule, points, verb)


def _tiers_words(rule: Tiers, verb: str) -> str:
    lower = rule.better == "lower"
    parts = []
    for t in rule.tiers:
        rank = _rank_words(t.interval) if lower and rule.measure == "名" else None
        words = rank if rank is not None else interval_words(t.interval, rule.measure)
        parts.append(f"{words}{verb}{fmt(t.points)}分")
    ranked = lower and rule.measure == "名" and all(_rank_words(t.interval) for t in rule.tiers)
    note = LOWER_NOTE if lower and not ranked else ""
    return f"{rule.label}{note}：" + "；".join(parts)


def _later_words(rule: Rule, points: Decimal, verb: str) -> str:
    if isinstance(rule, Pool):
        parts = [f"{f.label}的扣{fmt(f.points)}分" for f in rule.faults]
        parts += [f"{p.label}每{p.measure}扣{fmt(p.each)}分" for p in rule.per]
        parts += [
            f"{j.label}的酌情扣分" + (f"（最多扣{fmt(j.most)}分）" if j.most is not None else "")
            for j in rule.judged
        ]
        parts += [f"{b.label}的加{fmt(b.points)}分" for b in rule.bonuses]
        tail = POOL_TAIL if not rule.floor else f"最低得{fmt(rule.floor)}分，加分后不超过本项分值"
        return POOL_HEAD + "；".join(parts) + "；" + tail
    if isinstance(rule, Compound):
        conditions = "；".join(
            c.label if c.bound is None else f"{c.label}{interval_words(c.bound, c.measure)}"
            for c in rule.conditions
        )
        if rule.need is None:
            return f"同时满足以下条件{verb}{fmt(points)}分，否则不得分：{conditions}"
        return f"满足以下{len(rule.conditions)}项条件中的{rule.need}项{verb}{fmt(points)}分，否则不得分：{conditions}"
    if isinstance(rule, BestOf):
        parts = [
            f"{o.label}{interval_words(o.interval, o.measure)}{verb}{fmt(o.points)}分" for o in rule.options
        ]
        return "；".join(parts) + "；" + BEST_NOTE
    if isinstance(rule, Growth):
        label = f"{rule.label}（{rule.measure}）" if rule.measure else rule.label
        if rule.bound == ANY_GROWTH:
            return f"{label}比上年增长{verb}{fmt(points)}分，持平或减少不得分"
        pct = Interval(
            None if rule.bound.low is None else rule.bound.low * 100,
            rule.bound.low_inclusive,
            None if rule.bound.high is None else rule.bound.high * 100,
            rule.bound.high_inclusive,
        )
        return f"{label}比上年增长率{interval_words(pct, '%')}{verb}{fmt(points)}分，否则不得分"
    if isinstance(rule, Shortfall):
        step = f"{fmt(rule.step)}{rule.measure}"
        return (
            f"{rule.label}低于{target_words(rule.target, rule.measure)}的，每低{step}扣{fmt(rule.each)}分，"
            f"最多扣{fmt(points)}分"
        )
    raise TypeError(f"no words for {type(rule).__name__}")
