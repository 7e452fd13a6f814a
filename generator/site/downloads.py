"""Files the site links but does not write itself: the PDFs of `budgetsite pdf`; and the filing
exports it writes beside each disclosure's page (the .xlsx of its tables and the .docx of the whole
text, the files `budgetsite export` writes, under the same names).

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


def filing_files(unit_id: str, year: int) -> list[tuple[str, str]]:
    """(format, file name relative to the disclosure's page) of the filing exports."""
    from generator.filing import FORMATS, file_name

    return [(fmt, file_name(unit_id, year, fmt)) for fmt in FORMATS]


FILING_TITLES = {"xlsx": "各表 Excel 工作簿（报送用）", "docx": "全文 Word 文档（报送用）"}
FILING_MEDIA = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}


def filing_resource(doc, fmt: str, path: str) -> dict:
    """The export's entry in a data package (Frictionless resource)."""
    return {"name": f"{doc.unit_id}-{doc.year}-{fmt}", "title": f"{doc.title}（{FILING_TITLES[fmt]}）",
            "path": path, "format": fmt, "mediatype": FILING_MEDIA[fmt]}


def write_filing(doc, directory: Path, write_export) -> list[tuple[str, str]]:
    """The disclosure's .xlsx and .docx into `directory` (its page's folder), each by
    `write_export(doc, format, path)`; (format, name) of each."""
    files = filing_files(doc.unit_id, doc.year)
    for fmt, name in files:
        write_export(doc, fmt, directory / name)
    return files
