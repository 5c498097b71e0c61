"""The templates written now equal the golden ones in ``tests/data/golden_templates/``, cell by cell.

Both workbooks are opened with openpyxl and compared: values, formulas, fonts, fills, borders,
alignment, number formats, protection, merges, data validations (prompts, the hidden level lists),
conditional formats, sheet and workbook protection, print setup (paper, orientation, fit, margins,
titles, header/footer, page breaks), column widths, row heights, hidden rows, columns and sheets,
defined names. Zero differences are allowed; a deliberate layout change regenerates the goldens
(``python -m tests.golden_templates``) after its pages were looked at.
"""

from __future__ import annotations

import io
import zipfile

import pytest

from tests.golden_templates import CASES, Case, differences, golden_path, written_cases

WRITTEN = dict(written_cases())


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_template_equals_its_golden(case: Case) -> None:
    expected = golden_path(case).read_bytes()
    found = differences(WRITTEN[case], expected)
    assert not found, "\n".join(found[:40])


def test_goldens_cover_the_cases_named_in_the_brief() -> None:
    names = {c.name for c in CASES}
    assert {"pingdingshan-baofeng", "pingdingshan-jiaoyu", "xinan-jiaoyu", "mini-A"} <= names
    assert any(c.password for c in CASES)
    assert all(golden_path(c).exists() for c in CASES)


def test_comparison_sees_a_changed_style() -> None:
    """The comparison is not blind: a golden with one cell's fill changed differs in exactly that."""
    from openpyxl import load_workbook
    from openpyxl.styles import PatternFill

    case = CASES[0]
    wb = load_workbook(io.BytesIO(golden_path(case).read_bytes()))
    wb["自评表"]["H4"].fill = PatternFill("solid", fgColor="FF0000")
    wb["自评表"].row_dimensions[7].height = 99
    buffer = io.BytesIO()
    wb.save(buffer)
    found = differences(buffer.getvalue(), golden_path(case).read_bytes())
    assert any("cells[H4]" in line for line in found) and any("rows[7]" in line for line in found)


@pytest.mark.parametrize("case", CASES[:2], ids=[c.name for c in CASES[:2]])
def test_written_bytes_are_reproducible(case: Case) -> None:
    again = dict(written_cases())[case]
    assert again == WRITTEN[case]
    with zipfile.ZipFile(io.BytesIO(again)) as zf:
        assert {info.date_time for info in zf.infolist()} == {(2000, 1, 1, 0, 0, 0)}
