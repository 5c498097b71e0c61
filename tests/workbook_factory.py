"""Build real workbooks for the check tests: clean filled templates, then edits as people (or attackers) make them.

Edits go through openpyxl when a person could make them in Excel (delete a row, hide a sheet), and
through the raw XML when only the file format can express them (a formula without a cached value,
an error cell, a DOCTYPE).
"""

from __future__ import annotations

import functools
import io
import random
import re
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kepu_inspect.adapters import layout as L
from kepu_inspect.adapters.filler import Filling, fill_template, plausible_filling
from kepu_inspect.adapters.template_writer import template_bytes
from kepu_inspect.core.rubric import Rubric, Unit

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


_TEMPLATES: dict[tuple[str, str], bytes] = {}


def template_for(rubric: Rubric, unit: Unit | str) -> bytes:
    """The unit's template, made once per rubric content (a Rubric is not hashable)."""
    u = rubric.unit(unit) if isinstance(unit, str) else unit
    key = (rubric.content_hash, u.id)
    if key not in _TEMPLATES:
        _TEMPLATES[key] = template_bytes(rubric, u)
    return _TEMPLATES[key]


def clean_filling(rubric: Rubric, unit: Unit | str, seed: int = 1) -> Filling:
    """A filling with no problems at all: self scores follow the rules, evidence and contact present."""
    u = rubric.unit(unit) if isinstance(unit, str) else unit
    return plausible_filling(rubric, u, random.Random(seed), inflate=0.0)


def clean_bytes(rubric: Rubric, unit: Unit | str, seed: int = 1, **changes: Any) -> bytes:
    """A clean filled workbook; ``changes`` override Filling fields entry by entry."""
    filling = clean_filling(rubric, unit, seed)
    for name, entries in changes.items():
        getattr(filling, name).update(entries)
    return fill_template(template_for(rubric, unit), filling)


@functools.cache
def _rows(template: bytes) -> dict[str, int]:
    from openpyxl import load_workbook

    ws = load_workbook(io.BytesIO(template))[L.ITEM_SHEET]
    return {
        str(c.value): c.row
        for (c,) in ws.iter_rows(min_row=L.FIRST_DATA_ROW, min_col=1, max_col=1)
        if c.value
    }


def row_of(rubric: Rubric, unit: Unit | str, row_id: str) -> int:
    """The item-sheet row that carries ``row_id`` in the unit's template."""
    return _rows(template_for(rubric, unit))[row_id]


def cell_of(rubric: Rubric, unit: Unit | str, column: str, row_id: str) -> str:
    return f"{column}{row_of(rubric, unit, row_id)}"


def with_openpyxl(data: bytes, edit: Callable[[Any], None]) -> bytes:
    """Load, edit as Excel would, save."""
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(data))
    edit(wb)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def delete_rows_as_excel(ws: Any, row: int, amount: int = 1) -> None:
    """Delete rows as Excel does: merged ranges below move up, ranges across the rows shrink.

    openpyxl's delete_rows leaves merged ranges where they were, so they would cover other cells than
    the ones Excel's own deletion leaves them on.
    """
    from openpyxl.worksheet.cell_range import CellRange

    ranges = list(ws.merged_cells.ranges)
    for cr in ranges:
        ws.merged_cells.ranges.discard(cr)
    ws.delete_rows(row, amount)
    last = row + amount - 1
    for cr in ranges:
        low, high = cr.min_row, cr.max_row
        if low > last:
            low, high = low - amount, high - amount
        elif high >= row:
            gone = min(high, last) - max(low, row) + 1
            high -= gone
            low = min(low, row) if low >= row else low
        if high < low or (high == low and cr.min_col == cr.max_col):
            continue
        ws.merged_cells.ranges.add(
            CellRange(min_col=cr.min_col, min_row=low, max_col=cr.max_col, max_row=high)
        )


def insert_rows_as_excel(ws: Any, row: int, amount: int = 1) -> None:
    """Insert rows as Excel does: merged ranges at or below the row move down, ranges across it grow."""
    from openpyxl.worksheet.cell_range import CellRange

    ranges = list(ws.merged_cells.ranges)
    for cr in ranges:
        ws.merged_cells.ranges.discard(cr)
    ws.insert_rows(row, amount)
    for cr in ranges:
        low, high = cr.min_row, cr.max_row
        if low >= row:
            low, high = low + amount, high + amount
        elif high >= row:
            high += amount
        ws.merged_cells.ranges.add(
            CellRange(min_col=cr.min_col, min_row=low, max_col=cr.max_col, max_row=high)
        )


def sheet_part(data: bytes, sheet: str) -> str:
    """The zip part holding a sheet, found through workbook.xml and its relationships."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        workbook = zf.read("xl/workbook.xml").decode()
        rels = zf.read("xl/_rels/workbook.xml.rels").decode()
    for tag in re.findall(r"<sheet\b[^>]*>", workbook):
        name = re.search(r'name="([^"]*)"', tag)
        rid = re.search(r'r:id="([^"]*)"', tag)
        if name and rid and name.group(1) == sheet:
            for rel in re.findall(r"<Relationship\b[^>]*>", rels):
                if f'Id="{rid.group(1)}"' in rel:
                    target = re.search(r'Target="([^"]*)"', rel)
                    assert target is not None
                    t = target.group(1)
                    return t.lstrip("/") if t.startswith("/") else "xl/" + t
    raise KeyError(sheet)


def replace_parts(
    data: bytes,
    changes: dict[str, bytes | Callable[[bytes], bytes] | None],
    extra: dict[str, bytes] | None = None,
) -> bytes:
    """Rewrite zip parts: bytes replace, a function transforms, None deletes; ``extra`` adds parts."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename in changes:
                change = changes[info.filename]
                if change is None:
                    continue
                content = change(content) if callable(change) else change
            dst.writestr(info.filename, content)
        for name, content in (extra or {}).items():
            dst.writestr(name, content)
    return out.getvalue()


def set_cell_xml(data: bytes, sheet: str, ref: str, cell_xml: str) -> bytes:
    """Replace (or add) one cell's XML, e.g. ``<c r="G7" t="e"><v>#DIV/0!</v></c>``."""
    row = int(re.sub(r"[A-Z]+", "", ref))

    def edit(xml: bytes) -> bytes:
        text = xml.decode("utf-8")
        pattern = re.compile(rf'<c r="{ref}"(?:[^>]*?/>|[^>]*?>.*?</c>)', re.S)
        if pattern.search(text):
            return pattern.sub(lambda _m: cell_xml, text, count=1).encode("utf-8")
        row_open = re.compile(rf'<row r="{row}"[^>]*?>')
        m = row_open.search(text)
        assert m is not None, f"row {row} not in sheet"
        return (text[: m.end()] + cell_xml + text[m.end() :]).encode("utf-8")

    return replace_parts(data, {sheet_part(data, sheet): edit})


def inline(ref: str, text: str) -> str:
    """An inline-string cell (text escaped for XML)."""
    from xml.sax.saxutils import escape

    # a literal CR would be normalised to LF by any XML parser; the character reference keeps it
    return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{escape(text, {chr(13): "&#13;"})}</t></is></c>'


def write(folder: Path, name: str, data: bytes) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(data)
    return path


SST_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
SST_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"


def add_shared_strings(data: bytes, items_xml: list[str]) -> tuple[bytes, int]:
    """Append ``<si>`` items to the shared-string table (made, with its relationship, if absent).

    Returns the new bytes and the index of the first appended item, for ``<c t="s"><v>index</v>``.
    """
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        names = zf.namelist()
        old = zf.read("xl/sharedStrings.xml").decode() if "xl/sharedStrings.xml" in names else None
    added = "".join(items_xml)
    if old is not None:
        first = old.count("<si>") + old.count("<si ")
        return replace_parts(
            data, {"xl/sharedStrings.xml": old.replace("</sst>", added + "</sst>").encode()}
        ), first
    sst = f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="{MAIN_NS}">{added}</sst>'
    changes: dict[str, bytes | Callable[[bytes], bytes] | None] = {
        "xl/_rels/workbook.xml.rels": lambda x: x.replace(
            b"</Relationships>",
            f'<Relationship Id="rIdSst" Type="{SST_REL}" Target="sharedStrings.xml"/>'
            "</Relationships>".encode(),
        ),
        "[Content_Types].xml": lambda x: x.replace(
            b"</Types>",
            f'<Override PartName="/xl/sharedStrings.xml" ContentType="{SST_TYPE}"/></Types>'.encode(),
        ),
    }
    return replace_parts(data, changes, extra={"xl/sharedStrings.xml": sst.encode()}), 0
