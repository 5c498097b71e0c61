"""The inspection record in every report (issue 14's report part): 核查意见 per item in the xlsx detail
and the html, a 督导检查意见 column in the ranking csv, and a per-unit 督导检查意见 section with the 检查方式
counted — built on runs whose units carry InspectionSummary records, as the verification workbooks
will give them."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest

from kepu_inspect.core.results import InspectionSummary, ScoreRun
from kepu_inspect.reports.data_report import ranking_csv
from kepu_inspect.reports.html_report import render_html
from kepu_inspect.reports.tables import inspection_lines, inspection_text
from kepu_inspect.reports.xlsx_report import xlsx_report_bytes
from tests.report_fixtures import (
    TEAM_ONE,
    example_inspections,
    example_run,
    inspection,
    synthetic_run,
    with_inspections,
)

OPINION = "经查，科普日活动台账完整，现场查看社区科普活动室2处，与自评一致。"


@pytest.fixture(scope="module")
def run() -> ScoreRun:
    base = example_run()
    xinhua = next(r for r in base.results.values() if r.unit_name == "新华区")
    first, second = xinhua.items[0], xinhua.items[1]
    opinions = {
        ("新华区", first.item_id): OPINION,
        ("新华区", second.item_id): "王建国：佐证材料不全；李敏：扣1分",
    }
    return with_inspections(base, example_inspections(), opinions)


def test_inspection_lines_name_the_team_its_members_and_count_the_methods() -> None:
    res = synthetic_run(3, 2, missing_every=0).results["U00000"]
    record = inspection(
        "第一督导检查组", TEAM_ONE, overall="工作扎实。", strengths="经费到位。", weaknesses="台账不全。"
    )
    lines = inspection_lines(res.__class__(**{**res.__dict__, "inspection": record}))
    assert lines == [
        ("督导检查组", "第一督导检查组（组长：王建国；成员：李敏、赵强）"),
        ("检查方式", "资料检查12项、实地查看3项、抽查2项"),
        ("总体评价", "工作扎实。"),
        ("主要成绩", "经费到位。"),
        ("存在问题", "台账不全。"),
    ]


def test_a_verification_without_named_inspectors_prints_no_empty_team_line() -> None:
    """Under verification: in_submission the record carries the placeholder 督导检查组 and nothing else."""
    res = synthetic_run(3, 2, missing_every=0).results["U00000"]
    bare = res.__class__(
        **{**res.__dict__, "inspection": InspectionSummary(leader="督导检查组", inspectors=("督导检查组",))}
    )
    assert inspection_lines(bare) == [] and inspection_text(bare) == ""


def test_ranking_csv_has_the_inspection_record_in_its_last_column(run: ScoreRun) -> None:
    rows = list(csv.reader(io.StringIO(ranking_csv(run))))
    assert rows[0][-1] == "督导检查意见"
    by_unit = {r[2]: r[-1] for r in rows[1:]}
    assert by_unit["新华区"] == (
        "督导检查组：第一督导检查组（组长：王建国；成员：李敏、赵强）；总体评价：领导重视，机制健全，各项任务完成较好；"
        "主要成绩：科普日活动组织有力，社区科普益民工程覆盖面广；存在问题：1．科普经费投入不足；2．科普志愿者队伍建设滞后"
    )
    assert by_unit["郏县"] == ""  # no record (nothing submitted), no words


def test_xlsx_unit_sheet_has_the_record_and_the_opinion_per_item(run: ScoreRun) -> None:
    book = openpyxl.load_workbook(io.BytesIO(xlsx_report_bytes(run)))
    ws = book["新华区"]
    rows = [tuple(r) for r in ws.iter_rows(values_only=True)]
    labels = {
        r[0]: r[2] for r in rows if r[0] in ("督导检查组", "检查方式", "总体评价", "主要成绩", "存在问题")
    }
    assert labels["检查方式"] == "资料检查12项、实地查看3项、抽查2项"
    assert labels["存在问题"] == "1．科普经费投入不足；2．科普志愿者队伍建设滞后。"
    assert any(r[0] == "督导检查意见" for r in rows)
    header = next(i for i, r in enumerate(rows) if r[0] == "序号")
    assert rows[header][-1] == "核查意见"
    assert OPINION in [(r[-1] or "").replace("\n", "") for r in rows[header + 1 :]]
    # an item of several criteria shows its 核查意见 once, merged over its rows
    merged = [str(m) for m in ws.merged_cells.ranges if str(m).startswith("K")]
    assert merged


def test_xlsx_detail_table_carries_the_opinion_on_every_row_of_the_item(run: ScoreRun) -> None:
    book = openpyxl.load_workbook(io.BytesIO(xlsx_report_bytes(run, per_unit_sheets=False)))
    rows = [tuple(r) for r in book["评分明细"].iter_rows(values_only=True)]
    xinhua = next(r for r in run.results.values() if r.unit_name == "新华区")
    first = xinhua.items[0]
    hits = [r for r in rows if r[0] == "新华区" and r[3] == first.title]
    assert len(hits) == len(first.criteria) and all(r[12] == OPINION for r in hits)


def test_html_detail_has_the_record_and_the_opinion_once_per_item(run: ScoreRun) -> None:
    page = render_html(run)
    recorded = [r for r in run.results.values() if r.scored and inspection_lines(r)]
    assert page.count("<h4>督导检查意见</h4>") == len(recorded) >= 3
    assert "<dt>检查方式</dt><dd>资料检查12项、实地查看3项、抽查2项</dd>" in page
    assert "<dt>存在问题</dt><dd>1．科普经费投入不足；2．科普志愿者队伍建设滞后。</dd>" in page
    xinhua = next(r for r in run.results.values() if r.unit_name == "新华区")
    span = len(xinhua.items[0].criteria)
    assert f'<td class="opinion" rowspan="{span}">{OPINION}</td>' in page
    assert "王建国：佐证材料不全；李敏：扣1分" in page  # several inspectors' remarks, each attributed
