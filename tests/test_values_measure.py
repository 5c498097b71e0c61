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
