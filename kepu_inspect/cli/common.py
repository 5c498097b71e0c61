"""What every command shares: exit codes, the consoles, option types, and the no-traceback guard."""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

if TYPE_CHECKING:
    from rich.console import Console

EXIT_OK = 0
EXIT_PROBLEMS = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 3

STATE: dict[str, bool] = {"debug": False}
PIPED_WIDTH = 240  # results piped to a file: wide enough for every ranking column and a long 备注

RubricArg = Annotated[Path, typer.Argument(help="考核细则文件（YAML 或 JSON）", show_default=False)]
UnitOpt = Annotated[
    list[str] | None, typer.Option("--unit", "-u", help="只处理该单位（名称、简称或别名），可多次使用")
]
FormatOpt = Annotated[str, typer.Option("--format", "-f", help="输出格式")]

F = TypeVar("F", bound=Callable[..., Any])


@functools.cache
def out() -> Console:
    """Console for results (stdout)."""
    from rich.console import Console

    # Piped into a file or another program, results are not squeezed into 80 columns: a table takes the
    # width its figures need (COLUMNS, when set, still decides).
    width = None if sys.stdout.isatty() or os.environ.get("COLUMNS") else PIPED_WIDTH
    return Console(
        highlight=False, soft_wrap=False, emoji=False, width=width
    )  # ":smile:" in a name stays text


@functools.cache
def err() -> Console:
    """Console for diagnostics and progress (stderr), so stdout stays clean for data."""
    from rich.console import Console

    return Console(stderr=True, highlight=False, emoji=False)


def fail_usage(message: str) -> typer.Exit:
    err().print(f"[red]用法错误：[/]{escape(message)}")
    return typer.Exit(EXIT_USAGE)


def escape(text: object) -> str:
    """Make user-supplied text safe for rich: no markup, no terminal control sequences."""
    from kepu_inspect.reports.safe_text import markup_safe

    return markup_safe(text)


def guarded(func: F) -> F:
    """Turn unexpected exceptions into a Chinese message and exit code 3 (traceback only with --debug)."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except (typer.Exit, typer.Abort, SystemExit):
            raise
        except KeyboardInterrupt:
            err().print("[yellow]已中断。[/]")
            raise typer.Exit(130) from None
        except Exception as exc:
            if STATE["debug"]:
                raise
            err().print(
                f"[red]程序内部错误：[/]{escape(type(exc).__name__)}: {escape(exc)}\n"
                "请加 --debug 重新运行以查看详细信息，并将输出发给维护人员。"
            )
            raise typer.Exit(EXIT_INTERNAL) from None

    return wrapper  # type: ignore[return-value]


def check_format(value: str, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise fail_usage(f"--format 只能是 {'、'.join(allowed)} 之一，收到“{value}”")
    return value


def is_tty() -> bool:
    return sys.stderr.isatty()
