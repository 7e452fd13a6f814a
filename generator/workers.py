"""Worker processes: how many, how they are started, and how they end with the process that started
them. Standard library only, so that a command that may not need workers does not pay for importing
the renderers."""

from __future__ import annotations

import multiprocessing
import os
import pickle
import threading
import time
from concurrent.futures import ProcessPoolExecutor

PARENT_POLL_SECONDS = 0.2  # how soon a worker notices that the process that started it is gone


def spawn_pool(jobs: int, initializer=None, initargs: tuple = (), **options) -> ProcessPoolExecutor:
    """Worker processes started fresh (spawned), never forked: the chart renderer (vl-convert) runs
    threads of its own, and a process forked after they started could hang. Each worker exits as soon
    as this process is gone (killed with `kill -9`, say), whatever it is doing or waiting for.
    `initializer(*initargs)` runs in each worker after the watch has started: they are handed over
    pickled, so that the modules they need are imported only then, not before."""
    start = pickle.dumps((initializer, initargs)) if initializer is not None else None
    return ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("spawn"), initializer=_start_watched,
                               initargs=(os.getpid(), start), **options)


def _start_watched(parent: int, start: bytes | None) -> None:
    """A worker's first step. `parent` was recorded by the parent itself before the worker existed, so
    a parent killed while the worker was still starting is noticed too (the worker has a new parent)."""
    exit_with_parent(parent)
    if start is not None:
        initializer, initargs = pickle.loads(start)
        initializer(*initargs)


def exit_with_parent(parent: int) -> None:
    """Exit this process at once when `parent` is no longer its parent; watched by a daemon thread,
    since an idle worker waits on a queue that the dead parent's end never closes."""
    if os.getppid() != parent:
        os._exit(1)
    threading.Thread(target=_watch_parent, args=(parent,), name="exit-with-parent", daemon=True).start()


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(PARENT_POLL_SECONDS)
    os._exit(1)


def default_jobs() -> int:
    """One per core this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def stop_pool(pool: ProcessPoolExecutor) -> None:
    """Stop a pool's processes at once, whatever they are doing (Python 3.14's terminate_workers())."""
    terminate = getattr(pool, "terminate_workers", None)
    if terminate is not None:
        terminate()
        return
    for process in list((getattr(pool, "_processes", None) or {}).values()):
        process.terminate()
    pool.shutdown(wait=True, cancel_futures=True)


def few(units: int, jobs: int) -> bool:
    """Too few units for a pool of page workers to pay off: they are rendered in the build's process."""
    return jobs <= 1 or units < 2 * jobs
