"""Scoring rules: one frozen dataclass per rule kind found in real 考核细则 tables.

Each rule declares the inputs it needs from the self-assessment workbook (so the template writer and
reader agree) and evaluates them exactly, returning the points and a Chinese reason a unit can read.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import ClassVar, Literal

from kepu_inspect.core.numbers import ONE, ZERO, Interval, fmt

Value = Decimal | bool | str
InputKind = Literal["number", "yesno", "level", "score"]

YES_NO: tuple[str, str] = ("是", "否")


@dataclass(frozen=True)
class InputSpec:
    """One value the unit types into the workbook for a criterion."""

    key: str
    label: str
    kind: InputKind
    options: tuple[str, ...] = ()
    low: Decimal | None = ZERO
    high: Decimal | None = None
    measure: str = ""  # the measurement unit (次, 万元, %); the rubric YAML key is still `unit`

    def describe(self) -> str:
        if self.kind == "yesno":
            return "是/否"
        if self.kind == "level":
            return "/".join(self.options)
        return f"数值{('（' + self.measure + '）') if self.measure else ''}"


@dataclass(frozen=True)
class Outcome:
    """Points a rule gives (None when inputs are missing) and why."""

    points: Decimal | None
    reason: str
    missing: tuple[str, ...] = ()


@dataclass(frozen=True)
class Target:
    """A fixed target, or one that depends on the unit (per × unit.params[param])."""

    value: Decimal | None = None
    param: str | None = None
    per: Decimal = ONE

    def resolve(self, params: Mapping[str, Decimal]) -> Decimal | None:
        if self.param is None:
            return self.value
        base = params.get(self.param)
        return None if base is None else self.per * base

    def describe(self, measure: str = "") -> str:
        if self.param is None:
            return f"{fmt(self.value)}{measure}"
        return f"{fmt(self.per)}{measure}×{self.param}"


def _missing(inputs: list[InputSpec], values: Mapping[str, Value]) -> tuple[str, ...]:
    return tuple(spec.label for spec in inputs if values.get(spec.key) is None)


def _need(rule: Rule, values: Mapping[str, Value]) -> Outcome | None:
    missing = _missing(rule.inputs(), values)
    if missing:
        return Outcome(None, "缺少填报数据：" + "、".join(missing), missing)
    return None


class Rule:
    """Base of all rule kinds."""

    kind: ClassVar[str]
    title: ClassVar[str]

    def inputs(self) -> list[InputSpec]:
        raise NotImplementedError

    def max_points(self, points: Decimal) -> Decimal:
        """The most this rule can give for a criterion worth ``points`` (for consistency checks)."""
        return points

    def evaluate(
        self, points: Decimal, values: Mapping[str, Value], params: Mapping[str, Decimal]
    ) -> Outcome:
        raise NotImplementedError

    def params_needed(self) -> tuple[str, ...]:
        return ()


@dataclass(frozen=True)
class Check:
    label: str
    points: Decimal | None = None


@dataclass(frozen=True)
class Checklist(Rule):
    """Yes → points per check (sum), or all checks needed for the whole (all-or-nothing)."""

    checks: tuple[Check, ...]
    mode: Literal["sum", "all"] = "sum"
    kind: ClassVar[str] = "checklist"
    title: ClassVar[str] = "逐项计分"

    def inputs(self) -> list[InputSpec]:
        return [InputSpec(f"c{i}", c.label, "yesno", YES_NO) for i, c in enumerate(self.checks, 1)]

    def max_points(self, points: Decimal) -> Decimal:
        if self.mode == "all":
            return points
        return sum((c.points or ZERO for c in self.checks), ZERO)

    def evaluate(
        self, points: Decimal, values: Mapping[str, Value], params: Mapping[str, Decimal]
    ) -> Outcome:
        if (missing := _need(self, values)) is not None:
            return missing
        done = [c for i, c in enumerate(self.checks, 1) if values[f"c{i}"] is True]
        not_done = [c.label for c in self.checks if c not in done]
        if self.mode == "all":
            if not not_done:
                return Outcome(points, f"全部完成（{len(self.checks)}项），得{fmt(points)}分")
            return Outcome(ZERO, f"未完成：{'、'.join(not_done)}；须全部完成才得分，得0分")
        got = sum((c.points or ZERO for c in done), ZERO)
        parts = [f"{c.label}得{fmt(c.points)}分" for c in done]
        if not_done:
            parts.append(f"未完成：{'、'.join(not_done)}")
        return Outcome(got, "；".join(parts) + f"；合计{fmt(got)}分")


@dataclass(frozen=True)
class Threshold(Rule):
    """A number at or above a target gives the points, otherwise 0 (…1次以上)."""

    label: str
    target: Target
    measure: str = ""
    strict: bool = False
    kind: ClassVar[str] = "threshold"
    title: ClassVar[str] = "达标计分"

    def inputs(self) -> list[InputSpec]:
        return [InputSpec("n", self.label, "number", measure=self.measure)]

    def params_needed(self) -> tuple[str, ...]:
        return (self.target.param,) if self.target.param else ()

    def evaluate(
        self, points: Decimal, values: Mapping[str, Value], params: Mapping[str, Decimal]
    ) -> Outcome:
        if (missing := _need(self, values)) is not None:
            return missing
        actual = values["n"]
        assert isinstance(actual, Decimal)
        target = self.target.resolve(params)
        if target is None:
            return Outcome(None, f"缺少单位参数“{self.target.param}”", (str(self.target.param),))
        met = actual > target if self.strict else actual >= target
        sign = ">" if self.strict else "≥"
        how = f"{self.label}{fmt(actual)}{self.measure}，要求{sign}{fmt(target)}{self.measure}"
        if self.target.param:
            how += f"（{self.target.describe(self.measure)}）"
        return Outcome(
            points if met else ZERO,
            f"{how}，{'达标' if met else '未达标'}，得{fmt(points if met else ZERO)}分",
        )


@dataclass(frozen=True)
class Proportional(Rule):
    """Points × completion ratio, capped (按完成比例得分)."""

    label: str
    target: Target
    measure: str = ""
    cap: Decimal = ONE
    kind: ClassVar[str] = "proportional"
    title: ClassVar[str] = "按完成比例计分"

    def inputs(self) -> list[InputSpec]:
        return [InputSpec("n", self.label, "number", measure=self.measure)]

    def params_needed(self) -> tuple[str, ...]:
        return (self.target.param,) if self.target.param else ()

    def max_points(self, points: Decimal) -> Decimal:
        return points * self.cap

    def evaluate(
        self, points: Decimal, values: Mapping[str, Value], params: Mapping[str, Decimal]
    ) -> Outcome:
        if (missing := _need(self, values)) is not None:
            return missing
        actual = values["n"]
        assert isinstance(actual, Decimal)
        target = self.target.resolve(params)
        if target is None:
            return Outcome(None, f"缺少单位参数“{self.target.param}”", (str(self.target.param),))
        if target <= 0:
            return Outcome(points, f"目标为{fmt(target)}，视为完成，得{fmt(points)}分")
        # multiply before dividing, so 3 × 1 ÷ 3 is exactly 1 (not 0.999…, which Decimal's 28 digits give
        # for 3 × (1 ÷ 3)); the cap compares the same exact quantities
        capped = actual >= target * self.cap
        got = points * self.cap if capped else points * actual / target
        ratio = self.cap if capped else actual / target
        pct = fmt((actual * 100 / target).quantize(Decimal("0.01")))
        return Outcome(
            got,
            f"{self.label}{fmt(actual)}{self.measure}，目标{fmt(target)}{self.measure}，完成{pct}%，"
            f"得{fmt(points)}×{fmt(ratio.quantize(Decimal('0.0001')))}={fmt(got.quantize(Decimal('0.0001')))}分",
        )


@dataclass(frozen=True)
class Tier:
    interval: Interval
    points: Decimal


@dataclass(frozen=True)
class Tiers(Rule):
    """Stepped tiers with explicit bounds (≥600/200/50 → 3/2/1); below every tier gives 0."""

    label: str
    tiers: tuple[Tier, ...]
    measure: str = ""
    kind: ClassVar[str] = "tiers"
    title: ClassVar[str] = "分档计分"

    def inputs(self) -> list[InputSpec]:
        return [InputSpec("n", self.label, "number", measure=self.measure)]

    def max_points(self, points: Decimal) -> Decimal:
        return max(t.points for t in self.tiers)

    def evaluate(
        self, points: Decimal, values: Mapping[str, Value], params: Mapping[str, Decimal]
    ) -> Outcome:
        if (missing := _need(self, values)) is not None:
            return missing
        actual = values["n"]
        assert isinstance(actual, Decimal)
        for tier in self.tiers:
            if tier.interval.contains(actual):
                return Outcome(
                    tier.points,
                    f"{self.label}{fmt(actual)}{self.measure}，属“{tier.interval.describe(self.measure)}”档，得{fmt(tier.points)}分",
                )
        return Outcome(ZERO, f"{self.label}{fmt(actual)}{self.measure}，未达到最低档，得0分")


@dataclass(frozen=True)
class Level:
    name: str
    points: Decimal | None = None
    share: Decimal | None = None

    def value(self, item_points: Decimal) -> Decimal:
        return self.points if self.points is not None else item_points * (self.share or ZERO)


@dataclass(frozen=True)
class Levels(Rule):
    """Named levels (好/较好/一般) worth fixed points or a share of the criterion."""

    label: str
    levels: tuple[Level, ...]
    kind: ClassVar[str] = "levels"
    title: ClassVar[str] = "按等级计分"

    def inputs(self) -> list[InputSpec]:
        return [InputSpec("level", self.label, "level", tuple(lv.name for lv in self.levels))]

    def max_points(self, points: Decimal) -> Decimal:
        return max(lv.value(points) for lv in self.levels)

    def evaluate(
        self, points: Decimal, values: Mapping[str, Value], params: Mapping[str, Decimal]
    ) -> Outcome:
        if (missing := _need(self, values)) is not None:
            return missing
        chosen = values["level"]
        for lv in self.levels:
            if lv.name == chosen:
                got = lv.value(points)
                how = f"（{fmt(points)}×{fmt(lv.share)}）" if lv.points is None else ""
                return Outcome(got, f"{self.label}为“{lv.name}”，得{fmt(got)}分{how}")
        return Outcome(None, f"“{chosen}”不是可选等级", (self.label,))


@dataclass(frozen=True)
class NofM(Rule):
    """Full points when at least ``need`` of the conditions hold."""

    conditions: tuple[str, ...]
    need: int
    kind: ClassVar[str] = "n_of_m"
    title: ClassVar[str] = "满足若干条件计分"

    def inputs(self) -> list[InputSpec]:
        return [InputSpec(f"c{i}", c, "yesno", YES_NO) for i, c in enumerate(self.conditions, 1)]

    def evaluate(
        self, points: Decimal, values: Mapping[str, Value], params: Mapping[str, Decimal]
    ) -> Outcome:
        if (missing := _need(self, values)) is not None:
            return missing
        met = sum(1 for i in range(1, len(self.conditions) + 1) if values[f"c{i}"] is True)
        ok = met >= self.need
        got = points if ok else ZERO
        return Outcome(
            got,
            f"满足{met}项（共{len(self.conditions)}项，须满足{self.need}项），{'达到' if ok else '未达到'}要求，得{fmt(got)}分",
        )


@dataclass(frozen=True)
class DeductPer(Rule):
    """Deduct a fixed amount per occurrence, never below the floor (每少一次扣0.5分，扣完为止)."""

    label: str
    each: Decimal
    measure: str = "次"
    floor: Decimal = ZERO
    kind: ClassVar[str] = "deduct_per"
    title: ClassVar[str] = "按次扣分"

    def inputs(self) -> list[InputSpec]:
        return [InputSpec("n", self.label, "number", measure=self.measure)]

    def evaluate(
        self, points: Decimal, values: Mapping[str, Value], params: Mapping[str, Decimal]
    ) -> Outcome:
        if (missing := _need(self, values)) is not None:
            return missing
        n = values["n"]
        assert isinstance(n, Decimal)
        if n == 0:
            return Outcome(points, f"{self.label}0{self.measure}，不扣分，得{fmt(points)}分")
        raw = self.each * n
        got = max(self.floor, points - raw)
        deducted = points - got
        tail = "，扣完为止" if deducted < raw else ""
        return Outcome(
            got,
            f"每{self.measure}扣{fmt(self.each)}分，{self.label}{fmt(n)}{self.measure}，扣{fmt(deducted)}分{tail}，得{fmt(got)}分",
        )


@dataclass(frozen=True)
class Fault:
    label: str
    points: Decimal


@dataclass(frozen=True)
class Deductions(Rule):
    """Named deductions (无工作计划的扣2分), never below the floor."""

    faults: tuple[Fault, ...]
    floor: Decimal = ZERO
    kind: ClassVar[str] = "deductions"
    title: ClassVar[str] = "按情形扣分"

    def inputs(self) -> list[InputSpec]:
        return [InputSpec(f"f{i}", f.label, "yesno", YES_NO) for i, f in enumerate(self.faults, 1)]

    def evaluate(
        self, points: Decimal, values: Mapping[str, Value], params: Mapping[str, Decimal]
    ) -> Outcome:
        if (missing := _need(self, values)) is not None:
            return missing
        found = [f for i, f in enumerate(self.faults, 1) if values[f"f{i}"] is True]
        if not found:
            return Outcome(points, f"无扣分情形，得{fmt(points)}分")
        raw = sum((f.points for f in found), ZERO)
        got = max(self.floor, points - raw)
        listed = "；".join(f"{f.label}扣{fmt(f.points)}分" for f in found)
        return Outcome(got, f"{listed}；共扣{fmt(points - got)}分，得{fmt(got)}分")


@dataclass(frozen=True)
class Category:
    name: str
    each: Decimal
    measure: str = "篇"


@dataclass(frozen=True)
class PerCategory(Rule):
    """Points per occurrence by category (中央媒体每篇3分…), capped."""

    categories: tuple[Category, ...]
    cap: Decimal | None = None
    kind: ClassVar[str] = "per_category"
    title: ClassVar[str] = "按类别计次计分"

    def inputs(self) -> list[InputSpec]:
        return [
            InputSpec(f"k{i}", f"{c.name}（{c.measure}）", "number", measure=c.measure)
            for i, c in enumerate(self.categories, 1)
        ]

    def max_points(self, points: Decimal) -> Decimal:
        return self.cap if self.cap is not None else points

    def evaluate(
        self, points: Decimal, values: Mapping[str, Value], params: Mapping[str, Decimal]
    ) -> Outcome:
        if (missing := _need(self, values)) is not None:
            return missing
        cap = self.cap if self.cap is not None else points
        parts: list[str] = []
        raw = ZERO
        for i, c in enumerate(self.categories, 1):
            n = values[f"k{i}"]
            assert isinstance(n, Decimal)
            if n:
                parts.append(f"{c.name}{fmt(n)}{c.measure}×{fmt(c.each)}分")
                raw += n * c.each
        got = min(raw, cap)
        text = "＋".join(parts) if parts else "无"
        tail = f"，超过上限按{fmt(cap)}分计" if raw > cap else ""
        return Outcome(got, f"{text}，计{fmt(raw)}分{tail}，得{fmt(got)}分")


@dataclass(frozen=True)
class Discretionary(Rule):
    """The inspector decides within bounds (酌情扣分); the unit proposes a score."""

    low: Decimal = ZERO
    high: Decimal | None = None
    kind: ClassVar[str] = "discretionary"
    title: ClassVar[str] = "酌情评分"

    def inputs(self) -> list[InputSpec]:
        return []

    def max_points(self, points: Decimal) -> Decimal:
        return self.high if self.high is not None else points

    def evaluate(
        self, points: Decimal, values: Mapping[str, Value], params: Mapping[str, Decimal]
    ) -> Outcome:
        high = self.high if self.high is not None else points
        score = values.get("score")
        if score is None:
            return Outcome(None, "未评分", ("自评分",))
        assert isinstance(score, Decimal)
        got = min(max(score, self.low), high)
        return Outcome(got, f"酌情评分（{fmt(self.low)}～{fmt(high)}分），评{fmt(got)}分")


RULE_KINDS: dict[str, type[Rule]] = {
    cls.kind: cls
    for cls in (
        Checklist,
        Threshold,
        Proportional,
        Tiers,
        Levels,
        NofM,
        DeductPer,
        Deductions,
        PerCategory,
        Discretionary,
    )
}
