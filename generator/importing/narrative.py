"""A Word disclosure's text as narrative.md: the paragraphs under the profile's section headings.

A section starts at a paragraph that names one of the profile's sections (its title or an alias, {kind}
filled in) and is a heading: a Word heading style, or an ordinal (一、 / （一） / 1、) before the title.
The document's title lines, its 目录 and the headings the profile prints itself (部门预算报表, 第一部分 …
情况说明) are left out. A recognised table stands as its {{table:id}} marker where the document has it,
when the profile places that table in the section it is in (elsewhere the profile's place holds: the
table is not written twice); its title, 编制单位 / 单位：万元 lines and the note under it belong to the
table and are not copied as text. A table that is no standard table is kept as a Markdown table.
Paragraphs are kept whole, each a Markdown paragraph; Word headings inside a section become ### ….
"""

from __future__ import annotations

import re

from generator.importing.docx_reader import Flow, Para, WordGrid
from generator.importing.grids import cell_text
from generator.importing.tables import MONEY_UNIT, UNIT_LINE, Problem, normal
from generator.narrative import ORDINAL

CAPTION = re.compile(r"^(?:注[:：]|截止时间|截止日期|截至|单位[:：]|预算年度|编制(?:单位|部门)[:：])")
CAPTION_STYLES = {"Caption", "表题", "表头说明"}
NOTE_STYLES = {"表注"}
CONTENTS_HEADING = re.compile(r"^目\s*录$")
PART_HEADING = re.compile(r"^第[一二三四五六七八九十]+部分")
MARKDOWN_START = re.compile(r"^(?:[-+*#>|]|\d+[.)](?:\s|$)|={3,}|-{3,})")
MARKDOWN_INLINE = re.compile(r"([\\`*_\[\]<>|]|\{\{)")


def pick_profile(site, wanted: str, kind: str | None, year: int | None, imported, flow, tables):
    """The profile named, else the one of the document's kind (and year) whose section titles and
    table titles the document has most of."""
    if wanted in site.profiles:
        return site.profiles[wanted]
    paragraphs = flow.paragraphs if isinstance(flow, Flow) else []
    headings = {_title(p.text) for p in paragraphs if p.text.strip()}
    titles = {rec.title for recs in tables.values() for rec in recs}

    def score(profile) -> tuple:
        sections = sum(1 for s in profile.sections if normal(_filled(s.title, profile.kind)) in headings)
        named = sum(1 for t in profile.table_titles.values() if normal(_filled(t, profile.kind)) in titles)
        front = sum(1 for t in profile.front_tables if t in tables)
        covers = profile.years is None or year is None or profile.years.covers(year)
        return (covers, sections + named + front)

    candidates = [p for p in site.profiles.values() if kind is None or p.kind == kind]
    return max(sorted(candidates, key=lambda p: p.id), key=score, default=None)


def _filled(title: str, kind: str) -> str:
    return title.replace("{kind}", kind)


def _title(text: str) -> str:
    return normal(ORDINAL.sub("", text.strip()))


class _Narrative:
    def __init__(self, flow: Flow, tables, profile, imported, file: str):
        self.flow, self.profile, self.imported, self.file = flow, profile, imported, file
        self.sections = {normal(_filled(s.title, profile.kind)): s for s in profile.sections}
        for spec in profile.sections:
            for alias in spec.aliases:
                self.sections.setdefault(normal(_filled(alias, profile.kind)), spec)
        self.recognised = {id(rec.grid): rec for recs in tables.values() for rec in recs}
        self.skip = _table_text(flow.items, self.recognised)
        self.preamble: list[str] = []
        self.out: list[str] = []
        self.current = None
        self.found: list[str] = []  # section ids in the order found
        self.marked: set[str] = set()

    def run(self) -> str:
        items = self.flow.items
        start = _after_title(items)
        for index, item in enumerate(items):
            if index < start or index in self.skip:
                continue
            if isinstance(item, WordGrid):
                self.table(item)
            else:
                self.paragraph(index, item)
        self.missing()
        return "\n".join(self.preamble + self.out).rstrip() + "\n"

    def paragraph(self, index: int, para: Para) -> None:
        text = para.text.strip()
        if not text or para.style.startswith(("TOC", "toc")) or para.style == "Title" or CONTENTS_HEADING.match(normal(text)):
            return
        spec = self.sections.get(_title(text))
        if spec is not None and (para.style.startswith("Heading") or ORDINAL.match(text)):
            self.current = spec
            self.found.append(spec.id)
            self.out += [f"## {text}", ""]
            return
        if self.current is None:
            if para.style.startswith("Heading") or PART_HEADING.match(text) or \
                    normal(text) == normal(_filled(self.profile.report_title, self.profile.kind)):
                return  # 部门预算报表 / 第一部分 … 情况说明: headings the profile prints itself
            self.preamble += [_escaped(text), ""]
            return
        level = _heading_level(para.style)
        if level:
            self.out += ["#" * level + " " + text, ""]
        elif para.style.startswith("List Bullet"):
            self.out += ["- " + _escaped(text, start=False), ""]
        elif para.style.startswith("List Number"):
            self.out += ["1. " + _escaped(text, start=False), ""]
        else:
            self.out += [_escaped(text).replace("\n", "  \n"), ""]

    def table(self, grid: WordGrid) -> None:
        rec = self.recognised.get(id(grid))
        if rec is None:
            if self.current is not None and any(v is not None for row in grid.rows for v in row):
                self.out += [*_markdown_table(grid), ""]
            return
        if self.current is None or rec.id not in self.current.tables or rec.id in self.marked:
            return  # a front table, or one the profile places elsewhere: printed there, once
        self.out += [f"{{{{table:{rec.id}}}}}", ""]
        self.marked.add(rec.id)

    def missing(self) -> None:
        for spec in self.profile.sections:
            if spec.required and not spec.glossary and spec.id not in self.found:
                title = _filled(spec.title, self.profile.kind)
                self.imported.problems.append(Problem(
                    "I012", self.file, f"正文中没有“{title}”一节（模板 {self.profile.id} 要求），narrative.md 中须补写",
                    expected=f"一个以序号开头的标题，如“{title}”", found="（未找到）", error=False))


def narrative_markdown(flow: Flow, tables, profile, imported, file: str = "") -> str:
    return _Narrative(flow, tables, profile, imported, file).run()


def _after_title(items: list) -> int:
    """Where the document's text starts: after its title lines (the short lines before the first
    paragraph that reads as text, the cover and 目录 with them)."""
    for index, item in enumerate(items):
        if isinstance(item, WordGrid):
            return index
        text = item.text.strip()
        if not text or item.style == "Title" or item.style.startswith(("TOC", "toc")) or CONTENTS_HEADING.match(normal(text)):
            continue
        if len(text) > 40 or text.endswith(("：", ":", "。")) or ORDINAL.match(text) or item.style.startswith("Heading"):
            return index
    return len(items)


def _heading_level(style: str) -> int:
    match = re.match(r"Heading (\d)", style)
    return min(int(match.group(1)) + 1, 6) if match else 0  # Heading 2 is ### under a section's ##


def _escaped(text: str, start: bool = True) -> str:
    """A paragraph as Markdown text that renders as the same words: Markdown's marks escaped."""
    text = MARKDOWN_INLINE.sub(r"\\\1", text)
    return "\\" + text if start and MARKDOWN_START.match(text) else text


def _markdown_table(grid: WordGrid) -> list[str]:
    rows = [[_escaped(cell_text(v), start=False).replace("\n", " ") for v in row] for row in grid.rows]
    width = max(len(r) for r in rows)
    rows = [r + [""] * (width - len(r)) for r in rows]
    return ["| " + " | ".join(rows[0]) + " |", "|" + " --- |" * width] + ["| " + " | ".join(r) + " |" for r in rows[1:]]


def _table_text(items: list, recognised: dict) -> set[int]:
    """Indexes of the paragraphs that belong to a recognised table: its title and caption lines right
    above it, and the note under it when styled as one (the layout writes that note again). A plain
    注： paragraph stays text: the site prints an empty table's note once either way."""
    skip: set[int] = set()
    for index, item in enumerate(items):
        if not isinstance(item, WordGrid) or id(item) not in recognised:
            continue
        rec = recognised[id(item)]
        back = index - 1
        while back >= 0 and isinstance(items[back], Para) and index - back <= 5:
            para = items[back]
            text = normal(para.text)
            if para.style.startswith("Heading") or text and not (
                    para.style in CAPTION_STYLES or text == rec.title or MONEY_UNIT.search(text)
                    or UNIT_LINE.match(text.split("单位：")[0]) or CAPTION.match(text)):
                break
            skip.add(back)
            back -= 1
        after = index + 1
        while after < len(items) and isinstance(items[after], Para) and items[after].style in NOTE_STYLES:
            skip.add(after)
            after += 1
    return skip


def unit_fields(imported, kind: str) -> dict:
    """For a unit new to the site: what the 机构设置 table says of it (nature, rank, funding from its
    own row) and, for a 部门, its subordinate units (the other rows)."""
    rows = imported.data.get("institutions") or []
    plain = [{k: getattr(v, "value", v) for k, v in row.items()} for row in rows]
    fields = {k: plain[0][k] for k in ("nature", "rank", "funding") if plain and plain[0].get(k)}
    if kind == "部门" and len(plain) > 1:
        fields["subordinates"] = plain[1:]
    return fields
