"""公示 and corrections (issue 15): 复核提示, the corrections ledger, 更正说明, the 公示 archive — by hand."""

from __future__ import annotations

import json
from decimal import Decimal as D
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kepu_inspect.adapters.rubric_file import load_rubric_text
from kepu_inspect.cli.app import app
from kepu_inspect.core.changes import compare, standings
from kepu_inspect.core.corrections import LedgerRow, apply, check_ledger
from kepu_inspect.core.ranking import rank_all
from kepu_inspect.core.results import UnitResult
from kepu_inspect.core.review import review
from kepu_inspect.core.rubric import Rubric
from kepu_inspect.core.scoring import score_unit
from kepu_inspect.core.submission import CriterionEntry, Submission
from kepu_inspect.core.verification import from_submission
from tests.conftest import MINI
from tests.workbook_factory import clean_bytes, write

runner = CliRunner()

# three counties, one 100-point item in two criteria (60 + 40), the 核定分 in the units' own workbooks
TEXT = """
rubric: {id: gs, title: 测试市2017年考核细则, year: 2017, issuer: 测试市素质办, version: "1"}
scoring: {decimals: 2, verification: in_submission, unverified: self, tie_breaks: [higher_base]}
groups: [{id: g, name: 县区, kind: county}]
units:
  - {id: a, name: 甲县, aliases: [甲县人民政府], group: g}
  - {id: b, name: 乙县, group: g}
  - {id: c, name: 丙县, group: g}
grades:
  - {name: 优秀, gte: 90}
  - {name: 良好, gte: 80, lt: 90}
  - {name: 合格, gte: 0, lt: 80}
sections:
  - id: s
    title: 一、工作
    items:
      - id: i
        number: 1
        title: 工作成效
        points: 100
        applies_to: [{group: g}]
        criteria:
          - {id: a, text: 工作开展情况, points: 60, rule: {kind: discretionary}}
          - {id: b, text: 工作成效情况, points: 40, rule: {kind: discretionary}}
"""


@pytest.fixture(scope="module")
def rubric() -> Rubric:
    loaded = load_rubric_text(TEXT, Path("gs.yaml"))
    assert loaded.rubric is not None, [p.message for p in loaded.problems]
    return loaded.rubric


def sub(uid: str, a: tuple[str, str], b: tuple[str, str]) -> Submission:
    return Submission(
        uid, {"i.a": CriterionEntry({}, D(a[0]), D(a[1])), "i.b": CriterionEntry({}, D(b[0]), D(b[1]))}
    )


SUBS = {
    "a": sub("a", ("58", "55"), ("38", "36")),  # 91 优秀
    "b": sub("b", ("57", "54"), ("38", "35")),  # 89 良好 (claims 95)
    "c": sub("c", ("45", "45"), ("30", "30")),  # 75 合格, undisputed
}


def score_all(rubric: Rubric, corrections: dict[str, list] | None = None) -> dict[str, UnitResult]:
    out = {}
    for uid, s in SUBS.items():
        verification = apply(from_submission(s), uid, (corrections or {}).get(uid, []))
        out[uid] = score_unit(rubric, rubric.unit(uid), s, verification=verification)
    return out


def test_spans_by_hand(rubric: Rubric) -> None:
    res = score_all(rubric)
    assert [res[u].score for u in "abc"] == [D(91), D(89), D(75)]
    # 甲县 could be 91 … 96 (its claims), 乙县 89 … 95: the intervals overlap; 丙县 claims what it got
    assert (res["a"].span.low, res["a"].span.high) == (D(91), D(96))  # type: ignore[union-attr]
    assert (res["b"].span.low, res["b"].span.high) == (D(89), D(95))  # type: ignore[union-attr]
    assert (res["c"].span.low, res["c"].span.high) == (D(75), D(75))  # type: ignore[union-attr]


def test_fragile_pair_and_grade_with_the_deciding_criterion(rubric: Rubric) -> None:
    found = review(rubric, rank_all(rubric, score_all(rubric)))
    assert [(p.first, p.second, p.gap) for p in found.pairs] == [("甲县", "乙县", D(2))]
    # one point decides 乙县's grade: 89 → 90 if either criterion were counted at its claim
    grade = next(g for g in found.grades if g.unit == "乙县")
    assert (grade.grade, grade.other, grade.line) == ("良好", "优秀", D(90))
    assert "乙县等次由良好变为优秀" in grade.reason and "第1项工作成效" in grade.reason
    assert all(g.unit != "丙县" for g in found.grades)


def test_no_fragile_rank_when_nothing_is_disputed(rubric: Rubric) -> None:
    calm = {
        uid: Submission(uid, {k: CriterionEntry({}, e.verified, e.verified) for k, e in s.criteria.items()})
        for uid, s in SUBS.items()
    }
    results = {uid: score_unit(rubric, rubric.unit(uid), s) for uid, s in calm.items()}
    assert review(rubric, rank_all(rubric, results)).empty


def ledger(rubric: Rubric, *rows: LedgerRow, date: str = "2018-01-10"):  # type: ignore[no-untyped-def]
    return check_ledger(rubric, list(rows), "更正.yaml", "0" * 64, date)


def test_correction_lifts_over_a_grade_line_and_displaces_another(rubric: Rubric) -> None:
    published = standings(rank_all(rubric, score_all(rubric)))
    book, problems = ledger(
        rubric,
        LedgerRow(3, "乙县", "i.b", "38", "乙县提出：成效材料未被采纳", "经复核属实", "王主任", "2018-01-05"),
        LedgerRow(4, "乙县", "i.a", "55", "乙县提出：活动次数有遗漏", "经复核属实", "王主任", "2018-01-05"),
        LedgerRow(
            5, "丙县", "工作开展", "", "丙县认为应得满分", "经复核，维持原核定分", "王主任", "2018-01-06"
        ),
    )
    assert problems == []
    corrected = score_all(rubric, {"b": list(book.corrections)})
    rankings = rank_all(rubric, corrected)
    assert corrected["b"].score == D(93) and corrected["b"].grade == "优秀"  # 55 + 38
    changes = compare(rubric, published, rankings, book)
    by_unit = {c.unit: c for c in changes}
    assert set(by_unit) == {"甲县", "乙县"}  # 丙县 answered without a change: not listed
    b, a = by_unit["乙县"], by_unit["甲县"]
    assert (b.before.rank, b.before.score, b.before.grade) == (2, D(89), "良好")  # type: ignore[union-attr]
    assert (b.after.rank, b.after.score, b.after.grade) == (1, D(93), "优秀")
    assert len(b.because) == 2 and "核定分更正为38" in b.because[0]
    assert (a.before.rank, a.after.rank) == (1, 2) and a.because == ()  # moved by the other's correction  # type: ignore[union-attr]
    assert [c.unit_name for c in book.answered] == ["丙县"]


def test_correction_that_changes_nothing(rubric: Rubric) -> None:
    published = standings(rank_all(rubric, score_all(rubric)))
    book, problems = ledger(
        rubric, LedgerRow(2, "丙县", "i.a", "45", "丙县复核申请", "维持", "王主任", "2018-01-05")
    )
    assert problems == []
    assert (
        compare(rubric, published, rank_all(rubric, score_all(rubric, {"c": list(book.corrections)})), book)
        == []
    )


@pytest.mark.parametrize(
    ("row", "code", "fragment"),
    [
        (LedgerRow(2, "乙县城", "i.a", "50"), "CR001", "乙县"),  # misspelt: did-you-mean
        (LedgerRow(2, "乙县", "i.z", "50"), "CR002", "i.z"),
        (LedgerRow(2, "乙县", "i.a", "61"), "CR003", "0～60"),
        (LedgerRow(2, "乙县", "i.a", "很多"), "CR003", "很多"),
        (LedgerRow(2, "乙县", "", "50"), "CR002", "未写评分细项"),
    ],
)
def test_ledger_errors_block_the_whole_ledger(
    rubric: Rubric, row: LedgerRow, code: str, fragment: str
) -> None:
    _, problems = ledger(rubric, LedgerRow(1, "甲县", "i.a", "56", "甲县异议", "属实"), row)
    assert [p.code.name for p in problems if p.severity.value == "error"] == [code]
    assert any(fragment in p.message for p in problems)
    assert all(p.line == 2 and p.file == "更正.yaml" for p in problems if p.code.name == code)


def test_ledger_accepts_aliases_and_warns_on_late_or_undisputed_rows(rubric: Rubric) -> None:
    book, problems = ledger(
        rubric,
        LedgerRow(1, "甲县人民政府", "i.a", "56", "", "核实", "", "2018-02-01"),  # alias, no objection, late
    )
    assert [c.unit_id for c in book.corrections] == ["a"]
    assert sorted(p.code.name for p in problems) == ["CR005", "CR006"]
    assert all(p.severity.value == "warning" for p in problems)


def test_two_rows_for_one_criterion_with_different_values(rubric: Rubric) -> None:
    _, problems = ledger(
        rubric, LedgerRow(1, "乙县", "i.a", "55", "x"), LedgerRow(2, "乙县", "i.a", "56", "y")
    )
    assert [p.code.name for p in problems] == ["CR004"] and "第1行" in problems[0].message


def test_correction_releases_a_unit_held_for_an_out_of_range_score(rubric: Rubric) -> None:
    typo = Submission("a", {"i.a": CriterionEntry({}, D(58), D(65)), "i.b": CriterionEntry({}, D(38), D(36))})
    held = score_unit(rubric, rubric.unit("a"), typo)
    assert held.status == "held"
    book, _ = ledger(rubric, LedgerRow(1, "甲县", "i.a", "55", "", "核定分录入有误，更正为55"))
    released = score_unit(
        rubric, rubric.unit("a"), typo, verification=apply(from_submission(typo), "a", book.corrections)
    )
    assert released.status == "scored" and released.score == D(91)


# --- the command: ledger file, --published, --publish ------------------------------------------------------


@pytest.fixture()
def office(tmp_path: Path) -> dict[str, Path]:
    loaded = load_rubric_text(MINI.read_text("utf-8"), MINI)
    assert loaded.rubric is not None
    inbox = tmp_path / "in"
    write(inbox, "甲县.xlsx", clean_bytes(loaded.rubric, "A", verified={"C1.a": 0}))
    write(inbox, "乙区.xlsx", clean_bytes(loaded.rubric, "B"))
    return {"inbox": inbox, "root": tmp_path}


def score(office: dict[str, Path], out: str, *extra: str) -> tuple[int, str, Path]:
    from kepu_inspect.cli.common import out as console

    console.cache_clear()
    result = runner.invoke(
        app,
        [
            "score",
            str(MINI),
            str(office["inbox"]),
            "-o",
            str(office["root"] / out),
            "--date",
            "2018-01-10",
            *extra,
        ],
    )
    return result.exit_code, result.output, office["root"] / out


def test_publish_then_correct_then_compare(office: dict[str, Path]) -> None:
    code, _, _ = score(office, "公示", "--publish", "--period", "2018年1月2日至8日", "--contact", "市科协")
    assert code in (0, 1)
    archives = list((office["root"] / "公示-公示存档").iterdir())
    assert len(archives) == 1 and (archives[0] / "公示名单.html").is_file()
    listing = (archives[0] / "公示名单.html").read_text("utf-8")
    assert "公示期为2018年1月2日至8日" in listing and "市科协" in listing and "甲县" in listing
    stamp = (archives[0] / "考核结果.json").stat().st_mtime_ns
    score(office, "公示", "--publish")  # the same results again: the archive is kept as it is
    assert list((office["root"] / "公示-公示存档").iterdir()) == archives
    assert (archives[0] / "考核结果.json").stat().st_mtime_ns == stamp
    book = office["root"] / "更正.yaml"
    book.write_text(
        "corrections:\n  - {unit: 甲县, criterion: C1.a, value: 4, objection: 甲县提出经费达标, conclusion: 属实, "
        "approved_by: 王主任, date: 2018-01-09}\n"
        "  - {unit: 乙区, criterion: C2.a, objection: 乙区认为应评好, conclusion: 维持}\n",
        "utf-8",
    )
    code, output, after = score(office, "更正后", "--corrections", str(book), "--published", str(archives[0]))
    assert code in (0, 1)
    assert "更正说明" in output and "异议处理情况" in output
    data = json.loads((after / "考核结果.json").read_text("utf-8"))
    assert data["corrections"]["sha256"] and [c["unit"] for c in data["changes"]] == ["甲县"]
    assert len(data["objections"]) == 2
    assert (after / "更正说明.csv").is_file()


def test_a_bad_ledger_applies_nothing(office: dict[str, Path]) -> None:
    book = office["root"] / "更正.yaml"
    book.write_text(
        "corrections:\n  - {unit: 甲县, criterion: C1.a, value: 4}\n  - {unit: 火星, criterion: C1.a, value: 1}\n",
        "utf-8",
    )
    code, output, out = score(office, "o", "--corrections", str(book))
    assert code == 1 and "CR001" in output and "未应用任何更正" in output
    assert not out.exists()


def test_published_results_of_another_rubric_are_refused(office: dict[str, Path]) -> None:
    other = office["root"] / "other.json"
    other.write_text(json.dumps({"rubric": {"id": "x-2016", "year": 2016}, "rankings": []}), "utf-8")
    code, output, _ = score(office, "o", "--published", str(other))
    assert code == 2 and "CR007" in output and "x-2016" in output


def test_previous_year_matched_by_alias_with_score_and_grade_change(rubric: Rubric, tmp_path: Path) -> None:
    from kepu_inspect.adapters.results_file import load_previous

    last = tmp_path / "2016.json"
    last.write_text(
        json.dumps(
            {
                "rubric": {"id": "gs", "year": 2016},
                "rankings": [
                    {
                        "group_id": "g",
                        "group": "县区",
                        "rows": [
                            {
                                "rank": 2,
                                "unit_id": "old-a",
                                "unit": "甲县人民政府",
                                "score": "88.50",
                                "grade": "良好",
                            },
                            {"rank": 1, "unit_id": "b", "unit": "乙县", "score": "92", "grade": "优秀"},
                        ],
                    }
                ],
            }
        ),
        "utf-8",
    )
    ranked = rank_all(rubric, score_all(rubric), load_previous(last, rubric))["g"]
    change = {r.result.unit_name: r.change for r in ranked}
    assert (
        change["甲县"] == "↑1（+2.50分，良好→优秀）"
    )  # 市工业和信息化委 is 市工信委 last year: matched, not 新
    assert change["乙县"] == "↓1（-3.00分，优秀→良好）"
    assert change["丙县"] == "新"
