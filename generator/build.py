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


def build(content: Path, output: Path, *, progress=None, **options) -> BuildResult:
    """Build the site. `progress` is an optional factory: progress(total) -> context giving a step callable."""
    started = time.perf_counter()
    watch = Stopwatch()
    opts = BuildOptions(**options)
    output = output.resolve()
    plan = _Plan(content, output, opts)
    watch.lap("plan")
    if plan.up_to_date():
        return BuildResult(output, len(plan.content_keys), plan.previous_disclosures(), 0, 0,
                           time.perf_counter() - started, reused=len(plan.content_keys), up_to_date=True,
                           stages=watch.stages)
    from generator.check import check_site

    report = check_site(content, plan.cache_dir, reuse=opts.reuse)
    watch.lap("check")
    if report.failed():
        raise BuildRefused(report)
    output.parent.mkdir(parents=True, exist_ok=True)
    staging = _staging(output, "tmp")
    staging.mkdir()
    try:
        result = _assemble(report, plan, staging, progress, watch)
        manifest = plan.manifest(result.units_out, result.search)
        files = sum(len(names) for _, _, names in os.walk(staging))
        _swap(staging, output, files)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    manifest.write(output)
    watch.lap("swap")
    units = [u for u in report.site.units if in_shard(u.id, opts.shard)]
    return BuildResult(output, len(units), sum(len(u.years) for u in units), result.pages, files,
                       time.perf_counter() - started, result.rendered, result.reused,
                       pdf_seconds=result.pdf_seconds, stages=watch.stages,
                       search_indexed=result.search.indexed if result.search else [],
                       search_reused=result.search.reused if result.search else [])


class _Plan:
    """What this build depends on, and what earlier outputs it may take units from."""

    def __init__(self, content: Path, output: Path, opts: BuildOptions):
        self.content, self.output, self.opts = content, output, opts
        self.cache_dir = output.parent / ".cache"
        self.content_keys = fingerprint.unit_keys(content, fingerprint.site_key(content, "check"))
        self.options_key = _options_key(content, opts)
        self.previous = Manifest.read(output) if opts.reuse else Manifest()
        self.sources = [(output, self.previous)] + [(d.resolve(), Manifest.read(d.resolve())) for d in opts.merge]

    def up_to_date(self) -> bool:
        """Same inputs, same options, same untouched output: the previous build is this build."""
        p = self.previous
        return (p.complete and self.opts.shard is None and not self.opts.merge
                and p.options_key == self.options_key and p.content_keys == self.content_keys)

    def previous_disclosures(self) -> int:
        return sum(len(u.summaries) for u in self.previous.units.values())

    def render_key(self, unit_id: str, years: list[int], pdf_links: list[bool]) -> str:
        text = "\0".join([self.options_key, self.content_keys.get(unit_id, ""), repr(years), repr(pdf_links)])
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def reusable(self, unit_id: str, key: str) -> tuple[Path, UnitOutput] | None:
        for root, manifest in self.sources:
            found = manifest.units.get(unit_id)
            if found and found.render_key == key and all((root / f).is_file() for f in found.files):
                return root, found
        return None

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

    def manifest(self, units_out: dict[str, UnitOutput], search=None) -> Manifest:
        buckets = {k: vars(v) for k, v in search.buckets.items()} if search is not None else {}
        return Manifest(self.options_key, dict(self.content_keys), units_out, complete=self.opts.shard is None,
                        search=buckets)


def _options_key(content: Path, opts: BuildOptions) -> str:
    """The site-wide inputs (settings, profiles, catalogue, code, themes) and the options that shape output."""
    theme = _site_theme(content)
    flags = [f"search={opts.search}", f"live={opts.live_reload}", f"pdf={opts.pdf}", f"archival={opts.archival}",
             f"theme={theme}", f"date={os.environ.get('SOURCE_DATE_EPOCH', '')}"]
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
    pages: int
    rendered: int
    reused: int
    pdf_seconds: list[float]
    search: object = None  # generator.site.search.SearchResult, when the search index was written


def _assemble(report, plan: _Plan, staging: Path, progress, watch: Stopwatch) -> _Assembled:
    from generator.parallel import RenderSettings, default_jobs, render_units

    opts, site = plan.opts, report.site
    years = sorted({y.year for u in site.units for y in u.years}, reverse=True)
    units = [u for u in site.units if in_shard(u.id, opts.shard)]
    keys, links = {}, set()
    for unit in units:
        flags = [plan.has_pdf(unit.id, y.year) for y in unit.years]
        links.update((unit.id, y.year) for y, flag in zip(unit.years, flags) if flag)
        keys[unit.id] = plan.render_key(unit.id, [y.year for y in unit.years], flags)
    units_out: dict[str, UnitOutput] = {}
    for unit in units:
        found = plan.reusable(unit.id, keys[unit.id])
        if found is not None:
            _link_files(found[0], staging, found[1].files)
            units_out[unit.id] = found[1]
    watch.lap("reuse")
    todo = [u.id for u in units if u.id not in units_out]
    settings = RenderSettings(plan.content, plan.cache_dir, staging, plan.cache_dir / "charts", years,
                              frozenset(links), opts.live_reload, opts.pdf, opts.archival)

    jobs = opts.jobs or default_jobs()
    with (progress(len(todo)) if progress else nullcontext(None)) as advance:
        results = render_units(todo, settings, jobs, site, report.contexts, advance)
    for r in results:
        units_out[r.unit_id] = UnitOutput(keys[r.unit_id], sorted(r.files), _pages(r.files), r.summaries)
    watch.lap("units")
    pages = sum(u.pages for u in units_out.values())
    search = None
    if opts.shard is None:
        listed, search = _site_pages(report, plan, staging, years, units_out, {r.unit_id for r in results}, watch)
        pages += listed
    return _Assembled(units_out, pages, len(results), len(units) - len(results),
                      [s for r in results for s in r.pdf_seconds], search)


def _pages(files: list[str]) -> int:
    return sum(1 for f in files if f.endswith(".html"))


def _site_pages(report, plan: _Plan, staging: Path, years: list[int], units_out: dict, rendered: set[str],
                watch: Stopwatch):
    """Everything that is not one unit's: list pages, compendia, carried PDFs, the search index.
    Returns the number of list pages and the search result (None without search)."""
    from generator.site.builder import DisclosureSummary, ListPages
    from generator.site.search import SearchIndexError, bucket_names, index_site

    opts = plan.opts
    summaries = [DisclosureSummary(**s) for u in units_out.values() for s in u.summaries]
    if opts.compendium:
        _compendia(report, plan, staging, years, rendered)
        watch.lap("compendia")
    _carry_pdfs(plan.output, staging, report.site)  # before the list pages, which link the compendia
    with_pages = [unit_id for unit_id, out in units_out.items() if any(f.endswith(".html") for f in out.files)]
    buckets = bucket_names(with_pages) if opts.search else []
    lists = ListPages(report.site, staging, years, summaries, plan.cache_dir / "charts", opts.live_reload,
                      search_buckets=buckets)
    lists.render_all()
    watch.lap("list pages")
    search = None
    if opts.search:
        try:
            search = index_site(staging, plan.cache_dir, plan.output, plan.previous_search(), opts.jobs)
        except SearchIndexError as error:
            raise BuildFailed(str(error)) from None
        if sorted(search.buckets) != sorted(buckets):  # the search page lists what was written
            raise BuildFailed(f"搜索索引分组与搜索页不一致：{sorted(search.buckets)}，{sorted(buckets)}")
        watch.lap("search")
    if opts.live_reload:
        (staging / "build-id.txt").write_text(_build_id(staging), encoding="utf-8")  # what the preview polls
    return lists.pages, search


def _compendia(report, plan: _Plan, staging: Path, years: list[int], rendered: set[str]) -> None:
    """One PDF per year of every unit; kept from the last build while none of that year's units changed."""
    from generator.pdf.build import compendium_job, compendium_pdf_path, render, write_atomically
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


def _link_files(source: Path, staging: Path, files: list[str]) -> None:
    """Hard links (no copy, no rewrite) where the file system allows, copies elsewhere."""
    made: set[str] = set()
    for name in files:
        target = staging / name
        parent = target.parent.as_posix()
        if parent not in made:
            target.parent.mkdir(parents=True, exist_ok=True)
            made.add(parent)
        try:
            os.link(source / name, target)
        except OSError:
            shutil.copy2(source / name, target)


def _staging(output: Path, tag: str) -> Path:
    path = output.parent / f".{output.name}.{tag}-{os.getpid()}"
    shutil.rmtree(path, ignore_errors=True)
    return path


def _build_id(root: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file() and p.name != "build-id.txt"):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


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


def _carry_pdfs(output: Path, staging: Path, site) -> None:
    """PDFs written into the output by `budgetsite pdf` are kept across rebuilds, while their unit and
    year (or, for a compendium, the year) still exist."""
    from generator.site.builder import disclosure_dir, pdf_name
    from generator.site.downloads import compendium_path

    wanted = [compendium_path(y.year) for u in site.units for y in u.years]
    wanted += [disclosure_dir(u.id, y.year) + pdf_name(u.id, y.year) for u in site.units for y in u.years]
    for relative in sorted(set(wanted)):
        source, target = output / relative, staging / relative
        if source.is_file() and not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
