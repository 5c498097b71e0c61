"""``rubric import``: a work plan (工作要点) → a rubric skeleton in YAML that passes ``rubric check``.

The office used to copy the plan's items and units into a spreadsheet by hand. Here the plan is read
(adapters.plan_file), parsed (core.plan), turned into a rubric document with even default points and
placeholder criteria, written as commented YAML for people, and checked with the same loader that
``rubric check`` uses: a skeleton that would not load is a fatal problem, never a written file.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from kepu_inspect.core.numbers import ZERO, fmt
from kepu_inspect.core.plan import (
    COUNTY_GROUP_NAME,
    DEPT_GROUP_NAME,
    OfficialUnit,
    Plan,
    PlanItem,
    parse_plan,
)
from kepu_inspect.core.problems import Code, Problem, Severity, has_errors, problem

TODO = "TODO 待编辑"
DEFAULT_TOTAL = Decimal(100)


@dataclass(frozen=True)
class ImportResult:
    """What the CLI needs: the YAML text, the summary counts and every warning (fatal: nothing to write)."""

    fatal: bool
    problems: list[Problem]
    yaml_text: str = ""
    counts: dict[str, int] = field(default_factory=dict)
    plan: Plan | None = None


def import_plan(
    plan_path: Path, units_file: Path | None = None, *, today: dt.date | None = None
) -> ImportResult:
    """Read, parse and convert a plan; the YAML is verified with the rubric loader before it is returned."""
    from kepu_inspect.adapters.plan_file import read_plan, read_units_file, simplifier

    official: list[OfficialUnit] = []
    problems: list[Problem] = []
    if units_file is not None:
        official, unit_problems = read_units_file(units_file)
        problems.extend(unit_problems)
        if has_errors(unit_problems):
            return ImportResult(True, problems)
    source = read_plan(plan_path)
    problems.extend(source.problems)
    if source.text is None:
        return ImportResult(True, problems)
    plan = parse_plan(source.text, official=official, to_simplified=simplifier())
    problems.extend(p.at(file=str(plan_path)) for p in plan.problems)
    if not plan.items:
        return ImportResult(True, problems, plan=plan)
    year_fallback = (today or dt.date.today()).year
    doc = skeleton(plan, source_name=plan_path.name, year_fallback=year_fallback)
    text = to_yaml(doc)
    verify = verify_yaml(text, doc, plan_path.with_suffix(".yaml").name)
    if verify:
        return ImportResult(True, problems + verify, plan=plan)
    counts = {
        "sections": len(doc["sections"]),
        "groups": len({it.group for it in plan.items if it.group is not None}),
        "items": len(plan.items),
        "units": len(plan.units),
    }
    return ImportResult(False, problems, text, counts, plan)


# --------------------------------------------------------------------------------------------
# The rubric document, with comments attached
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Note:
    """A value with YAML comments: lines before its key (or list entry) and a comment at the line's end."""

    value: Any
    before: tuple[str, ...] = ()
    after: str = ""
    flow: bool = False


def plain(value: Any) -> Any:
    """The document without comments, as YAML will read it back (Decimal → int or float)."""
    if isinstance(value, Note):
        return plain(value.value)
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


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


def skeleton(plan: Plan, *, source_name: str = "", year_fallback: int = 2000) -> dict[str, Any]:
    """The rubric document for ``plan``: structure and units from the plan, points and criteria as
    clearly marked placeholders so the file is valid the moment it is written."""
    year = plan.year or year_fallback
    title = plan.title or source_name or "工作要点"
    for suffix in ("工作要点", "实施方案", "工作方案", "工作计划", "要点", "方案"):
        if title.endswith(suffix):
            rubric_title = title[: -len(suffix)] + (
                "工作考核细则" if not title[: -len(suffix)].endswith("工作") else "考核细则"
            )
            break
    else:
        rubric_title = title + "考核细则"
    issuer = f"{plan.city}全民科学素质工作领导小组办公室" if plan.city else "待填写发文单位"

    # item groups that can be referenced: those with leads
    group_ids: dict[int, str] = {}
    item_groups: list[Any] = []
    used_groups = sorted({it.group for it in plan.items if it.group is not None})
    for gi in used_groups:
        g = plan.groups[gi]
        if g.leads:
            gid = f"g{len(group_ids) + 1}"
            group_ids[gi] = gid
            item_groups.append(
                Note({"id": gid, "name": g.title or f"项目分组{g.number}", "leads": list(g.leads)}, flow=True)
            )

    points = spread_points(len(plan.items))
    # the rubric's 序号 runs 1…N; a plan that restarts its numbering in each section keeps its own
    # numbers in plan_items
    unique_numbers = len({it.number for it in plan.items}) == len(plan.items)
    item_width = max(2, len(str(len(plan.items))))
    covered_units: set[str] = set()
    covered_groups: set[str] = set()
    referenced_groups: set[str] = set()
    sections: list[Any] = []
    index = 0
    for si, section in enumerate(plan.sections):
        items_here = plan.items_of(si)
        if not items_here:
            continue
        entries = []
        for item in items_here:
            index += 1
            entry, refs = _item_entry(
                item,
                group_ids,
                points[index - 1],
                f"i{index:0{item_width}d}",
                item.number if unique_numbers else index,
            )
            covered_units.update(refs["units"])
            covered_groups.update(refs["groups"])
            referenced_groups.update(refs["leads"])
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

    leads_covered = {
        name for gi, gid in group_ids.items() if gid in referenced_groups for name in plan.groups[gi].leads
    }
    units: list[Any] = []
    for uid, unit in zip(_unit_ids(len(plan.units)), plan.units, strict=True):
        unit_entry: dict[str, Any] = {"id": uid, "name": unit.name, "group": unit.group}
        if unit.aliases:
            unit_entry["aliases"] = list(unit.aliases)
        is_covered = unit.name in covered_units or unit.group in covered_groups or unit.name in leads_covered
        before: tuple[str, ...] = ()
        after = ""
        if not is_covered:
            unit_entry["assessed"] = False
            after = f"{TODO}：没有适用的考核项目，暂不参加考核"
        if len(unit.aliases) and not unit.official:
            after = after or "别名为自动识别，请核对"
        if not unit.named:
            after = after or "单位名单中有、工作要点未点名"
        units.append(Note(unit_entry, before=before, after=after, flow=True))
    county_note: tuple[str, ...] = ()
    if not plan.counties_named():
        county_note = (
            f"{TODO}：工作要点没有逐一列出县（市、区），请在这里补充县级单位（group: county），例如：",
            "  - {id: c01, name: 新华区, group: county}",
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
        units[0] = Note(units[0].value, before=county_note + units[0].before, after=units[0].after, flow=True)

    doc: dict[str, Any] = {
        "rubric": Note(
            {
                "id": f"rubric-{year}",
                "title": Note(rubric_title, after=TODO),
                "year": Note(year, after="" if plan.year else f"{TODO}：原文未写年度"),
                "issuer": Note(issuer, after=TODO),
                "version": "0.1",
                "source": f"《{title}》",
            },
            before=_header(plan, source_name),
        ),
        "scoring": {"decimals": 2},
        "total": Note(DEFAULT_TOTAL, after=f"{TODO}：基本分总分；各项默认平均分配，请按实际修改"),
        "groups": [
            Note({"id": "county", "name": COUNTY_GROUP_NAME, "kind": "county"}, flow=True),
            Note(
                {"id": "dept", "name": DEPT_GROUP_NAME, "kind": "department", "normalise": True},
                flow=True,
                after="各部门项目不同，按得分率×100 比较",
            ),
        ],
        "units": Note(
            units,
            before=(
                _units_summary(plan),
                "“各成员单位”“各县（市、区）”“各牵头单位”写作分组引用，不单列为单位；",
                "市素质办是组织考核的办公室，不列为考核单位。",
            ),
        ),
    }
    if item_groups:
        doc["item_groups"] = Note(
            item_groups, before=("项目分组及其牵头部门（原文“（一）…（牵头部门：…）”）",)
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


def _units_summary(plan: Plan) -> str:
    named = sum(1 for u in plan.units if u.named)
    extra = len(plan.units) - named
    more = f"，另有单位名单中的 {extra} 个" if extra else ""
    return f"单位名单：工作要点中点名的单位 {named} 个{more}，编号按首次出现的顺序。"


def _header(plan: Plan, source_name: str) -> tuple[str, ...]:
    source = f"《{plan.title}》" if plan.title else source_name
    lines = [
        f"考核细则初稿：由 kepu-inspect rubric import 根据{source}生成。",
        f"凡标有“{TODO}”之处都需要素质办修改：",
        "  - 各项分值是平均分配的默认值（合计 100 分），评分标准是占位文字，规则为酌情评分（discretionary）；",
        "  - 标题、发文单位、等次、否决事项为默认值；单位名单请与正式名单核对。",
        "修改后运行：kepu-inspect rubric check 本文件",
    ]
    if plan.converted_traditional:
        lines.append("原文为繁体字，已转换为简体。")
    return tuple(lines)


def _item_entry(
    item: PlanItem, group_ids: dict[int, str], points: Decimal, item_id: str, number: int
) -> tuple[dict[str, Any], dict[str, set[str]]]:
    applies: list[Any] = list(item.units)
    refs: dict[str, set[str]] = {"units": set(item.units), "groups": set(), "leads": set()}
    notes: list[str] = []
    if item.annotation:
        notes.append(f"原文：{item.annotation}")
    for coll in item.collectives:
        if coll in ("dept", "county"):
            applies.append({"group": coll})
            refs["groups"].add(coll)
        elif coll == "leads":
            for gid in group_ids.values():
                applies.append({"leads": gid})
                refs["leads"].add(gid)
        elif coll == "own_leads" and item.group is not None and item.group in group_ids:
            gid = group_ids[item.group]
            applies.append({"leads": gid})
            refs["leads"].add(gid)
            notes.append(f"{TODO}：原文未写明责任单位，暂按本组牵头部门")
    if item.office:
        notes.append(f"{'、'.join(item.office)}是组织考核的办公室，不作为考核单位")
    if not applies:  # defensive: the parser always leaves something to apply to
        applies.append({"group": "dept"})
        refs["groups"].add("dept")
    if not item.annotated:
        notes.append(f"{TODO}：原文没有（责任单位：…）标注，请补写适用单位")
    elif "dept" in item.collectives and not item.units and "各成员单位" not in item.annotation:
        notes.append(f"{TODO}：按全部市直成员单位处理，请核对")
    entry: dict[str, Any] = {"id": item_id, "number": number, "title": item.title}
    if item.title.endswith("…"):
        entry["title"] = Note(item.title, after="简称为自动截取，请修改")
    if item.text:
        entry["content"] = item.text
    entry["plan_items"] = Note([item.number], flow=True)
    if item.group is not None and item.group in group_ids:
        entry["item_group"] = group_ids[item.group]
    entry["points"] = Note(points, after=f"{TODO}：默认平均分配")
    entry["applies_to"] = Note(applies, before=tuple(notes), flow=True)
    entry["criteria"] = [
        Note(
            {"id": "a", "text": "待填写评分标准", "points": points, "rule": {"kind": "discretionary"}},
            flow=True,
            after=f"{TODO}：评分标准、分值和规则",
        )
    ]
    return entry, refs


# --------------------------------------------------------------------------------------------
# YAML writing: hand-made so that comments, key order and Chinese text come out as people expect
# --------------------------------------------------------------------------------------------
_PLAIN_BAD_START = set("-?:,[]{}#&*!|>'\"%@` ")


def _plain_ok(text: str, flow: bool) -> bool:
    import yaml

    if not text or text != text.strip() or text[0] in _PLAIN_BAD_START:
        return False
    if any(not ch.isprintable() for ch in text) or ": " in text or " #" in text or text.endswith(":"):
        return False
    if flow and any(ch in text for ch in ",[]{}:#?&*!|>'\"%@`"):
        return False
    resolved = yaml.resolver.Resolver().resolve(yaml.ScalarNode, text, (True, False))
    return bool(resolved == "tag:yaml.org,2002:str")


def scalar(value: Any, flow: bool = False) -> str:
    """One YAML scalar: Chinese stays Chinese; anything YAML could misread is double-quoted."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal):
        return fmt(value)
    if isinstance(value, float):
        return repr(value)
    text = str(value)
    return text if _plain_ok(text, flow) else json.dumps(text, ensure_ascii=False)


def _flow(value: Any) -> str:
    value = value.value if isinstance(value, Note) else value
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_flow(v) for v in value) + "]"
    return scalar(value, flow=True)


def _comment(text: str) -> str:
    return " ".join(text.split())


def _is_simple(value: Any) -> bool:
    return not isinstance(value, (dict, list, tuple))


def _emit_mapping(mapping: dict[str, Any], indent: int, out: list[str]) -> None:
    pad = " " * indent
    for key, raw in mapping.items():
        note = raw if isinstance(raw, Note) else Note(raw)
        out.extend(f"{pad}# {_comment(c)}" if c else "" for c in note.before)
        tail = f"  # {_comment(note.after)}" if note.after else ""
        value = note.value
        if _is_simple(value) or note.flow or (isinstance(value, list) and not value):
            out.append(f"{pad}{key}: {_flow(value) if not _is_simple(value) else scalar(value)}{tail}")
        elif isinstance(value, dict):
            out.append(f"{pad}{key}:{tail}")
            _emit_mapping(value, indent + 2, out)
        else:
            out.append(f"{pad}{key}:{tail}")
            _emit_sequence(value, indent + 2, out)


def _emit_sequence(items: Sequence[Any], indent: int, out: list[str]) -> None:
    pad = " " * indent
    for raw in items:
        note = raw if isinstance(raw, Note) else Note(raw)
        out.extend(f"{pad}# {_comment(c)}" for c in note.before)
        tail = f"  # {_comment(note.after)}" if note.after else ""
        value = note.value
        if _is_simple(value) or note.flow:
            out.append(f"{pad}- {_flow(value) if not _is_simple(value) else scalar(value)}{tail}")
        elif isinstance(value, dict):
            start = len(out)
            _emit_mapping(value, indent + 2, out)
            out[start] = f"{pad}- {out[start][indent + 2 :]}"
            if tail:
                out[start] += tail
        else:
            out.append(f"{pad}-{tail}")
            _emit_sequence(value, indent + 2, out)


def to_yaml(doc: dict[str, Any]) -> str:
    """The document as commented YAML, keys in the order given."""
    out: list[str] = []
    first = True
    for key, raw in doc.items():
        if not first and not _is_simple(raw.value if isinstance(raw, Note) else raw):
            out.append("")
        first = False
        _emit_mapping({key: raw}, 0, out)
    return "\n".join(out) + "\n"


def verify_yaml(text: str, doc: dict[str, Any], name: str) -> list[Problem]:
    """The written text must read back as exactly ``doc`` and load as a rubric without errors."""
    import yaml

    from kepu_inspect.adapters.rubric_file import load_rubric_text

    try:
        if yaml.safe_load(text) != plain(doc):
            return [problem(Code.PL012, detail="YAML 读回的内容与生成的内容不一致")]
    except yaml.YAMLError as exc:
        return [problem(Code.PL012, detail=f"YAML 语法错误：{exc}")]
    loaded = load_rubric_text(text, Path(name))
    errors = [p for p in loaded.problems if p.severity is Severity.ERROR]
    if errors or loaded.rubric is None:
        detail = "；".join(f"{p.path or ''} {p.message}".strip() for p in errors[:3]) or "无法载入"
        return [problem(Code.PL012, detail=detail)]
    return []
