"""The ``kepu-inspect`` command: a thin typer shell over the services (heavy imports stay lazy).

Commands are registered in the order of the year's work, which is the order ``--help`` lists them.
"""

from __future__ import annotations

from typing import Annotated

import typer

from kepu_inspect import __version__
from kepu_inspect.cli import check, codes, completion, inspection, rubric, score, starter, template
from kepu_inspect.cli.common import STATE
from kepu_inspect.cli.console import setup_streams
from kepu_inspect.cli.framework import OPTIONS_PANEL, WorkflowGroup

PANEL_START = "第一次使用"
PANEL_YEAR = "一年的工作（按顺序）"
PANEL_OTHER = "其他"

app = typer.Typer(
    name="kepu-inspect",
    cls=WorkflowGroup,
    help=(
        "全民科学素质工作目标责任年度督导检查和评估考核工具。\n\n"
        "一年的工作按顺序是：rubric（考核细则）→ template（为各单位生成自评表）→ "
        "check（检查报送的材料）→ score（评分、排名、生成通报用的报告）。"
        "第一次使用，请先运行 kepu-inspect example 看一个完整的例子，"
        "或用 kepu-inspect init 建立本单位的工作文件夹。每个命令都可以加 -h 查看说明和示例。"
    ),
    epilog=(
        "示例：\n"
        "  kepu-inspect example\n"
        "  kepu-inspect init 考核2017\n"
        "  kepu-inspect score 考核细则.yaml 收到的材料 -o 考核结果\n"
        "  kepu-inspect score -h"
    ),
    no_args_is_help=True,
    add_completion=False,  # the `completion` command offers it, in Chinese
    rich_markup_mode="rich",
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"kepu-inspect {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            "-V",
            callback=_version,
            is_eager=True,
            help="显示版本号",
            rich_help_panel=OPTIONS_PANEL,
        ),
    ] = False,
    debug: Annotated[
        bool,
        typer.Option(
            "--debug", help="出错时显示完整的错误追踪信息（供维护人员）", rich_help_panel=OPTIONS_PANEL
        ),
    ] = False,
) -> None:
    """全民科学素质工作目标责任考核工具。"""
    STATE["debug"] = debug


starter.register(app, PANEL_START)
app.add_typer(rubric.app, name="rubric", rich_help_panel=PANEL_YEAR)
template.register(app, PANEL_YEAR)
check.register(app, PANEL_YEAR)
inspection.register(app, PANEL_YEAR)
score.register(app, PANEL_YEAR)
codes.register(app, PANEL_OTHER)
completion.register(app, PANEL_OTHER)


def main() -> None:
    setup_streams()
    try:
        app(prog_name="kepu-inspect")
    except Exception as exc:  # building the command line itself failed: still no traceback for a user
        from kepu_inspect.cli.common import EXIT_INTERNAL, internal_error

        if STATE["debug"]:
            raise
        internal_error(exc)
        raise SystemExit(EXIT_INTERNAL) from None
