"""Paths in (issue 13): every input is read or accounted for, whatever its name or wrapping.

A Windows zip unpacked on Linux leaves names that are not UTF-8; a county mails a .zip; a clerk names a
folder through a shortcut; a report of this tool lands among the submissions. Real files throughout.
"""

from __future__ import annotations

import io
import json
import os
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kepu_inspect.adapters.input_files import discover, display_name, zip_members
from kepu_inspect.adapters.workbook_reader import read_submission
from kepu_inspect.adapters.xlsx_safe import ZipMember
from kepu_inspect.cli.app import app
from kepu_inspect.core.rubric import Rubric
from kepu_inspect.services.batch import check_paths, score_paths
from tests.conftest import MINI
from tests.workbook_factory import clean_bytes, write

runner = CliRunner()
GBK_NAME = "甲县自评表.xlsx".encode("gbk")  # what a Chinese Windows writes into a zip (no UTF-8 flag)


def _bytes_path(folder: Path, raw_name: bytes) -> Path:
    """A path whose name is the given bytes (not valid UTF-8), as unzip leaves it on Linux."""
    return Path(os.fsdecode(os.fsencode(folder) + b"/" + raw_name))


def _zip(entries: list[tuple[bytes | str, bytes]]) -> bytes:
    """A zip whose entry names are stored as the given bytes; str names as zipfile writes them.

    zipfile writes any non-ASCII name as UTF-8 with the flag set, so byte names are written under an
    ASCII placeholder of the same length and put in place afterwards (local header and directory).
    """
    out = io.BytesIO()
    swaps: list[tuple[bytes, bytes]] = []
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for i, (name, data) in enumerate(entries):
            if isinstance(name, bytes):
                holder = (f"~{i:03d}" + "x" * len(name))[: len(name)].encode()
                assert len(holder) == len(name) >= 5
                swaps.append((holder, name))
                zf.writestr(holder.decode(), data)
            else:
                zf.writestr(name, data)
    raw = out.getvalue()
    for holder, name in swaps:
        assert raw.count(holder) == 2
        raw = raw.replace(holder, name)
    return raw


# --- names that are not UTF-8 -----------------------------------------------------------------------------
def test_a_name_that_is_not_utf8_is_read_and_shown_escaped(tmp_path: Path, mini: Rubric) -> None:
    """Was: the whole score failed (exit 3, no reports); check --format json wrote invalid UTF-8."""
    folder = tmp_path / "in"
    folder.mkdir()
    path = _bytes_path(folder, GBK_NAME)
    path.write_bytes(clean_bytes(mini, "A"))
    shown = display_name(path)
    assert "\\x" in shown and shown.encode("utf-8")  # valid text, the bytes visible

    result = runner.invoke(app, ["check", str(MINI), str(folder), "--format", "json"])
    assert result.exit_code in (0, 1), result.output
    doc = json.loads(result.stdout_bytes.decode("utf-8"))  # strict UTF-8
    (entry,) = doc["files"]
    assert entry["path"] == shown and entry["status"] == "read" and entry["unit_id"] == "A"

    out = tmp_path / "out"
    result = runner.invoke(app, ["score", str(MINI), str(folder), "-o", str(out), "--date", "2017-12-28"])
    assert result.exit_code in (0, 1), result.output
    results = json.loads((out / "考核结果.json").read_bytes().decode("utf-8"))
    assert any(u["unit_id"] == "A" and u["status"] == "scored" for u in results["units"])


def test_a_folder_whose_name_is_not_utf8(tmp_path: Path, mini: Rubric) -> None:
    folder = _bytes_path(tmp_path, "收到的材料".encode("gbk"))
    folder.mkdir()
    write(folder, "甲县.xlsx", clean_bytes(mini, "A"))
    intake = check_paths(mini, [tmp_path])
    assert [r.unit_id for r in intake.readings] == ["A"]
    assert all(r.path.encode("utf-8") for r in intake.readings)


# --- symlinks ------------------------------------------------------------------------------------------------
def test_a_symlinked_folder_named_on_the_command_line_is_followed(tmp_path: Path, mini: Rubric) -> None:
    """Was: skipped, so every unit was 未收到 with exit 0."""
    real = tmp_path / "real"
    write(real, "甲县.xlsx", clean_bytes(mini, "A"))
    link = tmp_path / "link"
    link.symlink_to(real, target_is_directory=True)
    intake = check_paths(mini, [link])
    assert [r.unit_id for r in intake.readings] == ["A"]
    result = runner.invoke(app, ["check", str(MINI), str(link)])
    assert result.exit_code in (0, 1) and "未收到" in result.output


def test_a_symlinked_file_named_on_the_command_line_is_followed(tmp_path: Path, mini: Rubric) -> None:
    real = write(tmp_path / "real", "甲县.xlsx", clean_bytes(mini, "A"))
    link = tmp_path / "甲县-link.xlsx"
    link.symlink_to(real)
    files, skipped = discover([link])
    assert files == [link] and skipped == []


def test_a_symlink_found_inside_a_folder_is_not_followed(tmp_path: Path, mini: Rubric) -> None:
    real = write(tmp_path / "elsewhere", "甲县.xlsx", clean_bytes(mini, "A"))
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "甲县.xlsx").symlink_to(real)
    files, skipped = discover([inbox])
    assert files == [] and len(skipped) == 1 and "符号链接" in skipped[0].reason


def test_a_broken_symlink_named_on_the_command_line_is_explained(tmp_path: Path) -> None:
    link = tmp_path / "gone.xlsx"
    link.symlink_to(tmp_path / "nowhere.xlsx")
    files, skipped = discover([link])
    assert files == [] and "不存在" in skipped[0].reason


# --- nothing to read ------------------------------------------------------------------------------------------
def test_score_on_a_folder_without_workbooks_writes_nothing(tmp_path: Path, mini: Rubric) -> None:
    """Was: 38 未收到 tables, exit 0, and the good reports in the output folder replaced."""
    good = tmp_path / "good"
    write(good, "甲县.xlsx", clean_bytes(mini, "A"))
    out = tmp_path / "out"
    assert runner.invoke(app, ["score", str(MINI), str(good), "-o", str(out)]).exit_code in (0, 1)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "说明.txt").write_text("no forms here", "utf-8")
    around = sorted(p.name for p in tmp_path.iterdir())
    result = runner.invoke(app, ["score", str(MINI), str(empty), "-o", str(out)])
    assert result.exit_code == 2 and "没有找到自评表" in result.output
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == around  # no .上次, no staging folder
    result = runner.invoke(app, ["check", str(MINI), str(empty)])
    assert result.exit_code == 2 and "没有找到自评表" in result.output


def test_score_on_a_folder_of_another_rubric_writes_nothing(tmp_path: Path, pingdingshan: Rubric) -> None:
    folder = tmp_path / "other"
    write(folder, "新华区.xlsx", clean_bytes(pingdingshan, "xinhua"))
    out = tmp_path / "out"
    result = runner.invoke(app, ["score", str(MINI), str(folder), "-o", str(out)])
    assert result.exit_code == 2 and "本考核细则" in result.output
    assert not out.exists()


# --- a .zip of submissions ---------------------------------------------------------------------------------------
def test_a_zip_of_submissions_with_gbk_names_is_read_in_place(tmp_path: Path, mini: Rubric) -> None:
    a, b = clean_bytes(mini, "A"), clean_bytes(mini, "B")
    data = _zip(
        [
            (GBK_NAME, a),
            ("乙区/".encode("gbk") + "乙区自评表.xlsx".encode("gbk"), b),
            ("__MACOSX/._甲县自评表.xlsx", b"junk"),
            ("说明.txt", "请查收".encode()),
            ("inner.zip", _zip([("x.xlsx", a)])),
        ]
    )
    archive = write(tmp_path / "in", "县区报送.zip", data)
    before = archive.read_bytes()
    files, skipped = discover([tmp_path / "in"])
    names = [f.name for f in files if isinstance(f, ZipMember)]
    assert names == ["甲县自评表.xlsx", "乙区/乙区自评表.xlsx"]  # GBK decoded, as the sender saw them
    reasons = {s.path.rpartition("/")[2]: s.reason for s in skipped}
    assert "压缩包中的压缩包" in reasons["inner.zip"] and reasons["说明.txt"] == "不是工作簿文件"
    intake = check_paths(mini, [tmp_path / "in"])
    by_unit = {r.unit_id: r for r in intake.readings}
    assert by_unit["A"].status == "read" and by_unit["A"].path.endswith("县区报送.zip/甲县自评表.xlsx")
    assert by_unit["B"].status == "read"
    assert archive.read_bytes() == before and sorted(p.name for p in (tmp_path / "in").iterdir()) == [
        "县区报送.zip"
    ]


def test_zip_members_are_scored_like_files(tmp_path: Path, mini: Rubric) -> None:
    plain = tmp_path / "plain"
    write(plain, "甲县.xlsx", clean_bytes(mini, "A"))
    zipped = tmp_path / "zipped"
    write(zipped, "材料.zip", _zip([("甲县.xlsx", clean_bytes(mini, "A"))]))
    one = score_paths(mini, [plain], "2017-12-28").results["A"]
    two = score_paths(mini, [zipped], "2017-12-28").results["A"]
    assert (one.score, one.grade, one.status) == (two.score, two.grade, two.status)


def test_a_name_in_a_zip_that_is_neither_utf8_nor_gbk_is_shown_escaped(tmp_path: Path, mini: Rubric) -> None:
    raw = b"\xff\xfe\xfd\xfc.xlsx"
    archive = write(tmp_path, "a.zip", _zip([(raw, clean_bytes(mini, "A"))]))
    members, _ = zip_members(archive)
    assert members is not None and members[0].name == "\\xff\\xfe\\xfd\\xfc.xlsx"


@pytest.mark.parametrize(
    "name", ["../../逃出.xlsx", "/etc/逃出.xlsx", "C:\\Windows\\逃出.xlsx", "..\\..\\逃出.xlsx"]
)
def test_path_traversal_in_a_zip_is_only_a_name(tmp_path: Path, mini: Rubric, name: str) -> None:
    archive = write(tmp_path / "in", "a.zip", _zip([(name.encode("utf-8"), clean_bytes(mini, "A"))]))
    members, _ = zip_members(archive)
    assert members is not None and members[0].name.endswith("逃出.xlsx") and ".." not in members[0].name
    assert not members[0].name.startswith("/")
    reading = read_submission(mini, members[0])
    assert reading.status == "read"
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["a.zip", "in"]  # nothing extracted anywhere


def test_a_zip_bomb_member_is_refused_and_the_others_are_read(tmp_path: Path, mini: Rubric) -> None:
    bomb = b"\0" * (51 * 1024 * 1024)  # deflates to ~50 KB, inflates past the 50 MB bound
    archive = write(
        tmp_path / "in", "a.zip", _zip([("甲县.xlsx", clean_bytes(mini, "A")), ("乙区.xlsx", bomb)])
    )
    intake = check_paths(mini, [archive])
    by_name = {r.path.rpartition("/")[2]: r for r in intake.readings}
    assert by_name["甲县.xlsx"].status == "read"
    assert by_name["乙区.xlsx"].status == "rejected" and by_name["乙区.xlsx"].problems[0].code.name == "WB004"


def test_an_encrypted_zip_member_says_so(tmp_path: Path, mini: Rubric) -> None:
    data = bytearray(_zip([("甲县.xlsx", clean_bytes(mini, "A"))]))
    # set the "encrypted" flag in the local header and the directory entry (bit 0 of the flags)
    for sig, at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        where = data.find(sig)
        data[where + at] |= 1
    intake = check_paths(mini, [write(tmp_path, "a.zip", bytes(data))])
    (reading,) = intake.readings
    assert reading.status == "rejected" and reading.problems[0].code.name == "WB001"


def test_a_workbook_named_zip_is_read_as_a_workbook(tmp_path: Path, mini: Rubric) -> None:
    intake = check_paths(mini, [write(tmp_path, "甲县.zip", clean_bytes(mini, "A"))])
    assert [(r.unit_id, r.status) for r in intake.readings] == [("A", "read")]


# --- other formats ---------------------------------------------------------------------------------------------
def _ods() -> bytes:
    return _zip([("mimetype", b"application/vnd.oasis.opendocument.spreadsheet"), ("content.xml", b"<x/>")])


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("甲县.xlsb", _zip([("[Content_Types].xml", b"<Types/>"), ("xl/workbook.bin", b"\0\1")])),
        ("甲县.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600),
        ("甲县.et", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600),
        ("甲县.ods", _ods()),
        ("甲县.csv", "序号,项目,自评分\n1,科普经费,4\n".encode("gbk")),
        ("甲县.zip", _zip([("甲县.csv", b"a,b\n1,2\n")])),
    ],
    ids=["xlsb", "xls", "et", "ods", "csv", "zip-of-csv"],
)
def test_other_formats_are_told_to_save_as_xlsx(tmp_path: Path, mini: Rubric, name: str, data: bytes) -> None:
    """Was: 文件已损坏 for a .xlsb or a zip of a csv."""
    folder = tmp_path / "in"
    write(folder, name, data)
    (reading,) = check_paths(mini, [folder]).readings  # a zip of a csv: its csv is read, and told
    assert reading.status == "rejected"
    (p,) = reading.problems
    assert p.code.name == "WB001", p.message
    assert "xlsx" in p.hint and ("另存为" in p.hint or "模板" in p.hint)
    assert reading.unit_id == "A"  # the name still says whose it is: 材料无效, not 未收到


# --- what this tool wrote -----------------------------------------------------------------------------------------
def test_a_report_of_this_tool_among_the_submissions_is_skipped(tmp_path: Path, mini: Rubric) -> None:
    out = tmp_path / "out"
    folder = tmp_path / "in"
    write(folder, "甲县.xlsx", clean_bytes(mini, "A"))
    assert runner.invoke(app, ["score", str(MINI), str(folder), "-o", str(out)]).exit_code in (0, 1)
    (folder / "上次的结果.xlsx").write_bytes((out / "考核结果.xlsx").read_bytes())
    intake = check_paths(mini, [folder])
    assert [r.unit_id for r in intake.readings] == ["A"] and intake.unidentified == []
    (note,) = [s for s in intake.skipped if s.path.endswith("上次的结果.xlsx")]
    assert "考核结果报告" in note.reason


def test_a_verification_workbook_is_not_a_form(tmp_path: Path, mini: Rubric) -> None:
    """A workbook whose identity says another kind is never read as a unit's form."""
    from tests.workbook_factory import with_openpyxl

    def other_kind(wb: object) -> None:
        ws = wb["_kepu"]  # type: ignore[index]
        for row in ws.iter_rows():
            if row[0].value == "kind":
                row[1].value = "roster"

    data = with_openpyxl(clean_bytes(mini, "A"), other_kind)
    reading = read_submission(mini, write(tmp_path, "甲县.xlsx", data))
    assert reading.kind == "roster" and [p.code.name for p in reading.problems] == ["WB057"]
    intake = check_paths(mini, [tmp_path / "甲县.xlsx"])
    assert intake.readings == [] and "不是自评表" in intake.skipped[0].reason


def test_forms_made_before_the_kind_key_are_forms(tmp_path: Path, mini: Rubric) -> None:
    from tests.workbook_factory import with_openpyxl

    def drop_kind(wb: object) -> None:
        ws = wb["_kepu"]  # type: ignore[index]
        for row in ws.iter_rows():
            if row[0].value == "kind":
                row[0].value = row[1].value = None

    reading = read_submission(
        mini, write(tmp_path, "甲县.xlsx", with_openpyxl(clean_bytes(mini, "A"), drop_kind))
    )
    assert reading.status == "read" and reading.kind == "submission"
