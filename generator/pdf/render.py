"""PDF bytes from WeasyPrint, for a job made by generator.pdf.html."""

from __future__ import annotations

import gc
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path

import weasyprint
from weasyprint.text.fonts import FontConfiguration

from generator.pdf.archive import finish_archival
from generator.pdf.fetcher import SafeFetcher
from generator.pdf.html import Job, theme_dir

PDF_VARIANT = "pdf/a-3b"


@dataclass(frozen=True)
class Engine:
    """What WeasyPrint lets one process keep from one PDF to the next: the font configuration (with
    Pango's font map and its caches of loaded fonts and metrics), the parsed print stylesheet and the
    fetcher. None of it depends on the document, so a PDF is byte-identical whether it is the first
    or the hundredth rendered by the process (tests/test_pdf.py checks this)."""

    fetcher: SafeFetcher
    font_config: FontConfiguration
    stylesheet: weasyprint.CSS


def engine(theme: Path, roots: list[Path]) -> Engine:
    """The process's engine for this theme and these roots; the stylesheet is parsed again only when
    its text changes, so a long-running process sees an edited theme."""
    css = (theme / "print.css").read_text(encoding="utf-8")
    return _engine(theme.resolve(), tuple(Path(r).resolve() for r in roots), css)


@lru_cache(maxsize=4)
def _engine(theme: Path, roots: tuple[Path, ...], css: str) -> Engine:
    fetcher = SafeFetcher([theme, *roots])
    font_config = FontConfiguration()
    stylesheet = weasyprint.CSS(string=css, base_url=theme.as_uri() + "/", url_fetcher=fetcher,
                                font_config=font_config)
    return Engine(fetcher, font_config, stylesheet)


def write_pdf(job: Job, theme: Path, roots: list[Path], archival: bool = True) -> bytes:
    """Render HTML to PDF bytes; archival = PDF/A-3b, tagged, with the data files attached."""
    shared = engine(theme, roots)
    options = {"stylesheets": [shared.stylesheet], "font_config": shared.font_config, "pdf_tags": True}
    if archival:
        options |= {"pdf_variant": PDF_VARIANT, "attachments": attachments(job.files, job.date),
                    "finisher": finish_archival}
    with young_garbage_collected_after():
        html = weasyprint.HTML(string=job.html, base_url=theme.as_uri() + "/", url_fetcher=shared.fetcher)
        return html.write_pdf(**options)


def render_for(job: Job, content_root: Path, archival: bool = True) -> bytes:
    """The PDF of a job whose files may come from the print theme and the content folder only."""
    return write_pdf(job, theme_dir(), [content_root], archival)


@contextmanager
def young_garbage_collected_after():
    """Run the cyclic garbage collector once, after the render, instead of thousands of times during it.

    WeasyPrint keeps hundreds of thousands of objects alive while it lays a document out, so the
    collector, triggered by allocations, runs about a thousand times per PDF and now and then walks the
    whole heap (in a worker: the site, the check results, the caches); that was about a tenth of the
    time of a PDF. With it paused, everything the render allocated stays in the youngest generation, and
    one collection of that generation afterwards frees the render's cycles: memory is as before."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
        gc.collect(0)


def attachments(files: list[tuple[str, bytes, str]], moment: datetime) -> list[weasyprint.Attachment]:
    """WeasyPrint attachments with fixed dates (never the clock) and AFRelationship /Data (PDF/A-3)."""
    return [weasyprint.Attachment(string=data, name=name, description=description, created=moment,
                                  modified=moment, relationship="Data") for name, data, description in files]
