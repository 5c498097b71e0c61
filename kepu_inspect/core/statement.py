"""The rubric's scoring rules in words: one sentence per rule that decides a published number.

Every report prints these (its 说明), so a unit that asks "why am I 5th?" reads the same rules the
tool applied, worded from the very settings it applied them with.
"""

from __future__ import annotations

from kepu_inspect.core.numbers import fmt
from kepu_inspect.core.rubric import TIE_BREAK_LABELS, TIE_BREAK_LABELS_NORMALISED, Rubric

UNVERIFIED_WORDS = {
    "self": "未经督导检查组核定的评分细项按被考核单位的自评分计（不超过自评分，也不超过该项分值）",
    "computed": "未经督导检查组核定的评分细项按被考核单位填报的数据套用评分标准计分",
    "lower": "未经督导检查组核定的评分细项按自评分与填报数据计分中较低者计",
    "zero": "未经督导检查组核定的评分细项计0分",
}


def scoring_statement(rubric: Rubric) -> list[str]:
    """The declared rules, in the order a reader needs them; each a complete Chinese sentence."""
    s = rubric.settings
    d = s.decimals
    out: list[str] = []
    if s.verification == "in_submission":
        out.append("核定分由督导检查组在被考核单位的自评表中填写。")
    else:
        combine = {
            "single": "每个评分细项由一名督导检查人员核定",
            "mean": "多名督导检查人员的核定分取平均分",
            "trimmed_mean": f"多名督导检查人员的核定分在{s.trim_from}人及以上时去掉一个最高分和一个最低分后取平均分",
            "leader": "多名督导检查人员核定分不一致时以组长核定分为准",
        }[s.combine]
        out.append(f"核定分由督导检查组在核查表中填写，{combine}（四舍五入保留{d}位小数）。")
    out.append(UNVERIFIED_WORDS[s.unverified] + "，并在备注中注明未核定项数。")
    if s.verified_out_of_range == "hold":
        out.append("核定分超出该项分值范围的，该单位暂不排名（待核实），核实更正后再排名。")
    else:
        out.append("核定分超出该项分值范围的，按分值范围的上限或下限计。")
    out.append("自评分超出该项分值范围的，列为材料问题，按分值范围的上限或下限计入自评分。")
    normalised = [g.name for g in rubric.groups if g.normalise]
    floor = "" if s.floor is None else f"，最低为{fmt(s.floor)}分"
    out.append(
        f"基本分、得分率、加分、扣分各自四舍五入保留{d}位小数，总分为其相加之和"
        f"（基本分＋加分－扣分{'；' + '、'.join(normalised) + '为得分率＋加分－扣分，得分率 = 核定分 ÷ 基本分满分 × 100' if normalised else ''}）{floor}。"
    )
    if s.bonus_cap is not None:
        out.append(f"加分合计最高{fmt(s.bonus_cap)}分。")
    if s.overclaim_threshold is not None:
        scope = "考核项目" if s.overclaim_per == "item" else "评分细项"
        edge = "及以上" if s.overclaim_boundary == "gte" else "以上（不含本数）"
        cost = f"，每项扣{fmt(s.overclaim_deduction)}分" if s.overclaim_deduction else ""
        out.append(
            f"经核定的{scope}，自评分高出核定分{fmt(s.overclaim_threshold)}分{edge}的为疑似虚报{cost}。"
        )
    for gate in rubric.gates:
        place = "，排在本组其他单位之后" if gate.grade and s.gated == "last" else ""
        out.append(f"{gate.name}：{gate.effect()}{place}。")
    if s.with_errors == "hold":
        out.append("自评表有错误的单位暂不排名（待核实）。")
    else:
        out.append("自评表有错误的单位照常排名，备注“材料有误，待核实”。")
    out.append("未报送、材料无效和空白表的单位不排名，列在表末。")
    if s.tie_breaks:
        labels = TIE_BREAK_LABELS
        words = "，再".join(labels.get(t, t) for t in s.tie_breaks)
        norm = ""
        if normalised and any(TIE_BREAK_LABELS_NORMALISED[t] != labels[t] for t in s.tie_breaks):
            norm = (
                f"（{'、'.join(normalised)}比较得分率："
                + "，再".join(TIE_BREAK_LABELS_NORMALISED[t] for t in s.tie_breaks)
                + "）"
            )
        out.append(f"总分相同时按{words}{norm}；仍相同的名次并列。")
    else:
        out.append("总分相同的名次并列。")
    for band in rubric.grades_high_to_low():
        if band.quota is not None:
            out.append(f"{band.name}名额{band.quota.describe()}，超出名额的单位按名次依次调整为下一等次。")
    return out
