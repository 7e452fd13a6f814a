"""Finding the figures a narrative states, with the patterns of data/narrative_patterns.yaml."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from pydantic import RootModel

from generator.diagnostics import Location
from generator.model.base import Strict, Text, described
from generator.model.profile import KNOWN_ROLES
from generator.narrative import Narrative, Section, line_of

BUILTIN = Path(__file__).parent / "data" / "narrative_patterns.yaml"
AMOUNT = r"\d+(?:\.\d+)?"
SUBSTITUTIONS = {
    "{amount}": rf"(?P<amount>{AMOUNT})",
    "{change}": rf"(?P<change>{AMOUNT})",
    "{dir}": r"(?P<dir>增加|减少|持平)",
    "{year}": r"\d{4}",
}
ANY_AMOUNT = re.compile(rf"{AMOUNT}万元")


class StatementPattern(Strict):
    figure: Text = described("对应的数据项名称，如 expenditure.basic")
    kind: str = described("value（默认）、item（项目明细）、change_item（项目增减明细）", default="value")
    sections: list[Text] = described("在哪些章节中查找：章节的角色（overview、three_public…，见模板的 role）")
    pattern: Text = described("正则表达式，可用 {amount} {change} {dir} {year}")

    def compiled(self) -> re.Pattern:
        return _compile(self.pattern)


@functools.lru_cache(maxsize=1024)
def _compile(pattern: str) -> re.Pattern:
    """A pattern as a regular expression; every disclosure is searched with the same few patterns."""
    text = pattern
    for key, regex in SUBSTITUTIONS.items():
        text = text.replace(key, regex)
    return re.compile(text)


@dataclass
class Statement:
    figure: str  # for changes: "change.<figure>"
    amount: Decimal  # for kind "direction": the sign stated (1 增加, -1 减少, 0 持平)
    kind: str  # value | change | direction | item | change_item | unknown
    section: str
    line: int
    column: int
    excerpt: str
    name: str = ""
    reason: str = ""  # for kind "unknown": why the amount is not checked


class PatternList(RootModel[list[StatementPattern]]):
    """narrative_patterns.yaml: a list of patterns."""


def pattern_files(content_root: Path) -> list[tuple[Path, bool]]:
    """Site patterns first (they may be more specific), then the built-in ones; (path, is_builtin)."""
    site_file = content_root / "narrative_patterns.yaml"
    return ([(site_file, False)] if site_file.exists() else []) + [(BUILTIN, True)]


def extract(narrative: Narrative, patterns: list[StatementPattern], text_of) -> tuple[list[Statement], list[Statement]]:
    """Statements found, and amounts in 万元 that no pattern recognised (for N009), in every section:
    a section whose role no pattern names has its amounts listed too, so none goes unmentioned."""
    found, unrecognised = [], []
    by_role: dict[str, list[tuple[StatementPattern, re.Pattern]]] = {}  # patterns in order, per role
    for p in patterns:
        regex = p.compiled()
        for role in dict.fromkeys(p.sections):
            by_role.setdefault(role, []).append((p, regex))
    if narrative.preamble:
        preamble = Section("", narrative.preamble, narrative.preamble_line, narrative.preamble_line)
        body = text_of(preamble)
        unrecognised.extend(_statement("", Decimal(0), "unknown", preamble, body, match.start(), match.group(),
                                       reason="前言中的数字不核对") for match in ANY_AMOUNT.finditer(body))
    for section in narrative.sections:
        if section.spec_id is None:
            continue  # a heading the template does not have: N006 reports it
        body = text_of(section)
        taken: list[tuple[int, int]] = []
        relevant = by_role.get(section.role or "", ())
        for spec, regex in relevant:
            for match in regex.finditer(body):
                start, end = match.span()
                for taken_start, taken_end in taken:
                    if start < taken_end and taken_start < end:
                        break  # overlaps text an earlier pattern consumed
                else:
                    taken.append((start, end))
                    found.extend(_statements(spec, match, section, body))
        reason = _unrecognised_reason(section, bool(relevant))
        for match in ANY_AMOUNT.finditer(body):
            start = match.start()
            for taken_start, taken_end in taken:
                if taken_start <= start < taken_end:
                    break
            else:
                unrecognised.append(_statement("", Decimal(0), "unknown", section, body, start, match.group(),
                                               reason=reason))
    return found, unrecognised


def _unrecognised_reason(section, has_patterns: bool) -> str:
    if section.role is None:
        return "章节没有对应的角色（模板中未写 role），其中的数字不核对"
    if not has_patterns:
        return "本章节没有核对规则"
    return "没有与之对应的识别规则"


SIGNS = {"增加": Decimal(1), "减少": Decimal(-1), "持平": Decimal(0)}


def _statements(spec: StatementPattern, match: re.Match, section, body: str) -> list[Statement]:
    groups = match.groupdict()
    out = []
    name = (groups.get("name") or "").strip()
    if groups.get("amount") is not None:
        kind = "item" if spec.kind == "item" else "value"
        figure = spec.figure.removeprefix("change.")
        out.append(_statement(figure, Decimal(groups["amount"]), kind, section, body, match.start("amount"),
                              match.group(), name))
    direction = groups.get("dir")
    if direction is not None:
        figure = "change." + spec.figure.removeprefix("change.")
        if groups.get("change") is None:
            # A direction without an amount only claims the sign of the change (持平: none at all).
            out.append(_statement(figure, SIGNS[direction], "direction", section, body, match.start("dir"),
                                  match.group(), name))
            return out
        amount = Decimal(groups["change"])
        if direction == "减少":
            amount = -amount
        kind = "change_item" if spec.kind == "change_item" else "change"
        out.append(_statement(figure, amount, kind, section, body, match.start("change"), match.group(), name))
    return out


def _statement(figure, amount, kind, section, body, offset, excerpt, name="", reason="") -> Statement:
    line, column = line_of(body, offset)
    return Statement(figure, amount, kind, section.role or section.spec_id or "", section.body_line + line - 1,
                     column, excerpt, name, reason)


def pattern_role_problems(doc, patterns: list[StatementPattern], display: str) -> list:
    """N016: a pattern that names a section role no template has would silently never be tried."""
    from generator.rules import diagnostic, load_all

    load_all()
    problems = []
    for i, spec in enumerate(patterns):
        for j, role in enumerate(spec.sections):
            if role not in KNOWN_ROLES:
                line, column = doc.position((i, "sections", j))
                problems.append(diagnostic("N016", Location(display, line, column), None, None,
                                           expected="、".join(KNOWN_ROLES), found=role, subject=role, role=role))
    return problems


def profile_role_problems(doc, profile, display: str) -> list:
    """N015: a template section the checks cannot place: its role is unknown, or (a required section
    of the text) it has none; the figures stated in it would go unchecked without a word."""
    from generator.rules import diagnostic, load_all

    load_all()
    problems = []
    for i, spec in enumerate(profile.sections):
        if spec.role is not None and spec.role not in KNOWN_ROLES:
            where, problem = (i, "role"), f"的角色“{spec.role}”不是已知角色"
        elif spec.effective_role is None and spec.required and not spec.glossary:
            where, problem = (i, "id"), "没有写明角色（role），其中的数字无法核对"
        else:
            continue
        line, column = doc.position(("sections", *where))
        problems.append(diagnostic("N015", Location(display, line, column), None, None,
                                   expected="、".join(KNOWN_ROLES), found=spec.role or spec.id,
                                   subject=f"sections[{i}]", section=spec.id, problem=problem))
    return problems
