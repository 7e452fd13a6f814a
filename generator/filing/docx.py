"""The whole disclosure as a .docx in the published layout: title, preamble, the front tables, the
sections under their numbered headings with their text and tables (merged header cells, amounts
right-aligned, the 编制单位 and 单位：万元 lines, the note under a table). A4; the header rows of a table
repeat on every page it spans. The text comes from the narrative as written, figures filled in."""

from __future__ import annotations

import html
import io
import re

from docx import Document as WordDocument
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from generator.document import HtmlBlock, TableBlock
from generator.filing import grid, header_rows
from generator.tables import Table

TAG = re.compile(r"<[^>]+>")
BLOCK_END = re.compile(r"</(?:p|li|dd|h[1-6])>|<br\s*/?>", re.I)
MARKDOWN_HEADING = re.compile(r"^(#{3,6})\s*(.+?)\s*#*\s*$")
LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
EMPHASIS = re.compile(r"\*\*|__|(?<!\w)[*_](?!\s)|(?<!\s)[*_](?!\w)")
TABLE_TITLE_STYLE = "Caption"


def document_bytes(doc) -> bytes:
    word = WordDocument()
    _page(word)
    word.add_heading(doc.title, level=0).alignment = WD_ALIGN_PARAGRAPH.CENTER
    for line in _html_lines(doc.preamble_html):
        word.add_paragraph(line)
    if doc.front_tables:
        if doc.report_title:
            word.add_heading(doc.report_title, level=1)
        for table in doc.front_tables:
            add_table(word, table)
        if doc.explanation_title:
            word.add_heading(doc.explanation_title, level=1)
    for section in doc.sections:
        word.add_heading(section.heading, level=2)
        for block in section.blocks:
            if isinstance(block, TableBlock):
                add_table(word, block.table)
            elif isinstance(block, HtmlBlock):
                _add_text(word, block)
    word.core_properties.title = doc.title
    buffer = io.BytesIO()
    word.save(buffer)
    from generator.filing.xlsx import _deterministic

    return _deterministic(buffer.getvalue())


def _page(word) -> None:
    section = word.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.orientation = WD_ORIENT.PORTRAIT
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Mm(20))
    style = word.styles["Normal"]
    style.font.size = Pt(11)
    style.font.name = "宋体"
    style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "宋体")


def _add_text(word, block: HtmlBlock) -> None:
    lines = block.source.splitlines() if block.source else _html_lines(block.html)
    paragraph: list[str] = []

    def flush() -> None:
        if paragraph:
            word.add_paragraph(_plain("".join(paragraph)))
            paragraph.clear()

    for line in lines:
        heading = MARKDOWN_HEADING.match(line)
        if heading:
            flush()
            word.add_heading(_plain(heading.group(2)), level=min(len(heading.group(1)), 9))
        elif not line.strip():
            flush()
        elif LIST_ITEM.match(line):
            flush()
            word.add_paragraph(_plain(LIST_ITEM.sub("", line)), style="List Bullet")
        else:
            paragraph.append(line.strip())
    flush()


def _plain(text: str) -> str:
    return EMPHASIS.sub("", text).replace("\\", "")


def _html_lines(fragment: str) -> list[str]:
    text = BLOCK_END.sub("\n", fragment.replace("</dt>", "：").replace("\n", ""))
    return [line.strip() for line in html.unescape(TAG.sub("", text)).splitlines() if line.strip()]


def add_table(word, table: Table) -> None:
    title = word.add_paragraph(table.title, style=TABLE_TITLE_STYLE)
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    caption = word.add_paragraph(f"{table.unit_line or '编制单位：' + table.unit_name}\t单位：{table.money_unit}")
    for line in table.meta:
        word.add_paragraph(line)
    width = max(len(table.columns), 1)
    head = header_rows(table)
    rows = head + len(table.rows)
    grid_table = word.add_table(rows=max(rows, 1), cols=width)
    grid_table.style = "Table Grid"
    grid_table.alignment = WD_TABLE_ALIGNMENT.CENTER
    placed = [(r, c, cell) for r, c, cell in grid(table) if c < width]
    cells = grid_table._cells  # python-docx's table.cell() walks the whole table on every call
    for r, c, cell in placed:
        paragraph = cells[r * width + c].paragraphs[0]
        paragraph.text = cell.text
        if cell.numeric and r >= head:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        elif r < head:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for r, c, cell in placed:  # merged last: a merge keeps the top-left cell's text, the others are empty
        if cell.colspan > 1 or cell.rowspan > 1:
            grid_table.cell(r, c).merge(grid_table.cell(min(r + cell.rowspan, rows) - 1, min(c + cell.colspan, width) - 1))
    for r in range(min(head, rows)):
        _repeat_header(grid_table.rows[r])
    if table.note:
        word.add_paragraph(table.note)
    del caption


def _repeat_header(row) -> None:
    properties = row._tr.get_or_add_trPr()
    mark = OxmlElement("w:tblHeader")
    mark.set(qn("w:val"), "true")
    properties.append(mark)
