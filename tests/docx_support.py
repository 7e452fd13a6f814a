"""Reading .docx files and built pages back into cell grids, for the .docx export and import tests."""

from __future__ import annotations

import re
from pathlib import Path

from docx import Document as WordDocument
from docx.oxml.ns import qn
from docx.table import Table as WordTable
from docx.text.paragraph import Paragraph

from site_support import parse, text_of


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def word_tables(path: Path) -> list[dict]:
    """Every table of a .docx in document order: its title (the 表题 paragraph above it), its cells
    as a full grid (a merged cell's text over every position it covers), and the index of the page
    section it is in."""
    word = WordDocument(str(path))
    found, title, section = [], "", 0
    for child in word.element.body.iterchildren():
        if child.tag == qn("w:p"):
            paragraph = Paragraph(child, word)
            if paragraph.style is not None and paragraph.style.name == "表题":
                title = paragraph.text
            if child.find(f"{qn('w:pPr')}/{qn('w:sectPr')}") is not None:
                section += 1
        elif child.tag == qn("w:tbl"):
            table = WordTable(child, word)
            grid = [[squeeze(cell.text) for cell in row.cells] for row in table.rows]
            found.append({"title": title, "grid": grid, "section": section, "element": child})
            title = ""
    return found


def page_tables(page: Path) -> dict[str, dict]:
    """The standard tables of a built disclosure page by table id: title, caption lines and full grid of
    cell texts."""
    tables = {}
    for table in parse(page).iter("table"):
        if "budget" not in (table.get("class") or "").split():
            continue
        caption = next(table.iter("caption"))
        title = text_of(caption.find(".//span"))
        meta = [squeeze(text_of(span)) for span in caption.iter("span")][1:]  # 编制单位 · 预算年度 · 单位：万元, notes
        grid: list[list[str]] = []
        pending: dict[tuple[int, int], str] = {}
        for r, row in enumerate(tr for tr in table.iter("tr")):
            cells, c = [], 0
            for cell in row:
                if cell.tag not in ("td", "th"):
                    continue
                while (r, c) in pending:
                    cells.append(pending.pop((r, c)))
                    c += 1
                text = squeeze(text_of(cell))
                span, down = int(cell.get("colspan", 1)), int(cell.get("rowspan", 1))
                for dc in range(span):
                    cells.append(text)
                    for dr in range(1, down):
                        pending[(r + dr, c + dc)] = text
                c += span
            while (r, c) in pending:
                cells.append(pending.pop((r, c)))
                c += 1
            grid.append(cells)
        tables[table.get("id").removeprefix("t-")] = {"title": squeeze(title), "meta": meta, "grid": grid}
    return tables
