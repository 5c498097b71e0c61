"""Rubric files: YAML or JSON → JSON Schema validation → model, with YAML line numbers on problems."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, cast

from kepu_inspect.core.problems import Code, Problem, problem
from kepu_inspect.core.rubric import Rubric
from kepu_inspect.core.rubric_build import build_rubric

TYPE_NAMES = {
    "string": "文字",
    "integer": "整数",
    "number": "数字",
    "array": "列表",
    "object": "映射（键: 值）",
    "boolean": "true/false",
}


@cache
def schema() -> dict[str, Any]:
    """The rubric JSON Schema shipped inside the package."""
    text = resources.files("kepu_inspect.adapters").joinpath("schema/rubric.schema.json").read_text("utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


@dataclass(frozen=True)
class LoadedRubric:
    path: Path
    rubric: Rubric | None
    problems: list[Problem]
    document: dict[str, Any] | None = None


def _yaml_lines(node: Any, path: str, out: dict[str, int]) -> None:
    import yaml

    out.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = str(key_node.value)
            sub = f"{path}.{key}" if path else key
            out[sub] = key_node.start_mark.line + 1
            _yaml_lines(value_node, sub, out)
            out[sub] = key_node.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for i, child in enumerate(node.value):
            _yaml_lines(child, f"{path}[{i}]", out)


def _plain(value: Any) -> Any:
    """YAML turns 2017-12-20 into a date; the rubric format keeps dates as ISO text."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()[:10]
    return value


def parse_document(text: str) -> tuple[Any, dict[str, int]]:
    """Parse YAML (JSON is valid YAML) and remember the line of every path."""
    import yaml

    # libyaml's loader when PyYAML was built with it (the wheels are): ~10× faster on a national rubric
    loader_class = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    loader = loader_class(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, {}
        data = loader.construct_document(node)
    finally:
        loader.dispose()
    lines: dict[str, int] = {}
    _yaml_lines(node, "", lines)
    return _plain(data), lines


def format_path(parts: Iterable[Any]) -> str:
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def line_for(path: str, lines: dict[str, int]) -> int | None:
    """The line of ``path`` or of its nearest ancestor that exists in the file."""
    while path:
        if path in lines:
            return lines[path]
        cut = max(path.rfind("."), path.rfind("["))
        path = path[:cut] if cut > 0 else ""
    return lines.get("")


def _schema_detail(error: Any) -> str:
    v = error.validator
    if v == "required":
        missing = re.findall(r"'([^']+)' is a required property", error.message)
        return f"缺少必填项“{missing[0] if missing else error.message}”"
    if v in ("additionalProperties", "unevaluatedProperties"):
        extra = re.findall(r"'([^']+)'", error.message)
        return "不认识的字段：" + "、".join(f"“{e}”" for e in extra) + "（请检查拼写）"
    if v == "type":
        want = error.validator_value if isinstance(error.validator_value, list) else [error.validator_value]
        return f"“{error.instance}”应为{'或'.join(TYPE_NAMES.get(str(w), str(w)) for w in want)}"
    if v == "enum":
        return f"“{error.instance}”不是允许的取值，应为：" + "、".join(str(x) for x in error.validator_value)
    if v == "const":
        return f"“{error.instance}”应为“{error.validator_value}”"
    if v in ("minimum", "exclusiveMinimum"):
        return (
            f"数值 {error.instance} 太小（{'不小于' if v == 'minimum' else '大于'} {error.validator_value}）"
        )
    if v in ("maximum", "exclusiveMaximum"):
        return f"数值 {error.instance} 太大（不大于 {error.validator_value}）"
    if v == "pattern":
        return (
            f"“{error.instance}”格式不对（编号请用英文字母开头，仅含字母、数字、-、_；日期写作 2017-12-20）"
        )
    if v == "minItems":
        return f"至少需要 {error.validator_value} 项"
    if v == "minLength":
        return "不能为空"
    if v == "uniqueItems":
        return "列表中有重复项"
    if v == "not":
        return "gte 与 gt（或 lte 与 lt）不能同时使用"
    if v in ("oneOf", "anyOf"):
        return f"“{json.dumps(error.instance, ensure_ascii=False)[:60]}”不符合任何一种允许的写法"
    return str(error.message)


@cache
def _valid_check() -> Callable[[Any], bool]:
    """A fast yes/no for the shipped schema (jsonschema-rs: ≈ 1 ms for a national rubric, where
    jsonschema takes ≈ 0.2 s); jsonschema's own check where jsonschema-rs cannot be installed."""
    try:
        import jsonschema_rs
    except ImportError:  # pragma: no cover - a platform without its wheel
        return cast(Callable[[Any], bool], _validator().is_valid)
    return cast(Callable[[Any], bool], jsonschema_rs.validator_for(schema()).is_valid)


@cache
def _validator() -> Any:
    from jsonschema import Draft202012Validator

    return Draft202012Validator(schema())


def _non_finite(node: Any, where: list[str | int]) -> Iterator[list[str | int]]:
    if isinstance(node, float) and not math.isfinite(node):
        yield list(where)
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from _non_finite(value, [*where, key])
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _non_finite(value, [*where, index])


def validate_document(doc: Any) -> list[Problem]:
    """JSON Schema problems, each with its path (all of them, not just the first).

    A valid document is recognised by jsonschema-rs without importing jsonschema; only an invalid one
    is walked by jsonschema, for its detailed errors (tests/test_schema_check.py: the two agree).
    """
    # YAML's .nan and .inf are numbers to JSON Schema, but no score can be compared with them
    problems = [
        problem(
            Code.RB001, path=format_path(where) or "(根)", detail="数值无效（.nan 或 .inf），请填写具体数字"
        )
        for where in _non_finite(doc, [])
    ]
    if problems:
        return problems
    if _valid_check()(doc):
        return []
    for error in sorted(_validator().iter_errors(doc), key=lambda e: [str(p) for p in e.absolute_path]):
        path = format_path(error.absolute_path)
        problems.append(problem(Code.RB001, path=path or "(根)", detail=_schema_detail(error)))
    return problems


def content_hash(doc: Any) -> str:
    """SHA-256 of the rubric's content (comments and key order do not matter)."""
    canonical = json.dumps(doc, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _syntax_problem(exc: Exception, text: str, name: str) -> Problem:
    from kepu_inspect.adapters.yaml_errors import explain, explain_json

    found = explain(exc, text)
    if name.lower().endswith(".json") and text.lstrip().startswith(("{", "[")):
        try:
            json.loads(text)
        except json.JSONDecodeError as json_exc:
            found = explain_json(json_exc)
        except ValueError:
            pass
    kind = "JSON" if name.lower().endswith(".json") else "YAML"
    return problem(Code.RB012, file=name, line=found.line, detail=f"{kind} 格式错误：{found.detail}").at(
        hint=found.hint
    )


def load_rubric_text(text: str, path: Path) -> LoadedRubric:
    import yaml

    name = str(path)
    try:
        doc, lines = parse_document(text)
    except yaml.YAMLError as exc:
        return LoadedRubric(path, None, [_syntax_problem(exc, text, name)])
    if not isinstance(doc, dict):
        return LoadedRubric(
            path,
            None,
            [
                problem(
                    Code.RB012, file=name, detail="文件内容不是考核细则（应为“名称: 值”形式的多行内容）"
                ).at(hint="请以 rubrics/ 中自带的考核细则（kepu-inspect init 可复制一份）为样板修改。")
            ],
        )
    problems = validate_document(doc)
    rubric = None
    if not problems:
        rubric, problems = build_rubric(doc, content_hash(doc))
    else:
        problems += semantic_despite_schema(doc, problems)
    located = [
        p.at(file=name, line=line_for(p.path or "", lines) if p.path and p.path != "(根)" else 1)
        for p in problems
    ]
    located += placeholder_problems(text, name)
    located.sort(key=lambda p: p.line or 0)  # a clerk works through the file from the top
    return LoadedRubric(path, rubric, located, doc)


# Problems a cut can cause by itself, and the entity lists whose cut can cause them.
_CAUSED_BY: dict[str, frozenset[str]] = {
    "RB005": frozenset({"sections", "items", "criteria", "applies_to", "units"}),
    "RB016": frozenset({"sections", "items", "criteria", "applies_to"}),
    "RB020": frozenset({"sections", "items", "criteria", "applies_to"}),
    "RB009": frozenset({"sections", "items", "applies_to", "item_groups"}),
    "RB015": frozenset({"grades"}),
    "RB018": frozenset({"units"}),
    "RB019": frozenset({"units", "groups", "item_groups", "applies_to"}),
    "RB031": frozenset({"units"}),
}
_MISSING_NAME = {"单位": "units", "排名分组": "groups", "项目分组": "item_groups", "考核部分": "sections"}


def semantic_despite_schema(doc: dict[str, Any], schema_problems: list[Problem]) -> list[Problem]:
    """The meaning checks on what the schema errors leave intact, at their places in the file."""
    from kepu_inspect.core.rubric_salvage import safe_salvage

    found = safe_salvage(doc, [p.path or "" for p in schema_problems])
    if found is None or not _valid_check()(found.doc):
        return []
    try:
        _, problems = build_rubric(found.doc)
    except (KeyError, TypeError, ValueError, ArithmeticError):  # a shape the schema let through
        return []
    kinds = found.cut_kinds()
    out: list[Problem] = []
    for p in problems:
        where = found.original(p.path or "")
        code = p.code.name
        if code in _CAUSED_BY and kinds & _CAUSED_BY[code]:
            continue
        if code == "RB006" and any(
            p.message.startswith(f"找不到{k}") and v in kinds for k, v in _MISSING_NAME.items()
        ):
            continue
        if code in ("RB003", "RB004"):  # a sum over an item (section) that lost a criterion (item)
            owner = where.rsplit(".points", 1)[0]
            if any(found.touches(owner + sub) for sub in (".criteria", ".items")) or found.touches(owner):
                continue
        elif found.touches(where):
            continue
        out.append(p.at(path=where))
    return out


# The words a skeleton or a template leaves for the office to replace (in values and in comments).
_PLACEHOLDER = re.compile(r"TODO|FIXME|待填写|待编辑|待补充|待完善|待定|XXX|某某")
_QUOTED = re.compile(r"“[^”]*”")  # a placeholder word quoted in an explanation is not a placeholder


def placeholder_problems(text: str, name: str) -> list[Problem]:
    """One RB017 per line that still carries a placeholder, with the line's words."""
    out: list[Problem] = []
    for n, line in enumerate(text.splitlines(), start=1):
        if _PLACEHOLDER.search(_QUOTED.sub("", line)):
            words = " ".join(line.strip().lstrip("-# ").split())
            shown = words if len(words) <= 60 else words[:58] + "…"
            out.append(problem(Code.RB017, file=name, line=n, words=shown))
    return out


# What a file that is not a rubric usually is, by its first bytes, and what to do instead.
IMPORT_HINT = "考核细则请用 `kepu-inspect rubric import 工作要点.docx -o 考核细则.yaml` 从工作要点生成，再补充分值和评分标准。"


def not_a_rubric(head: bytes, names: list[str] | None = None) -> tuple[str, str] | None:
    """(what the file is, what to do) when the bytes are plainly not a YAML/JSON text; None otherwise.

    ``names`` are the member names when the file is a zip (Office documents are zips)."""
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        members = names or []
        if any(n.startswith("word/") for n in members):
            return "这是一个 Word 文件", IMPORT_HINT
        if any(n.startswith("xl/") for n in members):
            return "这是一个 Excel 工作簿（可能是自评表）", (
                "考核细则是 .yaml 文件；自评表请放在材料文件夹中，作为命令的第二个参数。"
            )
        if any(n.startswith("ppt/") for n in members):
            return "这是一个 PowerPoint 文件", IMPORT_HINT
        return "这是一个压缩包（.zip）", "请先解压，再指定其中的考核细则 .yaml 文件。"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "这是一个旧版 Office 文件（.doc / .xls / .wps）", IMPORT_HINT
    if head.startswith(b"%PDF"):
        return (
            "这是一个 PDF 文件",
            "请把工作要点另存为 .docx 或 .txt，用 `kepu-inspect rubric import` 生成考核细则。",
        )
    if head.startswith((b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"BM")):
        return "这是一个图片文件", "考核细则是 .yaml 文本文件，请指定正确的文件。"
    if head.lstrip(b"\xef\xbb\xbf \t\r\n").lower().startswith(b"{\\rtf"):
        return "这是一个 RTF 文档", IMPORT_HINT
    if b"\x00" in head[:4096] and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "这不是文本文件", "考核细则是 .yaml 文本文件，请指定正确的文件。"
    return None


def _zip_names(path: Path) -> list[str]:
    import zipfile

    try:
        with zipfile.ZipFile(path) as zf:
            return zf.namelist()[:200]
    except (OSError, zipfile.BadZipFile, ValueError):
        return []


def _decode(raw: bytes) -> tuple[str | None, str]:
    """The text, or None and why not (in Chinese)."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16"), ""
        except UnicodeDecodeError:
            return None, "文件编码无法识别"
    try:
        return raw.decode("utf-8-sig"), ""
    except UnicodeDecodeError:
        pass
    try:
        raw.decode("gb18030")
    except UnicodeDecodeError:
        return None, "文件不是 UTF-8 编码，也无法识别为其他文本编码"
    return None, "文件是 GBK（ANSI）编码，不是 UTF-8 编码"


ENCODING_HINT = (
    "请用记事本打开该文件，选“另存为”，把“编码”选为 UTF-8 后保存（WPS、VS Code 也可另存为 UTF-8）。"
)


def load_rubric(path: Path) -> LoadedRubric:
    """Read and check a rubric file; problems carry file, path and line."""
    from kepu_inspect.core.os_errors import os_error_text

    try:
        raw = path.read_bytes()
    except OSError as exc:
        return LoadedRubric(path, None, [problem(Code.RB012, file=str(path), detail=os_error_text(exc))])
    kind = not_a_rubric(raw[:8192], _zip_names(path) if raw.startswith(b"PK") else None)
    if kind is not None:
        what, fix = kind
        return LoadedRubric(
            path, None, [problem(Code.RB012, file=str(path), detail=f"{what}，不是考核细则").at(hint=fix)]
        )
    text, why = _decode(raw)
    if text is None:
        return LoadedRubric(
            path, None, [problem(Code.RB012, file=str(path), detail=why).at(hint=ENCODING_HINT)]
        )
    return load_rubric_text(text, path)
