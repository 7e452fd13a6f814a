"""Machine-readable data carried inside the archival PDF: the disclosure's JSON and each table's CSV."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime

from weasyprint import Attachment

from generator.tables import Table


def disclosure_json(document) -> bytes:
    data = document.disclosure.model_dump(mode="json")
    payload = {"unit": document.unit_id, "unit_name": document.unit.name, "year": document.year, "disclosure": data}
    return (json.dumps(payload, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8")


def table_csv(table: Table) -> bytes:
    """UTF-8 with BOM (so spreadsheet programs read Chinese correctly), header = flat column names."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(table.columns)
    writer.writerows(table.records())
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def attachment_files(document, prefix: str = "") -> list[tuple[str, bytes, str]]:
    """(file name, bytes, description) for one disclosure."""
    stem = f"{prefix}{document.unit_id}-{document.year}"
    files = [(f"{stem}.json", disclosure_json(document), f"{document.unit.name}{document.year}年预算数据（JSON）")]
    seen: set[str] = set()
    for table in document.tables:
        if table.id in seen:
            continue
        seen.add(table.id)
        files.append((f"{stem}-{table.id}.csv", table_csv(table), f"{table.title}（CSV）"))
    return files


def attachments(files: list[tuple[str, bytes, str]], moment: datetime) -> list[Attachment]:
    """WeasyPrint attachments with fixed dates (never the clock) and AFRelationship /Data (PDF/A-3)."""
    return [Attachment(string=data, name=name, description=description, created=moment, modified=moment,
                       relationship="Data") for name, data, description in files]
