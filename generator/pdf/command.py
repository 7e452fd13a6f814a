"""`budgetsite pdf`: check the content, then render the requested PDFs in one process."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from generator.pdf.build import Written, build, compendium_job, compendium_pdf_path, unit_job, unit_pdf_path
from generator.pdf.fetcher import ResourceRefused


@dataclass
class Request:
    content: Path
    output: Path
    unit: str | None = None
    year: int | None = None
    compendium: bool = False
    archival: bool = True


class PdfFailed(Exception):
    """A user-facing failure; the message is already in Chinese."""


def run(request: Request, echo) -> list[Written]:
    from generator.check import check_site

    report = check_site(request.content)
    if report.failed():
        for diagnostic in report.diagnostics:
            if not diagnostic.acknowledged:
                echo(diagnostic.to_text())
        raise PdfFailed(f"内容检查未通过（{report.errors} 个错误），未生成 PDF。请先运行 budgetsite check 并改正。")
    contexts = _contexts(report, request.unit, request.year)
    if not contexts:
        raise PdfFailed("没有符合条件的单位或年度。")
    from generator.build_errors import BuildFailed
    from generator.commit import exclusive

    try:
        with exclusive(request.output.resolve()):  # a build writing the same output meanwhile would undo these files
            return _write_all(contexts, report, request, echo)
    except BuildFailed as busy:
        raise PdfFailed(str(busy)) from None


def _write_all(contexts: list, report, request: Request, echo) -> list[Written]:
    from generator.manifest import Manifest

    Manifest.forget(request.output.resolve())  # the output changes behind `build`'s back: its next run is full
    written = []
    charts = request.output.parent / ".cache" / "charts"  # where `build` keeps them: the pages' charts
    for ctx in contexts:
        path = unit_pdf_path(request.output, ctx.entry.unit.id, ctx.entry.year)
        written.append(_one(lambda: unit_job(ctx, report.site, chart_cache=charts), report.site, path,
                            request.archival, echo))
    if request.compendium:
        for year in sorted({ctx.entry.year for ctx in contexts}):
            same_year = _contexts(report, None, year)
            path = compendium_pdf_path(request.output, year)
            written.append(_one(lambda: compendium_job(same_year, report.site, year, charts), report.site, path,
                                request.archival, echo))
    return written


def _contexts(report, unit: str | None, year: int | None) -> list:
    """The disclosures asked for, every one of them: `report.contexts` holds only those this process read
    (a check of many units reads most of them in worker processes), so each is asked of the report."""
    keys = [f"{u.id}/{y.year}" for u in report.site.units if unit in (None, u.id)
            for y in u.years if year in (None, y.year)]
    return [ctx for ctx in map(report.context, keys) if ctx is not None]


def _one(factory, site, path: Path, archival: bool, echo) -> Written:
    try:
        result = build(factory, site, path, archival)
    except ResourceRefused as refused:
        raise PdfFailed(f"{refused}（生成 {path.name} 时）") from None
    echo(f"已生成 {path}（{result.pages} 页，{result.size / 1024:.0f} KB，{result.seconds:.1f} 秒）")
    return result
