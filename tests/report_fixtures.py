"""Score runs for the report tests: a real one from filled workbooks, and a cheap synthetic large one.

The synthetic run builds the result objects directly (no workbooks), so thousands of units cost well
under a second; it exercises every report path that depends on size, not scoring.
"""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

from kepu_inspect.adapters.rubric_file import load_rubric, load_rubric_text
from kepu_inspect.core.numbers import HUNDRED, ZERO, Interval, round_half_up
from kepu_inspect.core.problems import Code, problem
from kepu_inspect.core.ranking import rank_group
from kepu_inspect.core.results import InspectionSummary, Intake, ScoreRun
from kepu_inspect.core.rubric import GradeBand, Group, Item, Meta, Rubric, Section, Settings, Unit
from kepu_inspect.core.scoring import CriterionResult, ItemResult, Overclaim, UnitResult, grade_for, unscored
from kepu_inspect.services.batch import score_paths

ROOT = Path(__file__).resolve().parents[1]
MINI = ROOT / "tests" / "data" / "mini.yaml"
PINGDINGSHAN = ROOT / "rubrics" / "pingdingshan-2017.yaml"


def rubric_from(path: Path, replace: dict[str, str] | None = None) -> Rubric:
    """Load a rubric file, optionally with text replaced first (e.g. hostile unit names)."""
    if not replace:
        loaded = load_rubric(path)
    else:
        text = path.read_text("utf-8")
        for old, new in replace.items():
            assert old in text, old
            text = text.replace(old, new)
        loaded = load_rubric_text(text, Path("x.yaml"))
    assert loaded.rubric is not None, [p.message for p in loaded.problems]
    return loaded.rubric


def scored_run(rubric: Rubric, folder: Path, *, skip: tuple[str, ...] = ("B",), seed: int = 1) -> ScoreRun:
    """Fill every assessed unit's template plausibly (except ``skip``), then score the folder."""
    from kepu_inspect.adapters.filler import plausible_filling, write_filled
    from kepu_inspect.adapters.template_writer import template_bytes, template_filename

    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    for unit in rubric.assessed_units():
        if unit.id in skip:
            continue
        write_filled(
            template_bytes(rubric, unit),
            plausible_filling(rubric, unit, rng),
            folder / template_filename(rubric, unit),
        )
    return score_paths(rubric, [folder], date="2017-12-28")


_RULES = ("达标计分", "按完成比例计分", "分档计分", "按等级计分", "逐项计分", "按次扣分")
_TITLES = (
    "科普经费保障",
    "科普阵地建设",
    "青少年科技竞赛",
    "科普志愿者行动",
    "科普信息化工程",
    "组织领导",
    "社区科普益民工程",
    "农村科普示范基地",
    "科技工作者日活动",
    "大众媒体科技宣传",
)


def _default_name(i: int) -> str:
    return f"测试单位{i:05d}" + ("科学技术协会" if i % 7 == 0 else "")


def synthetic_run(
    units: int = 3000,
    items: int = 40,
    seed: int = 3,
    missing_every: int = 97,
    unit_name: Callable[[int], str] = _default_name,
) -> ScoreRun:
    """A run of ``units`` units × ``items`` items (2–3 criteria each, ~2.2 on average), built directly."""
    rng = random.Random(seed)
    groups = (
        Group("county", "县（市、区）", "county"),
        Group("dept", "市直成员单位", "department", normalise=True),
    )
    unit_list = tuple(
        Unit(f"U{i:05d}", unit_name(i), "county" if i % 3 == 0 else "dept") for i in range(units)
    )
    bonus_items = max(1, items // 20)
    item_defs = [
        Item(
            f"I{j:03d}",
            str(j + 1),
            _TITLES[j % len(_TITLES)] + (f"（{j // len(_TITLES) + 1}）" if j >= 10 else ""),
            "",
            Decimal(0),
            (),
            (),
        )
        for j in range(items)
    ]
    sections = (
        Section("S1", "一、基本工作", tuple(item_defs[: items - bonus_items])),
        Section("X", "加分项目", tuple(item_defs[items - bonus_items :]), kind="bonus", cap=Decimal(5)),
    )
    grades = (
        GradeBand("优秀", Interval(Decimal(90))),
        GradeBand("良好", Interval(Decimal(80), True, Decimal(90))),
        GradeBand("合格", Interval(Decimal(60), True, Decimal(80))),
        GradeBand("不合格", Interval(Decimal(0), True, Decimal(60))),
    )
    rubric = Rubric(
        Meta(
            "synthetic",
            "合成考核细则",
            2017,
            "测试市全民科学素质工作领导小组办公室",
            "1.0",
            subject="全民科学素质工作目标责任",
        ),
        Settings(decimals=2, overclaim_threshold=Decimal(2), overclaim_deduction=Decimal("0.5")),
        groups,
        unit_list,
        (),
        sections,
        (),
        grades,
    )
    shapes = [
        [
            (
                Decimal(rng.choice((2, 3, 4, 5))),
                rng.choice(_RULES),
                f"评分细项{j + 1}-{k + 1}：按考核细则要求开展相关工作并提供佐证材料",
            )
            for k in range(rng.choice((2, 2, 2, 2, 3)))
        ]
        for j in range(items)
    ]
    results: dict[str, UnitResult] = {}
    extra = []
    for i, unit in enumerate(unit_list):
        if missing_every and i % missing_every == 5 % missing_every:
            results[unit.id] = unscored(rubric, unit, "missing", "未报送")
            continue
        item_results = []
        overclaims = []
        for j, item in enumerate(item_defs):
            bonus = j >= items - bonus_items
            crits = []
            for k, (top, rule, text) in enumerate(shapes[j]):
                got = round_half_up(top * Decimal(rng.randint(40, 100)) / HUNDRED, 1)
                claimed = min(top, got + Decimal(rng.choice((0, 0, 0, 1, 3))))
                value = rng.randint(0, 2000)
                crits.append(
                    CriterionResult(
                        f"{item.id}.{k}",
                        text,
                        rule,
                        top,
                        (("完成数量", str(value)), ("是否达标", rng.choice("是否"))),
                        got,
                        claimed,
                        got,
                        got,
                        "verified",
                        f"自评{claimed}分，督导检查组核定{got}分；按填报数据：完成数量{value}，目标1000，完成{value // 10}%，得{got}分",
                    )
                )
            points = sum((c.points for c in crits), ZERO)
            self_points = sum((c.self_score or ZERO for c in crits), ZERO)
            max_points = sum((c.max_points for c in crits), ZERO)
            item_results.append(
                ItemResult(
                    item.id,
                    item.number,
                    item.title,
                    "X" if bonus else "S1",
                    bonus,
                    Decimal(1),
                    max_points,
                    self_points,
                    points,
                    ZERO,
                    True,
                    tuple(crits),
                )
            )
            if not bonus and self_points - points > 2:
                overclaims.append(Overclaim(item.id, item.title, self_points, points))
                extra.append(
                    problem(
                        Code.SC001,
                        unit=unit.name,
                        item=f"{item.number} {item.title}",
                        diff=str(self_points - points),
                        threshold="2",
                    )
                )
        base_items = [it for it in item_results if not it.bonus_section]
        max_base = sum((it.max_points for it in base_items), ZERO)
        base = sum((it.points for it in base_items), ZERO)
        self_total = sum((it.self_points for it in base_items), ZERO)
        bonus_points = min(Decimal(5), sum((it.points for it in item_results if it.bonus_section), ZERO))
        deductions = Decimal("0.5") * len(overclaims)
        rate = round_half_up(base / max_base * HUNDRED, 2)
        group = rubric.group(unit.group)
        score = round_half_up(
            max(ZERO, (rate if group.normalise else base / max_base * HUNDRED) + bonus_points - deductions), 2
        )
        results[unit.id] = UnitResult(
            unit.id,
            unit.name,
            unit.group,
            "scored",
            max_base,
            self_total,
            base,
            bonus_points,
            deductions,
            rate,
            score,
            grade_for(rubric, score),
            (),
            tuple(item_results),
            tuple(overclaims),
            0,
            (f"疑似虚报{len(overclaims)}项",) if overclaims else (),
        )
    order = {u.id: i for i, u in enumerate(unit_list)}
    rankings = {
        g.id: rank_group([r for r in results.values() if r.group_id == g.id], (), order) for g in groups
    }
    return ScoreRun(rubric, Intake(), results, rankings, "2017-12-28", extra)


EXAMPLE = ROOT / "examples" / "pingdingshan-2017"
EXAMPLE_SUBMISSIONS = EXAMPLE / "submissions"
EXAMPLE_VERIFICATION = EXAMPLE / "verification"


def example_run(date: str = "2017-12-28") -> ScoreRun:
    """The bundled example scored as the README's command scores it: submissions and the inspection
    teams' verification workbooks."""
    folders = [EXAMPLE_SUBMISSIONS, *([EXAMPLE_VERIFICATION] if EXAMPLE_VERIFICATION.exists() else [])]
    return score_paths(rubric_from(PINGDINGSHAN), folders, date=date)


TEAM_ONE = ("王建国", "李敏", "赵强")
TEAM_TWO = ("陈静", "刘洋", "孙丽")


def inspection(
    team: str, members: tuple[str, ...], *, overall: str, strengths: str, weaknesses: str
) -> InspectionSummary:
    """A team's record of one unit, as the verification workbooks will carry it (issue 14)."""
    return InspectionSummary(
        team=team,
        leader=members[0],
        inspectors=members,
        overall=overall,
        strengths=strengths,
        weaknesses=weaknesses,
        methods=(("资料检查", 12), ("实地查看", 3), ("抽查", 2)),
    )


def with_inspections(
    run: ScoreRun,
    summaries: dict[str, InspectionSummary],
    opinions: dict[tuple[str, str], str] | None = None,
) -> ScoreRun:
    """The run with inspection records and 核查意见 set on named units (unit name → summary; (unit name,
    item id) → opinion), every ranking pointing at the updated results."""
    opinions = opinions or {}
    results = {}
    for uid, res in run.results.items():
        items = tuple(
            dataclasses.replace(it, opinion=opinions.get((res.unit_name, it.item_id), it.opinion))
            for it in res.items
        )
        results[uid] = dataclasses.replace(
            res, items=items, inspection=summaries.get(res.unit_name, res.inspection)
        )
    rankings = {
        gid: [dataclasses.replace(r, result=results[r.result.unit_id]) for r in rows]
        for gid, rows in run.rankings.items()
    }
    return dataclasses.replace(run, results=results, rankings=rankings)


def example_inspections() -> dict[str, InspectionSummary]:
    """Three units' records: a common finding (科普经费投入不足) written three ways, and single ones."""
    one, two = "第一督导检查组", "第二督导检查组"
    return {
        "新华区": inspection(
            one,
            TEAM_ONE,
            overall="领导重视，机制健全，各项任务完成较好。",
            strengths="科普日活动组织有力，社区科普益民工程覆盖面广。",
            weaknesses="1．科普经费投入不足；2．科普志愿者队伍建设滞后。",
        ),
        "叶县": inspection(
            two,
            TEAM_TWO,
            overall="工作有一定基础，但部分指标未完成。",
            strengths="农村科普示范基地建设有特色。",
            weaknesses="一是科普经费投入不足。二是台账资料不规范，佐证材料缺失较多。",
        ),
        "市科协": inspection(
            one,
            TEAM_ONE,
            overall="牵头作用发挥充分。",
            strengths="科普信息化工程推进有力。",
            weaknesses="（1）科普经费投入不足；（2）台账资料不规范，佐证材料缺失较多",
        ),
    }
