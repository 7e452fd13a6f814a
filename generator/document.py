"""One renderer-neutral model of a disclosure, shared by the HTML site and the PDF.

`build_document(ctx, site)` puts everything in published order: title, preamble, the front tables
(tables-first templates), then the template's sections numbered in the template's style; each section
is a list of blocks, HTML fragments from the narrative and `Table` objects where the `{{table:id}}`
markers stand, dressed by the template's table layout (generator/layout.py). Renderers only lay out
what is here; they never re-derive numbers or order.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape

import re
import unicodedata

from generator import markdown
from generator.layout import apply_layout
from generator.money import fmt_plain
from generator.narrative import TABLE_MARKER, Section, substitute
from generator.tables import BuildInput, Table, build_tables

ORDINALS = "一二三四五六七八九十"


def ordinal(n: int) -> str:
    """1 → 一, 10 → 十, 11 → 十一, 21 → 二十一 (enough for any template)."""
    if n <= 10:
        return ORDINALS[n - 1]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else ORDINALS[tens - 1]) + "十" + (ORDINALS[ones - 1] if ones else "")


def numbered(n: int, style: str = "一、") -> str:
    """A section's number in the template's style (Profile.section_numbering): 六、 / 6、 / （六）."""
    if style == "1、":
        return f"{n}、"
    if style == "（一）":
        return f"（{ordinal(n)}）"
    return f"{ordinal(n)}、"


@dataclass
class HtmlBlock:
    """A fragment of safe HTML rendered from the narrative Markdown."""

    html: str
    kind: str = "html"
    source: str = ""  # the Markdown it was rendered from, figures filled in (to compare with table notes)


@dataclass
class TableBlock:
    table: Table
    kind: str = "table"


Block = HtmlBlock | TableBlock


@dataclass
class DocSection:
    id: str  # the template's section id, e.g. "overview"
    number: int  # 1-based position in the template
    ordinal: str  # the number as printed, with its punctuation: 一、 / 1、 / （一）
    title: str  # without ordinal, {kind} filled in
    blocks: list[Block] = field(default_factory=list)
    glossary: bool = False  # a 名词解释 section

    @property
    def heading(self) -> str:
        return f"{self.ordinal}{self.title}"

    @property
    def anchor(self) -> str:
        return f"s-{self.id}"

    @property
    def tables(self) -> list[Table]:
        return [b.table for b in self.blocks if isinstance(b, TableBlock)]


@dataclass
class Document:
    unit_id: str
    unit: object  # generator.model.Unit
    year: int
    kind: str  # 部门 | 单位
    title: str
    preamble_html: str
    report_title: str  # heading above the front tables ("" when none)
    explanation_title: str  # heading above the sections when front tables exist
    front_tables: list[Table]
    sections: list[DocSection]
    disclosure: object  # generator.model.Disclosure
    figures: object  # generator.figures.Figures
    profile: object
    versions: object = None  # generator.versions.History when the disclosure was corrected after publication

    @property
    def tables(self) -> list[Table]:
        """Every table shown, in page order."""
        return self.front_tables + [t for s in self.sections for t in s.tables]

    @property
    def report_label(self) -> str:
        """The front tables' entry in a table of contents: their heading, or, for a template that
        prints none (report_title: ""), a plain description of them."""
        return self.report_title or f"{self.kind}预算报表"


def _fill(template: str, unit_name: str, year: int, kind: str) -> str:
    return template.replace("{unit}", unit_name).replace("{year}", str(year)).replace("{kind}", kind)


def _shown(tables: list[Table]) -> list[Table]:
    """Empty tables are shown only with their 空表列示 note."""
    return [t for t in tables if not (t.empty or not t.rows) or t.note]


def _resolver(figures):
    def resolve(name: str) -> str | None:
        value = figures.value(name)
        return None if value is None else fmt_plain(value)

    return resolve


def _narrative_blocks(body: str, tables: dict[str, list[Table]], placed: set[str], resolve,
                      unrendered: list[HtmlBlock]) -> list[Block]:
    """The section's text and tables in order; its text blocks are added to `unrendered` (the document's
    Markdown is rendered in one pass once all of it is known)."""
    blocks: list[Block] = []
    chunk: list[str] = []

    def flush() -> None:
        text = "\n".join(chunk).strip()
        if text:
            block = HtmlBlock("", source=substitute(text, resolve))
            blocks.append(block)
            unrendered.append(block)
        chunk.clear()

    for line in body.splitlines():
        marker = TABLE_MARKER.match(line)
        if marker is None:
            chunk.append(line)
            continue
        flush()
        table_id = marker.group("table")
        placed.add(table_id)
        blocks.extend(TableBlock(t) for t in _shown(tables.get(table_id, [])))
    flush()
    return blocks


def _glossary_html(site, unit) -> str:
    settings = site.settings
    entries = settings.glossary if settings else []
    items = "".join(
        f"<dt>{escape(e.term)}</dt><dd>{escape(e.definition.replace('{level}', unit.level))}</dd>" for e in entries
    )
    return f'<dl class="glossary">{items}</dl>' if items else ""


def _section(spec, number, written: Section | None, b: "_Build") -> DocSection | None:
    title = spec.title.replace("{kind}", b.kind)
    section = DocSection(spec.id, number, numbered(number, b.numbering), title, glossary=spec.glossary)
    placed: set[str] = set()
    if written is not None:
        section.blocks = _narrative_blocks(written.body, b.tables, placed, b.resolve, b.unrendered)
    elif spec.glossary:
        html = _glossary_html(b.site, b.unit)
        section.blocks = [HtmlBlock(html)] if html else []
    for table_id in spec.tables:
        if table_id not in placed:
            section.blocks.extend(TableBlock(t) for t in _shown(b.tables.get(table_id, [])))
    if written is None and not section.blocks and not spec.required:
        return None
    _note_once(section.blocks)
    return section


# ---- a 空表列示 note said once ------------------------------------------------------------------------

EMPTY_TABLE = "空表列示"
_SENTENCE_END = re.compile(r"(?<=[。；;！!？?])|\n")


def _plain(text: str) -> str:
    """Text without whitespace, punctuation, symbols or Markdown marks, and without a leading 注."""
    kept = "".join(ch for ch in text if unicodedata.category(ch)[0] not in "PSZC")
    return kept[1:] if kept.startswith("注") else kept


def _note_once(blocks: list[Block]) -> None:
    """An empty table's note is not printed again under the table when the narrative right before or
    after it (same section) already says it: the same words, punctuation and spacing aside, or a
    sentence of its own saying 空表列示. Each such sentence answers for one table only."""
    claimed: set[tuple[int, int]] = set()  # (block index, sentence index) already standing for a note
    for index, block in enumerate(blocks):
        if not isinstance(block, TableBlock) or not block.table.note:
            continue
        neighbours = [i for i in (index - 1, index + 1) if 0 <= i < len(blocks) and isinstance(blocks[i], HtmlBlock)]
        note = _plain(block.table.note)
        if any(note and note in _plain(blocks[i].source) for i in neighbours):
            block.table.note = ""
            continue
        if EMPTY_TABLE not in block.table.note:
            continue
        for i in reversed(neighbours):  # the text under the table first: that is where a note stands
            sentences = _SENTENCE_END.split(blocks[i].source)
            free = [n for n, s in enumerate(sentences) if EMPTY_TABLE in s and (i, n) not in claimed]
            if free:
                claimed.add((i, free[0]))
                block.table.note = ""
                break


@dataclass
class _Build:
    site: object
    unit: object
    kind: str
    tables: dict[str, list[Table]]
    resolve: object
    unrendered: list[HtmlBlock]  # the narrative's text blocks, before their one Markdown pass
    numbering: str = "一、"


def build_document(ctx, site) -> Document:
    """The disclosure of one unit and year, in published order. `ctx` is a check DisclosureContext."""
    entry, profile, disclosure = ctx.entry, ctx.profile, ctx.disclosure
    unit = entry.unit.unit
    built = BuildInput(disclosure, ctx.figures, profile, site.catalogue, unit)
    tables = apply_layout(build_tables(built), built)
    b = _Build(site, unit, profile.kind, tables, _resolver(ctx.figures), [], profile.section_numbering)
    narrative = entry.narrative
    written: dict[str, Section] = {}
    if narrative is not None:  # sections were matched to the profile when the content was loaded
        written = {s.spec_id: s for s in narrative.sections if s.spec_id}
    sections = []
    for number, spec in enumerate(profile.sections, start=1):
        section = _section(spec, number, written.get(spec.id), b)
        if section is not None:
            sections.append(section)
    _renumber(sections, profile.section_numbering)
    year, name = disclosure.year, unit.name
    preamble = narrative.preamble if narrative and narrative.preamble.strip() else _fill(profile.preamble, name, year, b.kind)
    front = [t for table_id in profile.front_tables for t in _shown(tables.get(table_id, []))]
    preamble_html = _render_markdown(b.unrendered, substitute(preamble, b.resolve) if preamble else "")
    return Document(
        unit_id=entry.unit.id, unit=unit, year=year, kind=b.kind,
        title=disclosure.title or _fill(profile.title, name, year, b.kind),
        preamble_html=preamble_html,
        report_title=_fill(profile.report_title, name, year, b.kind) if front else "",
        explanation_title=_fill(profile.explanation_title, name, year, b.kind) if front else "",
        front_tables=front, sections=sections, disclosure=disclosure, figures=ctx.figures, profile=profile,
        versions=_corrected_history(site, entry),
    )


def _render_markdown(blocks: list[HtmlBlock], preamble: str) -> str:
    """The sections' text blocks, then the preamble (heading ids are given in that order), in one
    Markdown pass; the preamble's HTML ("" when there is none)."""
    html = markdown.render_many([b.source for b in blocks] + ([preamble] if preamble else []))
    for block, fragment in zip(blocks, html):
        block.html = fragment
    return html[-1] if preamble else ""


def _corrected_history(site, entry):
    """The disclosure's versions (generator/versions.py), only when it was corrected after publication."""
    from generator.versions import history_of

    history = history_of(site, entry)
    return history if history is not None and history.corrections else None


def _renumber(sections: list[DocSection], style: str) -> None:
    """Ordinals follow the sections actually shown (an omitted optional section leaves no gap)."""
    for number, section in enumerate(sections, start=1):
        section.number, section.ordinal = number, numbered(number, style)
