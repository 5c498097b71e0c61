"""Golden templates: the cases, a full description of a workbook for comparison, and the generator.

``tests/data/golden_templates/`` holds one .xlsx per case, written by the template writer at a known
good state. ``tests/test_template_golden.py`` writes each case again and compares the two workbooks,
opened with openpyxl, cell by cell and setting by setting. After a deliberate layout change, look at
the rendered pages, then regenerate with ``python -m tests.golden_templates`` and commit the files.
"""

from __future__ import annotations

import functools
import io
import re
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook

from kepu_inspect.adapters.rubric_file import load_rubric_text
from kepu_inspect.core.rubric import Rubric

ROOT = Path(__file__).resolve().parents[1]
GOLDEN_DIR = ROOT / "tests" / "data" / "golden_templates"
MINI = ROOT / "tests" / "data" / "mini.yaml"
PINGDINGSHAN = ROOT / "rubrics" / "pingdingshan-2017.yaml"
XINAN = ROOT / "rubrics" / "xinan-county-members-2018.yaml"

AWKWARD_NAMES = [
    "=SUM(1)甲",
    "a&b <c> \"d\" 'e'",
    "  前后空格  ",
    "制表\t符\n换行",
    "响\x07铃",
    "表情😀&[Page]",
    "长" * 120,
]


def _rubric(text: str, path: Path) -> Rubric:
    loaded = load_rubric_text(text, path)
    assert loaded.rubric is not None, [p.message for p in loaded.problems]
    return loaded.rubric


def _yaml(text: str) -> str:
    return (
        text.replace("\\", "\\\\")
        .replace('"', '\\"')
        .replace("\t", "\\t")
        .replace("\n", "\\n")
        .replace("\x07", "\\a")
    )


@functools.cache
def awkward_rubric() -> Rubric:
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
    return _rubric(text, MINI)


@dataclass(frozen=True)
class Case:
    """One golden template: which rubric, which unit (by id), with or without a password."""

    name: str
    rubric: Callable[[], Rubric]
    unit_id: str
    password: str | None = None


@functools.cache
def _load(path: Path) -> Rubric:
    return _rubric(path.read_text("utf-8"), path)


def _file(path: Path) -> Callable[[], Rubric]:
    return lambda: _load(path)


CASES: tuple[Case, ...] = (
    Case("pingdingshan-baofeng", _file(PINGDINGSHAN), "baofeng"),  # a county: county section and bonus
    Case("pingdingshan-jiaoyu", _file(PINGDINGSHAN), "jiaoyu"),  # a department leading a group (×1.5)
    Case("pingdingshan-kexie", _file(PINGDINGSHAN), "kexie"),  # the department with the most items
    Case("pingdingshan-baofeng-password", _file(PINGDINGSHAN), "baofeng", 'pa&"<>ss密码'),
    Case("xinan-jiaoyu", _file(XINAN), "jiaoyu"),  # the county-module rubric (20 points, other gate)
    Case("mini-A", _file(MINI), "A"),  # every rule kind
    Case("mini-J", _file(MINI), "J"),
    Case("awkward-u0", awkward_rubric, "u0"),  # a formula-like unit name and criterion, long level list
    Case("awkward-u1", awkward_rubric, "u1"),  # & < > " ' in the name (and the page header)
    Case("awkward-u5", awkward_rubric, "u5"),  # an emoji and a header code in the name
)


def golden_path(case: Case) -> Path:
    return GOLDEN_DIR / f"{case.name}.xlsx"


def _style(cell: Any) -> tuple[Any, ...]:
    font, fill, border, align, prot = cell.font, cell.fill, cell.border, cell.alignment, cell.protection

    def color(c: Any) -> Any:
        return None if c is None else (c.type, c.rgb if c.type == "rgb" else c.value, c.tint)

    def side(s: Any) -> Any:
        return None if s is None else (s.style, color(s.color))

    return (
        (
            font.name,
            font.sz,
            font.b,
            font.i,
            font.u,
            font.strike,
            color(font.color),
            font.family,
            font.scheme,
        ),
        (fill.fill_type, color(fill.fgColor), color(fill.bgColor)),
        tuple(side(getattr(border, s)) for s in ("left", "right", "top", "bottom", "diagonal")),
        (
            align.horizontal,
            align.vertical,
            align.wrap_text,
            align.shrink_to_fit,
            align.indent,
            align.text_rotation,
        ),
        (prot.locked, prot.hidden),
        cell.number_format,
    )


def describe(wb: Workbook) -> dict[str, Any]:
    """Everything a unit, a printer or the reader can notice in a workbook, as comparable values."""
    sheets: dict[str, Any] = {}
    for ws in wb.worksheets:
        cells = {
            c.coordinate: (c.value, c.data_type, *_style(c))
            for row in ws.iter_rows()
            for c in row
            if c.has_style or c.value is not None
        }
        sheets[ws.title] = {
            "state": ws.sheet_state,
            "dimension": ws.dimensions,
            "cells": cells,
            "rows": {r: (d.height, d.hidden) for r, d in ws.row_dimensions.items() if d.height or d.hidden},
            "cols": {
                k: (d.width, d.hidden) for k, d in ws.column_dimensions.items() if d.customWidth or d.hidden
            },
            "merged": sorted(str(m) for m in ws.merged_cells.ranges),
            "validations": sorted(
                (
                    str(dv.sqref),
                    dv.type,
                    dv.operator,
                    dv.formula1,
                    dv.formula2,
                    dv.allow_blank,
                    dv.showInputMessage,
                    dv.showErrorMessage,
                    dv.errorStyle,
                    dv.promptTitle,
                    dv.prompt,
                    dv.errorTitle,
                    dv.error,
                    dv.showDropDown,
                )
                for dv in ws.data_validations.dataValidation
            ),
            "formatting": sorted(
                (
                    str(cf.sqref),
                    [
                        (
                            r.type,
                            r.formula,
                            r.stopIfTrue,
                            r.priority,
                            None if r.dxf is None or r.dxf.fill is None else repr(r.dxf.fill),
                        )
                        for r in cf.rules
                    ],
                )
                for cf in ws.conditional_formatting
            ),
            "protection": repr(ws.protection),
            "view": (
                ws.sheet_view.tabSelected,
                ws.freeze_panes,
                [(s.activeCell, s.sqref) for s in ws.sheet_view.selection if s.pane in (None, "bottomRight")],
            ),
            "print": (
                repr(ws.page_setup),
                repr(ws.print_options),
                repr(ws.page_margins),
                ws.sheet_properties.pageSetUpPr.fitToPage if ws.sheet_properties.pageSetUpPr else None,
                ws.print_area,
                ws.print_title_rows,
                ws.print_title_cols,
            ),
            "breaks": (
                [b.id for b in ws.row_breaks.brk],
                [b.id for b in ws.col_breaks.brk],
            ),
            "header": tuple(
                str(h)
                for h in (
                    ws.oddHeader,
                    ws.oddFooter,
                    ws.evenHeader,
                    ws.evenFooter,
                    ws.firstHeader,
                    ws.firstFooter,
                )
            ),
        }
    return {
        "sheets": sheets,
        "order": wb.sheetnames,
        "active": wb.active.title if wb.active else None,
        "security": repr(wb.security),
        "creator": wb.properties.creator,
        "title": wb.properties.title,
        "names": sorted((name, dn.attr_text) for name, dn in wb.defined_names.items()),
        "sheet_names": sorted(
            (ws.title, name, dn.attr_text) for ws in wb.worksheets for name, dn in ws.defined_names.items()
        ),
    }


def differences(got: bytes, expected: bytes) -> list[str]:
    """Every difference between two workbooks' descriptions, one line each (empty: the same)."""
    a = describe(load_workbook(io.BytesIO(got)))
    b = describe(load_workbook(io.BytesIO(expected)))
    found: list[str] = []
    for part in sorted(set(a) | set(b)):
        if part == "sheets":
            continue
        if a.get(part) != b.get(part):
            found.append(f"{part}: {a.get(part)!r} != {b.get(part)!r}")
    for title in sorted(set(a["sheets"]) | set(b["sheets"])):
        sa, sb = a["sheets"].get(title), b["sheets"].get(title)
        if sa is None or sb is None:
            found.append(f"sheet {title}: only in {'expected' if sa is None else 'written'}")
            continue
        for aspect in sb:
            va, vb = sa[aspect], sb[aspect]
            if va == vb:
                continue
            if isinstance(vb, dict):
                for key in sorted(set(va) | set(vb), key=str):
                    if va.get(key) != vb.get(key):
                        found.append(f"{title}!{aspect}[{key}]: {va.get(key)!r} != {vb.get(key)!r}")
            else:
                found.append(f"{title}!{aspect}: {va!r} != {vb!r}")
    return found


def written_cases() -> Iterator[tuple[Case, bytes]]:
    from kepu_inspect.adapters.template_writer import template_bytes

    for case in CASES:
        rubric = case.rubric()
        yield case, template_bytes(rubric, rubric.unit(case.unit_id), case.password)


def main() -> None:
    GOLDEN_DIR.mkdir(parents=True, exist_ok=True)
    for old in GOLDEN_DIR.glob("*.xlsx"):
        old.unlink()
    for case, data in written_cases():
        golden_path(case).write_bytes(data)
        print(f"wrote {golden_path(case).relative_to(ROOT)} ({len(data):,} bytes)")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
