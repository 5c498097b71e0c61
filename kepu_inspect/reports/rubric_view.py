"""The rubric as a rich table and as resolved JSON for other tools."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from rich.console import Group as RichGroup
from rich.table import Table
from rich.text import Text

from kepu_inspect.core.numbers import fmt
from kepu_inspect.core.rubric import Rubric, Unit


def rubric_table(rubric: Rubric, unit: Unit | None = None) -> RichGroup:
    title = f"{rubric.meta.title}（{rubric.meta.year}年，版本 {rubric.meta.version}）"
    parts: list[Any] = [Text(title, style="bold")]
    if unit is not None:
        group = rubric.group(unit.group)
        assigned = {a.item.id: a for a in rubric.assignments(unit)}
        parts.append(
            Text(
                f"单位：{unit.name}（{group.name}）  适用项目 {len(assigned)} 项，"
                f"基本分满分 {fmt(rubric.max_base(unit))} 分"
                + ("" if unit.assessed else "  【本年度不参加考核】")
            )
        )
    table = Table(show_lines=False)
    table.add_column("编号", no_wrap=True)
    table.add_column("序号", no_wrap=True)
    table.add_column("考核项目", overflow="fold")
    table.add_column("分值", justify="right", no_wrap=True)
    table.add_column("评分方式", overflow="fold")
    table.add_column("工作要点条目", no_wrap=True)
    table.add_column("适用单位" if unit is None else "权重", overflow="fold")
    for section in rubric.sections:
        rows = []
        rows_points: list[tuple[str, Decimal]] = []
        for item in section.items:
            if unit is not None:
                a = assigned.get(item.id)
                if a is None:
                    continue
                who = fmt(a.weight)
                pts = fmt(item.points * a.weight)
            else:
                who = _scope_text(rubric, item)
                pts = fmt(item.points)
            if item.open_ended and not item.points:
                pts = "不限"
            if item.reported_by == "office":
                who += "（督导检查组认定）"
            kinds = "、".join(dict.fromkeys(c.rule.title for c in item.criteria))
            plan = "、".join(str(n) for n in item.plan_items)
            rows.append((item.id, item.number, item.title, pts, kinds, plan, who))
            rows_points.append((item.id, item.points * (assigned[item.id].weight if unit is not None else 1)))
        if not rows:
            continue
        label = section.title + {"bonus": "（加分）", "deduct": "（扣分）"}.get(section.kind, "")
        shown = (
            section.points
            if unit is None
            else sum((item_points for *_, item_points in rows_points), Decimal(0))
        )
        table.add_row("", "", Text(label, style="bold"), fmt(shown) if shown else "", "", "", "")
        for row in rows:
            table.add_row(*row)
    parts.append(table)
    if unit is not None:
        parts.append(Text(f"合计：{len(assigned)} 项，基本分满分 {fmt(rubric.max_base(unit))} 分"))
    return RichGroup(*parts)


def _scope_text(rubric: Rubric, item: Any) -> str:
    names = []
    for s in item.applies_to:
        if s.kind == "unit":
            names.append(rubric.unit(s.ref).name)
        elif s.kind == "group":
            names.append("各" + rubric.group(s.ref).name)
        else:
            ig = next(g for g in rubric.item_groups if g.id == s.ref)
            names.append(f"{ig.name}牵头部门")
        if s.weight != 1:
            names[-1] += f"×{fmt(s.weight)}"
    return "、".join(names)


def resolved_rubric(rubric: Rubric, unit: Unit | None = None) -> dict[str, Any]:
    """Everything resolved: units with their groups and item ids, items with work-plan numbers."""
    units = [unit] if unit is not None else list(rubric.units)
    return {
        "rubric": {**rubric.meta.__dict__, "content_hash": rubric.content_hash},
        "groups": [
            {
                "id": g.id,
                "name": g.name,
                "kind": g.kind,
                "items_total": fmt(g.items_total) if g.items_total is not None else None,
                "unit_total": fmt(g.unit_total) if g.unit_total is not None else None,
                "normalise": g.normalise,
            }
            for g in rubric.groups
        ],
        "units": [
            {
                "id": u.id,
                "name": u.name,
                "aliases": list(u.aliases),
                "group": u.group,
                "group_name": rubric.group(u.group).name,
                "assessed": u.assessed,
                "params": {k: fmt(v) for k, v in u.params.items()},
                "items": [a.item.id for a in rubric.assignments(u)],
                "weights": {a.item.id: fmt(a.weight) for a in rubric.assignments(u) if a.weight != 1},
                "max_base": fmt(rubric.max_base(u)),
            }
            for u in units
        ],
        "items": [
            {
                "id": item.id,
                "number": item.number,
                "section": section.id,
                "section_kind": section.kind,
                "title": item.title,
                "points": fmt(item.points),
                "plan_items": list(item.plan_items),
                "item_group": item.item_group or None,
                "evidence": item.evidence,
                "verification": item.verification,
                "reported_by": item.reported_by,
                "criteria": [
                    {
                        "id": c.id,
                        "text": c.text,
                        "points": fmt(c.points),
                        "rule": c.rule.kind,
                        "bonus": c.bonus,
                        "capped": c.rule.capped,
                    }
                    for c in item.criteria
                ],
            }
            for section, item in rubric.items()
            if unit is None or any(a.item.id == item.id for a in rubric.assignments(unit))
        ],
    }


def units_table(rubric: Rubric) -> Table:
    """Every unit with its aliases and group: the names ``--unit`` accepts."""
    table = Table(title=f"{rubric.meta.title}：全部单位（--unit 可用名称、别名或编号）", title_justify="left")
    for col in ("编号", "名称", "别名", "分组", "参加考核"):
        table.add_column(col, overflow="fold")
    for unit in rubric.units:
        table.add_row(
            Text(unit.id),
            Text(unit.name),
            Text("、".join(unit.aliases)),
            Text(rubric.group(unit.group).name),
            Text("是" if unit.assessed else "否（本年度不参加）"),
        )
    return table
