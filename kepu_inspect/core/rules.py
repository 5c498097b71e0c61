"""Scoring rules: one frozen dataclass per rule kind found in real 考核细则 tables.

Each rule declares the inputs it needs from the self-assessment workbook (so the template writer and
reader agree) and evaluates them exactly, returning the points and a Chinese reason a unit can read.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import ClassVar, Literal, NamedTuple

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


class Outcome(NamedTuple):
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


def _need(rule: Rule, values: Mapping[str, Value]) -> Outcome | None:
    missing = tuple(spec.label for spec in rule.specs if values.get(spec.key) is None)
    if missing:
        return Outcome(None, "缺少填报数据：" + "、".join(missing), missing)
    return None


class Rule:
    """Base of all rule kinds."""

    kind: ClassVar[str]
    title: ClassVar[str]
    specs: tuple[InputSpec, ...]  # inputs(), made once with the rule: every evaluation asks for them

    def __post_init__(self) -> None:
        object.__setattr__(self, "specs", tuple(self.inputs()))

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

    @property
    def capped(self) -> bool:
        """False for an accumulation without a maximum (每篇计10分, 不设上限): its criterion has no
        points of its own and adds whatever it earns."""
        return True

    @property
    def wants_score(self) -> bool:
        """True when the unit's 自评分 is itself an input of the rule (a score chosen inside a level's
        band); a rule without inputs always receives it."""
        return False


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
    """Stepped tiers with explicit bounds (≥600/200/50 → 3/2/1); outside every tier gives 0.

    ``better: lower`` reads a number where less is better, such as a rank (第1名加3分，第2～3名加2分)."""

    label: str
    tiers: tuple[Tier, ...]
    measure: str = ""
    better: Literal["higher", "lower"] = "higher"
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
        return Outcome(ZERO, f"{self.label}{fmt(actual)}{self.measure}，不在任何一档内，得0分")


@dataclass(frozen=True)
class Level:
    """A named level worth fixed points or a share of the criterion, or a band (``points_to`` /
    ``share_to``: 优秀（占比90-100%）) inside which the inspectors choose the score."""

    name: str
    points: Decimal | None = None
    share: Decimal | None = None
    points_to: Decimal | None = None
    share_to: Decimal | None = None

    def value(self, item_points: Decimal) -> Decimal:
        return self.points if self.points is not None else item_points * (self.share or ZERO)

    @property
    def banded(self) -> bool:
        return self.points_to is not None or self.share_to is not None

    def band(self, item_points: Decimal) -> tuple[Decimal, Decimal]:
        """(lowest, highest) points of the level; equal for a level of one value."""
        low = self.value(item_points)
        if self.points_to is not None:
            return low, self.points_to
        if self.share_to is not None:
            return low, item_points * self.share_to
        return low, low

    def describe(self) -> str:
        """The level's value in words (得2分 / 得本项分值的80% / 得本项分值的90%～100%)."""
        if self.points is not None:
            if self.points_to is not None:
                return f"{fmt(self.points)}～{fmt(self.points_to)}分"
            return f"{fmt(self.points)}分"
        share = fmt((self.share or ZERO) * 100)
        if self.share_to is not None:
            return f"本项分值的{share}%～{fmt(self.share_to * 100)}%"
        return f"本项分值的{share}%"


@dataclass(frozen=True)
class Levels(Rule):
    """Named levels (好/较好/一般) worth fixed points or a share of the criterion; a banded level takes
    the score the inspectors (or, unverified, the unit) chose inside its band."""

    label: str
    levels: tuple[Level, ...]
    kind: ClassVar[str] = "levels"
    title: ClassVar[str] = "按等级计分"

    def inputs(self) -> list[InputSpec]:
        return [InputSpec("level", self.label, "level", tuple(lv.name for lv in self.levels))]

    def max_points(self, points: Decimal) -> Decimal:
        return max(lv.band(points)[1] for lv in self.levels)

    @property
    def wants_score(self) -> bool:
        return any(lv.banded for lv in self.levels)

    def evaluate(
        self, points: Decimal, values: Mapping[str, Value], params: Mapping[str, Decimal]
    ) -> Outcome:
        if (missing := _need(self, values)) is not None:
            return missing
        chosen = values["level"]
        for lv in self.levels:
            if lv.name != chosen:
                continue
            if lv.banded:
                low, high = lv.band(points)
                proposed = values.get("score")
                band = f"{fmt(low)}～{fmt(high)}分"
                if not isinstance(proposed, Decimal):
                    return Outcome(
                        low, f"{self.label}为“{lv.name}”（{band}），未填分值，按本档最低{fmt(low)}分计"
                    )
                got = min(max(proposed, low), high)
                tail = "" if got == proposed else f"（{fmt(proposed)}分不在本档内，按{fmt(got)}分计）"
                return Outcome(got, f"{self.label}为“{lv.name}”（{band}），评{fmt(got)}分{tail}")
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
    """Deduct a fixed amount per occurrence, never below the floor (每少一次扣0.5分，扣完为止).

    With ``required`` the unit enters what it did (年内至少3次 → its count, not its shortfall) and the
    shortfall is worked out here; without it the unit enters the occurrences to deduct for."""

    label: str
    each: Decimal
    measure: str = "次"
    floor: Decimal = ZERO
    required: Target | None = None
    kind: ClassVar[str] = "deduct_per"
    title: ClassVar[str] = "按次扣分"

    def inputs(self) -> list[InputSpec]:
        return [InputSpec("n", self.label, "number", measure=self.measure)]

    def params_needed(self) -> tuple[str, ...]:
        return (self.required.param,) if self.required is not None and self.required.param else ()

    def evaluate(
        self, points: Decimal, values: Mapping[str, Value], params: Mapping[str, Decimal]
    ) -> Outcome:
        if (missing := _need(self, values)) is not None:
            return missing
        n = values["n"]
        assert isinstance(n, Decimal)
        lead = ""
        if self.required is not None:
            required = self.required.resolve(params)
            if required is None:
                return Outcome(None, f"缺少单位参数“{self.required.param}”", (str(self.required.param),))
            lead = f"{self.label}{fmt(n)}{self.measure}，要求不少于{fmt(required)}{self.measure}，"
            n = max(ZERO, required - n)
            if n == 0:
                return Outcome(points, f"{lead}已达到要求，不扣分，得{fmt(points)}分")
            lead += f"少{fmt(n)}{self.measure}，"
        elif n == 0:
            return Outcome(points, f"{self.label}0{self.measure}，不扣分，得{fmt(points)}分")
        raw = self.each * n
        got = max(self.floor, points - raw)
        deducted = points - got
        tail = "，扣完为止" if deducted < raw else ""
        if self.required is not None:
            return Outcome(
                got,
                f"{lead}每少1{self.measure}扣{fmt(self.each)}分，扣{fmt(deducted)}分{tail}，得{fmt(got)}分",
            )
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
    uncapped: bool = False  # 每篇计10分 with no maximum: the criterion adds whatever it earns
    kind: ClassVar[str] = "per_category"
    title: ClassVar[str] = "按类别计次计分"

    def inputs(self) -> list[InputSpec]:
        return [
            InputSpec(f"k{i}", f"{c.name}（{c.measure}）", "number", measure=c.measure)
            for i, c in enumerate(self.categories, 1)
        ]

    def max_points(self, points: Decimal) -> Decimal:
        return self.cap if self.cap is not None else points

    @property
    def capped(self) -> bool:
        return not self.uncapped

    def evaluate(
        self, points: Decimal, values: Mapping[str, Value], params: Mapping[str, Decimal]
    ) -> Outcome:
        if (missing := _need(self, values)) is not None:
            return missing
        parts: list[str] = []
        raw = ZERO
        for i, c in enumerate(self.categories, 1):
            n = values[f"k{i}"]
            assert isinstance(n, Decimal)
            if n:
                parts.append(f"{c.name}{fmt(n)}{c.measure}×{fmt(c.each)}分")
                raw += n * c.each
        text = "＋".join(parts) if parts else "无"
        if self.uncapped:
            return Outcome(raw, f"{text}，计{fmt(raw)}分（不设上限）")
        cap = self.cap if self.cap is not None else points
        got = min(raw, cap)
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


@dataclass(frozen=True)
class PerFault:
    """A deduction per occurrence inside a pool (缺席的每次扣1分)."""

    label: str
    each: Decimal
    measure: str = "次"


@dataclass(frozen=True)
class Judged:
    """A deduction whose amount the inspectors judge (名册不全的酌情扣分), at most ``most`` points."""

    label: str
    most: Decimal | None = None


@dataclass(frozen=True)
class Pool(Rule):
    """One item's points as one pool: named, per-occurrence and judged deductions come off the same
    points (扣完为止), then in-item bonuses are added back, never above the points (有专职秘书长的加1分).

    Cutting such an item into sub-pools prints invented numbers on the form and scores differently
    (each sub-pool floors and caps on its own), so the pool is one rule."""

    faults: tuple[Fault, ...] = ()
    per: tuple[PerFault, ...] = ()
    judged: tuple[Judged, ...] = ()
    bonuses: tuple[Fault, ...] = ()
    floor: Decimal = ZERO
    kind: ClassVar[str] = "pool"
    title: ClassVar[str] = "扣分加分合计"

    def inputs(self) -> list[InputSpec]:
        specs = [InputSpec(f"f{i}", f.label, "yesno", YES_NO) for i, f in enumerate(self.faults, 1)]
        specs += [InputSpec(f"p{i}", p.label, "number", measure=p.measure) for i, p in enumerate(self.per, 1)]
        specs += [
            InputSpec(f"j{i}", f"{j.label}扣分", "number", high=j.most, measure="分")
            for i, j in enumerate(self.judged, 1)
        ]
        specs += [InputSpec(f"b{i}", b.label, "yesno", YES_NO) for i, b in enumerate(self.bonuses, 1)]
        return specs

    def evaluate(
        self, points: Decimal, values: Mapping[str, Value], params: Mapping[str, Decimal]
    ) -> Outcome:
        if (missing := _need(self, values)) is not None:
            return missing
        parts: list[str] = []
        deducted = ZERO
        for i, f in enumerate(self.faults, 1):
            if values[f"f{i}"] is True:
                parts.append(f"{f.label}扣{fmt(f.points)}分")
                deducted += f.points
        for i, p in enumerate(self.per, 1):
            n = values[f"p{i}"]
            assert isinstance(n, Decimal)
            if n:
                parts.append(f"{p.label}{fmt(n)}{p.measure}×{fmt(p.each)}分")
                deducted += n * p.each
        for i, j in enumerate(self.judged, 1):
            amount = values[f"j{i}"]
            assert isinstance(amount, Decimal)
            if j.most is not None:
                amount = min(amount, j.most)
            if amount:
                parts.append(f"{j.label}酌情扣{fmt(amount)}分")
                deducted += amount
        kept = max(self.floor, points - deducted)
        added = sum((b.points for i, b in enumerate(self.bonuses, 1) if values[f"b{i}"] is True), ZERO)
        got = min(points, kept + added)
        text = "；".join(parts) if parts else "无扣分情形"
        if deducted:
            text += f"；共扣{fmt(deducted)}分" + ("，扣完为止" if points - deducted < self.floor else "")
        if added:
            names = "、".join(b.label for i, b in enumerate(self.bonuses, 1) if values[f"b{i}"] is True)
            text += f"；{names}加{fmt(added)}分" + ("，不超过本项分值" if kept + added > points else "")
        return Outcome(got, f"{text}；得{fmt(got)}分")


@dataclass(frozen=True)
class Condition:
    """One part of a compound condition: a yes/no fact, or a number within ``bound`` (污水处理率≥80%)."""

    label: str
    bound: Interval | None = None
    measure: str = ""

    def describe(self) -> str:
        if self.bound is None:
            return self.label
        return f"{self.label}{self.bound.describe(self.measure)}"


@dataclass(frozen=True)
class Compound(Rule):
    """Full points when every condition holds (or ``need`` of them), numeric parts included:
    污水处理率达80%以上且垃圾无害化处理率达90%以上，否则不得分."""

    conditions: tuple[Condition, ...]
    need: int | None = None  # None: all of them
    kind: ClassVar[str] = "compound"
    title: ClassVar[str] = "条件计分"

    def inputs(self) -> list[InputSpec]:
        return [
            InputSpec(f"c{i}", c.label, "number", measure=c.measure)
            if c.bound is not None
            else InputSpec(f"c{i}", c.label, "yesno", YES_NO)
            for i, c in enumerate(self.conditions, 1)
        ]

    def evaluate(
        self, points: Decimal, values: Mapping[str, Value], params: Mapping[str, Decimal]
    ) -> Outcome:
        if (missing := _need(self, values)) is not None:
            return missing
        failed: list[str] = []
        for i, c in enumerate(self.conditions, 1):
            value = values[f"c{i}"]
            if c.bound is None:
                ok = value is True
            else:
                assert isinstance(value, Decimal)
                ok = c.bound.contains(value)
            if not ok:
                shown = f"（{fmt(value)}{c.measure}）" if isinstance(value, Decimal) else ""
                failed.append(c.describe() + shown)
        need = len(self.conditions) if self.need is None else self.need
        met = len(self.conditions) - len(failed)
        if met >= need:
            return Outcome(points, f"满足{met}项条件（须满足{need}项），得{fmt(points)}分")
        return Outcome(ZERO, f"未满足：{'；'.join(failed)}；须满足{need}项，得0分")


@dataclass(frozen=True)
class Option:
    """One way to earn a best-of criterion: a count of ``label`` within ``interval`` gives ``points``."""

    label: str
    interval: Interval
    points: Decimal
    measure: str = ""


@dataclass(frozen=True)
class BestOf(Rule):
    """The best of several counts, not their sum (省级推广1篇得3分；市级推广2篇得2分)."""

    options: tuple[Option, ...]
    kind: ClassVar[str] = "best_of"
    title: ClassVar[str] = "择优计分"

    def labels(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(o.label for o in self.options))

    def inputs(self) -> list[InputSpec]:
        measures = {o.label: o.measure for o in reversed(self.options)}
        return [
            InputSpec(f"k{i}", label, "number", measure=measures[label])
            for i, label in enumerate(self.labels(), 1)
        ]

    def max_points(self, points: Decimal) -> Decimal:
        return max(o.points for o in self.options)

    def evaluate(
        self, points: Decimal, values: Mapping[str, Value], params: Mapping[str, Decimal]
    ) -> Outcome:
        if (missing := _need(self, values)) is not None:
            return missing
        keys = {label: f"k{i}" for i, label in enumerate(self.labels(), 1)}
        best: Option | None = None
        for o in self.options:
            n = values[keys[o.label]]
            assert isinstance(n, Decimal)
            if o.interval.contains(n) and (best is None or o.points > best.points):
                best = o
        if best is None:
            return Outcome(ZERO, "未达到任何一项的要求，得0分")
        n = values[keys[best.label]]
        assert isinstance(n, Decimal)
        return Outcome(
            best.points,
            f"{best.label}{fmt(n)}{best.measure}（{best.interval.describe(best.measure)}），"
            f"按得分最高的一项得{fmt(best.points)}分",
        )


ANY_GROWTH = Interval(ZERO, False, None)  # growth rate > 0: 比上年增长


@dataclass(frozen=True)
class Growth(Rule):
    """Points when this year's number grew on last year's (逐年增长, 比上年增长10%以上); the unit enters
    both numbers, so the growth is worked out, never typed."""

    label: str
    measure: str = ""
    bound: Interval = ANY_GROWTH  # on the growth rate (0.1 = 10%)
    kind: ClassVar[str] = "growth"
    title: ClassVar[str] = "增长计分"

    def inputs(self) -> list[InputSpec]:
        return [
            InputSpec("n", f"本年{self.label}", "number", measure=self.measure),
            InputSpec("prev", f"上年{self.label}", "number", measure=self.measure),
        ]

    def describe_bound(self) -> str:
        b = self.bound
        if b.low == 0 and not b.low_inclusive and b.high is None:
            return "比上年增长"
        if b.low is not None and b.high is None:
            edge = "以上" if b.low_inclusive else "（不含）以上"
            return f"比上年增长{fmt(b.low * 100)}%{edge}"
        return f"比上年增长率{b.describe('')}"

    def evaluate(
        self, points: Decimal, values: Mapping[str, Value], params: Mapping[str, Decimal]
    ) -> Outcome:
        if (missing := _need(self, values)) is not None:
            return missing
        now, before = values["n"], values["prev"]
        assert isinstance(now, Decimal) and isinstance(before, Decimal)
        shown = f"本年{fmt(now)}{self.measure}，上年{fmt(before)}{self.measure}"
        if before == 0:
            # from nothing to something is growth beyond any rate; nothing to nothing is none
            met = now > 0 and self.bound.high is None and self.bound.low is not None
            rate_text = "上年为0"
        else:
            rate = (now - before) / before
            met = self.bound.contains(rate)
            rate_text = f"增长{fmt((rate * 100).quantize(Decimal('0.01')))}%"
        got = points if met else ZERO
        verdict = "达到" if met else "未达到"
        return Outcome(got, f"{shown}，{rate_text}，{verdict}“{self.describe_bound()}”，得{fmt(got)}分")


@dataclass(frozen=True)
class Shortfall(Rule):
    """Points per step below a target (上级考核得分率每低于100%一个百分点扣0.1分), at most the
    criterion's points; used in a 扣分 section, where what a criterion earns is what is deducted."""

    label: str
    target: Target
    each: Decimal
    step: Decimal = ONE
    measure: str = ""
    kind: ClassVar[str] = "shortfall"
    title: ClassVar[str] = "按差额计分"

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
        gap = max(ZERO, target - actual)
        raw = self.each * gap / self.step
        got = min(raw, points)
        tail = f"，超过上限按{fmt(points)}分计" if raw > points else ""
        return Outcome(
            got,
            f"{self.label}{fmt(actual)}{self.measure}，目标{fmt(target)}{self.measure}，差{fmt(gap)}{self.measure}，"
            f"计{fmt(raw.quantize(Decimal('0.0001')))}分{tail}",
        )


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
        Pool,
        Compound,
        BestOf,
        Growth,
        Shortfall,
    )
}
