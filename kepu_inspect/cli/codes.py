"""``kepu-inspect codes``: the problem catalogue, generated from the code itself."""

from __future__ import annotations

import re
from typing import Annotated

import typer

from kepu_inspect.cli.common import (
    QuietOpt,
    VerboseOpt,
    check_format,
    fail_usage,
    format_option,
    out,
    quiet,
    set_verbosity,
)
from kepu_inspect.cli.framework import ARGUMENTS_PANEL, ChineseCommand, suggest


def select_codes(query: str | None) -> list[str]:
    """Code names matching a code (WB001, wb1) or a prefix (WB); empty when none does."""
    from kepu_inspect.core.problems import Code

    names = [c.name for c in Code]
    if not query:
        return names
    wanted = query.strip().upper()
    padded = re.fullmatch(r"([A-Z]{2})(\d{1,3})", wanted)
    if padded:
        full = f"{padded.group(1)}{int(padded.group(2)):03d}"
        if full in names:
            return [full]
    return [n for n in names if n.startswith(wanted)]


def register(app: typer.Typer, panel: str) -> None:
    @app.command(
        "codes",
        cls=ChineseCommand,
        rich_help_panel=panel,
        epilog="示例：\n  kepu-inspect codes\n  kepu-inspect codes WB\n  kepu-inspect codes WB015",
    )
    def codes_cmd(
        query: Annotated[
            str | None,
            typer.Argument(
                metavar="代码",
                help="只列出该代码（如 WB015），或以此开头的代码（如 WB）",
                show_default=False,
                rich_help_panel=ARGUMENTS_PANEL,
            ),
        ] = None,
        fmt: Annotated[str, format_option("table（表格，默认）、markdown（供文档使用）")] = "table",
        quiet_: QuietOpt = False,
        verbose_: VerboseOpt = False,
    ) -> None:
        """列出问题代码及其含义、修改方法（RB 考核细则，PL 工作要点导入，WB 自评表，SC 评分）。"""
        from rich.table import Table
        from rich.text import Text

        from kepu_inspect.core.problems import Code
        from kepu_inspect.reports.codes_view import PREFIXES, codes_markdown, describe

        set_verbosity(quiet_, verbose_)
        check_format(fmt, ("table", "markdown"))
        chosen = select_codes(query)
        if not chosen:
            near = suggest((query or "").upper(), [c.name for c in Code], n=5, cutoff=0.5)
            prefixes = "、".join(f"{p}（{label}）" for p, label in PREFIXES.items())
            raise fail_usage(
                f"没有“{query}”这个问题代码。",
                (f"相近的代码：{'、'.join(near)}。" if near else "") + f"代码以 {prefixes} 开头。",
            )
        if fmt == "markdown":
            typer.echo(codes_markdown(), nl=False)
            return
        if quiet():
            return
        table = Table(title="问题代码一览（〈〉内为发现问题时填入的具体内容）", title_justify="left")
        for col in ("代码", "级别", "问题", "怎么改"):
            table.add_column(col, overflow="fold")
        for code in Code:
            if code.name in chosen:
                message, hint = describe(code)
                table.add_row(code.name, code.severity.label, Text(message), Text(hint))
        out().print(table)
