"""Titles taken from the rubric and dates as offices write them (issue 16: every command)."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kepu_inspect.cli.app import app
from kepu_inspect.core.dates import chinese_date, iso_date
from kepu_inspect.core.rubric import Rubric
from kepu_inspect.core.titles import form_title, group_results_title, notice_title, results_title
from tests.conftest import ROOT
from tests.report_fixtures import MINI, rubric_from

XINAN = ROOT / "rubrics" / "xinan-county-members-2018.yaml"
runner = CliRunner()


def titled(rubric: Rubric, title: str) -> Rubric:
    return dataclasses.replace(rubric, meta=dataclasses.replace(rubric.meta, title=title))


@pytest.mark.parametrize(
    ("title", "results", "group", "grouped"),
    [
        (
            "平顶山市2017年全民科学素质工作目标责任考核细则",
            "平顶山市2017年全民科学素质工作目标责任考核结果",
            "县（市、区）",
            "平顶山市2017年县（市、区）全民科学素质工作目标责任考核结果",
        ),
        (  # the group is already in the title: named once
            "新安县2018年度县直成员单位科普工作考核细则",
            "新安县2018年度县直成员单位科普工作考核结果",
            "县直成员单位",
            "新安县2018年度县直成员单位科普工作考核结果",
        ),
        (  # no year in the title: the rubric's year is added
            "科普工作目标管理考核办法",
            "2017年度科普工作目标管理考核结果",
            "市直成员单位",
            "2017年度市直成员单位科普工作目标管理考核结果",
        ),
        (  # no place-and-year prefix to put the group after, and brackets in the group's name
            "科普工作考核评分标准（试行）",
            "2017年度科普工作考核评分标准（试行）考核结果",
            "县（市、区）",
            "2017年度县（市、区）科普工作考核评分标准（试行）考核结果",
        ),
    ],
)
def test_titles_come_from_the_rubric_and_name_a_group_once(
    mini: Rubric, title: str, results: str, group: str, grouped: str
) -> None:
    rubric = titled(mini, title)
    assert results_title(rubric) == results
    assert notice_title(rubric) == f"关于{results}的通报"
    assert group_results_title(rubric, group) == grouped
    assert "（县（" not in group_results_title(rubric, group)


def test_form_title_is_unchanged_by_the_move_into_core(mini: Rubric) -> None:
    assert form_title(titled(mini, "平顶山市2017年全民科学素质工作目标责任考核细则")) == (
        "平顶山市2017年全民科学素质工作目标责任自评表"
    )


@pytest.mark.parametrize(
    ("typed", "iso", "printed"),
    [
        ("2017-12-30", "2017-12-30", "2017年12月30日"),
        ("2017/12/30", "2017-12-30", "2017年12月30日"),
        ("2017.12.30", "2017-12-30", "2017年12月30日"),
        ("2017年12月30日", "2017-12-30", "2017年12月30日"),
        ("２０１８年１月５日", "2018-01-05", "2018年1月5日"),  # full-width digits, no leading zeros printed
        (" 2018-1-5 ", "2018-01-05", "2018年1月5日"),
    ],
)
def test_dates_in_every_common_form(typed: str, iso: str, printed: str) -> None:
    assert iso_date(typed) == iso
    assert chinese_date(iso) == printed


@pytest.mark.parametrize("typed", ["2017-02-30", "2017-13-01", "明天", "20171230", ""])
def test_what_is_not_a_date_is_refused(typed: str) -> None:
    assert iso_date(typed) is None
    assert chinese_date(typed) == typed


@pytest.mark.parametrize(
    "args",
    [
        ["score", str(MINI), "--date", "2017-02-30"],
        ["check", str(MINI), "--deadline", "下周五"],
        ["check", str(MINI), "--date", "12/30"],
    ],
)
def test_a_bad_date_option_exits_2_saying_how_to_write_it(args: list[str], tmp_path: Path) -> None:
    result = runner.invoke(app, [*args[:2], str(tmp_path), *args[2:]])
    assert result.exit_code == 2, result.output
    assert "2017-12-28" in result.output or "2017年12月28日" in result.output


def test_the_rubric_report_date_dates_the_results_unless_date_is_given(
    tmp_path: Path, filled_dir: Path
) -> None:
    text = MINI.read_text("utf-8").replace(
        "  issuer: 测试市全民科学素质工作领导小组办公室",
        "  issuer: 测试市全民科学素质工作领导小组办公室\n  report_date: 2018-01-10",
    )
    rubric_file = tmp_path / "细则.yaml"
    rubric_file.write_text(text, "utf-8")
    assert rubric_from(rubric_file).meta.report_date == "2018-01-10"
    for extra, expected in (([], "2018-01-10"), (["--date", "2018年1月12日"], "2018-01-12")):
        out = tmp_path / expected
        result = runner.invoke(
            app,
            ["score", str(rubric_file), str(filled_dir), "-o", str(out), "--reports", "json,html", *extra],
        )
        assert result.exit_code in (0, 1), result.output
        assert json.loads((out / "考核结果.json").read_text("utf-8"))["date"] == expected
        page = (out / "考核结果-排名.html").read_text("utf-8")
        assert f"通报日期：{chinese_date(expected)}" in page and "考核日期" not in page
