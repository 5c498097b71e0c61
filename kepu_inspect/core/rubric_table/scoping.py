"""Who each imported item applies to: the table's own 适用单位 words (an export of this tool, or a table
with a 考核单位 list), or the work plan's items matched by number and text (``--plan``, or the 责任单位
column of the table read the way a plan's 分工 table is)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from kepu_inspect.core.criteria.text import split_top
from kepu_inspect.core.rubric import normalise_name
from kepu_inspect.core.rubric_table import vocab as V
from kepu_inspect.core.rubric_table.export import weight_of


@dataclass(frozen=True)
class Names:
    """The names the 适用单位 words may use: units (and aliases), groups, item groups."""

    units: dict[str, str]  # normalised name or alias → the unit's name
    groups: dict[str, str]  # group name → id
    item_groups: dict[str, str]  # item group name → id

    @classmethod
    def of(
        cls,
        units: Sequence[dict[str, Any]],
        groups: Sequence[dict[str, Any]],
        item_groups: Sequence[dict[str, Any]],
    ) -> Names:
        names: dict[str, str] = {}
        for u in units:
            for n in [u["name"], *u.get("aliases", [])]:
                names.setdefault(normalise_name(n), u["name"])
        return cls(
            names,
            {normalise_name(g["name"]): g["id"] for g in groups},
            {normalise_name(g["name"]): g["id"] for g in item_groups},
        )


_ROLE = re.compile(r"[（(](牵头|配合)[)）]$")


def scopes_from_words(text: str, names: Names) -> tuple[list[Any], list[str]]:
    """全部县（市、区）、“青少年科学素质行动”牵头部门×1.5、市科协（牵头） → applies_to entries, and the
    pieces that name nothing known."""
    out: list[Any] = []
    unknown: list[str] = []
    for token in split_top(text, "、，,；;"):
        token, weight = weight_of(token)
        role = None
        if m := _ROLE.search(token):
            role = "lead" if m.group(1) == "牵头" else "cooperate"
            token = token[: m.start()]
        extra: dict[str, Any] = {}
        if weight != 1:
            extra["weight"] = weight
        if role:
            extra["role"] = role
        key = normalise_name(token)
        if key.startswith(V.GROUP_PREFIX) and key[len(V.GROUP_PREFIX) :] in names.groups:
            out.append({"group": names.groups[key[len(V.GROUP_PREFIX) :]], **extra})
        elif (
            token.endswith(V.LEADS_SUFFIX)
            and normalise_name(token[: -len(V.LEADS_SUFFIX)].strip('“”"')) in names.item_groups
        ):
            out.append(
                {
                    "leads": names.item_groups[normalise_name(token[: -len(V.LEADS_SUFFIX)].strip('“”"'))],
                    **extra,
                }
            )
        elif key in names.units:
            out.append({"unit": names.units[key], **extra} if extra else names.units[key])
        elif key.startswith("各") and key[1:] in names.groups:  # 各市直成员单位
            out.append({"group": names.groups[key[1:]], **extra})
        else:
            unknown.append(token)
    return out, unknown


# --- matching the plan's items ------------------------------------------------------------------
@dataclass(frozen=True)
class PlanEntry:
    number: int
    text: str
    applies: list[Any]
    item_group: str = ""


def _grams(text: str) -> set[str]:
    t = re.sub(r"[\s，。、；：（）()“”《》,.;:]", "", text)
    return {t[i : i + 2] for i in range(len(t) - 1)}


def similarity(a: str, b: str) -> float:
    """How much of the shorter text's character pairs the other has (titles are short, plan items long)."""
    ga, gb = _grams(a), _grams(b)
    if not ga or not gb:
        return 0.0
    return len(ga & gb) / min(len(ga), len(gb))


def match_plan(
    items: Sequence[tuple[str, str, str, Sequence[int]]], plan: Sequence[PlanEntry], threshold: float = 0.34
) -> dict[int, int]:
    """Rubric item index → plan entry index: the numbers the table cites (工作要点第N条) first, then the
    same number where the texts agree, then the most similar text above ``threshold``."""
    by_number = {p.number: i for i, p in enumerate(plan)}
    found: dict[int, int] = {}
    for k, (number, title, content, refs) in enumerate(items):
        text = f"{title}{content}"
        if refs and refs[0] in by_number:
            found[k] = by_number[refs[0]]
            continue
        if (
            number.isdigit()
            and int(number) in by_number
            and similarity(text, plan[by_number[int(number)]].text) >= 0.2
        ):
            found[k] = by_number[int(number)]
            continue
        scored = sorted(((similarity(text, p.text), i) for i, p in enumerate(plan)), reverse=True)
        if scored and scored[0][0] >= threshold:
            found[k] = scored[0][1]
    return found


def every_group(groups: Sequence[dict[str, Any]]) -> list[Any]:
    return [{"group": g["id"]} for g in groups]


def weight_text(weight: Decimal) -> str:
    return "" if weight == 1 else f"×{weight}"
