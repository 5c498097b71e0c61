"""The process pool gives exactly the serial results, in the same order (correctness, not speed)."""

from __future__ import annotations

from pathlib import Path

import pytest

from kepu_inspect.core.record import pack_record, unpack_record
from kepu_inspect.core.rubric import Rubric
from kepu_inspect.reports.data_report import results_json
from kepu_inspect.services import batch
from kepu_inspect.services.batch import BatchOptions, rank_batch, run_batch, score_paths
from tests.conftest import ROOT

EXAMPLE = ROOT / "examples" / "pingdingshan-2017" / "submissions"


def test_pool_matches_serial(pingdingshan: Rubric, monkeypatch: pytest.MonkeyPatch) -> None:
    paths = [EXAMPLE]
    serial = run_batch(pingdingshan, paths, BatchOptions(workers=1))
    monkeypatch.setattr(batch, "POOL_THRESHOLD", 2)  # force the pool on a city-sized folder
    progress: list[int] = []
    pooled = run_batch(pingdingshan, paths, BatchOptions(workers=2), progress=progress.append)
    assert [r.path for r in pooled.intake.readings] == [r.path for r in serial.intake.readings]
    assert pooled.intake.readings == serial.intake.readings
    assert pooled.results == serial.results
    assert sum(progress) == len(serial.intake.readings) == 37
    a = results_json(rank_batch(pingdingshan, serial, "2017-12-28"))
    b = results_json(rank_batch(pingdingshan, pooled, "2017-12-28"))
    assert a == b


def test_small_folders_do_not_start_a_pool(pingdingshan: Rubric, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_pool(*args: object, **kwargs: object) -> None:
        raise AssertionError("a pool was started for a small folder")

    import concurrent.futures

    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", no_pool)
    files = sorted(Path(EXAMPLE).iterdir())
    done = run_batch(pingdingshan, [EXAMPLE], BatchOptions(workers=2))
    assert len(done.intake.readings) == len(files) < batch.POOL_THRESHOLD


def test_lean_workers_give_the_same_results_file(
    pingdingshan: Rubric, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Records made in the workers, item detail dropped: the results file is unchanged."""
    full = results_json(score_paths(pingdingshan, [EXAMPLE], "2017-12-28", options=BatchOptions(workers=1)))
    monkeypatch.setattr(batch, "POOL_THRESHOLD", 2)
    lean_run = score_paths(
        pingdingshan, [EXAMPLE], "2017-12-28", options=BatchOptions(keep_items=False, workers=2)
    )
    assert all(not r.items for r in lean_run.results.values())
    assert results_json(lean_run) == full


def test_the_collector_is_restored_after_a_batch_even_when_it_fails(
    pingdingshan: Rubric, monkeypatch: pytest.MonkeyPatch
) -> None:
    import gc

    assert gc.isenabled()

    def broken(*args: object, **kwargs: object) -> None:
        assert not gc.isenabled()  # paused while results are built
        raise RuntimeError

    monkeypatch.setattr(batch, "build_ledger", broken)
    with pytest.raises(RuntimeError):
        run_batch(pingdingshan, [EXAMPLE], BatchOptions(workers=1))
    assert gc.isenabled()


def test_item_results_cross_processes_exactly_and_share_values(pingdingshan: Rubric) -> None:
    """Compact pickling: equal results, exact Decimals (trailing zeros kept), shared objects."""
    import pickle

    results = [
        r for r in run_batch(pingdingshan, [EXAMPLE], BatchOptions(workers=1)).results.values() if r.items
    ]
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
    text = '{"unit":"甲县","items":[]}'.encode()
    packed = pack_record(text, compress)
    assert (packed != text) is compress
    assert unpack_record(packed) == text


def test_check_keeps_every_problem_and_no_values(
    pingdingshan: Rubric, monkeypatch: pytest.MonkeyPatch
) -> None:
    full = run_batch(pingdingshan, [EXAMPLE], BatchOptions(workers=1))
    monkeypatch.setattr(batch, "POOL_THRESHOLD", 2)
    checked = run_batch(pingdingshan, [EXAMPLE], batch.CHECK_ONLY)
    assert all(r.submission is None for r in checked.intake.readings)
    assert not checked.results and full.results
    assert checked.intake.all_problems() == full.intake.all_problems()
    assert checked.intake.ledger == full.intake.ledger
