"""Column widths of the printed tables, decided from the table model so WeasyPrint can use the fixed
table layout (`table-layout: fixed` with a `<colgroup>`), which does not measure every cell twice.

Official forms print money columns at one width, so every money column of a table gets the same
width; code columns stay as narrow as their codes; text columns (names, descriptions, indicators)
share the rest as an automatic layout would: each gets at least its longest unbreakable run and
grows towards its longest line. Widths are estimated from the text (one em per CJK character, a
generous 0.6 em for digits and Latin), never measured, so they are deterministic. When the money
and code columns could not fit, no widths are given and the table keeps the automatic layout.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from generator.tables import Table

# Geometry of themes/print/print.css (tests/test_pdf_theme.py checks that they agree).
PT = 25.4 / 72  # mm
CONTENT_WIDTH = {False: 210 - 2 * 20, True: 297 - 2 * 15}  # mm inside the page margins: portrait, landscape
FONT_SIZE = {False: 8.5 * PT, True: 7.5 * PT}  # mm per em: --size-table, --size-table-wide (Table.wide)
PADDING = 2 * 1.2  # mm, left and right padding of a cell
INDENT = 1.2  # em of left padding per indentation level (td.indent-N), instead of the left padding
RULE = 0.6 * PT  # mm, the collapsed border between two columns

HEADER_EM = {"money": 4.0, "number": 3.0, "code": 4.0, "text": 8.0, "label": 8.0}  # a header wraps beyond this
SLACK_EM = 0.5  # so a header that should fit on one line does, whatever the rounding
TEXT_MIN_EM = 2.0  # a text column keeps two characters per line at least
TEXT_MAX_SHARE = 0.45  # and grows to at most this share of the table's width
NOWRAP = {"money", "number", "code"}  # cells printed on one line (white-space: nowrap in print.css)
WIDE_CHARS = {"W", "F"}
WIDE_LATIN = set("%@MWmw")  # Latin characters about 1 em wide
UNBREAKABLE = re.compile(r"[!-~\u00b7\u2018-\u201d]+")  # a run of Latin, digits and punctuation


def text_em(text: str) -> float:
    """Estimated width of one line of text, in em of the table font (bold included)."""
    width = 0.0
    for char in text:
        if unicodedata.east_asian_width(char) in WIDE_CHARS or char in WIDE_LATIN:
            width += 1.0
        else:
            width += 0.6
    return width


def unbreakable_em(text: str) -> float:
    """The longest piece of text that cannot be broken across lines (CJK text breaks between characters)."""
    runs = [text_em(run) for run in UNBREAKABLE.findall(text)]
    return max(runs + [1.0 if text.strip() else 0.0])


def column_widths(table: Table, landscape: bool | None = None) -> list[float] | None:
    """Percent widths of the table's columns (summing to 100) on a landscape or portrait page (by default
    the page `Table.wide` asks for), or None for the automatic layout. The font is the wide tables'
    smaller one whenever `Table.wide`, whichever way the page is turned."""
    landscape = table.wide if landscape is None else landscape
    return list(_widths(landscape, _key(table)) or []) or None


def _key(table: Table) -> tuple:
    """What the widths depend on, hashable (the same table is printed in a unit PDF and a compendium)."""
    header = tuple(tuple((c.text, c.colspan, c.rowspan) for c in row) for row in table.header)
    body = tuple((row.indent, tuple((c.text, c.kind, c.colspan) for c in row.cells)) for row in table.rows)
    return table.wide, tuple(table.column_kinds), header, body


@lru_cache(maxsize=512)
def _widths(landscape: bool, key: tuple) -> tuple[float, ...] | None:
    wide, kinds, header, body = key
    em = FONT_SIZE[wide]
    count = len(kinds)
    if count == 0:
        return None
    low = [0.0] * count  # mm, the least a column needs
    high = [0.0] * count  # mm, what it would take to print its content on one line

    def need(column: int, least: float, most: float) -> None:
        low[column] = max(low[column], least)
        high[column] = max(high[column], most, least)

    for column, kind in enumerate(kinds):
        need(column, PADDING + (TEXT_MIN_EM * em if kind in ("text", "label") else 0), PADDING)
    spanned: set[tuple[int, int]] = set()  # (header row, column) covered by a cell from a row above
    for number, row in enumerate(header):
        column = 0
        for text, colspan, rowspan in row:
            while (number, column) in spanned:
                column += 1
            if colspan == 1 and column < count:
                need(column, PADDING + unbreakable_em(text) * em,
                     PADDING + (min(text_em(text), HEADER_EM.get(kinds[column], 8.0)) + SLACK_EM) * em)
            spanned.update((number + down, column + across) for down in range(1, rowspan) for across in range(colspan))
            column += colspan
    for indent, cells in body:
        column, shown = 0, 0
        for text, kind, colspan in cells:
            if kind != "merged":
                pad = PADDING + (indent * INDENT * em if shown < 2 and indent else 0)
                shown += 1
                if colspan == 1 and column < count:
                    one_line = text_em(text) * em + pad
                    if kind in NOWRAP:
                        need(column, one_line, one_line)
                    else:
                        need(column, unbreakable_em(text) * em + pad, one_line)
            column += colspan

    money = [i for i, kind in enumerate(kinds) if kind == "money"]
    if money:  # one width for every money column
        least, most = max(low[i] for i in money), max(high[i] for i in money)
        for i in money:
            low[i], high[i] = least, most
    available = CONTENT_WIDTH[landscape] - RULE * (count + 1)
    cap = TEXT_MAX_SHARE * available
    for i, kind in enumerate(kinds):
        if kind not in NOWRAP:
            high[i] = max(low[i], min(high[i], cap))

    if sum(low) > available:
        return None
    if sum(high) >= available:
        share = (available - sum(low)) / ((sum(high) - sum(low)) or 1)
        widths = [lo + (hi - lo) * share for lo, hi in zip(low, high)]
    else:  # room to spare: to the money and text columns, in proportion to their widths; codes stay narrow
        growing = [i for i, kind in enumerate(kinds) if kind != "code"] or list(range(count))
        spare = available - sum(high)
        total = sum(high[i] for i in growing)
        widths = list(high)
        for i in growing:
            widths[i] += spare * high[i] / total
    percents = [round(100 * w / available, 2) for w in widths]
    others = [i for i in range(count) if i not in money] or [count - 1]
    widest = max(others, key=lambda i: percents[i])  # takes the rounding, so money columns stay equal
    percents[widest] = round(percents[widest] + 100 - sum(percents), 2)
    return tuple(percents)
