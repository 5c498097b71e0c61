"""What can still be checked in a rubric the JSON Schema refused: cut the broken entries, keep the rest.

A clerk who fixes one schema error at a time, only to meet the semantic problems afterwards, checks the
file three times. So the entries a schema error is inside (a criterion, an item, a unit, a gate …) are
cut from a copy of the document, the copy is checked for meaning, and each problem found is mapped back
to the entry's place in the file. Problems the cut itself could cause (sums missing the cut criterion,
names of cut units) are left out: the schema errors already point there.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

# lists whose entries are whole things a schema error can be contained in
ENTITY_LISTS = frozenset(
    {"groups", "units", "item_groups", "gates", "grades", "sections", "items", "criteria", "applies_to"}
)
# a list left empty by the cuts takes its owner with it (an item without criteria is no item)
_MUST_HAVE = frozenset({"items", "criteria", "applies_to", "groups", "units", "sections"})
_TOKEN = re.compile(r"([^.\[\]]+)|\[(\d+)\]")

Token = str | int


def tokens(path: str) -> list[Token]:
    """``sections[0].items[3].points`` → ["sections", 0, "items", 3, "points"]."""
    out: list[Token] = []
    for name, index in _TOKEN.findall(path):
        out.append(int(index) if index else name)
    return out


def render(parts: Iterable[Token]) -> str:
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


@dataclass
class Salvage:
    """The document with broken entries cut, and how to map a path in it back to the file."""

    doc: dict[str, Any]
    cut: list[tuple[Token, ...]] = field(default_factory=list)  # original paths of cut entries
    # original path of a list → the original indices still in it, in order
    kept: dict[tuple[Token, ...], list[int]] = field(default_factory=dict)

    def original(self, path: str) -> str:
        """A path in the salvaged document → the same place in the file."""
        done: list[Token] = []
        for part in tokens(path):
            if isinstance(part, int):
                indices = self.kept.get(tuple(done))
                part = indices[part] if indices is not None and part < len(indices) else part
            done.append(part)
        return render(done)

    def cut_kinds(self) -> set[str]:
        """Which entity lists lost an entry (units, criteria …)."""
        return {str(path[-2]) for path in self.cut if len(path) >= 2}

    def touches(self, path: str) -> bool:
        """Whether ``path`` (in the file) is inside a cut entry or contains one."""
        parts = tuple(tokens(path))
        return any(parts[: len(c)] == c or c[: len(parts)] == parts for c in self.cut)


def _entity(parts: list[Token]) -> tuple[Token, ...] | None:
    """The deepest entry of an entity list that ``parts`` lies in (the list itself counts as its owner)."""
    for end in range(len(parts), 1, -1):
        if isinstance(parts[end - 1], int) and parts[end - 2] in ENTITY_LISTS:
            return tuple(parts[:end])
    return None


def salvage(doc: dict[str, Any], error_paths: Iterable[str]) -> Salvage | None:
    """Cut the entries the schema errors are in; None when what is broken is the file's frame (a
    missing ``sections``, a ``units`` that is not a list) and nothing sensible is left to check."""
    work = copy.deepcopy(doc)
    targets: set[tuple[Token, ...]] = set()
    for raw in error_paths:
        parts = tokens("" if raw == "(根)" else raw)
        entity = _entity(parts)
        if entity is not None:
            targets.add(entity)
            continue
        if not parts:
            return None  # a required top-level part is missing
        head = parts[0]
        if head == "rubric":
            work["rubric"] = {"id": "x", "title": "x", "year": 2000, "issuer": "x", "version": "1"}
        elif head in ("scoring", "total"):
            work.pop(str(head), None)
        else:
            return None
    result = Salvage(work)
    while targets:
        result.cut.extend(sorted(targets, key=len))
        targets = _cut(work, result, targets)
    return result


def _cut(work: dict[str, Any], result: Salvage, targets: set[tuple[Token, ...]]) -> set[tuple[Token, ...]]:
    """Remove ``targets`` (original paths); return the owners of lists the removal emptied."""
    by_list: dict[tuple[Token, ...], set[int]] = {}
    for target in targets:
        if any(target[: len(c)] == c and target != c for c in result.cut):
            continue  # inside an entry cut as well
        by_list.setdefault(target[:-1], set()).add(int(target[-1]))
    emptied: set[tuple[Token, ...]] = set()
    for list_path, indices in by_list.items():
        container = _find(work, result, list_path)
        if not isinstance(container, list):
            continue
        original = result.kept.get(list_path, list(range(len(container))))
        keep = [(pos, orig) for pos, orig in enumerate(original) if orig not in indices]
        container[:] = [container[pos] for pos, _ in keep]
        result.kept[list_path] = [orig for _, orig in keep]
        if not container and list_path and list_path[-1] in _MUST_HAVE:
            owner = _entity(list(list_path))
            if owner is None:
                raise _Unsalvageable  # a top-level list emptied: nothing left to check
            emptied.add(owner)
    return emptied


class _Unsalvageable(Exception):
    pass


def _find(work: Any, result: Salvage, path: tuple[Token, ...]) -> Any:
    """The node at an original path, through the lists already shortened."""
    node = work
    done: list[Token] = []
    for part in path:
        if isinstance(part, int):
            indices = result.kept.get(tuple(done))
            if indices is not None:
                if part not in indices:
                    return None
                part = indices.index(part)
            if not isinstance(node, list) or part >= len(node):
                return None
        elif not isinstance(node, dict):
            return None
        node = node[part] if isinstance(node, list) and isinstance(part, int) else node.get(part)
        done.append(path[len(done)])
    return node


def safe_salvage(doc: dict[str, Any], error_paths: Iterable[str]) -> Salvage | None:
    try:
        return salvage(doc, error_paths)
    except _Unsalvageable:
        return None
