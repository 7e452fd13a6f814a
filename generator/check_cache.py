"""The check result of each unit, kept between runs and reused while the unit's files are unchanged.

A unit's record holds what the rest of a run needs without reading its files again: the problems
found while loading it and by the disclosure rules (before acknowledgements are applied), its
acknowledgements, and the `Facts` that the site-wide rules and the list pages look at. The key of a
record covers the unit's files, the site-wide inputs and the code version (generator.fingerprint).
"""

from __future__ import annotations

import hashlib
import pickle
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from generator import fingerprint
from generator.content import UnitEntry, YearEntry
from generator.diagnostics import Diagnostic, Location
from generator.files import write_atomically

FORMAT = 1


@dataclass
class NamedLine:
    """A classification line as C003 sees it."""

    field: str  # functional | economic
    code: str
    name: str
    subject: str
    path: tuple  # where its name is written in budget.yaml


@dataclass
class Facts:
    """What site-wide rules and list pages need from one disclosure."""

    unit_id: str
    year: int
    budget: Path  # budget.yaml, and how diagnostics name it
    budget_display: str
    values: dict[str, Decimal]  # every current figure: published where recorded, else derived
    previous: dict[str, Decimal]  # previous-year figures as recorded in this disclosure
    previous_at: dict[str, tuple]  # where each is written in budget.yaml
    names: list[NamedLine] = field(default_factory=list)

    @property
    def key(self) -> str:
        return f"{self.unit_id}/{self.year}"

    def at(self, path: tuple) -> Location:
        """Where a site-wide rule points. Looked up only when one fires: the file is read again then."""
        from generator.locate import locate
        from generator.yamlsource import load_yaml

        return Location(self.budget_display, *locate(load_yaml(self.budget), path))


@dataclass
class YearRecord:
    year: int
    budget_display: str
    narrative_display: str
    diagnostics: list[Diagnostic]  # from the disclosure rules, before acknowledgement
    facts: Facts | None  # None when the disclosure could not be loaded
    acknowledged: list = field(default_factory=list)  # generator.model.budget acknowledgements
    acknowledged_at: list[Location] = field(default_factory=list)
    acknowledged_gone: list[int] = field(default_factory=list)  # acknowledgements whose `at` is not in the files


@dataclass
class UnitRecord:
    key: str
    unit: object  # generator.model.Unit | None
    display: str
    diagnostics: list[Diagnostic]  # found while loading the unit's files
    years: list[YearRecord]


def entry_from_record(unit_dir: Path, record: UnitRecord) -> UnitEntry:
    """A unit as the rest of the run sees it, without reading its files."""
    entry = UnitEntry(unit_dir.name, unit_dir, None, record.display, record.unit,
                      diagnostics=list(record.diagnostics), record=record)
    for year in record.years:
        entry.years.append(YearEntry(entry, year.year, unit_dir / str(year.year), None, year.budget_display,
                                     year.narrative_display))
    return entry


class CheckCache:
    """One pickle per content directory under `cache_dir`; a missing or unreadable cache is empty."""

    def __init__(self, cache_dir: Path, content: Path, keys: dict[str, str] | None = None):
        """`keys`: the units' fingerprints, when the caller has just made them (`content_keys`)."""
        root = str(content.resolve()).encode("utf-8")
        self.path = cache_dir / f"check-{hashlib.sha256(root).hexdigest()[:16]}.pickle"
        self.keys = keys if keys is not None else fingerprint.content_keys(content, cache_dir)
        self.records: dict[str, UnitRecord] = self._read()
        self.reused: dict[str, UnitRecord] = {}
        self.content = content

    def _read(self) -> dict[str, UnitRecord]:
        try:
            with self.path.open("rb") as handle:
                stored = pickle.load(handle)
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError, ValueError):
            return {}
        if not isinstance(stored, dict) or stored.get("format") != FORMAT:
            return {}
        return stored.get("units", {})

    def fresh(self, unit_id: str) -> bool:
        """Whether the unit's stored result is still valid (its files are unchanged)."""
        record = self.records.get(unit_id)
        return record is not None and record.key == self.keys.get(unit_id)

    def reuse(self, unit_id: str) -> UnitEntry | None:
        if not self.fresh(unit_id):
            return None
        record = self.records[unit_id]
        self.reused[unit_id] = record
        return entry_from_record(self.content / "units" / unit_id, record)

    def key(self, unit_id: str) -> str | None:
        return self.keys.get(unit_id)

    def save(self, units: list[UnitEntry]) -> None:
        records = {u.id: u.record for u in units if u.record is not None and u.record.key}
        if records.keys() == self.records.keys() == self.reused.keys():
            return  # every unit came from the cache: nothing new to write
        data = pickle.dumps({"format": FORMAT, "units": records}, protocol=pickle.HIGHEST_PROTOCOL)
        try:
            write_atomically(self.path, data)
        except OSError:
            pass  # a cache that cannot be written only costs time


def facts_of(ctx) -> Facts:
    """The facts of a freshly checked disclosure (positions are looked up now: the file is not kept)."""
    from generator.rules.cross_unit import previous_year_path

    figures = ctx.figures
    current = set(figures.derived) | set(figures.published)
    entry = ctx.entry
    facts = Facts(entry.unit.id, entry.year, entry.budget_doc.path, entry.budget_display,
                  {n: figures.value(n) for n in sorted(current)}, dict(figures.previous),
                  {n: previous_year_path(n) for n in figures.previous})
    for field_name in ("functional", "economic"):
        for i, line in enumerate(getattr(ctx.disclosure, field_name)):
            if line.name:
                facts.names.append(NamedLine(field_name, line.code, line.name, f"{field_name}[{i}].name",
                                             (field_name, i, "name")))
    return facts


def year_record(entry: YearEntry, diagnostics: list[Diagnostic], facts: Facts | None) -> YearRecord:
    acknowledged = list(entry.disclosure.acknowledged) if entry.disclosure else []
    at = [Location(entry.budget_display, *entry.budget_doc.position(("acknowledged", i)))
          for i in range(len(acknowledged))]
    return YearRecord(entry.year, entry.budget_display, entry.narrative_display, diagnostics, facts, acknowledged, at)
