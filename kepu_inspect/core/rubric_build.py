"""Turn a schema-valid rubric document (plain dicts) into the model, with every semantic check.

Pure: the caller parses the file and maps the returned paths to line numbers. All problems are
collected; the model is only returned when none of them is an error.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from kepu_inspect.core.numbers import ZERO, Interval, fmt, interval_problems, to_decimal
from kepu_inspect.core.problems import Code, Problem, has_errors, problem
from kepu_inspect.core.rubric import (
    OLD_TIE_BREAKS,
    Criterion,
    Gate,
    GradeBand,
    Group,
    Item,
    ItemGroup,
    Meta,
    Quota,
    Role,
    Rubric,
    Scope,
    Section,
    Settings,
    Unit,
    normalise_name,
)
from kepu_inspect.core.rules import (
    ANY_GROWTH,
    BestOf,
    Category,
    Check,
    Checklist,
    Compound,
    Condition,
    Deductions,
    DeductPer,
    Discretionary,
    Fault,
    Growth,
    Judged,
    Level,
    Levels,
    NofM,
    Option,
    PerCategory,
    PerFault,
    Pool,
    Proportional,
    Rule,
    Shortfall,
    Target,
    Threshold,
    Tier,
    Tiers,
)

Doc = Mapping[str, Any]


def _dec(value: Any, default: Decimal | None = None) -> Decimal | None:
    return default if value is None else to_decimal(value)


def _target(t: Any) -> Target:
    if isinstance(t, Mapping):
        return Target(param=t["param"], per=to_decimal(t.get("per", 1)))
    return Target(value=to_decimal(t))


def _has_bounds(raw: Doc) -> bool:
    return any(k in raw for k in ("gte", "gt", "lte", "lt"))


def _level(raw: Doc) -> Level:
    """A level: ``points``/``share`` one value, or a two-number list for a band ([0.9, 1])."""
    fields: dict[str, Decimal | None] = {}
    for key in ("points", "share"):
        value = raw.get(key)
        if isinstance(value, list):
            fields[key], fields[key + "_to"] = to_decimal(value[0]), to_decimal(value[1])
        else:
            fields[key] = _dec(value)
    return Level(raw["name"], **fields)


def build_rule(raw: Doc) -> Rule:
    """Build one rule from its (schema-valid) mapping."""
    kind = raw["kind"]
    unit = raw.get("unit", "")
    if kind == "checklist":
        return Checklist(
            tuple(Check(c["label"], _dec(c.get("points"))) for c in raw["checks"]), raw.get("mode", "sum")
        )
    if kind == "threshold":
        return Threshold(raw["label"], _target(raw["target"]), unit, bool(raw.get("strict", False)))
    if kind == "proportional":
        return Proportional(raw["label"], _target(raw["target"]), unit, to_decimal(raw.get("cap", 1)))
    if kind == "tiers":
        return Tiers(
            raw["label"],
            tuple(Tier(Interval.from_bounds(t), to_decimal(t["points"])) for t in raw["tiers"]),
            unit,
            raw.get("better", "higher"),
        )
    if kind == "levels":
        return Levels(raw["label"], tuple(_level(lv) for lv in raw["levels"]))
    if kind == "n_of_m":
        return NofM(tuple(raw["conditions"]), int(raw["need"]))
    if kind == "deduct_per":
        required = raw.get("required")
        return DeductPer(
            raw["label"],
            to_decimal(raw["each"]),
            raw.get("unit", "次"),
            to_decimal(raw.get("floor", 0)),
            None if required is None else _target(required),
        )
    if kind == "deductions":
        return Deductions(
            tuple(Fault(f["label"], to_decimal(f["points"])) for f in raw["faults"]),
            to_decimal(raw.get("floor", 0)),
        )
    if kind == "per_category":
        return PerCategory(
            tuple(Category(c["name"], to_decimal(c["each"]), c.get("unit", "篇")) for c in raw["categories"]),
            _dec(raw.get("cap")),
            bool(raw.get("uncapped", False)),
        )
    if kind == "discretionary":
        return Discretionary(to_decimal(raw.get("min", 0)), _dec(raw.get("max")))
    if kind == "pool":
        return Pool(
            tuple(Fault(f["label"], to_decimal(f["points"])) for f in raw.get("faults") or ()),
            tuple(
                PerFault(p["label"], to_decimal(p["each"]), p.get("unit", "次")) for p in raw.get("per") or ()
            ),
            tuple(Judged(j["label"], _dec(j.get("max"))) for j in raw.get("judged") or ()),
            tuple(Fault(b["label"], to_decimal(b["points"])) for b in raw.get("bonuses") or ()),
            to_decimal(raw.get("floor", 0)),
        )
    if kind == "compound":
        return Compound(
            tuple(
                Condition(c["label"], Interval.from_bounds(c) if _has_bounds(c) else None, c.get("unit", ""))
                for c in raw["conditions"]
            ),
            int(raw["need"]) if raw.get("need") is not None else None,
        )
    if kind == "best_of":
        return BestOf(
            tuple(
                Option(o["label"], Interval.from_bounds(o), to_decimal(o["points"]), o.get("unit", ""))
                for o in raw["options"]
            )
        )
    if kind == "growth":
        bound = Interval.from_bounds(raw) if _has_bounds(raw) else ANY_GROWTH
        return Growth(raw["label"], unit, bound)
    if kind == "shortfall":
        return Shortfall(
            raw["label"],
            _target(raw["target"]),
            to_decimal(raw["each"]),
            to_decimal(raw.get("step", 1)),
            unit,
        )
    raise ValueError(f"unknown rule kind {kind!r}")  # unreachable after schema validation


class _Builder:
    def __init__(self, doc: Doc, content_hash: str = "") -> None:
        self.doc = doc
        self.content_hash = content_hash
        self.problems: list[Problem] = []

    def add(self, code: Code, path: str, **fields: Any) -> None:
        self.problems.append(problem(code, path=path, **fields))

    # --- registries ------------------------------------------------------------------------
    def unique_ids(self, entries: list[Doc], base: str, kind: str) -> None:
        seen: set[str] = set()
        for i, entry in enumerate(entries):
            if entry["id"] in seen:
                self.add(Code.RB002, f"{base}[{i}].id", id=entry["id"], kind=kind)
            seen.add(entry["id"])

    def build(self) -> Rubric | None:
        doc = self.doc
        groups_raw: list[Doc] = list(doc["groups"])
        units_raw: list[Doc] = list(doc["units"])
        self.unique_ids(groups_raw, "groups", "排名分组")
        self.unique_ids(units_raw, "units", "单位")
        groups = tuple(self.build_group(g) for g in groups_raw)
        group_ids = {g.id for g in groups}
        self.group_names = {normalise_name(g.name): g.id for g in groups} | {g.id: g.id for g in groups}

        # names and aliases must point to exactly one unit
        self.unit_names: dict[str, str] = {}
        owner_name: dict[str, str] = {}
        for i, u in enumerate(units_raw):
            if u["group"] not in group_ids:
                self.add(Code.RB006, f"units[{i}].group", kind="排名分组", name=u["group"])
            for j, name in enumerate([u["name"], *u.get("aliases", [])]):
                key = normalise_name(name)
                if key in self.unit_names and self.unit_names[key] != u["id"]:
                    where = f"units[{i}].name" if j == 0 else f"units[{i}].aliases[{j - 1}]"
                    self.add(Code.RB014, where, name=name, first=owner_name[key], second=u["name"])
                    continue
                self.unit_names[key] = u["id"]
                owner_name[key] = u["name"]
            self.unit_names.setdefault(u["id"], u["id"])
        units = tuple(
            Unit(
                u["id"],
                u["name"],
                u["group"],
                tuple(u.get("aliases", [])),
                bool(u.get("assessed", True)),
                {k: to_decimal(v) for k, v in (u.get("params") or {}).items()},
                u.get("note", ""),
            )
            for u in units_raw
        )

        item_groups_raw: list[Doc] = list(doc.get("item_groups") or [])
        self.unique_ids(item_groups_raw, "item_groups", "项目分组")
        item_groups = tuple(
            ItemGroup(
                ig["id"],
                ig["name"],
                tuple(
                    self.resolve_unit(name, f"item_groups[{i}].leads[{j}]") or ""
                    for j, name in enumerate(ig.get("leads") or ())
                ),
            )
            for i, ig in enumerate(item_groups_raw)
        )
        self.item_group_ids = {ig.id for ig in item_groups}

        grades = self.build_grades(list(doc.get("grades") or []))
        sections = self.build_sections(list(doc["sections"]))
        gates = self.build_gates(
            list(doc.get("gates") or []), {g.name for g in grades}, {s.id for s in sections}
        )
        settings = self.build_settings(doc.get("scoring") or {})
        meta_raw = doc["rubric"]
        period = meta_raw.get("period") or {}
        meta = Meta(
            id=meta_raw["id"],
            title=meta_raw["title"],
            year=int(meta_raw["year"]),
            issuer=meta_raw["issuer"],
            version=str(meta_raw["version"]),
            period_start=period.get("start", ""),
            period_end=period.get("end", ""),
            deadline=meta_raw.get("deadline", ""),
            source=meta_raw.get("source", ""),
            report_date=meta_raw.get("report_date", ""),
            letterhead=(meta_raw.get("notice") or {}).get("letterhead", "").strip(),
            doc_number=(meta_raw.get("notice") or {}).get("number", "").strip(),
            notice_to=(meta_raw.get("notice") or {}).get("to", "").strip(),
            subject=meta_raw.get("subject", ""),
        )
        rubric = Rubric(
            meta,
            settings,
            groups,
            units,
            item_groups,
            sections,
            gates,
            grades,
            _dec(doc.get("total")),
            self.content_hash,
        )
        if not has_errors(self.problems):
            self.check_coverage(rubric)
        return None if has_errors(self.problems) else rubric

    @staticmethod
    def build_group(g: Doc) -> Group:
        """One meaning per key: ``items_total`` (the catalogue's sum) and ``unit_total`` (each unit's
        maximum); the old ``total`` meant both on raw points and the first on 得分率."""
        normalise = bool(g.get("normalise", False))
        legacy = _dec(g.get("total"))
        items_total = _dec(g.get("items_total"), legacy)
        unit_total = _dec(g.get("unit_total"), None if normalise else legacy)
        return Group(g["id"], g["name"], g.get("kind", "other"), items_total, normalise, unit_total)

    def resolve_unit(self, name: str, path: str) -> str | None:
        uid = self.unit_names.get(normalise_name(name))
        if uid is None:
            self.add(Code.RB006, path, kind="单位", name=name)
        return uid

    # --- parts -----------------------------------------------------------------------------
    def build_settings(self, raw: Doc) -> Settings:
        over = raw.get("overclaim") or {}
        inspectors = raw.get("inspectors") or {}
        return Settings(
            decimals=int(raw.get("decimals", 2)),
            unverified=raw.get("unverified", "self"),
            overclaim_threshold=_dec(over.get("threshold")),
            overclaim_deduction=to_decimal(over.get("deduction", 0)),
            overclaim_boundary=over.get("boundary", "gte"),
            overclaim_per=over.get("per", "item"),
            verified_out_of_range=raw.get("verified_out_of_range", "hold"),
            with_errors=raw.get("with_errors", "mark"),
            gated=raw.get("gated", "by_score"),
            floor=_dec(raw["floor"]) if "floor" in raw else ZERO,
            tie_breaks=tuple(OLD_TIE_BREAKS.get(t, t) for t in raw.get("tie_breaks", ())),
            bonus_cap=_dec(raw.get("bonus_cap")),
            missing_grade=raw.get("missing_grade", ""),
            verification=raw.get("verification", "separate"),
            combine=inspectors.get("combine", "single"),
            trim_from=int(inspectors.get("trim_from", 3)),
            gate_majority=inspectors.get("gates", "leader") == "majority",
            spread=_dec(inspectors.get("spread")),
        )

    def build_grades(self, raw: list[Doc]) -> tuple[GradeBand, ...]:
        if not raw:  # a rubric that ranks without grades
            return ()
        bands = tuple(
            GradeBand(g["name"], Interval.from_bounds(g), self.build_quota(g.get("quota"))) for g in raw
        )
        names = Counter(b.name for b in bands)
        for i, b in enumerate(bands):
            if names[b.name] > 1:
                self.add(Code.RB008, f"grades[{i}].name", detail=f"等次“{b.name}”重复")
        issues = interval_problems([b.interval for b in bands], floor=ZERO, ceiling=None)
        top = max(bands, key=lambda b: b.interval.low if b.interval.low is not None else Decimal("-Infinity"))
        if top.interval.high is not None:
            issues.append(f"最高等次“{top.name}”应不设上限（有加分时总分可能超过满分）")
        for text in issues:
            self.add(Code.RB008, "grades", detail=text)
        return bands

    @staticmethod
    def build_quota(raw: Doc | None) -> Quota | None:
        if raw is None:
            return None
        count = raw.get("count")
        return Quota(
            int(count) if count is not None else None,
            _dec(raw.get("share")),
            raw.get("rounding", "floor"),
            raw.get("ties", "keep"),
        )

    def build_gates(self, raw: list[Doc], grade_names: set[str], section_ids: set[str]) -> tuple[Gate, ...]:
        self.unique_ids(raw, "gates", "否决事项")
        gates = []
        for i, g in enumerate(raw):
            for key in ("grade", "grade_cap"):
                if g.get(key) is not None and g[key] not in grade_names:
                    self.add(Code.RB015, f"gates[{i}].{key}", grade=g[key])
            for j, sid in enumerate(g.get("sections") or ()):
                if sid not in section_ids:
                    self.add(Code.RB006, f"gates[{i}].sections[{j}]", kind="考核部分", name=sid)
            gates.append(
                Gate(
                    g["id"],
                    g["name"],
                    g.get("description", ""),
                    g.get("grade"),
                    to_decimal(g.get("deduct", 0)),
                    g.get("grade_cap"),
                    bool(g.get("exclude", False)),
                    _dec(g.get("section_min")),
                    tuple(g.get("sections") or ()),
                )
            )
        return tuple(gates)

    def build_scope(self, raw: Any, path: str) -> Scope | None:
        weight = Decimal(1)
        role: Role | None = None
        if isinstance(raw, Mapping):
            weight = to_decimal(raw.get("weight", 1))
            role = raw.get("role")
            if "group" in raw:
                gid = self.group_names.get(normalise_name(raw["group"]))
                if gid is None:
                    self.add(Code.RB006, path + ".group", kind="排名分组", name=raw["group"])
                    return None
                return Scope("group", gid, weight, role)
            if "leads" in raw:
                if raw["leads"] not in self.item_group_ids:
                    self.add(Code.RB006, path + ".leads", kind="项目分组", name=raw["leads"])
                    return None
                return Scope("leads", raw["leads"], weight, role)
            raw, path = raw["unit"], path + ".unit"
        uid = self.resolve_unit(raw, path)
        return None if uid is None else Scope("unit", uid, weight, role)

    def build_sections(self, raw: list[Doc]) -> tuple[Section, ...]:
        self.unique_ids(raw, "sections", "考核部分")
        seen_items: set[str] = set()
        sections = []
        for si, s in enumerate(raw):
            kind = s.get("kind", "base")
            items = []
            for ii, it in enumerate(s["items"]):
                path = f"sections[{si}].items[{ii}]"
                if it["id"] in seen_items:
                    self.add(Code.RB002, path + ".id", id=it["id"], kind="考核项目")
                seen_items.add(it["id"])
                item = self.build_item(it, path, bonus_section=kind != "base")
                if kind == "deduct":
                    for ci, crit in enumerate(item.criteria):
                        if isinstance(crit.rule, (DeductPer, Deductions, Pool)):
                            self.add(Code.RB032, f"{path}.criteria[{ci}].rule", rule_title=crit.rule.title)
                items.append(item)
            sec = Section(s["id"], s["title"], tuple(items), kind, _dec(s.get("points")), _dec(s.get("cap")))
            if sec.points is not None:
                actual = sum((i.points for i in items), ZERO)
                if actual != sec.points:
                    self.add(
                        Code.RB004, f"sections[{si}].points", actual=fmt(actual), expected=fmt(sec.points)
                    )
            sections.append(sec)
        return tuple(sections)

    def build_item(self, it: Doc, path: str, bonus_section: bool) -> Item:
        scopes = tuple(
            s
            for j, raw in enumerate(it["applies_to"])
            if (s := self.build_scope(raw, f"{path}.applies_to[{j}]"))
        )
        if it.get("item_group") and it["item_group"] not in self.item_group_ids:
            self.add(Code.RB006, path + ".item_group", kind="项目分组", name=it["item_group"])
        self.unique_ids(list(it["criteria"]), path + ".criteria", "评分细项")
        criteria = []
        for ci, c in enumerate(it["criteria"]):
            cpath = f"{path}.criteria[{ci}]"
            rule = build_rule(c["rule"])
            if "points" not in c and rule.capped:
                self.add(Code.RB022, cpath, detail="没有写分值（只有不设上限的计分可以不写 points）")
            elif "points" in c and not rule.capped and to_decimal(c["points"]) != 0:
                self.add(Code.RB022, cpath + ".points", detail="不设上限的计分没有固定分值，请删去 points")
            points = to_decimal(c.get("points", 0))
            crit = Criterion(c["id"], c["text"], points, rule, bool(c.get("bonus", False)))
            self.check_rule(crit, cpath)
            criteria.append(crit)
        points = to_decimal(it["points"])
        counted = sum((c.points for c in criteria if bonus_section or not c.bonus), ZERO)
        if counted != points:
            self.add(Code.RB003, path + ".points", actual=fmt(counted), expected=fmt(points))
        number = it.get("number")
        return Item(
            id=it["id"],
            number=str(number) if number is not None else "",
            title=it["title"],
            content=it.get("content", ""),
            points=points,
            criteria=tuple(criteria),
            applies_to=scopes,
            plan_items=tuple(it.get("plan_items", ())),
            evidence=it.get("evidence", ""),
            evidence_required=bool(it.get("evidence_required", bool(it.get("evidence")))),
            verification=it.get("verification", ""),
            item_group=it.get("item_group", ""),
            reported_by=it.get("reported_by", "unit"),
        )

    def check_rule(self, crit: Criterion, path: str) -> None:
        rule, points = crit.rule, crit.points
        rpath = path + ".rule"
        if isinstance(rule, Checklist) and rule.mode == "sum" and any(c.points is None for c in rule.checks):
            self.add(Code.RB013, rpath + ".checks", detail="逐项计分（mode: sum）时每个检查项都要写 points")
            return
        if isinstance(rule, Tiers):
            self.check_tiers(rule, rpath)
        if isinstance(rule, Levels):
            names = Counter(lv.name for lv in rule.levels)
            for j, lv in enumerate(rule.levels):
                if names[lv.name] > 1:
                    self.add(Code.RB010, f"{rpath}.levels[{j}].name", detail=f"等级“{lv.name}”重复")
                if (lv.points is None) == (lv.share is None):
                    self.add(
                        Code.RB010,
                        f"{rpath}.levels[{j}]",
                        detail=f"等级“{lv.name}”须且只须写 points 或 share 之一",
                    )
                elif lv.banded and lv.band(points)[0] > lv.band(points)[1]:
                    self.add(
                        Code.RB010, f"{rpath}.levels[{j}]", detail=f"等级“{lv.name}”的分值范围下限高于上限"
                    )
            if any((lv.points is None) == (lv.share is None) for lv in rule.levels):
                return
        if isinstance(rule, (NofM, Compound)) and rule.need is not None and rule.need > len(rule.conditions):
            self.add(
                Code.RB013,
                rpath + ".need",
                detail=f"须满足{rule.need}项，但只列了{len(rule.conditions)}项条件",
            )
        if isinstance(rule, (DeductPer, Deductions, Pool)) and rule.floor > points:
            self.add(Code.RB013, rpath + ".floor", detail=f"保底分 {fmt(rule.floor)} 高于分值 {fmt(points)}")
        if isinstance(rule, Pool) and not (rule.faults or rule.per or rule.judged or rule.bonuses):
            self.add(Code.RB013, rpath, detail="扣分加分合计（pool）至少要有一项扣分或加分")
        if isinstance(rule, Discretionary) and rule.low > (rule.high if rule.high is not None else points):
            self.add(Code.RB013, rpath, detail="酌情评分的下限高于上限（或高于该细项分值）")
        if not rule.capped:
            return
        top = rule.max_points(points)
        if top != points and not (crit.bonus and isinstance(rule, Proportional)):
            self.add(Code.RB013, rpath, detail=f"规则最高可得 {fmt(top)} 分，而该细项分值为 {fmt(points)} 分")

    def check_tiers(self, rule: Tiers, rpath: str) -> None:
        """Tiers tile the numbers they cover; more is better (the top tier open above), or, with
        ``better: lower`` (a rank), less is better and the points never rise as the number does."""
        issues = interval_problems([t.interval for t in rule.tiers], floor=None, ceiling=None)
        ordered = sorted(
            rule.tiers, key=lambda t: t.interval.low if t.interval.low is not None else Decimal("-Inf")
        )
        lower = rule.better == "lower"
        if not lower and ordered[-1].interval.high is not None:
            issues.append(f"高于 {fmt(ordered[-1].interval.high)} 的数值没有对应的档次（最高档应不设上限）")
        for text in issues:
            self.add(Code.RB007, rpath + ".tiers", detail=text)
        for a, b in itertools.pairwise(ordered):
            if not lower and b.points < a.points:
                self.add(
                    Code.RB007,
                    rpath + ".tiers",
                    detail=f"数值更高的档次得分反而更低（{fmt(b.points)} < {fmt(a.points)}）",
                )
            if lower and b.points > a.points:
                self.add(
                    Code.RB007,
                    rpath + ".tiers",
                    detail=f"按“越小越好”（better: lower）计分，数值更高的档次得分反而更高（{fmt(b.points)} > {fmt(a.points)}）",
                )

    # --- whole-rubric checks ---------------------------------------------------------------
    def check_coverage(self, rubric: Rubric) -> None:
        units_raw = self.doc["units"]
        index = {u["id"]: i for i, u in enumerate(units_raw)}
        applied: dict[str, set[str]] = {}
        # units sharing an assignment profile share one tuple: its needs are worked out once
        units_of: dict[tuple[str, tuple[str, ...], str | None], list[str]] = {}
        needs: dict[tuple[str, tuple[str, ...], str | None], list[str]] = {}
        assessed = rubric.assessed_units()
        if not assessed:
            self.add(Code.RB018, "units")
        for unit in assessed:
            assignments = rubric.assignments(unit)
            if not assignments:
                self.add(Code.RB009, f"units[{index[unit.id]}]", unit=unit.name)
            key = rubric.assignment_profile(unit)
            if key not in units_of:
                units_of[key] = []
                needs[key] = list(
                    dict.fromkeys(
                        param
                        for a in assignments
                        for c in a.item.criteria
                        for param in c.rule.params_needed()
                    )
                )
            units_of[key].append(unit.id)
            for param in needs[key]:
                if param not in unit.params:
                    self.add(Code.RB011, f"units[{index[unit.id]}].params", unit=unit.name, param=param)
            self.check_unit_total(rubric, unit, index[unit.id])
        for unit_ids in units_of.values():
            for a in rubric.assignments(rubric.unit(unit_ids[0])):
                applied.setdefault(a.item.id, set()).update(unit_ids)
        if assessed:
            for si, section in enumerate(rubric.sections):
                for ii, item in enumerate(section.items):
                    if item.id not in applied:
                        self.add(Code.RB019, f"sections[{si}].items[{ii}].applies_to", item=_item_name(item))
        referenced = {s.ref for _, item in rubric.items() for s in item.applies_to if s.kind == "group"}
        for gi, group in enumerate(rubric.groups):
            members = {u.id for u in rubric.assessed_units(group.id)}
            if assessed and not members and group.id in referenced:
                self.add(Code.RB031, f"groups[{gi}]", group=group.name, group_id=group.id)
            if group.normalise:
                open_items = [
                    item
                    for s, item in rubric.items()
                    if s.kind == "base" and item.open_ended and applied.get(item.id, set()) & members
                ]
                if open_items:
                    self.add(
                        Code.RB021,
                        f"groups[{gi}].normalise",
                        group=group.name,
                        item=_item_name(open_items[0]),
                    )
            if group.items_total is None:
                continue
            actual = sum(
                (
                    item.base_points
                    for s, item in rubric.items()
                    if s.kind == "base" and applied.get(item.id, set()) & members
                ),
                ZERO,
            )
            if members and actual != group.items_total:
                written = self.doc["groups"][gi]
                where = "items_total" if "items_total" in written else "total"
                self.add(
                    Code.RB005,
                    f"groups[{gi}].{where}",
                    group=group.name,
                    actual=fmt(actual),
                    expected=fmt(group.items_total),
                )
        if rubric.total is not None:
            actual = sum((item.base_points for s, item in rubric.items() if s.kind == "base"), ZERO)
            if actual != rubric.total:
                self.add(
                    Code.RB005, "total", group="全部考核项目", actual=fmt(actual), expected=fmt(rubric.total)
                )

    def check_unit_total(self, rubric: Rubric, unit: Unit, at: int) -> None:
        """A unit whose maximum differs from its group's declared per-unit maximum."""
        group = rubric.group(unit.group)
        if group.unit_total is None:
            return
        mx = rubric.max_base(unit)
        if mx == group.unit_total:
            return
        raw = next(g for g in self.doc["groups"] if g["id"] == group.id)
        if "unit_total" in raw:
            self.add(
                Code.RB020, f"units[{at}]", unit=unit.name, actual=fmt(mx), expected=fmt(group.unit_total)
            )
        else:  # the old single ``total``, read as every unit's maximum on raw points
            self.add(
                Code.RB016, f"units[{at}]", unit=unit.name, actual=fmt(mx), expected=fmt(group.unit_total)
            )


def _item_name(item: Item) -> str:
    return f"{item.number or item.id} {item.title}".strip()


def build_rubric(doc: Doc, content_hash: str = "") -> tuple[Rubric | None, list[Problem]]:
    """Build and semantically check a rubric document; the model is None when errors were found.

    ``content_hash`` identifies the document the rubric came from (see adapters.rubric_file).
    """
    builder = _Builder(doc, content_hash)
    rubric = builder.build()
    # de-duplicate repeated parameter problems (one per unit and parameter is enough)
    seen: set[tuple[str, str | None, str]] = set()
    unique: list[Problem] = []
    for p in builder.problems:
        key = (p.code.name, p.path, p.message)
        if key not in seen:
            seen.add(key)
            unique.append(p)
    return rubric, unique
