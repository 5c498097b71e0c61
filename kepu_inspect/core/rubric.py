"""The rubric (考核细则) as plain typed data: units, sections, items, criteria, gates and grades.

Independent of YAML, openpyxl and the CLI; the adapters build it, everything else reads it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, fields
from decimal import Decimal
from types import MappingProxyType
from typing import Any, Literal

from kepu_inspect.core.numbers import ZERO, Interval
from kepu_inspect.core.rules import InputSpec, Rule


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


TieBreak = Literal["base", "bonus", "fewer_deductions", "self_lower"]
Role = Literal["lead", "cooperate"]  # 牵头 / 配合

TIE_BREAK_LABELS: dict[str, str] = {
    "base": "基本分（核定）高者列前",
    "bonus": "加分高者列前",
    "fewer_deductions": "扣分少者列前",
    "self_lower": "自评分与核定分差距小者列前",
}


@dataclass(frozen=True)
class Settings:
    decimals: int = 2
    unverified: Literal["self", "computed", "lower", "zero"] = "self"
    overclaim_threshold: Decimal | None = None
    overclaim_deduction: Decimal = ZERO
    tie_breaks: tuple[str, ...] = ()
    bonus_cap: Decimal | None = None
    missing_grade: str = ""


@dataclass(frozen=True)
class Group:
    """A ranking group (县（市、区）, 市直成员单位 …)."""

    id: str
    name: str
    kind: Literal["county", "department", "other"] = "other"
    total: Decimal | None = None
    normalise: bool = False


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
        object.__setattr__(self, "input_specs", tuple(self.rule.inputs()))

    def inputs(self) -> list[InputSpec]:
        return list(self.input_specs)


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

    @property
    def base_points(self) -> Decimal:
        return sum((c.points for c in self.criteria if not c.bonus), ZERO)

    @property
    def bonus_points(self) -> Decimal:
        return sum((c.points for c in self.criteria if c.bonus), ZERO)


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    items: tuple[Item, ...]
    kind: Literal["base", "bonus"] = "base"
    points: Decimal | None = None
    cap: Decimal | None = None


@dataclass(frozen=True)
class Gate:
    """A veto (一票否决) such as 弄虚作假: forces a grade and/or deducts points."""

    id: str
    name: str
    description: str = ""
    grade: str | None = None
    deduct: Decimal = ZERO


@dataclass(frozen=True)
class GradeBand:
    name: str
    interval: Interval


@dataclass(frozen=True)
class Assignment:
    """An item as it applies to one unit: the weight multiplies its points."""

    item: Item
    section: Section
    weight: Decimal

    @property
    def max_points(self) -> Decimal:
        return self.item.base_points * self.weight if self.section.kind == "base" else ZERO

    @property
    def is_bonus(self) -> bool:
        return self.section.kind == "bonus"


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
