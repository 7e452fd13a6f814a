"""narrative.md: the disclosure's text, split into the template's sections.

The file is a preamble followed by level-2 headings (`## 一、单位职责及机构设置情况`). Each heading is
matched to a section of the template by its title; the ordinal (六、 6、 6. （六）) is optional and is
renumbered from the template on output.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from generator.model.profile import Profile

_NUMBER = r"(?:[一二三四五六七八九十]+|[0-9０-９]{1,2})"
ORDINAL = re.compile(rf"^(?:{_NUMBER}[、.．]|[（(]{_NUMBER}[）)])\s*")  # 六、 6、 6. （六） (6)
# What a writer may have meant as an ordinal, to say so when it is not one ORDINAL accepts (6 / 第六部分 / 六:)
_LOOSE_ORDINAL = re.compile(r"^[（(]?第?[一二三四五六七八九十0-9０-９]+(?:部分)?[）)]?[、.．,，:：\s]*")
HEADING = re.compile(r"^##(?!#)\s*(?P<title>.+?)\s*#*\s*$")
PLACEHOLDER = re.compile(r"\{\{\s*(?P<name>[^{}]+?)\s*\}\}")
TABLE_MARKER = re.compile(r"^\s*\{\{\s*table:(?P<table>[a-z_]+)\s*\}\}\s*$")


@dataclass
class Section:
    heading: str  # as written, ordinal removed
    body: str  # markdown
    line: int  # 1-based line of the heading
    body_line: int  # 1-based line where the body starts
    spec_id: str | None = None
    role: str | None = None  # the template section's role (model.profile.KNOWN_ROLES), for the checks


@dataclass
class Narrative:
    path: Path
    text: str
    preamble: str
    preamble_line: int
    sections: list[Section] = field(default_factory=list)
    _references: list | None = field(default=None, init=False, repr=False, compare=False)

    def references(self) -> list[tuple[int, str, bool]]:
        """generator.markdown.references of the text, parsed once: check and the page both need them."""
        if self._references is None:
            from generator.markdown import references

            self._references = list(references(self.text))
        return self._references

    def section(self, spec_id: str) -> Section | None:
        return next((s for s in self.sections if s.spec_id == spec_id), None)

    def lines(self) -> list[str]:
        return self.text.splitlines()


def parse_narrative(path: Path, text: str) -> Narrative:
    lines = text.splitlines()
    starts = [i for i, line in enumerate(lines) if HEADING.match(line)]
    first = starts[0] if starts else len(lines)
    narrative = Narrative(path, text, "\n".join(lines[:first]).strip("\n"), 1)
    for n, start in enumerate(starts):
        end = starts[n + 1] if n + 1 < len(starts) else len(lines)
        title = HEADING.match(lines[start]).group("title")
        body_start = start + 1
        while body_start < end and not lines[body_start].strip():
            body_start += 1  # blank lines after the heading: the body's line numbers start after them
        narrative.sections.append(
            Section(ORDINAL.sub("", title).strip(), "\n".join(lines[body_start:end]).rstrip("\n"), start + 1,
                    body_start + 1)
        )
    return narrative


def section_titles(profile: Profile, spec) -> list[str]:
    names = [spec.title, *spec.aliases]
    return [name.replace("{kind}", profile.kind) for name in names]


def match_sections(narrative: Narrative, profile: Profile) -> list[Section]:
    """Attach each written section to its template section; return the ones that match none."""
    unmatched = []
    for section in narrative.sections:
        for spec in profile.sections:
            if section.heading in section_titles(profile, spec):
                section.spec_id = spec.id
                section.role = spec.effective_role
                break
        else:
            unmatched.append(section)
    return unmatched


def heading_problem(section: Section, profile: Profile) -> str:
    """Why a written heading matches no section of the template: its ordinal, or which words."""
    titles = [t for spec in profile.sections for t in section_titles(profile, spec)]
    rest = _LOOSE_ORDINAL.sub("", section.heading, count=1)
    if rest != section.heading and rest in titles:
        ordinal = section.heading[: len(section.heading) - len(rest)].strip()
        return f"序号“{ordinal}”的写法无法识别，可写 六、 6、 6. （六），或不写序号"
    other = "部门" if profile.kind == "单位" else "单位"
    for written in dict.fromkeys((section.heading, rest)):  # with and without what may be an ordinal
        if re.sub(r"\s+", "", written) in titles:
            return "标题中有多余的空格"
        if other in written and written.replace(other, profile.kind) in titles:
            return f"本模板的公开主体是“{profile.kind}”，标题中写成了“{other}”"
    return f"标题文字“{section.heading}”与模板中各章节的标题都不相同"


def line_of(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of a character offset."""
    before = text[:offset]
    line = before.count("\n") + 1
    column = offset - (before.rfind("\n") + 1) + 1
    return line, column


def substitute(text: str, resolve) -> str:
    """Replace `{{ figure.name }}` placeholders by the value `resolve(name)` gives (table markers stay)."""

    def replace(match: re.Match) -> str:
        name = match.group("name").strip()
        if name.startswith("table:"):
            return match.group(0)
        value = resolve(name)
        return match.group(0) if value is None else value

    return PLACEHOLDER.sub(replace, text)
