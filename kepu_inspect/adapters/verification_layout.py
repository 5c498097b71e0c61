"""The verification workbook (核查表) layout, owned in one place so its writer and reader cannot drift.

One workbook per inspection team (督导检查组). For each unit the team inspects: one sheet per inspector
(the unit's items with its entered data, 自评分 and evidence, read-only; the inspector's 检查方式,
核定分, 核查意见 and the answers to the 否决事项 with the facts found) and one summary sheet for the team
leader (督导检查意见: overall, strengths, problems; signatures). The hidden identity sheet binds the
workbook to the rubric and to the SHA-256 of the exact submission each unit's sheets were made from, and
says which sheet is whose — the reader never trusts a sheet's name.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from kepu_inspect.adapters import layout as L

KIND = "verification"  # the identity's `kind` (unit templates say "submission")
IDENTITY_SHEET = L.IDENTITY_SHEET
GUIDE_SHEET = "核查说明"
METHODS = ("资料检查", "实地查看", "抽查")

# columns of an inspector's sheet
COL_ID = "A"  # row id (hidden): item id, criterion uid, G:<gate>
COL_NO = "B"
COL_TITLE = "C"
COL_TEXT = "D"
COL_MAX = "E"
COL_DATA = "F"  # the unit's entered values, as read from its submission
COL_SELF = "G"
COL_EVIDENCE = "H"
COL_METHOD = "I"  # 检查方式 (item rows)
COL_VERIFIED = "J"  # 核定分 (criterion rows); 是/否 (gate rows)
COL_OPINION = "K"  # 核查意见 (item rows); 查实情况 (gate rows)

COLUMNS: tuple[tuple[str, str, float], ...] = (
    (COL_ID, "编号", 8),
    (COL_NO, "序号", 5),
    (COL_TITLE, "考核项目", 12),
    (COL_TEXT, "评分细项／评分标准", 34),
    (COL_MAX, "分值", 6),
    (COL_DATA, "单位填报数据", 18),
    (COL_SELF, "自评分", 7),
    (COL_EVIDENCE, "佐证材料", 14),
    (COL_METHOD, "检查方式", 9),
    (COL_VERIFIED, "核定分", 8),
    (COL_OPINION, "核查意见", 20),
)
HEADER_ROW = 4
FIRST_DATA_ROW = 5
INSPECTOR_CELL = "D3"  # the inspector's name (pre-filled from the team list, or typed by the inspector)
INSPECTOR_LABEL_CELL = "C3"

# the leader's summary sheet: label in column B, text in C
SUMMARY_ROWS: tuple[tuple[str, str], ...] = (
    ("overall", "总体评价"),
    ("strengths", "主要成绩"),
    ("weaknesses", "存在问题"),
)
SUMMARY_FIRST_ROW = 5

# identity keys (column A → B) besides the per-sheet and per-unit rows
IDENTITY_KEYS = (
    "kind",
    "rubric_id",
    "rubric_version",
    "rubric_hash",
    "structure",
    "team",
    "leader",
    "inspectors",
    "template_version",
    "year",
)
UNIT_PREFIX = "unit:"  # unit:<id> → <sha256 of the submission>|<its file name>
SHEET_PREFIX = "sheet:"  # sheet:<sheet name> → <unit id>|<inspector>   ("*" = the leader's summary)
SUMMARY_MARK = "*"


def sheet_name(unit_name: str, who: str, taken: set[str]) -> str:
    """A sheet name Excel accepts (≤ 31 characters, none of []:*?/\\), unique in the workbook."""
    base = "".join(ch for ch in f"{unit_name}-{who}" if ch not in "[]:*?/\\")[:31] or "核查"
    name, n = base, 2
    while name in taken:
        tail = f"({n})"
        name, n = base[: 31 - len(tail)] + tail, n + 1
    taken.add(name)
    return name


@dataclass(frozen=True)
class PreviousSheet:
    """One sheet's entries from an earlier verification workbook, to carry over into a new one.

    ``cells``: row id → {"data", "self", "verified", "opinion", "method"} as text; a summary sheet has
    one row, ``SUMMARY_MARK`` → {"overall", "strengths", "weaknesses"}.
    """

    inspector: str
    cells: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
