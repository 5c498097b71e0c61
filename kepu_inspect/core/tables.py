"""Users' own tables (a plan's 分工表, a 考核细则 table) as rows with header roles.

Pure: the adapter (``adapters.table_reader``) reads .docx / .xlsx / text tables and resolves merged
cells; here the header row is found by its words, each column gets a role, and the table a kind — a
plan's 分工 table (工作任务 with 牵头单位 / 配合单位 / 责任单位) or a 考核细则 table (考核项目 | 考核内容 |
分值 | 评分标准 | 考核方式), or ``ambiguous`` with the reason when the header could be either.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

HeaderRole = Literal[
    "number",
    "category",
    "task",
    "lead",
    "cooperate",
    "responsible",
    "deadline",
    "remark",
    "item",
    "content",
    "points",
    "criteria",
    "method",
    "evidence",
]
TableKind = Literal["plan", "rubric", "ambiguous"]

# first match wins; headers are compared without spaces, line breaks and brackets' contents
_ROLE_WORDS: tuple[tuple[HeaderRole, re.Pattern[str]], ...] = (
    ("number", re.compile(r"^(?:序号|编号|任务编号|项目编号|序|NO\.?|No\.?|号)$")),
    ("lead", re.compile(r"^(?:总)?牵头(?:责任)?(?:单位|部门)|^主责(?:单位|部门)")),
    ("cooperate", re.compile(r"^(?:配合|协办|参与|协助|协同)(?:责任)?(?:单位|部门)")),
    (
        "responsible",
        re.compile(r"^(?:责任|负责|承办|实施|落实|适用|考核)(?:单位|部门|主体|对象)|^责任分工$|^被考核单位$"),
    ),
    # 考核方法 / 评价方法 say how it is checked; 评分方法 how it is scored
    ("method", re.compile(r"^(?:考核|评价|核查|检查|考评)(?:方式|方法)$")),
    ("criteria", re.compile(r"^(?:评分|考核|计分|扣分|评价)(?:标准|细则|办法|方法|依据)$")),
    ("points", re.compile(r"^(?:分值|分数|标准分|满分|权重|基本分|分值分)$")),
    ("evidence", re.compile(r"^(?:佐证材料|备查资料|证明材料|佐证资料|考核依据)$")),
    ("item", re.compile(r"^(?:考核项目|评估项目|考评项目|一级指标|考核指标|指标名称)$")),
    ("content", re.compile(r"^(?:考核内容|考核要点|评估内容|考评内容|二级指标|考核要求)$")),
    (
        "category",
        re.compile(
            r"^(?:类别|工作类别|任务类别|项目类别|分类|领域|重点领域|板块|工作板块|专项行动|重点行动|行动)$"
        ),
    ),
    (
        "task",
        re.compile(
            r"^(?:重点任务|重点工作|主要任务|工作任务|具体任务|工作内容|任务内容|主要内容|具体措施|工作措施|任务|"
            r"工作事项|目标任务|具体工作|工作要点|重点工作任务|主要工作|具体内容|任务措施|任务名称|工作目标及措施)$"
        ),
    ),
    (
        "deadline",
        re.compile(r"^(?:完成时限|完成时间|时间安排|进度安排|时限|时间节点|时限要求|完成期限|时间)$"),
    ),
    ("remark", re.compile(r"^(?:备注|说明)$")),
)
_UNIT_ROLES = ("lead", "cooperate", "responsible")


@dataclass(frozen=True)
class Column:
    index: int
    header: str  # as written (line breaks kept as spaces)
    role: HeaderRole | None


@dataclass(frozen=True)
class TableRow:
    line: int  # the row as the user finds it: Excel row number, Word table row, text line
    cells: tuple[str, ...]  # merged cells resolved: every cell of a merged area holds its text
    spans_all: bool = False  # one cell merged across the whole row: a heading row (一、…)


@dataclass(frozen=True)
class Table:
    kind: TableKind
    source: str  # where it is, for messages: 表格 1 / 工作表“分工表” / 文本表格
    columns: tuple[Column, ...]
    header_line: int
    rows: tuple[TableRow, ...]
    reason: str = ""  # why an ambiguous table is ambiguous
    note: str = ""  # header text in brackets, e.g. 责任单位（列第一位的为牵头单位）
    caption: str = ""  # the paragraph just above a Word table (often its section: 一、青少年…)

    def index(self, role: HeaderRole) -> list[int]:
        return [c.index for c in self.columns if c.role == role]

    def value(self, row: TableRow, role: HeaderRole) -> str:
        """The row's text under ``role``; several columns of one role are joined with 、."""
        texts = [
            row.cells[i].strip() for i in self.index(role) if i < len(row.cells) and row.cells[i].strip()
        ]
        return "、".join(dict.fromkeys(texts))

    def headers(self) -> str:
        return "｜".join(c.header for c in self.columns if c.header)


def _bare(header: str) -> str:
    text = re.sub(r"[（(][^）)]*[）)]", "", header)
    return re.sub(r"[\s:：*＊]", "", text)


def role_of(header: str) -> HeaderRole | None:
    bare = _bare(header)
    if not bare:
        return None
    return next((role for role, pattern in _ROLE_WORDS if pattern.search(bare)), None)


def header_roles(cells: Sequence[str]) -> list[HeaderRole | None]:
    """Each header cell's role. Of two task-like columns the first is the category (重点任务 | 工作内容);
    a header cell repeated by a horizontal merge keeps its role once."""
    roles = [role_of(c) for c in cells]
    tasks = [i for i, r in enumerate(roles) if r == "task"]
    for i in tasks[:-1]:
        roles[i] = "category"
    seen: set[tuple[str, HeaderRole]] = set()
    for i, (cell, role) in enumerate(zip(cells, roles, strict=True)):
        if role is None or role in _UNIT_ROLES:
            continue
        if (cell, role) in seen:
            roles[i] = None
        seen.add((cell, role))
    return roles


def classify(roles: Sequence[HeaderRole | None]) -> tuple[TableKind | None, str]:
    """The kind of table a header describes; None when it is neither; ``ambiguous`` with the reason."""
    have = set(roles)
    units = have & set(_UNIT_ROLES)
    plan = "task" in have and bool(units)
    rubric = "criteria" in have or ("points" in have and bool(have & {"item", "content"}))
    if "criteria" in have:
        return "rubric", ""
    if plan and "points" in have:
        return "ambiguous", "表头既有“分值”，又有工作任务和单位列，但没有“评分标准”"
    if plan:
        return "plan", ""
    if rubric:
        return "rubric", ""
    if "task" in have and have & {"number", "deadline", "category"} and "points" not in have:
        return "plan", ""  # 序号 | 工作任务 | 完成时限: the units are written inside the task's text
    return None, ""


def find_header(rows: Sequence[Sequence[str]], scan: int = 12) -> tuple[int, list[HeaderRole | None]] | None:
    """The first row (within ``scan``) whose words make a plan or rubric header; two-row headers
    (责任单位 over 牵头单位 | 配合单位) are combined. Returns (index of the last header row, roles)."""
    for r, row in enumerate(rows[:scan]):
        roles = header_roles(row)
        if sum(1 for x in roles if x) < 2:
            continue
        if r + 1 < len(rows):
            below = rows[r + 1]
            under = header_roles(below)
            if any(u and (c != b) for u, c, b in zip(under, row, below, strict=False)) and not any(
                len(c) > 12 for c in below
            ):
                combined = [
                    u if (u and c != b) else x for u, x, c, b in zip(under, roles, row, below, strict=False)
                ]
                combined += roles[len(combined) :]
                if classify(combined)[0]:
                    return r + 1, combined
        if classify(roles)[0]:
            return r, roles
    return None


def header_note(cells: Sequence[str]) -> str:
    """Words in a header's brackets that change how the column reads: 责任单位（排在第一位的为牵头单位）."""
    notes = [m for c in cells for m in re.findall(r"[（(]([^）)]*牵头[^）)]*)[）)]", c)]
    return "；".join(notes)
