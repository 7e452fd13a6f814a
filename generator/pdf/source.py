"""The document the PDF prints: `generator.document.build_document` when available.

Until the site's document model exists, a minimal stand-in with the same shape is built here from
the narrative and `generator.tables` (title, preamble_html, front_tables, sections with ordinal,
title and blocks — HTML fragments or Table objects).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from generator.narrative import TABLE_MARKER, match_sections, substitute
from generator.tables import BuildInput, Table, build_tables

ORDINALS = "一二三四五六七八九十"


@dataclass
class Section:
    ordinal: str
    title: str
    blocks: list = field(default_factory=list)  # str (HTML fragment) | Table


@dataclass
class Document:
    title: str
    preamble_html: str
    front_tables: list[Table]
    sections: list[Section]
    report_title: str = ""
    explanation_title: str = ""


def document_for(ctx, site) -> object:
    """The renderer-neutral document of one disclosure."""
    try:
        from generator.document import build_document
    except ImportError:
        return _fallback(ctx, site)
    return build_document(ctx, site)


def all_tables(document) -> list[Table]:
    """Every Table of a document, in print order."""
    tables = list(getattr(document, "front_tables", []) or [])
    for section in document.sections:
        tables.extend(b for b in section.blocks if isinstance(b, Table))
    return tables


def _fallback(ctx, site) -> Document:
    from generator.figures import label  # noqa: F401  (kept for parity with the site model)
    from generator.markdown import render
    from generator.money import fmt_plain

    entry, profile = ctx.entry, ctx.profile
    unit = entry.unit.unit
    tables = build_tables(BuildInput(ctx.disclosure, ctx.figures, profile, site.catalogue, unit))

    def resolve(name: str):
        value = ctx.figures.value(name)
        return None if value is None else fmt_plain(abs(value) if name.startswith("change.") else value)

    narrative = entry.narrative
    if narrative is not None:
        match_sections(narrative, profile)
    fmt_args = {"unit": unit.name, "year": entry.year, "kind": profile.kind}
    preamble = narrative.preamble if narrative and narrative.preamble else profile.preamble.format(**fmt_args)
    sections = []
    for n, spec in enumerate(profile.sections):
        written = narrative.section(spec.id) if narrative else None
        body = substitute(written.body, resolve) if written else ""
        blocks, used = _blocks(body, tables, render)
        blocks.extend(t for tid in spec.tables if tid not in used for t in tables.get(tid, []))
        sections.append(Section(ORDINALS[n] if n < len(ORDINALS) else str(n + 1),
                                spec.title.replace("{kind}", profile.kind), blocks))
    front = [t for tid in profile.front_tables for t in tables.get(tid, [])]
    return Document(profile.title.format(**fmt_args), render(substitute(preamble, resolve)), front, sections,
                    profile.report_title.format(**fmt_args), profile.explanation_title.format(**fmt_args))


def _blocks(body: str, tables: dict, render) -> tuple[list, set]:
    """Split a section body at {{table:id}} markers into HTML fragments and tables."""
    blocks, used, chunk = [], set(), []
    for line in body.splitlines():
        marker = TABLE_MARKER.match(line)
        if marker and marker.group("table") in tables:
            if chunk:
                blocks.append(render("\n".join(chunk)))
                chunk = []
            used.add(marker.group("table"))
            blocks.extend(tables[marker.group("table")])
        else:
            chunk.append(line)
    if "\n".join(chunk).strip():
        blocks.append(render("\n".join(chunk)))
    return blocks, used
