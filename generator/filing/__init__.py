"""Export for filing: each disclosure's standard tables as an .xlsx workbook and the whole disclosure as
.docx, both in the published layout (generator/document.py's Document, as the site and PDF show it)."""

from __future__ import annotations

from generator.tables import Cell, Table


def grid(table: Table) -> list[tuple[int, int, Cell]]:
    """(row, column, cell) of the table's header block, header rows and body rows, 0-based, each cell at
    the top-left of its span, the columns that cells spanning from rows above occupy skipped."""
    placed: list[tuple[int, int, Cell]] = []
    taken: set[tuple[int, int]] = set()
    rows = [*table.head_block, *table.header, *(row.cells for row in table.rows)]
    for r, cells in enumerate(rows):
        c = 0
        for cell in cells:
            while (r, c) in taken:
                c += 1
            placed.append((r, c, cell))
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    taken.add((r + dr, c + dc))
            c += cell.colspan
    return placed


def header_rows(table: Table) -> int:
    """How many rows above the body: the header block and the column headers."""
    return len(table.head_block) + len(table.header)


def file_stem(unit_id: str, year: int) -> str:
    """The exported files' name, shared with the site's download links (generator/site/downloads.py)."""
    return f"{unit_id}-{year}"
