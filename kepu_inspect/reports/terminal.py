"""Rich renderables for the terminal: ranked tables, the intake ledger, problems grouped by unit."""

from __future__ import annotations

from collections import defaultdict

from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
from rich.console import Group as RichGroup
from rich.table import Table
from rich.text import Text

from kepu_inspect.core.problems import Problem, Severity
from kepu_inspect.core.results import Intake, ScoreRun
from kepu_inspect.reports.problems_view import problems_table
from kepu_inspect.reports.safe_text import displayable
from kepu_inspect.reports.tables import ranking_tables, report_title

GRADE_STYLE = {
    "优秀": "bold green",
    "良好": "green",
    "合格": "yellow",
    "不合格": "bold red",
    "好": "bold green",
    "较好": "green",
    "一般": "yellow",
    "差": "bold red",
}
LEDGER_STYLE = {
    "已收到": "green",
    "未收到": "yellow",
    "重复报送": "red",
    "材料无效": "red",
    "不参加考核": "dim",
}
RIGHT = {"自评分", "核定分", "加分", "扣分", "总分", "得分率", "名次"}


SCREEN_ROWS = 60  # a screen table longer than this helps nobody: the reports have every row
# columns given up first when the screen is too narrow for every figure (名次, 单位, 总分, 等次 stay)
DROP_ORDER = ("备注", "较上年", "自评分", "加分", "扣分", "核定分", "得分率")
KEEP_ALWAYS = ("名次", "单位", "总分", "等次")


def _cell_width(text: str) -> int:
    from rich.cells import cell_len

    return max((cell_len(line) for line in text.split("\n")), default=0)


class RankingView:
    """A group's ranking that fits the screen without ever cropping a figure, a rank or a grade.

    Rich shrinks columns to fit the console, which turns 99.34 into "99.3" and 优秀 into "优". This
    renderable measures the screen first: every figure column keeps its full width; when they do not
    all fit, the least needed columns are left out (备注 first, printed under the table instead), and
    only the unit's name may wrap.
    """

    def __init__(self, title: str, columns: tuple[str, ...], rows: list[tuple[str, ...]]) -> None:
        self.title = title
        self.columns = columns
        self.rows = rows

    def _widths(self) -> dict[str, int]:
        return {
            col: max([_cell_width(col), *(_cell_width(displayable(r[i])) for r in self.rows)])
            for i, col in enumerate(self.columns)
        }

    def _choose(self, max_width: int) -> list[str]:
        widths = self._widths()
        chosen = list(self.columns)

        def need(cols: list[str]) -> int:
            # each column: its text, one space of padding either side, one border; plus the outer border
            fixed = sum(widths[c] + 3 for c in cols if c != "备注") + 1
            return fixed + (min(widths["备注"], 12) + 3 if "备注" in cols else 0)

        for col in DROP_ORDER:
            if need(chosen) <= max_width:
                break
            if col in chosen:
                chosen.remove(col)
        return chosen

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        chosen = self._choose(options.max_width)
        widths = self._widths()
        table = Table(title=self.title, title_justify="left", title_style="bold")
        for col in chosen:
            figure = col not in ("单位", "备注")
            table.add_column(
                col,
                justify="right" if col in RIGHT else "left",
                no_wrap=figure,
                overflow="fold",
                min_width=widths[col] if figure else (4 if col == "单位" else 8),
            )
        index = {c: i for i, c in enumerate(self.columns)}
        for row in self.rows:
            cells = [Text(displayable(row[index[c]])) for c in chosen]
            if "等次" in chosen:
                grade = row[index["等次"]]
                cells[chosen.index("等次")].stylize(GRADE_STYLE.get(grade, ""))
            table.add_row(*cells)
        yield table
        dropped = [c for c in self.columns if c not in chosen and c != "备注"]
        if "备注" in self.columns and "备注" not in chosen:
            notes = [(row[index["单位"]], row[index["备注"]]) for row in self.rows if row[index["备注"]]]
            for unit, note in notes:
                yield Text(displayable(f"{unit}：{note}"))
        if dropped:
            yield Text(
                f"（屏幕较窄，未显示：{'、'.join(dropped)}；完整排名见 xlsx / html / csv 报告。）",
                style="dim",
            )


def ranking_view(run: ScoreRun, limit: int = SCREEN_ROWS) -> RenderableType:
    parts: list[RenderableType] = [Text(f"{report_title(run)}（{run.date}）", style="bold")]
    for t in ranking_tables(run):
        note = "（按得分率×100 比较）" if t.normalised else ""
        shown = t.rows if len(t.rows) <= limit else t.rows[: limit - 10]
        parts.append(RankingView(f"{t.group_name}{note}", t.columns, shown))
        if len(shown) < len(t.rows):
            parts.append(
                Text(
                    f"…… 仅显示前 {len(shown)} 名，共 {len(t.rows)} 个单位；完整排名见 xlsx / html / csv 报告。",
                    style="dim",
                )
            )
    return RichGroup(*parts)


def ledger_view(intake: Intake) -> RenderableType:
    table = Table(title="材料接收情况", title_justify="left", title_style="bold")
    for col in ("单位", "分组", "状态", "文件"):
        table.add_column(col, overflow="fold")
    rows = intake.ledger
    received = [r for r in rows if r.status == "已收到"]
    if len(rows) > SCREEN_ROWS:  # a national run: list only what needs attention
        rows = [r for r in rows if r.status != "已收到"]
    for row in rows:
        table.add_row(
            Text(displayable(row.unit_name)),
            Text(displayable(row.group)),
            Text(row.status, style=LEDGER_STYLE[row.status]),
            Text(displayable("\n".join(row.files))),
        )
    parts: list[RenderableType] = [table]
    if len(rows) < len(intake.ledger):
        parts.append(
            Text(
                f"其余 {len(received)} 个单位均已收到（完整收件情况见 json 报告或 check --format csv）。",
                style="dim",
            )
        )
    extra = Table(title="未计入的文件", title_justify="left", title_style="bold")
    extra.add_column("文件", overflow="fold")
    extra.add_column("原因", overflow="fold")
    for path in intake.unidentified:
        extra.add_row(Text(displayable(path)), Text("无法确定所属单位或文件无法读取（见下方问题）"))
    for s in intake.skipped:
        extra.add_row(Text(displayable(s.path)), Text(displayable("已跳过：" + s.reason)))
    if extra.row_count:
        parts.append(extra)
    return RichGroup(*parts)


def summary_line(intake: Intake, problems: list[Problem]) -> Text:
    counts: defaultdict[str, int] = defaultdict(int)
    for row in intake.ledger:
        counts[row.status] += 1
    errors = sum(1 for p in problems if p.severity is Severity.ERROR)
    warnings = sum(1 for p in problems if p.severity is Severity.WARNING)
    text = (
        f"共读取 {len(intake.readings)} 个文件，跳过 {len(intake.skipped)} 个；"
        f"应报单位 {sum(counts[k] for k in ('已收到', '未收到', '重复报送', '材料无效'))} 个："
        f"已收到 {counts['已收到']}，未收到 {counts['未收到']}，重复 {counts['重复报送']}，"
        f"材料无效 {counts['材料无效']}；错误 {errors} 个，警告 {warnings} 个。"
    )
    return Text(text, style="bold red" if errors else ("yellow" if warnings else "green"))


def problems_overview(problems: list[Problem], limit: int = 200) -> RenderableType:
    """Every problem grouped by unit, or — for a large run — a count per code, errors listed."""
    if len(problems) <= limit:
        return problems_by_unit(problems)
    counts: dict[tuple[str, str, str], int] = defaultdict(int)
    for p in problems:
        counts[(p.code.name, p.severity.label, p.code.template)] += 1
    table = Table(
        title=f"共 {len(problems)} 个问题（按代码汇总；逐条清单见 问题清单.csv）", title_justify="left"
    )
    for col in ("代码", "级别", "问题", "个数"):
        table.add_column(col, overflow="fold")
    for (code, label, template), n in sorted(counts.items()):
        table.add_row(code, label, displayable(template), str(n))
    errors = [p for p in problems if p.severity is Severity.ERROR]
    parts: list[RenderableType] = [table]
    if errors:
        parts.append(problems_by_unit(errors[:limit]))
    return RichGroup(*parts)


def problems_by_unit(problems: list[Problem]) -> RenderableType:
    grouped: dict[str, list[Problem]] = defaultdict(list)
    for p in problems:
        grouped[p.unit or "（未识别单位的文件）"].append(p)
    parts: list[RenderableType] = []
    for unit in sorted(grouped, key=lambda u: (u.startswith("（"), u)):
        items = grouped[unit]
        parts.append(problems_table(items, title=f"{displayable(unit)}：{len(items)} 个问题"))
    return RichGroup(*parts)


def problems_summary(problems: list[Problem], full_list: str | None, first: int = 5) -> RenderableType:
    """A few lines instead of every problem: counts per unit, the first errors, where the full list is.

    ``full_list`` is the path of 问题清单.csv when it was written."""
    by_unit: dict[str, list[Problem]] = defaultdict(list)
    for p in problems:
        by_unit[p.unit or "（未识别单位的文件）"].append(p)
    errors = [p for p in problems if p.severity is Severity.ERROR]
    warnings = sum(1 for p in problems if p.severity is Severity.WARNING)

    def counts(items: list[Problem]) -> str:
        e = sum(1 for p in items if p.severity is Severity.ERROR)
        w = sum(1 for p in items if p.severity is Severity.WARNING)
        parts = [f"错误 {e}" if e else "", f"警告 {w}" if w else ""]
        return " ".join(x for x in parts if x) or "提示"

    ranked = sorted(
        by_unit.items(), key=lambda kv: (-sum(p.severity is Severity.ERROR for p in kv[1]), kv[0])
    )
    lines = [
        Text(
            f"问题摘要：错误 {len(errors)} 个，警告 {warnings} 个，涉及 {len(by_unit)} 个单位", style="bold"
        ),
        Text(
            "  "
            + "；".join(f"{displayable(u)} {counts(items)}" for u, items in ranked[:12])
            + ("……" if len(ranked) > 12 else "")
        ),
    ]
    shown = (errors or problems)[:first]
    for p in shown:
        where = p.location.replace(f"{p.file} · ", "") if p.file else p.location
        lines.append(
            Text(
                f"  {p.code.name} {displayable(p.unit or '')} {displayable(where)}：{displayable(p.message)}",
                style="red" if p.severity is Severity.ERROR else "yellow",
            )
        )
    rest = len(problems) - len(shown)
    where = f"完整清单见 {displayable(full_list)}" if full_list else "生成 csv 报告可得到完整清单"
    lines.append(
        Text(
            f"  {'另有 ' + str(rest) + ' 个问题；' if rest else ''}{where}；加 --verbose 在屏幕上逐条列出。",
            style="dim",
        )
    )
    return RichGroup(*lines)


REVIEW_SHOWN = 5


def review_view(run: ScoreRun) -> RenderableType | None:
    """复核提示 in a few lines: how many ranks and grades are fragile, and the closest calls."""
    review = run.review
    if review is None or review.empty:
        return Text("复核提示：没有名次或等次会因有争议的评分而改变。", style="green")
    lines: list[RenderableType] = [
        Text(
            f"复核提示（公示前请核对）：{len(review.pairs)} 对单位的名次、{len(review.grades)} 个单位的等次"
            "可能因有争议的评分（自评分与核定分不同、检查人员意见不一、未核定）而改变。最接近的：",
            style="bold yellow",
        )
    ]
    for p in review.pairs[:REVIEW_SHOWN]:
        lines.append(
            Text(
                displayable(
                    f"  · {p.group}第{p.first_rank}名{p.first}与第{p.second_rank}名{p.second}"
                    f"相差{p.gap}分：{p.reason}"
                )
            )
        )
    for g in review.grades[:REVIEW_SHOWN]:
        lines.append(Text(displayable(f"  · {g.group}{g.unit}（{g.score}分，{g.grade}）：{g.reason}")))
    lines.append(Text("  完整的复核提示见 xlsx 报告的“复核提示”工作表、html 报告和 json。", style="dim"))
    return RichGroup(*lines)


def changes_view(run: ScoreRun) -> RenderableType:
    """更正说明 and 异议处理情况 as two short tables."""
    from kepu_inspect.reports.tables import CHANGE_COLUMNS, OBJECTION_COLUMNS, change_rows, objection_rows

    parts: list[RenderableType] = []
    if run.changes is not None:
        rows = change_rows(run)
        if not rows:
            parts.append(
                Text("更正说明：与公示结果相比，没有单位的名次、得分或等次发生变化。", style="green")
            )
        else:
            table = Table(
                title=f"更正说明（与公示结果相比，{len(rows)} 个单位有变化）",
                title_justify="left",
                title_style="bold",
            )
            for col in CHANGE_COLUMNS:
                table.add_column(col, overflow="fold")
            for row in rows:
                table.add_row(*(Text(displayable(v)) for v in row))
            parts.append(table)
    objections = objection_rows(run)
    if objections:
        table = Table(title=f"异议处理情况（{len(objections)} 件）", title_justify="left", title_style="bold")
        for col in OBJECTION_COLUMNS:
            table.add_column(col, overflow="fold")
        for row in objections:
            table.add_row(*(Text(displayable(v)) for v in row))
        parts.append(table)
    return RichGroup(*parts)
