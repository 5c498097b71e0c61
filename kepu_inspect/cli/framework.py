"""typer, made to speak Chinese through its own extension points.

typer (0.29) bundles its own copy of click, whose usage line, help option and error messages are plain
English strings rather than gettext lookups. They are replaced here through the hooks click and typer
offer for this: the command and group classes (``cls=``) own the usage line and the help option, the
group resolves sub-command names (with suggestions that understand Chinese words for the commands), and
the group's ``main`` runs the framework in non-standalone mode so that every usage error reaches
:func:`usage_error_message` and is told in Chinese, with the usage line and an example. Nothing in the
installed library is modified. The strings typer does pass through gettext come from the shipped
catalogue (``cli/i18n.py``).
"""

from __future__ import annotations

import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import typer
from typer._click import exceptions as click_exceptions  # typer's bundled click (public in typer ≥ 0.29)
from typer.core import TyperArgument, TyperCommand, TyperGroup, TyperOption

OPTIONS_METAVAR = "［选项］"
SUBCOMMAND_METAVAR = "命令 ［命令的参数］…"
USAGE_PREFIX = "用法："
ARGUMENTS_PANEL = "参数"
OPTIONS_PANEL = "选项"
HELP_TEXT = "显示本帮助（说明和示例）并退出"

# The order of the year's work: how ``--help`` lists the commands.
WORKFLOW = ("init", "example", "rubric", "template", "check", "inspection", "score", "codes", "completion")

# What a clerk may type instead of the command's English name.
COMMAND_WORDS: dict[str, tuple[str, ...]] = {
    "init": ("初始化", "开始", "新建", "准备", "start", "new", "setup"),
    "example": ("示例", "例子", "演示", "样例", "demo", "sample"),
    "rubric": ("细则", "考核细则", "评分标准", "规则"),
    "template": ("模板", "自评表", "生成模板", "生成自评表", "templates"),
    "check": ("检查", "核对", "审核", "收件", "验证", "validate", "verify"),
    "inspection": ("核查", "核查表", "督导检查", "督导", "检查组", "核定", "inspect"),
    "score": ("评分", "打分", "计分", "排名", "考核", "结果", "rank", "grade"),
    "codes": ("代码", "问题代码", "错误代码", "code"),
    "completion": ("补全", "自动补全"),
    "import": ("导入", "生成细则", "工作要点"),
    "show": ("查看", "显示", "列出项目", "view"),
    "list": ("列表", "清单", "ls"),
    "schema": ("格式", "格式说明"),
}


class ChineseArgument(TyperArgument):
    """An argument whose help row shows only its Chinese name (the metavar), not a type like ``<path>``."""

    def display_type_rich(self, ctx: Any) -> str | None:
        return None


class ChineseOption(TyperOption):
    """An option whose help row shows its Chinese value name; a flag shows none (not ``<bool>``)."""

    def display_type_rich(self, ctx: Any) -> str | None:
        if self.is_flag or self.count:
            return None
        if self.metavar is not None:
            return self.metavar
        return super().display_type_rich(ctx)


def breakable(text: str, run: int = 10) -> str:
    """Chinese text that typer's help tables can wrap.

    Those tables wrap only at spaces and cut a longer run of characters with "…" — a Chinese sentence
    has no spaces, so help longer than its column was cut off. After a full-width comma, enumeration
    comma, semicolon, colon or full stop that ends a run of ``run`` or more characters, a space gives the
    table a place to wrap; short runs stay tight."""
    out: list[str] = []
    since = 0
    for i, char in enumerate(text):
        out.append(char)
        since = 0 if char.isspace() else since + 1
        if char in "，、；：。" and since >= run and i + 1 < len(text) and not text[i + 1].isspace():
            out.append(" ")
            since = 0
    return "".join(out)


def _chinese_params(params: Sequence[Any] | None) -> None:
    # typer builds its parameter objects itself and offers no per-parameter class; the subclasses above
    # only change how a parameter is described, so the objects are given that class once, here.
    for param in params or ():
        if type(param) is TyperArgument:
            param.__class__ = ChineseArgument
        elif type(param) is TyperOption:
            param.__class__ = ChineseOption
        if getattr(param, "help", None):
            param.help = breakable(param.help)


class _ChineseHelp:
    """Usage line and help option in Chinese; shared by the command and the group class."""

    def _setup(self: Any) -> None:
        _chinese_params(self.params)
        if self.options_metavar == "[OPTIONS]":
            self.options_metavar = OPTIONS_METAVAR
        if self.help and not self.short_help:  # the line in the parent's command list (a table, too)
            self.short_help = breakable(self.help.split("\n\n")[0])

    def format_usage(self: Any, ctx: Any, formatter: Any) -> None:
        formatter.write_usage(ctx.command_path, " ".join(self.collect_usage_pieces(ctx)), prefix=USAGE_PREFIX)

    def collect_usage_pieces(self: Any, ctx: Any) -> list[str]:
        pieces = [self.options_metavar] if self.options_metavar else []
        for param in self.get_params(ctx):
            if isinstance(param, TyperArgument):
                name = param.metavar or param.name
                if param.nargs != 1:
                    name += "…"
                pieces.append(name if param.required else f"［{name}］")
        return pieces

    def get_help_option(self: Any, ctx: Any) -> Any:
        option = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None:
            _chinese_params([option])
            option.help = HELP_TEXT
            option.rich_help_panel = OPTIONS_PANEL
        return option


class ChineseCommand(_ChineseHelp, TyperCommand):  # type: ignore[misc]
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._setup()

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, args)
        except click_exceptions.UsageError as exc:
            if exc.ctx is None:  # the parser raises some errors without it: keep the usage line
                exc.ctx = ctx
            raise


class ChineseGroup(_ChineseHelp, TyperGroup):  # type: ignore[misc]
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if kwargs.get("subcommand_metavar") is None:
            kwargs["subcommand_metavar"] = SUBCOMMAND_METAVAR
        super().__init__(*args, **kwargs)
        self._setup()

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        return [*super().collect_usage_pieces(ctx), self.subcommand_metavar]

    command_order: tuple[str, ...] = ()

    def list_commands(self, ctx: Any) -> list[str]:
        """Commands in ``command_order`` (typer would list sub-groups after commands), then the rest."""
        order = self.command_order
        return sorted(self.commands, key=lambda n: order.index(n) if n in order else len(order))

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        name = args[0]
        command = self.get_command(ctx, name)
        if command is None and not ctx.resilient_parsing and not name.startswith("-"):
            raise click_exceptions.UsageError(unknown_command_message(name, self.list_commands(ctx)), ctx)
        return super().resolve_command(ctx, args)

    def _main_shell_completion(self, ctx_args: Any, prog_name: str, complete_var: str | None = None) -> None:
        import os

        var = complete_var or f"_{prog_name}_COMPLETE".replace("-", "_").upper()
        if os.environ.get(var):  # the shell asks for completions: register typer's shell classes first
            from typer._completion_classes import completion_init

            completion_init()
        super()._main_shell_completion(ctx_args, prog_name, complete_var)

    def main(  # type: ignore[override]
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        """Run the command line; every way out is an exit code from the one table (cli/common.py)."""
        from kepu_inspect.cli.common import EXIT_INTERNAL, EXIT_USAGE, STATE, err, internal_error

        try:
            result = super().main(
                args=args, prog_name=prog_name, complete_var=complete_var, standalone_mode=False, **extra
            )
            code = result if isinstance(result, int) else 0
        except click_exceptions.NoArgsIsHelpError:
            code = EXIT_USAGE  # the help has been shown
        except click_exceptions.UsageError as exc:
            show_usage_error(exc)
            code = EXIT_USAGE
        except click_exceptions.ClickException as exc:
            err().print(f"[red]错误：[/]{_escape(translate_message(exc.format_message()))}")
            code = EXIT_USAGE
        except (typer.Abort, KeyboardInterrupt, EOFError):
            err().print("[yellow]已中断。[/]")
            code = 130
        except Exception as exc:
            if STATE["debug"]:
                raise
            internal_error(exc)
            code = EXIT_INTERNAL
        if standalone_mode:
            sys.exit(code)
        return code


class WorkflowGroup(ChineseGroup):
    """The root command: its commands in the order of the year's work."""

    command_order = WORKFLOW


def _escape(text: object) -> str:
    from kepu_inspect.reports.safe_text import markup_safe

    return markup_safe(text)


def suggest(word: str, choices: Sequence[str], n: int = 3, cutoff: float = 0.5) -> list[str]:
    import difflib  # only on the way to an error message (kept out of --help's start-up)

    return difflib.get_close_matches(word, list(choices), n=n, cutoff=cutoff)


def unknown_command_message(name: str, commands: Sequence[str]) -> str:
    """'No such command', with the nearest command names — by spelling, or by the Chinese word."""
    by_word = [
        cmd
        for cmd in commands
        for word in COMMAND_WORDS.get(cmd, ())
        if name.lower() == word or (len(word) > 1 and not word.isascii() and (word in name or name in word))
    ]
    found = list(dict.fromkeys([*by_word, *suggest(name.lower(), commands)]))
    message = f"没有“{name}”这个命令。"
    if found:
        message += "您是不是要用：" + "、".join(found) + "？"
    return message + "可用的命令：" + "、".join(commands) + "。"


def _label(param: Any) -> str:
    if param is None:
        return "参数"
    if isinstance(param, TyperOption) and param.opts:
        return "选项 " + " / ".join(param.opts)
    return f"参数“{param.metavar or param.name}”"


def _expected(param: Any) -> str:
    annotation = getattr(getattr(param, "type_descriptor", None), "annotation", None)
    if annotation is int:
        return "应为整数"
    if annotation is float:
        return "应为数字"
    if annotation is Path:
        return "应为文件或文件夹的路径"
    return "请查看 -h 说明中的写法"


def usage_error_message(exc: Exception) -> str:
    """One Chinese sentence (or two) for any usage error the framework raises."""
    ce = click_exceptions
    param = getattr(exc, "param", None)
    if isinstance(exc, ce.MissingParameter):
        if isinstance(param, TyperOption):
            return f"缺少{_label(param)}（{param.metavar or '值'}）。"
        described = re.sub(r"([，、；：。]) ", r"\1", param.help) if param is not None and param.help else ""
        return f"缺少{_label(param)}。" + (f"它是：{described}。" if described else "")
    if isinstance(exc, ce.NoSuchOption):
        message = f"没有 {exc.option_name} 这个选项。"
        possible = list(exc.possibilities or [])
        ctx = exc.ctx
        if not possible and ctx is not None:
            names = [o for p in ctx.command.get_params(ctx) for o in (*p.opts, *p.secondary_opts)]
            possible = suggest(exc.option_name, [n for n in names if n.startswith("-")])
        if possible:
            message += "您是不是要用：" + "、".join(possible) + "？"
        return message
    if isinstance(exc, ce.BadOptionUsage):
        text = exc.message
        if "requires" in text:
            return f"选项 {exc.option_name} 后面要写一个值。"
        if "does not take a value" in text:
            return f"选项 {exc.option_name} 后面不用写值。"
        return f"选项 {exc.option_name} 的用法不对。"
    if isinstance(exc, ce.BadArgumentUsage):
        found = re.search(r"takes (\d+) values", exc.message)
        return f"参数个数不对{'：应为 ' + found.group(1) + ' 个' if found else ''}。"
    if isinstance(exc, ce.BadParameter):
        value = re.search(r"Value (.+?) is not", exc.message)
        shown = f" {value.group(1)}" if value else ""
        return f"{_label(param)} 的值{shown}不对：{_expected(param)}。"
    return translate_message(exc.format_message() if hasattr(exc, "format_message") else str(exc))


_MESSAGES = (
    (
        re.compile(r"Got unexpected extra arguments?(?:\(s\))? \((.*)\)", re.S),
        '多余的参数：{0}。路径中有空格时，请用英文双引号把整个路径括起来，例如 "D:\\考核 2017\\材料"。',
    ),
)


def translate_message(text: str) -> str:
    """Framework messages that are not tied to a parameter (kept as they are when already Chinese)."""
    for pattern, chinese in _MESSAGES:
        found = pattern.search(text)
        if found:
            return chinese.format(*found.groups())
    if re.search(r"[A-Za-z]{3,}", text) and not re.search(r"[\u4e00-\u9fff]", text):
        return "命令行写法不对。"
    return text


def first_example(command: Any) -> str | None:
    """The first line of a command's 示例 block, to show with an error."""
    lines = inspect_epilog(command)
    return lines[0] if lines else None


def inspect_epilog(command: Any) -> list[str]:
    epilog = getattr(command, "epilog", None) or ""
    _, _, block = epilog.partition("示例：")
    return [line.strip() for line in block.splitlines() if line.strip().startswith("kepu-inspect")]


def show_usage_error(exc: Any) -> None:
    from kepu_inspect.cli.common import err

    console = err()
    console.print(f"[red]错误：[/]{_escape(usage_error_message(exc))}")
    ctx = exc.ctx
    if ctx is not None:
        console.print(_escape(ctx.get_usage()), style="bold")
        example = first_example(ctx.command)
        if example:
            console.print(f"示例：{_escape(example)}")
        console.print(f"运行 [bold]{_escape(ctx.command_path)} -h[/] 查看完整说明。")
