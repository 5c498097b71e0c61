"""Corrections after 公示 (更正): a ledger of objections, each corrected with a reason or answered without one.

Each row names a unit, a criterion (or a gate), the corrected 核定分 (or 是/否 for a gate), the objection
(异议情况), the conclusion of the re-check (复核结论), who approved it and when. A row with no new value
is an objection answered without a change (listed in 异议处理情况). The ledger is checked as a whole:
with any error in it, none of it is applied — a run never applies half a ledger.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from kepu_inspect.core.numbers import fmt
from kepu_inspect.core.problems import Code, Problem, problem
from kepu_inspect.core.rubric import Rubric, Unit
from kepu_inspect.core.values import clean_text, parse_yesno
from kepu_inspect.core.verification import GateMark, Mark, Verification

CORRECTOR = "复核更正"  # the "inspector" a correction's mark is recorded under


@dataclass(frozen=True)
class LedgerRow:
    """One row as written in the ledger file (text), with where it is, for problems."""

    line: int
    unit: str
    target: str  # criterion (d01.a, 3.a, its text) or gate name; empty for an objection about the whole unit
    value: str  # the corrected 核定分, 是/否 for a gate; empty when answered without a change
    objection: str = ""
    conclusion: str = ""
    approved_by: str = ""
    date: str = ""


@dataclass(frozen=True)
class Correction:
    line: int
    unit_id: str
    unit_name: str
    target: str  # criterion uid, or "G:<gate id>"; "" for the whole unit
    label: str  # what it is, in words
    value: Decimal | bool | None  # None: answered without a change
    objection: str
    conclusion: str
    approved_by: str
    date: str

    @property
    def changes(self) -> bool:
        return self.value is not None

    def describe(self, with_conclusion: bool = True) -> str:
        if self.value is None:
            return f"{self.label}：维持原结果（{self.conclusion or '经复核，不予更正'}）"
        if isinstance(self.value, bool):
            what = f"{self.label}更正为“{'是' if self.value else '否'}”"
        else:
            what = f"{self.label}核定分更正为{fmt(self.value)}"
        return what + (f"（{self.conclusion}）" if self.conclusion and with_conclusion else "")


@dataclass(frozen=True)
class Ledger:
    source: str
    sha256: str
    corrections: tuple[Correction, ...]  # rows with a new value
    answered: tuple[Correction, ...]  # objections answered without a change

    def for_unit(self, unit_id: str) -> list[Correction]:
        return [c for c in (*self.corrections, *self.answered) if c.unit_id == unit_id]


def _criterion_of(rubric: Rubric, unit: Unit, target: str) -> tuple[str, tuple[Decimal, Decimal], str] | None:
    """A criterion of the unit by uid (d01.a), by item number and criterion id (3.a), or by its text:
    its uid, its score range and its 复核提示 label (``Assignment``)."""
    key = clean_text(target)
    found: list[tuple[str, tuple[Decimal, Decimal], str]] = []
    for a in rubric.assignments(unit):
        for c, uid, label, bounds in zip(a.item.criteria, a.uids, a.labels, a.ranges, strict=True):
            if key in (uid, f"{a.item.number}.{c.id}", f"{a.item.number}{c.id}") or (
                len(key) >= 4 and clean_text(c.text).startswith(key)
            ):
                found.append((uid, bounds, label))
    return found[0] if len(found) == 1 else None


def _date(text: str) -> str | None:
    s = (
        clean_text(text)
        .replace("年", "-")
        .replace("月", "-")
        .replace("日", "")
        .replace("/", "-")
        .replace(".", "-")
    )
    try:
        y, m, d = (int(x) for x in s.split("-")[:3])
        return dt.date(y, m, d).isoformat()
    except (ValueError, TypeError):
        return None


def _target(rubric: Rubric, unit: Unit, row: LedgerRow) -> tuple[str, str, Decimal | bool | None] | Problem:
    """(target, label, value) of one row, or the problem that stops it."""
    raw_value = row.value.strip()
    where = {"line": row.line}
    gate = next(
        (g for g in rubric.gates if clean_text(g.name) == clean_text(row.target) or g.id == row.target), None
    )
    if gate is not None:
        if not raw_value:
            return f"G:{gate.id}", f"{unit.name}“{gate.name}”", None
        parsed = parse_yesno("text", raw_value)
        if not isinstance(parsed.value, bool):
            return problem(Code.CR003, value=raw_value, low="是", high="否", **where)
        return f"G:{gate.id}", f"{unit.name}“{gate.name}”", parsed.value
    if not row.target.strip():
        if raw_value:
            return problem(Code.CR002, value="（未写评分细项）", unit=unit.name, **where)
        return "", unit.name, None
    found = _criterion_of(rubric, unit, row.target)
    if found is None:
        return problem(Code.CR002, value=row.target, unit=unit.name, **where)
    uid, (low, high), label = found
    if not raw_value:
        return uid, label, None
    try:
        number = Decimal(clean_text(raw_value).removesuffix("分"))
    except InvalidOperation:
        number = None
    if number is None or not low <= number <= high:
        return problem(Code.CR003, value=raw_value, low=fmt(low), high=fmt(high), **where)
    return uid, label, number


def check_ledger(
    rubric: Rubric, rows: Sequence[LedgerRow], source: str, sha256: str, report_date: str
) -> tuple[Ledger, list[Problem]]:
    """The ledger's corrections and answered objections, and every problem in it (errors block it all)."""
    out: list[Problem] = []
    corrections: list[Correction] = []
    answered: list[Correction] = []
    seen: dict[tuple[str, str], tuple[int, object]] = {}
    names = [n for u in rubric.units for n in u.names]
    for row in rows:
        unit = rubric.find_unit(row.unit)
        if unit is None:
            near = difflib.get_close_matches(row.unit, names, n=3, cutoff=0.5)
            hint = f"（是否为：{'、'.join(near)}？）" if near else ""
            out.append(problem(Code.CR001, file=source, line=row.line, value=row.unit, hint=hint))
            continue
        got = _target(rubric, unit, row)
        if isinstance(got, Problem):
            out.append(got.at(file=source))
            continue
        target, label, value = got
        date = _date(row.date) if row.date.strip() else ""
        if date is None or (date and date > report_date):
            out.append(problem(Code.CR005, file=source, line=row.line, value=row.date))
        key = (unit.id, target)
        if target and value is not None:
            if key in seen and seen[key][1] != value:
                out.append(
                    problem(
                        Code.CR004, file=source, line=row.line, unit=unit.name, other=f"第{seen[key][0]}行"
                    )
                )
                continue
            seen[key] = (row.line, value)
        entry = Correction(
            row.line,
            unit.id,
            unit.name,
            target,
            label,
            value,
            row.objection.strip(),
            row.conclusion.strip(),
            row.approved_by.strip(),
            date or "",
        )
        if value is None:
            answered.append(entry)
            continue
        if not entry.objection:  # accepted: a correction found on re-checking (核实更正)
            out.append(problem(Code.CR006, file=source, line=row.line, unit=unit.name))
        corrections.append(entry)
    return Ledger(source, sha256, tuple(corrections), tuple(answered)), out


def apply(
    verification: Verification | None, unit_id: str, corrections: Sequence[Correction]
) -> Verification | None:
    """The unit's verification with its corrections laid over the inspection's marks and answers."""
    if not corrections:
        return verification
    base = verification or Verification(unit_id)
    marks = dict(base.marks)
    gates = dict(base.gates)
    for c in corrections:
        if c.value is None or not c.target:
            continue
        if c.target.startswith("G:"):
            gates[c.target[2:]] = (GateMark(CORRECTOR, bool(c.value), c.conclusion),)
        else:
            assert isinstance(c.value, Decimal)
            marks[c.target] = (Mark(CORRECTOR, c.value, f"更正第{c.line}行"),)
    return Verification(
        unit_id,
        marks,
        gates,
        base.opinions,
        base.leader,
        base.inspectors,
        base.summary,
        base.methods,
        base.sources,
        base.strengths,
        base.weaknesses,
        base.hold,
        base.team,
    )


def by_unit(ledger: Ledger | None) -> Mapping[str, tuple[Correction, ...]]:
    if ledger is None:
        return {}
    out: dict[str, list[Correction]] = {}
    for c in ledger.corrections:
        out.setdefault(c.unit_id, []).append(c)
    return {k: tuple(v) for k, v in out.items()}
