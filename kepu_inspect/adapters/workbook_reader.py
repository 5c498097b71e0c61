"""Read one submitted workbook into a Submission plus cell-precise problems; never raises for bad input."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

from kepu_inspect.adapters import layout as L
from kepu_inspect.adapters.input_files import display_name
from kepu_inspect.adapters.xlsx_safe import (
    RawCell,
    RawSheet,
    RawWorkbook,
    ReaderCache,
    Source,
    StoredCells,
    WorkbookError,
    open_regular,
    read_workbook,
)
from kepu_inspect.core.cellref import col_number
from kepu_inspect.core.numbers import ZERO, fmt
from kepu_inspect.core.problems import Code, Problem, problem
from kepu_inspect.core.results import FileReading
from kepu_inspect.core.rubric import Assignment, Criterion, Rubric, Unit, normalise_name
from kepu_inspect.core.rules import InputSpec
from kepu_inspect.core.scoring import score_range
from kepu_inspect.core.submission import CriterionEntry, ItemEntry, Submission
from kepu_inspect.core.values import (
    SCORE_MEASURE,
    Parsed,
    clean_text,
    parse_date,
    parse_input,
    parse_number,
    parse_yesno,
    visible_text,
)

# only the columns the reader looks at are kept: the rest is printed text it never needs
WANTED: dict[str, frozenset[str] | None] = {
    L.COVER_SHEET: frozenset({"C"}),
    L.ITEM_SHEET: frozenset(
        {L.COL_ID, L.COL_INPUT, L.COL_SELF, L.COL_EVIDENCE, L.COL_VERIFIED, L.COL_OPINION}
    ),
    L.IDENTITY_SHEET: frozenset({"A", "B"}),
}
# the printed title, wording and points, only compared with the rubric (locked cells)
COMPARED = {L.ITEM_SHEET: frozenset({L.COL_TITLE, L.COL_TEXT, L.COL_MAX})}
WHOLE_ROW = {L.ITEM_SHEET: L.HEADER_ROW}  # the header row in every column, to say where a column went
# columns whose cells the reader takes as values: none may hide under a merged range
VALUE_COLUMNS = (L.COL_ID, L.COL_INPUT, L.COL_SELF, L.COL_VERIFIED)
MAX_MERGE_ROWS = 10_000  # a merge over the whole column is looked at this far (cells are bounded anyway)
MAX_LISTED = 10  # changed locked cells named in the warning
EMPTY_CELL = RawCell("empty", "")
# Ceiling for inputs the rubric leaves unbounded: the same bound the template's data validation
# shows (template_writer.MAX_NUMBER). Larger values are typing accidents, and would overflow the
# exact arithmetic of the rules (Decimal precision 28).
MAX_INPUT = Decimal("999999999")


_RANGE = re.compile(r"^\$?([A-Z]{1,3})\$?([0-9]{1,7})(?::\$?([A-Z]{1,3})\$?([0-9]{1,7}))?$")


def _decorated(printed: str, core: str, notes: tuple[str, ...]) -> bool:
    """``printed`` is ``core`` with only what some version of the template adds around it: a tag such as
    【加分】 before, notes in brackets after (each beginning as layout's composers begin them).
    Squeezed text: brackets and colons are ASCII (NFKC)."""
    for tag in L.TAGS:
        if printed.startswith(tag) and not core.startswith(tag):
            printed = printed[len(tag) :]
            break
    if not printed.startswith(core):
        return False
    rest = printed[len(core) :]
    starts = tuple(_squeeze(n) for n in notes)
    while rest:
        if not rest.startswith("("):
            return False
        end = rest.find(")")
        if end < 0 or not all(part.startswith(starts) for part in rest[1:end].split(";")):
            return False
        rest = rest[end + 1 :]
    return True


def _squeeze(text: str) -> str:
    """Text compared without regard to spaces, line breaks or full-width forms (writers differ in them)."""
    return clean_text(text).replace("\n", "").replace("\r", "").replace("\t", "")


# what a workbook that is no unit's form is, by the kind its identity part (or its maker) declares
KINDS = {
    "verification": "督导检查核查表",
    "report": "本工具生成的考核结果报告",
}
REPORT_APPLICATION = "kepu-inspect"  # reports/xlsx_parts.APPLICATION ends with it


def _made_by(wb: RawWorkbook) -> str:
    """ "report" for a workbook this tool wrote as a report (none of a form's sheets, our name as its
    maker), else a form: the reader then says what is missing."""
    return "report" if wb.application.endswith(REPORT_APPLICATION) else L.SUBMISSION


def sha256_of(path: Source) -> str:
    h = hashlib.sha256()
    with open_regular(path) as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _rejection(exc: WorkbookError, name: str) -> Problem:
    if exc.kind == "empty":
        return problem(Code.WB003, file=name)
    if exc.kind in ("legacy", "encrypted"):
        return problem(Code.WB001, file=name, kind=exc.detail, fix=exc.fix)
    if exc.kind == "bomb":
        return problem(Code.WB004, file=name, detail=exc.detail)
    if exc.kind == "xml":
        return problem(Code.WB005, file=name, detail=exc.detail)
    if exc.kind == "ambiguous":
        return problem(Code.WB052, file=name, detail=exc.detail)
    return problem(Code.WB002, file=name, detail=exc.detail)


def units_in_text(rubric: Rubric, text: str) -> list[Unit]:
    """Units whose name or alias occurs in ``text``; a name inside a longer matched name does not count."""
    key = normalise_name(text)
    matched: dict[str, str] = {}
    for unit in rubric.units:
        for name in unit.names:
            n = normalise_name(name)
            if n and n in key and len(n) > len(matched.get(unit.id, "")):
                matched[unit.id] = n
    keep = [uid for uid, n in matched.items() if not any(n != m and n in m for m in matched.values())]
    return [rubric.unit(uid) for uid in keep]


@dataclass(frozen=True)
class Printed:
    """One printed cell of a row the template fills from the rubric, and what it must hold."""

    row_id: str
    column: str
    kind: Literal["points", "text", "formula"]
    expected: str = ""  # the text (before line wrapping), or the points as the template writes them
    points: Decimal = ZERO
    per_unit: tuple[Criterion, Assignment] | None = None  # a text naming the unit's own target
    core: str = ""  # the rubric's own words in the text, which every version of the form prints
    notes: tuple[str, ...] = ()  # how the notes any version adds in brackets begin

    def differs(self, stored: StoredCells, ref: str, unit: Unit) -> str:
        """Why the cell is not what the template printed ("" when it is)."""
        if self.kind == "formula":
            raw = stored.cells.get(ref)
            return (
                f"小计公式被改为 {raw.text}"
                if raw is not None and raw.kind != "empty" and not raw.formula
                else ""
            )
        if self.kind == "points":
            number = stored.number(ref)
            if number == self.expected:
                return ""
            try:
                if number is not None and Decimal(number) == self.points:
                    return ""
            except ArithmeticError:
                pass
            return f"分值应为 {self.expected}，现为 {stored.text(ref) or '空'}"
        expected = L.criterion_text(*self.per_unit, unit) if self.per_unit is not None else self.expected
        printed = _squeeze(stored.text(ref))
        if printed == _squeeze(expected):  # the writer wraps lines as it likes
            return ""
        if self.core and _decorated(printed, _squeeze(self.core), self.notes):  # an earlier version's form
            return ""
        if self.column == L.COL_MAX:
            return f"分值应为 {expected}，现为 {stored.text(ref) or '空'}"
        return {L.COL_TITLE: "考核项目名称被改动", L.COL_TEXT: "考核内容或评分标准被改动"}.get(
            self.column, "被改动"
        )


def _points_check(row_id: str, points: Decimal | str) -> Printed:
    if isinstance(points, str):  # 不限: an open-ended item or criterion
        return Printed(row_id, L.COL_MAX, "text", points)
    return Printed(row_id, L.COL_MAX, "points", fmt(points), points)


def printed_checks(rubric: Rubric, unit: Unit) -> tuple[Printed, ...]:
    """The printed cells to compare for a unit's form (as layout composes them for the writer): 分值
    and wording of each item and criterion, and the item subtotal formulas (section subtotals are found
    by their row ids)."""
    checks: list[Printed] = []
    for a in rubric.assignments(unit):
        item = a.item
        checks.append(_points_check(item.id, L.item_points(a)))
        checks.append(Printed(item.id, L.COL_TITLE, "text", item.title))
        core = item.content or item.title
        checks.append(Printed(item.id, L.COL_TEXT, "text", L.item_text(a), core=core, notes=L.ITEM_NOTES))
        checks.append(Printed(item.id, L.COL_SELF, "formula"))
        checks.append(Printed(item.id, L.COL_VERIFIED, "formula"))
        for crit in item.criteria:
            uid = L.criterion_uid(item.id, crit)
            checks.append(_points_check(uid, L.criterion_points(crit, a)))
            own = L.unit_target(crit, unit) != ""  # units of one profile differ in this text
            text = L.criterion_text(crit, a, unit)
            checks.append(
                Printed(
                    uid,
                    L.COL_TEXT,
                    "text",
                    text,
                    per_unit=(crit, a) if own else None,
                    core=crit.text,
                    notes=L.CRITERION_NOTES,
                )
            )
    return tuple(checks)


class ReadingContext:
    """What the files of one batch share while they are read (the rows each kind of unit expects).

    Owned by the batch and passed in, so nothing read from one batch lingers on the rubric or in the
    module for the next.
    """

    def __init__(self, rubric: Rubric) -> None:
        self.rubric = rubric
        self.rows = L.RowIndex(rubric)
        self.parts = ReaderCache()  # stylesheets, workbook layouts and printed texts seen before
        # merged ranges → the cells of value columns they cover (files from one template share them)
        self.covered: dict[tuple[str, ...], dict[str, tuple[str, str]]] = {}
        # assignment profile → the printed cells to compare (see _Reader.locked_cells)
        self.printed: dict[tuple[object, ...], tuple[Printed, ...]] = {}
        # cell → the printed text last found right there (texts carry line breaks and unit targets)
        self.confirmed: dict[str, str] = {}
        self.placed: dict[tuple[object, ...], tuple[list[tuple[str, bytes | str, Printed]], list[str]]] = {}

    def printed_checks(self, unit: Unit) -> tuple[Printed, ...]:
        profile = self.rubric.assignment_profile(unit)
        found = self.printed.get(profile)
        if found is None:
            found = self.printed[profile] = printed_checks(self.rubric, unit)
        return found

    def printed_cells(
        self, unit: Unit, row_of: dict[str, int]
    ) -> tuple[list[tuple[str, bytes | str, Printed]], list[str]]:
        """The printed cells of a unit's form where this file has them: (cell, quick value, check), and
        the subtotal cells that must hold formulas. Files of one template share the answer."""
        key = (self.rubric.assignment_profile(unit), tuple(row_of.items()))
        found = self.placed.get(key)
        if found is None:
            placed: list[tuple[str, bytes | str, Printed]] = []
            formulas: list[str] = []
            for check in self.printed_checks(unit):
                r = row_of.get(check.row_id)
                if r is None:
                    continue
                ref = f"{check.column}{r}"
                if check.kind == "formula":
                    formulas.append(ref)
                else:
                    placed.append(
                        (ref, check.expected.encode() if check.kind == "points" else check.expected, check)
                    )
            formulas.extend(
                f"{col}{r}"
                for rid, r in row_of.items()
                if rid.startswith("S:")
                for col in (L.COL_SELF, L.COL_VERIFIED)
            )
            if len(self.placed) >= 64:
                self.placed.clear()
            found = self.placed[key] = (placed, formulas)
        return found

    def covered_by_merges(self, merges: list[str]) -> dict[str, tuple[str, str]]:
        key = tuple(merges)
        found = self.covered.get(key)
        if found is None:
            if len(self.covered) >= 64:
                self.covered.clear()
            found = self.covered[key] = covered_cells(merges)
        return found


def covered_cells(merges: list[str]) -> dict[str, tuple[str, str]]:
    """cell → (range, its first cell) for each cell of a value column under a merged range, the first
    cell excepted: only the first cell of a merged range is shown."""
    out: dict[str, tuple[str, str]] = {}
    for merge in merges:
        m = _RANGE.match(merge)
        if m is None:
            continue
        first_col, first_row, last_col, last_row = m.groups()
        last_col = last_col or first_col
        if first_col == last_col:  # most merges span one column: one comparison decides
            if first_col not in VALUE_COLUMNS:
                continue
            columns: tuple[str, ...] = (first_col,)
        else:
            low, high = col_number(first_col), col_number(last_col)
            columns = tuple(c for c in VALUE_COLUMNS if low <= col_number(c) <= high)
        top = int(first_row)
        bottom = min(int(last_row or first_row), top + MAX_MERGE_ROWS)
        first = f"{first_col}{first_row}"
        for row in range(top, bottom + 1):
            for col in columns:
                if not (row == top and col == first_col):
                    out.setdefault(f"{col}{row}", (merge, first))
    return out


def _ref_key(ref: str) -> tuple[int, int]:
    m = _RANGE.match(ref)
    return (int(m.group(2)), col_number(m.group(1))) if m else (0, 0)


def _range_words(ref: str) -> str:
    """H7:H8 → 第7至8行“自评分”; H7 → 第7行“自评分”: where a clerk finds it, never a cell reference."""
    m = _RANGE.match(ref)
    if not m:
        return ref
    col1, row1, col2, row2 = (
        m.group(1),
        int(m.group(2)),
        m.group(3) or m.group(1),
        int(m.group(4) or m.group(2)),
    )
    rows = f"第{row1}行" if row1 == row2 else f"第{row1}至{row2}行"
    headings = {letter: heading for letter, heading, _ in L.COLUMNS}
    lo, hi = col_number(col1), col_number(col2)
    named = [f"“{h}”" for letter, h in headings.items() if lo <= col_number(letter) <= hi]
    return rows + "、".join(named)


def _ids_as_found(sheet: RawSheet) -> dict[str, int]:
    """Row ids (column A) → row numbers, whatever they are: where a rejected file's reason lies."""
    found: dict[str, int] = {}
    for r in sorted(sheet.rows):
        raw = sheet.rows[r].get(L.COL_ID)
        if raw is not None and raw.kind != "empty" and r > L.HEADER_ROW:
            found.setdefault(clean_text(raw.text), r)
    return found


class _Reader:
    def __init__(self, context: ReadingContext, path: Source, display: str) -> None:
        self.context = context
        self.rubric = context.rubric
        self.path = path
        self.name = display
        self.problems: list[Problem] = []

    def add(self, code: Code, **fields: Any) -> None:
        self.problems.append(problem(code, file=self.name, **fields))

    def identify(self, wb: RawWorkbook, identity: dict[str, str]) -> Unit | None:
        rubric = self.rubric
        by_identity = rubric.find_unit(identity["unit_id"]) if identity.get("unit_id") else None
        cover = wb.sheets.get(L.COVER_SHEET)
        cover_text = cover.cells.get(L.COVER_UNIT_CELL, EMPTY_CELL).text if cover else ""
        by_cover = rubric.find_unit(cover_text) if cover_text.strip() else None
        stem = normalise_name(self.path.stem)
        expected = by_identity or by_cover
        if expected is not None and any(normalise_name(n) in stem for n in expected.names):
            by_name = [expected]  # the usual case: no need to look for other units in the name
        else:
            by_name = units_in_text(rubric, self.path.stem)
        if identity.get("unit_id") and by_identity is None:
            self.add(
                Code.WB007,
                sheet=L.IDENTITY_SHEET,
                detail=f"模板记录的单位编号“{identity['unit_id']}”不在本考核细则中",
            )
            return None
        if by_identity is not None:
            if by_cover is not None and by_cover.id != by_identity.id:
                self.add(
                    Code.WB007,
                    sheet=L.COVER_SHEET,
                    cell=L.COVER_UNIT_CELL,
                    value=cover_text,
                    detail=f"模板属于“{by_identity.name}”，封面却写着“{cover_text}”",
                )
                return None
            if len(by_name) == 1 and by_name[0].id != by_identity.id:
                self.add(
                    Code.WB007,
                    detail=f"模板属于“{by_identity.name}”，文件名却是“{self.path.name}”"
                    "（是否用了其他单位的模板？）",
                )
                return None
            return by_identity
        if by_cover is not None:
            if len(by_name) == 1 and by_name[0].id != by_cover.id:
                self.add(
                    Code.WB007,
                    sheet=L.COVER_SHEET,
                    cell=L.COVER_UNIT_CELL,
                    value=cover_text,
                    detail=f"封面写着“{cover_text}”，文件名却是“{self.path.name}”",
                )
                return None
            return by_cover
        if len(by_name) == 1:
            return by_name[0]
        if len(by_name) > 1:
            self.add(Code.WB007, detail="文件名中出现多个单位：" + "、".join(u.name for u in by_name))
            return None
        self.add(Code.WB006, value=cover_text or None)
        return None

    def check_identity(self, identity: dict[str, str]) -> None:
        meta = self.rubric.meta
        if not identity:
            return
        if identity.get("rubric_id") != meta.id:
            self.add(
                Code.WB008, sheet=L.IDENTITY_SHEET, found=identity.get("rubric_id", "?"), expected=meta.id
            )
        elif identity.get("rubric_hash") != self.rubric.content_hash:
            if identity.get("structure") == self.rubric.structure_fingerprint():
                self.add(
                    Code.WB009,
                    sheet=L.IDENTITY_SHEET,
                    found=identity.get("rubric_version", "?"),
                    expected=meta.version,
                )
            else:
                self.add(
                    Code.WB008,
                    sheet=L.IDENTITY_SHEET,
                    found=f"{meta.id} 版本 {identity.get('rubric_version', '?')}（考核项目或分值已变化）",
                    expected=f"{meta.id} 版本 {meta.version}",
                )

    def sheets_ok(self, wb: RawWorkbook) -> bool:
        for name in (L.COVER_SHEET, L.ITEM_SHEET):
            copies = [n for n in wb.sheet_names if n != name and normalise_name(n).startswith(name)]
            if name not in wb.states:
                # a sheet that looks renamed ("自评表-甲县") is named as the value, so the sheet stays a name
                self.add(Code.WB010, sheet=name, value=copies[0] if copies else None)
                if name == L.ITEM_SHEET:
                    return False
                continue
            if wb.states[name] != "visible":
                self.add(Code.WB011, sheet=name)
            for copy in copies:
                self.add(Code.WB034, sheet=copy, original=name)
        return True

    # --- cells -----------------------------------------------------------------------------
    def cell(self, sheet: RawSheet, ref: str) -> RawCell:
        return sheet.cells.get(ref, EMPTY_CELL)

    def cell_problem(self, parsed: Parsed, ref: str, raw: RawCell, spec: InputSpec | None) -> None:
        code = Code[parsed.code or "WB015"]
        extra: dict[str, Any] = dict(parsed.fields)
        if code is Code.WB019 and spec is not None:
            extra["options"] = "、".join(spec.options)
        self.add(code, sheet=L.ITEM_SHEET, cell=ref, value=raw.text, **extra)

    def free_text(self, sheet: RawSheet, ref: str) -> str:
        """A text cell (evidence, remarks, contact) as shown, control characters removed and reported."""
        raw = self.cell(sheet, ref)
        text, removed = visible_text(raw.text)
        if removed:
            self.add(Code.WB051, sheet=sheet.name, cell=ref, chars=removed)
        return text

    def cell_notes(self, parsed: Parsed, ref: str, raw: RawCell) -> None:
        """Every normalisation of a value becomes a visible note on its cell."""
        for note in parsed.notes:
            self.add(Code[note.code], sheet=L.ITEM_SHEET, cell=ref, value=raw.text, **dict(note.fields))

    def parse_cell(self, sheet: RawSheet, ref: str, spec: InputSpec) -> tuple[Parsed, bool]:
        """Parse one input cell, reporting problems; returns (parsed, unreadable)."""
        raw = self.cell(sheet, ref)
        if raw.formula and not raw.cached:
            self.add(Code.WB016, sheet=L.ITEM_SHEET, cell=ref)
            return Parsed(None, "WB016"), True
        parsed = parse_input(spec, raw.kind, raw.text, raw.percent)
        if not parsed.ok:
            self.cell_problem(parsed, ref, raw, spec)
            return parsed, True
        if parsed.notes:
            self.cell_notes(parsed, ref, raw)
        if spec.kind == "number" and isinstance(parsed.value, Decimal):
            low = spec.low if spec.low is not None else -MAX_INPUT
            high = spec.high if spec.high is not None else MAX_INPUT
            if parsed.value < low or parsed.value > high:
                self.add(
                    Code.WB018, sheet=L.ITEM_SHEET, cell=ref, value=raw.text, low=fmt(low), high=fmt(high)
                )
                return Parsed(None, "WB018"), True
        return parsed, False

    def score_cell(
        self, sheet: RawSheet, ref: str, low: Decimal, high: Decimal, code_range: Code
    ) -> tuple[Decimal | None, bool]:
        """A score cell: the number typed (kept even when out of range, reported: scoring decides what
        an out-of-range score does), or None; and whether the cell had a problem."""
        raw = self.cell(sheet, ref)
        if raw.formula and not raw.cached:
            self.add(Code.WB016, sheet=L.ITEM_SHEET, cell=ref)
            return None, True
        parsed = parse_number(raw.kind, raw.text, SCORE_MEASURE, raw.percent)
        if not parsed.ok:
            self.cell_problem(parsed, ref, raw, None)
            return None, True
        if parsed.notes:
            self.cell_notes(parsed, ref, raw)
        value = parsed.value
        if value is None:
            return None, False
        assert isinstance(value, Decimal)
        if value < low or value > high:
            self.add(code_range, sheet=L.ITEM_SHEET, cell=ref, value=raw.text, low=fmt(low), high=fmt(high))
            return value, True
        return value, False

    def read(self) -> FileReading:
        digest = ""
        try:
            digest = sha256_of(self.path)
            wb = read_workbook(self.path, WANTED, self.context.parts, COMPARED, WHOLE_ROW)
        except WorkbookError as exc:
            # Unreadable, but its name may still say whose it is: then the ledger shows that unit's
            # material as invalid (not missing) and the unit gets the notice to resend it.
            named = units_in_text(self.rubric, self.path.stem)
            unit_id = named[0].id if len(named) == 1 else None
            rejection = _rejection(exc, self.name)
            if unit_id is not None:
                rejection = rejection.at(unit=named[0].name)
            return FileReading(self.name, digest, "rejected", unit_id, problems=[rejection])
        if wb.macro_enabled or self.path.suffix.lower() == ".xlsm":
            self.add(Code.WB031)
        identity: dict[str, str] = {}
        id_sheet = wb.sheets.get(L.IDENTITY_SHEET)
        if id_sheet is not None:
            for r, cells in id_sheet.rows.items():
                key, value = cells.get("A"), cells.get("B")
                if key is not None and key.text in L.IDENTITY_KEYS:
                    identity[key.text] = value.text if value is not None else ""
                del r
        kind = identity.get("kind") or (L.SUBMISSION if identity or wb.sheets else _made_by(wb))
        if kind != L.SUBMISSION:  # an inspection workbook, or a report this tool wrote: not a unit's form
            what = KINDS.get(kind, f"类型为“{kind}”的工作簿")
            return FileReading(
                self.name,
                digest,
                "rejected",
                problems=[problem(Code.WB057, file=self.name, what=what)],
                kind=kind,
            )
        unit = self.identify(wb, identity)
        if unit is None:
            return FileReading(self.name, digest, "rejected", problems=self.problems, identity=identity)
        for p_index, p in enumerate(self.problems):
            self.problems[p_index] = p.at(unit=unit.name)
        self.check_identity(identity)
        row_of = self.structure(wb, unit) if self.sheets_ok(wb) else None
        if row_of is None:  # not the template's form: one reason, no cell-by-cell noise, not scored
            sheet = wb.sheets.get(L.ITEM_SHEET)
            if sheet is not None:  # the reason's place in words too, as far as the row ids still tell
                self.place_problems(_ids_as_found(sheet), unit)
            return FileReading(
                self.name, digest, "rejected", unit.id, problems=self._tag(unit), identity=identity
            )
        self.locked_cells(wb.sheets[L.ITEM_SHEET], unit, row_of)
        submission = self.read_items(wb, unit, row_of)
        return FileReading(self.name, digest, "read", unit.id, submission, self._tag(unit), identity)

    def _tag(self, unit: Unit) -> list[Problem]:
        return [p if p.unit else p.at(unit=unit.name) for p in self.problems]

    # --- structure, checked before any value -------------------------------------------------------
    def structure(self, wb: RawWorkbook, unit: Unit) -> dict[str, int] | None:
        """Where each row id sits, or None when the item sheet is not the template's form any more.

        A deleted or inserted column, cleared row ids or a value hidden under a merge would otherwise
        give dozens of unrelated cell errors, or read a value nobody sees; one reason is clearer.
        """
        sheet = wb.sheets[L.ITEM_SHEET]
        if not self.header_ok(sheet) or not self.merges_ok(sheet):
            return None
        return self.locate_rows(sheet, unit)

    def header_ok(self, sheet: RawSheet) -> bool:
        """The header row names the template's columns in order: a column deleted, inserted or moved
        anywhere shifts the names after it."""
        stored = sheet.stored
        header = {col: cell.text for col, cell in sheet.rows.get(L.HEADER_ROW, {}).items()}
        if stored is not None:  # the compared columns are kept apart, as stored
            header.update({col: stored.text(f"{col}{L.HEADER_ROW}") for col in COMPARED[L.ITEM_SHEET]})
        found = {col: clean_text(text) for col, text in header.items() if text}
        for col, title, _ in L.COLUMNS:
            if found.get(col, "") == clean_text(title):
                continue
            now = sorted((c for c, text in found.items() if text == clean_text(title)), key=col_number)
            where = f"“{title}”现在在 {now[0]} 列" if now else "表头中找不到该列"
            self.add(
                Code.WB054,
                sheet=L.ITEM_SHEET,
                cell=f"{col}{L.HEADER_ROW}",
                value=header.get(col) or None,
                column=col,
                expected=title,
                moved=where,
            )
            return False
        return True

    def merges_ok(self, sheet: RawSheet) -> bool:
        """No value of a column the reader reads may lie under a merged range (only its first cell shows)."""
        if not sheet.merges:
            return True
        covered = self.context.covered_by_merges(sheet.merges)
        cells = sheet.cells
        for ref in sorted(covered.keys() & cells.keys(), key=_ref_key):  # C speed: few cells are both
            cell = cells[ref]
            if cell.kind != "empty":
                merge, first = covered[ref]
                self.add(
                    Code.WB053,
                    sheet=L.ITEM_SHEET,
                    cell=ref,
                    value=cell.text,
                    merge=_range_words(merge),
                    shown=_range_words(first),
                )
                return False
        return True

    def locate_rows(self, sheet: RawSheet, unit: Unit) -> dict[str, int] | None:
        """Row ids (column A) → row numbers; None when most of the unit's rows have lost their id."""
        rows = self.context.rows.for_unit(unit)
        expected = rows.expected
        gate_ids = {f"G:{g.id}": g for g in self.rubric.gates}
        row_of: dict[str, int] = {}
        known_items = {item.id for _, item in self.rubric.items()}
        for r in sorted(sheet.rows):
            raw = sheet.rows[r].get(L.COL_ID)
            if raw is None or raw.kind == "empty":
                continue
            rid = clean_text(raw.text)
            if r <= L.HEADER_ROW:
                continue
            if rid in row_of:
                self.add(
                    Code.WB013,
                    sheet=L.ITEM_SHEET,
                    cell=f"{L.COL_ID}{r}",
                    item=rid,
                    other=f"{L.COL_ID}{row_of[rid]}",
                )
                continue
            if rid in expected or rid in gate_ids or rid.startswith(("S:", "T:")):
                row_of[rid] = r
            else:
                item_id = L.parse_row_id(rid)[0]
                why = rid if item_id not in known_items else f"{rid}（该项目不适用于本单位）"
                self.add(Code.WB014, sheet=L.ITEM_SHEET, cell=f"{L.COL_ID}{r}", value=why)
        missing = [rid for rid in expected if rid not in row_of]
        if missing and len(missing) * 2 > len(expected):
            # the hidden ids were cleared or overwritten (or the sheet pasted from elsewhere): one reason
            first = expected[missing[0]][0].item
            self.add(
                Code.WB055,
                sheet=L.ITEM_SHEET,
                cell=f"{L.COL_ID}{L.FIRST_DATA_ROW}",
                count=len(missing),
                total=len(expected),
                first_missing=f"{missing[0]} {first.number or first.id} {first.title}",
            )
            return None
        for rid in missing:
            a, crit, _ = expected[rid]
            label = f"{a.item.number or a.item.id} {a.item.title}" + (f"（{crit.text[:20]}）" if crit else "")
            self.add(Code.WB012, sheet=L.ITEM_SHEET, item=f"{rid} {label}")
        return row_of

    def locked_cells(self, sheet: RawSheet, unit: Unit, row_of: dict[str, int]) -> None:
        """Printed cells of the form the unit cannot edit while the sheet is protected: 分值, the item
        and criterion wording, and the subtotal formulas. The rubric stays the truth for scoring; a
        file where they changed is named (one warning listing the cells)."""
        stored = sheet.stored
        if stored is None:
            return
        changed: dict[int, list[str]] = {}  # by row: a return notice names rows, never "E7"
        cells = sheet.cells
        confirmed = self.context.confirmed
        placed, formulas = self.context.printed_cells(unit, row_of)
        # the usual case sorted out at once: each cell holds what the template wrote, as this batch's
        # files store it; only the rest is looked at closely
        wanted = [(ref, confirmed.get(ref, quick)) for ref, quick, _ in placed]
        for i in stored.not_plainly(wanted):
            ref, _, check = placed[i]
            why = check.differs(stored, ref, unit)
            if why:
                changed.setdefault(_ref_key(ref)[0], []).append(why)
            elif check.kind == "text":  # as this batch prints it (line breaks): a quick yes next time
                confirmed[ref] = stored.text(ref)
        for ref in formulas:
            raw = cells.get(ref)
            if raw is not None and raw.kind != "empty" and not raw.formula:
                changed.setdefault(_ref_key(ref)[0], []).append(f"小计公式被改为 {raw.text}")
        if changed:
            rows = [f"第{row}行（{'；'.join(changed[row])}）" for row in sorted(changed)]
            listed = rows[:MAX_LISTED] + (["……"] if len(rows) > MAX_LISTED else [])
            self.add(Code.WB056, sheet=L.ITEM_SHEET, cells="、".join(listed))

    def read_items(self, wb: RawWorkbook, unit: Unit, row_of: dict[str, int]) -> Submission:
        sheet = wb.sheets[L.ITEM_SHEET]
        rows = self.context.rows.for_unit(unit)
        gate_ids = {f"G:{g.id}": g for g in self.rubric.gates}
        criteria: dict[str, CriterionEntry] = {}
        items: dict[str, ItemEntry] = {}
        # Under separate verification the inspectors' columns are not the unit's to fill: whatever a unit
        # typed there is ignored for scoring and named (VF001), never read as a verified score.
        separate = self.rubric.settings.verification == "separate"
        foreign: list[str] = []

        def inspectors_only(ref: str) -> bool:
            if separate and self.cell(sheet, ref).text.strip():
                foreign.append(ref)
            return separate

        for a in self.rubric.assignments(unit):
            item = a.item
            if item.id in row_of:
                r = row_of[item.id]
                evidence = self.free_text(sheet, f"{L.COL_EVIDENCE}{r}")
                opinion_ref = f"{L.COL_OPINION}{r}"
                opinion = "" if inspectors_only(opinion_ref) else self.free_text(sheet, opinion_ref)
                items[item.id] = ItemEntry(evidence, opinion, f"{L.COL_EVIDENCE}{r}")
                if item.evidence_required and not evidence and item.reported_by != "office":
                    self.add(
                        Code.WB021,
                        sheet=L.ITEM_SHEET,
                        cell=f"{L.COL_EVIDENCE}{r}",
                        evidence=item.evidence or "佐证材料",
                    )
            office = item.reported_by == "office"  # its cells are locked: the unit enters nothing
            for crit in item.criteria:
                uid = L.criterion_uid(item.id, crit)
                if uid not in row_of:
                    continue
                crit_row = row_of[uid]
                values: dict[str, Any] = {}
                unreadable: list[str] = []
                if office:
                    ver_ref = f"{L.COL_VERIFIED}{crit_row}"
                    verified = None
                    if not inspectors_only(ver_ref):
                        low, high = score_range(crit, a.weight)
                        verified, _ = self.score_cell(sheet, ver_ref, low, high, Code.WB024)
                    criteria[uid] = CriterionEntry({}, None, verified, "", ver_ref)
                    continue
                for ir in rows.criteria[uid].rows:
                    if ir.spec.kind == "score" or ir.row_id not in row_of:
                        continue
                    ref = f"{L.COL_INPUT}{row_of[ir.row_id]}"
                    parsed, bad = self.parse_cell(sheet, ref, ir.spec)
                    if bad:
                        unreadable.append(ir.spec.key)
                    elif parsed.value is None:
                        self.add(Code.WB020, sheet=L.ITEM_SHEET, cell=ref, label=ir.spec.label)
                    else:
                        values[ir.spec.key] = parsed.value
                low, high = score_range(crit, a.weight)
                self_ref, ver_ref = f"{L.COL_SELF}{crit_row}", f"{L.COL_VERIFIED}{crit_row}"
                self_score, bad_self = self.score_cell(sheet, self_ref, low, high, Code.WB033)
                if self_score is None and not bad_self:
                    self.add(Code.WB023, sheet=L.ITEM_SHEET, cell=self_ref)
                verified = None
                if not inspectors_only(ver_ref):
                    verified, _ = self.score_cell(sheet, ver_ref, low, high, Code.WB024)
                criteria[uid] = CriterionEntry(
                    values, self_score, verified, self_ref, ver_ref, tuple(unreadable)
                )
        gates: dict[str, bool | None] = {}
        for rid, gate in gate_ids.items():
            if rid not in row_of:
                gates[gate.id] = None
                continue
            ref = f"{L.COL_VERIFIED}{row_of[rid]}"
            if inspectors_only(ref):
                gates[gate.id] = None
                continue
            raw = self.cell(sheet, ref)
            parsed = parse_yesno(raw.kind, raw.text)
            if not parsed.ok:
                self.cell_problem(parsed, ref, raw, None)
            elif parsed.notes:
                self.cell_notes(parsed, ref, raw)
            gates[gate.id] = parsed.value if isinstance(parsed.value, bool) else None
        if foreign:
            shown = "、".join(foreign[:6]) + ("等" if len(foreign) > 6 else "")
            self.add(Code.VF001, sheet=L.ITEM_SHEET, cell=foreign[0], cells=f"{shown}，共{len(foreign)}处")
        cover = wb.sheets.get(L.COVER_SHEET)
        contact = phone = filled = ""
        if cover is not None:
            contact = self.free_text(cover, L.COVER_CONTACT_CELL)
            phone = self.free_text(cover, L.COVER_PHONE_CELL)
            raw_date = self.cell(cover, L.COVER_DATE_CELL)
            filled = parse_date(raw_date.kind, raw_date.text) or ""
            if raw_date.text.strip() and not filled:
                self.add(Code.WB029, sheet=L.COVER_SHEET, cell=L.COVER_DATE_CELL, value=raw_date.text)
            if not contact:
                self.add(Code.WB035, sheet=L.COVER_SHEET, cell=L.COVER_CONTACT_CELL, label="联系人")
        self.place_problems(row_of, unit)
        return Submission(unit.id, criteria, items, gates, contact, phone, filled, L.ITEM_SHEET)

    def place_problems(self, row_of: dict[str, int], unit: Unit) -> None:
        """Each problem on a cell also says where it is in words (``extra``: the row, the item, the
        column's heading), so a return notice names "第12行 3．科普经费保障 自评分" rather than "H12"."""
        items = {a.item.id: a.item for a in self.rubric.assignments(unit)}
        gates = {f"G:{g.id}": g.name for g in self.rubric.gates}
        at_row = {r: rid for rid, r in row_of.items()}
        headings = {letter: heading for letter, heading, _ in L.COLUMNS}
        cover = {
            L.COVER_UNIT_CELL: "单位名称",
            L.COVER_CONTACT_CELL: "联系人",
            L.COVER_PHONE_CELL: "联系电话",
            L.COVER_DATE_CELL: "填报日期",
        }
        for i, p in enumerate(self.problems):
            if not p.cell:
                continue
            where: dict[str, Any] = {}
            if p.sheet == L.COVER_SHEET and p.cell in cover:
                where = {"field": cover[p.cell]}
            elif p.sheet == L.ITEM_SHEET:
                letters = p.cell.rstrip("0123456789")
                digits = p.cell[len(letters) :]
                if not digits.isdigit():
                    continue
                row = int(digits)
                where = {"row": row, "field": headings.get(letters, "")}
                rid = at_row.get(row, "")
                item = items.get(L.parse_row_id(rid)[0]) if rid else None
                if item is not None:
                    where["item"] = f"{item.number}．{item.title}" if item.number else item.title
                elif rid in gates:
                    where["item"] = f"否决、扣分事项：{gates[rid]}"
            if where:
                self.problems[i] = p.at(extra={**p.extra, **where})


def read_submission(
    rubric: Rubric, path: Source, display: str | None = None, context: ReadingContext | None = None
) -> FileReading:
    """Read and check one workbook. Bad files come back as ``rejected`` with a problem, never an exception.

    ``context``: the batch's shared reading state (a batch passes one for all its files).
    The last-resort guard keeps one file's unforeseen failure (a reader bug) from stopping a batch:
    it becomes WB036 on that file, naming the exception, and the other files are still read.
    """
    name = display or display_name(path)
    try:
        return _Reader(context or ReadingContext(rubric), path, name).read()
    except Exception as exc:  # the isolation boundary: reported as a problem, never raised
        detail = f"{type(exc).__name__}: {exc}"[:200]
        return FileReading(name, "", "rejected", problems=[problem(Code.WB036, file=name, detail=detail)])
