"""The problem catalogue: every problem the tool can report, with a stable code.

Codes never change meaning once published (users quote them on the phone), so new problems get new
codes. Messages are Chinese templates; ``hint`` always says how to fix the problem.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import Enum, StrEnum
from typing import Any


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def label(self) -> str:
        return {"error": "错误", "warning": "警告", "info": "提示"}[self.value]


E, W, N = Severity.ERROR, Severity.WARNING, Severity.INFO


class Code(Enum):
    """(severity, message template, fix hint). Templates use ``str.format`` fields."""

    # --- rubric file (RB) ---
    RB001 = (E, "考核细则不符合格式要求：{detail}", "请按 `kepu-inspect rubric schema` 给出的格式修改该处。")
    RB002 = (E, "编号 “{id}” 重复（{kind}）", "每个{kind}的编号必须唯一，请改用不同的编号。")
    RB003 = (
        E,
        "评分细项分值合计 {actual} 分，与该项分值 {expected} 分不符",
        "请调整各评分细项的分值，或修改该项的分值，使两者相等。",
    )
    RB004 = (
        E,
        "本部分各项分值合计 {actual} 分，与本部分分值 {expected} 分不符",
        "请调整各项分值或本部分分值，使两者相等。",
    )
    RB005 = (
        E,
        "“{group}”适用的基本分合计 {actual} 分，与规定总分 {expected} 分不符",
        "请调整相关考核项目的分值，或修改该组的 total。",
    )
    RB006 = (E, "找不到{kind}“{name}”", "请检查名称是否写错；单位可用全称、简称或在 aliases 中登记的别名。")
    RB007 = (
        E,
        "分档区间有误：{detail}",
        "各档区间不得重叠，也不得留有空档；请用 gte/gt/lte/lt 写明边界是否包含。",
    )
    RB008 = (E, "等次分数段有误：{detail}", "等次分数段应覆盖 0 分到最高分，既不重叠也不留空档。")
    RB009 = (
        E,
        "参加考核的单位“{unit}”没有任何适用的考核项目",
        "请在相关项目的 applies_to 中加入该单位或其所在组，或将其 assessed 设为 false。",
    )
    RB010 = (
        E,
        "评价等级表不完整：{detail}",
        "每个等级须有唯一名称，并写明 points（分值）或 share（占本项分值比例）之一。",
    )
    RB011 = (E, "单位“{unit}”缺少评分所需参数“{param}”", "请在该单位的 params 中填写“{param}”。")
    RB012 = (
        E,
        "无法读取考核细则文件：{detail}",
        "请确认文件是 UTF-8 编码的 YAML 或 JSON 文件，并检查该行附近的缩进和冒号。",
    )
    RB013 = (E, "评分规则与分值不一致：{detail}", "请使评分规则能给出的最高分等于该细项的分值。")
    RB014 = (
        E,
        "名称或别名“{name}”同时属于“{first}”和“{second}”",
        "一个名称只能指向一个单位，请删除重复的别名。",
    )
    RB015 = (E, "否决事项指定的等次“{grade}”不在等次表中", "请使用 grades 中已定义的等次名称。")
    RB016 = (
        W,
        "单位“{unit}”的基本分满分为 {actual} 分，与该组总分 {expected} 分不同，且该组未设置按得分率比较",
        "如该组各单位项目不同，请设置 normalise: true（按得分率×100 比较）。",
    )
    RB017 = (
        W,
        "尚未填写：“{words}”",
        "这是导入或样板留下的占位文字，请改为实际内容（分值、评分标准、单位名称等）后删去该标记。",
    )
    RB018 = (
        W,
        "考核细则中没有参加考核的单位",
        "请在 units 中列出被考核单位（assessed 不写或写 true）；没有单位时不会生成任何自评表。",
    )
    RB019 = (
        W,
        "考核项目“{item}”不适用于任何参加考核的单位",
        "请在该项的 applies_to 中写明适用的单位或分组；如该项本年度不考核，请删去。",
    )
    RB020 = (
        W,
        "单位“{unit}”的基本分满分为 {actual} 分，与该组规定的每单位满分（unit_total）{expected} 分不同",
        "请核对该单位适用的项目；各单位项目确实不同时，请删去 unit_total 并设置 normalise: true（按得分率×100 比较）。",
    )
    RB021 = (
        E,
        "“{group}”按得分率比较，但“{item}”有不设上限的评分细项，得分率没有意义",
        "请为该细项设定最高分（cap），或删去该组的 normalise，按总分比较。",
    )
    RB022 = (E, "评分细项的分值有误：{detail}", "请为每个评分细项写明 points（分值）。")
    RB023 = (
        W,
        "{where}的评分标准未能识别为评分规则，已作为酌情评分：“{criterion}”",
        "请核对该细项：可改写为常见句式（如“…得2分”“每少一次扣0.5分，扣完为止”）后重新导入，或在生成的考核细则中写明 rule。",
    )
    RB024 = (
        W,
        "{where}的评分标准最高可得 {actual} 分，与分值 {expected} 分不符，已作为酌情评分",
        "请核对表中的分值和评分标准，改正后重新导入。",
    )
    RB025 = (E, "无法读取考核细则表：{detail}", "{fix}")
    RB026 = (
        E,
        "{what}中没有找到考核细则表",
        "考核细则表的表头应有“评分标准”（或“考核标准”“评分细则”），以及“考核项目”“分值”等；请检查表头文字。",
    )
    RB027 = (
        W,
        "{where}第 {row} 行{detail}",
        "请核对表中该行，改正后重新导入，或在生成的考核细则中修改。",
    )
    RB028 = (
        W,
        "{where}的适用单位“{units}”无法识别",
        "请写单位名称或分组（如“市科协”“各市直成员单位”），或用 --plan / --units 提供工作要点或单位名单。",
    )
    RB029 = (
        W,
        "{what}未能识别：“{setting}”，已按默认值处理",
        "请在生成的考核细则中核对该项设置。",
    )
    RB030 = (
        N,
        "没有提供考核单位：表中没有适用单位，也未给出 --plan 或 --units",
        "请用 --plan 工作要点.docx 或 --units 单位名单.yaml 重新导入，或在生成的考核细则中补写 units 和 applies_to。",
    )
    RB031 = (
        W,
        "排名分组“{group}”没有参加考核的单位，适用于该组的项目不会发给任何单位",
        "请在 units 中列出该组的单位（group: {group_id}）；本年度不考核该组时可删去该组和只适用于它的项目。",
    )

    RB032 = (
        E,
        "扣分项目中的评分细项用了“{rule_title}”：扣分项目中各项计得的分数就是扣的分数，而这种规则计的是扣后剩下的分数",
        "请改用按类别计次（每次扣几分，per_category）、按差额（shortfall）、逐项（checklist：…的扣几分）等规则，"
        "或把该项移到基本分部分。",
    )

    RB033 = (
        W,
        "“{group}”中有不设上限的评分细项，导入时改为按总分比较（不按得分率）",
        "如该组各单位项目不同、需要按得分率比较，请为不设上限的细项定一个最高分，再写 normalise: true。",
    )

    RB034 = (
        E,
        "{where}有考核细则表的表头，但没有读出任何考核项目",
        "请确认表头下每个考核项目占一行，并写有分值或评分标准；部分标题（一、…）单独占一行。",
    )

    # --- plan import (PL) ---
    PL001 = (E, "无法读取工作要点文件：{detail}", "{fix}")
    PL002 = (W, "第 {number} 项没有找到（责任单位：…）标注", "请在生成的考核细则中为该项补写 applies_to。")
    PL003 = (
        W,
        "第 {number} 项的标注“{text}”无法拆分为单位",
        "请检查标注中的分隔符，或在生成的考核细则中手工填写。",
    )
    PL004 = (W, "“{short}”与“{long}”可能是同一单位", "如确为同一单位，请把其中一个写入另一个的 aliases。")
    PL005 = (W, "文本中有重复内容（第 {number} 项重复出现），已只保留一次", "请核对原文是否确有重复。")
    PL006 = (
        E,
        "未识别任何编号条目",
        "请确认文件是工作要点正文，条目以“1.”“1、”“（1）”等编号开头；表格请写明“工作任务”“牵头单位”等表头。",
    )
    PL007 = (
        W,
        "“{alias}”与“{name}”看起来是同一单位，已合并（名称用“{name}”，“{alias}”作为别名）",
        "如不是同一单位，请在生成的考核细则中把该别名改为单独的单位。",
    )
    PL008 = (
        W,
        "“{name}”不在单位名单中，已作为新单位列入",
        "请核对名称是否写错；如确为新单位，请补入单位名单。",
    )
    PL009 = (
        W,
        "第 {number} 项的“{text}”无法确定具体单位，已按{meaning}处理",
        "请在生成的考核细则中核对该项的 applies_to。",
    )
    PL010 = (
        N,
        "“{name}”是组织考核的办公室，不作为考核单位",
        "无需处理；如确需考核该单位，请在生成的考核细则中手工加入。",
    )
    PL011 = (E, "无法读取单位名单文件：{detail}", "{fix}")
    PL012 = (E, "生成的考核细则未通过检查：{detail}", "这是程序问题，请把工作要点文件和本提示发给维护人员。")
    PL013 = (
        W,
        "第 {number} 项的责任单位写作“{text}”，尚未确定，未列入单位",
        "请在生成的考核细则中为该项补写 applies_to。",
    )
    PL014 = (
        N,
        "第 {number} 项的“{short}”与前一个单位共用前缀，已补全为“{name}”",
        "如补全有误，请在生成的考核细则中改正该项的单位名称。",
    )
    PL015 = (
        W,
        "“{section}”中的 {count} 条没有写明责任单位，看作工作要求，已作为说明保留，未列为考核项目",
        "如其中确有需要考核的工作，请在生成的考核细则中手工加入。",
    )
    PL016 = (
        N,
        "按原文说明“{text}”，各项所列第一个单位作为牵头单位，其余作为配合单位",
        "如不是这样，请在生成的考核细则中修改各项 applies_to 的 role。",
    )
    PL017 = (
        W,
        "“{alias}”写在“{name}”后的括号中，已作为“{name}”的别名",
        "如是两个不同的单位，请在生成的考核细则中把别名改为单独的单位。",
    )
    PL018 = (
        W,
        "标题中没有地名，按{basis}判定为{level}工作要点，“各…”等集体名称按{below}处理",
        "如判定有误，请用 --units 提供单位名单并写明每个单位的分组。",
    )
    PL019 = (
        E,
        "{where}无法判断是分工表还是考核细则表：{detail}",
        "请删去多余的列，或把分工表单独保存为一个文件后再导入。",
    )
    PL020 = (
        W,
        "文件中既有正文编号条目，又有分工表；已按分工表导入，正文中的条目未使用",
        "如应按正文导入，请把正文另存为 .txt 后再导入。",
    )
    PL021 = (
        E,
        "{where}是考核细则表（表头：{headers}），不是工作要点或分工表",
        "rubric import 用于工作要点和分工表；考核细则请按 `kepu-inspect rubric schema` 的格式整理。",
    )
    PL022 = (
        E,
        "{what}中没有找到分工表",
        "分工表的表头应有“工作任务”（或“重点任务”“工作内容”）和“牵头单位”“配合单位”“责任单位”之一；"
        "请检查表头文字，或把工作要点另存为 .docx / .txt 后再导入。",
    )
    PL023 = (N, "{where}不是分工表，已忽略", "如其中有考核项目，请把表头改为“工作任务”“责任单位”等后再导入。")
    PL024 = (
        W,
        "{where}第 {row} 行写了单位但没有工作任务内容，已跳过",
        "如该行是一项工作，请在表格中补写工作任务后重新导入，或在生成的考核细则中手工加入。",
    )
    PL025 = (
        N,
        "“{title}”下没有编号条目，但写明了牵头或责任单位，已作为一个考核项目",
        "如它只是分组标题，请在生成的考核细则中删去该项。",
    )
    PL026 = (
        N,
        "“{name}”按名称归入{below}（group: county），与{members}分开排名",
        "如分组不对，请在生成的考核细则中修改该单位的 group，或用 --units 写明分组。",
    )
    PL027 = (
        W,
        "考核项目“{item}”在工作要点中没有找到对应条目，适用单位按{meaning}处理",
        "请在生成的考核细则中核对该项的 applies_to，或在表中写明对应的工作要点条目编号。",
    )
    PL028 = (
        N,
        "工作要点第 {number} 项没有对应的考核项目",
        "如该项需要考核，请在考核细则表中加入；不需要考核时无需处理。",
    )

    # --- submitted workbooks (WB) ---
    WB001 = (E, "该文件不是 xlsx 工作簿（看起来是{kind}）", "{fix}")
    WB002 = (
        E,
        "文件已损坏或不完整，无法打开（{detail}）",
        "请在 Excel/WPS 中打开后“另存为”Excel 工作簿(.xlsx)，或重新发送原文件。",
    )
    WB003 = (E, "文件是空的（0 字节）", "请重新保存并发送填好的自评表。")
    WB004 = (
        E,
        "文件内容超出安全限制（{detail}），已拒绝读取",
        "请使用下发的自评表模板重新填写，不要粘贴大量无关内容。",
    )
    WB005 = (E, "文件含有不安全的 XML 内容（{detail}），已拒绝读取", "请使用下发的自评表模板重新填写后发送。")
    WB006 = (E, "无法确定该文件属于哪个单位", "请使用本单位的自评表模板，或在文件名中写明单位全称。")
    WB007 = (E, "单位识别有冲突：{detail}", "请确认文件是否用了其他单位的模板；应使用本单位的模板重新填写。")
    WB008 = (
        E,
        "该文件不是本次考核的自评表（模板属于“{found}”，本次为“{expected}”）",
        "请使用本次下发的自评表模板重新填写。",
    )
    WB009 = (
        W,
        "该自评表由旧版考核细则生成（版本 {found}，现为 {expected}），考核项目和分值未变",
        "可以继续使用；如需最新说明文字，请改用新模板。",
    )
    WB010 = (E, "缺少工作表“{sheet}”", "请不要删除或重命名模板中的工作表；如已改动，请改用原模板重新填写。")
    WB011 = (W, "工作表“{sheet}”被隐藏", "请在 Excel 中取消隐藏该工作表。")
    WB012 = (E, "缺少考核项目行：{item}", "请不要删除模板中的行；请用原模板重新填写该项。")
    WB013 = (E, "考核项目行重复：{item}（另见 {other}）", "请删除复制出来的多余行，每个项目只保留一行。")
    WB014 = (W, "无法识别的行编号“{value}”", "请不要修改 A 列的编号；多余的行请删除。")
    WB015 = (E, "无法识别的数值“{value}”", "请只填写一个数字（如 8 或 8.5），不要写文字、范围或“约”。")
    WB016 = (
        E,
        "单元格是公式，但没有保存计算结果",
        "请在 Excel/WPS 中打开文件、确认公式结果显示正常后保存，或直接填写数值。",
    )
    WB017 = (E, "单元格是错误值 {value}", "请改正该单元格的公式，或直接填写数值。")
    WB018 = (E, "数值 {value} 超出允许范围（{low}～{high}）", "请填写 {low} 到 {high} 之间的数值。")
    WB019 = (E, "“{value}”不在可选项中（可选：{options}）", "请从下拉列表中选择。")
    WB020 = (E, "必填项“{label}”未填写", "请填写该单元格。")
    WB021 = (W, "未填写佐证材料（本项要求：{evidence}）", "请在佐证材料栏写明材料名称或编号。")
    WB022 = (
        W,
        "自评分 {claimed} 分与填报数据不符，按评分标准应为 {computed} 分（{reason}）",
        "请核对填报数据和自评分。",
    )
    WB023 = (E, "自评分未填写", "请填写本项自评分。")
    WB024 = (E, "核定分 {value} 超出本项分值（{low}～{high}）", "请督导检查组核对核定分。")
    WB025 = (E, "单位“{unit}”收到多份材料：{files}", "请确认哪一份是最终版本，删除或移走其他文件后重新运行。")
    WB026 = (
        W,
        "文件所属单位“{unit}”本年度不参加考核",
        "如该单位应参加考核，请在考核细则中将其 assessed 设为 true。",
    )
    WB027 = (W, "未收到单位“{unit}”的自评材料", "请联系该单位尽快报送。")
    WB029 = (W, "封面填报日期“{value}”无法识别", "请填写日期，例如 2017-12-20。")
    WB030 = (E, "单元格是日期，不是数值", "请填写数字，不要填日期。")
    WB031 = (N, "启用宏的工作簿：仅读取单元格数值，宏不会运行", "建议另存为不含宏的 .xlsx 文件。")
    WB032 = (E, "“{value}”不能判断为“是”或“否”", "请从下拉列表中选择“是”或“否”。")
    WB033 = (E, "自评分 {value} 超出本项分值（{low}～{high}）", "请按评分标准重新自评。")
    WB034 = (
        W,
        "工作表“{sheet}”像是“{original}”的副本，已忽略",
        "请删除多余的工作表，只在“{original}”中填写。",
    )
    WB035 = (N, "封面未填写{label}", "请在封面填写{label}，便于联系。")
    WB036 = (
        E,
        "读取该文件时程序出错（{detail}），未能检查该文件",
        "这是程序问题：请把该文件和本提示发给维护人员；其他文件的检查不受影响。",
    )
    WB037 = (
        N,
        "单元格为百分比格式（显示为 {shown}），按 {read_as}% 读取",
        "无需处理；本项单位为 %，填 85% 或 85 都可以。",
    )
    WB038 = (
        E,
        "单元格为百分比格式（显示为 {shown}），而本项的单位是“{measure}”，无法确定数值",
        "请把该单元格格式改为“常规”，再直接填写数字（单位：{measure}），不要带 % 号。",
    )
    WB039 = (
        N,
        "“{value}”中的单位“{word}”已去掉，按 {read_as} 读取",
        "无需处理；本栏的单位就是{measure}，只填数字即可。",
    )
    WB040 = (
        N,
        "“{value}”已换算为 {read_as}{measure}（{conversion}）",
        "请核对换算结果；本栏的单位是{measure}，今后请直接按{measure}填写数字。",
    )
    WB041 = (E, "“{value}”带有单位“{word}”，与本项的单位“{measure}”不符", "请只填写数字，单位为{measure}。")
    WB042 = (E, "“{value}”带有文字“{word}”，本项只填写数字", "请只填写数字，不要带单位或文字。")
    WB043 = (
        E,
        "“{value}”中有非常规的数字字符（{chars}）",
        "请用 0～9 这几个普通数字填写，不要用圈码、上标或其他文字的数字。",
    )
    WB044 = (N, "“{value}”中的全角字符已按半角读取（{read_as}）", "无需处理。")
    WB045 = (
        N,
        "“{value}”中的千位分隔符已去掉，按 {read_as} 读取",
        "无需处理；请核对数值（逗号不能当小数点用）。",
    )
    WB046 = (N, "“{value}”中的空格已去掉", "无需处理。")
    WB047 = (N, "“{value}”按“{answer}”读取", "无需处理；今后请从下拉列表中选择“是”或“否”。")
    WB048 = (E, "逻辑值单元格的值“{value}”无效（只能是 TRUE 或 FALSE）", "请从下拉列表中选择“是”或“否”。")
    WB049 = (
        E,
        "单元格是引用其他文件或程序的公式，其结果不能作为本单位填报的数值",
        "请删除该公式，直接填写数值，不要引用其他工作簿。",
    )
    WB050 = (
        E,
        "单元格中有不可见的控制字符（{chars}），无法确定数值",
        "请清空该单元格后重新输入（不要从网页或其他程序复制粘贴）。",
    )
    WB051 = (
        W,
        "文字中有不可见的控制字符（{chars}），已去掉",
        "请核对该单元格的文字；今后请直接输入，不要从网页或其他程序复制粘贴。",
    )
    WB052 = (
        E,
        "文件结构有歧义（{detail}），不同软件看到的内容可能不同，未评分",
        "请在 Excel/WPS 中打开该文件，核对内容后“另存为”Excel 工作簿(.xlsx)重新报送；不要用其他工具修改文件。",
    )
    WB053 = (
        E,
        "值“{value}”被合并单元格遮住（屏幕上只显示{shown}的值），无法确定以哪个为准，未评分",
        "请取消{merge}的合并单元格，确认每个数值都在原位置上可见后重新报送。",
    )
    WB054 = (
        E,
        "表头与模板不符：{column} 列应为“{expected}”（{moved}），可能删除、插入或移动了列，未评分",
        "请不要增删或移动列；请用下发的模板重新填写，或把各列恢复原位后重新报送。",
    )
    WB055 = (
        E,
        "A 列（隐藏）的行编号与模板不符：{total} 个考核行中有 {count} 个找不到编号（第一个：{first_missing}），未评分",
        "请不要修改或清除 A 列的编号，也不要把其他表格的内容整表粘贴进来；请用下发的模板重新填写。",
    )
    WB056 = (
        W,
        "锁定单元格被修改：{cells}",
        "评分以考核细则为准，不受这些改动影响；请核实该单位是否改动了模板，今后请使用下发的模板、不要撤销工作表保护。",
    )

    WB057 = (
        N,
        "这是{what}，不是自评表，未作为报送材料读取",
        "无需处理；如确是某单位报送的自评表，请让该单位用下发的模板重新填写。",
    )

    # --- verification workbooks and the inspection (VF) ---
    VF001 = (
        W,
        "被考核单位不得填写核定分、核查意见或否决事项，已忽略（{cells}）",
        "核定分由督导检查组在核查表中填写；请在自评表中删除这些内容。",
    )
    VF002 = (
        E,
        "核查表中的单位“{value}”不在本考核细则中",
        "请使用本次考核细则生成的核查表（kepu-inspect inspection）。",
    )
    VF003 = (
        E,
        "单位“{unit}”有核查表，但没有收到该单位的自评表，核查结果未计入",
        "请先收齐该单位的自评表，再用 kepu-inspect inspection 生成核查表。",
    )
    VF004 = (
        E,
        "单位“{unit}”的督导检查人员“{inspector}”有两份核查结果：{files}",
        "请确认哪一份有效，删除或移走另一份后重新运行；在此之前该单位暂不排名。",
    )
    VF005 = (
        W,
        "{inspector}对{unit}的{total}个评分细项中有{count}个未填写核定分",
        "请补填；未填的细项按其他检查人员的核定分计，都未填的按“未核定”规则计。",
    )
    VF006 = (
        E,
        "督导检查组名单有误：{detail}",
        "请改正名单文件：每个单位只能分到一个检查组，单位名称须与考核细则一致。",
    )
    VF007 = (
        W,
        "督导检查人员对“{item}”的核定分相差{spread}分（{marks}），超过{limit}分",
        "请督导检查组复核该项。",
    )
    VF008 = (
        E,
        "单位“{unit}”的核查表是根据该单位较早报送的自评表生成的（该单位已重新报送），暂不排名",
        "请用 kepu-inspect inspection --carry-over 按新报送的自评表重新生成核查表，检查组核对后再评分。",
    )
    VF009 = (
        E,
        "{inspector}填写的核定分 {value} 超出本项分值（{low}～{high}）",
        "请督导检查组核对并改正；在此之前该单位暂不排名。",
    )
    VF010 = (
        E,
        "该核查表不属于本次考核（核查表属于“{found}”，本次为“{expected}”）",
        "请使用本次考核细则生成的核查表。",
    )
    VF011 = (
        E,
        "核查表缺少工作表“{sheet}”",
        "请不要删除或重命名核查表中的工作表；如已改动，请重新生成核查表后再填写。",
    )

    # --- corrections after 公示 (CR) ---
    CR001 = (
        E,
        "更正台账中的单位“{value}”不在考核细则中{hint}",
        "请改用考核细则中的单位全称、简称或别名；本台账暂未应用。",
    )
    CR002 = (
        E,
        "单位“{unit}”没有评分细项或否决事项“{value}”",
        "请写评分细项编号（如 d01.a 或 3.a）、评分细项开头的文字或否决事项名称；本台账暂未应用。",
    )
    CR003 = (
        E,
        "更正值“{value}”不在本项范围（{low}～{high}）",
        "请填写本项范围内的核定分（否决事项填“是”或“否”）；本台账暂未应用。",
    )
    CR004 = (
        E,
        "单位“{unit}”的同一评分细项有两行不同的更正（另见{other}）",
        "请删去其中一行；本台账暂未应用。",
    )
    CR005 = (W, "日期“{value}”无法识别或晚于报告日期", "请写明更正的批准日期，如 2018-01-02。")
    CR006 = (
        W,
        "单位“{unit}”的这一更正没有写明异议情况，按“核实更正”处理",
        "如系单位提出的异议，请在“异议情况”栏写明。",
    )
    CR007 = (
        E,
        "公示结果文件不能用于对比：{detail}",
        "请指定本次考核公示时存档的结果文件（公示存档文件夹中的 考核结果.json）。",
    )
    CR008 = (
        E,
        "无法读取更正台账：{detail}",
        "请使用 YAML 或 Excel（.xlsx）文件：单位、评分细项、更正后核定分、异议情况、复核结论、批准人、日期。",
    )

    # --- scoring (SC) ---
    SC001 = (
        W,
        "第 {item} 项自评分比核定分高 {diff} 分（{rule}即为疑似虚报）",
        "请该单位说明情况。",
    )

    def __init__(self, severity: Severity, message: str, hint: str) -> None:
        self.severity = severity
        self.template = message
        self.hint_template = hint

    @property
    def slug(self) -> str:
        return self.name


@dataclass(frozen=True)
class Problem:
    """One problem found in a rubric, plan or workbook; a value, never an exception."""

    code: Code
    message: str
    hint: str
    severity: Severity
    file: str | None = None
    sheet: str | None = None
    cell: str | None = None
    path: str | None = None  # location inside a rubric, e.g. sections[0].items[3].points
    line: int | None = None
    value: str | None = None
    unit: str | None = None
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @property
    def location(self) -> str:
        parts: list[str] = []
        if self.file:
            parts.append(self.file)
        if self.sheet:
            parts.append(self.sheet + (f"!{self.cell}" if self.cell else ""))
        elif self.cell:
            parts.append(self.cell)
        if self.path:
            parts.append(self.path)
        if self.line:
            parts.append(f"第{self.line}行")
        return " · ".join(parts)

    def at(self, **where: Any) -> Problem:
        return replace(self, **where)

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code.name,
            "severity": self.severity.value,
            "message": self.message,
            "hint": self.hint,
            "file": self.file,
            "sheet": self.sheet,
            "cell": self.cell,
            "path": self.path,
            "line": self.line,
            "value": self.value,
            "unit": self.unit,
        }


def problem(code: Code, /, **fields: Any) -> Problem:
    """Build a problem from the catalogue; location keywords go to the Problem, the rest to the text."""
    location_keys = {"file", "sheet", "cell", "path", "line", "value", "unit"}
    where = {k: v for k, v in fields.items() if k in location_keys}
    text_fields = {
        k: v for k, v in fields.items() if k not in location_keys or k in ("value", "unit", "sheet")
    }
    message = code.template.format_map(_Default(text_fields))
    hint = code.hint_template.format_map(_Default(text_fields))
    if "value" in where and where["value"] is not None:
        where["value"] = str(where["value"])
    return Problem(code=code, message=message, hint=hint, severity=code.severity, **where)


class _Default(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "?"


def has_errors(problems: list[Problem]) -> bool:
    return any(p.severity is Severity.ERROR for p in problems)
