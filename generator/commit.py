"""Publishing a build: the staging folder becomes the output, which is whole at every instant.

A build writes everything into a staging folder beside the output (`.<name>.tmp-<pid>`), then
commits it in one of two ways, both made only of renames:

- *swap*: the whole staging tree takes the place of the output. Where the system can exchange two
  directories in one step (Linux `renameat2(RENAME_EXCHANGE)`), it does, so the published path always
  names a whole site; the old tree, now at the staging path, is removed afterwards.
- *patch*: each changed entry (a unit's folder, a search bucket, `static/`, `years/`, a list page)
  is exchanged with its old version, or renamed into place when it is new; new units and search
  buckets go in before the pages that link them, and what no longer belongs goes last. Every entry
  is therefore always either its old or its new whole self.

Only one build at a time may write an output: `exclusive` holds a lock (fcntl.flock) on a file beside
the manifest, released by the system when the process ends, however it ends. Under the lock, every
staging folder of that output was left by a build that was killed: it is removed.
"""

from __future__ import annotations

import ctypes
import errno
import os
import shutil
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

from generator.build_errors import BuildFailed
from generator.manifest import Manifest

BACKGROUND_REMOVAL = 5000  # files in a replaced tree above which it is removed in the background
STAGING_TAGS = ("tmp", "old", "trash", "view")
_RENAME_EXCHANGE = 2  # linux/fs.h
_AT_FDCWD = -100


# -- one build at a time ---------------------------------------------------------------------------
def lock_path(output: Path) -> Path:
    return Manifest.path_for(output).with_suffix(".lock")


@contextmanager
def exclusive(output: Path):
    """Hold the output's lock for the whole build, or refuse at once (in Chinese) when another build
    holds it. Without fcntl (Windows), builds are not serialised."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        yield
        return
    path = lock_path(output)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+", encoding="utf-8") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip()
            who = f"（进程 {holder}）" if holder.isdigit() else ""
            raise BuildFailed(f"另一个构建{who}正在生成 {output}，请等它结束后再试") from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        try:
            yield
        finally:
            handle.truncate(0)
            fcntl.flock(handle, fcntl.LOCK_UN)


def staging(output: Path, tag: str) -> Path:
    """This build's folder of kind `tag` beside the output (empty: whatever was there is removed)."""
    path = output.parent / f".{output.name}.{tag}-{os.getpid()}"
    shutil.rmtree(path, ignore_errors=True)
    return path


class Staged:
    """The build's staging folder for the time of a `with`: created empty, removed if the build fails
    (once committed it is gone already)."""

    def __init__(self, output: Path):
        self.path = staging(output, "tmp")

    def __enter__(self) -> Path:
        self.path.mkdir(parents=True)
        return self.path

    def __exit__(self, failure, *details) -> None:
        if failure is not None:
            shutil.rmtree(self.path, ignore_errors=True)


def remove_abandoned(output: Path) -> None:
    """Staging folders of this output left by builds that were killed are moved out of the way and
    removed in the background. Called under the lock, so none belongs to a running build. (A replaced
    tree may still be being removed by the detached process of the build that replaced it: a second
    remover is harmless.)"""
    tags = {f".{output.name}.{tag}" for tag in STAGING_TAGS}
    for n, path in enumerate(sorted(output.parent.glob(f".{output.name}.*-*"))):
        tag, _, pid = path.name.rpartition("-")
        if tag.rstrip("0123456789") in tags and pid.isdigit() and path.is_dir():
            trash = output.parent / f".{output.name}.trash{n}-{os.getpid()}"
            os.replace(path, trash)
            discard(trash, BACKGROUND_REMOVAL)


# -- the commit ------------------------------------------------------------------------------------
def swap(staged: Path, output: Path, files: int) -> None:
    """The staged tree becomes the output in one step; the old tree is removed after."""
    if not output.exists():
        _move(staged, output)
        return
    if _exchange(staged, output):
        discard(staged, files)
        return
    old = staging(output, "old")  # no exchange on this system: a moment without an output
    _move(output, old)
    try:
        _move(staged, output)
    except OSError:
        _move(old, output)
        raise
    discard(old, files)


def patch(staged: Path, output: Path, previous: Manifest, manifest: Manifest, rendered: list[str]) -> None:
    """Put what this build made in place in the previous output, entry by entry (see the module's
    doc). The manifest is dropped first, so a commit cut short leaves an output that the next build
    does not trust: it builds a whole site and swaps it in."""
    Manifest.forget(output)
    removed = sorted(set(previous.units) - set(manifest.units))
    gone = staged / ".removed"
    for unit_id in sorted(rendered):
        _put(staged / "units" / unit_id, output / "units" / unit_id)
    made = top_entries(manifest.site_files)
    changed = [name for name in made if (staged / name).exists()]  # an unchanged search bucket was not staged
    for name in sorted(changed, key=_commit_order):
        _put(staged / name, output / name)
    for name in [f"units/{u}" for u in removed] + sorted(top_entries(previous.site_files) - made):
        if (output / name).exists():
            (gone / name).parent.mkdir(parents=True, exist_ok=True)
            _move(output / name, gone / name)
    discard(staged, sum(len(previous.units[u].files) for u in rendered + removed if u in previous.units)
            + len(previous.site_files))


def top_entries(site_files: list[str]) -> set[str]:
    """What the commit replaces whole: each top-level entry, except that below units/ each file
    (units/index.html; unit folders are replaced one by one), and each search bucket on its own
    (pagefind/<bucket>, search-index/<bucket>.js), so that unchanged buckets stay where they are."""
    from generator.site.offline_search import INDEX_DIR
    from generator.site.search import BUNDLES

    entries = set()
    for name in site_files:
        parts = name.split("/")
        if parts[0] in ("units", INDEX_DIR):
            entries.add(name)
        elif parts[0] == BUNDLES:
            entries.add("/".join(parts[:2]))
        else:
            entries.add(parts[0])
    return entries


def _commit_order(name: str) -> tuple[int, str]:
    """Search buckets and static files before the pages that load them."""
    from generator.site.offline_search import INDEX_DIR
    from generator.site.search import BUNDLES

    first = name.split("/")[0]
    return (0 if first in (BUNDLES, INDEX_DIR) else 1 if first == "static" else 2), name


def _put(new: Path, current: Path) -> None:
    """`new` takes the place of `current`; the old version, if any, is left at `new`'s path."""
    if not current.exists():
        current.parent.mkdir(parents=True, exist_ok=True)
        _move(new, current)
    elif new.is_dir() or current.is_dir():
        if not (new.is_dir() and current.is_dir() and _exchange(new, current)):
            aside = new.with_name(new.name + ".old")  # no exchange here: a moment without the entry
            _move(current, aside)
            _move(new, current)
    else:
        _move(new, current)  # a file replaces a file in one rename


def _move(source: Path, target: Path) -> None:
    """Every rename of a commit (tests cut a commit short here)."""
    os.replace(source, target)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one atomic step; False when the system cannot (the caller then renames)."""
    return _exchange_paths(a, b)


def _renameat2():
    try:
        function = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):
        return None
    function.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    function.restype = ctypes.c_int
    return function


_RENAMEAT2 = _renameat2() if sys.platform.startswith("linux") else None


def _exchange_paths(a: Path, b: Path) -> bool:
    if _RENAMEAT2 is None:
        return False
    if _RENAMEAT2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EXDEV):
        return False  # the file system cannot exchange
    raise OSError(code, os.strerror(code), str(a), None, str(b))


def discard(tree: Path, files: int) -> None:
    """Remove a replaced tree. Freeing thousands of files can take longer than the build itself on a
    slow disk, so a large tree is removed by a detached process and the build returns at once."""
    if not tree.exists():
        return
    if files < BACKGROUND_REMOVAL:
        shutil.rmtree(tree, ignore_errors=True)
        return
    code = "import shutil, sys; shutil.rmtree(sys.argv[1], ignore_errors=True)"
    subprocess.Popen([sys.executable, "-c", code, str(tree)], start_new_session=True, stdin=subprocess.DEVNULL,
                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
