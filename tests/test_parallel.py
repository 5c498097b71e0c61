"""The process pool gives exactly the serial results, in the same order (correctness, not speed)."""

from __future__ import annotations

from pathlib import Path

import pytest

from kepu_inspect.core.rubric import Rubric
from kepu_inspect.reports.data_report import results_json
from kepu_inspect.services import intake
from kepu_inspect.services.scoring_service import score_intake
from tests.conftest import ROOT

EXAMPLE = ROOT / "examples" / "pingdingshan-2017" / "submissions"


def test_pool_matches_serial(pingdingshan: Rubric, monkeypatch: pytest.MonkeyPatch) -> None:
    paths = [EXAMPLE]
    serial = intake.run_intake(pingdingshan, paths, workers=1)
    monkeypatch.setattr(intake, "POOL_THRESHOLD", 2)  # force the pool on a city-sized folder
    progress: list[int] = []
    pooled = intake.run_intake(pingdingshan, paths, progress=progress.append, workers=2)
    assert [r.path for r in pooled.readings] == [r.path for r in serial.readings]
    assert pooled.readings == serial.readings
    assert sum(progress) == len(serial.readings) == 37
    a = results_json(score_intake(pingdingshan, serial, "2017-12-28"))
    b = results_json(score_intake(pingdingshan, pooled, "2017-12-28"))
    assert a == b


def test_small_folders_do_not_start_a_pool(pingdingshan: Rubric, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_pool(*args: object, **kwargs: object) -> None:
        raise AssertionError("a pool was started for a small folder")

    import concurrent.futures

    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", no_pool)
    files = sorted(Path(EXAMPLE).iterdir())
    assert len(intake.read_all(pingdingshan, files, workers=2)) == len(files) < intake.POOL_THRESHOLD


def test_lean_workers_give_the_same_results_file(
    pingdingshan: Rubric, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Records rendered in the workers, item detail dropped: the results file is unchanged."""
    from kepu_inspect.reports.data_report import unit_record
    from kepu_inspect.services.scoring_service import score_paths

    full = results_json(score_paths(pingdingshan, [EXAMPLE], "2017-12-28", workers=1))
    monkeypatch.setattr(intake, "POOL_THRESHOLD", 2)
    lean_run = score_paths(
        pingdingshan,
        [EXAMPLE],
        "2017-12-28",
        workers=2,
        scoring=intake.Scoring(render=unit_record, keep_items=False),
    )
    assert all(not r.items for r in lean_run.results.values())
    assert results_json(lean_run) == full


def test_paused_gc_restores_the_collector_even_when_nested_or_failing() -> None:
    import gc

    assert gc.isenabled()
    with pytest.raises(RuntimeError), intake.paused_gc():
        assert not gc.isenabled() and gc.get_freeze_count() > 0
        with intake.paused_gc():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the inner exit does not resume the outer pause
        raise RuntimeError
    assert gc.isenabled() and gc.get_freeze_count() == 0


def test_item_results_cross_processes_exactly_and_share_values(pingdingshan: Rubric) -> None:
    """Compact pickling: equal results, exact Decimals (trailing zeros kept), shared objects."""
    import pickle

    readings = intake.run_intake(pingdingshan, [EXAMPLE], workers=1, scoring=intake.Scoring()).readings
    results = [r.result for r in readings if r.result is not None and r.result.items]
    assert len(results) > 20
    back = [pickle.loads(pickle.dumps(res, protocol=pickle.HIGHEST_PROTOCOL)) for res in results]
    assert back == results
    for a, b in zip(back, results, strict=True):
        for ia, ib in zip(a.items, b.items, strict=True):
            assert str(ia.max_points) == str(ib.max_points)  # 2.0 stays 2.0, not 2
            for ca, cb in zip(ia.criteria, ib.criteria, strict=True):
                assert [str(x) for x in (ca.points, ca.self_score, ca.verified, ca.computed)] == [
                    str(x) for x in (cb.points, cb.self_score, cb.verified, cb.computed)
                ]
    first, second = back[0].items[0], back[1].items[0]
    assert first.item_id == second.item_id and first.item_id is second.item_id  # interned
    assert first.max_points == second.max_points and first.max_points is second.max_points  # shared


@pytest.mark.parametrize("compress", [False, True])
def test_records_unpack_to_their_utf8_text(compress: bool) -> None:
    text = '{"unit":"甲县","items":[]}'
    packed = intake.pack_record(text, compress)
    assert (packed != text.encode()) is compress
    assert intake.unpack_record(packed) == text.encode("utf-8")


def test_check_only_intake_keeps_every_problem_and_no_submission(
    pingdingshan: Rubric, monkeypatch: pytest.MonkeyPatch
) -> None:
    full = intake.run_intake(pingdingshan, [EXAMPLE], workers=1)
    monkeypatch.setattr(intake, "POOL_THRESHOLD", 2)
    checked = intake.run_intake(pingdingshan, [EXAMPLE], workers=2, scoring=intake.CHECK_ONLY)
    assert all(r.submission is None and r.result is None for r in checked.readings)
    assert any(r.submission is not None for r in full.readings)
    assert checked.all_problems() == full.all_problems() and checked.ledger == full.ledger
