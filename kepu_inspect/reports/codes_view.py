"""The problem catalogue for people: each code's message and fix with its blanks named in Chinese.

A catalogue template has fields ({kind}, {fix}) that are filled when a problem is found; shown as they
are in ``kepu-inspect codes`` or the README they would be raw placeholders. Here every field has a
Chinese name, shown as 〈…〉; a test keeps every field of the catalogue named.
"""

from __future__ import annotations

import string

from kepu_inspect.core.problems import Code

PREFIXES: dict[str, str] = {
    "RB": "考核细则",
    "PL": "从工作要点导入",
    "WB": "报送的自评表",
    "VF": "督导检查核查表",
    "CR": "公示后的更正",
    "SC": "评分",
}

FIELD_LABELS: dict[str, str] = {
    "actual": "实际合计",
    "alias": "别名",
    "cells": "单元格",
    "count": "个数",
    "inspector": "检查人员",
    "limit": "限值",
    "marks": "各人核定分",
    "rule": "认定标准",
    "spread": "相差分值",
    "total": "总数",
    "claimed": "自评分",
    "computed": "应得分",
    "detail": "具体原因",
    "diff": "差值",
    "evidence": "佐证要求",
    "expected": "规定值",
    "files": "文件名",
    "first": "单位甲",
    "fix": "按文件的实际情况给出的修改方法",
    "found": "实际值",
    "grade": "等次",
    "hint": "相近的名称",
    "group": "分组",
    "high": "上限",
    "id": "编号",
    "item": "项目",
    "kind": "类型",
    "label": "填写项",
    "long": "全称",
    "low": "下限",
    "meaning": "处理方式",
    "name": "名称",
    "number": "条目序号",
    "options": "可选项",
    "original": "原工作表",
    "other": "另一行",
    "param": "参数名",
    "reason": "计算依据",
    "second": "单位乙",
    "sheet": "工作表",
    "short": "简称",
    "text": "标注文字",
    "threshold": "阈值",
    "unit": "单位",
    "value": "数值",
    # plan import (PL013–PL026)
    "basis": "判断依据",
    "below": "下一级单位的分组名称",
    "headers": "表头",
    "level": "层级",
    "members": "成员单位的分组名称",
    "row": "行号",
    "section": "部分",
    "title": "标题",
    "what": "文件类型",
    "where": "表格位置",
    # rubric check and 考核细则 import (RB017–RB031, PL027–PL028)
    "words": "该行文字",
    "criterion": "评分标准原文",
    "units": "适用单位原文",
    "setting": "原文",
    "group_id": "分组编号",
    "rule_title": "评分规则",
    # values read with their measure, structure, kinds (WB037–WB057)
    "answer": "读作",
    "chars": "字符",
    "column": "列",
    "conversion": "换算关系",
    "first_missing": "第一个缺少的行",
    "measure": "本项单位",
    "merge": "合并的单元格",
    "moved": "现在的位置",
    "read_as": "读取结果",
    "shown": "显示为",
    "word": "所带单位或文字",
}


def template_fields(template: str) -> list[str]:
    return [field for _, field, _, _ in string.Formatter().parse(template) if field]


def readable(template: str) -> str:
    """A catalogue template with each blank named: “{unit}” → “〈单位〉”."""
    return template.format_map({f: f"〈{FIELD_LABELS.get(f, '…')}〉" for f in template_fields(template)})


def describe(code: Code) -> tuple[str, str]:
    """(message, fix) of a code, as a person reads them in the catalogue."""
    return readable(code.template), readable(code.hint_template)


def codes_markdown() -> str:
    lines = ["| 代码 | 级别 | 问题 | 怎么改 |", "| --- | --- | --- | --- |"]
    for code in Code:
        message, hint = describe(code)
        lines.append(f"| {code.name} | {code.severity.label} | {message} | {hint} |")
    return "\n".join(lines) + "\n"
