"""Export for filing: each disclosure's standard tables as an .xlsx workbook and the whole disclosure as
.docx, both in the published layout (generator/document.py's Document, as the site and PDF show it)."""

from __future__ import annotations

import os
import time
import zipfile
import zlib
from dataclasses import dataclass

from generator.tables import Cell, Table

FORMATS = ("xlsx", "docx")


def grid(table: Table) -> list[tuple[int, int, Cell]]:
    """(row, column, cell) of the table's header block, header rows and body rows, 0-based, each cell at
    the top-left of its span, the columns that cells spanning from rows above occupy skipped (and the
    "merged" placeholders the page leaves out there)."""
    placed: list[tuple[int, int, Cell]] = []
    taken: set[tuple[int, int]] = set()
    rows = [*table.head_block, *table.header, *(row.cells for row in table.rows)]
    for r, cells in enumerate(rows):
        c = 0
        for cell in cells:
            if cell.kind == "merged":  # covered by the span of a cell above it, as the page leaves it out
                continue
            while (r, c) in taken:
                c += 1
            placed.append((r, c, cell))
            for dr in range(1, cell.rowspan):  # the row itself is passed by `c`: only the rows below
                taken.update((r + dr, c + dc) for dc in range(cell.colspan))
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


Stamp = tuple[int, int, int, int, int, int]


class DatedZip(zipfile.ZipFile):
    """A zip being written whose every entry is dated `when`, in the order written, with the same
    permissions: with core properties dated `when` as well (the exporters write them so), the same
    content gives the same bytes."""

    def __init__(self, file, when: Stamp):
        super().__init__(file, "w", zipfile.ZIP_DEFLATED)
        self.when = when

    def writestr(self, name, data, compress_type=None, compresslevel=None) -> None:
        name = name.filename if isinstance(name, zipfile.ZipInfo) else name
        super().writestr(self._entry(name), data.encode("utf-8") if isinstance(data, str) else data)

    def write_deflated(self, name: str, part: Deflated) -> None:
        """Write an entry compressed beforehand: the bytes writestr would write for the same body (the
        header zipfile writes, then the stream), without compressing it again for every file."""
        info = self._entry(name)
        info.file_size, info.compress_size, info.CRC = part.size, len(part.data), part.crc
        self.fp.seek(self.start_dir)  # as zipfile's own writing does (its _open_to_write and close)
        info.header_offset = self.fp.tell()
        self._writecheck(info)
        self._didModify = True
        self.fp.write(info.FileHeader(False))
        self.fp.write(part.data)
        self.start_dir = self.fp.tell()
        self.filelist.append(info)
        self.NameToInfo[name] = info

    def _entry(self, name: str) -> zipfile.ZipInfo:
        entry = zipfile.ZipInfo(name, date_time=self.when)
        entry.compress_type = zipfile.ZIP_DEFLATED
        entry.external_attr = 0o644 << 16
        return entry

    def write(self, filename, arcname=None, compress_type=None, compresslevel=None) -> None:
        with open(filename, "rb") as source:
            self.writestr(arcname or os.path.basename(filename), source.read())


@dataclass(frozen=True)
class Deflated:
    """A zip entry's body compressed once, as zipfile compresses it (raw deflate, the default level), to
    be written into many files with DatedZip.write_deflated."""

    data: bytes
    crc: int
    size: int

    @classmethod
    def of(cls, body: bytes) -> Deflated:
        compressor = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
        return cls(compressor.compress(body) + compressor.flush(), zlib.crc32(body), len(body))
