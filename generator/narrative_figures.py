"""Finding the figures a narrative states, with the patterns of data/narrative_patterns.yaml."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from pydantic import RootModel

from generator.model.base import Strict, Text, described
from generator.narrative import Narrative, line_of

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
    sections: list[Text] = described("在哪些章节中查找")
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
    amount: Decimal
    kind: str  # value | change | item | change_item
    section: str
    line: int
    column: int
    excerpt: str
    name: str = ""


class PatternList(RootModel[list[StatementPattern]]):
    """narrative_patterns.yaml: a list of patterns."""


def pattern_files(content_root: Path) -> list[tuple[Path, bool]]:
    """Site patterns first (they may be more specific), then the built-in ones; (path, is_builtin)."""
    site_file = content_root / "narrative_patterns.yaml"
    return ([(site_file, False)] if site_file.exists() else []) + [(BUILTIN, True)]


def extract(narrative: Narrative, patterns: list[StatementPattern], text_of) -> tuple[list[Statement], list[Statement]]:
    """Statements found, and amounts in 万元 that no pattern recognised (for N009)."""
    found, unrecognised = [], []
    by_section: dict[str, list[tuple[StatementPattern, re.Pattern]]] = {}  # patterns in order, per section
    for p in patterns:
        regex = p.compiled()
        for section_id in dict.fromkeys(p.sections):
            by_section.setdefault(section_id, []).append((p, regex))
    for section in narrative.sections:
        if section.spec_id is None:
            continue
        body = text_of(section)
        taken: list[tuple[int, int]] = []
        relevant = by_section.get(section.spec_id, ())
        for spec, regex in relevant:
            for match in regex.finditer(body):
                start, end = match.span()
                for taken_start, taken_end in taken:
                    if start < taken_end and taken_start < end:
                        break  # overlaps text an earlier pattern consumed
                else:
                    taken.append((start, end))
                    found.extend(_statements(spec, match, section, body))
        if relevant:
            for match in ANY_AMOUNT.finditer(body):
                start = match.start()
                for taken_start, taken_end in taken:
                    if taken_start <= start < taken_end:
                        break
                else:
                    unrecognised.append(_statement("", Decimal(0), "unknown", section, body, start, match.group()))
    return found, unrecognised


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
        amount = Decimal(groups["change"]) if groups.get("change") is not None else Decimal(0)
        if direction == "减少":
            amount = -amount
        kind = "change_item" if spec.kind == "change_item" else "change"
        figure = "change." + spec.figure.removeprefix("change.")
        offset = match.start("change") if groups.get("change") is not None else match.start("dir")
        out.append(_statement(figure, amount, kind, section, body, offset, match.group(), name))
    return out


def _statement(figure, amount, kind, section, body, offset, excerpt, name="") -> Statement:
    line, column = line_of(body, offset)
    return Statement(figure, amount, kind, section.spec_id or "", section.body_line + line - 1, column,
                     excerpt, name)
