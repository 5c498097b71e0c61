"""The fast yes/no (jsonschema-rs) agrees with jsonschema, which explains what is wrong.

A rubric that jsonschema-rs calls valid is never walked by jsonschema, so the property that matters is:
it never calls a document valid that jsonschema rejects. The tests demand full agreement, which is
stricter, on the shipped rubrics and on mutated copies of them.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from kepu_inspect.adapters.rubric_file import parse_document, schema, validate_document
from tests.conftest import MINI, PINGDINGSHAN, ROOT

XINAN = ROOT / "rubrics" / "xinan-county-members-2018.yaml"
CHECK = jsonschema_rs.validator_for(schema()).is_valid
JSONSCHEMA = Draft202012Validator(schema())


def _doc(path: Path) -> Any:
    return parse_document(path.read_text("utf-8"))[0]


DOCS = {path.name: _doc(path) for path in (MINI, XINAN, PINGDINGSHAN)}


def _agrees(doc: Any) -> None:
    expected = JSONSCHEMA.is_valid(doc)
    assert CHECK(doc) is expected, [e.message for e in JSONSCHEMA.iter_errors(doc)][:3]


@pytest.mark.parametrize("name", sorted(DOCS))
def test_shipped_rubrics_are_valid_both_ways(name: str) -> None:
    _agrees(DOCS[name])
    assert CHECK(DOCS[name])


def _slots(node: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path in the document (dict keys and list indexes)."""
    out = [path]
    if isinstance(node, dict):
        for k, v in node.items():
            out += _slots(v, (*path, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += _slots(v, (*path, i))
    return out


RULE_KINDS = [
    "checklist",
    "threshold",
    "proportional",
    "tiers",
    "levels",
    "n_of_m",
    "deduct_per",
    "deductions",
    "per_category",
    "discretionary",
    "nonsense",
]
VALUES = st.one_of(
    st.sampled_from(
        ["", "x", "A1", "1a", "2017-12-20", "2017-1-1", "甲", "half_up", "self", "sum", "county", *RULE_KINDS]
    ),
    st.sampled_from([0, 1, -1, 2.0, 0.5, -0.5, 2000, 2101, 3, 5, True, False, None]),
    st.sampled_from(
        [
            [],
            {},
            [1],
            ["a", "a"],
            ["base", "base"],
            {"param": "p"},
            {"param": "p", "per": 0},
            {"unit": "甲"},
            {"group": "g", "weight": 1},
            {"leads": "x", "weight": 0},
            {"gte": 1, "gt": 2},
            {"lte": 1, "lt": 2},
            {"name": "a", "gte": 0},
            {"label": "a"},
            {"label": ""},
            {"kind": "levels"},
        ]
    ),
)


def _mutate(doc: Any, data: st.DataObject) -> Any:
    doc = copy.deepcopy(doc)
    for _ in range(data.draw(st.integers(1, 3))):
        slots = _slots(doc)
        path = data.draw(st.sampled_from(slots[1:]))
        parent = doc
        for part in path[:-1]:
            parent = parent[part]
        last = path[-1]
        action = data.draw(st.sampled_from(["replace", "delete", "extra", "kind"]))
        if action == "replace":
            parent[last] = copy.deepcopy(data.draw(VALUES))  # VALUES shares its dicts between draws
        elif action == "delete":
            del parent[last]
        elif action == "extra" and isinstance(parent[last], dict):
            parent[last][
                data.draw(
                    st.sampled_from(
                        ["extra", "gte", "lt", "label", "points", "unit", "cap", "mode", "weight", "kind"]
                    )
                )
            ] = copy.deepcopy(data.draw(VALUES))  # VALUES shares its dicts between draws
        elif action == "kind" and isinstance(parent, dict) and "kind" in parent:
            parent["kind"] = data.draw(st.sampled_from(RULE_KINDS))
    return doc


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
@given(st.data())
def test_agrees_with_jsonschema_on_mutated_small_rubrics(data: st.DataObject) -> None:
    name = data.draw(st.sampled_from(["mini.yaml", XINAN.name]))
    _agrees(_mutate(DOCS[name], data))


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
@given(st.data())
def test_agrees_with_jsonschema_on_mutated_pingdingshan(data: st.DataObject) -> None:
    _agrees(_mutate(DOCS[PINGDINGSHAN.name], data))


def test_invalid_rubric_is_explained_with_paths() -> None:
    doc = copy.deepcopy(DOCS["mini.yaml"])
    doc["sections"][0]["items"][0]["points"] = "十"
    del doc["rubric"]["year"]
    problems = validate_document(doc)
    assert {p.code.name for p in problems} == {"RB001"}
    assert {p.path for p in problems} >= {"sections[0].items[0].points", "rubric"}
