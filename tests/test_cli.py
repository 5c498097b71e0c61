"""The command shell: version, Chinese help, exit codes, no tracebacks, every command documented."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from kepu_inspect import __version__
from kepu_inspect.cli.app import app
from tests.conftest import MINI, ROOT

runner = CliRunner()


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and __version__ in result.output


def test_python_dash_m() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "kepu_inspect", "--version"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0 and __version__ in result.stdout


def test_help_is_chinese_and_lists_commands() -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for command in ("rubric", "template", "check", "score", "codes"):
        assert command in result.output
    assert "考核" in result.output


def test_help_does_not_import_heavy_libraries() -> None:
    code = (
        "import sys; sys.argv=['kepu-inspect','--help']\n"
        "from kepu_inspect.cli.app import main\n"
        "try:\n main()\nexcept SystemExit: pass\n"
        "heavy=[m for m in ('openpyxl','jsonschema','yaml') if m in sys.modules]\n"
        "print('HEAVY', heavy)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert "HEAVY []" in result.stdout, result.stdout[-500:]


def test_scoring_the_example_does_not_import_openpyxl_or_jsonschema(tmp_path: Path) -> None:
    """Every report of the bundled example, from a valid rubric: neither library is needed (issue 7:
    together they were a quarter of the run). Which modules load is checked, not how long it takes."""
    code = (
        "import sys; sys.argv=['kepu-inspect','score','rubrics/pingdingshan-2017.yaml',"
        f"'examples/pingdingshan-2017/submissions','-o',{str(tmp_path)!r},'--date','2017-12-28','--quiet']\n"
        "from kepu_inspect.cli.app import main\n"
        "try:\n main()\nexcept SystemExit as e: print('EXIT', e.code)\n"
        "heavy=[m for m in ('openpyxl','jsonschema','numpy','pandas') if m in sys.modules]\n"
        "print('HEAVY', heavy)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, cwd=ROOT
    )
    assert "EXIT 1" in result.stdout and "HEAVY []" in result.stdout, (
        result.stdout[-500:] + result.stderr[-500:]
    )
    assert {p.name for p in tmp_path.iterdir()} == {
        ".kepu-inspect.json",  # the manifest: what the tool wrote, so it may replace it next time
        "考核结果通报.docx",
        "考核结果.xlsx",
        "考核结果.html",
        "考核结果-排名.html",
        "考核结果.csv",
        "考核结果.json",
        "问题清单.csv",
    }


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert runner.invoke(app, ["score", str(MINI)]).exit_code == 2  # no paths
    assert runner.invoke(app, ["score", str(MINI), str(tmp_path / "nope")]).exit_code == 2
    assert runner.invoke(app, ["score", str(MINI), str(tmp_path), "--format", "pdf"]).exit_code == 2
    assert runner.invoke(app, ["score", str(MINI), str(tmp_path), "--date", "去年"]).exit_code == 2
    assert (
        runner.invoke(app, ["template", str(MINI), "--unit", "不存在的单位", "-o", str(tmp_path)]).exit_code
        == 2
    )
    assert runner.invoke(app, ["rubric", "show", str(MINI), "--unit", "火星"]).exit_code == 2


def test_internal_error_has_no_traceback(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import kepu_inspect.services.batch as svc

    def boom(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("意外")

    monkeypatch.setattr(svc, "rank_batch", boom)
    result = runner.invoke(app, ["score", str(MINI), str(tmp_path), "-o", str(tmp_path / "o")])
    assert result.exit_code == 3
    assert "Traceback" not in result.output and "--debug" in result.output


def test_codes_lists_the_catalogue_and_readme_documents_it() -> None:
    from kepu_inspect.core.problems import Code

    result = runner.invoke(app, ["codes", "--format", "markdown"])
    assert result.exit_code == 0
    readme = (ROOT / "README.md").read_text("utf-8")
    for code in Code:
        assert code.name in result.output
        assert f"| {code.name} |" in readme, (
            f"README lacks {code.name}: run `kepu-inspect codes --format markdown`"
        )


def test_every_command_is_documented_in_readme() -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    names = [
        "rubric check",
        "rubric show",
        "rubric schema",
        "rubric import",
        "template",
        "check",
        "score",
        "codes",
    ]
    for name in names:
        assert re.search(rf"kepu-inspect {name}\b", readme), f"README does not show `kepu-inspect {name}`"


def test_template_check_score_on_mini(tmp_path: Path, filled_dir: Path) -> None:
    out = tmp_path / "out"
    result = runner.invoke(
        app,
        [
            "score",
            str(MINI),
            str(filled_dir),
            "-o",
            str(out),
            "--date",
            "2017-12-28",
            "--reports",
            "json,csv",
        ],
    )
    assert result.exit_code in (0, 1), result.output
    assert "市直成员单位" in result.output and "名次" in result.output
    assert {p.name for p in out.iterdir()} == {
        ".kepu-inspect.json",
        "问题清单.csv",
        "考核结果.csv",
        "考核结果.json",
    }
    assert not list(filled_dir.glob(".*")) and not list(filled_dir.glob("*.tmp"))


def test_score_format_json_prints_the_results_file(tmp_path: Path) -> None:
    """--format json writes the same UTF-8 document to stdout as to 考核结果.json (real process)."""
    import json

    example = ROOT / "examples" / "pingdingshan-2017"
    out = tmp_path / "out"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "kepu_inspect",
            "score",
            str(ROOT / "rubrics" / "pingdingshan-2017.yaml"),
            str(example / "submissions"),
            "-o",
            str(out),
            "--date",
            "2017-12-28",
            "--reports",
            "json",
            "--format",
            "json",
        ],
        capture_output=True,
        cwd=tmp_path,
        check=False,
    )
    assert proc.returncode in (0, 1), proc.stderr.decode()
    assert proc.stdout == (out / "考核结果.json").read_bytes()
    assert b"\r\n" not in proc.stdout and json.loads(proc.stdout)["units"]
