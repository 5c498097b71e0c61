"""What every command shares: the exit-code table, the consoles, option types, and the no-traceback guard."""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from kepu_inspect.cli.framework import ARGUMENTS_PANEL, OPTIONS_PANEL

if TYPE_CHECKING:
    from rich.console import Console

# The one exit-code table, the same for every command (README「退出码」; tests/test_cli_exit_codes.py).
EXIT_OK = 0  # done; no problem, or only warnings and notes
EXIT_PROBLEMS = 1  # done; errors found in the materials (the results are still written where possible)
EXIT_USAGE = 2  # not done: the command line, or a file the command needs, cannot be used
EXIT_INTERNAL = 3  # not done: a fault in the program
EXIT_CODES: tuple[tuple[int, str], ...] = (
    (EXIT_OK, "完成，没有发现问题（或只有警告、提示）"),
    (EXIT_PROBLEMS, "完成，但材料中有错误（考核细则或报送的自评表；报告照常生成，问题见问题清单）"),
    (EXIT_USAGE, "未能执行：命令写法不对，或需要的文件找不到、不是所需的文件（如把 Word 文件当作考核细则）"),
    (EXIT_INTERNAL, "未能执行：程序内部错误（请加 --debug 重新运行，把输出发给维护人员）"),
)

STATE: dict[str, Any] = {"debug": False, "verbosity": 0}
PIPED_WIDTH = 240  # results piped to a file: wide enough for every ranking column and a long 备注

RubricArg = Annotated[
    Path,
    typer.Argument(
        metavar="细则文件",
        help="考核细则文件（.yaml），或自带细则的名称（见 rubric list）",
        show_default=False,
        rich_help_panel=ARGUMENTS_PANEL,
    ),
]
UnitOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--unit",
        "-u",
        metavar="单位名称",
        help="只处理该单位（全称、简称或别名），可多次使用",
        rich_help_panel=OPTIONS_PANEL,
    ),
]
DateOpt = Annotated[
    str | None,
    typer.Option(
        "--date",
        metavar="日期",
        help="通报日期（落款），如 2017-12-28 或 2017年12月28日；默认取考核细则中写明的通报日期，没有则为今天",
        rich_help_panel=OPTIONS_PANEL,
    ),
]
QuietOpt = Annotated[
    bool,
    typer.Option("--quiet", "-q", help="安静：只显示错误", rich_help_panel=OPTIONS_PANEL),
]
VerboseOpt = Annotated[
    bool,
    typer.Option(
        "--verbose", "-v", help="详细：显示全部内容（逐条问题、收件明细）", rich_help_panel=OPTIONS_PANEL
    ),
]


def format_option(meanings: str) -> Any:
    """A --format option whose help lists its choices (checked by :func:`check_format`)."""
    return typer.Option(
        "--format",
        "-f",
        metavar="格式",
        help=f"屏幕输出的格式：{meanings}",
        rich_help_panel=OPTIONS_PANEL,
        show_default=False,
    )


F = TypeVar("F", bound=Callable[..., Any])


def set_verbosity(quiet: bool, verbose: bool) -> None:
    if quiet and verbose:
        raise fail_usage("--quiet 和 --verbose 不能同时使用")
    STATE["verbosity"] = -1 if quiet else (1 if verbose else 0)


def quiet() -> bool:
    return bool(STATE["verbosity"] < 0)


def verbose() -> bool:
    return bool(STATE["verbosity"] > 0)


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

    # messages are not re-wrapped into the console's width (a path broken mid-name helps nobody)
    return Console(stderr=True, highlight=False, emoji=False, soft_wrap=True)


def say(message: str) -> None:
    """A progress or confirmation line on stderr (markup allowed); silent under --quiet."""
    if not quiet():
        err().print(message)


def fail_usage(message: str, hint: str | None = None) -> typer.Exit:
    """Print a usage error (exit 2): what is wrong and, where known, what to do instead."""
    err().print(f"[red]错误：[/]{escape(message)}")
    if hint:
        err().print(escape(hint))
    return typer.Exit(EXIT_USAGE)


def option_date(text: str | None, option: str = "--date") -> str | None:
    """An option's date as ISO text (2017-12-28, 2017/12/28, 2017.12.28, 2017年12月28日), None if not given;
    anything else exits 2 saying how to write it."""
    if text is None:
        return None
    from kepu_inspect.core.dates import iso_date

    found = iso_date(text)
    if found is None:
        raise fail_usage(f"{option} 的日期“{text}”不对，请写成 2017-12-28、2017/12/28 或 2017年12月28日。")
    return found


def report_date(given: str | None, rubric_date: str) -> str:
    """The date documents are signed with: --date, else the rubric's report_date, else today."""
    import datetime as dt

    return given or rubric_date or dt.date.today().isoformat()


def escape(text: object) -> str:
    """Make user-supplied text safe for rich: no markup, no terminal control sequences."""
    from kepu_inspect.reports.safe_text import markup_safe

    return markup_safe(text)


def internal_error(exc: BaseException) -> None:
    """A fault in the program, told without a traceback or Python's English exception names."""
    from kepu_inspect.cli.errors import describe_exception

    err().print(
        f"[red]程序内部错误：[/]{escape(describe_exception(exc))}\n"
        "这不是您的操作或材料的问题。请加 --debug 重新运行同一命令，把屏幕输出发给维护人员。"
    )


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
            internal_error(exc)
            raise typer.Exit(EXIT_INTERNAL) from None

    return wrapper  # type: ignore[return-value]


def check_format(value: str, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        from kepu_inspect.cli.framework import suggest

        near = suggest(value.lower(), allowed)
        raise fail_usage(
            f"--format 只能是 {'、'.join(allowed)} 之一，收到“{value}”"
            + (f"。您是不是要用：{'、'.join(near)}？" if near else "")
        )
    return value


def is_tty() -> bool:
    return sys.stderr.isatty()
