"""Which search bucket each page of a site belongs to (generator/site/search.py indexes them).

The site-wide pages form the bucket `site`; a unit's pages all go to one of the site's unit buckets,
chosen by a hash of the unit id. The number of unit buckets grows with the square root of the site's
size: a rebuild re-indexes one bucket (fewer units a bucket, a faster rebuild) while a reader's search
loads every bucket (fewer buckets, a faster search), so both grow as √N (docs/site.md, "Search"). Only the standard library
is imported here: the build's plan and shard assignment use it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

MIN_UNIT_BUCKETS = 32  # see docs/site.md "Search" for the choice
SPREAD = 2  # the count is at least √(SPREAD × units): 32 up to 512 units, 64 up to 2,048, 128 up to 8,192
SITE_BUCKET = "site"
BUNDLES = "pagefind"  # pagefind/<bucket>/; no page of a bucket lives there


@dataclass(frozen=True)
class Buckets:
    """How a site's pages are split into search buckets: `count` unit buckets, and the site bucket."""

    count: int

    @classmethod
    def for_units(cls, units: int) -> "Buckets":
        """The buckets of a site of `units` units (every unit folder, whether or not it has pages, so that
        the count depends on the content alone and a shard finds the one a single build uses)."""
        count = MIN_UNIT_BUCKETS
        while count * count < SPREAD * units:
            count *= 2
        return cls(count)

    def unit(self, unit_id: str) -> str:
        """A stable assignment: for a given count, a unit always falls in the same bucket."""
        digest = hashlib.sha256(f"search\0{unit_id}".encode("utf-8")).hexdigest()
        return f"u{int(digest[:8], 16) % self.count:0{max(2, len(str(self.count - 1)))}d}"  # names sort as numbers

    def page(self, url: str) -> str:
        """The bucket of a page (its path relative to the site root)."""
        parts = url.split("/")
        return self.unit(parts[1]) if len(parts) >= 3 and parts[0] == "units" else SITE_BUCKET

    def names(self, unit_ids) -> list[str]:
        """The buckets of a site whose units with pages are `unit_ids`: the site bucket (the primary) first."""
        return [SITE_BUCKET] + sorted({self.unit(u) for u in unit_ids})

    def group(self, urls) -> dict[str, list[str]]:
        """The pages of each bucket, the site bucket first."""
        groups: dict[str, list[str]] = {}
        for url in sorted(urls):
            if url.startswith(f"{BUNDLES}/"):
                continue
            groups.setdefault(self.page(url), []).append(url)
        return dict(sorted(groups.items(), key=lambda item: (item[0] != SITE_BUCKET, item[0])))
