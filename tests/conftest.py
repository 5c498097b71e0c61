"""Shared fixtures: the rubrics as loaded models, and a scored run of the small test rubric."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from kepu_inspect.adapters.rubric_file import load_rubric
from kepu_inspect.core.rubric import Rubric

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"
MINI = DATA / "mini.yaml"
PINGDINGSHAN = ROOT / "rubrics" / "pingdingshan-2017.yaml"


def _load(path: Path) -> Rubric:
    loaded = load_rubric(path)
    assert loaded.rubric is not None, [p.message for p in loaded.problems]
    return loaded.rubric


@pytest.fixture(scope="session")
def mini() -> Rubric:
    return _load(MINI)


@pytest.fixture(scope="session")
def pingdingshan() -> Rubric:
    return _load(PINGDINGSHAN)


@pytest.fixture(scope="session")
def pingdingshan_in_submission() -> Rubric:
    """The Pingdingshan rubric as a small office runs it: 核定分 typed into the units' own workbooks."""
    from kepu_inspect.adapters.rubric_file import load_rubric_text

    text = PINGDINGSHAN.read_text("utf-8")
    text = text.replace("  verification: separate ", "  verification: in_submission ", 1)
    loaded = load_rubric_text(text, PINGDINGSHAN)
    assert loaded.rubric is not None and loaded.rubric.settings.verification == "in_submission"
    return loaded.rubric


@pytest.fixture()
def filled_dir(tmp_path: Path, mini: Rubric) -> Path:
    """Filled workbooks for every assessed mini unit except 乙区 (left missing)."""
    from kepu_inspect.adapters.filler import plausible_filling, write_filled
    from kepu_inspect.adapters.template_writer import template_bytes, template_filename

    rng = random.Random(7)
    folder = tmp_path / "submissions"
    for unit in mini.assessed_units():
        if unit.id == "B":
            continue
        write_filled(
            template_bytes(mini, unit),
            plausible_filling(mini, unit, rng),
            folder / template_filename(mini, unit),
        )
    return folder
