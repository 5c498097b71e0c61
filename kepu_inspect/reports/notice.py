"""退回修改通知: one short notice per unit listing what to fix, cell by cell, ready to send back."""

from __future__ import annotations

from kepu_inspect.core.problems import Problem, Severity
from kepu_inspect.core.rubric import Rubric, subject_of


def notice_text(rubric: Rubric, unit_name: str, problems: list[Problem], date: str) -> str:
    meta = rubric.meta
    must = [p for p in problems if p.severity is Severity.ERROR]
    should = [p for p in problems if p.severity is Severity.WARNING]
    lines = [
        f"关于{unit_name}{meta.year}年度{subject_of(meta)}自评材料的退回修改通知",
        "",
        f"{unit_name}：",
        "",
        f"    经审核，你单位报送的{meta.year}年度{subject_of(meta)}自评材料存在以下问题，"
        "请按要求修改后重新报送。",
        "",
    ]

    def block(title: str, items: list[Problem]) -> None:
        if not items:
            return
        lines.append(title)
        for i, p in enumerate(items, 1):
            where = "，".join(
                x
                for x in (
                    p.file and p.file.rsplit("/", 1)[-1],
                    p.sheet and (p.sheet + (f" 工作表 {p.cell} 单元格" if p.cell else " 工作表")),
                )
                if x
            )
            value = f"（现填写：{p.value}）" if p.value else ""
            lines.append(f"    {i}．{('[' + where + '] ') if where else ''}{p.message}{value}")
            lines.append(f"       修改方法：{p.hint}")
        lines.append("")

    block("一、必须修改的问题：", must)
    block(("二、" if must else "一、") + "请核实的问题：", should)
    deadline = f"请于{meta.deadline}前" if meta.deadline else "请尽快"
    lines += [
        f"    {deadline}将修改后的自评表（.xlsx）重新报送。如有疑问，请与{meta.issuer}联系。",
        "",
        f"{meta.issuer:>40}",
        f"{date:>40}",
        "",
    ]
    return "\n".join(lines)
