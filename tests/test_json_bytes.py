"""The results record's fast JSON path (orjson) gives exactly the bytes of the json module's path."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from kepu_inspect.core.text import dumps, dumps_utf8

# every character class a cell can bring: CJK, controls, bidi and zero-width marks, C1, quotes, escapes
HOSTILE = st.text(
    alphabet=st.one_of(
        st.characters(codec="utf-8", exclude_categories=("Cs",)),
        st.sampled_from(
            list('"\\/\x00\x01\x07\x08\t\n\x0b\x0c\r\x1b\x1f\x7f\x85\x9b\u00ad\u061c\u180e\u200b\u200f')
        ),
        st.sampled_from(list("\u2028\u2029\u202a\u202e\u2060\u206f\ufeff\ufff9\ufffb\ufffd考核得分自评分")),
    ),
    max_size=40,
)
LEAVES = st.one_of(st.none(), st.booleans(), st.integers(-(2**70), 2**70), HOSTILE)
DOCS = st.recursive(
    LEAVES,
    lambda inner: st.one_of(
        st.lists(inner, max_size=5),
        st.dictionaries(HOSTILE, inner, max_size=5),
        st.tuples(inner, inner),
    ),
    max_leaves=30,
)


@settings(max_examples=400, deadline=None)
@given(DOCS)
def test_fast_path_gives_the_json_module_bytes(doc: Any) -> None:
    assert dumps_utf8(doc) == dumps(doc, compact=True).encode("utf-8")


def test_unsafe_characters_are_escaped_on_either_path() -> None:
    for text in ("\u202e反向", "a\x7fb", "\x9b[31m", "\u2028", "\ufeff", "零宽\u200b", "\u00ad"):
        out = dumps_utf8({"k": text})
        assert text not in out.decode("utf-8")
        assert out == dumps({"k": text}, compact=True).encode("utf-8")


def test_what_orjson_refuses_goes_the_json_way() -> None:
    from collections import namedtuple
    from decimal import Decimal

    pair = namedtuple("pair", "a b")
    assert dumps_utf8({"p": pair(1, "甲")}) == dumps({"p": pair(1, "甲")}, compact=True).encode()
    assert dumps_utf8({1: "整数键"}) == dumps({1: "整数键"}, compact=True).encode()
    try:
        dumps_utf8({"d": Decimal("1.5")})
    except TypeError:
        pass
    else:
        raise AssertionError("a Decimal must be refused as json refuses it")
