"""``kepu-inspect rubric …``: check, show, print the schema, import a work plan."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from kepu_inspect.cli.common import (
    EXIT_OK,
    EXIT_PROBLEMS,
    EXIT_USAGE,
    FormatOpt,
    RubricArg,
    check_format,
    err,
    escape,
    guarded,
    out,
)

if TYPE_CHECKING:
    from kepu_inspect.core.rubric import Rubric

app = typer.Typer(help="考核细则：检查、查看、导出格式说明、从工作要点生成。", no_args_is_help=True)


@app.command("check")
@guarded
def check_cmd(
    rubrics: Annotated[list[Path], typer.Argument(help="一个或多个考核细则文件", show_default=False)],
    fmt: FormatOpt = "table",
) -> None:
    """检查考核细则的格式和内容（分值合计、单位名称、分档区间、等次等），一次列出全部问题。"""
    from kepu_inspect.adapters.rubric_file import load_rubric
    from kepu_inspect.reports.problems_view import problems_json, problems_table

    check_format(fmt, ("table", "json"))
    results = [load_rubric(path) for path in rubrics]
    problems = [p for r in results for p in r.problems]
    if fmt == "json":
        out().print_json(json.dumps(problems_json(problems), ensure_ascii=False))
    else:
        for r in results:
            if r.problems:
                out().print(problems_table(r.problems, title=f"{r.path}：发现 {len(r.problems)} 个问题"))
            else:
                assert r.rubric is not None
                n_items = sum(1 for _ in r.rubric.items())
                out().print(
                    f"[green]✓[/] {escape(r.path)}：格式正确（{n_items} 个考核项目，"
                    f"{len(r.rubric.assessed_units())} 个参加考核的单位）"
                )
    has_error = any(p.severity.value == "error" for p in problems)
    if any(not r.path.exists() for r in results):
        raise typer.Exit(EXIT_USAGE)
    raise typer.Exit(EXIT_PROBLEMS if has_error else EXIT_OK)


def load_or_exit(path: Path) -> Rubric:
    """Load a rubric for a command that needs a valid one; print problems and exit otherwise."""
    from kepu_inspect.adapters.rubric_file import load_rubric
    from kepu_inspect.core.problems import has_errors
    from kepu_inspect.reports.problems_view import problems_table

    if not path.exists():
        err().print(f"[red]找不到考核细则文件：[/]{escape(path)}")
        raise typer.Exit(EXIT_USAGE)
    loaded = load_rubric(path)
    if loaded.rubric is None or has_errors(loaded.problems):
        err().print(problems_table(loaded.problems, title=f"考核细则 {path} 有错误，请先修改"))
        raise typer.Exit(EXIT_USAGE)
    return loaded.rubric


@app.command("show")
@guarded
def show_cmd(
    rubric_path: RubricArg,
    unit: Annotated[
        str | None, typer.Option("--unit", "-u", help="只显示该单位适用的项目（名称或别名）")
    ] = None,
    fmt: FormatOpt = "table",
) -> None:
    """显示考核细则的部分、项目和分值；加 --unit 只看某单位的项目和满分；--format json 输出完整解析结果。"""
    from kepu_inspect.reports.rubric_view import resolved_rubric, rubric_table

    check_format(fmt, ("table", "json"))
    rubric = load_or_exit(rubric_path)
    chosen = None
    if unit is not None:
        chosen = rubric.find_unit(unit)
        if chosen is None:
            err().print(f"[red]考核细则中没有单位“{escape(unit)}”[/]（可用全称、简称或别名）")
            raise typer.Exit(EXIT_USAGE)
    if fmt == "json":
        typer.echo(json.dumps(resolved_rubric(rubric, chosen), ensure_ascii=False, indent=2))
    else:
        out().print(rubric_table(rubric, chosen))


@app.command("schema")
def schema_cmd() -> None:
    """输出考核细则文件格式的 JSON Schema（可供编辑器校验和提示）。"""
    from kepu_inspect.adapters.rubric_file import schema

    typer.echo(json.dumps(schema(), ensure_ascii=False, indent=2))


@app.command("import")
@guarded
def import_cmd(
    plan: Annotated[
        Path, typer.Argument(help="工作要点或分工表（.txt、.docx、.xlsx、.csv）", show_default=False)
    ],
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="生成的考核细则 YAML 文件（默认输出到屏幕）")
    ] = None,
    units: Annotated[
        Path | None, typer.Option("--units", help="官方单位名单（YAML/CSV：名称和别名），用于匹配")
    ] = None,
) -> None:
    """从工作要点、实施方案或任务分工表生成考核细则初稿：部分、项目、责任单位及分工、单位名单，分值待编辑。"""
    from kepu_inspect.adapters.output import write_text_atomic
    from kepu_inspect.reports.problems_view import problems_table
    from kepu_inspect.services.plan_import import import_plan

    if not plan.exists():
        err().print(f"[red]找不到文件：[/]{escape(plan)}")
        raise typer.Exit(EXIT_USAGE)
    result = import_plan(plan, units)
    if result.fatal:
        err().print(problems_table(result.problems, title="无法导入"))
        raise typer.Exit(EXIT_PROBLEMS)
    if output is None:
        typer.echo(result.yaml_text, nl=False)
    else:
        write_text_atomic(output, result.yaml_text)
        err().print(f"已写入 {escape(output)}")
    c = result.counts
    err().print(
        f"[bold]导入结果：[/]{c.get('sections', 0)} 个部分，{c.get('groups', 0)} 个项目分组，"
        f"{c.get('items', 0)} 个考核项目，{c.get('units', 0)} 个单位"
        + (f"，{c['notes']} 段说明（工作要求等，未列为考核项目）" if c.get("notes") else "")
    )
    if result.problems:
        err().print(problems_table(result.problems, title=f"{len(result.problems)} 条提醒"))
    raise typer.Exit(EXIT_OK)
