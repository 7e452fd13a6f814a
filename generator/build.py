"""`budgetsite build`: plan → check → units (reused or rendered in parallel) → list pages → search
index → PDFs → commit → manifest.

The site is assembled in a staging folder beside the output and committed only when everything
succeeded (generator/commit.py), so a failed build leaves the previous site untouched and the
published folder is whole at every instant. A unit whose inputs are unchanged since the last build
(or since a shard built it) is not rendered again: its files are linked from there. The result is
byte-identical to a clean build.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import time
from concurrent.futures.process import BrokenProcessPool
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path

from generator import commit, fingerprint
from generator.build_errors import BuildFailed, BuildRefused
from generator.files import files_below, link_files, write_atomically
from generator.manifest import Manifest, UnitOutput
from generator.site.buckets import MIN_UNIT_BUCKETS, Buckets

WORKER_DIED = "检查或生成单位的工作进程意外退出（可能是内存不足、被系统终止或程序崩溃），本次构建未完成"

__all__ = ["BuildFailed", "BuildRefused", "BuildOptions", "BuildResult", "build", "in_shard", "parse_shard"]


@dataclass
class BuildOptions:
    search: bool = True
    live_reload: bool = False
    pdf: bool = False  # render each unit's PDF with its pages
    compendium: bool = False  # and one compendium per year
    archival: bool = True  # PDF/A-3b with data attachments
    jobs: int = 0  # worker processes; 0: one per core
    shard: tuple[int, int] | None = None  # (k, n): build only the k-th of n parts of the units
    merge: list[Path] = field(default_factory=list)  # shard outputs to take units from
    reuse: bool = True  # reuse unchanged units (and check results) from the last build
    bureau: bool = False  # the finance bureau's pages (generator/site/bureau.py): intranet builds only


@dataclass
class BuildResult:
    output: Path
    units: int
    disclosures: int
    pages: int
    files: int
    seconds: float
    rendered: int = 0  # units rendered by this build
    reused: int = 0  # units taken unchanged from an earlier build or a shard
    up_to_date: bool = False  # nothing had changed: nothing was written
    pdf_seconds: list[float] = field(default_factory=list)
    stages: dict[str, float] = field(default_factory=dict)  # seconds per pipeline stage, for --stats
    search_indexed: list[str] = field(default_factory=list)  # search buckets indexed by this build
    search_reused: list[str] = field(default_factory=list)  # search buckets taken from the last build


class Stopwatch:
    """Seconds spent in each named stage of one build (reported by --stats and the benchmark)."""

    def __init__(self):
        self.stages: dict[str, float] = {}
        self._last = time.perf_counter()

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        self.stages[stage] = round(self.stages.get(stage, 0.0) + now - self._last, 3)
        self._last = now


def parse_shard(text: str) -> tuple[int, int]:
    """"2/4" → (2, 4). Raises ValueError with a Chinese message."""
    try:
        k, n = (int(part) for part in text.split("/"))
    except ValueError:
        raise ValueError(f"分片应写作 K/N（如 2/4），而不是“{text}”") from None
    if not 1 <= k <= n:
        raise ValueError(f"分片 {text} 无效：应满足 1 ≤ K ≤ N")
    if n > MIN_UNIT_BUCKETS:
        raise ValueError(f"分片 {text} 无效：N 不能超过 {MIN_UNIT_BUCKETS}（搜索索引的最少分组数，每组只属于一个分片）")
    return k, n


def in_shard(unit_id: str, shard: tuple[int, int] | None, buckets: Buckets) -> bool:
    """A stable assignment: for the site's search buckets, the same unit always falls in the same part.
    A part is a set of whole search buckets, so that a shard indexes its buckets itself and the merge
    only links them (generator/site/search.py)."""
    if shard is None:
        return True
    k, n = shard
    return int(buckets.unit(unit_id)[1:]) % n == k - 1


def build(content: Path, output: Path, *, progress=None, pdf_process=None, **options) -> BuildResult:
    """Build the site. `progress` is an optional factory: progress(total) -> context giving a step callable.
    `pdf_process`: a resident generator.pdf.worker.PdfWorker to use instead of starting one.
    Raises BuildRefused (content fails check) or BuildFailed (another build holds the output, or
    rendering failed); either way the previous output is as it was."""
    started, watch, opts = time.perf_counter(), Stopwatch(), BuildOptions(**options)
    output = output.resolve()
    with commit.exclusive(output):
        commit.remove_abandoned(output)
        plan, pdf_worker = _plan(content, output, opts, pdf_process)
        watch.lap("plan")
        if plan.up_to_date():
            return _up_to_date(plan, started, watch)
        try:
            with (pdf_worker or nullcontext(), _search_service(plan) as service, commit.Staged(output) as staged,
                  _unit_workers(plan) as workers):
                report = _check(plan, workers)
                watch.lap("check")
                run = _Run(plan, report, staged, watch)
                run.reuse()
                run.render(progress, pdf_worker, workers)
                if opts.shard is None:  # a shard makes its units and their search buckets only
                    run.list_pages()
                run.search(service)
                run.collect_pdfs(pdf_worker)
                manifest = run.commit()
        except BrokenProcessPool:  # a worker killed (out of memory, say) or crashed
            raise BuildFailed(WORKER_DIED) from None
        manifest.write(output)
        _prune_exports(plan)
        watch.lap("commit")
    return run.result(manifest, started)


def _plan(content: Path, output: Path, opts: BuildOptions, pdf_process):
    """The plan, and the PDF process it wants (None when it wants none). A PDF process is started
    before planning, so that it loads WeasyPrint while this process plans and checks."""
    early = (pdf_process if opts.pdf else None) or _early_pdf_worker(content, output, opts)
    pdf_worker = None
    try:
        plan = _Plan(content, output, opts)
        if not plan.up_to_date():
            pdf_worker = plan.pdf_worker(early)
    finally:
        if early is not None and pdf_worker is not early:
            early.abandon()
    return plan, pdf_worker


def _up_to_date(plan: "_Plan", started: float, watch: Stopwatch) -> BuildResult:
    units = len(plan.content_keys)
    return BuildResult(plan.output, units, plan.previous_disclosures(), 0, 0, time.perf_counter() - started,
                       reused=units, up_to_date=True, stages=watch.stages)


def _search_service(plan: "_Plan"):
    """A pagefind service started now, loading its dictionary while the build checks and renders, so
    that a rebuild's search stage does not wait for it (generator/site/search.py)."""
    if not plan.opts.search:
        return nullcontext(None)
    from generator.site.search import PagefindService, SearchIndexError

    try:
        return PagefindService().warm_up()
    except (OSError, SearchIndexError):
        return nullcontext(None)  # the search stage starts its own, and reports what fails


def _unit_workers(plan: "_Plan"):
    """The worker processes that check and then render shares of the units (generator/parallel.py)."""
    from generator.parallel import UnitWorkers

    return UnitWorkers(plan.jobs)


def _check(plan: "_Plan", workers):
    """The check report of the whole site; raises BuildRefused when it fails (before anything is
    rendered: the workers keep the units they checked until then)."""
    from generator.check import check_site

    opts = plan.opts
    only = {u for u in plan.content_keys if in_shard(u, opts.shard, plan.buckets)} if opts.shard else None
    sources = [d.parent / ".cache" for d, _ in plan.sources[1:]]  # the shards' check results
    report = check_site(plan.content, plan.cache_dir, reuse=opts.reuse, jobs=plan.jobs, keys=plan.content_keys,
                        workers=workers, only=only, sources=sources)
    if report.failed():
        raise BuildRefused(report)
    return report


class _Plan:
    """What this build depends on, and what earlier outputs it may take units from."""

    def __init__(self, content: Path, output: Path, opts: BuildOptions):
        self.content, self.output, self.opts = content, output, opts
        self.cache_dir = output.parent / ".cache"
        self.export_cache = self.cache_dir / "filing"  # generator/filing/cache.py
        self.content_keys = fingerprint.content_keys(content, self.cache_dir if opts.reuse else None)
        self.buckets = Buckets.for_units(len(self.content_keys))  # the search buckets, also the shards' parts
        self.options_key = _options_key(content, opts)
        self.previous = Manifest.read(output) if opts.reuse else Manifest()
        self.sources = [(output, self.previous)] + [(d.resolve(), Manifest.read(d.resolve())) for d in opts.merge]
        # Patch the previous output in place (only what changed is moved in) when it is a whole site
        # built with the same options; otherwise assemble a whole new tree and swap it in.
        self.patching = (self.previous.complete and self.previous.options_key == self.options_key
                         and opts.shard is None and not opts.merge)

    def up_to_date(self) -> bool:
        """Same inputs, same options, same untouched output: the previous build is this build."""
        p = self.previous
        return (p.complete and self.opts.shard is None and not self.opts.merge
                and p.options_key == self.options_key and p.content_keys == self.content_keys)

    def previous_disclosures(self) -> int:
        return sum(len(u.summaries) for u in self.previous.units.values())

    def render_key(self, unit_id: str, site_years: list[int], years: list[int], pdf_links: list[bool]) -> str:
        """Everything a unit's files depend on: its content, the options, the site's years (every page's
        navigation lists them), its own years and which of its PDFs are linked."""
        text = "\0".join([self.options_key, self.content_keys.get(unit_id, ""), repr(site_years), repr(years),
                           repr(pdf_links)])
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def reusable(self, unit_id: str, key: str) -> tuple[Path, UnitOutput] | None:
        for root, manifest in self.sources:
            found = manifest.units.get(unit_id)
            if found and found.render_key == key and (root / "units" / unit_id).is_dir():
                return root, found
        return None

    @property
    def jobs(self) -> int:
        from generator.workers import default_jobs

        return self.opts.jobs or default_jobs()

    def changed_units(self) -> list[str]:
        """Units whose files changed since the last build (all of them when there is none to patch)."""
        if not self.patching:
            return list(self.content_keys)
        return [u for u, key in self.content_keys.items() if self.previous.content_keys.get(u) != key]

    def pdf_worker(self, early=None):
        """The process for the PDFs of a build of a few units (their pages are rendered in this one), or
        None. `early`: such a process started before the plan was known, taken if one is wanted."""
        from generator.pdf.worker import PdfWorker
        from generator.workers import few

        changed = len(self.changed_units())
        if self.opts.pdf and self.jobs > 1 and 0 < changed and few(changed, self.jobs):
            return early or PdfWorker(self.content)
        return None

    def build_id(self) -> str:
        text = "\0".join([self.options_key, *(f"{k}={v}" for k, v in sorted(self.content_keys.items()))])
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]

    def has_pdf(self, unit_id: str, year: int) -> bool:
        """Whether the unit's page links its PDF: rendered now, or left by an earlier build or `budgetsite pdf`."""
        if self.opts.pdf:
            return True
        from generator.site.builder import disclosure_dir, pdf_name
        from generator.site.downloads import existing

        return bool(existing(disclosure_dir(unit_id, year) + pdf_name(unit_id, year), [r for r, _ in self.sources]))

    def previous_search(self) -> dict:
        """The search buckets of the previous output, by name (generator.site.search.BucketOutput)."""
        from generator.site.search import BucketOutput

        found = {}
        for name, entry in self.previous.search.items():
            try:
                found[name] = BucketOutput(str(entry["key"]), [str(f) for f in entry["files"]])
            except (KeyError, TypeError):
                continue
        return found

    def shard_search(self) -> list:
        """The search buckets of the shards being merged: (shard output, its buckets by name)."""
        from generator.site.search import BucketOutput

        found = []
        for root, manifest in self.sources[1:]:
            buckets = {}
            for name, entry in manifest.search.items():
                try:
                    buckets[name] = BucketOutput(str(entry["key"]), [str(f) for f in entry["files"]])
                except (KeyError, TypeError):
                    continue
            found.append((root, buckets))
        return found

    def manifest(self, units_out: dict[str, UnitOutput], site_files: list[str], search=None) -> Manifest:
        buckets = {k: vars(v) for k, v in search.buckets.items()} if search is not None else {}
        return Manifest(self.options_key, dict(self.content_keys), units_out, complete=self.opts.shard is None,
                        site_files=site_files, search=buckets)


def site_years(content: Path) -> set[int]:
    """The years of every unit, from the names of their folders (what a check of the whole site finds
    when it passes), without reading any unit."""
    from generator.content import YEAR_DIR, loadable_unit_dir, unit_dirs

    years = set()
    for unit_dir in unit_dirs(content):
        if loadable_unit_dir(content, unit_dir):
            with os.scandir(unit_dir) as entries:
                years.update(int(e.name) for e in entries if YEAR_DIR.match(e.name) and e.is_dir())
    return years


def _early_pdf_worker(content: Path, output: Path, opts: BuildOptions):
    """A PDF process started before planning, when this is likely a rebuild of a few units with their
    PDFs (an earlier build to patch, and PDFs asked for): a one-unit correction then waits for its
    PDF about a second less. The plan takes it, or it is stopped."""
    from generator.workers import default_jobs

    if not (opts.pdf and opts.reuse and opts.shard is None and not opts.merge
            and (opts.jobs or default_jobs()) > 1 and Manifest.path_for(output).is_file()):
        return None
    from generator.pdf.worker import PdfWorker

    return PdfWorker(content)


def _options_key(content: Path, opts: BuildOptions) -> str:
    """The site-wide inputs (settings, profiles, catalogue, code, themes) and the options that shape output."""
    theme = _site_theme(content)
    flags = [f"search={opts.search}", f"live={opts.live_reload}", f"pdf={opts.pdf}", f"archival={opts.archival}",
             f"theme={theme}", f"date={os.environ.get('SOURCE_DATE_EPOCH', '')}", f"bureau={opts.bureau}"]
    key = fingerprint.site_key(content, "build", *flags)
    return hashlib.sha256((key + fingerprint.hash_tree(theme) if theme else key).encode()).hexdigest()


def _site_theme(content: Path) -> Path | None:
    """The site's own theme folder, read from site.yaml without validating the whole file."""
    from generator.yamlsource import load_yaml

    doc = load_yaml(content / "site.yaml")
    theme = doc.data.get("theme") if isinstance(doc.data, dict) else None
    return (content.parent / theme).resolve() if isinstance(theme, str) and theme else None


class _Run:
    """One build's stages after the check, writing into the staging folder; each lap of the stopwatch
    is one stage."""

    def __init__(self, plan: _Plan, report, staged: Path, watch: Stopwatch):
        self.plan, self.report, self.staged, self.watch = plan, report, staged, watch
        site, opts = report.site, plan.opts
        # A shard checked its own units only; every page lists the years of the whole site.
        years = site_years(plan.content) if opts.shard else {y.year for u in site.units for y in u.years}
        self.years = sorted(years, reverse=True)
        self.units = [u for u in site.units if in_shard(u.id, opts.shard, plan.buckets)]
        self.keys, self.links = {}, set()
        for unit in self.units:
            flags = [plan.has_pdf(unit.id, y.year) for y in unit.years]
            self.links.update((unit.id, y.year) for y, flag in zip(unit.years, flags) if flag)
            self.keys[unit.id] = plan.render_key(unit.id, self.years, [y.year for y in unit.years], flags)
        self.units_out: dict[str, UnitOutput] = {}
        self.results: list = []  # generator.parallel.UnitResult of the units rendered
        self.listed = 0  # list pages written
        self.searched = None  # generator.site.search.SearchResult, when the search index was written
        self.pdf_seconds: list[float] = []

    def reuse(self) -> None:
        """Units rendered under the same key by an earlier build or a shard."""
        for unit in self.units:
            found = self.plan.reusable(unit.id, self.keys[unit.id])
            if found is not None:
                if not self.plan.patching:  # when patching, reused units stay where they are
                    link_files(found[0], self.staged, found[1].files)
                self.units_out[unit.id] = found[1]
        self.watch.lap("reuse")

    def render(self, progress, pdf_worker, workers) -> None:
        """The other units, in parallel: each in the worker that checked it (generator/parallel.py)."""
        from generator.parallel import RenderSettings, render_units

        plan, opts = self.plan, self.plan.opts
        todo = [u.id for u in self.units if u.id not in self.units_out]
        settings = RenderSettings(plan.content, plan.cache_dir, self.staged, plan.cache_dir / "charts", self.years,
                                  frozenset(self.links), opts.live_reload, opts.pdf, opts.archival,
                                  plan.export_cache, opts.reuse)
        with (progress(len(todo)) if progress else nullcontext(None)) as advance:
            self.results = render_units(todo, settings, workers, self.report.site, self.report.contexts, advance,
                                        pdf_worker)
        by_id = {u.id: u for u in self.units}
        for r in self.results:
            carried = _carry_unit_pdfs(plan.output, self.staged, by_id[r.unit_id], set(r.files))
            self.units_out[r.unit_id] = UnitOutput(self.keys[r.unit_id], sorted(r.files + carried), _pages(r.files),
                                                   r.summaries)
        self.pdf_seconds = [s for r in self.results for s in r.pdf_seconds]
        self.watch.lap("units")

    @property
    def rendered(self) -> set[str]:
        return {r.unit_id for r in self.results}

    def buckets(self) -> list[str]:
        """The search buckets the search page lists."""
        with_pages = [u for u, out in self.units_out.items() if any(f.endswith(".html") for f in out.files)]
        names = self.plan.buckets.names(with_pages) if self.plan.opts.search else []
        return names[1:] if self.plan.opts.shard else names  # a shard has no site pages

    def list_pages(self) -> None:
        """Everything that is not one unit's and not the search index: compendia, list pages."""
        from generator.site.builder import DisclosureSummary, ListPages

        plan, opts = self.plan, self.plan.opts
        if opts.compendium:
            _compendia(self.report, plan, self.staged, self.years, self.rendered)
            self.watch.lap("compendia")
        _carry_compendia(plan.output, self.staged, self.years)  # before the list pages, which link them
        summaries = [DisclosureSummary(**s) for u in self.units_out.values() for s in u.summaries]
        lists = ListPages(self.report.site, self.staged, self.years, summaries, plan.cache_dir / "charts",
                          opts.live_reload, search_buckets=self.buckets())
        lists.render_all()
        if opts.bureau:  # the finance bureau's intranet pages, never on the public site
            from generator.site.builder import disclosure_dir
            from generator.site.bureau import write_bureau_pages

            write_bureau_pages(lists, self.report, lambda u, y: disclosure_dir(u, y) + "index.html")
        self.listed = lists.pages
        if opts.live_reload:  # what the preview polls: it changes whenever an input of the output changes
            (self.staged / "build-id.txt").write_text(plan.build_id(), encoding="utf-8")
        self.watch.lap("list pages")

    def search(self, service) -> None:
        """The search index; `service`: a pagefind service started (and warmed) with the build, or None."""
        if not self.plan.opts.search:
            return
        from generator.site.search import SearchIndexError, index_build

        plan = self.plan
        try:
            self.searched = index_build(self.staged, plan.output, plan.cache_dir, plan.previous_search(),
                                        set(plan.previous.units) if plan.patching else None, self.units_out, self.rendered,
                                        plan.opts.jobs, plan.shard_search(), buckets=plan.buckets, warm=service)
        except SearchIndexError as error:
            raise BuildFailed(str(error)) from None
        if sorted(self.searched.buckets) != sorted(self.buckets()):  # the search page lists what was written
            raise BuildFailed(f"搜索索引分组与搜索页不一致：{sorted(self.searched.buckets)}，{self.buckets()}")
        self.watch.lap("search")

    def collect_pdfs(self, pdf_worker) -> None:
        """The PDFs the PDF process made meanwhile, written into staging."""
        if pdf_worker:
            self.pdf_seconds += pdf_worker.results()
            self.watch.lap("pdf")

    def commit(self) -> Manifest:
        """Publish the staging folder (generator/commit.py); the manifest to write."""
        plan = self.plan
        unit_files = {f for u in self.units_out.values() for f in u.files}
        site_files = {f for f in files_below(self.staged) if f not in unit_files}
        if self.searched is not None:  # with the buckets left in place in the output when patching
            site_files.update(f for bucket in self.searched.buckets.values() for f in bucket.files)
        manifest = plan.manifest(self.units_out, sorted(site_files), self.searched)
        if plan.patching:
            commit.patch(self.staged, plan.output, plan.previous, manifest, sorted(self.rendered))
        else:
            commit.swap(self.staged, plan.output, manifest.file_count())
        return manifest

    def result(self, manifest: Manifest, started: float) -> BuildResult:
        search = self.searched
        return BuildResult(self.plan.output, len(self.units), sum(len(u.years) for u in self.units),
                           self.listed + sum(u.pages for u in self.units_out.values()), manifest.file_count(),
                           time.perf_counter() - started, len(self.results), len(self.units) - len(self.results),
                           pdf_seconds=self.pdf_seconds, stages=self.watch.stages,
                           search_indexed=search.indexed if search else [],
                           search_reused=search.reused if search else [])


def _prune_exports(plan: _Plan) -> None:
    """Forget the kept filing exports that no published file uses any more."""
    from generator.filing.cache import ExportCache

    ExportCache(plan.export_cache).prune()


def _pages(files: list[str]) -> int:
    return sum(1 for f in files if f.endswith(".html"))


def _compendia(report, plan: _Plan, staging: Path, years: list[int], rendered: set[str]) -> None:
    """One PDF per year of every unit; kept from the last build while none of that year's units changed."""
    from generator.pdf.build import compendium_job, compendium_pdf_path, render
    from generator.pdf.fetcher import ResourceRefused

    fresh = plan.previous.options_key == plan.options_key
    for year in years:
        path = compendium_pdf_path(staging, year)
        previous = compendium_pdf_path(plan.output, year)
        units = [u for u in report.site.units if any(y.year == year for y in u.years)]
        if fresh and previous.is_file() and not any(u.id in rendered for u in units):
            continue  # carried over with the other PDFs
        contexts = [report.context(f"{u.id}/{year}") for u in units]
        try:
            job = compendium_job(contexts, report.site, year, plan.cache_dir / "charts")  # the pages' charts
            write_atomically(path, render(job, report.site, plan.opts.archival))
        except ResourceRefused as refused:
            raise BuildFailed(f"{refused}（生成 {path.name} 时）") from None


def _carry_unit_pdfs(output: Path, staging: Path, unit, written: set[str]) -> list[str]:
    """A unit's PDFs written into the output by `budgetsite pdf` are kept across rebuilds of the unit,
    while their year still exists; they become the unit's files."""
    from generator.site.builder import disclosure_dir, pdf_name

    carried = []
    for year in unit.years:
        relative = disclosure_dir(unit.id, year.year) + pdf_name(unit.id, year.year)
        if relative not in written and _copy_if_present(output / relative, staging / relative):
            carried.append(relative)
    return carried


def _carry_compendia(output: Path, staging: Path, years: list[int]) -> None:
    """Compendia from an earlier build or `budgetsite pdf` are kept while their year still exists."""
    from generator.site.downloads import compendium_path

    for year in years:
        relative = compendium_path(year)
        if not (staging / relative).exists():
            _copy_if_present(output / relative, staging / relative)


def _copy_if_present(source: Path, target: Path) -> bool:
    if not source.is_file():
        return False
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(source, target)
    return True
