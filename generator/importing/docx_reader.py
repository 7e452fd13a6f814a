"""Reading a published Word disclosure (.docx): its tables as grids (generator/importing/grids.py's
Grid, the same objects the spreadsheet reader makes, so that one recognition and one mapping serve
both), and the document's flow, paragraphs and tables in order, for the narrative.

Merged cells read as the spreadsheet reader reads a merged range: a cell spanning columns (gridSpan)
or rows (vMerge) gives its value to every position it covers. A cell is named the way a reader of the
Word file finds it: 表3 第5行第4列（表题）, the table's number counting every table in the document.

The XML is walked directly (python-docx's row.cells rebuilds the table's cell list for every row).
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from docx.oxml.ns import qn

from generator.importing.grids import Grid, ReadError, _value

OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # an encrypted .docx (or an old .doc) is an OLE compound file
ENCRYPTION_STREAM = "EncryptionInfo".encode("utf-16-le")  # the stream an encrypted Office file holds
W_VAL = qn("w:val")
TOC_GALLERY = "Table of Contents"


@dataclass
class WordGrid(Grid):
    number: int = 0  # 1-based, every table of the document counted
    title: str = ""

    def ref(self, row: int, column: int) -> str:
        where = f"表{self.number} 第{row + 1}行第{column + 1}列"
        return f"{where}（{self.title}）" if self.title else where


@dataclass
class Para:
    """A paragraph of the document: its style's name (Heading 1, List Bullet, TOC 1, …) and text."""

    style: str
    text: str


@dataclass
class Flow:
    """The document in reading order: Para and WordGrid items."""

    items: list = field(default_factory=list)

    @property
    def paragraphs(self) -> list[Para]:
        return [item for item in self.items if isinstance(item, Para)]


def read_docx(path: Path) -> tuple[list[WordGrid], Flow]:
    """(every table as a grid, the document's flow). ReadError when the file is no readable .docx."""
    from docx import Document

    data = path.read_bytes()
    if data.startswith(OLE_MAGIC):
        if ENCRYPTION_STREAM in data:
            raise ReadError("文件已加密（设有打开密码）：请在 Word 中取消密码后保存，再导入")
        raise ReadError("文件是旧版 Word（.doc）格式：请在 Word 中另存为“Word 文档（*.docx）”后再导入")
    if not zipfile.is_zipfile(path):
        raise ReadError("文件无法读取（已损坏，或不是 Word .docx 文档）：不是完整的 .docx 压缩包，可能下载不完整")
    try:
        word = Document(str(path))
    except Exception as exc:  # python-docx, zipfile and lxml each raise their own for a damaged part
        raise ReadError(f"文件无法读取（已损坏，或不是 Word .docx 文档）：文档内容不完整（{type(exc).__name__}）") from None
    styles = {s.style_id: s.name for s in word.styles if s.style_id}
    reader = _Reader(path.name, styles)
    reader.walk(word.element.body)
    return reader.grids, reader.flow


class _Reader:
    def __init__(self, file: str, styles: dict[str, str]):
        self.file, self.styles = file, styles
        self.grids: list[WordGrid] = []
        self.flow = Flow()
        self.recent: list[str] = []  # the last paragraphs written above the next table

    def walk(self, parent) -> None:
        for child in parent.iterchildren():
            if child.tag == qn("w:p"):
                self.paragraph(child)
            elif child.tag == qn("w:tbl"):
                self.table(child)
            elif child.tag == qn("w:sdt"):  # a content control: a contents field is left out, others read
                gallery = child.find(f"{qn('w:sdtPr')}/{qn('w:docPartObj')}/{qn('w:docPartGallery')}")
                if gallery is None or gallery.get(W_VAL) != TOC_GALLERY:
                    content = child.find(qn("w:sdtContent"))
                    if content is not None:
                        self.walk(content)

    def paragraph(self, p) -> None:
        style = p.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
        name = self.styles.get(style.get(W_VAL), style.get(W_VAL)) if style is not None else "Normal"
        text = _text(p)
        self.flow.items.append(Para(name or "Normal", text))
        if name.startswith("Heading"):  # a heading of the text, not a table's title
            self.recent = []
        elif text.strip():
            self.recent = (self.recent + [text.strip()])[-3:]

    def table(self, tbl) -> None:
        rows, merges = _cells(tbl)
        number = len(self.grids) + 1
        grid = WordGrid(self.file, f"表{number}", rows, above=_caption_lines(self.recent), merges=merges, number=number)
        grid.title = _title(grid)
        self.grids.append(grid)
        self.flow.items.append(grid)
        self.recent = []


def _text(element) -> str:
    """A paragraph's text: its runs, tabs as tabs, line breaks as new lines."""
    parts = []
    for node in element.iter(qn("w:t"), qn("w:tab"), qn("w:br"), qn("w:cr")):
        if node.tag == qn("w:t"):
            parts.append(node.text or "")
        elif node.tag == qn("w:tab"):
            parts.append("\t")
        else:
            parts.append("\n")
    return "".join(parts)


def _cell_text(tc) -> str:
    return "\n".join(_text(p) for p in tc.iter(qn("w:p"))).strip()


def _cells(tbl) -> tuple[list[list[object]], list[tuple[int, int, int, int]]]:
    """The table's values, row by row, merged cells filled over every position they cover; and the
    merged ranges (row0, col0, row1, col1), inclusive, as a workbook's merged cells are given."""
    rows: list[list[object]] = []
    spans: dict[tuple[int, int], list[int]] = {}  # (row0, col0) → [row1, col1]
    open_down: dict[int, tuple[int, int]] = {}  # column → the merge running down it
    for tr in tbl.iterchildren(qn("w:tr")):
        row: list[object] = []
        properties = tr.find(qn("w:trPr"))
        before = properties.find(qn("w:gridBefore")) if properties is not None else None
        if before is not None:
            row.extend([None] * int(before.get(W_VAL, "0")))
        for tc in tr.iterchildren(qn("w:tc")):
            tc_pr = tc.find(qn("w:tcPr"))
            span_el = tc_pr.find(qn("w:gridSpan")) if tc_pr is not None else None
            span = int(span_el.get(W_VAL, "1")) if span_el is not None else 1
            merge = tc_pr.find(qn("w:vMerge")) if tc_pr is not None else None
            column, r = len(row), len(rows)
            if merge is not None and merge.get(W_VAL, "continue") == "continue" and column in open_down:
                above = rows[-1]
                value = above[column] if column < len(above) else None
                spans[open_down[column]][0] = r
            else:
                value = _value(_cell_text(tc))
                open_down.pop(column, None)
                if span > 1 or merge is not None:  # a restart: the merge runs down from here
                    spans[(r, column)] = [r, column + span - 1]
                    if merge is not None:
                        open_down[column] = (r, column)
            row.extend([value] * span)
        rows.append(row)
    return rows, [(r0, c0, r1, c1) for (r0, c0), (r1, c1) in spans.items() if (r0, c0) != (r1, c1)]


def _caption_lines(recent: list[str]) -> list[str]:
    """The lines right above a table that may be its title and captions: those after the last one that
    reads as text leading into the table (具体内容见下表。 / 机构设置：), which is no title."""
    lines: list[str] = []
    for line in reversed(recent):
        if line.rstrip().endswith(("。", "：", ":", "；")):
            break
        lines.insert(0, line)
    return lines


def _title(grid: WordGrid) -> str:
    """The table's title as the document shows it: the paragraph right above, or its first row when
    the title is written inside the table (a one-text first row)."""
    from generator.importing.tables import TITLES, normal

    candidates = list(reversed(grid.above)) + [" ".join(dict.fromkeys(str(v) for v in row if v is not None))
                                              for row in grid.rows[:2]]
    for line in candidates:
        if any(word in normal(line) for _, words in TITLES for word in words) and len(normal(line)) < 80:
            return normal(line)
    return normal(grid.above[-1]) if grid.above and len(normal(grid.above[-1])) < 40 else ""
