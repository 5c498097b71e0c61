"""The inspection teams (督导检查组): who leads, who inspects, which units — from a small YAML or Excel file.

YAML::

    teams:
      - name: 第一督导检查组
        leader: 张三
        members: [李四, 王五]
        units: [新华区, 卫东区, 市科协]

Excel: one row per unit (or several units in one cell, separated by 、，,), columns 检查组 | 组长 | 成员 | 单位.
Every problem names the file and the row; the tool never guesses which team a unit belongs to.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kepu_inspect.core.problems import Code, Problem, problem
from kepu_inspect.core.rubric import Rubric

MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5_000
_SPLIT = re.compile(r"[、，,；;\s]+")
_HEADERS = {
    "team": ("检查组", "督导检查组", "组别", "组名", "小组"),
    "leader": ("组长", "检查组组长", "负责人"),
    "members": ("成员", "组员", "检查人员", "督导检查人员"),
    "units": ("单位", "被考核单位", "检查单位", "负责单位", "考核单位"),
}


@dataclass(frozen=True)
class Team:
    name: str
    leader: str
    members: tuple[str, ...]  # the inspectors, the leader first
    units: tuple[str, ...]  # unit ids


def _names(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return [str(v).strip() for v in value if str(v).strip()]
    return [v for v in _SPLIT.split(str(value).strip()) if v]


def _raw_yaml(path: Path) -> tuple[list[dict[str, Any]], str]:
    import yaml

    try:
        doc = yaml.safe_load(path.read_text("utf-8-sig"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        return [], f"无法读取：{type(exc).__name__.replace('Error', '')} 格式有误"
    teams = doc.get("teams") if isinstance(doc, dict) else doc
    if not isinstance(teams, list) or not all(isinstance(t, dict) for t in teams):
        return [], "文件中应有 teams: 列表，每个检查组写明 name、leader、members、units"
    return teams, ""


def _raw_xlsx(path: Path) -> tuple[list[dict[str, Any]], str]:
    data = path.read_bytes()
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            if sum(i.file_size for i in zf.infolist()) > 32 * MAX_FILE_BYTES:
                return [], "文件内容超出安全限制"
        from openpyxl import load_workbook

        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:
        return [], "不是可以读取的 Excel 工作簿（.xlsx）"
    rows = [
        [("" if v is None else str(v).strip()) for v in row]
        for row in wb.active.iter_rows(values_only=True, max_row=MAX_ROWS)
    ]
    header_at = next((i for i, r in enumerate(rows[:10]) if sum(1 for c in r if _role(c)) >= 2), None)
    if header_at is None:
        return [], "找不到表头（检查组、组长、成员、单位）"
    roles = [_role(c) for c in rows[header_at]]
    by_team: dict[str, dict[str, Any]] = {}
    last = ""
    for line, row in enumerate(rows[header_at + 1 :], start=header_at + 2):
        cells = {role: row[i] for i, role in enumerate(roles) if role and i < len(row) and row[i]}
        if not cells:
            continue
        name = cells.get("team") or last  # a team name merged down over its units
        last = name
        team = by_team.setdefault(
            name, {"name": name, "leader": "", "members": [], "units": [], "line": line}
        )
        team["leader"] = team["leader"] or cells.get("leader", "")
        team["members"] += [m for m in _names(cells.get("members")) if m not in team["members"]]
        team["units"] += _names(cells.get("units"))
    return list(by_team.values()), ""


def _role(text: str) -> str | None:
    bare = re.sub(r"\s", "", text)
    return next((role for role, words in _HEADERS.items() if bare in words), None)


def read_teams(rubric: Rubric, path: Path) -> tuple[list[Team], list[Problem]]:
    """The teams of ``path``; with any problem, no team is returned (never half a list)."""
    name = str(path)
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            return [], [problem(Code.VF006, file=name, detail="文件太大，请确认选对了文件")]
        raw, error = _raw_xlsx(path) if path.suffix.lower() in (".xlsx", ".xlsm") else _raw_yaml(path)
    except OSError as exc:
        return [], [problem(Code.VF006, file=name, detail=f"无法读取文件（{exc.strerror or '无法打开'}）")]
    if error:
        return [], [problem(Code.VF006, file=name, detail=error)]
    teams: list[Team] = []
    problems: list[Problem] = []
    owner: dict[str, str] = {}
    seen_names: set[str] = set()
    for i, t in enumerate(raw, 1):
        where = f"第{t.get('line', i)}{'行' if 'line' in t else '个检查组'}"
        team_name = str(t.get("name") or "").strip() or f"第{i}督导检查组"
        if team_name in seen_names:
            problems.append(problem(Code.VF006, file=name, detail=f"{where}：检查组“{team_name}”重复"))
        seen_names.add(team_name)
        leader = str(t.get("leader") or "").strip()
        members = [m for m in _names(t.get("members")) if m != leader]
        units: list[str] = []
        for unit_name in _names(t.get("units")):
            unit = rubric.find_unit(unit_name)
            if unit is None:
                problems.append(
                    problem(Code.VF006, file=name, detail=f"{where}：考核细则中没有单位“{unit_name}”")
                )
                continue
            if unit.id in owner:
                problems.append(
                    problem(
                        Code.VF006,
                        file=name,
                        detail=f"{where}：单位“{unit.name}”已分到“{owner[unit.id]}”，一个单位只能分到一个检查组",
                    )
                )
                continue
            owner[unit.id] = team_name
            units.append(unit.id)
        if not units and not problems:
            problems.append(
                problem(Code.VF006, file=name, detail=f"{where}：检查组“{team_name}”没有分到任何单位")
            )
        inspectors = tuple(dict.fromkeys([*([leader] if leader else []), *members]))
        teams.append(Team(team_name, leader, inspectors, tuple(units)))
    if not raw:
        problems.append(problem(Code.VF006, file=name, detail="文件中没有任何检查组"))
    return ([] if problems else teams), problems
