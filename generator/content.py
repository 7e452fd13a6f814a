"""Reading `content/`: site settings, profiles, catalogue, units, and each unit's years.

Loading never stops at the first problem: every file is read, and problems become diagnostics.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from generator import schema_errors
from generator.catalogue import Catalogue, load_catalogue
from generator.diagnostics import Diagnostic, Location, Severity, relative
from generator.model import Disclosure, SiteSettings, Unit
from generator.model.profile import Profile
from generator.narrative import Narrative, match_sections, parse_narrative
from generator.narrative_figures import PatternList, pattern_files, pattern_role_problems, profile_role_problems
from generator.yamlsource import YamlDocument, load_builtin_yaml, load_yaml

BUILTIN_PROFILES = Path(__file__).parent / "data" / "profiles"
# ASCII only and to the very end: `\d` would take full-width or Arabic-Indic digits (２０２３) and `$` a
# trailing newline, and both names would then become part of the site's URLs.
UNIT_ID = re.compile(r"\A[a-z0-9][a-z0-9-]{0,63}\Z")
YEAR_DIR = re.compile(r"\A[0-9]{4}\Z")


@dataclass
class YearEntry:
    unit: "UnitEntry"
    year: int
    dir: Path
    budget_doc: YamlDocument | None  # None when the unit's check result came from the cache
    budget_display: str
    narrative_display: str
    disclosure: Disclosure | None = None
    narrative: Narrative | None = None
    profile: Profile | None = None

    @property
    def key(self) -> str:
        return f"{self.unit.id}/{self.year}"


@dataclass
class UnitEntry:
    id: str
    dir: Path
    doc: YamlDocument
    display: str
    unit: Unit | None = None
    years: list[YearEntry] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)  # found while reading this unit's files
    record: object = None  # generator.check_cache.UnitRecord: this unit's check result, fresh or cached

    @property
    def loaded(self) -> bool:
        """False when the unit's files were not read because its cached check result is still valid."""
        return self.doc is not None


@dataclass
class Site:
    root: Path
    settings: SiteSettings | None
    settings_doc: YamlDocument | None
    profiles: dict[str, Profile]
    catalogue: Catalogue
    units: list[UnitEntry]
    diagnostics: list[Diagnostic] = field(default_factory=list)
    patterns: list = field(default_factory=list)  # how the narrative states figures (narrative_figures)

    def display(self, path: Path) -> str:
        # Resolving paths is slow and a site is shown while it is loaded and checked, so the resolved
        # base folder and each path's display name are kept (for the base folder they were made for).
        base = self.root.parent
        cache = self.__dict__.get("_display_cache")
        if cache is None or cache[0] != base:
            cache = self.__dict__["_display_cache"] = (base, base.resolve(), {})
        shown = cache[2].get(path)
        if shown is None:
            shown = cache[2][path] = relative(path, base, cache[1])
        return shown

    def years(self) -> list[YearEntry]:
        return [entry for unit in self.units for entry in unit.years]


def load_site(root: Path, reuse=None, only: set[str] | None = None) -> Site:
    """Read the content. `reuse(unit_id)` may return a UnitEntry from the check cache instead of reading
    it; with `only`, the other units are left out (a worker checking part of the site)."""
    site = Site(root, None, None, {}, Catalogue(), [])
    if not root.is_dir():
        site.diagnostics.append(Diagnostic("S009", Severity.ERROR, f"内容目录不存在：{root}", Location(str(root))))
        return site
    site.settings_doc, site.settings = _load_model(site, root / "site.yaml", SiteSettings, required=True)
    site.profiles = _load_profiles(site)
    site.catalogue = load_catalogue(root / "catalogue")
    site.patterns = _load_patterns(site)
    for doc in site.catalogue.documents:
        site.diagnostics.extend(_yaml_problems(site, doc))
    for unit_dir in unit_dirs(root):
        if only is not None and unit_dir.name not in only:
            continue
        unit_entry = (reuse and reuse(unit_dir.name)) or load_unit(site, unit_dir)
        if unit_entry is not None:
            site.units.append(unit_entry)
    return site


def unit_dirs(root: Path) -> list[Path]:
    units_dir = root / "units"
    return sorted(p for p in units_dir.iterdir() if p.is_dir()) if units_dir.is_dir() else []


def loadable_unit_dir(root: Path, unit_dir: Path) -> bool:
    """Whether `load_unit` reads the folder at all (else it only reports why not: S009)."""
    return bool(UNIT_ID.match(unit_dir.name)) and unit_dir.resolve().is_relative_to(root.resolve())


def load_unit(site: Site, unit_dir: Path) -> UnitEntry | None:
    """Read one unit; the problems found in its files are kept on the unit (they are cached with it)."""
    start = len(site.diagnostics)
    entry = _load_unit(site, unit_dir)
    if entry is not None:
        entry.diagnostics = site.diagnostics[start:]
        del site.diagnostics[start:]
    return entry


def _load_model(site: Site, path: Path, model, required: bool, builtin: bool = False):
    display = site.display(path)
    if not path.exists():
        if required:
            site.diagnostics.append(Diagnostic("S003", Severity.ERROR, f"缺少文件 {path.name}", Location(display)))
        return None, None
    doc = load_builtin_yaml(path) if builtin else load_yaml(path)
    site.diagnostics.extend(_yaml_problems(site, doc))
    if doc.data is None and doc.problems:
        return doc, None
    instance, problems = schema_errors.validate(doc, model, display)
    site.diagnostics.extend(problems)
    return doc, instance


def _yaml_problems(site: Site, doc: YamlDocument) -> list[Diagnostic]:
    display = site.display(doc.path)
    return [
        Diagnostic(p.code, Severity.ERROR, p.message, Location(display, p.line, p.column),
                   extra={"detail": p.detail} if p.detail else {})
        for p in doc.problems
    ]


def _load_patterns(site: Site) -> list:
    patterns = []
    for path, builtin in pattern_files(site.root):
        doc = load_builtin_yaml(path) if builtin else load_yaml(path)
        site.diagnostics.extend(_yaml_problems(site, doc))
        if doc.data is None and doc.problems:
            continue
        listed, problems = schema_errors.validate(doc, PatternList, site.display(path))
        site.diagnostics.extend(problems)
        if listed is not None:
            site.diagnostics.extend(pattern_role_problems(doc, listed.root, site.display(path)))
        patterns.extend(listed.root if listed is not None else [])
    return patterns


def _load_profiles(site: Site) -> dict[str, Profile]:
    profiles: dict[str, Profile] = {}
    paths = [(p, True) for p in sorted(BUILTIN_PROFILES.glob("*.yaml"))]
    paths += [(p, False) for p in sorted((site.root / "profiles").glob("*.yaml"))]
    for path, builtin in paths:
        doc, profile = _load_model(site, path, Profile, required=True, builtin=builtin)
        if profile is not None:
            site.diagnostics.extend(profile_role_problems(doc, profile, site.display(path)))
            profiles[profile.id] = profile
    return profiles


def _load_unit(site: Site, unit_dir: Path) -> UnitEntry | None:
    display = site.display(unit_dir / "unit.yaml")
    if not unit_dir.resolve().is_relative_to(site.root.resolve()):
        site.diagnostics.append(
            Diagnostic("S009", Severity.ERROR, f"单位目录“{unit_dir.name}”指向 content/ 之外（符号链接），不予读取",
                       Location(site.display(unit_dir)), expected="content/ 内的目录", found=str(unit_dir.resolve()))
        )
        return None
    if not UNIT_ID.match(unit_dir.name):
        site.diagnostics.append(
            Diagnostic("S009", Severity.ERROR, f"单位目录名“{unit_dir.name}”不是合法标识（只允许小写字母、数字和连字符）",
                       Location(site.display(unit_dir)), expected="如 langfang-renda", found=unit_dir.name)
        )
        return None
    doc, unit = _load_model(site, unit_dir / "unit.yaml", Unit, required=True)
    entry = UnitEntry(unit_dir.name, unit_dir, doc or YamlDocument(unit_dir / "unit.yaml", None), display, unit)
    if unit is not None and unit.id not in (None, unit_dir.name):
        line, col = entry.doc.position(("id",))
        site.diagnostics.append(
            Diagnostic("S009", Severity.ERROR, "单位标识与目录名不一致", Location(display, line, col),
                       expected=unit_dir.name, found=unit.id)
        )
    for year_dir in sorted(p for p in unit_dir.iterdir() if p.is_dir()):
        if not YEAR_DIR.match(year_dir.name):
            site.diagnostics.append(
                Diagnostic("S009", Severity.ERROR, f"年度目录名“{year_dir.name}”应为四位年份",
                           Location(site.display(year_dir)), expected="如 2023", found=year_dir.name)
            )
            continue
        entry.years.append(_load_year(site, entry, year_dir))
    return entry


def _load_year(site: Site, unit: UnitEntry, year_dir: Path) -> YearEntry:
    budget_path = year_dir / "budget.yaml"
    narrative_path = year_dir / "narrative.md"
    doc, disclosure = _load_model(site, budget_path, Disclosure, required=True)
    entry = YearEntry(
        unit, int(year_dir.name), year_dir, doc or YamlDocument(budget_path, None),
        site.display(budget_path), site.display(narrative_path), disclosure,
    )
    if disclosure is not None and disclosure.year != entry.year:
        line, col = entry.budget_doc.position(("year",))
        site.diagnostics.append(
            Diagnostic("S009", Severity.ERROR, "budget.yaml 中的年度与目录名不一致",
                       Location(entry.budget_display, line, col), expected=str(entry.year), found=str(disclosure.year))
        )
    if narrative_path.exists():
        try:
            entry.narrative = parse_narrative(narrative_path, narrative_path.read_text(encoding="utf-8-sig"))
        except UnicodeDecodeError:
            site.diagnostics.append(Diagnostic("S001", Severity.ERROR, "narrative.md 不是 UTF-8 编码",
                                               Location(entry.narrative_display)))
    else:
        site.diagnostics.append(Diagnostic("S003", Severity.ERROR, "缺少文件 narrative.md",
                                           Location(entry.narrative_display)))
    entry.profile = _profile_for(site, entry)
    if entry.narrative is not None and entry.profile is not None:
        match_sections(entry.narrative, entry.profile)
    return entry


def _profile_for(site: Site, entry: YearEntry) -> Profile | None:
    wanted = ""
    field_path: tuple = ()
    if entry.disclosure and entry.disclosure.profile:
        wanted, field_path = entry.disclosure.profile, ("profile",)
    elif entry.unit.unit and entry.unit.unit.profile:
        wanted = entry.unit.unit.profile
    elif site.settings:
        wanted = site.settings.default_profile
    if wanted in site.profiles:
        return site.profiles[wanted]
    if entry.disclosure is None:
        return None
    line, col = entry.budget_doc.position(field_path) if field_path else (0, 0)
    site.diagnostics.append(
        Diagnostic("S012", Severity.ERROR, f"未知的公开模板“{wanted}”", Location(entry.budget_display, line, col),
                   expected="、".join(sorted(site.profiles)), found=wanted or "（未指定）")
    )
    return None
