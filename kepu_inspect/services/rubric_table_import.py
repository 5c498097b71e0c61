"""``rubric import 考核细则.xlsx|.docx``: an office's 考核细则 table (or this tool's export of one) → a
complete rubric in YAML that passes ``rubric check``.

The table is read by the shared table reader (``adapters.table_reader``), its 评分标准 sentences parsed
into rules (``core.criteria``), its sections, items and points settled (``core.rubric_table.read``).
Who each item applies to comes from the table's own 适用单位 words and 考核单位 list, else from the work
plan (``--plan``: items matched by number and text), else from its 责任单位 column read as a plan's 分工
table is; ``--units`` supplies the official unit list. Every sentence not read as a rule stays a
discretionary criterion marked for review, and the file is read back by the rubric loader before it
is returned.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from kepu_inspect.adapters.yaml_writer import Note, to_yaml
from kepu_inspect.core.plan import OfficialUnit, Plan, assemble_plan, draft_from_tables
from kepu_inspect.core.problems import Code, Problem, has_errors, problem
from kepu_inspect.core.rubric_table.read import DraftItem, DraftSection, MainDraft, Tally, read_main
from kepu_inspect.core.rubric_table.scoping import (
    Names,
    PlanEntry,
    every_group,
    match_plan,
    scopes_from_words,
)
from kepu_inspect.core.rubric_table.sides import Sides, gates_from_text, grades_from_text, read_sides
from kepu_inspect.core.tables import Column, Table, TableRow

TODO = "TODO 待核对"


@dataclass(frozen=True)
class TableImport:
    fatal: bool
    problems: list[Problem]
    yaml_text: str = ""
    counts: dict[str, int] = field(default_factory=dict)
    tally: Tally = field(default_factory=Tally)
    document: dict[str, Any] | None = None


def is_rubric_table(path: Path) -> bool:
    """Whether the file holds a 考核细则 table (and no 分工 table): the import to run."""
    from kepu_inspect.adapters.table_reader import read_tables

    found = read_tables(path)
    kinds = {t.kind for t in found.tables}
    return "rubric" in kinds and "plan" not in kinds and "ambiguous" not in kinds


def import_rubric_table(
    path: Path, plan_path: Path | None = None, units_path: Path | None = None, *, today: dt.date | None = None
) -> TableImport:
    from kepu_inspect.adapters.plan_file import read_units_file
    from kepu_inspect.adapters.table_reader import read_grids, read_tables

    where = {"file": str(path)}
    official: list[OfficialUnit] = []
    problems: list[Problem] = []
    if units_path is not None:
        official, unit_problems = read_units_file(units_path)
        problems.extend(unit_problems)
        if has_errors(unit_problems):
            return TableImport(True, problems)
    if path.suffix.lower() in (".docx", ".xlsx", ".xlsm"):
        grids, found = read_grids(path)
    else:
        grids, found = [], read_tables(path)
    if found.error is not None:
        detail, fix = found.error
        return TableImport(True, [problem(Code.RB025, detail=detail, fix=fix, **where)])
    ambiguous = [t for t in found.tables if t.kind == "ambiguous"]
    if ambiguous:
        return TableImport(
            True, [problem(Code.PL019, where=ambiguous[0].source, detail=ambiguous[0].reason, **where)]
        )
    tables = [t for t in found.tables if t.kind == "rubric"]
    if not tables:
        what = {"docx": "Word 文档", "xlsx": "Excel 工作簿"}.get(found.kind, "文件")
        return TableImport(True, [problem(Code.RB026, what=what, **where)])
    main = read_main(tables)
    problems += [p.at(**where) for p in main.problems]
    sides = read_sides([(g.source, g.rows) for g in grids])
    problems += [p.at(**where) for p in sides.problems]
    if not any(s.items for s in main.sections):
        return TableImport(True, [*problems, problem(Code.RB034, where=tables[0].source, **where)])
    builder = _DocBuilder(path, main, sides, found.text, official, today or dt.date.today())
    plan_scoping = None
    if plan_path is not None:
        plan_scoping, plan_problems = _plan_entries(plan_path, official)
        problems += plan_problems
        if plan_scoping is None:
            return TableImport(True, problems)
    elif sides.units is None and main.has_units_column:
        plan_scoping = _column_plan(tables, main, official, builder.year)
    doc = builder.build(plan_scoping)
    problems += [p.at(**where) for p in builder.problems]
    text = to_yaml(doc)
    from kepu_inspect.adapters.yaml_writer import plain
    from kepu_inspect.services.plan_import import verify_yaml

    verify = verify_yaml(text, doc, path.with_suffix(".yaml").name)
    if verify:
        return TableImport(True, problems + verify, tally=main.tally)
    data = plain(doc)
    counts = {
        "sections": len(doc["sections"]),
        "items": sum(len(s["items"]) for s in data["sections"]),
        "units": len(data["units"]),
        "parsed": main.tally.parsed,
        "discretionary": main.tally.discretionary,
        "stated": main.tally.stated_discretionary,
    }
    return TableImport(False, problems, text, counts, main.tally, data)


# --- the plan's scopes ---------------------------------------------------------------------------
@dataclass
class PlanScoping:
    plan: Plan
    skeleton: dict[str, Any]
    entries: list[PlanEntry]
    source: str  # 工作要点 / 表中的责任单位


def _plan_entries(plan_path: Path, official: list[OfficialUnit]) -> tuple[PlanScoping | None, list[Problem]]:
    from kepu_inspect.services.plan_import import read_and_parse

    plan, problems = read_and_parse(plan_path, official)
    if plan is None or not plan.items or has_errors(problems):
        return None, problems
    return _scoping(plan, "工作要点"), problems


def _scoping(plan: Plan, source: str) -> PlanScoping:
    from kepu_inspect.adapters.yaml_writer import plain
    from kepu_inspect.services.plan_skeleton import skeleton

    doc = plain(skeleton(plan))
    entries: list[PlanEntry] = []
    for section in doc["sections"]:
        for item in section["items"]:
            entries.append(
                PlanEntry(
                    item["plan_items"][0],
                    item.get("content") or item["title"],
                    item["applies_to"],
                    item.get("item_group", ""),
                )
            )
    return PlanScoping(plan, doc, entries, source)


def _column_plan(
    tables: list[Table], main: MainDraft, official: list[OfficialUnit], year: int
) -> PlanScoping | None:
    """The table's 责任单位 (牵头单位 / 配合单位) columns read exactly as a plan's 分工 table is."""
    unit_roles = ("lead", "cooperate", "responsible")
    columns = [Column(0, "工作任务", "task")]
    for c in tables[0].columns:
        if c.role in unit_roles:
            columns.append(Column(len(columns), c.header, c.role))
    rows: list[TableRow] = []
    for section in main.sections:
        for item in section.items:
            cells = (f"{item.title}{('：' + item.content) if item.content else ''}", *item.unit_cells)
            rows.append(TableRow(item.row, cells))
    pseudo = Table("plan", tables[0].source, tuple(columns), 0, tuple(rows))
    plan = assemble_plan(draft_from_tables([pseudo], f"{year}年考核细则"), official)
    if not plan.items:
        return None
    return _scoping(plan, "表中的责任单位")


# --- the document ------------------------------------------------------------------------------------
class _DocBuilder:
    def __init__(
        self,
        path: Path,
        main: MainDraft,
        sides: Sides,
        text: str,
        official: list[OfficialUnit],
        today: dt.date,
    ) -> None:
        self.path = path
        self.main = main
        self.sides = sides
        self.lines = [line.strip() for line in text.splitlines() if line.strip()]
        self.official = official
        self.problems: list[Problem] = []
        info = sides.info
        self.title = info.get("title") or self._title() or path.stem
        found = re.search(r"(20\d{2})", info.get("year", "") or self.title)
        self.year = int(found.group(1)) if found else today.year

    def _title(self) -> str:
        for line in self.lines[:8]:
            if re.search(r"细则|评分标准|考核办法|考核方案|评价标准|考评办法", line) and len(line) <= 60:
                return line.strip("《》")
        return ""

    # --- parts ---
    def meta(self) -> dict[str, Any]:
        info = self.sides.info
        issuer = info.get("issuer") or self._issuer()
        meta: dict[str, Any] = {
            "id": info.get("id") or f"rubric-{self.year}",
            "title": self.title,
            "year": self.year,
            "issuer": issuer or Note("待填写发文单位", after=f"{TODO}：原表未写发文单位"),
            "version": info.get("version") or "1.0",
        }
        if period := info.get("period"):
            start, _, end = period.partition("至")
            meta["period"] = {k: v for k, v in (("start", start), ("end", end)) if v}
        for key in ("deadline", "source", "subject"):
            if info.get(key):
                meta[key] = info[key]
        if "source" not in meta:
            meta["source"] = f"《{self.path.name}》"
        return meta

    def _issuer(self) -> str:
        from kepu_inspect.core.plan.document import issuer_of

        return issuer_of(self.lines)

    def assign_ids(self) -> None:
        """Every section and item its id now (the table's 项目代码, else s1…, i01…), unique."""
        seen_sections: set[str] = set()
        seen_items: set[str] = set()
        items = [item for s in self.main.sections for item in s.items]
        width = max(2, len(str(len(items))))
        for n, section in enumerate(self.main.sections, 1):
            section.id = _unique(section.id or f"s{n}", seen_sections, f"s{n}")
        for k, item in enumerate(items, 1):
            item.id = _unique(item.id or f"i{k:0{width}d}", seen_items, f"i{k:0{width}d}")

    def build(self, scoping: PlanScoping | None) -> dict[str, Any]:
        self.assign_ids()
        sides = self.sides
        doc: dict[str, Any] = {"rubric": Note(self.meta(), before=self._header(scoping))}
        scoring = sides.scoring if sides.scoring is not None else {"decimals": 2}
        doc["scoring"] = (
            scoring if sides.scoring is not None else Note(scoring, after=f"{TODO}：计分设置为默认值")
        )
        if sides.total is not None:
            doc["total"] = sides.total
        groups, units, item_groups, applies = self.scopes(scoping)
        doc["groups"] = groups
        doc["units"] = units
        if item_groups:
            doc["item_groups"] = item_groups
        grades = sides.grades if sides.grades is not None else grades_from_text("\n".join(self.lines))
        gates = sides.gates if sides.gates is not None else gates_from_text("\n".join(self.lines), grades)
        if gates:
            doc["gates"] = gates
        if grades:
            doc["grades"] = grades
        elif sides.grades is None:
            doc["grades"] = Note(
                [], before=(f"{TODO}：原表未写等次分数段，本细则暂不评等次；如需评等次请在此写明",)
            )
        doc["sections"] = self.sections(applies)
        self.compare_open_groups(doc)
        return doc

    def compare_open_groups(self, doc: dict[str, Any]) -> None:
        """A group compared on 得分率 cannot hold a criterion without a maximum: compare it on raw points."""
        from kepu_inspect.adapters.yaml_writer import plain

        if not any(
            c["rule"].get("uncapped")
            for s in plain(doc["sections"])
            if s.get("kind", "base") == "base"
            for i in s["items"]
            for c in i["criteria"]
        ):
            return
        for n, group in enumerate(doc["groups"]):
            value = group.value if isinstance(group, Note) else group
            if value.get("normalise"):
                kept = {k: v for k, v in value.items() if k != "normalise"}
                doc["groups"][n] = Note(kept, after="有不设上限的评分细项：按总分比较", flow=True)
                self.problems.append(problem(Code.RB033, group=value["name"]))

    def _header(self, scoping: PlanScoping | None) -> tuple[str, ...]:
        t = self.main.tally
        lines = [
            f"考核细则：由 kepu-inspect rubric import 根据《{self.path.name}》生成。",
            f"评分标准共 {t.parsed + t.discretionary + t.stated_discretionary} 条：{t.parsed} 条识别为评分规则，"
            f"{t.stated_discretionary} 条原文即为酌情评分，{t.discretionary} 条未能识别、暂作酌情评分（标有“{TODO}”）。",
        ]
        if scoping is not None:
            lines.append(f"适用单位取自{scoping.source}。")
        lines.append("修改后运行：kepu-inspect rubric check 本文件")
        return tuple(lines)

    def scopes(self, scoping: PlanScoping | None) -> tuple[list[Any], list[Any], list[Any], dict[int, Any]]:
        """groups, units, item_groups and applies_to per item (by its index in table order)."""
        items = [item for s in self.main.sections for item in s.items]
        sides = self.sides
        if scoping is not None and scoping.source == "工作要点":  # asked for: the plan decides
            return self._from_plan(scoping, items)
        if sides.units is not None and sides.groups is not None:
            names = Names.of(sides.units, sides.groups, sides.item_groups or [])
            applies: dict[int, Any] = {}
            for k, item in enumerate(items):
                found, unknown = scopes_from_words(item.units_text, names)
                for token in unknown:
                    self.problems.append(
                        problem(Code.RB028, where=f"考核细则表第 {item.row} 行", units=token)
                    )
                applies[k] = found or every_group(sides.groups)
            return list(sides.groups), list(sides.units), list(sides.item_groups or []), applies
        if scoping is not None:
            return self._from_plan(scoping, items)
        if self.official:
            return self._from_official(items)
        self.problems.append(problem(Code.RB030))
        group = {"id": "all", "name": "被考核单位", "kind": "other"}
        unit = Note(
            {"id": "u01", "name": "待填写单位", "group": "all", "assessed": False},
            flow=True,
            after=f"{TODO}：原表没有考核单位，请在此列出",
        )
        return [group], [unit], [], {k: [{"group": "all"}] for k in range(len(items))}

    def _from_plan(
        self, scoping: PlanScoping, items: list[DraftItem]
    ) -> tuple[list[Any], list[Any], list[Any], dict[int, Any]]:
        skel = scoping.skeleton
        keys = [(i.number, i.title, i.content, i.plan_items) for i in items]
        matched = match_plan(keys, scoping.entries)
        applies: dict[int, Any] = {}
        all_groups = every_group(skel["groups"])
        for k, item in enumerate(items):
            if k in matched:
                entry = scoping.entries[matched[k]]
                applies[k] = entry.applies
                if not item.plan_items and scoping.source == "工作要点":
                    item.plan_items = [entry.number]
                if entry.item_group:
                    self.sides.item_group_of.setdefault(item.id, entry.item_group)
            else:
                applies[k] = all_groups
                self.problems.append(
                    problem(Code.PL027, item=f"{item.number} {item.title}".strip(), meaning="全部分组")
                )
        used = {scoping.entries[i].number for i in matched.values()}
        left = [entry.number for entry in scoping.entries if entry.number not in used]
        if scoping.source == "工作要点" and left:
            from kepu_inspect.core.plan.text import ranges

            self.problems.append(problem(Code.PL028, number=ranges(left)))
        units = [u for u in skel["units"]]
        return list(skel["groups"]), units, list(skel.get("item_groups", [])), applies

    def _from_official(
        self, items: list[DraftItem]
    ) -> tuple[list[Any], list[Any], list[Any], dict[int, Any]]:
        kinds = {u.group for u in self.official}
        groups = []
        if "county" in kinds:
            groups.append({"id": "county", "name": "县（市、区）", "kind": "county"})
        if "dept" in kinds or None in kinds:
            groups.append({"id": "dept", "name": "成员单位", "kind": "department"})
        units = [
            {
                "id": f"u{n:02d}",
                "name": u.name,
                **({"aliases": list(u.aliases)} if u.aliases else {}),
                "group": u.group or "dept",
            }
            for n, u in enumerate(self.official, 1)
        ]
        return groups, units, [], {k: every_group(groups) for k in range(len(items))}

    def sections(self, applies: dict[int, Any]) -> list[Any]:
        out: list[Any] = []
        k = 0
        for section in self.main.sections:
            entries = []
            for item in section.items:
                entries.append(self.item(item, applies[k]))
                k += 1
            out.append(self.section(section, section.id, entries))
        return out

    def section(self, section: DraftSection, sid: str, items: list[Any]) -> dict[str, Any]:
        entry: dict[str, Any] = {"id": sid, "title": section.title}
        if section.kind != "base":
            entry["kind"] = section.kind
        if section.cap is not None:
            entry["cap"] = section.cap
        total = sum((i.points or Decimal(0) for i in section.items), Decimal(0))
        if section.points is not None:
            if section.points == total:
                entry["points"] = section.points
            else:
                self.problems.append(
                    problem(
                        Code.RB027,
                        where="考核细则表",
                        row=section.items[0].row if section.items else 0,
                        detail=f"所在部分“{section.title}”写明{section.points}分，而各项合计{total}分，未写入部分分值",
                    )
                )
        entry["items"] = items
        return entry

    def item(self, item: DraftItem, applies: Any) -> dict[str, Any]:
        entry: dict[str, Any] = {"id": item.id}
        if item.number:
            entry["number"] = item.number
        entry["title"] = item.title
        if item.content:
            entry["content"] = item.content
        if item.plan_items:
            entry["plan_items"] = Note(item.plan_items, flow=True)
        group = self.sides.item_group_of.get(item.id)
        if group:
            entry["item_group"] = group
        entry["points"] = item.points or Decimal(0)
        if item.reported_by != "unit":
            entry["reported_by"] = item.reported_by
        entry["applies_to"] = Note(applies, flow=True)
        if item.evidence:
            entry["evidence"] = item.evidence
        if item.evidence_required is not None and item.evidence_required != bool(item.evidence):
            entry["evidence_required"] = item.evidence_required
        if item.verification:
            entry["verification"] = item.verification
        entry["criteria"] = [
            Note(c, flow=True, after=f"{TODO}：评分标准未能识别为评分规则，暂作酌情评分" if fallback else "")
            for c, fallback in zip(item.criteria, item.fallbacks, strict=True)
        ]
        return entry


def _unique(wanted: str, seen: set[str], fallback: str) -> str:
    ident = wanted if re.fullmatch(r"[A-Za-z][A-Za-z0-9_-]{0,39}", wanted) else fallback
    base, n = ident, 1
    while ident in seen:
        n += 1
        ident = f"{base}-{n}"
    seen.add(ident)
    return ident
