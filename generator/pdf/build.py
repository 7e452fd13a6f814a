"""Which PDFs to write and where: units/<id>/<year>/<id>-<year>.pdf and <year>/compendium-<year>.pdf."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from generator.document import build_document
from generator.figures import shown
from generator.files import write_atomically
from generator.pdf import cover
from generator.pdf.attachments import attachment_files
from generator.pdf.dates import source_date, w3c
from generator.pdf.html import Job, Meta, absolutize_images, prefix_ids, render_html, theme_dir
from generator.site.builder import disclosure_dir, pdf_name
from generator.site.downloads import compendium_path


@dataclass
class Written:
    path: Path
    seconds: float
    pages: int
    size: int


def unit_pdf_path(output: Path, unit_id: str, year: int) -> Path:
    """Where the site links it (one naming rule for both builders)."""
    return output / disclosure_dir(unit_id, year) / pdf_name(unit_id, year)


def compendium_pdf_path(output: Path, year: int) -> Path:
    """Where the year and home pages link it."""
    return output / compendium_path(year)


def prepare(ctx, site, prefix: str = "", document=None, drawn=None, chart_cache: Path | None = None):
    """The site's document model, with narrative image paths made absolute and heading ids prefixed
    (several units share one compendium). A document and charts already made for the site page are
    reused (and changed in place: render the page first); charts not made yet are taken from the
    build's chart cache when given (`chart_cache`)."""
    document = document or build_document(ctx, site)
    blocks = [b for s in document.sections for b in s.blocks if b.kind == "html"]
    for block in blocks:
        block.html = prefix_ids(absolutize_images(block.html, ctx.entry.dir), prefix)
    document.preamble_html = prefix_ids(absolutize_images(document.preamble_html, ctx.entry.dir), prefix)
    document.print_charts = print_charts(document, site, chart_cache) if drawn is None else drawn
    return document


def print_charts(document, site, chart_cache: Path | None = None) -> list:
    """The site's charts as SVG (vector in the PDF), the same SVG as the page's: from the chart cache
    when the site was built with it."""
    from generator import charts

    return charts.disclosure_charts(charts.ChartRenderer(chart_cache), document, site.catalogue)


def unit_meta(document, date) -> Meta:
    unit = document.unit.name
    return Meta(document.title, unit, f"{unit}{document.year}年{document.kind}预算信息公开",
                [unit, f"{document.year}年", f"{document.kind}预算", "预算公开"], date)


def publisher(site) -> str:
    return site.settings.publisher if site.settings else ""


# The compendium's overview of its units: each unit's figures as its own disclosure states them ("—" when
# it does not). This year's income and spending (本年收入合计/本年支出合计), which every template states,
# not 收入总计/支出总计, which single-unit templates often leave out.
OVERVIEW = (("income.total", "本年收入"), ("expenditure.total", "本年支出"), ("three_public.subtotal", "“三公”经费"))


@dataclass
class Cover:
    """A unit PDF's cover: the title set in two parts (the unit's name on lines that break only between
    words, at a fitted size; the rest), the issuing authority and the publication date."""

    name: cover.NameLines
    rest: str  # the title after the name; the whole title when it does not begin with the name
    split: bool  # the title begins with the name (else the name is set above the title, smaller)
    issuer: str
    date: str


def unit_cover(document) -> Cover:
    """The issuing authority of a unit's disclosure is the unit itself (it publishes its own budget, and
    its name signs the document); the date is the disclosure's `published`, blank without one."""
    name, rest = cover.split_title(document.title, document.unit.name)
    return Cover(cover.fitted(name or document.unit.name, cover.LARGEST if name else 16.0), rest, bool(name),
                 document.unit.name, cover.publication_date(document.disclosure.published))


def overview_rows(documents) -> list[dict]:
    return [{"name": d.unit.name, "anchor": f"u{n}-top", "amounts": [shown(d.figures.value(f)) for f, _ in OVERVIEW]}
            for n, d in enumerate(documents, start=1)]


def unit_job(ctx, site, document=None, drawn=None, chart_cache: Path | None = None) -> Job:
    document = prepare(ctx, site, document=document, drawn=drawn, chart_cache=chart_cache)
    date = source_date([ctx.entry.dir, ctx.entry.unit.dir / "unit.yaml"])
    meta = unit_meta(document, date)
    html = render_html("document.html.j2", theme_dir(), doc=document, meta=_meta_values(meta),
                       cover=unit_cover(document))
    return Job(html, attachment_files(document), date)


def compendium_job(contexts: list, site, year: int, chart_cache: Path | None = None) -> Job:
    documents = [prepare(ctx, site, f"u{n}-", chart_cache=chart_cache) for n, ctx in enumerate(contexts, start=1)]
    date = source_date([ctx.entry.dir for ctx in contexts] + [ctx.entry.unit.dir / "unit.yaml" for ctx in contexts])
    title = f"{year}年预算信息公开汇编"
    meta = Meta(title, publisher(site) or "budgetsite", f"{year}年各单位预算信息公开汇编",
                [f"{year}年", "预算公开", "汇编", *[d.unit.name for d in documents]], date)
    files = [f for d in documents for f in attachment_files(d)]
    html = render_html("compendium.html.j2", theme_dir(), docs=documents, year=year, meta=_meta_values(meta),
                       publisher=publisher(site), overview=overview_rows(documents),
                       overview_heads=[label for _, label in OVERVIEW])
    return Job(html, files, date)


def _meta_values(meta: Meta) -> dict:
    return {"title": meta.title, "author": meta.author, "subject": meta.subject, "keywords": meta.keywords,
            "date": w3c(meta.date)}


def render(job: Job, site, archival: bool = True) -> bytes:
    from generator.pdf.render import render_for  # WeasyPrint, loaded only where a PDF is rendered

    return render_for(job, site.root.resolve(), archival)


def build(job_factory, site, path: Path, archival: bool = True) -> Written:
    started = time.perf_counter()
    data = render(job_factory(), site, archival)
    write_atomically(path, data)
    return Written(path, time.perf_counter() - started, count_pages(data), len(data))


def count_pages(data: bytes) -> int:
    import io

    import pikepdf

    with pikepdf.open(io.BytesIO(data)) as pdf:
        return len(pdf.pages)
