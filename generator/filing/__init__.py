"""Export for filing: each disclosure's standard tables as an .xlsx workbook and the whole disclosure as
.docx, both in the published layout (generator/document.py's Document, as the site and PDF show it)."""

from __future__ import annotations

import io
import os
import re
import time
import zipfile

from generator.tables import Cell, Table

FORMATS = ("xlsx", "docx")


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


def file_name(unit_id: str, year: int, fmt: str) -> str:
    return f"{file_stem(unit_id, year)}.{fmt}"


def exported(doc, fmt: str) -> bytes:
    """The disclosure `doc` (generator.document.Document) as the bytes of an .xlsx or .docx file."""
    if fmt == "xlsx":
        from generator.filing.xlsx import workbook_bytes

        return workbook_bytes(doc)
    from generator.filing.docx import document_bytes

    return document_bytes(doc)


def stamp(year: int | None = None) -> tuple[int, int, int, int, int, int]:
    """The time written into an exported file: SOURCE_DATE_EPOCH when set (reproducible builds), else
    1 January of the budget year (a date from the content, so that the same content gives the same bytes)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        moment = time.gmtime(max(int(epoch), 315532800))  # a zip entry cannot be older than 1980
        return moment[:6]
    return (max(year or 2000, 1980), 1, 1, 0, 0, 0)


CORE_TIMES = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*")


def deterministic_zip(data: bytes, when: tuple[int, int, int, int, int, int]) -> bytes:
    """The same Office file bytes for the same content: every zip entry dated `when`, in the order
    written, and the document's created and modified stamps (openpyxl and python-docx write the
    current time) set to `when` too."""
    iso = "%04d-%02d-%02dT%02d:%02d:%02dZ" % when
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            body = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = CORE_TIMES.sub(rb"\g<1>" + iso.encode(), body)
            fixed = zipfile.ZipInfo(info.filename, date_time=when)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            target.writestr(fixed, body)
    return out.getvalue()
