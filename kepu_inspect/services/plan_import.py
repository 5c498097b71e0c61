"""``rubric import``: a work plan (工作要点 / 实施方案 / 分工表) → a rubric skeleton in YAML that passes
``rubric check``.

The office used to copy the plan's items and units into a spreadsheet by hand. Here the plan is read
(adapters.plan_file for prose, adapters.table_reader for 分工 tables), parsed (core.plan), turned into a
rubric document with even default points and placeholder criteria, written as commented YAML for
people (adapters.yaml_writer), and checked with the same loader that ``rubric check`` uses: a skeleton
that would not load is a fatal problem, never a written file.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from kepu_inspect.adapters.table_reader import TableFile
from kepu_inspect.adapters.yaml_writer import plain, to_yaml
from kepu_inspect.core.plan import OfficialUnit, Plan, assemble_plan, draft_from_tables, parse_plan
from kepu_inspect.core.problems import Code, Problem, Severity, has_errors, problem
from kepu_inspect.services.plan_skeleton import skeleton, trailer


@dataclass(frozen=True)
class ImportResult:
    """What the CLI needs: the YAML text, the summary counts and every warning (fatal: nothing to write)."""

    fatal: bool
    problems: list[Problem]
    yaml_text: str = ""
    counts: dict[str, int] = field(default_factory=dict)
    plan: Plan | None = None


def import_plan(
    plan_path: Path, units_file: Path | None = None, *, today: dt.date | None = None
) -> ImportResult:
    """Read, parse and convert a plan; the YAML is verified with the rubric loader before it is returned."""
    from kepu_inspect.adapters.plan_file import read_units_file

    official: list[OfficialUnit] = []
    problems: list[Problem] = []
    if units_file is not None:
        official, unit_problems = read_units_file(units_file)
        problems.extend(unit_problems)
        if has_errors(unit_problems):
            return ImportResult(True, problems)
    plan, read_problems = read_and_parse(plan_path, official)
    problems.extend(read_problems)
    if plan is None or not plan.items or has_errors(read_problems):
        return ImportResult(True, problems, plan=plan)
    year_fallback = (today or dt.date.today()).year
    doc = skeleton(plan, source_name=plan_path.name, year_fallback=year_fallback)
    text = to_yaml(doc, trailer(plan))
    verify = verify_yaml(text, doc, plan_path.with_suffix(".yaml").name)
    if verify:
        return ImportResult(True, problems + verify, plan=plan)
    counts = {
        "sections": len(doc["sections"]),
        "groups": len({it.group for it in plan.items if it.group is not None}),
        "items": len(plan.items),
        "units": len(plan.units),
        "notes": len(plan.notes),
    }
    return ImportResult(False, problems, text, counts, plan)


def read_and_parse(path: Path, official: list[OfficialUnit]) -> tuple[Plan | None, list[Problem]]:
    """A plan from a file: its 分工 tables when it has any, else its prose."""
    from kepu_inspect.adapters.plan_file import read_plan, simplifier
    from kepu_inspect.adapters.table_reader import read_tables

    simplify = simplifier()
    where = {"file": str(path)}
    found = read_tables(path)
    refused = _table_refusal(found)
    if refused is not None:
        return None, [refused.at(**where)]
    plan_tables = [t for t in found.tables if t.kind == "plan"]
    if plan_tables:
        plan = assemble_plan(draft_from_tables(plan_tables, found.text, simplify), official, simplify)
        problems = [problem(Code.PL023, where=name, **where) for name in found.skipped]
        if found.kind != "xlsx" and found.text and parse_plan(found.text, to_simplified=simplify).items:
            problems.append(problem(Code.PL020, **where))
        return plan, problems + [p.at(**where) for p in plan.problems]
    source = read_plan(path)
    if source.text is None:
        return None, source.problems
    plan = parse_plan(source.text, official=official, to_simplified=simplify)
    return plan, source.problems + [p.at(**where) for p in plan.problems]


def _table_refusal(found: TableFile) -> Problem | None:
    """Why a file's tables cannot be imported as a plan, if they cannot."""
    if found.error is not None:
        detail, fix = found.error
        return problem(Code.PL001, detail=detail, fix=fix)
    ambiguous = [t for t in found.tables if t.kind == "ambiguous"]
    if ambiguous:
        return problem(Code.PL019, where=ambiguous[0].source, detail=ambiguous[0].reason)
    if any(t.kind == "plan" for t in found.tables):
        return None
    rubric = next((t for t in found.tables if t.kind == "rubric"), None)
    if rubric is not None:
        return problem(Code.PL021, where=rubric.source, headers=rubric.headers())
    if found.kind == "xlsx":
        return problem(Code.PL022, what="Excel 工作簿")
    return None


def verify_yaml(text: str, doc: dict[str, object], name: str) -> list[Problem]:
    """The written text must read back as exactly ``doc`` and load as a rubric without errors."""
    import yaml

    from kepu_inspect.adapters.rubric_file import load_rubric_text

    try:
        if yaml.safe_load(text) != plain(doc):
            return [problem(Code.PL012, detail="YAML 读回的内容与生成的内容不一致")]
    except yaml.YAMLError as exc:
        return [problem(Code.PL012, detail=f"YAML 语法错误：{exc}")]
    loaded = load_rubric_text(text, Path(name))
    errors = [p for p in loaded.problems if p.severity is Severity.ERROR]
    if errors or loaded.rubric is None:
        detail = "；".join(f"{p.path or ''} {p.message}".strip() for p in errors[:3]) or "无法载入"
        return [problem(Code.PL012, detail=detail)]
    return []
