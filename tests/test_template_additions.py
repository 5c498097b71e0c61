"""The forms of the format additions (issue 17): what the unit sees and enters, and that it scores.

The shipped 宜阳县 rubric uses every addition: a pool, required counts, compound, best-of, banded
levels, growth, uncapped accumulation, 加分 and 扣分 sections, items the office reports, and gates that
are not a forced grade. Its forms are written, read back filled, scored; and printed through
LibreOffice, where the markers must show on paper.
"""

from __future__ import annotations

import random
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from kepu_inspect.adapters import layout as L
from kepu_inspect.adapters.filler import plausible_filling, write_filled
from kepu_inspect.adapters.rubric_file import load_rubric
from kepu_inspect.adapters.template_writer import template_bytes, template_filename
from kepu_inspect.adapters.workbook_reader import read_submission
from kepu_inspect.core.rubric import Rubric
from kepu_inspect.services.batch import score_paths
from tests.conftest import ROOT
from tests.test_template import row_ids, validation_of

YIYANG = ROOT / "rubrics" / "yiyang-towns-2019.yaml"


@pytest.fixture(scope="module")
def yiyang() -> Rubric:
    loaded = load_rubric(YIYANG)
    assert loaded.rubric is not None
    return loaded.rubric


@pytest.fixture(scope="module")
def sheet(yiyang: Rubric):  # type: ignore[no-untyped-def]
    import io

    wb = load_workbook(io.BytesIO(template_bytes(yiyang, yiyang.unit("chengguan"))))
    return wb


def _row(ws, rid: str) -> int:  # type: ignore[no-untyped-def]
    return row_ids(ws)[rid]


def test_adjustment_rows_carry_their_sign_and_open_ended_ones_no_maximum(sheet) -> None:  # type: ignore[no-untyped-def]
    ws = sheet[L.ITEM_SHEET]
    bonus, deduct, uncapped = _row(ws, "b1.a"), _row(ws, "k2.a"), _row(ws, "t10.a")
    assert ws[f"{L.COL_MAX}{bonus}"].number_format == '"＋"General'
    assert ws[f"{L.COL_MAX}{deduct}"].number_format == '"－"General'
    assert ws[f"{L.COL_MAX}{uncapped}"].value == "不限"
    assert str(ws[f"{L.COL_TEXT}{bonus}"].value).startswith("【加分】")
    assert str(ws[f"{L.COL_TEXT}{deduct}"].value).startswith("【扣分】")
    total = _row(ws, "S:total")
    assert "－扣分" in str(ws[f"{L.COL_NO}{total}"].value)
    formula = str(ws[f"{L.COL_SELF}{total}"].value)
    assert formula.startswith("=") and f"-{L.COL_SELF}{_row(ws, 'S:deduct')}" in formula


def test_evidence_is_printed_beside_the_box_it_goes_in(sheet) -> None:  # type: ignore[no-untyped-def]
    ws = sheet[L.ITEM_SHEET]
    item = _row(ws, "t1")
    assert "佐证材料：换届文件" in str(ws[f"{L.COL_LABEL}{item}"].value).replace("\n", "")
    assert ws[f"{L.COL_INPUT}{item}"].value == "小计"


def test_the_unit_enters_its_count_not_its_shortfall(sheet) -> None:  # type: ignore[no-untyped-def]
    ws = sheet[L.ITEM_SHEET]
    row = _row(ws, "t2.a")
    assert "召开科普工作例会" in str(ws[f"{L.COL_LABEL}{row}"].value).replace("\n", "")
    assert "实际完成的次数" in str(ws[f"{L.COL_TEXT}{row}"].value).replace("\n", "")


def test_office_reported_rows_are_locked_and_not_required(sheet) -> None:  # type: ignore[no-untyped-def]
    ws = sheet[L.ITEM_SHEET]
    row = _row(ws, "k1.a")
    for col in (L.COL_INPUT, L.COL_SELF):
        cell = ws[f"{col}{row}"]
        assert cell.protection.locked and cell.value == "—"
    assert validation_of(ws, f"{L.COL_SELF}{row}") is None
    assert "由督导检查组认定" in str(ws[f"{L.COL_TEXT}{_row(ws, 'k1')}"].value).replace("\n", "")


def test_uncapped_self_score_has_no_upper_bound(sheet) -> None:  # type: ignore[no-untyped-def]
    ws = sheet[L.ITEM_SHEET]
    dv = validation_of(ws, f"{L.COL_SELF}{_row(ws, 't10.a')}")
    assert dv is not None and dv.formula1 == "0" and Decimal(dv.formula2) >= 999999999


def test_score_decided_gates_have_no_row_and_are_explained_on_the_cover(sheet) -> None:  # type: ignore[no-untyped-def]
    ids = row_ids(sheet[L.ITEM_SHEET])
    assert "G:balance" not in ids and {"G:fraud", "G:late", "G:accident"} <= set(ids)
    cover = " ".join(str(c.value) for row in sheet[L.COVER_SHEET].iter_rows() for c in row if c.value)
    assert "按得分自动认定" in cover and "扣分项目" in cover and "由督导检查组认定" in cover


def test_every_town_fills_reads_and_scores(yiyang: Rubric, tmp_path: Path) -> None:
    rng = random.Random(17)
    for unit in yiyang.assessed_units():
        write_filled(
            template_bytes(yiyang, unit),
            plausible_filling(yiyang, unit, rng),
            tmp_path / template_filename(yiyang, unit),
        )
    run = score_paths(yiyang, sorted(tmp_path.glob("*.xlsx")), "2019-12-28")
    errors = [p for p in run.problems() if p.severity.value == "error"]
    assert errors == []
    assert all(r.status in ("scored", "held") for r in run.results.values())
    for result in run.results.values():
        k1 = next(i for i in result.items if i.item_id == "k1")
        assert all(c.self_score is None for c in k1.criteria)  # the office's item: no claim read
        assert result.score == result.base + result.bonus - result.deductions or result.score == 0


def test_what_is_read_is_what_was_filled(yiyang: Rubric, tmp_path: Path) -> None:
    unit = yiyang.unit("liuquan")
    filling = plausible_filling(yiyang, unit, random.Random(3))
    path = write_filled(template_bytes(yiyang, unit), filling, tmp_path / "f.xlsx")
    reading = read_submission(yiyang, path)
    assert reading.submission is not None
    for rid, value in filling.inputs.items():
        item, crit, _ = L.parse_row_id(rid)
        entry = reading.submission.criteria[f"{item}.{crit}"]
        spec = {
            ir.row_id: ir.spec.key
            for ir in L.input_rows(item, next(c for c in yiyang_item(yiyang, item).criteria if c.id == crit))
        }
        got = entry.values[spec[rid]]
        assert (got if not isinstance(got, Decimal) else float(got)) == (
            value if not isinstance(value, Decimal) else float(value)
        )


def yiyang_item(rubric: Rubric, item_id: str):  # type: ignore[no-untyped-def]
    return next(item for _, item in rubric.items() if item.id == item_id)


@pytest.mark.libreoffice
@pytest.mark.skipif(
    shutil.which("soffice") is None or shutil.which("pdftotext") is None, reason="needs LibreOffice"
)
def test_printed_form_shows_the_markers(yiyang: Rubric, tmp_path: Path) -> None:
    src = tmp_path / "form.xlsx"
    src.write_bytes(template_bytes(yiyang, yiyang.unit("chengguan")))
    profile = tmp_path / "profile"
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(src),
        ],
        capture_output=True,
        timeout=180,
        check=True,
    )
    text = subprocess.run(
        ["pdftotext", "-layout", str(tmp_path / "form.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout
    flat = "".join(text.split())
    for words in (
        "【扣分】",
        "【加分】",
        "－5",
        "＋10",
        "不限",
        "佐证材料：",
        "扣分合计",
        "由督导检查组认定",
        "实际完成的次数",
    ):
        assert words in flat, words
