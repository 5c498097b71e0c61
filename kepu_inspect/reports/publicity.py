"""公示名单: the list published for objections — units, scores, grades per group, the period, where to object.

A printable page (A4, the browser prints it), separate from the detailed reports: this is what goes on
the notice board or the website during 公示.
"""

from __future__ import annotations

import html

from kepu_inspect.core.results import ScoreRun
from kepu_inspect.reports.tables import group_title, ranking_tables, report_date, report_title

_CSS = """
@page { size: A4; margin: 18mm 16mm; }
body { font-family: "FangSong", "仿宋", "Noto Serif CJK SC", serif; font-size: 12pt; color: #000; }
h1 { font-family: "SimHei", "黑体", "Noto Sans CJK SC", sans-serif; font-size: 18pt; text-align: center; }
h2 { font-size: 14pt; margin-top: 1.2em; }
table { border-collapse: collapse; width: 100%; page-break-inside: auto; table-layout: fixed; }
col.rank { width: 9%; } col.unit { width: 24%; } col.score { width: 11%; } col.grade { width: 10%; }
td:nth-child(1), td:nth-child(3), td:nth-child(4) { white-space: nowrap; }
thead { display: table-header-group; }
tr { page-break-inside: avoid; }
th, td { border: 1px solid #000; padding: 3px 6px; text-align: center; }
td.name, td.note { text-align: left; }
p.notice { text-indent: 2em; line-height: 1.8; }
p.sign { text-align: right; margin-top: 2em; line-height: 1.8; }
"""


def _t(text: object) -> str:
    return html.escape(str(text))


def publicity_html(run: ScoreRun, period: str | None, contact: str | None) -> str:
    """The 公示名单 page: every group's ranked units with score and grade, the period and where to object."""
    meta = run.rubric.meta
    title = f"{report_title(run)}公示"
    parts = [f"<h1>{_t(title)}</h1>"]
    when = f"公示期为{period}" if period else "公示期内"
    where = (
        f"如有异议，请于公示期内以书面形式向{contact}反映"
        if contact
        else f"如有异议，请于公示期内以书面形式向{meta.issuer}反映"
    )
    parts.append(
        f'<p class="notice">根据《{_t(meta.title)}》，经单位自评、督导检查组核查和综合评定，现将考核结果予以公示。'
        f"{_t(when)}，{_t(where)}，并提供相关材料。</p>"
    )
    for table in ranking_tables(run):
        columns = ("名次", "单位", "总分", "等次", "备注")
        index = {c: i for i, c in enumerate(table.columns)}
        rows = []
        for row in table.rows:
            cells = [row[index[c]] for c in columns]
            rows.append(
                "<tr>"
                + "".join(
                    f'<td class="{"name" if c == "单位" else "note" if c == "备注" else ""}">{_t(v)}</td>'
                    for c, v in zip(columns, cells, strict=True)
                )
                + "</tr>"
            )
        head = "".join(f"<th>{c}</th>" for c in columns)
        cols = '<colgroup><col class="rank"><col class="unit"><col class="score"><col class="grade"><col></colgroup>'
        parts.append(
            f"<h2>{_t(group_title(run, table.group_name))}</h2>"
            f"<table>{cols}<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
        )
    parts.append(f'<p class="sign">{_t(meta.issuer)}<br>{_t(report_date(run))}</p>')
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{_t(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
        + "\n".join(parts)
        + "\n</body>\n</html>\n"
    )
