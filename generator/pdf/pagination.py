"""How a table is paginated in the print theme, decided from the table model (like its column widths,
generator/pdf/columns.py), never by laying the document out twice:

- the page it is printed on: a wide table (`Table.wide`) goes landscape only when its columns need it,
  that is when a portrait page cannot hold its columns (turning a table that fits portrait only to save
  paper left a nearly empty page before it, and prints one kind of table two ways); an empty table stays
  portrait;
- which rows the page break may not fall before: the last rows, enough to fill a fifth of a page with
  the header rows repeated above them (and the note below), and the first two, so that a table never
  leaves a few rows, or its header alone, on a page. WeasyPrint honours `break-before: avoid` between
  rows by breaking earlier; a table shorter than those rows is not broken at all but starts on the next
  page, whole.

Heights are estimated from the text as the widths are (1 em per CJK character): deterministic and cheap.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

from generator.pdf import columns
from generator.tables import Table

# Geometry of themes/print/print.css, in mm (tests/test_pdf_theme.py checks that they agree).
PAGE_SIZE = {False: (210, 297), True: (297, 210)}  # portrait, landscape: width, height
MARGINS = {False: (25, 20, 22, 20), True: (18, 15, 16, 15)}  # top, right, bottom, left
LINE_HEIGHT = 1.35  # table.data line-height
CELL_PADDING_V = 2 * 0.8  # mm, top and bottom padding of a cell
NOTE_HEIGHT = 9 * columns.PT * 1.6 + 1  # mm, one line of .table-note with its margin

MIN_FILL = 0.2  # no page holds less than a fifth of its text area, except a section's last page
SAFETY = 1.3  # the estimate may be short: keep rows for this much more than the least
ORPHAN_ROWS = 2  # rows kept with the header at the start of a table


def text_area(landscape: bool) -> tuple[float, float]:
    """Top and bottom of the text area, in mm from the top of the page."""
    top, _, bottom, _ = MARGINS[landscape]
    return top, PAGE_SIZE[landscape][1] - bottom


def text_height(landscape: bool) -> float:
    top, bottom = text_area(landscape)
    return bottom - top


@dataclass(frozen=True)
class Layout:
    """How the print theme lays one table out."""

    landscape: bool
    widths: list[float] | None  # percent per column (columns.column_widths), None: automatic layout
    keep: frozenset[int]  # indexes of the body rows not to break before (break-before: avoid)


def table_layout(table: Table) -> Layout:
    landscape = is_landscape(table)
    widths = columns.column_widths(table, landscape)
    return Layout(landscape, widths, frozenset(kept_rows(table, landscape, widths)))


def is_landscape(table: Table) -> bool:
    if not table.wide or table.empty or not table.rows:
        return False
    return columns.column_widths(table, False) is None  # landscape holds more, or shrinks the font as portrait would


def kept_rows(table: Table, landscape: bool, widths: list[float] | None) -> list[int]:
    """Body rows before which no page break may fall: the first ORPHAN_ROWS after the first, and the
    last rows that, with the header repeated above them and the note, fill MIN_FILL of a page."""
    if not table.rows:
        return []
    header, *rows = _heights(table, landscape, widths)
    kept = set(range(1, min(ORPHAN_ROWS, len(rows))))
    needed = MIN_FILL * SAFETY * text_height(landscape) - header - (NOTE_HEIGHT if table.note else 0)
    last = len(rows)
    while last > 1 and needed > 0:
        last -= 1
        needed -= rows[last]
        kept.add(last)
    return sorted(kept)


def _heights(table: Table, landscape: bool, widths: list[float] | None) -> list[float]:
    """Estimated heights in mm: the header rows (together), then each body row."""
    return list(_estimate(landscape, tuple(widths or ()), columns._key(table)))


@lru_cache(maxsize=512)
def _estimate(landscape: bool, widths: tuple[float, ...], key: tuple) -> tuple[float, ...]:
    wide, kinds, header, body = key
    count = len(kinds)
    if not widths:  # automatic layout: as if the columns shared the width equally
        widths = tuple(100 / count for _ in range(count)) if count else ()
    available = columns.CONTENT_WIDTH[landscape] - columns.RULE * (count + 1)
    column_mm = [w / 100 * available for w in widths]
    em = columns.FONT_SIZE[wide]
    line = em * LINE_HEIGHT

    def height(lines: int) -> float:
        return lines * line + CELL_PADDING_V + columns.RULE

    def lines_of(text: str, kind: str, first: int, span: int, indent: int = 0) -> int:
        if kind in columns.NOWRAP:
            return 1
        room = sum(column_mm[first:first + span]) - columns.PADDING - indent * columns.INDENT * em
        room = max(room, em)
        return sum(max(1, math.ceil(columns.text_em(part) * em / room)) for part in text.splitlines() or [""])

    header_lines: list[int] = []
    spanned: set[tuple[int, int]] = set()
    for number, row in enumerate(header):
        column, most = 0, 1
        for text, colspan, rowspan in row:
            while (number, column) in spanned:
                column += 1
            if rowspan == 1:
                most = max(most, lines_of(text, "label", column, colspan))
            spanned.update((number + down, column + across) for down in range(1, rowspan) for across in range(colspan))
            column += colspan
        header_lines.append(most)
    rows = []
    for indent, cells in body:
        column, shown, most = 0, 0, 1
        for text, kind, colspan in cells:
            if kind != "merged":
                most = max(most, lines_of(text, kind, column, colspan, indent if shown < 2 else 0))
                shown += 1
            column += colspan
        rows.append(height(most))
    return (sum(height(n) for n in header_lines), *rows)
