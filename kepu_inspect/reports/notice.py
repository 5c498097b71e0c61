"""退回修改通知 and 催报通知 (``check --notice``): Word documents the office signs and sends to units.

A return notice lists what to fix where a clerk finds it — the row, the item and the column's heading
("第12行 2．首届“科技工作者日”活动 填报值"), never a bare cell reference — with how to fix it, a new deadline
(``--deadline``; a passed one is never demanded), the date and the office. A unit that has sent nothing
gets a 催报通知 instead. Each notice is a file of its own, and all of them are also in one file for
printing (each on its own pages, numbered from 1).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import IO, Literal

from kepu_inspect import __version__
from kepu_inspect.core.dates import chinese_date
from kepu_inspect.core.problems import Problem, Severity
from kepu_inspect.core.results import Intake
from kepu_inspect.core.rubric import Rubric
from kepu_inspect.core.titles import form_subject, form_title
from kepu_inspect.reports.check_report import notice_problems
from kepu_inspect.reports.official_docx import SIZE_SMALL_4, Column, OfficialDocument, table_xml

PROBLEM_COLUMNS = (
    Column("序号", 2.6),
    Column("位置", 9, "left"),
    Column("问题", 13, "left"),
    Column("修改方法", 12.2, "left"),
)
COMBINED_NAME = "退回修改和催报通知（合并打印）"


@dataclass(frozen=True)
class Notice:
    """One notice as text: what its document prints, in order."""

    kind: Literal["return", "reminder"]
    unit: str
    title: str
    paragraphs: list[str]
    sections: list[tuple[str, list[tuple[str, str, str, str]]]] = field(default_factory=list)
    closing: list[str] = field(default_factory=list)
    issuer: str = ""
    date: str = ""

    @property
    def name(self) -> str:
        """The file's name without extension: 湛河区退回修改通知, 郏县催报通知."""
        return f"{self.unit}{'退回修改通知' if self.kind == 'return' else '催报通知'}"

    def texts(self) -> Iterable[str]:
        yield from (self.title, f"{self.unit}：", *self.paragraphs)
        for heading, rows in self.sections:
            yield heading
            yield from (cell for row in rows for cell in row)
        yield from (*self.closing, self.issuer, self.date)


# the column a problem found after reading points at (the score check's WB022 names a 自评分 cell)
_CODE_FIELD = {
    "WB022": "自评分",
    "WB023": "自评分",
    "WB033": "自评分",
    "WB024": "核定分",
    "WB021": "佐证材料",
}


def _row(cell: str) -> str:
    return cell.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")


def location(p: Problem, several_files: bool = False) -> str:
    """Where the problem is, in a clerk's words: 第12行 2．… 填报值; 封面 联系人; the whole file.

    The reader records the row, item and column of every problem it finds on a cell; a problem found
    later (the score check) still gets its row and column, never a bare "H24"."""
    extra = p.extra
    if "row" not in extra and p.cell and _row(p.cell).isdigit() and p.sheet != "封面":
        extra = {"row": _row(p.cell), "field": _CODE_FIELD.get(p.code.name, "")}
    file = f"{PurePath(p.file).name}：" if several_files and p.file else ""
    if "row" in extra:
        parts = [f"第{extra['row']}行", extra.get("item", ""), extra.get("field", "")]
        return file + " ".join(x for x in parts if x)
    if "field" in extra:
        return f"{file}{p.sheet or '封面'} {extra['field']}"
    if p.sheet:
        return f"{file}“{p.sheet}”工作表"
    if "item" in p.message or p.code.name == "WB012":
        return f"{file}考核项目行"
    return f"{file}整个文件" if file else "整个文件"


def _message(p: Problem) -> str:
    value = f"（现填写：{p.value}）" if p.value and p.value not in p.message else ""
    return p.message + value


def _we(rubric: Rubric) -> str:
    return "我办" if rubric.meta.issuer.endswith("办公室") else "我单位"


def deadline_words(rubric: Rubric, date: str, deadline: str | None) -> str:
    """请于2018年1月10日前 — the deadline given, else the rubric's if it has not passed; else 尽快."""
    chosen = deadline or (
        rubric.meta.deadline if rubric.meta.deadline and rubric.meta.deadline >= date else ""
    )
    return f"请于{chinese_date(chosen)}前" if chosen else "请于收到本通知后尽快"


def return_notice(
    rubric: Rubric, unit: str, problems: Sequence[Problem], date: str, deadline: str | None
) -> Notice:
    meta = rubric.meta
    files = sorted({PurePath(p.file).name for p in problems if p.file})
    several = len(files) > 1
    named = "、".join(files)
    paragraphs = [
        f"经审核，你单位报送的《{form_title(rubric)}》"
        + (f"（{named}）" if named else "")
        + f"存在以下问题，现退回修改。{deadline_words(rubric, date, deadline)}将修改后的自评表（.xlsx）重新报送{_we(rubric)}。"
    ]
    sections: list[tuple[str, list[tuple[str, str, str, str]]]] = []
    must = [p for p in problems if p.severity is Severity.ERROR]
    should = [p for p in problems if p.severity is Severity.WARNING]
    for heading, group in (("必须修改的问题", must), ("请核实的问题", should)):
        if group:
            rows = [(str(i), location(p, several), _message(p), p.hint) for i, p in enumerate(group, start=1)]
            sections.append((f"{'一二'[len(sections)]}、{heading}", rows))
    closing = [
        "修改时请在原自评表中改正，不要增删行列、不要更改工作表名称；改正后重新签字盖章。"
        f"如有疑问，请与{meta.issuer}联系。"
    ]
    title = f"关于退回修改{meta.year}年度{form_subject(rubric)}自评材料的通知"
    return Notice("return", unit, title, paragraphs, sections, closing, meta.issuer, chinese_date(date))


def reminder_notice(rubric: Rubric, unit: str, date: str, deadline: str | None) -> Notice:
    meta = rubric.meta
    due = f"各单位应于{chinese_date(meta.deadline)}前报送自评材料。" if meta.deadline else ""
    late = next((g for g in rubric.gates if "报送" in g.name or "逾期" in g.name), None)
    consequence = f"逾期未报送的，按考核细则“{late.name}”的规定处理（{late.effect()}）。" if late else ""
    paragraphs = [
        f"根据《{meta.title}》，{due}截至{chinese_date(date)}，{_we(rubric)}尚未收到你单位报送的"
        f"《{form_title(rubric)}》。"
        f"{deadline_words(rubric, date, deadline)}将填写完整并签字盖章的自评表（.xlsx）报送{_we(rubric)}。{consequence}"
    ]
    closing = [f"如已报送，请与{meta.issuer}核对报送情况。"]
    title = f"关于报送{meta.year}年度{form_subject(rubric)}自评材料的催报通知"
    return Notice("reminder", unit, title, paragraphs, [], closing, meta.issuer, chinese_date(date))


def notices_for(rubric: Rubric, intake: Intake, date: str, deadline: str | None) -> list[Notice]:
    """A return notice for each unit with problems in its material, a 催报通知 for each unit that has sent
    nothing, in the rubric's unit order."""
    by_unit = notice_problems(intake.all_problems())
    missing = {row.unit_name for row in intake.ledger if row.status == "未收到"}
    order = {u.name: i for i, u in enumerate(rubric.units)}
    notices = [return_notice(rubric, unit, problems, date, deadline) for unit, problems in by_unit.items()]
    notices += [reminder_notice(rubric, unit, date, deadline) for unit in missing if unit not in by_unit]
    return sorted(notices, key=lambda n: (order.get(n.unit, len(order)), n.unit, n.kind))


def _place(doc: OfficialDocument, notice: Notice) -> None:
    doc.title(notice.title)
    doc.blank(1)
    doc.paragraph(f"{notice.unit}：", indent_chars=0)
    for text in notice.paragraphs:
        doc.paragraph(text)
    for heading, rows in notice.sections:
        doc.heading(heading)
        doc.table(table_xml(PROBLEM_COLUMNS, rows, size=SIZE_SMALL_4))
    for text in notice.closing:
        doc.paragraph(text, keep_next=True)  # with the signature, never a seal on a page alone
    doc.signature(notice.issuer, notice.date)


def _document(notices: Sequence[Notice], date: str) -> OfficialDocument:
    doc = OfficialDocument()
    for i, notice in enumerate(notices):
        if i:
            doc.new_section(grid=True, restart_numbers=True)
        _place(doc, notice)
    first = notices[0] if notices else None
    doc.properties(
        title=first.title if first and len(notices) == 1 else COMBINED_NAME,
        author=first.issuer if first else "",
        comments=f"由 kepu-inspect {__version__} 生成",
        date=date,
    )
    return doc


def write_notice(notice: Notice, date: str, sink: IO[bytes]) -> None:
    """One notice as a Word document."""
    _document([notice], date).save(sink)


def write_notices(notices: Sequence[Notice], date: str, sink: IO[bytes]) -> None:
    """All notices in one Word document for printing, each starting a page, its pages numbered from 1."""
    _document(notices, date).save(sink)
