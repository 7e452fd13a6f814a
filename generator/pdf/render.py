"""HTML from the print theme, then PDF bytes from WeasyPrint."""

from __future__ import annotations

import base64
import gc
import re
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import jinja2
import weasyprint
from weasyprint.text.fonts import FontConfiguration

from generator.pdf.archive import finish_archival
from generator.pdf.attachments import attachments
from generator.pdf.columns import column_widths
from generator.pdf.dates import w3c
from generator.pdf.fetcher import SafeFetcher

THEMES = Path(__file__).resolve().parents[2] / "themes"
PDF_VARIANT = "pdf/a-3b"
ID_ATTR = re.compile(r'(\sid=")([^"]*)"')
LOCAL_HREF = re.compile(r'href="#([^"]*)"')
IMG_SRC = re.compile(r'(<img\b[^>]*?\bsrc=")([^"]*)(")')


@dataclass
class Meta:
    title: str
    author: str
    subject: str
    keywords: list[str]
    date: datetime

    @property
    def date_w3c(self) -> str:
        return w3c(self.date)


@dataclass
class Job:
    """One PDF to render: its HTML and the files to attach."""

    html: str
    files: list[tuple[str, bytes, str]] = field(default_factory=list)
    date: datetime | None = None


def theme_dir(name: str = "print") -> Path:
    return THEMES / name


@lru_cache(maxsize=4)
def environment(theme: Path) -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(theme)), autoescape=True,
                             trim_blocks=False, lstrip_blocks=False, undefined=jinja2.StrictUndefined)
    env.globals["column_widths"] = column_widths
    env.filters["svg_data_url"] = svg_data_url
    return env


def svg_data_url(svg: str) -> str:
    """A chart as an image URL: WeasyPrint parses it with ElementTree, not as part of the HTML tree, where
    its hundreds of elements would be tokenised by the HTML parser and styled by the cascade."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def absolutize_images(html: str, base: Path) -> str:
    """Relative <img src> in narrative HTML point at the unit's year directory, whatever PDF holds them."""
    base_uri = base.resolve().as_uri() + "/"

    def fix(match: re.Match) -> str:
        src = match.group(2)
        if urlsplit(src).scheme or src.startswith("//"):
            return match.group(0)  # absolute: the fetcher decides
        return match.group(1) + urljoin(base_uri, src) + match.group(3)

    return IMG_SRC.sub(fix, html)


def prefix_ids(html: str, prefix: str) -> str:
    """Make narrative ids (and the links to them) unique within one PDF."""
    if not prefix:
        return html
    html = ID_ATTR.sub(lambda m: f'{m.group(1)}{prefix}{m.group(2)}"', html)
    return LOCAL_HREF.sub(lambda m: f'href="#{prefix}{m.group(1)}"', html)


def render_html(template: str, theme: Path, **values) -> str:
    return environment(theme).get_template(template).render(**values)


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
