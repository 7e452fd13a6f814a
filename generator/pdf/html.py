"""The print theme's HTML for a PDF, and what a PDF is made from (`Job`). No WeasyPrint here: a build
makes its PDF jobs in its own process, and hands them to processes that render them."""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import jinja2

from generator.pdf.columns import column_widths
from generator.pdf.dates import w3c

THEMES = Path(__file__).resolve().parents[2] / "themes"
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
