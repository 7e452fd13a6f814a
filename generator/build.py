"""`budgetsite build`: check → plan → units (reused or rendered in parallel) → list pages → PDFs →
search index → swap into place → manifest.

The site is assembled in a temporary sibling directory and moved over the previous output only when
everything succeeded, so a failed build leaves the previous site untouched. A unit whose inputs are
unchanged since the last build (or since a shard built it) is not rendered again: its files are
linked from there. The result is byte-identical to a clean build.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import time
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path

from generator import fingerprint
from generator.files import files_below, link_files, write_atomically
from generator.manifest import Manifest, UnitOutput


BACKGROUND_REMOVAL = 5000  # files in a replaced output above which it is removed in the background


class BuildRefused(Exception):
    """The content fails `check`; the report says why."""

    def __init__(self, report):
        super().__init__("内容未通过检查")
        self.report = report


class BuildFailed(Exception):
    """Rendering failed; the message is in Chinese. The previous output is unchanged."""


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
    return k, n


def in_shard(unit_id: str, shard: tuple[int, int] | None) -> bool:
    """A stable assignment: the same unit always falls in the same part, whatever else is added."""
    if shard is None:
        return True
    k, n = shard
    return int(hashlib.sha256(unit_id.encode("utf-8")).hexdigest()[:8], 16) % n == k - 1


def build(content: Path, output: Path, *, progress=None, pdf_process=None, **options) -> BuildResult:
    """Build the site. `progress` is an optional factory: progress(total) -> context giving a step callable.
    `pdf_process`: a resident generator.pdf.worker.PdfWorker to use instead of starting one."""
    started = time.perf_counter()
    watch = Stopwatch()
    opts = BuildOptions(**options)
    output = output.resolve()
    # Started before planning: it loads WeasyPrint while this process plans and checks.
    early = (pdf_process if opts.pdf else None) or _early_pdf_worker(content, output, opts)
    pdf_worker = None
    try:
        plan = _Plan(content, output, opts)
        watch.lap("plan")
        if plan.up_to_date():
            return BuildResult(output, len(plan.content_keys), plan.previous_disclosures(), 0, 0,
                               time.perf_counter() - started, reused=len(plan.content_keys), up_to_date=True,
                               stages=watch.stages)
        pdf_worker = plan.pdf_worker(early)
    finally:
        if early is not None and pdf_worker is not early:
            early.abandon()
    from generator.check import check_site

    with pdf_worker or nullcontext():
        report = check_site(content, plan.cache_dir, reuse=opts.reuse, jobs=opts.jobs, keys=plan.content_keys)
        watch.lap("check")
        if report.failed():
            raise BuildRefused(report)
        output.parent.mkdir(parents=True, exist_ok=True)
        _remove_abandoned(output)
        staging = _staging(output, "tmp")
        staging.mkdir()
        try:
            result = _assemble(report, plan, staging, progress, watch, pdf_worker)
            manifest = plan.manifest(result.units_out, result.site_files, result.search)
            if plan.patching:
                _patch(staging, output, plan.previous, manifest, result.rendered_ids)
            else:
                _swap(staging, output, manifest.file_count())
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
    manifest.write(output)
    watch.lap("commit")
    units = [u for u in report.site.units if in_shard(u.id, opts.shard)]
    return BuildResult(output, len(units), sum(len(u.years) for u in units), result.pages, manifest.file_count(),
                       time.perf_counter() - started, len(result.rendered_ids), result.reused,
                       pdf_seconds=result.pdf_seconds, stages=watch.stages,
                       search_indexed=result.search.indexed if result.search else [],
                       search_reused=result.search.reused if result.search else [])


class _Plan:
    """What this build depends on, and what earlier outputs it may take units from."""

    def __init__(self, content: Path, output: Path, opts: BuildOptions):
        self.content, self.output, self.opts = content, output, opts
        self.cache_dir = output.parent / ".cache"
        self.content_keys = fingerprint.content_keys(content, self.cache_dir if opts.reuse else None)
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

    def manifest(self, units_out: dict[str, UnitOutput], site_files: list[str], search=None) -> Manifest:
        buckets = {k: vars(v) for k, v in search.buckets.items()} if search is not None else {}
        return Manifest(self.options_key, dict(self.content_keys), units_out, complete=self.opts.shard is None,
                        site_files=site_files, search=buckets)


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


@dataclass
class _Assembled:
    units_out: dict[str, UnitOutput]
    site_files: list[str]  # everything in the site that is not one unit's
    pages: int
    rendered_ids: list[str]
    reused: int
    pdf_seconds: list[float]
    search: object = None  # generator.site.search.SearchResult, when the search index was written


def _assemble(report, plan: _Plan, staging: Path, progress, watch: Stopwatch, pdf_worker) -> _Assembled:
    from generator.parallel import RenderSettings, render_units

    opts, site = plan.opts, report.site
    years = sorted({y.year for u in site.units for y in u.years}, reverse=True)
    units = [u for u in site.units if in_shard(u.id, opts.shard)]
    keys, links = {}, set()
    for unit in units:
        flags = [plan.has_pdf(unit.id, y.year) for y in unit.years]
        links.update((unit.id, y.year) for y, flag in zip(unit.years, flags) if flag)
        keys[unit.id] = plan.render_key(unit.id, years, [y.year for y in unit.years], flags)
    units_out: dict[str, UnitOutput] = {}
    for unit in units:
        found = plan.reusable(unit.id, keys[unit.id])
        if found is not None:
            if not plan.patching:  # when patching, reused units stay where they are
                link_files(found[0], staging, found[1].files)
            units_out[unit.id] = found[1]
    watch.lap("reuse")
    todo = [u.id for u in units if u.id not in units_out]
    settings = RenderSettings(plan.content, plan.cache_dir, staging, plan.cache_dir / "charts", years,
                              frozenset(links), opts.live_reload, opts.pdf, opts.archival)

    with (progress(len(todo)) if progress else nullcontext(None)) as advance:
        results = render_units(todo, settings, plan.jobs, site, report.contexts, advance, pdf_worker)
    by_id = {u.id: u for u in units}
    for r in results:
        carried = _carry_unit_pdfs(plan.output, staging, by_id[r.unit_id], set(r.files))
        units_out[r.unit_id] = UnitOutput(keys[r.unit_id], sorted(r.files + carried), _pages(r.files), r.summaries)
    watch.lap("units")
    pages = sum(u.pages for u in units_out.values())
    search = None
    if opts.shard is None:
        listed, search = _site_pages(report, plan, staging, years, units_out, {r.unit_id for r in results}, watch)
        pages += listed
    pdf_seconds = [s for r in results for s in r.pdf_seconds]
    if pdf_worker:
        pdf_seconds += pdf_worker.results()
        watch.lap("pdf")
    unit_files = {f for u in units_out.values() for f in u.files}
    site_files = {f for f in files_below(staging) if f not in unit_files}
    if search is not None:  # with the buckets left in place in the output when patching
        site_files.update(f for bucket in search.buckets.values() for f in bucket.files)
    site_files = sorted(site_files)
    return _Assembled(units_out, site_files, pages, [r.unit_id for r in results], len(units) - len(results),
                      pdf_seconds, search)


def _pages(files: list[str]) -> int:
    return sum(1 for f in files if f.endswith(".html"))


def _site_pages(report, plan: _Plan, staging: Path, years: list[int], units_out: dict, rendered: set[str],
                watch: Stopwatch):
    """Everything that is not one unit's: list pages, compendia, carried PDFs, the search index.
    Returns the number of list pages and the search result (None without search)."""
    from generator.site.builder import DisclosureSummary, ListPages
    from generator.site.search import bucket_names

    opts = plan.opts
    summaries = [DisclosureSummary(**s) for u in units_out.values() for s in u.summaries]
    if opts.compendium:
        _compendia(report, plan, staging, years, rendered)
        watch.lap("compendia")
    _carry_compendia(plan.output, staging, years)  # before the list pages, which link them
    with_pages = [unit_id for unit_id, out in units_out.items() if any(f.endswith(".html") for f in out.files)]
    buckets = bucket_names(with_pages) if opts.search else []
    lists = ListPages(report.site, staging, years, summaries, plan.cache_dir / "charts", opts.live_reload,
                      search_buckets=buckets)
    lists.render_all()
    if opts.bureau:
        from generator.site.bureau import write_bureau_pages
        from generator.site.builder import disclosure_dir

        write_bureau_pages(lists, report, lambda u, y: disclosure_dir(u, y) + "index.html")
    watch.lap("list pages")
    search = None
    if opts.search:
        search = _index(staging, plan, units_out, rendered)
        if sorted(search.buckets) != sorted(buckets):  # the search page lists what was written
            raise BuildFailed(f"搜索索引分组与搜索页不一致：{sorted(search.buckets)}，{sorted(buckets)}")
        watch.lap("search")
    if opts.live_reload:  # what the preview polls: it changes whenever an input of the output changes
        (staging / "build-id.txt").write_text(plan.build_id(), encoding="utf-8")
    return lists.pages, search


def _index(staging: Path, plan: _Plan, units_out: dict, rendered: set[str]):
    """The search indexes (generator.site.search), keyed by page: a unit's pages by its render key,
    the site's own pages by their bytes. When patching, only the buckets that hold a rendered unit (and
    the site bucket) can change: the indexer reads a view of their pages made of hard links, what it
    writes is moved into staging, and the other buckets stay where they are in the output."""
    from generator.site.search import SearchIndexError, index_site, page_bucket, unit_bucket

    page_keys = {f: out.render_key for out in units_out.values() for f in out.files if f.endswith(".html")}
    staged = [f for f in files_below(staging) if f.endswith(".html")]
    pages = [f for f in staged if f not in page_keys] + list(page_keys)
    site_dir = staging
    if plan.patching:
        site_dir = _staging(plan.output, "view")
        link_files(staging, site_dir, staged)
        touched = {page_bucket(f) for unit_id in rendered for f in units_out[unit_id].files}
        touched |= {unit_bucket(unit_id) for unit_id in set(plan.previous.units) - set(units_out)}  # removed
        kept = [f for unit_id, out in units_out.items() if unit_id not in rendered for f in out.files
                if f.endswith(".html") and page_bucket(f) in touched]
        link_files(plan.output, site_dir, kept)
    try:
        search = index_site(site_dir, pages, plan.cache_dir, plan.output, plan.previous_search(), plan.opts.jobs,
                            page_keys=page_keys, link_reused=not plan.patching)
        if site_dir != staging:
            for bucket in search.indexed:
                for name in search.buckets[bucket].files:
                    (staging / name).parent.mkdir(parents=True, exist_ok=True)
                    os.replace(site_dir / name, staging / name)
        return search
    except SearchIndexError as error:
        raise BuildFailed(str(error)) from None
    finally:
        if site_dir != staging:
            shutil.rmtree(site_dir, ignore_errors=True)


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
            write_atomically(path, render(compendium_job(contexts, report.site, year), report.site, plan.opts.archival))
        except ResourceRefused as refused:
            raise BuildFailed(f"{refused}（生成 {path.name} 时）") from None


def _staging(output: Path, tag: str) -> Path:
    path = output.parent / f".{output.name}.{tag}-{os.getpid()}"
    shutil.rmtree(path, ignore_errors=True)
    return path


def _remove_abandoned(output: Path) -> None:
    """Staging folders left by builds that were killed (their process is gone) are removed in the
    background; a running build's stay. (A replaced tree may still be being removed by the detached
    process of the build that replaced it: a second remover is harmless.)"""
    tags = {f".{output.name}.{tag}" for tag in ("tmp", "old", "trash", "view")}
    for n, path in enumerate(sorted(output.parent.glob(f".{output.name}.*-*"))):
        tag, _, pid = path.name.rpartition("-")
        if tag.rstrip("0123456789") in tags and pid.isdigit() and not _alive(int(pid)):
            trash = output.parent / f".{output.name}.trash{n}-{os.getpid()}"
            os.replace(path, trash)  # at once out of the way; freed by a detached process
            _discard(trash, BACKGROUND_REMOVAL)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process
    return True


def _swap(staging: Path, output: Path, files: int) -> None:
    """Replace output by staging; the old tree is renamed away first and removed last."""
    old = _staging(output, "old")
    if output.exists():
        os.replace(output, old)
    try:
        os.replace(staging, output)
    except OSError:
        if old.exists():
            os.replace(old, output)
        raise
    _discard(old, files)


def _patch(staging: Path, output: Path, previous: Manifest, manifest: Manifest, rendered: list[str]) -> None:
    """Move what this build made into the previous output: each rendered unit's folder replaces the old
    one, each other top-level entry (list pages, static/, years/, the search index) replaces its old
    version whole, and what no longer belongs (removed units, entries no longer made) goes. Every step
    is a rename, so each file is always whole; the manifest is dropped first, so a commit cut short
    leaves an output that the next build does not trust."""
    Manifest.forget(output)
    old = _staging(output, "old")
    old.mkdir()
    removed = sorted(set(previous.units) - set(manifest.units))
    for unit_id in sorted(rendered) + removed:
        _replace(staging / "units" / unit_id, output / "units" / unit_id, old / "units" / unit_id)
    made = _top_entries(manifest.site_files)
    for name in sorted(made | _top_entries(previous.site_files)):
        if name in made and not (staging / name).exists():
            continue  # made by an earlier build and still current (an unchanged search bucket)
        _replace(staging / name, output / name, old / name)
    shutil.rmtree(staging, ignore_errors=True)
    _discard(old, sum(len(previous.units[u].files) for u in rendered + removed if u in previous.units))


def _top_entries(site_files: list[str]) -> set[str]:
    """What the commit replaces whole: each top-level entry, except that below units/ each file
    (units/index.html; unit folders are replaced one by one), and each search bucket on its own
    (pagefind/<bucket>, search-index/<bucket>.js), so that unchanged buckets stay where they are."""
    from generator.site.offline_search import INDEX_DIR
    from generator.site.search import BUNDLES

    entries = set()
    for name in site_files:
        parts = name.split("/")
        if parts[0] in ("units", INDEX_DIR):
            entries.add(name)
        elif parts[0] == BUNDLES:
            entries.add("/".join(parts[:2]))
        else:
            entries.add(parts[0])
    return entries


def _replace(new: Path, current: Path, old: Path) -> None:
    """`new` (when it exists) takes the place of `current` (when it exists), which is moved to `old`.
    A file replaces a file in one atomic rename."""
    if current.exists() and (current.is_dir() or not new.exists()):
        old.parent.mkdir(parents=True, exist_ok=True)
        os.replace(current, old)
    if new.exists():
        current.parent.mkdir(parents=True, exist_ok=True)
        os.replace(new, current)


def _discard(tree: Path, files: int) -> None:
    """Remove a replaced tree. Freeing thousands of files can take longer than the build itself on a
    slow disk, so a large tree is removed by a detached process and the build returns at once."""
    if not tree.exists():
        return
    if files < BACKGROUND_REMOVAL:
        shutil.rmtree(tree, ignore_errors=True)
        return
    code = "import shutil, sys; shutil.rmtree(sys.argv[1], ignore_errors=True)"
    subprocess.Popen([sys.executable, "-c", code, str(tree)], start_new_session=True, stdin=subprocess.DEVNULL,
                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


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
