"""The intake ledger over a mixed folder, the `check` command's outputs and exit codes, and the promise
that input files are never touched (content, timestamps, no lock or temp files beside them)."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import shutil
from pathlib import Path
from typing import Any

import docx
import pytest
from typer.testing import CliRunner

from kepu_inspect.adapters import layout as L
from kepu_inspect.adapters.template_writer import template_filename
from kepu_inspect.cli.app import app
from kepu_inspect.core.results import Intake
from kepu_inspect.core.rubric import Rubric
from kepu_inspect.services.batch import check_paths as run_intake
from kepu_inspect.services.batch import score_paths
from tests.conftest import MINI, PINGDINGSHAN
from tests.workbook_factory import cell_of, clean_bytes, inline, set_cell_xml, with_openpyxl, write

runner = CliRunner()

# what the mixed folder holds, and what the ledger must make of it (Pingdingshan 2017, 38 assessed units)
RECEIVED = {"xinhua": "新华区", "zhanhe": "湛河区"}
DUPLICATE = ("宝丰县.xlsx", "宝丰县(修改版).xlsx")
# rich markup, an emoji code, an 8-bit CSI, a carriage return, a bidi override
INJECTED = "[red]约[/red]:smile:\x9b31m\r\u202e8"


def _no_identity(data: bytes) -> bytes:
    def edit(wb: Any) -> None:
        del wb[L.IDENTITY_SHEET]
        wb[L.COVER_SHEET][L.COVER_UNIT_CELL] = None

    return with_openpyxl(data, edit)


@pytest.fixture(scope="module")
def inbox(tmp_path_factory: pytest.TempPathFactory, pingdingshan: Rubric) -> Path:
    r = pingdingshan
    d = tmp_path_factory.mktemp("ledger") / "收件箱"
    write(d, template_filename(r, r.unit("xinhua")), clean_bytes(r, "xinhua"))
    # a problem in a cell, typed with markup and control characters; in a subfolder (recursion)
    zhanhe = clean_bytes(r, "zhanhe")
    first_input = next(rid for rid in _input_rows(r, "zhanhe"))
    ref = cell_of(r, "zhanhe", L.COL_INPUT, first_input)
    write(
        d / "县区" / "湛河区", "湛河区.xlsx", set_cell_xml(zhanhe, L.ITEM_SHEET, ref, inline(ref, INJECTED))
    )
    write(d, DUPLICATE[0], clean_bytes(r, "baofeng", seed=1))
    write(d, DUPLICATE[1], clean_bytes(r, "baofeng", seed=2))
    write(d, "汝州市.xlsx", clean_bytes(r, "ruzhou"))  # assessed: false this year
    write(d, "自评表(1).xlsx", _no_identity(clean_bytes(r, "weidong")))  # no unit anywhere
    write(d, "叶县.xlsx", clean_bytes(r, "weidong"))  # 卫东区's template renamed for 叶县
    write(d, "石龙区.xlsx", b"")  # unreadable, but its name says whose it is
    write(d, "鲁山县.xlsx", "序号,项目,自评分\n1,科普经费,8\n".encode())  # a CSV renamed
    write(d, "~$新华区.xlsx", b"\x06xinhua" + bytes(158))
    write(d, ".~lock.宝丰县.xlsx#", b"user,host,/tmp,01.12.2017 09:30;\n")
    write(d, ".DS_Store", b"\x00\x00\x00\x01Bud1")
    write(d, "填报说明.docx", b"PK\x03\x04")
    write(d / "附件", "照片1.jpg", b"\xff\xd8\xff\xe0")
    return d


def _input_rows(r: Rubric, unit_id: str) -> list[str]:
    rows = L.expected_rows(r, r.unit(unit_id))
    return [
        rid
        for rid, (_a, crit, ir) in rows.items()
        if crit is not None and ir is not None and ir.spec.kind == "number"
    ]


def all_paths(root: Path) -> set[str]:
    """Every path under ``root`` (links and special files included, links not followed), as strings."""
    found: set[str] = set()
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            found.add(str(Path(dirpath) / name))
    return found


def _read_quietly(path: Path) -> bytes:
    """Read without touching the access time where the system allows it (so the check can see atime)."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOATIME", 0))
    try:
        chunks = []
        while chunk := os.read(fd, 1 << 20):
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def snapshot(root: Path) -> dict[str, tuple[str, int, int, int]]:
    """sha256, mtime, size and (where O_NOATIME exists) atime of every path under ``root``; links not followed."""
    out: dict[str, tuple[str, int, int, int]] = {}
    for path in map(Path, sorted(all_paths(root))):
        regular = path.is_file() and not path.is_symlink()
        digest = hashlib.sha256(_read_quietly(path)).hexdigest() if regular else ""
        st = path.lstat()
        atime = st.st_atime_ns if regular and hasattr(os, "O_NOATIME") else 0
        out[str(path)] = (digest, st.st_mtime_ns, st.st_size, atime)
    return out


# --- the ledger ------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def intake(inbox: Path, pingdingshan: Rubric) -> Intake:
    return run_intake(pingdingshan, [inbox])


def test_ledger_accounts_for_every_unit(intake: Intake, pingdingshan: Rubric) -> None:
    status = {row.unit_id: row.status for row in intake.ledger}
    assert {uid: status[uid] for uid in RECEIVED} == dict.fromkeys(RECEIVED, "已收到")
    assert status["baofeng"] == "重复报送"
    assert status["ruzhou"] == "不参加考核"
    assert status["shilong"] == "材料无效" and status["lushan"] == "材料无效"
    # the renamed neighbour's template counts for neither unit
    assert status["yexian"] == "未收到" and status["weidong"] == "未收到"
    assessed = {u.id for u in pingdingshan.units if u.assessed}
    assert {row.unit_id for row in intake.ledger if row.status != "不参加考核"} == assessed
    missing = {row.unit_id for row in intake.ledger if row.status == "未收到"}
    assert missing == assessed - {"xinhua", "zhanhe", "baofeng", "shilong", "lushan"}
    wb027 = {p.unit for p in intake.problems if p.code.name == "WB027"}
    assert wb027 == {pingdingshan.unit(uid).name for uid in missing}


def test_two_files_for_one_unit_are_both_reported_and_neither_scored(
    intake: Intake, pingdingshan: Rubric, inbox: Path
) -> None:
    row = next(r for r in intake.ledger if r.unit_id == "baofeng")
    assert sorted(Path(f).name for f in row.files) == sorted(DUPLICATE)
    (dup,) = [p for p in intake.problems if p.code.name == "WB025"]
    assert dup.unit == "宝丰县" and all(name in dup.message for name in DUPLICATE)
    run = score_paths(pingdingshan, [inbox], "2017-12-28")
    assert run.results["baofeng"].scored is False
    assert run.results["xinhua"].scored is True


def test_unassessed_unidentified_and_conflicting_files(intake: Intake) -> None:
    codes = {
        Path(p.file).name: p.code.name
        for p in intake.all_problems()
        if p.file and p.code.name in ("WB006", "WB007", "WB026")
    }
    assert codes == {"自评表(1).xlsx": "WB006", "叶县.xlsx": "WB007", "汝州市.xlsx": "WB026"}
    assert sorted(Path(f).name for f in intake.unidentified) == ["叶县.xlsx", "自评表(1).xlsx"]


def test_skipped_files_are_listed_with_reasons(intake: Intake, inbox: Path) -> None:
    skipped = {Path(s.path).relative_to(inbox).as_posix(): s.reason for s in intake.skipped}
    assert set(skipped) == {
        "~$新华区.xlsx",
        ".~lock.宝丰县.xlsx#",
        ".DS_Store",
        "填报说明.docx",
        "附件/照片1.jpg",
    }
    assert all(skipped.values())


def test_every_input_path_is_read_rejected_or_skipped(intake: Intake, inbox: Path) -> None:
    files = {r.path for r in intake.readings} | {s.path for s in intake.skipped}
    folders = {str(p) for p in map(Path, all_paths(inbox)) if p.is_dir()}
    assert files == all_paths(inbox) - folders
    assert len(files) == len(intake.readings) + len(intake.skipped)  # nothing counted twice
    assert all(r.status in ("read", "rejected") for r in intake.readings)


def test_one_file_named_twice_or_hard_linked_is_not_a_duplicate(tmp_path: Path, mini: Rubric) -> None:
    d = tmp_path / "in"
    path = write(d, "甲县.xlsx", clean_bytes(mini, "A"))
    os.link(path, d / "甲县-链接.xlsx")
    write(d, "甲县(副本).xlsx", clean_bytes(mini, "A"))  # a real second file: reported, not merged
    once = run_intake(mini, [d, path, d / "." / "甲县.xlsx"])
    read_names = sorted(Path(r.path).name for r in once.readings)
    skipped_names = [Path(s.path).name for s in once.skipped]
    assert len(read_names) == 2 and "甲县(副本).xlsx" in read_names and len(skipped_names) == 1
    assert {*read_names, *skipped_names} == {"甲县(副本).xlsx", "甲县.xlsx", "甲县-链接.xlsx"}
    assert next(row for row in once.ledger if row.unit_id == "A").status == "重复报送"
    (d / "甲县(副本).xlsx").unlink()
    again = run_intake(mini, [d, path])
    assert next(row for row in again.ledger if row.unit_id == "A").status == "已收到"


# --- the command: formats, exit codes, notices, escaping ------------------------------------------------------
def check(*args: str) -> Any:
    return runner.invoke(app, ["check", *args])


def test_json_output_accounts_for_every_input_path(inbox: Path) -> None:
    result = check(str(PINGDINGSHAN), str(inbox), "--format", "json")
    assert result.exit_code == 1, result.output
    doc = json.loads(result.stdout)
    seen = [f["path"] for f in doc["files"]] + [s["path"] for s in doc["skipped"]]
    folders = {str(p) for p in map(Path, all_paths(inbox)) if p.is_dir()}
    assert sorted(seen) == sorted(all_paths(inbox) - folders)
    statuses = {f["path"]: f["status"] for f in doc["files"]}
    assert statuses[str(inbox / "石龙区.xlsx")] == "rejected"
    assert {row["status"] for row in doc["ledger"]} == {
        "已收到",
        "未收到",
        "重复报送",
        "材料无效",
        "不参加考核",
    }
    for p in doc["problems"]:
        assert set(p) >= {"code", "severity", "message", "hint", "file", "sheet", "cell", "value", "unit"}
    (bad,) = [p for p in doc["problems"] if p["value"] == INJECTED]
    # CSI and the right-to-left override are invisible characters (WB050); the text is still shown as typed
    assert (bad["code"], bad["sheet"], Path(bad["file"]).name) == ("WB050", L.ITEM_SHEET, "湛河区.xlsx")


def test_csv_output_is_a_plain_table(inbox: Path) -> None:
    as_json = json.loads(check(str(PINGDINGSHAN), str(inbox), "--format", "json").stdout)
    result = check(str(PINGDINGSHAN), str(inbox), "--format", "csv")
    assert result.exit_code == 1
    text = result.stdout
    assert not text.startswith("\ufeff")  # stdout is for machines; the BOM belongs to files saved for Excel
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["代码", "级别", "单位", "文件", "工作表", "单元格", "原值", "问题", "怎么改"]
    assert [r[0] for r in rows[1:]] == [p["code"] for p in as_json["problems"]]


def test_table_output_groups_problems_by_unit(inbox: Path) -> None:
    result = check(str(PINGDINGSHAN), str(inbox))
    assert result.exit_code == 1
    out = result.stdout
    assert "材料接收情况" in out
    for title in ("湛河区：", "宝丰县：", "（未识别单位的文件）："):
        assert title in out
    assert "Traceback" not in result.output


@pytest.fixture()
def wide_console(monkeypatch: pytest.MonkeyPatch) -> Any:
    """A fresh 300-column result console, so a value is not folded across table lines."""
    from kepu_inspect.cli import common

    monkeypatch.setenv("COLUMNS", "300")
    common.out.cache_clear()
    yield
    common.out.cache_clear()


def test_cell_text_never_reaches_the_screen_raw(inbox: Path, wide_console: Any) -> None:
    result = check(str(PINGDINGSHAN), str(inbox))
    out = result.stdout
    for raw in ("\x1b", "\x9b", "\r", "\u202e"):
        assert raw not in out, repr(raw)
    assert "[red]约[/red]:smile:" in out and "\U0001f604" not in out  # markup and emoji codes shown as text


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_machine_formats_do_not_carry_terminal_controls(fmt: str, inbox: Path) -> None:
    out = check(str(PINGDINGSHAN), str(inbox), "--format", fmt).stdout
    assert "\x9b" not in out and "\u202e" not in out and "\r" not in out.replace("\r\n", "")


def test_file_names_never_reach_the_screen_raw(tmp_path: Path, mini: Rubric, wide_console: Any) -> None:
    write(tmp_path, "甲县\x1b[31m红.xlsx", clean_bytes(mini, "A"))
    write(tmp_path, "乙区\x1b]0;title\x07.xlsx", b"")
    write(tmp_path, "~$丙区\x1b[2J.xlsx", b"lock")
    result = check(str(MINI), str(tmp_path))
    assert result.exit_code == 1
    assert "\x1b" not in result.stdout


def test_notice_writes_one_file_per_unit_with_problems(inbox: Path, tmp_path: Path) -> None:
    notices = tmp_path / "通知"
    result = check(str(PINGDINGSHAN), str(inbox), "--notice", str(notices), "--format", "json")
    assert result.exit_code == 1
    doc = json.loads(result.stdout)
    units = {
        p["unit"]
        for p in doc["problems"]
        if p["unit"] and p["severity"] != "info" and p["code"] not in ("WB026", "WB027")
    }
    assert {"湛河区", "宝丰县", "石龙区", "鲁山县"} <= units
    written = {p.name for p in notices.iterdir()}
    assert {f"{u}退回修改通知.docx" for u in units} <= written
    assert "退回修改和催报通知（合并打印）.docx" in written
    text = "\n".join(p.text for p in docx.Document(str(notices / "湛河区退回修改通知.docx")).paragraphs)
    assert "湛河区" in text and "WB" not in text.split("\n")[0]


def test_inputs_are_never_modified(inbox: Path, tmp_path: Path) -> None:
    fresh = tmp_path / "收件箱"  # new files, never read yet: the first read is the one that could touch atime
    shutil.copytree(inbox, fresh, symlinks=True, copy_function=shutil.copy)
    inbox = fresh
    before = snapshot(inbox)
    runs = [
        ["check", str(PINGDINGSHAN), str(inbox)],
        ["check", str(PINGDINGSHAN), str(inbox), "--format", "json"],
        ["check", str(PINGDINGSHAN), str(inbox), "--format", "csv", "--notice", str(tmp_path / "n")],
        ["score", str(PINGDINGSHAN), str(inbox), "-o", str(tmp_path / "out"), "--date", "2017-12-28"],
    ]
    for args in runs:
        result = runner.invoke(app, args)
        assert result.exit_code in (0, 1), (args, result.output)
    assert snapshot(inbox) == before  # same paths (no lock/temp file beside them), bytes and timestamps


def test_exit_code_zero_when_nothing_is_wrong(tmp_path: Path, mini: Rubric) -> None:
    for unit in mini.assessed_units():
        write(tmp_path, f"{unit.name}.xlsx", clean_bytes(mini, unit))
    write(tmp_path, "~$甲县.xlsx", b"lock")  # a skipped file is a note, not a problem
    result = check(str(MINI), str(tmp_path))
    assert result.exit_code == 0, result.output
    result = check(str(MINI), str(tmp_path), "--format", "json")
    assert result.exit_code == 0 and json.loads(result.stdout)["problems"] == []


def test_notes_and_warnings_do_not_fail_the_run_errors_do(tmp_path: Path, mini: Rubric) -> None:
    """Notes (提示) and warnings exit 0, as in `score` (issue 19's one exit-code table); errors exit 1."""
    for unit in mini.assessed_units():
        write(tmp_path, f"{unit.name}.xlsx", clean_bytes(mini, unit, cover={L.COVER_CONTACT_CELL: None}))
    assert check(str(MINI), str(tmp_path)).exit_code == 0
    write(tmp_path, "甲县.xlsx", clean_bytes(mini, "A", evidence={"C1": None}))  # a warning
    result = check(str(MINI), str(tmp_path))
    assert result.exit_code == 0 and "警告" in result.output
    (tmp_path / "乙区.xlsx").write_bytes(b"")  # an empty file: an error in the materials
    assert check(str(MINI), str(tmp_path)).exit_code == 1


USAGE_ERRORS = [
    ["check", str(MINI)],  # no paths
    ["check", str(MINI), "不存在的文件夹"],
    ["check", "不存在的细则.yaml", "."],
    ["check", str(MINI), ".", "--format", "xml"],
    ["check", str(MINI), ".", "--no-such-option"],
]


@pytest.mark.parametrize("args", USAGE_ERRORS, ids=range(len(USAGE_ERRORS)))
def test_usage_errors_exit_2_without_traceback(args: list[str], tmp_path: Path) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output


def test_internal_error_has_no_traceback_unless_debug(
    tmp_path: Path, mini: Rubric, monkeypatch: pytest.MonkeyPatch
) -> None:
    import kepu_inspect.services.batch as intake_module

    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("simulated")

    monkeypatch.setattr(intake_module, "run_batch", broken)
    write(tmp_path, "甲县.xlsx", clean_bytes(mini, "A"))
    result = runner.invoke(app, ["check", str(MINI), str(tmp_path)])
    assert result.exit_code == 3 and "Traceback" not in result.output and "--debug" in result.output
    result = runner.invoke(app, ["--debug", "check", str(MINI), str(tmp_path)])
    assert isinstance(result.exception, RuntimeError)
