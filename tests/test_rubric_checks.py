"""Every semantic check on a broken rubric, all problems at once, with YAML lines; schema; CLI exit codes."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kepu_inspect.adapters.rubric_file import load_rubric, load_rubric_text, schema, validate_document
from kepu_inspect.cli.app import app
from tests.conftest import MINI

TEXT = MINI.read_text("utf-8")
runner = CliRunner()

# (name, old text, new text, expected code) — each a single realistic mistake in the mini rubric
MUTATIONS = [
    ("duplicate unit id", "{id: J, name: 市教育局", "{id: K, name: 市教育局", "RB002"),
    ("duplicate item id", "      - id: C2\n", "      - id: C1\n", "RB002"),
    (
        "criteria do not add up",
        "points: 4, rule: {kind: threshold",
        "points: 5, rule: {kind: threshold",
        "RB003",
    ),
    (
        "section points wrong",
        "    points: 20\n    items:\n      - id: C1",
        "    points: 25\n    items:\n      - id: C1",
        "RB004",
    ),
    ("group total wrong", "kind: county, total: 20}", "kind: county, total: 30}", "RB005"),
    (
        "unknown unit",
        "applies_to: [{leads: youth, weight: 1.5}, 市科协]",
        "applies_to: [{leads: youth, weight: 1.5}, 市科委]",
        "RB006",
    ),
    (
        "unknown group",
        "applies_to: [{group: county}]\n        evidence",
        "applies_to: [{group: 区县}]\n        evidence",
        "RB006",
    ),
    ("unknown lead", "leads: [市教育局]", "leads: [市教委]", "RB006"),
    ("tiers overlap", "{gte: 200, lt: 600, points: 2}", "{gte: 200, lte: 600, points: 2}", "RB007"),
    ("tiers gap", "{gte: 50, lt: 200, points: 1}", "{gte: 50, lt: 150, points: 1}", "RB007"),
    ("grade gap", "{name: 良好, gte: 80, lt: 90}", "{name: 良好, gte: 81, lt: 90}", "RB008"),
    ("grade overlap", "{name: 合格, gte: 60, lt: 80}", "{name: 合格, gte: 60, lte: 80}", "RB008"),
    (
        "assessed unit without items",
        "  - {id: Z, name: 丙区, group: county, assessed: false}",
        "  - {id: Z, name: 丙区, group: county, assessed: false}\n  - {id: Y, name: 丁镇, group: zone}",
        "RB009",
    ),
    ("level without value", "{name: 一般, points: 1}", "{name: 一般}", "RB010"),
    (
        "missing parameter",
        "{id: B, name: 乙区, group: county, params: {population: 20}}",
        "{id: B, name: 乙区, group: county}",
        "RB011",
    ),
    ("alias used twice", "aliases: [测试市科学技术协会]", "aliases: [市教育局]", "RB014"),
    (
        "gate grade unknown",
        "{id: fraud, name: 弄虚作假, grade: 不合格}",
        "{id: fraud, name: 弄虚作假, grade: 差}",
        "RB015",
    ),
    ("level above points", "{name: 一般, points: 1}", "{name: 一般, points: 5}", "RB013"),
    (
        "checklist does not add up",
        "{label: 开展科技活动周, points: 2}",
        "{label: 开展科技活动周, points: 3}",
        "RB013",
    ),
    ("n of m needs too many", "need: 3, conditions", "need: 5, conditions", "RB013"),
    ("unknown field", "evidence: 财政预算文件", "evidense: 财政预算文件", "RB001"),
    (
        "wrong type",
        "points: 10\n        applies_to: [{group: county}]\n        evidence",
        "points: 十分\n        applies_to: [{group: county}]\n        evidence",
        "RB001",
    ),
    ("unknown rule kind", "rule: {kind: discretionary}", "rule: {kind: bonus}", "RB001"),
]


def _mutate(text: str, old: str, new: str) -> str:
    text = text.replace(old, new, 1)
    if "group: zone" in new:  # the unit needs a group of its own that no item applies to
        text = text.replace("groups:\n", "groups:\n  - {id: zone, name: 功能区}\n", 1)
    return text


def test_mini_rubric_is_valid() -> None:
    loaded = load_rubric(MINI)
    assert loaded.problems == []
    assert loaded.rubric is not None and loaded.rubric.content_hash


@pytest.mark.parametrize(("name", "old", "new", "code"), MUTATIONS, ids=[m[0] for m in MUTATIONS])
def test_each_mistake_is_reported_with_its_line(name: str, old: str, new: str, code: str) -> None:
    assert old in TEXT, f"mutation {name!r} no longer matches the mini rubric"
    broken = _mutate(TEXT, old, new)
    loaded = load_rubric_text(broken, Path("broken.yaml"))
    codes = [p.code.name for p in loaded.problems]
    assert code in codes, (name, [(p.code.name, p.message) for p in loaded.problems])
    assert loaded.rubric is None or all(p.severity.value != "error" for p in loaded.problems)
    hit = next(p for p in loaded.problems if p.code.name == code)
    assert hit.line is not None and hit.path and hit.file == "broken.yaml"
    changed_line = broken[: broken.index(new)].count("\n") + 1
    assert abs(hit.line - changed_line) <= 12, (hit.line, changed_line, hit.path)


def test_five_mistakes_reported_together_with_lines() -> None:
    picks = ["criteria do not add up", "unknown unit", "tiers gap", "grade gap", "level without value"]
    broken = TEXT
    for m in MUTATIONS:
        if m[0] in picks:
            broken = broken.replace(m[1], m[2], 1)
    loaded = load_rubric_text(broken, Path("five.yaml"))
    codes = {p.code.name for p in loaded.problems}
    assert {"RB003", "RB006", "RB007", "RB008", "RB010"} <= codes
    assert all(p.line for p in loaded.problems)


def test_cli_check_exit_codes(tmp_path: Path) -> None:
    good = runner.invoke(app, ["rubric", "check", str(MINI)])
    assert good.exit_code == 0, good.output
    bad_file = tmp_path / "bad.yaml"
    bad_file.write_text(TEXT.replace(MUTATIONS[2][1], MUTATIONS[2][2]), "utf-8")
    bad = runner.invoke(app, ["rubric", "check", str(bad_file)])
    assert bad.exit_code == 1 and "RB003" in bad.output
    missing = runner.invoke(app, ["rubric", "check", str(tmp_path / "nope.yaml")])
    assert missing.exit_code == 2
    usage = runner.invoke(app, ["rubric", "check"])
    assert usage.exit_code == 2


def test_cli_check_json_lists_every_problem(tmp_path: Path) -> None:
    bad_file = tmp_path / "bad.yaml"
    bad_file.write_text(
        TEXT.replace(MUTATIONS[2][1], MUTATIONS[2][2]).replace(MUTATIONS[9][1], MUTATIONS[9][2]), "utf-8"
    )
    result = runner.invoke(app, ["rubric", "check", str(bad_file), "--format", "json"])
    data = json.loads(result.stdout)
    assert {d["code"] for d in data} >= {"RB003", "RB007"}
    assert all(d["line"] for d in data)


def test_yaml_syntax_error_has_a_line(tmp_path: Path) -> None:
    loaded = load_rubric_text("rubric:\n  id: x\n  title: [unclosed\n", Path("x.yaml"))
    assert loaded.problems[0].code.name == "RB012" and loaded.problems[0].line


def test_json_rubric_accepted(tmp_path: Path) -> None:
    import yaml

    doc = yaml.safe_load(TEXT)
    doc["rubric"]["deadline"] = str(doc["rubric"]["deadline"])
    target = tmp_path / "mini.json"
    target.write_text(json.dumps(doc, ensure_ascii=False, indent=1), "utf-8")
    loaded = load_rubric(target)
    assert loaded.problems == [] and loaded.rubric is not None


def test_content_hash_ignores_comments_and_key_order() -> None:
    a = load_rubric_text(TEXT, Path("a.yaml")).rubric
    b = load_rubric_text("# 注释\n" + TEXT, Path("b.yaml")).rubric
    assert a is not None and b is not None and a.content_hash == b.content_hash
    c = load_rubric_text(TEXT.replace("title: 科普经费", "title: 科普专项经费"), Path("c.yaml")).rubric
    assert c is not None and c.content_hash != a.content_hash
    assert c.structure_fingerprint() == a.structure_fingerprint()  # wording only


def test_schema_is_valid_json_schema_and_printed() -> None:
    from jsonschema import Draft202012Validator

    Draft202012Validator.check_schema(schema())
    result = runner.invoke(app, ["rubric", "schema"])
    assert result.exit_code == 0 and json.loads(result.stdout)["title"].startswith("kepu-inspect")


def test_schema_errors_are_chinese() -> None:
    problems = validate_document({"rubric": {}, "groups": [], "units": [], "sections": [], "grades": []})
    assert problems and all(p.code.name == "RB001" for p in problems)
    assert any("缺少必填项" in p.message for p in problems)


@pytest.mark.parametrize("value", [".nan", ".inf", "-.inf", ".NaN"])
def test_nan_and_infinity_are_refused_with_their_line(value: str) -> None:
    """JSON Schema takes YAML's .nan/.inf as numbers; no score can be compared with them."""
    broken = _mutate(TEXT, "  bonus_cap: 3", f"  bonus_cap: {value}")
    loaded = load_rubric_text(broken, Path("nan.yaml"))
    assert loaded.rubric is None
    (hit,) = loaded.problems
    assert hit.code.name == "RB001" and ".nan" in hit.message and hit.path == "scoring.bonus_cap"
    assert hit.line == broken[: broken.index(value)].count("\n") + 1


def test_max_base_survives_pickling_with_every_unit() -> None:
    """Derived caches travel with the rubric to spawned workers: they must not be keyed by object ids."""
    import pickle

    rubric = load_rubric(MINI).rubric
    assert rubric is not None
    expected = {u.id: rubric.max_base(u) for u in rubric.units}
    for _ in range(20):
        back = pickle.loads(pickle.dumps(rubric))
        assert {u.id: back.max_base(u) for u in back.units} == expected


# --- scoring.verification (issue 14): who records the verified scores, and where -----------------------
def test_verification_defaults_to_separate_and_shipped_rubrics_state_it() -> None:
    from tests.conftest import ROOT

    undeclared = re.sub(r"(?m)^  verification: .*\n", "", MINI.read_text("utf-8"))
    mini = load_rubric_text(undeclared, MINI).rubric
    assert mini is not None and mini.settings.verification == "separate"
    for name, mode in (
        ("pingdingshan-2017.yaml", "separate"),
        ("xinan-county-members-2018.yaml", "in_submission"),
    ):
        path = ROOT / "rubrics" / name
        assert f"verification: {mode}" in path.read_text("utf-8")  # stated, not defaulted
        rubric = load_rubric(path).rubric
        assert rubric is not None and rubric.settings.verification == mode


@pytest.mark.parametrize("value", ["in_submission", "separate"])
def test_verification_values_are_accepted(value: str) -> None:

    text = re.sub(r"(?m)^  verification: .*\n", "", MINI.read_text("utf-8"))
    text = text.replace("  bonus_cap: 3\n", f"  bonus_cap: 3\n  verification: {value}\n")
    loaded = load_rubric_text(text, MINI)
    assert loaded.rubric is not None and loaded.rubric.settings.verification == value


def test_an_unknown_verification_value_is_refused() -> None:

    text = re.sub(r"(?m)^  verification: .*\n", "", MINI.read_text("utf-8"))
    text = text.replace("  bonus_cap: 3\n", "  bonus_cap: 3\n  verification: inspectors\n")
    loaded = load_rubric_text(text, MINI)
    assert loaded.rubric is None
    assert [p.code.name for p in loaded.problems] == ["RB001"]
