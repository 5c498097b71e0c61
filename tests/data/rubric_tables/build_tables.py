"""Builds the 考核细则 tables of the corpus, as offices type them in Word and Excel, with what each
评分标准 sentence should read as (written by hand, never by running the parser).

The files are committed; this script documents how they were made and rebuilds them and their
``*.expected.yaml``: ``python tests/data/rubric_tables/build_tables.py``. An expected rule is a
*signature*: the rule's kind and every number, bound, mode and level name, with free-text labels left
out (a label is the sentence's own words, not a reading of them). ``null`` marks a sentence that is not
one of the forms and must become a discretionary criterion with a warning.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import docx
import yaml
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side

HERE = Path(__file__).resolve().parent


# --- expected signatures, by hand ------------------------------------------------------------------
def checks(*points: float) -> dict[str, Any]:
    return {"kind": "checklist", "mode": "sum", "checks": list(points)}


def all_of(n: int) -> dict[str, Any]:
    return {"kind": "checklist", "mode": "all", "checks": n}


def threshold(target: float, unit: str, strict: bool = False) -> dict[str, Any]:
    return {"kind": "threshold", "target": target, "unit": unit, "strict": strict}


def tiers(
    unit: str, *rows: tuple[float | None, float | None, float], better: str = "higher"
) -> dict[str, Any]:
    """rows: (low inclusive, high exclusive, points)."""
    return {"kind": "tiers", "unit": unit, "better": better, "tiers": [list(r) for r in rows]}


def levels(*pairs: tuple[str, Any]) -> dict[str, Any]:
    return {"kind": "levels", "levels": [list(p) for p in pairs]}


def n_of_m(need: int, of: int) -> dict[str, Any]:
    return {"kind": "n_of_m", "need": need, "of": of}


def deduct_per(each: float, unit: str, required: float | None = None) -> dict[str, Any]:
    return {"kind": "deduct_per", "each": each, "unit": unit, "required": required}


def deductions(*points: float) -> dict[str, Any]:
    return {"kind": "deductions", "faults": list(points)}


def per_category(cap: float | None, *each: tuple[float, str], uncapped: bool = False) -> dict[str, Any]:
    return {"kind": "per_category", "cap": cap, "uncapped": uncapped, "each": [list(e) for e in each]}


def proportional(target: float, unit: str) -> dict[str, Any]:
    return {"kind": "proportional", "target": target, "unit": unit}


def discretionary(low: float = 0, high: float | None = None) -> dict[str, Any]:
    return {"kind": "discretionary", "min": low, "max": high}


def pool(faults: list[float], per: list[float], judged: int, bonuses: list[float]) -> dict[str, Any]:
    return {"kind": "pool", "faults": faults, "per": per, "judged": judged, "bonuses": bonuses}


def compound(*bounds: float | None) -> dict[str, Any]:
    return {"kind": "compound", "conditions": list(bounds)}


def best_of(*options: tuple[float, float]) -> dict[str, Any]:
    return {"kind": "best_of", "options": [list(o) for o in options]}


def growth(rate: float | None = None) -> dict[str, Any]:
    return {"kind": "growth", "rate": rate}


def shortfall(target: float, each: float, unit: str) -> dict[str, Any]:
    return {"kind": "shortfall", "target": target, "each": each, "unit": unit}


# A table: its title, how it is written (xlsx or docx), its header, and rows: ("§", heading) or a row of
# cells; the 评分标准 cell is a list of (sentence, expected) joined as the office wrote them.
Row = tuple[Any, ...]


def cell(parts: list[tuple[str, Any]], sep: str = "") -> str:
    return sep.join(text for text, _ in parts)


TABLES: list[dict[str, Any]] = [
    {
        "name": "01-city-counties",
        "format": "xlsx",
        "title": "洛川市2019年度县（市、区）全民科学素质工作目标考核细则",
        "header": ("考核项目", "考核内容", "分值", "评分标准", "考核方式"),
        "merge_item": True,
        "prose": [
            "考核结果分为优秀、良好、合格、不合格四个等次：90分以上为优秀，80～89分为良好，60～79分为合格，60分以下为不合格。",
            "经查实存在弄虚作假的，实行一票否决，考核等次定为不合格。",
        ],
        "rows": [
            ("§", "一、组织领导（20分）"),
            (
                "组织领导",
                "成立全民科学素质工作领导小组",
                "4",
                [("成立领导小组得2分，领导小组办公室有专人负责得2分", checks(2, 2))],
                "查阅资料",
            ),
            (
                "组织领导",
                "制定年度工作计划和总结",
                "6",
                [("无年度工作计划的扣3分，无年度工作总结的扣3分", deductions(3, 3))],
                "查阅资料",
            ),
            (
                "组织领导",
                "召开成员单位联席会议",
                "10",
                [("全年召开联席会议不少于2次，每少1次扣5分，扣完为止", deduct_per(5, "次", 2))],
                "查阅资料",
            ),
            ("§", "二、科普活动（40分）"),
            (
                "科普日活动",
                "组织开展全国科普日活动",
                "10",
                [
                    (
                        "开展全国科普日活动，参与群众5000人次以上得10分，3000～5000人次得6分，1000～3000人次得3分",
                        tiers("人次", (5000, None, 10), (3000, 5000, 6), (1000, 3000, 3)),
                    )
                ],
                "资料+抽查",
            ),
            (
                "科技活动周",
                "组织开展科技活动周活动",
                "5",
                [("组织开展科技活动周活动1次以上得5分，未开展不得分", threshold(1, "次"))],
                "查阅资料",
            ),
            (
                "三下乡",
                "参加文化科技卫生“三下乡”",
                "5",
                [("参加文化科技卫生“三下乡”活动得5分", checks(5))],
                "查阅资料",
            ),
            (
                "专题科普",
                "结合本地实际开展专题科普",
                "10",
                [
                    (
                        "结合本地实际开展专题科普活动，4次以上得10分，2～3次得6分，1次得3分",
                        tiers("次", (4, None, 10), (2, 4, 6), (1, 2, 3)),
                    )
                ],
                "资料+抽查",
            ),
            (
                "活动成效",
                "科普活动的社会反响",
                "10",
                [
                    (
                        "活动组织有力、群众反响好得10分，较好得7分，一般得4分",
                        levels(("好", 10), ("较好", 7), ("一般", 4)),
                    )
                ],
                "实地查看",
            ),
            ("§", "三、科普能力建设（30分）"),
            (
                "科普经费",
                "人均科普经费",
                "10",
                [
                    (
                        "人均科普经费达到1元以上得10分，0.5～1元得5分，不足0.5元不得分",
                        tiers("元", (1, None, 10), (0.5, 1, 5)),
                    )
                ],
                "查阅资料",
            ),
            (
                "科普阵地",
                "科普示范社区和科普教育基地",
                "10",
                [
                    (
                        "新建科普示范社区、科普教育基地，省级每个得3分，市级每个得1分，最高10分",
                        per_category(10, (3, "个"), (1, "个")),
                    )
                ],
                "资料+实查",
            ),
            (
                "科普队伍",
                "科普人才队伍建设",
                "10",
                [
                    (
                        "建立科普志愿者队伍、科技辅导员队伍、科普信息员队伍、农村科普带头人队伍，4项中满足3项得10分",
                        n_of_m(3, 4),
                    )
                ],
                "查阅资料",
            ),
            ("§", "四、工作保障（10分）"),
            (
                "信息报送",
                "报送工作信息",
                "5",
                [("全年报送工作信息不少于12期，每少报一期扣0.5分，扣完为止", deduct_per(0.5, "期", 12))],
                "查阅资料",
            ),
            (
                "督查考核",
                "开展督查并通报",
                "5",
                [("对成员单位开展年度督查并通报结果，两项均做到得5分，否则不得分", all_of(2))],
                "查阅资料",
            ),
            ("§", "五、加分项目（最高加5分）"),
            (
                "表彰奖励",
                "受到上级表彰",
                "5",
                [
                    (
                        "受到国家级表彰的每项加3分，省级表彰的每项加2分，最高加5分",
                        per_category(5, (3, "项"), (2, "项")),
                    )
                ],
                "查阅资料",
            ),
            ("§", "六、扣分项目"),
            (
                "通报批评",
                "受到上级通报批评",
                "",
                [("受到省级以上通报批评的，每次扣5分", per_category(None, (5, "次"), uncapped=True))],
                "查阅资料",
            ),
            ("安全事故", "科普活动安全", "5", [("组织科普活动发生安全事故的扣5分", checks(5))], "查阅资料"),
        ],
    },
    {
        "name": "02-county-members",
        "format": "docx",
        "title": "西华县2020年度县直成员单位科普工作考核细则",
        "header": ("序号", "考核项目", "考核内容", "分值", "评分标准", "责任单位"),
        "prose": [
            "县素质办将根据考核结果确定等次：18分以上为好，15～17.9分为较好，12～14.9分为一般，12分以下为差。"
        ],
        "rows": [
            ("§", "一、科普工作（20分）"),
            (
                "1",
                "组织领导",
                "明确分管领导和科普联络员，制定工作计划",
                "4",
                [
                    (
                        "明确分管领导和科普联络员得1分；制定年度科普工作计划得2分；有年度工作总结得1分",
                        checks(1, 2, 1),
                    )
                ],
                "各成员单位",
            ),
            (
                "2",
                "科普活动",
                "参加全国科普日、科技活动周，开展专题科普活动",
                "5",
                [
                    ("参加全国科普日、科技活动周活动，两项均参加得3分，缺一项不得分。", all_of(2)),
                    ("结合行业特色开展专题科普活动1次以上得2分。", threshold(1, "次")),
                ],
                "各成员单位",
            ),
            (
                "3",
                "科普宣传",
                "利用各类媒体宣传本单位科普工作",
                "4",
                [
                    (
                        "在各级媒体宣传报道本单位科普工作，国家级媒体每篇2分，省级媒体每篇1分，市级媒体每篇0.5分，最高4分",
                        per_category(4, (2, "篇"), (1, "篇"), (0.5, "篇")),
                    )
                ],
                "县委宣传部、县文广新局",
            ),
            (
                "4",
                "信息报送",
                "报送科普工作信息",
                "3",
                [("全年报送科普信息不少于6期，每少报一期扣0.5分，扣完为止", deduct_per(0.5, "期", 6))],
                "各成员单位",
            ),
            (
                "5",
                "青少年科普",
                "开展科普进校园",
                "4",
                [
                    (
                        "开展科普进校园活动3次以上得4分，2次得3分，1次得2分",
                        tiers("次", (3, None, 4), (2, 3, 3), (1, 2, 2)),
                    )
                ],
                "县教育局（牵头）、团县委、县科协",
            ),
        ],
    },
    {
        "name": "03-youth-self-evaluation",
        "format": "docx",
        "title": "2021年度青少年科学素质工作自评标准",
        "header": ("一级指标", "二级指标", "分值", "评价标准", "评价方法"),
        "merge_item": True,
        "rows": [
            ("§", "一、组织保障（20分）"),
            (
                "组织保障",
                "领导机制",
                "10",
                [
                    ("1.成立工作领导小组的得5分；", checks(5)),
                    ("\n2.每年召开专题会议两次以上的得5分", threshold(2, "次")),
                ],
                "查阅资料",
            ),
            (
                "组织保障",
                "经费保障",
                "10",
                [
                    ("１．年度工作经费纳入预算得５分", checks(5)),
                    ("\n２．经费比上年增长得５分，持平或减少不得分", growth()),
                ],
                "查阅资料",
            ),
            ("§", "二、活动开展（40分）"),
            (
                "活动开展",
                "主题活动",
                "15",
                [("开展青少年主题教育活动，按完成比例得分", proportional(100, "%"))],
                "查阅资料",
            ),
            (
                "活动开展",
                "科技竞赛",
                "15",
                [
                    (
                        "获国家级奖项1项以上得15分；获省级奖项2项以上得10分；获市级奖项3项以上得5分；按最高一项计分",
                        best_of((1, 15), (2, 10), (3, 5)),
                    )
                ],
                "查阅资料",
            ),
            (
                "活动开展",
                "志愿服务",
                "10",
                [
                    (
                        "科技志愿者人数600人以上得10分，200～599人得6分，50～199人得3分",
                        tiers("人", (600, None, 10), (200, 600, 6), (50, 200, 3)),
                    )
                ],
                "查阅资料",
            ),
            ("§", "三、工作成效（40分）"),
            (
                "工作成效",
                "社会评价",
                "20",
                [
                    (
                        "工作成效显著得20分，较显著得15分，一般得10分",
                        levels(("显著", 20), ("较显著", 15), ("一般", 10)),
                    )
                ],
                "实地查看",
            ),
            (
                "工作成效",
                "宣传报道",
                "10",
                [("中央媒体报道每篇5分，省级媒体每篇3分，最高10分", per_category(10, (5, "篇"), (3, "篇")))],
                "查阅资料",
            ),
            (
                "工作成效",
                "特色创新",
                "10",
                [("工作有创新、形成可推广经验的，酌情给分", discretionary())],
                "听取汇报、查阅资料",
            ),
        ],
    },
    {
        "name": "04-towns-hard-cases",
        "format": "xlsx",
        "title": "宜川县2020年乡镇科普工作考核细则",
        "header": ("考核项目", "考核内容", "分值", "评分标准"),
        "rows": [
            ("§", "一、基础工作"),
            (
                "科协组织",
                "乡镇科协组织建设",
                "20",
                [
                    (
                        "本项20分。未按期换届的扣3分；缺席县科协会议的每次扣1分；会员名册不全的酌情扣分；有专职秘书长的加1分",
                        pool([3], [1], 1, [1]),
                    )
                ],
            ),
            (
                "群众满意度",
                "群众对科普工作的满意度",
                "10",
                [
                    (
                        "满意度测评分为优秀（占比90%-100%）、优良（70%-90%）、合格（60%-70%）三档，由考核组在档内评分",
                        levels(("优秀", [0.9, 1]), ("优良", [0.7, 0.9]), ("合格", [0.6, 0.7])),
                    )
                ],
            ),
            (
                "人居环境",
                "污水和垃圾处理",
                "5",
                [("污水处理率达80%以上且垃圾无害化处理率达90%以上的得5分，否则不得分", compound(80, 90))],
            ),
            (
                "经验推广",
                "工作经验推广",
                "6",
                [
                    (
                        "工作经验被省级推广1篇得6分；被市级推广2篇以上得4分；被县级推广3篇以上得2分（不累计）",
                        best_of((1, 6), (2, 4), (3, 2)),
                    )
                ],
            ),
            ("经费增长", "科普经费", "5", [("科普经费逐年增长的得5分", growth())]),
            (
                "科普宣传",
                "科普文章",
                "不限",
                [
                    (
                        "在市级以上媒体发表科普文章每篇计10分，不设上限",
                        per_category(None, (10, "篇"), uncapped=True),
                    )
                ],
            ),
            (
                "技术培训",
                "实用技术培训",
                "10",
                [
                    (
                        "开展实用技术培训，完成年度培训任务2000人次的得10分，按完成比例计分",
                        proportional(2000, "人次"),
                    )
                ],
            ),
            (
                "工作例会",
                "科普工作例会",
                "6",
                [("年内至少召开3次科普工作例会，少一次扣2分", deduct_per(2, "次", 3))],
            ),
            ("§", "二、加分项目"),
            (
                "考评名次",
                "全市考评",
                "5",
                [
                    (
                        "在全市考评中排名第1名的加5分，第2～3名的加3分，第4～5名的加1分",
                        tiers("名", (1, 2, 5), (2, 4, 3), (4, 6, 1), better="lower"),
                    )
                ],
            ),
            ("§", "三、扣分项目（最多扣20分）"),
            (
                "通报批评",
                "上级通报批评",
                "",
                [
                    (
                        "受到省级通报批评的每次扣5分，市级通报批评的每次扣3分",
                        per_category(None, (5, "次"), (3, "次"), uncapped=True),
                    )
                ],
            ),
            (
                "上级考核",
                "上级考核结果",
                "5",
                [("上级考核得分率低于100%的，每低1个百分点扣0.5分，最多扣5分", shortfall(100, 0.5, "%"))],
            ),
        ],
    },
    {
        "name": "05-one-cell-paragraphs",
        "format": "xlsx",
        "title": "某区2021年度科普工作考评细则",
        "header": ("序号", "考核项目", "考核要求", "标准分", "评分办法"),
        "rows": [
            (
                "1",
                "工作机制",
                "建立工作制度，有计划有总结",
                "8",
                [
                    ("建立科普工作联席会议制度得2分；建立科普信息员制度得2分；", checks(2, 2)),
                    ("无年度工作计划的扣2分；无年度工作总结的扣2分", deductions(2, 2)),
                ],
            ),
            (
                "2",
                "科普基地",
                "新建科普教育基地",
                "6",
                [("新建市级以上科普教育基地1个得3分，2个以上得6分", tiers("个", (1, 2, 3), (2, None, 6)))],
            ),
            (
                "3",
                "科普画廊",
                "科普画廊（宣传栏）更新",
                "4",
                [("科普画廊（宣传栏）每季度更新1次以上得4分", threshold(1, "次"))],
            ),
            ("4", "工作创新", "工作创新和特色", "2", [("工作有创新、有特色，形成典型经验", None)]),
            (
                "5",
                "知晓率",
                "群众对科普工作的知晓率",
                "5",
                [
                    (
                        "群众对科普工作的知晓率达到80%以上得5分，70%～80%得3分，60%～70%得1分",
                        tiers("%", (80, None, 5), (70, 80, 3), (60, 70, 1)),
                    )
                ],
            ),
            (
                "6",
                "技能竞赛",
                "组织职工参加技能竞赛",
                "5",
                [
                    (
                        "组织职工参加职业技能竞赛，参赛人数占职工总数的比例达到10%以上得5分，低于10%按比例得分",
                        proportional(10, "%"),
                    )
                ],
            ),
            (
                "7",
                "科普讲座",
                "举办科普讲座",
                "5",
                [("举办科普讲座，全年不少于4场，每少1场扣1分", deduct_per(1, "场", 4))],
            ),
            ("8", "应急科普", "应急科普宣传", "3", [("开展应急科普宣传得3分", checks(3))]),
            (
                "9",
                "成效评价",
                "科普工作总体成效",
                "6",
                [("好、较好、一般分别得6、4、2分", levels(("好", 6), ("较好", 4), ("一般", 2)))],
            ),
        ],
    },
    {
        "name": "06-with-plan",
        "format": "docx",
        "title": "平顶山市2017年全民科学素质工作市直成员单位考核细则",
        "header": ("序号", "考核项目", "考核内容", "分值", "评分标准", "考核方式"),
        "rows": [
            ("§", "一、科普服务（15分）"),
            (
                "1",
                "品牌科普活动",
                "深入开展科普日、科技活动周、“三下乡”等品牌主题科普活动（工作要点第1条）",
                "5",
                [("开展科普日活动得2分，开展科技活动周活动得2分，参加“三下乡”活动得1分", checks(2, 2, 1))],
                "查阅资料",
            ),
            (
                "2",
                "科技工作者日",
                "开展首届“科技工作者日”活动，组织开展系列主题活动",
                "5",
                [("组织开展“科技工作者日”主题活动1次以上得5分，未开展不得分", threshold(1, "次"))],
                "查阅资料",
            ),
            (
                "3",
                "部门专题科普",
                "结合部门特色，广泛开展专题科普活动",
                "5",
                [
                    (
                        "开展专题科普活动3次以上得5分，2次得3分，1次得1分",
                        tiers("次", (3, None, 5), (2, 3, 3), (1, 2, 1)),
                    )
                ],
                "资料+抽查",
            ),
            ("§", "二、重点人群（10分）"),
            (
                "6",
                "青少年科学素质",
                "加强青少年科技教育，开展科普进校园活动（工作要点第6条）",
                "5",
                [("开展科普进校园活动得3分；组织青少年科技竞赛得2分", checks(3, 2))],
                "查阅资料",
            ),
            (
                "13",
                "领导干部科学素质",
                "把科学素质教育作为领导干部和公务员培训的重要内容",
                "5",
                [("举办领导干部科普报告会2次以上得5分，1次得3分", tiers("次", (2, None, 5), (1, 2, 3)))],
                "查阅资料",
            ),
        ],
    },
]


# Written blind: the sentences below were typed before the parser had seen them, to measure it honestly
# (the first run's figure is recorded in README.md of this folder).
TABLES.append(
    {
        "name": "07-blind-mixed",
        "format": "docx",
        "title": "某县2022年度乡镇（街道）科普工作目标管理考核评分细则",
        "header": ("序号", "考核项目", "分值", "评分细则", "考核方式"),
        "rows": [
            ("§", "一、组织管理"),
            ("1", "领导重视", "3", [("主要领导亲自部署科普工作的得3分", checks(3))], "查阅资料"),
            ("2", "工作计划", "2", [("有年度科普工作计划并按时报送得2分", checks(2))], "查阅资料"),
            ("3", "科普联络员", "2", [("未确定科普联络员的，扣2分", deductions(2))], "查阅资料"),
            (
                "4",
                "联席会议",
                "4",
                [("每年至少召开两次联席会议，少开一次扣2分", deduct_per(2, "次", 2))],
                "查阅资料",
            ),
            (
                "5",
                "科普经费",
                "6",
                [
                    (
                        "科普经费列入年度预算，人均达到0.8元及以上得6分，0.5元（含）至0.8元得4分，不足0.5元得1分",
                        tiers("元", (0.8, None, 6), (0.5, 0.8, 4), (None, 0.5, 1)),
                    )
                ],
                "查阅资料",
            ),
            (
                "6",
                "考核材料",
                "3",
                [("自评材料不完整的扣1分；佐证材料缺失的扣1分；数据不实的扣1分", deductions(1, 1, 1))],
                "查阅资料",
            ),
            ("7", "工作台账", "3", [("工作台账规范、资料齐全得3分，不规范的酌情扣分", None)], "查阅资料"),
            (
                "8",
                "资金使用",
                "4",
                [("专项资金使用规范得4分，发现违规使用的本项不得分", checks(4))],
                "查阅资料",
            ),
            ("§", "二、工作开展"),
            (
                "9",
                "科普宣传",
                "5",
                [
                    (
                        "在县级以上报刊、电视、网站发表科普宣传稿件，每篇计0.5分，最多计5分",
                        per_category(5, (0.5, "篇")),
                    )
                ],
                "查阅资料",
            ),
            (
                "10",
                "科普活动",
                "8",
                [
                    (
                        "全年开展科普活动6次及以上的得8分；4至5次的得6分；2至3次的得4分；1次的得2分",
                        tiers("次", (6, None, 8), (4, 6, 6), (2, 4, 4), (1, 2, 2)),
                    )
                ],
                "资料+抽查",
            ),
            ("11", "科普示范", "4", [("创建省级科普示范村的得4分", checks(4))], "查阅资料"),
            (
                "12",
                "农民培训",
                "6",
                [("完成年度农民培训任务，按实际完成比例计分", proportional(100, "%"))],
                "查阅资料",
            ),
            (
                "13",
                "群众满意度",
                "5",
                [
                    (
                        "群众满意度评价为优的得5分，良的得3分，中的得1分",
                        levels(("优", 5), ("良", 3), ("中", 1)),
                    )
                ],
                "抽查",
            ),
            (
                "14",
                "队伍建设",
                "4",
                [
                    (
                        "具备以下条件中的任意3项得4分：有专职人员、有办公场所、有工作经费、有工作制度",
                        n_of_m(3, 4),
                    )
                ],
                "查阅资料",
            ),
            ("15", "应急科普", "3", [("及时开展应急科普宣传的得3分，未开展的不得分", checks(3))], "查阅资料"),
            (
                "16",
                "科普信息化",
                "4",
                [("科普中国APP注册用户数达到常住人口的1%以上得4分，否则不得分", threshold(1, "%"))],
                "查阅资料",
            ),
            (
                "17",
                "青少年科技竞赛",
                "5",
                [
                    (
                        "组织中小学生参加科技竞赛，获奖人次在10人次以上得5分，5～9人次得3分，1～4人次得1分",
                        tiers("人次", (10, None, 5), (5, 10, 3), (1, 5, 1)),
                    )
                ],
                "查阅资料",
            ),
            (
                "18",
                "科普基地",
                "4",
                [("新认定科普教育基地每个得2分，最高4分", per_category(4, (2, "个")))],
                "查阅资料",
            ),
            ("19", "投入增长", "4", [("科普投入较上年增长10%以上得4分", growth(0.1))], "查阅资料"),
            (
                "20",
                "志愿服务",
                "4",
                [("建立科普志愿服务队伍，且年内开展志愿服务活动5次以上的得4分", compound(None, 5))],
                "查阅资料",
            ),
            (
                "21",
                "科普画廊",
                "5",
                [("科普画廊更新及时、内容丰富的得5分，较好的得3分，一般的得1分", None)],
                "实地查看",
            ),
            (
                "22",
                "科普讲座",
                "5",
                [("科普讲座每季度不少于1次，全年少于4次的，每少1次扣1.25分", None)],
                "查阅资料",
            ),
            (
                "23",
                "志愿者注册",
                "4",
                [("科普志愿者注册率达到100%得4分，低于100%的按比例得分", proportional(100, "%"))],
                "查阅资料",
            ),
            ("24", "设施抽查", "3", [("随机抽查3个社区，每个社区科普设施不达标扣1分", None)], "实地查看"),
            ("§", "三、加分项目"),
            ("25", "工作创新", "3", [("工作有创新，经验做法被上级转发的加3分", checks(3))], "查阅资料"),
            (
                "26",
                "表彰奖励",
                "3",
                [("获得省级以上表彰的，每项加1.5分，最高加3分", per_category(3, (1.5, "项")))],
                "查阅资料",
            ),
            ("§", "四、扣分项目"),
            (
                "27",
                "通报批评",
                "",
                [("因工作不力被市政府通报批评的，每次扣3分", per_category(None, (3, "次"), uncapped=True))],
                "查阅资料",
            ),
            ("28", "材料迟报", "2", [("未按时报送总结材料的扣2分", checks(2))], "查阅资料"),
        ],
    }
)


# A second blind table, typed after the parser was corrected on 07 (its first-run figure is recorded too).
TABLES.append(
    {
        "name": "08-blind-second",
        "format": "xlsx",
        "title": "某市2023年全民科学素质工作考核计分标准",
        "header": ("序号", "考核指标", "考核要点", "分值", "计分标准", "牵头单位", "配合单位"),
        "rows": [
            ("§", "一、基础工作"),
            (
                "1",
                "组织机构",
                "领导小组和专人",
                "4",
                [("成立科普工作领导小组，并明确专人负责的，得4分", checks(4))],
                "市科协",
                "各成员单位",
            ),
            (
                "2",
                "发展规划",
                "纳入规划",
                "3",
                [("将科普工作纳入本地经济社会发展规划得3分", checks(3))],
                "市发展改革委",
                "",
            ),
            (
                "3",
                "科普经费",
                "财政预算",
                "5",
                [("科普经费按人均不低于1元的标准列入财政预算得5分，未列入不得分", checks(5))],
                "市财政局",
                "市科协",
            ),
            (
                "4",
                "大型活动",
                "组织大型科普活动",
                "6",
                [("每年组织大型科普活动不少于3次，每缺1次扣2分", deduct_per(2, "次", 3))],
                "市科协",
                "",
            ),
            (
                "5",
                "科普日",
                "科普日活动",
                "4",
                [
                    (
                        "科普日期间开展活动3场以上得4分，2场得3分，1场得2分，未开展不得分",
                        tiers("场", (3, None, 4), (2, 3, 3), (1, 2, 2)),
                    )
                ],
                "市科协",
                "各成员单位",
            ),
            ("6", "科技周", "科技活动周", "3", [("科技活动周期间开展活动得3分", checks(3))], "市科技局", ""),
            (
                "7",
                "科普宣传",
                "媒体报道",
                "6",
                [
                    (
                        "在国家级媒体宣传报道的，每次得3分；省级媒体每次得2分；市级媒体每次得1分；本项最高得6分",
                        per_category(6, (3, "次"), (2, "次"), (1, "次")),
                    )
                ],
                "市委宣传部",
                "市科协",
            ),
            (
                "8",
                "志愿者",
                "科普志愿者队伍",
                "4",
                [
                    (
                        "科普志愿者人数占常住人口比例达到3%以上的得4分，2%～3%的得2分，不足2%的不得分",
                        tiers("%", (3, None, 4), (2, 3, 2)),
                    )
                ],
                "市科协",
                "",
            ),
            (
                "9",
                "科普基地",
                "科普教育基地",
                "3",
                [("拥有省级科普教育基地的得3分，拥有市级科普教育基地的得2分，两者都有的按最高计", None)],
                "市科协",
                "",
            ),
            (
                "10",
                "综合评价",
                "督查组评价",
                "5",
                [
                    (
                        "督查组综合评价，优秀得5分、良好得4分、一般得2分、较差不得分",
                        levels(("优秀", 5), ("良好", 4), ("一般", 2), ("较差", 0)),
                    )
                ],
                "市科协",
                "",
            ),
            (
                "11",
                "信息报送",
                "工作信息",
                "3",
                [
                    (
                        "全年向县素质办报送信息12条以上得3分，6～11条得2分，1～5条得1分",
                        tiers("条", (12, None, 3), (6, 12, 2), (1, 6, 1)),
                    )
                ],
                "市科协",
                "",
            ),
            (
                "12",
                "科普阵地",
                "阵地建设",
                "4",
                [("科普画廊、科普活动室、科普图书室三项齐全得4分，缺一项扣2分", None)],
                "市科协",
                "",
            ),
            (
                "13",
                "技能培训",
                "培训任务",
                "5",
                [("完成县下达的培训任务得5分，完成80%以上得3分，完成不足80%不得分", None)],
                "市人力资源社会保障局",
                "",
            ),
            (
                "14",
                "群众满意",
                "满意率",
                "4",
                [("群众满意率90%以上的得4分", threshold(90, "%"))],
                "市科协",
                "",
            ),
            ("15", "资料管理", "台账资料", "3", [("资料不齐全的酌情扣分", discretionary())], "市科协", ""),
            (
                "16",
                "工作例会",
                "例会制度",
                "4",
                [("每半年召开一次工作例会得2分，全年召开2次得4分", None)],
                "市科协",
                "",
            ),
            ("§", "二、加分项目"),
            (
                "17",
                "特色活动",
                "特色科普",
                "2",
                [("开展特色科普活动并被市级以上媒体报道的加2分", checks(2))],
                "市科协",
                "",
            ),
            ("§", "三、扣分项目"),
            (
                "18",
                "安全事故",
                "安全责任",
                "10",
                [("发生重大安全责任事故的，本项扣10分", checks(10))],
                "市科协",
                "",
            ),
        ],
    }
)


# A third blind table, typed after 07 and 08 were read: its first-run figure measures what the
# corrections generalise to.
TABLES.append(
    {
        "name": "09-blind-third",
        "format": "docx",
        "title": "某市2024年度全民科学素质行动目标任务考核评分表",
        "header": ("序号", "考核项目", "分值", "考核标准", "考核方式", "责任单位"),
        "rows": [
            ("§", "一、组织实施（30分）"),
            (
                "1",
                "组织机构",
                "5",
                [
                    (
                        "成立全民科学素质工作领导小组得3分；领导小组办公室设在科协并配备专职人员得2分",
                        checks(3, 2),
                    )
                ],
                "查阅资料",
                "各县（市、区）",
            ),
            (
                "2",
                "工作方案",
                "5",
                [("制定年度实施方案并印发的得5分，未印发的得2分，未制定的不得分", None)],
                "查阅资料",
                "各县（市、区）",
            ),
            (
                "3",
                "部门协作",
                "5",
                [
                    (
                        "召开成员单位联席会议2次及以上得5分，1次得3分，未召开不得分",
                        tiers("次", (2, None, 5), (1, 2, 3)),
                    )
                ],
                "查阅资料",
                "各县（市、区）",
            ),
            (
                "4",
                "经费投入",
                "10",
                [
                    (
                        "人均科普经费不低于2元得10分；1.5元以上不足2元得7分；1元以上不足1.5元得4分；不足1元不得分",
                        tiers("元", (2, None, 10), (1.5, 2, 7), (1, 1.5, 4)),
                    )
                ],
                "查阅资料",
                "各县（市、区）",
            ),
            (
                "5",
                "督促检查",
                "5",
                [("开展督促检查并形成书面报告得5分", checks(5))],
                "查阅资料",
                "各县（市、区）",
            ),
            ("§", "二、重点任务（50分）"),
            (
                "6",
                "青少年",
                "10",
                [("中小学科学课开课率达到100%得10分，每降低1个百分点扣1分", None)],
                "抽查",
                "各县（市、区）",
            ),
            (
                "7",
                "农民",
                "10",
                [
                    (
                        "年度培训高素质农民500人次以上得10分，300～499人次得6分，100～299人次得3分",
                        tiers("人次", (500, None, 10), (300, 500, 6), (100, 300, 3)),
                    )
                ],
                "查阅资料",
                "各县（市、区）",
            ),
            (
                "8",
                "产业工人",
                "10",
                [("开展职工技能竞赛，市级以上竞赛获奖每项加2分，最高10分", per_category(10, (2, "项")))],
                "查阅资料",
                "各县（市、区）",
            ),
            (
                "9",
                "老年人",
                "5",
                [("开展老年人智能技术培训得3分；组织老年人科普讲座得2分", checks(3, 2))],
                "查阅资料",
                "各县（市、区）",
            ),
            (
                "10",
                "领导干部",
                "5",
                [("将科学素质纳入干部教育培训内容的得5分，否则不得分", checks(5))],
                "查阅资料",
                "各县（市、区）",
            ),
            (
                "11",
                "科普阵地",
                "10",
                [
                    (
                        "新建成科技馆或科普场馆1个以上得10分；新建科普示范基地3个以上得6分；新建1～2个得3分；按最高档计分，不累计",
                        None,
                    )
                ],
                "实地查看",
                "各县（市、区）",
            ),
            ("§", "三、工作成效（20分）"),
            (
                "12",
                "公民科学素质",
                "10",
                [
                    (
                        "公民具备科学素质比例达到省定目标的得10分，未达到的按完成比例计分",
                        proportional(100, "%"),
                    )
                ],
                "查阅资料",
                "各县（市、区）",
            ),
            (
                "13",
                "工作评价",
                "10",
                [
                    (
                        "根据日常工作和督查情况，综合评定为优秀的得10分，良好的得8分，一般的得6分，较差的得3分",
                        levels(("优秀", 10), ("良好", 8), ("一般", 6), ("较差", 3)),
                    )
                ],
                "综合评定",
                "各县（市、区）",
            ),
            ("§", "四、加分项目（最高加5分）"),
            (
                "14",
                "表彰",
                "5",
                [("获得国家级表彰的加5分，获得省级表彰的加3分", None)],
                "查阅资料",
                "各县（市、区）",
            ),
            (
                "15",
                "宣传",
                "3",
                [("工作经验被国家级媒体报道的每次加1分，最高加3分", per_category(3, (1, "次")))],
                "查阅资料",
                "各县（市、区）",
            ),
            ("§", "五、扣分项目"),
            (
                "16",
                "信息报送",
                "5",
                [("未按要求报送信息和材料的，每次扣1分，最多扣5分", per_category(5, (1, "次")))],
                "查阅资料",
                "各县（市、区）",
            ),
            (
                "17",
                "安全生产",
                "10",
                [("科普活动中发生安全责任事故的扣10分", checks(10))],
                "查阅资料",
                "各县（市、区）",
            ),
        ],
    }
)


def signature(expected: Any) -> Any:
    return expected


def write_expected(table: dict[str, Any]) -> None:
    """Each row with the line the reader gives it: the Excel row (title row 1, header row 2), or the
    Word table row (header row 1)."""
    rows = []
    first = 3 if table["format"] == "xlsx" else 2
    for n, row in enumerate(table["rows"]):
        if row[0] == "§":
            continue
        cells = [c for c in row if isinstance(c, list)]
        item = row[0] if not table["header"][0].startswith("序号") else row[1]
        rows.append({"line": first + n, "item": item, "expected": [e for _, e in cells[0]]})
    out = {"file": f"{table['name']}.{table['format']}", "title": table["title"], "rows": rows}
    text = "# Written by build_tables.py from its hand-written expectations (null: not one of the forms)\n"
    text += yaml.safe_dump(out, allow_unicode=True, sort_keys=False, default_flow_style=None, width=120)
    (HERE / f"{table['name']}.expected.yaml").write_text(text, "utf-8")


def texts(row: Row, sep: str) -> list[str]:
    return [cell(c, sep) if isinstance(c, list) else c for c in row]


def build_xlsx(table: dict[str, Any]) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "考核细则"
    ncols = len(table["header"])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=ncols)
    ws.cell(1, 1, table["title"]).font = Font(name="黑体", size=16, bold=True)
    thin = Side(style="thin")
    r = 2
    for c, text in enumerate(table["header"], 1):
        ws.cell(r, c, text).font = Font(bold=True)
    first_of: dict[str, int] = {}
    for row in table["rows"]:
        r += 1
        if row[0] == "§":
            ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=ncols)
            ws.cell(r, 1, row[1]).font = Font(bold=True)
            continue
        values = texts(row, "")
        for c, text in enumerate(values, 1):
            if c == 1 and table.get("merge_item") and text in first_of and first_of[text] == r - 1:
                continue  # merged below
            ws.cell(r, c, text).alignment = Alignment(wrap_text=True, vertical="top")
            ws.cell(r, c).border = Border(left=thin, right=thin, top=thin, bottom=thin)
        if table.get("merge_item"):
            key = values[0]
            if key in first_of and first_of[key] == r - 1:
                start = _merge_start(ws, r - 1)
                ws.merge_cells(start_row=start, start_column=1, end_row=r, end_column=1)
            first_of[key] = r
    for line in table.get("prose", []):
        r += 2
        ws.cell(r, 1, line)
    for c, width in enumerate((14, 26, 8, 60, 12, 20)[:ncols], 1):
        ws.column_dimensions[chr(64 + c)].width = width
    wb.save(HERE / f"{table['name']}.xlsx")


def _merge_start(ws: Any, row: int) -> int:
    for rng in ws.merged_cells.ranges:
        if rng.min_col == 1 and rng.max_col == 1 and rng.max_row == row:
            ws.merged_cells.remove(rng)
            return int(rng.min_row)
    return row


def build_docx(table: dict[str, Any]) -> None:
    document = docx.Document()
    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = title.add_run(table["title"])
    run.font.size = Pt(16)
    run.bold = True
    rows = table["rows"]
    grid = document.add_table(rows=1 + len(rows), cols=len(table["header"]))
    grid.style = "Table Grid"
    for c, text in enumerate(table["header"]):
        grid.cell(0, c).text = text
    previous: tuple[int, str] | None = None
    for i, row in enumerate(rows, start=1):
        if row[0] == "§":
            merged = grid.cell(i, 0).merge(grid.cell(i, len(table["header"]) - 1))
            merged.text = row[1]
            previous = None
            continue
        values = texts(row, "")
        for c, text in enumerate(values):
            grid.cell(i, c).text = text
        if table.get("merge_item"):
            if previous is not None and previous[1] == values[0]:
                top = previous[0]
                grid.cell(top, 0).merge(grid.cell(i, 0))
                grid.cell(top, 0).text = values[0]
            else:
                previous = (i, values[0])
    for line in table.get("prose", []):
        document.add_paragraph(line)
    document.save(HERE / f"{table['name']}.docx")


def main() -> None:
    for table in TABLES:
        (build_xlsx if table["format"] == "xlsx" else build_docx)(table)
        write_expected(table)
    units = {
        "01-city-counties": ["洛川县", "黄龙县", "宜君县", "富县", "甘泉县"],
        "04-towns-hard-cases": ["丹州镇", "云岩镇", "集义镇", "壶口镇", "秋林镇", "交里乡"],
    }
    for name, names in units.items():
        text = "".join(f"{n},,county\n" for n in names)
        (HERE / f"{name}.units.csv").write_text("名称,别名,分组\n" + text, "utf-8")


if __name__ == "__main__":
    main()
