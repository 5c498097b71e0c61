"""The rubric document for an imported plan: structure, units and roles from the plan; points and
criteria as clearly marked placeholders, so the file is valid the moment it is written."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from kepu_inspect.adapters.yaml_writer import Note
from kepu_inspect.core.numbers import ZERO
from kepu_inspect.core.plan import LEVEL_NAMES, Plan, PlanItem

TODO = "TODO 待编辑"
DEFAULT_TOTAL = Decimal(100)
_EXAMPLE_LOWER = {
    "national": "某某省",
    "province": "某某市",
    "city": "某某县",
    "county": "某某镇",
    "district": "某某街道",
}
_PLAN_SUFFIXES = (
    "重点任务分工方案",
    "重点任务分工表",
    "重点工作任务清单",
    "重点任务分工",
    "任务分工方案",
    "任务分工表",
    "工作任务清单",
    "任务分工",
    "任务清单",
    "分工方案",
    "分工表",
    "工作要点",
    "实施方案",
    "工作方案",
    "工作计划",
    "要点",
    "方案",
    "分工",
)


def spread_points(n: int, total: Decimal = DEFAULT_TOTAL) -> list[Decimal]:
    """``total`` split over ``n`` items in steps of 0.5 (finer only for very long plans), summing exactly.

    The larger shares are spread through the list rather than bunched at the start."""
    if n <= 0:
        return []
    step = Decimal("0.5") if n <= total * 2 else Decimal("0.1") if n <= total * 10 else Decimal("0.01")
    units_total = int(total / step)
    base, extra = divmod(units_total, n)
    bumped = {(k * n) // extra for k in range(extra)} if extra else set()
    return [(base + (1 if i in bumped else 0)) * step for i in range(n)]


def _unit_ids(count: int) -> list[str]:
    width = max(2, len(str(count)))
    return [f"u{i:0{width}d}" for i in range(1, count + 1)]


def rubric_title(title: str) -> str:
    """平顶山市2017年全民科学素质工作要点 → …工作考核细则; a plan's years in brackets stay at the end."""
    years = re.search(r"[（(]\s*\d{4}[^（()）]*[)）]$", title)
    if years and years.start() > 0:
        return rubric_title(title[: years.start()]) + years.group(0)
    for suffix in _PLAN_SUFFIXES:
        if title.endswith(suffix):
            stem = title[: -len(suffix)]
            return stem + ("考核细则" if stem.endswith("工作") else "工作考核细则")
    return title + "考核细则"


def skeleton(plan: Plan, *, source_name: str = "", year_fallback: int = 2000) -> dict[str, Any]:
    """The rubric document for ``plan``."""
    year = plan.year or year_fallback
    title = plan.title or source_name or "工作要点"
    group_ids, item_groups = _item_groups(plan)
    sections, refs = _sections(plan, group_ids)
    below, members = plan.group_names
    doc: dict[str, Any] = {
        "rubric": Note(
            {
                "id": f"rubric-{year}",
                "title": Note(rubric_title(title), after=TODO),
                "year": Note(year, after="" if plan.year else f"{TODO}：原文未写年度"),
                "issuer": _issuer(plan),
                "version": "0.1",
                "source": f"《{title}》",
            },
            before=_header(plan, source_name),
        ),
        "scoring": {"decimals": 2},
        "total": Note(DEFAULT_TOTAL, after=f"{TODO}：基本分总分；各项默认平均分配，请按实际修改"),
        "groups": [
            Note({"id": "county", "name": below, "kind": "county"}, flow=True),
            Note(
                {"id": "dept", "name": members, "kind": "department", "normalise": True},
                flow=True,
                after="各部门项目不同，按得分率×100 比较",
            ),
        ],
        "units": _units(plan, refs, group_ids),
    }
    if item_groups:
        doc["item_groups"] = Note(
            item_groups,
            before=(
                "项目分组及其牵头部门（原文“（一）…（牵头部门：…）”；原文未写牵头部门的分组没有 leads）",
            ),
        )
    doc["gates"] = Note(
        [Note({"id": "fraud", "name": "弄虚作假", "grade": "不合格"}, flow=True)],
        before=(f"{TODO}：否决事项，可按实际增删",),
    )
    doc["grades"] = Note(
        [
            Note({"name": "优秀", "gte": 90}, flow=True),
            Note({"name": "良好", "gte": 80, "lt": 90}, flow=True),
            Note({"name": "合格", "gte": 60, "lt": 80}, flow=True),
            Note({"name": "不合格", "gte": 0, "lt": 60}, flow=True),
        ],
        before=(f"{TODO}：等次分数段（默认值）",),
    )
    doc["sections"] = sections
    return doc


def _issuer(plan: Plan) -> Note:
    if plan.issuer:
        return Note(plan.issuer, after="取自原文")
    if plan.place:
        return Note(f"{plan.place}全民科学素质工作领导小组办公室", after=f"{TODO}：原文未写发文单位")
    return Note("待填写发文单位", after=TODO)


def _item_groups(plan: Plan) -> tuple[dict[int, str], list[Any]]:
    """Every subsection that holds items is a group; only groups with leads can be referenced by leads."""
    group_ids: dict[int, str] = {}
    item_groups: list[Any] = []
    for gi in sorted({it.group for it in plan.items if it.group is not None}):
        g = plan.groups[gi]
        gid = f"g{len(group_ids) + 1}"
        group_ids[gi] = gid
        entry: dict[str, Any] = {"id": gid, "name": g.title or f"项目分组{g.number}"}
        if g.leads:
            entry["leads"] = list(g.leads)
        item_groups.append(Note(entry, flow=True))
    return group_ids, item_groups


def _sections(plan: Plan, group_ids: dict[int, str]) -> tuple[list[Any], dict[str, set[str]]]:
    points = spread_points(len(plan.items))
    # the rubric's 序号 runs 1…N; a plan that restarts its numbering in each section keeps its own
    # numbers in plan_items
    unique_numbers = len({it.number for it in plan.items}) == len(plan.items)
    item_width = max(2, len(str(len(plan.items))))
    refs: dict[str, set[str]] = {"units": set(), "groups": set(), "leads": set()}
    sections: list[Any] = []
    index = 0
    for si, section in enumerate(plan.sections):
        items_here = plan.items_of(si)
        if not items_here:
            continue
        entries = []
        for item in items_here:
            index += 1
            number = item.number if unique_numbers else index
            entry = _item_entry(
                item, plan, group_ids, points[index - 1], f"i{index:0{item_width}d}", number, refs
            )
            entries.append(entry)
        total = sum((points[i] for i in range(index - len(items_here), index)), ZERO)
        sections.append(
            {
                "id": f"s{len(sections) + 1}",
                "title": section.heading,
                "points": Note(total, after="本部分各项分值之和"),
                "items": entries,
            }
        )
    return sections, refs


def _units(plan: Plan, refs: dict[str, set[str]], group_ids: dict[int, str]) -> Note:
    leads_covered = {
        name for gi, gid in group_ids.items() if gid in refs["leads"] for name in plan.groups[gi].leads
    }
    units: list[Any] = []
    for uid, unit in zip(_unit_ids(len(plan.units)), plan.units, strict=True):
        entry: dict[str, Any] = {"id": uid, "name": unit.name, "group": unit.group}
        if unit.aliases:
            entry["aliases"] = list(unit.aliases)
        covered = unit.name in refs["units"] or unit.group in refs["groups"] or unit.name in leads_covered
        after = ""
        if not covered:
            entry["assessed"] = False
            after = f"{TODO}：没有适用的考核项目，暂不参加考核"
        if unit.aliases and not unit.official:
            after = after or "别名为自动识别，请核对"
        if not unit.named:
            after = after or "单位名单中有、工作要点未点名"
        units.append(Note(entry, after=after, flow=True))
    below = plan.group_names[0]
    county_note: tuple[str, ...] = ()
    if not plan.counties_named():
        county_note = (
            f"{TODO}：工作要点没有逐一列出{below}，请在这里补充下一级单位（group: county），例如：",
            "  - {id: c01, name: " + _EXAMPLE_LOWER[plan.level] + ", group: county}",
        )
    if not units:
        units.append(
            Note(
                {"id": "u01", "name": "待填写单位", "group": "dept", "assessed": False},
                flow=True,
                after=f"{TODO}：工作要点没有点名任何单位，请在此列出考核单位",
            )
        )
    if county_note:
        units[0] = Note(units[0].value, before=county_note, after=units[0].after, flow=True)
    named = sum(1 for u in plan.units if u.named)
    extra = len(plan.units) - named
    more = f"，另有单位名单中的 {extra} 个" if extra else ""
    return Note(
        units,
        before=(
            f"单位名单：工作要点中点名的单位 {named} 个{more}，编号按首次出现的顺序。",
            f"“各成员单位”“各{below}”“各牵头单位”写作分组引用，不单列为单位；",
            "组织考核的办公室（素质办）不列为考核单位。",
        ),
    )


def _header(plan: Plan, source_name: str) -> tuple[str, ...]:
    source = f"《{plan.title}》" if plan.title else source_name
    lines = [
        f"考核细则初稿：由 kepu-inspect rubric import 根据{source}生成（{LEVEL_NAMES[plan.level]}）。",
        f"凡标有“{TODO}”之处都需要素质办修改：",
        "  - 各项分值是平均分配的默认值（合计 100 分），评分标准是占位文字，规则为酌情评分（discretionary）；",
        "  - 标题、等次、否决事项为默认值；单位名单请与正式名单核对。",
        "  - applies_to 中的 role 是原文的分工：lead 牵头，cooperate 配合（不影响分值，需要时可加 weight）。",
        "修改后运行：kepu-inspect rubric check 本文件",
    ]
    if plan.converted_traditional:
        lines.append("原文为繁体字，已转换为简体。")
    return tuple(lines)


def trailer(plan: Plan) -> list[str]:
    """Parts of the plan kept as text (工作要求, 保障措施 …), at the end of the file as comments."""
    lines: list[str] = []
    for note in plan.notes:
        lines.append(f"原文“{note.title}”（作为说明保留，未列为考核项目）：")
        lines.extend("  " + line for line in note.text.splitlines() if line.strip())
    return lines


def _applies(item: PlanItem, plan: Plan, group_ids: dict[int, str], refs: dict[str, set[str]]) -> list[Any]:
    applies: list[Any] = []

    def entry(key: str, value: str, role: str | None) -> Any:
        return {key: value, "role": role} if role else ({key: value} if key != "unit" else value)

    for name in item.units:
        applies.append(entry("unit", name, item.role_of(name)))
        refs["units"].add(name)
    for coll in item.collectives:
        role = None if item.fallback else item.role_of(coll)
        if coll in ("dept", "county"):
            applies.append(entry("group", coll, role))
            refs["groups"].add(coll)
        elif coll == "leads":
            for gi, gid in group_ids.items():
                if plan.groups[gi].leads:
                    applies.append(entry("leads", gid, role))
                    refs["leads"].add(gid)
        elif coll == "own_leads" and item.group is not None and item.group in group_ids:
            applies.append({"leads": group_ids[item.group]})
            refs["leads"].add(group_ids[item.group])
    if not applies:  # defensive: the parser always leaves something to apply to
        applies.append({"group": "dept"})
        refs["groups"].add("dept")
    return applies


def _item_notes(item: PlanItem, plan: Plan) -> list[str]:
    notes: list[str] = []
    if item.annotation:
        notes.append(f"原文：{item.annotation}")
    if item.office:
        notes.append(f"{'、'.join(item.office)}是组织考核的办公室，不作为考核单位")
    if not item.annotated:
        notes.append(f"{TODO}：原文没有（责任单位：…）标注，请补写适用单位")
    if item.fallback and "own_leads" in item.collectives:
        notes.append(f"{TODO}：原文未写明责任单位，暂按本组牵头部门")
    elif item.fallback and item.annotated:
        notes.append(f"{TODO}：原文未写明具体单位，暂按全部{plan.group_names[1]}处理，请核对")
    elif "dept" in item.collectives and not item.units and "成员单位" not in item.annotation:
        notes.append(f"{TODO}：按全部{plan.group_names[1]}处理，请核对")
    return notes


def _item_entry(
    item: PlanItem,
    plan: Plan,
    group_ids: dict[int, str],
    points: Decimal,
    item_id: str,
    number: int,
    refs: dict[str, set[str]],
) -> dict[str, Any]:
    applies = _applies(item, plan, group_ids, refs)
    entry: dict[str, Any] = {"id": item_id, "number": number, "title": item.title}
    if item.title.endswith("…"):
        entry["title"] = Note(item.title, after="简称为自动截取，请修改")
    if item.text:
        entry["content"] = item.text
    entry["plan_items"] = Note([item.number], flow=True)
    if item.group is not None and item.group in group_ids:
        entry["item_group"] = group_ids[item.group]
    entry["points"] = Note(points, after=f"{TODO}：默认平均分配")
    entry["applies_to"] = Note(applies, before=tuple(_item_notes(item, plan)), flow=True)
    entry["criteria"] = [
        Note(
            {"id": "a", "text": "待填写评分标准", "points": points, "rule": {"kind": "discretionary"}},
            flow=True,
            after=f"{TODO}：评分标准、分值和规则",
        )
    ]
    return entry
