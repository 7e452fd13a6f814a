"""A process of its own for PDFs: a rebuild of a few units hands it their PDFs and goes on with the
pages, the list pages and the search index, waiting for the PDFs only at the end.

A build starts one before it plans, so that the process has loaded WeasyPrint by the time the first
job comes, and stops it at the end. `budgetsite serve --pdf` keeps one (`resident`) for all its
rebuilds, so a changed unit's PDF does not wait for WeasyPrint to load at all.

This module loads nothing heavy (the build may yet find it has no PDF to make), and the process
imports WeasyPrint and the print renderer only, nothing of the site. The process returns each PDF's
bytes and the build writes them: the process never writes into a build's folders, so a build that
fails can leave its jobs running in a resident process.
"""

from __future__ import annotations

import time
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from generator.build_errors import BuildFailed
from generator.files import write_atomically
from generator.workers import spawn_pool, stop_pool


class PdfWorker:
    """One process rendering PDF jobs in the order they come; the build writes what it returns."""

    def __init__(self, content: Path, resident: bool = False):
        self.content_root = content.resolve()
        self.resident = resident
        self.pending: list = []  # (future, path) of this build's jobs
        self._start()

    def _start(self) -> None:
        self.pool = spawn_pool(1)
        # A pool starts its process with its first task: this one, now.
        self.loading = self.pool.submit(load_engine, self.content_root)

    def submit(self, job, path: Path, archival: bool) -> None:
        try:
            future = self.pool.submit(render_pdf_job, job, path.name, self.content_root, archival)
        except BrokenProcessPool:
            if not self.resident:
                raise
            self._start()  # the resident process died since the last build: a new one
            future = self.pool.submit(render_pdf_job, job, path.name, self.content_root, archival)
        self.pending.append((future, path))

    def results(self) -> list[float]:
        """Write each PDF submitted since the last call, once rendered; their seconds. Raises
        BuildFailed if one could not be made."""
        pending, self.pending = self.pending, []
        seconds = []
        try:
            self.loading.result()
            for future, path in pending:
                data, took = future.result()
                write_atomically(path, data)
                seconds.append(took)
        except BrokenProcessPool:
            if self.resident:
                self._start()  # for the next build
            raise BuildFailed("生成 PDF 的进程意外退出（可能是内存不足或 WeasyPrint 崩溃）") from None
        return seconds

    def abandon(self) -> None:
        """The build has no PDF for this process: stop it, unless it is resident."""
        if not self.resident:
            self.stop()

    def stop(self) -> None:
        """Stop the process at once, whatever it is doing."""
        self.pending = []
        stop_pool(self.pool)

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)

    def __enter__(self) -> "PdfWorker":
        return self

    def __exit__(self, failure, *details) -> None:
        """The end of a build: a build's own process is closed (stopped if the build failed); a resident
        one forgets the jobs of a failed build and waits for the next."""
        if self.resident:
            if failure is not None:
                self.pending = []
        elif failure is None:
            self.close()
        else:
            self.stop()


def load_engine(content_root: Path) -> None:
    """WeasyPrint, the font configuration and the print stylesheet, kept for the PDFs to come. (The
    process exits with the process that started it, even idle: generator.workers.spawn_pool.)"""
    from generator.pdf.html import theme_dir
    from generator.pdf.render import engine

    engine(theme_dir(), [content_root])


def render_pdf_job(job, name: str, content_root: Path, archival: bool) -> tuple[bytes, float]:
    """A PDF's bytes and the seconds they took (in a build's process or in a PDF process)."""
    from generator.pdf.fetcher import ResourceRefused
    from generator.pdf.render import render_for

    started = time.perf_counter()
    try:
        data = render_for(job, content_root, archival)
    except ResourceRefused as refused:
        raise BuildFailed(f"{refused}（生成 {name} 时）") from None
    return data, time.perf_counter() - started


def write_pdf_file(job, path: Path, content_root: Path, archival: bool) -> float:
    """Render a PDF job in this process and write it; its seconds."""
    data, seconds = render_pdf_job(job, path.name, content_root, archival)
    write_atomically(path, data)
    return seconds
