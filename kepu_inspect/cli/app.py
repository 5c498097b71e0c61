"""The ``kepu-inspect`` command: a thin typer shell over the services (heavy imports stay lazy)."""

from __future__ import annotations

from typing import Annotated

import typer

from kepu_inspect import __version__
from kepu_inspect.cli import check, codes, rubric, score, template
from kepu_inspect.cli.common import STATE

app = typer.Typer(
    name="kepu-inspect",
    help="全民科学素质工作目标责任年度督导检查和评估考核工具：考核细则 → 自评表模板 → 材料检查 → 评分、排名与报告。",
    no_args_is_help=True,
    add_completion=False,
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
        bool, typer.Option("--version", "-V", callback=_version, is_eager=True, help="显示版本号")
    ] = False,
    debug: Annotated[bool, typer.Option("--debug", help="出错时显示完整的错误追踪信息")] = False,
) -> None:
    """全民科学素质工作目标责任考核工具。"""
    STATE["debug"] = debug


app.add_typer(rubric.app, name="rubric")
template.register(app)
check.register(app)
score.register(app)
codes.register(app)


def main() -> None:
    app()
