"""The words of a printed 考核细则 for everything that is not a criterion: settings, groups, units, gates,
grades and applies_to. One table of words per setting serves the export (value → words) and the import
(words → value), so what is printed reads back as what was meant."""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal

from kepu_inspect.core.criteria.text import NUM, bound_at_end, dec, normalise
from kepu_inspect.core.criteria.words import interval_words
from kepu_inspect.core.numbers import Interval, fmt
from kepu_inspect.core.rubric import TIE_BREAK_LABELS, Gate, Quota

# --- sheet / caption names and headers -----------------------------------------------------------
MAIN = "考核细则"
INFO = "基本信息"
SETTINGS = "计分规则"
GROUPS = "排名分组"
UNITS = "考核单位"
ITEM_GROUPS = "项目分组"
GATES = "否决和扣分事项"
GRADES = "等次"

MAIN_HEADER = (
    "序号",
    "考核项目",
    "考核内容",
    "分值",
    "评分标准",
    "考核方式",
    "佐证材料",
    "适用单位",
    "项目代码",
)
INFO_HEADER = ("项目", "内容")
SETTINGS_HEADER = ("计分事项", "规定")
GROUPS_HEADER = ("分组代码", "分组名称", "分组类型", "比较方式", "项目合计", "每单位满分")
UNITS_HEADER = ("单位代码", "单位名称", "别名", "所属分组", "参加考核", "评分参数", "单位说明")
ITEM_GROUPS_HEADER = ("项目分组代码", "项目分组名称", "牵头部门", "包含项目")
GATES_HEADER = ("事项代码", "事项名称", "事项说明", "认定方式", "效果")
GRADES_HEADER = ("等次名称", "分数段", "名额")

# --- 基本信息 ------------------------------------------------------------------------------------
INFO_ROWS: tuple[tuple[str, str], ...] = (
    ("考核细则编号", "id"),
    ("标题", "title"),
    ("考核年度", "year"),
    ("发文单位", "issuer"),
    ("版本", "version"),
    ("考核期间", "period"),
    ("报送截止日期", "deadline"),
    ("依据", "source"),
    ("考核工作名称", "subject"),
)

# --- 计分规则: label → (scoring key, {value: words}) ---------------------------------------------
CHOICES: dict[str, tuple[str, dict[str, str]]] = {
    "核定分来源": (
        "verification",
        {"separate": "督导检查组用单独的核查表填写", "in_submission": "督导检查组在被考核单位的自评表中填写"},
    ),
    "未核定的评分细项": (
        "unverified",
        {
            "self": "按自评分计（不超过自评分）",
            "computed": "按填报数据套用评分标准计",
            "lower": "取自评分与按数据计分中较低者",
            "zero": "计0分",
        },
    ),
    "核定分超出分值范围": (
        "verified_out_of_range",
        {"hold": "该单位暂不排名（待核实）", "clamp": "按分值范围的上限或下限计"},
    ),
    "自评表有错误的单位": ("with_errors", {"mark": "照常排名，备注材料有误", "hold": "暂不排名（待核实）"}),
    "被否决单位的名次": ("gated", {"by_score": "按得分排名", "last": "排在本组其他单位之后"}),
    "多名督导检查人员的核定分": (
        "combine",
        {
            "single": "一人核定",
            "mean": "取平均分",
            "trimmed_mean": "去掉一个最高分和一个最低分后取平均分",
            "leader": "以组长核定分为准",
        },
    ),
    "否决事项的认定": ("gates", {"leader": "由组长认定", "majority": "由多数督导检查人员认定"}),
}
NUMBER_ROWS: dict[str, tuple[str, str]] = {
    # label → (scoring key, words when absent)
    "总分下限": ("floor", "不设下限"),
    "加分合计上限": ("bonus_cap", "不设上限"),
    "核定分相差提示": ("spread", "不提示"),
}
DECIMALS = "保留小数位数"
OVERCLAIM = "疑似虚报"
TIES = "总分相同时"
MISSING_GRADE = "未报送单位的等次"
TRIM_FROM = "去掉最高分和最低分的人数"
TOTAL = "基本分总分"

_OVERCLAIM = re.compile(
    rf"自评分高出核定分(?P<t>{NUM})分(?P<edge>及以上|以上（不含本数）)的为疑似虚报（按(?P<per>考核项目|评分细项)比较）"
    rf"(?:，每项扣(?P<d>{NUM})分)?"
)


def overclaim_words(threshold: Decimal | None, boundary: str, per: str, deduction: Decimal) -> str:
    if threshold is None:
        return "不认定"
    edge = "及以上" if boundary == "gte" else "以上（不含本数）"
    scope = "考核项目" if per == "item" else "评分细项"
    cost = f"，每项扣{fmt(deduction)}分" if deduction else ""
    return f"自评分高出核定分{fmt(threshold)}分{edge}的为疑似虚报（按{scope}比较）{cost}"


def read_overclaim(text: str) -> dict[str, object] | None:
    """The ``overclaim`` mapping, {} for 不认定, None when the words are not understood."""
    if text.strip() in ("不认定", "无", ""):
        return {}
    m = _OVERCLAIM.fullmatch(normalise(text))
    if m is None:
        return None
    out: dict[str, object] = {
        "threshold": dec(m.group("t")),
        "boundary": "gte" if m.group("edge") == "及以上" else "gt",
        "per": "item" if m.group("per") == "考核项目" else "criterion",
    }
    if m.group("d"):
        out["deduction"] = dec(m.group("d"))
    return out


def ties_words(tie_breaks: tuple[str, ...]) -> str:
    return "，再".join(TIE_BREAK_LABELS[t] for t in tie_breaks) if tie_breaks else "名次并列"


def read_ties(text: str) -> list[str] | None:
    if text.strip() in ("名次并列", "并列", ""):
        return []
    by_label = {v: k for k, v in TIE_BREAK_LABELS.items()}
    out = []
    for part in re.split(r"，再|；|，", text.strip()):
        if part not in by_label:
            return None
        out.append(by_label[part])
    return out


def number_words(value: Decimal | None, absent: str) -> str:
    return absent if value is None else f"{fmt(value)}分"


def read_number(text: str, absent: str) -> Decimal | bool | None:
    """The number, None for the absent words, False when not understood."""
    text = normalise(text)
    if text in (absent, "", "无"):
        return None
    m = re.fullmatch(rf"(?:相差超过)?(?P<n>-?{NUM})分?(?:时列出，提请复核)?", text)
    return dec(m.group("n")) if m else False


SPREAD_WORDS = "相差超过{}分时列出，提请复核"

# --- groups -----------------------------------------------------------------------------------------
GROUP_KINDS = {"county": "下一级单位", "department": "成员单位", "other": "其他"}
COMPARE = {False: "按总分", True: "按得分率×100"}

# --- gates -----------------------------------------------------------------------------------------
DECIDED_BY_TEAM = "督导检查组认定"


def gate_condition_words(gate: Gate) -> str:
    if gate.section_min is None:
        return DECIDED_BY_TEAM
    where = f"（只看：{'、'.join(gate.sections)}）" if gate.sections else ""
    return f"按得分认定：任一部分得分低于该部分分值的{fmt(gate.section_min * 100)}%{where}"


def read_gate_condition(text: str) -> dict[str, object] | None:
    text = normalise(text)
    if text in (DECIDED_BY_TEAM, "", "督导检查组查实", "由督导检查组认定"):
        return {}
    m = re.fullmatch(
        rf"按得分认定：任一部分得分低于该部分分值的(?P<s>{NUM})%(?:（只看：(?P<ids>[^）]+)）)?", text
    )
    if m is None:
        return None
    out: dict[str, object] = {"section_min": dec(m.group("s")) / 100}
    if m.group("ids"):
        out["sections"] = m.group("ids").split("、")
    return out


def gate_effect_words(gate: Gate) -> str:
    parts = []
    if gate.grade:
        parts.append(f"等次定为{gate.grade}")
    if gate.grade_cap:
        parts.append(f"等次最高为{gate.grade_cap}")
    if gate.exclude:
        parts.append("取消排名")
    if gate.deduct:
        parts.append(f"扣{fmt(gate.deduct)}分")
    return "；".join(parts)


def read_gate_effect(text: str) -> dict[str, object] | None:
    out: dict[str, object] = {}
    for part in re.split(r"[；;，,]", normalise(text)):
        if not part:
            continue
        if m := re.fullmatch(r"(?:等次|考核等次)?(?:直接)?定为(?P<g>.+)", part):
            out["grade"] = m.group("g")
        elif m := re.fullmatch(r"(?:等次)?最高(?:为|评为)(?P<g>.+)", part):
            out["grade_cap"] = m.group("g")
        elif part in ("取消排名", "不参加排名", "作弃权处理"):
            out["exclude"] = True
        elif m := re.fullmatch(rf"扣(?P<d>{NUM})分", part):
            out["deduct"] = dec(m.group("d"))
        else:
            return None
    return out or None


# --- grades ----------------------------------------------------------------------------------------
def band_words(iv: Interval) -> str:
    return interval_words(iv, "分")


def read_band(text: str) -> dict[str, Decimal] | None:
    """90分以上 → {gte: 90}; 80分以上不足90分 → {gte: 80, lt: 90}."""
    found = bound_at_end(normalise(text).replace("分", ""))
    if found is None or found[0] or found[2]:
        return None
    return found[1].to_bounds()


ROUNDING = {"floor": "向下取整", "half_up": "四舍五入", "ceil": "向上取整"}
TIES_KEEP = {"keep": "名额线上并列的单位均保留", "drop": "名额线上并列的单位均降为下一等次"}


def quota_words(quota: Quota | None) -> str:
    if quota is None:
        return "不限"
    if quota.count is not None:
        limit = f"不超过{quota.count}个"
    else:
        assert quota.share is not None
        limit = f"不超过{fmt(quota.share * 100)}%（{ROUNDING[quota.rounding]}）"
    return f"{limit}，{TIES_KEEP[quota.ties]}"


def read_quota(text: str) -> dict[str, object] | bool | None:
    """The quota mapping, None for 不限, False when not understood."""
    text = normalise(text)
    if text in ("不限", "", "无"):
        return None
    m = re.fullmatch(
        rf"不超过(?:(?P<c>\d+)个|(?P<s>{NUM})%（(?P<r>向下取整|四舍五入|向上取整)）)(?:，(?P<t>名额线上并列的单位均保留|名额线上并列的单位均降为下一等次))?",
        text,
    )
    if m is None:
        return False
    out: dict[str, object] = {}
    if m.group("c"):
        out["count"] = int(m.group("c"))
    else:
        out["share"] = dec(m.group("s")) / 100
        out["rounding"] = {v: k for k, v in ROUNDING.items()}[m.group("r")]
    if m.group("t"):
        out["ties"] = {v: k for k, v in TIES_KEEP.items()}[m.group("t")]
    return out


# --- applies_to --------------------------------------------------------------------------------------
ROLE_WORDS = {"lead": "（牵头）", "cooperate": "（配合）"}
GROUP_PREFIX = "全部"
LEADS_SUFFIX = "牵头部门"


def params_words(params: Mapping[str, Decimal]) -> str:
    return "；".join(f"{k}={fmt(v)}" for k, v in params.items())


def read_params(text: str) -> dict[str, Decimal] | None:
    out: dict[str, Decimal] = {}
    for part in re.split(r"[；;，,]", normalise(text)):
        if not part:
            continue
        m = re.fullmatch(rf"(?P<k>[A-Za-z_][A-Za-z0-9_]*|[^=：:]+)[=：:](?P<v>-?{NUM})", part)
        if m is None:
            return None
        out[m.group("k")] = dec(m.group("v"))
    return out
