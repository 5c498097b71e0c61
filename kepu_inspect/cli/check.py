"""``kepu-inspect check``: read every submitted workbook safely and say, to the cell, what to fix."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer

from kepu_inspect.cli.common import (
    EXIT_OK,
    EXIT_PROBLEMS,
    FormatOpt,
    RubricArg,
    check_format,
    err,
    escape,
    guarded,
    out,
)
from kepu_inspect.cli.inputs import PathsArg, WorkersOpt, check_paths


def register(app: typer.Typer) -> None:
    @app.command("check")
    @guarded
    def check_cmd(
        rubric_path: RubricArg,
        paths: PathsArg,
        fmt: FormatOpt = "table",
        notice: Annotated[
            Path | None, typer.Option("--notice", help="为每个有问题的单位生成退回修改通知，写入该文件夹")
        ] = None,
        workers: WorkersOpt = None,
    ) -> None:
        """检查报送的自评表：识别单位、登记收件情况，逐个单元格列出问题和修改方法。"""
        from kepu_inspect.adapters.output import safe_filename, write_text_atomic
        from kepu_inspect.cli.inputs import check_with_progress
        from kepu_inspect.cli.rubric import load_or_exit
        from kepu_inspect.core.problems import Severity
        from kepu_inspect.reports.check_report import check_json, notice_problems
        from kepu_inspect.reports.data_report import problems_csv
        from kepu_inspect.reports.notice import notice_text
        from kepu_inspect.reports.terminal import ledger_view, problems_overview, summary_line

        check_format(fmt, ("table", "json", "csv"))
        rubric = load_or_exit(rubric_path)
        check_paths(paths)
        intake = check_with_progress(rubric, paths, workers)
        problems = intake.all_problems()
        if fmt == "json":
            typer.echo(check_json(intake))
        elif fmt == "csv":
            typer.echo(problems_csv(problems), nl=False)
        else:
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
            err().print(f"已为 {len(by_unit)} 个单位生成退回修改通知：{escape(notice)}")
        has_problem = any(p.severity is not Severity.INFO for p in problems)
        raise typer.Exit(EXIT_PROBLEMS if has_problem else EXIT_OK)
