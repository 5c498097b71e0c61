"""``kepu-inspect score``: check, score, rank and write the printable reports."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from kepu_inspect.cli.common import (
    EXIT_OK,
    EXIT_PROBLEMS,
    EXIT_USAGE,
    FormatOpt,
    RubricArg,
    check_format,
    err,
    escape,
    guarded,
    out,
)
from kepu_inspect.cli.inputs import PathsArg, WorkersOpt, check_paths

if TYPE_CHECKING:
    from kepu_inspect.core.results import ScoreRun

DEFAULT_REPORTS = (
    "xlsx",
    "html",
    "csv",
    "json",
)  # reports.registry.DEFAULT_REPORTS (not imported for --help)


def write_reports(run: ScoreRun, kinds: list[str], output: Path, stem: str) -> list[Path]:
    """Write the chosen reports, each file replaced atomically (never half a file under its name)."""
    from kepu_inspect.adapters.output import atomic_open
    from kepu_inspect.reports.registry import REPORTS

    written: list[Path] = []
    for name, report in REPORTS.items():
        if name not in kinds:
            continue
        for file in report.files:
            target = output / file.filename(stem)
            with atomic_open(target, "wb") as sink:
                file.render(run, sink)
            written.append(target)
    return written


def register(app: typer.Typer) -> None:
    @app.command("score")
    @guarded
    def score_cmd(
        rubric_path: RubricArg,
        paths: PathsArg,
        output: Annotated[Path, typer.Option("--output", "-o", help="报告输出文件夹")] = Path("考核结果"),
        fmt: FormatOpt = "table",
        previous: Annotated[
            Path | None,
            typer.Option("--previous", help="上一年度的结果文件（考核结果.json），用于显示名次变化"),
        ] = None,
        date: Annotated[str | None, typer.Option("--date", help="报告日期（YYYY-MM-DD，默认今天）")] = None,
        name: Annotated[str, typer.Option("--name", help="报告文件名（不含扩展名）")] = "考核结果",
        reports: Annotated[
            str,
            typer.Option(
                "--reports",
                help="生成哪些报告，逗号分隔：xlsx（完整）、html、csv、json、ranking（仅排名表的 xlsx）",
            ),
        ] = ",".join(DEFAULT_REPORTS),
        workers: WorkersOpt = None,
        quiet: Annotated[bool, typer.Option("--quiet", "-q", help="不在屏幕上列出问题明细")] = False,
    ) -> None:
        """评分、排名并生成报告：屏幕排名表，以及 xlsx / html / csv / json 报告（可直接打印）。"""
        from kepu_inspect.adapters.output import safe_filename
        from kepu_inspect.adapters.results_file import load_previous
        from kepu_inspect.cli.inputs import score_with_progress
        from kepu_inspect.cli.rubric import load_or_exit
        from kepu_inspect.core.problems import Severity
        from kepu_inspect.reports.registry import REPORTS
        from kepu_inspect.reports.terminal import ledger_view, problems_overview, ranking_view, summary_line
        from kepu_inspect.services.batch import BatchOptions

        check_format(fmt, ("table", "json"))
        kinds = [k.strip() for k in reports.split(",") if k.strip()]
        unknown = [k for k in kinds if k not in REPORTS]
        if unknown:
            err().print(
                f"[red]--reports 只能包含 {'、'.join(REPORTS)}，收到：{escape('、'.join(unknown))}[/]"
            )
            raise typer.Exit(EXIT_USAGE)
        report_date = date or dt.date.today().isoformat()
        try:
            dt.date.fromisoformat(report_date)
        except ValueError:
            err().print(f"[red]--date 应为 YYYY-MM-DD 格式，收到“{escape(report_date)}”[/]")
            raise typer.Exit(EXIT_USAGE) from None
        rubric = load_or_exit(rubric_path)
        check_paths(paths)
        prev = None
        if previous is not None:
            try:
                prev = load_previous(previous)
            except (OSError, ValueError, KeyError, TypeError) as exc:
                err().print(f"[red]无法读取上年结果文件 {escape(previous)}：{escape(exc)}[/]")
                raise typer.Exit(EXIT_USAGE) from None
        from kepu_inspect.reports.data_report import iter_results_json

        # item-level detail stays in memory only for the reports that print it
        options = BatchOptions(keep_items=any(REPORTS[k].needs_items for k in kinds), workers=workers)
        run = score_with_progress(rubric, paths, report_date, prev, options)
        intake = run.intake
        problems = run.problems()
        written = write_reports(run, kinds, output, safe_filename(name))
        if fmt == "json":
            stdout = typer.get_binary_stream("stdout")
            for piece in iter_results_json(run):
                stdout.write(piece)
            stdout.flush()
        else:
            if problems and not quiet:
                out().print(problems_overview(problems))
            out().print(ledger_view(intake))
            out().print(ranking_view(run))
            out().print(summary_line(intake, problems))
        for path in written:
            err().print(f"已写入 {escape(path)}")
        has_error = any(p.severity is Severity.ERROR for p in problems)
        raise typer.Exit(EXIT_PROBLEMS if has_error else EXIT_OK)
