"""Worker processes: how many, and how they are started. Standard library only, so that a command
that may not need workers does not pay for importing the renderers."""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor


def spawn_pool(jobs: int, **options) -> ProcessPoolExecutor:
    """Worker processes started fresh (spawned), never forked: the chart renderer (vl-convert) runs
    threads of its own, and a process forked after they started could hang."""
    return ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("spawn"), **options)


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
