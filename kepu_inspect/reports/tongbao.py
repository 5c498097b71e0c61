"""考核结果通报 (``score --reports tongbao``): the official notice of the results, as a Word document.

The body is worded from the results — 总体情况 (units, grades, averages), the units graded best named,
the units graded worst, vetoed, held or not ranked with the reason, 存在的主要问题 (the weakest items, the
inspectors' common findings) — then the requirements, the 附件 list, the issuer and the date with room
for the seal; the ranking tables follow as 附件, one per group. It is a draft the office edits: plain
paragraphs and real tables. One 附件 holds a table per ranking group. A national run names no thousands of units in the body: long lists name
the first NAMED_LIMIT and count the rest (the 附件 lists every unit).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import IO

from kepu_inspect import __version__
from kepu_inspect.core.numbers import ZERO, fmt
from kepu_inspect.core.results import ScoreRun, UnitResult
from kepu_inspect.core.statement import scoring_statement
from kepu_inspect.core.titles import form_subject, notice_title
from kepu_inspect.reports.official_docx import (
    HEADING_FONT,
    SIZE_SMALL_5,
    Column,
    OfficialDocument,
    body_width,
    table_parts,
)
from kepu_inspect.reports.tables import (
    TIE_SENTENCE,
    WEAK_ITEMS,
    RankingTable,
    item_analysis,
    ranking_basis,
    ranking_tables,
    remark,
    report_date,
    report_title,
)

TABLE_CHARS = 36.8  # the 版心's width in 小四 characters
NAMED_LIMIT = 20  # a list longer than this names its first units and counts the rest (the 附件 has all)
FINDINGS_LIMIT = 5  # common findings quoted in the body
ORDINALS = "一二三四五六七八九十"
_CLAUSES = re.compile(r"[；;。！!？?\n]+")
_NUMBERING = re.compile(
    r"^\s*(?:[（(]\s*[一二三四五六七八九十\d]+\s*[)）]|[一二三四五六七八九十\d]+\s*[、.．]|[①-⑩]|[一二三四五六七八九十]是|其[一二三四五六七八九十])\s*"
)
_EDGE_PUNCT = " \t，,、；;：:。"
# remarks that confirm what the unit claimed are not findings, whatever item they were written on
_CONFIRMING = ("一致", "无异议", "符合要求", "属实")


@dataclass(frozen=True)
class GroupTable:
    """One ranking group in the 附件: its heading, columns, rows and how its 总分 is made."""

    heading: str
    columns: tuple[Column, ...]
    rows: list[tuple[str, ...]]
    muted: frozenset[int]  # rows of units without a rank, printed grey
    note: str


@dataclass(frozen=True)
class Tongbao:
    """The notice as text: what the Word document prints, in order (tests read it without Word)."""

    letterhead: str
    number: str
    title: str
    to: str
    body: list[tuple[str, str]] = field(default_factory=list)  # ("h1" | "p", text)
    attachment_title: str = ""  # one 附件 (GB/T 9704: it starts a page of its own) with a table per group
    tables: list[GroupTable] = field(default_factory=list)
    rules: str = ""
    issuer: str = ""
    date: str = ""

    def texts(self) -> Iterable[str]:
        """Every string the document prints (tests check them: no line may start with "，")."""
        yield from (self.letterhead, self.number, self.title, self.to)
        yield from (text for _, text in self.body)
        yield self.attachment_title
        for t in self.tables:
            yield from (t.heading, t.note, *(c.heading for c in t.columns))
            yield from (cell for row in t.rows for cell in row)
        yield from (self.rules, self.issuer, self.date)


# --- wording helpers --------------------------------------------------------------------------------
def ordinal(n: int) -> str:
    """一 … 十, then digits."""
    return ORDINALS[n - 1] if 1 <= n <= len(ORDINALS) else str(n)


def name_list(names: Sequence[str], where: str = "") -> str:
    """新华区、宝丰县、卫东区; a long list: the first NAMED_LIMIT, 等N个单位, and where the rest are listed."""
    if len(names) <= NAMED_LIMIT:
        return "、".join(names)
    return "、".join(names[:NAMED_LIMIT]) + f"等{len(names)}个单位" + (f"（名单见{where}）" if where else "")


def clauses(text: str) -> list[str]:
    """A remark split into its findings: sentences and 一是…；二是… parts, numbering and edge punctuation gone."""
    out = []
    for part in _CLAUSES.split(text or ""):
        clause = _NUMBERING.sub("", part).strip(_EDGE_PUNCT)
        if len(clause) >= 2:
            out.append(clause)
    return out


def common_findings(results: Sequence[UnitResult]) -> list[tuple[str, int]]:
    """The inspectors' findings that recur: each clause of the units' 存在问题, and of the 核查意见 on items
    the inspectors marked down, with the number of units it was written about; most frequent first."""
    seen: dict[str, set[str]] = {}
    for res in results:
        texts: list[str] = []
        inspectors: tuple[str, ...] = ()
        if res.inspection is not None:
            texts.append(res.inspection.weaknesses)
            inspectors = res.inspection.inspectors
        for it in res.items:
            if it.opinion and it.points < it.self_points:
                texts.extend(_without_authors(it.opinion, inspectors))
        for text in texts:
            for clause in clauses(text):
                if not any(word in clause for word in _CONFIRMING):
                    seen.setdefault(clause, set()).add(res.unit_id)
    ranked = sorted(seen.items(), key=lambda kv: -len(kv[1]))  # stable: first written first among equals
    return [(clause, len(units)) for clause, units in ranked]


def _without_authors(opinion: str, inspectors: Sequence[str]) -> list[str]:
    """Several inspectors' remarks come as "张三：…；李四：…": the findings without the names."""
    parts = []
    for part in re.split(r"[；;]", opinion):
        for who in inspectors:
            if who and part.startswith(who + "："):
                part = part[len(who) + 1 :]
                break
        parts.append(part)
    return parts


# --- the body ---------------------------------------------------------------------------------------
class _Body:
    """The paragraphs of the notice, worded from one run."""

    def __init__(self, run: ScoreRun, tables: list[RankingTable]) -> None:
        self.run = run
        self.rubric = run.rubric
        self.d = run.rubric.settings.decimals
        self.tables = tables
        self.bands = [b.name for b in run.rubric.grades_high_to_low()]
        self.results = [r.result for t in tables for r in t.ranked]

    def subject(self) -> str:
        return form_subject(self.rubric)

    def opening(self) -> str:
        meta = self.rubric.meta
        counts = "、".join(f"{t.group_name}{len(t.ranked)}个" for t in self.tables)
        total = len(self.results)
        who = f"{total}个单位" + (f"（{counts}）" if len(self.tables) > 1 else "")
        return (
            f"根据《{meta.title}》，{meta.issuer}组织督导检查组，对{who}的{meta.year}年度{self.subject()}完成情况"
            "进行了督导检查和评估考核。现将考核结果通报如下。"
        )

    def overview(self) -> list[str]:
        scored = [r for r in self.results if r.scored]
        grades = [f"{band}{n}个" for band in self.bands if (n := sum(r.grade == band for r in scored))]
        first = f"本次考核共{len(self.results)}个单位参加，{len(scored)}个单位参加排名并评定等次"
        first += f"：{'、'.join(grades)}。" if grades else "。"
        if len(self.tables) > 1:
            per_group = []
            for t in self.tables:
                ranked = [r.result for r in t.ranked if r.result.scored]
                counts = "、".join(
                    f"{band}{n}个" for band in self.bands if (n := sum(r.grade == band for r in ranked))
                )
                if counts:
                    per_group.append(f"{t.group_name}{counts}")
            if per_group:
                first += "其中，" + "；".join(per_group) + "。"
        out = [first]
        spread = [self.spread(t) for t in self.tables]
        if any(spread):
            out.append("；".join(s for s in spread if s) + "。")
        unranked = [r for r in self.results if not r.scored]
        if unranked:
            kinds = {
                "missing": "未报送",
                "invalid": "材料无效",
                "blank": "空白表",
                "held": "待核实",
                "excluded": "取消排名",
            }
            parts = [
                f"{label}{n}个"
                for key, label in kinds.items()
                if (n := sum(r.status == key for r in unranked))
            ]
            out[-1] += f"另有{len(unranked)}个单位未参加排名（{'、'.join(parts)}），情况见下文。"
        return out

    def spread(self, table: RankingTable) -> str:
        """县（市、区）平均得分87.15分，最高98.40分（新华区），最低72.70分（叶县）."""
        ranked = [r.result for r in table.ranked if r.result.scored]
        if len(ranked) < 2:
            return ""
        average = sum((r.score for r in ranked), ZERO) / len(ranked)
        top = max(ranked, key=lambda r: r.score)
        low = min(ranked, key=lambda r: r.score)
        who = table.group_name if len(self.tables) > 1 else "参加排名的单位"
        return (
            f"{who}平均得分{fmt(average, self.d)}分，最高{fmt(top.score, self.d)}分（{top.unit_name}），"
            f"最低{fmt(low.score, self.d)}分（{low.unit_name}）"
        )

    def praised(self) -> str:
        if not self.bands:
            return ""
        best = self.bands[0]
        phrases, total = [], 0
        for t in self.tables:
            names = [r.result.unit_name for r in t.ranked if r.result.scored and r.result.grade == best]
            if not names:
                continue
            total += len(names)
            listed = name_list(names, "附件")
            phrases.append(f"{t.group_name}中的{listed}" if len(self.tables) > 1 else listed)
        if not total:
            return f"本次考核没有考核等次为{best}的单位。"
        return f"经综合评定，{'，'.join(phrases)}，共{total}个单位考核等次为{best}，予以通报表扬。"

    def gated(self) -> list[str]:
        """Each gate that applied, with its units: what the inspectors found, or what the scores showed
        (a section minimum is decided from the scores, not by the inspectors)."""
        out = []
        titles = {section.id: section.title for section in self.rubric.sections}
        for gate in self.rubric.gates:
            names = [r.unit_name for r in self.results if gate.id in r.gates]
            if not names:
                continue
            place = "，排在本组最后" if gate.grade and self.rubric.settings.gated == "last" else ""
            if gate.automatic:  # 任一部分得分低于… → 有部分得分低于…
                found = gate.condition(titles).replace("中任一部分", "中有部分").replace("任一部分", "有部分")
                found = f"{found}（{gate.name}）"
            else:
                found = f"经督导检查组查实存在“{gate.name}”情形"
            out.append(f"{name_list(names, '附件')}{found}，{gate.effect()}{place}。")
        return out

    def worst(self) -> str:
        """The units graded worst by their score alone (those a gate put there are named with the gate)."""
        if len(self.bands) < 2:
            return ""
        worst = self.bands[-1]
        forced = {g.id for g in self.rubric.gates if worst in (g.grade, g.grade_cap)}
        units = [
            r for r in self.results if r.scored and r.grade == worst and not forced.intersection(r.gates)
        ]
        if not units:
            return ""
        named = [f"{r.unit_name}（{fmt(r.score, self.d)}分）" for r in units]
        return f"{name_list(named, '附件')}考核等次为{worst}。"

    def unranked(self) -> list[str]:
        out = []
        held = [r for r in self.results if r.status == "held"]
        if len(held) > NAMED_LIMIT:
            out.append(f"{len(held)}个单位的材料待核实，暂不排名，核实后另行通报（名单见附件）。")
        else:
            for r in held:
                why = "、".join(
                    n.removesuffix("，待核实").removesuffix("待核实").strip(_EDGE_PUNCT)
                    for n in r.notes
                    if "待核实" in n or "核查表" in n
                )
                out.append(f"{r.unit_name}{('因' + why + '，') if why else ''}暂不排名，核实后另行通报。")
        missing_grade = self.rubric.settings.missing_grade
        for status, words in (
            ("missing", "未报送自评材料"),
            ("invalid", "报送的自评材料无效（无法读取或不属于本次考核）"),
            ("blank", "报送的自评表未填写"),
        ):
            names = [r.unit_name for r in self.results if r.status == status]
            if names:
                grade = f"，等次定为{missing_grade}" if status == "missing" and missing_grade else ""
                out.append(f"{name_list(names, '附件')}{words}，不参加排名{grade}。")
        return out

    def weak_items(self) -> str:
        weak = [a for a in item_analysis(self.run) if a.average_rate < 1][:WEAK_ITEMS]
        if not weak:
            return ""
        listed = "、".join(f"“{a.title}”（平均得分率{fmt(a.average_rate * 100, 1)}%）" for a in weak)
        return f"从各考核项目的得分情况看，{listed}等项目平均得分率较低，是当前工作的薄弱环节。"

    def overclaims(self) -> str:
        scored = [r for r in self.results if r.scored]
        threshold = self.rubric.settings.overclaim_threshold
        if not scored:
            return ""
        diff = sum((r.self_total - r.base for r in scored), ZERO) / len(scored)
        units = [r for r in scored if r.overclaims]
        if diff <= 0 and not units:
            return ""
        text = (
            f"从自评与核定的情况看，参加排名的单位自评分平均比核定分高{fmt(diff, self.d)}分"
            if diff > 0
            else ""
        )
        if units and threshold is not None:
            items = sum(len(r.overclaims) for r in units)
            cost = "，已按规定扣分" if self.rubric.settings.overclaim_deduction else ""
            text += (
                ("，" if text else "从自评与核定的情况看，")
                + f"{len(units)}个单位共{items}个项目自评分高出核定分{fmt(threshold)}分及以上，认定为疑似虚报{cost}"
            )
        return text + "，自评的准确性有待提高。"

    def findings(self) -> str:
        found = common_findings([r for r in self.results if r.has_score])
        recurring = [(c, n) for c, n in found if n >= 2][:FINDINGS_LIMIT]
        if recurring:
            listed = "；".join(f"{ordinal(i)}是{c}（{n}个单位）" for i, (c, n) in enumerate(recurring, 1))
            return f"督导检查中发现的共性问题主要有：{listed}。"
        if found:
            listed = "；".join(c for c, _ in found[:3])
            return f"督导检查组指出的问题主要有：{listed}。"
        return ""

    def requirements(self) -> str:
        best = self.bands[0] if self.bands else ""
        worst = self.bands[-1] if len(self.bands) > 1 else ""
        has_worst = worst and any(r.grade == worst for r in self.results if r.has_score)
        subject = self.subject().removesuffix("目标责任")
        text = f"希望考核等次为{best}的单位珍惜荣誉、再接再厉，发挥示范带动作用。" if best else ""
        if has_worst:
            text += f"考核等次为{worst}的单位要认真查找原因，制定整改措施，切实加以改进。"
        text += (
            f"各单位要对照本次考核中发现的问题和薄弱环节，认真研究整改，确保{self.rubric.meta.year + 1}年"
            f"{subject}各项目标任务全面完成。"
        )
        return text

    def paragraphs(self) -> list[tuple[str, str]]:
        body: list[tuple[str, str]] = [("p", self.opening())]
        body.append(("h1", "一、总体情况"))
        body += [("p", p) for p in self.overview()]
        body.append(("h1", "二、考核结果"))
        results = [self.praised(), *self.gated(), self.worst(), *self.unranked()]
        body += [("p", p) for p in results if p]
        problems = [self.weak_items(), self.findings(), self.overclaims()]
        body.append(("h1", "三、存在的主要问题"))
        body += [("p", p) for p in problems if p] or [("p", "本次考核未发现突出的共性问题。")]
        body.append(("h1", "四、下一步工作要求"))
        body.append(("p", self.requirements()))
        body.append(("p", "特此通报。"))
        return body


# --- the 附件 ----------------------------------------------------------------------------------------
# how wide a figure prints, in 小四 characters (digits of the fallback fonts are widest: 0.65)
_FIGURE_WIDTH = {".": 0.35, "%": 0.8}


def _fit(texts: list[str], least: float) -> float:
    """A figure column's width: at least ``least``, and its widest figure on one line with the cell's
    margins (a national run's 名次 2941 and 总分 102.78 broke over two lines at the fixed widths)."""
    widest = max(
        (sum(_FIGURE_WIDTH.get(ch, 0.65 if ch.isascii() else 1.0) for ch in t) for t in texts), default=0
    )
    return max(least, round(widest + 0.6, 2))


def group_table(run: ScoreRun, table: RankingTable, position: int, of: int) -> GroupTable:
    """A group's ranking as the 通报 prints it: 名次/单位/总分/等次/备注, with 满分 and 得分率 where units
    are compared on their rate (their 满分 differ)."""
    d = run.rubric.settings.decimals
    names = [r.result.unit_name for r in table.ranked]
    unit_w = max(5.0, min(12.0, max((body_width(n) for n in names), default=4) + 0.6))
    rows, muted = [], set()
    for i, r in enumerate(table.ranked):
        res = r.result
        shown = res.has_score
        cells = [str(r.rank) if r.rank is not None else "—", res.unit_name]
        if table.normalised:
            cells += [
                fmt(res.max_base) if shown and res.max_base else "",
                fmt(res.rate, d) + "%" if shown else "",
            ]
        cells += [fmt(res.score, d) if shown else "", res.grade or "—", remark(r)]
        rows.append(tuple(cells))
        if not res.scored:
            muted.add(i)
    fixed = [Column("名次", _fit([c[0] for c in rows], 2.7)), Column("单位", unit_w, "left")]
    if table.normalised:  # "100.00%" on one line in any font
        fixed += [
            Column("满分", _fit([c[2] for c in rows], 3.2)),
            Column("得分率", _fit([c[3] for c in rows], 5.0)),
        ]
    fixed += [Column("总分", _fit([c[-3] for c in rows], 3.7)), Column("等次", 3.6)]
    room = TABLE_CHARS - sum(c.width for c in fixed)
    columns = (*fixed, Column("备注", max(7.0, room), "left"))
    note = ranking_basis(table)
    if table.normalised:
        note += "满分为该单位适用考核项目的基本分满分。"
    heading = f"{ordinal(position)}、{table.group_name}" if of > 1 else ""
    return GroupTable(
        heading, columns, rows, frozenset(muted), (f"{table.group_name}：" if of > 1 else "") + note
    )


def tongbao_text(run: ScoreRun) -> Tongbao:
    """The whole notice, worded from the run."""
    meta = run.rubric.meta
    tables = ranking_tables(run)
    to = meta.notice_to or "，".join(
        t.group_name if t.group_name.startswith("各") else "各" + t.group_name for t in tables
    )
    body = _Body(run, tables).paragraphs()
    groups = [group_table(run, t, i, len(tables)) for i, t in enumerate(tables, start=1)]
    # one 说明 under the last table: how each group's 总分 is made, then every declared rule
    rules = "说明：" + "".join(g.note for g in groups) + "计分规则：" + "".join(scoring_statement(run.rubric))
    rules += TIE_SENTENCE
    return Tongbao(
        letterhead=meta.letterhead,
        number=meta.doc_number,
        title=notice_title(run.rubric),
        to=(to + "：") if to and not to.endswith(("：", ":")) else to,
        body=body,
        attachment_title=report_title(run) if tables else "",
        tables=groups,
        rules=rules,
        issuer=meta.issuer,
        date=report_date(run),
    )


# --- the document -----------------------------------------------------------------------------------
def write_tongbao(run: ScoreRun, sink: IO[bytes]) -> None:
    """Write 考核结果通报.docx into ``sink``."""
    text = tongbao_text(run)
    doc = OfficialDocument()
    doc.letterhead(text.letterhead, text.number)
    doc.title(text.title)
    doc.blank(1)
    if text.to:
        doc.paragraph(text.to, indent_chars=0)
    for i, (kind, para) in enumerate(text.body):
        if kind == "h1":
            doc.heading(para)
        else:  # the last paragraph (特此通报) goes with the signature: a seal never sits on a page alone
            doc.paragraph(para, keep_next=i == len(text.body) - 1)
    if text.attachment_title:  # 附件说明: one line down, two characters in
        doc.blank(1, keep_next=True)
        doc.paragraph(f"附件：{text.attachment_title}", indent_chars=2, keep_next=True)
    doc.signature(text.issuer, text.date)
    if text.tables:
        # the 附件 on pages of its own: "附件" on the first line, the title on the third (GB/T 9704 8.3)
        doc.new_section(grid=False)
        doc.paragraph("附件", font=HEADING_FONT, indent_chars=0, keep_next=True)
        doc.blank(1)
        doc.title(text.attachment_title)
        for t in text.tables:
            if t.heading:
                doc.paragraph(
                    t.heading, font=HEADING_FONT, indent_chars=0, line="auto", keep_next=True, space_before=6
                )
            doc.table(table_parts(t.columns, t.rows, muted_rows=t.muted))
        doc.paragraph(text.rules, size=SIZE_SMALL_5, indent_chars=0, line="auto", space_before=4)
    meta = run.rubric.meta
    doc.properties(
        title=text.title,
        author=meta.issuer,
        comments=f"由 kepu-inspect {__version__} 根据考核细则 {meta.id}（版本 {meta.version}）生成",
        date=run.date,
    )
    doc.save(sink)
