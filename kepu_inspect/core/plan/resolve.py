"""From the spellings a plan uses to its units: the office's list first (``--units`` always wins),
then the plan's own bracketed alternative names, then the alias heuristic (reported, never silent)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from kepu_inspect.core.plan.model import GROUP_NAMES, Level, OfficialUnit, PlanUnit, UnitGroup
from kepu_inspect.core.plan.text import Simplifier
from kepu_inspect.core.plan.units import alias_strength, looks_like_lower
from kepu_inspect.core.problems import Code, Problem, problem
from kepu_inspect.core.rubric import normalise_name

_MAX_BUCKET = 400


def _ending(name: str) -> str:
    for long, short in (("委员会", "委"), ("办公室", "办"), ("联合会", "联"), ("协会", "协")):
        if name.endswith(long):
            return short
    return name[-1:]


@dataclass
class Registry:
    """Unit names seen so far, in order of first appearance, with how often each spelling occurs."""

    order: list[str] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)
    lines: dict[str, int] = field(default_factory=dict)
    pairs: list[tuple[str, str]] = field(default_factory=list)  # (name, alias) the plan wrote as 名〔别名〕

    def add(self, name: str, line: int) -> None:
        if name not in self.counts:
            self.order.append(name)
            self.lines[name] = line
        self.counts[name] += 1

    def add_alias(self, name: str, alias: str, line: int) -> None:
        self.add(name, line)
        self.add(alias, line)
        self.counts[alias] -= 1  # the alternative name is not a mention of its own
        self.pairs.append((name, alias))


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, x: str) -> str:
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[rb] = ra


@dataclass
class _Resolution:
    registry: Registry
    official: Sequence[OfficialUnit]
    simplify: Simplifier
    level: Level
    problems: list[Problem]
    uf: _UnionFind = field(default_factory=_UnionFind)
    matched: dict[str, int] = field(default_factory=dict)  # spelling → index in official
    guessed: set[str] = field(default_factory=set)  # merged by the heuristic, reported once named

    def match_official(self) -> None:
        official_key: dict[str, int] = {}
        for idx, ou in enumerate(self.official):
            for n in (ou.name, *ou.aliases):
                official_key.setdefault(normalise_name(self.simplify(n)), idx)
        for name in self.registry.order:
            self.uf.find(name)
            key = normalise_name(name)
            if key in official_key:
                self.matched[name] = official_key[key]
                continue
            if not self.official:
                continue
            strong = {
                i
                for i, ou in enumerate(self.official)
                for n in (ou.name, *ou.aliases)
                if alias_strength(name, normalise_name(self.simplify(n))) == "strong"
            }
            if len(strong) == 1:
                self.matched[name] = strong.pop()
                self.guessed.add(name)
                continue
            if not any(name == alias for _, alias in self.registry.pairs):
                self.problems.append(problem(Code.PL008, name=name, line=self.registry.lines.get(name)))
        by_official: dict[int, str] = {}
        for name, idx in self.matched.items():
            if idx in by_official:
                self.uf.union(by_official[idx], name)
            else:
                by_official[idx] = name

    def merge_written_pairs(self) -> None:
        for name, alias in self.registry.pairs:
            if self.uf.find(name) != self.uf.find(alias):
                self.uf.union(name, alias)
                self.problems.append(
                    problem(Code.PL017, alias=alias, name=name, line=self.registry.lines.get(name))
                )

    def merge_by_heuristic(self) -> None:
        """Spellings compared pairwise within their ending (委, 局, 协 … — alias_strength needs the same
        ending); a bucket beyond _MAX_BUCKET names is no plan's unit list and is left unmerged."""
        buckets: dict[str, list[str]] = {}
        for name in self.registry.order:
            if name not in self.matched:
                buckets.setdefault(_ending(name), []).append(name)
        for names in buckets.values():
            if len(names) <= _MAX_BUCKET:
                self._merge_pairs(names)

    def _merge_pairs(self, free: list[str]) -> None:
        for i, a in enumerate(free):
            for b in free[i + 1 :]:
                strength = alias_strength(a, b)
                if strength == "strong" and self.uf.find(a) != self.uf.find(b):
                    self.uf.union(a, b)
                    self.guessed.update((a, b))
                elif strength == "weak":
                    short, long = sorted((a, b), key=len)
                    self.problems.append(
                        problem(Code.PL004, short=short, long=long, line=self.registry.lines.get(long))
                    )

    def group_of(self, name: str, given: UnitGroup | None) -> UnitGroup:
        if given is not None:
            return given
        if looks_like_lower(name, self.level):
            below, members = GROUP_NAMES[self.level]
            line = self.registry.lines.get(name)
            self.problems.append(problem(Code.PL026, name=name, below=below, members=members, line=line))
            return "county"
        return "dept"

    def units(self) -> tuple[list[PlanUnit], dict[str, str]]:
        registry = self.registry
        clusters: dict[str, list[str]] = {}
        for name in registry.order:
            clusters.setdefault(self.uf.find(name), []).append(name)
        units: list[PlanUnit] = []
        canonical: dict[str, str] = {}
        used_official: set[int] = set()
        written_aliases = {alias for _, alias in registry.pairs}
        for members in clusters.values():
            found = next((self.matched[m] for m in members if m in self.matched), None)
            if found is not None:
                ou = self.official[found]
                used_official.add(found)
                name = ou.name
                aliases = [*ou.aliases, *(m for m in members if normalise_name(m) != normalise_name(name))]
                group = self.group_of(name, ou.group)
            else:
                candidates = [m for m in members if m not in written_aliases] or members
                name = max(candidates, key=lambda m: (registry.counts[m], len(m), -registry.order.index(m)))
                aliases = [m for m in members if m != name]
                group = self.group_of(name, None)
            unique = tuple(dict.fromkeys(a for a in aliases if normalise_name(a) != normalise_name(name)))
            for m in members:
                canonical[m] = name
                if m in self.guessed and m != name:
                    self.problems.append(problem(Code.PL007, alias=m, name=name, line=registry.lines.get(m)))
            mentions = sum(registry.counts[m] for m in members)
            units.append(PlanUnit(name, group, unique, found is not None, True, mentions))
        for index, ou in enumerate(self.official):
            if index not in used_official:
                group = self.group_of(ou.name, ou.group)
                units.append(PlanUnit(ou.name, group, tuple(ou.aliases), True, False, 0))
        return units, canonical


def resolve_units(
    registry: Registry,
    official: Sequence[OfficialUnit],
    simplify: Simplifier,
    level: Level,
    problems: list[Problem],
) -> tuple[list[PlanUnit], dict[str, str]]:
    """Merge spellings into units; returns the units and a map spelling → canonical name."""
    work = _Resolution(registry, official, simplify, level, problems)
    work.match_official()
    work.merge_written_pairs()
    work.merge_by_heuristic()
    return work.units()
