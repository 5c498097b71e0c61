"""Templates that print clean (issue 16): explicit row heights, page breaks chosen per item, a grand
total, titles and cover text from the rubric, gates named for what they are, the unit's own targets,
and lines that never start with closing punctuation. Checked in the saved workbook, then in a
LibreOffice rendering (PDF → pdftotext) for both shipped rubrics.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from kepu_inspect.adapters import layout as L
from kepu_inspect.adapters.rubric_file import load_rubric_text
from kepu_inspect.adapters.template_pages import Block, fit_scale, page_breaks, page_room
from kepu_inspect.adapters.template_writer import (
    TemplateBuilder,
    template_bytes,
    template_filename,
    wrap_text,
)
from kepu_inspect.core.linebreak import NO_LINE_START
from kepu_inspect.core.rubric import Rubric, Unit
from kepu_inspect.core.titles import form_title
from tests.conftest import MINI, ROOT

XINAN = ROOT / "rubrics" / "xinan-county-members-2018.yaml"
CLOSING = "，。、；：）」』"
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
PDFTOTEXT = shutil.which("pdftotext")


def _load(path: Path, text: str | None = None) -> Rubric:
    loaded = load_rubric_text(text if text is not None else path.read_text("utf-8"), path)
    assert loaded.rubric is not None, [p.message for p in loaded.problems]
    return loaded.rubric


def _items(rubric: Rubric, unit: Unit) -> Worksheet:
    return load_workbook(io.BytesIO(template_bytes(rubric, unit)))[L.ITEM_SHEET]


def _ids(ws: Worksheet) -> dict[str, int]:
    return {str(c.value): c.row for (c,) in ws.iter_rows(min_col=1, max_col=1) if c.value}


def _units(rubric: Rubric) -> list[Unit]:
    return [u for u in rubric.units if u.assessed]


@pytest.fixture(scope="module")
def xinan() -> Rubric:
    return _load(XINAN)


# --- pagination, as a pure function ------------------------------------------------------------------
def test_page_breaks_keep_runs_together_and_split_only_what_is_longer_than_a_page() -> None:
    blocks = [
        Block(5, 5, 20),  # a section heading …
        Block(6, 8, 100, join_prev=True),  # … joined to its first item's heading and first criterion
        Block(9, 9, 100, keep_prev=True),
        Block(10, 12, 150),  # item 2
        Block(13, 13, 20, join_prev=True),  # the section subtotal, never alone
        Block(14, 20, 700),  # an item longer than a page: its own criteria …
        Block(21, 22, 300, keep_prev=True),
        Block(23, 24, 40, join_prev=True),  # … and the totals and signatures with its last criterion
    ]
    # item 2 and the subtotal fit below item 1; the long item fills the rest of page 1, goes on on
    # page 2, and its last criterion with the totals takes page 3
    assert page_breaks(blocks, 400, 400) == [13, 20]
    # with less room, item 2 starts a new page rather than split, its subtotal with it
    assert page_breaks(blocks[:5], 250, 250) == [9]
    # everything fits: no break at all
    assert page_breaks(blocks[:3], 1000, 1000) == []


def test_fit_scale_and_room() -> None:
    widths = [w for col, _, w in L.COLUMNS if col != L.COL_ID]
    scale = fit_scale(widths)
    assert 0.9 < scale <= 1.0  # the columns nearly fill A4 landscape at 100 % in Excel
    assert 400 < page_room(scale) < 500
    assert fit_scale([500]) < 0.5


# --- the sheet as written ----------------------------------------------------------------------------
def _pages(ws: Worksheet) -> list[tuple[int, int]]:
    last = int(re.findall(r"\d+", str(ws.print_area).split(":")[-1])[0])
    starts = [L.FIRST_DATA_ROW] + [b.id + 1 for b in ws.row_breaks.brk]
    return [(s, (starts[i + 1] - 1) if i + 1 < len(starts) else last) for i, s in enumerate(starts)]


def _cases(pingdingshan: Rubric, xinan: Rubric, mini: Rubric) -> list[tuple[Rubric, Unit]]:
    return [(pingdingshan, u) for u in _units(pingdingshan)] + [
        (xinan, xinan.units[0]),
        (mini, mini.units[0]),
    ]


def test_every_printed_row_has_an_explicit_height(pingdingshan: Rubric, xinan: Rubric, mini: Rubric) -> None:
    for rubric, unit in _cases(pingdingshan, xinan, mini)[::7]:
        ws = _items(rubric, unit)
        last = _pages(ws)[-1][1]
        missing = [r for r in range(1, last + 1) if not ws.row_dimensions[r].height]
        assert not missing, (unit.name, missing)


def test_page_breaks_never_orphan_a_heading_split_a_criterion_or_leave_only_totals(
    pingdingshan: Rubric, xinan: Rubric, mini: Rubric
) -> None:
    for rubric, unit in _cases(pingdingshan, xinan, mini):
        ws = _items(rubric, unit)
        ids = _ids(ws)
        row_id = {r: rid for rid, r in ids.items()}
        pages = _pages(ws)
        assert len(pages) == len(ws.row_breaks.brk) + 1
        builder = TemplateBuilder(rubric, unit)
        builder.build()
        scale = fit_scale([w for col, _, w in L.COLUMNS if col != L.COL_ID])
        room = page_room(scale)
        heights = {r: ws.row_dimensions[r].height or 0 for r in range(1, pages[-1][1] + 1)}
        for n, (first, last) in enumerate(pages):
            top = sum(heights[r] for r in (1, 2)) if n == 0 else 0
            used = top + heights[3] + heights[4] + sum(heights[r] for r in range(first, last + 1))
            longest_item = max(
                sum(heights[r] for r in range(ids[a.item.id], _item_end(ids, a, row_id) + 1))
                for a in rubric.assignments(unit)
            )
            assert used <= room or longest_item > room, (unit.name, n, used, room)
            last_id = row_id.get(last, "")
            first_id = row_id.get(first, "")
            assert not last_id.startswith("T:"), (unit.name, "section heading at a page foot", last)
            assert not first_id.startswith(("S:", "G:")), (unit.name, "subtotal or gate heads a page", first)
            # never between an item's heading and its first criterion, nor inside a criterion's rows
            assert ":" not in first_id.partition(".")[2], (unit.name, "criterion continued", first_id)
            if first_id and not first_id.startswith("T:") and "." not in first_id:
                pass  # an item heading starts the page: fine
            if n == len(pages) - 1:  # the last page holds at least one criterion with the totals
                assert any("." in row_id.get(r, "") for r in range(first, last + 1)), unit.name
        for a in rubric.assignments(unit):
            head = ids[a.item.id]
            assert head not in {b.id for b in ws.row_breaks.brk}, (unit.name, a.item.id, "heading orphaned")


def _item_end(ids: dict[str, int], a: object, row_id: dict[int, str]) -> int:
    item = a.item  # type: ignore[attr-defined]
    rows = [r for rid, r in ids.items() if rid == item.id or rid.startswith(item.id + ".")]
    return max(rows)


def test_a_long_item_is_split_between_criteria_and_its_title_repeated(mini: Rubric) -> None:
    """An item longer than a page breaks between criteria; the continued part shows its number and
    title again (考核项目（续）), each part merged on its own page."""
    long_text = "很长的评分标准说明，" * 60
    text = (
        MINI.read_text("utf-8")
        .replace("text: 培训完成比例,", f"text: '{long_text}',")
        .replace("text: 志愿者队伍,", f"text: '{long_text}',")
    )
    rubric = _load(MINI, text)
    unit = rubric.find_unit("甲县")
    assert unit is not None
    ws = _items(rubric, unit)
    ids = _ids(ws)
    breaks = [b.id for b in ws.row_breaks.brk]
    inside = [b for b in breaks if ids["C1"] <= b < ids["C1.c"]]
    assert inside, breaks
    continued = inside[0] + 1
    assert ws[f"{L.COL_TITLE}{continued}"].value.replace("\n", "") == "科普经费（续）"
    merged = {str(m) for m in ws.merged_cells.ranges}
    assert not any(
        m.startswith(f"{L.COL_TITLE}{ids['C1']}:") and int(m.split(":")[1][1:]) > inside[0] for m in merged
    )


def test_grand_total_row(pingdingshan: Rubric) -> None:
    county = pingdingshan.find_unit("宝丰县")
    dept = pingdingshan.find_unit("市教育局")
    assert county is not None and dept is not None
    ws = _items(pingdingshan, county)
    ids = _ids(ws)
    r = ids["S:total"]
    assert r == ids["S:bonus"] + 1
    assert ws[f"{L.COL_NO}{r}"].value == "总分（基本分＋加分）"
    assert ws[f"{L.COL_MAX}{r}"].value == 105  # 100 + the 5-point bonus cap
    assert ws[f"{L.COL_SELF}{r}"].value == f"=SUM(H{ids['S:base']},H{ids['S:bonus']})"
    ws = _items(pingdingshan, dept)  # departments are ranked on 得分率 × 100 + 加分
    ids = _ids(ws)
    r = ids["S:total"]
    assert "百分制" in ws[f"{L.COL_NO}{r}"].value and ws[f"{L.COL_MAX}{r}"].value == 105
    assert ws[f"{L.COL_SELF}{r}"].value.startswith(f"=ROUND(H{ids['S:base']}/")


def test_titles_and_file_names_come_from_the_rubric(pingdingshan: Rubric, xinan: Rubric) -> None:
    assert form_title(pingdingshan) == "平顶山市2017年全民科学素质工作目标责任自评表"
    assert form_title(xinan) == "新安县2018年度县直成员单位科普工作自评表"
    unit = xinan.units[0]
    wb = load_workbook(io.BytesIO(template_bytes(xinan, unit)))
    texts = [
        str(c.value)
        for name in (L.COVER_SHEET, L.ITEM_SHEET)
        for row in wb[name].iter_rows()
        for c in row
        if c.value
    ]
    assert not [t for t in texts if "全民科学素质" in t.replace(xinan.meta.issuer, "")]
    assert wb[L.COVER_SHEET]["B2"].value == wb[L.ITEM_SHEET]["B1"].value == form_title(xinan)
    assert template_filename(xinan, unit) == "2018年县教育局县直成员单位科普工作自评表.xlsx"
    # one name for the form everywhere: 自评表, never 自查自评表 or 考核自评表
    for rubric in (pingdingshan, xinan):
        wb = load_workbook(io.BytesIO(template_bytes(rubric, rubric.units[0])))
        joined = " ".join(
            str(c.value) for ws in wb.worksheets[:2] for row in ws.iter_rows() for c in row if c.value
        )
        assert "自查自评表" not in joined and "考核自评表" not in joined
        assert wb.properties.title.endswith("自评表")


def _cover_text(rubric: Rubric, unit: Unit) -> str:
    wb = load_workbook(io.BytesIO(template_bytes(rubric, unit)))
    return " ".join(str(c.value) for row in wb[L.COVER_SHEET].iter_rows() for c in row if c.value)


def test_cover_speaks_of_the_rubrics_own_gates(pingdingshan: Rubric, xinan: Rubric) -> None:
    text = _cover_text(pingdingshan, pingdingshan.units[0])
    assert "经查实存在弄虚作假的，考核等次直接定为不合格。" in text.replace("\n", "")
    assert "扣2分" in text
    text = _cover_text(xinan, xinan.units[0]).replace("\n", "")
    assert "直接定为“差”" in text and "不合格" not in text  # worded from this rubric's gate
    no_gates = _load(
        MINI,
        MINI.read_text("utf-8").replace(
            "gates:\n  - {id: fraud, name: 弄虚作假, grade: 不合格}\n", "gates: []\n"
        ),
    )
    assert not no_gates.gates
    text = _cover_text(no_gates, no_gates.units[0])
    assert "弄虚作假" not in text and "不合格" not in text and "否决" not in text


def test_veto_rows_only_for_real_gates(pingdingshan: Rubric) -> None:
    unit = pingdingshan.units[0]
    ws = _items(pingdingshan, unit)
    ids = _ids(ws)
    fraud = ws[f"{L.COL_NO}{ids['G:fraud']}"].value.replace("\n", "")
    late = ws[f"{L.COL_NO}{ids['G:late']}"].value.replace("\n", "")
    assert fraud.startswith("否决事项：弄虚作假")
    assert late.startswith("扣分事项：未按时报送") and "否决" not in late


def test_unit_targets_are_shown_next_to_the_criterion(mini: Rubric) -> None:
    """C1.a: 人均科普经费 ≥ 1 万元 × population; 甲县 has 50, 乙区 20."""
    for name, target in (("甲县", "≥50万元"), ("乙区", "≥20万元")):
        unit = mini.find_unit(name)
        assert unit is not None
        ws = _items(mini, unit)
        cell = ws[f"{L.COL_TEXT}{_ids(ws)['C1.a']}"].value
        assert f"（本单位目标：{target}）" in cell.replace("\n", ""), cell
        assert "本单位目标" not in ws[f"{L.COL_TEXT}{_ids(ws)['C1.b']}"].value  # a fixed target: no line


@pytest.mark.parametrize(
    "text",
    [
        "扣分事项：未按时报送（未在规定时间（2017年12月20日前）报送自评表和佐证材料的，扣2分）",
        "无工作计划的扣2分，无总结的扣1分。每少一次扣0.5分，扣完为止；" * 3,
        "请于 2017-12-20 前将本表电子版（.xlsx）和签字盖章的纸质版报送平顶山市全民科学素质工作领导小组办公室。",
        "一二三四五六七八九十一二三四五六七八九十、（甲）",
    ],
)
@pytest.mark.parametrize("width", [16, 46, 64])
def test_wrapped_lines_respect_line_start_and_end_rules(text: str, width: int) -> None:
    wrapped = wrap_text(text, width)
    assert re.sub(r"\s", "", wrapped) == re.sub(r"\s", "", text)
    for line in wrapped.split("\n")[1:]:
        assert line and line[0] not in NO_LINE_START, (line, wrapped)
    for line in wrapped.split("\n")[:-1]:
        assert line[-1] not in "（「『《“", (line, wrapped)
        assert sum(1 if c.isascii() else 2 for c in line) <= width  # fits the column


def test_no_text_we_wrap_starts_a_line_with_closing_punctuation(
    pingdingshan: Rubric, xinan: Rubric, mini: Rubric
) -> None:
    for rubric, unit in _cases(pingdingshan, xinan, mini)[::5]:
        wb = load_workbook(io.BytesIO(template_bytes(rubric, unit)))
        for ws in wb.worksheets[:2]:
            for row in ws.iter_rows():
                for c in row:
                    if isinstance(c.value, str) and "\n" in c.value:
                        bad = [ln for ln in c.value.split("\n")[1:] if ln[:1] and ln[0] in CLOSING]
                        assert not bad, (unit.name, c.coordinate, c.value)


# --- LibreOffice rendering -----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def rendered(
    tmp_path_factory: pytest.TempPathFactory, pingdingshan: Rubric, xinan: Rubric
) -> dict[str, object]:
    if SOFFICE is None or PDFTOTEXT is None:
        pytest.skip("LibreOffice and pdftotext are needed; .ci/run installs them")
    root = tmp_path_factory.mktemp("print")
    cases = {
        "baofeng": (pingdingshan, pingdingshan.find_unit("宝丰县")),
        "jiaoyu": (pingdingshan, pingdingshan.find_unit("市教育局")),
        "kexie": (pingdingshan, pingdingshan.find_unit("市科协")),
        "xinan": (xinan, xinan.units[0]),
    }
    for key, (rubric, unit) in cases.items():
        assert unit is not None
        (root / f"{key}.xlsx").write_bytes(template_bytes(rubric, unit))
    profile = root / "profile"
    cmd = [
        SOFFICE,
        f"-env:UserInstallation={profile.as_uri()}",
        "--headless",
        "--norestore",
        "--convert-to",
        "pdf",
    ]
    result = subprocess.run(
        [*cmd, "--outdir", str(root), *(str(root / f"{k}.xlsx") for k in cases)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return {"root": root, "cases": cases}


def _pdf_pages(path: Path) -> list[str]:
    assert PDFTOTEXT is not None
    out = subprocess.run(
        [PDFTOTEXT, "-raw", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True
    )
    return out.stdout.decode("utf-8").split("\f")[:-1]


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.mark.libreoffice
@pytest.mark.parametrize("key", ["baofeng", "jiaoyu", "kexie", "xinan"])
def test_rendered_pages_break_where_the_writer_put_them(rendered: dict[str, object], key: str) -> None:
    """LibreOffice adds no page break of its own (its pages are the writer's), and no page holds a
    criterion whose item heading is on an earlier page: each criterion printed shares its page with its
    item's title (or the title's continuation)."""
    root = rendered["root"]
    rubric, unit = rendered["cases"][key]  # type: ignore[index]
    assert isinstance(root, Path)
    pages = _pdf_pages(root / f"{key}.pdf")
    ws = _items(rubric, unit)
    assert len(pages) == 1 + len(ws.row_breaks.brk) + 1  # the cover, then the item sheet's pages
    for number, page in enumerate(pages[1:], start=2):
        flat = _squeeze(page)
        for a in rubric.assignments(unit):
            for crit in a.item.criteria:
                if _squeeze(crit.text) in flat:
                    assert _squeeze(a.item.title) in flat, (key, number, a.item.id, crit.id)
    last = _squeeze(pages[-1])
    assert "签字" in last and any(
        _squeeze(c.text) in last for a in rubric.assignments(unit) for c in a.item.criteria
    )


@pytest.mark.libreoffice
@pytest.mark.parametrize("key", ["baofeng", "xinan"])
def test_rendered_lines_never_start_with_closing_punctuation(rendered: dict[str, object], key: str) -> None:
    root = rendered["root"]
    assert isinstance(root, Path)
    for page in _pdf_pages(root / f"{key}.pdf"):
        for line in page.split("\n"):
            stripped = line.strip()
            assert not stripped or stripped[0] not in CLOSING, (key, stripped)


# --- issue 14: units' templates hold only the unit's part ------------------------------------------------
def _setting(value: str) -> Rubric:
    text = re.sub(r"(?m)^  verification: .*\n", "", MINI.read_text("utf-8"))  # one key, stated here
    return _load(MINI, text.replace("  bonus_cap: 3\n", f"  bonus_cap: 3\n  verification: {value}\n"))


@pytest.mark.parametrize("value", ["separate", "in_submission"])
def test_inspector_cells_follow_the_verification_setting(value: str) -> None:
    rubric = _setting(value)
    for unit in rubric.assessed_units():
        wb = load_workbook(io.BytesIO(template_bytes(rubric, unit)))
        ws = wb[L.ITEM_SHEET]
        ids = _ids(ws)
        inspector = [f"{L.COL_OPINION}{ids[a.item.id]}" for a in rubric.assignments(unit)]
        inspector += [
            f"{L.COL_VERIFIED}{ids[L.criterion_uid(a.item.id, c)]}"
            for a in rubric.assignments(unit)
            for c in a.item.criteria
        ]
        inspector += [
            f"{col}{ids['G:' + g.id]}" for g in rubric.gates for col in (L.COL_VERIFIED, L.COL_OPINION)
        ]
        covered = {
            ws.cell(row=r, column=c).coordinate
            for dv in ws.data_validations.dataValidation
            for rng in dv.sqref.ranges
            for r, c in rng.cells
        }
        assert covered
        for ref in inspector:
            cell = ws[ref]
            if value == "in_submission":  # today's one-file flow: blue, open, with prompts
                assert cell.protection.locked is False and cell.fill.fgColor.rgb.endswith("E8F0FB"), ref
                assert ref in covered, ref
            else:  # locked, greyed, no prompt: the team records its verdict in its own workbook
                assert cell.protection.locked is not False, ref
                assert cell.fill.fgColor.rgb.endswith("EDEDED"), ref
                assert ref not in covered, ref
        assert ws[f"{L.COL_VERIFIED}3"].value == "由督导检查组填写"
        # the unit's own inputs stay open either way
        for a in rubric.assignments(unit):
            for c in a.item.criteria:
                assert ws[f"{L.COL_SELF}{ids[L.criterion_uid(a.item.id, c)]}"].protection.locked is False
        cover = " ".join(str(c.value) for row in wb[L.COVER_SHEET].iter_rows() for c in row if c.value)
        assert ("（蓝色）由督导检查组填写" in cover) == (value == "in_submission")
        assert ("单位无需填写（已锁定）" in cover.replace("\n", "")) == (value == "separate")


def test_separate_verification_keeps_the_unit_formula_free_in_the_inspector_columns() -> None:
    """Under ``separate`` the 核定分 totals are not formulas a unit could see filled: blank, grey."""
    rubric = _setting("separate")
    unit = rubric.assessed_units()[0]
    ws = _items(rubric, unit)
    ids = _ids(ws)
    for rid in ("S:base", "S:bonus", "S:total", rubric.assignments(unit)[0].item.id):
        if rid in ids:
            assert ws[f"{L.COL_VERIFIED}{ids[rid]}"].value is None, rid
            assert isinstance(ws[f"{L.COL_SELF}{ids[rid]}"].value, str), rid  # the unit's own total stays
