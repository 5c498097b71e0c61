"""Issue 20 (from a checkout): `init` writes a starter folder whose 使用说明.txt commands run as written;
`example` scores the bundled example; shipped rubrics by name. Issue 19: a GBK console and paths with
spaces and Chinese characters."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kepu_inspect.cli.app import app
from kepu_inspect.cli.starter import GUIDE
from tests.conftest import MINI, ROOT

runner = CliRunner()
REPORTS = {"考核结果.xlsx", "考核结果.html", "考核结果.csv", "考核结果.json", "问题清单.csv"}


def guide_commands(folder: Path) -> list[list[str]]:
    text = (folder / GUIDE).read_text("utf-8-sig")
    return [
        shlex.split(line.strip())[1:]
        for line in text.splitlines()
        if line.strip().startswith("kepu-inspect ")
    ]


def test_init_writes_the_starter_folder_and_its_guide_runs_as_written(tmp_path: Path) -> None:
    folder = tmp_path / "我的 考核 2017"  # a space and Chinese characters in the path
    result = runner.invoke(app, ["init", str(folder)])
    assert result.exit_code == 0, result.output
    names = {p.name for p in folder.iterdir()}
    assert names == {
        "考核细则.yaml",
        "县直成员单位考核细则-示例.yaml",
        "工作要点.txt",
        "收到的材料",
        "核查表",
        "督导检查组名单.yaml",
        GUIDE,
    }
    assert len(list((folder / "收到的材料").glob("*.xlsx"))) == 37
    assert (folder / "工作要点.txt").read_bytes() == (
        ROOT / "tests" / "data" / "seed" / "pingdingshan-2017-work-points.txt"
    ).read_bytes()
    guide = (folder / GUIDE).read_text("utf-8-sig")
    assert str(folder.resolve()) in guide  # the folder's own path, for `cd`
    commands = guide_commands(folder)
    assert [c[0] if c[0] != "rubric" else " ".join(c[:2]) for c in commands] == [
        "rubric import", "rubric check", "rubric show", "template", "check", "inspection", "score"
    ]  # fmt: skip
    expected_codes = {
        "rubric import": 0,
        "rubric check": 0,
        "rubric show": 0,
        "template": 0,
        "check": 1,
        "inspection": 0,
        "score": 1,
    }
    cwd = os.getcwd()
    os.chdir(folder)
    try:
        for args in commands:
            key = " ".join(args[:2]) if args[0] == "rubric" else args[0]
            got = runner.invoke(app, args)
            assert got.exit_code == expected_codes[key], (args, got.output)
    finally:
        os.chdir(cwd)
    assert {p.name for p in (folder / "考核结果").iterdir()} >= REPORTS
    assert len(list((folder / "自评表").glob("*.xlsx"))) == 38
    assert (folder / "考核细则-初稿.yaml").is_file() and list((folder / "退回通知").glob("*.docx"))
    data = json.loads((folder / "考核结果" / "考核结果.json").read_text("utf-8"))
    assert data["tool"]["version"] and len(data["files"]) == 39


def test_init_refuses_a_non_empty_folder_without_force(tmp_path: Path) -> None:
    (tmp_path / "已有的文件.txt").write_text("不要覆盖", "utf-8")
    refused = runner.invoke(app, ["init", str(tmp_path)])
    message = refused.output.replace("\n", "")
    assert refused.exit_code == 2 and "不是空的" in message and "--force" in message
    assert {p.name for p in tmp_path.iterdir()} == {"已有的文件.txt"}
    forced = runner.invoke(app, ["init", str(tmp_path), "--force"])
    assert forced.exit_code == 0 and (tmp_path / "考核细则.yaml").is_file()
    assert (tmp_path / "已有的文件.txt").read_text("utf-8") == "不要覆盖"
    a_file = tmp_path / "文件"
    a_file.write_text("x", "utf-8")
    assert runner.invoke(app, ["init", str(a_file)]).exit_code == 2


def test_example_scores_the_bundled_example_into_the_folder(tmp_path: Path) -> None:
    folder = tmp_path / "示例 文件夹"
    result = runner.invoke(app, ["example", str(folder)])
    assert result.exit_code == 1, result.output  # the example has one file with errors, on purpose
    assert {p.name for p in (folder / "考核结果").iterdir()} >= REPORTS
    assert "新华区" in result.output and "问题摘要" in result.output and "市体育局" in result.output
    again = runner.invoke(app, ["init", str(folder), "--example", "--force", "-q"])
    assert again.exit_code == 1 and "材料中有 4 个错误" in again.output


def test_rubric_list_and_names_instead_of_paths() -> None:
    listed = runner.invoke(app, ["rubric", "list"])
    assert listed.exit_code == 0
    assert "pingdingshan-2017" in listed.output and "xinan-county-members-2018" in listed.output
    assert "平顶山市2017年" in listed.output
    shown = runner.invoke(app, ["rubric", "show", "pingdingshan-2017", "--unit", "市科协"])
    assert shown.exit_code == 0 and "市科协" in shown.output
    checked = runner.invoke(app, ["rubric", "check", "xinan-county-members-2018.yaml"])
    assert checked.exit_code == 0


def test_shipped_data_comes_from_the_repository_folders() -> None:
    """A clone reads rubrics/ and examples/ in place; the wheel maps the same folders (setup.py)."""
    from kepu_inspect.adapters.shipped import example_plan, example_submissions, shipped_rubrics

    assert {r.path.parent for r in shipped_rubrics()} == {ROOT / "rubrics"}
    assert example_submissions() == ROOT / "examples" / "pingdingshan-2017" / "submissions"
    assert (
        example_plan().read_bytes()
        == (ROOT / "tests" / "data" / "seed" / "pingdingshan-2017-work-points.txt").read_bytes()
    )


# --- a GBK console (Chinese Windows) -----------------------------------------------------------------


def gbk_run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "PYTHONIOENCODING": "gbk", "PYTHONPATH": str(ROOT)}
    env.pop("PYTHONUTF8", None)
    return subprocess.run(
        [sys.executable, "-m", "kepu_inspect", *args], capture_output=True, cwd=cwd, env=env, check=False
    )


@pytest.fixture(scope="module")
def gbk_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("gbk") / "考核 文件夹"
    assert runner.invoke(app, ["init", str(folder)]).exit_code == 0
    return folder


GBK_COMMANDS = [
    (["--help"], 0),
    (["--version"], 0),
    (["rubric", "check", "考核细则.yaml"], 0),
    (["rubric", "show", "考核细则.yaml", "--unit", "市教育局"], 0),
    (["rubric", "show", "考核细则.yaml", "--units"], 0),
    (["rubric", "show", "考核细则.yaml", "--format", "json"], 0),
    (["rubric", "list"], 0),
    (["rubric", "schema"], 0),
    (["rubric", "import", "工作要点.txt", "-o", "初稿.yaml"], 0),
    (["template", "考核细则.yaml", "-o", "自评 表", "--unit", "市教育局"], 0),
    (["check", "考核细则.yaml", "收到的材料"], 1),
    (["check", "考核细则.yaml", "收到的材料", "--format", "json"], 1),
    (["check", "考核细则.yaml", "收到的材料", "--format", "csv"], 1),
    (["score", "考核细则.yaml", "收到的材料", "-o", "考核 结果"], 1),
    (["score", "考核细则.yaml", "收到的材料", "-o", "考核 结果", "--format", "json"], 1),
    (["score", "考核细则.yaml", "收到的材料", "-o", "考核 结果", "-v"], 1),
    (["codes"], 0),
    (["codes", "XX"], 2),
    (["completion", "bash"], 0),
    (["rubric", "show", "考核细则.yaml", "--unit", "教育局"], 2),
    (["scor"], 2),
    (["init", "新文件夹"], 0),
    (["example", "示例 文件夹"], 1),
]


@pytest.mark.parametrize(("args", "code"), GBK_COMMANDS, ids=[" ".join(a) for a, _ in GBK_COMMANDS])
def test_every_command_on_a_gbk_console(gbk_folder: Path, args: list[str], code: int) -> None:
    """No crash, no mojibake: the output decodes as GBK and reads as Chinese (today's ✓ is gone)."""
    proc = gbk_run(args, gbk_folder)
    stdout = proc.stdout.decode("gbk")  # strict: any UTF-8 bytes written to a GBK console fail here
    stderr = proc.stderr.decode("gbk")
    assert proc.returncode == code, stdout[-800:] + stderr[-800:]
    assert "Traceback" not in stderr and "UnicodeEncodeError" not in stderr
    text = stdout + stderr
    if args[0] not in ("--version", "completion") and args[:2] != ["rubric", "schema"]:
        assert re.search(r"[\u4e00-\u9fff]", text), text
    if "--format" in args and "json" in args:
        json.loads(stdout)  # still valid JSON, with what GBK cannot show escaped as \\uXXXX


def test_a_character_gbk_cannot_show_is_replaced_not_fatal(tmp_path: Path) -> None:
    rubric = tmp_path / "细则.yaml"
    rubric.write_text(MINI.read_text("utf-8").replace("title: ", "title: ✓😀", 1), "utf-8")
    proc = gbk_run(["rubric", "show", str(rubric)], tmp_path)
    assert proc.returncode == 0, proc.stderr.decode("gbk")
    proc = gbk_run(["rubric", "show", str(rubric), "--format", "json"], tmp_path)
    assert proc.returncode == 0 and "✓😀" in json.loads(proc.stdout.decode("gbk"))["rubric"]["title"]
