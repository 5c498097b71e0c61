"""Property (issue 11): the safe reader's fast path (regular expressions over the bytes) reads exactly
what a full XML parse (expat) reads, on generated legal SpreadsheetML.

Both paths end in the one cell-interpretation function (xlsx_safe.interpret_cell); what is compared
here is everything before it — finding cells, their type, style, formula and value, entities, rich and
phonetic text, shared formulas, merges — and the cells it returns.
"""

from __future__ import annotations

from xml.sax.saxutils import escape, quoteattr

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kepu_inspect.adapters import xlsx_safe as X
from kepu_inspect.adapters.layout import col_letter

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
FORMATS = X.NumberFormats(dates=frozenset({3}), percents=frozenset({4, 5}))
STRINGS = ["是", "否", "科普日", "a&b", "<x>", "", "  空格  ", "第1项\n第2项"]

TEXT = st.text(
    alphabet=st.sampled_from([*list("科普活动方案 abc123&<>\"'\n\t"), "\u3000", "—", "％", "⑱"]),
    max_size=12,
)
NUMBER = st.one_of(
    st.integers(-(10**6), 10**6).map(str),
    st.floats(allow_nan=False, allow_infinity=False, width=64).map(repr),
    st.sampled_from(["0.85", "1E-3", "4.0", "-0", "12345678901234567"]),
)


def _t(text: str) -> str:
    """A <t> element: escaped (including characters the fast path decodes itself), spaces kept."""
    body = escape(text, {"\n": "&#10;", "\t": "&#9;", '"': "&quot;"})
    return f'<t xml:space="preserve">{body}</t>' if text != text.strip() or "\n" in text else f"<t>{body}</t>"


@st.composite
def cell_body(draw: st.DrawFn) -> tuple[str, str]:
    """(attributes after r=, inner XML) of one cell of a kind a spreadsheet program writes."""
    style = draw(st.sampled_from(["", ' s="0"', ' s="3"', ' s="4"', ' s="5"', ' s="12"']))
    kind = draw(
        st.sampled_from(
            [
                "number",
                "n",
                "shared",
                "inline",
                "rich",
                "phonetic",
                "str",
                "bool",
                "error",
                "formula",
                "formula-nocache",
                "external",
                "empty-v",
                "styled-empty",
            ]
        )
    )
    if kind == "number":
        return style, f"<v>{draw(NUMBER)}</v>"
    if kind == "n":
        return style + ' t="n"', f"<v>{draw(NUMBER)}</v>"
    if kind == "shared":
        return style + ' t="s"', f"<v>{draw(st.integers(0, len(STRINGS) - 1))}</v>"
    if kind == "inline":
        return style + ' t="inlineStr"', f"<is>{_t(draw(TEXT))}</is>"
    if kind == "rich":
        runs = draw(st.lists(TEXT, min_size=1, max_size=3))
        body = "".join(f'<r><rPr><sz val="11"/></rPr>{_t(r)}</r>' for r in runs)
        return ' t="inlineStr"', f"<is>{body}</is>"
    if kind == "phonetic":
        return (
            ' t="inlineStr"',
            f'<is>{_t(draw(TEXT))}<rPh sb="0" eb="1"><t>ケ</t></rPh><phoneticPr fontId="1"/></is>',
        )
    if kind == "str":
        return ' t="str"', f"<f>TEXT(1,&quot;0&quot;)</f><v>{escape(draw(TEXT))}</v>"
    if kind == "bool":
        return ' t="b"', f"<v>{draw(st.sampled_from(['0', '1', '2', 'true', 'FALSE']))}</v>"
    if kind == "error":
        return ' t="e"', f"<v>{draw(st.sampled_from(['#DIV/0!', '#N/A', '#REF!']))}</v>"
    if kind == "formula":
        return style, f"<f>SUM(A1:A3)&gt;0</f><v>{draw(NUMBER)}</v>"
    if kind == "formula-nocache":
        return style, draw(st.sampled_from(["<f>1/0</f>", "<f>1/0</f><v></v>", "<f>1/0</f><v/>"]))
    if kind == "external":
        return (
            style,
            f"<f>{escape(draw(st.sampled_from(['[1]Sheet1!A1', chr(39) + '[2]S 1' + chr(39) + '!B2', 'cmd|x!A0'])))}</f><v>1</v>",
        )
    if kind == "empty-v":
        return style, "<v></v>"
    return style, ""


@st.composite
def sheet_xml(draw: st.DrawFn) -> str:
    rows = draw(st.lists(st.integers(1, 40), min_size=1, max_size=8, unique=True))
    parts = []
    merges: list[str] = []
    shared_open = False
    for r in sorted(rows):
        cols = draw(st.lists(st.integers(1, 30), min_size=1, max_size=6, unique=True))
        cells = []
        for c in sorted(cols):
            ref = f"{col_letter(c)}{r}"
            attrs, inner = draw(cell_body())
            if draw(st.integers(0, 9)) == 0:  # a shared formula: its group's first cell, then a copy
                if not shared_open:
                    inner = f'<f t="shared" ref="{ref}:{col_letter(c)}{r + 50}" si="0">[1]Data!A1</f><v>2</v>'
                    shared_open = True
                else:
                    inner = '<f t="shared" si="0"/><v>3</v>'
            if draw(st.booleans()) and attrs:  # the same attributes, single-quoted and reordered
                pieces = [p for p in attrs.split(" ") if p]
                attrs = " " + " ".join(reversed([p.replace('"', "'") for p in pieces]))
            cells.append(f'<c r="{ref}"{attrs}/>' if not inner else f'<c r="{ref}"{attrs}>{inner}</c>')
        parts.append(f'<row r="{r}" spans="1:30">{"".join(cells)}</row>')
        if draw(st.integers(0, 4)) == 0:
            c = draw(st.integers(1, 28))
            merges.append(
                f"{col_letter(c)}{r}:{col_letter(c + draw(st.integers(0, 2)))}{r + draw(st.integers(0, 3))}"
            )
    merge_xml = (
        f'<mergeCells count="{len(merges)}">'
        + "".join(f"<mergeCell ref={quoteattr(m)}/>" for m in merges)
        + "</mergeCells>"
        if merges
        else ""
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{MAIN}" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        f'<sheetData>{"".join(parts)}</sheetData>{merge_xml}<pageMargins left="0.7"/></worksheet>'
    )


def _both(xml: str, columns: frozenset[str] | None) -> tuple[X.RawSheet | None, X.RawSheet]:
    data = xml.encode("utf-8")
    assert X._fast_ok(data)
    fast = X._fast_sheet(data, "s", "visible", STRINGS, FORMATS, [X.MAX_ELEMENTS], columns)
    full = X._keep_columns(X._sheet(data, "s", "visible", STRINGS, FORMATS, [X.MAX_ELEMENTS]), columns)
    return fast, full


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sheet_xml())
def test_fast_path_reads_what_a_full_parse_reads(xml: str) -> None:
    fast, full = _both(xml, None)
    assert fast is not None, "the fast path must take the plain form every writer produces"
    assert fast.cells == full.cells
    assert fast.rows == full.rows
    assert fast.merges == full.merges


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sheet_xml(), st.sets(st.sampled_from("ABCDGHJ"), min_size=1))
def test_fast_path_with_chosen_columns_reads_what_a_full_parse_keeps(xml: str, columns: set[str]) -> None:
    fast, full = _both(xml, frozenset(columns))
    assert fast is not None
    assert fast.cells == full.cells and fast.rows == full.rows


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sheet_xml())
def test_compared_columns_read_on_request_match_a_full_parse(xml: str) -> None:
    data = xml.encode("utf-8")
    fast = X._fast_sheet(
        data, "s", "visible", STRINGS, FORMATS, [X.MAX_ELEMENTS], frozenset("AG"), None, frozenset("CDE")
    )
    full = X._sheet(data, "s", "visible", STRINGS, FORMATS, [X.MAX_ELEMENTS])
    assert fast is not None and fast.stored is not None
    for ref, cell in full.cells.items():
        if ref[0] in "CDE" and ref[1].isdigit():
            assert fast.stored.get(ref) == cell, ref
            assert fast.stored.text(ref) == cell.text
            assert fast.stored.number(ref) == (cell.text if cell.kind == "number" else None)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sheet_xml(), st.sets(st.sampled_from("ABGHJ"), min_size=1), st.integers(1, 40))
def test_a_whole_row_with_chosen_columns_reads_what_a_full_parse_keeps(
    xml: str, columns: set[str], row: int
) -> None:
    data = xml.encode("utf-8")
    kept = frozenset(columns)
    fast = X._fast_sheet(
        data, "s", "visible", STRINGS, FORMATS, [X.MAX_ELEMENTS], kept, None, frozenset(), row
    )
    full = X._keep_columns(X._sheet(data, "s", "visible", STRINGS, FORMATS, [X.MAX_ELEMENTS]), kept, row)
    assert fast is not None and fast.cells == full.cells


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from([b"<", b"!", b"a", b"<!", b"!--", b"\xe9"]), max_size=20).map(b"".join))
def test_declaration_search_finds_exactly_what_a_substring_search_finds(data: bytes) -> None:
    assert X._declares(data) == (b"<!" in data)


_SST_ENTRIES = st.sampled_from(
    [
        "<si><t>考核</t></si>",
        '<si><t xml:space="preserve"> 2017年 </t></si>',
        "<si/>",
        "<si><r><t>第</t></r><r><rPr><b/></rPr><t>3</t></r><r><t>项</t></r></si>",
        "<si><t>A&amp;B</t></si>",
        "<si><t/></si>",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_SST_ENTRIES, max_size=12))
def test_shared_strings_fast_split_reads_what_an_xml_parser_reads(entries: list[str]) -> None:
    """The split at "<si>" is taken only for plain entries; any other form goes to the exact pattern."""
    from xml.etree.ElementTree import fromstring

    ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    xml = f'<sst xmlns="{ns}" count="{len(entries)}">{"".join(entries)}</sst>'
    expected = ["".join(t.text or "" for t in si.iter(f"{{{ns}}}t")) for si in fromstring(xml)]
    strings = X._LazyStrings(xml.encode())
    assert [strings[i] for i in range(len(strings))] == expected
