"""Files the site links but does not write itself: the PDFs of `budgetsite pdf`.

One naming rule shared with the PDF builder (generator/pdf/build.py), so the site links exactly where
the PDFs are written. A link appears only when the file exists in the output being built or in the
previous output (the builder's `pdf_dirs`), where `budgetsite pdf` leaves it.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path


def compendium_path(year: int) -> str:
    """The year's compendium (汇编), relative to the site root."""
    return f"{year}/compendium-{year}.pdf"


def existing(relative: str, dirs: Iterable[Path]) -> str:
    """`relative` when that file exists under one of `dirs`, else "" (no link)."""
    return relative if any((d / relative).is_file() for d in dirs) else ""


def compendium_link(year: int | None, dirs: Iterable[Path]) -> str:
    """Root-relative link to the year's compendium, "" when it has not been built."""
    return existing(compendium_path(year), dirs) if year is not None else ""
