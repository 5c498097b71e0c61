"""What a batch produces: each file's reading, the intake ledger, each unit's result and the run.

Plain frozen data in core, so services build them, reports render them and nothing here knows about
files, processes or formats.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Literal

from kepu_inspect.core.numbers import ZERO
from kepu_inspect.core.problems import Problem
from kepu_inspect.core.rubric import Rubric
from kepu_inspect.core.submission import Submission

if TYPE_CHECKING:
    from kepu_inspect.core.changes import Change
    from kepu_inspect.core.corrections import Ledger
    from kepu_inspect.core.review import Review

Basis = Literal["verified", "self", "zero", "missing"]
# scored: ranked. held (待核实): listed with its score but not ranked until the reason is cleared.
# invalid (材料无效), blank (空白表), missing (未报送): listed without a score. excluded (取消排名): a gate
# took the unit out of the ranking.
Status = Literal["scored", "held", "invalid", "blank", "missing", "excluded"]
STATUS_LABELS: dict[str, str] = {
    "scored": "已评分",
    "held": "待核实",
    "invalid": "材料无效",
    "blank": "空白表",
    "missing": "未报送",
    "excluded": "取消排名",
}
LedgerStatus = Literal["已收到", "未收到", "重复报送", "材料无效", "不参加考核"]


@dataclass(frozen=True, slots=True)
class CriterionResult:
    uid: str
    text: str
    rule: str  # rule title in Chinese
    max_points: Decimal
    inputs: tuple[tuple[str, str], ...]  # (label, value as typed/parsed)
    computed: Decimal | None  # the rule applied to the unit's own inputs
    self_score: Decimal | None
    verified: Decimal | None
    points: Decimal
    basis: Basis
    reason: str
    bonus: bool = False


@dataclass(frozen=True, slots=True)
class ItemResult:
    item_id: str
    number: str
    title: str
    section_id: str
    bonus_section: bool
    weight: Decimal
    max_points: Decimal  # base points for this unit (bonus sections: the bonus maximum)
    self_points: Decimal
    points: Decimal  # counted base points (bonus sections: bonus points)
    bonus_points: Decimal  # in-item bonus criteria
    verified: bool  # every criterion verified
    criteria: tuple[CriterionResult, ...]
    opinion: str = ""

    @property
    def rate(self) -> Decimal | None:
        return None if not self.max_points else self.points / self.max_points


@dataclass(frozen=True)
class Overclaim:
    item_id: str
    title: str
    self_points: Decimal
    verified_points: Decimal

    @property
    def diff(self) -> Decimal:
        return self.self_points - self.verified_points


@dataclass(frozen=True)
class InspectionSummary:
    """The inspection of a unit as reports print it: who inspected, how, and the team's 督导检查意见."""

    team: str = ""
    leader: str = ""
    inspectors: tuple[str, ...] = ()
    overall: str = ""  # 总体评价
    strengths: str = ""  # 主要成绩
    weaknesses: str = ""  # 存在问题
    methods: tuple[tuple[str, int], ...] = ()  # 检查方式 → items checked that way


@dataclass(frozen=True)
class Swing:
    """One disputed input of a unit: where the criterion's counted points could lie (复核提示)."""

    uid: str
    label: str  # "3 科普经费（人均科普经费不低于1元）"
    low: Decimal
    high: Decimal
    current: Decimal
    verified: bool  # a 核定分 (else an unverified criterion)


@dataclass(frozen=True)
class Span:
    """A unit's exact lowest and highest total over its disputed inputs, and the grades at both ends."""

    low: Decimal
    high: Decimal
    low_grade: str
    high_grade: str
    swings: tuple[Swing, ...] = ()
    gates: tuple[str, ...] = ()  # gates the inspectors disagreed on


@dataclass(frozen=True)
class UnitResult:
    unit_id: str
    unit_name: str
    group_id: str
    status: Status
    max_base: Decimal = ZERO
    self_total: Decimal = ZERO
    base: Decimal = ZERO  # counted base points (verified where verified)
    bonus: Decimal = ZERO
    deductions: Decimal = ZERO
    rate: Decimal = ZERO  # base / max × 100
    score: Decimal = ZERO  # the ranking score: (rate or base) + bonus − deductions, rounded
    grade: str = ""
    gates: tuple[str, ...] = ()
    items: tuple[ItemResult, ...] = ()
    overclaims: tuple[Overclaim, ...] = ()
    unverified: int = 0
    notes: tuple[str, ...] = ()
    files: tuple[str, ...] = ()
    problems: tuple[Problem, ...] = field(default=(), compare=False)
    errors: int = 0  # errors found in the unit's material (its problems of severity error)
    inspection: InspectionSummary | None = None
    span: Span | None = None

    @property
    def scored(self) -> bool:
        """Ranked: scored and not held, blank, missing, invalid or excluded."""
        return self.status == "scored"

    @property
    def has_score(self) -> bool:
        """A score was computed (ranked, held or excluded units), even if it is not ranked."""
        return self.status in ("scored", "held", "excluded")


@dataclass(frozen=True)
class Ranked:
    rank: int | None  # None: not scored (未报送 / 材料无效)
    result: UnitResult
    tie: bool = False  # shares its rank with another unit
    tie_note: str = ""  # which tie-break separated it from an equal score
    change: str = ""  # against the previous results: ↑2, ↓1, →, 新


@dataclass(frozen=True)
class FileReading:
    """What one input file gave: its identity, the unit it belongs to, its values and problems."""

    path: str
    sha256: str
    status: Literal["read", "rejected"]
    unit_id: str | None = None
    submission: Submission | None = None
    problems: list[Problem] = field(default_factory=list)
    identity: dict[str, str] = field(default_factory=dict)
    kind: str = "submission"  # or "verification": an inspection team's workbook (核查表)


@dataclass(frozen=True)
class Skipped:
    path: str
    reason: str


@dataclass(frozen=True)
class LedgerRow:
    unit_id: str
    unit_name: str
    group: str
    status: LedgerStatus
    files: tuple[str, ...]


@dataclass
class Intake:
    """Every path given, accounted for: files read, paths skipped, and the ledger of units."""

    readings: list[FileReading] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    ledger: list[LedgerRow] = field(default_factory=list)
    unidentified: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)  # ledger-level problems

    def all_problems(self) -> list[Problem]:
        return [p for r in self.readings for p in r.problems] + self.problems

    def readings_by_unit(self) -> dict[str, list[FileReading]]:
        """Readings grouped by unit id, in input order."""
        grouped: dict[str, list[FileReading]] = {}
        for r in self.readings:
            if r.unit_id is not None:
                grouped.setdefault(r.unit_id, []).append(r)
        return grouped


@dataclass
class ScoreRun:
    """A scored batch: the intake, every assessed unit's result, each group's ranking.

    ``records`` holds each unit's canonical results record (``core.record``), made where the unit was
    scored; renderers of the results file write them as they are, so the audit form of a result is
    made once.
    """

    rubric: Rubric
    intake: Intake
    results: dict[str, UnitResult]  # unit id → result, for every assessed unit
    rankings: dict[str, list[Ranked]]  # group id → ranking
    date: str
    scoring_problems: list[Problem] = field(default_factory=list)
    records: Mapping[str, bytes] = field(default_factory=dict)  # unit id → packed record
    review: Review | None = None  # which ranks and grades are fragile (复核提示)
    ledger: Ledger | None = None  # the corrections after 公示 that were applied
    changes: list[Change] | None = None  # against the published results (更正说明), when given

    def problems(self) -> list[Problem]:
        return self.intake.all_problems() + self.scoring_problems
