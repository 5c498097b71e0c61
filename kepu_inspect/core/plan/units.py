"""Unit names as plans write them: what is a name, what is a collective (各成员单位, 各县（市、区）),
which spellings are one unit, and shared prefixes (市委组织部、宣传部 → 市委宣传部)."""

from __future__ import annotations

import re
from typing import Literal

from kepu_inspect.core.plan.model import Level
from kepu_inspect.core.plan.text import CJK

CollectiveKind = Literal["office", "dept", "county", "leads", "vague"]

_UNIT_SUFFIX = re.compile(
    r"(局|委|办|会|部|院|联|协|社|台|馆|厅|处|室|中心|公司|集团|所|站|队|署|府|行|校|学|园|县|区|市|团|组|关|"
    r"单位|部门|宫|报|厂|场|旗|盟|科|股|店|中央|镇|乡|街道|办事处)$"
)
_OFFICE_RE = re.compile(
    r"素质(?:工作)?(?:领导小组)?办(?:公室)?$|^[省市县区]?素质办$|科普(?:工作)?领导小组办公室$"
    r"|纲要(?:实施)?(?:工作)?办(?:公室)?$"
)
_LEADS_RE = re.compile(r"^各?(?:项目|专项行动|行动)?牵头(?:单位|部门)$")
_VAGUE_RE = re.compile(
    r"^(?:[省市县区]直)?各?(?:有关|相关)?(?:部门|单位)$|^(?:[省市县区]直)?(?:各)?(?:有关|相关)(?:部门|单位)$"
    r"|^各(?:地|级)各(?:有关|相关)?(?:部门|单位)?$|^(?:其他|其余)(?:有关|相关)?(?:部门|单位)$"
)
_DEPT_RE = re.compile(r"成员单位$")
# the level below, named as a whole: 各县（市、区）, 各乡镇（街道）, 各地级以上市人民政府, 县（市、区）科协
_LOWER_RE = re.compile(
    r"^(?:各|全[省市县区]各)(?:县|区|市|乡|镇|街道|地|州|盟|旗|省|自治区)|^(?:县|区|市|省)（[省市区县州、]+）"
    r"|^(?:县区|县市区|区县|县（市区）)"
)
_NOT_LOWER = re.compile(r"委|局|办|会|部|院|中心|政府|社区|城区|厅")
_LOWER_NAME_RE: dict[Level, re.Pattern[str]] = {
    "national": re.compile(rf"^[{CJK}]{{2,8}}(?:省|自治区|(?<=北京|天津|上海|重庆)市)$"),
    "province": re.compile(rf"^(?!省)[{CJK}]{{2,8}}(?:市|州|盟|地区)$"),
    "city": re.compile(rf"^(?!市)[{CJK}]{{1,8}}(?:县|区|市|旗)$"),
    "county": re.compile(rf"^(?!县)[{CJK}]{{1,8}}(?:乡|镇|街道|街道办事处|办事处)$"),
    "district": re.compile(rf"^(?!区)[{CJK}]{{1,8}}(?:乡|镇|街道|街道办事处|办事处)$"),
}


def clean_piece(piece: str) -> str:
    """A list piece as a name: quotes, 由/和 lead-ins, 等单位 and role words at the end removed."""
    piece = re.sub(r"[\s“”\"'‘’《》「」]", "", piece)
    piece = piece.translate(str.maketrans("()", "（）"))
    piece = re.sub(r"^(?:由|和|及|以及|或)", "", piece)
    piece = re.sub(r"（(?:牵头|负责|配合|参与|协助|协办|主责)）$", "", piece)
    piece = re.sub(r"(?:等(?:有关|相关)?(?:单位|部门)?|牵头|负责|配合|参与|协助|协办|共同)+$", "", piece)
    return piece.strip("：:。.，,")


def collective_of(name: str) -> CollectiveKind | None:
    """What a collective word stands for; None for a unit's own name."""
    if _OFFICE_RE.search(name):
        return "office"
    if _LEADS_RE.match(name):
        return "leads"
    if _VAGUE_RE.match(name):
        return "vague"
    if _DEPT_RE.search(name) and (name.startswith("各") or len(name) <= 12):
        return "dept"
    if _LOWER_RE.match(name):
        return "county"
    return None


# a department of the level below, named without 各: 县教育局 in a city's plan means every county's
_LOWER_DEPT: dict[Level, re.Pattern[str]] = {
    "national": re.compile(r"^(?:省级|省)(?!委$|政府$)"),
    "province": re.compile(r"^(?:地市|市级|市)(?!委$|政府$|场)"),
    "city": re.compile(r"^(?:县级|县|区)(?!委$|政府$)"),
    "county": re.compile(r"^(?:乡镇|乡|镇)"),
    "district": re.compile(r"^(?:街道|乡镇)"),
}
_DEPT_END = re.compile(r"(?:局|委|办|协|联|部|院|会|站|所|中心|厅)$")


def lower_department(name: str, level: Level) -> CollectiveKind | None:
    """ "county" when the name is a department of the level below (县科协 in a city's plan)."""
    if _LOWER_DEPT[level].match(name) and _DEPT_END.search(name) and len(name) <= 12:
        return "county"
    return None


def unit_like(piece: str) -> bool:
    piece = clean_piece(piece)
    alternative = re.fullmatch(r"(.+?)（(.+)）", piece)
    if alternative and not collective_of(piece):  # 市府办（市大数据局）: judged by its first name
        piece = alternative.group(1)
    return bool(piece) and len(piece) <= 25 and bool(_UNIT_SUFFIX.search(piece) or collective_of(piece))


def plausible_name(name: str) -> bool:
    """A unit name ends like one (局, 委, 中心 …) or is short; a sentence in the annotation is not a name."""
    if collective_of(name):
        return True
    if re.search(r"[。，！？：；]", name) or not re.search(f"[{CJK}]", name):
        return False
    return len(name) <= 10 or (len(name) <= 20 and bool(_UNIT_SUFFIX.search(name)))


def looks_like_lower(name: str, level: Level = "city") -> bool:
    """新华区, 宝丰县, 舞钢市 in a city's plan; 城关镇, 东风街道 in a county's — a unit of the level below."""
    return bool(_LOWER_NAME_RE[level].match(name)) and not _NOT_LOWER.search(name)


# --------------------------------------------------------------------------------------------
# One unit, two spellings
# --------------------------------------------------------------------------------------------
_LONG_ENDINGS = (("委员会", "委"), ("办公室", "办"), ("联合会", "联"), ("协会", "协"))


def _split_ending(name: str) -> tuple[str, str]:
    """市发展和改革委员会 → (市发展和改革, 委): long and short forms end alike once 委员会 counts as 委."""
    for long, short in _LONG_ENDINGS:
        if name.endswith(long) and len(name) > len(long):
            return name[: -len(long)], short
    return name[:-1], name[-1:]


def _subsequence(short: str, long: str) -> bool:
    it = iter(long)
    return all(ch in it for ch in short)


def alias_strength(a: str, b: str) -> Literal["strong", "weak"] | None:
    """How likely two spellings name one unit. Strong: 市工信委 / 市工业和信息化委 — same first character,
    same ending, the short body's characters in order in the long one. Weak: the same but a different
    first character, as in 团市委 / 共青团平顶山市委员会 (reported, never merged). A name written whole
    inside the other is a part of it, not another spelling: 市公安局 / 市公安局交通管理局."""
    short, long = sorted((a, b), key=len)
    if len(short) < 3 or len(short) == len(long) or len(short) < 0.3 * len(long) or short in long:
        return None
    short_body, short_end = _split_ending(short)
    long_body, long_end = _split_ending(long)
    if short_end != long_end or not short_body or not _subsequence(short_body, long_body):
        return None
    return "strong" if short[0] == long[0] else "weak"


# --------------------------------------------------------------------------------------------
# Shared prefixes: 市委组织部、宣传部，市发展改革委、科技局、教育局
# --------------------------------------------------------------------------------------------
_PREFIX_RE = re.compile(r"^(?:[省市县区州盟旗](?:委(?!员))?|自治区(?:党委)?)")
_PARTY_BODIES = re.compile(r"(?:组织部|宣传部|统战部|政法委|网信办|编办|督查局|党校|政研室|老干部局|外办)$")
_NO_PREFIX = re.compile(rf"^(?:各|团|共青团|中国|中共|中央|全国|国家|国务院)|[省市县区州盟旗]|^[^{CJK}]")
_PREFIX_BODY = re.compile(r"(?:局|委|办|部|厅|联|协|院|会|社|台|馆)$")


def level_prefix(name: str) -> str:
    m = _PREFIX_RE.match(name)
    return m.group(0) if m else ""


def expand_prefix(name: str, previous: str, level: Level) -> str | None:
    """宣传部 after 市委组织部 → 市委宣传部; 科技局 after 市发展改革委 → 市科技局. None: leave as written.

    Only short department names without any place word are completed, never at national level (教育部,
    科技部 are whole names there), and a party prefix (市委) only for party bodies (组织部, 宣传部 …)."""
    if level == "national" or not previous or _NO_PREFIX.search(name) or len(name) > 10:
        return None
    if not _PREFIX_BODY.search(name) or collective_of(name):
        return None
    prefix = level_prefix(previous)
    if not prefix:
        return None
    place = prefix.rstrip("委") if prefix.endswith("委") and not prefix.startswith("自治区") else prefix
    if prefix == "自治区党委":
        place = "自治区"
    party = prefix if prefix.endswith("委") else place + "委"
    return (party if _PARTY_BODIES.search(name) else place) + name
