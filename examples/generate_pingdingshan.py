"""Generate the bundled Pingdingshan 2017 example: filled self-assessments and the expected results.

Run from the repository root:  python examples/generate_pingdingshan.py

Fixed seed, so the files are byte-identical on every run. What it contains, on purpose:
- every assessed county-level unit and member department, filled with realistic content
  (self scores mostly a little above the inspectors' verified scores);
- 石龙区 caught fabricating data (弄虚作假 gate → 不合格 whatever its score);
- 郏县 never submitted (listed as 未报送);
- 市体育局's file has typing problems for `check` to show (约8, a level not in the list, an empty
  self score, missing evidence) and is still scored from what can be read;
- 舞钢市 typed its scores in a LibreOffice-like way (full-width digits, "分" after numbers, √/×);
- the inspection (verification: separate): two teams of three inspectors (teams.yaml), each with its
  verification workbook (verification/) filled as inspectors do — marks that mostly agree, a few that
  differ by up to a point, two criteria where they disagree by more than the declared spread, remarks,
  检查方式, the 弄虚作假 finding for 石龙区, each team leader's 督导检查意见;
- 叶县 resubmitted after its inspection: its verification was made from the earlier file, so the unit
  is held (待核实) until the team's workbook is carried over (`inspection --carry-over`).
"""

from __future__ import annotations

import io
import random
import shutil
import subprocess
import sys
import tempfile
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kepu_inspect.adapters import layout as L  # noqa: E402
from kepu_inspect.adapters import verification_layout as V  # noqa: E402
from kepu_inspect.adapters.filler import plausible_filling, write_filled  # noqa: E402
from kepu_inspect.adapters.output import normalise_xlsx_bytes, safe_filename  # noqa: E402
from kepu_inspect.adapters.rubric_file import load_rubric  # noqa: E402
from kepu_inspect.adapters.teams_file import read_teams  # noqa: E402
from kepu_inspect.adapters.template_writer import form_subject, template_bytes, template_filename  # noqa: E402
from kepu_inspect.core.scoring import score_range  # noqa: E402
from kepu_inspect.services.inspection import plan_inspection, written  # noqa: E402

RUBRIC = ROOT / "rubrics" / "pingdingshan-2017.yaml"
OUT = ROOT / "examples" / "pingdingshan-2017"
SUBMISSIONS = OUT / "submissions"
VERIFICATION = OUT / "verification"
TEAMS = OUT / "teams.yaml"
EXPECTED = OUT / "expected"
DATE = "2017-12-28"
SEED = 2017

MISSING = "郏县"
FRAUD = "石龙区"
PROBLEMS = "市体育局"
STALE = "叶县"  # resubmitted after the inspection
TYPED_BY_HAND = "舞钢市"
# unit quality 0–1: how well each unit did its work this year (drives inputs and scores)
STRONG = {"市科协": 0.95, "市教育局": 0.9, "新华区": 0.92, "汝州市": 0.9, "宝丰县": 0.88, "卫东区": 0.85}


def main() -> None:
    loaded = load_rubric(RUBRIC)
    rubric = loaded.rubric
    assert rubric is not None, loaded.problems
    for folder in (SUBMISSIONS, VERIFICATION):
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
    rng = random.Random(SEED)
    found: dict[
        str, dict[str, object]
    ] = {}  # unit id → what the inspection finds (verified, opinions, fraud)
    stale_first: tuple[Path, bytes] | None = None
    for unit in rubric.assessed_units():
        quality = STRONG.get(unit.name, rng.uniform(0.55, 0.85))
        filling = plausible_filling(rubric, unit, rng, quality=quality, inflate=0.04)
        if unit.name == MISSING:
            continue
        found[unit.id] = {
            "verified": dict(filling.verified),
            "opinions": dict(filling.opinions),
            "fraud": unit.name == FRAUD,
            "quality": quality,
        }
        # the unit's own part only: 核定分, 核查意见 and the gates are the inspectors', in their workbooks
        filling.verified, filling.opinions, filling.gates = {}, {}, {}
        if unit.name == PROBLEMS:
            spoil(rubric, unit, filling)
        if unit.name == TYPED_BY_HAND:
            by_hand(filling)
        target = SUBMISSIONS / template_filename(rubric, unit)
        write_filled(template_bytes(rubric, unit), filling, target)
        if unit.name == STALE:
            stale_first = (target, target.read_bytes())
            first_number = next(rid for rid, v in filling.inputs.items() if not isinstance(v, bool | str))
            filling.inputs[first_number] = Decimal(filling.inputs[first_number]) + 3  # the corrected figure
            write_filled(template_bytes(rubric, unit), filling, target)
    assert stale_first is not None
    inspect(rubric, found, stale_first, rng)
    # the expected results, produced by the tool itself and checked into the repository
    if EXPECTED.exists():
        shutil.rmtree(EXPECTED)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "kepu_inspect",
            "score",
            "rubrics/pingdingshan-2017.yaml",
            "examples/pingdingshan-2017/submissions",
            "examples/pingdingshan-2017/verification",
            "-o",
            "examples/pingdingshan-2017/expected",
            "--date",
            DATE,
            "--reports",
            "json,csv",
            "--quiet",
        ],
        cwd=ROOT,
        check=False,
        stdout=subprocess.DEVNULL,
    )
    print(f"wrote {len(list(SUBMISSIONS.glob('*.xlsx')))} workbooks to {SUBMISSIONS.relative_to(ROOT)}")


def inspect(rubric, found, stale_first, rng) -> None:  # type: ignore[no-untyped-def]
    """The teams' verification workbooks, made by the tool and filled as the inspectors fill them."""
    teams, problems = read_teams(rubric, TEAMS)
    assert not problems, problems
    with tempfile.TemporaryDirectory() as tmp:
        # 叶县's workbook was made before it resubmitted: from the submissions as they were then
        earlier = Path(tmp) / "submissions"
        shutil.copytree(SUBMISSIONS, earlier)
        (earlier / stale_first[0].name).write_bytes(stale_first[1])
        plan = plan_inspection(rubric, [earlier], teams)
        for team, result in written(rubric, plan):
            name = safe_filename(f"{rubric.meta.year}年{form_subject(rubric)}核查表-{team.name}") + ".xlsx"
            (VERIFICATION / name).write_bytes(fill_verification(rubric, result.data, found, rng))


SUMMARIES = {
    "overall": ["全年工作组织有力，各项任务基本完成。", "工作总体推进有序，部分任务完成质量有待提高。"],
    "strengths": [
        "领导重视，经费保障到位；科普日、科技活动周等品牌活动覆盖面广。",
        "科普阵地建设有新进展，志愿者队伍不断壮大。",
    ],
    "weaknesses": [
        "台账资料归档不够规范，部分活动缺少图片和总结。",
        "基层科普活动频次偏少，经费投入增长不明显。",
        "部分数据与佐证材料不一致，须进一步核实。",
    ],
}


def fill_verification(rubric, data: bytes, found, rng) -> bytes:  # type: ignore[no-untyped-def]
    """Each inspector's marks (mostly agreeing, a few apart), remarks, methods, gate answers; summaries."""
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(data))
    owners = {}
    for key, value in wb[V.IDENTITY_SHEET].iter_rows(values_only=True):
        if str(key).startswith(V.SHEET_PREFIX):
            owners[str(key)[len(V.SHEET_PREFIX) :]] = str(value)
    disagree = 2  # criteria where the inspectors differ by more than the declared spread
    for sheet_name, owner in owners.items():
        ws = wb[sheet_name]
        unit_id, _, who = owner.partition("|")
        seen = found[unit_id]
        if who == V.SUMMARY_MARK:
            q = 0 if seen["quality"] > 0.8 else 1
            ws[f"C{V.SUMMARY_FIRST_ROW}"] = SUMMARIES["overall"][q]
            ws[f"C{V.SUMMARY_FIRST_ROW + 1}"] = SUMMARIES["strengths"][q]
            ws[f"C{V.SUMMARY_FIRST_ROW + 2}"] = rng.choice(SUMMARIES["weaknesses"])
            continue
        leader = who == wb[V.IDENTITY_SHEET]["B7"].value or who.endswith("组长")
        unit = rubric.unit(unit_id)
        rows = {ws[f"A{r}"].value: r for r in range(V.FIRST_DATA_ROW, ws.max_row + 1) if ws[f"A{r}"].value}
        for a in rubric.assignments(unit):
            item_row = rows[a.item.id]
            ws[f"{V.COL_METHOD}{item_row}"] = rng.choice(["资料检查", "资料检查", "实地查看", "抽查"])
            opinion = seen["opinions"].get(a.item.id)
            if opinion and leader:
                ws[f"{V.COL_OPINION}{item_row}"] = opinion
            for crit in a.item.criteria:
                uid = L.criterion_uid(a.item.id, crit)
                base = seen["verified"][uid]
                low, high = score_range(crit, a.weight)
                step = (
                    {0: 0, 1: Decimal("0.5"), 2: Decimal(-1)}[rng.choice([0, 0, 0, 0, 0, 0, 1, 2])]
                    if not leader
                    else 0
                )
                if not leader and disagree and high - low >= 4 and base - low >= 3 and who.endswith("强"):
                    step, disagree = Decimal(-3), disagree - 1
                ws[f"{V.COL_VERIFIED}{rows[uid]}"] = float(min(max(base + step, low), high))
        for g in rubric.gates:
            fraud = g.id == "fraud" and seen["fraud"]
            ws[f"{V.COL_VERIFIED}{rows['G:' + g.id]}"] = "是" if fraud else "否"
            if fraud:
                ws[f"{V.COL_OPINION}{rows['G:' + g.id]}"] = "经查实，培训人次台账系补造，存在弄虚作假"
    out = io.BytesIO()
    wb.save(out)
    return normalise_xlsx_bytes(out.getvalue())


def spoil(rubric, unit, filling) -> None:  # type: ignore[no-untyped-def]
    """Typical mistakes of a hurried filler, each one cell."""
    numbers = [rid for rid, v in filling.inputs.items() if not isinstance(v, (bool, str))]
    levels = [rid for rid, v in filling.inputs.items() if isinstance(v, str)]
    if numbers:
        filling.inputs[numbers[0]] = "约8"
    if levels:
        filling.inputs[levels[0]] = "很好"
    first_crit = next(iter(filling.self_scores))
    filling.self_scores[first_crit] = None
    first_item = rubric.assignments(unit)[0].item.id
    filling.evidence[first_item] = ""
    filling.cover[L.COVER_CONTACT_CELL] = ""


def by_hand(filling) -> None:  # type: ignore[no-untyped-def]
    """Values as people type them: full-width digits, units after numbers, √/× for yes/no."""
    full = str.maketrans("0123456789.", "０１２３４５６７８９．")
    for rid, value in list(filling.inputs.items()):
        if isinstance(value, bool):
            filling.inputs[rid] = "√" if value else "×"
        elif not isinstance(value, str):
            filling.inputs[rid] = str(value).translate(full)
    for uid, value in list(filling.self_scores.items()):
        filling.self_scores[uid] = f"{value}分"


if __name__ == "__main__":
    main()
