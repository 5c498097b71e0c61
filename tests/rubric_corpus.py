"""Score the 考核细则 importer on the corpus in ``tests/data/rubric_tables``: per table, how many 评分标准
sentences in the common forms read as the right rule, how many were left discretionary.

``python -m tests.rubric_corpus -v`` prints the table below (and every miss with -v);
``tests/test_rubric_corpus.py`` holds the importer to it.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from kepu_inspect.core.rubric_table.read import read_main
from kepu_inspect.core.tables import Table

HERE = Path(__file__).resolve().parent / "data" / "rubric_tables"


def _n(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    return value


def _bounds(d: dict[str, Any]) -> list[Any]:
    low = d.get("gte")
    high = d.get("lt")
    if "gt" in d or "lte" in d:  # an edge the expectations write differently
        return [("gt", _n(d.get("gt"))), ("lte", _n(d.get("lte")))]
    return [_n(low), _n(high)]


def signature(rule: dict[str, Any]) -> dict[str, Any]:
    """A rule mapping without its free-text labels: kind, numbers, bounds, modes and level names."""
    kind = rule["kind"]
    if kind == "checklist":
        mode = rule.get("mode", "sum")
        checks = rule["checks"]
        return {
            "kind": kind,
            "mode": mode,
            "checks": len(checks) if mode == "all" else [_n(c["points"]) for c in checks],
        }
    if kind == "threshold":
        return {
            "kind": kind,
            "target": _n(rule["target"]),
            "unit": rule.get("unit", ""),
            "strict": bool(rule.get("strict")),
        }
    if kind == "tiers":
        return {
            "kind": kind,
            "unit": rule.get("unit", ""),
            "better": rule.get("better", "higher"),
            "tiers": [[*_bounds(t), _n(t["points"])] for t in rule["tiers"]],
        }
    if kind == "levels":
        out = []
        for lv in rule["levels"]:
            value = lv.get("points", lv.get("share"))
            out.append([lv["name"], [_n(v) for v in value] if isinstance(value, list) else _n(value)])
        return {"kind": kind, "levels": out}
    if kind == "n_of_m":
        return {"kind": kind, "need": rule["need"], "of": len(rule["conditions"])}
    if kind == "deduct_per":
        required = rule.get("required")
        return {
            "kind": kind,
            "each": _n(rule["each"]),
            "unit": rule.get("unit", "次"),
            "required": _n(required),
        }
    if kind == "deductions":
        return {"kind": kind, "faults": [_n(f["points"]) for f in rule["faults"]]}
    if kind == "per_category":
        return {
            "kind": kind,
            "cap": _n(rule.get("cap")),
            "uncapped": bool(rule.get("uncapped")),
            "each": [[_n(c["each"]), c.get("unit", "篇")] for c in rule["categories"]],
        }
    if kind == "proportional":
        return {"kind": kind, "target": _n(rule["target"]), "unit": rule.get("unit", "")}
    if kind == "discretionary":
        return {"kind": kind, "min": _n(rule.get("min", 0)), "max": _n(rule.get("max"))}
    return _later_signature(rule)


def _later_signature(rule: dict[str, Any]) -> dict[str, Any]:
    kind = rule["kind"]
    if kind == "pool":
        return {
            "kind": kind,
            "faults": [_n(f["points"]) for f in rule.get("faults", [])],
            "per": [_n(p["each"]) for p in rule.get("per", [])],
            "judged": len(rule.get("judged", [])),
            "bonuses": [_n(b["points"]) for b in rule.get("bonuses", [])],
        }
    if kind == "compound":
        return {"kind": kind, "conditions": [_n(c.get("gte")) for c in rule["conditions"]]}
    if kind == "best_of":
        return {"kind": kind, "options": [[_n(o.get("gte")), _n(o["points"])] for o in rule["options"]]}
    if kind == "growth":
        return {"kind": kind, "rate": _n(rule.get("gte", rule.get("gt") if rule.get("gt") else None))}
    if kind == "shortfall":
        return {
            "kind": kind,
            "target": _n(rule["target"]),
            "each": _n(rule["each"]),
            "unit": rule.get("unit", ""),
        }
    return {"kind": kind}


def _normal(expected: dict[str, Any]) -> dict[str, Any]:
    """The builder's expectations in the same shape (floats, tier rows as [low, high, points])."""
    out = dict(expected)
    if out["kind"] == "tiers":
        out["tiers"] = [[_n(a), _n(b), _n(p)] for a, b, p in out["tiers"]]
    return out


@dataclass
class TableScore:
    name: str
    forms: int = 0  # sentences written in one of the forms
    right: int = 0  # of those, read as the right rule
    parsed: int = 0  # criteria read as a rule (right or not)
    discretionary: int = 0  # criteria left discretionary for review (the sentence was not read)
    others: int = 0  # sentences not in the forms (expected: discretionary)
    others_kept: int = 0  # of those, left discretionary as they should be
    misses: list[str] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.right / self.forms if self.forms else 1.0


def tables_of(path: Path) -> list[Table]:
    from kepu_inspect.adapters.table_reader import read_tables

    found = read_tables(path)
    return [t for t in found.tables if t.kind == "rubric"]


def score_table(expected_file: Path) -> TableScore:
    spec = yaml.safe_load(expected_file.read_text("utf-8"))
    draft = read_main(tables_of(HERE / spec["file"]))
    by_line: dict[int, list[dict[str, Any]]] = {}
    for section in draft.sections:
        for item in section.items:
            for line, criterion in zip(item.criteria_rows, item.criteria, strict=True):
                by_line.setdefault(line, []).append(criterion)
    score = TableScore(spec["file"])
    score.discretionary = draft.tally.discretionary
    score.parsed = draft.tally.parsed + draft.tally.stated_discretionary
    for row in spec["rows"]:
        got = [signature(c["rule"]) for c in by_line.get(row["line"], [])]
        for n, want in enumerate(row["expected"]):
            have = got[n] if n < len(got) else None
            if want is None:
                score.others += 1
                if have is not None and have["kind"] == "discretionary" and len(got) == 1:
                    score.others_kept += 1
                else:
                    score.misses.append(f"{row['item']}: 应为酌情评分，读作 {have}")
                continue
            score.forms += 1
            if have == _normal(want) and len(got) == len(row["expected"]):
                score.right += 1
            else:
                score.misses.append(
                    f"{row['item']}（第 {row['line']} 行）: 应为 {_normal(want)}，读作 {have}"
                )
    return score


def score_corpus() -> list[TableScore]:
    return [score_table(p) for p in sorted(HERE.glob("*.expected.yaml"))]


def main(argv: list[str]) -> int:
    scores = score_corpus()
    print(f"{'表格':<34}{'常见句式':>6}{'读对':>6}{'比例':>8}{'识别为规则':>8}{'待核对':>6}{'非常见句式':>8}")
    for s in scores:
        print(
            f"{s.name:<36}{s.forms:>6}{s.right:>6}{s.rate:>9.0%}{s.parsed:>10}{s.discretionary:>7}{s.others:>9}"
        )
        if "-v" in argv:
            for miss in s.misses:
                print("    ", miss)
    forms = sum(s.forms for s in scores)
    right = sum(s.right for s in scores)
    print(f"{'合计':<36}{forms:>6}{right:>6}{right / forms:>9.0%}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
