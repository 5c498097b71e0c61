"""Generate the bundled Pingdingshan 2017 example: filled self-assessments and the expected results.

Run from the repository root:  python examples/generate_pingdingshan.py

Fixed seed, so the files are byte-identical on every run. What it contains, on purpose:
- every assessed county-level unit and member department, filled with realistic content
  (self scores mostly a little above the inspectors' verified scores);
- 石龙区 caught fabricating data (弄虚作假 gate → 不合格 whatever its score);
- 郏县 never submitted (listed as 未报送);
- 市体育局's file has typing problems for `check` to show (约8, a level not in the list, an empty
  self score, missing evidence) and is still scored from what can be read;
- 舞钢市 typed its scores in a LibreOffice-like way (full-width digits, "分" after numbers, √/×).
"""

from __future__ import annotations

import random
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kepu_inspect.adapters import layout as L  # noqa: E402
from kepu_inspect.adapters.filler import plausible_filling, write_filled  # noqa: E402
from kepu_inspect.adapters.rubric_file import load_rubric  # noqa: E402
from kepu_inspect.adapters.template_writer import template_bytes, template_filename  # noqa: E402

RUBRIC = ROOT / "rubrics" / "pingdingshan-2017.yaml"
OUT = ROOT / "examples" / "pingdingshan-2017"
SUBMISSIONS = OUT / "submissions"
EXPECTED = OUT / "expected"
DATE = "2017-12-28"
SEED = 2017

MISSING = "郏县"
FRAUD = "石龙区"
PROBLEMS = "市体育局"
TYPED_BY_HAND = "舞钢市"
# unit quality 0–1: how well each unit did its work this year (drives inputs and scores)
STRONG = {"市科协": 0.95, "市教育局": 0.9, "新华区": 0.92, "汝州市": 0.9, "宝丰县": 0.88, "卫东区": 0.85}


def main() -> None:
    loaded = load_rubric(RUBRIC)
    rubric = loaded.rubric
    assert rubric is not None, loaded.problems
    if SUBMISSIONS.exists():
        shutil.rmtree(SUBMISSIONS)
    SUBMISSIONS.mkdir(parents=True)
    rng = random.Random(SEED)
    for unit in rubric.assessed_units():
        quality = STRONG.get(unit.name, rng.uniform(0.55, 0.85))
        filling = plausible_filling(rubric, unit, rng, quality=quality, inflate=0.04)
        if unit.name == MISSING:
            continue
        if unit.name == FRAUD:
            filling.gates["fraud"] = "是"
            first_item = rubric.assignments(unit)[0].item.id
            filling.opinions[first_item] = "经查实，培训人次台账系补造，存在弄虚作假"
        if unit.name == PROBLEMS:
            spoil(rubric, unit, filling)
        if unit.name == TYPED_BY_HAND:
            by_hand(filling)
        write_filled(template_bytes(rubric, unit), filling, SUBMISSIONS / template_filename(rubric, unit))
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
