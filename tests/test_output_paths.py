"""Paths out (issue 13): nothing the tool did not write is replaced unasked, a report set is replaced as a
whole, and every output failure is a Chinese message with exit 2 — before any input is read.

Tests run as root, which ignores file modes: a read-only folder is simulated where it must be (the write
probe refuses), and a full disk is a real tiny tmpfs where the system lets us mount one.
"""

from __future__ import annotations

import errno
import hashlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kepu_inspect.adapters import output as O
from kepu_inspect.adapters.output import MANIFEST_NAME, ReportFolder, written_by_tool
from kepu_inspect.cli.app import app
from kepu_inspect.core.rubric import Rubric
from tests.conftest import MINI, ROOT
from tests.workbook_factory import clean_bytes, write

runner = CliRunner()
EXAMPLE = ROOT / "examples" / "pingdingshan-2017" / "submissions"
PINGDINGSHAN = ROOT / "rubrics" / "pingdingshan-2017.yaml"


def _score(inputs: Path, out: Path, *extra: str) -> object:
    return runner.invoke(
        app, ["score", str(MINI), str(inputs), "-o", str(out), "--date", "2017-12-28", *extra]
    )


def _inbox(tmp_path: Path, mini: Rubric, name: str = "in") -> Path:
    folder = tmp_path / name
    write(folder, "甲县.xlsx", clean_bytes(mini, "A"))
    write(folder, "乙区.xlsx", clean_bytes(mini, "B"))
    return folder


def _snapshot(folder: Path) -> dict[str, str]:
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()
    }


@pytest.fixture()
def no_batch(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any input read from here on fails the test: output checks come first."""
    from kepu_inspect.services import batch

    def refuse(*_: object, **__: object) -> None:
        raise AssertionError("inputs were read before the output was checked")

    monkeypatch.setattr(batch, "run_batch", refuse)


# --- templates --------------------------------------------------------------------------------------------------
def test_template_never_replaces_a_filled_form(tmp_path: Path, mini: Rubric) -> None:
    """Was: a filled submission with the template's name was overwritten (README: 可放心重新生成)."""
    out = tmp_path / "自评表"
    assert runner.invoke(app, ["template", str(MINI), "-o", str(out)]).exit_code == 0
    form = next(p for p in out.glob("*.xlsx") if "甲县" in p.name)
    assert written_by_tool(form)
    again = runner.invoke(app, ["template", str(MINI), "-o", str(out)])
    assert again.exit_code == 0  # unchanged templates: regenerated freely
    form.write_bytes(clean_bytes(mini, "A"))  # the unit filled it
    filled = form.read_bytes()
    result = runner.invoke(app, ["template", str(MINI), "-o", str(out)])
    assert result.exit_code == 2 and "已填写或改动过" in result.output and "--force" in result.output
    assert form.read_bytes() == filled
    result = runner.invoke(app, ["template", str(MINI), "-o", str(out), "--force"])
    assert result.exit_code == 0 and form.read_bytes() != filled and written_by_tool(form)


def test_template_never_replaces_a_file_it_did_not_write(tmp_path: Path) -> None:
    out = tmp_path / "自评表"
    assert runner.invoke(app, ["template", str(MINI), "-o", str(out), "--unit", "甲县"]).exit_code == 0
    (name,) = [p.name for p in out.glob("*.xlsx")]
    (out / name).unlink()
    (out / MANIFEST_NAME).unlink()  # no record: the tool cannot tell it wrote the file
    (out / name).write_bytes(b"somebody else's file")
    result = runner.invoke(app, ["template", str(MINI), "-o", str(out), "--unit", "甲县"])
    assert result.exit_code == 2 and (out / name).read_bytes() == b"somebody else's file"


def test_template_into_a_file_is_a_usage_error(tmp_path: Path) -> None:
    target = tmp_path / "自评表"
    target.write_text("x", "utf-8")
    result = runner.invoke(app, ["template", str(MINI), "-o", str(target)])
    assert result.exit_code == 2 and "是一个文件" in result.output


# --- rubric import -------------------------------------------------------------------------------------------------
PLAN = (
    "一、宣传\n1. 开展科普日活动。（责任单位：市科协、市教育局）\n2. 开展科技周活动。（责任单位：市科技局）\n"
)


def test_rubric_import_never_overwrites_its_own_plan(tmp_path: Path) -> None:
    """Was: rubric import x.txt -o x.txt replaced the plan with YAML."""
    plan = tmp_path / "工作要点.txt"
    plan.write_text(PLAN, "utf-8")
    for extra in ([], ["--force"]):
        result = runner.invoke(app, ["rubric", "import", str(plan), "-o", str(plan), *extra])
        assert result.exit_code == 2 and "就是输入的文件" in result.output
        assert plan.read_text("utf-8") == PLAN


def test_rubric_import_never_overwrites_an_edited_rubric(tmp_path: Path) -> None:
    """Was: re-importing over an edited rubric wiped the clerk's work."""
    plan = tmp_path / "工作要点.txt"
    plan.write_text(PLAN, "utf-8")
    rubric = tmp_path / "考核细则.yaml"
    assert runner.invoke(app, ["rubric", "import", str(plan), "-o", str(rubric)]).exit_code == 0
    assert runner.invoke(app, ["rubric", "import", str(plan), "-o", str(rubric)]).exit_code == 0  # untouched
    edited = rubric.read_text("utf-8") + "\n# 分值已由市素质办补充\n"
    rubric.write_text(edited, "utf-8")
    result = runner.invoke(app, ["rubric", "import", str(plan), "-o", str(rubric)])
    assert result.exit_code == 2 and "--force" in result.output and rubric.read_text("utf-8") == edited
    result = runner.invoke(app, ["rubric", "import", str(plan), "-o", str(rubric), "--force"])
    assert result.exit_code == 0 and rubric.read_text("utf-8") != edited


# --- score: the set replaced as a whole -------------------------------------------------------------------------------
def test_score_swaps_the_set_in_and_keeps_the_previous_one(tmp_path: Path, mini: Rubric) -> None:
    inbox, out = _inbox(tmp_path, mini), tmp_path / "考核结果"
    assert _score(inbox, out).exit_code in (0, 1)
    first = _snapshot(out)
    assert set(first) >= {MANIFEST_NAME, "考核结果.xlsx", "考核结果.json", "问题清单.csv"}
    (inbox / "乙区.xlsx").unlink()
    assert _score(inbox, out).exit_code in (0, 1)
    assert _snapshot(tmp_path / "考核结果.上次") == first
    assert _snapshot(out) != first and all(
        written_by_tool(out / n) for n in _snapshot(out) if n != MANIFEST_NAME
    )
    assert not [p for p in tmp_path.iterdir() if "写入中" in p.name]  # no staging left


def test_score_refuses_a_folder_of_other_files_and_keeps_them_with_force(
    tmp_path: Path, mini: Rubric
) -> None:
    inbox, out = _inbox(tmp_path, mini), tmp_path / "报告"
    out.mkdir()
    (out / "我的笔记.docx").write_bytes(b"notes")
    result = _score(inbox, out)
    assert result.exit_code == 2 and "我的笔记.docx" in result.output and "--force" in result.output
    assert sorted(p.name for p in out.iterdir()) == ["我的笔记.docx"]
    assert _score(inbox, out, "--force").exit_code in (0, 1)
    assert (tmp_path / "报告.上次" / "我的笔记.docx").read_bytes() == b"notes"  # moved, never deleted


def test_a_legacy_report_edited_by_hand_is_not_replaced(tmp_path: Path, mini: Rubric) -> None:
    inbox, out = _inbox(tmp_path, mini), tmp_path / "考核结果"
    assert _score(inbox, out).exit_code in (0, 1)
    (out / "考核结果.csv").write_text("改过的排名", "utf-8-sig")
    result = _score(inbox, out)
    assert result.exit_code == 2 and "考核结果.csv" in result.output
    assert (out / "考核结果.csv").read_text("utf-8-sig") == "改过的排名"


@pytest.mark.parametrize("name", ["问题清单", "../x", "..", ".hidden", "a/b", "CON", "a:b"])
def test_report_names_cannot_collide_or_escape(tmp_path: Path, mini: Rubric, name: str) -> None:
    """Was: --name 问题清单 --reports csv overwrote the ranking with the problem list; --name ../x wrote a
    hidden file outside the folder."""
    inbox, out = _inbox(tmp_path, mini), tmp_path / "out"
    result = _score(inbox, out, "--name", name, "--reports", "csv")
    assert result.exit_code == 2 and "--name" in result.output
    assert not out.exists() and sorted(p.name for p in tmp_path.iterdir()) == ["in"]


def test_the_output_folder_inside_the_input_folder_is_never_read_back(tmp_path: Path, mini: Rubric) -> None:
    """Was: the reports written into the input folder were read as submissions on the next run."""
    inbox = _inbox(tmp_path, mini)
    out = inbox / "考核结果"
    first = _score(inbox, out, "--format", "json")
    assert first.exit_code in (0, 1)
    second = runner.invoke(app, ["check", str(MINI), str(inbox), "--format", "json"])
    import json

    doc = json.loads(second.stdout)
    assert sorted(Path(f["path"]).name for f in doc["files"]) == ["乙区.xlsx", "甲县.xlsx"]
    assert any("报告文件夹" in s["reason"] for s in doc["skipped"])


def test_an_output_folder_around_the_inputs_is_refused(tmp_path: Path, mini: Rubric, no_batch: None) -> None:
    inbox = _inbox(tmp_path, mini)
    result = _score(inbox, tmp_path)
    assert result.exit_code == 2 and "包含报送材料" in result.output


# --- output failures: Chinese, exit 2, before inputs are read ------------------------------------------------------
def test_output_that_is_a_file(tmp_path: Path, mini: Rubric, no_batch: None) -> None:
    inbox = _inbox(tmp_path, mini)
    target = tmp_path / "考核结果"
    target.write_text("a file", "utf-8")
    result = _score(inbox, target)
    assert result.exit_code == 2 and "是一个文件" in result.output and "程序内部错误" not in result.output


def test_a_read_only_folder(
    tmp_path: Path, mini: Rubric, monkeypatch: pytest.MonkeyPatch, no_batch: None
) -> None:
    """Root ignores modes: the write probe is refused the way a read-only folder refuses it."""
    inbox = _inbox(tmp_path, mini)

    def read_only(folder: Path) -> None:
        raise PermissionError(errno.EACCES, "Permission denied", str(folder))

    monkeypatch.setattr(O, "probe_writable", read_only)
    result = _score(inbox, tmp_path / "out")
    assert result.exit_code == 2 and "没有权限" in result.output and "程序内部错误" not in result.output
    assert not (tmp_path / "out").exists()


def test_a_malformed_previous_results_file(tmp_path: Path, mini: Rubric) -> None:
    inbox = _inbox(tmp_path, mini)
    bad = tmp_path / "上年.json"
    bad.write_text("{not json", "utf-8")
    result = _score(inbox, tmp_path / "out", "--previous", str(bad))
    assert result.exit_code == 2 and "程序内部错误" not in result.output and not (tmp_path / "out").exists()


@pytest.fixture()
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    """A real 160 KB tmpfs (tests run as root); skipped where the system does not allow mounting."""
    mount = tmp_path / "tiny"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=160k", "tmpfs", str(mount)], capture_output=True
    )
    if done.returncode != 0:
        pytest.skip("cannot mount a tmpfs here")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_too_little_room_for_the_inputs_is_said_before_reading(
    tmp_path: Path, tiny_disk: Path, no_batch: None
) -> None:
    """The example's 37 workbooks (≈ 1 MB) cannot fit a report set on a 160 KB disk."""
    result = runner.invoke(app, ["score", str(PINGDINGSHAN), str(EXAMPLE), "-o", str(tiny_disk / "out")])
    assert result.exit_code == 2 and "磁盘空间不足" in result.output and "程序内部错误" not in result.output


def test_a_disk_that_fills_while_writing(tmp_path: Path, mini: Rubric, tiny_disk: Path) -> None:
    """Room for the inputs, not for every report: ENOSPC while writing → exit 2, nothing half-written."""
    inbox = tmp_path / "in"
    write(inbox, "甲县.xlsx", clean_bytes(mini, "A"))
    filler = tiny_disk / "filler.bin"
    free = os.statvfs(tiny_disk).f_bavail * os.statvfs(tiny_disk).f_frsize
    filler.write_bytes(
        b"\0" * max(0, free - 48 * 1024)
    )  # ≈ 48 KB left: more than the input, less than reports
    out = tiny_disk / "out"
    result = _score(inbox, out)
    assert result.exit_code == 2 and "磁盘空间已满" in result.output and "原有的报告未被改动" in result.output
    assert not out.exists() and sorted(p.name for p in tiny_disk.iterdir() if not p.name.startswith(".")) == [
        "filler.bin"
    ]
    assert not [p for p in tiny_disk.iterdir() if "写入中" in p.name]


def test_a_full_disk_simulated(tmp_path: Path, mini: Rubric, monkeypatch: pytest.MonkeyPatch) -> None:
    """The same where no tmpfs can be mounted: the first report write fails with ENOSPC."""
    inbox, out = _inbox(tmp_path, mini), tmp_path / "考核结果"
    assert _score(inbox, out).exit_code in (0, 1)
    before = _snapshot(out)
    real = O.atomic_open

    def full(target: Path, *args: object, **kwargs: object) -> object:
        raise OSError(errno.ENOSPC, "No space left on device", str(target))

    monkeypatch.setattr(O, "atomic_open", full)
    result = _score(inbox, out)
    monkeypatch.setattr(O, "atomic_open", real)
    assert result.exit_code == 2 and "磁盘空间已满" in result.output
    assert _snapshot(out) == before and not [p for p in tmp_path.iterdir() if "写入中" in p.name]


def test_a_report_open_in_excel_blocks_the_swap(
    tmp_path: Path, mini: Rubric, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Windows refuses to rename a folder holding an open file: the new set waits in 考核结果.新."""
    inbox, out = _inbox(tmp_path, mini), tmp_path / "考核结果"
    assert _score(inbox, out).exit_code in (0, 1)
    before = _snapshot(out)
    real_replace = os.replace

    def locked(src: object, dst: object) -> None:
        if Path(str(src)) == out:  # moving the old set aside: a file in it is open
            raise PermissionError(errno.EACCES, "The process cannot access the file", str(src))
        real_replace(src, dst)  # type: ignore[arg-type]

    monkeypatch.setattr(O.os, "replace", locked)
    result = _score(inbox, out)
    monkeypatch.setattr(O.os, "replace", real_replace)
    assert result.exit_code == 2 and "关闭" in result.output and "考核结果.新" in result.output
    assert _snapshot(out) == before
    waiting = tmp_path / "考核结果.新"
    assert {n for n in _snapshot(waiting)} == set(before)
    assert all(written_by_tool(waiting / n) for n in _snapshot(waiting) if n != MANIFEST_NAME)


def test_two_runs_into_one_folder_wait_for_each_other(
    tmp_path: Path, mini: Rubric, monkeypatch: pytest.MonkeyPatch
) -> None:
    from filelock import FileLock

    inbox, out = _inbox(tmp_path, mini), tmp_path / "考核结果"
    monkeypatch.setattr(O, "LOCK_WAIT_SECONDS", 0.5)
    with FileLock(str(tmp_path / ".考核结果.lock")):
        result = _score(inbox, out)
    assert result.exit_code == 2 and "正在向" in result.output and not out.exists()


def test_two_real_runs_at_once_leave_two_complete_sets(tmp_path: Path) -> None:
    out = tmp_path / "考核结果"
    cmd = [
        sys.executable,
        "-m",
        "kepu_inspect",
        "score",
        str(PINGDINGSHAN),
        str(EXAMPLE),
        "-o",
        str(out),
        "--quiet",
    ]
    runs = [
        subprocess.Popen([*cmd, "--date", d], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for d in ("2017-12-27", "2017-12-28")
    ]
    assert sorted(r.wait(timeout=300) for r in runs) == [1, 1]
    for folder in (out, tmp_path / "考核结果.上次"):
        names = _snapshot(folder)
        assert all(written_by_tool(folder / n) for n in names if n != MANIFEST_NAME)
        assert {"考核结果.json", "考核结果.xlsx", "考核结果.html"} <= set(names)
    dates = {
        (f / "考核结果.json").read_text("utf-8").count('"2017-12-27"') > 0
        for f in (out, tmp_path / "考核结果.上次")
    }
    assert dates == {True, False}  # one set from each run, never a mix


# --- a killed run ---------------------------------------------------------------------------------------------------------
KILLED_WRITER = """
import sys, time
from pathlib import Path
from kepu_inspect.adapters.output import ReportFolder
with ReportFolder(Path(sys.argv[1])) as folder:
    folder.file("考核结果.json").write_bytes(b'{"half": ')
    print("WRITING", flush=True)
    time.sleep(60)
    folder.commit()
"""


def test_a_run_killed_while_writing_leaves_the_previous_complete_set(tmp_path: Path, mini: Rubric) -> None:
    """Was: a half-written .tmp next to new json/csv and old xlsx/html."""
    inbox, out = _inbox(tmp_path, mini), tmp_path / "考核结果"
    assert _score(inbox, out).exit_code in (0, 1)
    before = _snapshot(out)
    child = subprocess.Popen(
        [sys.executable, "-c", KILLED_WRITER, str(out)], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    assert child.stdout is not None and child.stdout.readline().strip() == "WRITING"
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    assert _snapshot(out) == before  # the previous set, complete; nothing half-written under its names
    assert [p.name for p in tmp_path.iterdir() if "写入中" in p.name]  # the staging folder, hidden
    assert _score(inbox, out).exit_code in (0, 1)  # the next run clears it
    assert not [p for p in tmp_path.iterdir() if "写入中" in p.name]
    assert _snapshot(tmp_path / "考核结果.上次") == before


def test_a_real_score_killed_at_any_moment_leaves_a_complete_set(tmp_path: Path) -> None:
    """The bundled example scored and killed after various delays: the folder always holds one complete
    set (every file the manifest lists, with its bytes), never a mix or a partial file."""
    out = tmp_path / "考核结果"
    cmd = [
        sys.executable,
        "-m",
        "kepu_inspect",
        "score",
        str(PINGDINGSHAN),
        str(EXAMPLE),
        "-o",
        str(out),
        "--quiet",
    ]
    assert subprocess.run(cmd, cwd=ROOT, capture_output=True).returncode == 1
    for delay in (0.3, 0.6, 0.9, 1.2, 1.6, 2.2):
        child = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
        names = _snapshot(out)
        assert {"考核结果.json", "考核结果.xlsx", "考核结果.html", "考核结果.csv", "问题清单.csv"} <= set(
            names
        )
        assert all(written_by_tool(out / n) for n in names if n != MANIFEST_NAME), delay
        assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]


def test_report_folder_names_stay_inside(tmp_path: Path) -> None:
    with ReportFolder(tmp_path / "out") as folder:
        for bad in ("../x.csv", "a/b.csv", ".hidden", MANIFEST_NAME, "con.csv"):
            with pytest.raises(O.OutputError):
                folder.file(bad)
