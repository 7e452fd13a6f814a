"""`budgetsite check`: load everything, run every rule, apply acknowledgements, report."""

from __future__ import annotations

import gc
import re
from dataclasses import dataclass, field
from pathlib import Path

from generator import figures as figures_mod
from generator.check_cache import CheckCache, UnitRecord, entry_from_record, facts_of, year_record
from generator.consequences import link, nest
from generator.content import Site, UnitEntry, load_site, load_unit, loadable_unit_dir, unit_dirs
from generator.diagnostics import Diagnostic, Severity
from generator.rules import DisclosureContext, load_all, run_disclosure_rules, site_rules
from generator.rules.cross_unit import stale_acknowledgements
from generator.rules.staleness import gone_acknowledgements


@dataclass
class Report:
    site: Site
    diagnostics: list[Diagnostic] = field(default_factory=list)
    contexts: dict[str, DisclosureContext] = field(default_factory=dict)  # units read in this run
    facts: dict = field(default_factory=dict)  # every disclosure's Facts, read or cached

    def count(self, severity: Severity, acknowledged: bool = False) -> int:
        """Problems of a severity: a diagnostic with its consequences counts once (one thing to fix)."""
        return sum(1 for d in self.diagnostics
                   if d.severity is severity and (d.acknowledged is not None) == acknowledged)

    def all_diagnostics(self) -> list[Diagnostic]:
        """Every diagnostic, the consequences after their cause."""
        return [found for d in self.diagnostics for found in (d, *d.consequences)]

    @property
    def consequences(self) -> int:
        return sum(len(d.consequences) for d in self.diagnostics)

    @property
    def errors(self) -> int:
        return self.count(Severity.ERROR)

    @property
    def warnings(self) -> int:
        return self.count(Severity.WARNING)

    @property
    def acknowledged(self) -> int:
        return sum(1 for d in self.all_diagnostics() if d.acknowledged is not None)

    def context(self, key: str) -> DisclosureContext | None:
        """The context of one disclosure; a unit whose check result came from the cache is read now."""
        if key not in self.contexts:
            unit = next((u for u in self.site.units if u.id == key.split("/")[0]), None)
            if unit is not None:
                self.contexts.update((c.entry.key, c) for c in unit_contexts(self.site, unit))
        return self.contexts.get(key)

    def failed(self, strict: bool = False) -> bool:
        """Consequences block too, but only ever under an error that blocks already."""
        return self.errors > 0 or (strict and self.warnings > 0)


PARALLEL_UNITS = 200  # units to read below which worker processes cost more than they save


def check_site(content: Path, cache_dir: Path | None = None, reuse: bool = True, jobs: int = 0,
               keys: dict[str, str] | None = None, workers=None, only: set[str] | None = None,
               sources: list[Path] = ()) -> Report:
    """Check everything. With `cache_dir`, each unit's result is saved there, and (unless `reuse` is
    false) units whose files are unchanged reuse their last result instead of being checked again.
    When many units must be read, `jobs` processes (0: one per core) read and check them. `keys`:
    the units' fingerprints (`fingerprint.content_keys`), when the caller has them already.
    `workers`: a build's generator.parallel.UnitWorkers, which keep the units they check to render them.
    `only`: the units of a shard; the others are left out, and so are the site-wide rules (the merge
    runs them over every shard's facts). `sources`: more cache folders to take unchanged units'
    results from (the shards' `.cache`, when merging)."""
    load_all()
    cache = (CheckCache(cache_dir, content, keys, sources, trust_own=reuse)
             if cache_dir is not None and content.is_dir() else None)
    reuse = reuse or bool(sources)  # the shards' results are taken even when this cache is not trusted
    with _WorkerShares(content, cache if reuse else None, cache.keys if cache else {}, jobs, workers, only) as shares:
        gc.disable()  # loading builds many small objects that are all kept: collecting them is wasted work
        try:
            site = load_site(content, reuse=cache.reuse if cache and reuse else None,
                             only=shares.mine if shares.mine is not None else only)
        finally:
            gc.enable()
        report = Report(site, list(site.diagnostics))
        for unit in site.units:  # while the workers check their shares
            if unit.record is None:
                unit.record = _check_unit(unit, report, cache.key(unit.id) if cache else "")
        site.units = sorted(site.units + shares.entries(), key=lambda u: u.id)
    for unit in site.units:
        report.diagnostics.extend(unit.record.diagnostics)
    facts = {f"{unit.id}/{y.year}": y.facts for unit in site.units for y in unit.record.years if y.facts}
    by_entry = {f"{unit.id}/{y.year}": list(y.diagnostics) for unit in site.units for y in unit.record.years}
    for spec in site_rules() if only is None else ():
        for found in spec.check(facts):
            by_entry[f"{found.unit}/{found.year}"].append(found)
    for unit in site.units:
        for year in unit.record.years:
            found = by_entry[f"{unit.id}/{year.year}"]
            used = _acknowledge(year.acknowledged, found)
            report.diagnostics.extend(nest(found))
            report.diagnostics.extend(stale_acknowledgements(year, used, unit.id))
    report.diagnostics.sort(key=Diagnostic.sort_key)
    report.facts = facts
    if cache is not None:
        cache.save(site.units)
    return report


class _WorkerShares:
    """When many units must be read (the cache cannot give them), worker processes read and check all
    but one share of them while this process takes that share (`mine`: the units it reads, None for
    all). `entries()` are the workers' units, as if from the cache. With a build's `workers`, the
    shares go to them whenever the build would render in workers anyway (they render what they read)."""

    def __init__(self, content: Path, cache: CheckCache | None, keys: dict[str, str], jobs: int, workers=None,
                 only: set[str] | None = None):
        from generator.workers import default_jobs, few, spawn_pool

        self.content, self.pool, self.futures, self.mine = content, None, [], None
        jobs = jobs or default_jobs()
        folders = [d for d in unit_dirs(content) if only is None or d.name in only]
        # A folder that is not read (bad name, outside content/) stays here, where its S009 is reported.
        todo = [d.name for d in folders if loadable_unit_dir(content, d) and not (cache and cache.fresh(d.name))]
        if few(len(todo), jobs) if workers is not None else (jobs < 2 or len(todo) < PARALLEL_UNITS):
            return
        shares = [todo[k::jobs] for k in range(jobs)]
        if workers is not None:
            self.futures = [workers.check(content, share, keys) for share in shares[1:]]
        else:
            self.pool = spawn_pool(jobs - 1)
            self.futures = [self.pool.submit(_check_share, content, share, keys) for share in shares[1:]]
        theirs = {name for share in shares[1:] for name in share}
        self.mine = {d.name for d in folders if d.name not in theirs}

    def entries(self) -> list[UnitEntry]:
        records = {}
        for future in self.futures:
            records.update(future.result())
        return [entry_from_record(self.content / "units" / unit_id, record) for unit_id, record in records.items()]

    def __enter__(self) -> "_WorkerShares":
        return self

    def __exit__(self, *exc) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)


def _check_share(content: Path, unit_ids: list[str], keys: dict[str, str]) -> dict[str, UnitRecord]:
    """In a worker: the check results of some of the units."""
    return check_part(content, unit_ids, keys)[1]


def check_part(content: Path, unit_ids: list[str], keys: dict[str, str]) -> tuple[Report, dict[str, UnitRecord]]:
    """Read and check some of the units (a worker's share): the report holding their contexts, and
    their check results."""
    load_all()
    gc.disable()
    try:
        site = load_site(content, only=set(unit_ids))
    finally:
        gc.enable()
    report = Report(site)
    return report, {unit.id: _check_unit(unit, report, keys.get(unit.id, "")) for unit in site.units}


def _check_unit(unit: UnitEntry, report: Report, key: str) -> UnitRecord:
    """Run the disclosure rules on a freshly read unit; its contexts stay available to the builders."""
    years = []
    figures = unit_figures(unit)
    for entry in unit.years:
        if entry.disclosure is None:
            years.append(year_record(entry, [], None))
            continue
        ctx = report.contexts[entry.key] = DisclosureContext(report.site, entry, entry.disclosure,
                                                             figures[entry.year])
        found = run_disclosure_rules(ctx)
        link(ctx, found)
        years.append(year_record(entry, found, facts_of(ctx)))
        years[-1].acknowledged_gone = gone_acknowledgements(ctx)
    return UnitRecord(key, unit.unit, unit.display, unit.diagnostics, years)


def unit_contexts(site: Site, unit: UnitEntry) -> list[DisclosureContext]:
    """The contexts of a checked unit's disclosures, oldest first, reading its files if it came from
    the cache (the rules are not run again: its check result is still valid)."""
    if not unit.loaded:
        reread = load_unit(site, unit.dir)
        reread.record = unit.record
        site.units[site.units.index(unit)] = unit = reread
    figures = unit_figures(unit)
    return [DisclosureContext(site, entry, entry.disclosure, figures[entry.year])
            for entry in unit.years if entry.disclosure is not None]


def unit_figures(unit: UnitEntry) -> dict[int, figures_mod.Figures]:
    """The figures of each of a unit's disclosures. A year's previous-year figures are those of the
    unit's disclosure of the year before when it is here (so check, site and PDF agree on them); a
    unit's years are read, checked and cached together, so a change to last year reaches this year."""
    out: dict[int, figures_mod.Figures] = {}
    for entry in sorted(unit.years, key=lambda e: e.year):
        if entry.disclosure is not None:
            out[entry.year] = figures_mod.compute(entry.disclosure, out.get(entry.year - 1))
    return out


_DATA_PATH = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*|\[[0-9]+\])*$")


def at_matches(at: str, subject: str) -> bool:
    """Whether an acknowledgement's `at` covers a diagnostic's subject: the very same subject (a data
    path, or the narrative text the diagnostic quotes), or a data path that contains it, cut at a `.` or
    `[`: `fixed_assets` covers `fixed_assets.total` and `fixed_assets.items[2].amount`, but `total` does
    not cover `fixed_assets.total`, nor `items[1]` cover `items[12]`."""
    at = at.strip()
    if at == subject:
        return True
    return (bool(_DATA_PATH.match(at)) and subject.startswith(at) and subject[len(at):len(at) + 1] in (".", "["))


def _acknowledge(acknowledgements: list, diagnostics: list[Diagnostic]) -> set[int]:
    """Mark diagnostics the author acknowledged; return the indexes of acknowledgements used."""
    used: set[int] = set()
    for diagnostic in diagnostics:
        for i, ack in enumerate(acknowledgements):
            if ack.rule == diagnostic.code and (not ack.at or at_matches(ack.at, diagnostic.subject)):
                diagnostic.acknowledged = ack.reason
                used.add(i)
                break
    return used
