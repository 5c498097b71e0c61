"""``kepu-inspect template``: one tailored self-assessment workbook per unit."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from kepu_inspect.cli.common import (
    EXIT_PROBLEMS,
    EXIT_USAGE,
    QuietOpt,
    RubricArg,
    UnitOpt,
    VerboseOpt,
    err,
    escape,
    fail_usage,
    guarded,
    out,
    quiet,
    set_verbosity,
    verbose,
)
from kepu_inspect.cli.framework import OPTIONS_PANEL, ChineseCommand

if TYPE_CHECKING:
    from kepu_inspect.core.rubric import Rubric, Unit


def _nothing_to_write() -> typer.Exit:
    """Say why no form is written, instead of writing 0 files in silence."""
    err().print(
        "[red]没有生成自评表[/]：考核细则中没有参加考核的单位（units 中没有列出单位，"
        "或全部写了 assessed: false）。请在考核细则的 units 中列出被考核单位，"
        "运行 kepu-inspect rubric check 检查后再生成；也可以加 --all 为不参加考核的单位生成。"
    )
    return typer.Exit(EXIT_PROBLEMS)


def _chosen_units(rubric: Rubric, names: list[str] | None, everyone: bool, rubric_path: Path) -> list[Unit]:
    """The units named with --unit (each once), else every assessed one (with --all every one)."""
    from kepu_inspect.cli.rubric_arg import unit_or_exit
    from kepu_inspect.core.rubric import Unit

    chosen: list[Unit] = []
    if names:
        for name in names:
            found = unit_or_exit(rubric, name, rubric_path)
            assert isinstance(found, Unit)
            if all(c.id != found.id for c in chosen):  # a unit named twice (name, alias) is written once
                chosen.append(found)
        return chosen
    chosen = [u for u in rubric.units if u.assessed or everyone]
    if not chosen:
        raise _nothing_to_write()
    return chosen


def register(app: typer.Typer, panel: str) -> None:
    @app.command(
        "template",
        cls=ChineseCommand,
        rich_help_panel=panel,
        epilog=(
            "示例：\n"
            "  kepu-inspect template 考核细则.yaml -o 自评表\n"
            "  kepu-inspect template 考核细则.yaml -o 自评表 --unit 市教育局 --unit 新华区"
        ),
    )
    @guarded
    def template_cmd(
        rubric_path: RubricArg,
        output: Annotated[
            Path,
            typer.Option(
                "--output", "-o", metavar="文件夹", help="自评表写入该文件夹", rich_help_panel=OPTIONS_PANEL
            ),
        ] = Path("自评表"),
        unit: UnitOpt = None,
        password: Annotated[
            str | None,
            typer.Option(
                "--password",
                metavar="密码",
                help="工作表保护密码（默认无密码，便于市素质办修复文件）",
                rich_help_panel=OPTIONS_PANEL,
            ),
        ] = None,
        include_unassessed: Annotated[
            bool,
            typer.Option("--all", help="也为本年度不参加考核的单位生成", rich_help_panel=OPTIONS_PANEL),
        ] = False,
        force: Annotated[
            bool,
            typer.Option(
                "--force",
                help="同名文件已填写或改过也覆盖",
                rich_help_panel=OPTIONS_PANEL,
            ),
        ] = False,
        quiet_: QuietOpt = False,
        verbose_: VerboseOpt = False,
    ) -> None:
        """为每个参加考核的单位生成自评表（.xlsx），只列出适用于该单位的项目。"""
        from rich.progress import Progress

        from kepu_inspect.adapters.output import ManagedFiles, OutputError, check_output_folder
        from kepu_inspect.adapters.template_writer import template_bytes, template_filenames
        from kepu_inspect.cli.rubric_arg import load_or_exit
        from kepu_inspect.core.os_errors import os_error_text

        set_verbosity(quiet_, verbose_)
        rubric = load_or_exit(rubric_path, "template")
        chosen = _chosen_units(rubric, unit, include_unassessed, rubric_path)
        try:  # a folder, writable (what is in it is judged file by file below)
            check_output_folder(output, force=True)
        except OutputError as exc:
            raise fail_usage(exc.message, exc.hint) from None
        names = template_filenames(rubric, chosen)
        files = ManagedFiles(output, force)
        refused = files.refused(names.values())
        if refused:  # a filled or edited form under a template's name: never replaced unasked
            shown = "、".join(f"“{n}”" for n in refused[:5]) + (
                f" 等 {len(refused)} 个" if len(refused) > 5 else ""
            )
            raise fail_usage(
                f"“{output}”中已有同名文件，且已填写或改动过（不是本工具生成的原样）：{shown}，未生成任何自评表。",
                "请用 -o 换一个文件夹，或先把这些文件移走；确需覆盖时请加 --force。",
            )
        written = []
        failed: list[tuple[Unit, str]] = []
        with Progress(console=err(), transient=True, disable=len(chosen) < 10 or quiet()) as progress:
            task = progress.add_task("正在生成自评表", total=len(chosen))
            for u in chosen:
                try:
                    written.append((u, files.write(names[u.id], template_bytes(rubric, u, password))))
                except OSError as exc:  # e.g. the old file is open in Excel on Windows
                    failed.append((u, os_error_text(exc)))
                progress.advance(task)
        if written:
            try:
                files.save()
            except OSError as exc:
                failed.append((written[-1][0], os_error_text(exc)))
        show_written(rubric, written, output)
        for u, reason in failed:
            err().print(
                f"[red]未能写入“{escape(names[u.id])}”[/]（{escape(u.name)}）：{escape(reason)}。"
                "如该文件正在 Excel/WPS 中打开，请先关闭后重试。"
            )
        if failed:  # the output cannot be written: the command could not do its job
            raise typer.Exit(EXIT_USAGE)


def show_written(rubric: Rubric, written: list[tuple[Unit, Path]], output: Path) -> None:
    """What was written: a table of the forms (or, for many, a count per group)."""
    from rich.table import Table

    from kepu_inspect.core.numbers import fmt

    table = Table(title=f"已生成 {len(written)} 份自评表（{escape(output)}）", title_justify="left")
    for col in ("单位", "分组", "项目数", "基本分满分", "文件"):
        table.add_column(col, overflow="fold")
    for u, path in written:
        table.add_row(
            escape(u.name),
            escape(rubric.group(u.group).name),
            str(len(rubric.assignments(u))),
            fmt(rubric.max_base(u)),
            escape(path.name),
        )
    if verbose() or (len(written) <= 10 and not quiet()):
        out().print(table)
    elif not quiet():
        per_group: dict[str, int] = {}
        for u, _ in written:
            name = rubric.group(u.group).name
            per_group[name] = per_group.get(name, 0) + 1
        groups = "、".join(f"{escape(g)} {n} 份" for g, n in per_group.items())
        out().print(
            f"已生成 {len(written)} 份自评表（{groups}），写入 {escape(output)}。"
            "加 --verbose 逐份列出项目数和满分。"
        )
