"""Render every page of the site into a directory. Deterministic: sorted input, no timestamps."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from generator import charts
from generator.charts import ChartRenderer
from generator.document import Document, build_document
from generator.markdown import slug
from generator.money import fmt
from generator.site import data, downloads, pages
from generator.site.theme import copy_static, environment, theme_dirs

TOTALS = ("income.grand_total", "expenditure.grand_total", "expenditure.basic", "expenditure.project",
          "three_public.subtotal")


def unit_url(unit_id: str) -> str:
    return f"units/{unit_id}/index.html"


def disclosure_dir(unit_id: str, year: int) -> str:
    return f"units/{unit_id}/{year}/"


def pdf_name(unit_id: str, year: int) -> str:
    return f"{unit_id}-{year}.pdf"


def _amounts(figures) -> list[str]:
    return [fmt(figures.value(name) or Decimal(0)) for name in TOTALS]


def _root(path: str) -> str:
    return "../" * path.count("/")


@dataclass
class SiteBuilder:
    """Writes pages and downloads of a checked site into `output` (a fresh directory)."""

    report: object  # generator.check.Report
    output: Path
    chart_cache: Path | None = None
    live_reload: bool = False
    pdf_dirs: list[Path] = field(default_factory=list)  # where to look for already-built PDFs
    written: list[str] = field(default_factory=list)
    pages: int = 0

    def __post_init__(self):
        site = self.report.site
        self.site = site
        self.settings = site.settings
        self.env = environment(theme_dirs(site.root, self.settings))
        self.charts = ChartRenderer(self.chart_cache)
        self.docs: dict[str, Document] = {}

    # -- output helpers ------------------------------------------------------------------------
    def write(self, path: Path, text: str) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8"))
        self.written.append(path.relative_to(self.output).as_posix())

    def render(self, template: str, path: str, page, indexed: bool = True, root: str | None = None,
               **extra) -> None:
        html = self.env.get_template(template).render(
            site=self.settings, root=_root(path) if root is None else root, nav=self.nav, page=page,
            indexed=indexed, live_reload=self.live_reload, **extra)
        self.write(self.output / path, html)
        self.pages += 1

    # -- pipeline ------------------------------------------------------------------------------
    def documents(self, progress=None) -> dict[str, Document]:
        for key in sorted(self.report.contexts):
            self.docs[key] = build_document(self.report.contexts[key], self.site)
            if progress:
                progress()
        return self.docs

    def build(self, progress=None) -> None:
        if not self.docs:
            self.documents()
        years = sorted({d.year for d in self.docs.values()}, reverse=True)
        self.nav = pages.Nav(years)
        copy_static(theme_dirs(self.site.root, self.settings), self.output)
        for key in sorted(self.docs):
            self.disclosure(self.docs[key])
            if progress:
                progress()
        for unit in self.site.units:
            self.unit(unit)
        self.units_index()
        for year in years:
            self.year(year)
        self.home(years)
        self.glossary()
        self.render("search.html", "search.html", pages.SimplePage("search"), indexed=False)
        # Served at any URL depth by the web server: links rooted at base_path, not relative.
        self.render("404.html", "404.html", pages.SimplePage("404"), indexed=False, root=self.settings.base_path)

    # -- page kinds ----------------------------------------------------------------------------
    def disclosure(self, doc: Document) -> None:
        base = disclosure_dir(doc.unit_id, doc.year)
        data.write_disclosure_data(doc, self.output / base, self.write)
        entry = next(u for u in self.site.units if u.id == doc.unit_id)
        page = pages.DisclosurePage(
            doc=doc, unit_url=unit_url(doc.unit_id),
            other_years=[pages.YearLink(y.year, disclosure_dir(doc.unit_id, y.year) + "index.html")
                         for y in entry.years if y.year != doc.year and f"{doc.unit_id}/{y.year}" in self.docs],
            charts=charts.disclosure_charts(self.charts, doc, self.site.catalogue),
            csv=[pages.Download(t.title, data.table_file(t)) for t in doc.tables],
            json=data.json_name(doc), pdf=self._pdf(doc, base),
        )
        self.render("disclosure.html", base + "index.html", page, doc=doc)

    def _pdf(self, doc: Document, base: str) -> str:
        name = pdf_name(doc.unit_id, doc.year)
        for directory in [self.output, *self.pdf_dirs]:
            if (directory / base / name).is_file():
                return name
        return ""

    def _row(self, doc: Document, name: str) -> pages.TotalsRow:
        return pages.TotalsRow(name, doc.year, disclosure_dir(doc.unit_id, doc.year) + "index.html",
                               _amounts(doc.figures))

    def _year_docs(self, year: int) -> list[Document]:
        return [d for k, d in sorted(self.docs.items()) if d.year == year]

    def _year_chart(self, year: int):
        items = [(d.unit.name, d.figures.value("expenditure.grand_total")) for d in self._year_docs(year)]
        return charts.units_totals(self.charts, year, items)

    def year(self, year: int) -> None:
        docs = self._year_docs(year)
        rows = [self._row(d, d.unit.name) for d in docs]
        name = f"datapackage-{year}.json"
        self.write(self.output / name, data.year_package(year, docs, self.settings.title))
        compendium = downloads.compendium_link(year, [self.output, *self.pdf_dirs])
        self.render("year.html", f"years/{year}/index.html",
                    pages.YearPage(year, rows, self._year_chart(year), name, compendium))

    def home(self, years: list[int]) -> None:
        latest = years[0] if years else None
        rows = [self._row(d, d.unit.name) for d in self._year_docs(latest)] if latest else []
        chart = self._year_chart(latest) if latest else None
        compendium = downloads.compendium_link(latest, [self.output, *self.pdf_dirs])
        self.render("home.html", "index.html", pages.HomePage(latest, rows, chart, years, compendium))

    def unit(self, entry) -> None:
        docs = [self.docs[y.key] for y in entry.years if y.key in self.docs]
        if not docs or entry.unit is None:
            return
        rows = [self._row(d, entry.unit.name) for d in docs]
        changes = [pages.TotalsRow(entry.unit.name, d.year, "", [
            fmt((d.figures.value(n) or Decimal(0)) - (p.figures.value(n) or Decimal(0))) for n in TOTALS])
            for p, d in zip(docs, docs[1:]) if d.year == p.year + 1]  # “比上年”: consecutive years only
        points = [(d.year, charts.FIGURE_LABELS[n], d.figures.value(n)) for d in docs for n in TOTALS[1:4]]
        page = pages.UnitPage(entry.id, entry.unit.name, entry.unit.department, rows, changes,
                              charts.trend(self.charts, entry.unit.name, points))
        self.render("unit.html", unit_url(entry.id), page)

    def units_index(self) -> None:
        groups: dict[str, list[pages.UnitLink]] = {}
        for entry in self.site.units:
            years = [pages.YearLink(y.year, disclosure_dir(entry.id, y.year) + "index.html")
                     for y in entry.years if y.key in self.docs]
            if entry.unit is None or not years:
                continue
            group = entry.unit.department or entry.unit.name
            groups.setdefault(group, []).append(pages.UnitLink(entry.unit.name, unit_url(entry.id), years))
        page = pages.UnitsPage([pages.UnitGroup(name, groups[name]) for name in sorted(groups)])
        self.render("units.html", "units/index.html", page)

    def glossary(self) -> None:
        entries = self.settings.glossary if self.settings else []
        level = "本级"
        views = [pages.GlossaryEntryView(f"term-{slug(e.term)}", e.term, e.definition.replace("{level}", level))
                 for e in entries]
        self.render("glossary.html", "glossary.html", pages.GlossaryPage(level, views))
