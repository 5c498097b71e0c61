"""``rubric check`` tells a clerk what is left (issue 17): placeholders, nobody assessed, items that reach
nobody, empty groups, units off their group's maximum — all at once, with lines, schema errors included."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from kepu_inspect.adapters.rubric_file import load_rubric, load_rubric_text
from kepu_inspect.cli.app import app
from kepu_inspect.core.rubric_salvage import safe_salvage, tokens
from kepu_inspect.services.plan_import import import_plan
from tests.conftest import DATA, MINI

TEXT = MINI.read_text("utf-8")
runner = CliRunner()


def codes_of(text: str) -> list[str]:
    return [p.code.name for p in load_rubric_text(text, Path("t.yaml")).problems]


def test_the_imported_skeleton_lists_its_placeholders_and_its_empty_county_group(tmp_path: Path) -> None:
    """The issue's first finding: the skeleton of the seed plan was greeted with “格式正确”."""
    result = import_plan(DATA / "seed" / "pingdingshan-2017-work-points.txt")
    path = tmp_path / "skeleton.yaml"
    path.write_text(result.yaml_text, "utf-8")
    loaded = load_rubric(path)
    codes = [p.code.name for p in loaded.problems]
    assert loaded.rubric is not None  # still usable: these are warnings
    assert codes.count("RB017") >= 66  # every TODO and 待填写 line, each with its line number
    assert "RB031" in codes  # 县（市、区）: items apply to the group, but no county is listed
    placeholders = [p for p in loaded.problems if p.code.name == "RB017"]
    lines = result.yaml_text.splitlines()
    assert all(
        p.line and ("TODO" in lines[p.line - 1] or "待" in lines[p.line - 1] or "某某" in lines[p.line - 1])
        for p in placeholders
    )
    assert [p.line for p in loaded.problems] == sorted(p.line or 0 for p in loaded.problems)
    check = runner.invoke(app, ["rubric", "check", str(path)])
    assert check.exit_code == 0  # warnings only
    assert "还需处理" in check.output and "RB017" in check.output and "格式正确" not in check.output


def test_a_quoted_placeholder_word_in_an_explanation_is_not_one() -> None:
    text = "# 凡标有“TODO 待编辑”之处都需要修改\n" + TEXT
    assert "RB017" not in codes_of(text)
    assert codes_of(TEXT.replace("title: 测试市", "title: 待填写测试市", 1)).count("RB017") == 1


def test_nobody_assessed_is_said_and_template_says_why_it_wrote_nothing(tmp_path: Path) -> None:
    text = TEXT
    for unit in (
        "{id: A, name: 甲县, group: county",
        "{id: B, name: 乙区, group: county",
        "{id: K, name: 市科协, group: dept",
        "{id: J, name: 市教育局, group: dept",
    ):
        text = text.replace(unit, unit + ", assessed: false", 1)
    assert "RB018" in codes_of(text)
    path = tmp_path / "nobody.yaml"
    path.write_text(text, "utf-8")
    out = tmp_path / "forms"
    result = runner.invoke(app, ["template", str(path), "-o", str(out)])
    assert result.exit_code == 1
    assert "没有生成自评表" in result.output and "assessed" in result.output
    assert not out.exists() or not any(out.iterdir())


def test_an_item_that_reaches_nobody_is_named() -> None:
    text = TEXT.replace(
        "  - {id: Z, name: 丙区, group: county, assessed: false}",
        "  - {id: Z, name: 丙区, group: county, assessed: false}\n  - {id: Q, name: 丁局, group: dept, assessed: false}",
    ).replace("applies_to: [{leads: youth, weight: 1.5}, 市科协]", "applies_to: [丁局]")
    loaded = load_rubric_text(text, Path("t.yaml"))
    hits = [p for p in loaded.problems if p.code.name == "RB019"]
    assert len(hits) == 1 and "青少年行动" in hits[0].message and hits[0].line


def test_schema_errors_no_longer_hide_the_semantic_ones() -> None:
    # a schema error in one criterion (a typo in a key) and a wrong sum in another item
    broken = (
        TEXT.replace("evidence: 财政预算文件", "evidense: 财政预算文件", 1)
        .replace(
            "{id: a, text: 开展科普日、科技周, points: 4,", "{id: a, text: 开展科普日、科技周, points: 5,", 1
        )
        .replace("{name: 良好, gte: 80, lt: 90}", "{name: 良好, gte: 81, lt: 90}", 1)
    )
    loaded = load_rubric_text(broken, Path("t.yaml"))
    codes = [p.code.name for p in loaded.problems]
    assert "RB001" in codes  # the typo
    assert "RB013" in codes or "RB003" in codes  # the checklist's sum, found despite the typo
    assert "RB008" in codes  # the grade gap, likewise
    assert all(p.line for p in loaded.problems)
    sums = [p for p in loaded.problems if p.code.name in ("RB003", "RB013")]
    assert all(p.path and p.path.startswith("sections[1].items[0]") for p in sums)  # D1, where it is


def test_a_semantic_problem_after_a_cut_entry_keeps_its_place_in_the_file() -> None:
    # the first unit is broken (cut); the third refers to an unknown group: its index stays 2
    broken = TEXT.replace(
        "{id: A, name: 甲县, group: county, params: {population: 50}}",
        "{id: A, name: 甲县, group: county, params: {population: 五十}}",
        1,
    )
    broken = broken.replace("{id: K, name: 市科协, group: dept,", "{id: K, name: 市科协, group: nogroup,", 1)
    loaded = load_rubric_text(broken, Path("t.yaml"))
    got = {(p.code.name, p.path) for p in loaded.problems}
    assert ("RB006", "units[2].group") in got
    assert any(code == "RB001" and path.startswith("units[0]") for code, path in got)


def test_salvage_maps_paths_back_and_gives_up_on_a_broken_frame() -> None:
    doc = {"sections": [{"items": [1, 2, 3]}], "units": [{"a": 1}, {"b": 2}, {"c": 3}]}
    found = safe_salvage(doc, ["units[1].name"])
    assert found is not None
    assert found.doc["units"] == [{"a": 1}, {"c": 3}]
    assert found.original("units[1].group") == "units[2].group"
    assert found.touches("units[1]") and not found.touches("units[2]")
    assert safe_salvage(doc, ["(根)"]) is None  # a required top-level part is missing
    assert tokens("sections[0].items[3].points") == ["sections", 0, "items", 3, "points"]


def test_units_off_the_declared_unit_total_are_all_listed() -> None:
    text = TEXT.replace("kind: county, total: 20}", "kind: county, items_total: 20, unit_total: 25}")
    loaded = load_rubric_text(text, Path("t.yaml"))
    assert [p.code.name for p in loaded.problems] == ["RB020", "RB020"]  # 甲县 and 乙区 at once
    assert {p.unit or p.message for p in loaded.problems} and all(p.line for p in loaded.problems)


def test_salvage_gives_up_when_a_cut_empties_every_section() -> None:
    """The only criterion has a schema error: cutting it empties its item, then the item its section,
    then the top-level list — nothing is left to check, which is an answer, not an IndexError."""
    doc = {"rubric": {}, "sections": [{"id": "s", "items": [{"id": "i", "criteria": [{"id": "a"}]}]}]}
    assert (
        safe_salvage({**doc, "units": [], "groups": []}, ["sections[0].items[0].criteria[0].points"]) is None
    )
