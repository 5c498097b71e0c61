"""``kepu-inspect check``: read every submitted workbook safely and say, to the cell, what to fix."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer

from kepu_inspect.cli.common import (
    EXIT_OK,
    EXIT_PROBLEMS,
    QuietOpt,
    RubricArg,
    VerboseOpt,
    check_format,
    escape,
    format_option,
    guarded,
    out,
    quiet,
    say,
    set_verbosity,
)
from kepu_inspect.cli.framework import OPTIONS_PANEL, ChineseCommand
from kepu_inspect.cli.inputs import PathsArg, WorkersOpt, check_paths, check_workers


def register(app: typer.Typer, panel: str) -> None:
    @app.command(
        "check",
        cls=ChineseCommand,
        rich_help_panel=panel,
        epilog=(
            "示例：\n"
            "  kepu-inspect check 考核细则.yaml 收到的材料\n"
            "  kepu-inspect check 考核细则.yaml 收到的材料 --notice 退回通知\n"
            "  kepu-inspect check 考核细则.yaml 收到的材料 -f csv > 问题清单.csv"
        ),
    )
    @guarded
    def check_cmd(
        rubric_path: RubricArg,
        paths: PathsArg,
        fmt: Annotated[
            str, format_option("table（表格，默认）、json（完整结果）、csv（问题清单，可用表格软件打开）")
        ] = "table",
        notice: Annotated[
            Path | None,
            typer.Option(
                "--notice",
                metavar="文件夹",
                help="为每个有问题的单位生成退回修改通知（.txt），写入该文件夹",
                rich_help_panel=OPTIONS_PANEL,
            ),
        ] = None,
        workers: WorkersOpt = None,
        quiet_: QuietOpt = False,
        verbose_: VerboseOpt = False,
    ) -> None:
        """检查报送的自评表：识别单位、登记收件情况，逐个单元格列出问题和修改方法。"""
        from kepu_inspect.adapters.output import safe_filename, write_text_atomic
        from kepu_inspect.cli.inputs import check_with_progress, require_submissions
        from kepu_inspect.cli.rubric_arg import load_or_exit
        from kepu_inspect.core.problems import Severity
        from kepu_inspect.reports.check_report import check_json, notice_problems
        from kepu_inspect.reports.data_report import problems_csv
        from kepu_inspect.reports.notice import notice_text
        from kepu_inspect.reports.terminal import ledger_view, problems_overview, summary_line

        set_verbosity(quiet_, verbose_)
        check_workers(workers)
        check_format(fmt, ("table", "json", "csv"))
        rubric = load_or_exit(rubric_path, "check", paths)
        check_paths(paths)
        intake = check_with_progress(rubric, paths, workers, (notice,) if notice is not None else ())
        require_submissions(intake)
        problems = intake.all_problems()
        if fmt == "json":
            from kepu_inspect.cli.console import write_json

            write_json(check_json(intake) + "\n")
        elif fmt == "csv":
            typer.echo(problems_csv(problems), nl=False)
        elif not quiet():
            out().print(ledger_view(intake))
            if problems:
                out().print(problems_overview(problems))
            out().print(summary_line(intake, problems))
        if notice is not None:
            today = dt.date.today().isoformat()
            by_unit = notice_problems(problems)
            for unit_name, items in by_unit.items():
                target = notice / (safe_filename(f"{unit_name}退回修改通知") + ".txt")
                write_text_atomic(target, notice_text(rubric, unit_name, items, today), encoding="utf-8-sig")
            say(f"已为 {len(by_unit)} 个单位生成退回修改通知：{escape(notice)}")
        has_error = any(p.severity is Severity.ERROR for p in problems)  # warnings alone: 0, as in score
        raise typer.Exit(EXIT_PROBLEMS if has_error else EXIT_OK)
