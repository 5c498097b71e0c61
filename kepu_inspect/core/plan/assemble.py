"""A :class:`Draft` → a :class:`Plan`: the plan's level decides what its collectives mean, names are
completed and resolved to units, and every item gets its units, collectives and roles — or, when the
plan names nobody, a stand-in that a warning points out."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from kepu_inspect.core.plan.annotations import Mention
from kepu_inspect.core.plan.document import level_of, place_of
from kepu_inspect.core.plan.draft import Draft, RawItem
from kepu_inspect.core.plan.model import (
    GROUP_NAMES,
    LEVEL_NAMES,
    Collective,
    Level,
    OfficialUnit,
    Plan,
    PlanGroup,
    PlanItem,
    PlanSection,
    Role,
)
from kepu_inspect.core.plan.resolve import Registry, resolve_units
from kepu_inspect.core.plan.text import Simplifier, short_title
from kepu_inspect.core.plan.units import collective_of, expand_prefix, lower_department
from kepu_inspect.core.problems import Code, Problem, problem
from kepu_inspect.core.rubric import normalise_name


@dataclass
class _Entry:
    """One mention after level and prefix rules: a unit name, a collective, the office or a placeholder."""

    kind: str  # unit | dept | county | leads | vague | office | undetermined
    name: str
    role: Role | None


@dataclass
class _Assembly:
    draft: Draft
    official: Sequence[OfficialUnit]
    simplify: Simplifier
    level: Level = "city"
    registry: Registry = field(default_factory=Registry)
    problems: list[Problem] = field(default_factory=list)
    office: dict[str, int] = field(default_factory=dict)
    listed: frozenset[str] = frozenset()  # every name and alias of the office's unit list, normalised

    def __post_init__(self) -> None:
        self.listed = frozenset(
            normalise_name(self.simplify(n)) for ou in self.official for n in (ou.name, *ou.aliases)
        )

    def entries(self, mentions: Sequence[Mention], line: int, number: int | None) -> list[_Entry]:
        """Classify and register one list of mentions (an item's or a group's)."""
        out: list[_Entry] = []
        previous = ""
        for m in mentions:
            if m.undetermined:
                out.append(_Entry("undetermined", m.name, None))
                continue
            name = self.simplify(m.name)
            listed = normalise_name(name) in self.listed  # --units always wins over a guess
            kind = None if listed else collective_of(name) or lower_department(name, self.level)
            if kind == "county" and collective_of(name) is None and number is not None:
                self.problems.append(
                    problem(
                        Code.PL009,
                        number=number,
                        text=name,
                        meaning=f"各{GROUP_NAMES[self.level][0]}",
                        line=line,
                    )
                )
            if kind is not None:
                if kind == "office":
                    self.office.setdefault(name, line)
                out.append(_Entry(kind, name, m.role))
                continue
            expanded = expand_prefix(name, previous, self.level)
            if expanded is not None:
                self.problems.append(problem(Code.PL014, short=name, name=expanded, number=number, line=line))
                name = expanded
            previous = name
            if m.alias:
                self.registry.add_alias(name, self.simplify(m.alias), line)
            else:
                self.registry.add(name, line)
            out.append(_Entry("unit", name, m.role))
        return out


def assemble(draft: Draft, official: Sequence[OfficialUnit] = (), simplify: Simplifier | None = None) -> Plan:
    """Resolve a draft's names into units and build the plan; every doubt becomes a problem."""
    work = _Assembly(draft, official, simplify or (lambda s: s))
    place = place_of(draft.title)
    names = [
        work.simplify(m.name)
        for mentions in [it.mentions for it in draft.items] + [g.leads for g in draft.groups]
        for m in mentions
        if not m.undetermined and collective_of(m.name) is None
    ]
    work.level, why = level_of(place, names)
    # a city plan is what the tool always assumed; another level read from unit names alone, or no
    # evidence at all, is a decision the clerk should see
    if not place and draft.items and (work.level != "city" or not names):
        work.problems.append(
            problem(Code.PL018, level=LEVEL_NAMES[work.level], basis=why, below=GROUP_NAMES[work.level][0])
        )
    if draft.lead_first:
        work.problems.append(problem(Code.PL016, text=draft.lead_first))
    group_entries, section_entries, item_entries = _register_in_order(draft, work)
    if not draft.items:
        work.problems.append(problem(Code.PL006))
    units, canonical = resolve_units(work.registry, official, work.simplify, work.level, work.problems)
    for name, line in work.office.items():
        work.problems.append(problem(Code.PL010, name=name, line=line))
    groups = [
        PlanGroup(g.number, g.title, g.section, _unit_names(entries, canonical), g.line)
        for g, entries in zip(draft.groups, group_entries, strict=True)
    ]
    sections = [
        PlanSection(s.number, s.heading, s.title, s.line, _unit_names(entries, canonical))
        for s, entries in zip(draft.sections, section_entries, strict=True)
    ]
    with_leads = {i for i, g in enumerate(groups) if g.leads}
    items = [
        _item(raw, entries, canonical, with_leads, work)
        for raw, entries in zip(draft.items, item_entries, strict=True)
    ]
    return Plan(
        title=draft.title,
        year=draft.year,
        place=place,
        sections=tuple(sections),
        groups=tuple(groups),
        items=tuple(items),
        units=tuple(units),
        problems=tuple(draft.problems + work.problems),
        converted_traditional=draft.converted,
        level=work.level,
        issuer=_full_issuer(draft.issuer, place),
        notes=tuple(draft.notes),
    )


def _full_issuer(issuer: str, place: str) -> str:
    """市人民政府办公室 in 赤壁市's cover is 赤壁市人民政府办公室."""
    if issuer and place and issuer[0] in "省市县区" and place.endswith(issuer[0]):
        return place + issuer[1:]
    return issuer


def _register_in_order(
    draft: Draft, work: _Assembly
) -> tuple[list[list[_Entry]], list[list[_Entry]], list[list[_Entry]]]:
    """Names are registered in the plan's own order (unit ids follow first appearance)."""
    order: list[tuple[int, int, str, int]] = [(s.line, 0, "section", i) for i, s in enumerate(draft.sections)]
    order += [(g.line, 1, "group", i) for i, g in enumerate(draft.groups)]
    order += [(it.line, 2, "item", i) for i, it in enumerate(draft.items)]
    found: dict[tuple[str, int], list[_Entry]] = {}
    for _, _, kind, i in sorted(order):
        if kind == "section":
            found[kind, i] = work.entries(draft.section_leads[i], draft.sections[i].line, None)
        elif kind == "group":
            found[kind, i] = work.entries(draft.groups[i].leads, draft.groups[i].line, None)
        else:
            found[kind, i] = work.entries(draft.items[i].mentions, draft.items[i].line, draft.items[i].number)
    return (
        [found["group", i] for i in range(len(draft.groups))],
        [found["section", i] for i in range(len(draft.sections))],
        [found["item", i] for i in range(len(draft.items))],
    )


def _unit_names(entries: Sequence[_Entry], canonical: dict[str, str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(canonical.get(e.name, e.name) for e in entries if e.kind == "unit"))


@dataclass
class _Assigned:
    """An item's entries sorted out: named units, collectives, roles and the office."""

    units: list[str] = field(default_factory=list)
    collectives: list[Collective] = field(default_factory=list)
    roles: dict[str, Role] = field(default_factory=dict)
    office: list[str] = field(default_factory=list)


def _assign(
    raw: RawItem, entries: list[_Entry], canonical: dict[str, str], any_leads: bool, work: _Assembly
) -> _Assigned:
    got = _Assigned()
    members = f"全部{GROUP_NAMES[work.level][1]}"
    for e in entries:
        if e.kind == "unit":
            name = canonical.get(e.name, e.name)
            got.units.append(name)
            if e.role:
                got.roles.setdefault(name, e.role)
        elif e.kind == "office":
            got.office.append(e.name)
        elif e.kind == "undetermined":
            work.problems.append(problem(Code.PL013, number=raw.number, text=e.name, line=raw.line))
        else:
            coll: Collective = "dept" if e.kind == "vague" else e.kind  # type: ignore[assignment]
            text = e.name
            if coll == "leads" and not any_leads:
                coll, text = "dept", f"{e.name}（原文没有写明牵头部门）"
            if e.kind == "vague" or text != e.name:
                work.problems.append(
                    problem(Code.PL009, number=raw.number, text=text, meaning=members, line=raw.line)
                )
            got.collectives.append(coll)
            if e.role:
                got.roles.setdefault(coll, e.role)
    got.units = list(dict.fromkeys(got.units))
    got.collectives = list(dict.fromkeys(got.collectives))
    return got


def _item(
    raw: RawItem, entries: list[_Entry], canonical: dict[str, str], with_leads: set[int], work: _Assembly
) -> PlanItem:
    add = work.problems.append
    got = _assign(raw, entries, canonical, bool(with_leads), work)
    for text_bad in raw.bad_pieces:
        add(problem(Code.PL003, number=raw.number, text=text_bad, line=raw.line))
    if raw.annotated and not entries and not raw.bad_pieces:
        add(problem(Code.PL003, number=raw.number, text=raw.annotation or "（空）", line=raw.line))
    if not raw.annotated:
        add(problem(Code.PL002, number=raw.number, line=raw.line))
    fallback = not got.units and not got.collectives
    if fallback:
        # nothing to score against (no annotation, or only 市素质办 / 待定): the group's leads, else everyone
        own = raw.group is not None and raw.group in with_leads
        got.collectives = ["own_leads"] if own else ["dept"]
        if raw.annotated and not raw.bad_pieces and not any(e.kind == "undetermined" for e in entries):
            meaning = "本组牵头单位" if own else f"全部{GROUP_NAMES[work.level][1]}"
            add(problem(Code.PL009, number=raw.number, text=raw.annotation, meaning=meaning, line=raw.line))
    return PlanItem(
        number=raw.number,
        text=raw.text,
        title=short_title(raw.text, raw.number),
        section=raw.section,
        group=raw.group,
        units=tuple(got.units),
        collectives=tuple(got.collectives),
        annotation=raw.annotation,
        annotated=raw.annotated,
        office=tuple(got.office),
        line=raw.line,
        roles=tuple(got.roles.items()),
        fallback=fallback,
    )
