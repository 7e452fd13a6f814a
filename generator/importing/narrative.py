"""A Word disclosure's text as narrative.md: paragraphs under the profile's section headings, the
tables replaced by their {{table:id}} markers, table titles, captions and notes left to the tables."""

from __future__ import annotations

import re

from generator.importing.tables import MONEY_UNIT, UNIT_LINE, normal
from generator.narrative import ORDINAL

CAPTION = re.compile(r"^(?:注[:：]|截止时间|截至|单位[:：])")


def pick_profile(site, wanted: str, kind: str | None, year: int | None, imported, flow, tables):
    """The profile named, else the one of the document's kind (and year) whose section titles and
    table titles the document has most of."""
    if wanted in site.profiles:
        return site.profiles[wanted]
    headings = {_title(item[1]) for k, item in flow if k == "p" and item[1].strip()}
    titles = {rec.title for recs in tables.values() for rec in recs}

    def score(profile) -> tuple:
        sections = sum(1 for s in profile.sections if normal(s.title.replace("{kind}", profile.kind)) in headings)
        named = sum(1 for t in profile.table_titles.values() if normal(t.replace("{kind}", profile.kind)) in titles)
        front = sum(1 for t in profile.front_tables if t in tables)
        covers = profile.years is None or year is None or profile.years.covers(year)
        return (covers, sections + named + front)

    candidates = [p for p in site.profiles.values() if kind is None or p.kind == kind]
    return max(sorted(candidates, key=lambda p: p.id), key=score, default=None)


def _title(text: str) -> str:
    return normal(ORDINAL.sub("", text.strip()))


def narrative_markdown(flow, tables, profile, imported) -> str:
    sections = {normal(s.title.replace("{kind}", profile.kind)): s for s in profile.sections}
    for s in profile.sections:
        for alias in s.aliases:
            sections.setdefault(normal(alias), s)
    placed_table = {id(rec.grid): rec for recs in tables.values() for rec in recs}
    preamble: list[str] = []
    out: list[str] = []
    current = None
    seen_markers: set[str] = set()
    skip = _caption_paragraphs(flow, placed_table)
    title_seen = False
    for index, (kind, item) in enumerate(flow):
        if kind == "t":
            rec = placed_table.get(id(item))
            table_id = rec.id if rec else None
            if current is not None and table_id and table_id not in profile.front_tables and table_id not in seen_markers:
                out += [f"{{{{table:{table_id}}}}}", ""]
                seen_markers.add(table_id)
            continue
        if index in skip:
            continue
        style, text = item
        text = text.strip()
        if not text:
            continue
        if not title_seen and (style == "Title" or style.startswith("Heading") and "预算" in text):
            title_seen = True
            continue
        spec = sections.get(_title(text))
        if spec is not None and (style.startswith("Heading") or ORDINAL.match(text)):
            current = spec
            out += [f"## {text}", ""]
            continue
        if current is None:
            if style.startswith("Heading") or normal(text) in ({normal(profile.report_title), normal(profile.explanation_title)}):
                continue  # 部门预算报表 / 部门预算情况说明: headings the profile prints itself
            preamble += [text, ""]
            continue
        level = _heading_level(style)
        out += [("#" * level + " " + text) if level else _escaped(text), ""]
    known = {_title(line[3:]) for line in out if line.startswith("## ")}
    for s in profile.sections:
        if normal(s.title.replace("{kind}", profile.kind)) not in known and s.required:
            imported.unmapped.append(f"正文中没有“{s.title.replace('{kind}', profile.kind)}”一节（模板 {profile.id} 要求）")
    return "\n".join(preamble + out).rstrip() + "\n"


def _heading_level(style: str) -> int:
    match = re.match(r"Heading (\d)", style)
    return min(max(int(match.group(1)), 3), 6) if match else 0


def _escaped(text: str) -> str:
    """A paragraph as Markdown text: a leading character Markdown would read as a list or heading escaped."""
    return "\\" + text if re.match(r"^(?:[-+*#>]|\d+[.)]\s)", text) else text


def _caption_paragraphs(flow, placed) -> set[int]:
    """Indexes of the paragraphs that belong to a recognised table: its title and caption lines right
    above it, its note right below."""
    skip: set[int] = set()
    for index, (kind, item) in enumerate(flow):
        if kind != "t" or id(item) not in placed:
            continue
        rec = placed[id(item)]
        back = index - 1
        while back >= 0 and flow[back][0] == "p" and index - back <= 4:
            text = normal(flow[back][1][1])
            if not text:
                back -= 1
                continue
            is_caption = (flow[back][1][0] == "Caption" or text == rec.title or MONEY_UNIT.search(text)
                          or UNIT_LINE.match(text.split("单位：")[0]) or CAPTION.match(text))
            if not is_caption:
                break
            skip.add(back)
            back -= 1
        after = index + 1
        if after < len(flow) and flow[after][0] == "p" and normal(flow[after][1][1]).startswith("注"):
            skip.add(after)
    return skip
