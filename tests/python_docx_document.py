"""The filing .docx as the export's former code built it through python-docx's API, paragraph by
paragraph (in the order generator/filing/docx's lay_out calls for), and python-docx saved it: the
reference generator/filing/docx.py's direct WordprocessingML is checked against
(tests/test_filing_bytes.py). The standard tables go in as generator/filing/docx's table XML, itself
checked against python-docx's table API there."""

from __future__ import annotations

import copy
import io
import re

from docx import Document as WordDocument
from docx.enum.section import WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_TAB_ALIGNMENT
from docx.opc.pkgwriter import PackageWriter
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from lxml import html as lxml_html

from generator.document import Document
from generator.filing.docx import (BLOCK_TAGS, INLINE_BOLD, INLINE_ITALIC, TABLE_CAPTION_STYLE, TABLE_NOTE_STYLE,
                                   TABLE_TEXT_STYLE, TABLE_TITLE_STYLE, TOC_STYLES, _landscape, _page,
                                   _style_id, _styled_template, _table_xml, lay_out)
from generator.tables import Table
from redated_zip import RedatedZip


def word_document(doc: Document):
    """The disclosure as a python-docx Document, not yet saved."""
    word = new_word()
    _page(word.sections[0], landscape=False)
    lay_out(doc, _Writer(word))
    core = word.core_properties
    core.title, core.author, core.subject = doc.title, doc.unit.name, f"{doc.year}年{doc.kind}预算信息公开"
    core.last_modified_by, core.revision = "budgetsite", 1
    return word


def saved(word, when) -> bytes:
    """The file's bytes: python-docx's save (OpcPackage.save) with the parts written straight into a
    RedatedZip, rather than zipped by python-docx, then unzipped and zipped again to date them."""
    package = word.part.package
    parts = package.parts
    for part in parts:
        part.before_marshal()
    buffer = io.BytesIO()
    with RedatedZip(buffer, when) as archive:
        writer = _PartWriter(archive)
        PackageWriter._write_content_types_stream(writer, parts)
        PackageWriter._write_pkg_rels(writer, package.rels)
        PackageWriter._write_parts(writer, parts)
    return buffer.getvalue()


class _PartWriter:
    """What python-docx's PackageWriter writes a part through: the part's name and bytes."""

    def __init__(self, archive: RedatedZip):
        self.archive = archive

    def write(self, pack_uri, blob: bytes) -> None:
        self.archive.writestr(pack_uri.membername, blob)


def new_word():
    """A new python-docx document with the export's styles (those of generator/filing/docx's template)."""
    word = WordDocument()
    word.part._styles_part._element = copy.deepcopy(_styled_template().styles.element)
    return word


class _Writer:
    def __init__(self, word):
        self.word = word
        self.landscape = False

    def paragraph(self, text: str = "", style: str | None = None):
        """Document.add_paragraph(text, style), the style's id looked up once (python-docx finds a style
        by name by scanning every style twice on each use: a third of the export's time)."""
        paragraph = self.word.add_paragraph(text)
        if style is not None:
            paragraph._p.style = _style_id(style)  # as python-docx's Paragraph.style setter does
        return paragraph

    def _heading(self, text: str, level: int):
        """Document.add_heading(text, level): the Title style for level 0, else Heading <level>."""
        return self.paragraph(text, "Title" if level == 0 else f"Heading {level}")

    def cover(self, doc: Document) -> None:
        for _ in range(6):
            self.paragraph()
        title = self.paragraph(doc.title, "Title")
        title.alignment = WD_ALIGN_PARAGRAPH.CENTER
        self._page_break()

    def contents(self, doc: Document) -> None:
        """目录 as the PDF prints it: the parts, the sections and, under them, their tables."""
        head = self.paragraph("目　录", "Title")
        head.alignment = WD_ALIGN_PARAGRAPH.CENTER
        entries: list[tuple[int, str]] = []
        if doc.front_tables:
            entries += [(0, doc.report_title)] if doc.report_title else []
            entries += [(1, t.title) for t in doc.front_tables]
            entries += [(0, doc.explanation_title)] if doc.explanation_title else []
        for section in doc.sections:
            entries += [(0, section.heading)] + [(1, t.title) for t in section.tables]
        for level, text in entries:
            self.paragraph(text, TOC_STYLES[level])
        self._page_break()

    def _page_break(self) -> None:
        self.paragraph().add_run().add_break(WD_BREAK.PAGE)

    def heading(self, text: str, level: int, landscape: bool = False) -> None:
        """A heading; on the landscape page of the table right after it when that table is turned (as
        the PDF sets a section that opens with a landscape table)."""
        self._orient(landscape)
        paragraph = self._heading(text, level)
        if level <= 1:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER if level == 0 else WD_ALIGN_PARAGRAPH.LEFT

    # -- orientation: a landscape table sits in a section of its own
    def _orient(self, landscape: bool) -> None:
        if landscape == self.landscape:
            return
        _page(self.word.add_section(WD_SECTION.NEW_PAGE), landscape)
        self.landscape = landscape

    def portrait(self) -> None:
        self._orient(False)

    # -- narrative HTML (the site's rendering of the Markdown)
    def html(self, fragment: str) -> None:
        if not fragment.strip():
            return
        self.portrait()
        for element in lxml_html.fragments_fromstring(fragment):
            if isinstance(element, str):
                if element.strip():
                    self.paragraph(element.strip())
                continue
            self._block(element)

    def _block(self, element, list_style: str = "") -> None:
        tag = element.tag if isinstance(element.tag, str) else ""
        if re.fullmatch(r"h[1-6]", tag):
            self._heading("".join(element.itertext()).strip(), min(int(tag[1]) - 1, 9) or 1)
        elif tag in ("ul", "ol"):
            style = "List Bullet" if tag == "ul" else "List Number"
            for item in element:
                self._block(item, style)
        elif tag == "li":
            nested = [child for child in element if child.tag in ("ul", "ol")]
            paragraph = self.paragraph(style=list_style or "List Bullet")
            _inline(paragraph, element, skip=nested)
            for child in nested:
                self._block(child)
        elif tag == "dl":
            for child in element:
                paragraph = self.paragraph()
                _inline(paragraph, child, bold=child.tag == "dt")
        elif tag == "table":
            self._html_table(element)
        elif tag in ("div", "section", "blockquote", "figure", "article") and any(
                isinstance(c.tag, str) and c.tag in BLOCK_TAGS for c in element):
            for child in element:
                self._block(child)
        elif tag not in ("hr", "script", "style"):
            paragraph = self.paragraph()
            _inline(paragraph, element)

    def _html_table(self, element) -> None:
        rows = [[_text(cell) for cell in row if cell.tag in ("td", "th")] for row in element.iter("tr")]
        width = max((len(r) for r in rows), default=0)
        if not width:
            return
        table = self.word.add_table(rows=len(rows), cols=width)
        table.style = "Table Grid"
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                table.cell(r, c).paragraphs[0].text = text

    # -- a standard table
    def table(self, table: Table) -> None:
        self._orient(_landscape(table))
        self.paragraph(table.title, TABLE_TITLE_STYLE).alignment = WD_ALIGN_PARAGRAPH.CENTER
        for line in ([table.caption_extra] if table.caption_extra else []) + list(table.meta):
            self.paragraph(line, TABLE_CAPTION_STYLE)
        self._caption(table)
        self._grid(table)
        if table.note:
            self.paragraph(table.note, TABLE_NOTE_STYLE)

    def _caption(self, table: Table) -> None:
        """编制单位 at the left, 预算年度 in the middle, 单位：万元 at the right margin (tab stops)."""
        width = self._text_width()
        paragraph = self.paragraph(style=TABLE_CAPTION_STYLE)
        stops = paragraph.paragraph_format.tab_stops
        stops.add_tab_stop(int(width / 2), WD_TAB_ALIGNMENT.CENTER)
        stops.add_tab_stop(width, WD_TAB_ALIGNMENT.RIGHT)
        parts = [table.unit_line or f"编制单位：{table.unit_name}", f"预算年度：{table.year}年"]
        parts.append(f"单位：{table.money_unit}" if table.money_unit else "")
        paragraph.add_run("\t".join(parts).rstrip("\t"))

    def _text_width(self) -> int:
        """The width between the margins of the page the document ends on (python-docx's block width)."""
        section = self.word.sections[-1]
        return section.page_width - section.left_margin - section.right_margin

    def _grid(self, table: Table) -> None:
        """The table as one <w:tbl>, written as XML and parsed once: python-docx's cell-by-cell calls and
        merges took two thirds of the export. The XML is what add_table, the cells' runs and merge wrote
        (see _table_xml), so the file is the same."""
        style_id = _style_id(TABLE_TEXT_STYLE, WD_STYLE_TYPE.TABLE)
        xml = _table_xml(table, style_id, self._text_width()).replace("<w:tbl>", f"<w:tbl {nsdecls('w')}>", 1)
        self.word.element.body._insert_tbl(parse_xml(xml))


def _text(element) -> str:
    return " ".join("".join(element.itertext()).split())


def _inline(paragraph, element, skip=(), bold: bool = False, italic: bool = False) -> None:
    """The element's text as runs: bold and italic kept, a <br> a line break, links as their text."""
    if element.text:
        _run(paragraph, element.text, bold, italic)
    for child in element:
        if child in skip or not isinstance(child.tag, str):
            pass
        elif child.tag == "br":
            paragraph.add_run().add_break()
        elif child.tag == "img":
            _run(paragraph, child.get("alt", ""), bold, italic)
        else:
            _inline(paragraph, child, (), bold or child.tag in INLINE_BOLD, italic or child.tag in INLINE_ITALIC)
        if child.tail:
            _run(paragraph, child.tail, bold, italic)


def _run(paragraph, text: str, bold: bool, italic: bool) -> None:
    text = re.sub(r"\s*\n\s*", "", text)  # a soft line break in Chinese text joins without a space
    if not text:
        return
    run = paragraph.add_run(text)
    run.bold = bold or None
    run.italic = italic or None
