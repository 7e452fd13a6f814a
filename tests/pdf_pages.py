"""What a reader sees on each page of a real PDF, from `pdftotext -bbox-layout`: the text lines inside the
text area (running header and footer left out) with their positions, and the pagination faults issue 15
names — nearly empty pages, a heading as the last thing on a page, a table's note apart from its last row.

Page geometry comes from `generator.pdf.pagination` (which mirrors print.css; tests/test_pdf_theme.py
checks that they agree)."""

from __future__ import annotations

import re
import subprocess
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

from generator.pdf.pagination import MIN_FILL, text_area

MM = 72 / 25.4  # PDF points per mm
SPACE = re.compile(r"\s+")
XHTML = "{http://www.w3.org/1999/xhtml}"


def squeeze(text: str) -> str:
    return SPACE.sub("", text)


@dataclass
class Line:
    text: str
    x0: float
    y0: float
    x1: float
    y1: float


@dataclass
class Page:
    number: int  # 1-based
    width: float
    height: float
    lines: list[Line] = field(default_factory=list)  # inside the text area, top to bottom
    blocks: list[str] = field(default_factory=list)  # text of each block (a cell's wrapped lines together)

    @property
    def landscape(self) -> bool:
        return self.width > self.height

    @property
    def area(self) -> tuple[float, float]:
        """Top and bottom of the text area, in points from the top of the page."""
        top, bottom = text_area(self.landscape)
        return top * MM, bottom * MM

    @property
    def fill(self) -> float:
        """How much of the text area's height the page uses: from its top to the lowest text."""
        top, bottom = self.area
        if not self.lines:
            return 0.0
        return (max(line.y1 for line in self.lines) - top) / (bottom - top)

    @property
    def text(self) -> str:
        return squeeze("".join(line.text for line in self.lines))

    def has(self, text: str) -> bool:
        """The text is on the page: in reading order, or within one block (a table cell whose lines wrap
        and so are interleaved with its neighbours' in reading order)."""
        text = squeeze(text)
        return text in self.text or any(text in block for block in self.blocks)

    def rows(self) -> list[str]:
        """The page's text as visual rows (lines side by side, such as a table row's cells, joined), top
        to bottom."""
        rows: list[list[Line]] = []
        for line in sorted(self.lines, key=lambda l: (l.y0, l.x0)):
            middle = (line.y0 + line.y1) / 2
            if rows and rows[-1][0].y0 <= middle <= rows[-1][0].y1:
                rows[-1].append(line)
            else:
                rows.append([line])
        return [squeeze("".join(l.text for l in sorted(row, key=lambda l: l.x0))) for row in rows]


def read_pages(pdf: Path) -> list[Page]:
    out = subprocess.run(["pdftotext", "-bbox-layout", str(pdf), "-"], check=True, capture_output=True).stdout
    root = ET.fromstring(out)
    pages = []
    for number, node in enumerate(root.iter(f"{XHTML}page"), start=1):
        page = Page(number, float(node.get("width")), float(node.get("height")))
        top, bottom = page.area
        for block in node.iter(f"{XHTML}block"):
            inside = []
            for line in block.iter(f"{XHTML}line"):
                words = [w.text or "" for w in line.iter(f"{XHTML}word")]
                box = Line(" ".join(words), *(float(line.get(k)) for k in ("xMin", "yMin", "xMax", "yMax")))
                if box.y0 >= top - 1 and box.y1 <= bottom + 1:  # not the running header or the footer
                    inside.append(box)
            page.lines += inside
            page.blocks.append(squeeze("".join(line.text for line in inside)))
        page.lines.sort(key=lambda l: (l.y0, l.x0))
        pages.append(page)
    return pages


def nearly_empty(pages: list[Page], section_starts: list[str]) -> list[int]:
    """Pages whose text fills less than MIN_FILL of the text area, except the cover, the document's last
    page and a section's last page (the next page begins with a heading that starts a section or part)."""
    starts = {squeeze(s) for s in section_starts}
    faults = []
    for index, page in enumerate(pages):
        if index == 0 or index == len(pages) - 1 or page.fill >= MIN_FILL:
            continue
        following = pages[index + 1].rows()
        if following and any(following[0] == s or s.startswith(following[0]) for s in starts):
            continue
        faults.append(page.number)
    return faults


def stranded_headings(pages: list[Page], headings: list[str]) -> list[tuple[int, str]]:
    """Pages whose last rows (one to four) are a heading, or a table's title or caption lines, alone: the
    text they introduce is on the next page. Not the last page (nothing follows a final heading)."""
    known = {squeeze(h) for h in headings if squeeze(h)}
    faults = []
    for page in pages[:-1]:
        rows = page.rows()
        for count in range(1, min(4, len(rows)) + 1):
            tail = "".join(rows[-count:])
            if tail in known or all(row in known for row in rows[-count:]):
                faults.append((page.number, tail))
                break
    return faults


@dataclass
class TableText:
    """What identifies one printed table in the text: its title, its note and its last row's cells."""

    title: str
    note: str
    last_row: list[str]


def notes_apart(pages: list[Page], tables: list[TableText]) -> list[tuple[str, int, list[int]]]:
    """Tables whose note is on a page that does not hold every cell of the table's last row. Tables are
    looked for in document order, each from the page of the one before (the same note text may recur)."""
    faults = []
    start = 0
    for table in tables:
        found = next((n for n in range(start, len(pages)) if pages[n].has(table.title)), None)
        if found is None:
            faults.append((table.title, -1, []))
            continue
        start = found
        if not table.note:
            continue
        note_page = next((n for n in range(found, len(pages)) if pages[n].has(table.note)), None)
        cells = [c for c in table.last_row if squeeze(c)]

        def holds_row(n: int) -> bool:
            return all(pages[n].has(c) for c in cells)

        if note_page is None or not holds_row(note_page):
            row_pages = [n + 1 for n in range(found, len(pages)) if cells and holds_row(n)]
            faults.append((table.title, -1 if note_page is None else note_page + 1, row_pages))
    return faults


# --- What to look for, from the document model (generator.document.Document) -------------------------

TAG = re.compile(r"<[^>]+>")
PARAGRAPH = re.compile(r"<p\b[^>]*>(.*?)</p>", re.S)
NARRATIVE_HEADING = re.compile(r"<h([1-6])\b[^>]*>(.*?)</h\1>", re.S)


def plain(html: str) -> str:
    return TAG.sub("", html)


def section_starts(document) -> list[str]:
    """Headings that begin a part of the document: its title, the parts, the sections, the charts."""
    parts = [t for t in (document.report_title, document.explanation_title) if t]
    return [document.title, *parts, *(s.heading for s in document.sections), "附：图表"]


def headings(document) -> list[str]:
    """Every heading of the document, with each table's title and caption lines (its head)."""
    found = section_starts(document)
    for table in document.tables:
        caption = (table.unit_line or f"编制单位：{table.unit_name}") + f"预算年度：{table.year}年"
        caption += f"单位：{table.money_unit}" if table.money_unit else ""
        found += [table.title, caption, *table.meta, *([table.caption_extra] if table.caption_extra else [])]
    for section in document.sections:
        for block in section.blocks:
            if block.kind == "html":
                found += [plain(text) for _, text in NARRATIVE_HEADING.findall(block.html)]
    return found


def table_texts(document) -> list[TableText]:
    """Each table's title, notes and last row. Its notes: the table's own, and the 注 paragraphs that open
    the narrative just after it (a template words the 空表列示 note there)."""
    notes: dict[int, list[str]] = {}
    for section in document.sections:
        for before, block in zip(section.blocks, section.blocks[1:]):
            if before.kind == "table" and block.kind == "html":
                paragraphs = [plain(p).strip() for p in PARAGRAPH.findall(block.html)]
                leading = []
                for paragraph in paragraphs:
                    if not paragraph.startswith(("注：", "注:")):
                        break
                    leading.append(paragraph)
                notes[id(before.table)] = leading
    out = []
    for table in document.tables:
        # the last row printed: the last body row, or the header's for an empty table
        last = [c.text for c in (table.rows[-1].cells if table.rows else table.header[-1]) if c.kind != "merged"]
        for note in [table.note, *notes.get(id(table), [])] or [""]:
            if note:
                out.append(TableText(table.title, note, last))
        if not table.note and not notes.get(id(table)):
            out.append(TableText(table.title, "", last))
    return out
