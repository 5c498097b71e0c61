"""``kepu-inspect template``: one tailored self-assessment workbook per unit."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from kepu_inspect.cli.common import (
    EXIT_PROBLEMS,
    EXIT_USAGE,
    RubricArg,
    UnitOpt,
    err,
    escape,
    fail_usage,
    guarded,
    out,
)


def register(app: typer.Typer) -> None:
    @app.command("template")
    @guarded
    def template_cmd(
        rubric_path: RubricArg,
        output: Annotated[Path, typer.Option("--output", "-o", help="输出文件夹")] = Path("自评表"),
        unit: UnitOpt = None,
        password: Annotated[
            str | None, typer.Option("--password", help="工作表保护密码（默认无密码，便于修复文件）")
        ] = None,
        include_unassessed: Annotated[
            bool, typer.Option("--all", help="也为本年度不参加考核的单位生成")
        ] = False,
    ) -> None:
        """为每个参加考核的单位生成自评表（.xlsx），只列出适用于该单位的项目。"""
        from rich.progress import Progress
        from rich.table import Table

        from kepu_inspect.adapters.template_writer import new_batch, template_filenames, write_template
        from kepu_inspect.cli.rubric import load_or_exit
        from kepu_inspect.core.numbers import fmt
        from kepu_inspect.core.rubric import Unit

        rubric = load_or_exit(rubric_path)
        chosen: list[Unit] = []
        if unit:
            for name in unit:
                found = rubric.find_unit(name)
                if found is None:
                    err().print(f"[red]考核细则中没有单位“{escape(name)}”[/]（可用名称、简称、别名或编号）")
                    raise typer.Exit(EXIT_USAGE)
                if all(c.id != found.id for c in chosen):  # a unit named twice (name, alias) is written once
                    chosen.append(found)
        else:
            chosen = [u for u in rubric.units if u.assessed or include_unassessed]
        if output.exists() and not output.is_dir():
            raise fail_usage(f"输出位置“{output}”是一个文件，请指定文件夹")
        names = template_filenames(rubric, chosen)
        shared = new_batch()
        written = []
        failed: list[tuple[Unit, str]] = []
        with Progress(console=err(), transient=True, disable=len(chosen) < 10) as progress:
            task = progress.add_task("正在生成自评表", total=len(chosen))
            for u in chosen:
                try:
                    written.append((u, write_template(rubric, u, output, password, names[u.id], shared)))
                except OSError as exc:  # e.g. the old file is open in Excel on Windows
                    failed.append((u, exc.strerror or str(exc)))
                progress.advance(task)
        table = Table(title=f"已生成 {len(written)} 份自评表（{escape(output)}）", title_justify="left")
        for col in ("单位", "分组", "项目数", "基本分满分", "文件"):
            table.add_column(col, overflow="fold")
        for u, path in written:
            table.add_row(
                escape(u.name),
                escape(rubric.group(u.group).name),
                str(len(rubric.assignments(u))),
                fmt(rubric.max_base(u)),
                escape(path.name),
            )
        out().print(table)
        for u, reason in failed:
            err().print(
                f"[red]未能写入“{escape(names[u.id])}”[/]（{escape(u.name)}）：{escape(reason)}。"
                "如该文件正在 Excel/WPS 中打开，请先关闭后重试。"
            )
        if failed:
            raise typer.Exit(EXIT_PROBLEMS)
