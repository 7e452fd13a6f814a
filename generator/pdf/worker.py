"""A process of its own for PDFs: a rebuild of a few units hands it their PDFs and goes on with the
pages, the list pages and the search index, waiting for the PDFs only at the end.

The build starts it before it plans, so that the process has loaded WeasyPrint by the time the first
job comes. This module itself loads nothing heavy (the build may yet find it has no PDF to make), and
the process imports WeasyPrint and the print renderer only, nothing of the site.
"""

from __future__ import annotations

import time
from pathlib import Path

from generator.workers import spawn_pool, stop_pool


class PdfWorker:
    def __init__(self, content: Path):
        self.content_root = content.resolve()
        self.pool = spawn_pool(1)
        # A pool starts its process with its first task: this one, now.
        self.pending = [self.pool.submit(load_engine, self.content_root)]

    def submit(self, job, path: Path, archival: bool) -> None:
        self.pending.append(self.pool.submit(write_pdf_file, job, path, self.content_root, archival))

    def finish(self) -> list[float]:
        """Seconds of each PDF, once all are written; raises BuildFailed if one could not be made."""
        try:
            loaded, *written = [future.result() for future in self.pending]
            return written
        finally:
            self.close()

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)

    def cancel(self) -> None:
        """Stop the process at once: the build has no PDF for it."""
        stop_pool(self.pool)

    def __enter__(self) -> "PdfWorker":
        return self

    def __exit__(self, failure, *details) -> None:
        if failure is None:
            self.close()
        else:  # the build failed: its PDFs are not wanted
            self.cancel()


def load_engine(content_root: Path) -> None:
    """WeasyPrint, the font configuration and the print stylesheet, kept for the PDFs to come."""
    from generator.pdf.html import theme_dir
    from generator.pdf.render import engine

    engine(theme_dir(), [content_root])


def write_pdf_file(job, path: Path, content_root: Path, archival: bool) -> float:
    """Render a PDF job and write it (in a build's process or in a PDF worker); its seconds."""
    from generator.build import BuildFailed
    from generator.files import write_atomically
    from generator.pdf.fetcher import ResourceRefused
    from generator.pdf.render import render_for

    started = time.perf_counter()
    try:
        data = render_for(job, content_root, archival)
    except ResourceRefused as refused:
        raise BuildFailed(f"{refused}（生成 {path.name} 时）") from None
    write_atomically(path, data)
    return time.perf_counter() - started
