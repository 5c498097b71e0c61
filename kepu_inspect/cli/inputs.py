"""Options and steps shared by ``check`` and ``score``: input paths and the intake with a progress bar."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from kepu_inspect.cli.common import err, fail_usage, quiet
from kepu_inspect.cli.framework import ARGUMENTS_PANEL, OPTIONS_PANEL, suggest

if TYPE_CHECKING:
    from kepu_inspect.core.results import Intake, ScoreRun
    from kepu_inspect.core.rubric import Rubric
    from kepu_inspect.services.batch import BatchOptions

PathsArg = Annotated[
    list[Path],
    typer.Argument(
        metavar="材料",
        help="报送的自评表：文件或文件夹（文件夹中的 .xlsx 会逐层查找），可写多个",
        show_default=False,
        rich_help_panel=ARGUMENTS_PANEL,
    ),
]
WorkersOpt = Annotated[
    int | None,
    typer.Option(
        "--workers",
        metavar="进程数",
        help="同时读取的进程数（默认按处理器核数；文件少时不并行）",
        rich_help_panel=OPTIONS_PANEL,
    ),
]


def check_workers(workers: int | None) -> None:
    if workers is not None and workers < 1:
        raise fail_usage(f"--workers 应为 1 或更大的整数，收到 {workers}。")


def check_paths(paths: list[Path]) -> None:
    """Every path given exists, or exit 2 naming the missing ones with the nearest names beside them."""
    missing = [p for p in paths if not p.exists() and not p.is_symlink()]
    if not missing:
        return
    hints = []
    for path in missing:
        folder = path.parent if str(path.parent) else Path(".")
        try:
            names = [p.name for p in folder.iterdir()]
        except OSError:
            names = []
        near = suggest(path.name, names, n=3, cutoff=0.6)
        if near:
            hints.append(f"“{path.name}”您是不是要用：{'、'.join(near)}？")
    raise fail_usage(
        "找不到：" + "、".join(f"“{p}”" for p in missing) + "。",
        "".join(hints) + "请检查文件夹名称（路径中有空格时请用英文双引号括起来）。",
    )


def require_submissions(intake: Intake, rubric: Rubric | None = None) -> None:
    """Exit 2 when the paths hold no self-assessment form at all (or, given ``rubric``, none of this
    rubric's): a run on the wrong folder must not print a table of 未收到 or replace good reports."""
    forms = [r for r in intake.readings if r.kind == "submission"]
    if not forms:
        seen = f"（看到 {len(intake.skipped)} 个其他文件，未读取）" if intake.skipped else ""
        raise fail_usage(
            f"没有找到自评表{seen}。",
            "请检查材料文件夹是否选对：自评表是用下发的模板填写的 .xlsx 文件，可以放在文件夹或 .zip 压缩包中。",
        )
    if rubric is not None and not any(
        r.unit_id is not None and all(p.code.name != "WB008" for p in r.problems) for r in forms
    ):
        raise fail_usage(
            f"没有找到本考核细则（{rubric.meta.title}）的自评表：{len(forms)} 个工作簿都不属于本次考核或无法识别单位。",
            "请确认考核细则文件和材料文件夹是同一年度、同一次考核的；加 --verbose 或用 check 命令可逐个查看原因。",
        )


def show_progress() -> bool:
    """Progress goes to stderr, and only to a terminal: never into a redirected file or a pipe."""
    return err().is_terminal and not quiet()


@contextlib.contextmanager
def phase(message: str) -> Iterator[None]:
    """A spinner with ``message`` while a step without a count runs (scoring, writing a report)."""
    if not show_progress():
        yield
        return
    with err().status(message):
        yield


def _reading_progress() -> Any:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=err(),
        transient=True,
        disable=not show_progress(),
    )


def _callbacks(progress: Any, after: str) -> tuple[Any, Any]:
    """Progress callbacks for reading; when the last file is read the bar says what comes next."""
    task = progress.add_task("正在读取自评表", total=None)

    def on_total(n: int) -> None:
        progress.update(task, total=n, visible=n >= 20)

    def advance(k: int) -> None:
        progress.advance(task, k)
        current = progress.tasks[0]
        if current.total is not None and current.completed >= current.total:
            progress.update(task, description=after)

    return advance, on_total


def check_with_progress(
    rubric: Rubric, paths: list[Path], workers: int | None, exclude: tuple[Path, ...] = ()
) -> Intake:
    from kepu_inspect.services.batch import check_paths as check_batch

    with _reading_progress() as progress:
        advance, on_total = _callbacks(progress, "正在核对收件情况")
        return check_batch(rubric, paths, workers, advance, on_total, exclude)


def score_with_progress(
    rubric: Rubric,
    paths: list[Path],
    date: str,
    previous: Any,
    options: BatchOptions,
    ledger: Any = None,
    published: Any = None,
) -> ScoreRun:
    from kepu_inspect.services.batch import score_paths

    with _reading_progress() as progress:
        advance, on_total = _callbacks(progress, "正在评分、排名")
        return score_paths(rubric, paths, date, previous, options, advance, on_total, ledger, published)
