"""Options and steps shared by ``check`` and ``score``: input paths and the intake with a progress bar."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from kepu_inspect.cli.common import EXIT_USAGE, err, escape

if TYPE_CHECKING:
    from kepu_inspect.core.results import Intake, ScoreRun
    from kepu_inspect.core.rubric import Rubric
    from kepu_inspect.services.batch import BatchOptions

PathsArg = Annotated[
    list[Path], typer.Argument(help="自评表文件或文件夹（文件夹会递归查找）", show_default=False)
]
WorkersOpt = Annotated[
    int | None, typer.Option("--workers", help="并行读取的进程数（默认按 CPU 核数，文件少时不并行）")
]


def check_paths(paths: list[Path]) -> None:
    missing = [p for p in paths if not p.exists() and not p.is_symlink()]
    if missing:
        err().print("[red]找不到：[/]" + "、".join(escape(p) for p in missing))
        raise typer.Exit(EXIT_USAGE)


def _reading_progress() -> Any:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    return Progress(
        TextColumn("正在读取自评表"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=err(),
        transient=True,
    )


def check_with_progress(rubric: Rubric, paths: list[Path], workers: int | None) -> Intake:
    from kepu_inspect.services.batch import check_paths as check_batch

    with _reading_progress() as progress:
        task = progress.add_task("read", total=None)

        def on_total(n: int) -> None:
            progress.update(task, total=n, visible=n >= 20)

        return check_batch(rubric, paths, workers, lambda k: progress.advance(task, k), on_total)


def score_with_progress(
    rubric: Rubric, paths: list[Path], date: str, previous: Any, options: BatchOptions
) -> ScoreRun:
    from kepu_inspect.services.batch import score_paths

    with _reading_progress() as progress:
        task = progress.add_task("read", total=None)

        def on_total(n: int) -> None:
            progress.update(task, total=n, visible=n >= 20)

        return score_paths(
            rubric, paths, date, previous, options, lambda k: progress.advance(task, k), on_total
        )
