"""``rubric export`` → ``rubric import`` gives the same rubric back, from the visible text alone (issue 17).

Every shipped rubric, in Excel and in Word: the export is rebuilt from what a person can see (cell
values of visible sheets; paragraph and table text, every merged cell repeated) with nothing else kept
(no hidden sheets, names, properties, styles or merges), imported, and compared with the original:
the same ids, points, rules, applies_to, units, groups, gates, grades, settings. Then at least 20
workbooks filled from the original's templates are scored with both, and every unit's score, grade,
status and rank must be equal.
"""

from __future__ import annotations

import io
import random
from pathlib import Path
from typing import Any

import pytest

from kepu_inspect.adapters.filler import plausible_filling, write_filled
from kepu_inspect.adapters.rubric_export import export_docx, export_xlsx
from kepu_inspect.adapters.rubric_file import load_rubric
from kepu_inspect.adapters.template_writer import template_bytes, template_filename
from kepu_inspect.core.rubric import Rubric
from kepu_inspect.core.rubric_table.export import rubric_document
from kepu_inspect.services.batch import score_paths
from kepu_inspect.services.rubric_table_import import import_rubric_table
from tests.conftest import ROOT

SHIPPED = sorted((ROOT / "rubrics").glob("*.yaml"))
WORKBOOKS = 20


def visible_xlsx(data: bytes) -> bytes:
    """Only the values of visible cells, sheet by sheet: what a person reads on screen."""
    from openpyxl import Workbook, load_workbook

    src = load_workbook(io.BytesIO(data))
    out = Workbook()
    out.remove(out.active)  # type: ignore[arg-type]
    for sheet in src.worksheets:
        if sheet.sheet_state != "visible":
            continue
        copy = out.create_sheet(sheet.title)
        merged = {c for rng in sheet.merged_cells.ranges for row in rng.cells for c in [row]}
        for row in sheet.iter_rows():
            for cell in row:
                if (
                    cell.value is not None and (cell.row, cell.column) not in merged
                ) or cell.value is not None:
                    copy.cell(row=cell.row, column=cell.column, value=str(cell.value))
        for rng in sheet.merged_cells.ranges:  # a merged area shows its text across: repeat it
            value = sheet.cell(rng.min_row, rng.min_col).value
            for r in range(rng.min_row, rng.max_row + 1):
                for c in range(rng.min_col, rng.max_col + 1):
                    copy.cell(row=r, column=c, value=None if value is None else str(value))
    buffer = io.BytesIO()
    out.save(buffer)
    return buffer.getvalue()


def visible_docx(data: bytes) -> bytes:
    """Only the text of paragraphs and table cells, in document order (merged cells repeated)."""
    import docx
    from docx.oxml.ns import qn
    from docx.table import Table

    src = docx.Document(io.BytesIO(data))
    out = docx.Document()
    for child in src.element.body.iterchildren():
        if child.tag == qn("w:p"):
            out.add_paragraph("".join(t.text or "" for t in child.iter(qn("w:t"))))
        elif child.tag == qn("w:tbl"):
            table = Table(child, src)
            rows = [[cell.text for cell in row.cells] for row in table.rows]
            copy = out.add_table(rows=len(rows), cols=max(len(r) for r in rows))
            for r, row in enumerate(rows):
                for c, text in enumerate(row):
                    copy.cell(r, c).text = text
    buffer = io.BytesIO()
    out.save(buffer)
    return buffer.getvalue()


def projection(rubric: Rubric) -> dict[str, Any]:
    """Everything that decides a form or a score (criterion wording aside: it is regenerated)."""
    items = [
        (
            section.id,
            section.kind,
            section.title,
            section.points,
            section.cap,
            item.id,
            item.number,
            item.title,
            item.content,
            item.points,
            item.applies_to,
            item.plan_items,
            item.evidence,
            item.evidence_required,
            item.verification,
            item.item_group,
            item.reported_by,
            tuple((c.id, c.points, c.bonus, c.rule) for c in item.criteria),
        )
        for section, item in rubric.items()
    ]
    return {
        "meta": rubric.meta,
        "settings": rubric.settings,
        "groups": rubric.groups,
        "units": rubric.units,
        "item_groups": rubric.item_groups,
        "gates": rubric.gates,
        "grades": rubric.grades,
        "total": rubric.total,
        "items": items,
    }


def round_trip(path: Path, fmt: str, tmp: Path) -> Rubric:
    original = load_rubric(path).rubric
    assert original is not None
    document = rubric_document(original)
    raw = export_xlsx(document) if fmt == "xlsx" else export_docx(document)
    exported = tmp / f"考核细则.{fmt}"
    exported.write_bytes(visible_xlsx(raw) if fmt == "xlsx" else visible_docx(raw))
    result = import_rubric_table(exported)
    assert not result.fatal, [(p.code.name, p.message) for p in result.problems]
    assert [p for p in result.problems if p.severity.value != "info"] == []
    target = tmp / "imported.yaml"
    target.write_text(result.yaml_text, "utf-8")
    loaded = load_rubric(target)
    assert loaded.rubric is not None and loaded.problems == [], [p.message for p in loaded.problems]
    assert result.tally.discretionary == 0  # every generated sentence reads back as its rule
    return loaded.rubric


@pytest.mark.parametrize("fmt", ["xlsx", "docx"])
@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_export_imports_back_to_the_same_rubric(path: Path, fmt: str, tmp_path: Path) -> None:
    original = load_rubric(path).rubric
    assert original is not None
    imported = round_trip(path, fmt, tmp_path)
    got, want = projection(imported), projection(original)
    for key in want:
        assert got[key] == want[key], key


def test_export_has_nothing_hidden(tmp_path: Path) -> None:
    """What a re-import could use is only what a person sees."""
    import zipfile

    from openpyxl import load_workbook

    rubric = load_rubric(SHIPPED[0]).rubric
    assert rubric is not None
    document = rubric_document(rubric)
    book = load_workbook(io.BytesIO(export_xlsx(document)))
    assert all(ws.sheet_state == "visible" for ws in book.worksheets)
    assert not book.defined_names
    visible_parts = ("word/document.xml", "xl/sharedStrings.xml", "xl/worksheets/")
    for data in (export_xlsx(document), export_docx(document)):
        archive = zipfile.ZipFile(io.BytesIO(data))
        for name in archive.namelist():
            if name.startswith(visible_parts):
                continue
            text = archive.read(name).decode("utf-8", "replace")
            assert rubric.meta.id not in text and rubric.units[0].id not in text, name
    assert export_xlsx(document) == export_xlsx(rubric_document(rubric))  # reproducible
    assert export_docx(document) == export_docx(rubric_document(rubric))


@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_scores_are_equal_on_filled_workbooks(path: Path, tmp_path: Path) -> None:
    original = load_rubric(path).rubric
    assert original is not None
    imported = round_trip(path, "xlsx", tmp_path)
    units = original.assessed_units()
    folders: list[Path] = []
    written = 0
    seed = 0
    while written < WORKBOOKS:
        seed += 1
        rng = random.Random(seed)
        folder = tmp_path / f"batch{seed}"
        for unit in units:
            quality = rng.uniform(0.2, 1.0)
            write_filled(
                template_bytes(original, unit),
                plausible_filling(original, unit, rng, quality=quality, inspected=rng.random() < 0.8),
                folder / template_filename(original, unit),
            )
            written += 1
        folders.append(folder)
    assert written >= WORKBOOKS
    for folder in folders:
        files = sorted(folder.glob("*.xlsx"))
        a = score_paths(original, files, "2020-01-01")
        b = score_paths(imported, files, "2020-01-01")
        for uid, result in a.results.items():
            other = b.results[uid]
            assert (
                result.status,
                result.score,
                result.base,
                result.bonus,
                result.deductions,
                result.grade,
            ) == (
                other.status,
                other.score,
                other.base,
                other.bonus,
                other.deductions,
                other.grade,
            ), (path.stem, uid)
        for gid, ranking in a.rankings.items():
            assert [(r.rank, r.result.unit_id) for r in ranking] == [
                (r.rank, r.result.unit_id) for r in b.rankings[gid]
            ]


@pytest.mark.libreoffice
@pytest.mark.parametrize("fmt", ["xlsx", "docx"])
def test_the_printed_export_shows_what_the_import_reads(fmt: str, tmp_path: Path) -> None:
    """Printed through LibreOffice, the export shows every table, item code and criterion sentence."""
    import shutil
    import subprocess

    if shutil.which("soffice") is None or shutil.which("pdftotext") is None:
        pytest.skip("needs LibreOffice and pdftotext")
    rubric = load_rubric(ROOT / "rubrics" / "yiyang-towns-2019.yaml").rubric
    assert rubric is not None
    document = rubric_document(rubric)
    src = tmp_path / f"细则.{fmt}"
    src.write_bytes(export_xlsx(document) if fmt == "xlsx" else export_docx(document))
    profile = tmp_path / "profile"
    subprocess.run(
        ["soffice", f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
         "--convert-to", "pdf", "--outdir", str(tmp_path), str(src)],
        capture_output=True, timeout=240, check=True,
    )  # fmt: skip
    text = subprocess.run(
        ["pdftotext", str(tmp_path / "细则.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout
    lines = ["".join(line.split()) for line in text.splitlines()]  # table columns print side by side

    def shown(words: str) -> bool:
        return any(words in line for line in lines)

    for table in document.tables:
        assert shown(table.caption), table.caption
    for _, item in rubric.items():
        assert item.id in lines and shown(item.title[:4]), item.id
    for words in ("本项分值内", "不累计", "全部乡镇", "等次最高为"):
        assert shown(words), words
