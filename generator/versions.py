"""Published versions of a disclosure, read from the content's git history (read-only, no network).

With `versions: true` in site.yaml, each commit on the published branch (first parents only) that
touched a disclosure's budget.yaml or narrative.md is a state of it. The state on its publication date
(`published`, else the day of its first commit) is the published version; each later day with a commit
whose figures or sections differ from the version before is a correction (更正), which the officer
explains in `corrections` (更正说明; rules V001–V003). Outside git, or with the setting off, nothing
changes. Dates are commit dates, so the same repository state always gives the same output.

One `git log` over the content folder per process (memoised by the commit HEAD points to, read from
the files under .git, not by running git), and one `git cat-file --batch` for the old files needed.
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
from dataclasses import dataclass, field, replace
from pathlib import Path

SETTING = re.compile(r"^versions:\s*(?:true|yes|on)\s*(?:#.*)?$", re.MULTILINE)
DISCLOSURE_FILES = ("budget.yaml", "narrative.md")
ISO_DATE = re.compile(r"\A\d{4}-\d{2}-\d{2}\Z")
GIT_TIMEOUT = 60


# ---- the repository and its log ---------------------------------------------------------------------

@dataclass
class Commit:
    sha: str
    date: str  # YYYY-MM-DD, the committer date in the committer's time zone
    changes: list[tuple[str, str, str]]  # (status letter, old path, new path), repository-relative


@dataclass
class Log:
    top: Path  # the repository's working tree
    commits: list[Commit]  # newest first


def enabled(content: Path) -> bool:
    """Whether site.yaml asks for versions (read as text: this runs before the settings are validated)."""
    try:
        return bool(SETTING.search((content / "site.yaml").read_text(encoding="utf-8-sig")))
    except (OSError, UnicodeDecodeError):
        return False


def _git_dir(start: Path) -> tuple[Path, Path] | None:
    """(working tree, git dir) of the repository holding `start`, found without running git."""
    for folder in (start, *start.parents):
        dot = folder / ".git"
        if dot.is_dir():
            return folder, dot
        if dot.is_file():  # a worktree or submodule: "gitdir: <path>"
            text = dot.read_text(encoding="utf-8", errors="replace").strip()
            if text.startswith("gitdir:"):
                target = Path(text[len("gitdir:"):].strip())
                return folder, (folder / target).resolve() if not target.is_absolute() else target
    return None


def head_stamp(git_dir: Path) -> str:
    """What HEAD points to, read from the files: a changed stamp means a new commit (or checkout)."""
    try:
        head = (git_dir / "HEAD").read_text(encoding="utf-8", errors="replace").strip()
    except OSError:
        return ""
    if not head.startswith("ref:"):
        return head
    ref = head[len("ref:"):].strip()
    common = git_dir
    if (git_dir / "commondir").is_file():
        common = (git_dir / (git_dir / "commondir").read_text(encoding="utf-8").strip()).resolve()
    for base in (git_dir, common):
        try:
            return ref + "=" + (base / ref).read_text(encoding="utf-8").strip()
        except OSError:
            continue
    try:
        for line in (common / "packed-refs").read_text(encoding="utf-8").splitlines():
            if line.endswith(" " + ref):
                return ref + "=" + line.split(" ", 1)[0]
    except OSError:
        pass
    return ref


_LOGS: dict[tuple[str, str], Log | None] = {}


def log_of(content: Path) -> Log | None:
    """The content folder's history, or None outside git (or when git is missing or fails)."""
    content = Path(content).resolve()
    found = _git_dir(content)
    if found is None:
        return None
    top, git_dir = found
    key = (str(content), head_stamp(git_dir))
    if key not in _LOGS:
        _LOGS.clear()  # one repository state per process is enough
        _LOGS[key] = _read_log(top, content)
    return _LOGS[key]


def _git(top: Path, *args: str, stdin: bytes | None = None) -> bytes | None:
    env = {**os.environ, "GIT_OPTIONAL_LOCKS": "0", "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"}
    try:
        done = subprocess.run(["git", "-C", str(top), "-c", "core.quotePath=false", *args], input=stdin,
                              capture_output=True, timeout=GIT_TIMEOUT, env=env)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout if done.returncode == 0 else None


def _read_log(top: Path, content: Path) -> Log | None:
    relative = os.path.relpath(content, top)
    out = _git(top, "log", "--first-parent", "-m", "-M", "--name-status", "--format=@@%H %cs", "--", relative)
    if out is None:
        return None
    commits: list[Commit] = []
    for line in out.decode("utf-8", errors="replace").splitlines():
        if line.startswith("@@"):
            sha, date = line[2:].split(" ", 1)
            commits.append(Commit(sha, date.strip(), []))
        elif line and commits:
            parts = line.split("\t")
            status = parts[0][:1]
            old, new = (parts[1], parts[2]) if status in "RC" and len(parts) > 2 else (parts[1], parts[-1])
            commits[-1].changes.append((status, old, new))
    return Log(top, commits)


# ---- one disclosure's states --------------------------------------------------------------------------

@dataclass
class State:
    sha: str
    date: str
    paths: dict[str, str | None]  # file name → its repository path at that commit (None: not there)


def states(log: Log, year_dir: Path) -> list[State]:
    """The commits that touched the disclosure's files, oldest first, each with the paths the files had
    then: renames are followed back; a file deleted (a unit removed and added again) ends its history."""
    tracked = {name: os.path.relpath(Path(year_dir).resolve() / name, log.top) for name in DISCLOSURE_FILES}
    alive = dict.fromkeys(DISCLOSURE_FILES, True)
    found: list[State] = []
    for commit in log.commits:  # newest first
        touched = False
        for status, old, new in commit.changes:
            for name in DISCLOSURE_FILES:
                if not alive[name] or new != tracked[name]:
                    continue
                if status == "D":
                    alive[name] = False  # deleted here, so not the file we follow: it was added again later
                    continue
                touched = True
        if touched:
            found.append(State(commit.sha, commit.date, {n: tracked[n] if alive[n] else None for n in DISCLOSURE_FILES}))
        for status, old, new in commit.changes:  # before this commit, a renamed file had its old name
            for name in DISCLOSURE_FILES:
                if alive[name] and new == tracked[name]:
                    if status == "A":
                        alive[name] = False
                    elif status in "R" and old != new:
                        tracked[name] = old
        if not any(alive.values()):
            break
    return list(reversed(found))


def unit_stamp(log: Log | None, unit_dir: Path) -> str:
    """A digest of the commits that touched a unit's folder: part of the unit's fingerprint, so that a
    new commit (a new version) reaches the check cache and the build."""
    if log is None:
        return ""
    prefix = os.path.relpath(Path(unit_dir).resolve(), log.top) + "/"
    digest = hashlib.sha256()
    for commit in log.commits:
        paths = [f"{s}:{o}:{n}" for s, o, n in commit.changes if n.startswith(prefix) or o.startswith(prefix)]
        if paths:
            digest.update(f"{commit.sha} {commit.date} {' '.join(paths)}\n".encode("utf-8"))
    return digest.hexdigest()


def fold_into_keys(content: Path, keys: dict[str, str]) -> dict[str, str]:
    """Each unit's fingerprint with its history (only when the site uses versions)."""
    if not enabled(content):
        return keys
    log = log_of(content)
    if log is None:
        return keys
    units = Path(content) / "units"
    return {unit: hashlib.sha256(f"{key}\0{unit_stamp(log, units / unit)}".encode()).hexdigest()
            for unit, key in keys.items()}


def read_blobs(log: Log, wanted: list[tuple[str, str]]) -> dict[tuple[str, str], str | None]:
    """The text of each (commit, path), in one `git cat-file --batch`."""
    if not wanted:
        return {}
    request = "".join(f"{sha}:{path}\n" for sha, path in wanted).encode("utf-8")
    out = _git(log.top, "cat-file", "--batch", stdin=request)
    texts: dict[tuple[str, str], str | None] = {}
    position = 0
    for key in wanted:
        if out is None:
            texts[key] = None
            continue
        end = out.index(b"\n", position)
        header = out[position:end].split()
        position = end + 1
        if len(header) < 3 or header[1] == b"missing":
            texts[key] = None
            continue
        size = int(header[2])
        texts[key] = out[position:position + size].decode("utf-8-sig", errors="replace")
        position += size + 1
    return texts


# ---- versions and what each correction changed --------------------------------------------------------

@dataclass
class Correction:
    date: str
    sha: str
    sections: list  # generator.diff.Section, the changed lines only
    narrative: list[str]  # titles of the narrative sections whose text changed
    note: str = ""  # the 更正说明 written in the content for this date
    unreadable: bool = False  # that version's budget.yaml could not be read

    @property
    def changed_sections(self) -> list:
        return [s for s in self.sections if s.changed_lines]

    def rows(self) -> list[list[str]]:
        """Every changed line as printed (the PDF): table, item, before, after, change, change %."""
        from generator import diff

        return [[s.title, line.title, diff.shown(line.before), diff.shown(line.after), diff.shown_change(line.change),
                 diff.shown_percent(line.percent)] for s in self.changed_sections for line in s.changed_lines]


@dataclass
class History:
    published: str  # the publication date
    published_sha: str
    corrections: list[Correction] = field(default_factory=list)


@dataclass
class _Version:
    state: State
    disclosure: object | None
    figures: object | None
    narrative: dict[str, tuple[str, str]]  # section id → (title, text)


def history_of(site, entry) -> History | None:
    """The versions of one disclosure (a content.YearEntry with its current data), or None when the site
    does not use versions, the content is not in git, or the disclosure has never been committed."""
    if entry.disclosure is None or not enabled(site.root):
        return None
    log = log_of(site.root)
    if log is None:
        return None
    written = entry.disclosure.published
    key = (str(entry.dir), id(log), written)
    if key not in _HISTORIES:  # the check and the page of one build ask for the same history
        _HISTORIES[key] = _history(site, entry, log, written)
    found = _HISTORIES[key]
    if found is None:
        return None
    notes = {c.date: c.note for c in entry.disclosure.corrections}
    corrections = [replace(c, note=notes.get(c.date, "")) for c in found.corrections]
    return History(found.published, found.published_sha, corrections)


_HISTORIES: dict[tuple, History | None] = {}


def _history(site, entry, log: Log, written: str) -> History | None:
    found = states(log, entry.dir)
    if not found:
        return None
    published = written if ISO_DATE.match(written or "") else found[0].date
    on_publication = [s for s in found if s.date <= published] or found[:1]
    last_of_day: dict[str, State] = {}
    for s in found:
        if s.date > published:
            last_of_day[s.date] = s  # oldest first: the day's last commit wins
    chosen = [on_publication[-1]] + [last_of_day[d] for d in sorted(last_of_day)]
    texts = read_blobs(log, [(s.sha, path) for s in chosen for path in s.paths.values() if path])
    versions = [_version(site, entry, s, texts) for s in chosen]
    history = History(published, chosen[0].sha)
    kept = versions[0]
    for version in versions[1:]:
        if kept.disclosure is None:  # the published version itself unreadable: compare from the next one
            kept = version
            continue
        correction = _compare(site, kept, version)
        if correction is None:
            continue
        history.corrections.append(correction)
        if version.disclosure is not None:
            kept = version
    return history


def _version(site, entry, state: State, texts: dict) -> _Version:
    from generator import figures as figures_mod, schema_errors
    from generator.model import Disclosure
    from generator.narrative import match_sections, parse_narrative
    from generator.yamlsource import YamlDocument, parse_yaml_text

    disclosure = figures = None
    budget = texts.get((state.sha, state.paths["budget.yaml"] or ""))
    if budget is not None:
        doc = parse_yaml_text(budget, YamlDocument(entry.dir / "budget.yaml", None))
        if doc.data is not None and not doc.problems:
            disclosure, problems = schema_errors.validate(doc, Disclosure, entry.budget_display)
            if disclosure is not None:
                figures = figures_mod.compute(disclosure)
    sections: dict[str, tuple[str, str]] = {}
    text = texts.get((state.sha, state.paths["narrative.md"] or ""))
    if text is not None and entry.profile is not None:
        narrative = parse_narrative(entry.dir / "narrative.md", text)
        match_sections(narrative, entry.profile)
        for section in narrative.sections:
            key = section.spec_id or section.heading
            sections[key] = (section.heading, section.body.strip())
        sections["preamble"] = ("前言", narrative.preamble.strip())
    return _Version(state, disclosure, figures, sections)


def _compare(site, before: _Version, after: _Version) -> Correction | None:
    """What `after` changed against `before`; None when neither a figure nor a section differs."""
    from generator import diff

    if after.disclosure is None:
        return Correction(after.state.date, after.state.sha, [], [], unreadable=True)
    names = sorted(set(before.figures.current()) | set(after.figures.current()))
    figures = diff._figure_section("figures", "数据", [n for n in names if n in diff.FIGURE_LABELS],
                                   after.figures, before.figures.current())
    sections = [figures] + diff.itemised(before.disclosure, after.disclosure, site.catalogue)
    for section in sections:
        section.lines = section.changed_lines
        section.note = ""
    keys = list(after.narrative) + [k for k in before.narrative if k not in after.narrative]
    changed_text = [after.narrative.get(k, before.narrative.get(k))[0] for k in keys
                    if before.narrative.get(k, ("", ""))[1] != after.narrative.get(k, ("", ""))[1]]
    if not any(s.lines for s in sections) and not changed_text:
        return None
    return Correction(after.state.date, after.state.sha, [s for s in sections if s.lines], changed_text)
