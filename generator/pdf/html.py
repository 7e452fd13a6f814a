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

from generator.pdf.dates import w3c
from generator.pdf.pagination import table_layout

THEMES = Path(__file__).resolve().parents[2] / "themes"
ID_ATTR = re.compile(r'(\sid=")([^"]*)"')
LOCAL_HREF = re.compile(r'href="#([^"]*)"')
IMG_SRC = re.compile(r'(<img\b[^>]*?\bsrc=")([^"]*)(")')
LEADING_NOTES = re.compile(r"\A(?:\s*<p>注[：:](?:(?!</p>).)*</p>)+\s*", re.S)  # the table's 注 paragraphs
TRAILING_HEADING = re.compile(r"\s*<h([1-6])\b[^>]*>(?:(?!</h\1>).)*</h\1>\s*$", re.S)


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
class PrintBlock:
    """A block of a section as printed: narrative HTML, a table, or the headings that introduce the
    table after them (`lead`), printed on that table's page (portrait or landscape) and kept with it."""

    kind: str  # html | lead | table | note
    html: str = ""
    table: object = None  # generator.tables.Table, for table, lead and note
    landscape: bool = False  # a table, its lead or its notes, on a landscape page


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
    env.globals["table_layout"] = table_layout
    env.globals["print_blocks"] = print_blocks
    env.filters["svg_data_url"] = svg_data_url
    return env


def print_blocks(blocks: list) -> list[PrintBlock]:
    """A section's blocks for print. Headings that end a narrative block just before a table (a 项目绩效
    目标表's “（四）…” heading, say) become a lead block of their own: it takes the table's page, so that a
    landscape table does not leave its heading at the foot of the portrait page before it, and its
    `break-after: avoid` keeps it with the table's head. Likewise the 注 paragraphs that open the
    narrative just after a table are that table's notes: a note block on the table's page, kept with its
    last row."""
    out: list[PrintBlock] = []
    for index, block in enumerate(blocks):
        if block.kind == "table":
            out.append(PrintBlock("table", table=block.table, landscape=table_layout(block.table).landscape))
            continue
        html = block.html
        before = blocks[index - 1] if index else None
        if before is not None and before.kind == "table" and (notes := LEADING_NOTES.match(html)):
            out.append(PrintBlock("note", notes.group(0).strip(), before.table, table_layout(before.table).landscape))
            html = html[notes.end():]
        following = blocks[index + 1] if index + 1 < len(blocks) else None
        body, lead = split_trailing_headings(html) if following and following.kind == "table" else (html, "")
        if body.strip():
            out.append(PrintBlock("html", body))
        if lead:
            out.append(PrintBlock("lead", lead, following.table, table_layout(following.table).landscape))
    return out


def split_trailing_headings(html: str) -> tuple[str, str]:
    """The HTML before the headings that end it, and those headings."""
    end = len(html)
    while match := TRAILING_HEADING.search(html[:end]):
        end = match.start()
    return html[:end], html[end:].strip()


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
