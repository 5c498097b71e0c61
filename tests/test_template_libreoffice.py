"""The template outside openpyxl: headless LibreOffice prints it to PDF and re-saves it as .xlsx.

LibreOffice stands in for the spreadsheet programs units really use (Excel, WPS): if a template survives
its import and export, the layout, ids, validations and protection are plain OOXML, not openpyxl habits.
Two LibreOffice runs for the whole module (one to PDF, one to .xlsx), shared by every test.
"""

from __future__ import annotations

import random
import re
import shutil
import subprocess
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import MergedCell

from kepu_inspect.adapters import layout as L
from kepu_inspect.adapters.filler import Filling, fill_template, plausible_filling
from kepu_inspect.adapters.template_writer import template_bytes
from kepu_inspect.adapters.workbook_reader import read_submission
from kepu_inspect.core.rubric import Rubric, Unit
from tests.test_template import comparable, input_cells, row_ids, validation_of


@pytest.fixture(scope="session")
def pingdingshan(pingdingshan_in_submission: Rubric) -> Rubric:
    """These tests read the inspectors' columns as a unit's own workbook carries them (in_submission)."""
    return pingdingshan_in_submission


SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
PDFTOTEXT = shutil.which("pdftotext")
pytestmark = [
    pytest.mark.libreoffice,
    pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed; .ci/run installs it"),
]
UNITS = {"baofeng": "宝丰县", "jiaoyu": "市教育局"}  # one county, one department


@dataclass
class Converted:
    rubric: Rubric
    units: dict[str, Unit]
    src: Path  # the files as written by kepu-inspect
    pdf: Path
    resaved: Path  # the same files after LibreOffice opened and saved them as .xlsx
    filling: Filling


def soffice(args: list[str], profile: Path) -> None:
    assert SOFFICE is not None
    # a private profile per session: a shared one is locked by any other running LibreOffice
    cmd = [SOFFICE, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore", *args]
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=180, check=False)
    assert result.returncode == 0, result.stderr[-2000:]


@pytest.fixture(scope="module")
def lo(tmp_path_factory: pytest.TempPathFactory, pingdingshan: Rubric) -> Converted:
    root = tmp_path_factory.mktemp("libreoffice")
    src, pdf, resaved, profile = root / "src", root / "pdf", root / "resaved", root / "profile"
    src.mkdir()
    units = {key: pingdingshan.find_unit(name) for key, name in UNITS.items()}
    assert all(units.values())
    for key, unit in units.items():
        assert unit is not None
        (src / f"{key}.xlsx").write_bytes(template_bytes(pingdingshan, unit))
    baofeng = units["baofeng"]
    assert baofeng is not None
    filling = plausible_filling(pingdingshan, baofeng, random.Random(2017))
    filling.opinions = {a.item.id: f"核查意见：{a.item.title}" for a in pingdingshan.assignments(baofeng)}
    filling.gates = {"fraud": "否", "late": "是"}
    (src / "baofeng-filled.xlsx").write_bytes(fill_template(src / "baofeng.xlsx", filling))
    soffice(
        ["--convert-to", "pdf", "--outdir", str(pdf), str(src / "baofeng.xlsx"), str(src / "jiaoyu.xlsx")],
        profile,
    )
    soffice(
        [
            "--convert-to",
            "xlsx:Calc MS Excel 2007 XML",
            "--outdir",
            str(resaved),
            str(src / "jiaoyu.xlsx"),
            str(src / "baofeng-filled.xlsx"),
        ],
        profile,
    )
    return Converted(pingdingshan, units, src, pdf, resaved, filling)  # type: ignore[arg-type]


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def pdf_pages(path: Path) -> list[str]:
    if PDFTOTEXT is None:
        pytest.skip("pdftotext (poppler-utils) is not installed; .ci/run installs it")
    # -raw keeps the order LibreOffice drew the text in, cell by cell; the default layout mode would join
    # the first lines of neighbouring top-aligned cells (考核项目 and 考核内容) into one line
    result = subprocess.run(
        [PDFTOTEXT, "-raw", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True
    )
    return result.stdout.decode("utf-8").split("\f")[:-1]


def page_sizes(path: Path) -> list[tuple[float, float]]:
    pdfinfo = shutil.which("pdfinfo")
    if pdfinfo is None:
        pytest.skip("pdfinfo (poppler-utils) is not installed")
    out = subprocess.run(
        [pdfinfo, "-f", "1", "-l", "999", str(path)], capture_output=True, text=True, check=True
    ).stdout
    return [(float(w), float(h)) for w, h in re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)", out)]


# --- PDF --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("key", list(UNITS))
def test_pdf_shows_every_item_and_criterion(lo: Converted, key: str) -> None:
    unit = lo.units[key]
    text = squeeze("".join(pdf_pages(lo.pdf / f"{key}.pdf")))
    for a in lo.rubric.assignments(unit):
        assert squeeze(a.item.title) in text, f"{a.item.id} {a.item.title} not printed"
        for crit in a.item.criteria:
            assert squeeze(crit.text) in text, f"{a.item.id}.{crit.id} not printed: {crit.text}"
    for words in (unit.name, "由督导检查组填写", "基本分合计", "单位负责人签字", "否决事项：弄虚作假"):
        assert squeeze(words) in text, words


@pytest.mark.parametrize("key", list(UNITS))
def test_pdf_pages_are_a4_numbered_with_repeated_headers(lo: Converted, key: str) -> None:
    path = lo.pdf / f"{key}.pdf"
    pages = pdf_pages(path)
    sizes = page_sizes(path)
    assert len(sizes) == len(pages) >= 3
    a4 = (595.3, 841.9)
    assert abs(sizes[0][0] - a4[0]) < 1 and abs(sizes[0][1] - a4[1]) < 1  # the cover: portrait
    for w, h in sizes[1:]:  # the item sheet: landscape
        assert abs(w - a4[1]) < 1 and abs(h - a4[0]) < 1
    for number, page in enumerate(pages, start=1):
        assert f"第{number}页共{len(pages)}页" in squeeze(page), f"page {number} has no page number"
    for page in pages[1:]:  # rows 3–4 repeat on every page of the item sheet, with the unit's name above
        flat = squeeze(page)
        assert "考核内容／评分标准" in flat and "由督导检查组填写" in flat and lo.units[key].name in flat


# --- re-saved by LibreOffice -------------------------------------------------------------------------
def pair(lo: Converted, name: str) -> tuple[Workbook, Workbook]:
    return load_workbook(lo.src / name), load_workbook(lo.resaved / name)


@pytest.mark.parametrize("name", ["jiaoyu.xlsx", "baofeng-filled.xlsx"])
def test_resaved_keeps_identity_and_item_ids(lo: Converted, name: str) -> None:
    before, after = pair(lo, name)
    assert after.sheetnames == before.sheetnames
    identity = {
        str(a.value): str(b.value) for a, b in after[L.IDENTITY_SHEET].iter_rows(min_col=1, max_col=2)
    }
    assert identity == {
        str(a.value): str(b.value) for a, b in before[L.IDENTITY_SHEET].iter_rows(min_col=1, max_col=2)
    }
    assert after[L.IDENTITY_SHEET].sheet_state in ("hidden", "veryHidden")
    assert after[L.OPTIONS_SHEET].sheet_state == "hidden"
    assert row_ids(after[L.ITEM_SHEET]) == row_ids(before[L.ITEM_SHEET])
    assert after[L.ITEM_SHEET].column_dimensions[L.COL_ID].hidden


@pytest.mark.xfail(
    reason="LibreOffice 7.x writes a veryHidden sheet back as merely hidden (no veryHidden in Calc); "
    "the identity still survives and the reader does not depend on the state",
    strict=False,
)
def test_resaved_identity_stays_very_hidden(lo: Converted) -> None:
    _, after = pair(lo, "jiaoyu.xlsx")
    assert after[L.IDENTITY_SHEET].sheet_state == "veryHidden"


def _normalise_formula(text: str | None) -> str:
    return (text or "").replace("'", "").replace("$", "")


@pytest.mark.parametrize("name", ["jiaoyu.xlsx", "baofeng-filled.xlsx"])
def test_resaved_keeps_validations_and_unlocked_inputs(lo: Converted, name: str) -> None:
    before, after = pair(lo, name)
    unit = lo.units["jiaoyu" if name.startswith("jiaoyu") else "baofeng"]
    for sheet, cells in (
        (L.ITEM_SHEET, input_cells(lo.rubric, unit, before[L.ITEM_SHEET])),
        (L.COVER_SHEET, {L.COVER_CONTACT_CELL: "", L.COVER_PHONE_CELL: "", L.COVER_DATE_CELL: ""}),
    ):
        ws_before, ws_after = before[sheet], after[sheet]
        for ref in cells:
            old, new = validation_of(ws_before, ref), validation_of(ws_after, ref)
            assert old is not None and new is not None, f"{sheet}!{ref} lost its validation"
            assert (new.type or "none") == (old.type or "none"), ref
            if old.type is not None:  # prompt-only validations get a dummy formula "0" from LibreOffice
                assert _normalise_formula(new.formula1) == _normalise_formula(old.formula1), ref
                assert (new.formula2 or None) == (old.formula2 or None) or old.type == "list", ref
            assert new.prompt == old.prompt and new.showInputMessage, ref
            assert ws_after[ref].protection.locked is False, f"{sheet}!{ref} became locked"
        unlocked = {
            c.coordinate
            for row in ws_after.iter_rows()
            for c in row
            if c.protection.locked is False and not isinstance(c, MergedCell)
        }
        assert unlocked == set(cells), f"{sheet}: unlocked cells changed"


@pytest.mark.parametrize("name", ["jiaoyu.xlsx", "baofeng-filled.xlsx"])
def test_resaved_keeps_sheet_protection_and_highlighting(lo: Converted, name: str) -> None:
    before, after = pair(lo, name)
    for ws in after.worksheets:
        assert ws.protection.sheet, f"{ws.title} lost its protection"
        assert not ws.protection.password
    cf_before = sorted(str(cf.sqref) for cf in before[L.ITEM_SHEET].conditional_formatting)
    cf_after = sorted(str(cf.sqref) for cf in after[L.ITEM_SHEET].conditional_formatting)
    assert cf_after == cf_before
    assert after[L.ITEM_SHEET].print_title_rows == "$3:$4"
    assert after[L.ITEM_SHEET].page_setup.paperSize in (9, "9")


@pytest.mark.xfail(
    reason="LibreOffice 7.x does not write workbook structure protection to .xlsx "
    "(<workbookProtection/> comes out empty, with or without a password)",
    strict=False,
)
def test_resaved_keeps_workbook_structure_lock(lo: Converted) -> None:
    _, after = pair(lo, "jiaoyu.xlsx")
    assert after.security is not None and after.security.lockStructure


# --- reading what LibreOffice wrote ------------------------------------------------------------------
def test_reading_a_resaved_filled_workbook_gives_the_same_values(lo: Converted) -> None:
    original = read_submission(lo.rubric, lo.src / "baofeng-filled.xlsx")
    resaved = read_submission(lo.rubric, lo.resaved / "baofeng-filled.xlsx")
    assert original.status == resaved.status == "read"
    assert comparable(resaved) == comparable(original)
    assert resaved.identity == original.identity
    assert resaved.submission is not None and resaved.submission.gates == {"fraud": False, "late": True}


def test_formulas_compute_the_totals_in_libreoffice(lo: Converted) -> None:
    """LibreOffice calculated and cached every subtotal and total: they equal the filled scores."""
    wb = load_workbook(lo.resaved / "baofeng-filled.xlsx", data_only=True)
    ws = wb[L.ITEM_SHEET]
    ids = row_ids(ws)
    rubric, unit, filling = lo.rubric, lo.units["baofeng"], lo.filling

    def value(col: str, rid: str) -> Decimal:
        cell: Any = ws[f"{col}{ids[rid]}"].value
        assert isinstance(cell, (int, float)), (col, rid, cell)
        return Decimal(str(cell)).quantize(Decimal("0.0001"))

    base_self = base_verified = bonus_self = bonus_verified = Decimal(0)
    for a in rubric.assignments(unit):
        uids = [L.criterion_uid(a.item.id, c) for c in a.item.criteria]
        self_sum = sum((Decimal(str(filling.self_scores[u])) for u in uids), Decimal(0))
        verified_sum = sum((Decimal(str(filling.verified[u])) for u in uids), Decimal(0))
        assert value(L.COL_SELF, a.item.id) == self_sum, a.item.id
        assert value(L.COL_VERIFIED, a.item.id) == verified_sum, a.item.id
        if a.is_bonus:
            bonus_self, bonus_verified = bonus_self + self_sum, bonus_verified + verified_sum
        else:
            base_self, base_verified = base_self + self_sum, base_verified + verified_sum
    assert value(L.COL_SELF, "S:base") == base_self and value(L.COL_VERIFIED, "S:base") == base_verified
    cap = rubric.settings.bonus_cap or Decimal("Infinity")
    assert value(L.COL_SELF, "S:bonus") == min(bonus_self, cap)
    assert value(L.COL_VERIFIED, "S:bonus") == min(bonus_verified, cap)
