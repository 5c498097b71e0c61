"""What the parser found before any unit is resolved: sections, groups and items with the names as
written. Text plans and table plans both produce a :class:`Draft`; ``assemble`` turns it into a Plan."""

from __future__ import annotations

from dataclasses import dataclass, field

from kepu_inspect.core.plan.annotations import Mention
from kepu_inspect.core.plan.model import PlanNote, PlanSection
from kepu_inspect.core.plan.text import compact, same_text
from kepu_inspect.core.problems import Problem


@dataclass
class RawGroup:
    number: int
    title: str
    section: int
    leads: list[Mention]
    line: int
    annotation: str = ""  # as written, for a group that turns out to be an item


@dataclass
class RawItem:
    number: int
    text: str
    mentions: list[Mention]  # in order, roles as written
    annotation: str
    annotated: bool
    bad_pieces: list[str]
    section: int
    group: int | None
    line: int
    duplicates: int = 0


@dataclass
class Draft:
    title: str = ""
    issuer: str = ""
    year: int | None = None
    lead_first: str = ""  # the plan's own note "列第一位者为牵头单位", as written
    converted: bool = False
    sections: list[PlanSection] = field(default_factory=list)
    section_leads: list[list[Mention]] = field(default_factory=list)
    groups: list[RawGroup] = field(default_factory=list)
    items: list[RawItem] = field(default_factory=list)
    notes: list[PlanNote] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    office: dict[str, int] = field(default_factory=dict)  # the office (市素质办) → line of first mention


class ItemIndex:
    """Earlier items by the start of their text and by number, so finding copies stays linear."""

    def __init__(self) -> None:
        self.by_head: dict[str, list[tuple[str, RawItem]]] = {}
        self.by_number: dict[int, list[tuple[str, RawItem]]] = {}

    def add(self, item: RawItem) -> None:
        key = compact(item.text)
        self.by_head.setdefault(key[:4], []).append((key, item))
        self.by_number.setdefault(item.number, []).append((key, item))

    def duplicate_of(self, item: RawItem, repeating: bool) -> RawItem | None:
        """An earlier item this one copies. Inside a repeated passage (the previous heading or item was a
        copy) even a fragment cut short by the end of the copy counts; elsewhere a copy repeats its
        number — two items with different numbers are two items, however alike."""
        key = compact(item.text)
        if len(key) < (2 if repeating else 6):
            return None
        if repeating:
            for other_key, other in self.by_head.get(key[:4], []):
                if other_key.startswith(key):
                    return other
        for other_key, other in self.by_number.get(item.number, []):
            if same_text(other_key, key):
                return other
        return None


def merge_into(kept: RawItem, copy: RawItem) -> None:
    """Keep one item from two copies: the fuller text, and the annotation of whichever copy has one."""
    kept.duplicates += 1
    if len(compact(copy.text)) > len(compact(kept.text)):
        kept.text = copy.text
    if copy.annotated and not kept.annotated:
        kept.mentions, kept.annotation, kept.annotated, kept.bad_pieces = (
            copy.mentions,
            copy.annotation,
            True,
            copy.bad_pieces,
        )
