"""Read a verification workbook (核查表): each inspector's marks, gate answers and remarks, per unit.

Untrusted like any input (it travels by mail and USB too): read through the bounded safe reader, every
value checked, every problem tied to its file, sheet and cell; never raises.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from decimal import Decimal

from kepu_inspect.adapters import layout as L
from kepu_inspect.adapters import verification_layout as V
from kepu_inspect.adapters.input_files import display_name
from kepu_inspect.adapters.verification_layout import PreviousSheet
from kepu_inspect.adapters.xlsx_safe import (
    RawCell,
    RawSheet,
    RawWorkbook,
    Source,
    WorkbookError,
    open_regular,
    read_workbook,
)
from kepu_inspect.core.numbers import fmt
from kepu_inspect.core.problems import Code, Problem, problem
from kepu_inspect.core.rubric import Rubric, Unit
from kepu_inspect.core.scoring import score_range
from kepu_inspect.core.values import SCORE_MEASURE, Parsed, clean_text, parse_number, parse_yesno
from kepu_inspect.core.verification import GateMark, Mark, Verification

EMPTY = RawCell("empty", "")


@dataclass(frozen=True)
class UnitVerification:
    """What one workbook says about one unit, and the submission it was made from."""

    verification: Verification
    submission_sha256: str
    submission_name: str


@dataclass(frozen=True)
class VerificationFile:
    path: str
    sha256: str
    status: str  # "read" | "rejected"
    team: str = ""
    units: tuple[UnitVerification, ...] = ()
    problems: list[Problem] = field(default_factory=list)


def _sha256(path: Source) -> str:
    h = hashlib.sha256()
    with open_regular(path) as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def identity_of(wb: RawWorkbook) -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """(plain keys, unit id → "sha|name", sheet name → "unit|inspector") from the identity sheet."""
    keys: dict[str, str] = {}
    units: dict[str, str] = {}
    sheets: dict[str, str] = {}
    sheet = wb.sheets.get(V.IDENTITY_SHEET)
    if sheet is None:
        return keys, units, sheets
    for cells in sheet.rows.values():
        key, value = cells.get("A"), cells.get("B")
        if key is None:
            continue
        text = value.text if value is not None else ""
        if key.text.startswith(V.UNIT_PREFIX):
            units[key.text[len(V.UNIT_PREFIX) :]] = text
        elif key.text.startswith(V.SHEET_PREFIX):
            sheets[key.text[len(V.SHEET_PREFIX) :]] = text
        elif key.text in V.IDENTITY_KEYS:
            keys[key.text] = text
    return keys, units, sheets


class _Reader:
    def __init__(self, rubric: Rubric, path: Source, name: str) -> None:
        self.rubric = rubric
        self.path = path
        self.name = name
        self.problems: list[Problem] = []

    def add(self, code: Code, **fields: object) -> None:
        self.problems.append(problem(code, file=self.name, **fields))

    def read(self) -> VerificationFile:
        digest = _sha256(self.path)
        try:
            head = read_workbook(self.path, {V.IDENTITY_SHEET: frozenset({"A", "B"})})
            keys, units, sheets = identity_of(head)
            wanted = {name: None for name in sheets if name in head.sheet_names}
            wb = read_workbook(self.path, {**wanted, V.IDENTITY_SHEET: frozenset({"A", "B"})})
        except WorkbookError as exc:
            self.add(Code.WB002, detail=exc.detail or exc.kind)
            return VerificationFile(self.name, digest, "rejected", problems=self.problems)
        if keys.get("rubric_id") != self.rubric.meta.id:
            self.add(
                Code.VF010,
                sheet=V.IDENTITY_SHEET,
                found=keys.get("rubric_id", "?"),
                expected=self.rubric.meta.id,
            )
            return VerificationFile(
                self.name, digest, "rejected", keys.get("team", ""), problems=self.problems
            )
        if keys.get("structure") != self.rubric.structure_fingerprint():
            self.add(
                Code.VF010,
                sheet=V.IDENTITY_SHEET,
                found=f"{keys.get('rubric_id')}（考核项目或分值已变化）",
                expected=self.rubric.meta.id,
            )
            return VerificationFile(
                self.name, digest, "rejected", keys.get("team", ""), problems=self.problems
            )
        leader = keys.get("leader", "")
        team = keys.get("team", "")
        per_unit: dict[str, dict[str, list[RawSheet]]] = {}
        for sheet_name, owner in sheets.items():
            unit_id, _, who = owner.partition("|")
            sheet = wb.sheets.get(sheet_name)
            if sheet is None:
                self.add(Code.VF011, sheet=sheet_name)
                continue
            per_unit.setdefault(unit_id, {}).setdefault(who, []).append(sheet)
        out: list[UnitVerification] = []
        for unit_id, made_from in units.items():
            unit = self.rubric.find_unit(unit_id)
            if unit is None:
                self.add(Code.VF002, sheet=V.IDENTITY_SHEET, value=unit_id)
                continue
            sha, _, submission_name = made_from.partition("|")
            verification = self.unit(unit, per_unit.get(unit_id, {}), leader, team)
            out.append(UnitVerification(verification, sha, submission_name))
        return VerificationFile(self.name, digest, "read", team, tuple(out), self.problems)

    def unit(self, unit: Unit, by_who: dict[str, list[RawSheet]], leader: str, team: str) -> Verification:
        marks: dict[str, list[Mark]] = {}
        gates: dict[str, list[GateMark]] = {}
        opinions: dict[str, list[tuple[str, str]]] = {}
        methods: dict[str, list[str]] = {}
        inspectors: list[str] = []
        summary = {"overall": "", "strengths": "", "weaknesses": ""}
        for who, sheets in by_who.items():
            for sheet in sheets:
                if who == V.SUMMARY_MARK:
                    summary = self.summary(sheet)
                    continue
                inspector = clean_text(sheet.cells.get(V.INSPECTOR_CELL, EMPTY).text) or who
                filled = self.inspector_sheet(unit, sheet, inspector, marks, gates, opinions, methods)
                if filled:
                    inspectors.append(inspector)
        return Verification(
            unit.id,
            {uid: tuple(m) for uid, m in marks.items()},
            {gid: tuple(g) for gid, g in gates.items()},
            {iid: tuple(o) for iid, o in opinions.items()},
            leader,
            tuple(inspectors),
            summary["overall"],
            {iid: tuple(m) for iid, m in methods.items()},
            (self.name,),
            summary["strengths"],
            summary["weaknesses"],
            team=team,
        )

    def summary(self, sheet: RawSheet) -> dict[str, str]:
        out = {}
        for i, (key, _) in enumerate(V.SUMMARY_ROWS):
            out[key] = sheet.cells.get(f"C{V.SUMMARY_FIRST_ROW + i}", EMPTY).text.strip()
        return out

    def inspector_sheet(
        self,
        unit: Unit,
        sheet: RawSheet,
        inspector: str,
        marks: dict[str, list[Mark]],
        gates: dict[str, list[GateMark]],
        opinions: dict[str, list[tuple[str, str]]],
        methods: dict[str, list[str]],
    ) -> bool:
        """Read one inspector's sheet; True when the inspector filled anything in it."""
        rows: dict[str, int] = {}
        for r, cells in sheet.rows.items():
            raw = cells.get(V.COL_ID)
            if r > V.HEADER_ROW and raw is not None and raw.kind != "empty":
                rid = clean_text(raw.text)
                if rid in rows:
                    self.add(
                        Code.WB013,
                        sheet=sheet.name,
                        cell=f"{V.COL_ID}{r}",
                        item=rid,
                        other=f"{V.COL_ID}{rows[rid]}",
                    )
                    continue
                rows[rid] = r
        got: dict[str, Mark] = {}
        empty: list[str] = []
        for a in self.rubric.assignments(unit):
            item_row = rows.get(a.item.id)
            if item_row is not None:
                text = sheet.cells.get(f"{V.COL_OPINION}{item_row}", EMPTY).text.strip()
                if text:
                    opinions.setdefault(a.item.id, []).append((inspector, text))
                method = clean_text(sheet.cells.get(f"{V.COL_METHOD}{item_row}", EMPTY).text)
                if method:
                    methods.setdefault(a.item.id, []).append(method)
            for crit in a.item.criteria:
                uid = L.criterion_uid(a.item.id, crit)
                crit_row = rows.get(uid)
                if crit_row is None:
                    self.add(Code.WB012, sheet=sheet.name, item=uid)
                    continue
                ref = f"{V.COL_VERIFIED}{crit_row}"
                raw = sheet.cells.get(ref, EMPTY)
                parsed = self.mark(sheet.name, ref, raw)
                if not parsed.ok:
                    continue
                if parsed.value is None:
                    empty.append(uid)
                    continue
                assert isinstance(parsed.value, Decimal)
                low, high = score_range(crit, a.weight)
                if not low <= parsed.value <= high:
                    self.add(
                        Code.VF009,
                        sheet=sheet.name,
                        cell=ref,
                        value=raw.text,
                        low=fmt(low),
                        high=fmt(high),
                        inspector=inspector,
                    )
                got[uid] = Mark(inspector, parsed.value, f"{self.name} · {sheet.name}!{ref}")
        answered = self.gate_answers(sheet, rows, inspector, gates)
        if got and empty:
            self.add(
                Code.VF005,
                sheet=sheet.name,
                inspector=inspector,
                count=len(empty),
                total=len(got) + len(empty),
                unit=unit.name,
            )
        for uid, mark in got.items():
            marks.setdefault(uid, []).append(mark)
        return bool(got) or answered

    def mark(self, sheet: str, ref: str, raw: RawCell) -> Parsed:
        """A 核定分 read like a self score (8分 is 8; 85% or 8万元 is a mistake), each problem and each
        normalisation reported on its cell."""
        parsed = parse_number(raw.kind, raw.text, SCORE_MEASURE, raw.percent)
        if not parsed.ok:
            self.add(
                Code[parsed.code or "WB015"], sheet=sheet, cell=ref, value=raw.text, **dict(parsed.fields)
            )
        for note in parsed.notes:
            self.add(Code[note.code], sheet=sheet, cell=ref, value=raw.text, **dict(note.fields))
        return parsed

    def gate_answers(
        self, sheet: RawSheet, rows: dict[str, int], inspector: str, gates: dict[str, list[GateMark]]
    ) -> bool:
        """The inspector's answers to the gates (是/否, with the facts found); True when any was given."""
        answered = False
        for g in self.rubric.gates:
            gate_row = rows.get(f"G:{g.id}")
            if gate_row is None:
                continue
            ref = f"{V.COL_VERIFIED}{gate_row}"
            raw = sheet.cells.get(ref, EMPTY)
            parsed = parse_yesno(raw.kind, raw.text)
            if not parsed.ok:
                self.add(Code.WB032, sheet=sheet.name, cell=ref, value=raw.text)
                continue
            if isinstance(parsed.value, bool):
                answered = True
                facts = sheet.cells.get(f"{V.COL_OPINION}{gate_row}", EMPTY).text.strip()
                gates.setdefault(g.id, []).append(GateMark(inspector, parsed.value, facts))
        return answered


def read_verification(rubric: Rubric, path: Source, display: str | None = None) -> VerificationFile:
    """Read one verification workbook; a bad file comes back ``rejected`` with its problem, never raised."""
    name = display or display_name(path)
    try:
        return _Reader(rubric, path, name).read()
    except Exception as exc:  # the isolation boundary, as for submissions
        detail = f"{type(exc).__name__}: {exc}"[:200]
        return VerificationFile(
            name, "", "rejected", problems=[problem(Code.WB036, file=name, detail=detail)]
        )


def peek_kind(path: Source) -> str:
    """The kind a workbook's identity part declares ("verification", "submission"), or "" if none.

    Only the identity sheet is read, so sorting a national batch by kind costs little.
    """
    try:
        wb = read_workbook(path, {L.IDENTITY_SHEET: frozenset({"A", "B"})})
    except Exception:  # unreadable: the submission reader reports it properly
        return ""
    keys, _, _ = identity_of(wb)
    return keys.get("kind", "")


def previous_sheets(
    rubric: Rubric, path: Source
) -> tuple[dict[tuple[str, str], PreviousSheet], list[Problem]]:
    """Every sheet's entries of an earlier verification workbook, keyed by (unit id, inspector), for
    ``inspection --carry-over``: what the inspectors typed and the unit data they saw."""
    name = str(path)
    try:
        head = read_workbook(path, {V.IDENTITY_SHEET: frozenset({"A", "B"})})
        keys, _, sheets = identity_of(head)
        if keys.get("kind") != V.KIND or keys.get("rubric_id") != rubric.meta.id:
            return {}, [
                problem(
                    Code.VF010,
                    file=name,
                    found=keys.get("rubric_id") or "不是核查表",
                    expected=rubric.meta.id,
                )
            ]
        wb = read_workbook(path, {n: None for n in sheets if n in head.sheet_names})
    except WorkbookError as exc:
        return {}, [problem(Code.WB002, file=name, detail=exc.detail or exc.kind)]
    out: dict[tuple[str, str], PreviousSheet] = {}
    for sheet_name, owner in sheets.items():
        unit_id, _, who = owner.partition("|")
        sheet = wb.sheets.get(sheet_name)
        if sheet is None:
            continue
        if who == V.SUMMARY_MARK:
            texts = {
                key: sheet.cells.get(f"C{V.SUMMARY_FIRST_ROW + i}", EMPTY).text
                for i, (key, _) in enumerate(V.SUMMARY_ROWS)
            }
            out[(unit_id, who)] = PreviousSheet(who, {V.SUMMARY_MARK: texts})
            continue
        cells: dict[str, dict[str, str]] = {}
        for r, row in sheet.rows.items():
            rid = row.get(V.COL_ID)
            if r <= V.HEADER_ROW or rid is None or not rid.text:
                continue
            cells[clean_text(rid.text)] = {
                "data": row.get(V.COL_DATA, EMPTY).text,
                "self": row.get(V.COL_SELF, EMPTY).text,
                "verified": row.get(V.COL_VERIFIED, EMPTY).text,
                "opinion": row.get(V.COL_OPINION, EMPTY).text,
                "method": row.get(V.COL_METHOD, EMPTY).text,
            }
        inspector = clean_text(sheet.cells.get(V.INSPECTOR_CELL, EMPTY).text) or who
        out[(unit_id, who)] = PreviousSheet(inspector, cells)
    return out, []
