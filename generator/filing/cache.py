"""Filing exports kept between builds, so that a disclosure whose exported content did not change is
not exported again (in a warm process a .docx takes about 7 ms and an .xlsx about 5 ms, against some
10 ms for the page itself; see docs/scale.md).

An export is known by `export_key`: the hash of every attribute of the Document its exporter reads
(`EXPORTER_READS`), the file's date stamp and the exporter's own code (`EXPORTER_CODE`). Editing a
unit's narrative changes its .docx but not its .xlsx; editing one year changes that year's exports
only; a change to the site's templates re-renders every page and exports nothing again.

The cache holds one hard link per kept export (`<cache>/<key[:2]>/<key>.<format>`), sharing the
published file's inode, so it costs no disk space while the site uses the file. A file of the cache
whose only link is its own is no longer published anywhere: `prune` removes it after the build.
Where hard links cannot be made (the cache on another file system) nothing is kept and every export
is made, as without the cache.
"""

from __future__ import annotations

import functools
import hashlib
import os
import zlib
from operator import attrgetter
from pathlib import Path

from generator.filing import stamp

# Every attribute path of generator.document.Document that the exporter of each format reads
# (tests/test_filing_cache.py checks the exporters' code against these lists).
EXPORTER_READS = {
    "xlsx": ("year", "title", "unit.name", "tables"),
    "docx": ("year", "kind", "title", "unit.name", "preamble_html", "report_title", "explanation_title",
             "front_tables", "sections"),
}


# The code an export is made by: the exporters, the classes of what they read (tables.py, document.py)
# and what they call (pdf/pagination.py's is_landscape); the libraries that write the files, and zlib,
# which compresses them (tests/test_filing_cache.py checks the exporters' imports against this list).
# Nothing else: a change to the templates or to the rest of the code re-renders the pages but keeps the
# exports whose document content is unchanged.
EXPORTER_CODE = ("filing", "tables.py", "document.py", "pdf/pagination.py")
EXPORTER_LIBRARIES = ("openpyxl", "python-docx", "lxml")


@functools.cache
def exporter_version() -> str:
    from generator.fingerprint import PACKAGE, hash_files, library_versions

    digest = hashlib.sha256(f"zlib={zlib.ZLIB_RUNTIME_VERSION}\0".encode())
    for name in EXPORTER_CODE:
        hash_files(digest, PACKAGE / name, name)
    digest.update(library_versions(EXPORTER_LIBRARIES).encode())
    return digest.hexdigest()


def export_key(doc, fmt: str) -> str:
    """The hash of what the exporter of `fmt` makes its file from. The tables and sections are plain
    dataclasses of strings, numbers and Decimals, so their repr is their content, in order."""
    digest = hashlib.sha256(f"{exporter_version()}\0{fmt}\0{stamp(doc.year)}\0".encode())
    for path in EXPORTER_READS[fmt]:
        digest.update(f"{path}\0{attrgetter(path)(doc)!r}\0".encode("utf-8"))
    return digest.hexdigest()


class ExportCache:
    """`directory` holds the kept exports. With `reuse` false (a `--clean` build) nothing is taken from
    it, but what the build exports is kept for the next one."""

    def __init__(self, directory: Path, reuse: bool = True):
        self.directory = Path(directory)
        self.reuse = reuse

    def _entry(self, key: str, fmt: str) -> Path:
        return self.directory / key[:2] / f"{key}.{fmt}"

    def link_into(self, key: str, fmt: str, target: Path) -> bool:
        """Hard-link the kept export into `target`; False when there is none (or it vanished)."""
        if not self.reuse:
            return False
        try:
            target.unlink(missing_ok=True)
            os.link(self._entry(key, fmt), target)
            return True
        except OSError:
            return False

    def keep(self, key: str, fmt: str, made: Path) -> None:
        """Keep the export just written at `made` (through a temporary link renamed into place, so that
        a build of another output sharing the cache never sees half of it)."""
        entry = self._entry(key, fmt)
        temporary = entry.with_name(f".{entry.name}.{os.getpid()}.tmp")
        try:
            entry.parent.mkdir(parents=True, exist_ok=True)
            temporary.unlink(missing_ok=True)
            os.link(made, temporary)
            os.replace(temporary, entry)
        except OSError:
            temporary.unlink(missing_ok=True)

    def prune(self) -> int:
        """Remove the kept exports no published file shares any more; how many were removed."""
        removed = 0
        if not self.directory.is_dir():
            return removed
        for folder in self.directory.iterdir():
            for entry in folder.iterdir() if folder.is_dir() else ():
                try:
                    if entry.stat().st_nlink <= 1:
                        entry.unlink()
                        removed += 1
                except OSError:
                    continue
        return removed
