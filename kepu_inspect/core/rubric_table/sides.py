"""The tables beside the main 考核细则 table (基本信息, 计分规则, 排名分组, 考核单位, 项目分组, 否决和扣分事项,
等次) found by their headers, and what plain prose around a real 考核细则 says about grades and gates
(90分以上为优秀 …; 弄虚作假的实行一票否决 …)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

from kepu_inspect.core.criteria.text import NUM, dec, normalise
from kepu_inspect.core.problems import Code, Problem, problem
from kepu_inspect.core.rubric_table import vocab as V
from kepu_inspect.core.tables import TableRow

Rows = Sequence[TableRow]


@dataclass
class Sides:
    info: dict[str, str] = field(default_factory=dict)
    scoring: dict[str, Any] | None = None
    total: Decimal | None = None
    groups: list[dict[str, Any]] | None = None
    units: list[dict[str, Any]] | None = None
    item_groups: list[dict[str, Any]] | None = None
    item_group_of: dict[str, str] = field(default_factory=dict)  # item code → item group id
    gates: list[dict[str, Any]] | None = None
    grades: list[dict[str, Any]] | None = None
    problems: list[Problem] = field(default_factory=list)


def _bare(text: str) -> str:
    return re.sub(r"\s", "", text)


def find_table(rows: Rows, header: Sequence[str]) -> list[tuple[int, tuple[str, ...]]] | None:
    """The rows under ``header`` (matched exactly, spaces ignored) within a grid's first rows."""
    want = [_bare(h) for h in header]
    for i, row in enumerate(rows[:10]):
        cells = [_bare(c) for c in row.cells[: len(want)]]
        if cells == want:
            body = []
            for r in rows[i + 1 :]:
                cells_r = tuple(c.strip() for c in r.cells[: len(want)]) + ("",) * (len(want) - len(r.cells))
                if any(cells_r):
                    body.append((r.line, cells_r))
            return body
    return None


def read_sides(grids: Sequence[tuple[str, Rows]]) -> Sides:
    """Each side table by its header, wherever it is (a sheet of its own, a table under a caption)."""
    sides = Sides()
    readers = (
        (V.INFO_HEADER, _info),
        (V.SETTINGS_HEADER, _settings),
        (V.GROUPS_HEADER, _groups),
        (V.UNITS_HEADER, _units),
        (V.ITEM_GROUPS_HEADER, _item_groups),
        (V.GATES_HEADER, _gates),
        (V.GRADES_HEADER, _grades),
    )
    for source, rows in grids:
        for header, reader in readers:
            body = find_table(rows, header)
            if body is not None:
                reader(sides, body, source)
                break
    return sides


def _bad(sides: Sides, source: str, line: int, value: str) -> None:
    sides.problems.append(problem(Code.RB029, what=f"{source}第 {line} 行", setting=value))


def _info(sides: Sides, body: list[tuple[int, tuple[str, ...]]], source: str) -> None:
    keys = dict(V.INFO_ROWS)
    for _, (label, value) in body:
        if label in keys and value:
            sides.info[keys[label]] = value


def _settings(sides: Sides, body: list[tuple[int, tuple[str, ...]]], source: str) -> None:
    scoring: dict[str, Any] = {}
    inspectors: dict[str, Any] = {}
    for line, (label, value) in body:
        found = _setting(label, value)
        if found is False:
            _bad(sides, source, line, value)
        elif isinstance(found, tuple):
            place, key, setting = found
            if place == "total":
                sides.total = setting
            else:
                (inspectors if place == "inspectors" else scoring)[key] = setting
    if inspectors:
        scoring["inspectors"] = inspectors
    sides.scoring = scoring


Setting = tuple[str, str, Any] | Literal[False] | None


def _setting(label: str, value: str) -> Setting:
    """(where, key, value) of one 计分规则 row; None when it sets nothing (a default), False when its
    words are not understood."""
    if label == V.DECIMALS:
        m = re.match(r"(\d)位", value)
        return ("scoring", "decimals", int(m.group(1))) if m else False
    if label in V.CHOICES:
        key, words = V.CHOICES[label]
        chosen = {w: k for k, w in words.items()}.get(value)
        if chosen is None:
            return False
        return ("inspectors" if key in ("combine", "gates") else "scoring", key, chosen)
    if label == V.TRIM_FROM:
        m = re.match(r"(\d+)人", value)
        return ("inspectors", "trim_from", int(m.group(1))) if m else False
    if label == V.OVERCLAIM:
        found = V.read_overclaim(value)
        return False if found is None else (("scoring", "overclaim", found) if found else None)
    if label == V.TIES:
        ties = V.read_ties(value)
        return False if ties is None else (("scoring", "tie_breaks", ties) if ties else None)
    if label in V.NUMBER_ROWS:
        key, absent = V.NUMBER_ROWS[label]
        number = V.read_number(value, absent)
        if number is False:
            return False
        if key == "spread":
            return None if number is None else ("inspectors", key, number)
        if key == "bonus_cap" and number is None:
            return None
        return ("scoring", key, number)  # a floor of None is written as null: 不设下限
    if label == V.MISSING_GRADE:
        return None if value == "不评等次" else ("scoring", "missing_grade", value)
    if label == V.TOTAL:
        number = V.read_number(value, "不规定")
        return ("total", "total", number) if isinstance(number, Decimal) else None
    return None


def _groups(sides: Sides, body: list[tuple[int, tuple[str, ...]]], source: str) -> None:
    kinds = {w: k for k, w in V.GROUP_KINDS.items()}
    groups = []
    for line, (gid, name, kind, compare, items_total, unit_total) in body:
        entry: dict[str, Any] = {"id": gid, "name": name}
        if kind in kinds:
            entry["kind"] = kinds[kind]
        elif kind:
            _bad(sides, source, line, kind)
        if compare == V.COMPARE[True]:
            entry["normalise"] = True
        for key, text in (("items_total", items_total), ("unit_total", unit_total)):
            if text:
                entry[key] = dec(normalise(text).removesuffix("分"))
        groups.append(entry)
    sides.groups = groups


def _units(sides: Sides, body: list[tuple[int, tuple[str, ...]]], source: str) -> None:
    by_name = {g["name"]: g["id"] for g in sides.groups or []}
    units = []
    for line, (uid, name, aliases, group, assessed, params, note) in body:
        entry: dict[str, Any] = {"id": uid, "name": name}
        if aliases:
            entry["aliases"] = [a for a in re.split(r"[、，,；;]", aliases) if a]
        entry["group"] = by_name.get(group, group)
        if assessed == "否":
            entry["assessed"] = False
        if params:
            parsed = V.read_params(params)
            if parsed is None:
                _bad(sides, source, line, params)
            elif parsed:
                entry["params"] = parsed
        if note:
            entry["note"] = note
        units.append(entry)
    sides.units = units


def _item_groups(sides: Sides, body: list[tuple[int, tuple[str, ...]]], source: str) -> None:
    groups = []
    for _, (gid, name, leads, items) in body:
        entry: dict[str, Any] = {"id": gid, "name": name}
        if leads:
            entry["leads"] = [x for x in leads.split("、") if x]
        groups.append(entry)
        for item in (x for x in re.split(r"[、，,]", items) if x):
            sides.item_group_of[item] = gid
    sides.item_groups = groups


def _gates(sides: Sides, body: list[tuple[int, tuple[str, ...]]], source: str) -> None:
    gates = []
    for line, (gid, name, description, condition, effect) in body:
        entry: dict[str, Any] = {"id": gid, "name": name}
        if description:
            entry["description"] = description
        how = V.read_gate_condition(condition)
        what = V.read_gate_effect(effect)
        if how is None:
            _bad(sides, source, line, condition)
            continue
        if what is None:
            _bad(sides, source, line, effect)
            continue
        gates.append(entry | what | how)
    sides.gates = gates


def _grades(sides: Sides, body: list[tuple[int, tuple[str, ...]]], source: str) -> None:
    grades = []
    for line, (name, band, quota) in body:
        bounds = V.read_band(band)
        if bounds is None:
            _bad(sides, source, line, band)
            continue
        entry: dict[str, Any] = {"name": name, **bounds}
        found = V.read_quota(quota)
        if found is False:
            _bad(sides, source, line, quota)
        elif found:
            entry["quota"] = found
        grades.append(entry)
    sides.grades = grades


# --- prose around a real 考核细则 -------------------------------------------------------------------
GRADE_NAMES = r"优秀|良好|较好|合格|基本合格|不合格|一般|较差|差|好|先进|达标|不达标"
_GRADE_AT_LEAST = re.compile(
    rf"(?P<a>{NUM})分(?:及)?以上(?:（含(?:{NUM}分)?）)?(?:的)?(?:为|评为|定为|确定为)(?P<g>{GRADE_NAMES})"
)
_GRADE_RANGE = re.compile(
    rf"(?P<a>{NUM})(?:分)?～(?P<b>{NUM})分(?:（含(?:{NUM}分)?）)?(?:的)?(?:为|评为|定为|确定为)(?P<g>{GRADE_NAMES})"
)
_GRADE_BELOW = re.compile(
    rf"(?:(?P<a>{NUM})分以下|不足(?P<b>{NUM})分|低于(?P<c>{NUM})分)(?:的)?(?:为|评为|定为|确定为)(?P<g>{GRADE_NAMES})"
)


def grades_from_text(text: str) -> list[dict[str, Any]]:
    """90分以上为优秀，80～89分为良好，60～79分为合格，60分以下为不合格 → bands that tile 0…∞: each band
    ends where the one above begins (89 next to 90 is [80, 90)), the top is open, the bottom starts at 0."""
    t = normalise(text)
    lows: dict[str, Decimal] = {}
    for m in _GRADE_AT_LEAST.finditer(t):
        lows.setdefault(m.group("g"), dec(m.group("a")))
    for m in _GRADE_RANGE.finditer(t):
        lows.setdefault(m.group("g"), dec(m.group("a")))
    bottom = next(_GRADE_BELOW.finditer(t), None)
    if bottom is not None:
        lows.setdefault(bottom.group("g"), Decimal(0))
    if len(lows) < 2:
        return []
    ordered = sorted(lows.items(), key=lambda kv: -kv[1])
    if ordered[-1][1] != 0:
        return []  # nothing said below the lowest band: not a complete scale
    grades: list[dict[str, Any]] = []
    upper: Decimal | None = None
    for name, low in ordered:
        entry: dict[str, Any] = {"name": name, "gte": low}
        if upper is not None:
            entry["lt"] = upper
        grades.append(entry)
        upper = low
    return grades


_FRAUD = re.compile(r"弄虚作假|虚报|瞒报|伪造")


def gates_from_text(text: str, grades: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Common sentences about vetoes: 弄虚作假的一票否决 / 直接定为不合格; 不得评为优秀; 逾期…弃权;
    未按时报送的扣2分."""
    t = normalise(text)
    names = [g["name"] for g in grades]
    gates: list[dict[str, Any]] = []
    for sentence in re.split(r"[。；;\n]", t):
        if not sentence:
            continue
        entry: dict[str, Any] | None = None
        if _FRAUD.search(sentence) and names:
            if m := re.search(rf"(?:定为|评为)(?P<g>{'|'.join(map(re.escape, names))})", sentence):
                entry = {"id": "fraud", "name": "弄虚作假", "grade": m.group("g")}
            elif "一票否决" in sentence or "否决" in sentence:
                entry = {"id": "fraud", "name": "弄虚作假", "grade": names[-1]}
        elif m := re.search(r"不得评为(?P<g>\S+?)(?:等次)?$", sentence):
            if m.group("g") in names and names.index(m.group("g")) + 1 < len(names):
                cap = names[names.index(m.group("g")) + 1]
                entry = {
                    "id": f"cap{len(gates) + 1}",
                    "name": sentence[: m.start()].rstrip("的，,") or "限制等次",
                    "grade_cap": cap,
                }
        elif re.search(r"逾期|未按时|未在规定时间", sentence):
            if "弃权" in sentence or "不参加排名" in sentence or "取消" in sentence:
                entry = {"id": "late", "name": "逾期报送", "exclude": True}
            elif m := re.search(rf"扣(?P<d>{NUM})分", sentence):
                entry = {"id": "late", "name": "未按时报送", "deduct": dec(m.group("d"))}
        if entry is not None and all(g["id"] != entry["id"] for g in gates):
            entry["description"] = sentence
            gates.append(entry)
    return gates
