"""A rubric as the printed 考核细则 the office issues: the main table (sections, items, points, 评分标准 in
words generated from the rules, 考核方式, evidence, who it applies to) and the tables that carry the rest
(基本信息, 计分规则, 排名分组, 考核单位, 项目分组, 否决和扣分事项, 等次). Everything a rubric needs is
visible text in these tables, so ``rubric import`` of the printout gives the same rubric back."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from kepu_inspect.core.criteria.words import Context, rule_words
from kepu_inspect.core.numbers import fmt
from kepu_inspect.core.rubric import Criterion, Item, Rubric, Scope, Section
from kepu_inspect.core.rubric_table import vocab as V

NO_LIMIT = "不限"


@dataclass(frozen=True)
class SheetTable:
    """One table as printed: a caption (its sheet's name in Excel), a header and rows of text.

    ``headings`` are rows that are a section heading: printed across every column but the last
    (the section's code stays in its own cell)."""

    caption: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[float, ...]
    headings: frozenset[int] = field(default_factory=frozenset)
    note: str = ""  # a line printed under the caption


@dataclass(frozen=True)
class RubricDocument:
    title: str
    lines: tuple[str, ...]  # under the title: issuer, year, version
    tables: tuple[SheetTable, ...]


def positional_id(index: int) -> str:
    """a, b, … z, aa, ab …: the id a criterion gets from its place when none is printed."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(97 + rem) + letters
    return letters


def section_heading(section: Section) -> str:
    """一、组织建设〔30分〕; 五、加分项目〔加分项目，最高加10分〕; 六、扣分项目〔扣分项目，最多扣20分〕."""
    if section.kind == "bonus":
        note = "加分项目" + (f"，最高加{fmt(section.cap)}分" if section.cap is not None else "")
    elif section.kind == "deduct":
        note = "扣分项目" + (f"，最多扣{fmt(section.cap)}分" if section.cap is not None else "")
    else:
        note = f"{fmt(section.points)}分" if section.points is not None else ""
    return f"{section.title}〔{note}〕" if note else section.title


def criterion_line(n: int, crit: Criterion, context: Context) -> str:
    """1.（2分）开展科普日活动得1分；…  — the points, the id when not positional, a 加分 mark."""
    ident = "" if crit.id == positional_id(n - 1) else f"〔{crit.id}〕"
    points = f"（{fmt(crit.points)}分）" if crit.rule.capped else ""
    mark = "【加分】" if crit.bonus else ""
    return f"{n}.{ident}{points}{mark}{rule_words(crit.rule, crit.points, context)}"


def scope_words(rubric: Rubric, scope: Scope) -> str:
    if scope.kind == "unit":
        text = rubric.unit(scope.ref).name
    elif scope.kind == "group":
        text = V.GROUP_PREFIX + rubric.group(scope.ref).name
    else:
        group = next(g for g in rubric.item_groups if g.id == scope.ref)
        text = f"“{group.name}”{V.LEADS_SUFFIX}"
    if scope.role:
        text += V.ROLE_WORDS[scope.role]
    if scope.weight != 1:
        text += f"×{fmt(scope.weight)}"
    return text


def _item_row(rubric: Rubric, section: Section, item: Item) -> tuple[str, ...]:
    lines = []
    for n, crit in enumerate(item.criteria, 1):
        context: Context = section.kind
        if crit.bonus and section.kind == "base":
            context = "bonus"
        lines.append(criterion_line(n, crit, context))
    only = item.criteria[0] if len(item.criteria) == 1 else None
    if (
        only is not None
        and only.id == "a"
        and not only.bonus
        and only.rule.capped
        and only.points == item.points
    ):
        # one criterion worth the whole item: printed as the sentence alone, the 分值 column says it
        lines = [rule_words(only.rule, only.points, section.kind)]
    content = item.content
    if item.plan_items:
        content += f"（工作要点第{'、'.join(str(n) for n in item.plan_items)}条）"
    method = item.verification
    if item.reported_by == "office":
        method = "；".join(x for x in (method, "由督导检查组认定") if x)
    evidence = item.evidence
    if evidence and not item.evidence_required:
        evidence += "（可不提供）"
    elif not evidence and item.evidence_required:
        evidence = "须提供佐证材料"
    points = NO_LIMIT if item.open_ended and not item.points else fmt(item.points)
    who = "、".join(scope_words(rubric, s) for s in item.applies_to)
    return (item.number, item.title, content, points, "\n".join(lines), method, evidence, who, item.id)


def main_table(rubric: Rubric) -> SheetTable:
    rows: list[tuple[str, ...]] = []
    headings: set[int] = set()
    for section in rubric.sections:
        headings.add(len(rows))
        heading = section_heading(section)
        rows.append((heading,) * (len(V.MAIN_HEADER) - 1) + (section.id,))
        rows.extend(_item_row(rubric, section, item) for item in section.items)
    return SheetTable(
        V.MAIN,
        V.MAIN_HEADER,
        tuple(rows),
        (5, 12, 30, 6, 46, 8, 16, 18, 7),
        frozenset(headings),
        "评分标准各条前括号内为该条分值；“以上”“以下”含本数，“超过”“不足”不含本数。",
    )


def info_table(rubric: Rubric) -> SheetTable:
    meta = rubric.meta
    period = f"{meta.period_start}至{meta.period_end}" if meta.period_start or meta.period_end else ""
    values = {
        "id": meta.id,
        "title": meta.title,
        "year": str(meta.year),
        "issuer": meta.issuer,
        "version": meta.version,
        "period": period,
        "deadline": meta.deadline,
        "source": meta.source,
        "subject": meta.subject,
    }
    rows = tuple((label, values[key]) for label, key in V.INFO_ROWS if values[key])
    return SheetTable(V.INFO, V.INFO_HEADER, rows, (16, 70))


def settings_table(rubric: Rubric) -> SheetTable:
    s = rubric.settings
    rows: list[tuple[str, str]] = [(V.DECIMALS, f"{s.decimals}位（四舍五入）")]
    current = {
        "verification": s.verification,
        "unverified": s.unverified,
        "verified_out_of_range": s.verified_out_of_range,
        "with_errors": s.with_errors,
        "gated": s.gated,
        "combine": s.combine,
        "gates": "majority" if s.gate_majority else "leader",
    }
    for label, (key, words) in V.CHOICES.items():
        rows.append((label, words[current[key]]))
    rows.append((V.TRIM_FROM, f"{s.trim_from}人及以上"))
    rows.append(
        (
            V.OVERCLAIM,
            V.overclaim_words(
                s.overclaim_threshold, s.overclaim_boundary, s.overclaim_per, s.overclaim_deduction
            ),
        )
    )
    rows.append((V.TIES, V.ties_words(s.tie_breaks)))
    numbers = {"floor": s.floor, "bonus_cap": s.bonus_cap, "spread": s.spread}
    for label, (key, absent) in V.NUMBER_ROWS.items():
        value = numbers[key]
        if key == "spread" and value is not None:
            rows.append((label, V.SPREAD_WORDS.format(fmt(value))))
        else:
            rows.append((label, V.number_words(value, absent)))
    rows.append((V.MISSING_GRADE, s.missing_grade or "不评等次"))
    rows.append((V.TOTAL, f"{fmt(rubric.total)}分" if rubric.total is not None else "不规定"))
    return SheetTable(V.SETTINGS, V.SETTINGS_HEADER, tuple(rows), (22, 64))


def groups_table(rubric: Rubric) -> SheetTable:
    rows = tuple(
        (
            g.id,
            g.name,
            V.GROUP_KINDS[g.kind],
            V.COMPARE[g.normalise],
            fmt(g.items_total) if g.items_total is not None else "",
            fmt(g.unit_total) if g.unit_total is not None else "",
        )
        for g in rubric.groups
    )
    return SheetTable(V.GROUPS, V.GROUPS_HEADER, rows, (10, 18, 10, 14, 9, 10))


def units_table(rubric: Rubric) -> SheetTable:
    rows = tuple(
        (
            u.id,
            u.name,
            "、".join(u.aliases),
            rubric.group(u.group).name,
            "是" if u.assessed else "否",
            V.params_words(u.params),
            u.note,
        )
        for u in rubric.units
    )
    return SheetTable(V.UNITS, V.UNITS_HEADER, rows, (12, 20, 30, 16, 8, 18, 24))


def item_groups_table(rubric: Rubric) -> SheetTable:
    items_of: dict[str, list[str]] = {}
    for _, item in rubric.items():
        if item.item_group:
            items_of.setdefault(item.item_group, []).append(item.id)
    rows = tuple(
        (
            g.id,
            g.name,
            "、".join(rubric.unit(u).name for u in g.leads if u),
            "、".join(items_of.get(g.id, ())),
        )
        for g in rubric.item_groups
    )
    return SheetTable(V.ITEM_GROUPS, V.ITEM_GROUPS_HEADER, rows, (12, 30, 30, 24))


def gates_table(rubric: Rubric) -> SheetTable:
    rows = tuple(
        (g.id, g.name, g.description, V.gate_condition_words(g), V.gate_effect_words(g)) for g in rubric.gates
    )
    return SheetTable(V.GATES, V.GATES_HEADER, rows, (10, 20, 40, 30, 20))


def grades_table(rubric: Rubric) -> SheetTable:
    rows = tuple((b.name, V.band_words(b.interval), V.quota_words(b.quota)) for b in rubric.grades)
    return SheetTable(V.GRADES, V.GRADES_HEADER, rows, (10, 24, 50))


def rubric_document(rubric: Rubric) -> RubricDocument:
    meta = rubric.meta
    lines = [f"发文单位：{meta.issuer}", f"考核年度：{meta.year}年（版本 {meta.version}）"]
    if meta.deadline:
        lines.append(f"自评材料报送截止日期：{meta.deadline}")
    tables = [
        main_table(rubric),
        info_table(rubric),
        settings_table(rubric),
        groups_table(rubric),
        units_table(rubric),
    ]
    if rubric.item_groups:
        tables.append(item_groups_table(rubric))
    if rubric.gates:
        tables.append(gates_table(rubric))
    if rubric.grades:
        tables.append(grades_table(rubric))
    return RubricDocument(meta.title, tuple(lines), tuple(tables))


def weight_of(text: str) -> tuple[str, Decimal]:
    """市科协×1.5 → (市科协, 1.5)."""
    name, sep, weight = text.rpartition("×")
    if sep and weight.replace(".", "", 1).isdigit():
        return name, Decimal(weight)
    return text, Decimal(1)
