"""Render the pages and downloads of a checked site. Deterministic: sorted input, no timestamps.

Two stages with a small interface between them, so that units can be rendered in parallel, reused
from an earlier build or rendered on another machine (shards):
- `UnitRenderer` writes everything that belongs to one unit: each year's disclosure page and its
  downloads (and PDF, when asked), and the unit's history page. It returns a `DisclosureSummary`
  per year: all that the list pages need to know about the disclosure.
- `ListPages` writes the pages that list units (home, years, units index, year data packages) from
  those summaries, and the pages of the site itself (glossary, search, 404, static files).
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from generator import charts
from generator.charts import ChartRenderer
from generator.document import Document, build_document
from generator.export import OneLine
from generator.figures import shown
from generator.filing import exported
from generator.filing.cache import export_key
from generator.markdown import slug, unique_id
from generator.narrative_images import narrative_images
from generator.site import comparison, data, downloads, pages
from generator.site.changes import Formats, write_changes_pages
from generator.site.theme import copy_static, environment, theme_dirs

TOTALS = ("income.grand_total", "expenditure.grand_total", "expenditure.basic", "expenditure.project",
          "three_public.subtotal")
CHARTED = "expenditure.total"  # 本年支出合计: the year chart's bars, what every disclosure calls its 支出预算
TREND = ("expenditure.total", "expenditure.basic", "expenditure.project")  # the unit history's lines
OTHER_UNITS = "其他单位"  # the units index group of units that neither name nor are a 主管部门


def unit_url(unit_id: str) -> str:
    return f"units/{unit_id}/index.html"


def disclosure_dir(unit_id: str, year: int) -> str:
    return f"units/{unit_id}/{year}/"


def pdf_name(unit_id: str, year: int) -> str:
    return f"{unit_id}-{year}.pdf"


def _amounts(figures) -> list[str]:
    """The listed figures, exactly as the disclosure page has them (the same `Figures`); unknown: "—"."""
    return [shown(figures.value(name)) for name in TOTALS]


def _root(path: str) -> str:
    return "../" * path.count("/")


@dataclass
class DisclosureSummary:
    """One disclosure as the list pages show it; stored in the build manifest as JSON."""

    unit_id: str
    year: int
    name: str
    department: str
    amounts: list[str]  # TOTALS, formatted ("—" when unknown)
    expenditure: str  # CHARTED (本年支出合计), exact text, "" when unknown (the year chart)
    resources: list[str]  # its entries in the year's data package, each a line of JSON (export.one_line)
    parts: list[str] = field(default_factory=list)  # the 三公 parts of the year comparison (site/comparison.py)

    @classmethod
    def of(cls, doc: Document) -> "DisclosureSummary":
        total = doc.figures.value(CHARTED)
        return cls(doc.unit_id, doc.year, doc.unit.name, doc.unit.department or "", _amounts(doc.figures),
                   "" if total is None else str(total), data.year_resources(doc),
                   [shown(doc.figures.value(name)) for name in comparison.PARTS])

    @property
    def url(self) -> str:
        return disclosure_dir(self.unit_id, self.year) + "index.html"

    def row(self) -> pages.TotalsRow:
        return pages.TotalsRow(self.name, self.year, self.url, self.amounts)

    def to_json(self) -> dict:
        return dict(vars(self))  # plain data already


@dataclass
class PageWriter:
    """Writes files into `output` and renders templates with the context every page gets."""

    site: object  # generator.content.Site
    output: Path
    years: list[int]  # every year of the site, newest first (the navigation)
    live_reload: bool = False
    written: list[str] = field(default_factory=list)
    pages: int = 0

    def __post_init__(self):
        self.settings = self.site.settings
        self.themes = theme_dirs(self.site.root, self.settings)
        self.env = environment(self.themes)
        self.nav = pages.Nav(self.years)

    def write(self, path: Path, text: str) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8"))
        self.recorded(path)

    def write_bytes(self, path: Path, data: bytes) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        self.recorded(path)

    def recorded(self, path: Path) -> None:
        """`path`, put in place by other means than `write` (a link), is one of the files written."""
        self.written.append(path.relative_to(self.output).as_posix())

    def render(self, template: str, path: str, page, indexed: bool = True, root: str | None = None,
               **extra) -> None:
        html = self.env.get_template(template).render(
            site=self.settings, root=_root(path) if root is None else root, nav=self.nav, page=page,
            indexed=indexed, live_reload=self.live_reload, **extra)
        self.write(self.output / path, html)
        self.pages += 1


@dataclass
class RenderedDisclosure:
    """A disclosure rendered for the site, kept for the PDF so that its charts are drawn once."""

    context: object
    document: Document
    charts: list


class UnitRenderer(PageWriter):
    """Everything below units/<id>/ for one unit. `has_pdf(unit_id, year)` says whether to link a PDF."""

    def __init__(self, site, output: Path, years: list[int], chart_cache: Path | None, has_pdf,
                 live_reload: bool = False, export_cache=None):
        super().__init__(site, output, years, live_reload)
        self.charts = ChartRenderer(chart_cache)
        self.has_pdf = has_pdf
        self.export_cache = export_cache  # generator.filing.cache.ExportCache, or None

    def render_unit(self, unit, contexts: list) -> tuple[list[DisclosureSummary], list[RenderedDisclosure]]:
        """`contexts`: the unit's checked disclosures, oldest first."""
        rendered = [self.disclosure(unit, ctx) for ctx in contexts]
        if rendered:
            diffs = write_changes_pages(self, unit, contexts, unit_url(unit.id),
                                        lambda u, y: disclosure_dir(u, y) + "index.html")
            self.history(unit, [r.document for r in rendered], diffs)
        return [DisclosureSummary.of(r.document) for r in rendered], rendered

    def disclosure(self, unit, ctx) -> RenderedDisclosure:
        doc = build_document(ctx, self.site)
        base = disclosure_dir(doc.unit_id, doc.year)
        data.write_disclosure_data(doc, self.output / base, self.write)
        filing = downloads.write_filing(doc, self.output / base, self.write_export)
        drawn = charts.disclosure_charts(self.charts, doc, self.site.catalogue)
        page = pages.DisclosurePage(
            doc=doc, unit_url=unit_url(doc.unit_id),
            other_years=[pages.YearLink(y.year, disclosure_dir(doc.unit_id, y.year) + "index.html")
                         for y in unit.years if y.year != doc.year],
            charts=drawn,
            csv=[pages.Download(t.title, data.table_file(t)) for t in doc.tables],
            json=data.json_name(doc), pdf=pdf_name(doc.unit_id, doc.year) if self.has_pdf(doc.unit_id, doc.year) else "",
            fmt=Formats, filing=[pages.Download(downloads.FILING_TITLES[fmt], name) for fmt, name in filing],
        )
        self.render("disclosure.html", base + "index.html", page, doc=doc)
        self.copy_images(ctx, base)
        return RenderedDisclosure(ctx, doc, drawn)

    def write_export(self, doc, fmt: str, path: Path) -> None:
        """One filing export: linked from the export cache when its content is kept there, else made
        (and kept)."""
        cache = self.export_cache
        key = export_key(doc, fmt) if cache is not None else None
        if key is not None and cache.link_into(key, fmt, path):
            self.recorded(path)
            return
        self.write_bytes(path, exported(doc, fmt))
        if key is not None:
            cache.keep(key, fmt, path)

    def copy_images(self, ctx, base: str) -> None:
        """The narrative's images next to its page, where its relative <img src> find them (the policy:
        generator/narrative_images.py)."""
        narrative = ctx.entry.narrative
        if narrative is None:
            return
        for relative, source in narrative_images(narrative.text, ctx.entry.dir, narrative.references):
            target = self.output / base / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
            self.recorded(target)

    def history(self, unit, docs: list[Document], diffs: list = ()) -> None:
        name = unit.unit.name
        rows = [pages.TotalsRow(name, d.year, disclosure_dir(d.unit_id, d.year) + "index.html", _amounts(d.figures))
                for d in docs]
        # “比上年”: consecutive years only; the change that check verified (last year's figures, or those
        # this year's previous_year restates), UNKNOWN where either year lacks the figure
        changes = [pages.TotalsRow(name, d.year, "", [shown(d.figures.value(f"change.{n}")) for n in TOTALS])
                   for p, d in zip(docs, docs[1:]) if d.year == p.year + 1]
        points = [(d.year, charts.FIGURE_LABELS[n], d.figures.value(n)) for d in docs for n in TREND]
        page = pages.UnitPage(unit.id, name, unit.unit.department, rows, changes,
                              charts.trend(self.charts, name, points),
                              diffs=[pages.YearLink(year, url) for year, url in diffs])
        self.render("unit.html", unit_url(unit.id), page)


class ListPages(PageWriter):
    """Pages that list the units, from the summaries of every disclosure; and the site's own pages."""

    def __init__(self, site, output: Path, years: list[int], summaries: list[DisclosureSummary],
                 chart_cache: Path | None, live_reload: bool = False, search_buckets: list[str] | None = None):
        super().__init__(site, output, years, live_reload)
        self.summaries = sorted(summaries, key=lambda s: (s.unit_id, s.year))
        self.charts = ChartRenderer(chart_cache)
        self.search_buckets = list(search_buckets or [])  # empty: no search index

    def render_all(self) -> None:
        copy_static(self.themes, self.output)
        self.units_index()
        for year in self.years:
            self.year(year)
        self.home()
        self.glossary()
        self.render("search.html", "search.html", pages.SearchPage("search", self.search_buckets), indexed=False)
        # Served at any URL depth by the web server: links rooted at base_path, not relative.
        self.render("404.html", "404.html", pages.SimplePage("404"), indexed=False, root=self.settings.base_path)

    def _of_year(self, year: int) -> list[DisclosureSummary]:
        return [s for s in self.summaries if s.year == year]

    def _year_chart(self, year: int):
        items = [(s.name, Decimal(s.expenditure) if s.expenditure else None) for s in self._of_year(year)]
        return charts.units_totals(self.charts, year, items)

    def year(self, year: int) -> None:
        summaries = self._of_year(year)
        name = f"datapackage-{year}.json"
        resources = [OneLine(r) for s in summaries for r in s.resources]  # as the manifest kept them
        self.write(self.output / name, data.package(f"budget-{year}", f"{self.settings.title} {year}年预算数据", resources))
        compendium = downloads.compendium_link(year, [self.output])
        compared = comparison.comparison(year, summaries)
        self.write(self.output / compared.csv, comparison.comparison_csv(compared))
        self.render("year.html", f"years/{year}/index.html",
                    pages.YearPage(year, [s.row() for s in summaries], self._year_chart(year), name, compendium,
                                   comparison=compared))

    def home(self) -> None:
        latest = self.years[0] if self.years else None
        rows = [s.row() for s in self._of_year(latest)] if latest else []
        chart = self._year_chart(latest) if latest else None
        compendium = downloads.compendium_link(latest, [self.output])
        self.render("home.html", "index.html", pages.HomePage(latest, rows, chart, self.years, compendium))

    def units_index(self) -> None:
        by_unit: dict[str, list[DisclosureSummary]] = {}
        for summary in self.summaries:
            by_unit.setdefault(summary.unit_id, []).append(summary)
        links = {unit_id: pages.UnitLink(found[-1].name, unit_url(unit_id), [pages.YearLink(s.year, s.url) for s in found])
                 for unit_id, found in sorted(by_unit.items())}
        departments = {by_unit[u][-1].department for u in links} - {""}
        groups: dict[str, list[pages.UnitLink]] = {}
        for unit_id, link in links.items():
            department = by_unit[unit_id][-1].department
            if department:
                groups.setdefault(department, []).append(link)
            elif link.name in departments:  # a 主管部门 itself heads its group, listed once, first
                groups.setdefault(link.name, []).insert(0, link)
            else:
                groups.setdefault(OTHER_UNITS, []).append(link)
        if list(groups) == [OTHER_UNITS]:
            groups = {"": groups[OTHER_UNITS]}  # no unit names a 主管部门: one list, no group heading
        named = sorted(name for name in groups if name not in ("", OTHER_UNITS))
        order = named + [name for name in ("", OTHER_UNITS) if name in groups]
        self.render("units.html", "units/index.html", pages.UnitsPage([pages.UnitGroup(n, groups[n]) for n in order]))

    def glossary(self) -> None:
        entries = self.settings.glossary if self.settings else []
        level = "本级"
        used: set[str] = set()  # terms that differ only in spaces or hyphens have the same slug
        views = [pages.GlossaryEntryView(unique_id(f"term-{slug(e.term)}", used), e.term,
                                         e.definition.replace("{level}", level))
                 for e in entries]
        self.render("glossary.html", "glossary.html", pages.GlossaryPage(level, views))
