"""``kepu-inspect score``: check, score, rank and write the printable reports."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
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
from kepu_inspect.cli.inputs import PathsArg, WorkersOpt, check_paths, intake_with_progress

if TYPE_CHECKING:
    from kepu_inspect.services.scoring_service import ScoreRun

REPORT_KINDS = ("xlsx", "html", "csv", "json", "ranking")
DEFAULT_REPORTS = ("xlsx", "html", "csv", "json")


def write_reports(run: ScoreRun, kinds: list[str], output: Path, stem: str) -> list[Path]:
    """Write the chosen reports; each writer is imported only when its report is asked for."""
    from kepu_inspect.adapters.output import write_text_atomic
    from kepu_inspect.reports import data_report

    def xlsx(target: Path, rankings_only: bool = False) -> None:
        from kepu_inspect.reports.xlsx_report import write_xlsx_report

        write_xlsx_report(run, target, rankings_only=rankings_only)

    def html(target: Path) -> None:
        from kepu_inspect.reports.html_report import render_html

        write_text_atomic(target, render_html(run))

    def csv(render: Callable[[], str]) -> Callable[[Path], None]:
        # with a BOM, so Excel opens the UTF-8 text correctly
        return lambda target: write_text_atomic(target, render(), encoding="utf-8-sig")

    writers: dict[str, list[tuple[str, Callable[[Path], None]]]] = {
        "json": [(f"{stem}.json", lambda target: data_report.write_results_json(run, target))],
        "csv": [
            (f"{stem}.csv", csv(lambda: data_report.ranking_csv(run))),
            ("问题清单.csv", csv(lambda: data_report.problems_csv(run.problems()))),
        ],
        "xlsx": [(f"{stem}.xlsx", xlsx)],
        "ranking": [(f"{stem}-排名.xlsx", lambda target: xlsx(target, rankings_only=True))],
        "html": [(f"{stem}.html", html)],
    }
    written: list[Path] = []
    for kind, files in writers.items():
        if kind in kinds:
            for filename, write in files:
                write(output / filename)
                written.append(output / filename)
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
        from kepu_inspect.cli.rubric import load_or_exit
        from kepu_inspect.core.problems import Severity
        from kepu_inspect.reports.terminal import ledger_view, problems_overview, ranking_view, summary_line
        from kepu_inspect.services.scoring_service import load_previous, score_intake

        check_format(fmt, ("table", "json"))
        kinds = [k.strip() for k in reports.split(",") if k.strip()]
        unknown = [k for k in kinds if k not in REPORT_KINDS]
        if unknown:
            err().print(
                f"[red]--reports 只能包含 {'、'.join(REPORT_KINDS)}，收到：{escape('、'.join(unknown))}[/]"
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
        from kepu_inspect.reports.data_report import iter_results_json, unit_record
        from kepu_inspect.services.intake import Scoring, paused_gc

        # item-level detail is only needed by the full xlsx and the html; the json records are
        # rendered in the workers either way
        scoring = Scoring(render=unit_record, keep_items="xlsx" in kinds or "html" in kinds)
        with paused_gc():  # builds results and reports: many objects, no cycles
            intake = intake_with_progress(rubric, paths, workers, scoring)
            run = score_intake(rubric, intake, report_date, prev)
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
