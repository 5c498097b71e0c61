"""The rubric's scoring rules in words: one sentence per rule that decides a published number.

Every report prints these (its 说明), so a unit that asks "why am I 5th?" reads the same rules the
tool applied, worded from the very settings it applied them with.
"""

from __future__ import annotations

from kepu_inspect.core.numbers import fmt
from kepu_inspect.core.rubric import TIE_BREAK_LABELS, TIE_BREAK_LABELS_NORMALISED, Rubric
from kepu_inspect.core.rules import DeductPer, Growth, Levels, Pool, Shortfall

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
    out.extend(_adjustment_sentences(rubric))
    if s.bonus_cap is not None:
        out.append(f"加分合计最高{fmt(s.bonus_cap)}分。")
    out.extend(_rule_sentences(rubric))
    if s.overclaim_threshold is not None:
        scope = "考核项目" if s.overclaim_per == "item" else "评分细项"
        edge = "及以上" if s.overclaim_boundary == "gte" else "以上（不含本数）"
        cost = f"，每项扣{fmt(s.overclaim_deduction)}分" if s.overclaim_deduction else ""
        out.append(
            f"经核定的{scope}，自评分高出核定分{fmt(s.overclaim_threshold)}分{edge}的为疑似虚报{cost}。"
        )
    titles = {sec.id: sec.title for sec in rubric.sections}
    for gate in rubric.gates:
        place = "，排在本组其他单位之后" if gate.grade and s.gated == "last" else ""
        if gate.automatic:
            out.append(f"{gate.condition(titles)}的（{gate.name}，按得分认定）：{gate.effect()}{place}。")
        else:
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
    if not rubric.grades:
        out.append("本细则不评定等次，只排名次。")
    for band in rubric.grades_high_to_low():
        if band.quota is not None:
            out.append(f"{band.name}名额{band.quota.describe()}，超出名额的单位按名次依次调整为下一等次。")
    return out


def _adjustment_sentences(rubric: Rubric) -> list[str]:
    """加分 and 扣分 sections outside the base, uncapped criteria, items the office reports."""
    out: list[str] = []
    bonus_sections = [sec for sec in rubric.sections if sec.kind == "bonus"]
    for section in rubric.sections:
        if section.kind == "base":
            continue
        cap = (
            f"，合计最多{'加' if section.kind == 'bonus' else '扣'}{fmt(section.cap)}分"
            if section.cap
            else ""
        )
        if section.kind == "bonus":
            # one 加分 section capped as the whole bonus is: the bonus_cap sentence already says it
            same = len(bonus_sections) == 1 and section.cap == rubric.settings.bonus_cap
            if section.cap is not None and not same:
                out.append(f"“{section.title}”为加分项目，不计入基本分，各项得分计入加分{cap}。")
        else:
            out.append(
                f"“{section.title}”为扣分项目，各项按评分标准计得的分数从总分中扣除（计入扣分）{cap}。"
            )
    open_items = [item.title for _, item in rubric.items() if item.open_ended]
    if open_items:
        out.append(
            f"“{'”“'.join(open_items)}”按次（篇）累计计分，不设上限，不计入基本分满分"
            "（有此类项目的组按总分比较，不按得分率）。"
        )
    office = [item.title for _, item in rubric.items() if item.reported_by == "office"]
    if office:
        out.append(f"“{'”“'.join(office)}”由督导检查组（素质办）认定，被考核单位不填报；未经认定的计0分。")
    return out


def _rule_sentences(rubric: Rubric) -> list[str]:
    """How the rule kinds that need a word of explanation are applied, once each where used."""
    rules = [c.rule for _, item in rubric.items() for c in item.criteria]
    out: list[str] = []
    if any(isinstance(r, Pool) for r in rules):
        out.append(
            "扣分加分合计的项目：各项扣分（按情形、按次、酌情）从同一个分值中扣除，扣完为止；"
            "再加本项内的加分，加后不超过本项分值。"
        )
    if any(isinstance(r, Levels) and r.wants_score for r in rules):
        out.append(
            "按等级在分值范围内评分的细项：督导检查组在所评等级的范围内确定分数；未核定的按自评分计，"
            "超出该等级范围的按范围的上限或下限计，未填自评分的按下限计。"
        )
    if any(isinstance(r, DeductPer) and r.required is not None for r in rules):
        out.append("规定最少次数的细项按单位填报的实际次数计算少了几次，每少一次按评分标准扣分，扣完为止。")
    if any(isinstance(r, Growth) for r in rules):
        out.append("与上年比较的细项按单位填报的本年和上年数值计算增长率；上年为0、本年大于0的视为增长。")
    if any(isinstance(r, Shortfall) for r in rules):
        out.append("按差额计分的细项按实际差额计算（不足一个计分单位的按比例计），最多为该细项分值。")
    return out
