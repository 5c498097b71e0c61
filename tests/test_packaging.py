"""Issue 20: the sdist and the wheel hold what they should and nothing else; the wheel, installed in a
fresh virtual environment outside the repository, starts a clerk's folder with `init` and runs the
commands of its 使用说明.txt from there. Slow (a build and an install): marked `packaging`."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
import tarfile
import time
import venv
import zipfile
from pathlib import Path

import pytest

from kepu_inspect import __version__
from tests.conftest import ROOT

pytestmark = pytest.mark.packaging

EXAMPLE = ROOT / "examples" / "pingdingshan-2017"


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    proc = subprocess.run(
        # the wheel is built from the sdist (build's default), as a package index would: it proves the
        # sdist complete, and no stale build/ folder in a working tree can leak old files into the wheel
        [sys.executable, "-m", "build", "--outdir", str(out), str(ROOT)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return out


def expected_wheel_files() -> set[str]:
    package = ROOT / "kepu_inspect"
    files = {
        str(p.relative_to(ROOT)).replace(os.sep, "/")
        for p in package.rglob("*.py")
        if "__pycache__" not in p.parts
    }
    files |= {"kepu_inspect/py.typed", "kepu_inspect/adapters/schema/rubric.schema.json"}
    files |= {"kepu_inspect/cli/locale/zh_CN/LC_MESSAGES/kepu_inspect.mo"}
    files |= {f"kepu_inspect/_rubrics/{p.name}" for p in (ROOT / "rubrics").glob("*.yaml")}
    files |= {f"kepu_inspect/_example/{p.name}" for p in EXAMPLE.glob("*.txt")}
    files |= {"kepu_inspect/_example/teams.yaml"}
    files |= {
        f"kepu_inspect/_example/verification/{p.name}" for p in (EXAMPLE / "verification").glob("*.xlsx")
    }
    files |= {f"kepu_inspect/_example/submissions/{p.name}" for p in (EXAMPLE / "submissions").glob("*.xlsx")}
    info = f"kepu_inspect-{__version__}.dist-info"
    files |= {f"{info}/{n}" for n in ("METADATA", "WHEEL", "RECORD", "entry_points.txt", "top_level.txt")}
    files |= {f"{info}/licenses/LICENSE"}
    return files


def test_wheel_holds_exactly_the_package_its_data_and_nothing_else(dist: Path) -> None:
    wheel = next(dist.glob("*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    assert names == expected_wheel_files(), (
        f"unexpected: {sorted(names - expected_wheel_files())}; missing: {sorted(expected_wheel_files() - names)}"
    )
    print(f"wheel {wheel.name}: {wheel.stat().st_size / 1024:.0f} KiB, {len(names)} files")


def test_sdist_holds_the_sources_and_no_scratch(dist: Path) -> None:
    sdist = next(dist.glob("*.tar.gz"))
    with tarfile.open(sdist) as tar:
        names = {n.split("/", 1)[1] for n in tar.getnames() if "/" in n}
    for needed in (
        "pyproject.toml",
        "setup.py",
        "README.md",
        "LICENSE",
        "CHANGELOG.md",
        "rubrics/pingdingshan-2017.yaml",
        "kepu_inspect/cli/locale/zh_CN/LC_MESSAGES/kepu_inspect.po",
        "tests/test_packaging.py",
    ):
        assert needed in names, needed
    submissions = [n for n in names if n.startswith("examples/pingdingshan-2017/submissions/")]
    assert len(submissions) == 37 and any("宝丰县" in n for n in submissions)
    for name in names:
        assert not name.startswith(("benchmarks/work", ".venv", "build/", "dist/", ".git/")), name
        assert "__pycache__" not in name and not name.endswith((".pyc", ".tmp")), name
        assert ".pytest_cache" not in name and ".hypothesis" not in name, name


def test_metadata_is_complete_and_version_from_one_place(dist: Path) -> None:
    wheel = next(dist.glob("*.whl"))
    meta = zipfile.ZipFile(wheel).read(f"kepu_inspect-{__version__}.dist-info/METADATA").decode("utf-8")
    assert f"Version: {__version__}" in meta
    assert "License-Expression: MIT" in meta and "Requires-Python: >=3.11" in meta
    assert "Project-URL: " in meta and "Classifier: Natural Language :: Chinese (Simplified)" in meta
    summary = next(line for line in meta.splitlines() if line.startswith("Summary: "))
    assert "全民科学素质" in summary and "inspection" in summary  # Chinese and English


def test_installed_wheel_starts_a_folder_and_runs_its_guide(dist: Path, tmp_path: Path) -> None:
    """A fresh environment outside the repository; everything from the wheel, from the folder init made."""
    env_dir = tmp_path / "环境"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    bindir = env_dir / ("Scripts" if os.name == "nt" else "bin")
    python = bindir / "python"
    wheel = next(dist.glob("*.whl"))
    install = subprocess.run(
        [str(python), "-m", "pip", "install", "-q", str(wheel)], capture_output=True, text=True, check=False
    )
    assert install.returncode == 0, install.stderr[-3000:]
    clean_env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    clean_env["PATH"] = f"{bindir}{os.pathsep}{clean_env.get('PATH', '')}"
    tool = str(bindir / "kepu-inspect")

    def run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [tool, *args], capture_output=True, text=True, cwd=cwd, env=clean_env, check=False
        )

    version = run(["--version"], tmp_path)
    assert version.returncode == 0 and version.stdout.strip() == f"kepu-inspect {__version__}"
    meta = subprocess.run(
        [str(python), "-c", "import importlib.metadata as m; print(m.version('kepu-inspect'))"],
        capture_output=True, text=True, cwd=tmp_path, env=clean_env, check=False,
    )  # fmt: skip
    assert meta.stdout.strip() == __version__
    where = subprocess.run(
        [str(python), "-c", "import kepu_inspect; print(kepu_inspect.__file__)"],
        capture_output=True, text=True, cwd=tmp_path, env=clean_env, check=False,
    )  # fmt: skip
    assert str(env_dir) in where.stdout and str(ROOT) not in where.stdout  # not the checkout

    folder = tmp_path / "空 文件夹"
    folder.mkdir()
    start = time.perf_counter()
    init = run(["init", str(folder)], tmp_path)
    assert init.returncode == 0, init.stderr
    guide = (folder / "使用说明.txt").read_text("utf-8-sig")
    commands = [
        shlex.split(line.strip())[1:]
        for line in guide.splitlines()
        if line.strip().startswith("kepu-inspect ")
    ]
    assert len(commands) == 7
    for args in commands:
        done = run(args, folder)
        assert done.returncode in (0, 1), (args, done.stdout[-1500:], done.stderr[-1500:])
    elapsed = time.perf_counter() - start
    reports = {p.name for p in (folder / "考核结果").iterdir()}
    assert {"考核结果.xlsx", "考核结果.html", "考核结果.csv", "考核结果.json", "问题清单.csv"} <= reports
    data = json.loads((folder / "考核结果" / "考核结果.json").read_text("utf-8"))
    assert data["tool"]["version"] == __version__ and len(data["files"]) == 39
    assert __version__ in (folder / "考核结果" / "考核结果.html").read_text("utf-8")

    start = time.perf_counter()
    example = run(["example", str(tmp_path / "示例")], tmp_path)
    example_time = time.perf_counter() - start
    assert example.returncode == 1 and "新华区" in example.stdout
    print(f"init + guide commands: {elapsed:.1f} s; `kepu-inspect example`: {example_time:.1f} s")
