"""退回修改通知 and 催报通知 as Word documents (check --notice): item names and row numbers instead of cell
references, a new deadline, the date and the office; one file per unit and one combined file for
printing, rendered through LibreOffice with the official fonts mapped to installed CJK fonts."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import docx
import pytest
from typer.testing import CliRunner

from kepu_inspect.cli.app import app
from kepu_inspect.core.problems import Code, problem
from kepu_inspect.core.results import Intake, LedgerRow
from kepu_inspect.core.rubric import Rubric
from kepu_inspect.reports.notice import (
    COMBINED_NAME,
    deadline_words,
    location,
    notices_for,
    reminder_notice,
    return_notice,
    write_notices,
)
from tests.printing import CLOSING, bad_line_starts, page_texts, squeeze, to_pdf
from tests.report_fixtures import EXAMPLE_SUBMISSIONS, PINGDINGSHAN

runner = CliRunner()
CELL_REFERENCE = re.compile(r"(?<![A-Za-z])[A-K]\d{1,4}(?![\d.])")  # H7, G12: what a clerk cannot find


@pytest.fixture(scope="module")
def notices(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("notices") / "通知"
    result = runner.invoke(
        app,
        [
            "check",
            str(PINGDINGSHAN),
            str(EXAMPLE_SUBMISSIONS),
            "--notice",
            str(folder),
            "--date",
            "2017/12/22",
            "--deadline",
            "2017年12月29日",
        ],
    )
    assert result.exit_code == 1, result.output  # the example's 市体育局 has errors on purpose
    assert "催报通知 1 份" in result.output
    return folder


def text_of(path: Path) -> str:
    document = docx.Document(str(path))
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def test_one_return_notice_per_unit_with_problems_one_reminder_per_missing_unit(notices: Path) -> None:
    names = {p.name for p in notices.iterdir()}
    assert "市体育局退回修改通知.docx" in names
    assert "郏县催报通知.docx" in names  # 郏县 sent nothing
    assert f"{COMBINED_NAME}.docx" in names
    assert not any(n.endswith(".txt") for n in names)


def test_return_notice_names_rows_items_and_columns_never_cells(notices: Path) -> None:
    text = text_of(notices / "市体育局退回修改通知.docx")
    assert "市体育局：" in text
    assert re.search(r"第\d+行 1．品牌科普活动和双创活动 自评分", text)  # the empty 自评分 (WB023)
    assert re.search(r"第\d+行 2．首届“科技工作者日”活动 填报值", text)  # 约8 (WB015)
    assert "无法识别的数值“约8”" in text and "请只填写一个数字" in text  # what is there and how to fix it
    assert not CELL_REFERENCE.search(text), CELL_REFERENCE.findall(text)
    assert "一、必须修改的问题" in text and "二、请核实的问题" in text


def test_notice_has_the_new_deadline_the_date_and_the_office(notices: Path) -> None:
    text = text_of(notices / "市体育局退回修改通知.docx")
    assert "请于2017年12月29日前将修改后的自评表（.xlsx）重新报送我办" in text
    assert "平顶山市全民科学素质工作领导小组办公室\n2017年12月22日" in text


def test_reminder_names_the_original_deadline_and_the_late_submission_rule(notices: Path) -> None:
    text = text_of(notices / "郏县催报通知.docx")
    assert "关于报送2017年度全民科学素质工作目标责任自评材料的催报通知" in text.replace("\n", "")
    assert "各单位应于2017年12月20日前报送自评材料。截至2017年12月22日" in text
    assert "请于2017年12月29日前" in text
    assert "按考核细则“未按时报送”的规定处理（扣2分）" in text


def test_a_passed_deadline_is_never_demanded(pingdingshan: Rubric) -> None:
    assert pingdingshan.meta.deadline == "2017-12-20"
    assert deadline_words(pingdingshan, "2017-12-18", None) == "请于2017年12月20日前"
    assert deadline_words(pingdingshan, "2017-12-22", None) == "请于收到本通知后尽快"
    assert deadline_words(pingdingshan, "2017-12-22", "2018-01-05") == "请于2018年1月5日前"


def test_locations_read_as_a_clerk_finds_them() -> None:
    on_row = problem(Code.WB015, file="a.xlsx", sheet="自评表", cell="G12", value="约8").at(
        extra={"row": 12, "item": "2．科普日活动", "field": "填报值"}
    )
    later = problem(
        Code.WB022, file="a.xlsx", sheet="自评表", cell="H24", claimed="3", computed="2", reason=""
    )
    cover = problem(Code.WB035, file="a.xlsx", sheet="封面", cell="C5", label="联系人").at(
        extra={"field": "联系人"}
    )
    whole = problem(Code.WB003, file="a.xlsx")
    assert location(on_row) == "第12行 2．科普日活动 填报值"
    assert location(later) == "第24行 自评分"  # found by the score check, after reading: row and column
    assert location(cover) == "封面 联系人"
    assert location(whole) == "整个文件"
    assert location(on_row, several_files=True) == "a.xlsx：第12行 2．科普日活动 填报值"


def test_no_notice_string_starts_with_closing_punctuation(pingdingshan: Rubric) -> None:
    p = problem(Code.WB015, unit="叶县", file="叶县.xlsx", sheet="自评表", cell="G9", value="，8")
    items = [
        return_notice(pingdingshan, "叶县", [p], "2017-12-22", None),
        reminder_notice(pingdingshan, "郏县", "2017-12-22", "2018-01-05"),
    ]
    for notice in items:
        for text in notice.texts():
            assert not text or text[0] not in CLOSING, text


def test_combined_file_starts_each_notice_on_a_page_numbered_from_one(pingdingshan: Rubric) -> None:
    intake = Intake(
        ledger=[
            LedgerRow("jiaxian", "郏县", "县（市、区）", "未收到", ()),
            LedgerRow("yexian", "叶县", "县（市、区）", "已收到", ("叶县.xlsx",)),
        ],
        problems=[problem(Code.WB003, unit="叶县", file="叶县.xlsx")],
    )
    found = notices_for(pingdingshan, intake, "2017-12-22", None)
    assert [(n.unit, n.kind) for n in found] == [("叶县", "return"), ("郏县", "reminder")]  # rubric order
    sink = io.BytesIO()
    write_notices(found, "2017-12-22", sink)
    with zipfile.ZipFile(io.BytesIO(sink.getvalue())) as z:
        xml = z.read("word/document.xml").decode("utf-8")
    assert xml.count("<w:sectPr") == 2 and xml.count('<w:pgNumType w:start="1"/>') == 1
    assert "kepu-inspect" not in xml


@pytest.mark.libreoffice
def test_libreoffice_mapped_fonts_combined_notices_print_whole(notices: Path, tmp_path: Path) -> None:
    combined = tmp_path / "all.docx"
    combined.write_bytes((notices / f"{COMBINED_NAME}.docx").read_bytes())
    (pdf,) = to_pdf([combined], tmp_path, tmp_path)
    pages = page_texts(pdf)
    text = squeeze("".join(pages))
    count = len([p for p in notices.iterdir() if p.name != f"{COMBINED_NAME}.docx"])
    assert text.count("平顶山市全民科学素质工作领导小组办公室2017年12月22日") == count  # each signed
    assert "郏县：" in text and "市体育局：" in text
    assert not bad_line_starts(pages)
    assert not CELL_REFERENCE.search("".join(pages))


def test_what_the_inspection_workbooks_show_is_not_sent_back_to_the_unit() -> None:
    """Inspectors disagreeing (VF007) or a verification made from an older submission (VF008) are for the
    office and the teams; a unit that wrote in the inspectors' columns (VF001) is told to undo it."""
    from kepu_inspect.reports.check_report import notice_problems

    found = [
        problem(Code.VF007, unit="新华区", item="1 组织领导", spread="1", marks="3、4", limit="0.5"),
        problem(Code.VF008, unit="叶县"),
        problem(Code.VF001, unit="湛河区", file="湛河区.xlsx", sheet="自评表", cell="J7", cells="J7，共1处"),
    ]
    assert {unit: [p.code.name for p in ps] for unit, ps in notice_problems(found).items()} == {
        "湛河区": ["VF001"]
    }
