"""Fingerprints of the inputs: a cached result is reused only while its fingerprint is unchanged.

A fingerprint is a SHA-256 over file names and bytes. The code version covers this package's
source and data and the versions of the libraries that shape the output, so upgrading either
invalidates every cache. Only the standard library (and generator.files) is imported here: a no-op
rebuild must stay fast.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import time
from pathlib import Path

from generator.files import write_atomically

PACKAGE = Path(__file__).resolve().parent
PROJECT = PACKAGE.parent
OUTPUT_LIBRARIES = ("jinja2", "markdown-it-py", "altair", "vl-convert-python", "weasyprint", "pydyf", "pikepdf",
                    "openpyxl", "python-docx",
                    "pagefind", "pydantic", "PyYAML")
SITE_INPUTS = ("site.yaml", "narrative_patterns.yaml", "profiles", "catalogue")


def files_under(root: Path) -> list[str]:
    """Every file below `root` (or `root` itself) as a path relative to it, sorted ("/"-separated);
    hidden files and caches are not inputs. Strings, not Path objects: this runs for every unit."""
    if os.path.isfile(root):
        return [""]
    found: list[str] = []
    _walk(str(root), "", found)
    return sorted(found)


def _walk(directory: str, prefix: str, found: list[str], within: frozenset = frozenset()) -> None:
    """`within`: the real paths of the folders being walked, so that a link back to one of them (a loop)
    is taken as a file (a broken link, whose text is its content) instead of being walked forever."""
    within = within | {os.path.realpath(directory)}
    with os.scandir(directory) as entries:
        for entry in entries:
            if entry.name.startswith(".") or entry.name == "__pycache__" or entry.name.endswith(".pyc"):
                continue
            if _is_dir(entry) and not (entry.is_symlink() and os.path.realpath(entry.path) in within):
                _walk(entry.path, prefix + entry.name + "/", found, within)
            else:
                found.append(prefix + entry.name)


def _is_dir(entry: os.DirEntry) -> bool:
    try:
        return entry.is_dir()
    except OSError:  # a link that loops
        return False


def _read(path: str) -> bytes:
    """A file's bytes; a link that loops or leads nowhere is its link text (check reports it, S014)."""
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError:
        if os.path.islink(path):
            return b"link:" + os.fsencode(os.readlink(path))
        raise


def _stat(path: str) -> os.stat_result:
    try:
        return os.stat(path)
    except OSError:
        if os.path.islink(path):
            return os.lstat(path)
        raise


def hash_files(digest, root: Path, label: str = "") -> None:
    """Names and bytes of every file below `root`, in a stable order."""
    base = str(root)
    for name in files_under(root):
        data = _read(os.path.join(base, name) if name else base)
        digest.update(f"{label}/{name}\0{len(data)}\0".encode("utf-8"))
        digest.update(data)


def hash_tree(root: Path, *salt: str) -> str:
    digest = hashlib.sha256("\0".join(salt).encode("utf-8"))
    if os.path.exists(root):
        hash_files(digest, root)
    return digest.hexdigest()


@functools.lru_cache(maxsize=None)
def code_version() -> str:
    """This package's code and data, the themes, and the versions of the output libraries."""
    digest = hashlib.sha256()
    hash_files(digest, PACKAGE, "generator")
    if (PROJECT / "themes").is_dir():
        hash_files(digest, PROJECT / "themes", "themes")
    digest.update(library_versions(OUTPUT_LIBRARIES).encode())
    return digest.hexdigest()


def library_versions(names) -> str:
    """"name=version" of each installed distribution ("-" for one not installed), to hash."""
    from importlib import metadata

    found = []
    for name in names:
        try:
            found.append(f"{name}={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            found.append(f"{name}=-")
    return "".join(f"{entry}\0" for entry in found)


def site_key(content: Path, *salt: str) -> str:
    """Everything outside units/ that every disclosure depends on, plus the code version."""
    digest = hashlib.sha256(code_version().encode())
    for name in SITE_INPUTS:
        if (content / name).exists():
            hash_files(digest, content / name, name)
    digest.update("\0".join(salt).encode("utf-8"))
    return digest.hexdigest()


def unit_keys(content: Path, base: str, memo: Path | None = None) -> dict[str, str]:
    """One key per unit directory: its files (unit.yaml, every year's budget, narrative, images) and
    `base`. With `memo` (a file), a unit whose files have the same names, sizes, times and inodes as
    when its key was last made keeps that key without being read, as git's index does; files changed
    shortly before the memo was written are always read again (their time may not show a change)."""
    units = content / "units"
    keys: dict[str, str] = {}
    if not units.is_dir():
        return keys
    known, trusted_before = _read_memo(memo)
    stamps: dict[str, list] = {}
    read = False
    with os.scandir(units) as entries:
        for entry in sorted(entries, key=lambda e: e.name):
            if not _is_dir(entry):
                continue
            stamp, newest = _stamp(entry.path)
            previous = known.get(entry.name)
            if previous and previous[0] == stamp and previous[1] == base and newest < trusted_before:
                keys[entry.name] = previous[2]
            else:
                keys[entry.name] = hash_tree(entry.path, base)
                read = True
            stamps[entry.name] = [stamp, base, keys[entry.name]]
    if memo is not None and (read or stamps != known):  # rewritten: a file read as too recent may be trusted next time
        _write_memo(memo, stamps)
    return keys


RACY_SECONDS = 2  # a file changed this close to the memo's writing is read again


def _stamp(directory: str) -> tuple[str, int]:
    """A digest of the names and stat of every file below `directory`, and the newest change time."""
    digest, newest = hashlib.sha256(), 0
    for name in files_under(Path(directory)):
        info = _stat(os.path.join(directory, name))
        digest.update(f"{name}\0{info.st_size}\0{info.st_mtime_ns}\0{info.st_ctime_ns}\0{info.st_ino}\0".encode())
        newest = max(newest, info.st_mtime_ns, info.st_ctime_ns)
    return digest.hexdigest(), newest


def _read_memo(memo: Path | None) -> tuple[dict, int]:
    try:
        stored = json.loads(memo.read_text(encoding="utf-8")) if memo is not None else {}
        return stored["units"], int(stored["written_ns"]) - RACY_SECONDS * 10**9
    except (OSError, ValueError, KeyError, TypeError):
        return {}, 0


def _write_memo(memo: Path, stamps: dict) -> None:
    write_atomically(memo, json.dumps({"written_ns": time.time_ns(), "units": stamps}))


def content_keys(content: Path, cache_dir: Path | None = None) -> dict[str, str]:
    """Each unit's fingerprint: its files, the site-wide inputs and the code. The check cache and the
    build manifest share it. With `cache_dir`, unchanged files are known by their stat (`unit_keys`)."""
    memo = None
    if cache_dir is not None:
        root = hashlib.sha256(str(Path(content).resolve()).encode("utf-8")).hexdigest()[:16]
        memo = cache_dir / f"stat-{root}.json"
    keys = unit_keys(content, site_key(content, "check"), memo)
    from generator.versions import fold_into_keys  # a unit's git history, when the site shows versions

    return fold_into_keys(content, keys)
