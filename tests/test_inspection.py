"""The inspection (issue 14): verification workbooks made, filled by several inspectors, combined, scored.

Every workbook here is real: templates filled through openpyxl as a unit would, verification workbooks
written by the `inspection` command and filled cell by cell as inspectors would in Excel.
"""

from __future__ import annotations

import io
import shutil
import subprocess
from decimal import Decimal as D
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from kepu_inspect.adapters import verification_layout as V
from kepu_inspect.adapters.output import normalise_xlsx_bytes
from kepu_inspect.adapters.rubric_file import load_rubric_text
from kepu_inspect.adapters.teams_file import read_teams
from kepu_inspect.adapters.verification_reader import read_verification
from kepu_inspect.cli.app import app
from kepu_inspect.core.rubric import Rubric
from kepu_inspect.core.verification import Mark, combine
from kepu_inspect.services.batch import score_paths
from tests.conftest import MINI
from tests.workbook_factory import clean_bytes, write

runner = CliRunner()


def separate(combine_rule: str = "mean", extra: str = "") -> tuple[Rubric, Path]:
    text = MINI.read_text("utf-8").replace(
        "  verification: in_submission\n",
        f"  verification: separate\n  inspectors: {{combine: {combine_rule}, spread: 1.5}}\n{extra}",
    )
    loaded = load_rubric_text(text, Path("mini-separate.yaml"))
    assert loaded.rubric is not None, [p.message for p in loaded.problems]
    return loaded.rubric, text  # type: ignore[return-value]


@pytest.fixture()
def office(tmp_path: Path) -> dict[str, Any]:
    rubric, text = separate()
    rubric_file = tmp_path / "细则.yaml"
    rubric_file.write_text(text, "utf-8")  # type: ignore[arg-type]
    inbox = tmp_path / "收到的材料"
    for uid, name in (("A", "甲县"), ("B", "乙区"), ("K", "市科协")):
        write(inbox, f"{name}.xlsx", clean_bytes(rubric, uid))
    teams = tmp_path / "检查组.yaml"
    teams.write_text(
        "teams:\n  - name: 第一督导检查组\n    leader: 张组长\n    members: [李四, 王五]\n    units: [甲县, 乙区]\n"
        "  - name: 第二督导检查组\n    leader: 赵组长\n    members: [钱六]\n    units: [市科协]\n",
        "utf-8",
    )
    return {"rubric": rubric, "rubric_file": rubric_file, "inbox": inbox, "teams": teams, "root": tmp_path}


def make_workbooks(office: dict[str, Any], out: Path, *extra: str) -> list[Path]:
    result = runner.invoke(
        app,
        [
            "inspection",
            str(office["rubric_file"]),
            str(office["inbox"]),
            "-o",
            str(out),
            "--teams",
            str(office["teams"]),
            *extra,
        ],
    )
    assert result.exit_code == 0, result.output
    return sorted(out.glob("*.xlsx"))


def fill(
    path: Path, marks: dict[tuple[str, str], dict[str, Any]], summary: dict[str, dict[str, str]] | None = None
) -> None:
    """Type into the workbook as inspectors do: (unit name, inspector) → {row id: 核定分 / text}."""
    wb = load_workbook(path)
    owners = {}
    for row in wb[V.IDENTITY_SHEET].iter_rows(values_only=True):
        if row[0] and str(row[0]).startswith(V.SHEET_PREFIX):
            owners[str(row[0])[len(V.SHEET_PREFIX) :]] = str(row[1])
    for sheet_name, owner in owners.items():
        ws = wb[sheet_name]
        unit_id, _, who = owner.partition("|")
        if who == V.SUMMARY_MARK:
            for key, text in (summary or {}).get(unit_id, {}).items():
                i = [k for k, _ in V.SUMMARY_ROWS].index(key)
                ws[f"C{V.SUMMARY_FIRST_ROW + i}"] = text
            continue
        rows = {ws[f"A{r}"].value: r for r in range(V.FIRST_DATA_ROW, ws.max_row + 1) if ws[f"A{r}"].value}
        for (uname, inspector), entries in marks.items():
            if ws.title != f"{uname}-{inspector}":
                continue
            for rid, value in entries.items():
                col, key = V.COL_VERIFIED, rid
                for prefix, column in (("opinion:", V.COL_OPINION), ("method:", V.COL_METHOD)):
                    if rid.startswith(prefix):
                        col, key = column, rid[len(prefix) :]
                ws[f"{col}{rows[key]}"] = value
    buf = io.BytesIO()
    wb.save(buf)
    path.write_bytes(normalise_xlsx_bytes(buf.getvalue()))


def crit(run: Any, unit: str, uid: str) -> Any:
    return next(c for it in run.results[unit].items for c in it.criteria if c.uid == uid)


def test_inspection_workbooks_per_team_scored_with_combined_marks(office: dict[str, Any]) -> None:
    out = office["root"] / "核查表"
    books = make_workbooks(office, out)
    assert len(books) == 2 and any("第一督导检查组" in b.name for b in books)
    first = next(b for b in books if "第一" in b.name)
    wb = load_workbook(first)
    assert {"甲县-张组长", "甲县-李四", "甲县-王五", "甲县-汇总", "乙区-张组长"} <= set(wb.sheetnames)
    assert wb[V.IDENTITY_SHEET].sheet_state == "veryHidden" and wb["甲县-李四"].protection.sheet
    # C1.b (3 points): the three inspectors give 2, 2.5 and 3 → mean 2.5; C2.a (4): 4, 3, 1 → spread 3 > 1.5
    fill(
        first,
        {
            ("甲县", "张组长"): {
                "C1.b": 2,
                "C2.a": 4,
                "opinion:C1": "台账齐全",
                "method:C1": "资料检查",
                "G:fraud": "否",
            },
            ("甲县", "李四"): {"C1.b": 2.5, "C2.a": 3, "opinion:C1": "现场抽查3处", "G:fraud": "否"},
            ("甲县", "王五"): {"C1.b": 3, "C2.a": 1},
        },
        {"A": {"overall": "工作扎实", "strengths": "经费到位", "weaknesses": "志愿者队伍偏小"}},
    )
    run = score_paths(office["rubric"], [office["inbox"], out], "2017-12-28")
    assert crit(run, "A", "C1.b").verified == D("2.50") and "平均分" in crit(run, "A", "C1.b").reason
    assert crit(run, "A", "C2.a").verified == D("2.67")
    a = run.results["A"]
    assert a.inspection is not None and a.inspection.weaknesses == "志愿者队伍偏小"
    assert a.inspection.inspectors == ("张组长", "李四", "王五") and dict(a.inspection.methods) == {
        "资料检查": 1
    }
    opinion = next(it for it in a.items if it.item_id == "C1").opinion
    assert "张组长：台账齐全" in opinion and "李四：现场抽查3处" in opinion
    codes = [p.code.name for p in run.problems()]
    assert "VF007" in codes  # C2.a's marks 1 … 4 are further apart than the declared 1.5
    assert "VF005" in codes  # 王五 left criteria empty
    assert run.results["B"].unverified > 0  # 乙区's sheets were not filled: unverified, marked


@pytest.mark.parametrize(
    ("rule", "values", "expected"),
    [
        ("mean", ["2", "2.5", "3"], D("2.5")),
        ("trimmed_mean", ["1", "2", "2.5", "4"], D("2.25")),  # drop 4 and 1
        ("trimmed_mean", ["1", "4"], D("2.5")),  # fewer than 3: the plain mean
        ("leader", ["1", "4"], D("1")),  # 甲 leads
        ("single", ["3"], D("3")),
    ],
)
def test_combination_rules_by_hand(rule: str, values: list[str], expected: D) -> None:
    marks = [Mark("甲" if i == 0 else f"人{i}", D(v)) for i, v in enumerate(values)]
    assert combine(marks, rule, 2, 3, "甲").value == expected  # type: ignore[arg-type]


def test_unit_typing_verified_scores_is_ignored_and_reported(office: dict[str, Any], tmp_path: Path) -> None:
    rubric = office["rubric"]
    inbox = tmp_path / "in"
    write(
        inbox, "甲县.xlsx", clean_bytes(rubric, "A", verified={"C1.a": 4, "C1.b": 3}, opinions={"C1": "很好"})
    )
    run = score_paths(rubric, [inbox], "2017-12-28")
    found = [p for p in run.problems() if p.code.name == "VF001"]
    assert len(found) == 1 and "共" in found[0].message and found[0].cell  # one warning naming the cells
    assert all(c.verified is None for it in run.results["A"].items for c in it.criteria)
    assert "未经督导检查，全部评分细项按未核定计" in run.results["A"].notes  # no verification workbook at all


def test_resubmission_holds_until_carried_over(office: dict[str, Any]) -> None:
    out = office["root"] / "核查表"
    books = make_workbooks(office, out)
    first = next(b for b in books if "第一" in b.name)
    fill(first, {("甲县", "张组长"): {"C1.b": 2, "C1.a": 4, "opinion:C1": "核实"}})
    # 甲县 resubmits with other data after the inspection
    write(office["inbox"], "甲县.xlsx", clean_bytes(office["rubric"], "A", seed=5, inputs={"C1.b": 990}))
    run = score_paths(office["rubric"], [office["inbox"], out], "2017-12-28")
    assert run.results["A"].status == "held"
    assert "VF008" in [p.code.name for p in run.problems()]
    # carried over: the inspectors' entries are kept, the changed data marked
    new = office["root"] / "新核查表"
    result = runner.invoke(
        app,
        [
            "inspection",
            str(office["rubric_file"]),
            str(office["inbox"]),
            "-o",
            str(new),
            "--teams",
            str(office["teams"]),
            "--carry-over",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "已变化" in result.output
    renewed = next(b for b in new.glob("*.xlsx") if "第一" in b.name)
    ws = load_workbook(renewed)["甲县-张组长"]
    rows = {ws[f"A{r}"].value: r for r in range(V.FIRST_DATA_ROW, ws.max_row + 1) if ws[f"A{r}"].value}
    assert (
        ws[f"{V.COL_VERIFIED}{rows['C1.b']}"].value == 2
        and ws[f"{V.COL_OPINION}{rows['C1']}"].value == "核实"
    )
    assert ws[f"{V.COL_DATA}{rows['C1.b']}"].fill.fgColor.rgb.endswith("FCE4D6")
    shutil.rmtree(out)
    run = score_paths(office["rubric"], [office["inbox"], new], "2017-12-28")
    assert run.results["A"].status == "scored" and crit(run, "A", "C1.b").verified == 2


def test_same_unit_and_inspector_in_two_workbooks_holds_the_unit(office: dict[str, Any]) -> None:
    out = office["root"] / "核查表"
    books = make_workbooks(office, out)
    first = next(b for b in books if "第一" in b.name)
    fill(first, {("甲县", "张组长"): {"C1.b": 2}})
    shutil.copy(first, out / "副本.xlsx")
    run = score_paths(office["rubric"], [office["inbox"], out], "2017-12-28")
    assert run.results["A"].status == "held"
    assert any(p.code.name == "VF004" and "张组长" in p.message for p in run.problems())
    assert run.results["K"].status == "scored"  # the rest of the batch is scored


def test_verification_for_unknown_unit_or_missing_submission(office: dict[str, Any]) -> None:
    out = office["root"] / "核查表"
    make_workbooks(office, out)
    (office["inbox"] / "乙区.xlsx").unlink()
    run = score_paths(office["rubric"], [office["inbox"], out], "2017-12-28")
    assert any(p.code.name == "VF003" and p.unit == "乙区" for p in run.problems())
    text = MINI.read_text("utf-8").replace("id: mini-2017", "id: other-2017")
    loaded = load_rubric_text(text, Path("x.yaml"))
    assert loaded.rubric is not None
    book = next(out.glob("*第一*.xlsx"))
    assert [p.code.name for p in read_verification(loaded.rubric, book).problems] == ["VF010"]


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("teams:\n  - {name: 一组, units: [甲县, 火星]}\n", "没有单位“火星”"),
        ("teams:\n  - {name: 一组, units: [甲县]}\n  - {name: 二组, units: [甲县]}\n", "只能分到一个检查组"),
        ("teams: 3\n", "teams"),
        ("teams:\n  - {name: 一组, units: []}\n", "没有分到任何单位"),
    ],
)
def test_team_file_errors_are_named(office: dict[str, Any], tmp_path: Path, text: str, fragment: str) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(text, "utf-8")
    teams, problems = read_teams(office["rubric"], bad)
    assert teams == [] and problems and all(p.code.name == "VF006" for p in problems)
    assert any(fragment in p.message for p in problems)
    result = runner.invoke(
        app,
        [
            "inspection",
            str(office["rubric_file"]),
            str(office["inbox"]),
            "-o",
            str(tmp_path / "o"),
            "--teams",
            str(bad),
        ],
    )
    assert result.exit_code == 1 and not (tmp_path / "o").exists()


def test_team_file_in_excel(office: dict[str, Any], tmp_path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["检查组", "组长", "成员", "单位"])
    ws.append(["第一组", "张组长", "李四、王五", "甲县"])
    ws.append([None, None, None, "乙区"])  # the team merged down over its units
    path = tmp_path / "组.xlsx"
    wb.save(path)
    teams, problems = read_teams(office["rubric"], path)
    assert problems == [] and [(t.name, t.members, t.units) for t in teams] == [
        ("第一组", ("张组长", "李四", "王五"), ("A", "B"))
    ]


def test_without_a_team_list_one_workbook_per_unit(office: dict[str, Any]) -> None:
    out = office["root"] / "每单位"
    result = runner.invoke(
        app,
        ["inspection", str(office["rubric_file"]), str(office["inbox"]), "-o", str(out), "--inspectors", "3"],
    )
    assert result.exit_code == 0, result.output
    books = sorted(out.glob("*.xlsx"))
    assert len(books) == 3
    assert {"甲县-检查人员1", "甲县-检查人员2", "甲县-检查人员3"} <= set(
        load_workbook(books[0]).sheetnames
    ) | set(n for b in books for n in load_workbook(b).sheetnames)


def test_in_submission_rubric_needs_no_verification_workbooks(tmp_path: Path) -> None:
    result = runner.invoke(app, ["inspection", str(MINI), str(tmp_path), "-o", str(tmp_path / "o")])
    assert result.exit_code == 2 and "in_submission" in result.output


@pytest.mark.libreoffice
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed")
def test_verification_workbook_survives_a_libreoffice_round_trip(
    office: dict[str, Any], tmp_path: Path
) -> None:
    out = office["root"] / "核查表"
    first = next(b for b in make_workbooks(office, out) if "第一" in b.name)
    fill(first, {("甲县", "张组长"): {"C1.b": 2.5, "opinion:C1": "核实无误"}})
    resaved = tmp_path / "resaved"
    subprocess.run(
        ["soffice", "--headless", "--convert-to", "xlsx", "--outdir", str(resaved), str(first)],
        check=True,
        capture_output=True,
        timeout=180,
    )
    back = read_verification(office["rubric"], next(resaved.glob("*.xlsx")))
    assert back.status == "read" and back.team == "第一督导检查组"
    marks = {uv.verification.unit_id: uv.verification for uv in back.units}
    assert marks["A"].marks["C1.b"][0].value == D("2.5")
    assert marks["A"].opinions["C1"] == (("张组长", "核实无误"),)
