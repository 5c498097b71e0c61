"""The rubrics and the example that ship with the tool, wherever it is installed.

In a wheel they are package data (kepu_inspect/_rubrics, kepu_inspect/_example: setup.py maps the
repository's rubrics/ and examples/pingdingshan-2017/ there at build time, so the repository keeps the
only copy). Run from a clone or an editable install, the same repository folders are read in place.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

EXAMPLE_RUBRIC = "pingdingshan-2017"
COUNTY_MODULE_RUBRIC = "xinan-county-members-2018"
EXAMPLE_PLAN = "平顶山市2017年全民科学素质工作要点.txt"
_REPOSITORY = {"_rubrics": ("rubrics",), "_example": ("examples", "pingdingshan-2017")}


def _folder(packaged: str) -> Path:
    inside = resources.files("kepu_inspect") / packaged
    if inside.is_dir():
        return Path(str(inside))
    # a clone (or an editable install of one): the package sits beside the repository's folders
    return Path(__file__).resolve().parents[2].joinpath(*_REPOSITORY[packaged])


def rubrics_folder() -> Path:
    return _folder("_rubrics")


def example_folder() -> Path:
    return _folder("_example")


def example_submissions() -> Path:
    return example_folder() / "submissions"


def example_verification() -> Path:
    """The example's inspection: the two teams' filled verification workbooks."""
    return example_folder() / "verification"


def example_teams() -> Path:
    return example_folder() / "teams.yaml"


def example_plan() -> Path:
    return example_folder() / EXAMPLE_PLAN


@dataclass(frozen=True)
class ShippedRubric:
    name: str  # the file name without .yaml, e.g. pingdingshan-2017
    path: Path


def shipped_rubrics() -> list[ShippedRubric]:
    folder = rubrics_folder()
    if not folder.is_dir():
        return []
    return [ShippedRubric(p.stem, p) for p in sorted(folder.glob("*.yaml"))]


def shipped_rubric(name: str) -> ShippedRubric | None:
    """A shipped rubric by name (``pingdingshan-2017`` or ``pingdingshan-2017.yaml``)."""
    wanted = name.strip().lower().removesuffix(".yaml").removesuffix(".yml")
    return next((r for r in shipped_rubrics() if r.name.lower() == wanted), None)
