"""The self-assessment workbook layout, owned in one place so the writer and reader cannot drift.

Every data row carries a stable id in column A (hidden): ``I01`` an item, ``I01.a`` a criterion (its
first input on the same row), ``I01.a:c2`` a further input of that criterion, ``S:S1`` a section
subtotal, ``G:fraud`` a gate the inspectors answer. Readers find rows by id, never by position, so a
unit that sorts, hides or inserts rows does not break reading.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from kepu_inspect.core.numbers import fmt
from kepu_inspect.core.rubric import Assignment, Criterion, Rubric, Unit
from kepu_inspect.core.rules import DeductPer, Growth, InputSpec, Levels, Proportional, Shortfall, Threshold


def col_letter(index: int) -> str:
    """Column letters for a 1-based column index (1 → A, 27 → AA), for every writer and the reader."""
    letters = ""
    while index > 0:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


TEMPLATE_VERSION = "1"

COVER_SHEET = "封面"
ITEM_SHEET = "自评表"
OPTIONS_SHEET = "选项"
IDENTITY_SHEET = "_kepu"

# column letters of the item sheet
COL_ID = "A"
COL_NO = "B"
COL_TITLE = "C"
COL_TEXT = "D"
COL_MAX = "E"
COL_LABEL = "F"
COL_INPUT = "G"
COL_SELF = "H"
COL_EVIDENCE = "I"
COL_VERIFIED = "J"
COL_OPINION = "K"

COLUMNS: tuple[tuple[str, str, float], ...] = (
    (COL_ID, "编号", 9),
    (COL_NO, "序号", 5),
    (COL_TITLE, "考核项目", 14),
    (COL_TEXT, "考核内容／评分标准", 46),
    (COL_MAX, "分值", 6),
    (COL_LABEL, "填报项目", 16),
    (COL_INPUT, "填报值", 9),
    (COL_SELF, "自评分", 8),
    (COL_EVIDENCE, "佐证材料", 18),
    (COL_VERIFIED, "核定分", 8),
    (COL_OPINION, "核查意见", 16),
)
HEADER_ROW = 4
FIRST_DATA_ROW = 5
TITLE_ROWS = "3:4"

# cover sheet cells
COVER_UNIT_CELL = "C4"
COVER_CONTACT_CELL = "C5"
COVER_PHONE_CELL = "C6"
COVER_DATE_CELL = "C7"

# what a workbook is, as its identity part says: a unit's form; inspection teams' workbooks say
# "verification" (verification_layout.KIND). Forms made before the key existed say nothing: a form.
SUBMISSION = "submission"
IDENTITY_KEYS = (
    "rubric_id",
    "rubric_version",
    "rubric_hash",
    "structure",
    "unit_id",
    "unit_name",
    "template_version",
    "year",
    "kind",  # last: forms made before it keep their rows
)


@dataclass(frozen=True)
class InputRow:
    """Where one input of a criterion lives: row id and the spec it must satisfy."""

    row_id: str
    spec: InputSpec


def criterion_uid(item_id: str, crit: Criterion) -> str:
    return f"{item_id}.{crit.id}"


def input_rows(item_id: str, crit: Criterion) -> tuple[InputRow, ...]:
    """The rows a criterion occupies: its own row carries the first input, then one row per further input."""
    uid = criterion_uid(item_id, crit)
    specs = crit.input_specs
    if not specs:
        return (InputRow(uid, InputSpec("", "", "score")),)
    return tuple(InputRow(uid if i == 0 else f"{uid}:{spec.key}", spec) for i, spec in enumerate(specs))


def parse_row_id(row_id: str) -> tuple[str, str | None, str | None]:
    """Split ``I01.a:c2`` into (item, criterion, input key); section/gate ids come back as item only."""
    if row_id.startswith(("S:", "G:", "T:")):
        return row_id, None, None
    item, _, rest = row_id.partition(".")
    crit, _, key = rest.partition(":")
    return item, crit or None, key or None


def identity_values(rubric: Rubric, unit: Unit) -> dict[str, str]:
    return {
        "rubric_id": rubric.meta.id,
        "rubric_version": rubric.meta.version,
        "rubric_hash": rubric.content_hash,
        "structure": rubric.structure_fingerprint(),
        "unit_id": unit.id,
        "unit_name": unit.name,
        "template_version": TEMPLATE_VERSION,
        "year": str(rubric.meta.year),
        "kind": SUBMISSION,
    }


Expected = dict[str, tuple[Assignment, Criterion | None, InputRow | None]]


@dataclass(frozen=True)
class CriterionRows:
    """A criterion as it sits in a unit's workbook: its assignment, its row id and its input rows."""

    assignment: Assignment
    criterion: Criterion
    uid: str
    rows: tuple[InputRow, ...]


@dataclass(frozen=True)
class UnitRows:
    """Every row id a unit's workbook must contain (with what it stands for), and its criteria in order."""

    expected: Expected
    criteria: Mapping[str, CriterionRows]  # by criterion uid, in workbook order


def unit_rows(rubric: Rubric, unit: Unit) -> UnitRows:
    expected: Expected = {}
    criteria: dict[str, CriterionRows] = {}
    for a in rubric.assignments(unit):
        expected[a.item.id] = (a, None, None)
        for crit in a.item.criteria:
            rows = input_rows(a.item.id, crit)
            uid = criterion_uid(a.item.id, crit)
            criteria[uid] = CriterionRows(a, crit, uid, rows)
            for ir in rows:
                expected[ir.row_id] = (a, crit, ir)
    return UnitRows(expected, criteria)


class RowIndex:
    """A batch's rows per assignment profile, each built the first time a unit of that profile is read.

    Units with the same items expect the same rows: a national batch of 3,000 counties builds one.
    An explicit object owned by the batch (not a cache hidden on the rubric), so it lives exactly as
    long as the batch that fills it.
    """

    def __init__(self, rubric: Rubric) -> None:
        self.rubric = rubric
        self._by_profile: dict[tuple[object, ...], UnitRows] = {}

    def for_unit(self, unit: Unit) -> UnitRows:
        profile = self.rubric.assignment_profile(unit)
        rows = self._by_profile.get(profile)
        if rows is None:
            rows = self._by_profile[profile] = unit_rows(self.rubric, unit)
        return rows


def expected_rows(rubric: Rubric, unit: Unit) -> Expected:
    """Every row id a unit's workbook must contain, with what it stands for."""
    return unit_rows(rubric, unit).expected


# --- the printed texts of the item sheet: the writer prints them, the reader checks they are unchanged ---
NO_MAXIMUM = "不限"  # the 分值 of an open-ended item or criterion; fits the narrow column on one line
# How the notes in brackets that the composers below add begin: the reader takes a note beginning so as
# the template's own (forms made by earlier versions print fewer of them, or in another order).
ITEM_NOTES = ("工作要点第", "核查方式：", "本单位为牵头单位", "扣分项目", "本项由督导检查组认定")
CRITERION_NOTES = ("本单位目标：", "请填写实际完成的", "请分别填写本年和上年的数值", "请选择等级")
TAGS = ("【加分】", "【扣分】")  # before a criterion's text on 加分 and 扣分 rows


def unit_target(crit: Criterion, unit: Unit) -> str:
    """This unit's own target when the rubric sets it per unit (人均经费 1 元 × 常住人口 → 50万元)."""
    rule = crit.rule
    if isinstance(rule, DeductPer) and rule.required is not None and rule.required.param is not None:
        required = rule.required.resolve(unit.params)
        return "" if required is None else f"不少于{fmt(required)}{rule.measure}"
    if not isinstance(rule, (Threshold, Proportional, Shortfall)) or rule.target.param is None:
        return ""
    target = rule.target.resolve(unit.params)
    if target is None:
        return ""
    sign = ("＞" if rule.strict else "≥") if isinstance(rule, Threshold) else ""
    return f"{sign}{fmt(target)}{rule.measure}"


def what_to_enter(crit: Criterion) -> str:
    """A line under a criterion whose input is easy to get wrong: the count done, not the shortfall."""
    rule = crit.rule
    if isinstance(rule, DeductPer) and rule.required is not None:
        measure = rule.measure or "个"
        return f"请填写实际完成的{measure}数，不要填写少了几{measure}"
    if isinstance(rule, Growth):
        return "请分别填写本年和上年的数值"
    if isinstance(rule, Levels) and rule.wants_score:
        return "请选择等级，并在该等级的分值范围内填写自评分"
    return ""


def item_text(a: Assignment) -> str:
    """An item's 考核内容 as printed (before line wrapping): its content and a note in brackets."""
    item, weight = a.item, a.weight
    extras = []
    if item.plan_items:
        extras.append("工作要点第" + "、".join(str(n) for n in item.plan_items) + "条")
    if item.verification:
        extras.append("核查方式：" + item.verification)
    if weight != 1:
        extras.append(f"本单位为牵头单位，分值×{fmt(weight)}")
    if a.is_deduct:
        extras.append("扣分项目：自评分一栏填写应扣的分数")
    if item.reported_by == "office":
        extras.append("本项由督导检查组认定，单位不填写")
    text = "\n".join(
        part for part in (item.content, ("（" + "；".join(extras) + "）") if extras else "") if part
    )
    return text or item.title


def criterion_text(crit: Criterion, a: Assignment, unit: Unit) -> str:
    """A criterion as printed (before line wrapping): a +/− marker on 加分 and 扣分 rows, this unit's own
    target when the rubric sets it per unit, and what to enter where it is easy to get wrong."""
    marker = "【扣分】" if a.is_deduct else "【加分】" if crit.bonus or a.is_bonus else ""
    lines = [marker + crit.text]
    target = unit_target(crit, unit)
    if target:
        lines.append(f"（本单位目标：{target}）")
    hint = what_to_enter(crit)
    if hint and a.item.reported_by != "office":
        lines.append(f"（{hint}）")
    return "\n".join(lines)


def item_points(a: Assignment) -> Decimal | str:
    """An item's 分值 as printed: its points for this unit, or 不限 when it is open-ended."""
    return NO_MAXIMUM if a.item.open_ended and not a.item.points else a.item.points * a.weight


def criterion_points(crit: Criterion, a: Assignment) -> Decimal | str:
    """A criterion's 分值 as printed: its points for this unit, or 不限 when its rule has no maximum."""
    return crit.points * a.weight if crit.rule.capped else NO_MAXIMUM
