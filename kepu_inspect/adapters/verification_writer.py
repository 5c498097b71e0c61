"""Write an inspection team's verification workbook (核查表): what each unit reported, and room for each
inspector's 检查方式, 核定分, 核查意见 and 否决事项, and for the leader's 督导检查意见.

The unit's part is shown read-only, as read from its submission (whose SHA-256 the identity records, so
a later resubmission is noticed). Inspectors type only into the blue cells; validation keeps 核定分
within the criterion's range and the answers to the listed choices. A4 landscape, one page wide.
"""

from __future__ import annotations

import contextlib
import io
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.styles.cell_style import StyleArray
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from kepu_inspect.adapters import layout as L
from kepu_inspect.adapters import verification_layout as V

# the form's look is the templates' (fonts, fills, borders, wrapping with 避头尾, A4 setup, validations)
from kepu_inspect.adapters.output import normalise_xlsx_bytes
from kepu_inspect.adapters.teams_file import Team
from kepu_inspect.adapters.template_writer import (
    BODY,
    BOLD,
    CENTER,
    INSPECTOR_FILL,
    NOTE,
    SECTION_FILL,
    SHEET_TITLE,
    WRAP,
    WRAP_TOP,
    _dv,
    _height,
    _Sheet,
    _StyleKey,
    a4_page_setup,
    form_subject,
    gate_label,
    wrap_text,
)
from kepu_inspect.adapters.verification_layout import PreviousSheet
from kepu_inspect.core.numbers import fmt
from kepu_inspect.core.rubric import Rubric, Unit
from kepu_inspect.core.scoring import score_range
from kepu_inspect.core.submission import Submission
from kepu_inspect.core.verification import IN_SUBMISSION

CHANGED_FILL = "FCE4D6"  # carried over: the unit's data changed since the inspector's marks


@dataclass(frozen=True)
class UnitSource:
    """A unit's counted submission, as the inspectors will see it."""

    unit: Unit
    submission: Submission
    sha256: str
    file_name: str


@dataclass(frozen=True)
class Written:
    data: bytes
    changed: tuple[str, ...]  # "宝丰县 第3项（…）" rows whose data changed under carried-over marks


def _count(wrapped: str) -> int:
    """Lines of text the writer wrapped itself (so every application prints the same lines)."""
    return wrapped.count("\n") + 1 if wrapped else 1


def _value_text(value: object) -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, Decimal):
        return fmt(value)
    return "" if value is None else str(value)


class VerificationBuilder:
    def __init__(
        self,
        rubric: Rubric,
        team: Team,
        units: Sequence[UnitSource],
        previous: Mapping[tuple[str, str], PreviousSheet] | None = None,
        password: str | None = None,
    ) -> None:
        self.rubric = rubric
        self.team = team
        self.units = units
        self.previous = previous or {}
        self.password = password
        self.wb = Workbook()
        self.cache: dict[_StyleKey, StyleArray] = {}
        self.taken: set[str] = {V.GUIDE_SHEET, V.IDENTITY_SHEET}
        self.owners: list[tuple[str, str, str]] = []  # (sheet name, unit id, inspector)
        self.changed: list[str] = []
        self.validations: dict[tuple[Any, ...], DataValidation] = {}

    @property
    def inspectors(self) -> tuple[str, ...]:
        return self.team.members or ("检查人员1",)

    def build(self) -> Workbook:
        guide = self.wb.active
        assert guide is not None
        guide.title = V.GUIDE_SHEET
        for source in self.units:
            for who in self.inspectors:
                self.inspector_sheet(source, who)
            self.summary_sheet(source)
        self.guide(guide)
        self.identity()
        for ws in self.wb.worksheets:
            ws.protection.sheet = True
            ws.protection.formatRows = False
            ws.protection.formatColumns = False
            if self.password:
                ws.protection.password = self.password
        return self.wb

    # --- sheets -------------------------------------------------------------------------------
    def new_sheet(self, unit: Unit, who: str) -> tuple[Worksheet, _Sheet]:
        name = V.sheet_name(unit.name, who if who != V.SUMMARY_MARK else "汇总", self.taken)
        ws = self.wb.create_sheet(name)
        self.owners.append((name, unit.id, who))
        return ws, _Sheet(ws, self.cache)

    def inspector_sheet(self, source: UnitSource, who: str) -> None:
        unit, sub = source.unit, source.submission
        ws, s = self.new_sheet(unit, who)
        prev = self.previous.get((unit.id, who))
        for col, _, width in V.COLUMNS:
            ws.column_dimensions[col].width = width
        ws.column_dimensions[V.COL_ID].hidden = True
        last = V.COLUMNS[-1][0]
        s.put(
            "B",
            1,
            f"{self.rubric.meta.year}年{form_subject(self.rubric)}督导检查核查表",
            font=SHEET_TITLE,
            align=CENTER,
            border=False,
        )
        s.merge(f"B1:{last}1")
        ws.row_dimensions[1].height = 30
        s.put(
            "B",
            2,
            wrap_text(
                f"被考核单位：{unit.name}　　检查组：{self.team.name}　　依据自评表：{source.file_name}", 150
            ),
            font=BODY,
            align=WRAP,
            border=False,
        )
        s.merge(f"B2:{last}2")
        s.put(V.INSPECTOR_LABEL_CELL[0], 3, "检查人员：", font=BOLD, align=WRAP, border=False)
        name = (
            prev.inspector
            if prev is not None and who.startswith("检查人员")
            else ("" if who.startswith("检查人员") else who)
        )
        s.put(V.INSPECTOR_CELL[0], 3, name, font=BOLD, fill=INSPECTOR_FILL, unlocked=True, align=WRAP)
        for col, title, _ in V.COLUMNS:
            s.put(col, V.HEADER_ROW, title, font=BOLD, fill=SECTION_FILL, align=CENTER)
        row = V.FIRST_DATA_ROW
        scores: list[str] = []
        for a in self.rubric.assignments(unit):
            item = a.item
            entry = sub.items.get(item.id)
            item_text = wrap_text(item.title, 12)
            s.put(V.COL_ID, row, item.id)
            s.put(V.COL_NO, row, item.number or "", align=CENTER, font=BOLD)
            s.put(V.COL_TITLE, row, item_text, font=BOLD)
            s.put(V.COL_TEXT, row, wrap_text(item.content[:300], 34) if item.content else "")
            s.put(
                V.COL_MAX,
                row,
                float(a.max_points) if a.max_points else fmt(a.item.bonus_points),
                align=CENTER,
            )
            s.put(V.COL_DATA, row, "")
            s.put(V.COL_SELF, row, "")
            s.put(V.COL_EVIDENCE, row, wrap_text(entry.evidence if entry else "", 14))
            self.input_cell(s, V.COL_METHOD, row, prev, item.id, "method")
            s.put(V.COL_VERIFIED, row, "")
            self.input_cell(s, V.COL_OPINION, row, prev, item.id, "opinion")
            ws.row_dimensions[row].height = _height(
                max(
                    _count(item_text),
                    _count(wrap_text(item.content[:300], 34)),
                    _count(wrap_text(entry.evidence if entry else "", 14)),
                    2,
                )
            )
            self.validate(ws, "method", f"{V.COL_METHOD}{row}")
            row += 1
            for crit in item.criteria:
                uid = L.criterion_uid(item.id, crit)
                centry = sub.criteria.get(uid)
                data = "\n".join(
                    f"{spec.label}：{_value_text(centry.values.get(spec.key)) if centry else ''}"
                    for spec in crit.input_specs
                )
                self_text = _value_text(centry.self_score) if centry and centry.self_score is not None else ""
                low, high = score_range(crit, a.weight)
                s.put(V.COL_ID, row, uid)
                s.put(V.COL_NO, row, "")
                s.put(V.COL_TITLE, row, "加分" if crit.bonus else "")
                text = wrap_text(crit.text, 34)
                s.put(V.COL_TEXT, row, text)
                s.put(V.COL_MAX, row, float(crit.points * a.weight), align=CENTER)
                changed = prev is not None and self.changed_since(prev, uid, data, self_text)
                fill = CHANGED_FILL if changed else None
                s.put(V.COL_DATA, row, wrap_text(data, 18), fill=fill)
                s.put(V.COL_SELF, row, self_text, align=CENTER, fill=fill)
                s.put(V.COL_EVIDENCE, row, "")
                s.put(V.COL_METHOD, row, "")
                self.input_cell(s, V.COL_VERIFIED, row, prev, uid, "verified", number=True)
                s.put(V.COL_OPINION, row, "已变化，请复核" if changed else "", font=NOTE)
                if changed and who == self.inspectors[0]:
                    self.changed.append(
                        f"{unit.name} {item.number or item.id} {item.title}（{crit.text[:16]}）"
                    )
                ws.row_dimensions[row].height = _height(max(_count(text), _count(wrap_text(data, 18)), 1))
                self.validate(ws, ("score", low, high), f"{V.COL_VERIFIED}{row}")
                scores.append(f"{V.COL_VERIFIED}{row}")
                row += 1
        answered = [g for g in self.rubric.gates if not g.automatic]  # a section minimum is scored, not asked
        if answered:
            s.put(
                V.COL_TEXT,
                row,
                "否决事项、扣分事项（“是”即查实；请在核查意见栏写明查实情况）",
                font=BOLD,
                fill=SECTION_FILL,
            )
            s.merge(f"{V.COL_TEXT}{row}:{V.COL_OPINION}{row}")
            row += 1
            for g in answered:
                s.put(V.COL_ID, row, f"G:{g.id}")
                text = wrap_text(f"{gate_label(g)}：{g.name}（{g.description or g.effect()}）", 34)
                s.put(V.COL_TEXT, row, text)
                s.merge(f"{V.COL_TEXT}{row}:{V.COL_SELF}{row}")
                self.input_cell(s, V.COL_VERIFIED, row, prev, f"G:{g.id}", "verified")
                self.input_cell(s, V.COL_OPINION, row, prev, f"G:{g.id}", "opinion")
                self.validate(ws, "yesno", f"{V.COL_VERIFIED}{row}")
                ws.row_dimensions[row].height = _height(max(_count(wrap_text(text, 60)), 2))
                row += 1
        row += 1
        s.put(V.COL_TEXT, row, "检查人员签字：", font=BOLD, border=False)
        s.put(V.COL_EVIDENCE, row, "日期：", font=BOLD, border=False)
        ws.row_dimensions[row].height = 28
        ws.freeze_panes = f"C{V.FIRST_DATA_ROW}"
        a4_page_setup(ws, landscape=True, title_rows=f"{V.HEADER_ROW}:{V.HEADER_ROW}")
        ws.print_area = f"B1:{last}{row}"

    def input_cell(
        self,
        s: _Sheet,
        col: str,
        row: int,
        prev: PreviousSheet | None,
        rid: str,
        key: str,
        number: bool = False,
    ) -> None:
        value: Any = ""
        if prev is not None:
            value = prev.cells.get(rid, {}).get(key, "")
            if number and value:
                with contextlib.suppress(ValueError):  # not a number: kept as the text the inspector typed
                    value = float(value) if "." in value else int(value)
        s.put(
            col,
            row,
            value if value != "" else None,
            fill=INSPECTOR_FILL,
            unlocked=True,
            align=CENTER if col in (V.COL_VERIFIED, V.COL_METHOD) else WRAP_TOP,
        )

    @staticmethod
    def changed_since(prev: PreviousSheet, uid: str, data: str, self_text: str) -> bool:
        old = prev.cells.get(uid)
        if not old:
            return False
        return (old.get("data", "").replace("\n", ""), old.get("self", "")) != (
            data.replace("\n", ""),
            self_text,
        )

    def validate(self, ws: Worksheet, kind: Any, ref: str) -> None:
        if kind == "method":
            dv = _dv(
                "list",
                formula1='"' + ",".join(V.METHODS) + '"',
                prompt="资料检查、实地查看或抽查",
                title="检查方式",
                error="请从下拉列表中选择",
            )
        elif kind == "yesno":
            dv = _dv(
                "list",
                formula1='"是,否"',
                prompt="查实选“是”，否则选“否”",
                title="否决事项",
                error="请选择“是”或“否”",
            )
        else:
            _, low, high = kind
            dv = _dv(
                "decimal",
                low=low,
                high=high,
                prompt=f"填写 {fmt(low)}～{fmt(high)} 之间的分数",
                title="核定分",
                error=f"核定分应在 {fmt(low)}～{fmt(high)} 之间",
            )
        key = (ws.title, dv.type, dv.formula1, dv.formula2)
        existing = self.validations.get(key)
        if existing is None:
            ws.add_data_validation(dv)
            self.validations[key] = existing = dv
        existing.add(ref)

    def summary_sheet(self, source: UnitSource) -> None:
        unit = source.unit
        ws, s = self.new_sheet(unit, V.SUMMARY_MARK)
        prev = self.previous.get((unit.id, V.SUMMARY_MARK))
        ws.column_dimensions["A"].width = 2
        ws.column_dimensions["B"].width = 14
        ws.column_dimensions["C"].width = 90
        s.put("B", 1, f"{unit.name}督导检查意见", font=SHEET_TITLE, align=CENTER, border=False)
        s.merge("B1:C1")
        ws.row_dimensions[1].height = 30
        s.put(
            "B",
            2,
            f"检查组：{self.team.name}　　组长：{self.team.leader or '（请填写）'}　　成员：{'、'.join(self.team.members) or '（请填写）'}",
            align=WRAP,
            border=False,
        )
        s.merge("B2:C2")
        s.put("B", 3, "由检查组组长填写，可直接复制到通报中。", font=NOTE, align=WRAP, border=False)
        s.merge("B3:C3")
        for i, (key, label) in enumerate(V.SUMMARY_ROWS):
            r = V.SUMMARY_FIRST_ROW + i
            s.put("B", r, label, font=BOLD, fill=SECTION_FILL, align=CENTER)
            text = prev.cells.get(V.SUMMARY_MARK, {}).get(key, "") if prev is not None else ""
            s.put("C", r, text or None, fill=INSPECTOR_FILL, unlocked=True, align=WRAP_TOP)
            ws.row_dimensions[r].height = 120
        r = V.SUMMARY_FIRST_ROW + len(V.SUMMARY_ROWS) + 1
        s.put("B", r, "检查组组长签字：", font=BOLD, border=False)
        s.put("C", r, "　　　　　　　　　　　　　　　　日期：", font=BOLD, border=False)
        a4_page_setup(ws, landscape=False, title_rows=None)

    def guide(self, ws: Worksheet) -> None:
        s = _Sheet(ws, self.cache)
        ws.column_dimensions["A"].width = 2
        ws.column_dimensions["B"].width = 20
        ws.column_dimensions["C"].width = 70
        s.put(
            "B",
            1,
            f"{self.rubric.meta.year}年{form_subject(self.rubric)}督导检查核查表",
            font=SHEET_TITLE,
            align=CENTER,
            border=False,
        )
        s.merge("B1:C1")
        ws.row_dimensions[1].height = 32
        combine = {
            "single": "每个评分细项由一名检查人员核定",
            "mean": "各检查人员核定分的平均分",
            "trimmed_mean": f"{self.rubric.settings.trim_from}人及以上时去掉一个最高分和一个最低分后的平均分",
            "leader": "以组长的核定分为准",
        }[self.rubric.settings.combine]
        lines = [
            ("检查组", self.team.name),
            ("组长", self.team.leader or "（未指定）"),
            ("检查人员", "、".join(self.inspectors)),
            ("被考核单位", "、".join(u.unit.name for u in self.units) or "（无）"),
            ("核定分的合成", f"{combine}（考核细则规定）"),
            (
                "填写方法",
                "每位检查人员在自己的工作表（单位名-姓名）中，逐项选择检查方式，填写核定分和核查意见，"
                "并回答否决事项（查实的写明情况）；组长在“单位名-汇总”工作表填写督导检查意见。"
                "蓝色格子为填写区；单位填报的数据、自评分和佐证材料来自其报送的自评表，不能修改。",
            ),
            (
                "注意",
                "核定分须在该项分值范围内；不要删除、重命名工作表或插入、删除行。填好后交市素质办，"
                "用 kepu-inspect score 与各单位自评表一起评分。",
            ),
        ]
        if self.changed:
            lines.append(
                (
                    "数据已变化",
                    "以下评分细项在检查人员填写核定分后，单位重新报送的数据有变化（橙色），请复核："
                    + "；".join(self.changed),
                )
            )
        for i, (label, text) in enumerate(lines, start=3):
            s.put("B", i, label, font=BOLD, fill=SECTION_FILL, align=CENTER)
            wrapped = wrap_text(text, 70)
            s.put("C", i, wrapped, align=WRAP)
            ws.row_dimensions[i].height = _height(max(_count(wrapped), 1))
        a4_page_setup(ws, landscape=False, title_rows=None)

    def identity(self) -> None:
        ws = self.wb.create_sheet(V.IDENTITY_SHEET)
        ws.sheet_state = "veryHidden"
        meta = self.rubric.meta
        rows: list[tuple[str, str]] = [
            ("kind", V.KIND),
            ("rubric_id", meta.id),
            ("rubric_version", meta.version),
            ("rubric_hash", self.rubric.content_hash),
            ("structure", self.rubric.structure_fingerprint()),
            ("team", self.team.name),
            ("leader", self.team.leader),
            ("inspectors", "、".join(self.inspectors)),
            ("template_version", L.TEMPLATE_VERSION),
            ("year", str(meta.year)),
        ]
        rows += [(f"{V.UNIT_PREFIX}{u.unit.id}", f"{u.sha256}|{u.file_name}") for u in self.units]
        rows += [(f"{V.SHEET_PREFIX}{name}", f"{unit_id}|{who}") for name, unit_id, who in self.owners]
        for r, (key, value) in enumerate(rows, start=1):
            ws.cell(row=r, column=1, value=key).data_type = "s"
            ws.cell(row=r, column=2, value=value).data_type = "s"


def verification_bytes(
    rubric: Rubric,
    team: Team,
    units: Sequence[UnitSource],
    previous: Mapping[tuple[str, str], PreviousSheet] | None = None,
    password: str | None = None,
) -> Written:
    """The team's workbook as bytes (equal inputs, equal bytes), and the rows marked as changed."""
    builder = VerificationBuilder(rubric, team, units, previous, password)
    wb = builder.build()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        ExcelWriter(wb, archive).write_data()
    return Written(normalise_xlsx_bytes(buffer.getvalue()), tuple(builder.changed))


def default_team(unit: Unit, inspectors: int = 1) -> Team:
    """Without a team list: one workbook per unit, with ``inspectors`` unnamed inspectors' sheets."""
    members = tuple(f"检查人员{i}" for i in range(1, inspectors + 1)) if inspectors > 1 else ("检查人员1",)
    return Team(f"{unit.name}督导检查组", "", members, (unit.id,))


__all__ = ["IN_SUBMISSION", "PreviousSheet", "UnitSource", "Written", "default_team", "verification_bytes"]
