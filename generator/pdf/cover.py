"""The covers of the printed disclosure and compendium: the unit name set on lines that break only
between words, at a size fitted to the cover's line; the issuing authority; the publication date."""

from __future__ import annotations

import re
from dataclasses import dataclass

from generator.pdf.columns import PT, text_em

# The cover's title block in themes/print/print.css (.cover-title: 150 mm wide, 22 pt at most).
LINE_WIDTH = 150  # mm
LARGEST, SMALLEST = 22.0, 15.0  # pt: a long name is set smaller, down to this, before it is broken
# Where an organisation's name may be broken: after the words that end its parts (region, body, office).
WORD_ENDS = re.compile(r"(?:人民代表大会常务委员会|常务委员会|人民代表大会|人民政府|委员会|办公室|办事处|"
                       r"自治区|自治州|自治县|街道|[省市区县旗镇乡局厅院所站处科部会队中心馆])")
DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")


@dataclass(frozen=True)
class NameLines:
    """A name as set on the cover: its lines (each never broken inside) and the font size in pt."""

    lines: tuple[str, ...]
    size: float


def fitted(name: str, largest: float = LARGEST, width: float = LINE_WIDTH) -> NameLines:
    """One line at the largest size that fits the line width (not below SMALLEST); a name too long for
    that is broken between two words, as near its middle as the words allow, at the size that fits."""
    if not name:
        return NameLines((), largest)
    one_line = _size_for(name, largest, width)
    if one_line >= SMALLEST:
        return NameLines((name,), one_line)
    best = None
    for cut in _word_breaks(name):
        lines = (name[:cut], name[cut:])
        size = min(_size_for(line, largest, width) for line in lines)
        if best is None or size > best.size:
            best = NameLines(lines, size)
    return best or NameLines(_at_line_width(name, width), SMALLEST)  # no word to break at


def _at_line_width(text: str, width: float) -> tuple[str, ...]:
    """The text cut where the line is full at the smallest size: the line width breaks it."""
    lines, line = [], ""
    for char in text:
        if line and text_em(line + char) * SMALLEST * PT > width:
            lines.append(line)
            line = ""
        line += char
    return tuple(lines + [line])


def _size_for(text: str, largest: float, width: float) -> float:
    return min(largest, width / (text_em(text) * PT))


def _word_breaks(name: str) -> list[int]:
    return [m.end() for m in WORD_ENDS.finditer(name) if 0 < m.end() < len(name)]


def split_title(title: str, unit_name: str) -> tuple[str, str]:
    """A disclosure title as the cover sets it: the unit's name, then the rest (2023年部门预算信息公开情况
    说明) on a line of its own; a title that does not begin with the name is kept whole."""
    if unit_name and title.startswith(unit_name) and len(title) > len(unit_name):
        return unit_name, title[len(unit_name):]
    return "", title


def publication_date(published: str) -> str:
    """The disclosure's `published` date as printed (2023-02-10 → 2023年2月10日); blank when the content
    has none (never today's date)."""
    match = DATE.fullmatch(published.strip())
    if not match:
        return published.strip()
    year, month, day = (int(g) for g in match.groups())
    return f"{year}年{month}月{day}日"
