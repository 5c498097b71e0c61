"""Reading an earlier results file (考核结果.json), e.g. last year's ranks for ``--previous``."""

from __future__ import annotations

import json
from pathlib import Path


def load_previous(path: Path) -> dict[str, dict[str, int]]:
    """Ranks from an earlier ``score`` json (results.json): group → unit id/name → rank."""
    data = json.loads(path.read_text("utf-8"))
    out: dict[str, dict[str, int]] = {}
    for group in data.get("rankings", []):
        ranks: dict[str, int] = {}
        for row in group.get("rows", []):
            if row.get("rank") is not None:
                ranks[row["unit_id"]] = int(row["rank"])
                ranks[row["unit"]] = int(row["rank"])
        out[group["group_id"]] = ranks
        out[group["group"]] = ranks
    return out
