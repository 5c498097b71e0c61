"""``kepu-inspect inspection``: one verification workbook (核查表) per inspection team (督导检查组)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from kepu_inspect.cli.common import (
    EXIT_OK,
    EXIT_PROBLEMS,
    EXIT_USAGE,
    QuietOpt,
    RubricArg,
    VerboseOpt,
    err,
    escape,
    fail_usage,
    guarded,
    out,
    quiet,
    set_verbosity,
)
from kepu_inspect.cli.framework import OPTIONS_PANEL, ChineseCommand
from kepu_inspect.cli.inputs import PathsArg, WorkersOpt, check_paths


def register(app: typer.Typer, panel: str) -> None:
    @app.command(
        "inspection",
        cls=ChineseCommand,
        rich_help_panel=panel,
        epilog=(
            "示例：\n"
            "  kepu-inspect inspection 考核细则.yaml 收到的材料 -o 核查表\n"
            "  kepu-inspect inspection 考核细则.yaml 收到的材料 -o 核查表 --teams 检查组.yaml\n"
            "  kepu-inspect inspection 考核细则.yaml 收到的材料 -o 新核查表 --teams 检查组.yaml --carry-over 核查表"
        ),
    )
    @guarded
    def inspection_cmd(
        rubric_path: RubricArg,
        paths: PathsArg,
        output: Annotated[
            Path,
            typer.Option(
                "--output", "-o", metavar="文件夹", help="核查表写入该文件夹", rich_help_panel=OPTIONS_PANEL
            ),
        ] = Path("核查表"),
        teams_file: Annotated[
            Path | None,
            typer.Option(
                "--teams",
                metavar="名单文件",
                help="督导检查组名单（检查组、组长、成员、单位）；不给则每个单位一份核查表",
                rich_help_panel=OPTIONS_PANEL,
            ),
        ] = None,
        inspectors: Annotated[
            int,
            typer.Option(
                "--inspectors",
                metavar="人数",
                help="无名单时每份核查表的检查人员数（1～9）",
                rich_help_panel=OPTIONS_PANEL,
            ),
        ] = 1,
        carry_over: Annotated[
            list[Path] | None,
            typer.Option(
                "--carry-over",
                metavar="旧核查表",
                help="沿用旧核查表中已填的内容（单位重新报送后用）",
                rich_help_panel=OPTIONS_PANEL,
            ),
        ] = None,
        password: Annotated[
            str | None,
            typer.Option(
                "--password",
                metavar="密码",
                help="工作表保护密码（默认无密码）",
                rich_help_panel=OPTIONS_PANEL,
            ),
        ] = None,
        force: Annotated[
            bool,
            typer.Option("--force", help="文件夹中已有同名文件时也覆盖", rich_help_panel=OPTIONS_PANEL),
        ] = False,
        workers: WorkersOpt = None,
        quiet_: QuietOpt = False,
        verbose_: VerboseOpt = False,
    ) -> None:
        """为各督导检查组生成核查表：列出各单位报送的数据和自评分，供检查人员填写核定分、核查意见和否决事项。"""
        from kepu_inspect.adapters.output import safe_filename, write_bytes_atomic
        from kepu_inspect.adapters.teams_file import read_teams
        from kepu_inspect.adapters.template_writer import form_subject
        from kepu_inspect.cli.rubric_arg import load_or_exit
        from kepu_inspect.core.os_errors import os_error_text
        from kepu_inspect.reports.terminal import problems_overview
        from kepu_inspect.services.inspection import plan_inspection, written

        set_verbosity(quiet_, verbose_)
        if not 1 <= inspectors <= 9:
            raise fail_usage(f"--inspectors 应为 1～9 之间的人数，收到“{inspectors}”")
        rubric = load_or_exit(rubric_path, "inspection")
        if rubric.settings.verification == "in_submission":
            err().print(
                "[yellow]本考核细则规定 verification: in_submission（核定分直接填在各单位的自评表中），"
                "不需要核查表。[/]如需单独的核查表，请把考核细则中的 verification 改为 separate。"
            )
            raise typer.Exit(EXIT_USAGE)
        check_paths(paths)
        teams = None
        if teams_file is not None:
            teams, team_problems = read_teams(rubric, teams_file)
            if team_problems:
                out().print(problems_overview(team_problems))
                raise typer.Exit(EXIT_PROBLEMS)
        if output.exists() and not output.is_dir():
            err().print(f"[red]输出位置“{escape(output)}”是一个文件，请指定文件夹。[/]")
            raise typer.Exit(EXIT_USAGE)
        old = [p for p in (carry_over or [])]
        old_files = [f for p in old for f in (sorted(p.rglob("*.xlsx")) if p.is_dir() else [p])]
        plan = plan_inspection(rubric, paths, teams, inspectors, old_files, workers)
        if plan.problems:
            out().print(problems_overview(plan.problems))
        subject = form_subject(rubric)
        made = 0
        for team, result in written(rubric, plan, password):
            target = output / (safe_filename(f"{rubric.meta.year}年{subject}核查表-{team.name}") + ".xlsx")
            if target.exists() and not force:
                err().print(
                    f"[red]“{escape(target)}”已存在，未覆盖。[/]确需覆盖请加 --force，或换一个输出文件夹。"
                )
                raise typer.Exit(EXIT_USAGE)
            try:
                write_bytes_atomic(target, result.data)
            except OSError as exc:
                err().print(f"[red]未能写入“{escape(target)}”：{escape(os_error_text(exc))}[/]")
                raise typer.Exit(EXIT_USAGE) from None
            made += 1
            if result.changed and not quiet():
                out().print(
                    f"{escape(team.name)}：{len(result.changed)} 个评分细项的单位数据已变化，已用橙色标出，请复核。"
                )
        for team_name, names in plan.uncovered.items():
            err().print(
                f"[yellow]{escape(team_name)}：{escape('、'.join(names))} 没有可用的自评表（未收到或材料无效），未列入核查表。[/]"
            )
        if not quiet():
            out().print(f"已生成 {made} 份核查表，写入 {escape(output)}。")
        raise typer.Exit(EXIT_PROBLEMS if plan.problems else EXIT_OK)
