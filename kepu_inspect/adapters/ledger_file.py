"""The corrections ledger (更正台账) file: YAML, or an Excel sheet with one row per objection.

YAML::

    corrections:
      - {unit: 舞钢市, criterion: c3.b, value: 8, objection: …, conclusion: …, approved_by: 张三, date: 2018-01-02}

Excel: columns 单位 | 评分细项 | 更正后核定分 | 异议情况 | 复核结论 | 批准人 | 日期 (headers found by name).
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from pathlib import Path
from typing import Any

from kepu_inspect.core.corrections import LedgerRow

MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5_000
_KEYS = {
    "unit": ("单位", "被考核单位", "单位名称"),
    "target": ("评分细项", "细项", "项目", "考核项目", "更正项目", "否决事项", "criterion"),
    "value": ("更正后核定分", "更正值", "核定分", "更正为", "新核定分", "value"),
    "objection": ("异议情况", "异议", "异议内容", "objection"),
    "conclusion": ("复核结论", "结论", "处理意见", "复核意见", "conclusion"),
    "approved_by": ("批准人", "审批人", "审核人", "approved_by"),
    "date": ("日期", "批准日期", "更正日期", "date"),
}


class LedgerError(Exception):
    """The file cannot be read as a ledger (detail in Chinese)."""


def _text(value: Any) -> str:
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return str(value.isoformat())[:10]
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _role(header: str) -> str | None:
    bare = re.sub(r"[\s（(].*$", "", str(header).strip())
    return next((k for k, words in _KEYS.items() if bare in words), None)


def read_ledger(path: Path) -> tuple[list[LedgerRow], str]:
    """The ledger's rows and the file's SHA-256 (results name the ledger they applied); LedgerError if unreadable."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise LedgerError(exc.strerror or "无法打开文件") from None
    if len(data) > MAX_FILE_BYTES:
        raise LedgerError("文件太大")
    digest = hashlib.sha256(data).hexdigest()
    rows = _xlsx(data) if data[:2] == b"PK" else _yaml(data)
    return rows, digest


def _yaml(data: bytes) -> list[LedgerRow]:
    import yaml

    try:
        text = data.decode("utf-8-sig")
        loader = yaml.SafeLoader(text)
        node = loader.get_single_node()
        doc = loader.construct_document(node) if node is not None else None
    except (UnicodeDecodeError, yaml.YAMLError):
        raise LedgerError("不是 UTF-8 编码的 YAML 文件") from None
    entries = doc.get("corrections") if isinstance(doc, dict) else doc
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise LedgerError(
            "文件中应有 corrections: 列表，每行写明 unit、criterion、value、objection、conclusion……"
        )
    lines: list[int] = []
    if isinstance(doc, dict) and node is not None:  # each entry's line, for problems that point at it
        for key, value in node.value:
            if key.value == "corrections":
                lines = [n.start_mark.line + 1 for n in value.value]
    rows = []
    for i, e in enumerate(entries):
        get = {k: _text(e.get(k) if k != "target" else e.get("criterion", e.get("gate"))) for k in _KEYS}
        rows.append(LedgerRow(lines[i] if i < len(lines) else i + 1, **get))
    return rows


def _xlsx(data: bytes) -> list[LedgerRow]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            if sum(i.file_size for i in zf.infolist()) > 32 * MAX_FILE_BYTES:
                raise LedgerError("文件内容超出安全限制")
        from openpyxl import load_workbook

        ws = load_workbook(io.BytesIO(data), read_only=True, data_only=True).active
    except LedgerError:
        raise
    except Exception:
        raise LedgerError("不是可以读取的 Excel 工作簿（.xlsx）") from None
    grid = [[_text(v) for v in row] for row in ws.iter_rows(values_only=True, max_row=MAX_ROWS)]
    header_at = next((i for i, r in enumerate(grid[:10]) if sum(1 for c in r if _role(c)) >= 3), None)
    if header_at is None:
        raise LedgerError("找不到表头（单位、评分细项、更正后核定分、异议情况、复核结论、批准人、日期）")
    roles = [_role(c) for c in grid[header_at]]
    rows = []
    for n, cells in enumerate(grid[header_at + 1 :], start=header_at + 2):
        got = {role: cells[i] for i, role in enumerate(roles) if role and i < len(cells)}
        if not any(got.values()):
            continue
        rows.append(LedgerRow(n, **{k: got.get(k, "") for k in _KEYS}))
    return rows
