"""考核结果通报 (score --reports tongbao): the body worded from the results, GB/T 9704 in the document XML,
and the printed pages measured in LibreOffice with the official fonts mapped to installed CJK fonts."""

from __future__ import annotations

import dataclasses
import io
import re
import zipfile
from pathlib import Path

import docx
import pytest
from typer.testing import CliRunner

from kepu_inspect.cli.app import app
from kepu_inspect.core.numbers import fmt
from kepu_inspect.core.results import ScoreRun
from kepu_inspect.reports.official_docx import title_lines
from kepu_inspect.reports.tables import item_analysis, remark
from kepu_inspect.reports.tongbao import NAMED_LIMIT, common_findings, tongbao_text, write_tongbao
from tests.printing import CLOSING, bad_line_starts, page_count, page_texts, squeeze, to_pdf
from tests.report_fixtures import (
    MINI,
    PINGDINGSHAN,
    example_inspections,
    example_run,
    rubric_from,
    scored_run,
    synthetic_run,
    with_inspections,
)

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
runner = CliRunner()


@pytest.fixture(scope="module")
def run() -> ScoreRun:
    return with_inspections(example_run(), example_inspections())


@pytest.fixture(scope="module")
def tongbao_bytes(run: ScoreRun) -> bytes:
    sink = io.BytesIO()
    write_tongbao(run, sink)
    return sink.getvalue()


@pytest.fixture(scope="module")
def document_xml(tongbao_bytes: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(tongbao_bytes)) as z:
        return z.read("word/document.xml").decode("utf-8")


def body_text(run: ScoreRun) -> str:
    return "".join(text for _, text in tongbao_text(run).body)


# --- the words ------------------------------------------------------------------------------------------
def test_title_and_addressees_come_from_the_rubric_and_groups(run: ScoreRun) -> None:
    text = tongbao_text(run)
    assert text.title == "关于平顶山市2017年全民科学素质工作目标责任考核结果的通报"
    assert text.to == "各县（市、区），各市直成员单位："
    assert text.attachment_title == "平顶山市2017年全民科学素质工作目标责任考核结果"
    assert [t.heading for t in text.tables] == ["一、县（市、区）", "二、市直成员单位"]
    assert text.issuer == "平顶山市全民科学素质工作领导小组办公室" and text.date == "2017年12月28日"


def test_body_states_the_overall_situation_with_grade_counts(run: ScoreRun) -> None:
    body = body_text(run)
    scored = [r for r in run.results.values() if r.scored]
    counts = {g: sum(r.grade == g for r in scored) for g in ("优秀", "良好", "合格", "不合格")}
    assert f"本次考核共{len(run.results)}个单位参加，{len(scored)}个单位参加排名并评定等次" in body
    assert "、".join(f"{g}{n}个" for g, n in counts.items() if n) in body
    county = [r for r in scored if r.group_id == "county"]
    top = max(county, key=lambda r: r.score)
    assert "县（市、区）平均得分" in body and f"最高{top.score:.2f}分（{top.unit_name}）" in body


def test_body_names_every_unit_graded_best(run: ScoreRun) -> None:
    body = body_text(run)
    best = [r.unit_name for r in run.results.values() if r.scored and r.grade == "优秀"]
    assert best
    praise = next(text for _, text in tongbao_text(run).body if "予以通报表扬" in text)
    for name in best:
        assert name in praise
    assert f"共{len(best)}个单位考核等次为优秀" in body


def test_body_gives_the_reason_for_vetoed_held_and_unranked_units(run: ScoreRun) -> None:
    body = body_text(run)
    assert "石龙区经督导检查组查实存在“弄虚作假”情形，等次定为不合格，排在本组最后。" in body
    assert "郏县未报送自评材料，不参加排名。" in body
    for held in (r for r in run.results.values() if r.status == "held"):
        assert f"{held.unit_name}因" in body and "暂不排名，核实后另行通报。" in body


def test_body_names_the_weakest_items_and_the_common_findings(run: ScoreRun) -> None:
    body = body_text(run)
    weakest = item_analysis(run)[0]
    assert f"“{weakest.title}”（平均得分率{weakest.average_rate * 100:.1f}%）" in body
    # written in three units' records in three numbering styles (1．/一是/（1）), found as one finding
    found = dict(common_findings([r for r in run.results.values() if r.has_score]))
    assert found["科普经费投入不足"] == 3 and "是科普经费投入不足（3个单位）" in body
    assert found["台账资料不规范，佐证材料缺失较多"] == 2
    top = max(found.values())
    assert (
        f"一是{next(c for c, n in found.items() if n == top)}（{top}个单位）" in body
    )  # most frequent first
    assert "科普志愿者队伍建设滞后" not in body  # one unit's finding is not a common one


def test_common_findings_ignore_remarks_that_confirm_the_claim(run: ScoreRun) -> None:
    found = dict(common_findings(list(run.results.values())))
    assert "佐证材料不全，酌情扣分" in found and "部分活动无图片资料" in found
    assert not any("一致" in clause for clause in found)


def test_no_printed_string_starts_with_closing_punctuation(run: ScoreRun) -> None:
    for text in tongbao_text(run).texts():
        for line in text.split("\n"):
            assert not line or line[0] not in CLOSING, line
            for clause in re.split("[；。]", line):  # nor does a clause after a separator
                assert not clause or clause[0] not in CLOSING, (clause, line)


def test_attachment_lists_every_unit_with_rank_score_grade_and_remark(run: ScoreRun) -> None:
    text = tongbao_text(run)
    county, dept = text.tables
    assert [c.heading for c in county.columns] == ["名次", "单位", "总分", "等次", "备注"]
    assert [c.heading for c in dept.columns] == ["名次", "单位", "满分", "得分率", "总分", "等次", "备注"]
    rows = {row[1]: row for t in text.tables for row in t.rows}
    assert set(rows) == {r.unit_name for r in run.results.values()}
    first = run.rankings["county"][0]
    res = first.result
    assert rows[res.unit_name] == ("1", res.unit_name, f"{res.score:.2f}", res.grade, remark(first))
    assert rows["郏县"] == ("—", "郏县", "", "—", "未报送")
    top = run.rankings["dept"][0].result
    assert rows[top.unit_name][:6] == (
        "1",
        top.unit_name,
        fmt(top.max_base),
        f"{top.rate:.2f}%",
        f"{top.score:.2f}",
        top.grade,
    )
    assert "计分规则：" in text.rules and "名次相同者为并列" in text.rules


def test_a_national_run_summarises_the_body_and_lists_everyone_in_the_attachment() -> None:
    big = synthetic_run(units=3000, items=10)
    text = tongbao_text(big)
    body = "".join(t for _, t in text.body)
    named = sum(1 for r in big.results.values() if r.unit_name in body)
    assert named <= 3 * NAMED_LIMIT + 10, named  # praised, worst and unranked lists name a few each
    assert "名单见附件" in body
    assert sum(len(t.rows) for t in text.tables) == 3000
    sink = io.BytesIO()
    write_tongbao(big, sink)
    document = docx.Document(io.BytesIO(sink.getvalue()))
    assert sum(len(t.rows) for t in document.tables) == 3000 + len(document.tables)  # one header row each


# --- the document -----------------------------------------------------------------------------------------
def test_document_xml_declares_the_official_fonts_and_sizes(document_xml: str) -> None:
    """GB/T 9704 in the XML: title 2号 (44 half-points) 方正小标宋简体, body 3号 (32) 仿宋_GB2312, headings 黑体,
    page numbers 4号 (28) 宋体; the fonts are declared by name, whatever this machine has."""
    runs = re.findall(r"<w:r>(<w:rPr>.*?</w:rPr>)<w:t[^>]*>([^<]*)</w:t>", document_xml)
    by_text: dict[str, str] = {}
    for props, text in runs:
        by_text.setdefault(text, props)
    title = by_text["关于平顶山市"]
    assert 'w:eastAsia="方正小标宋简体"' in title and '<w:sz w:val="44"/>' in title
    body = next(props for text, props in by_text.items() if text.startswith("经综合评定"))
    assert 'w:eastAsia="仿宋_GB2312"' in body and '<w:sz w:val="32"/>' in body
    assert 'w:eastAsia="黑体"' in by_text["一、总体情况"]
    assert 'w:eastAsia="仿宋_GB2312"' in by_text["新华区"] and '<w:sz w:val="24"/>' in by_text["新华区"]


def test_document_page_is_a4_with_gb_margins_and_a_22_line_grid(tongbao_bytes: bytes) -> None:
    document = docx.Document(io.BytesIO(tongbao_bytes))
    body = document.sections[0]
    assert (round(body.page_width.mm), round(body.page_height.mm)) == (210, 297)
    margins = (body.top_margin.mm, body.bottom_margin.mm, body.left_margin.mm, body.right_margin.mm)
    assert tuple(round(m) for m in margins) == (37, 35, 28, 26)  # 版心 156 × 225 mm
    grid = body._sectPr.find(f"{W}docGrid")
    assert grid.get(f"{W}type") == "lines" and grid.get(f"{W}linePitch") == "579"  # 225 mm / 22 lines
    spaced = re.findall(r'<w:spacing w:val="(-?\d+)"/><w:sz w:val="32"/>', document_xml_of(tongbao_bytes))
    assert spaced and set(spaced) == {"-5"}  # 3号 at 15.75 pt a character: 28 to the 156 mm line
    assert len(document.sections) == 2  # the 附件 on pages of their own


def document_xml_of(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return z.read("word/document.xml").decode("utf-8")


def test_tables_repeat_their_header_and_never_split_a_row(tongbao_bytes: bytes) -> None:
    document = docx.Document(io.BytesIO(tongbao_bytes))
    assert len(document.tables) == 2
    for table in document.tables:
        rows = table._tbl.findall(f"{W}tr")
        assert rows[0].find(f"{W}trPr/{W}tblHeader") is not None
        assert all(r.find(f"{W}trPr/{W}cantSplit") is not None for r in rows)
        assert not document.element.body.findall(f".//{W}txbxContent")  # no text boxes anywhere


def test_no_tool_name_on_the_pages_but_in_the_properties(tongbao_bytes: bytes, document_xml: str) -> None:
    assert "kepu-inspect" not in document_xml
    document = docx.Document(io.BytesIO(tongbao_bytes))
    props = document.core_properties
    assert "kepu-inspect" in props.comments and props.author == "平顶山市全民科学素质工作领导小组办公室"
    assert props.title == "关于平顶山市2017年全民科学素质工作目标责任考核结果的通报"


def test_equal_results_give_equal_bytes(run: ScoreRun, tongbao_bytes: bytes) -> None:
    again = io.BytesIO()
    write_tongbao(run, again)
    assert again.getvalue() == tongbao_bytes


def test_hostile_names_give_a_valid_document(tmp_path: Path) -> None:
    rubric = rubric_from(
        MINI,
        {
            "name: 甲县": 'name: "=1+2<b>甲县</b>&amp;\\u0007"',
            "name: 市教育局": 'name: "，市教育局"',
            "leads: [市教育局]": 'leads: ["，市教育局"]',
        },
    )
    run = scored_run(rubric, tmp_path)
    # what a workbook's _xFFFF_ escapes or a broken file could bring into a note: not XML at all
    first = run.rankings["county"][0]
    run.rankings["county"][0] = dataclasses.replace(
        first, result=dataclasses.replace(first.result, notes=("备注\uffff\ud800\x01", "\u202e反向"))
    )
    sink = io.BytesIO()
    write_tongbao(run, sink)
    document = docx.Document(io.BytesIO(sink.getvalue()))
    text = "".join(p.text for p in document.paragraphs)
    assert "<b>甲县</b>&amp;" in text
    cells = "".join(c.text for t in document.tables for row in t.rows for c in row.cells)
    assert "备注\ufffd\ufffd\ufffd" in cells and "\u202e" not in cells


def test_titles_break_at_phrase_boundaries() -> None:
    assert title_lines("关于平顶山市2017年全民科学素质工作目标责任考核结果的通报", 20.1) == [
        "关于平顶山市2017年全民科学素质工作",
        "目标责任考核结果的通报",
    ]
    assert title_lines("关于新安县2018年度县直成员单位科普工作考核结果的通报", 20.1) == [
        "关于新安县2018年度",
        "县直成员单位科普工作考核结果的通报",
    ]
    assert title_lines("短标题", 20.1) == ["短标题"]


# --- options and dates through the command line -------------------------------------------------------------
def test_letterhead_number_and_date_from_the_command_line(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = runner.invoke(
        app,
        [
            "score",
            str(PINGDINGSHAN),
            str(Path(__file__).resolve().parents[1] / "examples" / "pingdingshan-2017" / "submissions"),
            "-o",
            str(out),
            "--reports",
            "tongbao",
            "--date",
            "2018年1月5日",
            "--doc-number",
            "平科素办〔2018〕1号",
            "--letterhead",
            "平顶山市全民科学素质工作领导小组办公室文件",
            "-q",
        ],
    )
    assert result.exit_code == 1, result.output  # the example has errors on purpose
    data = (out / "考核结果通报.docx").read_bytes()
    xml = document_xml_of(data)
    document = docx.Document(io.BytesIO(data))
    texts = [p.text for p in document.paragraphs]
    assert texts[0] == "平顶山市全民科学素质工作领导小组办公室文件" and "平科素办〔2018〕1号" in texts
    assert '<w:color w:val="FF0000"/>' in xml and 'w:color="FF0000"' in xml  # red 标志 and red line
    assert "2018年1月5日" in texts


def test_the_rubric_sets_the_letterhead_number_and_report_date(tmp_path: Path) -> None:
    rubric = rubric_from(
        MINI,
        {
            "  issuer: 测试市全民科学素质工作领导小组办公室": (
                "  issuer: 测试市全民科学素质工作领导小组办公室\n"
                "  report_date: 2018-01-10\n"
                "  notice: {letterhead: 测试市科协文件, number: 测科〔2018〕2号, to: 各有关单位}"
            )
        },
    )
    assert rubric.meta.report_date == "2018-01-10" and rubric.meta.doc_number == "测科〔2018〕2号"
    run = dataclasses.replace(scored_run(rubric, tmp_path), date=rubric.meta.report_date)
    text = tongbao_text(run)
    assert (text.letterhead, text.number, text.to, text.date) == (
        "测试市科协文件",
        "测科〔2018〕2号",
        "各有关单位：",
        "2018年1月10日",
    )


# --- printed: LibreOffice with the official fonts mapped to Noto CJK ---------------------------------------
@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory, tongbao_bytes: bytes) -> list[str]:
    work = tmp_path_factory.mktemp("tongbao-print")
    source = work / "tongbao.docx"
    source.write_bytes(tongbao_bytes)
    (pdf,) = to_pdf([source], work, work)
    pages = page_texts(pdf)
    assert len(pages) == page_count(pdf)
    return pages


@pytest.mark.libreoffice
def test_libreoffice_mapped_fonts_example_is_at_most_five_pages_with_every_unit(
    printed: list[str], run: ScoreRun
) -> None:
    assert len(printed) <= 5, len(printed)
    text = squeeze("".join(printed))
    for res in run.results.values():
        assert res.unit_name in text
    assert "平顶山市全民科学素质工作领导小组办公室2017年12月28日" in text  # issuer and date, together
    signed = next(i for i, page in enumerate(printed) if "2017 年 12 月 28 日" in page)
    assert "附件" in printed[signed + 1].split("\n", 3)[0] + printed[signed + 1]  # the 附件 start a page


@pytest.mark.libreoffice
def test_libreoffice_mapped_fonts_no_ranking_row_is_split(printed: list[str], run: ScoreRun) -> None:
    """Each unit's row — its name and the end of its 备注 — prints on one page."""
    text = tongbao_text(run)
    attachment = [squeeze(p) for p in printed if "名次" in p]
    for table in text.tables:
        for row in table.rows:
            name, remark = row[1], squeeze(row[-1])
            pages = [
                i for i, page in enumerate(attachment) if re.search(rf"(?<![\u4e00-\u9fff]){name}", page)
            ]
            assert pages, name
            if remark:  # a wrapped 备注 prints around its row's other cells: its start and its end
                assert any(remark[:4] in attachment[i] and remark[-3:] in attachment[i] for i in pages), (
                    name,
                    remark,
                )


@pytest.mark.libreoffice
def test_libreoffice_mapped_fonts_no_line_starts_with_closing_punctuation(printed: list[str]) -> None:
    assert not bad_line_starts(printed)


@pytest.mark.libreoffice
def test_libreoffice_mapped_fonts_body_lines_hold_at_most_28_characters(printed: list[str]) -> None:
    body = [p for p in printed if "名次" not in p]
    widths = []
    for page in body:
        for line in page.splitlines():
            line = line.strip()
            if not line or line.startswith("—"):
                continue
            widths.append(sum(0.5 if ch.isascii() else 1 for ch in line.replace(" ", "")))
    assert widths and max(widths) <= 28.5, max(widths)
    assert sum(w >= 26 for w in widths) >= 20  # full lines are 28 characters, not 27


@pytest.mark.libreoffice
def test_libreoffice_mapped_fonts_the_signature_never_stands_on_a_page_alone(tmp_path: Path) -> None:
    """GB/T 9704 7.3.5.4: the issuer and date (and the seal) share their page with the text before them.
    The 宜阳 rubric's notice ends right where a page does: 特此通报 goes over with them."""
    rubric = rubric_from(Path(__file__).resolve().parents[1] / "rubrics" / "yiyang-towns-2019.yaml")
    run = scored_run(rubric, tmp_path / "in", skip=())
    source = tmp_path / "yiyang.docx"
    with source.open("wb") as sink:
        write_tongbao(run, sink)
    (pdf,) = to_pdf([source], tmp_path, tmp_path)
    pages = page_texts(pdf)
    signature = squeeze(rubric.meta.issuer + "2017年12月28日")
    signed = next(page for page in pages if signature in squeeze(page))
    assert "特此通报" in squeeze(signed)
    body = "".join(t for _, t in tongbao_text(run).body)
    # a gate decided from the scores is not something the inspectors "查实"; its units are named once
    assert "有部分得分低于该部分分值的60%（各部分得分须达60%），等次最高为不合格" in body
    assert "扣分项目" not in body  # a 扣分 item is no weak item: what it earns is no score rate
    assert "查实存在“各部分得分须达60%”" not in body


def test_tables_stream_into_the_document_as_python_docx_would_place_them() -> None:
    """The 附件 tables are written as text at save time (a 3,000-row tree cost 160 MB); the document must
    be the one python-docx would have saved with the tables parsed into it, hostile text included."""
    from docx.oxml import parse_xml
    from lxml import etree

    from kepu_inspect.reports.official_docx import Column, OfficialDocument, table_parts, table_xml

    columns = [Column("名次", 2), Column("单位", 8, "left"), Column("备注", 10, "left")]
    rows = [[str(i), f"单位{i}<&>\"'", "A&B 2017年\t备注\u3000"] for i in range(40)]

    def made(streamed: bool) -> bytes:
        doc = OfficialDocument()
        doc.paragraph("正文")
        if streamed:
            doc.table(table_parts(columns, rows, muted_rows=frozenset({3})))
            doc.paragraph("两表之间")
            doc.table(table_xml(columns, rows[:2]))
        else:
            for xml in (
                table_xml(columns, rows, muted_rows=frozenset({3})),
                None,
                table_xml(columns, rows[:2]),
            ):
                if xml is None:
                    doc.paragraph("两表之间")
                    continue
                anchor = doc.doc.add_paragraph()
                anchor._p.addprevious(parse_xml(xml))
                anchor._p.getparent().remove(anchor._p)
        sink = io.BytesIO()
        doc.save(sink)
        with zipfile.ZipFile(sink) as z:
            return etree.tostring(etree.fromstring(z.read("word/document.xml")), method="c14n")

    assert made(streamed=True) == made(streamed=False)
    assert b"kepu-table-" not in made(streamed=True)


@pytest.mark.libreoffice
def test_libreoffice_mapped_fonts_national_ranks_and_scores_print_on_one_line(tmp_path: Path) -> None:
    """A national run ranks thousands and a 加分 total passes 100: 名次 2941 and 总分 102.78 broke over
    two lines at the fixed column widths; each column now fits its widest figure."""
    from decimal import Decimal

    small = synthetic_run(units=60, items=3)
    county = [
        dataclasses.replace(r, rank=2940 + i, result=dataclasses.replace(r.result, score=Decimal("102.78")))
        for i, r in enumerate(small.rankings["county"])
        if r.result.has_score
    ]
    wide = dataclasses.replace(small, rankings={**small.rankings, "county": county})
    source = tmp_path / "national.docx"
    with source.open("wb") as sink:
        write_tongbao(wide, sink)
    (pdf,) = to_pdf([source], tmp_path, tmp_path)
    words = " ".join(page for page in page_texts(pdf) if "名次" in page).split()  # the 附件's pages
    for r in county:
        assert str(r.rank) in words, r.rank
    assert words.count("102.78") == len(county)
