"""One real workbook per problem code the reader can raise, and the values people type, cell by cell.

Each case builds a real .xlsx (a filled template, then the edit a unit would make), runs the intake
over it, and asserts the code and where it points (sheet, cell) — never the message text.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from kepu_inspect.adapters import layout as L
from kepu_inspect.adapters.filler import fill_template
from kepu_inspect.adapters.rubric_file import load_rubric
from kepu_inspect.adapters.workbook_reader import MAX_INPUT, read_submission
from kepu_inspect.core.problems import Code, Problem, Severity
from kepu_inspect.core.rubric import Rubric
from kepu_inspect.services.batch import check_paths as run_intake
from tests.conftest import MINI
from tests.workbook_factory import (
    add_shared_strings,
    cell_of,
    clean_bytes,
    clean_filling,
    delete_rows_as_excel,
    inline,
    replace_parts,
    set_cell_xml,
    sheet_part,
    template_for,
    with_openpyxl,
    write,
)

ITEM, COVER, IDENTITY = L.ITEM_SHEET, L.COVER_SHEET, L.IDENTITY_SHEET
A = "A"  # 甲县 in mini.yaml
NAME = "甲县.xlsx"

# (sheet, cell) the problem must point at; None = not checked (file- or unit-level problems)
Where = tuple[str | None, str | None] | None
Builder = Callable[[Path, Rubric], Where]
CASES: dict[str, Builder] = {}


def case(name: str) -> Callable[[Builder], Builder]:
    def register(fn: Builder) -> Builder:
        CASES[name] = fn
        return fn

    return register


def variant(tmp: Path, r: Rubric, *edits: tuple[str, str]) -> Rubric:
    """mini.yaml with text edits, loaded as another rubric (another version, year or structure)."""
    text = MINI.read_text("utf-8")
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new, 1)
    path = tmp / f"variant-{abs(hash(edits))}.yaml"
    path.write_text(text, "utf-8")
    loaded = load_rubric(path)
    assert loaded.rubric is not None
    return loaded.rubric


def no_identity(data: bytes, cover_unit: str | None = None) -> bytes:
    def edit(wb: Any) -> None:
        del wb[IDENTITY]
        wb[COVER][L.COVER_UNIT_CELL] = cover_unit

    return with_openpyxl(data, edit)


def item_cell(wb: Any, ref: str, value: Any) -> None:
    wb[ITEM][ref] = value


# --- files that cannot be read ---------------------------------------------------------------
@case("WB001")
def legacy_xls(d: Path, r: Rubric) -> Where:
    write(d, NAME, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4088))
    return None


@case("WB002")
def truncated(d: Path, r: Rubric) -> Where:
    data = clean_bytes(r, A)
    write(d, NAME, data[: len(data) // 2])
    return None


@case("WB003")
def zero_bytes(d: Path, r: Rubric) -> Where:
    write(d, NAME, b"")
    return None


@case("WB004")
def compressed_too_well(d: Path, r: Rubric) -> Where:
    # 3 MB of blanks deflate ~1000:1, far beyond any real sheet
    data = clean_bytes(r, A)
    bomb = b"<worksheet><sheetData>" + b" " * 3_000_000 + b"</sheetData></worksheet>"
    write(d, NAME, replace_parts(data, {"xl/worksheets/sheet2.xml": bomb}))
    return None


@case("WB005")
def doctype(d: Path, r: Rubric) -> Where:
    data, _ = add_shared_strings(clean_bytes(r, A), ["<si><t>&a;</t></si>"])
    write(
        d,
        NAME,
        replace_parts(
            data,
            {
                "xl/sharedStrings.xml": lambda x: x.replace(
                    b"<sst", b'<!DOCTYPE sst [<!ENTITY a "aaaa">]><sst', 1
                )
            },
        ),
    )
    return None


# --- which unit is this? ------------------------------------------------------------------------
@case("WB006")
def no_unit_anywhere(d: Path, r: Rubric) -> Where:
    write(d, "自评表.xlsx", no_identity(clean_bytes(r, A)))
    return None


@case("WB007-filename")
def neighbours_template_renamed(d: Path, r: Rubric) -> Where:
    write(d, "乙区.xlsx", clean_bytes(r, A))
    return None


@case("WB007-cover")
def cover_says_other_unit(d: Path, r: Rubric) -> Where:
    write(d, NAME, clean_bytes(r, A, cover={L.COVER_UNIT_CELL: "乙区"}))
    return COVER, L.COVER_UNIT_CELL


@case("WB007-unknown-identity")
def identity_names_unknown_unit(d: Path, r: Rubric) -> Where:
    def edit(wb: Any) -> None:
        ws = wb[IDENTITY]
        for key, value in ws.iter_rows(min_col=1, max_col=2):
            if key.value == "unit_id":
                value.value = "NOPE"

    write(d, NAME, with_openpyxl(clean_bytes(r, A), edit))
    return IDENTITY, None


@case("WB007-two-names")
def file_name_names_two_units(d: Path, r: Rubric) -> Where:
    write(d, "甲县乙区合并.xlsx", no_identity(clean_bytes(r, A)))
    return None


@case("WB007-cover-vs-name")
def cover_and_name_disagree(d: Path, r: Rubric) -> Where:
    write(d, "乙区.xlsx", no_identity(clean_bytes(r, A), cover_unit="甲县"))
    return COVER, L.COVER_UNIT_CELL


# --- template from another rubric -------------------------------------------------------------------
@case("WB008-other-rubric")
def other_rubric(d: Path, r: Rubric) -> Where:
    other = variant(d.parent, r, ("id: mini-2017", "id: other-2018"))
    write(d, NAME, fill_template(template_for(other, A), clean_filling(other, A)))
    return IDENTITY, None


@case("WB008-structure")
def points_changed(d: Path, r: Rubric) -> Where:
    other = variant(
        d.parent,
        r,
        ('version: "1.0"', 'version: "0.9"'),
        ("人均科普经费不低于1元, points: 4", "人均科普经费不低于1元, points: 3"),
        ("培训完成比例, points: 3", "培训完成比例, points: 4"),
    )
    write(d, NAME, fill_template(template_for(other, A), clean_filling(other, A)))
    return IDENTITY, None


@case("WB009")
def wording_changed(d: Path, r: Rubric) -> Where:
    other = variant(
        d.parent, r, ('version: "1.0"', 'version: "0.9"'), ("title: 科普经费", "title: 科普经费保障")
    )
    write(d, NAME, fill_template(template_for(other, A), clean_filling(other, A)))
    return IDENTITY, None


# --- sheets --------------------------------------------------------------------------------------
@case("WB010-deleted")
def item_sheet_deleted(d: Path, r: Rubric) -> Where:
    def edit(wb: Any) -> None:
        del wb[ITEM]

    write(d, NAME, with_openpyxl(clean_bytes(r, A), edit))
    return ITEM, None


@case("WB010-renamed")
def item_sheet_renamed(d: Path, r: Rubric) -> Where:
    def edit(wb: Any) -> None:
        wb[ITEM].title = "自评表-甲县"

    write(d, NAME, with_openpyxl(clean_bytes(r, A), edit))
    return ITEM, None


@case("WB010-cover")
def cover_deleted(d: Path, r: Rubric) -> Where:
    def edit(wb: Any) -> None:
        del wb[COVER]

    write(d, NAME, with_openpyxl(clean_bytes(r, A), edit))
    return COVER, None


@case("WB011")
def item_sheet_hidden(d: Path, r: Rubric) -> Where:
    def edit(wb: Any) -> None:
        wb[ITEM].sheet_state = "hidden"

    write(d, NAME, with_openpyxl(clean_bytes(r, A), edit))
    return ITEM, None


@case("WB034")
def item_sheet_copied(d: Path, r: Rubric) -> Where:
    def edit(wb: Any) -> None:
        wb.copy_worksheet(wb[ITEM]).title = "自评表 (2)"

    write(d, NAME, with_openpyxl(clean_bytes(r, A), edit))
    return "自评表 (2)", None


# --- rows ------------------------------------------------------------------------------------------
@case("WB012")
def criterion_row_deleted(d: Path, r: Rubric) -> Where:
    row = int(cell_of(r, A, "A", "C1.b")[1:])

    def edit(wb: Any) -> None:
        delete_rows_as_excel(wb[ITEM], row)

    write(d, NAME, with_openpyxl(clean_bytes(r, A), edit))
    return ITEM, None


@case("WB013")
def criterion_row_duplicated(d: Path, r: Rubric) -> Where:
    write(d, NAME, with_openpyxl(clean_bytes(r, A), lambda wb: item_cell(wb, "A60", "C1.a")))
    return ITEM, "A60"


@case("WB014")
def row_id_changed(d: Path, r: Rubric) -> Where:
    ref = cell_of(r, A, "A", "C1.c")
    write(d, NAME, with_openpyxl(clean_bytes(r, A), lambda wb: item_cell(wb, ref, "C1.z")))
    return ITEM, ref


# --- cells -----------------------------------------------------------------------------------------
@case("WB015")
def ambiguous_self_score(d: Path, r: Rubric) -> Where:
    write(d, NAME, clean_bytes(r, A, self_scores={"C1.a": "约4"}))
    return ITEM, cell_of(r, A, L.COL_SELF, "C1.a")


@case("WB016")
def formula_without_cached_value(d: Path, r: Rubric) -> Where:
    # openpyxl, like some converters, saves a formula with an empty <v></v>: no result to read
    write(d, NAME, clean_bytes(r, A, self_scores={"C1.a": "=2+2"}))
    return ITEM, cell_of(r, A, L.COL_SELF, "C1.a")


@case("WB016-no-v")
def formula_without_v_element(d: Path, r: Rubric) -> Where:
    ref = cell_of(r, A, L.COL_INPUT, "C1.a")
    write(d, NAME, set_cell_xml(clean_bytes(r, A), ITEM, ref, f'<c r="{ref}"><f>SUM(X1:X9)</f></c>'))
    return ITEM, ref


@case("WB017")
def error_value(d: Path, r: Rubric) -> Where:
    ref = cell_of(r, A, L.COL_INPUT, "C1.b")
    write(
        d,
        NAME,
        set_cell_xml(clean_bytes(r, A), ITEM, ref, f'<c r="{ref}" t="e"><f>1/0</f><v>#DIV/0!</v></c>'),
    )
    return ITEM, ref


@case("WB018")
def negative_count(d: Path, r: Rubric) -> Where:
    write(d, NAME, clean_bytes(r, A, inputs={"C1.c": -5}))
    return ITEM, cell_of(r, A, L.COL_INPUT, "C1.c")


@case("WB018-ceiling")
def absurdly_large_count(d: Path, r: Rubric) -> Where:
    # an unbounded input still has the template's ceiling; 1E+50 would overflow exact arithmetic
    ref = cell_of(r, A, L.COL_INPUT, "C1.b")
    write(d, NAME, set_cell_xml(clean_bytes(r, A), ITEM, ref, f'<c r="{ref}"><v>1E+50</v></c>'))
    return ITEM, ref


@case("WB019")
def level_not_in_list(d: Path, r: Rubric) -> Where:
    write(d, NAME, clean_bytes(r, A, inputs={"C2.a": "很好"}))
    return ITEM, cell_of(r, A, L.COL_INPUT, "C2.a")


@case("WB020")
def required_input_empty(d: Path, r: Rubric) -> Where:
    write(d, NAME, clean_bytes(r, A, inputs={"C2.b:c3": None}))
    return ITEM, cell_of(r, A, L.COL_INPUT, "C2.b:c3")


@case("WB021")
def evidence_missing(d: Path, r: Rubric) -> Where:
    write(d, NAME, clean_bytes(r, A, evidence={"C1": None}))
    return ITEM, cell_of(r, A, L.COL_EVIDENCE, "C1")


@case("WB022")
def self_score_ignores_inputs(d: Path, r: Rubric) -> Where:
    # two meetings missed at 0.5 each: the rule gives 1 of 2 points, the unit claims 2
    write(d, NAME, clean_bytes(r, A, inputs={"C2.c": 2}, self_scores={"C2.c": 2}))
    return ITEM, cell_of(r, A, L.COL_SELF, "C2.c")


@case("WB023")
def self_score_empty(d: Path, r: Rubric) -> Where:
    write(d, NAME, clean_bytes(r, A, self_scores={"C1.b": None}))
    return ITEM, cell_of(r, A, L.COL_SELF, "C1.b")


@case("WB024")
def verified_over_max(d: Path, r: Rubric) -> Where:
    write(d, NAME, clean_bytes(r, A, verified={"C1.a": 9}))
    return ITEM, cell_of(r, A, L.COL_VERIFIED, "C1.a")


@case("WB030")
def date_in_number_input(d: Path, r: Rubric) -> Where:
    write(d, NAME, clean_bytes(r, A, inputs={"C1.b": dt.date(2017, 12, 20)}))
    return ITEM, cell_of(r, A, L.COL_INPUT, "C1.b")


@case("WB031")
def macro_workbook(d: Path, r: Rubric) -> Where:
    write(
        d,
        "甲县.xlsm",
        replace_parts(clean_bytes(r, A), {}, extra={"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0macro"}),
    )
    return None


@case("WB032")
def yes_no_unreadable(d: Path, r: Rubric) -> Where:
    write(d, NAME, clean_bytes(r, A, inputs={"C2.d": "可能"}))
    return ITEM, cell_of(r, A, L.COL_INPUT, "C2.d")


@case("WB033")
def self_score_over_max(d: Path, r: Rubric) -> Where:
    write(d, NAME, clean_bytes(r, A, self_scores={"C1.a": 9}))
    return ITEM, cell_of(r, A, L.COL_SELF, "C1.a")


@case("WB035")
def no_contact(d: Path, r: Rubric) -> Where:
    write(d, NAME, clean_bytes(r, A, cover={L.COVER_CONTACT_CELL: None}))
    return COVER, L.COVER_CONTACT_CELL


# --- the intake ledger ---------------------------------------------------------------------------
@case("WB025")
def two_files_for_one_unit(d: Path, r: Rubric) -> Where:
    write(d, NAME, clean_bytes(r, A))
    write(d, "甲县(修改版).xlsx", clean_bytes(r, A, seed=2))
    return None


@case("WB026")
def unit_not_assessed(d: Path, r: Rubric) -> Where:
    write(d, "丙区.xlsx", clean_bytes(r, "Z"))
    return None


@case("WB029")
def cover_date_unreadable(d: Path, r: Rubric) -> Where:
    f = clean_filling(r, A)
    f.cover[L.COVER_DATE_CELL] = "去年年底"
    write(d, NAME, fill_template(template_for(r, A), f))
    return (COVER, L.COVER_DATE_CELL)


@case("WB027")
def unit_missing(d: Path, r: Rubric) -> Where:
    write(d, NAME, clean_bytes(r, A))
    return None


@case("WB038")
def percent_format_in_a_score_cell(d: Path, r: Rubric) -> Where:
    ref = cell_of(r, A, L.COL_SELF, "C1.a")

    def edit(wb: Any) -> None:
        wb[ITEM][ref] = 0.85
        wb[ITEM][ref].number_format = "0%"

    write(d, NAME, with_openpyxl(clean_bytes(r, A), edit))
    return (ITEM, ref)


def _typed_cell(d: Path, r: Rubric, row_id: str, column: str, xml: str) -> Where:
    ref = cell_of(r, A, column, row_id)
    write(d, NAME, set_cell_xml(clean_bytes(r, A), ITEM, ref, xml.format(ref=ref)))
    return (ITEM, ref)


for _code_name, _row, _column, _xml in [
    ("WB039", "C1.a", L.COL_INPUT, inline("{ref}", "50万元")),  # the criterion's own measure
    ("WB040", "C1.a", L.COL_INPUT, inline("{ref}", "500000元")),  # converted exactly: 50 万元
    ("WB041", "C1.a", L.COL_INPUT, inline("{ref}", "30人次")),
    ("WB041-score", "C1.a", L.COL_SELF, inline("{ref}", "8万元")),
    ("WB043", "C1.b", L.COL_INPUT, inline("{ref}", "⑱")),
    ("WB044", "C1.b", L.COL_INPUT, inline("{ref}", "１０８０")),
    ("WB045", "C1.b", L.COL_INPUT, inline("{ref}", "1,080")),
    ("WB046", "C1.b", L.COL_INPUT, inline("{ref}", " 1080 ")),
    ("WB047", "C2.b", L.COL_INPUT, inline("{ref}", "√")),
    ("WB048", "C2.b", L.COL_INPUT, '<c r="{ref}" t="b"><v>2</v></c>'),
    ("WB049", "C1.b", L.COL_INPUT, '<c r="{ref}"><f>[1]Sheet1!A1</f><v>1080</v></c>'),
    ("WB050", "C1.b", L.COL_INPUT, inline("{ref}", "1080\x07")),
]:
    case(_code_name)(
        lambda d, r, _row=_row, _column=_column, _xml=_xml: _typed_cell(d, r, _row, _column, _xml)
    )


@case("WB051")
def control_character_in_evidence(d: Path, r: Rubric) -> Where:
    ref = cell_of(r, A, L.COL_EVIDENCE, "C1")
    write(d, NAME, set_cell_xml(clean_bytes(r, A), ITEM, ref, inline(ref, "预算文件\x1b[31m")))
    return (ITEM, ref)


@case("WB052")
def cell_written_twice(d: Path, r: Rubric) -> Where:
    ref = cell_of(r, A, L.COL_SELF, "C1.a")
    xml = f'<c r="{ref}"><v>4</v></c><c r="{ref}"><v>0</v></c>'
    write(d, NAME, set_cell_xml(clean_bytes(r, A), ITEM, ref, xml))
    return None


@case("WB053")
def score_hidden_under_a_merge(d: Path, r: Rubric) -> Where:
    from openpyxl.worksheet.cell_range import CellRange

    top, below = cell_of(r, A, L.COL_SELF, "C1.a"), cell_of(r, A, L.COL_SELF, "C1.b")
    write(
        d,
        NAME,
        with_openpyxl(
            clean_bytes(r, A), lambda wb: wb[ITEM].merged_cells.ranges.add(CellRange(f"{top}:{below}"))
        ),
    )
    return (ITEM, below)


@case("WB054")
def column_deleted(d: Path, r: Rubric) -> Where:
    write(d, NAME, with_openpyxl(clean_bytes(r, A), lambda wb: wb[ITEM].delete_cols(5)))
    return (ITEM, f"E{L.HEADER_ROW}")


@case("WB055")
def row_ids_cleared(d: Path, r: Rubric) -> Where:
    def edit(wb: Any) -> None:
        for row in range(L.FIRST_DATA_ROW, wb[ITEM].max_row + 1):
            wb[ITEM][f"A{row}"].value = None

    write(d, NAME, with_openpyxl(clean_bytes(r, A), edit))
    return (ITEM, f"A{L.FIRST_DATA_ROW}")


@case("WB056")
def locked_points_changed(d: Path, r: Rubric) -> Where:
    ref = cell_of(r, A, L.COL_MAX, "C1.a")
    write(d, NAME, with_openpyxl(clean_bytes(r, A), lambda wb: item_cell(wb, ref, 10)))
    return (ITEM, None)


# every other WB code has a workbook here that raises it
NEVER_RAISED_BY_CHECK: dict[str, str] = {
    "WB037": "mini.yaml has no criterion measured in %: tests/test_values_measure.py raises it with the "
    "Pingdingshan rubric",
    "WB042": "every number in mini.yaml has a measure: tests/test_values_measure.py raises it with a "
    "variant whose criterion has none",
    "WB057": "a batch lists a workbook that is no unit's form under skipped, with this message: "
    "tests/test_input_paths.py",
}


def _code(name: str) -> str:
    return name.split("-")[0]


def code_of(name: str) -> Code:
    return Code[name]


def test_every_wb_code_has_a_workbook_or_a_reason() -> None:
    covered = {_code(n) for n in CASES} | set(NEVER_RAISED_BY_CHECK) | {"WB036"}  # WB036: see its own test
    assert covered == {c.name for c in Code if c.name.startswith("WB")}


@pytest.mark.parametrize("name", sorted(CASES))
def test_problem_code_from_a_real_workbook(name: str, tmp_path: Path, mini: Rubric) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    where = CASES[name](folder, mini)
    intake = run_intake(mini, [folder])
    problems = intake.all_problems()
    code = _code(name)
    hits = [p for p in problems if p.code.name == code]
    assert hits, f"{name}: expected {code}, got {[(p.code.name, p.sheet, p.cell) for p in problems]}"
    if where is not None:
        sheet, cell = where
        assert any(p.sheet == sheet and (cell is None or p.cell == cell) for p in hits), [
            (p.sheet, p.cell) for p in hits
        ]
    for p in hits:
        assert p.message and p.hint and "{" not in p.message + p.hint
        # every field the catalogue's text names was given (a missing one is written "?")
        assert "?" not in (p.message + p.hint).replace(p.value or "", ""), (p.message, p.hint)
        if code not in ("WB025", "WB027"):  # unit-level: the ledger row lists the files
            assert p.file is not None and Path(p.file).parent == folder
    if code_of(code).severity is not Severity.INFO and code not in (
        "WB027",
        "WB025",
        "WB026",
        "WB031",
        "WB035",
        "WB009",
        "WB011",
        "WB034",
        "WB021",
        "WB022",
        "WB029",
        "WB051",
        "WB056",
    ):
        # an error somewhere in the file: it must not come back clean
        assert any(p.severity is Severity.ERROR for p in problems)


def test_clean_workbooks_have_no_problems(tmp_path: Path, mini: Rubric) -> None:
    for unit in mini.units:
        path = write(tmp_path, f"{unit.name}.xlsx", clean_bytes(mini, unit))
        reading = read_submission(mini, path)
        assert (reading.status, reading.unit_id, reading.problems) == ("read", unit.id, [])


def test_one_reader_failure_is_a_problem_and_the_batch_goes_on(
    tmp_path: Path, mini: Rubric, monkeypatch: pytest.MonkeyPatch
) -> None:
    import kepu_inspect.services.batch as batch

    real = batch.assess_unit

    def flaky(rubric: Rubric, unit: Any, *args: Any) -> Any:
        if unit.id == "A":
            raise ZeroDivisionError("boom")
        return real(rubric, unit, *args)

    monkeypatch.setattr(batch, "assess_unit", flaky)
    write(tmp_path, "甲县.xlsx", clean_bytes(mini, "A"))
    write(tmp_path, "乙区.xlsx", clean_bytes(mini, "B"))
    intake = run_intake(mini, [tmp_path])
    by_name = {Path(r.path).name: r for r in intake.readings}
    assert by_name["甲县.xlsx"].status == "rejected"
    assert [p.code.name for p in by_name["甲县.xlsx"].problems] == ["WB036"]
    assert "ZeroDivisionError" in by_name["甲县.xlsx"].problems[0].message
    assert by_name["乙区.xlsx"].status == "read" and by_name["乙区.xlsx"].problems == []


# --- values as people type them -------------------------------------------------------------------
# (value written into the cell, what the reader must give back: a value, or a problem code)
NUMBER_CASES: list[tuple[Any, Any]] = [
    (8, Decimal(8)),
    (8.0, Decimal(8)),
    ("8", Decimal(8)),
    ("8.0", Decimal(8)),
    (" 8 ", Decimal(8)),
    ("８", Decimal(8)),
    ("８．５", Decimal("8.5")),
    ("8分", "WB041"),  # 培训人次 is counted in 人次: another word is a problem, not dropped
    ("8人", "WB041"),
    ("8 人次", Decimal(8)),
    (8.5, Decimal("8.5")),
    ("8.5", Decimal("8.5")),
    ("1,200", Decimal(1200)),
    ("1，200", Decimal(1200)),
    ("85%", "WB041"),  # was read as 0.85 人次
    (0.1, Decimal("0.1")),
    ("\u30008\u3000", Decimal(8)),
    ("8-9", "WB015"),
    ("约8", "WB015"),
    ("满分", "WB015"),
    ("8左右", "WB015"),
    ("八", "WB015"),
    ("1e3", "WB015"),
    ("8.5.1", "WB015"),
    ("--8", "WB015"),
    (True, "WB015"),
    (dt.date(2017, 12, 20), "WB030"),
    (dt.datetime(2017, 12, 20, 9, 30), "WB030"),
    ("2017-12-20", "WB015"),
    (-1, "WB018"),
    ("-0.5", "WB018"),
    (MAX_INPUT + 1, "WB018"),
]
YES_NO_CASES: list[tuple[Any, Any]] = [
    ("是", True),
    ("否", False),
    ("√", True),
    ("×", False),
    ("有", True),
    ("无", False),
    (" 是 ", True),
    (True, True),
    (False, False),
    ("Y", True),
    ("no", False),
    ("✓", True),
    ("可能", "WB032"),
    ("1", "WB032"),
    (1, "WB032"),
    ("是/否", "WB032"),
]
LEVEL_CASES: list[tuple[Any, Any]] = [
    ("好", "好"),
    ("较好", "较好"),
    (" 一般 ", "一般"),
    ("很好", "WB019"),
    ("良", "WB019"),
    (4, "WB019"),
]


_CLEAN: dict[str, bytes] = {}


def _clean_a(mini: Rubric) -> bytes:
    if mini.content_hash not in _CLEAN:
        _CLEAN[mini.content_hash] = clean_bytes(mini, A)
    return _CLEAN[mini.content_hash]


def _typed(mini: Rubric, row_id: str, column: str, typed: Any) -> bytes:
    """A clean workbook with ``typed`` in one cell, stored as a spreadsheet stores it: text as a
    string cell, numbers as numbers, booleans as TRUE/FALSE cells, dates (via openpyxl) as styled numbers."""
    ref = cell_of(mini, A, column, row_id)
    if isinstance(typed, bool):
        return set_cell_xml(_clean_a(mini), ITEM, ref, f'<c r="{ref}" t="b"><v>{int(typed)}</v></c>')
    if isinstance(typed, str):
        return set_cell_xml(_clean_a(mini), ITEM, ref, inline(ref, typed))
    if isinstance(typed, int | float | Decimal):
        number = str(typed) if isinstance(typed, Decimal) else repr(typed)  # as Excel writes <v>: 8, 8.5, 0.1
        return set_cell_xml(_clean_a(mini), ITEM, ref, f'<c r="{ref}"><v>{number}</v></c>')
    field = {L.COL_INPUT: "inputs", L.COL_SELF: "self_scores"}[column]
    return clean_bytes(mini, A, **{field: {row_id: typed}})


def _read_one(tmp_path: Path, mini: Rubric, data: bytes) -> tuple[Any, list[Problem]]:
    path = write(tmp_path, NAME, data)
    reading = read_submission(mini, path)
    assert reading.status == "read", reading.problems
    return reading, reading.problems


def _check(reading: Any, problems: list[Problem], uid: str, key: str, ref: str, expected: Any) -> None:
    entry = reading.submission.criteria[uid]
    if isinstance(expected, str) and expected.startswith("WB"):
        assert key not in entry.values
        assert [(p.code.name, p.sheet, p.cell) for p in problems if p.cell == ref] == [(expected, ITEM, ref)]
    else:
        assert entry.values[key] == expected and type(entry.values[key]) is type(expected)
        # notes (how a value was normalised) are fine here; see tests/test_values_measure.py
        assert not [p for p in problems if p.cell == ref and p.severity is not Severity.INFO]


@pytest.mark.parametrize(("typed", "expected"), NUMBER_CASES, ids=[repr(c[0]) for c in NUMBER_CASES])
def test_number_as_typed(typed: Any, expected: Any, tmp_path: Path, mini: Rubric) -> None:
    reading, problems = _read_one(tmp_path, mini, _typed(mini, "C1.b", L.COL_INPUT, typed))
    _check(reading, problems, "C1.b", "n", cell_of(mini, A, L.COL_INPUT, "C1.b"), expected)


@pytest.mark.parametrize(("typed", "expected"), YES_NO_CASES, ids=[repr(c[0]) for c in YES_NO_CASES])
def test_yes_no_as_typed(typed: Any, expected: Any, tmp_path: Path, mini: Rubric) -> None:
    reading, problems = _read_one(tmp_path, mini, _typed(mini, "C2.d:f2", L.COL_INPUT, typed))
    _check(reading, problems, "C2.d", "f2", cell_of(mini, A, L.COL_INPUT, "C2.d:f2"), expected)


@pytest.mark.parametrize(("typed", "expected"), LEVEL_CASES, ids=[repr(c[0]) for c in LEVEL_CASES])
def test_level_as_typed(typed: Any, expected: Any, tmp_path: Path, mini: Rubric) -> None:
    reading, problems = _read_one(tmp_path, mini, _typed(mini, "C2.a", L.COL_INPUT, typed))
    _check(reading, problems, "C2.a", "level", cell_of(mini, A, L.COL_INPUT, "C2.a"), expected)


# Formula cells as each application saves them: the cached result is the value.
FORMULA_CASES: list[tuple[str, Any]] = [
    ('<c r="{ref}"><f>SUM(1,2)</f><v>3</v></c>', Decimal(3)),  # Excel
    ('<c r="{ref}" s="0" t="n"><f aca="false">1.5*2</f><v>3</v></c>', Decimal(3)),  # LibreOffice
    ('<c r="{ref}"><f t="shared" si="0"/><v>2.5</v></c>', Decimal("2.5")),  # WPS/Excel shared formula
    ('<c r="{ref}" t="str"><f>TEXT(3,"0")</f><v>3</v></c>', Decimal(3)),  # formula giving text
    ('<c r="{ref}"><f>1/3</f><v>0.33333333333333331</v></c>', Decimal("0.3333333333333333")),
    ('<c r="{ref}"><f>1/0</f></c>', "WB016"),
    ('<c r="{ref}"><f>1/0</f><v></v></c>', "WB016"),
    ('<c r="{ref}" t="e"><f>1/0</f><v>#DIV/0!</v></c>', "WB017"),
    ('<c r="{ref}" t="e"><v>#N/A</v></c>', "WB017"),
    ('<c r="{ref}"><v>1E+100000</v></c>', "WB015"),  # no double holds it: not a number a program saved
    ('<c r="{ref}"><v>NaN</v></c>', "WB015"),
    ('<c r="{ref}"><v>1E-400</v></c>', Decimal(0)),  # underflows to 0 in every spreadsheet
    ('<c r="{ref}" t="b"><v>1</v></c>', "WB015"),
]


@pytest.mark.parametrize(("xml", "expected"), FORMULA_CASES, ids=[c[0][10:40] for c in FORMULA_CASES])
def test_formula_and_raw_cells(xml: str, expected: Any, tmp_path: Path, mini: Rubric) -> None:
    ref = cell_of(mini, A, L.COL_INPUT, "C1.b")
    data = set_cell_xml(clean_bytes(mini, A), ITEM, ref, xml.format(ref=ref))
    reading, problems = _read_one(tmp_path, mini, data)
    _check(reading, problems, "C1.b", "n", ref, expected)


SCORE_CASES: list[tuple[Any, Any]] = [
    (4, Decimal(4)),
    ("4分", Decimal(4)),
    ("３.5", Decimal("3.5")),
    (" 0 ", Decimal(0)),
    ("满分", "WB015"),
    ("4-", "WB015"),
    (dt.date(2017, 1, 4), "WB030"),
    (4.01, "WB033"),
    (-1, "WB033"),
    (True, "WB015"),
]


@pytest.mark.parametrize(("typed", "expected"), SCORE_CASES, ids=[repr(c[0]) for c in SCORE_CASES])
def test_self_score_as_typed(typed: Any, expected: Any, tmp_path: Path, mini: Rubric) -> None:
    ref = cell_of(mini, A, L.COL_SELF, "C1.a")
    reading, problems = _read_one(tmp_path, mini, _typed(mini, "C1.a", L.COL_SELF, typed))
    entry = reading.submission.criteria["C1.a"]
    at_cell = [p.code.name for p in problems if p.cell == ref and p.severity is not Severity.INFO]
    if expected == "WB033":  # out of range: reported on its cell, the number kept for scoring to decide
        assert entry.self_score == Decimal(str(typed)) and at_cell == [expected]
    elif isinstance(expected, str):
        assert entry.self_score is None and at_cell == [expected]
    else:
        assert entry.self_score == expected and (at_cell == [] or at_cell == ["WB022"])


@pytest.mark.parametrize(
    ("xml", "expected"),
    [
        ('<c r="{ref}" t="b"><v>1</v></c>', True),
        ('<c r="{ref}" t="b"><v>0</v></c>', False),
        ('<c r="{ref}" t="b"><v>TRUE</v></c>', True),
        ('<c r="{ref}" t="b"><f>1=1</f><v>1</v></c>', True),
        ('<c r="{ref}" t="e"><v>#VALUE!</v></c>', "WB017"),
    ],
)
def test_yes_no_raw_cells(xml: str, expected: Any, tmp_path: Path, mini: Rubric) -> None:
    ref = cell_of(mini, A, L.COL_INPUT, "C2.d")
    reading, problems = _read_one(
        tmp_path, mini, set_cell_xml(clean_bytes(mini, A), ITEM, ref, xml.format(ref=ref))
    )
    _check(reading, problems, "C2.d", "f1", ref, expected)


def test_gate_answer_is_read(tmp_path: Path, mini: Rubric) -> None:
    reading, problems = _read_one(tmp_path, mini, clean_bytes(mini, A, gates={"fraud": "是"}))
    assert reading.submission.gates == {"fraud": True} and problems == []
    reading, problems = _read_one(tmp_path, mini, clean_bytes(mini, A, gates={"fraud": "不清楚"}))
    assert reading.submission.gates == {"fraud": None}
    assert [(p.code.name, p.cell) for p in problems] == [
        ("WB032", cell_of(mini, A, L.COL_VERIFIED, "G:fraud"))
    ]


def test_cell_text_reaches_the_problem_value_unchanged(tmp_path: Path, mini: Rubric) -> None:
    ref = cell_of(mini, A, L.COL_INPUT, "C1.b")
    text = "[red]约[/red] 8\u202e"
    data = set_cell_xml(clean_bytes(mini, A), ITEM, ref, inline(ref, text))
    _reading, problems = _read_one(tmp_path, mini, data)
    (p,) = [p for p in problems if p.cell == ref]
    assert (p.code, p.value) == (Code.WB050, text)  # the right-to-left override is invisible


def test_shared_strings_rich_text_and_phonetics(tmp_path: Path, mini: Rubric) -> None:
    """Rich-text runs are joined; phonetic guides (rPh) are not part of the value."""
    ref = cell_of(mini, A, L.COL_INPUT, "C2.a")

    run = '<si><r><t>较</t></r><r><rPr><b/></rPr><t>好</t></r><rPh sb="0" eb="1"><t>jiao</t></rPh></si>'
    data, index = add_shared_strings(clean_bytes(mini, A), ["<si><t>一般</t></si>", run])
    index += 1
    data = set_cell_xml(data, ITEM, ref, f'<c r="{ref}" t="s"><v>{index}</v></c>')
    reading, _ = _read_one(tmp_path, mini, data)
    assert reading.submission.criteria["C2.a"].values["level"] == "较好"


def test_unbounded_inputs_share_the_templates_ceiling() -> None:
    """The reader refuses exactly what the template's data validation refuses (no second bound)."""
    from kepu_inspect.adapters.template_writer import MAX_NUMBER

    assert MAX_INPUT == MAX_NUMBER


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        ('<si><t xml:space="preserve"> 较好 </t></si>', "较好"),  # kept spaces, stripped as typed text is
        ("<si><t>较&amp;好</t></si>", "较&好"),  # entities decoded
        ("<si><t>&#36739;&#22909;</t></si>", "较好"),  # character references
        ('<si><t xml:space="preserve">较</t><t>好</t></si>', "较好"),  # two runs (unusual, but legal)
    ],
)
def test_shared_string_forms_read_the_same(tmp_path: Path, mini: Rubric, entry: str, expected: str) -> None:
    ref = cell_of(mini, A, L.COL_INPUT, "C2.a")
    data, index = add_shared_strings(clean_bytes(mini, A), [entry])
    data = set_cell_xml(data, ITEM, ref, f'<c r="{ref}" t="s"><v>{index}</v></c>')
    reading, problems = _read_one(tmp_path, mini, data)
    read = reading.submission.criteria["C2.a"].values.get("level")  # not a level: reported with its text
    assert (read or next(p.value for p in problems if p.cell == ref)) == expected


def test_overlong_shared_string_is_refused_on_the_fast_path(tmp_path: Path, mini: Rubric) -> None:
    ref = cell_of(mini, A, L.COL_INPUT, "C2.a")
    data, index = add_shared_strings(clean_bytes(mini, A), [f"<si><t>{'好' * 32_768}</t></si>"])
    data = set_cell_xml(data, ITEM, ref, f'<c r="{ref}" t="s"><v>{index}</v></c>')
    reading = read_submission(mini, write(tmp_path, NAME, data))
    assert reading.status == "rejected" and [p.code for p in reading.problems] == [Code.WB004]


@pytest.mark.parametrize(
    "namespace",
    [
        b"http://schemas.openxmlformats.org/spreadsheetml/2006/main",
        b"&#104;ttp://schemas.openxmlformats.org/spreadsheetml/2006/main",  # the same name, character references
        b"&#x68;ttp://schemas.openxmlformats.org/spreadsheetml/2006/main",
    ],
)
def test_sheet_with_a_prefixed_spreadsheet_namespace_reads_the_same(
    tmp_path: Path, mini: Rubric, namespace: bytes
) -> None:
    """<x:c …> (some SDKs write prefixed elements) must not be skipped by the fast path."""
    import re

    data = clean_bytes(mini, A)
    main_ns = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"

    def prefixed(xml: bytes) -> bytes:
        assert b"<x:" not in xml and re.search(rb"<[A-Za-z]+:", xml) is None  # a plain part to start from
        xml = re.sub(rb"<(/?)(?![?!])([A-Za-z])", rb"<\1x:\2", xml)
        xml = xml.replace(b"<x:worksheet", b"<worksheet", 1).replace(b"</x:worksheet>", b"</worksheet>")
        return xml.replace(
            b'xmlns="' + main_ns + b'"', b'xmlns="' + main_ns + b'" xmlns:x="' + namespace + b'"', 1
        )

    plain, _ = _read_one(tmp_path, mini, data)
    parts = [sheet_part(data, ITEM), sheet_part(data, "封面"), "xl/styles.xml"]
    reading, _ = _read_one(tmp_path, mini, replace_parts(data, dict.fromkeys(parts, prefixed)))
    assert (
        reading.submission == plain.submission and reading.submission.criteria and plain.submission.filled_on
    )


@pytest.mark.parametrize("opening", ['<c\tr="{ref}"', '<c  r="{ref}"', '<c\nr="{ref}" t="inlineStr"'])
def test_unusual_whitespace_in_a_cell_tag_is_still_read(tmp_path: Path, mini: Rubric, opening: str) -> None:
    """Legal XML the fast cell pattern would skip goes to the general parser instead of being lost."""
    ref = cell_of(mini, A, L.COL_INPUT, "C2.a")
    xml = inline(ref, "较好").replace(
        f'<c r="{ref}" t="inlineStr"',
        opening.format(ref=ref) + ("" if "inlineStr" in opening else ' t="inlineStr"'),
    )
    assert "\t" in xml or "  " in xml or "\n" in xml
    reading, _ = _read_one(tmp_path, mini, set_cell_xml(clean_bytes(mini, A), ITEM, ref, xml))
    assert reading.submission.criteria["C2.a"].values["level"] == "较好"


def test_processing_instruction_text_is_not_read_as_cells(tmp_path: Path, mini: Rubric) -> None:
    ref = cell_of(mini, A, L.COL_INPUT, "C2.a")
    plain, _ = _read_one(tmp_path, mini, clean_bytes(mini, A))

    def hide(xml: bytes) -> bytes:
        return xml.replace(b"</sheetData>", f'</sheetData><?note <c r="{ref}"><v>999</v></c> ?>'.encode(), 1)

    data = clean_bytes(mini, A)
    reading, _ = _read_one(tmp_path, mini, replace_parts(data, {sheet_part(data, ITEM): hide}))
    assert reading.submission == plain.submission


@pytest.mark.parametrize(
    "attributes",
    [
        """ t='inlineStr'""",  # single quotes
        ' xml:lang="zh/CN" t="inlineStr"',  # a "/" inside a value
        ' t="inlineStr" alt="a>b"',  # a ">" inside a value
    ],
)
def test_unusual_cell_attributes_are_read(tmp_path: Path, mini: Rubric, attributes: str) -> None:
    ref = cell_of(mini, A, L.COL_INPUT, "C2.a")
    xml = f'<c r="{ref}"{attributes}><is><t>较好</t></is></c>'
    reading, _ = _read_one(tmp_path, mini, set_cell_xml(clean_bytes(mini, A), ITEM, ref, xml))
    assert reading.submission.criteria["C2.a"].values["level"] == "较好"


@pytest.mark.parametrize("index", ["-1", " 0", "0_0", "+1"])
def test_shared_string_index_must_be_plain_digits(tmp_path: Path, mini: Rubric, index: str) -> None:
    """int() would take these (-1 is the last string); a spreadsheet never writes them."""
    ref = cell_of(mini, A, L.COL_INPUT, "C2.a")
    data = set_cell_xml(clean_bytes(mini, A), ITEM, ref, f'<c r="{ref}" t="s"><v>{index}</v></c>')
    reading = read_submission(mini, write(tmp_path, NAME, data))
    assert reading.status == "rejected" and [p.code for p in reading.problems] == [Code.WB002]


def test_batch_caches_charge_the_element_budget_and_keep_only_small_parts() -> None:
    """A cached stylesheet or layout costs what parsing it cost: a file's verdict never depends on which
    files came before it; and a big part is never kept in memory."""
    from kepu_inspect.adapters import xlsx_safe as X

    cache = X.ReaderCache()
    xfs = b"".join(b'<xf numFmtId="14"/>' for _ in range(50))
    styles = b"<?xml version='1.0'?><styleSheet><!-- expat --><cellXfs>" + xfs + b"</cellXfs></styleSheet>"
    assert X._number_formats_of(styles, [1000], cache).dates == frozenset(range(50))
    for _ in range(2):  # the cached copy is refused exactly like the first
        with pytest.raises(X.WorkbookError, match="元素数量"):
            X._number_formats_of(styles, [10], cache)
    workbook = b'<workbook><sheets><sheet name="a" r:id="rId1"/></sheets></workbook>'
    rels = b'<Relationships><Relationship Id="rId1" Target="worksheets/sheet1.xml"/></Relationships>'
    assert X._book_layout(workbook, rels, [100], cache)[0] == (("a", "visible", "rId1"),)
    for _ in range(2):
        with pytest.raises(X.WorkbookError, match="元素数量"):
            X._book_layout(workbook, rels, [3], cache)
    big = styles.replace(b"<!-- expat -->", b"<!--" + b" " * X._SEEN_PART_BYTES + b"-->")
    X._number_formats_of(big, [1000], cache)
    assert big not in cache.styles
