"""Work plans (工作要点 / 实施方案 / 任务分工表) as data: sections, item groups with their leads,
numbered items and the units responsible for each item, with their roles (牵头 / 配合).

Pure: text (or table rows) in, a :class:`Plan` and its problems out. Real plans are typed by hand in
many styles or copied out of PDFs, so the parser reads *shapes*, not one document's formatting. The
package is split by concern: ``text`` (cleaning), ``numbering`` (markers and blocks), ``annotations``
(who is responsible, and in which role), ``units`` (names, collectives, prefixes), ``resolve`` (spellings
→ units), ``document`` (title, issuer, level), ``parser`` / ``tables`` (text or table → draft) and
``assemble`` (draft → plan).

Traditional characters are handled by a converter the caller passes in (``to_simplified``), so the
package stays free of dictionaries and file access.
"""

from __future__ import annotations

from collections.abc import Sequence

from kepu_inspect.core.numbers import cn_number
from kepu_inspect.core.plan.assemble import assemble
from kepu_inspect.core.plan.draft import Draft
from kepu_inspect.core.plan.model import (
    COUNTY_GROUP_NAME,
    DEPT_GROUP_NAME,
    GROUP_NAMES,
    LEVEL_NAMES,
    Collective,
    Level,
    OfficialUnit,
    Plan,
    PlanGroup,
    PlanItem,
    PlanNote,
    PlanSection,
    PlanUnit,
    Role,
    UnitGroup,
)
from kepu_inspect.core.plan.numbering import prepare_lines
from kepu_inspect.core.plan.parser import draft_from_text
from kepu_inspect.core.plan.tables import draft_from_tables
from kepu_inspect.core.plan.text import Simplifier, short_title
from kepu_inspect.core.plan.units import alias_strength, looks_like_lower

__all__ = [
    "COUNTY_GROUP_NAME",
    "DEPT_GROUP_NAME",
    "GROUP_NAMES",
    "LEVEL_NAMES",
    "Collective",
    "Draft",
    "Level",
    "OfficialUnit",
    "Plan",
    "PlanGroup",
    "PlanItem",
    "PlanNote",
    "PlanSection",
    "PlanUnit",
    "Role",
    "UnitGroup",
    "alias_strength",
    "assemble_plan",
    "cn_number",
    "draft_from_tables",
    "draft_from_text",
    "looks_like_lower",
    "parse_plan",
    "prepare_lines",
    "short_title",
]


def parse_plan(
    text: str,
    *,
    official: Sequence[OfficialUnit] = (),
    to_simplified: Simplifier | None = None,
) -> Plan:
    """Read a work plan's text into a :class:`Plan`; every doubt becomes a problem, never an exception."""
    return assemble(draft_from_text(text, to_simplified), official, to_simplified)


def assemble_plan(
    draft: Draft, official: Sequence[OfficialUnit] = (), to_simplified: Simplifier | None = None
) -> Plan:
    """A draft (from text or tables) resolved into a :class:`Plan`."""
    return assemble(draft, official, to_simplified)
