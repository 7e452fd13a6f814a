"""The check result of each unit, kept between runs and reused while the unit's files are unchanged.

A unit's record holds what the rest of a run needs without reading its files again: the problems
found while loading it and by the disclosure rules (before acknowledgements are applied), its
acknowledgements, and the `Facts` that the site-wide rules look at. The key of a
record covers the unit's files, the site-wide inputs and the code version (generator.fingerprint).
"""

from __future__ import annotations

import hashlib
import pickle
from dataclasses import dataclass, field
from pathlib import Path

from generator import fingerprint
from generator.content import UnitEntry, YearEntry
from generator.diagnostics import Diagnostic, Location
from generator.files import write_atomically

FORMAT = 2  # 2: one record per unit, Facts without the unused figures


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
    """What the site-wide rules (C003) need from one disclosure: the names of its classification lines."""

    unit_id: str
    year: int
    budget: Path  # budget.yaml, and how diagnostics name it
    budget_display: str
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
    """One record per unit under `cache_dir/check-<content>/`, read only when a run asks for that unit,
    and a small index of the records' keys, so that whether a unit must be checked again is known
    without reading its record. A one-unit change writes that unit's record and the index, not the
    whole site's results. A missing or unreadable record (or index) is as if never written."""

    def __init__(self, cache_dir: Path, content: Path, keys: dict[str, str] | None = None,
                 sources: list[Path] = (), trust_own: bool = True):
        """`keys`: the units' fingerprints, when the caller has just made them (`content_keys`).
        `sources`: other cache folders (the shards' `.cache`) whose records may be taken, not kept.
        `trust_own`: false to take nothing from this cache (`build --clean`), only write to it."""
        name = f"check-{hashlib.sha256(str(content.resolve()).encode('utf-8')).hexdigest()[:16]}"
        self.folder = cache_dir / name
        self.keys = keys if keys is not None else fingerprint.content_keys(content, cache_dir)
        self.stored: dict[str, str] = _read_index(self.folder) if trust_own else {}  # unit id -> key of its record
        self.borrowed = [(source / name, _read_index(source / name)) for source in sources]
        self.reused: dict[str, UnitRecord] = {}  # taken from this cache
        self.taken: set[str] = set()  # taken from a source
        self.content = content

    def fresh(self, unit_id: str) -> bool:
        """Whether the unit's stored result (here or in a source) is still valid (its files are unchanged)."""
        return self._where(unit_id) is not None

    def _where(self, unit_id: str) -> Path | None:
        key = self.keys.get(unit_id)
        for folder, stored in [(self.folder, self.stored), *self.borrowed]:
            if key is not None and stored.get(unit_id) == key:
                return folder
        return None

    def reuse(self, unit_id: str) -> UnitEntry | None:
        folder = self._where(unit_id)
        if folder is None:
            return None
        record = _load(_record_path(folder, unit_id))
        if not isinstance(record, UnitRecord) or record.key != self.keys[unit_id]:
            self.stored.pop(unit_id, None)  # lost or damaged: checked again, and written again
            return None
        if folder == self.folder:
            self.reused[unit_id] = record
        else:
            self.taken.add(unit_id)
        return entry_from_record(self.content / "units" / unit_id, record)

    def key(self, unit_id: str) -> str | None:
        return self.keys.get(unit_id)

    def save(self, units: list[UnitEntry]) -> None:
        """The records checked in this run, and the index of every unit's; records of units that are
        gone are deleted. Records taken from a source stay there (a merge checks nothing itself)."""
        records = {u.id: u.record for u in units if u.record is not None and u.record.key and u.id not in self.taken}
        keys = {unit_id: record.key for unit_id, record in records.items()}
        if keys == self.stored and records.keys() == self.reused.keys():
            return  # every unit came from the cache: nothing new to write
        try:
            for unit_id, record in records.items():
                if unit_id not in self.reused:
                    write_atomically(_record_path(self.folder, unit_id), pickle.dumps(record, protocol=pickle.HIGHEST_PROTOCOL))
            for unit_id in set(self.stored) - set(keys):
                _record_path(self.folder, unit_id).unlink(missing_ok=True)
            index = {"format": FORMAT, "keys": dict(sorted(keys.items()))}
            write_atomically(self.folder / "index.pickle", pickle.dumps(index, protocol=pickle.HIGHEST_PROTOCOL))
        except OSError:
            pass  # a cache that cannot be written only costs time
        self.stored = keys


def _read_index(folder: Path) -> dict[str, str]:
    stored = _load(folder / "index.pickle")
    if not isinstance(stored, dict) or stored.get("format") != FORMAT:
        return {}
    return stored.get("keys", {})


def _record_path(folder: Path, unit_id: str) -> Path:
    return folder / "units" / f"{unit_id}.pickle"


def _load(path: Path):
    """A pickle, or None when it is missing or unreadable (written by another version, cut short)."""
    try:
        with path.open("rb") as handle:
            return pickle.load(handle)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError, ValueError,
            IndexError, KeyError):
        return None


def facts_of(ctx) -> Facts:
    """The facts of a freshly checked disclosure (positions are looked up now: the file is not kept)."""
    entry = ctx.entry
    facts = Facts(entry.unit.id, entry.year, entry.budget_doc.path, entry.budget_display)
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
