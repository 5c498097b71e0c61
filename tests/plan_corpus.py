"""Scores ``rubric import`` on the plan corpus (``tests/data/plans/corpus``): items found right, unit
assignments (unit + role) right, and whether every miss carries a PL warning a clerk would see.

Each ``*.expected.yaml`` says, for one plan, what a careful clerk reading the plan would write down:
the items (number as printed + the first words of the text) and per item the units with their role
(``lead`` / ``cooperate``; ``units`` when the plan gives no role). Collectives are written ``@dept``
(every member unit), ``@county`` (every unit of the level below: 县（市、区）, 乡镇（街道）…), ``@leads``.

Run ``python -m tests.plan_corpus`` for the table of figures.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from kepu_inspect.core.plan import Plan, PlanItem
from kepu_inspect.core.problems import Problem, Severity
from kepu_inspect.core.rubric import normalise_name
from kepu_inspect.services.plan_import import ImportResult, import_plan

CORPUS = Path(__file__).resolve().parent / "data" / "plans" / "corpus"
_LETTERS = re.compile(r"[^0-9A-Za-z\u3400-\u9fff\uf900-\ufaff]")

Pair = tuple[str, str]  # (unit key, role: lead | cooperate | "")


def _compact(text: str) -> str:
    return _LETTERS.sub("", text)


@dataclass
class CaseScore:
    name: str
    items_right: int = 0
    items_total: int = 0
    pairs_right: int = 0
    pairs_total: int = 0
    misses: list[str] = field(default_factory=list)  # every miss, described
    unwarned: list[str] = field(default_factory=list)  # misses without a PL warning on their item
    fatal: bool = False


def expected_cases() -> list[Path]:
    return sorted(CORPUS.glob("*.expected.yaml"))


def plan_path(expected: Path) -> tuple[Path, Path | None, dict[str, Any]]:
    spec = yaml.safe_load(expected.read_text("utf-8"))
    stem = expected.name.removesuffix(".expected.yaml")
    if spec.get("plan"):
        path = CORPUS / spec["plan"]
    else:
        path = next(p for p in CORPUS.glob(stem + ".*") if not p.name.endswith(".expected.yaml"))
    units = CORPUS / spec["units_file"] if spec.get("units_file") else None
    return path, units, spec


IGNORE_ROLES = False  # set by ``-r``: compare units only (how the importer fared before roles existed)


def expected_pairs(entry: dict[str, Any]) -> set[Pair]:
    pairs: set[Pair] = set()
    for key, role in (("lead", "lead"), ("cooperate", "cooperate"), ("units", "")):
        for name in entry.get(key) or ():
            pairs.add((_key(str(name)), "" if IGNORE_ROLES else role))
    return pairs


def _key(name: str) -> str:
    return name if name.startswith("@") else normalise_name(name)


def _names_of(plan: Plan) -> dict[str, set[str]]:
    """canonical name → every spelling of that unit (name and aliases), normalised."""
    return {u.name: {normalise_name(n) for n in (u.name, *u.aliases)} for u in plan.units}


def found_pairs(item: PlanItem, names: dict[str, set[str]]) -> list[tuple[set[str], str]]:
    """The importer's assignments for an item: (accepted keys, role). Fallback guesses do not count."""
    role_of = getattr(item, "role_of", lambda _name: None)
    out: list[tuple[set[str], str]] = []
    for unit in item.units:
        out.append((names.get(unit, {normalise_name(unit)}), "" if IGNORE_ROLES else role_of(unit) or ""))
    if not getattr(item, "fallback", False):
        for coll in item.collectives:
            out.append(({"@" + coll}, "" if IGNORE_ROLES else role_of(coll) or ""))
    return out


def _item_warned(problems: Iterable[Problem], item: PlanItem | None, number: int, lines: range) -> bool:
    for p in problems:
        if p.severity is Severity.INFO or not p.code.name.startswith("PL"):
            continue
        if f"第 {number} 项" in p.message:
            return True
        if item is not None and p.line is not None and p.line == item.line:
            return True
        if item is None and p.line is not None and p.line in lines:
            return True
    return False


def score_case(expected: Path) -> tuple[CaseScore, ImportResult]:
    path, units, spec = plan_path(expected)
    score = CaseScore(expected.name.removesuffix(".expected.yaml"))
    result = import_plan(path, units)
    plan = result.plan
    wanted = spec["items"]
    if plan is None or result.fatal:
        score.fatal = True
        score.items_total = len(wanted)
        score.pairs_total = sum(len(expected_pairs(e)) for e in wanted)
        score.misses.append("import failed: " + "; ".join(p.message for p in result.problems[:3]))
        score.unwarned.extend(score.misses if not result.problems else [])
        return score, result
    names = _names_of(plan)
    found = list(plan.items)
    used: set[int] = set()
    matches: list[PlanItem | None] = []
    cursor = 0
    for entry in wanted:
        head = _compact(str(entry["head"]))
        hit = None
        for i in range(cursor, len(found)):
            if i not in used and found[i].number == entry["n"] and _compact(found[i].text).startswith(head):
                hit = i
                break
        if hit is None:  # out of order: search everywhere
            hit = next(
                (
                    i
                    for i, it in enumerate(found)
                    if i not in used and it.number == entry["n"] and _compact(it.text).startswith(head)
                ),
                None,
            )
        if hit is not None:
            used.add(hit)
            cursor = hit + 1
        matches.append(found[hit] if hit is not None else None)
    spurious = [it for i, it in enumerate(found) if i not in used]
    score.items_total = len(wanted) + len(spurious)
    score.items_right = sum(1 for m in matches if m is not None)
    problems = result.problems
    matched_lines = [m.line for m in matches if m is not None]
    for k, (entry, item) in enumerate(zip(wanted, matches, strict=True)):
        pairs = expected_pairs(entry)
        n = entry["n"]
        if item is None:
            before = max((m.line for m in matches[:k] if m is not None), default=0)
            after = min((m.line for m in matches[k + 1 :] if m is not None), default=10**9)
            score.pairs_total += len(pairs)
            miss = f"item {n} ({entry['head']}) not found"
            score.misses.append(miss)
            if not _item_warned(problems, None, n, range(before + 1, after)):
                score.unwarned.append(miss)
            continue
        got = found_pairs(item, names)
        right = {p for p in pairs if any(p[0] in keys and p[1] == role for keys, role in got)}
        extra = [(keys, role) for keys, role in got if not any((k2, role) in pairs for k2 in keys)]
        score.pairs_right += len(right)
        score.pairs_total += len(pairs) + len(extra)
        wrong = [f"missing {u}/{r or '-'}" for u, r in sorted(pairs - right)]
        wrong += [f"extra {sorted(keys)[0]}/{role or '-'}" for keys, role in extra]
        if wrong:
            miss = f"item {n} ({entry['head']}): " + ", ".join(wrong)
            score.misses.append(miss)
            if not _item_warned(problems, item, n, range(0)):
                score.unwarned.append(miss)
    for it in spurious:
        miss = f"spurious item {it.number} ({it.text[:16]})"
        score.misses.append(miss)
        if not _item_warned(problems, it, it.number, range(0)):
            score.unwarned.append(miss)
    del matched_lines
    return score, result


def score_corpus() -> list[CaseScore]:
    return [score_case(p)[0] for p in expected_cases()]


def totals(scores: list[CaseScore]) -> tuple[int, int, int, int]:
    return (
        sum(s.items_right for s in scores),
        sum(s.items_total for s in scores),
        sum(s.pairs_right for s in scores),
        sum(s.pairs_total for s in scores),
    )


def report(scores: list[CaseScore]) -> str:
    lines = [f"{'plan':<28} {'items':>9} {'assignments':>12}  unwarned misses"]
    for s in scores:
        lines.append(
            f"{s.name:<28} {s.items_right:>4}/{s.items_total:<4} {s.pairs_right:>5}/{s.pairs_total:<6}"
            f"  {len(s.unwarned)}"
        )
    ir, it, pr, pt = totals(scores)
    lines.append(f"{'TOTAL':<28} {ir:>4}/{it:<4} {pr:>5}/{pt:<6}  {sum(len(s.unwarned) for s in scores)}")
    lines.append(f"items {ir / max(it, 1):.1%}, assignments {pr / max(pt, 1):.1%}")
    return "\n".join(lines)


if __name__ == "__main__":
    import sys

    IGNORE_ROLES = "-r" in sys.argv
    all_scores = score_corpus()
    print(report(all_scores))
    if "-v" in sys.argv:
        for s in all_scores:
            for miss in s.misses:
                flag = "" if miss not in s.unwarned else "  [NO WARNING]"
                print(f"  {s.name}: {miss}{flag}")
