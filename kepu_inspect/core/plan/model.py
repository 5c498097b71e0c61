"""The plan as data: sections, item groups with their leads, numbered items and the units responsible
for each, with each unit's role (牵头 / 配合) where the plan gives one."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from kepu_inspect.core.problems import Problem

UnitGroup = Literal["county", "dept"]
# dept: 各成员单位; county: the level below (各县（市、区）, 各乡镇（街道）…); leads: 各牵头单位 (every
# group's leads); own_leads: the leads of the item's own group (a fallback when an item names no unit)
Collective = Literal["dept", "county", "leads", "own_leads"]
Role = Literal["lead", "cooperate"]
# who wrote the plan: the level decides what a collective like 各县（市、区） / 各乡镇（街道） means and how
# the rubric's groups are named
Level = Literal["national", "province", "city", "county", "district"]

LEVEL_NAMES: dict[Level, str] = {
    "national": "全国",
    "province": "省级",
    "city": "市级",
    "county": "县级",
    "district": "区级",
}
# (the level below, the member departments) as the rubric's two ranking groups are named
GROUP_NAMES: dict[Level, tuple[str, str]] = {
    "national": ("省（区、市）", "成员单位"),
    "province": ("市（州）", "省直成员单位"),
    "city": ("县（市、区）", "市直成员单位"),
    "county": ("乡镇（街道）", "县直成员单位"),
    "district": ("街道（乡镇）", "区直成员单位"),
}
COUNTY_GROUP_NAME, DEPT_GROUP_NAME = GROUP_NAMES["city"]


@dataclass(frozen=True)
class OfficialUnit:
    """One entry of the office's own unit list (``--units``): the name wins over the plan's spelling."""

    name: str
    aliases: tuple[str, ...] = ()
    group: UnitGroup | None = None


@dataclass(frozen=True)
class PlanUnit:
    """A unit named in the plan (or supplied by the official list), after alias merging."""

    name: str
    group: UnitGroup
    aliases: tuple[str, ...] = ()
    official: bool = False
    named: bool = True  # False: only in the official list, never named in the plan
    mentions: int = 0


@dataclass(frozen=True)
class PlanSection:
    number: int
    heading: str  # as printed, e.g. 一、以服务创新驱动发展战略实施为导向…
    title: str  # without the number
    line: int
    leads: tuple[str, ...] = ()  # a section-level 牵头单位 annotation (rare)


@dataclass(frozen=True)
class PlanGroup:
    """An item group (（一）实施青少年科学素质行动) and its 牵头部门 (none when the plan names none)."""

    number: int
    title: str
    section: int  # index into Plan.sections
    leads: tuple[str, ...]
    line: int


@dataclass(frozen=True)
class PlanNote:
    """A part of the plan kept as text, not as items: 工作要求, 保障措施, 总体要求 …"""

    title: str
    text: str
    line: int


@dataclass(frozen=True)
class PlanItem:
    number: int  # as printed
    text: str  # the full text, without number and annotation
    title: str  # a short title for the rubric
    section: int  # index into Plan.sections
    group: int | None  # index into Plan.groups
    units: tuple[str, ...]  # canonical names of named units, in the plan's order
    collectives: tuple[Collective, ...] = ()  # 各成员单位 → dept, 各县（市、区） → county, 各牵头单位 → leads
    annotation: str = ""  # the annotation as written (without brackets), "" if none
    annotated: bool = False
    office: tuple[str, ...] = ()  # names of the office (市素质办) found in the annotation, not scored
    line: int = 0
    # (unit name or collective, role) for every entry whose role the plan states
    roles: tuple[tuple[str, Role], ...] = ()
    # True: the plan names nobody; ``collectives`` holds the importer's stand-in (everyone / the
    # group's leads), reported with a warning
    fallback: bool = False

    def role_of(self, name: str) -> Role | None:
        return next((role for who, role in self.roles if who == name), None)


@dataclass(frozen=True)
class Plan:
    title: str
    year: int | None
    place: str  # the place in the title: 平顶山市, 郑州市金水区, "" for a national plan
    sections: tuple[PlanSection, ...]
    groups: tuple[PlanGroup, ...]
    items: tuple[PlanItem, ...]
    units: tuple[PlanUnit, ...]
    problems: tuple[Problem, ...] = ()
    converted_traditional: bool = False
    level: Level = "city"
    issuer: str = ""  # as the plan names it (signature, 印发通知, 红头), "" if it names none
    notes: tuple[PlanNote, ...] = ()

    def items_of(self, section: int) -> list[PlanItem]:
        return [it for it in self.items if it.section == section]

    def counties_named(self) -> bool:
        return any(u.group == "county" for u in self.units)

    @property
    def group_names(self) -> tuple[str, str]:
        """The rubric's names for (the level below, the member departments)."""
        return GROUP_NAMES[self.level]
