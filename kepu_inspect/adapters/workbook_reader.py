"""Read one submitted workbook into a Submission plus cell-precise problems; never raises for bad input."""

from __future__ import annotations

import hashlib
from decimal import Decimal
from pathlib import Path
from typing import Any

from kepu_inspect.adapters import layout as L
from kepu_inspect.adapters.xlsx_safe import (
    RawCell,
    RawSheet,
    RawWorkbook,
    WorkbookError,
    open_regular,
    read_workbook,
)
from kepu_inspect.core.numbers import fmt
from kepu_inspect.core.problems import Code, Problem, problem
from kepu_inspect.core.results import FileReading
from kepu_inspect.core.rubric import Rubric, Unit, normalise_name
from kepu_inspect.core.rules import InputSpec
from kepu_inspect.core.scoring import score_range
from kepu_inspect.core.submission import CriterionEntry, ItemEntry, Submission
from kepu_inspect.core.values import Parsed, clean_text, parse_date, parse_input, parse_number, parse_yesno

# only the columns the reader looks at are kept: the rest is printed text it never needs
WANTED: dict[str, frozenset[str] | None] = {
    L.COVER_SHEET: frozenset({"C"}),
    L.ITEM_SHEET: frozenset(
        {L.COL_ID, L.COL_INPUT, L.COL_SELF, L.COL_EVIDENCE, L.COL_VERIFIED, L.COL_OPINION}
    ),
    L.IDENTITY_SHEET: frozenset({"A", "B"}),
}
EMPTY_CELL = RawCell("empty", "")
# Ceiling for inputs the rubric leaves unbounded: the same bound the template's data validation
# shows (template_writer.MAX_NUMBER). Larger values are typing accidents, and would overflow the
# exact arithmetic of the rules (Decimal precision 28).
MAX_INPUT = Decimal("999999999")


def sha256_of(path: Path) -> str:
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


class ReadingContext:
    """What the files of one batch share while they are read (the rows each kind of unit expects).

    Owned by the batch and passed in, so nothing read from one batch lingers on the rubric or in the
    module for the next.
    """

    def __init__(self, rubric: Rubric) -> None:
        self.rubric = rubric
        self.rows = L.RowIndex(rubric)


class _Reader:
    def __init__(self, context: ReadingContext, path: Path, display: str) -> None:
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
        extra: dict[str, Any] = {}
        if code is Code.WB019 and spec is not None:
            extra["options"] = "、".join(spec.options)
        self.add(code, sheet=L.ITEM_SHEET, cell=ref, value=raw.text, **extra)

    def parse_cell(self, sheet: RawSheet, ref: str, spec: InputSpec) -> tuple[Parsed, bool]:
        """Parse one input cell, reporting problems; returns (parsed, unreadable)."""
        raw = self.cell(sheet, ref)
        if raw.formula and not raw.cached:
            self.add(Code.WB016, sheet=L.ITEM_SHEET, cell=ref)
            return Parsed(None, "WB016"), True
        parsed = parse_input(spec, raw.kind, raw.text)
        if not parsed.ok:
            self.cell_problem(parsed, ref, raw, spec)
            return parsed, True
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
        parsed = parse_number(raw.kind, raw.text)
        if not parsed.ok:
            self.cell_problem(parsed, ref, raw, None)
            return None, True
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
            wb = read_workbook(self.path, WANTED)
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
        unit = self.identify(wb, identity)
        if unit is None:
            return FileReading(self.name, digest, "rejected", problems=self.problems, identity=identity)
        for p_index, p in enumerate(self.problems):
            self.problems[p_index] = p.at(unit=unit.name)
        self.check_identity(identity)
        if not self.sheets_ok(wb):
            return FileReading(
                self.name, digest, "rejected", unit.id, problems=self._tag(unit), identity=identity
            )
        submission = self.read_items(wb, unit)
        return FileReading(self.name, digest, "read", unit.id, submission, self._tag(unit), identity)

    def _tag(self, unit: Unit) -> list[Problem]:
        return [p if p.unit else p.at(unit=unit.name) for p in self.problems]

    def read_items(self, wb: RawWorkbook, unit: Unit) -> Submission:
        sheet = wb.sheets[L.ITEM_SHEET]
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
        for rid, (a, crit, _) in expected.items():
            if rid not in row_of:
                label = f"{a.item.number or a.item.id} {a.item.title}" + (
                    f"（{crit.text[:20]}）" if crit else ""
                )
                self.add(Code.WB012, sheet=L.ITEM_SHEET, item=f"{rid} {label}")
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
                evidence = self.cell(sheet, f"{L.COL_EVIDENCE}{r}").text.strip()
                opinion_ref = f"{L.COL_OPINION}{r}"
                opinion = "" if inspectors_only(opinion_ref) else self.cell(sheet, opinion_ref).text.strip()
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
            gates[gate.id] = parsed.value if isinstance(parsed.value, bool) else None
        if foreign:
            shown = "、".join(foreign[:6]) + ("等" if len(foreign) > 6 else "")
            self.add(Code.VF001, sheet=L.ITEM_SHEET, cell=foreign[0], cells=f"{shown}，共{len(foreign)}处")
        cover = wb.sheets.get(L.COVER_SHEET)
        contact = phone = filled = ""
        if cover is not None:
            contact = self.cell(cover, L.COVER_CONTACT_CELL).text.strip()
            phone = self.cell(cover, L.COVER_PHONE_CELL).text.strip()
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
    rubric: Rubric, path: Path, display: str | None = None, context: ReadingContext | None = None
) -> FileReading:
    """Read and check one workbook. Bad files come back as ``rejected`` with a problem, never an exception.

    ``context``: the batch's shared reading state (a batch passes one for all its files).
    The last-resort guard keeps one file's unforeseen failure (a reader bug) from stopping a batch:
    it becomes WB036 on that file, naming the exception, and the other files are still read.
    """
    name = display or str(path)
    try:
        return _Reader(context or ReadingContext(rubric), path, name).read()
    except Exception as exc:  # the isolation boundary: reported as a problem, never raised
        detail = f"{type(exc).__name__}: {exc}"[:200]
        return FileReading(name, "", "rejected", problems=[problem(Code.WB036, file=name, detail=detail)])
