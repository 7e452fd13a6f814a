"""Writing and linking files: whole or not at all. Standard library only (the no-op build imports it)."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path


def _read_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


# Read once, at import: setting the umask to read it is process-wide, and a child process started
# by another thread in that instant (pagefind) would create its files with no umask at all.
UMASK = _read_umask()


def write_atomically(path: Path, data: bytes | str) -> None:
    """Write `path` through a temporary file renamed over it: a reader (or a process writing the same
    file at the same time) sees the old file or the new one, never half of either. The file is
    readable as any file made here would be (mkstemp alone makes it private)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data.encode("utf-8") if isinstance(data, str) else data)
        os.chmod(temp, 0o666 & ~UMASK)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def link_files(source: Path, target: Path, names: list[str]) -> None:
    """`names` (relative paths) from below `source` to below `target`: hard links (no copy, no rewrite)
    where the file system allows, copies elsewhere."""
    made: set[Path] = set()
    for name in names:
        destination = target / name
        if destination.parent not in made:
            destination.parent.mkdir(parents=True, exist_ok=True)
            made.add(destination.parent)
        try:
            os.link(source / name, destination)
        except OSError:
            shutil.copy2(source / name, destination)


def files_below(root: Path) -> list[str]:
    """Every file below `root`, relative and "/"-separated."""
    found = []
    for directory, _, names in os.walk(root):
        relative = os.path.relpath(directory, root).replace(os.sep, "/")
        found.extend(name if relative == "." else f"{relative}/{name}" for name in names)
    return found
