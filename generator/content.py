"""Reading `content/`: site settings, profiles, catalogue, units, and each unit's years.

Loading never stops at the first problem: every file is read, and problems become diagnostics.
"""

from __future__ import annotations

import errno
import os
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
from generator.yamlsource import (
    CONTROL, YamlDocument, control_problems, decode_problem, load_builtin_yaml, load_yaml,
)

BUILTIN_PROFILES = Path(__file__).parent / "data" / "profiles"
# ASCII only and to the very end: `\d` would take full-width or Arabic-Indic digits (２０２３) and `$` a
# trailing newline, and both names would then become part of the site's URLs.
UNIT_ID = re.compile(r"\A[a-z0-9][a-z0-9-]{0,63}\Z")
YEAR_DIR = re.compile(r"\A[0-9]{4}\Z")
# Besides content/ itself, a link may lead into the project's themes (a shared profile or pattern file).
THEMES = Path(__file__).resolve().parent.parent / "themes"


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
    links: dict = field(default_factory=dict)  # symbolic link -> whether it may be followed (judged once)

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


def readable(site: Site, path: Path, is_link: bool | None = None) -> bool:
    """Whether a file or folder of content/ may be read: it is not a symbolic link, or its link leads to
    something that exists inside content/ (or the project's themes). A link that leads elsewhere, loops
    or leads nowhere is reported once (S014) and never followed. The folders above `path` were judged
    when they were entered, so only `path` itself is looked at (one lstat, none with `is_link`)."""
    if not (os.path.islink(path) if is_link is None else is_link):
        return True
    verdict = site.links.get(path)
    if verdict is None:
        problem = _link_problem(site, path)
        verdict = site.links[path] = problem is None
        if problem is not None:
            site.diagnostics.append(problem)
    return verdict


def _link_problem(site: Site, path: Path) -> Diagnostic | None:
    # The link itself, not where it leads; a file's problem at its first line, as for other whole-file problems.
    shown = Location(f"{site.display(path.parent)}/{path.name}", *((0, 0) if path.is_dir() else (1, 1)))
    written = os.readlink(path)
    try:
        target = path.resolve(strict=True)
    except (OSError, RuntimeError) as exc:  # RuntimeError: Python < 3.13 reports a loop so
        if isinstance(exc, RuntimeError) or getattr(exc, "errno", None) == errno.ELOOP:
            return Diagnostic("S014", Severity.ERROR, f"“{path.name}”是循环的符号链接（最终指回自身），不予读取", shown,
                              expected="普通文件或目录", found=written)
        return Diagnostic("S014", Severity.ERROR, f"“{path.name}”是断开的符号链接（指向的位置不存在），不予读取", shown,
                          expected="存在的文件或目录", found=written)
    allowed = (site.root.resolve(), THEMES, site.root.parent.resolve() / "themes")
    if any(target.is_relative_to(base) for base in allowed):
        return None
    return Diagnostic("S014", Severity.ERROR, f"“{path.name}”是指向 content/ 之外的符号链接，不予读取", shown,
                      expected="content/ 内的文件或目录", found=str(target))


def _entries(site: Site, folder: Path, skip: frozenset = frozenset()) -> list[os.DirEntry]:
    """The entries of a folder of content/ that may be read (a link that may not is reported, S014),
    sorted by name; names in `skip` are left out, unjudged (their reader judges them)."""
    with os.scandir(folder) as found:
        entries = sorted(found, key=lambda e: e.name)
    return [e for e in entries if e.name in skip or not e.is_symlink() or readable(site, Path(e.path), True)]


def _is_dir(entry: os.DirEntry) -> bool:
    try:
        return entry.is_dir()
    except OSError:
        return False


def load_site(root: Path, reuse=None, only: set[str] | None = None) -> Site:
    """Read the content. `reuse(unit_id)` may return a UnitEntry from the check cache instead of reading
    it; with `only`, the other units are left out (a worker checking part of the site)."""
    site = Site(root, None, None, {}, Catalogue(), [])
    if not root.is_dir():
        site.diagnostics.append(Diagnostic("S009", Severity.ERROR, f"内容目录不存在：{root}", Location(str(root))))
        return site
    site.settings_doc, site.settings = _load_model(site, root / "site.yaml", SiteSettings, required=True)
    site.profiles = _load_profiles(site)
    catalogue_dir = root / "catalogue"
    site.catalogue = load_catalogue(catalogue_dir if readable(site, catalogue_dir) else None,
                                    lambda path: readable(site, path))
    site.patterns = _load_patterns(site)
    for doc in site.catalogue.documents:
        site.diagnostics.extend(_yaml_problems(site, doc))
    if not readable(site, root / "units"):
        return site
    for unit_dir in unit_dirs(root):
        if only is not None and unit_dir.name not in only:
            continue
        unit_entry = (reuse and reuse(unit_dir.name)) or load_unit(site, unit_dir)
        if unit_entry is not None:
            site.units.append(unit_entry)
    return site


def unit_dirs(root: Path) -> list[Path]:
    """The folders of units/, and the links there, whatever they lead to (`load_unit` judges them);
    none when units/ itself is a link that may not be followed."""
    units_dir = root / "units"
    if not units_dir.is_dir() or (units_dir.is_symlink() and not _leads_inside(units_dir, root)):
        return []
    with os.scandir(units_dir) as entries:
        return sorted(Path(e.path) for e in entries if e.is_symlink() or _is_dir(e))


def _leads_inside(path: Path, root: Path) -> bool:
    try:
        return path.resolve(strict=True).is_relative_to(root.resolve())
    except (OSError, RuntimeError):
        return False


def loadable_unit_dir(root: Path, unit_dir: Path) -> bool:
    """Whether `load_unit` reads the folder at all (else it only reports why not: S009, S014)."""
    return bool(UNIT_ID.match(unit_dir.name)) and (not unit_dir.is_symlink() or _leads_inside(unit_dir, root))


def load_unit(site: Site, unit_dir: Path) -> UnitEntry | None:
    """Read one unit; the problems found in its files are kept on the unit (they are cached with it)."""
    start = len(site.diagnostics)
    entry = _load_unit(site, unit_dir)
    if entry is not None:
        entry.diagnostics = site.diagnostics[start:]
        del site.diagnostics[start:]
    return entry


def _load_model(site: Site, path: Path, model, required: bool, builtin: bool = False):
    if not readable(site, path):
        return None, None
    display = site.display(path)
    if not path.exists():
        if required:
            site.diagnostics.append(Diagnostic("S003", Severity.ERROR, f"缺少文件 {path.name}", Location(display)))
        return None, None
    doc = load_builtin_yaml(path) if builtin else load_yaml(path)
    site.diagnostics.extend(_yaml_problems(site, doc))
    if doc.data is None and doc.problems:
        return doc, None
    if doc.data is None and required:  # one problem, not one per field it lacks
        site.diagnostics.append(Diagnostic("S003", Severity.ERROR, f"文件 {path.name} 是空的（没有任何内容）",
                                           Location(display, 1, 1), expected="“键: 值”形式的内容", found="（空文件）"))
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
        if not builtin and not readable(site, path):
            continue
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
    if readable(site, site.root / "profiles"):
        paths += [(p, False) for p in sorted((site.root / "profiles").glob("*.yaml"))]
    for path, builtin in paths:
        doc, profile = _load_model(site, path, Profile, required=True, builtin=builtin)
        if profile is not None:
            site.diagnostics.extend(profile_role_problems(doc, profile, site.display(path)))
            profiles[profile.id] = profile
    return profiles


def _load_unit(site: Site, unit_dir: Path) -> UnitEntry | None:
    if not readable(site, unit_dir):
        return None
    display = site.display(unit_dir / "unit.yaml")
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
    for year_dir in (Path(e.path) for e in _entries(site, unit_dir) if _is_dir(e)):
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
    _entries(site, year_dir)  # every link in the folder is judged, whatever file it stands for
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
    if not readable(site, narrative_path):
        pass
    elif narrative_path.exists():
        text = _narrative_text(site, narrative_path, entry.narrative_display)
        if text is not None:
            entry.narrative = parse_narrative(narrative_path, text)
    else:
        site.diagnostics.append(Diagnostic("S003", Severity.ERROR, "缺少文件 narrative.md",
                                           Location(entry.narrative_display)))
    entry.profile = _profile_for(site, entry)
    if entry.narrative is not None and entry.profile is not None:
        match_sections(entry.narrative, entry.profile)
    return entry


def _narrative_text(site: Site, path: Path, display: str) -> str | None:
    """The narrative's text, or None when it cannot be read (reported). Control characters are reported
    (S015) and left out of the text, so that no page can ever hold one."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        site.diagnostics.append(Diagnostic("S001", Severity.ERROR, f"无法读取文件：{exc.strerror}", Location(display)))
        return None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        problem = decode_problem(raw, exc)
        site.diagnostics.append(Diagnostic("S001", Severity.ERROR, problem.message,
                                           Location(display, problem.line, problem.column),
                                           extra={"detail": problem.detail}))
        return None
    if CONTROL.search(text):
        for problem in control_problems(text, "正文"):
            site.diagnostics.append(Diagnostic("S015", Severity.ERROR, problem.message,
                                               Location(display, problem.line, problem.column),
                                               found=problem.detail))
        text = CONTROL.sub("", text)
    return text


def _profile_for(site: Site, entry: YearEntry) -> Profile | None:
    wanted = ""
    field_path: tuple = ()
    if entry.disclosure and entry.disclosure.profile:
        wanted, field_path = entry.disclosure.profile, ("profile",)
    elif entry.unit.unit and entry.unit.unit.profile:
        wanted = entry.unit.unit.profile
    elif entry.unit.unit is None:
        # unit.yaml is missing or was refused (its problem is reported): the profile it names, if it still
        # names one, else none at all. Guessing the site's default would judge the narrative against
        # another template and add its section errors to the one real problem.
        data = entry.unit.doc.data if entry.unit.doc is not None else None
        written = data.get("profile") if isinstance(data, dict) else None
        if isinstance(written, str) and written in site.profiles:
            wanted = written
        elif isinstance(data, dict) and written is None and site.settings:
            wanted = site.settings.default_profile  # only another field is wrong: the default applies
        else:
            return None
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
