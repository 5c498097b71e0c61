"""The rubric argument of every command: a file, or the name of a shipped rubric; the usual mistakes
(a missing file, swapped arguments, a Word file, a folder) answered with what to type instead."""

from __future__ import annotations

import os
import shlex
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from kepu_inspect.cli.common import EXIT_PROBLEMS, err, escape, fail_usage
from kepu_inspect.cli.framework import suggest

if TYPE_CHECKING:
    from kepu_inspect.adapters.rubric_file import LoadedRubric
    from kepu_inspect.core.rubric import Rubric

RUBRIC_SUFFIXES = (".yaml", ".yml", ".json")


def _quote(path: object) -> str:
    text = str(path)
    if os.name == "nt" or any(c in text for c in " \t'\"&;|()<>$`"):
        return '"' + text.replace('"', '\\"') + '"'
    return shlex.quote(text) if text else '""'


def _looks_like_rubric(path: Path) -> bool:
    return path.suffix.lower() in RUBRIC_SUFFIXES and path.is_file()


def _nearby(path: Path) -> list[str]:
    """Rubric-like files next to a missing path whose names are close to the one typed."""
    folder = path.parent if str(path.parent) else Path(".")
    try:
        names = [p.name for p in folder.iterdir() if p.suffix.lower() in RUBRIC_SUFFIXES]
    except OSError:
        return []
    found = suggest(path.name, names, n=3, cutoff=0.6)
    return [str(folder / n) if str(path.parent) not in ("", ".") else n for n in found]


def resolve_rubric(arg: Path, command: str, others: list[Path] | None = None) -> Path:
    """The rubric file to load, or exit 2 with a message that says what to type instead.

    ``command`` is the command as typed ("score"), to show a corrected command line; ``others`` are the
    command's other path arguments, to recognise swapped arguments."""
    from kepu_inspect.adapters.shipped import shipped_rubric, shipped_rubrics

    others = others or []
    swapped = next((p for p in others if _looks_like_rubric(p)), None)
    if arg.is_dir() or (swapped is not None and arg.suffix.lower() not in RUBRIC_SUFFIXES):
        if swapped is not None:
            rest = [_quote(p) for p in others if p != swapped] + [_quote(arg)]
            raise fail_usage(
                "参数的顺序颠倒了：第一个参数应是考核细则文件，后面才是自评表文件或文件夹。",
                f"应写作：kepu-inspect {command} {_quote(swapped)} {' '.join(rest)}",
            )
        if arg.is_dir():
            inside = sorted(p.name for p in arg.iterdir() if p.suffix.lower() in RUBRIC_SUFFIXES)[:5]
            raise fail_usage(
                f"“{arg}”是一个文件夹，不是考核细则文件。",
                (f"该文件夹中的考核细则：{'、'.join(inside)}。" if inside else "")
                + f"第一个参数应是考核细则文件（.yaml），例如：kepu-inspect {command} 考核细则.yaml …",
            )
    if arg.exists():
        return arg
    shipped = shipped_rubric(str(arg)) if len(arg.parts) == 1 else None
    if shipped is not None:
        return shipped.path
    names = [r.name for r in shipped_rubrics()]
    near = _nearby(arg) + suggest(arg.stem, names, n=2, cutoff=0.6)
    hint = (f"您是不是要用：{'、'.join(near)}？" if near else "") + (
        "请检查文件名和所在文件夹（路径中有空格时请用英文双引号括起来）；"
        f"自带的考核细则可直接写名称：{'、'.join(names)}（kepu-inspect rubric list）。"
    )
    raise fail_usage(f"找不到考核细则文件“{arg}”。", hint)


def print_rubric_problems(loaded: LoadedRubric, title: str) -> None:
    from kepu_inspect.reports.problems_view import problems_table

    err().print(problems_table(loaded.problems, title=title))


def unusable_file(loaded: LoadedRubric) -> bool:
    """True when the file is not a rubric at all (a Word file, an image…): exit 2, not a content error."""
    return loaded.rubric is None and any(
        p.code.name == "RB012" and p.message.endswith("不是考核细则") for p in loaded.problems
    )


def load_or_exit(arg: Path, command: str, others: list[Path] | None = None) -> Rubric:
    """Load a rubric for a command that needs a valid one; print its problems and exit otherwise.

    Exit 2 when the file is not a rubric at all; exit 1 when it is a rubric with errors — the same as
    ``rubric check`` says for that file."""
    from kepu_inspect.adapters.rubric_file import load_rubric
    from kepu_inspect.core.problems import has_errors

    path = resolve_rubric(arg, command, others)
    loaded = load_rubric(path)
    if unusable_file(loaded):
        problem = loaded.problems[0]
        raise fail_usage(f"“{path}”{problem.message.removeprefix('无法读取考核细则文件：')}。", problem.hint)
    if loaded.rubric is None or has_errors(loaded.problems):
        print_rubric_problems(
            loaded, f"考核细则 {path} 有错误，请先修改（kepu-inspect rubric check 可逐条查看）"
        )
        raise typer.Exit(EXIT_PROBLEMS)
    return loaded.rubric


def unit_or_exit(rubric: Rubric, name: str, rubric_arg: Path) -> object:
    """The unit a clerk named, or exit 2 with the nearest names and how to list them all."""
    from kepu_inspect.cli.suggest import suggest_units

    found = rubric.find_unit(name)
    if found is not None:
        return found
    near = suggest_units(rubric, name)
    hint = (f"您是不是要找：{'、'.join(near)}？" if near else "") + (
        f"查看全部单位名称：kepu-inspect rubric show {_quote(rubric_arg)} --units"
    )
    raise fail_usage(f"考核细则中没有单位“{name}”（可用全称、简称或别名）。", hint)


def escape_path(path: Path) -> str:
    return escape(str(path))
