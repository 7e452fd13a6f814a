"""Reading a workbook (.xlsx, .xls) or a Word file's tables into grids of cell values.

A grid is one sheet or one Word table (a Word file is read by generator/importing/docx_reader.py): its rows of values (text, Decimal, or None for a blank), merged
cells filled with the value of their top-left cell (so a merged header reads the same over every column
it spans), and the lines written above it (a Word table's title paragraphs). Every value keeps where it
came from, `sheet!C12`, for the comments the importer writes and for its diagnostics.

Workbooks are read with python-calamine (one reader for both formats, and the fastest: see
docs/content-format.md); numbers come as floats, made Decimal from their shortest repr, never
computed with as floats.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from openpyxl.utils import get_column_letter


class ReadError(Exception):
    """The file cannot be read at all (corrupt, encrypted, not a workbook or document)."""


@dataclass
class Grid:
    file: str
    name: str  # the sheet's name, or 表格N for the Nth Word table
    rows: list[list[object]]
    above: list[str] = field(default_factory=list)  # text lines written above the table (Word)

    def ref(self, row: int, column: int) -> str:
        """A cell's address as a spreadsheet names it (0-based in, 1-based out): 收支总表!C12."""
        return f"{self.name}!{get_column_letter(column + 1)}{row + 1}"

    def text(self, row: int, column: int) -> str:
        value = self.rows[row][column] if column < len(self.rows[row]) else None
        return cell_text(value)

    @property
    def width(self) -> int:
        return max((len(r) for r in self.rows), default=0)


def cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral() else format(value, "f")
    return " ".join(str(value).split())


def _value(raw):
    """A cell's value: text stripped, a number as Decimal (a float through its shortest repr), blank None."""
    if raw is None or raw == "":
        return None
    if isinstance(raw, bool):
        return str(raw)
    if isinstance(raw, int):
        return Decimal(raw)
    if isinstance(raw, float):
        return Decimal(repr(raw))
    if isinstance(raw, str):
        text = raw.strip()
        return text or None
    return str(raw)


def read_workbook(path: Path) -> list[Grid]:
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_path(str(path))
        grids = []
        for name in book.sheet_names:
            sheet = book.get_sheet_by_name(name)
            rows = [[_value(v) for v in row] for row in sheet.to_python(skip_empty_area=False)]
            _fill_merged(rows, sheet.merged_cell_ranges or [])
            grids.append(Grid(path.name, name, rows))
        return grids
    except Exception as exc:  # calamine reports corrupt, encrypted and foreign files by message only
        raise ReadError(_read_reason(path, exc)) from None


def _read_reason(path: Path, exc: Exception) -> str:
    head = path.read_bytes()[:8] if path.is_file() else b""
    message = str(exc)
    if head.startswith(b"\xd0\xcf\x11\xe0") and path.suffix.lower() == ".xlsx" or "password" in message.lower() \
            or "encrypt" in message.lower():
        return "文件已加密（设有打开密码），请在 Excel 中取消密码后另存再导入"
    return f"文件无法读取（已损坏，或不是 Excel 工作簿）：{message[:120]}"


def _fill_merged(rows: list[list[object]], ranges) -> None:
    for (r0, c0), (r1, c1) in ranges:
        if r0 >= len(rows):
            continue
        value = rows[r0][c0] if c0 < len(rows[r0]) else None
        for r in range(r0, min(r1, len(rows) - 1) + 1):
            row = rows[r]
            row.extend([None] * (c1 + 1 - len(row)))
            for c in range(c0, c1 + 1):
                if (r, c) != (r0, c0):
                    row[c] = value
