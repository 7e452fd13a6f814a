"""Rendering units in parallel: a pool of worker processes that stay alive for the whole build.

Workers are spawned, not forked: the chart renderer (vl-convert) runs threads of its own, and a
process forked after it started could hang. Each worker reads the site once, through the check
cache the build has just written (so only the units it renders are read in full), and keeps its
chart renderer and WeasyPrint loaded from one unit to the next.
"""

from __future__ import annotations

from concurrent.futures import as_completed
from dataclasses import dataclass, field
from pathlib import Path

from generator.pdf.worker import PdfWorker, write_pdf_file
from generator.site.builder import UnitRenderer
from generator.workers import few, spawn_pool


@dataclass
class RenderSettings:
    """Everything a worker needs besides the content, picklable."""

    content: Path
    check_cache: Path
    staging: Path
    chart_cache: Path | None
    years: list[int]
    pdf_links: frozenset  # (unit id, year) pairs whose page links a PDF
    live_reload: bool = False
    pdf: bool = False
    archival: bool = True


@dataclass
class UnitResult:
    unit_id: str
    files: list[str]
    pages: int
    summaries: list[dict]
    pdf_seconds: list[float] = field(default_factory=list)


def render_unit(site, unit, contexts: list, settings: RenderSettings, pdf_worker=None) -> UnitResult:
    """Pages, downloads and (when asked) PDFs of one unit, written into the staging folder. With a
    `pdf_worker`, the PDFs are handed to it and written while this process goes on."""
    renderer = UnitRenderer(site, settings.staging, settings.years, settings.chart_cache,
                            lambda unit_id, year: (unit_id, year) in settings.pdf_links, settings.live_reload)
    summaries, rendered = renderer.render_unit(unit, contexts)
    seconds = []
    for item in rendered if settings.pdf else []:
        job, path = _pdf_job(site, item, settings)
        if pdf_worker is not None:
            pdf_worker.submit(job, path, settings.archival)
        else:
            seconds.append(write_pdf_file(job, path, site.root.resolve(), settings.archival))
        renderer.written.append(path.relative_to(settings.staging).as_posix())
    return UnitResult(unit.id, renderer.written, renderer.pages, [s.to_json() for s in summaries], seconds)


def _pdf_job(site, item, settings: RenderSettings):
    """The PDF of a disclosure just rendered for the site (its document and charts), and its path."""
    from generator.pdf.build import unit_job, unit_pdf_path

    path = unit_pdf_path(settings.staging, item.document.unit_id, item.document.year)
    return unit_job(item.context, site, item.document, item.charts), path


# -- worker processes ------------------------------------------------------------------------------
_worker: dict = {}


def _start_worker(settings: RenderSettings) -> None:
    from generator.check_cache import CheckCache
    from generator.content import load_site
    from generator.rules import load_all

    load_all()
    cache = CheckCache(settings.check_cache, settings.content)
    _worker["site"] = load_site(settings.content, reuse=cache.reuse)
    _worker["settings"] = settings


def _render_in_worker(unit_id: str) -> UnitResult:
    return render_unit_by_id(_worker["site"], unit_id, _worker["settings"])


def render_unit_by_id(site, unit_id: str, settings: RenderSettings, checked: dict | None = None,
                      pdf_worker: PdfWorker | None = None) -> UnitResult:
    """Render one unit of `site`. Its contexts come from `checked` (the contexts this process's check
    made) when they are all there; otherwise the unit's files are read now, and afterwards the light
    cached entry is put back, because a process may render hundreds of units."""
    from generator.check import unit_contexts

    index = next(i for i, u in enumerate(site.units) if u.id == unit_id)
    light = site.units[index]
    keys = [f"{unit_id}/{y.year}" for y in light.years]
    if checked is not None and all(k in checked for k in keys):
        contexts = [checked[k] for k in keys]
    else:
        contexts = unit_contexts(site, light)
    try:
        return render_unit(site, site.units[index], contexts, settings, pdf_worker)
    finally:
        site.units[index] = light


def render_units(unit_ids: list[str], settings: RenderSettings, jobs: int, site, checked: dict,
                 advance=None, pdf_worker: PdfWorker | None = None) -> list[UnitResult]:
    """Render the units, in `jobs` worker processes, or in this process (`site`, with the contexts
    its check made in `checked`) when there are too few units for workers to pay off; their PDFs
    then go to `pdf_worker` when there is one."""
    results: list[UnitResult] = []
    if few(len(unit_ids), jobs):
        for unit_id in unit_ids:
            results.append(render_unit_by_id(site, unit_id, settings, checked, pdf_worker))
            if advance:
                advance()
        return results
    with spawn_pool(jobs, initializer=_start_worker, initargs=(settings,)) as pool:
        futures = [pool.submit(_render_in_worker, unit_id) for unit_id in unit_ids]
        for future in as_completed(futures):
            results.append(future.result())
            if advance:
                advance()
    return sorted(results, key=lambda r: r.unit_id)



