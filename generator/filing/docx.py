"""The whole disclosure as a Word .docx in the published layout, from generator/document.py's Document
(the blocks the site and the PDF render, so there is one layout):

cover (the title), 目录 (every part, section and table, as the PDF's contents), the title and preamble,
the front tables under their headings, then the template's sections under their numbered headings with
the narrative's paragraphs and the tables where the narrative places them. Each table: its title, the
编制单位 / 预算年度 / 单位：万元 line, the header rows with their merged cells (repeated on every page),
amounts right-aligned as the site prints them (two decimals; blank where the document has no figure),
the note under it. A4 portrait; a table the PDF turns landscape gets a landscape section of its own
(generator/pdf/pagination.py decides, for both).

Deterministic: the same content gives the same bytes (zip times and core properties from
generator/filing's stamp: SOURCE_DATE_EPOCH, else 1 January of the budget year), so an exported file
can be committed or compared.
"""

from __future__ import annotations

import copy
import functools
import io
import re
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from docx import Document as WordDocument
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_TAB_ALIGNMENT
from docx.oxml import parse_xml
from docx.opc.pkgwriter import PackageWriter
from docx.oxml.ns import nsdecls, qn
from docx.shared import Emu, Mm, Pt, RGBColor
from lxml import html as lxml_html

from generator.document import Document, HtmlBlock, TableBlock, build_document
from generator.filing import DatedZip, header_rows, stamp
from generator.tables import Cell, Table

A4 = (Mm(210), Mm(297))
MARGIN = Mm(25)
BODY_FONT, HEADING_FONT, TABLE_FONT = "宋体", "黑体", "宋体"
TABLE_TITLE_STYLE, TABLE_CAPTION_STYLE, TABLE_NOTE_STYLE, TABLE_TEXT_STYLE = "表题", "表头说明", "表注", "公开表格"
TOC_STYLES = ("TOC 1", "TOC 2")  # the names Word gives its own contents entries: an importer skips them
INLINE_BOLD, INLINE_ITALIC = ("strong", "b"), ("em", "i")


def write_docx(doc_or_context, site, path: Path) -> Path:
    """Write the disclosure (a Document, or a check DisclosureContext to build one from with `site`)
    to `path` as .docx; returns the path."""
    doc = doc_or_context if isinstance(doc_or_context, Document) else build_document(doc_or_context, site)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(document_bytes(doc))
    return path


def document_bytes(doc: Document) -> bytes:
    return saved(word_document(doc), stamp(doc.year))


def word_document(doc: Document):
    """The disclosure as a python-docx Document, not yet saved."""
    word = _new_word()
    _page(word.sections[0], landscape=False)
    writer = _Writer(word)
    writer.cover(doc)
    writer.contents(doc)
    writer.heading(doc.title, 0)
    writer.html(doc.preamble_html)
    if doc.front_tables:
        if doc.report_title:
            writer.heading(doc.report_title, 1, landscape=_landscape(doc.front_tables[0]))
        for table in doc.front_tables:
            writer.table(table)
        if doc.explanation_title:
            writer.heading(doc.explanation_title, 1)
    for section in doc.sections:
        first = section.blocks[0] if section.blocks else None
        writer.heading(section.heading, 1, landscape=isinstance(first, TableBlock) and _landscape(first.table))
        for block in section.blocks:
            if isinstance(block, TableBlock):
                writer.table(block.table)
            elif isinstance(block, HtmlBlock):
                writer.html(block.html)
    writer.portrait()
    core = word.core_properties
    core.title, core.author, core.subject = doc.title, doc.unit.name, f"{doc.year}年{doc.kind}预算信息公开"
    core.last_modified_by, core.revision = "budgetsite", 1
    return word


def saved(word, when) -> bytes:
    """The file's bytes: python-docx's save (OpcPackage.save) with the parts written straight into a
    DatedZip, rather than zipped by python-docx, then unzipped and zipped again to date them."""
    package = word.part.package
    parts = package.parts
    for part in parts:
        part.before_marshal()
    buffer = io.BytesIO()
    with DatedZip(buffer, when) as archive:
        writer = _PartWriter(archive)
        PackageWriter._write_content_types_stream(writer, parts)
        PackageWriter._write_pkg_rels(writer, package.rels)
        PackageWriter._write_parts(writer, parts)
    return buffer.getvalue()


class _PartWriter:
    """What python-docx's PackageWriter writes a part through: the part's name and bytes."""

    def __init__(self, archive: DatedZip):
        self.archive = archive

    def write(self, pack_uri, blob: bytes) -> None:
        self.archive.writestr(pack_uri.membername, blob)


# ---- page and styles -------------------------------------------------------------------------------

def _page(section, landscape: bool) -> None:
    width, height = A4
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (height, width) if landscape else (width, height)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Mm(20) if landscape else MARGIN)


def _font(style, name: str, size: float, bold: bool | None = None) -> None:
    style.font.name = name
    style.font.size = Pt(size)
    style.font.color.rgb = RGBColor(0, 0, 0)
    if bold is not None:
        style.font.bold = bold
    style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)


def _new_word():
    """A new python-docx document with the export's styles. The styles are set up once per process and
    their part copied: setting them up by name, and then finding each style by name, took a fifth of
    the export."""
    word = WordDocument()
    word.part._styles_part._element = copy.deepcopy(_styled_template().styles.element)
    return word


@functools.cache
def _styled_template():
    """The document whose styles every export starts from (never written to after _styles)."""
    word = WordDocument()
    _styles(word)
    return word


@functools.cache
def _style_id(name: str, kind: WD_STYLE_TYPE = WD_STYLE_TYPE.PARAGRAPH) -> str | None:
    """The id of the style called `name` (None for the default style, as python-docx gives it), the
    same in every export since they all start from _styled_template's styles."""
    return _styled_template().part.get_style_id(name, kind)


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
    grid = styles.add_style(TABLE_TEXT_STYLE, WD_STYLE_TYPE.TABLE)  # Table Grid's borders, 9 pt text
    grid.base_style = styles["Table Grid"]
    _font(grid, TABLE_FONT, 9)
    styles[TOC_STYLES[1]].paragraph_format.left_indent = Pt(24)
    styles[TABLE_TITLE_STYLE].paragraph_format.keep_with_next = True
    styles[TABLE_CAPTION_STYLE].paragraph_format.keep_with_next = True


# ---- the writer -------------------------------------------------------------------------------------

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
        self.word.element.body._insert_tbl(parse_xml(_table_xml(table, style_id, self._text_width())))

def _landscape(table: Table) -> bool:
    """Whether the PDF prints the table on a landscape page (generator/pdf/pagination.py decides both)."""
    from generator.pdf.pagination import is_landscape

    return is_landscape(table)


BLOCK_TAGS = {"p", "ul", "ol", "dl", "table", "h1", "h2", "h3", "h4", "h5", "h6", "div", "blockquote", "figure"}


def _placed(table: Table):
    """(row, column, cell) of the head block, header rows and body rows, each cell at the top-left of its
    span; the columns that cells spanning from rows above occupy are skipped, and a body row's `merged`
    placeholders (the rows under a cell spanning down) are not cells of their own."""
    taken: set[tuple[int, int]] = set()
    rows = [*table.head_block, *table.header, *(row.cells for row in table.rows)]
    for r, cells in enumerate(rows):
        c = 0
        for cell in cells:
            if cell.kind == "merged":  # its place is taken by the cell above spanning down
                continue
            while (r, c) in taken:
                c += 1
            yield r, c, cell
            taken.update((r + dr, c + dc) for dr in range(cell.rowspan) for dc in range(cell.colspan))
            c += cell.colspan


# ---- a standard table as WordprocessingML ------------------------------------------------------------
# Written as python-docx writes it: add_table(rows, cols) splits the text width evenly over the columns
# (w:tcW per cell, in twips), a run's text becomes w:t / w:tab / w:br, a merge widens the top-left cell
# of each row of its span (w:gridSpan, widths added), removes the cells it swallows and marks the rows
# of a vertical merge w:vMerge restart / continue. Any change here must keep the examples' exports
# byte-identical (tests/test_docx_export.py checks the content; docs in the module docstring).

TABLE_PROPERTIES = ('<w:tblW w:type="auto" w:w="0"/><w:jc w:val="center"/>'
                    '<w:tblLook w:firstColumn="1" w:firstRow="1" w:lastColumn="0" w:lastRow="0" w:noHBand="0"'
                    ' w:noVBand="1" w:val="04A0"/>')
REPEATED_ROW = '<w:trPr><w:tblHeader w:val="true"/></w:trPr>'  # a header row Word repeats on every page
EMPTY_PARAGRAPH = "<w:p/>"
RUN_BREAKS = re.compile(r"([\t\r\n])")

Box = tuple[int, int, int, int]  # a cell's span in the grid: top row, left column, rows, columns


def _table_xml(table: Table, style_id: str | None, text_width: int) -> str:
    placed = list(_placed(table))
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
    return f"<w:tbl {nsdecls('w')}><w:tblPr>{style}{TABLE_PROPERTIES}</w:tblPr><w:tblGrid>{columns}</w:tblGrid>{rows}</w:tbl>"


def _owners(placed, height: int, width: int) -> dict[tuple[int, int], Box]:
    """The span of the cell each grid place belongs to. A span stops short of places an earlier cell
    already has (python-docx refused such a merge; the page cannot show it either)."""
    owners: dict[tuple[int, int], Box] = {}
    for r, c, cell in placed:
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


def _run_text(text: str) -> str:
    """A run's text as python-docx's Run.text writes it: a tab a w:tab, a line break a w:br, the rest
    w:t (spaces at either end kept with xml:space)."""
    parts = []
    for piece in RUN_BREAKS.split(text):
        if piece == "\t":
            parts.append("<w:tab/>")
        elif piece in ("\r", "\n"):
            parts.append("<w:br/>")
        elif piece:
            space = ' xml:space="preserve"' if len(piece.strip()) < len(piece) else ""
            parts.append(f"<w:t{space}>{escape(piece)}</w:t>")
    return "".join(parts)

# ---- inline text --------------------------------------------------------------------------------------

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
