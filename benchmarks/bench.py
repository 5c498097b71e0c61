"""Benchmark kepu-inspect against the cost of just reading the same cells with python-calamine.

    python benchmarks/bench.py score --units 50 500 3000 --items 40 120
    python benchmarks/bench.py help
    python benchmarks/bench.py template --units 200
    python benchmarks/bench.py example --runs 15 [--against /path/to/another/checkout]

`score` generates N realistic filled workbooks (a synthetic rubric with 40 or 120 items over ten rule
kinds; ~50 distinct fillings made through openpyxl, cloned per unit with the unit id patched), then in
the same run measures:
  floor  – python-calamine reading every cell of every sheet of every file, one process;
  lean   – `kepu-inspect score … --reports json,ranking` (all checks, json results, ranking workbook);
  full   – `kepu-inspect score …` with every report (xlsx with item detail for all units, html, csv);
and prints wall time, ms per workbook, peak RSS and the ratio to the floor.
Generated files go to benchmarks/work/ (git-ignored) and are reused when present.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import shutil
import statistics
import subprocess
import sys
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "benchmarks" / "work"
KEPU = [sys.executable, "-m", "kepu_inspect"]
VARIANTS = 50

RULES = [
    "{kind: checklist, checks: [{label: 制定年度计划, points: 1}, {label: 开展科普日活动, points: 1}, {label: 报送工作总结, points: 1}]}",
    "{kind: threshold, label: 开展活动次数, unit: 次, target: 4}",
    "{kind: proportional, label: 培训人次, unit: 人次, target: 5000}",
    "{kind: tiers, label: 志愿者人数, unit: 人, tiers: [{gte: 600, points: 3}, {gte: 200, lt: 600, points: 2}, {gte: 50, lt: 200, points: 1}]}",
    "{kind: levels, label: 工作成效, levels: [{name: 好, share: 1}, {name: 较好, share: 0.8}, {name: 一般, share: 0.5}]}",
    "{kind: n_of_m, need: 2, conditions: [有方案, 有总结, 有图片]}",
    "{kind: deduct_per, label: 少开展次数, each: 0.5}",
    "{kind: deductions, faults: [{label: 无工作计划, points: 2}, {label: 无工作总结, points: 1}]}",
    "{kind: per_category, cap: 3, categories: [{name: 中央媒体, each: 1.5}, {name: 省级媒体, each: 1}, {name: 市级媒体, each: 0.5}]}",
    "{kind: discretionary}",
]


def unit_name(i: int) -> str:
    """All-CJK names (县区〇〇〇〇七): LibreOffice splits mixed CJK/ASCII text into runs, which a
    byte-level clone could not patch."""
    return "县区" + f"{i:05d}".translate(str.maketrans("0123456789", "〇一二三四五六七八九"))


def make_rubric(items: int, units: int, verification: str = "in_submission") -> str:
    """A national-scale rubric: ``units`` county-level units, ``items`` items worth 3 points each.

    ``verification``: in_submission (the 核定分 are in the workbooks, as in every earlier measurement) or
    separate (the inspection's own workbooks; ``bench.py inspection``)."""
    lines = [
        "rubric: {id: bench, title: 全国县级科学素质工作考核（基准测试）, year: 2025, issuer: 测试办公室, version: '1'}",
        "scoring: {decimals: 2, overclaim: {threshold: 1, deduction: 0.5}, tie_breaks: [higher_base], "
        f"verification: {verification}}}",
        f"groups: [{{id: county, name: 县（市、区）, kind: county, total: {items * 3}}}]",
        "gates: [{id: fraud, name: 弄虚作假, grade: 不合格}]",
        "grades: [{name: 优秀, gte: 90}, {name: 良好, gte: 80, lt: 90}, {name: 合格, gte: 60, lt: 80}, {name: 不合格, gte: 0, lt: 60}]",
        "units:",
    ]
    lines += [f"  - {{id: U{i:05d}, name: {unit_name(i)}, group: county}}" for i in range(units)]
    lines.append("sections:")
    per_section = 10
    for s in range(0, items, per_section):
        lines.append(f"  - id: S{s // per_section + 1}\n    title: 第{s // per_section + 1}部分\n    items:")
        for i in range(s, min(s + per_section, items)):
            rule = RULES[i % len(RULES)]
            lines.append(
                f"      - id: I{i + 1:03d}\n        number: {i + 1}\n        title: 考核项目{i + 1}\n"
                f"        content: 围绕公民科学素质建设开展第{i + 1}项重点工作，按要求完成并报送佐证材料。\n"
                f"        points: 3\n        applies_to: [{{group: county}}]\n        evidence: 工作方案、总结、图片\n"
                f"        criteria:\n          - {{id: a, text: 按评分标准计分（第{i + 1}项）, points: 3, rule: {rule}}}"
            )
    return "\n".join(lines) + "\n"


def generate(items: int, units: int) -> tuple[Path, Path]:
    """Rubric and ``units`` filled workbooks; cached under benchmarks/work/."""
    from kepu_inspect.adapters.filler import plausible_filling, write_filled
    from kepu_inspect.adapters.rubric_file import load_rubric
    from kepu_inspect.adapters.template_writer import template_bytes

    base = WORK / f"{items}items-{units}units"
    rubric_path = base / "rubric.yaml"
    folder = base / "submissions"
    if folder.exists() and len(list(folder.iterdir())) == units:
        return rubric_path, folder
    shutil.rmtree(base, ignore_errors=True)
    folder.mkdir(parents=True)
    rubric_path.write_text(make_rubric(items, units), "utf-8")
    loaded = load_rubric(rubric_path)
    rubric = loaded.rubric
    assert rubric is not None, [p.message for p in loaded.problems[:5]]
    rng = random.Random(items * 100_003 + units)
    variants: list[bytes] = []
    proto = rubric.units[0]
    proto_template = template_bytes(rubric, proto)
    made = base / "variants"
    made.mkdir()
    for v in range(min(VARIANTS, units)):
        filling = plausible_filling(rubric, proto, rng, quality=rng.uniform(0.5, 0.95))
        write_filled(proto_template, filling, made / f"v{v:02d}.xlsx")
    paths = sorted(made.glob("*.xlsx"))
    if shutil.which("soffice"):
        # Re-save through LibreOffice, as a unit filling in Calc would: shared strings in UTF-8, cached
        # formula results — the form real submissions take (openpyxl writes inline character references).
        resaved = base / "resaved"
        subprocess.run(
            [
                "soffice",
                f"-env:UserInstallation=file://{base}/lo-profile",
                "--headless",
                "--convert-to",
                "xlsx:Calc MS Excel 2007 XML",
                "--outdir",
                str(resaved),
                *map(str, paths),
            ],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        paths = sorted(resaved.glob("*.xlsx"))
    variants = [p.read_bytes() for p in paths]
    for i, unit in enumerate(rubric.units):
        data = variants[i % len(variants)]
        (folder / f"{unit.name}.xlsx").write_bytes(
            _patch_unit(data, proto.id, unit.id, proto.name, unit.name)
        )
    return rubric_path, folder


def _patch_unit(data: bytes, old_id: str, new_id: str, old_name: str, new_name: str) -> bytes:
    """Clone a filled workbook for another unit: patch its id and name wherever text is stored.

    openpyxl stores CJK text as numeric character references in inline strings, Excel in shared
    strings as UTF-8: both forms are replaced.
    """
    pairs = [
        (old_id.encode(), new_id.encode()),
        (old_name.encode(), new_name.encode()),
        (old_name.encode("ascii", "xmlcharrefreplace"), new_name.encode("ascii", "xmlcharrefreplace")),
    ]
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename.endswith(".xml"):
                for old, new in pairs:
                    content = content.replace(old, new)
            dst.writestr(info, content)
    return out.getvalue()


def floor_read(folder: Path) -> float:
    """python-calamine reading every cell of every sheet: the cost of just reading the files."""
    from python_calamine import CalamineWorkbook

    files = sorted(folder.iterdir())
    start = time.perf_counter()
    cells = 0
    for f in files:
        wb = CalamineWorkbook.from_path(str(f))
        for name in wb.sheet_names:
            for row in wb.get_sheet_by_name(name).to_python():
                cells += len(row)
    elapsed = time.perf_counter() - start
    assert cells > 0
    return elapsed


_WRAPPER = (
    "import resource, subprocess, sys, time\n"
    "t = time.perf_counter()\n"
    "rc = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode\n"
    "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, rc)\n"
)


def run_timed(
    cmd: list[str], cwd: Path = ROOT, env: dict[str, str] | None = None
) -> tuple[float, float, int]:
    """Wall seconds, peak RSS (MB) of the command and its workers, exit code.

    Measured in a fresh wrapper process, so RUSAGE_CHILDREN covers only this command (and the pool
    workers it reaps), not earlier children such as LibreOffice.
    """
    out = subprocess.run(
        [sys.executable, "-c", _WRAPPER, *cmd], cwd=cwd, env=env, capture_output=True, text=True, check=True
    ).stdout.split()
    return float(out[0]), int(out[1]) / 1024, int(out[2])


def bench_score(units_list: list[int], items_list: list[int]) -> None:
    print(
        f"{'items':>5} {'units':>6} | {'floor s':>8} | {'lean s':>7} {'ms/wb':>6} {'×floor':>6} {'RSS MB':>7} |"
        f" {'full s':>7} {'ms/wb':>6} {'×floor':>6} {'RSS MB':>7}"
    )
    for items in items_list:
        for units in units_list:
            rubric, folder = generate(items, units)
            out = WORK / "out"
            floor = min(floor_read(folder) for _ in range(2))
            lean_cmd = [
                *KEPU,
                "score",
                str(rubric),
                str(folder),
                "-o",
                str(out / "lean"),
                "--reports",
                "json,ranking",
                "--quiet",
                "--date",
                "2025-12-31",
            ]
            full_cmd = [
                *KEPU,
                "score",
                str(rubric),
                str(folder),
                "-o",
                str(out / "full"),
                "--quiet",
                "--date",
                "2025-12-31",
            ]
            for name in ("lean", "full"):  # each run writes a fresh set (score keeps the previous as .上次)
                for left in (out / name, out / f"{name}.上次", out / f"{name}.新"):
                    shutil.rmtree(left, ignore_errors=True)
            lean, lean_rss, rc1 = run_timed(lean_cmd)
            full, full_rss, rc2 = run_timed(full_cmd)
            assert rc1 in (0, 1) and rc2 in (0, 1), (rc1, rc2)
            print(
                f"{items:>5} {units:>6} | {floor:>8.2f} | {lean:>7.2f} {lean / units * 1000:>6.2f} {lean / floor:>6.2f}"
                f" {lean_rss:>7.0f} | {full:>7.2f} {full / units * 1000:>6.2f} {full / floor:>6.2f} {full_rss:>7.0f}",
                flush=True,
            )


def bench_help(repeat: int = 15) -> None:
    minimal = WORK / "minimal_typer.py"
    WORK.mkdir(parents=True, exist_ok=True)
    minimal.write_text(
        "import typer\napp = typer.Typer()\n\n@app.command()\ndef hello(name: str) -> None:\n    print(name)\n\n"
        "@app.command()\ndef bye(name: str) -> None:\n    print(name)\n\napp()\n",
        "utf-8",
    )

    def median(cmd: list[str]) -> float:
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
            times.append(time.perf_counter() - start)
        return statistics.median(times)

    base = median([sys.executable, str(minimal), "--help"])
    ours = median([*KEPU, "--help"])
    print(
        f"--help: minimal typer app {base * 1000:.0f} ms, kepu-inspect {ours * 1000:.0f} ms, ratio {ours / base:.2f}"
    )


def bench_example(runs: int, against: Path | None) -> None:
    """The bundled Pingdingshan example, every report, as a user runs it; with ``against``, the same
    command from another checkout (e.g. an older commit), interleaved run by run so that a busy
    machine slows both alike. Byte-compiled modules are written on a first, untimed run."""
    trees = {"this checkout": ROOT, **({f"{against}": against} if against else {})}
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in trees}

    def once(tree: Path) -> tuple[float, float]:
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env["PYTHONPATH"] = str(tree)  # `-m` from the tree's root runs that tree's code
        out = WORK / "example"
        shutil.rmtree(out, ignore_errors=True)
        wall, rss, rc = run_timed(
            [
                sys.executable,
                "-m",
                "kepu_inspect",
                "score",
                "rubrics/pingdingshan-2017.yaml",
                "examples/pingdingshan-2017/submissions",
                "-o",
                str(out),
                "--date",
                "2017-12-28",
            ],
            cwd=tree,
            env=env,
        )
        assert rc == 1, rc  # the example has a unit with errors, on purpose
        return wall, rss

    for tree in trees.values():
        once(tree)
    for i in range(runs):
        for name, tree in list(trees.items()) if i % 2 == 0 else list(reversed(trees.items())):
            times[name].append(once(tree))
    for name, rows in times.items():
        walls = [w for w, _ in rows]
        print(
            f"example ({name}): {runs} runs, wall median {statistics.median(walls):.2f} s, min {min(walls):.2f}, "
            f"max {max(walls):.2f}; peak RSS {max(r for _, r in rows):.0f} MB"
        )


def bench_template(units: int) -> None:
    """Templates per second, in-process (every unit of a synthetic rubric in turn; bytes only), then the
    real command for the Pingdingshan rubric as a process, start-up included."""
    from kepu_inspect.adapters.rubric_file import load_rubric
    from kepu_inspect.adapters.template_writer import template_bytes

    for items in (40, 120):
        path = WORK / f"template-{items}.yaml"
        WORK.mkdir(parents=True, exist_ok=True)
        path.write_text(make_rubric(items, units), "utf-8")
        rubric = load_rubric(path).rubric
        assert rubric is not None
        times = []
        for unit in rubric.units:
            t0 = time.perf_counter()
            template_bytes(rubric, unit)
            times.append((time.perf_counter() - t0) * 1000)
        print(
            f"template: {items} items, {units} units, mean {statistics.mean(times):.1f} ms per template, "
            f"median {statistics.median(times):.1f} ms (in-process, bytes only)"
        )
    real = ROOT / "rubrics" / "pingdingshan-2017.yaml"
    out = WORK / "templates"
    shutil.rmtree(out, ignore_errors=True)
    elapsed, _, rc = run_timed([*KEPU, "template", str(real), "-o", str(out)])
    n = len(list(out.glob("*.xlsx")))
    print(
        f"template: `kepu-inspect template rubrics/pingdingshan-2017.yaml` wrote {n} files in {elapsed:.2f} s "
        f"({elapsed / max(n, 1) * 1000:.0f} ms per file incl. start-up), exit {rc}"
    )


def bench_inspection(units: int) -> None:
    """Verification workbooks (one per unit, one inspector, as without a team list) against templates for
    the same units, in-process and interleaved; both from the same rubric and filled submissions."""
    from kepu_inspect.adapters.filler import plausible_filling
    from kepu_inspect.adapters.rubric_file import load_rubric
    from kepu_inspect.adapters.template_writer import template_bytes
    from kepu_inspect.adapters.verification_writer import UnitSource, default_team, verification_bytes

    for items in (40, 120):
        path = WORK / f"inspection-{items}.yaml"
        WORK.mkdir(parents=True, exist_ok=True)
        path.write_text(make_rubric(items, units, "separate"), "utf-8")
        rubric = load_rubric(path).rubric
        assert rubric is not None
        rng = random.Random(1)
        from kepu_inspect.core.submission import CriterionEntry, ItemEntry, Submission

        def submission(unit, rubric=rubric, rng=rng):  # type: ignore[no-untyped-def]
            filling = plausible_filling(rubric, unit, rng)
            crits = {uid: CriterionEntry({}, score, None) for uid, score in filling.self_scores.items()}
            return Submission(unit.id, crits, {i: ItemEntry(e) for i, e in filling.evidence.items()})

        sources = [UnitSource(u, submission(u), "0" * 64, f"{u.name}.xlsx") for u in rubric.units]
        t_template = t_verification = 0.0
        for source in sources:
            t0 = time.perf_counter()
            template_bytes(rubric, source.unit)
            t1 = time.perf_counter()
            verification_bytes(rubric, default_team(source.unit), [source])
            t2 = time.perf_counter()
            t_template += t1 - t0
            t_verification += t2 - t1
        print(
            f"inspection: {items} items, {units} units: templates {t_template:.1f} s "
            f"({t_template / units * 1000:.1f} ms each), verification workbooks {t_verification:.1f} s "
            f"({t_verification / units * 1000:.1f} ms each) = {t_verification / t_template:.2f}× the templates"
        )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="what", required=True)
    s = sub.add_parser("score")
    s.add_argument("--units", type=int, nargs="+", default=[50, 500, 3000])
    s.add_argument("--items", type=int, nargs="+", default=[40, 120])
    sub.add_parser("help")
    t = sub.add_parser("template")
    t.add_argument("--units", type=int, default=100)
    i = sub.add_parser("inspection")
    i.add_argument("--units", type=int, default=100)
    e = sub.add_parser("example")
    e.add_argument("--runs", type=int, default=15)
    e.add_argument("--against", type=Path, help="another checkout to compare with (interleaved)")
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    if args.what == "score":
        bench_score(args.units, args.items)
    elif args.what == "help":
        bench_help()
    elif args.what == "example":
        bench_example(args.runs, args.against)
    elif args.what == "inspection":
        bench_inspection(args.units)
    else:
        bench_template(args.units)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
