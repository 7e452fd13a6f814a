"""The template context of each page kind: the contract between the builder and the theme.

Every page gets `site` (SiteSettings), `root` (relative prefix to the site root, "" or "../…"),
`nav` (Nav), `indexed` (whether search indexes the page), `live_reload`, and `page`, one of the
types below. Documented in docs/site.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from generator.charts import Chart
from generator.document import Document


@dataclass
class Nav:
    years: list[int]  # newest first


@dataclass
class YearLink:
    year: int
    url: str  # relative to the site root


@dataclass
class TotalsRow:
    """One line of a totals table: a unit in a year (home, year page) or a year of a unit (unit page)."""

    name: str
    year: int
    url: str  # relative to the site root
    amounts: list[str]  # 收入总计, 支出总计, 基本支出, 项目支出, “三公”经费; formatted


@dataclass
class HomePage:
    year: int | None  # latest year
    units: list[TotalsRow]
    chart: Chart | None
    years: list[int]
    compendium: str = ""  # the latest year's compendium PDF, relative to the site root; "" if not built


@dataclass
class YearPage:
    year: int
    units: list[TotalsRow]
    chart: Chart | None
    datapackage: str  # relative to the site root
    compendium: str = ""  # the year's compendium PDF, relative to the site root; "" if not built
    comparison: object = None  # generator.site.comparison.Comparison: the units side by side, each ordering


@dataclass
class UnitLink:
    name: str
    url: str
    years: list[YearLink]


@dataclass
class UnitGroup:
    name: str  # the department (主管部门), 其他单位, or "" when no unit names a department (one list)
    units: list[UnitLink]


@dataclass
class UnitsPage:
    groups: list[UnitGroup]


@dataclass
class UnitPage:
    id: str
    name: str
    department: str
    years: list[TotalsRow]  # oldest first
    changes: list[TotalsRow]  # year-over-year differences, from the second year on
    chart: Chart | None  # multi-year trend, when several years exist
    diffs: list[YearLink] = field(default_factory=list)  # each year's 与上年比较 page (generator/site/changes.py)


@dataclass
class Download:
    title: str
    path: str  # relative to the page


@dataclass
class DisclosurePage:
    doc: Document
    unit_url: str
    other_years: list[YearLink]
    charts: list[Chart]
    csv: list[Download]
    json: str  # relative to the page
    pdf: str  # relative to the page, "" when no PDF exists
    fmt: object = None  # amount formats of the corrections block (generator/site/changes.Formats)
    filing: list[Download] = field(default_factory=list)  # the .xlsx and .docx for filing (site/downloads.py)

    @property
    def loose_charts(self) -> list[Chart]:
        """Charts of no section shown: listed together after the document (each other chart stands at
        the end of the section it illustrates, `Chart.section`)."""
        shown = {s.id for s in self.doc.sections}
        return [c for c in self.charts if c.section not in shown]


@dataclass
class GlossaryEntryView:
    id: str
    term: str
    definition: str


@dataclass
class GlossaryPage:
    level: str
    entries: list[GlossaryEntryView] = field(default_factory=list)


@dataclass
class SimplePage:
    """The 404 page: no data of their own."""

    name: str


@dataclass
class SearchPage:
    """The search page. `buckets`: the search buckets written by the build, the primary (the site
    bucket) first; empty when the build wrote no search index (`--no-search`)."""

    name: str
    buckets: list[str] = field(default_factory=list)
