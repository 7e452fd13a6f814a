"""Rendering units in parallel: worker processes that stay alive for the whole build.

Each unit is read once per build: the worker that reads and checks a unit keeps its contexts and,
once the site-wide rules have passed in the build's process, renders it from them (UnitWorkers).
Units whose check result came from the cache are read when they are rendered. Workers are spawned,
not forked: the chart renderer (vl-convert) runs threads of its own, and a process forked after it
started could hang. A worker keeps its chart renderer and WeasyPrint loaded from one unit to the next.
"""

from __future__ import annotations

from concurrent.futures import Future, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from generator.filing.cache import ExportCache
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
    export_cache: Path | None = None  # generator.filing.cache.ExportCache's folder
    reuse_exports: bool = True  # false for a `--clean` build: exports are made, and kept


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
    exports = ExportCache(settings.export_cache, settings.reuse_exports) if settings.export_cache else None
    renderer = UnitRenderer(site, settings.staging, settings.years, settings.chart_cache,
                            lambda unit_id, year: (unit_id, year) in settings.pdf_links, settings.live_reload, exports)
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
class UnitWorkers:
    """A build's worker processes. Each reads and checks a share of the units (`check`, called by
    generator.check while this process checks its own share) and keeps their contexts; once the
    site-wide rules have passed, each renders the units it checked from those contexts (`render_units`),
    so that no unit's files are read twice in one build. One single-process pool per worker: a unit's
    rendering goes to the very process that holds it."""

    def __init__(self, jobs: int):
        self.jobs = jobs
        self.pools: list = []  # worker k + 1 is pools[k]; this process is worker 0
        self.held: dict[str, int] = {}  # unit id → the worker that checked it and holds its contexts

    def check(self, content: Path, unit_ids: list[str], keys: dict[str, str]) -> Future:
        """Check a share of the units in a new worker, which keeps them; a future of their check results."""
        self.pools.append(spawn_pool(1, initializer=_start_worker))
        self.held.update((unit_id, len(self.pools)) for unit_id in unit_ids)
        return self.pools[-1].submit(_check_in_worker, content, unit_ids, keys)

    def submit(self, worker: int, unit_id: str, settings: RenderSettings) -> Future:
        while len(self.pools) < worker:
            self.pools.append(spawn_pool(1, initializer=_start_worker))
        return self.pools[worker - 1].submit(_render_in_worker, unit_id, settings)

    def __enter__(self) -> "UnitWorkers":
        return self

    def __exit__(self, *exc) -> None:
        for pool in self.pools:
            pool.shutdown(wait=True, cancel_futures=True)


_worker: dict = {}  # in a worker process: the site and the contexts of the units it checked


def _start_worker() -> None:
    from generator.rules import load_all

    load_all()


def _check_in_worker(content: Path, unit_ids: list[str], keys: dict[str, str]) -> dict:
    from generator.check import check_part

    report, records = check_part(content, unit_ids, keys)
    _worker["site"], _worker["contexts"] = report.site, report.contexts
    return records


def _render_in_worker(unit_id: str, settings: RenderSettings) -> UnitResult:
    """Render a unit this worker checked, from its contexts (then let them go); or one it did not
    (its check result came from the cache), reading it now."""
    from generator.check import unit_contexts
    from generator.content import load_site, load_unit

    if "site" not in _worker:  # this worker checked nothing: the site without its units
        _worker["site"], _worker["contexts"] = load_site(settings.content, only=set()), {}
    site, contexts = _worker["site"], _worker["contexts"]
    unit = next((u for u in site.units if u.id == unit_id), None)
    if unit is None:
        unit = load_unit(site, settings.content / "units" / unit_id)
        return render_unit(site, unit, unit_contexts(site, unit), settings)
    site.units.remove(unit)
    return render_unit(site, unit, [contexts.pop(f"{unit_id}/{y.year}") for y in unit.years
                                    if f"{unit_id}/{y.year}" in contexts], settings)


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


def render_units(unit_ids: list[str], settings: RenderSettings, workers: UnitWorkers, site, checked: dict,
                 advance=None, pdf_worker: PdfWorker | None = None) -> list[UnitResult]:
    """Render the units: each in the worker that checked it (`workers`), the others in this process
    (`site`, with the contexts its check made in `checked`), or, when there are enough of them for
    workers to pay off, spread over the workers and this process. PDFs rendered here go to
    `pdf_worker` when there is one."""
    jobs = workers.jobs
    by_id = {u.id: u for u in site.units}
    unread = [u for u in unit_ids if u not in workers.held and not _checked_here(by_id[u], checked)]
    turns = {u: n % jobs for n, u in enumerate(unread)} if not few(len(unit_ids), jobs) else {}
    futures, here = [], []
    for unit_id in unit_ids:
        worker = workers.held.get(unit_id) or turns.get(unit_id, 0)
        if worker:
            futures.append(workers.submit(worker, unit_id, settings))
        else:
            here.append(unit_id)
    results, reported = [], set()
    for unit_id in here:  # while the workers render theirs
        results.append(render_unit_by_id(site, unit_id, settings, checked, pdf_worker))
        if advance:
            for future in [None] + [f for f in futures if f.done() and f not in reported]:
                reported.add(future)
                advance()
    for future in as_completed(futures):
        results.append(future.result())
        if advance and future not in reported:
            advance()
    return sorted(results, key=lambda r: r.unit_id)


def _checked_here(unit, checked: dict) -> bool:
    """Whether this process's check made every context of the unit (it is rendered here, not read again)."""
    return all(f"{unit.id}/{y.year}" in checked for y in unit.years)
