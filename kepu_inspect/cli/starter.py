"""``kepu-inspect init`` and ``kepu-inspect example``: a starter folder, and the example scored in it.

A clerk installs a package, not a repository: these commands give them, from any directory, the shipped
rubrics, the work plan they came from, the example submissions, and a 使用说明.txt whose commands run
from that folder as written.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from kepu_inspect.cli.common import (
    QuietOpt,
    VerboseOpt,
    escape,
    fail_usage,
    guarded,
    out,
    quiet,
    say,
    set_verbosity,
)
from kepu_inspect.cli.framework import ARGUMENTS_PANEL, OPTIONS_PANEL, ChineseCommand

RUBRIC = "考核细则.yaml"
COUNTY_RUBRIC = "县直成员单位考核细则-示例.yaml"
PLAN = "工作要点.txt"
SUBMISSIONS = "收到的材料"
VERIFICATION = "核查表"
TEAMS = "督导检查组名单.yaml"
GUIDE = "使用说明.txt"


def _quote(path: Path | str) -> str:
    text = str(path)
    return f'"{text}"' if any(c in text for c in " \t&()'") else text


def guide_text(folder: Path) -> str:
    """使用说明.txt: the year's commands in order, with this folder's own file names."""
    where = _quote(folder.resolve())
    return f"""使用说明（kepu-inspect 考核工具）
=================================

本文件夹由 kepu-inspect init 生成，里面是一套可以直接试用的材料（平顶山市 2017 年的例子）：

  {RUBRIC}      平顶山市 2017 年考核细则，可照着它修改成本地本年度的细则
  {COUNTY_RUBRIC}      另一个例子：县对县直成员单位的 20 分考核模块
  {PLAN}      细则所依据的《平顶山市2017年全民科学素质工作要点》
  {SUBMISSIONS}\\      37 份已填写的自评表（示例；其中市体育局一份有意填错）
  {TEAMS}      两个督导检查组（组长、成员、负责的单位）
  {VERIFICATION}\\      两个检查组填好的核查表（检查人员的核定分、核查意见、否决事项、督导检查意见）

一、先在本文件夹中打开命令行窗口
  Windows：在文件资源管理器中打开本文件夹，在地址栏输入 cmd 后按回车。
  或者在命令行窗口中输入：
  cd {where}

二、一年的工作，按顺序运行下面的命令（每行 kepu-inspect 开头的都可以直接复制运行）

1. 年初：从工作要点生成考核细则初稿（本文件夹已有改好的 {RUBRIC}，这一步只是演示）
  kepu-inspect rubric import {PLAN} -o 考核细则-初稿.yaml

2. 年初：检查考核细则（分值合计、单位名称、分档、等次……）
  kepu-inspect rubric check {RUBRIC}

3. 年初：查看某单位适用的项目和满分（--units 列出全部单位名称）
  kepu-inspect rubric show {RUBRIC} --unit 市教育局

4. 年底：为每个单位生成自评表，写入“自评表”文件夹，发给各单位填写
  kepu-inspect template {RUBRIC} -o 自评表

5. 收齐后：检查报送的材料，为有问题的单位生成退回修改通知、为未报送的单位生成催报通知（Word 文档，
   另有一份合并打印；加 --deadline 2018-01-10 写明重新报送的截止日期）
  kepu-inspect check {RUBRIC} {SUBMISSIONS} --notice 退回通知

6. 督导检查：为每个检查组生成核查表，检查人员在其中填写核定分、核查意见和否决事项
   （本文件夹的“{VERIFICATION}”中已有填好的示例，所以这里写入“空白核查表”；单位重新报送后加 --carry-over {VERIFICATION}）
  kepu-inspect inspection {RUBRIC} {SUBMISSIONS} -o 空白核查表 --teams {TEAMS}

7. 最后：评分、排名，生成考核结果通报（考核结果通报.docx，改好后即可印发）和各种报告（写入“考核结果”文件夹；
   加 --date 2018-01-05 写明通报日期，加 --doc-number、--letterhead 印文号和红头）
  kepu-inspect score {RUBRIC} {SUBMISSIONS} {VERIFICATION} -o 考核结果

三、说明
  - 每个命令都可以加 -h 查看说明和示例，例如 kepu-inspect score -h。
  - 命令结束时的退出码：0 没有问题，1 材料中有错误（报告照常生成），2 命令写法不对或文件不能用，3 程序内部错误。
  - 示例材料中有意放了一份填写有误的自评表（市体育局），所以第 5、7 步会列出它的问题；
    叶县在督导检查后重新报送了自评表，它的核查表依据的是旧表，所以叶县暂不排名（待核实），
    用第 6 步加 --carry-over 重新生成核查表、检查组核对后即可排名。
  - 问题代码的含义：kepu-inspect codes。
"""


def _copy(source: Path, target: Path) -> None:
    import shutil

    from kepu_inspect.adapters.output import atomic_path

    with atomic_path(target) as tmp:
        shutil.copyfile(source, tmp)


def write_starter(folder: Path, force: bool) -> list[Path]:
    """Fill ``folder`` with the starter files; refuse a non-empty folder unless ``force``."""
    from kepu_inspect.adapters.output import write_text_atomic
    from kepu_inspect.adapters.shipped import (
        COUNTY_MODULE_RUBRIC,
        EXAMPLE_RUBRIC,
        example_plan,
        example_submissions,
        example_teams,
        example_verification,
        shipped_rubric,
    )

    if folder.exists() and not folder.is_dir():
        raise fail_usage(
            f"“{folder}”是一个文件，不是文件夹。", "请指定一个新的文件夹名称，如 kepu-inspect init 考核2017。"
        )
    if folder.is_dir() and any(folder.iterdir()) and not force:
        raise fail_usage(
            f"文件夹“{folder}”不是空的，为免覆盖其中的文件，没有写入。",
            "请指定一个新的文件夹（如 kepu-inspect init 考核2017），或加 --force 写入该文件夹（同名文件会被覆盖）。",
        )
    example = shipped_rubric(EXAMPLE_RUBRIC)
    county = shipped_rubric(COUNTY_MODULE_RUBRIC)
    submissions = example_submissions()
    if example is None or county is None or not submissions.is_dir() or not example_plan().is_file():
        raise FileNotFoundError("shipped example data missing")  # a broken installation: exit 3
    written: list[Path] = []
    for source, name in ((example.path, RUBRIC), (county.path, COUNTY_RUBRIC), (example_plan(), PLAN)):
        _copy(source, folder / name)
        written.append(folder / name)
    for workbook in sorted(submissions.glob("*.xlsx")):
        _copy(workbook, folder / SUBMISSIONS / workbook.name)
    written.append(folder / SUBMISSIONS)
    for workbook in sorted(example_verification().glob("*.xlsx")):
        _copy(workbook, folder / VERIFICATION / workbook.name)
    written.append(folder / VERIFICATION)
    _copy(example_teams(), folder / TEAMS)
    written.append(folder / TEAMS)
    newline = "\r\n" if os.name == "nt" else "\n"  # Notepad on older Windows shows LF files on one line
    write_text_atomic(folder / GUIDE, guide_text(folder).replace("\n", newline), encoding="utf-8-sig")
    written.append(folder / GUIDE)
    return written


def score_example(folder: Path, extra: list[str]) -> int:
    """Run ``score`` on the starter folder exactly as 使用说明.txt tells a clerk to."""
    from typer.main import get_command

    from kepu_inspect.cli.app import app

    args = [
        "score",
        str(folder / RUBRIC),
        str(folder / SUBMISSIONS),
        str(folder / VERIFICATION),
        "-o",
        str(folder / "考核结果"),
        *extra,
    ]
    code = get_command(app).main(args, prog_name="kepu-inspect", standalone_mode=False)
    return int(code or 0)


FolderArg = Annotated[
    Path,
    typer.Argument(
        metavar="文件夹",
        help="写入该文件夹（不存在则新建）",
        show_default=False,
        rich_help_panel=ARGUMENTS_PANEL,
    ),
]
ForceOpt = Annotated[
    bool,
    typer.Option(
        "--force",
        help="文件夹不是空的也写入（同名文件会被覆盖，其他文件保留）",
        rich_help_panel=OPTIONS_PANEL,
    ),
]


def register(app: typer.Typer, panel: str) -> None:

    @app.command(
        "init",
        cls=ChineseCommand,
        rich_help_panel=panel,
        epilog="示例：\n  kepu-inspect init 考核2017\n  kepu-inspect init 考核2017 --example\n  kepu-inspect init",
    )
    @guarded
    def init_cmd(
        folder: FolderArg = Path("."),
        example: Annotated[
            bool,
            typer.Option(
                "--example",
                help="同时对示例材料评分，报告写入其中的“考核结果”文件夹",
                rich_help_panel=OPTIONS_PANEL,
            ),
        ] = False,
        force: ForceOpt = False,
        quiet_: QuietOpt = False,
        verbose_: VerboseOpt = False,
    ) -> None:
        """建立工作文件夹：自带的考核细则（可修改）、它依据的工作要点、示例自评表和一份使用说明。"""
        set_verbosity(quiet_, verbose_)
        write_starter(folder, force)
        if not quiet():
            out().print(
                f"已建立工作文件夹 {escape(folder.resolve())}：{RUBRIC}、{COUNTY_RUBRIC}、{PLAN}、"
                f"{SUBMISSIONS}（37 份示例自评表）、{GUIDE}。"
            )
            out().print(f"下一步：打开 {escape(folder / GUIDE)}，按其中的顺序运行命令。")
        if example:
            raise typer.Exit(score_example(folder, _flags(quiet_, verbose_)))

    @app.command(
        "example",
        cls=ChineseCommand,
        rich_help_panel=panel,
        epilog="示例：\n  kepu-inspect example\n  kepu-inspect example 我的示例",
    )
    @guarded
    def example_cmd(
        folder: FolderArg = Path("考核示例"),
        force: ForceOpt = False,
        quiet_: QuietOpt = False,
        verbose_: VerboseOpt = False,
    ) -> None:
        """看一个完整的例子：建立示例文件夹，并对平顶山市 2017 年的 37 份示例自评表评分、排名、生成报告。"""
        set_verbosity(quiet_, verbose_)
        write_starter(folder, force)
        say(f"已建立示例文件夹 {escape(folder.resolve())}，正在评分……")
        code = score_example(folder, _flags(quiet_, verbose_))
        if code in (0, 1) and not quiet():
            out().print(
                f"报告已写入 {escape(folder / '考核结果')}（用浏览器打开 考核结果.html 可直接打印）。"
                "示例中有意放了一份填写有误的自评表（市体育局），上面列出了它的问题。"
                f"接下来可按 {escape(folder / GUIDE)} 自己试一遍。"
            )
        raise typer.Exit(code)


def _flags(quiet_: bool, verbose_: bool) -> list[str]:
    return ["--quiet"] if quiet_ else (["--verbose"] if verbose_ else [])
