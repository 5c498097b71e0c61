"""Line breaking we do ourselves (core.linebreak): 避头尾 for every text the tool wraps for print."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from kepu_inspect.core.linebreak import NO_LINE_END, NO_LINE_START, wrap_text

CLOSING = "，。、；：）」』”’"


def test_closing_bracket_before_punctuation_is_not_left_to_start_a_line() -> None:
    """ "…须满足3项），达到要求" once wrapped to "…须满足3项\n），达到要求" (the 核查 reason of the example)."""
    text = "自评3分，督导检查组核定2.67分（3名督导检查人员的平均分）；按填报数据：满足5项（共5项，须满足3项），达到要求，得3分"
    wrapped = wrap_text(text, 36)
    assert wrapped.replace("\n", "") == text
    for line in wrapped.split("\n"):
        assert line[0] not in CLOSING, wrapped
    assert "2.67" in wrapped  # a number is never split


def test_a_closing_quote_after_a_bracket_goes_with_its_text() -> None:
    text = (
        "实现科普资源精准推送“进村（社区），入户，到人”，将科普信息化工程打造为覆盖城乡、普惠共享的民生工程。"
    )
    for width in range(12, 50):
        for line in wrap_text(text, width).split("\n"):
            assert line[0] not in CLOSING, (width, line)


_WORD = st.one_of(
    st.text(alphabet="科普经费保障活动检查资料单位项目", min_size=1, max_size=4),
    st.from_regex(r"[0-9]{1,4}(\.[0-9]{1,2})?", fullmatch=True),
)
_PUNCT = st.sampled_from(["", "", "，", "。", "、", "；", "）", "），", "”，", "：", "（"])


@settings(max_examples=300, deadline=None)
@given(parts=st.lists(st.tuples(_WORD, _PUNCT), min_size=1, max_size=40), width=st.integers(8, 60))
def test_no_wrapped_line_starts_with_closing_punctuation(parts: list[tuple[str, str]], width: int) -> None:
    text = "".join(word + punct for word, punct in parts)
    wrapped = wrap_text(text, width)
    assert wrapped.replace("\n", "") == text  # nothing lost, nothing added
    lines = wrapped.split("\n")
    for line in lines[1:]:
        assert line and line[0] not in NO_LINE_START, (text, width, wrapped)
    for line in lines[:-1]:
        assert line[-1] not in NO_LINE_END or len(line) == 1, (text, width, wrapped)
