"""The whole disclosure as a Word .docx in the published layout, from generator/document.py's Document
(the blocks the site and the PDF render, so there is one layout):

cover (the title), 目录 (every part, section and table, as the PDF's contents), the title and preamble,
the front tables under their headings, then the template's sections under their numbered headings with
the narrative's paragraphs and the tables where the narrative places them. Each table: its title, the
编制单位 / 预算年度 / 单位：万元 line, the header rows with their merged cells (repeated on every page),
amounts right-aligned as the site prints them (two decimals; blank where the document has no figure),
the note under it. A4 portrait; a table the PDF turns landscape gets a landscape section of its own
(generator/pdf/pagination.py decides, for both).

The body is written here as WordprocessingML text, in the form python-docx writes it; the package's
other parts (styles, numbering, settings, theme …) are python-docx's template with the export's styles,
serialized and compressed once per process. The export's former code built the document through
python-docx's API (45 ms a disclosure, most of a full build's render); tests/test_filing_bytes.py checks
the file byte for byte against that code (tests/python_docx_document.py).

Deterministic: the same content gives the same bytes (zip times and core properties from
generator/filing's stamp: SOURCE_DATE_EPOCH, else 1 January of the budget year), so an exported file
can be committed or compared.
"""

from __future__ import annotations

import functools
import io
import re
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from docx import Document as WordDocument
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.opc.pkgwriter import PackageWriter
from docx.oxml.ns import qn
from docx.shared import Emu, Mm, Pt, RGBColor
from lxml import etree
from lxml import html as lxml_html

from generator.document import Document, HtmlBlock, TableBlock, build_document
from generator.filing import DatedZip, Deflated, grid, header_rows, stamp
from generator.tables import Cell, Table

A4 = (Mm(210), Mm(297))
MARGIN = Mm(25)
BODY_FONT, HEADING_FONT, TABLE_FONT = "宋体", "黑体", "宋体"
TABLE_TITLE_STYLE, TABLE_CAPTION_STYLE, TABLE_NOTE_STYLE, TABLE_TEXT_STYLE = "表题", "表头说明", "表注", "公开表格"
TOC_STYLES = ("TOC 1", "TOC 2")  # the names Word gives its own contents entries: an importer skips them
INLINE_BOLD, INLINE_ITALIC = ("strong", "b"), ("em", "i")
BLOCK_TAGS = {"p", "ul", "ol", "dl", "table", "h1", "h2", "h3", "h4", "h5", "h6", "div", "blockquote", "figure"}
DOCUMENT_PART, CORE_PART = "word/document.xml", "docProps/core.xml"


def write_docx(doc_or_context, site, path: Path) -> Path:
    """Write the disclosure (a Document, or a check DisclosureContext to build one from with `site`)
    to `path` as .docx; returns the path."""
    doc = doc_or_context if isinstance(doc_or_context, Document) else build_document(doc_or_context, site)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(document_bytes(doc))
    return path


def document_bytes(doc: Document) -> bytes:
    """The disclosure as the bytes of a .docx file, dated by generator.filing's stamp."""
    when = stamp(doc.year)
    package = _package()
    body = _Body()
    lay_out(doc, body)
    buffer = io.BytesIO()
    with DatedZip(buffer, when) as archive:
        for name, part in package.parts.items():
            if name == DOCUMENT_PART:
                archive.writestr(name, package.document_head + body.xml().encode("utf-8") + package.document_tail)
            elif name == CORE_PART:
                archive.writestr(name, core_properties(doc, when))
            else:
                archive.write_deflated(name, part)
    return buffer.getvalue()


def lay_out(doc: Document, body) -> None:
    """The disclosure's parts, in order, written by `body` (_Body, or the tests' python-docx writer)."""
    body.cover(doc)
    body.contents(doc)
    body.heading(doc.title, 0)
    body.html(doc.preamble_html)
    if doc.front_tables:
        if doc.report_title:
            body.heading(doc.report_title, 1, landscape=_landscape(doc.front_tables[0]))
        for table in doc.front_tables:
            body.table(table)
        if doc.explanation_title:
            body.heading(doc.explanation_title, 1)
    for section in doc.sections:
        first = section.blocks[0] if section.blocks else None
        body.heading(section.heading, 1, landscape=isinstance(first, TableBlock) and _landscape(first.table))
        for block in section.blocks:
            if isinstance(block, TableBlock):
                body.table(block.table)
            elif isinstance(block, HtmlBlock):
                body.html(block.html)
    body.portrait()


# ---- the package: python-docx's template with the export's styles, once per process ----------------------

@dataclass(frozen=True)
class _Package:
    parts: dict[str, Deflated | None]  # in the order python-docx saves them; the two written per export None
    document_head: bytes  # word/document.xml up to the body's content
    document_tail: bytes


@functools.cache
def _package() -> _Package:
    word = _styled_template()
    package = word.part.package
    collected: dict[str, bytes] = {}
    writer = _Collector(collected)
    PackageWriter._write_content_types_stream(writer, package.parts)
    PackageWriter._write_pkg_rels(writer, package.rels)
    PackageWriter._write_parts(writer, package.parts)
    document = collected[DOCUMENT_PART]
    head = document[: document.index(b"<w:body>") + len(b"<w:body>")]
    tail = document[document.index(b"</w:body>"):]
    parts = {name: None if name in (DOCUMENT_PART, CORE_PART) else Deflated.of(blob) for name, blob in collected.items()}
    return _Package(parts, head, tail)


class _Collector:
    """What python-docx's PackageWriter writes a part through: here, into a dict by the part's name."""

    def __init__(self, parts: dict[str, bytes]):
        self.parts = parts

    def write(self, pack_uri, blob: bytes) -> None:
        self.parts[pack_uri.membername] = blob


@functools.cache
def _styled_template():
    """The document whose styles every export has (never written to after _styles)."""
    word = WordDocument()
    _styles(word)
    return word


@functools.cache
def _style_id(name: str, kind: WD_STYLE_TYPE = WD_STYLE_TYPE.PARAGRAPH) -> str | None:
    """The id of the style called `name` in the export's styles (None for the default style)."""
    return _styled_template().part.get_style_id(name, kind)


def _font(style, name: str, size: float, bold: bool | None = None) -> None:
    style.font.name = name
    style.font.size = Pt(size)
    style.font.color.rgb = RGBColor(0, 0, 0)
    if bold is not None:
        style.font.bold = bold
    style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)


def _styles(word) -> None:
    styles = word.styles
    _font(styles["Normal"], BODY_FONT, 12)
    styles["Normal"].paragraph_format.first_line_indent = None
    for name, size in (("Title", 20), ("Heading 1", 16), ("Heading 2", 14), ("Heading 3", 12), ("Heading 4", 12)):
        _font(styles[name], HEADING_FONT, size, bold=True)
    for name, size, bold in ((TABLE_TITLE_STYLE, 14, True), (TABLE_CAPTION_STYLE, 10, False),
                             (TABLE_NOTE_STYLE, 10, False), *((t, 12, False) for t in TOC_STYLES)):
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = styles["Normal"]
        _font(style, HEADING_FONT if name == TABLE_TITLE_STYLE else BODY_FONT, size, bold)
    grid_style = styles.add_style(TABLE_TEXT_STYLE, WD_STYLE_TYPE.TABLE)  # Table Grid's borders, 9 pt text
    grid_style.base_style = styles["Table Grid"]
    _font(grid_style, TABLE_FONT, 9)
    styles[TOC_STYLES[1]].paragraph_format.left_indent = Pt(24)
    styles[TABLE_TITLE_STYLE].paragraph_format.keep_with_next = True
    styles[TABLE_CAPTION_STYLE].paragraph_format.keep_with_next = True


def _page(section, landscape: bool) -> None:
    width, height = A4
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (height, width) if landscape else (width, height)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Mm(20) if landscape else MARGIN)


@dataclass(frozen=True)
class _PageSetting:
    sentinel: str  # the body's last w:sectPr: the page of the document's last section
    section_break: str  # the paragraph that ends a section on this page (python-docx's add_section)
    text_width: int  # EMU between the margins


@functools.cache
def _page_setting(landscape: bool) -> _PageSetting:
    """A section's page as python-docx writes it after _page(section, landscape)."""
    word = WordDocument()
    section = word.sections[0]
    _page(section, landscape)
    xml = etree.tostring(word.element, encoding="unicode")
    sentinel = re.search(r"<w:sectPr\b.*?</w:sectPr>", xml).group()
    clone = re.sub(r"^<w:sectPr[^>]*>", "<w:sectPr>", sentinel)  # add_section's copy drops the attributes
    return _PageSetting(sentinel, f"<w:p><w:pPr>{clone}</w:pPr></w:p>",
                        section.page_width - section.left_margin - section.right_margin)


# ---- the body ---------------------------------------------------------------------------------------------

class _Body:
    """The body's paragraphs, tables and section breaks as WordprocessingML, in document order."""

    def __init__(self):
        self.parts: list[str] = []
        self.landscape = False

    def xml(self) -> str:
        return "".join(self.parts) + _page_setting(self.landscape).sentinel

    def paragraph(self, text: str = "", style: str | None = None, align: str | None = None, tabs: str = "") -> None:
        """Document.add_paragraph(text, style) and the paragraph's alignment and tab stops."""
        self.parts.append(_paragraph(f"<w:r>{_run_text(text)}</w:r>" if text else "", style, align, tabs))

    def cover(self, doc: Document) -> None:
        self.parts.append("<w:p/>" * 6)
        self.paragraph(doc.title, "Title", "center")
        self._page_break()

    def contents(self, doc: Document) -> None:
        """目录 as the PDF prints it: the parts, the sections and, under them, their tables."""
        self.paragraph("目　录", "Title", "center")
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
        self.parts.append('<w:p><w:r><w:br w:type="page"/></w:r></w:p>')

    def heading(self, text: str, level: int, landscape: bool = False) -> None:
        """A heading; on the landscape page of the table right after it when that table is turned (as
        the PDF sets a section that opens with a landscape table)."""
        self._orient(landscape)
        align = None if level > 1 else "center" if level == 0 else "left"
        self.paragraph(text, _heading_style(level), align)

    # -- orientation: a landscape table sits in a section of its own
    def _orient(self, landscape: bool) -> None:
        if landscape != self.landscape:
            self.parts.append(_page_setting(self.landscape).section_break)
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
            self.paragraph("".join(element.itertext()).strip(), _heading_style(min(int(tag[1]) - 1, 9) or 1))
        elif tag in ("ul", "ol"):
            style = "List Bullet" if tag == "ul" else "List Number"
            for item in element:
                self._block(item, style)
        elif tag == "li":
            nested = [child for child in element if child.tag in ("ul", "ol")]
            self.parts.append(_paragraph(_inline(element, skip=nested), list_style or "List Bullet"))
            for child in nested:
                self._block(child)
        elif tag == "dl":
            for child in element:
                self.parts.append(_paragraph(_inline(child, bold=child.tag == "dt")))
        elif tag == "table":
            self._html_table(element)
        elif tag in ("div", "section", "blockquote", "figure", "article") and any(
                isinstance(c.tag, str) and c.tag in BLOCK_TAGS for c in element):
            for child in element:
                self._block(child)
        elif tag not in ("hr", "script", "style"):
            self.parts.append(_paragraph(_inline(element)))

    def _html_table(self, element) -> None:
        """A table in the narrative, as Document.add_table(rows, cols) with Table Grid and each cell's text."""
        rows = [[_text(cell) for cell in row if cell.tag in ("td", "th")] for row in element.iter("tr")]
        width = max((len(r) for r in rows), default=0)
        if not width:
            return
        column = Emu(self._text_width() // width).twips
        cell = f'<w:tc><w:tcPr><w:tcW w:type="dxa" w:w="{column}"/></w:tcPr>{{}}</w:tc>'
        body = "".join("<w:tr>" + "".join(cell.format(_cell_text(row[c]) if c < len(row) else "<w:p/>")
                                          for c in range(width)) + "</w:tr>" for row in rows)
        style = _style_id("Table Grid", WD_STYLE_TYPE.TABLE)
        columns = f'<w:gridCol w:w="{column}"/>' * width
        self.parts.append(f"<w:tbl><w:tblPr><w:tblStyle w:val={quoteattr(style)}/>{HTML_TABLE_PROPERTIES}</w:tblPr>"
                          f"<w:tblGrid>{columns}</w:tblGrid>{body}</w:tbl>")

    # -- a standard table
    def table(self, table: Table) -> None:
        self._orient(_landscape(table))
        self.paragraph(table.title, TABLE_TITLE_STYLE, "center")
        for line in ([table.caption_extra] if table.caption_extra else []) + list(table.meta):
            self.paragraph(line, TABLE_CAPTION_STYLE)
        self._caption(table)
        style_id = _style_id(TABLE_TEXT_STYLE, WD_STYLE_TYPE.TABLE)
        self.parts.append(_table_xml(table, style_id, self._text_width()))
        if table.note:
            self.paragraph(table.note, TABLE_NOTE_STYLE)

    def _caption(self, table: Table) -> None:
        """编制单位 at the left, 预算年度 in the middle, 单位：万元 at the right margin (tab stops)."""
        width = self._text_width()
        tabs = (f'<w:tabs><w:tab w:pos="{Emu(int(width / 2)).twips}" w:val="center"/>'
                f'<w:tab w:pos="{Emu(width).twips}" w:val="right"/></w:tabs>')
        parts = [table.unit_line or f"编制单位：{table.unit_name}", f"预算年度：{table.year}年"]
        parts.append(f"单位：{table.money_unit}" if table.money_unit else "")
        self.paragraph("\t".join(parts).rstrip("\t"), TABLE_CAPTION_STYLE, tabs=tabs)

    def _text_width(self) -> int:
        """The width between the margins of the page the document ends on (python-docx's block width)."""
        return _page_setting(self.landscape).text_width


HTML_TABLE_PROPERTIES = ('<w:tblW w:type="auto" w:w="0"/><w:tblLook w:firstColumn="1" w:firstRow="1"'
                         ' w:lastColumn="0" w:lastRow="0" w:noHBand="0" w:noVBand="1" w:val="04A0"/>')


def _heading_style(level: int) -> str:
    """Document.add_heading's style: Title for level 0, else Heading <level>."""
    return "Title" if level == 0 else f"Heading {level}"


def _paragraph(runs: str, style: str | None = None, align: str | None = None, tabs: str = "") -> str:
    """A w:p: its properties in the schema's order (style, tab stops, alignment), then its runs."""
    style_id = _style_id(style) if style else None
    properties = (f"<w:pStyle w:val={quoteattr(style_id)}/>" if style_id else "") + tabs + (
        f'<w:jc w:val="{align}"/>' if align else "")
    content = (f"<w:pPr>{properties}</w:pPr>" if properties else "") + runs
    return f"<w:p>{content}</w:p>" if content else "<w:p/>"


def _cell_text(text: str) -> str:
    """A narrative table cell's paragraph after python-docx's `paragraph.text = text`."""
    return f"<w:p><w:r>{_run_text(text)}</w:r></w:p>" if text else "<w:p><w:r/></w:p>"


def _landscape(table: Table) -> bool:
    """Whether the PDF prints the table on a landscape page (generator/pdf/pagination.py decides both)."""
    from generator.pdf.pagination import is_landscape

    return is_landscape(table)


# ---- a standard table as WordprocessingML ------------------------------------------------------------
# Written as python-docx writes it: add_table(rows, cols) splits the text width evenly over the columns
# (w:tcW per cell, in twips), a run's text becomes w:t / w:tab / w:br, a merge widens the top-left cell
# of each row of its span (w:gridSpan, widths added), removes the cells it swallows and marks the rows
# of a vertical merge w:vMerge restart / continue (tests/test_filing_bytes.py checks it against that API).

TABLE_PROPERTIES = ('<w:tblW w:type="auto" w:w="0"/><w:jc w:val="center"/>'
                    '<w:tblLook w:firstColumn="1" w:firstRow="1" w:lastColumn="0" w:lastRow="0" w:noHBand="0"'
                    ' w:noVBand="1" w:val="04A0"/>')
REPEATED_ROW = '<w:trPr><w:tblHeader w:val="true"/></w:trPr>'  # a header row Word repeats on every page
EMPTY_PARAGRAPH = "<w:p/>"

Box = tuple[int, int, int, int]  # a cell's span in the grid: top row, left column, rows, columns


def _table_xml(table: Table, style_id: str | None, text_width: int) -> str:
    placed = grid(table)
    width = max([len(table.columns)] + [c + cell.colspan for _, c, cell in placed])
    head = header_rows(table)
    height = head + len(table.rows)
    column = (Emu(text_width // width) if width else Emu(0)).twips
    owners = _owners(placed, height, width)
    contents = _contents(table, placed, head)
    style = f"<w:tblStyle w:val={quoteattr(style_id)}/>" if style_id else ""
    columns = f'<w:gridCol w:w="{column}"/>' * width
    rows = "".join(_row_xml(r, width, column, owners, contents, len(table.head_block) <= r < head)
                   for r in range(max(height, 1)))
    return f"<w:tbl><w:tblPr>{style}{TABLE_PROPERTIES}</w:tblPr><w:tblGrid>{columns}</w:tblGrid>{rows}</w:tbl>"


def _owners(placed, height: int, width: int) -> dict[tuple[int, int], Box]:
    """The span of the cell each grid place belongs to. A span stops short of places an earlier cell
    already has (python-docx refused such a merge; the page cannot show it either)."""
    owners: dict[tuple[int, int], Box] = {}
    for r, c, cell in placed:
        if cell.rowspan == cell.colspan == 1:
            continue  # its own place (_row_xml's default box), or none if a span has it: it stops no span
        right = c
        while right < min(c + cell.colspan, width) and (r, right) not in owners:
            right += 1
        bottom = r
        while bottom < min(r + cell.rowspan, height) and all((bottom, x) not in owners for x in range(c, right)):
            bottom += 1
        box = (r, c, bottom - r, right - c)
        owners.update(((y, x), box) for y in range(r, bottom) for x in range(c, right))
    return owners


def _contents(table: Table, placed, head: int) -> dict[tuple[int, int], str]:
    """The paragraphs of each cell, by its top-left place: header rows and totals bold, labels indented."""
    totals = {head + i for i, row in enumerate(table.rows) if row.total}
    indents = {head + i: row.indent for i, row in enumerate(table.rows)}
    return {(r, c): _cell_xml(cell, header=r < head, bold=(r < head and cell.kind != "prose") or r in totals,
                              indent=indents.get(r, 0) if c < 2 else 0)
            for r, c, cell in placed}


def _row_xml(r: int, width: int, column: int, owners, contents, repeated: bool) -> str:
    cells, c = [], 0
    while c < width:
        top, _, rows, columns = owners.get((r, c), (r, c, 1, 1))
        merge = "" if rows == 1 else '<w:vMerge w:val="restart"/>' if r == top else "<w:vMerge/>"
        span = f'<w:gridSpan w:val="{columns}"/>' if columns > 1 else ""
        body = contents.get((r, c), EMPTY_PARAGRAPH) if r == top else EMPTY_PARAGRAPH
        cells.append(f'<w:tc><w:tcPr><w:tcW w:type="dxa" w:w="{column * columns}"/>{span}{merge}</w:tcPr>{body}</w:tc>')
        c += columns
    return f"<w:tr>{REPEATED_ROW if repeated else ''}{''.join(cells)}</w:tr>"


def _cell_xml(cell: Cell, header: bool, bold: bool, indent: int) -> str:
    """A cell's paragraphs (a prose cell's lines each its own), amounts right, headers centred."""
    lines = cell.lines if cell.kind == "prose" else [cell.text]
    properties = f'<w:ind w:left="{Pt(9 * indent).twips}"/>' if indent else ""
    if cell.numeric and not header:
        properties += '<w:jc w:val="right"/>'
    elif header and cell.kind not in ("prose", "label") or cell.kind == "column":
        properties += '<w:jc w:val="center"/>'
    paragraph = f"<w:pPr>{properties}</w:pPr>" if properties else ""
    run = "<w:rPr><w:b/></w:rPr>" if bold else "<w:rPr/>"  # python-docx leaves an empty rPr for bold=None
    return "".join(f"<w:p>{paragraph}<w:r>{run}{_run_text(line)}</w:r></w:p>" for line in lines or [""])


# ---- text -------------------------------------------------------------------------------------------------

NOT_IN_XML = re.compile(r"[\000-\010\013\014\016-\037\ufffe\uffff]")  # characters XML 1.0 cannot hold
RUN_BREAKS = re.compile(r"([\t\r\n])")
RUN_SPECIAL = re.compile(r"[\t\r\n\000-\010\013\014\016-\037\ufffe\uffff]")  # what a run writes otherwise than w:t
SOFT_BREAK = re.compile(r"\s*\n\s*")


def _run_text(text: str) -> str:
    """A run's text as python-docx's Run.text writes it: a tab a w:tab, a line break a w:br, the rest
    w:t (spaces at either end kept with xml:space); a character XML cannot hold is left out (lxml
    refused it)."""
    if not RUN_SPECIAL.search(text):  # most text: one w:t
        space = ' xml:space="preserve"' if text[:1].isspace() or text[-1:].isspace() else ""
        return f"<w:t{space}>{escape(text)}</w:t>" if text else ""
    parts = []
    for piece in RUN_BREAKS.split(NOT_IN_XML.sub("", text)):
        if piece == "\t":
            parts.append("<w:tab/>")
        elif piece in ("\r", "\n"):
            parts.append("<w:br/>")
        elif piece:
            space = ' xml:space="preserve"' if len(piece.strip()) < len(piece) else ""
            parts.append(f"<w:t{space}>{escape(piece)}</w:t>")
    return "".join(parts)


def _text(element) -> str:
    return " ".join("".join(element.itertext()).split())


def _inline(element, skip=(), bold: bool = False, italic: bool = False) -> str:
    """The element's text as runs: bold and italic kept, a <br> a line break, links as their text."""
    runs = [_styled_run(element.text, bold, italic)] if element.text else []
    for child in element:
        if child in skip or not isinstance(child.tag, str):
            pass
        elif child.tag == "br":
            runs.append("<w:r><w:br/></w:r>")
        elif child.tag == "img":
            runs.append(_styled_run(child.get("alt", ""), bold, italic))
        else:
            runs.append(_inline(child, (), bold or child.tag in INLINE_BOLD, italic or child.tag in INLINE_ITALIC))
        if child.tail:
            runs.append(_styled_run(child.tail, bold, italic))
    return "".join(runs)


def _styled_run(text: str, bold: bool, italic: bool) -> str:
    """A run as add_run(text) with bold and italic set (python-docx leaves an empty w:rPr for neither)."""
    text = SOFT_BREAK.sub("", text)  # a soft line break in Chinese text joins without a space
    if not text:
        return ""
    properties = ("<w:b/>" if bold else "") + ("<w:i/>" if italic else "")
    return f"<w:r>{f'<w:rPr>{properties}</w:rPr>' if properties else '<w:rPr/>'}{_run_text(text)}</w:r>"


# ---- core properties ---------------------------------------------------------------------------------------

CORE_NAMESPACES = ('xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties"'
                   ' xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/"'
                   ' xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"')


def core_properties(doc: Document, when) -> str:
    """docProps/core.xml: the template's, with the disclosure's title, author and subject."""
    moment = "%04d-%02d-%02dT%02d:%02d:%02dZ" % when
    dated = f' xsi:type="dcterms:W3CDTF">{moment}'
    return ("<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
            f"<cp:coreProperties {CORE_NAMESPACES}><dc:title>{_core_text(doc.title)}</dc:title>"
            f"<dc:subject>{doc.year}年{_core_text(doc.kind)}预算信息公开</dc:subject>"
            f"<dc:creator>{_core_text(doc.unit.name)}</dc:creator><cp:keywords/>"
            "<dc:description>generated by python-docx</dc:description><cp:lastModifiedBy>budgetsite</cp:lastModifiedBy>"
            f"<cp:revision>1</cp:revision><dcterms:created{dated}</dcterms:created>"
            f"<dcterms:modified{dated}</dcterms:modified><cp:category/></cp:coreProperties>")


def _core_text(text: str) -> str:
    return escape(NOT_IN_XML.sub("", text)).replace("\r", "&#13;")
