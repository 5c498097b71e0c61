"""Fill a template as a unit and an inspection team would: for the example, benchmarks and tests.

Writes through openpyxl into the real template, so what is read back went through the same file
format users produce.
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from kepu_inspect.adapters import layout as L
from kepu_inspect.adapters.output import normalise_xlsx_bytes, write_bytes_atomic
from kepu_inspect.core.numbers import ZERO, round_half_up
from kepu_inspect.core.rubric import Rubric, Unit
from kepu_inspect.core.rules import (
    BestOf,
    Checklist,
    Compound,
    Deductions,
    DeductPer,
    Discretionary,
    Growth,
    Levels,
    NofM,
    PerCategory,
    Pool,
    Proportional,
    Rule,
    Shortfall,
    Threshold,
    Tiers,
    Value,
)


@dataclass
class Filling:
    """What to write: row id → input value, criterion uid → scores, item id → texts."""

    inputs: dict[str, Any] = field(default_factory=dict)  # row id (layout.input_rows) → cell value
    self_scores: dict[str, Any] = field(default_factory=dict)
    verified: dict[str, Any] = field(default_factory=dict)
    evidence: dict[str, str] = field(default_factory=dict)
    opinions: dict[str, str] = field(default_factory=dict)
    gates: dict[str, str] = field(default_factory=dict)  # gate id → 是/否
    cover: dict[str, str] = field(default_factory=dict)  # cell → text


def _cell_value(value: Any) -> Any:
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def fill_template(template: bytes | Path, filling: Filling) -> bytes:
    """Return the workbook bytes with ``filling`` written into the rows found by their ids."""
    from openpyxl import load_workbook

    src = io.BytesIO(template if isinstance(template, bytes) else Path(template).read_bytes())
    wb = load_workbook(src)
    ws = wb[L.ITEM_SHEET]
    rows: dict[str, int] = {}
    for (cell,) in ws.iter_rows(min_row=L.FIRST_DATA_ROW, min_col=1, max_col=1):
        if cell.value:
            rows[str(cell.value)] = cell.row
    for rid, value in filling.inputs.items():
        ws[f"{L.COL_INPUT}{rows[rid]}"] = _cell_value(value)
    for uid, value in filling.self_scores.items():
        ws[f"{L.COL_SELF}{rows[uid]}"] = _cell_value(value)
    for uid, value in filling.verified.items():
        ws[f"{L.COL_VERIFIED}{rows[uid]}"] = _cell_value(value)
    for item_id, text in filling.evidence.items():
        ws[f"{L.COL_EVIDENCE}{rows[item_id]}"] = text
    for item_id, text in filling.opinions.items():
        ws[f"{L.COL_OPINION}{rows[item_id]}"] = text
    for gate_id, text in filling.gates.items():
        ws[f"{L.COL_VERIFIED}{rows['G:' + gate_id]}"] = text
    cover = wb[L.COVER_SHEET]
    for ref, text in filling.cover.items():
        cover[ref] = text
    out = io.BytesIO()
    wb.save(out)
    return normalise_xlsx_bytes(out.getvalue())


def write_filled(template: bytes | Path, filling: Filling, target: Path) -> Path:
    write_bytes_atomic(target, fill_template(template, filling))
    return target


# --- plausible content -----------------------------------------------------------------------
def sample_inputs(
    rule: Rule, params: dict[str, Decimal], rng: random.Random, quality: float
) -> dict[str, Value]:
    """Inputs a unit of the given quality (0–1) might report for ``rule``."""

    def number(target: Decimal) -> Decimal:
        factor = Decimal(str(round(rng.uniform(0.55 + 0.5 * quality, 0.9 + 0.5 * quality), 2)))
        return (target * factor).quantize(Decimal(1))

    if isinstance(rule, Checklist):
        return {f"c{i}": rng.random() < 0.45 + 0.5 * quality for i in range(1, len(rule.checks) + 1)}
    if isinstance(rule, NofM):
        return {f"c{i}": rng.random() < 0.45 + 0.5 * quality for i in range(1, len(rule.conditions) + 1)}
    if isinstance(rule, Deductions):
        return {f"f{i}": rng.random() > 0.6 + 0.35 * quality for i in range(1, len(rule.faults) + 1)}
    if isinstance(rule, (Threshold, Proportional)):
        target = rule.target.resolve(params) or Decimal(10)
        return {"n": number(target)}
    if isinstance(rule, Tiers):
        lows = [t.interval.low for t in rule.tiers if t.interval.low is not None]
        top = max(lows) if lows else Decimal(10)
        return {"n": number(top * Decimal("1.1"))}
    if isinstance(rule, Levels):
        k = len(rule.levels)
        idx = min(k - 1, int((1 - quality) * k * rng.uniform(0.3, 1.3)))
        return {"level": rule.levels[idx].name}
    if isinstance(rule, DeductPer):
        short = Decimal(rng.choice([0, 0, 1, 1, 2, 3]) if quality < 0.8 else rng.choice([0, 0, 0, 1]))
        required = rule.required.resolve(params) if rule.required is not None else None
        if rule.required is not None:  # the unit enters what it did: the requirement less a shortfall
            return {"n": max(Decimal(0), (required or Decimal(4)) - short)}
        return {"n": short}
    if isinstance(rule, PerCategory):
        return {
            f"k{i}": Decimal(rng.randint(0, 2 + int(3 * quality))) for i in range(1, len(rule.categories) + 1)
        }
    if isinstance(rule, Discretionary):
        return {}
    return _sample_later_kinds(rule, params, rng, quality)


def _sample_later_kinds(
    rule: Rule, params: dict[str, Decimal], rng: random.Random, quality: float
) -> dict[str, Value]:
    """Inputs for the kinds added for rubrics the first ten did not fit (issue 17)."""
    good = 0.45 + 0.5 * quality
    if isinstance(rule, Pool):
        values: dict[str, Value] = {f"f{i}": rng.random() > good for i in range(1, len(rule.faults) + 1)}
        values |= {f"p{i}": Decimal(rng.choice([0, 0, 1, 2, 4])) for i in range(1, len(rule.per) + 1)}
        values |= {
            f"j{i}": Decimal(rng.choice([0, 0, 1]))
            if j.most is None
            else (j.most * Decimal(rng.choice([0, 0, 1, 2]))) / 2
            for i, j in enumerate(rule.judged, 1)
        }
        values |= {f"b{i}": rng.random() < good for i in range(1, len(rule.bonuses) + 1)}
        return values
    if isinstance(rule, Compound):
        out: dict[str, Value] = {}
        for i, c in enumerate(rule.conditions, 1):
            if c.bound is None:
                out[f"c{i}"] = rng.random() < good
            else:
                edge = c.bound.low if c.bound.low is not None else c.bound.high or Decimal(10)
                out[f"c{i}"] = (edge * Decimal(str(round(rng.uniform(0.8, 1.2), 2)))).quantize(Decimal(1))
        return out
    if isinstance(rule, BestOf):
        return {f"k{i}": Decimal(rng.randint(0, 3)) for i in range(1, len(rule.labels()) + 1)}
    if isinstance(rule, Growth):
        before = Decimal(rng.randint(5, 50))
        return {
            "prev": before,
            "n": (before * Decimal(str(round(rng.uniform(0.85, 1.3), 2)))).quantize(Decimal("0.1")),
        }
    if isinstance(rule, Shortfall):
        target = rule.target.resolve(params) or Decimal(100)
        return {"n": (target * Decimal(str(round(rng.uniform(0.9, 1.05), 2)))).quantize(Decimal("0.1"))}
    raise TypeError(f"no sampler for {type(rule).__name__}")


def plausible_filling(
    rubric: Rubric,
    unit: Unit,
    rng: random.Random,
    quality: float = 0.8,
    inspected: bool = True,
    inflate: float = 0.25,
) -> Filling:
    """A realistic filled workbook: self scores from the unit's own inputs, usually a little generous;
    verified scores a little lower where the inspection team disagreed."""
    filling = Filling()
    d = rubric.settings.decimals
    filling.cover = {
        L.COVER_CONTACT_CELL: rng.choice(["张伟", "王芳", "李娜", "刘洋", "陈静", "杨磊"]),
        L.COVER_PHONE_CELL: f"0375-{rng.randint(2000000, 4999999)}",
        L.COVER_DATE_CELL: f"{rubric.meta.year}-12-{rng.randint(10, 19)}",
    }
    for a in rubric.assignments(unit):
        item = a.item
        filling.evidence[item.id] = f"{item.evidence or '工作方案、总结'}（附件{rng.randint(1, 9)}）"
        office = item.reported_by == "office"
        for crit in item.criteria:
            uid = L.criterion_uid(item.id, crit)
            values = sample_inputs(crit.rule, dict(unit.params), rng, quality)
            top = crit.points * a.weight
            if isinstance(crit.rule, Levels) and crit.rule.wants_score:
                chosen = next(lv for lv in crit.rule.levels if lv.name == values["level"])
                low, high = chosen.band(crit.points)
                values["score"] = round_half_up(low + (high - low) * Decimal(str(round(rng.random(), 2))), 1)
            if isinstance(crit.rule, Discretionary):
                computed = round_half_up(
                    top * Decimal(str(round(rng.uniform(0.6 + 0.3 * quality, 1.0), 2))), 1
                )
            else:
                outcome = crit.rule.evaluate(crit.points, values, unit.params)
                computed = round_half_up((outcome.points or ZERO) * a.weight, d)
            if office:  # the unit enters nothing; the team decides
                if inspected:
                    filling.verified[uid] = computed
                continue
            for ir in L.input_rows(item.id, crit):
                if ir.spec.kind != "score":
                    filling.inputs[ir.row_id] = values[ir.spec.key]
            claimed = computed
            if rng.random() < inflate and computed < top and crit.rule.capped:
                claimed = min(top, computed + round_half_up(top * Decimal("0.3"), 1))
                claimed = round_half_up(claimed, d)
            filling.self_scores[uid] = claimed
            if inspected:
                verified = computed
                if rng.random() < 0.35 and verified > 0:
                    verified = max(
                        ZERO, verified - round_half_up(top * Decimal(str(rng.choice([0.1, 0.2, 0.25]))), 1)
                    )
                filling.verified[uid] = round_half_up(verified, d)
        if inspected and rng.random() < 0.2:
            filling.opinions[item.id] = rng.choice(
                ["佐证材料不全，酌情扣分", "部分活动无图片资料", "经核实与自评一致"]
            )
    if inspected:
        filling.gates = {g.id: "否" for g in rubric.gates if not g.automatic}
    return filling
