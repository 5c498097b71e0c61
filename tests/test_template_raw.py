"""The template writer writes SpreadsheetML itself; the workbook must be the one openpyxl used to write.

``tests/template_oracle.py`` is the former openpyxl writer. For real and awkward rubrics and unit names
(formula-like text, ``&`` in headers, control characters, long level lists, passwords) both write the
template and the two are compared: opened with openpyxl, sheet by sheet, cell by cell and style by
style; and, with the openpyxl release the writer copies, byte for byte.
"""

from __future__ import annotations

import io
import re
import subprocess
import sys
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl import Workbook, load_workbook

from kepu_inspect.adapters import template_writer
from kepu_inspect.adapters.rubric_file import load_rubric_text
from kepu_inspect.adapters.template_writer import TemplateBuilder, template_bytes
from kepu_inspect.core.rubric import Rubric, Unit
from tests import template_oracle
from tests.conftest import MINI, PINGDINGSHAN, ROOT

# the release whose serialisation the writer reproduces (element order, numbering, character references)
SAME_BYTES = openpyxl.__version__ == "3.1.5"
AWKWARD_NAMES = [
    "=SUM(1)甲",
    "a&b <c> \"d\" 'e'",
    "  前后空格  ",
    "制表\t符\n换行",
    "响\x07铃",
    "表情😀&[Page]",
    "长" * 120,
]


def _rubric(text: str) -> Rubric:
    loaded = load_rubric_text(text, MINI)
    assert loaded.rubric is not None, [p.message for p in loaded.problems]
    return loaded.rubric


def _awkward() -> Rubric:
    """The test rubric with odd unit names, a formula-like criterion and a level list too long to inline."""
    units = "\n".join(
        f'  - {{id: u{i}, name: "{_yaml(name)}", group: dept}}' for i, name in enumerate(AWKWARD_NAMES)
    )
    levels = ", ".join(
        f"{{name: '第{i}档：工作成效显著，群众满意度高，受到上级通报表扬', share: {Decimal(9 - i) / 8}}}"
        for i in range(1, 9)
    )
    text = (
        re.sub(r"units:\n(  - .*\n)+", lambda _: "units:\n" + units + "\n", MINI.read_text("utf-8"))
        .replace("leads: [市教育局]", "leads: [u1]")
        .replace("applies_to: [{leads: youth, weight: 1.5}, 市科协]", "applies_to: [{group: dept}]")
        .replace("text: 工作成效,", "text: '=SUM(1)工作成效',")
        .replace(
            "levels: [{name: 好, share: 1}, {name: 较好, share: 0.75}, {name: 一般, points: 1}]",
            f"levels: [{levels}]",
        )
    )
    return _rubric(text)


def _yaml(text: str) -> str:
    return (
        text.replace("\\", "\\\\")
        .replace('"', '\\"')
        .replace("\t", "\\t")
        .replace("\n", "\\n")
        .replace("\x07", "\\a")
    )


def cases(pingdingshan: Rubric) -> Iterator[tuple[str, Rubric, Unit, str | None]]:
    for unit in pingdingshan.units:
        yield unit.id, pingdingshan, unit, None
    yield "password", pingdingshan, pingdingshan.units[0], 'pa&"<>ss密码'
    mini = _rubric(MINI.read_text("utf-8"))
    for unit in mini.units:
        yield f"mini-{unit.id}", mini, unit, None
    awkward = _awkward()
    for unit in awkward.units:
        yield f"awkward-{unit.id}", awkward, unit, None


def describe(wb: Workbook) -> dict[str, Any]:
    """Everything a unit, a printer or the reader can notice in a workbook, as comparable values."""
    sheets: dict[str, Any] = {}
    for ws in wb.worksheets:
        cells = {
            c.coordinate: (
                c.value,
                c.data_type,
                repr(c.font),
                repr(c.fill),
                repr(c.border),
                repr(c.alignment),
                repr(c.protection),
                c.number_format,
            )
            for row in ws.iter_rows()
            for c in row
            if c.has_style or c.value is not None
        }
        sheets[ws.title] = {
            "state": ws.sheet_state,
            "dimension": ws.dimensions,
            "cells": cells,
            "rows": {r: (d.height, d.hidden) for r, d in ws.row_dimensions.items() if d.height or d.hidden},
            "cols": {k: (d.width, d.hidden) for k, d in ws.column_dimensions.items()},
            "merged": sorted(str(m) for m in ws.merged_cells.ranges),
            "validations": [repr(dv) for dv in ws.data_validations.dataValidation],
            "formatting": [
                (str(cf.sqref), [repr(rule) for rule in cf.rules]) for cf in ws.conditional_formatting
            ],
            "protection": repr(ws.protection),
            "view": repr(ws.sheet_view),
            "freeze": ws.freeze_panes,
            "print": (
                repr(ws.page_setup),
                repr(ws.print_options),
                repr(ws.page_margins),
                repr(ws.sheet_properties),
                ws.print_area,
                ws.print_title_rows,
            ),
            "header": (str(ws.oddHeader), str(ws.oddFooter), str(ws.evenHeader), str(ws.firstFooter)),
        }
    return {
        "sheets": sheets,
        "order": wb.sheetnames,
        "active": wb.active.title if wb.active else None,
        "security": repr(wb.security),
        "creator": wb.properties.creator,
        "title": wb.properties.title,
        "names": sorted(wb.defined_names),
    }


@pytest.fixture(scope="module")
def written(pingdingshan: Rubric) -> dict[str, tuple[bytes, bytes]]:
    """Case → (raw writer's bytes, openpyxl oracle's bytes)."""
    return {
        key: (template_bytes(rubric, unit, password), template_oracle.template_bytes(rubric, unit, password))
        for key, rubric, unit, password in cases(pingdingshan)
    }


@pytest.mark.skipif(
    not SAME_BYTES, reason=f"the writer reproduces openpyxl 3.1.5, not {openpyxl.__version__}"
)
def test_same_bytes_as_the_openpyxl_writer(written: dict[str, tuple[bytes, bytes]]) -> None:
    assert len(written) > 50
    different = [key for key, (raw, oracle) in written.items() if raw != oracle]
    assert not different


@pytest.mark.parametrize(
    "key",
    [
        "baofeng",
        "jiaoyu",
        "password",
        "mini-A",
        "awkward-u0",
        "awkward-u1",
        "awkward-u3",
        "awkward-u4",
        "awkward-u5",
        "awkward-u6",
    ],
)
def test_same_workbook_as_the_openpyxl_writer(written: dict[str, tuple[bytes, bytes]], key: str) -> None:
    raw, oracle = written[key]
    got, expected = describe(load_workbook(io.BytesIO(raw))), describe(load_workbook(io.BytesIO(oracle)))
    assert got.keys() == expected.keys()
    for part in got:
        if part != "sheets":
            assert got[part] == expected[part], part
    for title, sheet in expected["sheets"].items():
        for aspect, value in sheet.items():
            assert got["sheets"][title][aspect] == value, (title, aspect)


def test_awkward_text_stays_text(written: dict[str, tuple[bytes, bytes]]) -> None:
    """A unit name starting with = is text on every sheet (the identity sheet included), as is a criterion."""
    wb = load_workbook(io.BytesIO(written["awkward-u0"][0]))
    identity = {str(a.value): b for a, b in wb["_kepu"].iter_rows(max_col=2)}
    assert identity["unit_name"].value == "=SUM(1)甲" and identity["unit_name"].data_type == "s"
    assert wb["封面"]["C4"].value == "=SUM(1)甲" and wb["封面"]["C4"].data_type == "s"


def test_writing_a_template_does_not_import_openpyxl() -> None:
    """The writer needs no spreadsheet library: `kepu-inspect template` starts faster without one."""
    code = (
        "import sys; from pathlib import Path\n"
        "from kepu_inspect.adapters.rubric_file import load_rubric\n"
        "from kepu_inspect.adapters.template_writer import template_bytes\n"
        "r = load_rubric(Path(sys.argv[1])).rubric\n"
        "assert template_bytes(r, r.units[0])\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('openpyxl', 'lxml')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(PINGDINGSHAN)], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert result.stdout.strip() == "[]"


def test_oracle_is_the_former_writer() -> None:
    """The oracle is only useful while it is openpyxl writing: it must not borrow the raw writer's parts."""
    source = Path(template_oracle.__file__).read_text("utf-8")
    assert "from openpyxl" in source and not re.search(
        r"^(from|import) \S*template_writer", source, re.MULTILINE
    )


# --- item sheets shared between units with the same items ----------------------------------------------
def test_a_shared_item_sheet_gives_the_same_file_as_building_it(pingdingshan: Rubric) -> None:
    """Units with the same items get the first one's item sheet with their own name spliced in; the file is
    the one a build from scratch gives, for awkward names too (escaped, header codes, spaces)."""
    for rubric in (pingdingshan, _awkward()):
        cache = template_writer.new_batch()
        for unit in rubric.units:
            built = TemplateBuilder(rubric, unit).xlsx(reuse=False)
            assert template_bytes(rubric, unit, shared=cache) == built, unit.id
        assert 0 < len(cache) < len(rubric.units)  # some units did share


def test_marker_character_in_the_rubric_falls_back_to_building() -> None:
    rubric = _rubric(MINI.read_text("utf-8").replace("title: 测试市", "title: 测试\ue000市", 1))
    assert "\ue000" in rubric.meta.title
    cache = template_writer.new_batch()
    for unit in rubric.units:
        assert template_bytes(rubric, unit, shared=cache) == template_oracle.template_bytes(rubric, unit)
    assert not cache


def test_item_sheet_cache_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(template_writer, "_ITEM_CACHE_SIZE", 1)
    rubric = _rubric(PINGDINGSHAN.read_text("utf-8"))
    units = rubric.units
    structures = {tuple((a.item.id, a.weight) for a in rubric.assignments(u)) for u in units}
    assert len(structures) > 2
    cache = template_writer.new_batch()
    for unit in units:
        assert template_bytes(rubric, unit, shared=cache) == TemplateBuilder(rubric, unit).xlsx(reuse=False)
    assert len(cache) == 1
