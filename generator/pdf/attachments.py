"""Machine-readable data carried inside the archival PDF: the disclosure's JSON and each table's CSV."""

from __future__ import annotations

from generator.export import disclosure_json, table_csv


def attachment_files(document, prefix: str = "") -> list[tuple[str, bytes, str]]:
    """(file name, bytes, description) for one disclosure."""
    stem = f"{prefix}{document.unit_id}-{document.year}"
    files = [(f"{stem}.json", disclosure_json(document).encode("utf-8"), f"{document.unit.name}{document.year}年预算数据（JSON）")]
    seen: set[str] = set()
    for table in document.tables:
        if table.id in seen:
            continue
        seen.add(table.id)
        files.append((f"{stem}-{table.id}.csv", table_csv(table).encode("utf-8"), f"{table.title}（CSV）"))
    return files

