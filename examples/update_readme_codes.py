"""Regenerate the problem-code table in README.md from the catalogue (run after adding a code)."""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kepu_inspect.reports.codes_view import codes_markdown  # noqa: E402

readme = ROOT / "README.md"
text = readme.read_text("utf-8")
table = codes_markdown().rstrip("\n")
new, n = re.subn(r"\| 代码 \| 级别 \| 问题 \| 怎么改 \|\n(?:\|.*\|\n?)+", table + "\n", text)
assert n == 1, "code table not found in README.md"
readme.write_text(new, "utf-8")
print("README.md code table updated")
