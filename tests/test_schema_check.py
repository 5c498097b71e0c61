"""The compiled schema check (adapters/schema_check.py) agrees with jsonschema.

It only ever says "valid" to skip jsonschema on the happy path, so the property that matters is: it never
calls a document valid that jsonschema rejects. The tests demand full agreement, which is stricter.
"""

from __future__ import annotations

import copy
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from kepu_inspect.adapters.rubric_file import parse_document, schema, validate_document
from kepu_inspect.adapters.schema_check import Unsupported, compile_schema
from tests.conftest import MINI, PINGDINGSHAN, ROOT

XINAN = ROOT / "rubrics" / "xinan-county-members-2018.yaml"
CHECK = compile_schema(schema())
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
            parent[last] = data.draw(VALUES)
        elif action == "delete":
            del parent[last]
        elif action == "extra" and isinstance(parent[last], dict):
            parent[last][
                data.draw(
                    st.sampled_from(
                        ["extra", "gte", "lt", "label", "points", "unit", "cap", "mode", "weight", "kind"]
                    )
                )
            ] = data.draw(VALUES)
        elif action == "kind" and isinstance(parent, dict) and "kind" in parent:
            parent["kind"] = data.draw(st.sampled_from(RULE_KINDS))
    return doc


@settings(
    max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
@given(st.data())
def test_agrees_with_jsonschema_on_mutated_small_rubrics(data: st.DataObject) -> None:
    name = data.draw(st.sampled_from(["mini.yaml", XINAN.name]))
    _agrees(_mutate(DOCS[name], data))


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
@given(st.data())
def test_agrees_with_jsonschema_on_mutated_pingdingshan(data: st.DataObject) -> None:
    _agrees(_mutate(DOCS[PINGDINGSHAN.name], data))


KEYWORD_SCHEMA = {
    "$defs": {"b": {"properties": {"gte": {"type": "number"}}, "not": {"required": ["gte", "gt"]}}},
    "type": "object",
    "properties": {
        "t": {"type": ["string", "integer"]},
        "e": {"enum": [1, "a", None, [1], {"k": True}]},
        "c": {"const": 1},
        "u": {"type": "array", "uniqueItems": True},
        "n": {"type": "number", "minimum": 0, "maximum": 3, "exclusiveMinimum": -1, "exclusiveMaximum": 4},
        "s": {"type": "string", "minLength": 1, "maxLength": 3, "pattern": "^[a-z]"},
        "a": {"type": "array", "minItems": 1, "maxItems": 2, "items": {"type": "integer"}},
        "o": {"oneOf": [{"type": "number"}, {"type": "integer"}, {"type": "string"}]},
        "y": {"anyOf": [{"required": ["p"]}, {"required": ["q"]}]},
        "m": {
            "type": "object",
            "minProperties": 1,
            "maxProperties": 2,
            "additionalProperties": {"type": "string"},
        },
        "g": {"allOf": [{"$ref": "#/$defs/b"}], "properties": {"name": True}, "unevaluatedProperties": False},
        "r": {
            "type": "object",
            "properties": {"kind": {"enum": ["x", "y"]}},
            "allOf": [
                {
                    "if": {"properties": {"kind": {"const": "x"}}},
                    "then": {"required": ["xv"], "properties": {"kind": True, "xv": {"type": "integer"}}},
                },
                {
                    "if": {"properties": {"kind": {"const": "y"}}},
                    "then": {"properties": {"yv": {"type": "string"}}},
                    "else": {"properties": {"zv": {"type": "string"}}},
                },
            ],
            "unevaluatedProperties": {"type": "boolean"},
        },
    },
}
KEY_CHECK = compile_schema(KEYWORD_SCHEMA)
KEY_JSONSCHEMA = Draft202012Validator(KEYWORD_SCHEMA)
ATOMS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-2, 5),
    st.sampled_from([0.0, 1.0, 1.5, -0.5, 3.5, 4.0]),
    st.sampled_from(["", "a", "ab", "abcd", "A", "x", "y", "k"]),
)
JSON = st.recursive(
    ATOMS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(
            st.sampled_from(["k", "p", "q", "gte", "gt", "name", "kind", "xv", "yv", "zv", "other"]),
            inner,
            max_size=4,
        ),
    ),
    max_leaves=8,
)
KEYS = st.sampled_from(["k", "p", "q", "gte", "gt", "name", "kind", "xv", "yv", "zv", "other"])
VALUE = st.one_of(
    ATOMS,
    st.lists(ATOMS, max_size=3),
    st.dictionaries(KEYS, ATOMS, max_size=4),
    st.dictionaries(KEYS, st.one_of(ATOMS, st.sampled_from(["x", "y"])), max_size=3),
    JSON,
)


@settings(max_examples=1500, deadline=None)
@given(st.sampled_from(sorted(KEYWORD_SCHEMA["properties"])), VALUE)
def test_agrees_with_jsonschema_keyword_by_keyword(key: str, value: Any) -> None:
    doc = {key: value}
    assert KEY_CHECK(doc) is KEY_JSONSCHEMA.is_valid(doc)


@pytest.mark.parametrize(
    "bad",
    [
        {"patternProperties": {"a": {}}},
        {"items": [{}]},
        {"$ref": "other.json"},
        {"properties": {"a": {"$id": "x"}}},
        {"dependentSchemas": {}},
    ],
)
def test_unsupported_schemas_are_refused(bad: dict[str, Any]) -> None:
    with pytest.raises(Unsupported):
        compile_schema(bad)


def test_invalid_rubric_still_gets_jsonschema_messages() -> None:
    doc = copy.deepcopy(DOCS["mini.yaml"])
    doc["rubric"]["year"] = "二〇一七"
    del doc["groups"][0]["name"]
    problems = validate_document(doc)
    assert {p.path for p in problems} == {"rubric.year", "groups[0]"}
    assert any("缺少必填项“name”" in p.message for p in problems)


def test_valid_rubric_is_checked_without_importing_jsonschema() -> None:
    code = (
        "import sys; from pathlib import Path; from kepu_inspect.adapters.rubric_file import load_rubric; "
        f"r = load_rubric(Path({str(MINI)!r})); assert r.rubric is not None and not r.problems; "
        "print('jsonschema' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert done.stdout.strip() == "False"


@pytest.mark.parametrize(
    ("doc", "valid"),
    [
        ({"g": {"name": 1, "gte": 2}}, True),  # gte is evaluated through allOf → $ref → properties
        ({"g": {"name": 1, "gte": "2"}}, False),
        ({"g": {"gte": 1, "gt": 2}}, False),  # the not
        ({"g": {"other": 1}}, False),  # unevaluated
        ({"g": {"gt": 1}}, False),  # gt is not a property of b: unevaluated
        ({"r": {"xv": 1}}, True),  # no kind: both ifs hold, their thens evaluate kind, xv (and yv)
        ({"r": {"kind": "x", "xv": 1, "other": True}}, True),  # other is unevaluated but a boolean
        ({"r": {"kind": "x", "xv": 1, "other": 1}}, False),
        ({"r": {"kind": "x"}}, False),
        (
            {"r": {"kind": "y", "yv": "s", "zv": 1}},
            False,
        ),  # first if fails (no then), second holds: zv unevaluated
        ({"r": {"kind": "x", "xv": 1, "zv": "s"}}, True),  # second if fails: its else evaluates zv
        ({"r": {"kind": "x", "xv": 1, "zv": 1}}, False),
        ({"o": 1}, False),
        ({"o": 1.5}, True),
        ({"o": "a"}, True),  # 1 is both number and integer
        ({"t": 2.0}, True),
        ({"t": True}, False),
        ({"e": [1]}, True),
        ({"e": [True]}, False),
        ({"e": {"k": 1}}, False),
        ({"c": 1.0}, True),
        ({"c": True}, False),
        ({"u": [1, True]}, True),
        ({"u": [1, 1.0]}, False),
    ],
)
def test_agrees_with_jsonschema_on_chosen_cases(doc: dict[str, Any], valid: bool) -> None:
    assert KEY_JSONSCHEMA.is_valid(doc) is valid
    assert KEY_CHECK(doc) is valid
