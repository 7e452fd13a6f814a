"""Machine-readable exports of a disclosure, shared by the site downloads and the PDF attachments."""

from __future__ import annotations

import csv
import io
import json

from generator.money import fmt_plain
from generator.tables import Table


# A text cell a spreadsheet would run as a formula (OWASP "CSV injection"): =, +, -, @, and a tab or
# carriage return before one of them.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(text: str) -> str:
    """A text cell as a spreadsheet shows it, never run: one leading apostrophe where it would start a
    formula (the OWASP advice). Amount columns are numbers and are never changed (-0.40 stays -0.40)."""
    return "'" + text if text.startswith(FORMULA_START) else text


def table_csv(table: Table) -> str:
    """UTF-8 text to be written with a BOM prefix (so spreadsheet programs read Chinese correctly)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    numeric = [kind in ("money", "number") for kind in table.column_kinds]
    writer.writerow([spreadsheet_safe(name) for name in table.columns])
    writer.writerows([text if i < len(numeric) and numeric[i] else spreadsheet_safe(text)
                      for i, text in enumerate(record)] for record in table.records())
    return "\ufeff" + buffer.getvalue()


def disclosure_json(doc) -> str:
    """The whole disclosure as data: unit identity, the data as typed, and every named figure."""
    figures = {name: fmt_plain(doc.figures.value(name)) for name in doc.figures.names()
               if doc.figures.value(name) is not None}
    payload = {
        "unit": {**doc.unit.model_dump(mode="json"), "id": doc.unit_id},  # unit.yaml may leave the id to its folder
        "title": doc.title,
        "disclosure": doc.disclosure.model_dump(mode="json"),
        "figures": figures,
    }
    return json_text(payload, depth=3)


def json_text(value, depth: int) -> str:
    """JSON laid out over lines down to `depth` levels of nesting, each deeper value on one line:
    readable, and a changed line, item or resource is one changed line in a diff. The deeper values
    are written by json's C encoder (`indent=` would run its pure-Python one, slower by far)."""
    return _layout(value, depth, 0) + "\n"


_ONE_LINE = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": "))  # made once: json.dumps makes one per call


class OneLine(str):
    """A value already encoded as json_text lays out its deepest values (`one_line`), and kept so: the
    year's data package lists a thousand units' resources, encoded once when each unit is rendered."""


def one_line(value) -> OneLine:
    return OneLine(_ONE_LINE.encode(value))


def _layout(value, depth: int, level: int) -> str:
    if isinstance(value, OneLine):
        return value
    if level >= depth or not isinstance(value, (dict, list)) or not value:
        return _ONE_LINE.encode(value)
    pad = "  " * (level + 1)
    if isinstance(value, dict):
        items = [f"{pad}{_ONE_LINE.encode(str(k))}: {_layout(v, depth, level + 1)}" for k, v in value.items()]
        opening, closing = "{", "}"
    else:
        items = [pad + _layout(v, depth, level + 1) for v in value]
        opening, closing = "[", "]"
    return opening + "\n" + ",\n".join(items) + "\n" + "  " * level + closing
