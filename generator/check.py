"""`budgetsite check`: load everything, run every rule, apply acknowledgements, report."""

from __future__ import annotations

import gc
import re
from dataclasses import dataclass, field
from pathlib import Path

from generator import figures as figures_mod
from generator.content import Site, YearEntry, load_site
from generator.diagnostics import Diagnostic, Severity
from generator.rules import DisclosureContext, load_all, run_disclosure_rules, site_rules
from generator.rules.cross_unit import stale_acknowledgements


@dataclass
class Report:
    site: Site
    diagnostics: list[Diagnostic] = field(default_factory=list)
    contexts: dict[str, DisclosureContext] = field(default_factory=dict)

    def count(self, severity: Severity, acknowledged: bool = False) -> int:
        return sum(1 for d in self.diagnostics
                   if d.severity is severity and (d.acknowledged is not None) == acknowledged)

    @property
    def errors(self) -> int:
        return self.count(Severity.ERROR)

    @property
    def warnings(self) -> int:
        return self.count(Severity.WARNING)

    @property
    def acknowledged(self) -> int:
        return sum(1 for d in self.diagnostics if d.acknowledged is not None)

    def failed(self, strict: bool = False) -> bool:
        return self.errors > 0 or (strict and self.warnings > 0)


def check_site(content: Path) -> Report:
    load_all()
    gc.disable()  # loading builds many small objects that are all kept: collecting them is wasted work
    try:
        site = load_site(content)
    finally:
        gc.enable()
    report = Report(site, list(site.diagnostics))
    by_entry: dict[str, list[Diagnostic]] = {}

    def make_context(entry: YearEntry) -> DisclosureContext:
        if entry.key not in report.contexts:
            report.contexts[entry.key] = DisclosureContext(site, entry, entry.disclosure,
                                                           figures_mod.compute(entry.disclosure))
        return report.contexts[entry.key]

    for entry in site.years():
        if entry.disclosure is None:
            continue
        by_entry.setdefault(entry.key, []).extend(run_disclosure_rules(make_context(entry)))
    for spec in site_rules():
        for diagnostic in spec.check(site, make_context):
            by_entry.setdefault(f"{diagnostic.unit}/{diagnostic.year}", []).append(diagnostic)
    for entry in site.years():
        found = by_entry.get(entry.key, [])
        matched = _acknowledge(entry, found)
        report.diagnostics.extend(found)
        report.diagnostics.extend(stale_acknowledgements(entry, matched))
    report.diagnostics.sort(key=Diagnostic.sort_key)
    return report


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


def _acknowledge(entry: YearEntry, diagnostics: list[Diagnostic]) -> set[int]:
    """Mark diagnostics the author acknowledged; return the indexes of acknowledgements used."""
    used: set[int] = set()
    acknowledgements = entry.disclosure.acknowledged if entry.disclosure else []
    for diagnostic in diagnostics:
        for i, ack in enumerate(acknowledgements):
            if ack.rule == diagnostic.code and (not ack.at or at_matches(ack.at, diagnostic.subject)):
                diagnostic.acknowledged = ack.reason
                used.add(i)
                break
    return used
