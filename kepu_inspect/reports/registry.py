"""The score reports by name: what each writes and how, for the CLI to choose from and write.

A renderer turns a scored run into the bytes of one file, written into the stream it is given (the
CLI opens it and replaces the target atomically): the results file of a national run is tens of MB and
is streamed, never held whole. Each renderer imports its module only when its report is asked for,
so ``score --reports json`` never loads the xlsx writer.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import IO

from kepu_inspect.core.results import ScoreRun

Renderer = Callable[[ScoreRun, IO[bytes]], None]


@dataclass(frozen=True)
class ReportFile:
    name: str  # file name; "{stem}" is the run's chosen name (考核结果)
    render: Renderer
    when: Callable[[ScoreRun], bool] | None = None  # written only for runs this says yes to

    def filename(self, stem: str) -> str:
        return self.name.replace("{stem}", stem)


@dataclass(frozen=True)
class Report:
    """One choice of ``--reports``: its files, and whether it needs every unit's item-level detail."""

    name: str
    description: str
    files: tuple[ReportFile, ...]
    needs_items: bool = False


def _json(run: ScoreRun, sink: IO[bytes]) -> None:
    from kepu_inspect.reports.data_report import write_results_json

    write_results_json(run, sink)


def _text(render: Callable[[ScoreRun], str], encoding: str = "utf-8") -> Renderer:
    def write(run: ScoreRun, sink: IO[bytes]) -> None:
        sink.write(render(run).encode(encoding))

    return write


def _ranking_csv(run: ScoreRun) -> str:
    from kepu_inspect.reports.data_report import ranking_csv

    return ranking_csv(run)


def _problems_csv(run: ScoreRun) -> str:
    from kepu_inspect.reports.data_report import problems_csv

    return problems_csv(run.problems())


def _changes_csv(run: ScoreRun) -> str:
    from kepu_inspect.reports.data_report import changes_csv

    return changes_csv(run)


def _html(run: ScoreRun) -> str:
    from kepu_inspect.reports.html_report import render_html

    return render_html(run)


def _ranking_html(run: ScoreRun) -> str:
    from kepu_inspect.reports.html_report import render_ranking_html

    return render_ranking_html(run)


def _xlsx(rankings_only: bool) -> Renderer:
    def write(run: ScoreRun, sink: IO[bytes]) -> None:
        from kepu_inspect.reports.xlsx_report import write_xlsx_report

        write_xlsx_report(run, sink, rankings_only=rankings_only)

    return write


def _tongbao(run: ScoreRun, sink: IO[bytes]) -> None:
    from kepu_inspect.reports.tongbao import write_tongbao

    write_tongbao(run, sink)


# CSV files carry a BOM, so Excel opens the UTF-8 text correctly.
REPORTS: dict[str, Report] = {
    r.name: r
    for r in (
        Report("json", "完整结果，含考核细则哈希和每个文件的 SHA-256", (ReportFile("{stem}.json", _json),)),
        Report(
            "csv",
            "排名表与问题清单，Excel 可直接打开",
            (
                ReportFile("{stem}.csv", _text(_ranking_csv, "utf-8-sig")),
                ReportFile("问题清单.csv", _text(_problems_csv, "utf-8-sig")),
                ReportFile(
                    "更正说明.csv",
                    _text(_changes_csv, "utf-8-sig"),
                    when=lambda run: run.changes is not None or run.ledger is not None,
                ),
            ),
        ),
        Report(
            "xlsx",
            "排名表及柱状图、得分矩阵、项目分析与短板、自评与核定对比、问题清单、逐项评分明细",
            (ReportFile("{stem}.xlsx", _xlsx(rankings_only=False)),),
            needs_items=True,
        ),
        Report(
            "ranking",
            "只含排名表的 xlsx，便于印发通报",
            (ReportFile("{stem}-排名.xlsx", _xlsx(rankings_only=True)),),
        ),
        Report(
            "tongbao",
            "考核结果通报（Word 文档）：正文按考核结果写成，各组排名表作为附件，可直接修改后印发",
            (ReportFile("考核结果通报.docx", _tongbao),),
            needs_items=True,
        ),
        Report(
            "html",
            "网页，浏览器直接打印 A4：完整报告一个文件，只含排名表的一页另一个文件",
            (ReportFile("{stem}.html", _text(_html)), ReportFile("{stem}-排名.html", _text(_ranking_html))),
            needs_items=True,
        ),
    )
}
