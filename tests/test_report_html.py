"""The html report: one self-contained, escaped, printable file; rendered and printed by headless Chromium."""

from __future__ import annotations

import dataclasses
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from kepu_inspect.core.results import ScoreRun
from kepu_inspect.reports.html_report import RANKING_CSS, render_html, render_ranking_html
from kepu_inspect.reports.tables import RANKING_COLUMNS
from tests.report_fixtures import MINI, PINGDINGSHAN, example_run, rubric_from, scored_run, synthetic_run

HOSTILE = {
    "name: 甲县": 'name: "=1+2<b>甲县</b>&amp;"',
    "name: 市教育局": 'name: "@市教育局"',
    "leads: [市教育局]": 'leads: ["@市教育局"]',
    "title: 科普日活动": 'title: "-科普日<script>x</script>"',
}


class Page(HTMLParser):
    """Tags with their attributes, and the text, of a parsed document."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.doctype = ""
        self.feed(text)
        self.close()

    def handle_decl(self, decl: str) -> None:
        self.doctype = decl

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def count(self, tag: str, **attrs: str) -> int:
        return sum(
            1 for t, a in self.tags if t == tag and all(attrs[k] in (a.get(k) or "").split() for k in attrs)
        )


@pytest.fixture(scope="module")
def mini_run(tmp_path_factory: pytest.TempPathFactory) -> ScoreRun:
    return scored_run(rubric_from(MINI), tmp_path_factory.mktemp("mini"))


@pytest.fixture(scope="module")
def page(mini_run: ScoreRun) -> Page:
    return Page(render_html(mini_run))


def test_document_structure(page: Page, mini_run: ScoreRun) -> None:
    assert page.doctype.lower() == "doctype html"
    assert ("html", {"lang": "zh-CN"}) in page.tags
    assert page.count("meta", charset="utf-8") == 1
    assert page.count("h1") == 1
    headings = [t for t in page.text if t.endswith("考核结果")]
    # titled from the rubric's own title, each group named once (never "（县（市、区））")
    assert "测试市2017年县（市、区）科学素质工作考核结果" in headings
    assert "测试市2017年市直成员单位科学素质工作考核结果" in headings
    assert not any("（县（" in t for t in page.text)
    assert not any("全民科学素质" in t for t in headings)  # the mini rubric's subject is 科学素质工作
    assert "kepu-inspect" not in "".join(page.text)  # no tool name on official pages
    assert page.count("table") == page.count("thead")  # every table repeats its header when printed
    assert page.count("table", **{"class": "ranking"}) == len(mini_run.rankings)
    assert page.count("svg") >= len(mini_run.rankings) + 1  # a chart per ranking, and one of the items
    for column in RANKING_COLUMNS:
        assert column in page.text
    scored = [r for r in mini_run.results.values() if r.scored]
    assert page.count("details") == len(scored)
    assert all("open" in a for t, a in page.tags if t == "details")  # printed expanded


def test_grades_are_coloured(page: Page, mini_run: ScoreRun) -> None:
    grades = {r.grade for r in mini_run.results.values() if r.scored}
    assert "优秀" in grades
    assert page.count("td", **{"class": "g0"}) >= 1  # 优秀 is the best band


def test_self_contained_and_printable(mini_run: ScoreRun) -> None:
    text = render_html(mini_run)
    assert "http://" not in text and "https://" not in text
    page = Page(text)
    assert page.count("script") == page.count("link") == page.count("img") == page.count("iframe") == 0
    assert not [a for _, a in page.tags if "src" in a or "href" in a]
    style = re.search(r"<style>(.*?)</style>", text, re.S)
    assert style is not None
    css = style.group(1)
    assert "@page" in css and "size: A4" in css and "counter(page)" in css
    assert "break-before: page" in css and "table-header-group" in css
    assert '"SimSun", "宋体", "Noto Serif CJK SC", "Noto Sans CJK SC", serif' in css


def test_text_is_neutralised_and_escaped(tmp_path: Path) -> None:
    run = scored_run(rubric_from(MINI, HOSTILE), tmp_path / "in")
    text = render_html(run)
    page = Page(text)
    assert "<b>甲县" not in text and "<script>x" not in text
    assert page.count("b") == 0 and page.count("script") == 0
    cells = [t for t in page.text if t.strip()]
    assert "'=1+2<b>甲县</b>&amp;" in cells  # shown literally, made inert for a spreadsheet
    assert "'@市教育局" in cells
    assert not [c for c in cells if c[:1] in "=+@" or c.startswith("-科普日")]


def test_same_results_same_text(mini_run: ScoreRun, tmp_path: Path) -> None:
    target = tmp_path / "考核结果.html"
    target.write_text(render_html(mini_run), "utf-8")
    assert target.read_text("utf-8") == render_html(mini_run)
    assert [p.name for p in tmp_path.iterdir()] == ["考核结果.html"]


def test_large_run_leaves_unit_detail_to_the_workbook() -> None:
    run = synthetic_run(300, 12)
    page = Page(render_html(run))
    assert page.count("details") == 0
    assert any("评分明细" in t and "工作簿" in t for t in page.text)
    assert any("前40名" in t for t in page.text)  # charts show the top of long rankings
    assert page.count("details") == 0
    forced = Page(render_html(synthetic_run(8, 3), unit_detail=False))
    assert forced.count("details") == 0


def _print_to_pdf(html_file: Path, tmp_path: Path) -> bytes:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        pytest.skip("headless Chromium is not installed (.ci/run installs Debian's chromium package)")
    pdf = tmp_path / "r.pdf"
    subprocess.run(
        [
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-pdf-header-footer",
            f"--user-data-dir={tmp_path / 'profile'}",
            f"--print-to-pdf={pdf}",
            html_file.as_uri(),
        ],
        check=False,
        capture_output=True,
        timeout=60,
    )
    assert pdf.exists(), "Chromium did not write the PDF"
    return pdf.read_bytes()


def _pages(data: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page\b", data))


@pytest.mark.chromium
def test_chromium_renders_and_prints(mini_run: ScoreRun, tmp_path: Path) -> None:
    html_file = tmp_path / "考核结果.html"
    html_file.write_text(render_html(mini_run), "utf-8")
    data = _print_to_pdf(html_file, tmp_path)
    assert data.startswith(b"%PDF")
    assert _pages(data) >= 2  # the rankings, then the analysis and detail sections on pages of their own
    if shutil.which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", "-layout", str(tmp_path / "r.pdf"), "-"],
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        ).stdout
        assert "考核结果" in text and "市直成员单位" in text  # CJK text rendered, not boxes
        assert re.search(r"第\s*1\s*页\s*共\s*\d+\s*页", text)  # page numbers from the print CSS


@pytest.mark.chromium
def test_chromium_prints_the_real_rubric(tmp_path: Path) -> None:
    if not PINGDINGSHAN.exists():
        pytest.skip("rubrics/pingdingshan-2017.yaml is not there yet")
    rubric = rubric_from(PINGDINGSHAN)
    run = scored_run(rubric, tmp_path / "in", skip=(rubric.assessed_units()[1].id,))
    html_file = tmp_path / "考核结果.html"
    html_file.write_text(render_html(run), "utf-8")
    data = _print_to_pdf(html_file, tmp_path)
    assert data.startswith(b"%PDF") and _pages(data) > 10


def test_negative_numbers_are_numbers_not_neutralised_text() -> None:
    run = synthetic_run(4, 3, missing_every=0)
    ranked = run.rankings["county"]
    first = ranked[0]
    ranked[0] = dataclasses.replace(
        first, result=dataclasses.replace(first.result, self_total=first.result.base - 1)
    )
    text = render_html(run)
    assert '<td class="num">-1.00</td>' in text and "&#x27;-1.00" not in text


def test_nothing_scored_still_renders() -> None:
    page = Page(render_html(synthetic_run(5, 3, missing_every=1)))
    assert page.count("table", **{"class": "ranking"}) == 2 and page.count("details") == 0
    assert "没有已评分的单位。" in page.text


# --- the ranking-only page (issue 16) ---------------------------------------------------------------
def test_ranking_page_holds_only_the_rankings(mini_run: ScoreRun) -> None:
    page = Page(render_ranking_html(mini_run))
    assert page.count("table", **{"class": "ranking"}) == len(mini_run.rankings)
    assert page.count("table") == page.count("thead")  # header rows repeat on every printed page
    assert page.count("details") == 0 and page.count("svg") == 0  # no detail, no charts
    for res in mini_run.results.values():
        assert res.unit_name in page.text
    assert any(t.startswith("通报日期：2017年12月28日") for t in page.text)
    assert "kepu-inspect" not in "".join(page.text)
    assert "tr { break-inside: avoid; page-break-inside: avoid; }" in RANKING_CSS  # no row split


@pytest.mark.chromium
def test_chromium_prints_the_ranking_page_of_the_example(tmp_path: Path) -> None:
    from tests.printing import bad_line_starts, page_texts, squeeze

    run = example_run()
    html_file = tmp_path / "考核结果-排名.html"
    html_file.write_text(render_ranking_html(run), "utf-8")
    data = _print_to_pdf(html_file, tmp_path)
    assert 1 <= _pages(data) <= 3
    pages = page_texts(tmp_path / "r.pdf")
    text = squeeze("".join(pages))
    for res in run.results.values():
        assert res.unit_name in text
    assert not bad_line_starts(pages)


@pytest.mark.chromium
def test_chromium_prints_unit_names_and_headings_whole(tmp_path: Path) -> None:
    """The detailed page's ranking once printed 新华/区 and 名/次 on two lines each: 备注 took the width."""
    from tests.printing import page_texts

    run = example_run()
    html_file = tmp_path / "考核结果.html"
    html_file.write_text(render_html(run, unit_detail=False), "utf-8")
    _print_to_pdf(html_file, tmp_path)
    lines = [line for page in page_texts(tmp_path / "r.pdf") for line in page.splitlines()]
    for res in run.results.values():
        assert any(res.unit_name in line for line in lines), res.unit_name
    header = next(line for line in lines if "名次" in line)
    for heading in ("单位", "自评分", "核定分", "总分", "等次", "备注"):
        assert heading in header
