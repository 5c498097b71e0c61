"""Write the self-assessment template (自评表) for one unit, byte-for-byte reproducibly."""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from kepu_inspect.adapters import layout as L
from kepu_inspect.adapters.output import normalise_xlsx_bytes, write_bytes_atomic
from kepu_inspect.core.numbers import fmt
from kepu_inspect.core.rubric import Rubric, Unit

BODY_FONT = "宋体"
TITLE_FONT = "黑体"
NOTE_FONT = "仿宋"

THIN = Side(style="thin", color="808080")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
INPUT_FILL = PatternFill("solid", fgColor="FFF9E5")
INSPECTOR_FILL = PatternFill("solid", fgColor="E8F0FB")
SECTION_FILL = PatternFill("solid", fgColor="E7E6E6")
MISSING_FILL = PatternFill("solid", fgColor="FCE4D6", bgColor="FCE4D6")
UNLOCKED = Protection(locked=False)
WRAP = Alignment(wrap_text=True, vertical="center")
WRAP_TOP = Alignment(wrap_text=True, vertical="top")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
MAX_NUMBER = Decimal("999999999")

_RESERVED = re.compile(r"^(CON|PRN|AUX|NUL|COM[1-9]|LPT[1-9])(\..*)?$", re.IGNORECASE)


def safe_filename(name: str, limit: int = 80) -> str:
    """A file name Windows accepts: no reserved characters or names, no trailing dot/space, bounded."""
    cleaned = re.sub(r'[<>:"/\\|?*\x00-\x1f\x7f]', "_", name).strip().rstrip(". ")
    if not cleaned:
        cleaned = "未命名"
    if _RESERVED.match(cleaned):
        cleaned = "_" + cleaned
    return cleaned[:limit].rstrip(". ") or "未命名"


def template_filename(rubric: Rubric, unit: Unit) -> str:
    return safe_filename(f"{rubric.meta.year}年{unit.name}科学素质工作自评表") + ".xlsx"


def _lines(text: str, width: float) -> int:
    """Estimated wrapped line count: a CJK character takes about two width units."""
    per_line = max(1.0, width * 0.95)
    total = 0
    for part in str(text).split("\n"):
        units = sum(2 if ord(ch) > 0x2E7F else 1 for ch in part)
        total += max(1, -(-int(units) // int(per_line)))
    return total


class _Sheet:
    """Small helpers over one worksheet, so the writer reads like the printed form."""

    def __init__(self, ws: Worksheet) -> None:
        self.ws = ws

    def put(self, ref: str, value: Any, *, font: Font | None = None, fill: PatternFill | None = None,
            align: Alignment | None = WRAP, border: bool = True, unlocked: bool = False, fmt_: str | None = None) -> None:
        cell = self.ws[ref]
        cell.value = value
        if font is not None:
            cell.font = font
        if fill is not None:
            cell.fill = fill
        if align is not None:
            cell.alignment = align
        if border:
            cell.border = BORDER
        if unlocked:
            cell.protection = UNLOCKED
        if fmt_:
            cell.number_format = fmt_


def _dv(kind: str, *, formula1: str | None = None, low: Decimal | None = None, high: Decimal | None = None,
        prompt: str, title: str, error: str) -> DataValidation:
    if kind == "list":
        dv = DataValidation(type="list", formula1=formula1, allow_blank=True)
    else:
        dv = DataValidation(type="decimal", operator="between", formula1=fmt(low if low is not None else Decimal(0)),
                            formula2=fmt(high if high is not None else MAX_NUMBER), allow_blank=True)
    dv.promptTitle = title[:32]
    dv.prompt = prompt[:255]
    dv.errorTitle = "输入有误"
    dv.error = error[:225]
    dv.showInputMessage = True
    dv.showErrorMessage = True
    dv.errorStyle = "stop"
    return dv


class TemplateBuilder:
    """Builds one unit's workbook. Split from writing so tests can inspect the openpyxl object."""

    def __init__(self, rubric: Rubric, unit: Unit, password: str | None = None) -> None:
        self.rubric = rubric
        self.unit = unit
        self.password = password
        self.wb = Workbook()
        self.font = Font(name=BODY_FONT, size=10.5)
        self.bold = Font(name=BODY_FONT, size=10.5, bold=True)
        self.validations: dict[tuple[Any, ...], DataValidation] = {}
        self.option_columns: dict[tuple[str, ...], str] = {}
        self.required_cells: dict[str, list[str]] = {}

    # --- workbook ---------------------------------------------------------------------------
    def build(self) -> Workbook:
        wb = self.wb
        cover = wb.active
        assert cover is not None
        cover.title = L.COVER_SHEET
        items = wb.create_sheet(L.ITEM_SHEET)
        options = wb.create_sheet(L.OPTIONS_SHEET)
        identity = wb.create_sheet(L.IDENTITY_SHEET)
        self.options = options
        self.write_cover(cover)
        self.write_items(items)
        self.write_identity(identity)
        options.sheet_state = "hidden"
        identity.sheet_state = "veryHidden"
        for ws in (cover, items, options, identity):
            ws.protection.sheet = True
            ws.protection.formatRows = False  # let people widen rows to read long criteria
            ws.protection.formatColumns = False
            if self.password:
                ws.protection.password = self.password
        wb.security = WorkbookProtection(lockStructure=True)
        if self.password:
            wb.security.workbookPassword = self.password
        wb.active = 1
        props = wb.properties
        props.creator = "kepu-inspect"
        props.title = f"{self.rubric.meta.year}年{self.unit.name}自评表"
        return wb

    def write_cover(self, ws: Worksheet) -> None:
        meta = self.rubric.meta
        s = _Sheet(ws)
        ws.column_dimensions["A"].width = 3
        ws.column_dimensions["B"].width = 18
        ws.column_dimensions["C"].width = 52
        ws.merge_cells("B2:C2")
        s.put("B2", f"{meta.year}年度全民科学素质工作目标责任\n自查自评表", font=Font(name=TITLE_FONT, size=18, bold=True),
              align=CENTER, border=False)
        ws.row_dimensions[2].height = 60
        s.put("B3", meta.title, font=Font(name=NOTE_FONT, size=11), align=CENTER, border=False)
        ws.merge_cells("B3:C3")
        rows = [("单位名称", self.unit.name, False), ("联系人", None, True), ("联系电话", None, True),
                ("填报日期", None, True)]
        for i, (label, value, editable) in enumerate(rows, start=4):
            s.put(f"B{i}", label, font=self.bold, align=CENTER)
            s.put(f"C{i}", value, font=self.font, unlocked=editable, fill=INPUT_FILL if editable else None)
            ws.row_dimensions[i].height = 26
        ws[L.COVER_DATE_CELL].number_format = "yyyy-mm-dd"
        s.put("B9", "单位负责人签字：", font=self.bold, border=False, align=None)
        s.put("C9", "（单位盖章）            年    月    日", font=self.font, border=False, align=None)
        ws.row_dimensions[9].height = 48
        deadline = f"请于 {meta.deadline} 前" if meta.deadline else "请按通知要求的时间"
        notes = [
            "填表说明",
            "1．本表由被考核单位如实填写；“核定分”“核查意见”及否决事项由督导检查组填写，单位不要填写。",
            "2．黄色单元格为填写区：按“填报项目”填写数值，或从下拉列表中选择“是/否”或等级；再填写自评分和佐证材料。",
            "3．橙色表示尚未填写的必填项，填写后颜色自动消失。自评分不得超过该项分值。",
            "4．请勿增删、移动工作表或表中行列，请勿修改表格结构（表格已保护，无需密码即可撤销保护，但请不要这样做）。",
            f"5．{deadline}将本表电子版（.xlsx）和签字盖章的纸质版报送{meta.issuer}。",
            "6．如有弄虚作假，经查实的，考核等次直接定为不合格。",
        ]
        for i, text in enumerate(notes, start=11):
            ws.merge_cells(f"B{i}:C{i}")
            s.put(f"B{i}", text, font=Font(name=NOTE_FONT, size=11, bold=i == 11), border=False, align=WRAP_TOP)
            ws.row_dimensions[i].height = 16 * _lines(text, 66)
        self.page_setup(ws, landscape=False, title_rows=None)

    def write_identity(self, ws: Worksheet) -> None:
        for i, (key, value) in enumerate(L.identity_values(self.rubric, self.unit).items(), start=1):
            ws[f"A{i}"] = key
            ws[f"B{i}"] = value

    def option_range(self, options: tuple[str, ...]) -> str:
        """Level lists live on a hidden sheet: inline lists over 255 characters break files."""
        col = self.option_columns.get(options)
        if col is None:
            from openpyxl.utils import get_column_letter

            col = get_column_letter(len(self.option_columns) + 1)
            self.option_columns[options] = col
            for i, name in enumerate(options, start=1):
                self.options[f"{col}{i}"] = name
        return f"'{L.OPTIONS_SHEET}'!${col}$1:${col}${len(options)}"

    def validate(self, ref: str, key: tuple[Any, ...], factory: Any) -> None:
        dv = self.validations.get(key)
        if dv is None:
            dv = factory()
            self.validations[key] = dv
        dv.add(ref)

    def require(self, ref: str) -> None:
        col = re.match(r"[A-Z]+", ref)
        assert col is not None
        self.required_cells.setdefault(col.group(0), []).append(ref)

    def write_items(self, ws: Worksheet) -> None:
        rubric, unit = self.rubric, self.unit
        s = _Sheet(ws)
        meta = rubric.meta
        last = L.COLUMNS[-1][0]
        for col, _, width in L.COLUMNS:
            ws.column_dimensions[col].width = width
        ws.column_dimensions[L.COL_ID].hidden = True
        ws.merge_cells(f"B1:{last}1")
        s.put("B1", f"{meta.year}年度全民科学素质工作目标责任考核自评表", font=Font(name=TITLE_FONT, size=16, bold=True),
              align=CENTER, border=False)
        ws.row_dimensions[1].height = 30
        max_base = rubric.max_base(unit)
        ws.merge_cells(f"B2:{last}2")
        s.put("B2", f"被考核单位：{unit.name}　　　基本分满分：{fmt(max_base)} 分　　　考核细则：{meta.title}（版本 {meta.version}）",
              font=self.font, align=Alignment(vertical="center"), border=False)
        ws.merge_cells(f"{L.COL_NO}3:{L.COL_MAX}3")
        s.put(f"{L.COL_NO}3", "考核项目及评分标准", font=self.bold, align=CENTER, fill=SECTION_FILL)
        ws.merge_cells(f"{L.COL_LABEL}3:{L.COL_EVIDENCE}3")
        s.put(f"{L.COL_LABEL}3", "单位自评（由被考核单位填写）", font=self.bold, align=CENTER, fill=INPUT_FILL)
        ws.merge_cells(f"{L.COL_VERIFIED}3:{L.COL_OPINION}3")
        s.put(f"{L.COL_VERIFIED}3", "由督导检查组填写", font=self.bold, align=CENTER, fill=INSPECTOR_FILL)
        for col, title, _ in L.COLUMNS:
            s.put(f"{col}{L.HEADER_ROW}", title, font=self.bold, align=CENTER,
                  fill=INSPECTOR_FILL if col in (L.COL_VERIFIED, L.COL_OPINION) else SECTION_FILL)
        ws.freeze_panes = f"C{L.FIRST_DATA_ROW}"

        row = L.FIRST_DATA_ROW
        assignments = rubric.assignments(unit)
        base_subtotals: list[int] = []
        bonus_subtotals: list[int] = []
        for section in rubric.sections:
            sec_items = [a for a in assignments if a.section.id == section.id]
            if not sec_items:
                continue
            ws.merge_cells(f"{L.COL_NO}{row}:{L.COL_TEXT}{row}")
            s.put(f"{L.COL_ID}{row}", f"T:{section.id}", border=False)
            s.put(f"{L.COL_NO}{row}", section.title + ("（加分项目，不计入基本分）" if section.kind == "bonus" else ""),
                  font=self.bold, fill=SECTION_FILL)
            for col in (L.COL_MAX, L.COL_LABEL, L.COL_INPUT, L.COL_SELF, L.COL_EVIDENCE, L.COL_VERIFIED, L.COL_OPINION):
                s.put(f"{col}{row}", None, fill=SECTION_FILL)
            row += 1
            item_rows: list[int] = []
            for a in sec_items:
                item_rows.append(row)
                row = self.write_item(ws, s, a, row)
            # section subtotal
            s.put(f"{L.COL_ID}{row}", f"S:{section.id}", border=False)
            ws.merge_cells(f"{L.COL_NO}{row}:{L.COL_TEXT}{row}")
            s.put(f"{L.COL_NO}{row}", f"{section.title} 小计", font=self.bold, align=Alignment(horizontal="right", vertical="center"))
            sec_max = sum((a.item.points * a.weight for a in sec_items), Decimal(0))
            if section.kind == "bonus" and section.cap is not None:
                sec_max = min(sec_max, section.cap)
            s.put(f"{L.COL_MAX}{row}", float(sec_max), font=self.bold, align=CENTER)
            for col in (L.COL_SELF, L.COL_VERIFIED):
                refs = ",".join(f"{col}{r}" for r in item_rows)
                s.put(f"{col}{row}", f"=SUM({refs})", font=self.bold, align=CENTER, fmt_="0.00")
            for col in (L.COL_LABEL, L.COL_INPUT, L.COL_EVIDENCE, L.COL_OPINION):
                s.put(f"{col}{row}", None)
            (bonus_subtotals if section.kind == "bonus" else base_subtotals).append(row)
            row += 1
        # totals
        for label, rows_, max_value, rid in (
            ("基本分合计", base_subtotals, max_base, "S:base"),
            ("加分合计", bonus_subtotals, None, "S:bonus"),
        ):
            if not rows_:
                continue
            s.put(f"{L.COL_ID}{row}", rid, border=False)
            ws.merge_cells(f"{L.COL_NO}{row}:{L.COL_TEXT}{row}")
            s.put(f"{L.COL_NO}{row}", label, font=self.bold, align=Alignment(horizontal="right", vertical="center"),
                  fill=SECTION_FILL)
            s.put(f"{L.COL_MAX}{row}", float(max_value) if max_value is not None else None, font=self.bold,
                  align=CENTER, fill=SECTION_FILL)
            for col in (L.COL_SELF, L.COL_VERIFIED):
                s.put(f"{col}{row}", "=" + "+".join(f"{col}{r}" for r in rows_), font=self.bold, align=CENTER,
                      fill=SECTION_FILL, fmt_="0.00")
            for col in (L.COL_LABEL, L.COL_INPUT, L.COL_EVIDENCE, L.COL_OPINION):
                s.put(f"{col}{row}", None, fill=SECTION_FILL)
            row += 1
        # gates, answered by the inspection team
        for gate in rubric.gates:
            s.put(f"{L.COL_ID}{row}", f"G:{gate.id}", border=False)
            ws.merge_cells(f"{L.COL_NO}{row}:{L.COL_TEXT}{row}")
            effect = f"等次定为{gate.grade}" if gate.grade else f"扣{fmt(gate.deduct)}分"
            s.put(f"{L.COL_NO}{row}", f"否决事项：{gate.name}（{gate.description or effect}）", font=self.font,
                  fill=INSPECTOR_FILL)
            ws.merge_cells(f"{L.COL_MAX}{row}:{L.COL_SELF}{row}")
            s.put(f"{L.COL_MAX}{row}", "由督导检查组填写 →", font=self.font, fill=INSPECTOR_FILL, align=CENTER)
            s.put(f"{L.COL_EVIDENCE}{row}", None, fill=INSPECTOR_FILL)
            s.put(f"{L.COL_VERIFIED}{row}", None, unlocked=True, fill=INSPECTOR_FILL, align=CENTER)
            s.put(f"{L.COL_OPINION}{row}", None, unlocked=True, fill=INSPECTOR_FILL)
            self.validate(f"{L.COL_VERIFIED}{row}", ("yesno-gate",), lambda g=gate: _dv(
                "list", formula1='"是,否"', title="否决事项", prompt="督导检查组填写：经查实存在该情形的选“是”，否则选“否”。",
                error="请从下拉列表中选择“是”或“否”。"))
            ws.row_dimensions[row].height = 16 * _lines(gate.name + gate.description, 60)
            row += 1
        s.put(f"B{row + 1}", "被考核单位负责人（签字）：                    督导检查组成员（签字）：",
              font=self.font, border=False, align=None)
        self.last_row = row
        for dv in self.validations.values():
            ws.add_data_validation(dv)
        self.add_required_highlight(ws)
        self.page_setup(ws, landscape=True, title_rows=L.TITLE_ROWS)
        ws.print_area = f"B1:{last}{row + 1}"

    def write_item(self, ws: Worksheet, s: _Sheet, a: Any, row: int) -> int:
        item, weight = a.item, a.weight
        first = row
        s.put(f"{L.COL_ID}{row}", item.id, border=False)
        s.put(f"{L.COL_NO}{row}", item.number or item.id, font=self.font, align=CENTER)
        s.put(f"{L.COL_TITLE}{row}", item.title, font=self.bold)
        content = item.content
        extras = []
        if item.plan_items:
            extras.append("工作要点第" + "、".join(str(n) for n in item.plan_items) + "条")
        if item.verification:
            extras.append("核查方式：" + item.verification)
        if weight != 1:
            extras.append(f"本单位为牵头单位，分值×{fmt(weight)}")
        text = content + (("\n（" + "；".join(extras) + "）") if extras else "")
        s.put(f"{L.COL_TEXT}{row}", text, font=self.font, align=WRAP_TOP)
        item_max = item.points * weight
        s.put(f"{L.COL_MAX}{row}", float(item_max), font=self.bold, align=CENTER)
        s.put(f"{L.COL_LABEL}{row}", "本项小计", font=self.bold, align=CENTER)
        s.put(f"{L.COL_INPUT}{row}", None)
        evidence_hint = item.evidence or "请列出佐证材料名称"
        s.put(f"{L.COL_EVIDENCE}{row}", None, unlocked=True, fill=INPUT_FILL, font=self.font)
        prompt = f"请列出佐证材料名称或编号。本项要求：{evidence_hint}"
        self.validate(f"{L.COL_EVIDENCE}{row}", ("evidence", prompt), lambda: _text_prompt("佐证材料", prompt))
        if item.evidence_required:
            self.require(f"{L.COL_EVIDENCE}{row}")
        s.put(f"{L.COL_OPINION}{row}", None, unlocked=True, fill=INSPECTOR_FILL, font=self.font)
        row += 1
        crit_rows: list[int] = []
        for crit in item.criteria:
            crit_max = crit.points * weight
            for n, ir in enumerate(L.input_rows(item.id, crit)):
                s.put(f"{L.COL_ID}{row}", ir.row_id, border=False)
                s.put(f"{L.COL_NO}{row}", None)
                s.put(f"{L.COL_TITLE}{row}", None)
                if n == 0:
                    crit_rows.append(row)
                    label = ("【加分】" if crit.bonus else "") + crit.text
                    s.put(f"{L.COL_TEXT}{row}", label, font=self.font)
                    s.put(f"{L.COL_MAX}{row}", float(crit_max), font=self.font, align=CENTER)
                    s.put(f"{L.COL_SELF}{row}", None, unlocked=True, fill=INPUT_FILL, align=CENTER, fmt_="General")
                    self.validate(f"{L.COL_SELF}{row}", ("self", crit_max), lambda m=crit_max: _dv(
                        "decimal", low=Decimal(0), high=m, title="自评分",
                        prompt=f"请按评分标准填写自评分（0～{fmt(m)}分）。", error=f"自评分应为 0～{fmt(m)} 之间的数字。"))
                    self.require(f"{L.COL_SELF}{row}")
                    s.put(f"{L.COL_VERIFIED}{row}", None, unlocked=True, fill=INSPECTOR_FILL, align=CENTER)
                    self.validate(f"{L.COL_VERIFIED}{row}", ("verified", crit_max), lambda m=crit_max: _dv(
                        "decimal", low=Decimal(0), high=m, title="核定分（督导检查组填写）",
                        prompt=f"督导检查组填写核定分（0～{fmt(m)}分）。", error=f"核定分应为 0～{fmt(m)} 之间的数字。"))
                else:
                    for col in (L.COL_TEXT, L.COL_MAX, L.COL_SELF, L.COL_VERIFIED):
                        s.put(f"{col}{row}", None)
                s.put(f"{L.COL_EVIDENCE}{row}", None)
                s.put(f"{L.COL_OPINION}{row}", None, unlocked=n == 0, fill=INSPECTOR_FILL if n == 0 else None)
                self.write_input(s, ir, row)
                height = max(_lines(crit.text if n == 0 else "", 46), _lines(ir.spec.label, 16)) * 15
                ws.row_dimensions[row].height = max(18, height)
                row += 1
        for col in (L.COL_SELF, L.COL_VERIFIED):
            refs = ",".join(f"{col}{r}" for r in crit_rows)
            formula = f"=SUM({refs})" if col == L.COL_SELF else f'=IF(COUNT({refs})=0,"",SUM({refs}))'
            s.put(f"{col}{first}", formula, font=self.bold, align=CENTER, fmt_="0.00")
        ws.row_dimensions[first].height = max(30, 14 * _lines(text, 46))
        return row

    def write_input(self, s: _Sheet, ir: L.InputRow, row: int) -> None:
        spec = ir.spec
        label_ref, input_ref = f"{L.COL_LABEL}{row}", f"{L.COL_INPUT}{row}"
        if spec.kind == "score":
            s.put(label_ref, "（直接填写自评分）", font=self.font)
            s.put(input_ref, "—", align=CENTER)
            return
        s.put(label_ref, spec.label + (f"（{spec.unit}）" if spec.unit and spec.kind == "number" else ""), font=self.font)
        s.put(input_ref, None, unlocked=True, fill=INPUT_FILL, align=CENTER)
        self.require(input_ref)
        if spec.kind == "yesno":
            self.validate(input_ref, ("yesno",), lambda: _dv(
                "list", formula1='"是,否"', title="是/否", prompt="请从下拉列表中选择“是”或“否”。",
                error="只能选择“是”或“否”。"))
        elif spec.kind == "level":
            rng = self.option_range(spec.options)
            self.validate(input_ref, ("level", spec.options), lambda: _dv(
                "list", formula1=rng, title="等级", prompt="请从下拉列表中选择：" + "、".join(spec.options),
                error="请从下拉列表中选择：" + "、".join(spec.options)))
        else:
            unit = spec.unit or ""
            self.validate(input_ref, ("number", spec.low, spec.high, unit), lambda: _dv(
                "decimal", low=spec.low, high=spec.high, title="填写数值",
                prompt=f"请填写数字{('（单位：' + unit + '）') if unit else ''}，不要填写文字或单位。",
                error="请填写不小于 0 的数字，不要填写文字、范围或单位。"))

    def add_required_highlight(self, ws: Worksheet) -> None:
        from openpyxl.formatting.rule import FormulaRule

        for _col, refs in sorted(self.required_cells.items()):
            if not refs:
                continue
            first = refs[0]
            rule = FormulaRule(formula=[f'LEN(TRIM({first}))=0'], fill=MISSING_FILL, stopIfTrue=False)
            ws.conditional_formatting.add(" ".join(refs), rule)

    @staticmethod
    def page_setup(ws: Worksheet, *, landscape: bool, title_rows: str | None) -> None:
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.orientation = "landscape" if landscape else "portrait"
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.print_options.horizontalCentered = True
        ws.page_margins.left = ws.page_margins.right = 0.5
        ws.page_margins.top = ws.page_margins.bottom = 0.7
        if title_rows:
            ws.print_title_rows = title_rows
        ws.oddFooter.center.text = "第 &P 页 共 &N 页"
        ws.oddFooter.center.font = BODY_FONT


def _text_prompt(title: str, prompt: str) -> DataValidation:
    """A prompt-only validation (any text allowed) so the filler sees what evidence is expected."""
    dv = DataValidation(type=None, allow_blank=True)
    dv.promptTitle = title[:32]
    dv.prompt = prompt[:255]
    dv.showInputMessage = True
    dv.showErrorMessage = False
    return dv


def template_bytes(rubric: Rubric, unit: Unit, password: str | None = None) -> bytes:
    wb = TemplateBuilder(rubric, unit, password).build()
    buffer = io.BytesIO()
    wb.save(buffer)
    return normalise_xlsx_bytes(buffer.getvalue())


def write_template(rubric: Rubric, unit: Unit, directory: Path, password: str | None = None) -> Path:
    target = directory / template_filename(rubric, unit)
    write_bytes_atomic(target, template_bytes(rubric, unit, password))
    return target


def write_templates(rubric: Rubric, units: Iterable[Unit], directory: Path, password: str | None = None) -> list[Path]:
    return [write_template(rubric, u, directory, password) for u in units]
