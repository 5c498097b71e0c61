"""Problems as a rich table (terminal) or plain rows (json/csv)."""

from __future__ import annotations

from typing import Any

from rich.table import Table

from kepu_inspect.core.problems import Problem, Severity
from kepu_inspect.reports.safe_text import markup_safe

SEVERITY_STYLE = {Severity.ERROR: "red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}


_clean = markup_safe


def problems_table(problems: list[Problem], title: str = "", show_file: bool = True) -> Table:
    table = Table(
        title=_clean(title) if title else None, show_lines=False, expand=False, title_justify="left"
    )
    table.add_column("级别", no_wrap=True)
    table.add_column("代码", no_wrap=True)
    table.add_column("位置", overflow="fold")
    table.add_column("问题", overflow="fold")
    table.add_column("怎么改", overflow="fold")
    for p in problems:
        where = p.location if show_file else p.location.replace(f"{p.file} · ", "") if p.file else p.location
        message = p.message + (f"（原值：{p.value}）" if p.value and p.value not in p.message else "")
        style = SEVERITY_STYLE[p.severity]
        table.add_row(
            f"[{style}]{p.severity.label}[/]", p.code.name, _clean(where), _clean(message), _clean(p.hint)
        )
    return table


def problems_json(problems: list[Problem]) -> list[dict[str, Any]]:
    return [p.as_dict() for p in problems]
