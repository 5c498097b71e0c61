"""A plan written as a 分工 table (序号 | 工作任务 | 牵头单位 | 配合单位 …) → a :class:`Draft`.

Rows come from ``core.tables`` with their header roles and merged cells resolved. A row merged across
the table (一、…) is a section; the category column (重点任务, 工作类别 …), merged down or left blank
below its first row, is the item group; the unit columns give the roles: 牵头单位 → lead, 配合单位 →
cooperate, and 责任单位 beside a 牵头单位 column → cooperate (alone it is read like an annotation, so
"市科协（牵头）、市教育局" and "X牵头，Y配合" keep their roles)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from kepu_inspect.core.numbers import cn_number
from kepu_inspect.core.plan.annotations import (
    Mention,
    annotations_of,
    clean_annotation,
    read_mentions,
    settle_roles,
    strip_spans,
)
from kepu_inspect.core.plan.document import issuer_of, lead_first_note, title_of
from kepu_inspect.core.plan.draft import Draft, RawGroup, RawItem
from kepu_inspect.core.plan.model import PlanSection
from kepu_inspect.core.plan.numbering import marker
from kepu_inspect.core.plan.parser import year_of
from kepu_inspect.core.plan.text import Simplifier, clean_line, cn_numeral, looks_traditional, tidy
from kepu_inspect.core.problems import Code, problem
from kepu_inspect.core.tables import Table, TableRow

_NOTE_ROW = re.compile(r"^(?:注|备注|说明|附注)[：:]")


def draft_from_tables(
    tables: Sequence[Table], text: str = "", to_simplified: Simplifier | None = None
) -> Draft:
    """Read a plan from its 分工 tables; ``text`` is the file's words around them (title, notes)."""
    draft = Draft()
    simplify: Simplifier = lambda s: s  # noqa: E731
    sample = text + "\n".join(c for t in tables for r in t.rows[:200] for c in r.cells)
    if to_simplified is not None and looks_traditional(sample, to_simplified):
        simplify, draft.converted = to_simplified, True
    prose = [clean_line(simplify(line)) for line in text.splitlines()]
    prose = [line for line in prose if line]
    draft.title = title_of(prose)
    draft.issuer = issuer_of(prose)
    draft.year = year_of(draft.title, "\n".join(prose))
    notes = "\n".join([*prose, *(simplify(t.note) for t in tables), *_note_rows(tables, simplify)])
    draft.lead_first = lead_first_note(notes)
    for table in tables:
        _TableWalker(draft, table, simplify).walk()
    return draft


def _note_rows(tables: Sequence[Table], simplify: Simplifier) -> list[str]:
    return [simplify(r.cells[0]) for t in tables for r in t.rows if r.cells and _NOTE_ROW.match(r.cells[0])]


@dataclass
class _TableWalker:
    draft: Draft
    table: Table
    simplify: Simplifier
    section: int | None = None
    group: int | None = None
    category: str = ""
    count: int = 0

    def walk(self) -> None:
        caption = self.simplify(clean_line(self.table.caption))
        mk = marker(caption, "dot") if caption else None
        if mk is not None and mk.kind in ("section", "group"):
            self.heading(caption, self.table.header_line, False)  # 一、青少年… just above the table
        for row in self.table.rows:
            cells = tuple(self.simplify(c) for c in row.cells)
            row = TableRow(row.line, cells, row.spans_all)
            distinct = {c.strip() for c in cells if c.strip()}
            if self.repeats_header(cells):
                continue  # a header repeated on every page (a PDF or a long Word table)
            if not distinct or (len(distinct) == 1 and _NOTE_ROW.match(next(iter(distinct)))):
                continue
            lone = next(iter(distinct))
            single = len(distinct) == 1 and marker(lone, "dot") is not None
            if (row.spans_all or single) and self.heading(lone, row.line, row.spans_all):
                continue
            numbered = self.numbered_heading(row)
            if numbered and self.heading(numbered, row.line, False):
                continue
            self.item(row)

    def numbered_heading(self, row: TableRow) -> str:
        """一 | 青少年科学素质提升 (a Chinese numeral in the 序号 column, no units): a heading row."""
        table = self.table
        number = table.value(row, "number").strip()
        others = {c.strip() for i, c in enumerate(row.cells) if c.strip() and i not in table.index("number")}
        merged_across = len(others) == 1  # the heading's text merged over the rest of the row
        if not merged_across and any(table.value(row, r) for r in ("lead", "cooperate", "responsible")):
            return ""
        text = (
            next(iter(others), "")
            if merged_across
            else table.value(row, "task") or table.value(row, "category")
        )
        bare = number.strip("、.． ")
        if text and cn_number(bare):
            return f"{bare}、{text}"
        if text and re.fullmatch(r"[（(][一二三四五六七八九十]{1,3}[）)]", number):
            return f"{number}{text}"
        return ""

    def repeats_header(self, cells: tuple[str, ...]) -> bool:
        headers = [c.header for c in self.table.columns]
        return sum(1 for c, h in zip(cells, headers, strict=False) if c.strip() and c.strip() == h) >= 2

    def heading(self, text: str, line: int, across: bool) -> bool:
        mk = marker(text, "dot")
        if mk is not None and mk.kind == "group":
            self.ensure_section(line)
            self.new_group(mk.rest, line, mk.number)
            return True
        if (mk is not None and mk.kind == "section") or across:
            number = mk.number if mk is not None and mk.kind == "section" else len(self.draft.sections) + 1
            title = tidy(mk.rest if mk is not None and mk.kind == "section" else text)
            self.draft.sections.append(PlanSection(number, f"{cn_numeral(number)}、{title}", title, line))
            self.draft.section_leads.append([])
            self.section, self.group, self.category = len(self.draft.sections) - 1, None, ""
            return True
        return False

    def ensure_section(self, line: int) -> int:
        if self.section is None:
            self.draft.sections.append(PlanSection(0, "考核项目", "考核项目", line))
            self.draft.section_leads.append([])
            self.section = len(self.draft.sections) - 1
        return self.section

    def new_group(self, title: str, line: int, number: int | None = None) -> None:
        section = self.ensure_section(line)
        number = number or sum(1 for g in self.draft.groups if g.section == section) + 1
        self.draft.groups.append(RawGroup(number, tidy(title), section, [], line))
        self.group = len(self.draft.groups) - 1

    def item(self, row: TableRow) -> None:
        table = self.table
        task = tidy(table.value(row, "task").replace("\n", ""))
        mentions, bad, annotation = self.units(row)
        if not (mentions or bad or annotation) and task:
            task, mentions, bad, annotation = self.units_in_text(task)
        if not task:
            if mentions or bad:
                self.draft.problems.append(
                    problem(Code.PL024, where=table.source, row=row.line, line=row.line)
                )
            return
        section = self.ensure_section(row.line)
        category = table.value(row, "category").replace("\n", "")
        if category and category != self.category:
            self.category = category
            self.new_group(category, row.line)
        number, task = self.number(table.value(row, "number"), task)
        raw = RawItem(
            number, task, mentions, annotation, bool(mentions or bad), bad, section, self.group, row.line
        )
        self.draft.items.append(raw)

    def number(self, cell: str, task: str) -> tuple[int, str]:
        digits = re.sub(r"[\s.．、]", "", cell)
        if digits.isdigit():
            self.count = int(digits)
            return self.count, re.sub(rf"^\s*{self.count}\s*[.．、]\s*", "", task)
        if cn_number(digits):
            self.count = cn_number(digits) or 0
            return self.count, task
        mk = marker(task, "dot")
        if mk is not None and mk.kind == "item" and mk.rest:
            self.count = mk.number
            return self.count, mk.rest
        self.count += 1
        return self.count, task

    def units_in_text(self, task: str) -> tuple[str, list[Mention], list[str], str]:
        """No unit columns: the task's own text carries its annotation, as prose plans write it."""
        flat, anns = annotations_of([task])
        if not anns:
            return task, [], [], ""
        mentions, bad = [], []
        for ann in anns:
            found, not_names = read_mentions(ann.inner, ann.role)
            mentions += found
            bad += not_names
        text = tidy(strip_spans(flat, anns)).rstrip("，,、")
        annotation = "；".join(clean_annotation(flat[a.span[0] : a.span[1]]) for a in anns)
        return text, settle_roles(mentions, bool(self.draft.lead_first)), bad, annotation

    def units(self, row: TableRow) -> tuple[list[Mention], list[str], str]:
        table = self.table
        lead, coop, resp = (table.value(row, r) for r in ("lead", "cooperate", "responsible"))
        mentions: list[Mention] = []
        bad: list[str] = []
        parts: list[str] = []
        for text, role, label in (
            (lead, "lead", "牵头单位"),
            (coop, "cooperate", "配合单位"),
            (resp, "cooperate" if lead else None, "责任单位"),
        ):
            if not text:
                continue
            found, not_names = read_mentions(text.replace("\n", "、"), role)  # type: ignore[arg-type]
            mentions += found
            bad += not_names
            parts.append(f"{label}：{text}")
        return settle_roles(mentions, bool(self.draft.lead_first)), bad, "；".join(parts)
