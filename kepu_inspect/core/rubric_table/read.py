"""The main 考核细则 table → sections, items and criteria, each criterion a rule where its sentence is one
of the common forms, else a discretionary criterion with a warning naming the cell.

Rows: a row written across the table is a section (一、组织领导（20分）; 加分项目（最高加5分）; 扣分项目);
a row with 分值 or 评分标准 is an item; an 考核项目 cell merged down over rows with their own 考核内容 and
分值 makes those rows the criteria of one item; a row with only 评分标准 continues the item above.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

from kepu_inspect.core.criteria import parse_criterion, split_criteria
from kepu_inspect.core.criteria.text import NUM, dec, normalise
from kepu_inspect.core.criteria.words import Context
from kepu_inspect.core.numbers import ZERO, fmt
from kepu_inspect.core.problems import Code, Problem, problem
from kepu_inspect.core.rubric_table.export import NO_LIMIT, positional_id
from kepu_inspect.core.rubric_table.ruledoc import rule_doc
from kepu_inspect.core.tables import Table, TableRow

SectionKind = Literal["base", "bonus", "deduct"]
CODE_HEADERS = ("项目代码", "代码", "编码", "项目编码")
VERIFICATION = {
    "资料": (
        "资料",
        "查阅资料",
        "资料检查",
        "查资料",
        "查看资料",
        "查阅台账",
        "台账检查",
        "听取汇报、查阅资料",
    ),
    "实查": ("实查", "实地查看", "实地检查", "现场查看", "现场检查", "实地察看"),
    "抽查": ("抽查", "随机抽查", "实地抽查"),
}
_PLAN_REF = re.compile(r"[（(]工作要点第(?P<n>[\d、，,]+)条[)）]$")
_HEADING_NOTE = re.compile(
    r"〔(?P<note>[^〕]*)〕$|[（(](?P<paren>[^（）()]*(?:分|加分|扣分)[^（）()]*)[)）]$"
)


@dataclass
class DraftItem:
    id: str
    number: str
    title: str
    content: str
    points: Decimal | None
    criteria: list[dict[str, Any]]
    row: int
    open_ended: bool = False
    plan_items: list[int] = field(default_factory=list)
    evidence: str = ""
    evidence_required: bool | None = None
    verification: str = ""
    reported_by: str = "unit"
    units_text: str = ""
    criteria_rows: list[int] = field(default_factory=list)  # the table row of each criterion
    fallbacks: list[bool] = field(default_factory=list)  # criteria kept discretionary for review
    unit_cells: tuple[str, ...] = ()  # one per 牵头单位 / 配合单位 / 责任单位 column, as written
    cells: list[tuple[int, str]] = field(default_factory=list)  # (row, 评分标准) for messages
    rows: list[tuple[str, Decimal | None, str, int]] = field(
        default_factory=list
    )  # (content, points, criteria, row)


@dataclass
class DraftSection:
    id: str
    title: str
    kind: SectionKind = "base"
    points: Decimal | None = None
    cap: Decimal | None = None
    items: list[DraftItem] = field(default_factory=list)


@dataclass
class Tally:
    """Criteria read: as rules, or kept discretionary (for the importer's summary and the corpus)."""

    parsed: int = 0
    discretionary: int = 0  # sentences that were not a recognised form
    stated_discretionary: int = 0  # 酌情评分 as written


@dataclass
class MainDraft:
    sections: list[DraftSection]
    problems: list[Problem]
    tally: Tally
    has_units_column: bool = False


def read_main(tables: Sequence[Table]) -> MainDraft:
    """Sections and items of the rubric's table(s), criteria still as text (see ``settle_criteria``)."""
    sections: list[DraftSection] = []
    problems: list[Problem] = []
    units_column = False
    for table in tables:
        reader = _MainReader(table, sections, problems)
        reader.walk()
        units_column = units_column or reader.units_column
    tally = Tally()
    for section in sections:
        for item in section.items:
            settle_criteria(item, section.kind, tally, problems)
    return MainDraft([s for s in sections if s.items], problems, tally, units_column)


def _code_column(table: Table) -> int | None:
    for col in table.columns:
        if re.sub(r"\s", "", col.header) in CODE_HEADERS:
            return col.index
    return None


class _MainReader:
    def __init__(self, table: Table, sections: list[DraftSection], problems: list[Problem]) -> None:
        self.table = table
        self.sections = sections
        self.problems = problems
        self.code = _code_column(table)
        self.units = [c.index for c in table.columns if c.role in ("lead", "cooperate", "responsible")]
        self.units_column = bool(self.units)
        self.previous_item_cell = ""

    def value(self, row: TableRow, role: Any) -> str:
        return self.table.value(row, role)

    def cell(self, row: TableRow, index: int | None) -> str:
        if index is None or index >= len(row.cells):
            return ""
        return row.cells[index].strip()

    def walk(self) -> None:
        for row in self.table.rows:
            if self.is_header_again(row) or self.is_note(row):
                continue
            heading = self.heading(row)
            if heading is not None:
                self.sections.append(heading)
                self.previous_item_cell = ""
                continue
            self.item_row(row)

    def is_note(self, row: TableRow) -> bool:
        """A sentence written under (or inside) the table, one cell wide or across it: 注：…, 考核结果分为…
        (read with the file's other words, for grades and gates), never an item."""
        filled = {c.strip() for c in row.cells if c.strip()}
        if len(filled) != 1:
            return False
        text = next(iter(filled))
        first = row.cells[0].strip() if row.cells else ""
        return (first == text or row.spans_all) and (
            bool(re.match(r"^(?:注|备注|说明|附注)[：:]", text)) or text.endswith("。") or len(text) > 30
        )

    def is_header_again(self, row: TableRow) -> bool:
        return [c.strip() for c in row.cells[: len(self.table.columns)]] == [
            c.header for c in self.table.columns
        ]

    def heading(self, row: TableRow) -> DraftSection | None:
        texts = [c.strip() for i, c in enumerate(row.cells) if i != self.code]
        filled = [t for t in texts if t]
        if not filled:
            return None
        across = row.spans_all or (len(set(filled)) == 1 and len(filled) >= max(2, len(texts) - 1))
        alone = (
            len(filled) == 1
            and texts[0] == filled[0]
            and re.match(r"^(?:[一二三四五六七八九十]+[、.．]|加分|扣分|附加)", filled[0])
        )
        if not (across or alone):
            return None
        title = filled[0]
        code = self.cell(row, self.code)
        return _section(title, code or f"s{len(self.sections) + 1}")

    def current(self) -> DraftSection:
        if not self.sections:
            self.sections.append(DraftSection("s1", "考核项目"))
        return self.sections[-1]

    def item_row(self, row: TableRow) -> None:
        number = self.value(row, "number")
        item_cell = self.value(row, "item")
        content = self.value(row, "content")
        points_text = self.value(row, "points")
        criteria = self.value(row, "criteria")
        if not (points_text or criteria):
            if item_cell or content:
                self.problems.append(
                    problem(
                        Code.RB027, where=self.table.source, row=row.line, detail="没有分值和评分标准，已跳过"
                    )
                )
            return
        section = self.current()
        points, open_ended = _points(points_text)
        last = section.items[-1] if section.items else None
        merged_item = bool(item_cell) and item_cell == self.previous_item_cell and last is not None
        continues = (
            last is not None
            and not number
            and not item_cell
            and not content
            and not self.cell(row, self.code)
        )
        if last is not None and (merged_item or continues) and not (number and number != last.number):
            last.rows.append((content, points, criteria, row.line))
            last.cells.append((row.line, criteria))
            return
        self.previous_item_cell = item_cell
        code = self.cell(row, self.code)
        title = item_cell or _short(content) or f"第{len(section.items) + 1}项"
        method = self.value(row, "method")
        evidence = self.value(row, "evidence")
        item = DraftItem(
            code or "",
            number,
            re.sub(r"[（(]\s*" + NUM + r"\s*分\s*[)）]$", "", title).strip(),
            content,
            points,
            [],
            row.line,
            open_ended,
            units_text="、".join(self.cell(row, i) for i in self.units if self.cell(row, i)),
            unit_cells=tuple(self.cell(row, i) for i in self.units),
        )
        item.rows.append((content, points, criteria, row.line))
        item.cells.append((row.line, criteria))
        _method(item, method, self.table.source, row.line, self.problems)
        _evidence(item, evidence)
        _plan_refs(item)
        section.items.append(item)


def _short(text: str) -> str:
    first = re.split(r"[。；;，,]", text.strip(), maxsplit=1)[0]
    return first if len(first) <= 20 else first[:18] + "…"


def _points(text: str) -> tuple[Decimal | None, bool]:
    t = normalise(text)
    if t in (NO_LIMIT, "不设上限", "上不封顶"):
        return ZERO, True
    m = re.fullmatch(rf"[+＋\-－]?(?P<n>{NUM})(?:分)?", t)
    return (dec(m.group("n")) if m else None), False


def _section(title: str, code: str) -> DraftSection:
    """一、组织建设〔30分〕 / 一、组织领导（20分） / 五、加分项目〔加分项目，最高加10分〕."""
    text = title.strip()
    note = ""
    m = _HEADING_NOTE.search(text)
    if m:
        note = m.group("note") if m.group("note") is not None else m.group("paren")
        text = text[: m.start()].strip()
    flat = normalise(note + text)
    kind: SectionKind = "base"
    if "扣分" in flat and "加分" not in flat:
        kind = "deduct"
    elif re.search(r"加分|附加分|奖励分", flat):
        kind = "bonus"
    points = cap = None
    n = normalise(note)
    if kind == "base":
        if pm := re.fullmatch(rf"(?:共|计|满分)?(?P<p>{NUM})分", n):
            points = dec(pm.group("p"))
    elif cm := re.search(rf"(?:最高|最多|不超过|上限)(?:加|扣)?(?P<p>{NUM})分", n):
        cap = dec(cm.group("p"))
    section_id = code if re.fullmatch(r"[A-Za-z][A-Za-z0-9_-]{0,39}", code) else ""
    return DraftSection(section_id, text, kind, points, cap)


def _method(item: DraftItem, text: str, where: str, line: int, problems: list[Problem]) -> None:
    if not text:
        return
    parts = [p for p in re.split(r"[；;]", text) if p]
    found: list[str] = []
    for part in parts:
        if part in ("由督导检查组认定", "由考核组认定", "由素质办认定"):
            item.reported_by = "office"
            continue
        for pieces in re.split(r"[+＋、和及与/]", part), [part]:
            names = [k for piece in pieces for k, words in VERIFICATION.items() if piece.strip() in words]
            if names and len(names) == len([p for p in pieces if p.strip()]):
                found.extend(n for n in names if n not in found)
                break
        else:
            problems.append(problem(Code.RB029, what=f"{where}第 {line} 行的考核方式", setting=part))
    if found:
        combo = "+".join(sorted(found, key=["资料", "实查", "抽查"].index))
        item.verification = combo if combo in ("资料", "实查", "抽查", "资料+实查", "资料+抽查") else found[0]


def _evidence(item: DraftItem, text: str) -> None:
    if not text:
        return
    if text == "须提供佐证材料":
        item.evidence_required = True
        return
    if text.endswith("（可不提供）"):
        item.evidence, item.evidence_required = text.removesuffix("（可不提供）"), False
        return
    item.evidence = text


def _plan_refs(item: DraftItem) -> None:
    m = _PLAN_REF.search(item.content)
    if m:
        item.plan_items = [int(n) for n in re.split(r"[、，,]", m.group("n")) if n]
        item.content = item.content[: m.start()].rstrip()


# --- criteria ------------------------------------------------------------------------------------
def settle_criteria(item: DraftItem, kind: SectionKind, tally: Tally, problems: list[Problem]) -> None:
    """Parse every row's 评分标准 into criteria and make the points add up; where they cannot (a
    sentence not in a known form, points that do not add up, a rule that cannot give its points),
    keep the item's text as one discretionary criterion and say which cell — never a guessed split."""
    several_rows = len(item.rows) > 1
    if several_rows:  # the item is the merged 考核项目; its content is every row's 考核内容
        item.content = "；".join(dict.fromkeys(c for c, _, _, _ in item.rows if c))
    criteria: list[dict[str, Any]] = []
    declared = item.points
    for content, row_points, text, line in item.rows:
        if not text.strip():  # a row with 分值 but no 评分标准
            problems.append(
                problem(Code.RB027, where="考核细则表", row=line, detail="没有评分标准，已作为酌情评分")
            )
            criteria.append(
                _discretionary(content or item.title, row_points if several_rows else None, "fallback")
            )
            criteria[-1]["_row"] = line
            continue
        found = _row_criteria(text, row_points, kind, several_rows, content if several_rows else "")
        if found is None:
            problems.append(problem(Code.RB023, where=f"第 {line} 行", criterion=_clip(text)))
            found = [_discretionary(text, row_points if several_rows else None, "fallback")]
        for c in found:
            c["_row"] = line
        criteria.extend(found)
    if (
        several_rows
        and all(r[1] is not None for r in item.rows)
        and (declared is None or declared == item.rows[0][1])
    ):
        declared = sum((r[1] or ZERO for r in item.rows), ZERO)  # the rows' own 分值 add up to the item
    if item.open_ended:
        declared = None
    if kind == "deduct" and declared is None:
        _open_deductions(criteria)
    known = sum((c["points"] for c in criteria if "points" in c and not c.get("bonus")), ZERO)
    unknown = [c for c in criteria if "points" not in c and not c["rule"].get("uncapped")]
    if declared is None:
        declared = known
        if unknown:
            problems.append(
                problem(
                    Code.RB027, where="考核细则表", row=item.row, detail="没有写分值，评分标准已作为酌情评分"
                )
            )
            criteria = [_discretionary(_all_text(item), known, "fallback")]
    else:
        rest = declared - known
        if len(unknown) == 1 and rest > 0 and not unknown[0].get("bonus"):
            unknown[0]["points"] = rest
        elif unknown or rest != 0:
            problems.append(
                problem(Code.RB024, where=f"第 {item.row} 行", actual=fmt(known), expected=fmt(declared))
            )
            criteria = [_discretionary(_all_text(item), declared, "fallback")]
    bad = next((c for c in criteria if not _consistent(c)), None)
    if bad is not None:
        problems.append(
            problem(
                Code.RB024,
                where=f"第 {item.row} 行",
                actual=_rule_top(bad),
                expected=fmt(bad.get("points", ZERO)),
            )
        )
        criteria = [_discretionary(_all_text(item), declared, "fallback")]
    item.fallbacks = _count(criteria, tally)
    item.criteria_rows = [c.pop("_row", item.row) for c in criteria]
    item.points = declared
    item.criteria = [_ordered(c) for c in criteria]


def _open_deductions(criteria: list[dict[str, Any]]) -> None:
    """每次扣5分 in a 扣分 section with no 分值 and no cap: a deduction without a maximum."""
    for c in criteria:
        if c["rule"]["kind"] == "per_category" and "cap" not in c["rule"] and "points" not in c:
            c["rule"]["uncapped"] = True


def _count(criteria: list[dict[str, Any]], tally: Tally) -> list[bool]:
    """Each criterion its positional id (unless printed) and its place in the tally; which ones were
    kept discretionary for review."""
    fallbacks = []
    for n, c in enumerate(criteria):
        c.setdefault("id", positional_id(n))
        how = c.pop("_how")
        fallbacks.append(how == "fallback")
        if how == "fallback":
            tally.discretionary += 1
        elif how == "stated":
            tally.stated_discretionary += 1
        else:
            tally.parsed += 1
    return fallbacks


def _all_text(item: DraftItem) -> str:
    return "\n".join(t for _, _, t, _ in item.rows)


def _consistent(c: dict[str, Any]) -> bool:
    """The rule gives exactly the criterion's points (as ``rubric check`` requires)."""
    from kepu_inspect.core.rubric_build import build_rule

    rule = build_rule(c["rule"])
    if not rule.capped:
        return "points" not in c
    points = c.get("points")
    if points is None:
        return False
    return rule.max_points(points) == points or (bool(c.get("bonus")) and rule.kind == "proportional")


def _rule_top(c: dict[str, Any]) -> str:
    from kepu_inspect.core.rubric_build import build_rule

    return fmt(build_rule(c["rule"]).max_points(c.get("points", ZERO)))


def _ordered(c: dict[str, Any]) -> dict[str, Any]:
    keys = ("id", "text", "points", "bonus", "rule")
    return {k: c[k] for k in keys if k in c}


def _row_criteria(
    text: str, row_points: Decimal | None, kind: SectionKind, several_rows: bool, content: str
) -> list[dict[str, Any]] | None:
    pieces = split_criteria(text)
    if not pieces:
        return []
    out: list[dict[str, Any]] = []
    for piece in pieces:
        found = _sentence(piece.text, kind)
        if found is None:
            return None
        for parsed_text, parsed in found:
            shown = f"{content}：{parsed_text}" if content and len(pieces) == 1 else parsed_text
            entry: dict[str, Any] = {"text": shown}
            if piece.id and len(found) == 1:
                entry["id"] = piece.id
            if parsed.points is not None and parsed.rule.capped:
                entry["points"] = parsed.points
            if parsed.bonus:
                entry["bonus"] = True
            entry["rule"] = rule_doc(parsed.rule)
            entry["_how"] = "stated" if parsed.rule.kind == "discretionary" else "parsed"
            out.append(entry)
    if several_rows and row_points is not None and len(out) == 1 and "points" not in out[0]:
        out[0]["points"] = row_points
    return out


def _sentence(text: str, kind: SectionKind) -> list[tuple[str, Any]] | None:
    """A sentence as one rule; failing that, its sentences (。) or clauses (；), grouped greedily into
    the longest runs that each read as one rule (两条“…得2分” stay one checklist, 两条“…扣2分” one set of
    deductions); None when some part reads as no rule."""
    context: Context = kind
    whole = parse_criterion(text, context)
    if whole is not None:
        return [(_clean(text), whole)]
    for seps in ("。", "。；;"):
        parts = [p.strip() for p in re.split(f"[{seps}]", text) if p.strip()]
        if len(parts) < 2:
            continue
        found = _runs(parts, context, seps[-1])
        if found is not None:
            return found
    return None


def _runs(parts: list[str], context: Context, joiner: str) -> list[tuple[str, Any]] | None:
    out: list[tuple[str, Any]] = []
    i = 0
    while i < len(parts):
        for j in range(len(parts), i, -1):
            piece = joiner.join(parts[i:j]) if joiner != "。" else "。".join(parts[i:j])
            parsed = parse_criterion(piece, context)
            if parsed is not None:
                out.append((_clean(piece), parsed))
                i = j
                break
        else:
            return None
    return out


def _clean(text: str) -> str:
    text = re.sub(r"^[（(]\d+(?:\.\d+)?分[)）]", "", text.strip())
    return text.strip().rstrip("；;。") or text


def _discretionary(text: str, points: Decimal | None, how: str) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "text": _clean(text.replace("\n", "；")) or "酌情评分",
        "rule": {"kind": "discretionary"},
        "_how": how,
    }
    if points is not None:
        entry["points"] = points
    return entry


def _clip(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= 50 else flat[:48] + "…"
