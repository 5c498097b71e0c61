"""Issue 19: the common mistakes get a Chinese message with the way out, and the same exit code in every
command (0 fine or warnings only, 1 errors in the materials, 2 the command or its files unusable,
3 internal)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kepu_inspect.cli.app import app
from kepu_inspect.cli.common import EXIT_CODES
from tests.conftest import MINI, PINGDINGSHAN, ROOT

runner = CliRunner()
SUBMISSIONS = ROOT / "examples" / "pingdingshan-2017" / "submissions"
ENGLISH = re.compile(
    r"Usage|Error|Missing|No such|Traceback|Invalid|Try |Did you mean|"
    r"[A-Z][a-z]+(Error|Exception|File)\b|BadZip|could not|found character|expected|directory"
)


def run(*args: object) -> tuple[int, str]:
    """Exit code and output, with the console's line wrapping undone (messages are checked whole)."""
    result = runner.invoke(app, [str(a) for a in args])
    return result.exit_code, result.output.replace("\n", "")


def rubric_check_json(path: Path) -> tuple[int, list[dict[str, object]]]:
    import json

    result = runner.invoke(app, ["rubric", "check", str(path), "--format", "json"])
    return result.exit_code, json.loads(result.output)


def assert_chinese(output: str) -> None:
    assert not ENGLISH.search(output), output
    assert re.search(r"[\u4e00-\u9fff]", output), output


# --- the framework's own usage errors ------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["scor"], "您是不是要用：score"),
        (["评分"], "score"),
        (["模板"], "template"),
        (["rubric", "shwo"], "show"),
        (["score"], "缺少参数“细则文件”"),
        (["score", MINI], "缺少参数“材料”"),
        (["score", MINI, SUBMISSIONS, "--ouput", "x"], "您是不是要用：--output"),
        (["score", MINI, SUBMISSIONS, "-o"], "选项 -o 后面要写一个值"),
        (["score", MINI, SUBMISSIONS, "--workers", "两个"], "应为整数"),
        (["rubric", "show", MINI, "多余"], "多余的参数"),
        (["codes", "WB", "RB"], "多余的参数"),
    ],
)
def test_usage_errors_are_chinese_with_usage_and_example(args: list[object], expected: str) -> None:
    code, output = run(*args)
    assert code == 2, output
    assert expected in output, output
    assert "用法：kepu-inspect" in output and "-h 查看完整说明" in output
    assert_chinese(output)


def test_a_path_with_spaces_not_quoted_is_explained(tmp_path: Path) -> None:
    code, output = run("rubric", "check", MINI, "D:\\考核", "2017\\细则.yaml")
    assert code == 2 and "英文双引号" in output


# --- the rubric argument ---------------------------------------------------------------------------


def test_missing_rubric_suggests_the_nearby_file_and_the_shipped_names(tmp_path: Path) -> None:
    shutil.copy(MINI, tmp_path / "考核细则2017.yaml")
    code, output = run("score", tmp_path / "考核细则2071.yaml", tmp_path)
    assert code == 2 and "找不到考核细则文件" in output and "考核细则2017.yaml" in output
    assert "pingdingshan-2017" in output
    assert_chinese(output.replace("No such", ""))


def test_swapped_arguments_show_the_corrected_command(tmp_path: Path) -> None:
    for command in ("score", "check"):
        code, output = run(command, SUBMISSIONS, PINGDINGSHAN)
        assert code == 2 and "顺序颠倒" in output, output
        assert f"kepu-inspect {command} {PINGDINGSHAN}" in output.replace("\n", "")


def test_a_folder_as_rubric_lists_the_rubrics_inside(tmp_path: Path) -> None:
    shutil.copy(MINI, tmp_path / "细则.yaml")
    code, output = run("rubric", "show", tmp_path)
    assert code == 2 and "是一个文件夹" in output and "细则.yaml" in output


def _word_file(path: Path) -> Path:
    import docx

    document = docx.Document()
    document.add_paragraph("平顶山市2017年全民科学素质工作要点")
    document.save(str(path))
    return path


@pytest.mark.parametrize("command", [["rubric", "show"], ["template"], ["score"], ["check"]])
def test_a_word_file_as_rubric_points_to_rubric_import(tmp_path: Path, command: list[str]) -> None:
    word = _word_file(tmp_path / "工作要点.docx")
    extra = [SUBMISSIONS] if command[0] in ("score", "check") else []
    code, output = run(*command, word, *extra)
    assert code == 2, output
    assert "这是一个 Word 文件" in output and "kepu-inspect rubric import" in output
    assert "从工作要点生成" in output and "UTF-8" not in output


def test_rubric_check_of_a_word_file(tmp_path: Path) -> None:
    code, problems = rubric_check_json(_word_file(tmp_path / "工作要点.docx"))
    assert code == 2 and len(problems) == 1
    assert "这是一个 Word 文件" in str(problems[0]["message"])
    assert "kepu-inspect rubric import" in str(problems[0]["hint"]) and "UTF-8" not in str(
        problems[0]["hint"]
    )


def test_an_excel_workbook_or_a_pdf_as_rubric(tmp_path: Path) -> None:
    workbook = next(SUBMISSIONS.glob("*.xlsx"))
    code, problems = rubric_check_json(workbook)
    assert code == 2 and "Excel 工作簿" in str(problems[0]["message"])
    pdf = tmp_path / "细则.pdf"
    pdf.write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    code, output = run("rubric", "show", pdf)
    assert code == 2 and "PDF 文件" in output


@pytest.mark.parametrize(
    ("text", "line", "column", "named"),
    [
        ("rubric:\n  title： 平顶山\n  year: 2017\n", 2, 8, "中文全角冒号"),
        ("rubric：\n  title: x\n", 1, 7, "中文全角冒号"),
        ("a: 1\nb： 2\n", 2, 2, "中文全角冒号"),
        ("rubric:\n\ttitle: x\n", 2, 1, "Tab"),
        ("rubric:\n  title: x\n\tyear: 1\n", 3, 1, "Tab"),
        ("rubric:\n    title: x\n  year: 2017\n", 3, None, "缩进"),
        ("rubric:\n  title: x\n   year: 2017\n", 3, None, "缩进"),
        ("items:\n  - id: a\n    points: 2\n   - id: b\n", 4, None, "缩进"),
        ("rubric:\n  title: 标准: 2017\n", 2, None, "冒号"),
        ('rubric:\n  title: "平顶山\n  year: 2017\n', 2, None, "引号"),
        ("a: [1, 2\nb: 3\n", None, None, "方括号"),
    ],
)
def test_yaml_syntax_errors_are_explained(
    tmp_path: Path, text: str, line: int, column: int | None, named: str
) -> None:
    path = tmp_path / "细则.yaml"
    path.write_text(text, "utf-8")
    code, problems = rubric_check_json(path)
    assert code == 1 and len(problems) == 1, problems
    found = problems[0]
    message = f"{found['message']}{found['hint']}"
    assert named in message, message
    if line is not None:
        assert found["line"] == line and f"第 {line} 行" in message, message
    if column is not None:
        assert f"第 {line} 行第 {column} 列" in message, message
    assert_chinese(message.replace("YAML", "").replace("title", ""))


def test_a_gbk_rubric_is_called_gbk_with_how_to_resave(tmp_path: Path) -> None:
    path = tmp_path / "细则.yaml"
    path.write_bytes(MINI.read_text("utf-8").encode("gb18030"))
    code, problems = rubric_check_json(path)
    assert code == 1 and "GBK" in str(problems[0]["message"]) and "另存为" in str(problems[0]["hint"])


def test_a_json_rubric_error_has_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "细则.json"
    path.write_text('{"rubric": {"title": "x" "year": 2017}}', "utf-8")
    code, problems = rubric_check_json(path)
    assert code == 1 and problems[0]["line"] == 1 and "第 1 行第" in str(problems[0]["message"])


# --- unit names --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("教育局", "市教育局"),
        ("新华", "新华区"),
        ("市教育句", "市教育局"),
        ("jiaoyuju", "市教育局"),
        ("宝丰", "宝丰县"),
    ],
)
@pytest.mark.parametrize("command", ["show", "template"])
def test_unit_did_you_mean(tmp_path: Path, typed: str, meant: str, command: str) -> None:
    if command == "show":
        code, output = run("rubric", "show", PINGDINGSHAN, "--unit", typed)
    else:
        code, output = run("template", PINGDINGSHAN, "--unit", typed, "-o", tmp_path)
    assert code == 2, output
    flat = output.replace("\n", "")
    assert f"您是不是要找：{meant}" in flat and "--units" in flat
    assert not list(tmp_path.glob("*.xlsx"))  # a suggestion is never used in place of the name typed


def test_units_lists_every_name_and_alias() -> None:
    code, output = run("rubric", "show", "pingdingshan-2017", "--units")
    flat = re.sub(r"[\s│]", "", output)
    assert code == 0 and "市工信委" in flat and "汝州市" in flat and "否（本年度不参加）" in flat


def test_suggestions_rank_homophones_and_containment() -> None:
    from kepu_inspect.cli.suggest import edit_distance, rank_names

    names = [("市教育局", "市教育局"), ("市科技局", "市科技局"), ("市体育局", "市体育局")]
    assert rank_names("市教育句", names)[0] == "市教育局"
    assert rank_names("教育局", names)[0] == "市教育局"
    assert rank_names("火星", names) == []
    assert edit_distance("市教育局", "市教育句") == 1 and edit_distance("", "ab") == 2


# --- codes, --previous, internal errors -----------------------------------------------------------


def test_codes_unknown_exits_2_with_the_nearest() -> None:
    code, output = run("codes", "XX")
    assert code == 2 and "RB（考核细则）" in output
    code, output = run("codes", "WB100")
    assert code == 2 and "相近的代码" in output and "WB010" in output


def test_codes_show_no_raw_placeholders() -> None:
    for args in (["codes"], ["codes", "WB001"], ["codes", "wb1"], ["codes", "--format", "markdown"]):
        code, output = run(*args)
        assert code == 0 and "WB001" in output
        assert "{" not in output and "}" not in output, output
    readme = (ROOT / "README.md").read_text("utf-8")
    table = readme[readme.index("| 代码 | 级别 |") :]
    table = table[: table.index("\n\n")]
    assert "{" not in table, "README code table has raw placeholders: run examples/update_readme_codes.py"


def test_every_catalogue_field_has_a_chinese_name() -> None:
    from kepu_inspect.core.problems import Code
    from kepu_inspect.reports.codes_view import FIELD_LABELS, template_fields

    for code in Code:
        for field in template_fields(code.template) + template_fields(code.hint_template):
            assert field in FIELD_LABELS, f"{code.name}: name the field {{{field}}} in reports/codes_view.py"


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("考核结果.csv", "\ufeff名次,单位\n", "CSV 表格"),
        ("考核结果.xlsx", "", "Excel 工作簿"),
        ("结果.json", "\ufeff{not json", "不是 kepu-inspect 生成的考核结果文件"),
        ("结果.json", "[1, 2]", "不是 kepu-inspect 生成的考核结果文件"),
    ],
)
def test_previous_year_file_mistakes(tmp_path: Path, name: str, content: str, expected: str) -> None:
    path = tmp_path / name
    path.write_text(content, "utf-8")
    code, output = run("score", MINI, tmp_path, "-o", tmp_path / "out", "--previous", path)
    assert code == 2 and expected in output.replace("\n", ""), output
    assert "考核结果.json" in output and "BOM" not in output
    assert_chinese(output)


def test_internal_error_has_no_traceback_and_no_english_name(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import kepu_inspect.services.batch as svc

    def boom(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise KeyError("unit_id")

    monkeypatch.setattr(svc, "rank_batch", boom)
    code, output = run("score", MINI, tmp_path, "-o", tmp_path / "o")
    assert code == 3 and "程序内部错误" in output and "--debug" in output
    assert "KeyError" not in output and "unit_id" not in output and "Traceback" not in output


def test_os_errors_are_told_in_chinese() -> None:
    import errno

    from kepu_inspect.cli.errors import describe_exception
    from kepu_inspect.core.os_errors import os_error_text

    assert os_error_text(OSError(errno.EACCES, "Permission denied")).startswith("没有权限")
    assert "找不到" in describe_exception(FileNotFoundError(errno.ENOENT, "No such file", "a.yaml"))
    winerr = OSError(errno.EACCES, "x")
    winerr.winerror = 32  # type: ignore[attr-defined]
    assert "Excel" in os_error_text(winerr)


# --- one exit-code table, per command ---------------------------------------------------------------


def _invalid_rubric(tmp_path: Path) -> Path:
    path = tmp_path / "坏细则.yaml"
    path.write_text(MINI.read_text("utf-8").replace("points: ", "points: x", 1), "utf-8")
    return path


def _warnings_only(tmp_path: Path, filled_dir: Path) -> Path:
    """The mini submissions minus the files with errors: only warnings (unit 乙区 missing) remain."""
    return filled_dir


@pytest.mark.parametrize(
    "command",
    [["rubric", "check"], ["rubric", "show"], ["template"], ["check"], ["score"]],
)
def test_same_invalid_rubric_exits_1_everywhere(tmp_path: Path, command: list[str]) -> None:
    bad = _invalid_rubric(tmp_path)
    extra = [tmp_path] if command[0] in ("score", "check") else []
    extra += ["-o", tmp_path / "out"] if command[0] in ("template", "score") else []
    code, output = run(*command, bad, *extra)
    assert code == 1, output


@pytest.mark.parametrize(
    "command",
    [["rubric", "check"], ["rubric", "show"], ["template"], ["check"], ["score"]],
)
def test_missing_rubric_exits_2_everywhere(tmp_path: Path, command: list[str]) -> None:
    extra = [tmp_path] if command[0] in ("score", "check") else []
    code, _ = run(*command, tmp_path / "没有.yaml", *extra)
    assert code == 2


def test_warnings_only_exit_0_in_check_and_score(tmp_path: Path, filled_dir: Path) -> None:
    """乙区 did not submit (a warning) and the files are clean: both commands say 0."""
    code_check, out_check = run("check", MINI, filled_dir)
    code_score, out_score = run("score", MINI, filled_dir, "-o", tmp_path / "o", "--reports", "json")
    assert "警告" in out_check
    assert (code_check, code_score) == (0, 0), out_check + out_score


def test_errors_in_materials_exit_1_in_check_and_score(tmp_path: Path) -> None:
    assert run("check", PINGDINGSHAN, SUBMISSIONS)[0] == 1
    assert run("score", PINGDINGSHAN, SUBMISSIONS, "-o", tmp_path, "--reports", "json")[0] == 1


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["rubric", "check", PINGDINGSHAN], 0),
        (["rubric", "show", "pingdingshan-2017", "--unit", "市科协"], 0),
        (["rubric", "list"], 0),
        (["rubric", "schema"], 0),
        (["codes"], 0),
        (["codes", "ZZ"], 2),
        (["rubric", "show", PINGDINGSHAN, "--format", "pdf"], 2),
        (["rubric", "import", "没有这个文件.docx"], 2),
        (["completion", "bash"], 0),
        (["score", MINI, SUBMISSIONS, "--date", "去年"], 2),
        (["score", MINI, SUBMISSIONS, "--reports", "pdf"], 2),
        (["score", MINI, SUBMISSIONS, "--workers", "0"], 2),
        (["score", MINI, SUBMISSIONS, "-q", "-v"], 2),
    ],
)
def test_exit_codes_per_command(args: list[object], code: int) -> None:
    got, output = run(*args)
    assert got == code, output


def test_template_output_not_writable_exits_2(tmp_path: Path) -> None:
    blocker = tmp_path / "自评表"
    blocker.write_text("这是一个文件", "utf-8")
    code, output = run("template", MINI, "-o", blocker)
    assert code == 2 and "是一个文件" in output


def test_readme_exit_code_table_matches_the_code() -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    for code, meaning in EXIT_CODES:
        assert f"| {code} | {meaning} |" in readme, f"README lacks the row for exit code {code}"
