"""The printable html report of ``kepu-inspect score``: one self-contained file for A4.

No scripts, no external resources: inline CSS and SVG bar charts drawn here. The same tables as the
result workbook (rankings per group with coloured grades, item analysis, self vs verified, problems) and
each unit's item-level detail in ``<details open>`` blocks (collapsible on screen, printed in full).
Every piece of text from the inputs is neutralised and HTML-escaped.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from decimal import ROUND_CEILING, Decimal

from kepu_inspect import __version__
from kepu_inspect.core.numbers import HUNDRED, ZERO, fmt
from kepu_inspect.core.results import ScoreRun
from kepu_inspect.reports.tables import (
    CHANGE_COLUMNS,
    DETAIL_COLUMNS,
    ITEM_ANALYSIS_COLUMNS,
    OBJECTION_COLUMNS,
    PROBLEM_COLUMNS,
    PROBLEM_SUMMARY_COLUMNS,
    REVIEW_GRADE_COLUMNS,
    REVIEW_PAIR_COLUMNS,
    SELF_VS_VERIFIED_COLUMNS,
    WEAK_ITEMS,
    RankingTable,
    change_rows,
    criterion_label,
    dated,
    grade_tone,
    group_title,
    in_group,
    inputs_text,
    inspection_lines,
    is_weak,
    item_analysis,
    item_label,
    objection_rows,
    problem_rows,
    problem_summary,
    ranking_notes,
    ranking_tables,
    report_date,
    report_title,
    review_tables,
    safe_text,
    scored_in_rank_order,
    self_vs_verified,
)

DETAIL_UNIT_LIMIT = 60  # more scored units than this: no per-unit detail in html (it is in the workbook)
CHART_MAX_BARS = 40
GRADE_COLOURS = ("#c6efce", "#ddebf7", "#ffeb9c", "#ffc7ce")  # tone 0 (best) … 3, as in the workbook
BAR_COLOURS = ("#4e8f5a", "#4a78b0", "#c9a227", "#c0504d")
FONT_STACK = '"SimSun", "宋体", "Noto Serif CJK SC", "Noto Sans CJK SC", serif'
_NUMBER = re.compile(r"-?\d+(\.\d+)?%?")
NUMERIC = {
    "名次",
    "自评分",
    "核定分",
    "加分",
    "扣分",
    "总分",
    "得分率",
    "差值",
    "疑似虚报项数",
    "分值",
    "得分",
    "排序",
    "考核单位数",
    "平均得分率",
    "条数",
    "涉及单位数",
    "较上年",
}

CSS = """
@page {
  size: A4;
  margin: 16mm 12mm 16mm 12mm;
  @bottom-center { content: "第 " counter(page) " 页 共 " counter(pages) " 页"; font-size: 9pt; color: #444; }
}
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { font-family: FONTS; font-size: 10.5pt; line-height: 1.45; color: #111; margin: 0; }
main { max-width: 186mm; margin: 0 auto; padding: 8mm 0; }
main:has(section.wide) { max-width: 273mm; }
h1 { font-size: 18pt; text-align: center; margin: 0 0 2mm; letter-spacing: 0.5pt; }
h2 { font-size: 14pt; margin: 0 0 2mm; border-bottom: 1.5pt solid #333; padding-bottom: 1mm; }
h3 { font-size: 11.5pt; margin: 4mm 0 1.5mm; }
p { margin: 1mm 0; }
.meta { text-align: center; color: #333; }
.date { text-align: right; }
.note { font-size: 9pt; color: #444; }
section { margin-top: 8mm; }
section.page { break-before: page; margin-top: 0; }
@page wide { size: A4 landscape; }
section.wide { page: wide; }
table.fixed { table-layout: fixed; }
table { border-collapse: collapse; width: 100%; margin: 2mm 0; font-size: 9.5pt; table-layout: auto; }
thead { display: table-header-group; }
tr { break-inside: avoid; }
th, td { border: 0.6pt solid #808080; padding: 1mm 1.4mm; vertical-align: middle; overflow-wrap: anywhere; }
th { background: #e7e6e6; font-weight: bold; text-align: center; }
td.num { text-align: center; white-space: nowrap; }
td.grade { text-align: center; font-weight: bold; white-space: nowrap; }
table.ranking th, table.ranking td.name { white-space: nowrap; }  /* 备注 takes what is left */
tr.unscored td { color: #777; }
.g0 { background: #c6efce; } .g1 { background: #ddebf7; } .g2 { background: #ffeb9c; } .g3 { background: #ffc7ce; }
.error { background: #ffc7ce; } .warning { background: #ffeb9c; }
.flag { color: #c00000; font-weight: bold; }
.weak { background: #ffc7ce; color: #c00000; font-weight: bold; text-align: center; }
table.detail { font-size: 8.5pt; }
table.detail td.reason { min-width: 40mm; }
.inspection { margin: 1mm 0 2mm; break-inside: avoid; font-size: 9.5pt; }
.inspection h4 { font-size: 10pt; margin: 0 0 1mm; }
.inspection dl { display: grid; grid-template-columns: 22mm 1fr; margin: 0; border-top: 0.6pt solid #808080; }
.inspection dt, .inspection dd { margin: 0; padding: 0.8mm 1.4mm; border-bottom: 0.6pt solid #808080; }
.inspection dt { font-weight: bold; text-align: center; background: #e7e6e6; white-space: nowrap; }
figure { margin: 3mm 0; break-inside: avoid; }
figcaption { font-size: 9pt; color: #444; text-align: center; }
svg { width: 100%; height: auto; }
svg text { font-family: FONTS; }
details { margin: 3mm 0; }
details > summary { font-weight: bold; font-size: 11pt; cursor: pointer; break-after: avoid; }
@media print {
  main { max-width: none; padding: 0; }
  section.wide { width: auto; }
  details > summary { list-style: none; }
  details > summary::-webkit-details-marker { display: none; }
  details::details-content { content-visibility: visible; display: contents; }
}
""".replace("FONTS", FONT_STACK)


def _t(value: object) -> str:
    """Input text as html: neutralised, forbidden characters replaced, escaped."""
    return html.escape(safe_text(value), quote=True)


def _n(value: str) -> str:
    """A number we formatted (e.g. a negative difference) stays as it is; anything else is input text."""
    return html.escape(value) if _NUMBER.fullmatch(value) else _t(value)


def _table(columns: Sequence[str], rows: Iterable[str], css: str = "", widths: Sequence[int] = ()) -> str:
    """A table whose header row repeats on every printed page; ``widths`` in percent fix the layout."""
    head = "".join(f"<th>{_t(c)}</th>" for c in columns)
    classes = " ".join(c for c in (css, "fixed" if widths else "") if c)
    cls = f' class="{classes}"' if classes else ""
    cols = "".join(f'<col style="width:{w}%">' for w in widths)
    cols = f"<colgroup>{cols}</colgroup>" if cols else ""
    return f"<table{cls}>{cols}<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _cells(columns: Sequence[str], values: Sequence[str]) -> str:
    return "".join(
        f'<td class="num">{_n(v)}</td>' if c in NUMERIC else f"<td>{_t(v)}</td>"
        for c, v in zip(columns, values, strict=True)
    )


def _nice_max(value: Decimal) -> Decimal:
    """A round axis end at or above ``value`` (a multiple of 20, or of 4 up to 10), so the quarter ticks are round."""
    if value <= 0:
        return Decimal(1)
    step = Decimal(20) if value > 10 else Decimal(4)
    return (value / step).to_integral_value(rounding=ROUND_CEILING) * step


def bar_chart_svg(
    bars: Sequence[tuple[str, Decimal, int | None]], axis_max: Decimal, *, suffix: str = "", decimals: int = 2
) -> str:
    """A horizontal bar chart as inline SVG: (label, value, grade tone or None) per bar, first at the top."""
    label_w, plot_w, value_w, row_h, top = 150, 440, 70, 18, 22
    width = label_w + plot_w + value_w
    height = top + row_h * len(bars) + 8
    parts = [f'<svg viewBox="0 0 {width} {height}" role="img" font-size="11">']  # inline svg needs no xmlns
    for k in range(5):  # grid lines and axis labels at 0, 25, 50, 75, 100 % of the axis
        x = label_w + plot_w * k // 4
        tick = axis_max * k / 4
        parts.append(
            f'<line x1="{x}" y1="{top - 4}" x2="{x}" y2="{height - 6}" stroke="#d0d0d0" stroke-width="0.6"/>'
            f'<text x="{x}" y="{top - 8}" text-anchor="middle" fill="#555">{fmt(tick)}{_t(suffix)}</text>'
        )
    for i, (label, value, tone) in enumerate(bars):
        y = top + i * row_h
        share = max(ZERO, min(value, axis_max)) / axis_max if axis_max else ZERO
        bar_w = fmt(share * plot_w, 1)
        colour = BAR_COLOURS[tone] if tone is not None else "#4a78b0"
        shown = label if len(label) <= 11 else label[:10] + "…"
        parts.append(
            f'<text x="{label_w - 6}" y="{y + 13}" text-anchor="end">{_t(shown)}</text>'
            f'<rect x="{label_w}" y="{y + 3}" width="{bar_w}" height="{row_h - 6}" fill="{colour}"/>'
            f'<text x="{label_w + plot_w + 6}" y="{y + 13}">{fmt(value, decimals)}{_t(suffix)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _ranking_section(run: ScoreRun, table: RankingTable, first: bool) -> str:
    rows = []
    for r, values in zip(table.ranked, table.rows, strict=True):
        cells = []
        for c, v in zip(table.columns, values, strict=True):
            if c == "等次":
                tone = grade_tone(run, r.result.grade)
                cls = f"grade g{tone}" if tone is not None else "grade"
                cells.append(f'<td class="{cls}">{_t(v)}</td>')
            elif c in NUMERIC:
                cells.append(f'<td class="num">{_n(v)}</td>')
            elif c == "单位":
                cells.append(f'<td class="name">{_t(v)}</td>')
            else:
                cells.append(f"<td>{_t(v)}</td>")
        cls = "" if r.result.scored else ' class="unscored"'
        rows.append(f"<tr{cls}>{''.join(cells)}</tr>")
    scored = [r for r in table.ranked if r.result.scored]
    notes = ranking_notes(run, table)
    chart = ""
    if scored:
        shown = scored[:CHART_MAX_BARS]
        bars = [(r.result.unit_name, r.result.score, grade_tone(run, r.result.grade)) for r in shown]
        caption = f"{table.group_name}总分" + (f"（前{len(shown)}名）" if len(scored) > len(shown) else "")
        chart = (
            f"<figure>{bar_chart_svg(bars, _nice_max(max(r.result.score for r in shown)), decimals=run.rubric.settings.decimals)}"
            f"<figcaption>{_t(caption)}</figcaption></figure>"
        )
    cls = "" if first else ' class="page"'
    return (
        f"<section{cls}><h2>{_t(group_title(run, table.group_name))}</h2>"
        f'<p class="date">{_t(dated(run))}</p>'
        f'{_table(table.columns, rows, "ranking")}<p class="note">说明：{_t(notes)}</p>{chart}</section>'
    )


def _analysis_section(run: ScoreRun) -> str:
    analysis = item_analysis(run)
    if not analysis:
        return '<section class="page"><h2>考核项目分析</h2><p>没有已评分的单位。</p></section>'
    rows = []
    for i, a in enumerate(analysis):
        weak = is_weak(i, a)
        values = (
            str(i + 1),
            a.number,
            a.title,
            str(a.units),
            fmt(a.average_rate * HUNDRED, 1) + "%",
            a.lowest_unit,
        )
        mark = '<td class="weak">短板</td>' if weak else "<td></td>"
        rows.append(f"<tr>{_cells(ITEM_ANALYSIS_COLUMNS[:-1], values)}{mark}</tr>")
    shown = analysis[:CHART_MAX_BARS]
    bars = [
        (
            (f"{a.number} " if a.number else "") + a.title,
            a.average_rate * HUNDRED,
            3 if is_weak(i, a) else None,
        )
        for i, a in enumerate(shown)
    ]
    caption = "各项目平均得分率（由低到高）" + (
        f"，仅列最低的{len(shown)}项" if len(analysis) > len(shown) else ""
    )
    return (
        '<section class="page"><h2>考核项目分析（短板）</h2>'
        f'<p class="note">按平均得分率由低到高排列。平均得分率 = 各单位该项得分 ÷ 该项分值的平均数（不含加分项目）；'
        f"平均得分率最低的{WEAK_ITEMS}项（满分项目除外）列为短板。</p>"
        f"{_table(ITEM_ANALYSIS_COLUMNS, rows, 'analysis')}"
        f"<figure>{bar_chart_svg(bars, HUNDRED, suffix='%', decimals=1)}<figcaption>{_t(caption)}</figcaption></figure>"
        "</section>"
    )


def _self_vs_verified_section(run: ScoreRun) -> str:
    rows = []
    for values in self_vs_verified(run):
        flagged = values[5] not in ("", "0")
        cells = _cells(SELF_VS_VERIFIED_COLUMNS, values)
        if flagged:
            cells = cells.replace('<td class="num">', '<td class="num flag">')
        rows.append(f"<tr>{cells}</tr>")
    threshold = run.rubric.settings.overclaim_threshold
    rule = (
        f"单项自评分比核定分高出 {fmt(threshold)} 分以上的，列为疑似虚报。" if threshold is not None else ""
    )
    body = _table(SELF_VS_VERIFIED_COLUMNS, rows, "compare") if rows else "<p>没有已评分的单位。</p>"
    return (
        f'<section class="page"><h2>自评分与核定分对比</h2><p class="note">差值 = 自评分 − 核定分。{_t(rule)}</p>'
        f"{body}</section>"
    )


def _problems_section(run: ScoreRun) -> str:
    rows = problem_rows(run)
    if not rows:
        return '<section class="page"><h2>材料问题清单</h2><p>未发现问题。</p></section>'
    summary = [f"<tr>{_cells(PROBLEM_SUMMARY_COLUMNS, values)}</tr>" for values in problem_summary(run)]
    level_class = {"错误": "error", "警告": "warning"}
    body = []
    for values in rows:
        cells = _cells(PROBLEM_COLUMNS, values)
        cls = level_class.get(values[1])
        if cls:
            cells = cells.replace(f"<td>{_t(values[1])}</td>", f'<td class="{cls}">{_t(values[1])}</td>', 1)
        body.append(f"<tr>{cells}</tr>")
    return (
        '<section class="page wide"><h2>材料问题清单</h2>'
        f"<h3>按问题类型汇总（共 {len(rows)} 条）</h3>{_table(PROBLEM_SUMMARY_COLUMNS, summary, 'summary', (7, 5, 5, 8, 75))}"
        f"<h3>逐条清单</h3>{_table(PROBLEM_COLUMNS, body, 'problems', (7, 5, 11, 19, 10, 28, 20))}</section>"
    )


def _changes_section(run: ScoreRun) -> str:
    """更正说明 and 异议处理情况, when corrections were applied or compared with the published results."""
    if run.changes is None and run.ledger is None:
        return ""
    changes, objections = change_rows(run), objection_rows(run)
    body = '<section class="page wide"><h2>更正说明</h2>'
    if run.changes is not None and not changes:
        body += "<p>与公示结果相比，没有单位的名次、得分或等次发生变化。</p>"
    elif changes:
        rows = [f"<tr>{_cells(CHANGE_COLUMNS, values)}</tr>" for values in changes]
        body += _table(CHANGE_COLUMNS, rows, "changes", (10, 12, 20, 20, 38))
    if objections:
        rows = [f"<tr>{_cells(OBJECTION_COLUMNS, values)}</tr>" for values in objections]
        body += f"<h3>异议处理情况（{len(objections)} 件）</h3>" + _table(
            OBJECTION_COLUMNS, rows, "objections", (12, 26, 26, 18, 8, 10)
        )
    return body + "</section>"


def _review_section(run: ScoreRun) -> str:
    """复核提示: the ranks and grades a disputed score could change, closest calls first."""
    pairs, grades = review_tables(run)
    head = '<section class="page wide"><h2>复核提示（公示前核对）</h2>'
    if not pairs and not grades:
        return head + "<p>没有名次或等次会因有争议的评分而改变。</p></section>"
    note = (
        "每项有争议的评分（自评分与核定分不同、检查人员意见不一、未核定、否决事项意见不一）取其可能的最低和最高值，"
        "得到每个单位总分的区间；两个单位的区间重叠即名次可能互换，区间跨过等次分数线即等次可能改变。"
    )
    pair_rows = [f"<tr>{_cells(REVIEW_PAIR_COLUMNS, values)}</tr>" for values in pairs]
    grade_rows = [f"<tr>{_cells(REVIEW_GRADE_COLUMNS, values)}</tr>" for values in grades]
    return (
        f'{head}<p class="note">{_t(note)}</p>'
        f"<h3>名次可能互换（{len(pairs)} 对）</h3>{_table(REVIEW_PAIR_COLUMNS, pair_rows, 'review', (10, 4, 10, 4, 10, 5, 57))}"
        f"<h3>等次可能改变（{len(grades)} 个）</h3>"
        f"{_table(REVIEW_GRADE_COLUMNS, grade_rows, 'review', (10, 4, 10, 6, 5, 6, 5, 54))}</section>"
    )


UNIT_DETAIL_COLUMNS = DETAIL_COLUMNS[2:]
DETAIL_WIDTHS = (4, 9, 17, 7, 4, 14, 5, 5, 5, 17, 13)


def _detail_section(run: ScoreRun, units: int, show: bool) -> str:
    if not show:
        return (
            '<section class="page"><h2>评分明细</h2>'
            f"<p>本次考核已评分单位 {units} 个，逐项评分明细数量较大，未列入本报告，请查阅结果工作簿中的“评分明细”表"
            "（可按单位、项目筛选）。</p></section>"
        )
    d = run.rubric.settings.decimals
    blocks = []
    for group_name, r in scored_in_rank_order(run):
        res = r.result
        rows = []
        for it in res.items:
            span = len(it.criteria)
            for i, c in enumerate(it.criteria):
                values = (
                    it.number,
                    item_label(it),
                    criterion_label(c),
                    c.rule,
                    fmt(c.max_points),
                    inputs_text(c),
                    "" if c.self_score is None else fmt(c.self_score),
                    "" if c.verified is None else fmt(c.verified),
                    fmt(c.points),
                )
                # the item's 核查意见 once, beside all its criteria
                opinion = "" if i else f'<td class="opinion" rowspan="{span}">{_t(it.opinion)}</td>'
                rows.append(
                    f'<tr>{_cells(UNIT_DETAIL_COLUMNS[:-2], values)}<td class="reason">{_t(c.reason)}</td>'
                    f"{opinion}</tr>"
                )
        summary = f"{in_group(res.unit_name, group_name)}　名次 {r.rank}　总分 {fmt(res.score, d)}　等次 {res.grade or '—'}"
        facts = (
            f"基本分满分 {fmt(res.max_base)}，自评分 {fmt(res.self_total, d)}，核定分 {fmt(res.base, d)}，"
            f"加分 {fmt(res.bonus, d)}，扣分 {fmt(res.deductions, d)}"
            + ("；" + "；".join(res.notes) if res.notes else "")
        )
        record = inspection_lines(res)
        inspected = (
            '<div class="inspection"><h4>督导检查意见</h4><dl>'
            + "".join(f"<dt>{_t(label)}</dt><dd>{_t(text)}</dd>" for label, text in record)
            + "</dl></div>"
            if record
            else ""
        )
        blocks.append(
            f'<details open><summary>{_t(summary)}</summary><p class="note">{_t(facts)}</p>{inspected}'
            f"{_table(UNIT_DETAIL_COLUMNS, rows, 'detail', DETAIL_WIDTHS)}</details>"
        )
    return f'<section class="page wide"><h2>评分明细</h2>{"".join(blocks)}</section>'


def _overview(run: ScoreRun, tables: list[RankingTable]) -> str:
    grade_names = [b.name for b in run.rubric.grades]
    columns = ("分组", "参加考核单位", "已评分", "未报送", "材料无效", *grade_names)
    rows = []
    for table in tables:
        results = [r.result for r in table.ranked]
        counts = [
            str(len(results)),
            str(sum(r.scored for r in results)),
            str(sum(r.status == "missing" for r in results)),
            str(sum(r.status == "invalid" for r in results)),
        ]
        counts += [str(sum(r.scored and r.grade == g for r in results)) for g in grade_names]
        rows.append(
            f"<tr><td>{_t(table.group_name)}</td>{''.join(f'<td class=num>{c}</td>' for c in counts)}</tr>"
        )
    return _table(columns, rows, "overview") if rows else "<p>没有参加考核的单位。</p>"


RANKING_CSS = """
@page {
  size: A4;
  margin: 18mm 15mm 16mm 15mm;
  @bottom-center { content: "第 " counter(page) " 页 共 " counter(pages) " 页"; font-size: 9pt; color: #444; }
}
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { font-family: FONTS; font-size: 11pt; line-height: 1.5; color: #000; margin: 0; line-break: strict; }
main { max-width: 180mm; margin: 0 auto; padding: 8mm 0; }
h1 { font-size: 18pt; text-align: center; margin: 0 0 3mm; }
h2 { font-size: 14pt; text-align: center; margin: 6mm 0 2mm; break-after: avoid; }
.meta { display: flex; justify-content: space-between; font-size: 10.5pt; margin: 0 0 2mm; }
section { break-inside: auto; }
section + section { break-before: page; }
table { border-collapse: collapse; width: 100%; font-size: 10.5pt; table-layout: auto; }
thead { display: table-header-group; }
tr { break-inside: avoid; page-break-inside: avoid; }
th, td { border: 0.75pt solid #000; padding: 0.9mm 1.2mm; vertical-align: middle; line-height: 1.35; }
th { font-weight: bold; text-align: center; background: #f0f0f0; white-space: nowrap; }
td.num { text-align: center; white-space: nowrap; }
td.name { white-space: nowrap; }
tr.unscored td { color: #555; }
.note { font-size: 9.5pt; margin-top: 2mm; text-align: justify; }
@media print { main { max-width: none; padding: 0; } }
""".replace("FONTS", FONT_STACK)


def render_ranking_html(run: ScoreRun) -> str:
    """The rankings alone, one group a page, for printing as the 通报's attachment or posting for 公示:
    title, issuer and date, the ranking table (header repeated on every page, no row split), the 说明."""
    title = report_title(run)
    sections = []
    for table in ranking_tables(run):
        rows = []
        for r, values in zip(table.ranked, table.rows, strict=True):
            cells = []
            for c, v in zip(table.columns, values, strict=True):
                if c in NUMERIC or c == "等次":
                    cells.append(f'<td class="num">{_n(v)}</td>')
                elif c == "单位":
                    cells.append(f'<td class="name">{_t(v)}</td>')
                else:
                    cells.append(f"<td>{_t(v)}</td>")
            cls = "" if r.result.scored else ' class="unscored"'
            rows.append(f"<tr{cls}>{''.join(cells)}</tr>")
        sections.append(
            f"<section><h2>{_t(group_title(run, table.group_name))}</h2>"
            f'<p class="meta"><span>{_t(run.rubric.meta.issuer)}</span><span>{_t(dated(run))}</span></p>'
            f"{_table(table.columns, rows, 'ranking')}"
            f'<p class="note">说明：{_t(ranking_notes(run, table))}</p></section>'
        )
    body = "".join(sections) or "<p>没有参加考核的单位。</p>"
    return (
        "<!DOCTYPE html>\n"
        '<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta name="generator" content="kepu-inspect {_t(__version__)}">\n'
        f"<title>{_t(title)}（排名）</title>\n<style>{RANKING_CSS}</style>\n</head>\n<body>\n<main>\n"
        f"{body}\n</main>\n</body>\n</html>\n"
    )


def render_html(run: ScoreRun, *, unit_detail: bool | None = None) -> str:
    """The whole report as one html document (A4 print CSS, inline SVG, no scripts or external files).

    ``unit_detail``: include each unit's item-level detail; None includes it up to DETAIL_UNIT_LIMIT
    scored units (beyond that it runs to thousands of pages; the workbook has it as a filterable table).
    """
    meta = run.rubric.meta
    title = report_title(run)
    tables = ranking_tables(run)
    scored = len(scored_in_rank_order(run))
    show_detail = scored <= DETAIL_UNIT_LIMIT if unit_detail is None else unit_detail
    sections = [_ranking_section(run, t, first=i == 0) for i, t in enumerate(tables)]
    sections += [
        _analysis_section(run),
        _self_vs_verified_section(run),
        _review_section(run),
        _changes_section(run),
        _problems_section(run),
        _detail_section(run, scored, show_detail),
    ]
    return (
        "<!DOCTYPE html>\n"
        '<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta name="generator" content="kepu-inspect {_t(__version__)}">\n'
        f"<title>{_t(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<main>\n"
        f"<header><h1>{_t(title)}</h1>"
        f'<p class="meta">{_t(meta.issuer)}　　{_t(report_date(run))}</p>'
        f'<p class="meta note">考核细则：{_t(meta.title)}（版本 {_t(meta.version)}）</p>'
        f"{_overview(run, tables)}</header>\n" + "\n".join(sections) + "\n</main>\n</body>\n</html>\n"
    )
