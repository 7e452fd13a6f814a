"""Consequences: diagnostics that another diagnostic of the same disclosure explains.

A data error whose subject is a figure (X001, X003, T001, B005 …) says which value the figure should
have. When giving the figure that value makes other diagnostics go away — the narrative's N001 that
quotes the right amount, the B005 whose total adds the wrong figure up, the N002 on its change against
last year — those are its consequences: one problem to fix, reported under its cause. The test is run, not
guessed: the disclosure's rules are run again with the figure corrected.

A rule that adds figures up may be broken by any of them: 基本支出 ≠ 人员经费 + 公用经费 may be a mistyped
公用经费. Such a cause also names the parts that could be wrong (`alternatives`); a part whose correction
settles more diagnostics than the rule's own figure, and creates none, explains them instead, and the
cause says so (`explained_as`).
"""

from __future__ import annotations

import dataclasses

from generator.diagnostics import Diagnostic, Severity
from generator.figures import Figures, label
from generator.money import fmt
from generator.rules import DisclosureContext, run_disclosure_rules

# Which cause explains a diagnostic that several would: the rule that compares a figure with its own line
# items first (it has the strongest evidence), then the rules that compare figures with each other.
CAUSE_ORDER = ("X001", "X002", "T001", "P001", "A001", "X003", "P005", "B006", "B005", "B004", "B003", "B002", "B001")


def link(ctx: DisclosureContext, diagnostics: list[Diagnostic]) -> None:
    """Set `caused_by` on each of `diagnostics` that a cause among them explains."""
    causes = sorted((d for d in diagnostics if d.figure is not None), key=_priority)
    roots: set[str] = set()
    explained: set[str] = set()
    for cause in causes:
        if cause.key in explained:
            continue  # a cause explained by a more specific one is a consequence, not a cause of its own
        roots.add(cause.key)
        gone = _best_explanation(ctx, cause, diagnostics) - roots - explained
        for diagnostic in diagnostics:
            # a notice (what could not be checked) is no problem a correction settles: it stays listed
            if diagnostic.key in gone and diagnostic.severity is not Severity.INFO:
                diagnostic.caused_by = cause.key
        explained |= gone
    _same_difference_from_line_items(diagnostics)


# Rules that compare recorded figures with the sums of the line items.
LINE_ITEM_RULES = ("X001", "X002")


def _same_difference_from_line_items(diagnostics: list[Diagnostic]) -> None:
    """One mistyped line item puts every recorded total that sums it off by the same amount (本年收入合计,
    本年支出合计, 基本支出, the economic table's 合计…): one fact, reported once, under the first of them."""
    first: dict[str, Diagnostic] = {}
    for diagnostic in sorted(diagnostics, key=_priority):
        if diagnostic.code not in LINE_ITEM_RULES or diagnostic.caused_by or not diagnostic.difference:
            continue
        difference = diagnostic.difference.lstrip("+-")  # X002 compares the other way round
        cause = first.setdefault(difference, diagnostic)
        if cause is not diagnostic:
            for other in diagnostics:  # what it explained, its cause now explains
                if other.caused_by == diagnostic.key:
                    other.caused_by = cause.key
            diagnostic.caused_by = cause.key
            cause.explained_as = cause.explained_as or (
                f"几处记录的合计与明细都相差 {difference}，多半是某一明细行录错；若改正该明细行")


def nest(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """The diagnostics to report at the top, each unacknowledged cause holding its consequences. A cause
    the author acknowledged explains nothing away: its consequences stay problems of their own."""
    causes = {d.key: d for d in diagnostics if d.counts_as_error and d.caused_by is None}
    top = []
    for diagnostic in diagnostics:
        diagnostic.consequences = []
    for diagnostic in diagnostics:
        cause = causes.get(diagnostic.caused_by) if diagnostic.caused_by else None
        if cause is None:
            top.append(diagnostic)
        else:
            cause.consequences.append(diagnostic)
    for cause in causes.values():
        cause.consequences.sort(key=Diagnostic.sort_key)
    return top


def _priority(diagnostic: Diagnostic):
    rank = CAUSE_ORDER.index(diagnostic.code) if diagnostic.code in CAUSE_ORDER else len(CAUSE_ORDER)
    return (rank, diagnostic.sort_key())


def _best_explanation(ctx: DisclosureContext, cause: Diagnostic, diagnostics: list[Diagnostic]) -> set[str]:
    """The keys of the diagnostics that correcting the cause settles: with its own figure corrected, or
    with an alternative figure that settles more and creates no new diagnostic."""
    gone, _ = _effect(ctx, (cause.figure, cause.should_be), cause, diagnostics)
    for figure, value in cause.alternatives:
        settled, created = _effect(ctx, (figure, value), cause, diagnostics)
        if not created and len(settled) > len(gone):
            gone, cause.explained_as = settled, f"若{label(figure)}为 {fmt(value)}"
    return gone


def _effect(ctx: DisclosureContext, correction: tuple, cause: Diagnostic,
            diagnostics: list[Diagnostic]) -> tuple[set[str], set[str]]:
    """(keys no longer reported, keys newly reported) once `correction` (figure, value) is made."""
    corrected = DisclosureContext(ctx.site, ctx.entry, ctx.disclosure, _with_value(ctx.figures, *correction))
    before = {d.key for d in diagnostics}
    after = {d.key for d in run_disclosure_rules(corrected)}
    return before - after - {cause.key}, after - before


def _with_value(figures: Figures, name: str, value) -> Figures:
    """A copy of `figures` in which `name` has `value` (where it is published, else where it is derived)."""
    trial = dataclasses.replace(figures, derived=dict(figures.derived), published=dict(figures.published))
    (trial.published if name in figures.published else trial.derived)[name] = value
    return trial
