"""``kepu-inspect rubric …``: generate from a work plan, check, show, list the shipped ones, the schema."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from kepu_inspect.cli.common import (
    EXIT_INTERNAL,
    EXIT_OK,
    EXIT_PROBLEMS,
    EXIT_USAGE,
    QuietOpt,
    RubricArg,
    VerboseOpt,
    check_format,
    err,
    escape,
    fail_usage,
    format_option,
    guarded,
    out,
    quiet,
    say,
    set_verbosity,
)
from kepu_inspect.cli.framework import ARGUMENTS_PANEL, OPTIONS_PANEL, ChineseCommand, ChineseGroup

if TYPE_CHECKING:  # the problem catalogue is imported where a command needs it (--help does not)
    from kepu_inspect.core.problems import Problem

app = typer.Typer(
    cls=ChineseGroup,
    help="考核细则：从工作要点或考核细则表生成、检查、查看、导出为考核细则表、列出自带的细则、导出格式说明文件。",
    epilog=(
        "示例：\n"
        "  kepu-inspect rubric import 工作要点.docx -o 考核细则.yaml\n"
        "  kepu-inspect rubric check 考核细则.yaml\n"
        "  kepu-inspect rubric export 考核细则.yaml -o 考核细则.xlsx\n"
        "  kepu-inspect rubric show 考核细则.yaml --unit 市教育局\n"
        "  kepu-inspect rubric list"
    ),
    no_args_is_help=True,
    rich_markup_mode="rich",
)
PANEL = "命令（按使用顺序）"

TableOrJson = Annotated[str, format_option("table（表格，默认）、json（完整解析结果，供其他程序使用）")]


@app.command(
    "import",
    cls=ChineseCommand,
    rich_help_panel=PANEL,
    epilog=(
        "示例：\n"
        "  kepu-inspect rubric import 工作要点.docx -o 考核细则.yaml\n"
        "  kepu-inspect rubric import 考核细则.xlsx -o 考核细则.yaml --plan 工作要点.docx\n"
        "  kepu-inspect rubric import 任务分工表.xlsx -o 考核细则.yaml --units 单位名单.yaml"
    ),
)
@guarded
def import_cmd(
    plan: Annotated[
        Path,
        typer.Argument(
            metavar="文件",
            help="工作要点、任务分工表或考核细则表：.docx、.txt、.xlsx 或 .csv（按表头自动判断是哪一种）",
            show_default=False,
            rich_help_panel=ARGUMENTS_PANEL,
        ),
    ],
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            metavar="细则文件",
            help="把生成的考核细则写入该文件（.yaml）；不写则显示在屏幕上",
            rich_help_panel=OPTIONS_PANEL,
        ),
    ] = None,
    units: Annotated[
        Path | None,
        typer.Option(
            "--units",
            metavar="单位名单",
            help="官方单位名单（.yaml 或 .csv：名称和别名），用于核对单位名称",
            rich_help_panel=OPTIONS_PANEL,
        ),
    ] = None,
    work_plan: Annotated[
        Path | None,
        typer.Option(
            "--plan",
            metavar="工作要点",
            help="导入考核细则表时： 各项目的适用单位取自该工作要点 （按条目编号和内容对应）",
            rich_help_panel=OPTIONS_PANEL,
        ),
    ] = None,
    force: Annotated[
        bool,
        typer.Option("--force", help="细则文件已存在且编辑过也覆盖", rich_help_panel=OPTIONS_PANEL),
    ] = False,
    quiet_: QuietOpt = False,
    verbose_: VerboseOpt = False,
) -> None:
    """从工作要点、任务分工表或考核细则表生成考核细则：工作要点生成初稿（分值和评分标准待补充）；
    考核细则表（考核项目、分值、评分标准……）把每条评分标准识别为评分规则，识别不了的列为待核对。"""
    from kepu_inspect.services.rubric_table_import import is_rubric_table

    set_verbosity(quiet_, verbose_)
    for path, what in ((plan, "文件"), (units, "单位名单文件"), (work_plan, "工作要点文件")):
        if path is not None and not path.exists():
            raise fail_usage(
                f"找不到{what}“{path}”。",
                "请检查文件名和所在文件夹（路径中有空格时请用英文双引号括起来）。",
            )
        if path is not None and path.is_dir():
            raise fail_usage(f"“{path}”是一个文件夹，请指定{what}。")
    if output is not None:  # before anything is read: an edited rubric or an input is never replaced unasked
        from kepu_inspect.adapters.output import OutputError, check_output_file

        try:
            check_output_file(output, [p for p in (plan, units, work_plan) if p is not None], force)
        except OutputError as exc:
            raise fail_usage(exc.message, exc.hint) from None
    if is_rubric_table(plan):
        _import_rubric_table(plan, output, units, work_plan)
    if work_plan is not None:
        raise fail_usage(
            f"“{plan}”不是考核细则表（表头中没有“评分标准”），--plan 只在导入考核细则表时使用。",
            "从工作要点生成考核细则初稿时，直接写 kepu-inspect rubric import 工作要点.docx -o 考核细则.yaml。",
        )
    _import_plan(plan, output, units)


def _import_plan(plan: Path, output: Path | None, units: Path | None) -> None:
    from kepu_inspect.reports.problems_view import problems_table
    from kepu_inspect.services.plan_import import import_plan

    result = import_plan(plan, units)
    if result.fatal:
        err().print(problems_table(result.problems, title="无法导入"))
        internal = any(p.code.name == "PL012" for p in result.problems)
        raise typer.Exit(EXIT_INTERNAL if internal else EXIT_USAGE)
    _write(output, result.yaml_text)
    c = result.counts
    say(
        f"[bold]导入结果：[/]{c.get('sections', 0)} 个部分，{c.get('groups', 0)} 个项目分组，"
        f"{c.get('items', 0)} 个考核项目，{c.get('units', 0)} 个单位"
        + (f"，{c['notes']} 段说明（工作要求等，未列为考核项目）" if c.get("notes") else "")
    )
    if result.problems and not quiet():
        err().print(problems_table(result.problems, title=f"{len(result.problems)} 条提醒"))
    raise typer.Exit(EXIT_OK)


def _import_rubric_table(
    table: Path, output: Path | None, units: Path | None, work_plan: Path | None
) -> None:
    from kepu_inspect.reports.problems_view import problems_table
    from kepu_inspect.services.rubric_table_import import import_rubric_table

    result = import_rubric_table(table, work_plan, units)
    if result.fatal:
        err().print(problems_table(result.problems, title="无法导入"))
        internal = any(p.code.name == "PL012" for p in result.problems)
        raise typer.Exit(EXIT_INTERNAL if internal else EXIT_USAGE)
    _write(output, result.yaml_text)
    c = result.counts
    total = c["parsed"] + c["discretionary"] + c["stated"]
    say(
        f"[bold]导入结果：[/]{c['sections']} 个部分，{c['items']} 个考核项目，{c['units']} 个单位；"
        f"评分标准 {total} 条：{c['parsed']} 条识别为评分规则，{c['stated']} 条原文即为酌情评分，"
        f"{c['discretionary']} 条未能识别（暂作酌情评分，已在文件中标明“TODO 待核对”）"
    )
    if result.problems and not quiet():
        err().print(problems_table(result.problems, title=f"{len(result.problems)} 条提醒（请逐条核对）"))
    raise typer.Exit(EXIT_OK)


def _write(output: Path | None, text: str) -> None:
    """The rubric to the screen, or to ``output`` (recorded in its folder's manifest: a later import may
    replace it while nobody has edited it)."""
    from kepu_inspect.adapters.output import write_output_file
    from kepu_inspect.core.os_errors import os_error_text

    if output is None:
        typer.echo(text, nl=False)
        return
    try:
        write_output_file(output, text.encode("utf-8"))
    except OSError as exc:
        raise fail_usage(
            f"无法写入“{output}”：{os_error_text(exc)}。", "请检查磁盘空间和写入权限。"
        ) from None
    say(f"已写入 {escape(output)}")


@app.command(
    "check",
    cls=ChineseCommand,
    rich_help_panel=PANEL,
    epilog="示例：\n  kepu-inspect rubric check 考核细则.yaml\n  kepu-inspect rubric check pingdingshan-2017",
)
@guarded
def check_cmd(
    rubrics: Annotated[
        list[Path],
        typer.Argument(
            metavar="细则文件",
            help="一个或多个考核细则文件（.yaml），或自带细则的名称",
            show_default=False,
            rich_help_panel=ARGUMENTS_PANEL,
        ),
    ],
    fmt: Annotated[str, format_option("table（表格，默认）、json（问题清单，供其他程序使用）")] = "table",
    quiet_: QuietOpt = False,
    verbose_: VerboseOpt = False,
) -> None:
    """检查考核细则的格式和内容（分值合计、单位名称、分档区间、等次等），一次列出全部问题。"""
    from kepu_inspect.adapters.rubric_file import load_rubric
    from kepu_inspect.cli.rubric_arg import resolve_rubric, unusable_file
    from kepu_inspect.reports.problems_view import problems_json, problems_table

    set_verbosity(quiet_, verbose_)
    check_format(fmt, ("table", "json"))
    paths = [resolve_rubric(arg, "rubric check") for arg in rubrics]
    results = [load_rubric(path) for path in paths]
    unusable = [r for r in results if unusable_file(r)]
    problems = [p for r in results for p in r.problems]
    if fmt == "json":
        import json

        from kepu_inspect.cli.console import write_json

        write_json(json.dumps(problems_json(problems), ensure_ascii=False, indent=2) + "\n")
    else:
        from kepu_inspect.core.problems import Severity

        for r in results:
            shown = [p for p in r.problems if p.severity is Severity.ERROR] if quiet() else r.problems
            if shown:
                out().print(problems_table(shown, title=f"{r.path}：发现 {len(r.problems)} 个问题"))
                out().print(_left_to_do(r.problems))
            elif r.rubric is not None and not quiet():
                n_items = sum(1 for _ in r.rubric.items())
                out().print(
                    f"[green]√[/] {escape(r.path)}：格式正确（{n_items} 个考核项目，"
                    f"{len(r.rubric.assessed_units())} 个参加考核的单位）"
                )
    if unusable:
        raise typer.Exit(EXIT_USAGE)
    from kepu_inspect.core.problems import Severity

    has_error = any(p.severity is Severity.ERROR for p in problems)
    raise typer.Exit(EXIT_PROBLEMS if has_error else EXIT_OK)


def _left_to_do(problems: list[Problem]) -> str:
    """One line a clerk can work down: how many of each kind of problem are left."""
    from kepu_inspect.core.problems import Severity

    counts: dict[str, int] = {}
    for p in problems:
        counts[p.code.name] = counts.get(p.code.name, 0) + 1
    errors = sum(1 for p in problems if p.severity is Severity.ERROR)
    head = (
        f"还需处理 {len(problems)} 处（其中错误 {errors} 处）："
        if errors
        else f"还需处理 {len(problems)} 处（均为警告或提示）："
    )
    parts = [f"{code} {n} 处" for code, n in sorted(counts.items())]
    return head + "、".join(parts) + "。用 kepu-inspect codes 代码 查看说明。"


@app.command(
    "export",
    cls=ChineseCommand,
    rich_help_panel=PANEL,
    epilog=(
        "示例：\n"
        "  kepu-inspect rubric export 考核细则.yaml -o 考核细则.xlsx\n"
        "  kepu-inspect rubric export pingdingshan-2017 -o 考核细则.docx"
    ),
)
@guarded
def export_cmd(
    rubric_path: RubricArg,
    output: Annotated[
        Path,
        typer.Option(
            "--output",
            "-o",
            metavar="表格文件",
            help="写入的文件：.xlsx（电子表格）或 .docx（文档）",
            rich_help_panel=OPTIONS_PANEL,
        ),
    ],
    quiet_: QuietOpt = False,
    verbose_: VerboseOpt = False,
) -> None:
    """把考核细则导出为印发用的考核细则表（.xlsx 或 .docx）：考核项目、分值、评分标准（按评分规则写成文字）、
    考核方式、佐证材料、适用单位，以及计分规则、考核单位、否决事项和等次；该表可以用 rubric import 导回。"""
    from kepu_inspect.adapters.output import write_bytes_atomic
    from kepu_inspect.adapters.rubric_export import export_docx, export_xlsx
    from kepu_inspect.cli.rubric_arg import load_or_exit
    from kepu_inspect.core.os_errors import os_error_text
    from kepu_inspect.core.rubric_table.export import rubric_document

    set_verbosity(quiet_, verbose_)
    suffix = output.suffix.lower()
    if suffix not in (".xlsx", ".docx"):
        raise fail_usage(
            f"输出文件“{output}”应以 .xlsx 或 .docx 结尾。",
            "例如：-o 考核细则.xlsx 或 -o 考核细则.docx。",
        )
    rubric = load_or_exit(rubric_path, "rubric export")
    document = rubric_document(rubric)
    data = export_xlsx(document) if suffix == ".xlsx" else export_docx(document)
    try:
        write_bytes_atomic(output, data)
    except OSError as exc:
        raise fail_usage(
            f"无法写入“{output}”：{os_error_text(exc)}。",
            "如该文件正在 Excel/WPS/Word 中打开，请先关闭后重试。",
        ) from None
    items = sum(1 for _ in rubric.items())
    say(f"已写入 {escape(output)}（{items} 个考核项目，{len(rubric.units)} 个单位）")
    raise typer.Exit(EXIT_OK)


@app.command(
    "show",
    cls=ChineseCommand,
    rich_help_panel=PANEL,
    epilog=(
        "示例：\n"
        "  kepu-inspect rubric show 考核细则.yaml\n"
        "  kepu-inspect rubric show 考核细则.yaml --unit 市教育局\n"
        "  kepu-inspect rubric show 考核细则.yaml --units\n"
        "  kepu-inspect rubric show pingdingshan-2017"
    ),
)
@guarded
def show_cmd(
    rubric_path: RubricArg,
    unit: Annotated[
        str | None,
        typer.Option(
            "--unit",
            "-u",
            metavar="单位名称",
            help="只显示该单位适用的项目和满分（全称、简称或别名）",
            rich_help_panel=OPTIONS_PANEL,
        ),
    ] = None,
    units: Annotated[
        bool,
        typer.Option(
            "--units", help="列出全部单位：名称、别名、分组、是否参加考核", rich_help_panel=OPTIONS_PANEL
        ),
    ] = False,
    fmt: TableOrJson = "table",
    quiet_: QuietOpt = False,
    verbose_: VerboseOpt = False,
) -> None:
    """显示考核细则的部分、项目和分值；--unit 只看某单位的项目和满分；--units 列出全部单位名称。"""
    from kepu_inspect.cli.rubric_arg import load_or_exit, unit_or_exit
    from kepu_inspect.core.rubric import Unit
    from kepu_inspect.reports.rubric_view import resolved_rubric, rubric_table, units_table

    set_verbosity(quiet_, verbose_)
    check_format(fmt, ("table", "json"))
    rubric = load_or_exit(rubric_path, "rubric show")
    chosen = None
    if unit is not None:
        found = unit_or_exit(rubric, unit, rubric_path)
        assert isinstance(found, Unit)
        chosen = found
    if fmt == "json":
        import json

        from kepu_inspect.cli.console import write_json

        write_json(json.dumps(resolved_rubric(rubric, chosen), ensure_ascii=False, indent=2) + "\n")
    elif quiet():
        return
    elif units:
        out().print(units_table(rubric))
    else:
        out().print(rubric_table(rubric, chosen))


@app.command("list", cls=ChineseCommand, rich_help_panel=PANEL, epilog="示例：\n  kepu-inspect rubric list")
@guarded
def list_cmd(quiet_: QuietOpt = False, verbose_: VerboseOpt = False) -> None:
    """列出本工具自带的考核细则：名称、标题、年度。其他命令可以直接用名称代替文件路径。"""
    from rich.table import Table

    from kepu_inspect.adapters.rubric_file import load_rubric
    from kepu_inspect.adapters.shipped import shipped_rubrics

    set_verbosity(quiet_, verbose_)
    if quiet():
        return
    table = Table(
        title="自带的考核细则（可直接写名称，如 kepu-inspect rubric show pingdingshan-2017）",
        title_justify="left",
    )
    for col in ("名称", "标题", "年度", "考核单位数"):
        table.add_column(col, overflow="fold")
    for shipped in shipped_rubrics():
        loaded = load_rubric(shipped.path)
        r = loaded.rubric
        if r is None:
            table.add_row(shipped.name, "（文件有错误）", "", "")
            continue
        table.add_row(shipped.name, escape(r.meta.title), str(r.meta.year), str(len(r.assessed_units())))
    out().print(table)
    if verbose_:
        for shipped in shipped_rubrics():
            err().print(f"{escape(shipped.name)}：{escape(shipped.path)}")


@app.command(
    "schema",
    cls=ChineseCommand,
    rich_help_panel=PANEL,
    epilog="示例：\n  kepu-inspect rubric schema > 考核细则格式.json",
)
def schema_cmd(quiet_: QuietOpt = False, verbose_: VerboseOpt = False) -> None:
    """输出考核细则文件的格式说明文件（.json），可供编辑器校验和提示。"""
    import json

    from kepu_inspect.adapters.rubric_file import schema
    from kepu_inspect.cli.console import write_json

    set_verbosity(quiet_, verbose_)
    write_json(json.dumps(schema(), ensure_ascii=False, indent=2) + "\n")
