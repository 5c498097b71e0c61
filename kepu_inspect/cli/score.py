"""``kepu-inspect score``: check, score, rank and write the printable reports."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from kepu_inspect.cli.common import (
    EXIT_OK,
    EXIT_PROBLEMS,
    EXIT_USAGE,
    DateOpt,
    QuietOpt,
    RubricArg,
    VerboseOpt,
    check_format,
    err,
    escape,
    fail_usage,
    format_option,
    guarded,
    option_date,
    out,
    quiet,
    report_date,
    say,
    set_verbosity,
    verbose,
)
from kepu_inspect.cli.framework import OPTIONS_PANEL, ChineseCommand, suggest
from kepu_inspect.cli.inputs import PathsArg, WorkersOpt, check_paths, check_workers, phase

if TYPE_CHECKING:
    from kepu_inspect.adapters.output import SwapBlocked
    from kepu_inspect.core.changes import Standing
    from kepu_inspect.core.corrections import Ledger
    from kepu_inspect.core.problems import Problem
    from kepu_inspect.core.results import ScoreRun
    from kepu_inspect.core.rubric import Rubric

DEFAULT_REPORTS = (
    "xlsx",
    "html",
    "csv",
    "json",
    "tongbao",
)  # reports.registry.DEFAULT_REPORTS (not imported for --help)


def write_reports(
    run: ScoreRun, kinds: list[str], output: Path | Callable[[str], Path], stem: str
) -> list[Path]:
    """Write the chosen reports, each file replaced atomically (never half a file under its name).

    ``output`` is a folder, or where each report file goes (a ReportFolder's staging: see score).
    """
    from kepu_inspect.adapters.output import atomic_open
    from kepu_inspect.reports.registry import REPORTS

    place = output if callable(output) else (lambda name: output / name)
    written: list[Path] = []
    for name, report in REPORTS.items():
        if name not in kinds:
            continue
        for file in report.files:
            if file.when is not None and not file.when(run):
                continue
            target = place(file.filename(stem))
            with phase(f"正在写入 {target.name}"), atomic_open(target, "wb") as sink:
                file.render(run, sink)
            written.append(target)
    return written


def register(app: typer.Typer, panel: str) -> None:
    @app.command(
        "score",
        cls=ChineseCommand,
        rich_help_panel=panel,
        epilog=(
            "示例：\n"
            "  kepu-inspect score 考核细则.yaml 收到的材料 -o 考核结果\n"
            "  kepu-inspect score 考核细则.yaml 收到的材料 -o 考核结果 --previous 2016结果/考核结果.json\n"
            "  kepu-inspect score 考核细则.yaml 收到的材料 --reports xlsx,html --date 2017-12-28\n"
            "  kepu-inspect score 考核细则.yaml 收到的材料 --reports tongbao --doc-number 平科素办〔2018〕1号"
        ),
    )
    @guarded
    def score_cmd(
        rubric_path: RubricArg,
        paths: PathsArg,
        output: Annotated[
            Path,
            typer.Option(
                "--output", "-o", metavar="文件夹", help="报告写入该文件夹", rich_help_panel=OPTIONS_PANEL
            ),
        ] = Path("考核结果"),
        fmt: Annotated[
            str, format_option("table（排名表，默认）、json（完整结果，与 考核结果.json 相同）")
        ] = "table",
        previous: Annotated[
            Path | None,
            typer.Option(
                "--previous",
                metavar="上年结果",
                help="上一年度的 考核结果.json，用于显示名次变化（↑2、↓1、新）",
                rich_help_panel=OPTIONS_PANEL,
            ),
        ] = None,
        date: DateOpt = None,
        doc_number: Annotated[
            str | None,
            typer.Option(
                "--doc-number",
                metavar="文号",
                help="通报的发文字号，如 平科素办〔2018〕1号 （默认取考核细则中的文号）",
                rich_help_panel=OPTIONS_PANEL,
            ),
        ] = None,
        letterhead: Annotated[
            str | None,
            typer.Option(
                "--letterhead",
                metavar="红头",
                help="通报的红头（发文机关标志），如 ××办公室文件（默认取考核细则中的红头）",
                rich_help_panel=OPTIONS_PANEL,
            ),
        ] = None,
        name: Annotated[
            str,
            typer.Option(
                "--name", metavar="文件名", help="报告文件名（不含扩展名）", rich_help_panel=OPTIONS_PANEL
            ),
        ] = "考核结果",
        reports: Annotated[
            str,
            typer.Option(
                "--reports",
                metavar="报告",
                help=(
                    "生成哪些报告，用英文逗号分隔：xlsx 完整工作簿、html 可打印的网页（另有只含排名表的一页）、csv 排名表和"
                    "问题清单、json 完整结果、tongbao 考核结果通报（.docx）、ranking 只含排名表的工作簿。默认 xlsx,html,csv,json,tongbao"
                ),
                rich_help_panel=OPTIONS_PANEL,
                show_default=False,
            ),
        ] = ",".join(DEFAULT_REPORTS),
        corrections: Annotated[
            Path | None,
            typer.Option(
                "--corrections",
                metavar="更正台账",
                help="公示后的更正台账（异议处理和更正）",
                rich_help_panel=OPTIONS_PANEL,
            ),
        ] = None,
        published: Annotated[
            Path | None,
            typer.Option(
                "--published",
                metavar="公示结果",
                help="公示时的结果，报告中列出更正说明",
                rich_help_panel=OPTIONS_PANEL,
            ),
        ] = None,
        publish: Annotated[
            bool,
            typer.Option("--publish", help="公示：存档本次结果并生成公示名单", rich_help_panel=OPTIONS_PANEL),
        ] = False,
        period: Annotated[
            str | None,
            typer.Option(
                "--period",
                metavar="公示期",
                help="公示期，如 1月2日至8日",
                rich_help_panel=OPTIONS_PANEL,
            ),
        ] = None,
        contact: Annotated[
            str | None,
            typer.Option(
                "--contact",
                metavar="联系方式",
                help="受理异议的部门和电话",
                rich_help_panel=OPTIONS_PANEL,
            ),
        ] = None,
        workers: WorkersOpt = None,
        force: Annotated[
            bool,
            typer.Option(
                "--force",
                help="输出文件夹中有其他文件也写入， 原有内容移到“文件夹名.上次”",
                rich_help_panel=OPTIONS_PANEL,
            ),
        ] = False,
        quiet_: QuietOpt = False,
        verbose_: VerboseOpt = False,
    ) -> None:
        """评分、排名并生成报告：屏幕上显示排名和问题摘要，xlsx / html / csv / json 报告写入文件夹（可直接打印）。"""
        from kepu_inspect.adapters.output import OutputError, check_output_folder, input_bytes
        from kepu_inspect.adapters.results_file import load_previous
        from kepu_inspect.cli.inputs import require_submissions, score_with_progress
        from kepu_inspect.cli.rubric_arg import load_or_exit
        from kepu_inspect.core.problems import Severity
        from kepu_inspect.reports.registry import REPORTS
        from kepu_inspect.services.batch import BatchOptions

        set_verbosity(quiet_, verbose_)
        check_workers(workers)
        check_format(fmt, ("table", "json"))
        kinds = report_kinds(reports)
        given_date = option_date(date)
        stem = name.strip()
        report_names(kinds, stem)
        try:  # before any input is read: a run that cannot write its reports does not start
            check_output_folder(output, paths, input_bytes(paths), force)
        except OutputError as exc:
            raise fail_usage(exc.message, exc.hint) from None
        rubric = load_or_exit(rubric_path, "score", paths)
        rubric = with_notice_options(rubric, doc_number, letterhead)
        signed = report_date(given_date, rubric.meta.report_date)
        check_paths(paths)
        prev = None
        if previous is not None:
            prev = previous_or_exit(previous, lambda path: load_previous(path, rubric))
        ledger = ledger_or_exit(rubric, corrections, signed) if corrections is not None else None
        standings = published_or_exit(rubric, published) if published is not None else None
        from kepu_inspect.reports.data_report import iter_results_json

        # item-level detail stays in memory only for the reports that print it
        options = BatchOptions(
            keep_items=any(REPORTS[k].needs_items for k in kinds), workers=workers, exclude=(output,)
        )
        run = score_with_progress(rubric, paths, signed, prev, options, ledger, standings)
        require_submissions(run.intake, rubric)  # nothing for this rubric: exit 2, nothing written
        problems = run.problems()
        written, blocked = put_reports(run, kinds, output, stem, force)
        errors = sum(1 for p in problems if p.severity is Severity.ERROR)
        full_list = next((p for p in written if p.name == "问题清单.csv"), None)
        if fmt == "json":
            from kepu_inspect.cli.console import is_utf, write_json

            if is_utf(sys.stdout):
                stdout = typer.get_binary_stream("stdout")
                for piece in iter_results_json(run):
                    stdout.write(piece)
                stdout.flush()
            else:
                write_json(b"".join(iter_results_json(run)).decode("utf-8"))
        else:
            print_results(run, problems, str(full_list) if full_list else None)
        if blocked is not None:  # the reports exist, beside the folder: say where and what to do
            raise fail_usage(blocked.message, blocked.hint)
        if verbose():
            for path in written:
                say(f"已写入 {escape(path)}")
        elif written:
            say(f"报告已写入 {escape(output)}：" + "、".join(escape(p.name) for p in written))
        if quiet() and errors:
            where = f"，逐条见 {escape(full_list)}" if full_list else "，加 --verbose 逐条列出"
            err().print(f"[red]材料中有 {errors} 个错误[/]{where}。")
        if publish:
            archive = publish_run(run, output, period, contact)
            say(f"已公示存档：{escape(archive)}（公示名单.html 可直接打印；此存档不会被覆盖）")
        raise typer.Exit(EXIT_PROBLEMS if errors else EXIT_OK)


def report_kinds(reports: str) -> list[str]:
    """--reports as a list of report names; exit 2 naming the nearest for a misspelt one."""
    from kepu_inspect.reports.registry import REPORTS

    kinds = [k.strip().lower() for k in reports.replace("，", ",").split(",") if k.strip()]
    unknown = [k for k in kinds if k not in REPORTS]
    if unknown or not kinds:
        near = [m for k in unknown for m in suggest(k, list(REPORTS), n=1)]
        raise fail_usage(
            f"--reports 只能包含 {'、'.join(REPORTS)}（用英文逗号分隔），收到：“{reports}”。"
            + (f"您是不是要用：{'、'.join(near)}？" if near else "")
        )
    return kinds


def report_names(kinds: list[str], stem: str) -> list[str]:
    """The file names of the chosen reports; exit 2 when --name is no plain file name or two reports
    would share a name (--name 问题清单 with csv: the ranking would overwrite the problem list)."""
    from kepu_inspect.adapters.output import MANIFEST_NAME, safe_filename
    from kepu_inspect.reports.registry import REPORTS

    if not stem.strip() or stem != safe_filename(stem) or stem.startswith(".") or len(stem) > 80:
        raise fail_usage(
            f"--name “{stem}”不能用作文件名。",
            '请写一个普通的文件名，如 --name 2017年考核结果（不含 / \\ : * ? " < > | 等字符，不以 . 开头）。',
        )
    names = [f.filename(stem) for k, r in REPORTS.items() if k in kinds for f in r.files]
    seen: dict[str, str] = {}
    for n in names:
        if n.casefold() in seen or n == MANIFEST_NAME:  # Windows names differ only in case: one file
            raise fail_usage(
                f"--name “{stem}”会让两份报告同名（“{n}”）。", "请换一个 --name，如 --name 2017年考核结果。"
            )
        seen[n.casefold()] = n
    return names


def put_reports(
    run: ScoreRun, kinds: list[str], output: Path, stem: str, force: bool
) -> tuple[list[Path], SwapBlocked | None]:
    """The report set written beside ``output`` and swapped in whole (adapters.output.ReportFolder).

    Returns the reports where they ended up, and what blocked the swap (they then wait in
    ``<output>.新``); an output that cannot be written at all exits 2 with the reason.
    """
    from kepu_inspect.adapters.output import OutputError, ReportFolder, SwapBlocked
    from kepu_inspect.core.os_errors import os_error_text

    try:
        with ReportFolder(output, force) as folder:
            staged = write_reports(run, kinds, folder.file, stem)
            try:
                final = folder.commit()
            except SwapBlocked as blocked:
                return [blocked.waiting / p.name for p in staged], blocked
        return [final / p.name for p in staged], None
    except OutputError as exc:
        raise fail_usage(exc.message, exc.hint) from None
    except OSError as exc:
        raise fail_usage(
            f"写入报告时出错：{os_error_text(exc)}。原有的报告未被改动。",
            "请检查磁盘空间和写入权限，或用 -o 换一个文件夹后重新运行。",
        ) from None


def with_notice_options(rubric: Rubric, doc_number: str | None, letterhead: str | None) -> Rubric:
    """The rubric with the 通报's 文号 and 红头 given on the command line (they win over the rubric's)."""
    import dataclasses

    if doc_number is None and letterhead is None:
        return rubric
    meta = rubric.meta
    meta = dataclasses.replace(
        meta,
        doc_number=meta.doc_number if doc_number is None else doc_number.strip(),
        letterhead=meta.letterhead if letterhead is None else letterhead.strip(),
    )
    return dataclasses.replace(rubric, meta=meta)


def previous_or_exit(path: Path, load: Callable[[Path], object]) -> object:
    """Last year's results, or exit 2 saying what the file is and which file is wanted."""
    from kepu_inspect.core.os_errors import os_error_text

    wanted = "请指定上一年度运行 score 生成的 考核结果.json（在上年的报告文件夹中）。"
    if not path.exists():
        raise fail_usage(f"找不到上年结果文件“{path}”。", wanted)
    if path.is_dir():
        inside = path / "考核结果.json"
        if inside.is_file():
            path = inside
        else:
            raise fail_usage(f"“{path}”是一个文件夹。", wanted)
    suffix = path.suffix.lower()
    if suffix != ".json":
        kinds = {".csv": "CSV 表格", ".xlsx": "Excel 工作簿", ".html": "网页", ".yaml": "考核细则"}
        raise fail_usage(f"“{path}”是{kinds.get(suffix, '其他类型的文件')}，不是上年的结果文件。", wanted)
    try:
        return load(path)
    except OSError as exc:
        raise fail_usage(f"无法读取上年结果文件“{path}”：{os_error_text(exc)}。", wanted) from None
    except (ValueError, KeyError, TypeError, AttributeError):
        raise fail_usage(f"“{path}”不是 kepu-inspect 生成的考核结果文件（内容无法识别）。", wanted) from None


def print_results(run: ScoreRun, problems: list[Problem], full_list: str | None) -> None:
    """The terminal: the ranking, 复核提示, 更正说明 when asked, problems (all with --verbose), a summary."""
    from kepu_inspect.reports.terminal import (
        changes_view,
        ledger_view,
        problems_overview,
        problems_summary,
        ranking_view,
        review_view,
        summary_line,
    )

    if quiet():
        return
    if verbose():
        if problems:
            out().print(problems_overview(problems))
        out().print(ledger_view(run.intake))
    out().print(ranking_view(run))
    out().print(review_view(run))
    if run.changes is not None or run.ledger is not None:
        out().print(changes_view(run))
    if problems and not verbose():
        out().print(problems_summary(problems, full_list))
    out().print(summary_line(run.intake, problems))


def ledger_or_exit(rubric: Rubric, path: Path, report_date: str) -> Ledger:
    """The checked corrections ledger; with any error in it nothing is applied (exit 1, problems listed)."""
    from kepu_inspect.adapters.ledger_file import LedgerError, read_ledger
    from kepu_inspect.core.corrections import check_ledger
    from kepu_inspect.core.problems import Code, Severity, problem
    from kepu_inspect.reports.terminal import problems_by_unit

    try:
        rows, digest = read_ledger(path)
    except LedgerError as exc:
        out().print(problems_by_unit([problem(Code.CR008, file=str(path), detail=str(exc))]))
        raise typer.Exit(EXIT_USAGE) from None
    ledger, problems = check_ledger(rubric, rows, str(path), digest, report_date)
    if problems:
        out().print(problems_by_unit(problems))
    if any(p.severity is Severity.ERROR for p in problems):
        err().print("[red]更正台账有错误，未应用任何更正（不会只应用其中一部分）。[/]请改正后重新运行。")
        raise typer.Exit(EXIT_PROBLEMS)
    return ledger


def published_or_exit(rubric: Rubric, path: Path) -> dict[str, Standing]:
    from kepu_inspect.adapters.results_file import ResultsFileError, load_published
    from kepu_inspect.core.problems import Code, problem
    from kepu_inspect.reports.terminal import problems_by_unit

    try:
        standings, _ = load_published(path, rubric)
    except ResultsFileError as exc:
        out().print(problems_by_unit([problem(Code.CR007, file=str(path), detail=str(exc))]))
        raise typer.Exit(EXIT_USAGE) from None
    return standings


def publish_run(run: ScoreRun, output: Path, period: str | None, contact: str | None) -> Path:
    """公示: the results archived under their hash beside the reports (never replaced), with the 公示名单."""
    from kepu_inspect.adapters.output import write_bytes_atomic, write_text_atomic
    from kepu_inspect.reports.data_report import iter_results_json
    from kepu_inspect.reports.publicity import publicity_html

    data = b"".join(iter_results_json(run))
    import hashlib

    digest = hashlib.sha256(data).hexdigest()[:12]
    archive = output.parent / f"{output.name}-公示存档" / f"{run.date}-{digest}"
    if not (archive / "考核结果.json").is_file():  # the same hash is the same content: kept as it is
        write_bytes_atomic(archive / "考核结果.json", data)
        write_text_atomic(archive / "公示名单.html", publicity_html(run, period, contact))
    return archive
