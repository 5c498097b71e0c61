"""A unit's submitted self-assessment, as read from its workbook: values, scores and where they sit."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from kepu_inspect.core.rules import Value


class CriterionEntry(NamedTuple):
    values: dict[str, Value]  # input key → parsed value (missing keys were empty or unreadable)
    self_score: Decimal | None
    verified: Decimal | None
    self_cell: str = ""
    verified_cell: str = ""
    unreadable: tuple[str, ...] = ()  # input keys whose cell had a problem (not just empty)


class ItemEntry(NamedTuple):
    evidence: str = ""
    opinion: str = ""
    evidence_cell: str = ""


@dataclass(frozen=True)
class Submission:
    unit_id: str
    criteria: dict[str, CriterionEntry] = field(default_factory=dict)  # "I01.a" → entry
    items: dict[str, ItemEntry] = field(default_factory=dict)
    gates: dict[str, bool | None] = field(default_factory=dict)
    contact: str = ""
    phone: str = ""
    filled_on: str = ""
    sheet: str = ""  # where the criteria's cells are (problems point at sheet and cell)
