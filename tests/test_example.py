"""The bundled Pingdingshan example scores to its checked-in expected results (golden files)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kepu_inspect.cli.app import app
from tests.conftest import ROOT

EXAMPLE = Path("examples/pingdingshan-2017")
RUBRIC = "rubrics/pingdingshan-2017.yaml"
runner = CliRunner()


@pytest.fixture(scope="module")
def scored(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("scored")
    cwd = os.getcwd()
    os.chdir(ROOT)  # file paths in the results are as given on the command line
    try:
        result = runner.invoke(
            app,
            [
                "score",
                RUBRIC,
                str(EXAMPLE / "submissions"),
                str(EXAMPLE / "verification"),
                "-o",
                str(out),
                "--date",
                "2017-12-28",
                "--reports",
                "json,csv",
                "--quiet",
            ],
        )
    finally:
        os.chdir(cwd)
    assert result.exit_code == 1, result.output  # the example has one file with errors, on purpose
    return out


@pytest.mark.parametrize("name", ["考核结果.json", "考核结果.csv", "问题清单.csv"])
def test_matches_expected(scored: Path, name: str) -> None:
    expected = (ROOT / EXAMPLE / "expected" / name).read_bytes()
    assert (scored / name).read_bytes() == expected, f"{name} differs from the checked-in expected results"


def test_example_story(scored: Path) -> None:
    data = json.loads((scored / "考核结果.json").read_text("utf-8"))
    units = {u["unit"]: u for u in data["units"]}
    assert units["石龙区"]["grade"] == "不合格" and units["石龙区"]["gates"] == ["fraud"]
    assert units["郏县"]["status"] == "missing"
    assert "汝州市" not in units  # not assessed in 2017
    codes = {p["code"] for p in data["problems"] if p["unit"] == "市体育局"}
    assert {"WB015", "WB019", "WB023"} <= codes
    groups = {g["group_id"]: g for g in data["rankings"]}
    assert len(groups["county"]["rows"]) == 9 and len(groups["dept"]["rows"]) == 29
    ranks = [r["rank"] for r in groups["dept"]["rows"] if r["rank"] is not None]
    assert ranks == sorted(ranks) and ranks[0] == 1
    assert len(data["files"]) == 39 and all(len(f["sha256"]) == 64 for f in data["files"])
    assert sum(1 for f in data["files"] if "verification" in f["path"]) == 2
    # the inspection: two teams' workbooks verified every unit but 叶县, inspected on its earlier file
    units_by_name = {u["unit"]: u for u in data["units"]}
    assert units_by_name["叶县"]["status"] == "held"
    assert {"VF008", "VF007"} <= {p["code"] for p in data["problems"]}
    assert units_by_name["新华区"]["inspection"]["inspectors"] == ["张建国", "李文华", "王志强"]
    assert units_by_name["石龙区"]["inspection"]["weaknesses"]
    assert data["rubric"]["content_hash"]


def test_csv_has_bom_for_excel(scored: Path) -> None:
    raw = (scored / "考核结果.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert "名次" in raw.decode("utf-8-sig").splitlines()[0]


def test_previous_year_changes(scored: Path, tmp_path: Path) -> None:
    """--previous reads an earlier results file and marks each unit's rank change (↑2, ↓1, →, 新)."""
    previous = json.loads((scored / "考核结果.json").read_text("utf-8"))
    county = next(g for g in previous["rankings"] if g["group_id"] == "county")
    first, second = county["rows"][0], county["rows"][1]
    first["rank"], second["rank"] = 2, 1  # last year the two swapped places
    county["rows"] = [r for r in county["rows"] if r["unit"] != "鲁山县"]  # and 鲁山县 was not ranked
    last_year = tmp_path / "2016.json"
    last_year.write_text(json.dumps(previous, ensure_ascii=False), "utf-8")
    out = tmp_path / "out"
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        result = runner.invoke(
            app,
            [
                "score",
                RUBRIC,
                str(EXAMPLE / "submissions"),
                str(EXAMPLE / "verification"),
                "-o",
                str(out),
                "--date",
                "2017-12-28",
                "--reports",
                "json",
                "--previous",
                str(last_year),
            ],
        )
    finally:
        os.chdir(cwd)
    assert result.exit_code == 1, result.output
    rows = {
        r["unit"]: r
        for g in json.loads((out / "考核结果.json").read_text("utf-8"))["rankings"]
        for r in g["rows"]
    }
    assert rows[first["unit"]]["change"] == "↑1" and rows[second["unit"]]["change"] == "↓1"
    assert rows["鲁山县"]["change"] == "新"
    assert "↑1" in result.output  # the terminal ranking shows it too


def test_the_file_typed_by_hand_is_scored_with_every_normalisation_noted(scored: Path) -> None:
    """舞钢市 typed full-width digits, 分 after scores and √/× (issue 13): the same score as before, and each
    normalisation is a note in the problem list, not a silent change."""
    data = json.loads((scored / "考核结果.json").read_text("utf-8"))
    notes = [p for p in data["problems"] if p["unit"] == "舞钢市"]
    assert notes and {p["severity"] for p in notes} == {"info"}
    assert {p["code"] for p in notes} == {"WB039", "WB044", "WB047"}
    assert {u["unit"]: u["status"] for u in data["units"]}["舞钢市"] == "scored"
