"""A compiled yes/no check of a document against the rubric JSON Schema, for the happy path.

Why: jsonschema takes ~80 ms to import and ~50 ms to walk a city-sized rubric (its generic descend
machinery), which is most of a small ``score``'s rubric load. Almost every rubric that gets loaded is
valid, and a valid one needs no error messages. So the schema is compiled once into nested closures
that answer only "valid or not"; when the answer is "not", the caller asks jsonschema for the detailed
errors, so messages, paths and YAML line numbers are exactly as before.

The compiled check mirrors jsonschema's (Draft 2020-12) semantics keyword by keyword, including its
way of collecting evaluated properties for ``unevaluatedProperties``. It must never accept a document
jsonschema rejects: ``tests/test_schema_check.py`` compares the two on the shipped rubrics and on many
generated variants. A schema using anything not implemented here raises ``Unsupported`` at compile
time, and the caller then always uses jsonschema.
"""

from __future__ import annotations

import numbers
import operator
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

Check = Callable[[Any], bool]

# Keywords with no effect on validity (annotations; ``format`` is not asserted by a validator built
# without a format checker, which is how rubric_file builds it).
ANNOTATIONS = frozenset(
    {
        "$schema",
        "$id",
        "$comment",
        "$defs",
        "title",
        "description",
        "default",
        "examples",
        "deprecated",
        "readOnly",
        "writeOnly",
        "format",
        "contentMediaType",
        "contentEncoding",
    }
)
SUPPORTED = ANNOTATIONS | frozenset(
    {
        "$ref",
        "type",
        "enum",
        "const",
        "properties",
        "required",
        "additionalProperties",
        "unevaluatedProperties",
        "items",
        "minItems",
        "maxItems",
        "uniqueItems",
        "minLength",
        "maxLength",
        "pattern",
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "allOf",
        "anyOf",
        "oneOf",
        "not",
        "if",
        "then",
        "else",
        "minProperties",
        "maxProperties",
    }
)


class Unsupported(ValueError):
    """The schema uses something this compiler does not implement (the caller falls back to jsonschema)."""


# --- jsonschema's type and equality semantics (jsonschema._types, jsonschema._utils) ----------------
def _is_integer(x: Any) -> bool:
    if isinstance(x, bool):
        return False
    return isinstance(x, int) or (isinstance(x, float) and x.is_integer())


def _is_number(x: Any) -> bool:
    return not isinstance(x, bool) and isinstance(x, numbers.Number)


TYPES: dict[str, Check] = {
    "object": lambda x: isinstance(x, dict),
    "array": lambda x: isinstance(x, list),
    "string": lambda x: isinstance(x, str),
    "boolean": lambda x: isinstance(x, bool),
    "null": lambda x: x is None,
    "integer": _is_integer,
    "number": _is_number,
}


def _equal(one: Any, two: Any) -> bool:
    """JSON equality: True is not 1, and sequences/mappings compare element by element so."""
    if one is two:
        return True
    if isinstance(one, str) or isinstance(two, str):
        return bool(one == two)
    if isinstance(one, Sequence) and isinstance(two, Sequence):
        return len(one) == len(two) and all(_equal(a, b) for a, b in zip(one, two, strict=True))
    if isinstance(one, Mapping) and isinstance(two, Mapping):
        return one.keys() == two.keys() and all(_equal(one[k], two[k]) for k in one)
    return bool(_unbool(one) == _unbool(two))


_TRUE, _FALSE = object(), object()


def _unbool(x: Any) -> Any:
    return _TRUE if x is True else _FALSE if x is False else x


def _unique(items: list[Any]) -> bool:
    seen: list[Any] = []
    for item in items:
        if any(_equal(item, s) for s in seen):
            return False
        seen.append(item)
    return True


# --- the compiler ------------------------------------------------------------------------------------
class _Compiler:
    def __init__(self, root: Mapping[str, Any]) -> None:
        self.root = root
        self.compiled: dict[int, Check] = {}
        self.keep: list[Any] = []  # schemas whose id() keys the cache stay alive

    def resolve(self, ref: str) -> Any:
        if not ref.startswith("#"):
            raise Unsupported(f"non-local $ref {ref!r}")
        node: Any = self.root
        for raw in ref[1:].split("/")[1:] if ref != "#" else []:
            part = raw.replace("~1", "/").replace("~0", "~")
            if isinstance(node, list):
                node = node[int(part)]
            elif isinstance(node, dict) and part in node:
                node = node[part]
            else:
                raise Unsupported(f"unresolvable $ref {ref!r}")
        return node

    def check(self, schema: Any) -> Check:
        """The compiled check of ``schema`` (cached, so $ref cycles and shared definitions compile once)."""
        key = id(schema)
        hit = self.compiled.get(key)
        if hit is not None:
            return hit
        if schema is True:
            return _always
        if schema is False:
            return _never
        if not isinstance(schema, dict):
            raise Unsupported(f"schema is neither an object nor a boolean: {schema!r}")
        slot: list[Check] = []
        self.compiled[key] = lambda x: slot[0](x)  # a placeholder for references back into this schema
        self.keep.append(schema)
        compiled = self._compile(schema)
        slot.append(compiled)
        self.compiled[key] = compiled
        return compiled

    def _compile(self, s: dict[str, Any]) -> Check:
        unknown = set(s) - SUPPORTED
        if unknown:
            raise Unsupported(f"keywords {sorted(unknown)}")
        if "$id" in s and s is not self.root:
            raise Unsupported("$id below the root")
        checks: list[Check] = []
        if "type" in s:
            names = s["type"] if isinstance(s["type"], list) else [s["type"]]
            try:
                tests = tuple(TYPES[n] for n in names)
            except (KeyError, TypeError):
                raise Unsupported(f"type {s['type']!r}") from None
            if len(tests) == 1:
                checks.append(tests[0])
            else:
                checks.append(lambda x: any(t(x) for t in tests))
        if "enum" in s:
            options = list(s["enum"])
            if all(isinstance(o, str) for o in options):
                strings = frozenset(options)
                checks.append(lambda x: isinstance(x, str) and x in strings)
            else:
                checks.append(lambda x: any(_equal(x, o) for o in options))
        if "const" in s:
            const = s["const"]
            checks.append(lambda x: _equal(x, const))
        self._numbers(s, checks)
        self._strings(s, checks)
        self._arrays(s, checks)
        self._objects(s, checks)
        self._applicators(s, checks)
        if not checks:
            return _always
        if len(checks) == 1:
            return checks[0]
        if len(checks) == 2:
            first, second = checks
            return lambda x: first(x) and second(x)
        all_checks = tuple(checks)
        return lambda x: all(c(x) for c in all_checks)

    @staticmethod
    def _numbers(s: dict[str, Any], checks: list[Check]) -> None:
        for keyword, passes in (
            ("minimum", operator.ge),
            ("maximum", operator.le),
            ("exclusiveMinimum", operator.gt),
            ("exclusiveMaximum", operator.lt),
        ):
            if keyword in s:
                bound = s[keyword]
                if not _is_number(bound):
                    raise Unsupported(f"{keyword} {bound!r}")
                checks.append(_bounded(passes, bound))

    @staticmethod
    def _strings(s: dict[str, Any], checks: list[Check]) -> None:
        if "minLength" in s:
            least = s["minLength"]
            checks.append(lambda x: not isinstance(x, str) or len(x) >= least)
        if "maxLength" in s:
            most = s["maxLength"]
            checks.append(lambda x: not isinstance(x, str) or len(x) <= most)
        if "pattern" in s:
            search = re.compile(s["pattern"]).search  # jsonschema: re.search with the pattern text
            checks.append(lambda x: not isinstance(x, str) or search(x) is not None)

    def _arrays(self, s: dict[str, Any], checks: list[Check]) -> None:
        if "items" in s:
            item = self.check(s["items"])
            checks.append(lambda x: not isinstance(x, list) or all(item(v) for v in x))
        if "minItems" in s:
            least = s["minItems"]
            checks.append(lambda x: not isinstance(x, list) or len(x) >= least)
        if "maxItems" in s:
            most = s["maxItems"]
            checks.append(lambda x: not isinstance(x, list) or len(x) <= most)
        if s.get("uniqueItems") is True:
            checks.append(lambda x: not isinstance(x, list) or _unique(x))
        elif "uniqueItems" in s and s["uniqueItems"] is not False:
            raise Unsupported(f"uniqueItems {s['uniqueItems']!r}")

    def _objects(self, s: dict[str, Any], checks: list[Check]) -> None:
        if "required" in s:
            required = tuple(s["required"])
            checks.append(lambda x: not isinstance(x, dict) or all(k in x for k in required))
        if "minProperties" in s:
            least = s["minProperties"]
            checks.append(lambda x: not isinstance(x, dict) or len(x) >= least)
        if "maxProperties" in s:
            most = s["maxProperties"]
            checks.append(lambda x: not isinstance(x, dict) or len(x) <= most)
        properties: dict[str, Check] = {}
        if "properties" in s:
            properties = {name: self.check(sub) for name, sub in s["properties"].items()}
            props = tuple(properties.items())
            checks.append(lambda x: not isinstance(x, dict) or all(c(x[k]) for k, c in props if k in x))
        if "additionalProperties" in s:
            extra = s["additionalProperties"]
            known = frozenset(properties)
            if extra is False:
                checks.append(lambda x: not isinstance(x, dict) or known.issuperset(x))
            else:
                other = self.check(extra)
                checks.append(
                    lambda x: not isinstance(x, dict) or all(other(v) for k, v in x.items() if k not in known)
                )
        if "unevaluatedProperties" in s:
            rest = self.check(s["unevaluatedProperties"])

            def unevaluated(x: Any, s: dict[str, Any] = s) -> bool:
                if not isinstance(x, dict):
                    return True
                seen = self.evaluated(s, x)
                return all(rest(v) for k, v in x.items() if k not in seen)

            checks.append(unevaluated)

    def _applicators(self, s: dict[str, Any], checks: list[Check]) -> None:
        if "$ref" in s:
            checks.append(self.check(self.resolve(s["$ref"])))
        if "allOf" in s:
            parts = tuple(self.check(sub) for sub in s["allOf"])
            checks.append(lambda x: all(p(x) for p in parts))
        if "anyOf" in s:
            options = tuple(self.check(sub) for sub in s["anyOf"])
            checks.append(lambda x: any(o(x) for o in options))
        if "oneOf" in s:
            choices = tuple(self.check(sub) for sub in s["oneOf"])
            checks.append(lambda x: sum(1 for c in choices if c(x)) == 1)
        if "not" in s:
            negated = self.check(s["not"])
            checks.append(lambda x: not negated(x))
        if "if" in s:
            condition = self.check(s["if"])
            then = self.check(s["then"]) if "then" in s else _always
            otherwise = self.check(s["else"]) if "else" in s else _always
            checks.append(lambda x: then(x) if condition(x) else otherwise(x))

    def evaluated(self, s: Any, x: dict[str, Any]) -> set[str]:
        """The properties of ``x`` that ``s`` evaluates, as jsonschema counts them for unevaluatedProperties
        (jsonschema._utils.find_evaluated_property_keys_by_schema)."""
        if not isinstance(s, dict):
            return set()
        keys: set[str] = set()
        if "$ref" in s:
            keys |= self.evaluated(self.resolve(s["$ref"]), x)
        properties = s.get("properties")
        if isinstance(properties, dict):
            keys |= properties.keys() & x.keys()
        for keyword in ("additionalProperties", "unevaluatedProperties"):
            if keyword in s:
                sub = self.check(s[keyword])
                keys.update(k for k, v in x.items() if sub(v))
        for keyword in ("allOf", "oneOf", "anyOf"):
            for sub_schema in s.get(keyword, ()):
                if self.check(sub_schema)(x):
                    keys |= self.evaluated(sub_schema, x)
        if "if" in s:
            if self.check(s["if"])(x):
                keys |= self.evaluated(s["if"], x)
                if "then" in s:
                    keys |= self.evaluated(s["then"], x)
            elif "else" in s:
                keys |= self.evaluated(s["else"], x)
        return keys


def _bounded(passes: Callable[[Any, Any], bool], bound: Any) -> Check:
    return lambda x: not _is_number(x) or passes(x, bound)


def _always(x: Any) -> bool:
    return True


def _never(x: Any) -> bool:
    return False


def compile_schema(schema: Mapping[str, Any]) -> Check:
    """A function telling whether a document is valid against ``schema`` (Draft 2020-12, local refs).

    Raises ``Unsupported`` when the schema needs something not implemented here.
    """
    compiler = _Compiler(schema)
    check = compiler.check(schema)
    _compile_all(compiler, schema)
    return check


def _compile_all(compiler: _Compiler, schema: Any) -> None:
    """Compile every definition now, so an unsupported keyword anywhere is found at once, not on the
    first document that happens to reach it."""
    if isinstance(schema, dict):
        for definition in schema.get("$defs", {}).values():
            compiler.check(definition)


def walk_schemas(schema: Any) -> Iterable[Any]:
    """Every subschema (for tests)."""
    yield schema
    if not isinstance(schema, dict):
        return
    for keyword in ("items", "additionalProperties", "unevaluatedProperties", "not", "if", "then", "else"):
        if keyword in schema:
            yield from walk_schemas(schema[keyword])
    for keyword in ("properties", "$defs"):
        for sub in schema.get(keyword, {}).values():
            yield from walk_schemas(sub)
    for keyword in ("allOf", "anyOf", "oneOf"):
        for sub in schema.get(keyword, []):
            yield from walk_schemas(sub)
