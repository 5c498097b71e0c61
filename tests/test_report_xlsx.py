"""The result workbook (考核结果.xlsx): structure, print setup, numbers, safety, determinism, size modes."""

from __future__ import annotations

import dataclasses
import io
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
from openpyxl.worksheet.worksheet import Worksheet

from kepu_inspect.core.results import ScoreRun
from kepu_inspect.core.rubric import Rubric
from kepu_inspect.reports.tables import (
    DETAIL_COLUMNS,
    ITEM_ANALYSIS_COLUMNS,
    PROBLEM_COLUMNS,
    RANKING_COLUMNS,
)
from kepu_inspect.reports.tables import SELF_VS_VERIFIED_COLUMNS as SVV_COLUMNS
from kepu_inspect.reports.xlsx_report import write_xlsx_report, xlsx_report_bytes
from tests.report_fixtures import MINI, PINGDINGSHAN, rubric_from, scored_run, synthetic_run


def write_report(run: ScoreRun, target: Path) -> None:
    with target.open("wb") as sink:
        write_xlsx_report(run, sink)


FIXED_SHEETS = [
    "县（市、区）排名",
    "县（市、区）排名图",
    "市直成员单位排名",
    "市直成员单位排名图",
    "得分矩阵",
    "项目分析",
    "项目分析图",
    "自评与核定对比",
    "复核提示",
    "问题清单",
]
CHART_SHEETS = ["县（市、区）排名图", "市直成员单位排名图", "项目分析图"]
WITHOUT_CHARTS = [name for name in FIXED_SHEETS if name not in CHART_SHEETS]
HOSTILE = {
    "name: 甲县": 'name: "=HYPERLINK(\\"http://x\\")甲县"',
    "title: 科普日活动": 'title: "+科普日活动"',
    "text: 志愿者队伍": 'text: "@志愿者队伍"',
    "name: 市教育局": 'name: "-市教育局"',
    "leads: [市教育局]": 'leads: ["-市教育局"]',
}


@pytest.fixture(scope="module")
def mini_run(tmp_path_factory: pytest.TempPathFactory) -> ScoreRun:
    return scored_run(rubric_from(MINI), tmp_path_factory.mktemp("mini"))


@pytest.fixture(scope="module")
def book(mini_run: ScoreRun) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(xlsx_report_bytes(mini_run)))


def _rows(ws: Worksheet) -> list[tuple[object, ...]]:
    return [tuple(r) for r in ws.iter_rows(values_only=True)]


def _header_row(ws: Worksheet) -> int:
    """The repeated print-title row is the table's header row."""
    match = re.fullmatch(r"\$?(\d+):\$?(\d+)", ws.print_title_rows or "")
    assert match, ws.print_title_rows
    return int(match[2])


def test_sheet_names(book: openpyxl.Workbook) -> None:
    assert book.sheetnames == [
        *FIXED_SHEETS,
        "甲县",
        "市科协",
        "市教育局",
    ]  # 乙区 sent nothing: no detail sheet
    for name in book.sheetnames:
        assert len(name) <= 31 and not re.search(r"[\[\]:*?/\\]", name)


@pytest.mark.parametrize(
    ("sheet", "columns"),
    [
        ("县（市、区）排名", RANKING_COLUMNS),
        ("市直成员单位排名", RANKING_COLUMNS),
        ("项目分析", ITEM_ANALYSIS_COLUMNS),
        ("自评与核定对比", SVV_COLUMNS),
        ("问题清单", PROBLEM_COLUMNS),
        ("甲县", DETAIL_COLUMNS[2:]),
    ],
)
def test_header_rows(book: openpyxl.Workbook, sheet: str, columns: tuple[str, ...]) -> None:
    ws = book[sheet]
    assert _rows(ws)[_header_row(ws) - 1][: len(columns)] == columns


def test_ranking_sheet_content(book: openpyxl.Workbook, mini_run: ScoreRun) -> None:
    ws = book["市直成员单位排名"]
    rows = _rows(ws)
    assert rows[0][0] == "测试市2017年市直成员单位科学素质工作考核结果"
    assert "通报日期：2017年12月28日" in " ".join(str(v) for v in rows[1] if v)
    header = _header_row(ws)
    first = rows[header]
    ranked = mini_run.rankings["dept"][0].result
    assert first[0] == 1 and first[1] == ranked.unit_name
    assert isinstance(first[6], float) and f"{first[6]:.2f}" == f"{ranked.score:.2f}"
    assert ws.cell(header + 1, 7).number_format == "0.00"  # the rubric's decimals
    assert ws.cell(header + 1, 8).number_format == "0.00%"
    grade = ws.cell(header + 1, 9)
    assert grade.value == ranked.grade and grade.fill.fgColor.rgb.endswith("C6EFCE")  # 优秀: green
    county = _rows(book["县（市、区）排名"])
    missing = [r for r in county if r[1] == "乙区"]
    assert missing and missing[0][0] == "—" and "未报送" in missing[0][9]
    assert county.index(missing[0]) > county.index(next(r for r in county if r[1] == "甲县"))


def test_every_chart_is_on_a_sheet_of_its_own_printed_on_one_page(book: openpyxl.Workbook) -> None:
    """A chart is never cut by a page break nor printed under a table's repeated header row."""
    for name in CHART_SHEETS:
        ws = book[name]
        charts = ws._charts
        assert len(charts) == 1 and charts[0].tagname == "barChart", name
        assert not ws.print_title_rows  # nothing repeats over the chart
        assert int(ws.page_setup.fitToWidth) == 1 and int(ws.page_setup.fitToHeight) == 1
    for name in WITHOUT_CHARTS:
        assert not book[name]._charts, name


def test_print_setup_on_every_sheet(book: openpyxl.Workbook) -> None:
    for ws in book.worksheets:
        assert int(ws.page_setup.paperSize) == 9, ws.title
        assert ws.page_setup.useFirstPageNumber and int(ws.page_setup.firstPageNumber) == 1  # per sheet
        footer = ws.oddFooter.center.text
        assert "&A" in footer and "&P" in footer and "&N" not in footer  # no workbook-wide total
        assert "2017年" in ws.oddHeader.left.text and "2017年12月28日" in ws.oddHeader.right.text
        if ws.title in CHART_SHEETS:
            continue
        assert ws.print_title_rows, ws.title
        if ws.title == "得分矩阵":
            continue
        assert int(ws.page_setup.fitToWidth) == 1 and int(ws.page_setup.fitToHeight) == 0
        assert ws.sheet_properties.pageSetUpPr.fitToPage


def test_matrix_prints_at_full_size_with_repeated_unit_and_item_headers(book: openpyxl.Workbook) -> None:
    """The matrix is split across pages at 100 % (its 9 pt stays 9 pt), never squeezed onto one page:
    every page repeats the unit columns and the item headings."""
    ws = book["得分矩阵"]
    pr = ws.sheet_properties.pageSetUpPr
    assert pr is None or not pr.fitToPage
    assert ws.print_title_cols == "$A:$D" and ws.print_title_rows == f"${_header_row(ws)}:${_header_row(ws)}"
    fonts = {
        ws.cell(r, c).font.sz
        for r in range(_header_row(ws), ws.max_row + 1)
        for c in range(1, ws.max_column + 1)
    }
    assert min(f for f in fonts if f) >= 8


def test_wrapped_remarks_never_start_a_line_with_closing_punctuation() -> None:
    run = synthetic_run(6, 3, missing_every=0)
    long_note = "弄虚作假：等次定为不合格，排在本组最后；疑似虚报2项，扣1分；材料有误3处，待核实"
    first = run.rankings["county"][0]
    run.rankings["county"][0] = dataclasses.replace(
        first, result=dataclasses.replace(first.result, notes=(long_note,))
    )
    ws = openpyxl.load_workbook(io.BytesIO(xlsx_report_bytes(run)))["县（市、区）排名"]
    cell = next(r[9] for r in _rows(ws) if r[1] == first.result.unit_name)
    assert isinstance(cell, str) and "\n" in cell  # broken by us, to the column's width
    for line in cell.split("\n"):
        assert line[0] not in "，。、；：）」』", cell
    assert cell.replace("\n", "") == long_note


def test_matrix_has_a_colour_scale(book: openpyxl.Workbook, mini_run: ScoreRun) -> None:
    ws = book["得分矩阵"]
    rules = [rule for cf in ws.conditional_formatting for rule in cf.rules]
    assert any(rule.type == "colorScale" for rule in rules)
    header = _header_row(ws)
    scored = [r for r in mini_run.results.values() if r.scored]
    assert len([r for r in _rows(ws)[header:] if r[1]]) == len(scored)
    values = [v for r in _rows(ws)[header:] for v in r[4:] if v is not None]
    assert values and all(0 <= v <= 1 for v in values)  # item score rates


def test_unit_sheets_list_every_criterion(book: openpyxl.Workbook, mini_run: ScoreRun) -> None:
    for res in (r for r in mini_run.results.values() if r.scored):
        ws = book[res.unit_name]
        rows = _rows(ws)[_header_row(ws) :]
        detail = [r for r in rows if r[1] is not None or r[2] is not None][:-1]  # the last row is the total
        assert len([r for r in rows if r[3] is not None]) == sum(len(it.criteria) for it in res.items)
        assert rows[-1][0] == "合计（基本分）"
        assert detail


def test_single_detail_table(mini_run: ScoreRun) -> None:
    book = openpyxl.load_workbook(io.BytesIO(xlsx_report_bytes(mini_run, per_unit_sheets=False)))
    assert book.sheetnames == [*FIXED_SHEETS, "评分明细"]
    ws = book["评分明细"]
    header = _header_row(ws)
    rows = _rows(ws)[header:]
    assert _rows(ws)[header - 1] == DETAIL_COLUMNS
    expected = sum(len(it.criteria) for r in mini_run.results.values() for it in r.items)
    assert len(rows) == expected
    assert ws.auto_filter.ref == f"A{header}:M{header + expected}"
    reasons = {c.reason for r in mini_run.results.values() for it in r.items for c in it.criteria}
    assert {r[11] for r in rows} == reasons
    opinions = {it.opinion or None for r in mini_run.results.values() for it in r.items}
    assert {r[12] for r in rows} == opinions  # the 核查意见 of each row's item


def test_problems_sheet(book: openpyxl.Workbook, mini_run: ScoreRun) -> None:
    ws = book["问题清单"]
    rows = _rows(ws)[_header_row(ws) :]
    assert len(rows) == len(mini_run.problems())
    codes = {r[0] for r in rows}
    assert "WB027" in codes  # 乙区 sent nothing
    assert all(not (r[3] or "").startswith("/") for r in rows)  # file names, not paths


def test_neutralised_everywhere(tmp_path: Path) -> None:
    run = scored_run(rubric_from(MINI, HOSTILE), tmp_path / "in")
    data = xlsx_report_bytes(run)
    book = openpyxl.load_workbook(io.BytesIO(data))
    texts = [
        v
        for ws in book.worksheets
        for row in ws.iter_rows(values_only=True)
        for v in row
        if isinstance(v, str)
    ]
    assert not [t for t in texts if t[:1] in "=+-@"]
    assert '\'=HYPERLINK("http://x")甲县' in texts and "'-市教育局" in texts
    assert any(t.startswith("'+科普日活动") for t in texts) and any(
        t.startswith("'@志愿者队伍") for t in texts
    )
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in z.read(name) and b"<f " not in z.read(name)


def test_control_characters_do_not_break_the_file(tmp_path: Path) -> None:
    run = synthetic_run(4, 3, unit_name=lambda i: f"\x01单位{i}\x07[a]/b")
    book = openpyxl.load_workbook(io.BytesIO(xlsx_report_bytes(run)))
    names = [str(row[1]) for row in _rows(book["得分矩阵"])[3:]]
    assert names and all(n.startswith("'\ufffd单位") for n in names)
    assert all("\x07" not in s and "[" not in s for s in book.sheetnames)


def test_same_results_same_bytes(mini_run: ScoreRun, tmp_path: Path) -> None:
    a, b = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    write_report(mini_run, a)
    write_report(mini_run, b)
    assert a.read_bytes() == b.read_bytes() == xlsx_report_bytes(mini_run)


def test_written_atomically(mini_run: ScoreRun, tmp_path: Path) -> None:
    target = tmp_path / "out" / "考核结果.xlsx"
    target.parent.mkdir()
    target.write_bytes(b"old")
    write_report(mini_run, target)
    assert target.read_bytes()[:2] == b"PK"
    assert [p.name for p in target.parent.iterdir()] == ["考核结果.xlsx"]  # no temporary file left behind


def test_large_run_gets_one_filterable_table() -> None:
    run = synthetic_run(300, 12)
    data = xlsx_report_bytes(run)
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=False)
    assert book.sheetnames == [*FIXED_SHEETS, "评分明细"]
    ws = book["评分明细"]
    header = _header_row(ws)
    expected = sum(len(it.criteria) for r in run.results.values() for it in r.items)
    assert ws.max_row == header + expected
    assert ws.auto_filter.ref == f"A{header}:M{header + expected}"
    assert len(book["县（市、区）排名图"]._charts) == 1  # charted, limited to the top of the ranking
    assert data == xlsx_report_bytes(run)


def test_readable_by_calamine(mini_run: ScoreRun) -> None:
    calamine = pytest.importorskip("python_calamine")
    book = calamine.CalamineWorkbook.from_filelike(io.BytesIO(xlsx_report_bytes(mini_run)))
    rows = book.get_sheet_by_name("县（市、区）排名").to_python()
    assert rows[2][: len(RANKING_COLUMNS)] == list(RANKING_COLUMNS)


def test_real_rubric(tmp_path: Path) -> None:
    if not PINGDINGSHAN.exists():
        pytest.skip("rubrics/pingdingshan-2017.yaml is not there yet")
    rubric: Rubric = rubric_from(PINGDINGSHAN)
    run = scored_run(rubric, tmp_path / "in", skip=(rubric.assessed_units()[1].id,))
    book = openpyxl.load_workbook(io.BytesIO(xlsx_report_bytes(run)))
    scored = [r for r in run.results.values() if r.scored]
    assert len(book.sheetnames) == len(FIXED_SHEETS) + len(scored)
    for name in CHART_SHEETS:
        assert len(book[name]._charts) == 1
    matrix = book["得分矩阵"]
    assert len(_rows(matrix)[_header_row(matrix) - 1]) == 4 + len(
        {it.item_id for r in scored for it in r.items}
    )


def test_negative_difference_is_a_number() -> None:
    run = synthetic_run(4, 3, missing_every=0)
    ranked = run.rankings["county"]
    first = ranked[0]
    ranked[0] = dataclasses.replace(
        first, result=dataclasses.replace(first.result, self_total=first.result.base - 1)
    )
    ws = openpyxl.load_workbook(io.BytesIO(xlsx_report_bytes(run)))["自评与核定对比"]
    row = next(r for r in _rows(ws) if r[1] == first.result.unit_name)
    assert row[4] == -1


def test_nothing_scored_still_gives_a_complete_workbook() -> None:
    run = synthetic_run(5, 3, missing_every=1)  # every unit 未报送
    book = openpyxl.load_workbook(io.BytesIO(xlsx_report_bytes(run)))
    assert book.sheetnames == WITHOUT_CHARTS  # nothing to chart
    assert all(r[0] == "—" for r in _rows(book["县（市、区）排名"])[3:-1])


def test_every_part_is_well_formed_xml(tmp_path: Path) -> None:
    """The furniture is written as text (reports/xlsx_parts.py): every part must still parse, with
    hostile names, control characters and characters outside the BMP in titles, sheets and headers."""
    from xml.etree import ElementTree

    runs = [
        scored_run(rubric_from(MINI, HOSTILE), tmp_path / "in"),
        synthetic_run(4, 3, unit_name=lambda i: f"\x01单位{i}\x07[a]/b & <x> \"q\" 'a'\r\U0001f600"),
    ]
    for run in runs:
        with zipfile.ZipFile(io.BytesIO(xlsx_report_bytes(run))) as z:
            for name in z.namelist():
                ElementTree.fromstring(z.read(name))


@pytest.mark.libreoffice
def test_libreoffice_opens_the_report_and_reads_the_ranking(tmp_path: Path, mini_run: ScoreRun) -> None:
    """The report's parts are written by hand (no openpyxl): LibreOffice must open every sheet and read
    the same ranking back (converted to xlsx by Calc, then read with openpyxl)."""
    import shutil
    import subprocess

    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed; .ci/run installs it")
    src = tmp_path / "report.xlsx"
    write_report(mini_run, src)
    out = tmp_path / "resaved"
    result = subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "xlsx:Calc MS Excel 2007 XML",
            "--outdir",
            str(out),
            str(src),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    ours, theirs = openpyxl.load_workbook(src), openpyxl.load_workbook(out / "report.xlsx")
    assert theirs.sheetnames == ours.sheetnames
    for name in ours.sheetnames[:2]:  # the ranking sheets: every value LibreOffice read is ours
        assert _rows(theirs[name]) == _rows(ours[name]), name


@pytest.mark.libreoffice
def test_libreoffice_prints_the_example_sheet_by_sheet(tmp_path: Path) -> None:
    """Page numbers per sheet, charts alone on their pages, the matrix split with its headers repeated,
    no printed line starting with closing punctuation — the example's workbook printed by LibreOffice."""
    from tests.printing import bad_line_starts, page_texts, squeeze, to_pdf
    from tests.report_fixtures import example_run

    source = tmp_path / "report.xlsx"
    write_report(example_run(), source)
    (pdf,) = to_pdf([source], tmp_path, tmp_path)
    # LibreOffice 7.4 ends one long per-unit sheet with an empty page (no text, not even its header):
    # its own pagination, not a row of ours; such pages carry no footer to check
    pages = [page for page in page_texts(pdf) if page.strip()]
    footers = [re.findall(r"(\S+)\s+第\s*(\d+)\s*页", page)[-1] for page in pages]
    firsts = [name for name, number in footers if number == "1"]
    assert firsts[:5] == [
        "县（市、区）排名",
        "县（市、区）排名图",
        "市直成员单位排名",
        "市直成员单位排名图",
        "得分矩阵",
    ]
    assert not any("共" in page.split("\n")[-2] for page in pages if page.strip())  # no workbook-wide total
    for page, (name, _) in zip(pages, footers, strict=True):
        if name.endswith("图"):
            assert "名次" not in page and "备注" not in page  # a chart page: no table header over it
    matrix = [page for page, (name, _) in zip(pages, footers, strict=True) if name == "得分矩阵"]
    assert len(matrix) >= 2  # split across pages at 100 %, not squeezed onto one
    for page in matrix:
        assert "分组" in page and "单位" in page and "名次" in page  # the unit columns and header repeat
    ranking = [p for p, (name, _) in zip(pages, footers, strict=True) if name.endswith("排名")]
    # we break the lines of every prose cell ourselves: 避头尾 holds on every page
    assert not bad_line_starts(pages)
    assert "弄虚作假：等次定为不合格" in squeeze("".join(ranking))


def test_a_remark_never_starts_with_a_separator_whatever_the_notes_bring() -> None:
    """The 备注 is joined from notes; one that comes with its own separator (",扣1分") must not print first."""
    from kepu_inspect.reports.tables import remark

    run = synthetic_run(3, 2, missing_every=0)
    first = run.rankings["county"][0]
    noted = dataclasses.replace(
        first,
        result=dataclasses.replace(first.result, notes=("，扣1分", "疑似虚报1项；", "；材料有误1处，待核实")),
    )
    text = remark(noted)
    assert text == "扣1分；疑似虚报1项；材料有误1处，待核实"
    assert all(part and part[0] not in "，。、；：" for part in text.split("；"))
