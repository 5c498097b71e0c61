"""One 评分标准 sentence → a rule, when it is written in one of the common forms; None otherwise.

The sentence is cut into clauses at top-level commas and semicolons; each clause is recognised on its
own (…得2分, …的扣2分, …每篇3分, 1次以上得2分, 好得2分, 最高6分, 扣完为止 …), and the rule is decided
from the clauses found. Whatever does not fit one rule exactly is refused (None): the importer then
keeps the sentence as a discretionary criterion and names it, rather than guess.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from kepu_inspect.core.criteria.text import MEASURE, NUM, bound_at_end, dec, normalise, split_top
from kepu_inspect.core.criteria.words import (
    BAND_NOTE,
    LOWER_NOTE,
    PARAM_WORD,
    POOL_HEAD,
    Context,
)
from kepu_inspect.core.numbers import ZERO, Interval
from kepu_inspect.core.rules import (
    ANY_GROWTH,
    BestOf,
    Category,
    Check,
    Checklist,
    Compound,
    Condition,
    Deductions,
    DeductPer,
    Discretionary,
    Fault,
    Growth,
    Judged,
    Level,
    Levels,
    NofM,
    Option,
    PerCategory,
    PerFault,
    Pool,
    Proportional,
    Rule,
    Shortfall,
    Target,
    Threshold,
    Tier,
    Tiers,
)


@dataclass(frozen=True)
class Parsed:
    """A recognised sentence: the rule, the most it says it gives (None: the criterion's points, as
    for deductions from a pool), and whether it is an in-item 加分."""

    rule: Rule
    points: Decimal | None
    bonus: bool = False


GAIN = r"(?:得|加|计|给|记)"
PTS = rf"(?P<p>{NUM})分"
_LEAD = re.compile(r"^(?:\d+[.、．)）]|[（(]\d+[)）]|[①-⑳]|[a-zA-Z][.、)）])\s*")
_POINTS_PREFIX = re.compile(rf"^[（(](?P<p>{NUM})分[)）]")
_TAILS = re.compile(
    r"^(?:扣完为止|扣完本项分值为止|扣至0分为止|本项扣完为止|否则不得分|否则不得分。|不得分|否则0分|"
    r"未(?:开展|完成|达到|达标|做到|建立|制定|召开|参加|举办|落实|设立|印发|报送|提供)[^，；]*不得分|"
    r"缺[一1](?:项)?不得分|缺少任何[一1]项不得分|持平或减少不得分|不累计|不重复计分|不重复得分|"
    r"按(?:得分)?最高的?[一1]项计(?:分)?|取最高(?:的)?[一1]项|就高不就低|只计最高[一1]项|"
    r"[^，；;得加扣]{0,12}(?:的|者)?不得分)$"
)
LEVEL_NAMES = (
    "非常满意|较满意|基本满意|不满意|满意|较突出|突出|较显著|显著|较明显|不明显|明显|优秀|优良|良好|不合格|"
    "基本合格|合格|基本完成|未完成|完成|较好|一般|较差|好|差|优|良|中|较高|高|较低|低|较强|强|较弱|弱|"
    "A级|B级|C级|D级|一等|二等|三等|一类|二类|三类"
)
_LEVEL = re.compile(
    rf"^(?P<label>.*?)(?P<name>{LEVEL_NAMES})(?:的)?(?:{GAIN}|扣)(?P<v>本项分值的{NUM}%(?:～{NUM}%)?|满分|{NUM}(?:～{NUM})?分|{NUM}%(?:～{NUM}%)?)$"
)
_BAND = re.compile(rf"(?P<name>{LEVEL_NAMES})[（(](?:占比|得分率|比例)?(?P<a>{NUM})%?～(?P<b>{NUM})%[)）]")
_GAIN = re.compile(rf"^(?P<label>.*?)(?:的)?{GAIN}{PTS}$")
_FAULT = re.compile(rf"^(?P<label>.+?)(?:的|者)?(?:，|,)?(?:本项|该项|此项)?扣{PTS}$")
_PER = re.compile(rf"^(?P<label>.*?)(?:，|,)?每(?:1)?(?P<u>{MEASURE})(?P<verb>{GAIN}|扣)?{PTS}$")
_SHORT = re.compile(rf"^每?(?:少|缺|差)[^\d扣，]{{0,4}}?(?:1)?(?P<u>{MEASURE})?扣{PTS}$")
_JUDGED = re.compile(rf"^(?P<label>.+?)(?:的)?酌情扣分(?:[（(]最多扣(?P<m>{NUM})分[)）])?$")
_CAP = re.compile(
    rf"^(?:本项|该项|此项|累计)?(?:最高|最多|上限|封顶|不超过|最高不超过|最多不超过)(?:得|加|扣|计)?{PTS}(?:为限|封顶)?$"
)
_OPEN_CAP = re.compile(r"^(?:不设上限|上不封顶|不封顶|不设最高分)$")
_OWN_CAP = re.compile(r"^以本项分值为限$")
_REQUIRE = re.compile(
    rf"^(?P<label>.*?)(?:不少于|至少|不低于)(?P<verb>[^\d]{{0,6}}?)(?P<n>{NUM}|{PARAM_WORD}.*?)(?P<u>{MEASURE})?"
    rf"(?P<rest>[^\d]*)$"
)
_FLOOR = re.compile(rf"^最低得{PTS}$")
_DISCRETION = re.compile(
    r"酌情(?:评分|给分|计分|扣分|得分|赋分)|视情况(?:评分|给分|扣分)|由考核组评定|由督导检查组评定"
)
_DISCRETION_RANGE = re.compile(
    rf"[（(](?P<a>{NUM})(?:分)?～(?P<b>{NUM})分[)）]|最高(?P<c>{NUM})分|[（(]最低(?P<d>{NUM})分[)）]"
)


_BARE_POINTS = re.compile(rf"^(?:的)?(?:本项|该项|此项)?(?:扣|得|加|计){NUM}分")


def clauses_of(text: str, seps: str = "；;，,") -> list[str]:
    """Top-level clauses, with the pieces a comma cut off put back: 未确定联络员的，扣2分 is one
    clause, and so is 建立队伍，且开展活动5次以上的得4分."""
    out: list[str] = []
    for clause in split_top(text, seps):
        joins = out and (_BARE_POINTS.match(clause) or re.match(r"^(?:且|并且|同时)", clause))
        if joins and not re.search(rf"{NUM}分$", out[-1]):
            out[-1] += (
                clause if _BARE_POINTS.match(clause) else "且" + re.sub(r"^(?:且|并且|同时)", "", clause)
            )
            continue
        out.append(clause)
    return out


def parse_criterion(text: str, context: Context = "base") -> Parsed | None:
    """The rule a 评分标准 sentence states, or None when it is not one of the forms recognised."""
    s = normalise(text)
    s = _LEAD.sub("", s)
    stated: Decimal | None = None
    m = _POINTS_PREFIX.match(s)
    if m:
        stated, s = dec(m.group("p")), s[m.end() :]
    bonus = False
    for marker in ("【加分】", "【扣分】"):
        if s.startswith(marker):
            bonus = bonus or marker == "【加分】"
            s = s[len(marker) :]
    s = s.rstrip("。.；;")
    if not s:
        return None
    found = _decide(s, "bonus" if bonus else context)
    if found is None:
        return None
    rule, points = found
    if stated is not None:
        points = stated if points is None or not rule.capped else points
    return Parsed(rule, points, bonus)


Found = tuple[Rule, Decimal | None] | None


def _decide(s: str, context: Context) -> Found:
    # sentences (。) inside are read one by one by the importer; only a pool spans them as one rule
    readers = (_pool, _band_levels_reader) if "。" in s else _READERS
    if context == "deduct" and "扣" in s:
        # in a 扣分 section what a criterion earns is what is deducted: 超过2次扣2分 reads as 超过2次得2分
        # would (the shortfall form alone needs its 每低…扣)
        found = _shortfall(s, context)
        if found is not None:
            return found
        s = s.replace("扣", "得")
    for reader in readers:
        found = reader(s, context)
        if found is not None:
            return found
    return None


# --- readers of whole sentences, tried in order ---------------------------------------------
def _pool(s: str, context: Context) -> Found:
    body = s.removeprefix(POOL_HEAD) if s.startswith(POOL_HEAD) else None
    clauses = clauses_of(body if body is not None else s, "；;，,。")
    faults: list[Fault] = []
    per: list[PerFault] = []
    judged: list[Judged] = []
    bonuses: list[Fault] = []
    floor = ZERO
    head_points: Decimal | None = None
    for clause in clauses:
        if clause in ("扣完为止", "加分后不超过本项分值", "加后不超过本项分值") or clause.startswith(
            "扣完为止"
        ):
            continue
        if m := re.fullmatch(rf"本项{PTS}", clause):
            head_points = dec(m.group("p"))
            continue
        if m := _FLOOR.fullmatch(clause):
            floor = dec(m.group("p"))
            continue
        if m := _JUDGED.fullmatch(clause):
            judged.append(Judged(m.group("label"), dec(m.group("m")) if m.group("m") else None))
            continue
        if (m := _PER.fullmatch(clause)) and m.group("verb") == "扣" and m.group("label"):
            per.append(PerFault(m.group("label").rstrip("的"), dec(m.group("p")), m.group("u")))
            continue
        if m := re.fullmatch(rf"(?P<label>.+?)(?:的|者)加{PTS}(?:[（(]加后不超过本项分值[)）])?", clause):
            bonuses.append(Fault(m.group("label"), dec(m.group("p"))))
            continue
        if (m := _FAULT.fullmatch(clause)) and "每" not in clause:
            faults.append(Fault(m.group("label"), dec(m.group("p"))))
            continue
        return None
    kinds = sum(1 for group in (faults, per, judged, bonuses) if group)
    if body is None and not (faults or per or bonuses):
        return None  # only 酌情扣分: a discretionary criterion, read below
    if context == "deduct" or not (faults or per or judged or bonuses):
        return None
    if body is None and kinds < 2 and not bonuses and not judged:
        return None  # one kind alone is deductions or deduct_per, read below
    if body is None and not (faults or per or judged):
        return None
    return Pool(tuple(faults), tuple(per), tuple(judged), tuple(bonuses), floor), head_points


def _compound(s: str, context: Context) -> Found:
    m = re.fullmatch(
        rf"(?:同时满足以下条件|满足以下(?P<m>\d+)项条件中的(?P<n>\d+)项){GAIN}{PTS}，否则不得分：(?P<rest>.+)",
        s,
    )
    if m:
        conditions = tuple(_condition(c) for c in split_top(m.group("rest"), "；;"))
        need = int(m.group("n")) if m.group("n") else None
        return Compound(conditions, need), dec(m.group("p"))
    # real form: 污水处理率达80%以上且垃圾无害化处理率达90%以上得3分，否则不得分
    clauses = _strip_tails(clauses_of(s))
    if len(clauses) != 1:
        return None
    g = _GAIN.fullmatch(clauses[0])
    if not g:
        return None
    parts = [p for p in re.split(r"且|并且|同时|并", g.group("label")) if p]
    conditions = tuple(_condition(p) for p in parts)
    if len(parts) < 2 or not any(c.bound is not None for c in conditions):
        return None
    return Compound(conditions), dec(g.group("p"))


def _condition(text: str) -> Condition:
    found = bound_at_end(text)
    if found is None or not found[0]:
        return Condition(text)
    label, bound, unit, _ = found
    return Condition(label, bound, unit)


def _n_of_m(s: str, context: Context) -> Found:
    m = re.fullmatch(rf"下列(?P<m>\d+)项中满足(?P<n>\d+)项{GAIN}{PTS}：(?P<rest>.+)", s)
    if m:
        conditions = tuple(split_top(m.group("rest"), "；;"))
        if len(conditions) != int(m.group("m")):
            return None
        return NofM(conditions, int(m.group("n"))), dec(m.group("p"))
    m = re.fullmatch(
        rf"(?:具备|满足|达到|符合|做到)(?:以下|下列)(?:条件)?(?:中的)?(?:任意|至少)?(?P<n>\d+)项(?:及以上|以上)?(?:的)?{GAIN}{PTS}[：:](?P<list>.+)",
        s,
    )
    if m:
        items = [c for c in split_top(m.group("list"), "、；;，,") if c]
        if len(items) >= 2 and int(m.group("n")) <= len(items):
            return NofM(tuple(items), int(m.group("n"))), dec(m.group("p"))
        return None
    m = re.fullmatch(
        rf"(?P<list>.+?)(?:，|,|等)?(?:(?P<m>\d+)项中)?(?:满足|具备|达到|做到|完成)(?:其中|以上|下列|以下)?(?:条件)?(?:中的|中)?(?:任意|至少)?(?P<n>\d+)项(?:及以上|以上)?(?:的)?{GAIN}{PTS}(?:，否则不得分)?",
        s,
    )
    if not m:
        return None
    items = [c for c in split_top(m.group("list"), "、；;，,") if c]
    if m.group("m") and len(items) != int(m.group("m")):
        items = [c for c in split_top(m.group("list"), "；;") if c]
    need = int(m.group("n"))
    if len(items) < 2 or need > len(items) or (m.group("m") and len(items) != int(m.group("m"))):
        return None
    return NofM(tuple(items), need), dec(m.group("p"))


_BEST_NOTE = re.compile(r"[（(](?:不累计|不重复计分|取最高|就高不就低|按最高[一1]项计(?:分)?)[)）]$")


def _best_of(s: str, context: Context) -> Found:
    clauses = clauses_of(s)
    best = any(
        re.fullmatch(r"不累计|就高不就低|按(?:得分)?最高的?[一1]项计(?:分)?|只计最高[一1]项|取最高.*", c)
        for c in clauses
    )
    options: list[Option] = []
    for raw in clauses:
        clause = _BEST_NOTE.sub("", raw)
        best = best or clause != raw
        if _TAILS.fullmatch(clause):
            continue
        g = _GAIN.fullmatch(clause)
        found = bound_at_end(g.group("label")) if g else None
        if g is None or found is None or not found[0]:
            return None
        label, bound, unit, explicit = found
        if not explicit and bound.low is not None:  # 市级推广2篇得2分: at least 2
            bound = Interval(bound.low, True, None)
        options.append(Option(label, bound, dec(g.group("p")), unit))
    labels = {o.label for o in options}
    if len(options) < 2 or (not best and len(labels) < len(options)):
        return None
    if not best and len(labels) == 1:
        return None
    return BestOf(tuple(options)), max(o.points for o in options)


def _levels(s: str, context: Context) -> Found:
    band_rule = _band_levels(s)
    if band_rule is not None:
        return band_rule
    banded = s.endswith(BAND_NOTE)
    s = s.removesuffix(BAND_NOTE)
    m = re.fullmatch(r"(?P<label>[^：:]+)[：:](?P<rest>.+)", s)
    label, rest = (m.group("label"), m.group("rest")) if m else ("", s)
    # 好、较好、一般分别得5、3.5、2分
    sep = re.fullmatch(
        rf"(?P<label>.*?)(?P<names>(?:(?:{LEVEL_NAMES})、)+(?:{LEVEL_NAMES}))(?:的)?分别{GAIN}(?P<vals>(?:{NUM}、)+{NUM})分",
        rest,
    )
    if sep:
        names = sep.group("names").split("、")
        values = sep.group("vals").split("、")
        if len(names) != len(values) or len(names) < 2:
            return None
        named = tuple(Level(n, points=dec(v)) for n, v in zip(names, values, strict=True))
        return Levels(label or sep.group("label").rstrip("，,") or "完成情况", named), max(
            dec(v) for v in values
        )
    found = _level_clauses(clauses_of(rest), label)
    if (found is None or len(found[1]) < 2) and "、" in rest:  # 优秀得5分、良好得4分、一般得2分
        found = _level_clauses(clauses_of(rest, "；;，,、"), label)
    if found is None:
        return None
    label, levels = found
    if len(levels) < 2 or len({lv.name for lv in levels}) != len(levels):
        return None
    if banded and not any(lv.banded for lv in levels):
        return None
    top = [lv.points_to if lv.points_to is not None else lv.points for lv in levels]
    points = max(top) if all(t is not None for t in top) else None  # type: ignore[type-var]
    return Levels(label.rstrip("的，,") or "完成情况", tuple(levels)), points


_LEVEL_ZERO = re.compile(rf"^(?P<name>{LEVEL_NAMES})(?:的)?(?:不得分|得0分)$")


def _level_clauses(clauses: list[str], label: str) -> tuple[str, list[Level]] | None:
    """The label and the levels of ``clauses``: words before the first level are the label (联合协作
    成效，好得3分 … / 活动组织有力、群众反响好得10分 …); a level that gives nothing (较差不得分) is a level."""
    levels: list[Level] = []
    for clause in clauses:
        zero = _LEVEL_ZERO.fullmatch(clause)
        if zero and levels:
            levels.append(Level(zero.group("name"), points=Decimal(0)))
            continue
        if _TAILS.fullmatch(clause) and levels:
            continue
        lm = _LEVEL.fullmatch(clause)
        if lm is None:
            if levels:
                return None
            label = f"{label}，{clause}" if label else clause
            continue
        if lm.group("label"):
            if levels:
                return None
            label = f"{label}{lm.group('label')}" if label else lm.group("label")
        levels.append(_level(lm.group("name"), lm.group("v")))
    return label, levels


def _level(name: str, value: str) -> Level:
    if value == "满分":
        return Level(name, share=Decimal(1))
    if value.startswith("本项分值的") or value.endswith("%"):
        nums = re.findall(NUM, value)
        share = dec(nums[0]) / 100
        return Level(name, share=share, share_to=dec(nums[1]) / 100 if len(nums) > 1 else None)
    nums = re.findall(NUM, value)
    return Level(name, points=dec(nums[0]), points_to=dec(nums[1]) if len(nums) > 1 else None)


def _band_levels_reader(s: str, context: Context) -> Found:
    return _band_levels(s)


def _band_levels(s: str) -> Found:
    """优秀（占比90%～100%）、良好（70%～90%）、一般（60%～70%）: the inspectors score inside the band."""
    bands = list(_BAND.finditer(s))
    if len(bands) < 2:
        return None
    label = s[: bands[0].start()].rstrip("：:，,、").removesuffix("分为").removesuffix("分")
    levels = tuple(
        Level(b.group("name"), share=dec(b.group("a")) / 100, share_to=dec(b.group("b")) / 100) for b in bands
    )
    return Levels(label or "评价等级", levels), None


def _discretionary(s: str, context: Context) -> Found:
    if not _DISCRETION.search(s):
        return None
    if re.search(rf"{GAIN}{NUM}分|每", _DISCRETION_RANGE.sub("", s)):
        return None  # other rules in the same sentence: a pool or not a form
    m = _DISCRETION_RANGE.search(s)
    if m and m.group("a") is not None:
        return Discretionary(dec(m.group("a")), dec(m.group("b"))), dec(m.group("b"))
    if m and m.group("c") is not None:
        return Discretionary(ZERO, dec(m.group("c"))), dec(m.group("c"))
    if m and m.group("d") is not None:
        return Discretionary(dec(m.group("d"))), None
    return Discretionary(), None


def _growth(s: str, context: Context) -> Found:
    m = re.fullmatch(
        rf"(?P<label>.+?)(?:比上年|较上年|同比|逐年)增长(?:率)?(?P<rate>.*?){GAIN}{PTS}(?:，(?:持平或减少不得分|否则不得分|未增长不得分|持平或下降不得分))?",
        s,
    )
    if not m:
        return None
    label = m.group("label").rstrip("的")
    measure = ""
    rate_text = m.group("rate").strip("的")
    if unit := re.fullmatch(rf"(?P<l>.+?)[（(](?P<u>{MEASURE})[)）]", label):
        label, measure = unit.group("l"), unit.group("u")
    rate = rate_text
    if not rate:
        return Growth(label, measure, ANY_GROWTH), dec(m.group("p"))
    found = bound_at_end(rate)
    if found is None or found[0] or found[2] != "%":
        return None
    iv = found[1]
    bound = Interval(
        None if iv.low is None else iv.low / 100,
        iv.low_inclusive,
        None if iv.high is None else iv.high / 100,
        iv.high_inclusive,
    )
    return Growth(label, measure, bound), dec(m.group("p"))


def _shortfall(s: str, context: Context) -> Found:
    m = re.fullmatch(
        rf"(?P<label>.+?)低于(?P<t>.+?)的?，每低(?P<step>{NUM})?(?P<u>{MEASURE})?扣(?P<each>{NUM})分(?:，最多扣{PTS})?",
        s,
    )
    if not m:
        return None
    target = _target(m.group("t"))
    if target is None:
        return None
    value, unit = target
    step = dec(m.group("step")) if m.group("step") else Decimal(1)
    measure = unit or (m.group("u") or "").replace("个百分点", "%").replace("百分点", "%")
    points = dec(m.group("p")) if m.group("p") else None
    return Shortfall(m.group("label").rstrip("的"), value, dec(m.group("each")), step, measure), points


def _target(text: str) -> tuple[Target, str] | None:
    """1万元×单位参数“population” or 100%."""
    m = re.fullmatch(rf"(?P<per>{NUM})(?P<u>{MEASURE})?×{PARAM_WORD}“(?P<param>[^”]+)”", text)
    if m:
        return Target(param=m.group("param"), per=dec(m.group("per"))), m.group("u") or ""
    m = re.fullmatch(rf"(?P<v>{NUM})(?P<u>{MEASURE})?", text)
    if m:
        return Target(value=dec(m.group("v"))), m.group("u") or ""
    return None


def _proportional(s: str, context: Context) -> Found:
    m = re.fullmatch(
        rf"(?P<label>.+?)按完成比例(?:{GAIN})分（目标(?P<t>[^）]+)）(?:，最高按目标的(?P<cap>{NUM})%计)?", s
    )
    if m:
        target = _target(m.group("t"))
        if target is None:
            return None
        cap = dec(m.group("cap")) / 100 if m.group("cap") else Decimal(1)
        return Proportional(m.group("label"), target[0], target[1], cap), None
    m = re.fullmatch(
        r"(?P<label>.+?)[，,]?(?:按(?:完成|实际完成)?(?:比例|比率|完成率|进度)(?:计分|得分|给分|折算))(?:[，,].*)?",
        s,
    )
    if not m:
        return None
    points: Decimal | None = None
    kept: list[str] = []
    goal = None
    # 比例达到10%以上得5分，低于10%按比例得分: the target is the number it is a share of
    reach = re.search(
        rf"(?:达到|达)(?P<v>{NUM})(?P<u>{MEASURE})以上(?:的)?{GAIN}(?P<p>{NUM})分", m.group("label")
    )
    if reach:
        label = m.group("label")[: reach.start()].rstrip("，,的")
        return Proportional(label, Target(value=dec(reach.group("v"))), reach.group("u")), dec(
            reach.group("p")
        )
    for clause in split_top(m.group("label"), "，,；;"):
        goal = goal or re.search(rf"(?:目标|任务|计划)(?:为)?(?P<v>{NUM})(?P<u>{MEASURE})", clause)
        if g := _GAIN.fullmatch(clause):  # 完成年度培训任务2000人次的得10分: the most it gives
            points = dec(g.group("p"))
            continue
        kept.append(clause)
    label = "，".join(kept) or m.group("label")
    if goal:
        return Proportional(label, Target(value=dec(goal.group("v"))), goal.group("u")), points
    return Proportional(f"{label}（完成率）", Target(value=Decimal(100)), "%"), points


def _deduct_per(s: str, context: Context) -> Found:
    if context == "deduct":
        return None
    clauses = clauses_of(s)
    floor = ZERO
    body: list[str] = []
    for clause in clauses:
        if (m := _FLOOR.fullmatch(clause)) is not None:
            floor = dec(m.group("p"))
        elif clause in ("扣完为止", "扣完本项分值为止", "扣至0分为止", "本项扣完为止"):
            continue
        else:
            body.append(clause)
    if len(body) == 3 and not re.search(r"\d", body[0]):  # 举办科普讲座，全年不少于4场，每少1场扣1分
        body = [body[0] + body[1], body[2]]
    if len(body) == 2:  # 全年报送工作信息不少于8期，每少报1期扣0.5分
        required, short = _REQUIRE.fullmatch(body[0]), _SHORT.fullmatch(body[1])
        if required and short:
            target = _target(required.group("n") + (required.group("u") or ""))
            if target is None:
                return None
            unit = required.group("u") or short.group("u") or target[1] or "次"
            label = (required.group("label") + required.group("verb") + required.group("rest")).rstrip(
                "的"
            ) or "完成数"
            return DeductPer(label, dec(short.group("p")), unit, floor, target[0]), None
        if body[1].startswith("每") and (m := _PER.fullmatch(body[1])) and m.group("verb") == "扣":
            # 少报工作信息期数，每1期扣0.5分 (the canonical form: the count to deduct for)
            return DeductPer(body[0], dec(m.group("p")), m.group("u"), floor), None
        return None
    if len(body) != 1:
        return None
    m = _PER.fullmatch(body[0])
    if m and m.group("verb") == "扣" and m.group("label"):
        return DeductPer(m.group("label").rstrip("的"), dec(m.group("p")), m.group("u"), floor), None
    alone = _SHORT.fullmatch(body[0])
    if alone:
        unit = alone.group("u") or "次"
        return DeductPer(f"缺少的{unit}数", dec(alone.group("p")), unit, floor), None
    return None


def _per_category(s: str, context: Context) -> Found:
    clauses = clauses_of(s)
    categories: list[Category] = []
    cap: Decimal | None = None
    uncapped = False
    lead = ""
    for clause in clauses:
        if m := _CAP.fullmatch(clause):
            cap = dec(m.group("p"))
            continue
        if _OPEN_CAP.fullmatch(clause):
            uncapped = True
            continue
        if _OWN_CAP.fullmatch(clause):  # 以本项分值为限: the criterion's points are the cap
            continue
        if _TAILS.fullmatch(clause):
            continue
        m = _PER.fullmatch(clause)
        if m is None:
            if not categories and not lead:  # 科普工作被媒体报道，中央媒体每篇3分…
                lead = clause
                continue
            return None
        if m.group("verb") == "扣" and context != "deduct":
            return None
        name = m.group("label").rstrip("的被") or lead or "数量"
        categories.append(Category(name, dec(m.group("p")), m.group("u")))
    if not categories:
        return None
    if uncapped:
        return PerCategory(tuple(categories), None, True), None
    return PerCategory(tuple(categories), cap), cap if cap is not None else None


def _tiers(s: str, context: Context) -> Found:
    lower = LOWER_NOTE in s
    s = s.replace(LOWER_NOTE, "")
    m = re.fullmatch(r"(?P<label>[^：:]+)[：:](?P<rest>.+)", s)
    label, rest = (m.group("label"), m.group("rest")) if m else ("", s)
    clauses = _strip_tails(clauses_of(rest))
    rows: list[tuple[Interval, Decimal, str, bool]] = []
    for clause in clauses:
        g = _GAIN.fullmatch(clause)
        if g is None:
            if not rows and not label:
                label = clause
                continue
            return None
        found = bound_at_end(g.group("label"))
        if found is None:
            return None
        head, bound, unit, explicit = found
        if head:
            if rows and head != label:
                return None
            label = label or head
        rows.append((bound, dec(g.group("p")), unit, explicit))
    if len(rows) < 2:
        return None
    units = {u for _, _, u, _ in rows if u}
    if len(units) > 1:
        return None
    unit = units.pop() if units else ""
    rank = unit == "名" and "第" in rest
    lower = lower or rank
    tiers = _tile([(b, p, e) for b, p, _, e in rows], lower, rank)
    if tiers is None:
        return None
    return Tiers(label.rstrip("：:，,的") or "完成数量", tiers, unit, "lower" if lower else "higher"), max(
        t.points for t in tiers
    )


def _tile(rows: Sequence[tuple[Interval, Decimal, bool]], lower: bool, rank: bool) -> tuple[Tier, ...] | None:
    """Tiers with their edges settled: a range written a～b (or a single count) ends where the next tier
    begins, so 2～3次 next to 4次以上 is [2, 4) and 200～600人 next to ≥600 is [200, 600)."""
    out: list[Tier] = []
    lows = sorted({b.low for b, _, _ in rows if b.low is not None})
    for bound, points, explicit in rows:
        if explicit or bound.low is None:
            out.append(Tier(bound, points))
            continue
        above = [x for x in lows if x > bound.low]
        if rank:  # 第2～3名: ranks 2 and 3, i.e. [2, 4)
            top = (bound.high if bound.high is not None else bound.low) + 1
            out.append(Tier(Interval(bound.low, True, top, False), points))
        elif above:
            out.append(Tier(Interval(bound.low, True, above[0], False), points))
        elif bound.high is not None and bound.high != bound.low:
            out.append(Tier(Interval(bound.low, True, bound.high, True), points))
        else:
            out.append(Tier(Interval(bound.low, True, None), points))
    return tuple(out)


def _threshold(s: str, context: Context) -> Found:
    clauses = _strip_tails(clauses_of(s))
    if len(clauses) == 2 and _GAIN.fullmatch(clauses[1]) and not _GAIN.fullmatch(clauses[0]):
        # 科普专项经费不低于1万元，达到得10分
        g = re.fullmatch(rf"(?:达到|达标|做到|完成)(?:的)?{GAIN}{PTS}", clauses[1])
        if g is None:
            return None
        found = bound_at_end(clauses[0])
        points = dec(g.group("p"))
    elif len(clauses) == 1 and (g := _GAIN.fullmatch(clauses[0])):
        label = g.group("label")
        canon = re.fullmatch(r"(?P<l>.+?)(?P<edge>达到|超过)(?P<t>.+?)(?:以上)?", label)
        if canon and PARAM_WORD in canon.group("t"):
            target = _target(canon.group("t"))
            if target is None:
                return None
            rule = Threshold(canon.group("l"), target[0], target[1], canon.group("edge") == "超过")
            return rule, dec(g.group("p"))
        found = bound_at_end(label)
        points = dec(g.group("p"))
    else:
        return None
    if found is None or not found[0]:
        return None
    head, bound, unit, _ = found
    if bound.low is None or (bound.high is not None and bound.high != bound.low):
        return None
    if bound.high is not None:  # a single count written alone (组织开展活动1次得2分): at least it
        bound = Interval(bound.low, True, None)
    label = re.sub(r"(?:达到|超过|为)$", "", head)
    return Threshold(label, Target(value=bound.low), unit, not bound.low_inclusive), points


def _deductions(s: str, context: Context) -> Found:
    clauses = clauses_of(s)
    faults: list[Fault] = []
    floor = ZERO
    for clause in clauses:
        if clause in ("扣完为止", "扣完本项分值为止", "扣至0分为止", "本项扣完为止"):
            continue
        if (m := _FLOOR.fullmatch(clause)) is not None:
            floor = dec(m.group("p"))
            continue
        m = _FAULT.fullmatch(clause)
        if m is None or "每" in clause:
            return None
        faults.append(Fault(m.group("label"), dec(m.group("p"))))
    if not faults:
        return None
    if context == "deduct":  # in a 扣分 section each fault's points are what is deducted
        return Checklist(tuple(Check(f.label, f.points) for f in faults)), sum(
            (f.points for f in faults), ZERO
        )
    return Deductions(tuple(faults), floor), None


_ALL = re.compile(
    rf"^(?:以上)?(?:(?P<n>\d+)项)?(?:全部|均|都|同时)?(?:做到|齐全|完成|达到|具备|满足|落实|参加|开展|建立|做好|达标)(?:的)?{GAIN}{PTS}$"
)


def _checklist(s: str, context: Context) -> Found:
    clauses = clauses_of(s)
    all_marker = any(re.search(r"缺[一1]|缺少任何[一1]项|否则不得分", c) for c in clauses)
    body = [c for c in clauses if not _TAILS.fullmatch(c)]
    if not body:
        return None
    last = _ALL.fullmatch(body[-1])
    if last is not None or (all_marker and len(body) >= 1 and _GAIN.fullmatch(body[-1]) and len(body) > 1):
        points = dec((last or _GAIN.fullmatch(body[-1])).group("p"))  # type: ignore[union-attr]
        n = int(last.group("n")) if last is not None and last.group("n") else None
        labels = body[:-1]
        if last is None:  # A、B，C得4分，否则不得分: the condition is the label of the gain clause
            g = _GAIN.fullmatch(body[-1])
            assert g is not None
            labels = [*labels, g.group("label")]
        labels = _split_conditions(labels, n)
        if not labels:
            return None
        return Checklist(tuple(Check(x) for x in labels), "all"), points
    gains = [c for c in body if _GAIN.fullmatch(c)]
    if len(gains) == 1 and body[-1] == gains[0] and len(body) > 1:  # 工作有创新，经验被转发的加3分
        body = ["，".join(body)]
    checks: list[Check] = []
    for clause in body:
        g = _GAIN.fullmatch(clause)
        if g is None or not g.group("label"):
            return None
        if bound_at_end(g.group("label")) is not None and re.search(
            rf"{NUM}{MEASURE}?以上$", g.group("label")
        ):
            return None  # a number to reach: a threshold, read elsewhere
        checks.append(Check(g.group("label").rstrip("的"), dec(g.group("p"))))
    if all_marker and len(checks) == 1:
        label = checks[0].label
        counted = re.fullmatch(
            r"(?P<list>.+?)[，,]?(?:以上)?(?P<n>\d+)项(?:全部|均|都|同时)?(?:做到|齐全|完成|具备|落实|达到)?",
            label,
        )
        conditions = (
            _split_conditions([counted.group("list")], int(counted.group("n"))) if counted else [label]
        )
        if len(conditions) == 1:  # one condition, all or nothing: …的得5分，否则不得分
            return Checklist((Check(conditions[0], checks[0].points),)), checks[0].points
        return Checklist(tuple(Check(x) for x in conditions), "all"), checks[0].points
    return Checklist(tuple(checks)), sum((c.points or ZERO for c in checks), ZERO)


def _split_conditions(labels: list[str], n: int | None) -> list[str]:
    """The conditions of an all-or-nothing criterion: as many as the sentence counts when it counts."""
    if n is None or len(labels) == n:
        return labels
    joined = "，".join(labels)
    for seps in ("；;", "、", "，,、", "和及与并且"):
        parts = split_top(joined, seps)
        if len(parts) == n:
            return parts
    return [joined] if labels else []


def _strip_tails(clauses: list[str]) -> list[str]:
    return [c for c in clauses if not _TAILS.fullmatch(c)]


Reader = Callable[[str, Context], Found]
_READERS: tuple[Reader, ...] = (
    _pool,
    _compound,
    _n_of_m,
    _discretionary,
    _growth,
    _shortfall,
    _proportional,
    _levels,
    _best_of,
    _deduct_per,
    _per_category,
    _tiers,
    _threshold,
    _deductions,
    _checklist,
)
