"""Machine-readable exports of a disclosure, shared by the site downloads and the PDF attachments."""

from __future__ import annotations

import csv
import io
import json

from generator.money import fmt_plain
from generator.tables import Table


def table_csv(table: Table) -> str:
    """UTF-8 text to be written with a BOM prefix (so spreadsheet programs read Chinese correctly)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(table.columns)
    writer.writerows(table.records())
    return "\ufeff" + buffer.getvalue()


def disclosure_json(doc) -> str:
    """The whole disclosure as data: unit identity, the data as typed, and every named figure."""
    figures = {name: fmt_plain(doc.figures.value(name)) for name in doc.figures.names()
               if doc.figures.value(name) is not None}
    payload = {
        "unit": {"id": doc.unit_id, **doc.unit.model_dump(mode="json")},
        "title": doc.title,
        "disclosure": doc.disclosure.model_dump(mode="json"),
        "figures": figures,
    }
    return json.dumps(payload, ensure_ascii=False, indent=2) + "\n"
