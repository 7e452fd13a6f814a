"""Fingerprints of the inputs: a cached result is reused only while its fingerprint is unchanged.

A fingerprint is a SHA-256 over file names and bytes. The code version covers this package's
source and data and the versions of the libraries that shape the output, so upgrading either
invalidates every cache. Only the standard library is imported here: a no-op rebuild must stay fast.
"""

from __future__ import annotations

import functools
import hashlib
import os
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
PROJECT = PACKAGE.parent
OUTPUT_LIBRARIES = ("jinja2", "markdown-it-py", "altair", "vl-convert-python", "weasyprint", "pydyf", "pikepdf",
                    "pagefind", "pydantic", "PyYAML")
SITE_INPUTS = ("site.yaml", "narrative_patterns.yaml", "profiles", "catalogue")


def files_under(root: Path) -> list[Path]:
    """Every file below `root` (or `root` itself), sorted; hidden files and caches are not inputs."""
    if root.is_file():
        return [root]
    found = []
    for directory, subdirs, names in os.walk(root):
        subdirs[:] = sorted(d for d in subdirs if not d.startswith(".") and d != "__pycache__")
        found.extend(Path(directory, n) for n in names if not n.startswith(".") and not n.endswith(".pyc"))
    return sorted(found)


def hash_files(digest, files: list[Path], base: Path) -> None:
    for path in files:
        digest.update(path.relative_to(base).as_posix().encode("utf-8") + b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")


def hash_tree(root: Path, *salt: str) -> str:
    digest = hashlib.sha256("\0".join(salt).encode("utf-8"))
    if root.exists():
        hash_files(digest, files_under(root), root if root.is_dir() else root.parent)
    return digest.hexdigest()


@functools.lru_cache(maxsize=None)
def code_version() -> str:
    """This package's code and data, the themes, and the versions of the output libraries."""
    from importlib import metadata

    digest = hashlib.sha256()
    hash_files(digest, files_under(PACKAGE), PROJECT)
    themes = PROJECT / "themes"
    if themes.is_dir():
        hash_files(digest, files_under(themes), PROJECT)
    for name in OUTPUT_LIBRARIES:
        try:
            version = metadata.version(name)
        except metadata.PackageNotFoundError:
            version = "-"
        digest.update(f"{name}={version}\0".encode())
    return digest.hexdigest()


def site_key(content: Path, *salt: str) -> str:
    """Everything outside units/ that every disclosure depends on, plus the code version."""
    digest = hashlib.sha256(code_version().encode())
    for name in SITE_INPUTS:
        path = content / name
        digest.update(f"\0{name}\0".encode())
        if path.exists():
            hash_files(digest, files_under(path), content)
    digest.update("\0".join(salt).encode("utf-8"))
    return digest.hexdigest()


def unit_keys(content: Path, base: str) -> dict[str, str]:
    """One key per unit directory: its files (unit.yaml, every year's budget, narrative, images) and `base`."""
    units = content / "units"
    keys: dict[str, str] = {}
    if not units.is_dir():
        return keys
    for entry in sorted(os.scandir(units), key=lambda e: e.name):
        if entry.is_dir():
            keys[entry.name] = hash_tree(Path(entry.path), base)
    return keys
