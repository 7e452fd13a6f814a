"""The site's 与上年比较 page of each disclosure (units/<id>/<year>/changes.html), from generator/diff.py."""

from __future__ import annotations

from dataclasses import dataclass

from generator import diff


class Formats:
    """The amount formats of a comparison, for the templates."""

    shown = staticmethod(diff.shown)
    shown_change = staticmethod(diff.shown_change)
    shown_percent = staticmethod(diff.shown_percent)


@dataclass
class ChangesPage:
    diff: diff.YearDiff
    unit_url: str
    disclosure_url: str
    previous_url: str  # "" when last year's disclosure is not on the site
    fmt: type = Formats


def changes_url(unit_id: str, year: int) -> str:
    return f"units/{unit_id}/{year}/changes.html"


def write_changes_pages(writer, unit, contexts: list, unit_url: str, disclosure_url) -> list:
    """One comparison page per disclosure that has anything to compare with (last year's disclosure, or
    the previous-year figures it gives). Returns (year, url) pairs, oldest first."""
    by_year = {ctx.entry.year: ctx for ctx in contexts}
    links = []
    for year, ctx in sorted(by_year.items()):
        last = by_year.get(year - 1)
        found = diff.year_diff(unit.id, unit.unit.name, diff.Side(ctx.disclosure, ctx.figures),
                               None if last is None else diff.Side(last.disclosure, last.figures),
                               writer.site.catalogue)
        if found.base == "none":
            continue
        url = changes_url(unit.id, year)
        page = ChangesPage(found, unit_url, disclosure_url(unit.id, year),
                           "" if last is None else disclosure_url(unit.id, year - 1))
        writer.render("changes.html", url, page)
        links.append((year, url))
    return links
