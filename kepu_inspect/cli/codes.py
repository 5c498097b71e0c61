"""``kepu-inspect codes``: the problem catalogue, generated from the code itself."""

from __future__ import annotations

from typing import Annotated

import typer

from kepu_inspect.cli.common import FormatOpt, check_format, out


def codes_markdown() -> str:
    from kepu_inspect.core.problems import Code

    lines = ["| 代码 | 级别 | 问题 | 怎么改 |", "| --- | --- | --- | --- |"]
    for code in Code:
        lines.append(f"| {code.name} | {code.severity.label} | {code.template} | {code.hint_template} |")
    return "\n".join(lines) + "\n"


def register(app: typer.Typer) -> None:
    @app.command("codes")
    def codes_cmd(
        fmt: FormatOpt = "table",
        prefix: Annotated[
            str | None, typer.Argument(help="只列出以此开头的代码，如 WB", show_default=False)
        ] = None,
    ) -> None:
        """列出所有问题代码及其含义、修改方法。"""
        from rich.table import Table

        from kepu_inspect.core.problems import Code

        check_format(fmt, ("table", "markdown"))
        if fmt == "markdown":
            typer.echo(codes_markdown(), nl=False)
            return
        table = Table(title="问题代码一览")
        for col in ("代码", "级别", "问题", "怎么改"):
            table.add_column(col, overflow="fold")
        for code in Code:
            if prefix and not code.name.startswith(prefix.upper()):
                continue
            table.add_row(code.name, code.severity.label, code.template, code.hint_template)
        out().print(table)
