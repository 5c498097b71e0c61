"""Values read with their measure (issue 13): the number typed is the number scored.

Every workbook here is a real template, filled, then edited the way Excel/WPS store what people type:
a percentage is a number with a percent format, "300000元" is text. The asserts are on values and
problem codes, never on message text.
"""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from kepu_inspect.adapters import layout as L
from kepu_inspect.adapters.workbook_reader import FileReading, read_submission
from kepu_inspect.core.problems import Severity
from kepu_inspect.core.rubric import Rubric
from kepu_inspect.core.scoring import score_unit
from tests.workbook_factory import cell_of, clean_bytes, inline, set_cell_xml, with_openpyxl, write

ITEM = L.ITEM_SHEET
A = "A"  # 甲县 in mini.yaml: C1.a 科普专项经费 (万元), C1.b 培训人次 (人次), C1.c 志愿者人数 (人)


def _read(tmp_path: Path, rubric: Rubric, data: bytes, name: str = "甲县.xlsx") -> FileReading:
    reading = read_submission(rubric, write(tmp_path, name, data))
    assert reading.status == "read", reading.problems
    return reading


def _at(reading: FileReading, ref: str) -> list[str]:
    return sorted(p.code.name for p in reading.problems if p.sheet == ITEM and p.cell == ref)


def _with_format(data: bytes, ref: str, value: Any, number_format: str) -> bytes:
    """As Excel stores a typed "85%": the number 0.85 and a percent number format on the cell."""

    def edit(wb: Any) -> None:
        wb[ITEM][ref] = value
        wb[ITEM][ref].number_format = number_format

    return with_openpyxl(data, edit)


# --- percent formats -------------------------------------------------------------------------------
def _percent_unit(rubric: Rubric) -> tuple[str, str, str]:
    """A unit with a criterion measured in %, its criterion uid and its input row id."""
    for unit in rubric.assessed_units():
        for a in rubric.assignments(unit):
            for crit in a.item.criteria:
                for ir in L.input_rows(a.item.id, crit):
                    if ir.spec.kind == "number" and ir.spec.measure == "%":
                        return unit.id, L.criterion_uid(a.item.id, crit), ir.row_id
    raise AssertionError("no % criterion")


@pytest.mark.parametrize("number_format", ["0%", "0.00%", "#,##0.0%", "0%;[Red]-0%", "[$-804]0%"])
def test_percent_format_in_a_percent_criterion_reads_as_typed(
    tmp_path: Path, pingdingshan: Rubric, number_format: str
) -> None:
    """Typed "85%" (0.85, percent format) where the measure is %: 85, scored like 85, with a note."""
    unit_id, uid, row_id = _percent_unit(pingdingshan)
    ref = cell_of(pingdingshan, unit_id, L.COL_INPUT, row_id)
    as_percent = _read(
        tmp_path, pingdingshan, _with_format(clean_bytes(pingdingshan, unit_id), ref, 0.85, number_format)
    )
    plain = _read(
        tmp_path, pingdingshan, clean_bytes(pingdingshan, unit_id, inputs={row_id: 85}), "plain.xlsx"
    )
    entry = as_percent.submission.criteria[uid]  # type: ignore[union-attr]
    assert entry.values["n"] == Decimal(85)
    assert "WB037" in _at(as_percent, ref)
    assert next(p for p in as_percent.problems if p.cell == ref).severity is Severity.INFO
    unit = pingdingshan.unit(unit_id)
    got = score_unit(pingdingshan, unit, as_percent.submission)  # type: ignore[arg-type]
    want = score_unit(pingdingshan, unit, plain.submission)  # type: ignore[arg-type]
    assert got.items == want.items and got.score == want.score


def test_percent_format_fraction_is_exact(tmp_path: Path, pingdingshan: Rubric) -> None:
    unit_id, uid, row_id = _percent_unit(pingdingshan)
    ref = cell_of(pingdingshan, unit_id, L.COL_INPUT, row_id)
    reading = _read(
        tmp_path, pingdingshan, _with_format(clean_bytes(pingdingshan, unit_id), ref, 0.155, "0.0%")
    )
    assert reading.submission.criteria[uid].values["n"] == Decimal("15.5")  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "number_format",
    ['0"%"', "0\\%", "General", "0.00", "#,##0"],
    ids=["quoted", "escaped", "general", "decimal", "thousands"],
)
def test_a_percent_sign_that_is_only_text_does_not_scale(
    tmp_path: Path, pingdingshan: Rubric, number_format: str
) -> None:
    """Excel multiplies by 100 only for an unquoted, unescaped %: 0"%" shows 85 as "85%"."""
    unit_id, uid, row_id = _percent_unit(pingdingshan)
    ref = cell_of(pingdingshan, unit_id, L.COL_INPUT, row_id)
    reading = _read(
        tmp_path, pingdingshan, _with_format(clean_bytes(pingdingshan, unit_id), ref, 85, number_format)
    )
    assert reading.submission.criteria[uid].values["n"] == Decimal(85)  # type: ignore[union-attr]
    assert _at(reading, ref) == []


def test_percent_format_in_a_money_cell_is_a_problem(tmp_path: Path, mini: Rubric) -> None:
    """85% in a 万元 cell: no way to know what was meant — a problem on the cell, the value not read."""
    ref = cell_of(mini, A, L.COL_INPUT, "C1.a")
    reading = _read(tmp_path, mini, _with_format(clean_bytes(mini, A), ref, 0.85, "0%"))
    assert "n" not in reading.submission.criteria["C1.a"].values  # type: ignore[union-attr]
    assert _at(reading, ref) == ["WB038"]


@pytest.mark.parametrize("column", [L.COL_SELF, L.COL_VERIFIED])
def test_percent_format_in_a_score_cell_is_a_problem(tmp_path: Path, mini: Rubric, column: str) -> None:
    """自评分 typed as 85% was read as a score of 0.85; now it is a problem and no score."""
    ref = cell_of(mini, A, column, "C1.a")
    reading = _read(tmp_path, mini, _with_format(clean_bytes(mini, A), ref, 0.85, "0%"))
    entry = reading.submission.criteria["C1.a"]  # type: ignore[union-attr]
    assert (entry.self_score if column == L.COL_SELF else entry.verified) is None
    assert _at(reading, ref) == ["WB038"]


def test_percent_style_read_from_a_stylesheet_with_unusual_attribute_order(
    tmp_path: Path, mini: Rubric
) -> None:
    """The stylesheet written with attributes in another order (formatCode first) is still understood."""
    import zipfile

    ref = cell_of(mini, A, L.COL_SELF, "C1.a")
    data = _with_format(clean_bytes(mini, A), ref, 0.85, "0.0%")
    styles = zipfile.ZipFile(io.BytesIO(data)).read("xl/styles.xml").decode()
    import re

    swapped = re.sub(
        r'<numFmt numFmtId="(\d+)" formatCode="([^"]*)"/>', r'<numFmt formatCode="\2" numFmtId="\1"/>', styles
    )
    assert swapped != styles
    from tests.workbook_factory import replace_parts

    reading = _read(tmp_path, mini, replace_parts(data, {"xl/styles.xml": swapped.encode()}))
    assert _at(reading, ref) == ["WB038"]


def test_percent_typed_as_text_in_a_percent_criterion(tmp_path: Path, pingdingshan: Rubric) -> None:
    unit_id, uid, row_id = _percent_unit(pingdingshan)
    ref = cell_of(pingdingshan, unit_id, L.COL_INPUT, row_id)
    data = set_cell_xml(clean_bytes(pingdingshan, unit_id), ITEM, ref, inline(ref, "85%"))
    reading = _read(tmp_path, pingdingshan, data)
    assert reading.submission.criteria[uid].values["n"] == Decimal(85)  # type: ignore[union-attr]


# --- words after numbers ---------------------------------------------------------------------------
def _typed_text(rubric: Rubric, unit: str, row_id: str, column: str, text: str) -> bytes:
    """Text typed into a cell in Excel: a shared string (openpyxl writes what Excel writes)."""
    ref = cell_of(rubric, unit, column, row_id)

    def edit(wb: Any) -> None:
        wb[ITEM][ref] = text

    return with_openpyxl(clean_bytes(rubric, unit), edit)


def _criterion_points(rubric: Rubric, reading: FileReading, uid: str) -> Decimal | None:
    result = score_unit(rubric, rubric.unit(A), reading.submission)  # type: ignore[arg-type]
    for item in result.items:
        for crit in item.criteria:
            if crit.uid == uid:
                return crit.computed
    raise AssertionError(uid)


def test_yuan_in_a_wanyuan_cell_is_converted_exactly(tmp_path: Path, mini: Rubric) -> None:
    """300000元 in a 万元 cell was read as 300,000 万元 (full marks); it is 30 万元, below the target of 50."""
    ref = cell_of(mini, A, L.COL_INPUT, "C1.a")
    typed = _read(tmp_path, mini, _typed_text(mini, A, "C1.a", L.COL_INPUT, "300000元"))
    plain = _read(tmp_path, mini, clean_bytes(mini, A, inputs={"C1.a": 30}), "plain.xlsx")
    assert typed.submission.criteria["C1.a"].values["n"] == Decimal(30)  # type: ignore[union-attr]
    assert _criterion_points(mini, typed, "C1.a") == _criterion_points(mini, plain, "C1.a") == 0
    assert _at(typed, ref) == ["WB040"]
    enough = _read(tmp_path, mini, _typed_text(mini, A, "C1.a", L.COL_INPUT, "523456.7元"), "b.xlsx")
    assert enough.submission.criteria["C1.a"].values["n"] == Decimal("52.34567")  # type: ignore[union-attr]
    assert _criterion_points(mini, enough, "C1.a") == 4


@pytest.mark.parametrize(
    ("row_id", "typed", "value", "notes"),
    [
        ("C1.a", "50万元", Decimal(50), ["WB039"]),
        ("C1.a", "50 万元", Decimal(50), ["WB039", "WB046"]),
        ("C1.a", "５０万元", Decimal(50), ["WB039", "WB044"]),
        ("C1.b", "0.108万人次", Decimal(1080), ["WB040"]),
        ("C1.b", "1,080人次", Decimal(1080), ["WB039", "WB045"]),
        ("C1.c", "0.06万人", Decimal(600), ["WB040"]),
        ("C1.c", "600人", Decimal(600), ["WB039"]),
        ("C2.c", "2次", Decimal(2), ["WB039"]),
    ],
)
def test_the_criterion_measure_or_a_convertible_one_is_accepted_and_noted(
    tmp_path: Path, mini: Rubric, row_id: str, typed: str, value: Decimal, notes: list[str]
) -> None:
    ref = cell_of(mini, A, L.COL_INPUT, row_id)
    reading = _read(tmp_path, mini, _typed_text(mini, A, row_id, L.COL_INPUT, typed))
    uid = row_id.split(":")[0]
    assert reading.submission.criteria[uid].values["n"] == value  # type: ignore[union-attr]
    assert _at(reading, ref) == notes
    assert all(p.severity is Severity.INFO for p in reading.problems if p.cell == ref)


@pytest.mark.parametrize(
    ("row_id", "column", "typed", "code"),
    [
        ("C1.a", L.COL_INPUT, "30人次", "WB041"),  # accepted as 30 万元 before
        ("C1.a", L.COL_INPUT, "30万", "WB041"),
        ("C1.a", L.COL_INPUT, "85%", "WB041"),  # was 0.85 万元
        ("C1.b", L.COL_INPUT, "8人", "WB041"),  # 人 is not 人次
        ("C1.c", L.COL_INPUT, "600人次", "WB041"),
        ("C1.a", L.COL_SELF, "8万元", "WB041"),  # accepted as a self score of 8 before
        ("C1.a", L.COL_SELF, "4%", "WB041"),
        ("C1.a", L.COL_VERIFIED, "4元", "WB041"),
        ("C1.b", L.COL_INPUT, "1080左右", "WB015"),
        ("C1.b", L.COL_INPUT, "1080以上", "WB015"),
    ],
)
def test_any_other_word_is_a_problem_on_the_cell(
    tmp_path: Path, mini: Rubric, row_id: str, column: str, typed: str, code: str
) -> None:
    ref = cell_of(mini, A, column, row_id)
    reading = _read(tmp_path, mini, _typed_text(mini, A, row_id, column, typed))
    entry = reading.submission.criteria[row_id]  # type: ignore[union-attr]
    if column == L.COL_INPUT:
        assert "n" not in entry.values and "n" in entry.unreadable
    else:
        assert (entry.self_score if column == L.COL_SELF else entry.verified) is None
    assert _at(reading, ref) == [code]
    if code == "WB041":
        (p,) = [p for p in reading.problems if p.cell == ref]
        measure = "分" if column != L.COL_INPUT else mini_measure(mini, row_id)
        assert p.hint == f"请只填写数字，单位为{measure}。" and p.value == typed


def mini_measure(rubric: Rubric, row_id: str) -> str:
    for a in rubric.assignments(rubric.unit(A)):
        for crit in a.item.criteria:
            for ir in L.input_rows(a.item.id, crit):
                if ir.row_id == row_id:
                    return ir.spec.measure
    raise AssertionError(row_id)


@pytest.mark.parametrize("typed", ["⑱", "¹⁸", "١٨", "۱۸", "१८", "18²", "⒙", "Ⅻ"])
def test_digits_of_other_forms_are_problems_not_guesses(tmp_path: Path, mini: Rubric, typed: str) -> None:
    """NFKC would read ⑱ and ¹⁸ as 18 and Decimal reads Arabic-Indic digits: none of them is typed as 18."""
    ref = cell_of(mini, A, L.COL_INPUT, "C2.c")
    reading = _read(tmp_path, mini, _typed_text(mini, A, "C2.c", L.COL_INPUT, typed))
    assert "n" not in reading.submission.criteria["C2.c"].values  # type: ignore[union-attr]
    assert _at(reading, ref) == ["WB043"]


def test_a_number_with_a_word_where_no_measure_is_declared(tmp_path: Path, mini: Rubric) -> None:
    """A rule without a unit: any measure word after the number is a problem (WB042)."""
    text = (Path(__file__).parent / "data" / "mini.yaml").read_text("utf-8")
    text = text.replace("label: 少开会次数, each: 0.5}", "label: 少开会次数, each: 0.5, unit: ''}")
    path = tmp_path / "no-measure.yaml"
    path.write_text(text, "utf-8")
    from kepu_inspect.adapters.rubric_file import load_rubric

    rubric = load_rubric(path).rubric
    assert rubric is not None
    ref = cell_of(rubric, A, L.COL_INPUT, "C2.c")
    reading = _read(tmp_path, rubric, _typed_text(rubric, A, "C2.c", L.COL_INPUT, "2次"))
    assert _at(reading, ref) == ["WB042"]
    reading = _read(tmp_path, rubric, _typed_text(rubric, A, "C2.c", L.COL_INPUT, "2"), "b.xlsx")
    assert reading.submission.criteria["C2.c"].values["n"] == 2  # type: ignore[union-attr]


# --- yes/no, booleans, formulas, control characters ----------------------------------------------------
@pytest.mark.parametrize(
    ("typed", "value", "notes"),
    [
        ("是", True, []),
        ("否", False, []),
        ("√", True, ["WB047"]),
        ("×", False, ["WB047"]),
        ("Y", True, ["WB047"]),
        ("N", False, ["WB047"]),
        ("有", True, ["WB047"]),
        ("无", False, ["WB047"]),
        (" 是 ", True, ["WB047"]),
    ],
)
def test_yes_no_synonyms_are_noted(
    tmp_path: Path, mini: Rubric, typed: str, value: bool, notes: list[str]
) -> None:
    ref = cell_of(mini, A, L.COL_INPUT, "C2.d:f2")
    reading = _read(tmp_path, mini, _typed_text(mini, A, "C2.d:f2", L.COL_INPUT, typed))
    assert reading.submission.criteria["C2.d"].values["f2"] is value  # type: ignore[union-attr]
    assert _at(reading, ref) == notes


@pytest.mark.parametrize(
    ("stored", "expected"), [("1", True), ("0", False), ("2", None), ("-1", None), ("x", None)]
)
def test_a_boolean_cell_is_true_false_or_a_problem(
    tmp_path: Path, mini: Rubric, stored: str, expected: bool | None
) -> None:
    """A TRUE/FALSE cell holding 2 was read as 否."""
    ref = cell_of(mini, A, L.COL_INPUT, "C2.d:f2")
    data = set_cell_xml(clean_bytes(mini, A), ITEM, ref, f'<c r="{ref}" t="b"><v>{stored}</v></c>')
    reading = _read(tmp_path, mini, data)
    values = reading.submission.criteria["C2.d"].values  # type: ignore[union-attr]
    assert values.get("f2") is expected
    assert _at(reading, ref) == (["WB047"] if expected is not None else ["WB048"])
    gate = cell_of(mini, A, L.COL_VERIFIED, "G:fraud")
    data = set_cell_xml(clean_bytes(mini, A), ITEM, gate, f'<c r="{gate}" t="b"><v>{stored}</v></c>')
    reading = _read(tmp_path, mini, data, "gate.xlsx")
    assert reading.submission.gates["fraud"] is expected  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "formula",
    [
        "[1]Sheet1!A1",
        "'[1]Sheet 1'!$A$1*2",
        "SUM([2]数据!B2:B9)",
        "[1]!预算",
        "'C:\\temp\\[预算.xlsx]Sheet1'!A1",
        "cmd|' /c calc'!A0",
    ],
)
def test_a_formula_reaching_outside_the_workbook_is_a_problem(
    tmp_path: Path, mini: Rubric, formula: str
) -> None:
    from xml.sax.saxutils import escape

    ref = cell_of(mini, A, L.COL_INPUT, "C1.b")
    xml = f'<c r="{ref}"><f>{escape(formula)}</f><v>1080</v></c>'
    reading = _read(tmp_path, mini, set_cell_xml(clean_bytes(mini, A), ITEM, ref, xml))
    assert "n" not in reading.submission.criteria["C1.b"].values  # type: ignore[union-attr]
    assert _at(reading, ref) == ["WB049"]


@pytest.mark.parametrize(
    "formula", ['"[1]Sheet1!A1"', "SUM(H7:H9)", 'IF(H7>0,"a|b","")', "Sheet1!A1*2", "表1[[#This Row],[2017]]"]
)
def test_an_internal_formula_is_its_saved_value(tmp_path: Path, mini: Rubric, formula: str) -> None:
    from xml.sax.saxutils import escape

    ref = cell_of(mini, A, L.COL_INPUT, "C1.b")
    xml = f'<c r="{ref}"><f>{escape(formula)}</f><v>1080</v></c>'
    reading = _read(tmp_path, mini, set_cell_xml(clean_bytes(mini, A), ITEM, ref, xml))
    assert reading.submission.criteria["C1.b"].values["n"] == 1080  # type: ignore[union-attr]


def test_a_shared_formula_copied_from_an_external_one_is_a_problem(tmp_path: Path, mini: Rubric) -> None:
    """Filling down an external reference stores it once; the copies carry only the group number."""
    first = cell_of(mini, A, L.COL_INPUT, "C1.a")
    second = cell_of(mini, A, L.COL_INPUT, "C1.b")
    data = set_cell_xml(
        clean_bytes(mini, A),
        ITEM,
        first,
        f'<c r="{first}"><f t="shared" ref="{first}:{second}" si="0">[1]Sheet1!A1</f><v>50</v></c>',
    )
    data = set_cell_xml(data, ITEM, second, f'<c r="{second}"><f t="shared" si="0"/><v>1080</v></c>')
    reading = _read(tmp_path, mini, data)
    assert _at(reading, first) == ["WB049"] and _at(reading, second) == ["WB049"]


@pytest.mark.parametrize("typed", ["1080\x07", "\x1b[31m1080", "10\u200b80", "\ufeff1080", "1080\x00"])
def test_raw_control_characters_in_a_value_are_a_problem(tmp_path: Path, mini: Rubric, typed: str) -> None:
    ref = cell_of(mini, A, L.COL_INPUT, "C1.b")
    reading = _read(tmp_path, mini, set_cell_xml(clean_bytes(mini, A), ITEM, ref, inline(ref, typed)))
    assert "n" not in reading.submission.criteria["C1.b"].values  # type: ignore[union-attr]
    assert _at(reading, ref) == ["WB050"]


def test_a_line_break_in_a_value_is_only_a_space(tmp_path: Path, mini: Rubric) -> None:
    ref = cell_of(mini, A, L.COL_INPUT, "C1.b")
    reading = _read(tmp_path, mini, _typed_text(mini, A, "C1.b", L.COL_INPUT, "1080\n"))
    assert reading.submission.criteria["C1.b"].values["n"] == 1080  # type: ignore[union-attr]
    assert _at(reading, ref) == ["WB046"]


def test_control_characters_in_evidence_are_removed_and_reported(tmp_path: Path, mini: Rubric) -> None:
    ref = cell_of(mini, A, L.COL_EVIDENCE, "C1")
    data = set_cell_xml(clean_bytes(mini, A), ITEM, ref, inline(ref, "预算文件\x07（附件1）"))
    reading = _read(tmp_path, mini, data)
    assert reading.submission.items["C1"].evidence == "预算文件（附件1）"  # type: ignore[union-attr]
    assert _at(reading, ref) == ["WB051"]


# --- inspectors' marks are read like self scores -------------------------------------------------------------------
def test_an_inspectors_mark_is_read_with_its_measure(tmp_path: Path) -> None:
    """核定分 in a verification workbook: 2.5分 is 2.5 (noted); 3万元 and a percent format are problems."""
    from openpyxl import load_workbook

    from kepu_inspect.adapters import verification_layout as V
    from kepu_inspect.adapters.verification_reader import read_verification
    from tests.test_inspection import fill, make_workbooks, separate

    rubric, text = separate()
    rubric_file = tmp_path / "细则.yaml"
    rubric_file.write_text(text, "utf-8")  # type: ignore[arg-type]
    inbox = tmp_path / "收到的材料"
    write(inbox, "甲县.xlsx", clean_bytes(rubric, "A"))
    office = {"rubric_file": rubric_file, "inbox": inbox, "teams": tmp_path / "none.yaml"}
    office["teams"].write_text(
        "teams:\n  - name: 第一督导检查组\n    leader: 张组长\n    members: [李四]\n    units: [甲县]\n",
        "utf-8",
    )
    (book,) = make_workbooks(office, tmp_path / "核查表")
    fill(book, {("甲县", "张组长"): {"C1.b": "2.5分", "C1.c": "3万元", "C2.a": 0.85}})
    wb = load_workbook(book)
    ws = wb["甲县-张组长"]
    rows = {ws[f"A{r}"].value: r for r in range(V.FIRST_DATA_ROW, ws.max_row + 1) if ws[f"A{r}"].value}
    ws[f"{V.COL_VERIFIED}{rows['C2.a']}"].number_format = "0%"
    wb.save(book)
    found = read_verification(rubric, book)
    at = {p.cell: p.code.name for p in found.problems if p.sheet == "甲县-张组长"}
    assert at[f"{V.COL_VERIFIED}{rows['C1.b']}"] == "WB039"
    assert at[f"{V.COL_VERIFIED}{rows['C1.c']}"] == "WB041"
    assert at[f"{V.COL_VERIFIED}{rows['C2.a']}"] == "WB038"
    (unit,) = found.units
    assert {uid: m.value for uid, ms in unit.verification.marks.items() for m in ms} == {
        "C1.b": Decimal("2.5")
    }
