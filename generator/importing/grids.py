"""Reading a workbook (.xlsx, .xls) or a Word file's tables into grids of cell values.

A grid is one sheet or one Word table (a Word file is read by generator/importing/docx_reader.py): its rows of values (text, Decimal, or None for a blank), merged
cells filled with the value of their top-left cell (so a merged header reads the same over every column
it spans) and the merged ranges themselves (where a header block ends), and the lines written above it
(a Word table's title paragraphs). Every value keeps where it came from, `sheet!C12`, for the comments
the importer writes and for its diagnostics.

Workbooks are read with python-calamine, chosen by measurement (`python -m tests.measure_readers DIR`
on the three example disclosures exported by `budgetsite export`, best of 5, one run, 2 shared cores):

    workbook                     openpyxl   calamine
    fengnan-renda-2023.xlsx      107.8 ms     2.8 ms   (20 sheets, 61 merged ranges; 39x)
    guangyang-zhengfuban-2022     43.5 ms     1.7 ms   (8 sheets, 39 merged ranges; 26x)
    langfang-renda-2023           59.5 ms     1.4 ms   (9 sheets, 45 merged ranges; 44x)
    GBK .xls (xlwt)              xlrd 1.0 ms  calamine <0.1 ms

Both read every value and every merged range alike (openpyxl only in its full mode: read-only mode has
no merged ranges); both give a number stored as text as text (the importer parses it); calamine reads
.xls too (Chinese text of a GBK code page correct, as xlrd does), so one reader serves both formats,
and it names an encrypted workbook (PasswordError) and a truncated one (ZipError) by type. Numbers come
as floats, made Decimal from their shortest repr, never computed with as floats.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from openpyxl.utils import get_column_letter


class ReadError(Exception):
    """The file cannot be read at all: I002 (corrupt, not a workbook or document), I007 (encrypted)."""

    def __init__(self, message: str, code: str = "I002"):
        super().__init__(message)
        self.code = code


@dataclass
class Grid:
    file: str
    name: str  # the sheet's name, or 表格N for the Nth Word table
    rows: list[list[object]]
    above: list[str] = field(default_factory=list)  # text lines written above the table (Word)
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)  # (row0, col0, row1, col1), inclusive

    def ref(self, row: int, column: int) -> str:
        """A cell's address as a spreadsheet names it (0-based in, 1-based out): 收支总表!C12."""
        return f"{sheet_ref(self.name)}!{get_column_letter(column + 1)}{row + 1}"

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
    if isinstance(raw, float):  # 6.0 is the count 6, as the sheet shows it
        return Decimal(int(raw)) if raw.is_integer() else Decimal(repr(raw))
    if isinstance(raw, str):
        text = raw.strip()
        return text or None
    return str(raw)


def sheet_ref(name: str) -> str:
    """A sheet's name as a cell reference writes it: quoted when it has spaces or punctuation."""
    return name if re.fullmatch(r"[\w\u4e00-\u9fff“”（）、]+", name) else "'" + name.replace("'", "''") + "'"


OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ENCRYPTION_STREAM = "EncryptionInfo".encode("utf-16-le")  # an encrypted OOXML file is an OLE container with it


def read_workbook(path: Path) -> list[Grid]:
    from python_calamine import CalamineWorkbook, PasswordError

    _refuse_encrypted(path)
    try:
        book = CalamineWorkbook.from_path(str(path))
        grids = []
        for name in book.sheet_names:
            sheet = book.get_sheet_by_name(name)
            rows = [[_value(v) for v in row] for row in sheet.to_python(skip_empty_area=False)]
            merges = [(r0, c0, r1, c1) for (r0, c0), (r1, c1) in sheet.merged_cell_ranges or []]
            _fill_merged(rows, merges)
            grids.append(Grid(path.name, name, rows, merges=merges))
        return grids
    except PasswordError:
        raise ReadError(ENCRYPTED, "I007") from None
    except Exception as exc:  # calamine's ZipError, XmlError, CalamineError: a file it cannot read
        raise ReadError(_read_reason(path, exc)) from None


ENCRYPTED = "文件已加密（设有打开密码），请在 Excel 中取消密码后另存再导入"


def _refuse_encrypted(path: Path) -> None:
    with path.open("rb") as handle:
        head = handle.read(1 << 20)
    if head.startswith(OLE_SIGNATURE) and ENCRYPTION_STREAM in head:
        raise ReadError(ENCRYPTED, "I007")


def _read_reason(path: Path, exc: Exception) -> str:
    message = " ".join(str(exc).split())
    kind = "旧版 .xls" if path.suffix.lower() == ".xls" else ".xlsx"
    return f"文件无法读取（已损坏或不完整，或不是 Excel {kind} 工作簿）：{message[:120]}"


def _fill_merged(rows: list[list[object]], merges) -> None:
    for r0, c0, r1, c1 in merges:
        if r0 >= len(rows):
            continue
        value = rows[r0][c0] if c0 < len(rows[r0]) else None
        for r in range(r0, min(r1, len(rows) - 1) + 1):
            row = rows[r]
            row.extend([None] * (c1 + 1 - len(row)))
            for c in range(c0, c1 + 1):
                if (r, c) != (r0, c0):
                    row[c] = value
