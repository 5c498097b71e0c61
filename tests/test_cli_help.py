"""Issue 19: every word of every command's help is Chinese (the framework's too), with examples, choices,
named placeholders, the workflow order, nothing cut off, and shell completion."""

from __future__ import annotations

import ast
import gettext
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import typer
from typer.main import get_command
from typer.testing import CliRunner

from kepu_inspect.cli import i18n
from kepu_inspect.cli.app import app
from tests.conftest import ROOT

runner = CliRunner()
ROOT_COMMAND = get_command(app)

# Words a clerk types as they are: values of --format/--reports, shells, file extensions, the problem-code
# prefixes and the key named by completion. Option and command names are allowed per command, below.
TYPED_VALUES = {
    "table", "json", "csv", "markdown", "xlsx", "html", "ranking", "tongbao",
    "bash", "zsh", "fish", "powershell",
    "yaml", "docx", "txt",
    "RB", "PL", "WB", "SC",
    "Tab",
}  # fmt: skip


def all_commands() -> Iterator[tuple[list[str], typer.core.TyperCommand | typer.core.TyperGroup]]:
    def walk(prefix: list[str], command):  # type: ignore[no-untyped-def]
        yield prefix, command
        for name, sub in getattr(command, "commands", {}).items():
            yield from walk([*prefix, name], sub)

    yield from walk([], ROOT_COMMAND)


COMMANDS = list(all_commands())
IDS = [" ".join(path) or "kepu-inspect" for path, _ in COMMANDS]


def render_help(path: list[str], width: int = 100) -> str:
    result = runner.invoke(app, [*path, "--help"], env={"COLUMNS": str(width), "TERMINAL_WIDTH": str(width)})
    assert result.exit_code == 0, result.output
    return result.output


def command_words() -> set[str]:
    return {"kepu-inspect", *(p for path, _ in COMMANDS for p in path)}


def option_words(command) -> set[str]:  # type: ignore[no-untyped-def]
    ctx = typer.Context(command, help_option_names=["-h", "--help"])
    return {o.lstrip("-") for p in command.get_params(ctx) for o in (*p.opts, *p.secondary_opts)}


ALL_OPTIONS = {word for _, command in COMMANDS for word in option_words(command)}


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=IDS)
def test_help_has_no_english_outside_option_names_and_examples(path: list[str], command) -> None:  # type: ignore[no-untyped-def]
    text = render_help(path)
    before_examples, _, examples = text.partition("示例：")
    assert examples.strip(), f"`{' '.join(path)} --help` has no 示例 block"
    allowed = TYPED_VALUES | command_words() | ALL_OPTIONS
    words = set(re.findall(r"[A-Za-z][A-Za-z0-9_]*(?:-[A-Za-z0-9_]+)*", before_examples))
    words = {w for w in words if not re.fullmatch(r"[A-Z]{2}\d{3}", w)}  # a problem code, typed as is
    assert not words - allowed, f"English in `{' '.join(path)} --help`: {sorted(words - allowed)}"
    for english in ("Usage", "Options", "Arguments", "Commands", "required", "default", "Show this"):
        assert english not in text
    # the examples are real commands of this command, with its own options
    for line in examples.splitlines():
        line = line.strip()
        if not line.startswith("kepu-inspect"):
            continue
        tokens = line.split()
        assert tokens[1 : 1 + len(path)] == path, line
        target = ROOT_COMMAND
        for token in tokens[1:]:
            sub = getattr(target, "commands", {}).get(token)
            if sub is None:
                break
            target = sub
        for token in tokens:
            if token.startswith("-"):
                assert token.lstrip("-") in option_words(target), (line, token)


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=IDS)
@pytest.mark.parametrize("width", [80, 100])
def test_no_help_text_is_cut_off(path: list[str], command, width: int) -> None:  # type: ignore[no-untyped-def]
    """typer's help tables wrap only at spaces and cut a longer run with '…': every word must show."""
    flat = re.sub(r"[\s│╭╮╰╯─]", "", render_help(path, width))
    ctx = typer.Context(command)
    texts = [p.help for p in command.get_params(ctx) if p.help]
    texts += [sub.short_help or sub.help for sub in getattr(command, "commands", {}).values()]
    for help_text in texts:
        assert re.sub(r"\s", "", help_text) in flat, f"cut at width {width}: {help_text}"


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=IDS)
def test_every_value_has_a_chinese_name_and_choices_are_listed(path: list[str], command) -> None:  # type: ignore[no-untyped-def]
    ctx = typer.Context(command)
    for param in command.get_params(ctx):
        if param.param_type_name == "argument" or not (param.is_flag or param.count):
            assert param.metavar and re.search(r"[\u4e00-\u9fff]", param.metavar), (path, param.name)
        if "--format" in param.opts:
            assert re.search(r"table", param.help or ""), "--format must list its choices"


def listed(text: str) -> list[str]:
    return re.findall(r"^│ ([a-z]+) {2,}", text, flags=re.M)


def test_commands_are_listed_in_workflow_order() -> None:
    assert listed(render_help([])) == [
        "init", "example", "rubric", "template", "check", "inspection", "score", "codes", "completion"
    ]  # fmt: skip
    assert listed(render_help(["rubric"])) == ["import", "check", "export", "show", "list", "schema"]


def test_placeholders_name_things() -> None:
    text = render_help(["score"])
    assert "用法：kepu-inspect score ［选项］ 细则文件 材料…" in text
    for raw in ("{rubric_path}", "<list[Path]>", "<bool>", "<path>", "<str>", "[x>=1]"):
        assert raw not in text


def _python_env(**extra: str) -> dict[str, str]:
    return {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), **extra}


@pytest.mark.parametrize(
    "env", [{}, {"LANG": "en_US.UTF-8"}, {"LANGUAGE": "en", "LC_ALL": "C"}], ids=["empty", "en", "C"]
)
def test_framework_speaks_chinese_in_any_environment(env: dict[str, str]) -> None:
    """Windows sets no LANG; an English system sets en_US: the shipped catalogue is used regardless."""
    result = subprocess.run(
        [sys.executable, "-m", "kepu_inspect", "score", "--help"],
        capture_output=True,
        env={**env, "PYTHONPATH": str(ROOT)} if env else {"PYTHONPATH": str(ROOT)},
        check=False,
    )
    text = result.stdout.decode("utf-8")
    assert result.returncode == 0, result.stderr.decode("utf-8", "replace")
    assert "用法：" in text and "╭─ 参数" in text and "╭─ 选项" in text and "［必填］" in text
    assert "［默认：考核结果］" in text
    assert "Usage" not in text and "Options" not in text and "required" not in text

    error = subprocess.run(
        [sys.executable, "-m", "kepu_inspect", "score"],
        capture_output=True,
        env={**env, "PYTHONPATH": str(ROOT)},
        check=False,
    )
    message = error.stderr.decode("utf-8")
    assert error.returncode == 2 and "缺少参数“细则文件”" in message and "Missing" not in message


def test_empty_environment_with_env_i() -> None:
    """The brief's own check: `env -i` (no PATH, no LANG, nothing)."""
    result = subprocess.run(
        ["env", "-i", f"PYTHONPATH={ROOT}", sys.executable, "-m", "kepu_inspect", "--help"],
        capture_output=True,
        check=False,
    )
    text = result.stdout.decode("utf-8")
    assert result.returncode == 0 and "╭─ 选项" in text and "显示本帮助" in text, text


CATALOGUE = Path(i18n.locale_dir()) / "zh_CN" / "LC_MESSAGES"


def read_po(path: Path) -> dict[str, str]:
    """msgid → msgstr of a .po file written with one-line strings (as ours is)."""
    entries: dict[str, str] = {}
    msgid = None
    for line in path.read_text("utf-8").splitlines():
        if line.startswith("msgid "):
            msgid = ast.literal_eval(line[6:])
        elif line.startswith("msgstr ") and msgid is not None:
            if msgid:
                entries[msgid] = ast.literal_eval(line[7:])
            msgid = None
    return entries


def test_compiled_catalogue_matches_its_source() -> None:
    """The shipped .mo is the compiled .po (run examples/update_catalogue.py after editing the .po)."""
    with open(CATALOGUE / "kepu_inspect.mo", "rb") as fh:
        compiled = gettext.GNUTranslations(fh)
    source = read_po(CATALOGUE / "kepu_inspect.po")
    assert source
    for msgid, msgstr in source.items():
        assert compiled.gettext(msgid) == msgstr, msgid
        assert re.search(r"[\u4e00-\u9fff]", msgstr), msgid


def test_every_framework_string_is_translated() -> None:
    """Every string typer passes through gettext (found in its installed source) has a translation:
    an upgrade that adds one fails here instead of showing English."""
    package = Path(typer.__file__).parent
    found: set[str] = set()
    for source in package.rglob("*.py"):
        tree = ast.parse(source.read_text("utf-8"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "_"
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                found.add(node.args[0].value)
    assert found, "typer no longer uses gettext: check how its strings are translated"
    missing = found - set(read_po(CATALOGUE / "kepu_inspect.po"))
    assert not missing, f"untranslated framework strings: {sorted(missing)}"


def test_loading_the_catalogue_is_cheap() -> None:
    """A few hundred bytes, parsed once per process (gettext caches it by file name)."""
    assert (CATALOGUE / "kepu_inspect.mo").stat().st_size < 4096
    assert i18n.install().gettext("Options") == "选项"
    assert gettext.gettext("Options") == "选项"


def test_completion_script_and_runtime() -> None:
    result = runner.invoke(app, ["completion", "bash"])
    assert result.exit_code == 0 and "_KEPU_INSPECT_COMPLETE" in result.output
    proc = subprocess.run(
        [sys.executable, "-m", "kepu_inspect"],
        capture_output=True,
        text=True,
        env={
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "_KEPU_INSPECT_COMPLETE": "complete_bash",
            "COMP_WORDS": "kepu-inspect sc",
            "COMP_CWORD": "1",
        },
        check=False,
    )
    assert "score" in proc.stdout.split(), proc.stdout + proc.stderr
    bad = runner.invoke(app, ["completion", "bsh"])
    assert bad.exit_code == 2 and "bash" in bad.output
