"""Builds the corpus's Word and Excel plans (08, 09, 11) the way an office would have typed them.

The files are committed; this script documents how they were made and rebuilds them if a plan's text
must change: ``python tests/data/plans/corpus/build_binaries.py``.
"""

from __future__ import annotations

from pathlib import Path

import docx
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

HERE = Path(__file__).resolve().parent


def docx_table() -> None:
    """08: a notice paragraph, then the 分工 table with section rows merged across the table and the
    重点工作 column merged down over its tasks."""
    document = docx.Document()
    document.add_paragraph("附件")
    title = document.add_paragraph("许昌市2022年全民科学素质工作重点任务分工")
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.runs[0].font.size = Pt(18)
    rows = [
        ("一、重点人群科学素质提升", None, None, None, None),
        (
            "1",
            "青少年科学素质提升行动",
            "实施青少年科技创新大赛，组织参加省级以上赛事。",
            "市科协",
            "市教育局、团市委",
        ),
        ("2", "", "开展科学调查体验活动，参与学生不少于2万人。", "市教育局", "市科协"),
        (
            "3",
            "农民科学素质提升行动",
            "开展高素质农民培育，全年培训3000人次。",
            "市农业农村局",
            "市科协、市人力资源社会保障局",
        ),
        ("二、科普能力建设", None, None, None, None),
        ("4", "科普基础设施", "推进许昌市科技馆免费开放，全年接待观众20万人次。", "市科协", "市财政局"),
        ("5", "", "新认定市级科普教育基地10个。", "市科协", "市科技局、市文化广电和旅游局"),
        (
            "6",
            "科普信息化",
            "推进“科普中国”信息员队伍建设和落地应用。",
            "市科协",
            "市委网信办、各县（市、区）",
        ),
    ]
    table = document.add_table(rows=1 + len(rows), cols=5)
    table.style = "Table Grid"
    for col, text in enumerate(("序号", "重点工作", "具体任务", "牵头单位", "责任单位")):
        table.cell(0, col).text = text
    merge_from: int | None = None
    for r, row in enumerate(rows, start=1):
        if row[1] is None:
            merged = table.cell(r, 0).merge(table.cell(r, 4))
            merged.text = row[0]
            continue
        for col, text in enumerate(row):
            if col == 1 and text == "" and merge_from is not None:
                continue
            table.cell(r, col).text = text or ""
        if row[1]:
            merge_from = r
        elif merge_from is not None:
            table.cell(merge_from, 1).merge(table.cell(r, 1))
    document.add_paragraph("注：牵头单位负责统筹协调，责任单位按职责分工抓好落实。")
    document.save(HERE / "08-docx-table.docx")


def xlsx_table() -> None:
    """09: a title row merged across, a header row, the 工作类别 column merged down, unit lists written
    the ways people type them into a cell, a note row and a second sheet of instructions."""
    wb = Workbook()
    ws = wb.active
    ws.title = "分工表"
    ws["A1"] = "信阳市2023年全民科学素质行动重点任务分工方案"
    ws.merge_cells("A1:E1")
    ws["A1"].font = Font(size=16, bold=True)
    ws["A1"].alignment = Alignment(horizontal="center")
    ws.append(["序号", "工作类别", "工作任务", "责任单位", "完成时间"])
    data = [
        (
            1,
            "青少年科学素质提升",
            "开展青少年科技创新大赛和科技节活动。",
            "市科协（牵头）、市教育局、团市委",
            "2023年5月",
        ),
        (2, None, "推进科学教育进课堂，开齐开足科学课程。", "市教育局", "全年"),
        (3, None, "开展“科普大篷车进校园”活动60场。", "市科协牵头，市教育局配合", "全年"),
        (
            4,
            "农民科学素质提升",
            "开展高素质农民培训，全年培训2000人次。",
            "市农业农村局、市科协",
            "2023年11月",
        ),
        (5, None, "开展农村实用技术培训和科技下乡活动。", "市农业农村局牵头，各有关单位配合", "全年"),
        (6, "基础工作", "组织开展全国科普日信阳主场活动。", "各成员单位", "2023年9月"),
        (7, None, "建设科普示范社区10个。", "市科协、各县（区）", "2023年12月"),
    ]
    start = ws.max_row + 1
    for row in data:
        ws.append(list(row))
    # 工作类别 merged down over its tasks, as offices do
    ws.merge_cells(f"B{start}:B{start + 2}")
    ws.merge_cells(f"B{start + 3}:B{start + 4}")
    ws.merge_cells(f"B{start + 5}:B{start + 6}")
    note = ws.max_row + 2
    ws[f"A{note}"] = "注：列第一位或标注“牵头”的为牵头单位。"
    ws.merge_cells(f"A{note}:E{note}")
    for col, width in zip("ABCDE", (6, 16, 48, 36, 12), strict=True):
        ws.column_dimensions[col].width = width
    info = wb.create_sheet("填表说明")
    info["A1"] = "请各牵头单位于每季度末报送工作进展。"
    wb.save(HERE / "09-xlsx-table.xlsx")


def docx_prose() -> None:
    """11: a 红头 notice wrapping the plan, items in prose with unlabelled annotations and a lead line of
    its own, and numbered closing requirements."""
    lines = [
        "周口市全民科学素质工作领导小组办公室文件",
        "周科素办〔2021〕2号",
        "关于印发《周口市2021年全民科学素质工作要点》的通知",
        "各县（市、区）全民科学素质工作领导小组，市全民科学素质工作领导小组各成员单位：",
        "现将《周口市2021年全民科学素质工作要点》印发给你们，请认真贯彻执行。",
        "周口市全民科学素质工作领导小组办公室",
        "2021年3月12日",
        "周口市2021年全民科学素质工作要点",
        "一、围绕中心，服务大局",
        "1.开展党史学习教育科普宣传活动，组织科技工作者宣讲团。（市委宣传部、市科协负责）",
        "2.开展“科技助力乡村振兴”行动，组织科技专家服务团下乡服务。",
        "市科协牵头落实，市农业农村局、市科技局配合。",
        "二、重点人群科学素质提升",
        "3.组织开展全市青少年科技创新大赛。（责任单位：市科协、市教育局、团市委）",
        "4.开展老年人健康科普知识讲座50场。（市卫生健康委负责落实）",
        "5.开展妇女科学素质提升活动，评选“科普巾帼示范岗”。（市妇联负责落实）",
        "三、工作要求",
        "1.提高思想认识。各成员单位要把全民科学素质工作摆上重要位置。",
        "2.强化责任落实。各牵头单位要主动协调，各责任单位要积极配合。",
        "3.加强督导检查。市素质办将对各地各单位工作开展情况进行督导检查。",
    ]
    document = docx.Document()
    for line in lines:
        document.add_paragraph(line)
    document.save(HERE / "11-docx-prose.docx")


def docx_scheme() -> None:
    """18: a 实施方案 in Word mixing actions that carry their own 牵头单位 / 责任单位 lines with sections of
    numbered tasks, body paragraphs under the actions, and a closing 组织实施 section."""
    lines = [
        "开封市全民科学素质行动实施方案（2021—2025年）",
        "为贯彻落实《全民科学素质行动规划纲要（2021—2035年）》，结合我市实际，制定本方案。",
        "一、提升行动",
        "（一）青少年科学素质提升行动。",
        "激发青少年好奇心和想象力，增强科学兴趣、创新意识和创新能力。",
        "牵头单位：市教育局、市科协",
        "责任单位：团市委、市妇联、市科技局",
        "（二）老年人科学素质提升行动。",
        "实施智慧助老行动，提升老年人信息获取和健康素养。",
        "牵头单位：市卫生健康委",
        "责任单位：市民政局、市老龄办、市科协",
        "二、重点工程",
        "（一）科普基础设施工程",
        "1.推进开封市科技馆新馆建设，完善展教功能。（责任单位：市发展改革委、市科协）",
        "2.新建市级科普教育基地5个。（责任单位：市科协、市科技局）",
        "（二）基层科普能力提升工程",
        "3.依托新时代文明实践中心建设科普站点。（责任单位：市委宣传部、市科协、各县区人民政府）",
        "三、组织实施",
        "（一）加强组织领导。市全民科学素质工作领导小组统筹推进方案实施。",
        "（二）加强经费保障。各级政府将科普经费列入同级财政预算。",
    ]
    document = docx.Document()
    for line in lines:
        document.add_paragraph(line)
    document.save(HERE / "18-docx-scheme.docx")


def xlsx_county() -> None:
    """19: a county's 分工表 in Excel: the table starts in column B and row 3, a two-row header
    (责任单位 over 牵头单位 | 配合单位), section rows numbered 一、二 with the title merged across."""
    wb = Workbook()
    ws = wb.active
    ws.title = "任务分工"
    ws["B1"] = "郏县2023年全民科学素质工作任务分工表"
    ws.merge_cells("B1:F1")
    ws["B3"], ws["C3"], ws["D3"], ws["F3"] = "序号", "工作任务", "责任单位", "完成时限"
    ws["D4"], ws["E4"] = "牵头单位", "配合单位"
    for ref in ("B3:B4", "C3:C4", "D3:E3", "F3:F4"):
        ws.merge_cells(ref)
    rows = [
        ("一", "青少年科学素质提升", None, None, None),
        (1, "开展青少年科技创新大赛，组织中小学生参加市级竞赛。", "县教育局", "县科协、团县委", "5月"),
        (2, "建设校园科普长廊10处。", "县教育局", "各乡镇人民政府", "全年"),
        ("二", "农民科学素质提升", None, None, None),
        (3, "开展高素质农民培训1000人次。", "县农业农村局", "县科协、县人社局", "11月"),
        (4, "开展科普大集活动。", "县科协", "各乡镇人民政府、县融媒体中心", "全年"),
        ("三", "科普能力建设", None, None, None),
        (5, "建设县科技馆数字展厅。", "县发展改革委", "县财政局、县科协", "12月"),
        (6, "培训基层科普员200人。", "县科协", None, "全年"),
    ]
    for r, row in enumerate(rows, start=5):
        for c, value in zip("BCDEF", row, strict=True):
            if value is not None:
                ws[f"{c}{r}"] = value
        if row[2] is None:
            ws.merge_cells(f"C{r}:F{r}")
    ws["B15"] = "郏县全民科学素质工作领导小组办公室"
    ws["B16"] = "2023年3月6日"
    wb.save(HERE / "19-xlsx-county.xlsx")


def docx_tables_by_section() -> None:
    """21: a district's 分工 in Word as one table per section, each under its heading paragraph, with a
    文号 and a signature around them."""
    sections = [
        (
            "一、青少年科学素质提升行动",
            [
                ("1", "开展“南山科技节”系列活动。", "区教育局", "区科协、团区委", "5月"),
                ("2", "建设中小学科创实验室10个。", "区教育局", "区财政局", "12月"),
            ],
        ),
        (
            "二、社区居民科学素质提升行动",
            [
                ("3", "推进社区科普e站建设，覆盖全部社区。", "区科协", "各街道办事处", "全年"),
                ("4", "开展健康科普进社区活动100场。", "区卫生健康局", "区科协、各街道办事处", "全年"),
            ],
        ),
        (
            "三、科普能力建设",
            [("5", "认定区级科普教育基地5个。", "区科协", "区科技创新局、区文化广电旅游体育局", "11月")],
        ),
    ]
    document = docx.Document()
    document.add_paragraph("南科素办〔2022〕1号")
    document.add_paragraph("深圳市南山区2022年全民科学素质工作任务分工")
    for heading, rows in sections:
        document.add_paragraph(heading)
        table = document.add_table(rows=1 + len(rows), cols=5)
        table.style = "Table Grid"
        for col, text in enumerate(("序号", "工作任务", "牵头单位", "配合单位", "完成时限")):
            table.cell(0, col).text = text
        for r, row in enumerate(rows, start=1):
            for col, text in enumerate(row):
                table.cell(r, col).text = text
    document.add_paragraph("深圳市南山区全民科学素质工作领导小组办公室")
    document.add_paragraph("2022年2月28日")
    document.save(HERE / "21-docx-tables-by-section.docx")


if __name__ == "__main__":
    docx_table()
    xlsx_table()
    docx_prose()
    docx_scheme()
    xlsx_county()
    docx_tables_by_section()
