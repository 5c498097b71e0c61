"""Options and steps shared by ``check`` and ``score``: input paths and the intake with a progress bar."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from kepu_inspect.cli.common import err, fail_usage
from kepu_inspect.cli.framework import ARGUMENTS_PANEL, OPTIONS_PANEL, suggest

if TYPE_CHECKING:
    from kepu_inspect.core.rubric import Rubric
    from kepu_inspect.services.intake import Intake, Scoring

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


def intake_with_progress(
    rubric: Rubric, paths: list[Path], workers: int | None, scoring: Scoring | None = None
) -> Intake:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from kepu_inspect.services.intake import run_intake

    with Progress(
        TextColumn("正在读取自评表"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=err(),
        transient=True,
    ) as progress:
        task = progress.add_task("read", total=None)

        def on_total(n: int) -> None:
            progress.update(task, total=n, visible=n >= 20)

        return run_intake(rubric, paths, lambda k: progress.advance(task, k), on_total, workers, scoring)
