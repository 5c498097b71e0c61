"""Property: template → fill (as people type) → read gives back exactly what was filled.

Every input kind is filled with a random valid value, written in one of the ways people type it
(a number or text, full-width digits, spaces, a unit suffix, thousands separators; 是/否, √/×, 有/无;
a level name), together with self scores, verified scores, evidence, opinions, gate answers and the
cover. Each example writes and reads a real .xlsx, so examples are few and have no deadline.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kepu_inspect.adapters import layout as L
from kepu_inspect.adapters.filler import Filling, fill_template
from kepu_inspect.adapters.rubric_file import load_rubric_text
from kepu_inspect.adapters.workbook_reader import MAX_INPUT, read_submission
from kepu_inspect.core.numbers import fmt
from kepu_inspect.core.problems import Severity
from kepu_inspect.core.rubric import Rubric, Unit
from kepu_inspect.core.values import CONVERTIBLE
from tests.conftest import MINI, PINGDINGSHAN, _load
from tests.workbook_factory import template_for

# the workbook round trip includes the inspectors' columns, so Pingdingshan as in-submission verification
RUBRICS = [
    _load(MINI),
    load_rubric_text(
        PINGDINGSHAN.read_text("utf-8").replace(
            "  verification: separate ", "  verification: in_submission ", 1
        ),
        PINGDINGSHAN,
    ).rubric,
]
CASES = [(r, u) for r in RUBRICS for u in r.units]

FULL_WIDTH = str.maketrans("0123456789.,", "０１２３４５６７８９．，")
NOTES = {
    "WB039",
    "WB040",
    "WB044",
    "WB045",
    "WB046",
    "WB047",
}  # measure word, conversion, ８, 1,000, spaces, √
YES_FORMS = [("是", "否"), ("√", "×"), ("有", "无"), (" 是 ", "否 "), ("Y", "N")]
TEXT = st.text(
    alphabet=st.sampled_from(
        list("科普活动方案总结图片报道链接附件佐证材料（）()、，。;；:：-_ #/") + list("abcXYZ0123456789")
    ),
    min_size=1,
    max_size=40,
)
TEXT = TEXT.map(str.strip).filter(bool)


@dataclass
class Expected:
    values: dict[str, dict[str, Any]] = field(default_factory=dict)  # criterion uid → input key → value
    self_scores: dict[str, Decimal] = field(default_factory=dict)
    verified: dict[str, Decimal | None] = field(default_factory=dict)
    evidence: dict[str, str] = field(default_factory=dict)
    opinions: dict[str, str] = field(default_factory=dict)
    gates: dict[str, bool | None] = field(default_factory=dict)


def decimals(low: Decimal, high: Decimal) -> st.SearchStrategy[Decimal]:
    """Numbers with up to two decimals in [low, high], as people report counts, money and scores."""
    cents = st.integers(int(low * 100), int(high * 100))
    return cents.map(lambda c: (Decimal(c) / 100).normalize() if c % 100 else Decimal(c // 100))


@st.composite
def typed_number(draw: st.DrawFn, value: Decimal, unit: str) -> Any:
    text = fmt(value)
    forms: list[Any] = [value, text, text.translate(FULL_WIDTH), f" {text} ", f"\u3000{text}"]
    if unit:
        forms.append(text + unit)
    for word, exponent in CONVERTIBLE.get(unit, {}).items():  # 300000元 in a 万元 cell is 30
        forms.append(fmt(value.scaleb(-exponent)) + word)
    if value == value.to_integral_value() and value >= 1000:
        forms.append(f"{int(value):,}")
    return draw(st.sampled_from(forms))


@st.composite
def filled(draw: st.DrawFn) -> tuple[Rubric, Unit, Filling, Expected]:
    rubric, unit = draw(st.sampled_from(CASES))
    filling, expected = Filling(), Expected()
    for a in rubric.assignments(unit):
        item = a.item
        if item.evidence_required or draw(st.booleans()):
            expected.evidence[item.id] = filling.evidence[item.id] = draw(TEXT)
        if draw(st.booleans()):
            expected.opinions[item.id] = filling.opinions[item.id] = draw(TEXT)
        for crit in item.criteria:
            uid = L.criterion_uid(item.id, crit)
            values: dict[str, Any] = {}
            for ir in L.input_rows(item.id, crit):
                spec = ir.spec
                if spec.kind == "score":
                    continue
                if spec.kind == "number":
                    low = spec.low if spec.low is not None else Decimal(0)
                    high = min(spec.high if spec.high is not None else MAX_INPUT, Decimal(10) ** 7)
                    value: Any = draw(decimals(low, high))
                    filling.inputs[ir.row_id] = draw(typed_number(value, spec.measure))
                elif spec.kind == "yesno":
                    value = draw(st.booleans())
                    yes, no = draw(st.sampled_from(YES_FORMS))
                    filling.inputs[ir.row_id] = yes if value else no
                else:
                    value = draw(st.sampled_from(spec.options))
                    filling.inputs[ir.row_id] = draw(st.sampled_from([value, f" {value} "]))
                values[spec.key] = value
            expected.values[uid] = values
            top = crit.points * a.weight
            score = draw(decimals(Decimal(0), top))
            expected.self_scores[uid] = score
            filling.self_scores[uid] = draw(st.sampled_from([score, fmt(score), fmt(score) + "分"]))
            verified = draw(st.none() | decimals(Decimal(0), top))
            expected.verified[uid] = verified
            if verified is not None:
                filling.verified[uid] = verified
    for gate in rubric.gates:
        answer = draw(st.none() | st.booleans())
        expected.gates[gate.id] = answer
        if answer is not None:
            filling.gates[gate.id] = "是" if answer else "否"
    filling.cover = {
        L.COVER_CONTACT_CELL: draw(TEXT),
        L.COVER_PHONE_CELL: "0375-2345678",
        L.COVER_DATE_CELL: "2017-12-15",
    }
    return rubric, unit, filling, expected


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
@given(filled())
def test_template_fill_read_gives_back_what_was_filled(case: tuple[Rubric, Unit, Filling, Expected]) -> None:
    rubric, unit, filling, expected = case
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"{unit.name}.xlsx"
        path.write_bytes(fill_template(template_for(rubric, unit), filling))
        reading = read_submission(rubric, path)
    assert (reading.status, reading.unit_id) == ("read", unit.id)
    # the only thing a valid filling may be told is that a random self score disagrees with its inputs,
    # and how each value typed in another form was read (notes)
    assert {p.code.name for p in reading.problems if p.severity is not Severity.INFO} <= {"WB022"}, [
        (p.code.name, p.cell, p.value) for p in reading.problems
    ]
    assert {p.code.name for p in reading.problems if p.severity is Severity.INFO} <= NOTES
    sub = reading.submission
    assert sub is not None
    assert {uid: e.values for uid, e in sub.criteria.items()} == expected.values
    assert {uid: e.self_score for uid, e in sub.criteria.items()} == expected.self_scores
    assert {uid: e.verified for uid, e in sub.criteria.items()} == expected.verified
    assert {k: e.evidence for k, e in sub.items.items() if e.evidence} == expected.evidence
    assert {k: e.opinion for k, e in sub.items.items() if e.opinion} == expected.opinions
    assert sub.gates == expected.gates
    assert sub.contact == filling.cover[L.COVER_CONTACT_CELL]
    for uid, entry in sub.criteria.items():
        assert entry.unreadable == (), uid
        for value in entry.values.values():
            assert type(value) in (Decimal, bool, str)
