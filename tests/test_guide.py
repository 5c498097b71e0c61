"""The Chinese guide's worked examples are true (issue 17): each 评分标准 sentence imports as the YAML
shown, the YAML builds, and the 计分示例 is what the rule gives for the inputs noted beside it; every
rule kind has an example."""

from __future__ import annotations

import json
import re
from decimal import Decimal

import pytest
import yaml

from kepu_inspect.core.criteria import parse_criterion
from kepu_inspect.core.rubric_build import build_rule
from kepu_inspect.core.rules import RULE_KINDS
from tests.conftest import ROOT

GUIDE = ROOT / "docs" / "考核细则编写指南.md"
_EXAMPLE = re.compile(
    r"^> (?P<sentence>.+?)\n\n```yaml\n(?P<yaml>.+?)```\n.*?<!-- example: (?P<meta>\{.+?\}) -->\n计分示例：(?P<reason>.+?)$",
    re.S | re.M,
)


def examples() -> list[dict[str, str]]:
    return [m.groupdict() for m in _EXAMPLE.finditer(GUIDE.read_text("utf-8"))]


def _values(raw: dict[str, object]) -> dict[str, object]:
    return {
        k: (Decimal(v) if isinstance(v, str) and re.fullmatch(r"-?\d+(\.\d+)?", v) else v)
        for k, v in raw.items()
    }


def test_the_guide_has_an_example_of_every_rule_kind() -> None:
    found = examples()
    kinds = {yaml.safe_load(e["yaml"])["criteria"][0]["rule"]["kind"] for e in found}
    assert kinds == set(RULE_KINDS)
    assert len(found) >= len(RULE_KINDS)


@pytest.mark.parametrize("example", examples(), ids=lambda e: e["sentence"][:12])
def test_each_example_imports_builds_and_scores_as_written(example: dict[str, str]) -> None:
    meta = json.loads(example["meta"])
    criterion = yaml.safe_load(example["yaml"])["criteria"][0]
    rule = build_rule(criterion["rule"])
    parsed = parse_criterion(example["sentence"], meta["context"])
    assert parsed is not None and parsed.rule == rule
    assert criterion["text"] == example["sentence"]
    points = Decimal(meta["points"])
    if "points" in criterion:
        assert Decimal(str(criterion["points"])) == points
    outcome = rule.evaluate(points, _values(meta["values"]), {})
    assert outcome.reason == example["reason"].strip()


def test_the_guide_names_the_commands_it_teaches() -> None:
    text = GUIDE.read_text("utf-8")
    for command in ("rubric import", "rubric export", "rubric check", "--plan", "--units"):
        assert command in text
