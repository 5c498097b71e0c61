"""Where a `score` run spends its time: phase by phase, and per workbook on one core.

    python benchmarks/bench.py score --units 3000 --items 40   # generates the files once
    python benchmarks/phases.py --units 3000 --items 40 [--full]
    python benchmarks/phases.py --units 500 --items 40 --stages

The default mode runs the same calls as `kepu-inspect score` in-process (workers included) and prints
the wall time of each phase, peak RSS and CPU seconds of the main process and the workers. `--stages`
times the per-workbook steps on one core (best of many passes over 40 files, interleaved with a
python-calamine read of the same files, so a busy machine slows all alike).
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "benchmarks" / "work"


def phases(base: Path, full: bool) -> None:
    start = time.perf_counter()
    from kepu_inspect.adapters.rubric_file import load_rubric
    from kepu_inspect.cli.score import write_reports
    from kepu_inspect.services.batch import BatchOptions, rank_batch, run_batch

    def mark(label: str, since: float) -> float:
        now = time.perf_counter()
        print(
            f"{label:<28} {now - since:6.2f} s   peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024} MB"
        )
        return now

    t = mark("imports", start)
    rubric = load_rubric(base / "rubric.yaml").rubric
    assert rubric is not None
    t = mark("rubric", t)
    kinds = ["xlsx", "html", "csv", "json", "tongbao"] if full else ["json", "ranking"]
    out = WORK / "out" / "phases"
    out.mkdir(parents=True, exist_ok=True)
    batch = run_batch(rubric, [base / "submissions"], BatchOptions(keep_items=full))
    t = mark("read + check + score + ledger", t)
    run = rank_batch(rubric, batch, "2025-12-31")
    t = mark("ranking", t)
    for kind in kinds:
        write_reports(run, [kind], out, "phases")
        t = mark(f"report {kind}", t)
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    print(
        f"{'total':<28} {time.perf_counter() - start:6.2f} s   CPU main {own.ru_utime + own.ru_stime:.2f} s, "
        f"workers {kids.ru_utime + kids.ru_stime:.2f} s"
    )


def stages(base: Path, passes: int = 40) -> None:
    from python_calamine import CalamineWorkbook

    from kepu_inspect.adapters import workbook_reader
    from kepu_inspect.adapters.rubric_file import load_rubric
    from kepu_inspect.adapters.workbook_reader import WANTED, ReadingContext, read_submission
    from kepu_inspect.adapters.xlsx_safe import read_workbook
    from kepu_inspect.core.record import encode_record
    from kepu_inspect.core.scoring import score_unit

    rubric = load_rubric(base / "rubric.yaml").rubric
    assert rubric is not None
    files = sorted((base / "submissions").iterdir())[:40]
    context = ReadingContext(rubric)  # as a batch reads: one context for all its files
    readings = [read_submission(rubric, f, context=context) for f in files]
    compared = getattr(workbook_reader, "COMPARED", None)
    parts = getattr(context, "parts", None)

    def safe_read() -> None:
        for f in files:
            if parts is None:
                read_workbook(f, WANTED)
            else:
                read_workbook(f, WANTED, parts, compared)

    results = [
        score_unit(rubric, rubric.unit(r.unit_id), r.submission, (r.path,), tuple(r.problems))
        for r in readings
        if r.unit_id and r.submission
    ]

    def floor() -> None:
        for f in files:
            wb = CalamineWorkbook.from_path(str(f))
            for name in wb.sheet_names:
                wb.get_sheet_by_name(name).to_python()

    steps = {
        "floor (calamine, all sheets)": floor,
        "safe read (3 sheets)": safe_read,
        "read + identify + check": lambda: [read_submission(rubric, f, context=context) for f in files],
        "score": lambda: [
            score_unit(rubric, rubric.unit(r.unit_id), r.submission, (r.path,), tuple(r.problems))
            for r in readings
            if r.unit_id and r.submission
        ],
        "json record": lambda: [encode_record(rubric.settings.decimals, res) for res in results],
    }
    best = dict.fromkeys(steps, float("inf"))
    for _ in range(passes):
        for name, step in steps.items():
            t = time.perf_counter()
            step()
            best[name] = min(best[name], (time.perf_counter() - t) / len(files) * 1000)
    floor_ms = best["floor (calamine, all sheets)"]
    for name, ms in best.items():
        print(f"{name:<30} {ms:6.3f} ms per workbook  {ms / floor_ms:5.2f}× floor")
    total = best["read + identify + check"] + best["score"] + best["json record"]
    print(f"{'one core, all steps':<30} {total:6.3f} ms per workbook  {total / floor_ms:5.2f}× floor")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--units", type=int, default=3000)
    parser.add_argument("--items", type=int, default=40)
    parser.add_argument(
        "--full", action="store_true", help="every report (item detail) instead of json + ranking"
    )
    parser.add_argument("--stages", action="store_true", help="per-workbook steps on one core")
    args = parser.parse_args()
    base = WORK / f"{args.items}items-{args.units}units"
    if not (base / "submissions").is_dir():
        sys.exit(
            f"no files in {base}: run `python benchmarks/bench.py score --units {args.units} --items {args.items}`"
        )
    if args.stages:
        stages(base)
    else:
        phases(base, args.full)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
