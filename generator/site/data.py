"""Downloads: every table as CSV (UTF-8 with BOM), the disclosure as JSON, Frictionless data packages."""

from __future__ import annotations

from pathlib import Path

from generator.document import Document
from generator.export import disclosure_json, json_text, one_line, table_csv
from generator.tables import Table

FIELD_TYPES = {"money": "number", "number": "number"}


def _unique(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        out.append(name if seen[name] == 1 else f"{name}_{seen[name]}")
    return out


def schema(table: Table) -> dict:
    fields = []
    for name, kind in zip(_unique(table.columns), table.column_kinds):
        field = {"name": name, "type": FIELD_TYPES.get(kind, "string")}
        if kind == "money":
            field["description"] = f"金额（{table.money_unit or '万元'}）；空白表示零"
        fields.append(field)
    return {"fields": fields, "missingValues": ["", "——"]}  # "——": not applicable, as the tables print it


def table_file(table: Table) -> str:
    return f"data/{table.id}.csv"


def json_name(doc: Document) -> str:
    return f"{doc.unit_id}-{doc.year}.json"


def resource(doc: Document, table: Table, prefix: str = "") -> dict:
    return {
        "name": f"{doc.unit_id}-{doc.year}-{table.id}".lower(),
        "title": table.title,
        "path": prefix + table_file(table),
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "schema": schema(table),
    }


def package(name: str, title: str, resources: list[dict]) -> str:
    descriptor = {
        "profile": "data-package",
        "name": name,
        "title": title,
        "licenses": [{"name": "other-open", "title": "政府信息公开"}],
        "resources": resources,
    }
    return json_text(descriptor, depth=2)


def json_resource(doc: Document, prefix: str = "") -> dict:
    return {"name": f"{doc.unit_id}-{doc.year}-disclosure", "title": f"{doc.title}（全部数据）",
            "path": prefix + json_name(doc), "format": "json", "mediatype": "application/json",
            "encoding": "utf-8"}


def write_disclosure_data(doc: Document, directory: Path, write) -> None:
    """Write CSVs, JSON and datapackage.json for one unit and year. `write(path, text)` records files."""
    for table in doc.tables:
        write(directory / table_file(table), table_csv(table))
    write(directory / json_name(doc), disclosure_json(doc))
    resources = [resource(doc, t) for t in doc.tables] + [json_resource(doc)] + filing_resources(doc)
    write(directory / "datapackage.json", package(f"{doc.unit_id}-{doc.year}", doc.title, resources))


def year_resources(doc: Document) -> list[str]:
    """The disclosure's entries in its year's data package (paths relative to the site root), each
    encoded as the package lays it out: one line."""
    prefix = f"units/{doc.unit_id}/{doc.year}/"
    return [one_line(resource(doc, t, prefix)) for t in doc.tables] + [one_line(json_resource(doc, prefix))] + \
        [one_line(r) for r in filing_resources(doc, prefix)]


def filing_resources(doc: Document, prefix: str = "") -> list[dict]:
    """The .xlsx and .docx written beside the page (generator/site/downloads.py)."""
    from generator.site.downloads import filing_files, filing_resource

    return [filing_resource(doc, fmt, prefix + name) for fmt, name in filing_files(doc.unit_id, doc.year)]
