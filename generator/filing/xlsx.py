"""A disclosure's tables as an .xlsx workbook: one sheet per table, laid out as published.

Each sheet: the title (merged across the table), the 编制单位 line and 单位：万元, the header rows with
their merged cells, the body with amounts as numbers (format 0.00; a blank stays blank, as the
published table leaves a zero), the note under it. A4, landscape for a wide table, fitted to the page
width, the header rows repeated on every printed page.

The SpreadsheetML is written here as text, part by part, in the form openpyxl writes it (the export's
former code built an openpyxl Workbook cell by cell: 28 ms a disclosure, most of a full build's render).
tests/test_filing_bytes.py checks every part against openpyxl's own save of the same workbook.
"""

from __future__ import annotations

import functools
import io
import re
from decimal import Decimal
from xml.sax.saxutils import escape

from openpyxl.styles.colors import COLOR_INDEX
from openpyxl.writer.theme import theme_xml

from generator.filing import DatedZip, grid, header_rows, stamp
from generator.tables import Table

SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
NOT_IN_A_CELL = re.compile(r"[\000-\010\013\014\016-\037]")  # control characters a worksheet cannot hold
MONEY_FORMAT = "0.00"
BUILTIN_FORMATS = {"General": 0, "0.00": 2, "@": 49}  # the number formats of the spec that are used here
CUSTOM_FORMATS_START = 164

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_RELATIONSHIPS = "http://schemas.openxmlformats.org/package/2006/relationships"
OFFICE = "application/vnd.openxmlformats-officedocument"
DEFAULT_FONT = '<font><name val="Calibri"/><family val="2"/><color theme="1"/><sz val="11"/><scheme val="minor"/></font>'
BORDERS = ('<borders count="2"><border><left/><right/><top/><bottom/><diagonal/></border><border><left style="thin"/>'
           '<right style="thin"/><top style="thin"/><bottom style="thin"/></border></borders>')
SHEET_TOP = (f'<worksheet xmlns="{MAIN}"><sheetPr><outlinePr summaryBelow="1" summaryRight="1"/>'
             '<pageSetUpPr fitToPage="1"/></sheetPr>')
SHEET_VIEW = ('<sheetViews><sheetView workbookViewId="0"><selection activeCell="A1" sqref="A1"/></sheetView>'
              '</sheetViews><sheetFormatPr baseColWidth="8" defaultRowHeight="15"/>')
PAGE_MARGINS = '<pageMargins left="0.75" right="0.75" top="1" bottom="1" header="0.5" footer="0.5"/>'


OFFICE_PROPERTIES = "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"
CORE = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"
WORKSHEET_TYPE = f"{OFFICE}.spreadsheetml.worksheet+xml"


def money_format(text: str) -> str:
    """Two decimals, as published; more when the document prints more (151.94804 stays 151.94804)."""
    decimals = len(text.rsplit(".", 1)[1]) if "." in text else 0
    return MONEY_FORMAT if decimals <= 2 else "0." + "0" * decimals


def sheet_name(table: Table, taken: set[str]) -> str:
    """The table's title as Excel allows a sheet name: 31 characters, none of []:*?/\\, unique."""
    base = SHEET_NAME_FORBIDDEN.sub("", table.title).strip("'") or table.id
    name, n = base[:31], 2
    while name in taken:
        suffix = f"({n})"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(name)
    return name


def workbook_bytes(doc) -> bytes:
    """The disclosure's tables as the bytes of an .xlsx file, dated by generator.filing's stamp."""
    when = stamp(doc.year)
    styles = Styles()
    taken: set[str] = set()
    sheets = [Sheet(sheet_name(table, taken), table, styles) for table in doc.tables]
    sheet_xml = [sheet.xml(styles) for sheet in sheets]  # first: the cell styles are numbered as written
    parts = {
        "docProps/app.xml": f'<Properties xmlns="{OFFICE_PROPERTIES}"><Application>budgetsite</Application></Properties>',
        "docProps/core.xml": core_properties(doc.title, doc.unit.name, when),
        "xl/theme/theme1.xml": theme_xml,  # the default Office theme, as openpyxl ships it
        **{f"xl/worksheets/sheet{n}.xml": xml for n, xml in enumerate(sheet_xml, start=1)},
        "xl/styles.xml": styles.xml(),
        "_rels/.rels": PACKAGE_RELS,
        "xl/workbook.xml": workbook_xml(sheets),
        "xl/_rels/workbook.xml.rels": workbook_rels(len(sheets)),
        "[Content_Types].xml": content_types(len(sheets)),
    }
    buffer = io.BytesIO()
    with DatedZip(buffer, when) as archive:
        for name, xml in parts.items():
            archive.writestr(name, xml)
    return buffer.getvalue()


# ---- a sheet ------------------------------------------------------------------------------------------

Value = str | Decimal | None


class Sheet:
    """One table's cells (value and style key by row and column, 1-based), merges, widths and print
    settings; styles are registered with the workbook's Styles in the order the cells are laid out."""

    def __init__(self, name: str, table: Table, styles: Styles):
        self.name, self.table, self.styles = name, table, styles
        self.cells: dict[tuple[int, int], tuple[Value, tuple | None]] = {}
        self.merges: list[tuple[int, int, int, int]] = []
        self.title_rows: tuple[int, int] | None = None
        self._lay_out(table)

    def put(self, row: int, col: int, value: Value, style: tuple | None = None) -> None:
        if style is not None:
            self.styles.use(style)
        self.cells[row, col] = (value, style)

    def _lay_out(self, table: Table) -> None:
        width = max(len(table.columns), 1)
        self.put(1, 1, table.title, ("title",))
        self._merge(1, 1, 1, width)
        self._caption(table, width)
        top = 3
        for line in table.meta + ([f"绩效目标：{table.caption_extra}"] if table.caption_extra else []):
            self.put(top, 1, line)
            top += 1
        head = header_rows(table)
        filled = set()
        for r, c, cell in grid(table):
            filled.add((r, c))
            bold = r < head
            if cell.numeric and cell.value is not None and cell.text != "":
                number_format = money_format(cell.text) if cell.kind == "money" else "General"
                self.put(top + r, 1 + c, cell.value, ("cell", bold, "right", number_format))
            else:  # codes stay text (2010101, 030101); headers centred, labels left
                self.put(top + r, 1 + c, cell.text or None, ("cell", bold, "center" if bold else "left", "@"))
            if cell.colspan > 1 or cell.rowspan > 1:
                self._merge(top + r, 1 + c, top + r + cell.rowspan - 1, c + cell.colspan)
        for r in range(max(head + len(table.rows), 1)):
            for c in range(width):
                if (r, c) not in filled:  # the parts a merged cell covers, blank: framed like the rest
                    self.put(top + r, 1 + c, None, ("cell", False, "left", "General"))
        if table.note:
            self.put(top + head + len(table.rows) + 1, 1, table.note)
        if head:
            self.title_rows = (top, top + head - 1)

    def _caption(self, table: Table, width: int) -> None:
        """Row 2 as the page heads the table: 编制单位, 预算年度, 单位：万元 (left, middle, right)."""
        unit = table.unit_line or f"编制单位：{table.unit_name}"
        year = f"预算年度：{table.year}年"
        money = f"单位：{table.money_unit}" if table.money_unit else ""
        parts = [unit, year, money] if width >= 3 else [f"{unit} {year}", money]
        columns = [1, width // 2 + 1, width] if width >= 3 else [1, width]
        for column, text, align in zip(columns, parts, ("left", "center", "right")):
            if text:
                self.put(2, column, text, ("aligned", align))

    def _merge(self, row0: int, col0: int, row1: int, col1: int) -> None:
        if (row0, col0) != (row1, col1):  # a range of one cell is no merge
            self.merges.append((row0, col0, row1, col1))

    def xml(self, styles: Styles) -> str:
        cells = sorted(self.cells)
        rows, cols = {r for r, _ in cells}, {c for _, c in cells}
        parts = [SHEET_TOP, f'<dimension ref="{_ref(min(rows), min(cols), max(rows), max(cols))}"/>', SHEET_VIEW]
        widths = [14 if kind in ("money", "number") else 24 for kind in self.table.column_kinds]
        if widths:
            parts.append("<cols>" + "".join(f'<col width="{w}" customWidth="1" min="{c}" max="{c}"/>'
                                            for c, w in enumerate(widths, start=1)) + "</cols>")
        parts.append("<sheetData>")
        row = None
        for r, c in cells:
            if r != row:
                parts.append(f'</row><row r="{r}">' if row is not None else f'<row r="{r}">')
                row = r
            value, style = self.cells[r, c]
            parts.append(_cell(f"{_column(c)}{r}", value, "" if style is None else f' s="{styles.xf(style)}"'))
        parts.append("</row></sheetData>" if row is not None else "</sheetData>")
        if self.merges:
            parts.append(f'<mergeCells count="{len(self.merges)}">'
                         + "".join(f'<mergeCell ref="{_ref(*m)}"/>' for m in self.merges) + "</mergeCells>")
        orientation = "landscape" if self.table.wide else "portrait"
        parts += ['<printOptions horizontalCentered="1"/>', PAGE_MARGINS,
                  f'<pageSetup orientation="{orientation}" paperSize="9" fitToHeight="0" fitToWidth="1"/></worksheet>']
        return "".join(parts)


def _cell(ref: str, value: Value, style: str) -> str:
    if value is None:
        return f'<c r="{ref}"{style} t="n"></c>'
    if isinstance(value, Decimal):
        return f'<c r="{ref}"{style} t="n"><v>{"%.16g" % value}</v></c>'
    text = NOT_IN_A_CELL.sub("", value)[:32767]
    if not text:
        return f'<c r="{ref}"{style} t="inlineStr"></c>'
    space = ' xml:space="preserve"' if text != text.strip() else ""
    return f'<c r="{ref}"{style} t="inlineStr"><is><t{space}>{_ascii(text)}</t></is></c>'


def _ascii(text: str) -> str:
    """Text as a worksheet holds it: escaped, every character past ASCII a character reference."""
    return escape(text).replace("\r", "&#13;").encode("ascii", "xmlcharrefreplace").decode("ascii")


def _attribute(text: str) -> str:
    return escape(text, {'"': "&quot;", "\n": "&#10;", "\r": "&#13;", "\t": "&#9;"})


@functools.cache
def _column(n: int) -> str:
    letters = ""
    while n:
        n, rest = divmod(n - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _ref(row0: int, col0: int, row1: int, col1: int) -> str:
    return f"{_column(col0)}{row0}:{_column(col1)}{row1}"


# ---- the styles -------------------------------------------------------------------------------------

class Styles:
    """The workbook's cell styles, each known by a key: ("title",), ("aligned", horizontal) or ("cell",
    bold, horizontal, number format). Fonts and number formats are numbered as the styles are first used,
    the cell formats (xf) as the cells are written, after the default one (0)."""

    def __init__(self):
        self.fonts = [DEFAULT_FONT]
        self.formats: list[str] = []
        self.xfs: dict[tuple, int] = {}
        self.used: set[tuple] = set()

    def use(self, key: tuple) -> None:
        if key in self.used:  # a style is used by many cells; its font and format are registered once
            return
        self.used.add(key)
        font = self._font(key)
        if font and font not in self.fonts:
            self.fonts.append(font)
        code = key[3] if key[0] == "cell" else "General"
        if code not in BUILTIN_FORMATS and code not in self.formats:
            self.formats.append(code)

    def xf(self, key: tuple) -> int:
        return self.xfs.setdefault(key, len(self.xfs) + 1)

    @staticmethod
    def _font(key: tuple) -> str:
        if key[0] == "title":
            return '<font><b val="1"/><sz val="14"/></font>'
        if key[0] == "cell":
            return '<font><b val="1"/></font>' if key[1] else "<font/>"
        return ""

    def _xf_xml(self, key: tuple) -> str:
        font = self._font(key)
        font_id = self.fonts.index(font) if font else 0
        if key[0] == "cell":
            _, _, horizontal, code = key
            number = BUILTIN_FORMATS.get(code, CUSTOM_FORMATS_START + self.formats.index(code) if code in self.formats else 0)
            wrap = ' wrapText="1"' if horizontal != "right" else ""
            alignment, border = f'<alignment horizontal="{horizontal}" vertical="center"{wrap}/>', 1
        else:
            horizontal = "center" if key[0] == "title" else key[1]
            number, alignment, border = 0, f'<alignment horizontal="{horizontal}"/>', 0
        return (f'<xf numFmtId="{number}" fontId="{font_id}" fillId="0" borderId="{border}" applyAlignment="1"'
                f' pivotButton="0" quotePrefix="0" xfId="0">{alignment}</xf>')

    def xml(self) -> str:
        formats = "".join(f'<numFmt numFmtId="{CUSTOM_FORMATS_START + n}" formatCode="{_attribute(code)}"/>'
                          for n, code in enumerate(self.formats))
        number_formats = f'<numFmts count="{len(self.formats)}">{formats}</numFmts>' if formats else '<numFmts count="0"/>'
        xfs = [DEFAULT_XF] + [self._xf_xml(key) for key in self.xfs]
        colors = "".join(f'<rgbColor rgb="{rgb}"/>' for rgb in COLOR_INDEX)
        return (f'<styleSheet xmlns="{MAIN}">{number_formats}<fonts count="{len(self.fonts)}">{"".join(self.fonts)}'
                '</fonts><fills count="2"><fill><patternFill/></fill><fill><patternFill patternType="gray125"/></fill>'
                f'</fills>{BORDERS}<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
                f'</cellStyleXfs><cellXfs count="{len(xfs)}">{"".join(xfs)}</cellXfs><cellStyles count="1">'
                '<cellStyle name="Normal" xfId="0" builtinId="0" hidden="0"/></cellStyles><tableStyles count="0"'
                ' defaultTableStyle="TableStyleMedium9" defaultPivotStyle="PivotStyleLight16"/>'
                f'<colors><indexedColors>{colors}</indexedColors></colors></styleSheet>')


DEFAULT_XF = '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" pivotButton="0" quotePrefix="0" xfId="0"/>'


# ---- the workbook's other parts ------------------------------------------------------------------------

PACKAGE_RELS = (
    f'<Relationships xmlns="{PACKAGE_RELATIONSHIPS}">'
    f'<Relationship Type="{RELATIONSHIPS}/officeDocument" Target="xl/workbook.xml" Id="rId1"/>'
    f'<Relationship Type="{PACKAGE_RELATIONSHIPS}/metadata/core-properties" Target="docProps/core.xml" Id="rId2"/>'
    f'<Relationship Type="{RELATIONSHIPS}/extended-properties" Target="docProps/app.xml" Id="rId3"/></Relationships>')


def core_properties(title: str, creator: str, when) -> str:
    dc, terms = "http://purl.org/dc/elements/1.1/", "http://purl.org/dc/terms/"
    moment = "%04d-%02d-%02dT%02d:%02d:%02dZ" % when
    dated = (f'xmlns:dcterms="{terms}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'
             f' xsi:type="dcterms:W3CDTF">{moment}')
    return (f'<cp:coreProperties xmlns:cp="{CORE}"><dc:creator xmlns:dc="{dc}">{_text(creator)}</dc:creator>'
            f'<dc:title xmlns:dc="{dc}">{_text(title)}</dc:title><dcterms:created {dated}</dcterms:created>'
            f'<dcterms:modified {dated}</dcterms:modified></cp:coreProperties>')


def _text(text: str) -> str:
    return escape(text).replace("\r", "&#13;")


def workbook_xml(sheets: list[Sheet]) -> str:
    listed = "".join(f'<sheet xmlns:r="{RELATIONSHIPS}" name="{_attribute(s.name)}" sheetId="{n}" state="visible"'
                     f' r:id="rId{n}"/>' for n, s in enumerate(sheets, start=1))
    titles = "".join(f'<definedName name="_xlnm.Print_Titles" localSheetId="{n}">'
                     f"{_text(_quoted(s.name))}!${s.title_rows[0]}:${s.title_rows[1]}</definedName>"
                     for n, s in enumerate(sheets) if s.title_rows)
    return (f'<workbook xmlns="{MAIN}"><workbookPr/><workbookProtection/><bookViews><workbookView visibility="visible"'
            ' minimized="0" showHorizontalScroll="1" showVerticalScroll="1" showSheetTabs="1" tabRatio="600"'
            f' firstSheet="0" activeTab="0" autoFilterDateGrouping="1"/></bookViews><sheets>{listed}</sheets>'
            + (f"<definedNames>{titles}</definedNames>" if titles else "<definedNames/>")
            + '<calcPr calcId="124519" fullCalcOnLoad="1"/></workbook>')


def _quoted(name: str) -> str:
    """A sheet's name in a formula: in single quotes, a quote in it doubled."""
    return "'" + name.replace("'", "''") + "'"


def workbook_rels(count: int) -> str:
    sheets = "".join(f'<Relationship Type="{RELATIONSHIPS}/worksheet" Target="/xl/worksheets/sheet{n}.xml" Id="rId{n}"/>'
                     for n in range(1, count + 1))
    return (f'<Relationships xmlns="{PACKAGE_RELATIONSHIPS}">{sheets}'
            f'<Relationship Type="{RELATIONSHIPS}/styles" Target="styles.xml" Id="rId{count + 1}"/>'
            f'<Relationship Type="{RELATIONSHIPS}/theme" Target="theme/theme1.xml" Id="rId{count + 2}"/></Relationships>')


def content_types(count: int) -> str:
    sheets = "".join(f'<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="{WORKSHEET_TYPE}"/>'
                     for n in range(1, count + 1))
    return ('<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/styles.xml" ContentType="{OFFICE}.spreadsheetml.styles+xml"/>'
            f'<Override PartName="/xl/theme/theme1.xml" ContentType="{OFFICE}.theme+xml"/>'
            '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
            f'<Override PartName="/docProps/app.xml" ContentType="{OFFICE}.extended-properties+xml"/>{sheets}'
            f'<Override PartName="/xl/workbook.xml" ContentType="{OFFICE}.spreadsheetml.sheet.main+xml"/></Types>')
