"""The filing workbook as the export's former code built it through openpyxl's API, cell by cell, and
openpyxl saved it: the reference generator/filing/xlsx.py's direct SpreadsheetML is checked against
(tests/test_filing_bytes.py)."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.merge import MergedCellRange

from generator.filing import grid, header_rows
from generator.filing.xlsx import money_format, sheet_name
from generator.tables import Table
from redated_zip import deterministic_zip

THIN = Side(style="thin")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


def workbook(doc) -> Workbook:
    """The disclosure's tables as an openpyxl Workbook, not yet saved."""
    book = Workbook()
    book.remove(book.active)
    taken: set[str] = set()
    styles = _Styles()
    for table in doc.tables:
        write_sheet(book.create_sheet(sheet_name(table, taken)), table, styles)
    book.properties.title = doc.title
    book.properties.creator = doc.unit.name
    book.properties.lastModifiedBy = None
    return book


def saved(book: Workbook, when) -> bytes:
    """openpyxl's own save, re-dated (tests/redated_zip.py)."""
    own = io.BytesIO()
    book.save(own)
    return deterministic_zip(own.getvalue(), when)


def write_sheet(sheet, table: Table, styles: _Styles | None = None) -> None:
    """The table on `sheet`; `styles` the workbook's (a new one for a sheet on its own)."""
    styles = styles or _Styles()
    width = max(len(table.columns), 1)
    styles.title(sheet.cell(1, 1, table.title))
    _merge(sheet, 1, 1, 1, width)
    caption(sheet, table, width, styles)
    top = 3
    for line in table.meta + ([f"绩效目标：{table.caption_extra}"] if table.caption_extra else []):
        sheet.cell(top, 1, line)
        top += 1
    head = header_rows(table)
    filled = set()
    for r, c, cell in grid(table):
        filled.add((r, c))
        target = sheet.cell(top + r, 1 + c)
        if cell.numeric and cell.value is not None and cell.text != "":
            target.value = cell.value  # a Decimal: written as the number it is
            styles.apply(target, r < head, "right", money_format(cell.text) if cell.kind == "money" else "General")
        else:
            target.value = cell.text or None
            # codes stay text (2010101, 030101); headers centred, labels left
            styles.apply(target, r < head, "center" if r < head else "left", "@")
        if cell.colspan > 1 or cell.rowspan > 1:
            _merge(sheet, top + r, 1 + c, top + r + cell.rowspan - 1, c + cell.colspan)
    last = top + head + len(table.rows) - 1
    for r in range(max(head + len(table.rows), 1)):  # row by row, as openpyxl's iter_rows gave them
        for c in range(width):
            if (r, c) not in filled:  # the parts a merged cell covers, blank: framed like the rest
                styles.apply(sheet.cell(top + r, 1 + c), False, "left", "General")
    if table.note:
        sheet.cell(last + 2, 1, table.note)
    for c, kind in enumerate(table.column_kinds, start=1):
        sheet.column_dimensions[get_column_letter(c)].width = 14 if kind in ("money", "number") else 24
    _print_settings(sheet, table, top, head)


def _merge(sheet, row0: int, col0: int, row1: int, col1: int) -> None:
    """A merged range, recorded as such (openpyxl's merge_cells also rebuilds the border of every edge
    cell; the cells it covers are blank here and framed by write_sheet). A range of one cell is none."""
    if (row0, col0) != (row1, col1):
        ref = f"{get_column_letter(col0)}{row0}:{get_column_letter(col1)}{row1}"
        sheet.merged_cells.add(MergedCellRange(sheet, ref))


class _Styles:
    """The few cell styles of a workbook, each built once and copied (openpyxl looks every new Font,
    Alignment and Border up in a list: setting them cell by cell took two thirds of the export). The
    first cell of a style sets it through openpyxl, so the workbook's style lists are as before."""

    def __init__(self):
        self.made: dict[tuple, tuple[object, object]] = {}

    def apply(self, target, bold: bool, horizontal: str, number_format: str) -> None:
        """A table cell: framed, vertically centred, wrapped unless an amount."""
        def build():
            target.font = Font(bold=bold)
            target.alignment = Alignment(horizontal=horizontal, vertical="center", wrap_text=horizontal != "right")
            target.number_format = number_format
            target.border = BORDER
        self._style(target, ("cell", bold, horizontal, number_format), build)

    def title(self, target) -> None:
        def build():
            target.font = Font(bold=True, size=14)
            target.alignment = Alignment(horizontal="center")
        self._style(target, ("title",), build)

    def aligned(self, target, horizontal: str) -> None:
        def build():
            target.alignment = Alignment(horizontal=horizontal)
        self._style(target, ("aligned", horizontal), build)

    def _style(self, target, key: tuple, build) -> None:
        made = self.made.get(key)
        if made is not None and target.parent.parent is made[0]:
            target._style = StyleArray(made[1])
            return
        build()
        self.made[key] = (target.parent.parent, StyleArray(target._style))


def caption(sheet, table: Table, width: int, styles: _Styles | None = None) -> None:
    """Row 2 as the page heads the table: 编制单位, 预算年度, 单位：万元 (left, middle, right)."""
    unit = table.unit_line or f"编制单位：{table.unit_name}"
    year = f"预算年度：{table.year}年"
    money = f"单位：{table.money_unit}" if table.money_unit else ""
    parts = [unit, year, money] if width >= 3 else [f"{unit} {year}", money]
    columns = [1, width // 2 + 1, width] if width >= 3 else [1, width]
    styles = styles or _Styles()
    for column, text, align in zip(columns, parts, ("left", "center", "right")):
        if text:
            styles.aligned(sheet.cell(2, column, text), align)


def _print_settings(sheet, table: Table, top: int, head: int) -> None:
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "landscape" if table.wide else "portrait"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.horizontalCentered = True
    if head:
        sheet.print_title_rows = f"{top}:{top + head - 1}"
