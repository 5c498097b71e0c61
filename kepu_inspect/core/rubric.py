"""The rubric (考核细则) as plain typed data: units, sections, items, criteria, gates and grades.

Independent of YAML, openpyxl and the CLI; the adapters build it, everything else reads it.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, fields
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal
from types import MappingProxyType
from typing import Any, Literal

from kepu_inspect.core.numbers import UNBOUNDED, ZERO, Interval, fmt
from kepu_inspect.core.rules import Discretionary, InputSpec, Rule


@dataclass(frozen=True)
class Meta:
    id: str
    title: str
    year: int
    issuer: str
    version: str
    period_start: str = ""
    period_end: str = ""
    deadline: str = ""
    source: str = ""
    report_date: str = ""  # 通报日期: results and the 通报 are signed with it, unless --date says otherwise
    letterhead: str = ""  # 红头 (发文机关标志) of the 通报; empty: none
    doc_number: str = ""  # 发文字号 of the 通报
    notice_to: str = ""  # 主送机关 of the 通报; empty: worded from the ranking groups
    # what the forms and reports are about (全民科学素质工作目标责任); "" = worded from the title
    subject: str = ""


# how rubric titles end: 《…考核细则》 → the form is 《…自评表》, the results 《…考核结果》
_TITLE_ENDINGS = re.compile(r"(?:目标责任)?(?:考核)?(?:评分)?(?:实施)?(?:细则|标准|办法|方案)$|考核$")
_PLACE_AND_YEAR = re.compile(r"^.*?\d{4}\s*年度?")


def title_stem(meta: Meta) -> str:
    """The title without its ending: 平顶山市2017年全民科学素质工作目标责任考核细则 →
    平顶山市2017年全民科学素质工作目标责任; with a declared ``subject``, the title's place and year
    followed by the subject."""
    title = meta.title.strip()
    if meta.subject:
        found = _PLACE_AND_YEAR.match(title)
        return (found.group(0) if found else "") + meta.subject
    stem = _TITLE_ENDINGS.sub("", title) or title
    if "目标责任" in title and not stem.endswith("目标责任") and title.startswith(stem + "目标责任"):
        stem += "目标责任"
    return stem


def subject_of(meta: Meta) -> str:
    """What the forms and reports are about, without place and year (全民科学素质工作目标责任): the
    rubric's own ``subject``, or worded from its title; never a subject the rubric did not name."""
    if meta.subject:
        return meta.subject
    stem = title_stem(meta)
    return _PLACE_AND_YEAR.sub("", stem).strip() or stem


TieBreak = Literal["higher_base", "higher_bonus", "fewer_deductions", "closest_self", "lower_self"]
Role = Literal["lead", "cooperate"]  # 牵头 / 配合

# Names used before the tie-breaks were named for what they do (still accepted in rubric files).
OLD_TIE_BREAKS: dict[str, str] = {
    "base": "higher_base",
    "bonus": "higher_bonus",
    "self_lower": "closest_self",
}

TIE_BREAK_LABELS: dict[str, str] = {
    "higher_base": "基本分（核定）高者列前",
    "higher_bonus": "加分高者列前",
    "fewer_deductions": "扣分少者列前",
    "closest_self": "自评分与核定分差距小者列前",
    "lower_self": "自评分低者列前",
}
# in a group compared on 得分率 the same tie-breaks compare rates, not raw points
TIE_BREAK_LABELS_NORMALISED: dict[str, str] = {
    **TIE_BREAK_LABELS,
    "higher_base": "得分率高者列前",
    "closest_self": "自评得分率与核定得分率差距小者列前",
    "lower_self": "自评得分率低者列前",
}


@dataclass(frozen=True)
class Settings:
    """How published numbers are decided; every choice here is described in the reports' 说明."""

    decimals: int = 2
    unverified: Literal["self", "computed", "lower", "zero"] = "self"
    overclaim_threshold: Decimal | None = None
    overclaim_deduction: Decimal = ZERO
    overclaim_boundary: Literal["gte", "gt"] = "gte"  # "高出2分以上" includes 2
    overclaim_per: Literal["item", "criterion"] = "item"
    verified_out_of_range: Literal["hold", "clamp"] = "hold"
    with_errors: Literal["mark", "hold"] = "mark"
    gated: Literal["by_score", "last"] = "by_score"
    floor: Decimal | None = ZERO
    tie_breaks: tuple[str, ...] = ()
    bonus_cap: Decimal | None = None
    missing_grade: str = ""
    # where 核定分 come from: the inspection teams' own workbooks, or the unit's workbook (small offices)
    verification: Literal["separate", "in_submission"] = "separate"
    combine: Literal["single", "mean", "trimmed_mean", "leader"] = "single"  # several inspectors' marks
    trim_from: int = 3  # trimmed_mean drops the highest and the lowest from this many marks on
    gate_majority: bool = False  # gates decided by a majority of inspectors (else by the team leader)
    spread: Decimal | None = None  # inspectors further apart than this on a criterion are listed


@dataclass(frozen=True)
class Group:
    """A ranking group (县（市、区）, 市直成员单位 …).

    ``items_total`` is what the group's catalogue of items adds up to (checked as RB005);
    ``unit_total`` is every unit's own maximum (a unit with another maximum is listed, RB020). The
    old single ``total`` meant both where units are compared on raw points, the first where they are
    compared on 得分率."""

    id: str
    name: str
    kind: Literal["county", "department", "other"] = "other"
    items_total: Decimal | None = None
    normalise: bool = False
    unit_total: Decimal | None = None


@dataclass(frozen=True)
class Unit:
    id: str
    name: str
    group: str
    aliases: tuple[str, ...] = ()
    assessed: bool = True
    params: Mapping[str, Decimal] = field(default_factory=dict)
    note: str = ""

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


@dataclass(frozen=True)
class ItemGroup:
    """A group of work items with lead departments (（一）青少年 … 牵头部门：…)."""

    id: str
    name: str
    leads: tuple[str, ...]  # unit ids


@dataclass(frozen=True)
class Scope:
    """One entry of an item's applies_to: a unit, every unit of a group, or an item group's leads."""

    kind: Literal["unit", "group", "leads"]
    ref: str  # unit id, group id or item-group id
    weight: Decimal = Decimal(1)
    # 牵头 / 配合 as the work plan assigned it; recorded for the office, never changes a score by itself
    role: Role | None = None


@dataclass(frozen=True)
class Criterion:
    id: str
    text: str
    points: Decimal
    rule: Rule
    bonus: bool = False
    # what the unit types for this criterion, from the rule (asked once per criterion per workbook)
    input_specs: tuple[InputSpec, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "input_specs", self.rule.specs)

    def inputs(self) -> list[InputSpec]:
        return list(self.input_specs)

    def score_range(self, weight: Decimal) -> tuple[Decimal, Decimal]:
        """The range a 自评分 or 核定分 may take (a discretionary rule's own bounds apply; a criterion
        without a maximum is bounded only by the largest number a cell may hold)."""
        top = self.points * weight
        rule = self.rule
        if not rule.capped:
            return ZERO, UNBOUNDED
        if isinstance(rule, Discretionary):
            high = rule.high * weight if rule.high is not None else top
            return rule.low * weight, min(high, top)
        return ZERO, top


@dataclass(frozen=True)
class Item:
    id: str
    number: str  # printed 序号
    title: str
    content: str
    points: Decimal
    criteria: tuple[Criterion, ...]
    applies_to: tuple[Scope, ...]
    plan_items: tuple[int, ...] = ()
    evidence: str = ""
    evidence_required: bool = False
    verification: str = ""
    item_group: str = ""
    # who reports what the criteria need: the unit (its self-assessment), or the office alone
    # (通报批评 the office knows of): the unit's cells are locked and only the 核定分 counts
    reported_by: Literal["unit", "office"] = "unit"

    @property
    def base_points(self) -> Decimal:
        return sum((c.points for c in self.criteria if not c.bonus), ZERO)

    @property
    def open_ended(self) -> bool:
        """Has a criterion without a maximum (每篇计10分, 不设上限)."""
        return any(not c.rule.capped for c in self.criteria)

    @property
    def bonus_points(self) -> Decimal:
        return sum((c.points for c in self.criteria if c.bonus), ZERO)


@dataclass(frozen=True)
class Section:
    """A part of the rubric. ``base`` items make the base score; ``bonus`` (加分项目) and ``deduct``
    (扣分项目) items are adjustments outside the base: what their criteria earn is added to or taken
    from the total, at most ``cap`` per section."""

    id: str
    title: str
    items: tuple[Item, ...]
    kind: Literal["base", "bonus", "deduct"] = "base"
    points: Decimal | None = None
    cap: Decimal | None = None


@dataclass(frozen=True)
class Gate:
    """A condition the inspectors decide (弄虚作假, 未按时报送 …) and what it does to the unit.

    ``grade`` forces a grade (一票否决); ``deduct`` takes points off; ``grade_cap`` caps the grade
    ("不得评为优秀"); ``exclude`` takes the unit out of the ranking ("逾期作弃权处理").

    A gate with ``section_min`` is decided by the scores, not by the inspectors: it applies when any
    base section the unit has items in (or any of ``sections``) scores below that share of the unit's
    maximum there ("每部分须达60%方可评为合格").
    """

    id: str
    name: str
    description: str = ""
    grade: str | None = None
    deduct: Decimal = ZERO
    grade_cap: str | None = None
    exclude: bool = False
    section_min: Decimal | None = None
    sections: tuple[str, ...] = ()

    @property
    def is_veto(self) -> bool:
        """A real 否决事项: it decides the grade or the ranking, not just points."""
        return self.grade is not None or self.grade_cap is not None or self.exclude

    @property
    def automatic(self) -> bool:
        """Decided from the scores (a section minimum), so no inspector answers it on a form."""
        return self.section_min is not None

    def condition(self, section_titles: Mapping[str, str] | None = None) -> str:
        """When the gate applies, in words (for a section minimum; other gates are their name)."""
        if self.section_min is None:
            return self.name
        where = "任一部分"
        if self.sections:
            titles = section_titles or {}
            where = "、".join(f"“{titles.get(s, s)}”" for s in self.sections) + "中任一部分"
        return f"{where}得分低于该部分分值的{fmt(self.section_min * 100)}%"

    def effect(self) -> str:
        """The effect in words, as every report and the template print it."""
        parts: list[str] = []
        if self.grade:
            parts.append(f"等次定为{self.grade}")
        if self.grade_cap:
            parts.append(f"等次最高为{self.grade_cap}")
        if self.exclude:
            parts.append("取消排名")
        if self.deduct:
            parts.append(f"扣{fmt(self.deduct)}分")
        return "，".join(parts)


@dataclass(frozen=True)
class Quota:
    """At most this many units of a group get the grade; the rest fall to the next grade in rank order."""

    count: int | None = None
    share: Decimal | None = None
    rounding: Literal["floor", "half_up", "ceil"] = "floor"
    ties: Literal["keep", "drop"] = "keep"

    def places(self, ranked: int) -> int:
        """Places for a group of ``ranked`` units (a share of them, rounded as declared)."""
        if self.count is not None:
            return self.count
        assert self.share is not None
        exact = self.share * ranked
        mode = {"floor": ROUND_FLOOR, "half_up": ROUND_HALF_UP, "ceil": ROUND_CEILING}[self.rounding]
        return int(exact.to_integral_value(rounding=mode))

    def describe(self) -> str:
        if self.count is not None:
            limit = f"不超过{self.count}个"
        else:
            assert self.share is not None
            how = {"floor": "向下取整", "half_up": "四舍五入", "ceil": "向上取整"}[self.rounding]
            limit = f"不超过参加排名单位数的{fmt(self.share * 100)}%（名额{how}）"
        tie = "名额线上并列的单位均保留" if self.ties == "keep" else "名额线上并列的单位均降为下一等次"
        return f"{limit}，{tie}"


@dataclass(frozen=True)
class GradeBand:
    name: str
    interval: Interval
    quota: Quota | None = None


@dataclass(frozen=True)
class Assignment:
    """An item as it applies to one unit: the weight multiplies its points."""

    item: Item
    section: Section
    weight: Decimal
    # each criterion's (lowest, highest) score at this weight, in the item's order: asked for every
    # criterion of every unit several times while scoring, so made once with the assignment
    ranges: tuple[tuple[Decimal, Decimal], ...] = field(init=False, repr=False, compare=False)
    # each criterion's uid ("item.criterion") and its name in a 复核提示 ("第3项 标题（细则…）"), likewise
    uids: tuple[str, ...] = field(init=False, repr=False, compare=False)
    labels: tuple[str, ...] = field(init=False, repr=False, compare=False)
    is_bonus: bool = field(init=False, repr=False, compare=False)
    is_deduct: bool = field(init=False, repr=False, compare=False)
    is_adjustment: bool = field(init=False, repr=False, compare=False)  # outside the base: 加分 or 扣分

    def __post_init__(self) -> None:
        item = self.item
        kind = self.section.kind
        object.__setattr__(self, "is_bonus", kind == "bonus")
        object.__setattr__(self, "is_deduct", kind == "deduct")
        object.__setattr__(self, "is_adjustment", kind != "base")
        object.__setattr__(self, "ranges", tuple(c.score_range(self.weight) for c in item.criteria))
        object.__setattr__(self, "uids", tuple(f"{item.id}.{c.id}" for c in item.criteria))
        number = item.number or item.id
        where = f"第{number}项" if number.isdigit() else f"{number} "
        object.__setattr__(
            self,
            "labels",
            tuple(
                f"{where}{item.title}（{c.text if len(c.text) <= 14 else c.text[:13] + '…'}）"
                for c in item.criteria
            ),
        )

    @property
    def max_points(self) -> Decimal:
        return self.item.base_points * self.weight if self.section.kind == "base" else ZERO


@dataclass(frozen=True)
class Rubric:
    meta: Meta
    settings: Settings
    groups: tuple[Group, ...]
    units: tuple[Unit, ...]
    item_groups: tuple[ItemGroup, ...]
    sections: tuple[Section, ...]
    gates: tuple[Gate, ...] = ()
    grades: tuple[GradeBand, ...] = ()
    total: Decimal | None = None
    content_hash: str = ""
    # lookups every run needs thousands of times, derived from the fields above when the rubric is made
    index: RubricIndex = field(init=False, repr=False, compare=False)

    # --- lookups ---------------------------------------------------------------------------
    def grades_high_to_low(self) -> list[GradeBand]:
        """Grade bands from the best down (by their lower bounds), whatever order the file lists them in."""
        return sorted(
            self.grades,
            key=lambda b: -(b.interval.low if b.interval.low is not None else Decimal("-Infinity")),
        )

    def items(self) -> Iterator[tuple[Section, Item]]:
        for section in self.sections:
            for item in section.items:
                yield section, item

    def __post_init__(self) -> None:
        object.__setattr__(self, "index", RubricIndex.build(self))

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        """Pickled as its fields; the index is rebuilt on arrival (a worker started by spawn)."""
        return self.__class__, tuple(getattr(self, f.name) for f in fields(self) if f.init)

    def group(self, group_id: str) -> Group:
        return self.index.groups[group_id]

    def unit(self, unit_id: str) -> Unit:
        return self.index.units[unit_id]

    def find_unit(self, name: str) -> Unit | None:
        """Resolve a unit by id, official name or alias (whitespace and bracket width ignored)."""
        return self.index.names.get(normalise_name(name))

    def assessed_units(self, group_id: str | None = None) -> list[Unit]:
        return [u for u in self.units if u.assessed and (group_id is None or u.group == group_id)]

    def assignment_profile(self, unit: Unit) -> Profile:
        """What decides a unit's items: its group, the item groups it leads, whether items name it.

        Units with equal profiles get the very same assignments (and, in adapters, the same expected
        rows): a national rubric's 3,000 counties share one list instead of building 3,000.
        """
        return self.index.profiles[unit.id]

    def assignments(self, unit: Unit) -> tuple[Assignment, ...]:
        """The items that apply to ``unit``, in rubric order, with the largest matching weight."""
        return self.index.assignments[self.index.profiles[unit.id]]

    def max_base(self, unit: Unit) -> Decimal:
        return self.index.max_base[self.index.profiles[unit.id]]

    def structure_fingerprint(self) -> str:
        """Hash of what a filled workbook depends on (ids, points, inputs), not wording.

        A rubric edit that changes only wording keeps this fingerprint, so old templates stay usable.
        """
        shape = [
            [
                item.id,
                [
                    [c.id, str(c.points), c.bonus, [(s.key, s.kind, s.options) for s in c.inputs()]]
                    for c in item.criteria
                ],
            ]
            for _, item in self.items()
        ]
        return hashlib.sha256(json.dumps(shape, ensure_ascii=False).encode()).hexdigest()[:16]


Profile = tuple[str, tuple[str, ...], str | None]


@dataclass(frozen=True)
class RubricIndex:
    """Read-only lookups derived from a rubric once, when it is made (never filled in later)."""

    groups: Mapping[str, Group]
    units: Mapping[str, Unit]
    names: Mapping[str, Unit]  # normalised name, alias or id → unit
    profiles: Mapping[str, Profile]  # unit id → assignment profile
    assignments: Mapping[Profile, tuple[Assignment, ...]]
    max_base: Mapping[Profile, Decimal]

    @classmethod
    def build(cls, rubric: Rubric) -> RubricIndex:
        names: dict[str, Unit] = {}
        for unit in rubric.units:  # names first, then ids, so a name never loses to an id
            for n in unit.names:
                names.setdefault(normalise_name(n), unit)
        for unit in rubric.units:
            names.setdefault(normalise_name(unit.id), unit)
        leads_of = {g.id: frozenset(g.leads) for g in rubric.item_groups}
        named = frozenset(s.ref for _, item in rubric.items() for s in item.applies_to if s.kind == "unit")
        profiles: dict[str, Profile] = {}
        assignments: dict[Profile, tuple[Assignment, ...]] = {}
        for unit in rubric.units:
            leads = tuple(g for g, members in leads_of.items() if unit.id in members)
            profile = (unit.group, leads, unit.id if unit.id in named else None)
            profiles[unit.id] = profile
            if profile not in assignments:
                assignments[profile] = _assignments(rubric, unit, leads_of)
        max_base = {p: sum((a.max_points for a in given), ZERO) for p, given in assignments.items()}
        return cls(
            MappingProxyType({g.id: g for g in rubric.groups}),
            MappingProxyType({u.id: u for u in rubric.units}),
            MappingProxyType(names),
            MappingProxyType(profiles),
            MappingProxyType(assignments),
            MappingProxyType(max_base),
        )


def _assignments(
    rubric: Rubric, unit: Unit, leads_of: Mapping[str, frozenset[str]]
) -> tuple[Assignment, ...]:
    result: list[Assignment] = []
    for section, item in rubric.items():
        weights = [
            s.weight
            for s in item.applies_to
            if (s.kind == "unit" and s.ref == unit.id)
            or (s.kind == "group" and s.ref == unit.group)
            or (s.kind == "leads" and unit.id in leads_of.get(s.ref, frozenset()))
        ]
        if weights:
            result.append(Assignment(item, section, max(weights)))
    return tuple(result)


_NAME_TABLE = str.maketrans({"(": "（", ")": "）", " ": "", "\u3000": "", "\t": ""})


def normalise_name(name: str) -> str:
    """Compare unit names the way people mean them: ignore spaces and bracket width."""
    return name.strip().translate(_NAME_TABLE)
