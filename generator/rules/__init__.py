"""The rule engine: rules are data (code, title, severity, rationale, message) plus a check.

A check yields diagnostics and never raises or stops; every rule runs on every disclosure.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Callable, Iterable, Iterator

from generator.diagnostics import Diagnostic, Location, Severity, money_difference
from generator.figures import Figures
from generator.locate import locate
from generator.money import fmt

REGISTRY: dict[str, "Rule"] = {}


@dataclass(frozen=True)
class Rule:
    code: str
    title: str
    severity: Severity
    rationale: str
    message: str  # a str.format template over the keyword arguments given by the check
    fix: str
    scope: str  # "load" (reported while reading files), "disclosure", "site" or "import" (budgetsite import)
    check: Callable | None = None
    example: str = ""  # a failing example, for the docs

    @property
    def family(self) -> str:
        return FAMILIES.get(self.code[0], "其他")


FAMILIES = {
    "S": "文件与格式",
    "C": "科目目录",
    "H": "科目层级",
    "B": "收支平衡",
    "X": "表间关系",
    "T": "“三公”经费",
    "P": "政府采购",
    "A": "国有资产",
    "F": "绩效信息",
    "N": "正文与数据一致",
    "Y": "跨年度",
    "D": "偏差确认",
    "V": "版本与更正",
    "I": "导入与新年度",
}


def rule(code: str, title: str, severity: Severity, rationale: str, message: str, fix: str,
         scope: str = "disclosure", example: str = ""):
    """Register a check function under a stable code."""

    def register(check: Callable | None) -> Callable | None:
        if code in REGISTRY:
            raise RuntimeError(f"rule code {code} registered twice")
        REGISTRY[code] = Rule(code, title, severity, rationale, message, fix, scope, check, example)
        return check

    return register


def declare(code: str, title: str, severity: Severity, rationale: str, message: str, fix: str,
            example: str = "") -> None:
    """A rule that the loader reports (syntax, schema): documented here, checked while reading."""
    rule(code, title, severity, rationale, message, fix, scope="load", example=example)(None)


@dataclass
class DisclosureContext:
    """What a disclosure rule may look at, and helpers to point at the offending value."""

    site: object
    entry: object
    disclosure: object
    figures: Figures
    cache: dict = field(default_factory=dict)  # work shared by several rules, e.g. the narrative's statements

    @property
    def profile(self):
        return self.entry.profile

    @property
    def catalogue(self):
        return self.site.catalogue

    def at(self, *path) -> Location:
        line, column = self.entry.budget_doc.position(tuple(path))
        return Location(self.entry.budget_display, line, column)

    def at_value(self, *path) -> Location:
        """The offending figure where it is written; a mapping or list (e.g. a sum of its entries) at its
        key; a figure that is not written at its nearest written ancestor's key (never at a first entry)."""
        line, column = locate(self.entry.budget_doc, tuple(path))
        return Location(self.entry.budget_display, line, column)

    def in_narrative(self, line: int, column: int = 1) -> Location:
        return Location(self.entry.narrative_display, line, column)

    def report(self, code: str, location: Location, /, *, expected=None, found=None, subject: str = "",
               about: str | None = None, should_be: Decimal | None = None, alternatives: tuple = (),
               **values) -> Diagnostic:
        return diagnostic(code, location, self.entry.unit.id, self.entry.year, expected=expected, found=found,
                          subject=subject, about=about, should_be=should_be, alternatives=alternatives, **values)


def diagnostic(code: str, location: Location, unit: str, year: int, /, *, expected=None, found=None,
               subject: str = "", about: str | None = None, should_be: Decimal | None = None,
               alternatives: tuple = (), **values) -> Diagnostic:
    """A diagnostic of a registered rule: its severity, and its message filled from `values`. `about`: the
    figure whose value (`found`) the rule contradicts; `should_be` the value the rule would accept
    (default: `expected`, when it is an amount); `alternatives`: (figure, value) pairs, other figures whose
    correction would satisfy the rule too. See generator.consequences."""
    if should_be is None and isinstance(expected, Decimal):
        should_be = expected
    spec = REGISTRY[code]
    difference = None
    if isinstance(expected, Decimal) and isinstance(found, Decimal):
        difference = money_difference(expected, found)
    return Diagnostic(
        code=code,
        severity=spec.severity,
        message=spec.message.format(**{"expected": _show(expected), "found": _show(found), **values}),
        location=location,
        expected=_show(expected),
        found=_show(found),
        difference=difference,
        unit=unit,
        year=year,
        subject=subject,
        figure=about if should_be is not None else None,
        should_be=should_be if about is not None else None,
        alternatives=tuple(alternatives) if about is not None else (),
    )


def published_mismatches(ctx: DisclosureContext, names) -> Iterator[tuple[str, Decimal, Decimal]]:
    """(figure, derived, published) for each recorded total among `names` that its parts contradict."""
    from generator.money import same

    figures = ctx.figures
    for name in names:
        published, derived = figures.published.get(name), figures.derived.get(name)
        if published is not None and derived is not None and not same(published, derived):
            yield name, derived, published


def report_published_mismatches(ctx: DisclosureContext, code: str, names, **values) -> Iterator[Diagnostic]:
    """The common shape of X001, T001, P001, A001: a recorded total against the sum of its parts."""
    from generator.figures import label

    for name, derived, published in published_mismatches(ctx, names):
        yield report_mismatch(ctx, code, name, derived, published, label(name), **values)


def report_mismatch(ctx: DisclosureContext, code: str, name: str, derived: Decimal, published: Decimal, figure: str,
                    **values) -> Diagnostic:
    """A recorded figure `name` that its parts contradict, at the place it is recorded."""
    path = ctx.figures.published_paths[name]
    return ctx.report(code, ctx.at(*path), expected=derived, found=published, subject=".".join(path),
                      about=name, figure=figure, **values)


def _show(value) -> str | None:
    """An amount as the tables print it (two decimals, more if typed); anything else as text."""
    if value is None:
        return None
    if isinstance(value, Decimal):
        return fmt(value)
    return str(value)


def at_least(amount: Decimal) -> str:
    """An expected lower bound, in the amounts' one format: ≥ 18.00."""
    return f"≥ {fmt(amount)}"


def at_most(amount: Decimal) -> str:
    return f"≤ {fmt(amount)}"


def disclosure_rules() -> Iterator[Rule]:
    return (r for r in REGISTRY.values() if r.scope == "disclosure")


def site_rules() -> Iterator[Rule]:
    return (r for r in REGISTRY.values() if r.scope == "site")


def run_disclosure_rules(ctx: DisclosureContext) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    for spec in disclosure_rules():
        found.extend(spec.check(ctx) or ())
    return found


def load_all() -> dict[str, Rule]:
    """Import every rule module so that the registry is complete."""
    from generator.rules import (  # noqa: F401
        assets,
        balance,
        catalogue_rules,
        cross_unit,
        importing_docx,
        importing_rules,
        loading,
        narrative_rules,
        performance_rules,
        procurement,
        review_marks,
        staleness,
        three_public,
        versions_rules,
    )

    return REGISTRY


Checks = Iterable[Diagnostic]
