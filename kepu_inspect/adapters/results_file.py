"""Reading earlier results files (考核结果.json): last year's for ``--previous``, the published ones for
``--published`` (the 公示 version a correction is compared with)."""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation
from pathlib import Path

from kepu_inspect.core.changes import Standing
from kepu_inspect.core.rubric import Rubric


class ResultsFileError(ValueError):
    """Why an earlier results file cannot be used (a Chinese sentence)."""


def _load(path: Path) -> dict[str, object]:
    if path.is_dir():  # an archive folder of a published version
        path = path / "考核结果.json"
    try:
        data = json.loads(path.read_text("utf-8-sig"))
    except OSError as exc:
        raise ResultsFileError(f"无法读取“{path}”（{exc.strerror or '无法打开'}）") from None
    except (UnicodeDecodeError, ValueError):
        raise ResultsFileError(f"“{path.name}”不是 kepu-inspect 的结果文件（考核结果.json）") from None
    if not isinstance(data, dict) or "rankings" not in data:
        raise ResultsFileError(f"“{path.name}”不是 kepu-inspect 的结果文件（考核结果.json）")
    return data


def _decimal(text: object) -> Decimal | None:
    try:
        return Decimal(str(text)) if text not in (None, "") else None
    except InvalidOperation:
        return None


def _standings(data: dict[str, object], rubric: Rubric) -> dict[str, dict[str, Standing]]:
    """group → unit id → standing, with units matched by id, name or alias (names change between years)."""
    out: dict[str, dict[str, Standing]] = {}
    for group in data.get("rankings", []):  # type: ignore[attr-defined]
        rows: dict[str, Standing] = {}
        for row in group.get("rows", []):
            unit = rubric.find_unit(str(row.get("unit_id", ""))) or rubric.find_unit(str(row.get("unit", "")))
            key = unit.id if unit is not None else str(row.get("unit_id") or row.get("unit"))
            rank = row.get("rank")
            rows[key] = Standing(
                int(rank) if rank is not None else None,
                _decimal(row.get("score")),
                str(row.get("grade") or ""),
                str(row.get("status") or ""),
            )
        out[str(group.get("group_id"))] = rows
        out[str(group.get("group"))] = rows
    return out


def load_previous(path: Path, rubric: Rubric) -> dict[str, dict[str, Standing]]:
    """Last year's standings: group id (and name) → unit id → standing."""
    return _standings(_load(path), rubric)


def load_published(path: Path, rubric: Rubric) -> tuple[dict[str, Standing], str]:
    """The published (公示) standings by unit id, and the published file's rubric hash; refused with the
    reason when the file belongs to another rubric or year."""
    data = _load(path)
    meta = data.get("rubric") or {}
    if (
        not isinstance(meta, dict)
        or meta.get("id") != rubric.meta.id
        or int(meta.get("year", 0)) != rubric.meta.year
    ):
        found = f"{meta.get('id', '?')}（{meta.get('year', '?')}年）" if isinstance(meta, dict) else "?"
        raise ResultsFileError(f"它属于“{found}”，本次是“{rubric.meta.id}（{rubric.meta.year}年）”")
    merged: dict[str, Standing] = {}
    for rows in _standings(data, rubric).values():
        merged.update(rows)
    return merged, str(meta.get("content_hash", ""))
