"""Scores and ranks an office can defend (issue 12): each declared rule, computed by hand at its boundary."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from decimal import Decimal as D
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kepu_inspect.adapters.rubric_file import load_rubric_text
from kepu_inspect.cli.app import app
from kepu_inspect.core.ranking import apply_quotas, rank_all, rank_group
from kepu_inspect.core.results import UnitResult
from kepu_inspect.core.rubric import Rubric
from kepu_inspect.core.rules import Proportional, Target
from kepu_inspect.core.scoring import score_unit
from kepu_inspect.core.submission import CriterionEntry, Submission
from kepu_inspect.services.batch import score_paths
from tests.conftest import MINI, ROOT
from tests.workbook_factory import clean_bytes, clean_filling, template_for, write

runner = CliRunner()


def rubric_text(text: str) -> Rubric:
    loaded = load_rubric_text(text, Path("test.yaml"))
    assert loaded.rubric is not None, [p.message for p in loaded.problems]
    return loaded.rubric


def mini_with(*edits: tuple[str, str]) -> Rubric:
    text = MINI.read_text("utf-8")
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new, 1)
    return rubric_text(text)


def entry(self_score: str | None = None, verified: str | None = None, **values: object) -> CriterionEntry:
    return CriterionEntry(
        dict(values),  # type: ignore[arg-type]
        None if self_score is None else D(self_score),
        None if verified is None else D(verified),
    )


# A one-criterion rubric: a discretionary 20-point item, so a unit's base is whatever is verified.
ONE_ITEM = """
rubric: {id: t, title: 测试细则, year: 2017, issuer: 测试办, version: "1"}
scoring:
  decimals: DECIMALS
  verification: in_submission
  unverified: self
  overclaim: {threshold: 2, deduction: DEDUCT BOUNDARY}
groups: [{id: g, name: 县区, kind: county}]
units:
  - {id: a, name: 甲县, group: g}
  - {id: b, name: 乙县, group: g}
grades:
  - {name: 优秀, gte: 90}
  - {name: 合格, gte: 0, lt: 90}
sections:
  - id: s
    title: 一、工作
    items:
      - id: i
        title: 工作成效
        points: 20
        applies_to: [{group: g}]
        criteria: [{id: a, text: 酌情评分, points: 20, rule: {kind: discretionary}}]
"""


def one_item(decimals: int = 2, deduct: str = "0.5", boundary: str = "") -> Rubric:
    text = ONE_ITEM.replace("DECIMALS", str(decimals)).replace("DEDUCT", deduct)
    return rubric_text(text.replace(" BOUNDARY", f", boundary: {boundary}" if boundary else ""))


def scored(rubric: Rubric, self_score: str, verified: str | None, unit: str = "a") -> UnitResult:
    return score_unit(rubric, rubric.unit(unit), Submission(unit, {"i.a": entry(self_score, verified)}))


# --- 2. tie-breaks in a normalised group compare what the group is compared on ------------------------------


def dept(uid: str, base: str, maximum: str, score: str, self_total: str | None = None) -> UnitResult:
    rate = (D(base) / D(maximum) * 100).quantize(D("0.01"))
    return UnitResult(
        uid,
        f"单位{uid}",
        "dept",
        "scored",
        D(maximum),
        D(self_total or base),
        D(base),
        rate=rate,
        score=D(score),
    )


def test_normalised_group_ties_break_on_the_rate_not_on_raw_points() -> None:
    # 43/67 = 64.18 % and 22.5/34 = 66.18 % at the same total: the higher rate ranks first (raw points ranked 43 first)
    ranked = rank_group(
        [dept("x", "43", "67", "70"), dept("y", "22.5", "34", "70")], ("higher_base",), normalised=True
    )
    assert [(r.result.unit_id, r.rank) for r in ranked] == [("y", 1), ("x", 2)]
    assert "得分率高者列前" in ranked[0].tie_note


def test_normalised_group_equal_rates_share_a_rank() -> None:
    # 18.5/37 and 16.5/33 are both 50 %: one shared rank (raw points made them 27th and 28th)
    ranked = rank_group(
        [dept("x", "18.5", "37", "50"), dept("y", "16.5", "33", "50")], ("higher_base",), normalised=True
    )
    assert [r.rank for r in ranked] == [1, 1] and all(r.tie for r in ranked)


def test_every_department_at_full_marks_ties_instead_of_more_items_first() -> None:
    ranked = rank_group(
        [dept("big", "67", "67", "100"), dept("small", "20", "20", "100")], ("higher_base",), normalised=True
    )
    assert [r.rank for r in ranked] == [1, 1]


def test_closest_self_and_lower_self_are_named_for_what_they_do() -> None:
    modest = dept("m", "40", "50", "80", self_total="41")  # claims 82 %, verified 80 %
    bold = dept("b", "40", "50", "80", self_total="48")  # claims 96 %
    closest = rank_group([bold, modest], ("closest_self",), normalised=True)
    assert [r.result.unit_id for r in closest] == ["m", "b"]
    assert "差距小者列前" in closest[0].tie_note
    lower = rank_group([bold, modest], ("lower_self",), normalised=True)
    assert [r.result.unit_id for r in lower] == ["m", "b"]


def test_old_tie_break_names_still_load() -> None:
    r = mini_with(("tie_breaks: [higher_base]", "tie_breaks: [base, self_lower]"))
    assert r.settings.tie_breaks == ("higher_base", "closest_self")


# --- 3. an out-of-range 核定分 holds the unit; an out-of-range 自评分 is a problem, never a silent 0 ---------


@pytest.mark.parametrize("typo", ["-1", "21"])
def test_out_of_range_verified_score_holds_the_unit(typo: str) -> None:
    res = scored(one_item(), "18", typo)
    assert res.status == "held" and not res.scored and res.grade == ""
    assert any("核定分超出分值范围1处，待核实" in n for n in res.notes)
    crit = res.items[0].criteria[0]
    assert crit.verified == (D(0) if typo == "-1" else D(20))  # shown at the bound, flagged
    assert "待核实" in crit.reason
    ranked = rank_group([res, scored(one_item(), "10", "10", "b")])
    assert [(r.result.unit_id, r.rank) for r in ranked] == [("b", 1), ("a", None)]


def test_out_of_range_verified_score_clamped_when_the_rubric_says_so() -> None:
    r = rubric_text(
        ONE_ITEM.replace("DECIMALS", "2")
        .replace("DEDUCT BOUNDARY", "0")
        .replace("  unverified: self", "  unverified: self\n  verified_out_of_range: clamp")
    )
    res = scored(r, "18", "21")
    assert res.status == "scored" and res.base == D(20)


def test_out_of_range_self_score_counts_within_the_range_not_zero() -> None:
    mini = mini_with()
    # D2.a is discretionary (4 points): a 自评分 of 4.5 is counted as 4 under `self`, never as 0
    res = score_unit(mini, mini.unit("K"), Submission("K", {"D2.a": entry("4.5")}))
    crit = next(c for it in res.items for c in it.criteria if c.uid == "D2.a")
    assert crit.points == D(4) and "超出分值范围" in crit.reason


def test_discretionary_range_applies_to_both_scores() -> None:
    r = mini_with(("rule: {kind: discretionary}", "rule: {kind: discretionary, min: 1, max: 4}"))
    low_self = score_unit(r, r.unit("K"), Submission("K", {"D2.a": entry("0.5")}))
    assert next(c for it in low_self.items for c in it.criteria if c.uid == "D2.a").points == D(1)
    low_verified = score_unit(r, r.unit("K"), Submission("K", {"D2.a": entry("2", "0.5")}))
    assert low_verified.status == "held"


# --- 4. totals that add up --------------------------------------------------------------------------------


def test_total_is_the_sum_of_the_printed_parts() -> None:
    # base 14.5 → 15 (四舍五入), deduction 0.4 → 0 with 0 decimals: the total prints 15 − 0 = 15 (was 14)
    res = scored(one_item(decimals=0, deduct="0.4"), "17", "14.5")
    assert (res.base, res.deductions, res.score) == (D(15), D(0), D(15))
    assert res.score == res.base + res.bonus - res.deductions


def test_normalised_total_adds_the_rounded_rate_and_bonus() -> None:
    r = mini_with()
    # 市科协: D1 (6) + D2 (4) = 10 points; verified 6.6667 of 10 → rate 66.667 → 66.67; bonus 0.5
    res = score_unit(
        r,
        r.unit("K"),
        Submission("K", {"D1.a": entry("4", "4"), "D1.b": entry("2", "0"), "D2.a": entry("4", "2.6667")}),
    )
    assert res.rate == D("66.67")
    assert res.score == res.rate + res.bonus - res.deductions


def test_floor_is_declared() -> None:
    floored = scored(one_item(deduct="5"), "20", "1")  # 1 − 5 → floored at 0
    assert floored.score == 0
    r = rubric_text(
        ONE_ITEM.replace("DECIMALS", "2")
        .replace("DEDUCT BOUNDARY", "5")
        .replace("  unverified: self", "  unverified: self\n  floor: null")
    )
    assert scored(r, "20", "1").score == D(-4)


# --- 5. overclaim at exactly the threshold; proportional rules exact ---------------------------------------


def test_overclaim_exactly_at_the_threshold_counts_by_default() -> None:
    # "高出2分以上" includes 2: self 12, verified 10 → flagged and deducted
    res = scored(one_item(), "12", "10")
    assert [o.diff for o in res.overclaims] == [D(2)] and res.deductions == D("0.5")
    assert scored(one_item(), "11.9", "10").overclaims == ()


def test_overclaim_strict_boundary_when_declared() -> None:
    assert scored(one_item(boundary="gt"), "12", "10").overclaims == ()
    assert len(scored(one_item(boundary="gt"), "12.1", "10").overclaims) == 1


def test_proportional_multiplies_before_dividing() -> None:
    rule = Proportional("完成", Target(value=D(3)))
    assert rule.evaluate(D(3), {"n": D(1)}, {}).points == D(1)  # 3 × 1 ÷ 3, not 0.999…
    assert rule.evaluate(D(3), {"n": D(5)}, {}).points == D(3)  # capped


# --- 6. units that must be looked at are marked everywhere ---------------------------------------------------


def test_unit_with_errors_is_marked_or_held(tmp_path: Path) -> None:
    mini = mini_with()
    folder = tmp_path / "in"
    write(folder, "甲县.xlsx", clean_bytes(mini, "A", self_scores={"C1.a": "很好", "C1.b": None}))
    write(folder, "乙区.xlsx", clean_bytes(mini, "B"))
    run = score_paths(mini, [folder], "2017-12-28")
    res = run.results["A"]
    assert res.status == "scored" and res.errors == 2
    assert "材料有误2处，待核实" in res.notes
    held = mini_with(("  unverified: self", "  unverified: self\n  with_errors: hold"))
    run = score_paths(held, [folder], "2017-12-28")
    assert run.results["A"].status == "held"
    ranks = {r.result.unit_id: r.rank for r in run.rankings["county"]}
    assert ranks == {"A": None, "B": 1}


def test_blank_template_is_not_ranked(tmp_path: Path) -> None:
    mini = mini_with()
    folder = tmp_path / "in"
    from kepu_inspect.adapters.filler import Filling, fill_template

    # only the cover filled in: a blank form, not a unit scoring 0
    write(folder, "甲县.xlsx", fill_template(template_for(mini, "A"), Filling(cover={"C5": "张三"})))
    write(folder, "乙区.xlsx", clean_bytes(mini, "B"))
    run = score_paths(mini, [folder], "2017-12-28")
    assert run.results["A"].status == "blank"
    county = {r.result.unit_id: r for r in run.rankings["county"]}
    assert county["A"].rank is None and county["B"].rank == 1
    from kepu_inspect.reports.tables import ranking_tables

    row = next(row for t in ranking_tables(run) for row in t.rows if row[1] == "甲县")
    assert row[0] == "—" and "空白表" in row[-1]


def gated(placement: str) -> Rubric:
    return mini_with(("  unverified: self", f"  unverified: self\n  gated: {placement}"))


@pytest.mark.parametrize(("placement", "expected"), [("by_score", ["A", "B"]), ("last", ["B", "A"])])
def test_gated_unit_placed_as_declared(placement: str, expected: list[str]) -> None:
    r = gated(placement)
    high = score_unit(r, r.unit("A"), Submission("A", {"C1.a": entry("4", "4")}, gates={"fraud": True}))
    low = score_unit(r, r.unit("B"), Submission("B", {"C1.a": entry("1", "1")}))
    assert high.grade == "不合格" and high.score > low.score
    ranked = rank_all(r, {"A": high, "B": low})["county"]
    assert [x.result.unit_id for x in ranked] == expected
    assert [x.rank for x in ranked] == [1, 2]
    assert ("排在本组最后" in "；".join(high.notes)) is (placement == "last")


def test_grade_cap_and_exclusion_gates() -> None:
    r = mini_with(
        (
            "  - {id: fraud, name: 弄虚作假, grade: 不合格}",
            "  - {id: fraud, name: 弄虚作假, grade: 不合格}\n  - {id: warned, name: 通报批评, grade_cap: 良好}\n"
            "  - {id: late, name: 逾期报送, exclude: true}",
        ),
    )
    full = {uid: entry("4", "4") for uid in ("D1.a",)} | {"D1.b": entry("2", "2"), "D2.a": entry("4", "4")}
    capped = score_unit(r, r.unit("K"), Submission("K", full, gates={"warned": True}))
    assert capped.score == D(100) and capped.grade == "良好"
    out = score_unit(r, r.unit("K"), Submission("K", full, gates={"late": True}))
    assert out.status == "excluded" and not out.scored


# --- 7. grade quotas --------------------------------------------------------------------------------------

QUOTA = """
rubric: {id: q, title: 名额测试, year: 2017, issuer: 测试办, version: "1"}
scoring: {decimals: 2, verification: in_submission, tie_breaks: [higher_base]}
groups: [{id: g, name: 县区, kind: county}]
units: UNITS
grades:
  - {name: 优秀, gte: 90, quota: {share: 0.2, ties: TIES}}
  - {name: 良好, gte: 80, lt: 90}
  - {name: 合格, gte: 0, lt: 80}
sections:
  - id: s
    title: 一
    items:
      - id: i
        title: 工作
        points: 100
        applies_to: [{group: g}]
        criteria: [{id: a, text: 酌情, points: 100, rule: {kind: discretionary}}]
"""


def quota_run(ties: str, scores: list[str]) -> dict[str, tuple[int | None, str, tuple[str, ...]]]:
    units = "[" + ", ".join(f"{{id: u{i}, name: 单位{i}, group: g}}" for i in range(len(scores))) + "]"
    r = rubric_text(QUOTA.replace("UNITS", units).replace("TIES", ties))
    results = {
        f"u{i}": score_unit(r, r.unit(f"u{i}"), Submission(f"u{i}", {"i.a": entry(s, s)}))
        for i, s in enumerate(scores)
    }
    ranked = rank_all(r, results)["g"]
    return {x.result.unit_id: (x.rank, x.result.grade, x.result.notes) for x in ranked}


def test_quota_moves_units_beyond_it_to_the_next_grade() -> None:
    # 10 ranked units, 20 % → 2 places; four scored 优秀: the 3rd and 4th become 良好, with the reason
    out = quota_run("keep", ["99", "97", "95", "93", "85", "80", "70", "60", "50", "40"])
    assert [out[f"u{i}"][1] for i in range(5)] == ["优秀", "优秀", "良好", "良好", "良好"]
    assert any("优秀名额2个" in n and "调整为良好" in n for n in out["u2"][2])
    assert not any("名额" in n for n in out["u0"][2])


@pytest.mark.parametrize(
    ("ties", "grades"), [("keep", ["优秀", "优秀", "优秀"]), ("drop", ["优秀", "良好", "良好"])]
)
def test_quota_tie_at_the_line(ties: str, grades: list[str]) -> None:
    # ranks 1, 2, 2: the tie sits on the 2-place line — all keep the grade, or all fall, as declared
    out = quota_run(ties, ["99", "95", "95", "85", "80", "70", "60", "50", "40", "30"])
    assert [out[f"u{i}"][0] for i in range(3)] == [1, 2, 2]
    assert [out[f"u{i}"][1] for i in range(3)] == grades


def test_quota_is_stated_in_the_rules() -> None:
    from kepu_inspect.core.statement import scoring_statement

    units = "[{id: u0, name: 单位0, group: g}]"
    r = rubric_text(QUOTA.replace("UNITS", units).replace("TIES", "keep"))
    assert any("优秀名额不超过参加排名单位数的20%" in s for s in scoring_statement(r))
    assert apply_quotas(r, []) == []


# --- 8. the terminal never crops a number, a rank or a grade ----------------------------------------------

EXAMPLE = ROOT / "examples" / "pingdingshan-2017" / "submissions"
INSPECTION = ROOT / "examples" / "pingdingshan-2017" / "verification"
RUBRIC = ROOT / "rubrics" / "pingdingshan-2017.yaml"


@pytest.fixture(scope="module")
def figures(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[str, str, str]]:
    out = tmp_path_factory.mktemp("o")
    result = runner.invoke(
        app,
        [
            "score",
            str(RUBRIC),
            str(EXAMPLE),
            str(INSPECTION),
            "-o",
            str(out),
            "--reports",
            "json",
            "-q",
            "--date",
            "2017-12-28",
        ],
    )
    data = json.loads((out / "考核结果.json").read_text("utf-8"))
    assert result.exit_code in (0, 1)
    return [
        (str(r["rank"]), r["score"], r["grade"]) for g in data["rankings"] for r in g["rows"] if r["rank"]
    ]


def _assert_uncropped(text: str, figures: list[tuple[str, str, str]]) -> None:
    for rank, score, grade in figures:
        line = re.compile(rf"│\s+{rank}\s+│.*│\s+{re.escape(score)}\s+│.*│\s+{grade}\s+│")
        assert line.search(text), (rank, score, grade)


@pytest.mark.parametrize("width", [60, 80, 100])
def test_ranking_never_cropped_at_any_width(
    width: int, figures: list[tuple[str, str, str]], tmp_path: Path
) -> None:
    from kepu_inspect.cli.common import out

    out.cache_clear()  # one process per run in real use: the console measures the screen afresh
    result = runner.invoke(
        app,
        ["score", str(RUBRIC), str(EXAMPLE), str(INSPECTION), "-o", str(tmp_path), "--reports", "json"],
        env={"COLUMNS": str(width)},
    )
    _assert_uncropped(result.stdout, figures)
    assert max(len(line) for line in result.stdout.splitlines()) <= width + 2  # what fits, plus no overflow


def test_piped_ranking_is_not_forced_to_80_columns(
    figures: list[tuple[str, str, str]], tmp_path: Path
) -> None:
    env = {k: v for k, v in os.environ.items() if k != "COLUMNS"}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "kepu_inspect",
            "score",
            str(RUBRIC),
            str(EXAMPLE),
            str(INSPECTION),
            "-o",
            str(tmp_path),
            "--reports",
            "json",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.stdout, done.stderr
    _assert_uncropped(done.stdout, figures)
    assert (
        "弄虚作假：等次定为不合格，排在本组最后；疑似虚报2项，扣1分" in done.stdout
    )  # the 备注 whole, on one line


def test_clean_filling_fixture_is_clean() -> None:
    # guard for the fixtures above: a clean filling has self scores for every criterion
    mini = mini_with()
    assert clean_filling(mini, "A").self_scores
