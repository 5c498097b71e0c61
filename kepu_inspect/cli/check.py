"""``kepu-inspect check``: read every submitted workbook safely and say, to the cell, what to fix."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

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
    option_date,
    out,
    quiet,
    report_date,
    say,
    set_verbosity,
)
from kepu_inspect.cli.framework import OPTIONS_PANEL, ChineseCommand
from kepu_inspect.cli.inputs import PathsArg, WorkersOpt, check_paths, check_workers

if TYPE_CHECKING:
    from kepu_inspect.core.results import Intake
    from kepu_inspect.core.rubric import Rubric


def register(app: typer.Typer, panel: str) -> None:
    @app.command(
        "check",
        cls=ChineseCommand,
        rich_help_panel=panel,
        epilog=(
            "示例：\n"
            "  kepu-inspect check 考核细则.yaml 收到的材料\n"
            "  kepu-inspect check 考核细则.yaml 收到的材料 --notice 退回通知 --deadline 2018-01-10\n"
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
                help="生成退回修改通知和催报通知（.docx，另有合并打印的一份），写入该文件夹",
                rich_help_panel=OPTIONS_PANEL,
            ),
        ] = None,
        deadline: Annotated[
            str | None,
            typer.Option(
                "--deadline",
                metavar="日期",
                help="通知中重新报送的截止日期，如 2018-01-10 （默认用考核细则的截止日期，已过则写尽快）",
                rich_help_panel=OPTIONS_PANEL,
            ),
        ] = None,
        date: Annotated[
            str | None,
            typer.Option(
                "--date",
                metavar="日期",
                help="通知的落款日期，如 2017-12-22 或 2017年12月22日（默认今天）",
                rich_help_panel=OPTIONS_PANEL,
            ),
        ] = None,
        workers: WorkersOpt = None,
        quiet_: QuietOpt = False,
        verbose_: VerboseOpt = False,
    ) -> None:
        """检查报送的自评表：识别单位、登记收件情况，逐个单元格列出问题和修改方法。"""
        from kepu_inspect.cli.inputs import check_with_progress, require_submissions
        from kepu_inspect.cli.rubric_arg import load_or_exit
        from kepu_inspect.core.problems import Severity
        from kepu_inspect.reports.check_report import check_json
        from kepu_inspect.reports.data_report import problems_csv
        from kepu_inspect.reports.terminal import ledger_view, problems_overview, summary_line

        set_verbosity(quiet_, verbose_)
        check_workers(workers)
        check_format(fmt, ("table", "json", "csv"))
        given_date = option_date(date)
        new_deadline = option_date(deadline, "--deadline")
        rubric = load_or_exit(rubric_path, "check", paths)
        signed = report_date(given_date, "")  # a notice is dated the day it is sent, unless --date says
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
            write_notices(rubric, intake, notice, signed, new_deadline)
        has_error = any(p.severity is Severity.ERROR for p in problems)  # warnings alone: 0, as in score
        raise typer.Exit(EXIT_PROBLEMS if has_error else EXIT_OK)


def write_notices(rubric: Rubric, intake: Intake, folder: Path, date: str, deadline: str | None) -> None:
    """The notices, each replaced atomically: one .docx per unit and all of them in one for printing."""
    from kepu_inspect.adapters.output import atomic_open, safe_filename
    from kepu_inspect.reports import notice as notices_report

    notices = notices_report.notices_for(rubric, intake, date, deadline)
    for item in notices:
        with atomic_open(folder / (safe_filename(item.name) + ".docx"), "wb") as sink:
            notices_report.write_notice(item, date, sink)
    if notices:
        with atomic_open(folder / (notices_report.COMBINED_NAME + ".docx"), "wb") as sink:
            notices_report.write_notices(notices, date, sink)
    returns = sum(n.kind == "return" for n in notices)
    say(f"已生成退回修改通知 {returns} 份、催报通知 {len(notices) - returns} 份：{escape(folder)}")
    passed = rubric.meta.deadline and rubric.meta.deadline < date
    if notices and deadline is None and passed:
        say("考核细则中的报送截止日期已过，通知中写的是“尽快”；可用 --deadline 指定新的截止日期。")
