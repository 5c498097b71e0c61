"""``kepu-inspect completion``: Tab completion of commands and options, offered in Chinese.

typer's own ``--install-completion`` option speaks English; the completion itself is typer's (the shell
calls the program back with an environment variable, handled in ChineseGroup)."""

from __future__ import annotations

from typing import Annotated

import typer

from kepu_inspect.cli.common import QuietOpt, VerboseOpt, escape, fail_usage, say, set_verbosity
from kepu_inspect.cli.framework import ARGUMENTS_PANEL, OPTIONS_PANEL, ChineseCommand, suggest

SHELLS = ("bash", "zsh", "fish", "powershell", "pwsh")
PROG = "kepu-inspect"
COMPLETE_VAR = "_KEPU_INSPECT_COMPLETE"


def register(app: typer.Typer, panel: str) -> None:
    @app.command(
        "completion",
        cls=ChineseCommand,
        rich_help_panel=panel,
        epilog=(
            "示例：\n"
            "  kepu-inspect completion --install\n"
            "  kepu-inspect completion bash >> ~/.bashrc\n"
            "  kepu-inspect completion powershell"
        ),
    )
    def completion_cmd(
        shell: Annotated[
            str | None,
            typer.Argument(
                metavar="命令行程序",
                help="bash、zsh、fish、powershell 之一（默认自动识别）",
                show_default=False,
                rich_help_panel=ARGUMENTS_PANEL,
            ),
        ] = None,
        install: Annotated[
            bool,
            typer.Option(
                "--install",
                help="直接安装到当前命令行程序的配置中（重新打开窗口后生效）",
                rich_help_panel=OPTIONS_PANEL,
            ),
        ] = False,
        quiet_: QuietOpt = False,
        verbose_: VerboseOpt = False,
    ) -> None:
        """Tab 键自动补全命令和选项：输出补全脚本，或用 --install 直接安装。"""
        from typer._completion_classes import completion_init
        from typer._completion_shared import _get_shell_name, get_completion_script
        from typer._completion_shared import install as install_script

        set_verbosity(quiet_, verbose_)
        completion_init()
        name = shell or _get_shell_name()
        if name is None or name not in SHELLS:
            near = suggest(name or "", SHELLS)
            raise fail_usage(
                f"不认识的命令行程序“{name or '（无法自动识别）'}”。"
                + (f"您是不是要用：{'、'.join(near)}？" if near else ""),
                f"请写明其一：{'、'.join(SHELLS[:4])}，例如 kepu-inspect completion bash。",
            )
        if install:
            _, path = install_script(shell=name, prog_name=PROG, complete_var=COMPLETE_VAR)
            say(f"已为 {escape(name)} 安装自动补全：{escape(path)}。重新打开命令行窗口后生效。")
            return
        typer.echo(get_completion_script(prog_name=PROG, complete_var=COMPLETE_VAR, shell=name))
