"""Figures a Word disclosure states only in its text, taken into budget.yaml.

Many published documents give 收入合计, 基本支出, the 三公 parts … only as sentences of the 情况说明
("收入预算2931.61万元"), with the tables as scanned attachments or not at all. `check` reads those
sentences with the narrative patterns (generator/data/narrative_patterns.yaml, plus the site's own); the
import reads them with the same patterns, so that a figure the tables do not give is recorded where the
text gives it, each value commented with the line of narrative.md it came from. A figure the tables
already give is left to `check` to compare with the text (N001), never overwritten from it.

A change against last year ("比上年增加153.57万元", or 持平) gives last year's figure as this year's minus
the change, written to `previous_year` with its source, when the repository does not hold last year's
disclosure (then the figures come from there). A figure stated twice with different amounts is not
imported: both places are listed for the officer.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from generator.model.budget import Disclosure, ExpenditureTotals, IncomeTotals, ThreePublic
from generator.narrative import match_sections, parse_narrative
from generator.narrative_figures import Statement, extract
from generator.yaml_emit import Commented

# Sums of the 三公 parts: written only where the text does not give the parts (model.budget.ThreePublic)
THREE_PUBLIC_SUMS = ("three_public.vehicle", "three_public.subtotal", "three_public.total")
PREVIOUS_SOURCE = "由本年公开文本所述比上年增减额推算（budgetsite import）"


def budget_path(figure: str, data: dict) -> tuple[str, ...] | None:
    """Where a figure the narrative states is written in budget.yaml, or None for one derived only
    (or, for the planned purchases, when the document has no fixed-asset table to hold them)."""
    group, _, key = figure.partition(".")
    if figure == "procurement.total":
        return ("procurement", "total")
    if figure == "fixed_assets.planned_purchases" and "fixed_assets" in data:
        return ("fixed_assets", "planned_purchases")
    if group == "income" and key in IncomeTotals.model_fields:
        return ("totals", "income", key)
    if group == "expenditure" and key in ExpenditureTotals.model_fields:
        return ("totals", "expenditure", key)
    if figure == "operating_costs":
        return ("totals", "operating_costs")
    if group == "three_public" and key in ThreePublic.model_fields:
        return ("three_public", key)
    return None


def take_stated_figures(narrative_text: str, profile, patterns: list, imported, year: int,
                        with_previous: bool) -> None:
    """Adds to `imported.data` each figure the narrative states and the tables do not give (and, with
    `with_previous`, last year's figures from the stated changes); lists conflicting statements in
    `imported.unmapped`."""
    narrative = parse_narrative(Path("narrative.md"), narrative_text)
    match_sections(narrative, profile)
    statements, _ = extract(narrative, patterns, lambda section: section.body)
    figures = _figures(imported.data, year)
    if figures is None:
        return  # the tables' data does not validate: `check` reports why; nothing is guessed on top of it
    values = _agreed(statements, ("value",), imported)
    current: dict[str, Decimal] = {}
    for rank in range(len(THREE_PUBLIC_SUMS) + 1):  # the 三公 parts first: a sum they give is left to `check`
        if rank:
            figures = _figures(imported.data, year) or figures
        for figure, st in values.items():
            if _sum_rank(figure) != rank:
                continue
            path = budget_path(figure, imported.data)
            known = figures.value(figure)
            if known is not None:
                current[figure] = known
            elif path is not None:
                _put(imported.data, path, Commented(st.amount, _where(st)))
                current[figure] = st.amount
    if with_previous:
        _take_previous(statements, current, imported)
    _in_model_order(imported.data)


def _take_previous(statements: list[Statement], current: dict[str, Decimal], imported) -> None:
    changes = _agreed(statements, ("change", "direction"), imported)
    written: dict[str, Decimal] = {}
    for name, st in sorted(changes.items(), key=lambda item: _sum_rank(item[0].removeprefix("change."))):
        figure = name.removeprefix("change.")
        path = budget_path(figure, imported.data)
        if path is None or path[0] not in ("totals", "three_public") or figure not in current:
            continue
        if st.kind == "direction" and st.amount != 0:
            continue  # 增加 / 减少 without an amount says nothing of last year's figure
        if _given_by_parts(figure, written):
            continue
        written[figure] = current[figure] - (Decimal(0) if st.kind == "direction" else st.amount)
        _put(imported.data, ("previous_year",) + path, Commented(written[figure], _where(st, "推算自")))
    if written:
        imported.data["previous_year"]["source"] = PREVIOUS_SOURCE


def _sum_rank(figure: str) -> int:
    """Parts before the sums they make up: 0 for a part, then 公务用车, 小计, 合计."""
    return THREE_PUBLIC_SUMS.index(figure) + 1 if figure in THREE_PUBLIC_SUMS else 0


def _given_by_parts(figure: str, written: dict[str, Decimal]) -> bool:
    """Whether the 三公 parts already written give this sum (then `check` compares the stated change)."""
    vehicle = "three_public.vehicle" in written or {"three_public.vehicle_purchase",
                                                    "three_public.vehicle_operation"} <= written.keys()
    if figure == "three_public.vehicle":
        return vehicle and "three_public.vehicle" not in written
    if figure == "three_public.subtotal":
        return vehicle and {"three_public.outbound", "three_public.reception"} <= written.keys()
    return False


def _agreed(statements: list[Statement], kinds: tuple[str, ...], imported) -> dict[str, Statement]:
    """The first statement of each figure, of the kinds given; a figure stated with different amounts
    is dropped and both statements listed as not imported."""
    chosen: dict[str, Statement] = {}
    conflicting: set[str] = set()
    for st in statements:
        if st.kind not in kinds:
            continue
        first = chosen.setdefault(st.figure, st)
        if first is not st and (first.amount != st.amount or first.kind != st.kind) and st.figure not in conflicting:
            conflicting.add(st.figure)
            imported.unmapped.append(f"正文第{first.line}行“{first.excerpt}”与第{st.line}行“{st.excerpt}”"
                                     "所述不一致，未导入")
    return {figure: st for figure, st in chosen.items() if figure not in conflicting}


GROUPS = {"income": IncomeTotals, "expenditure": ExpenditureTotals, "three_public": ThreePublic}


def _in_model_order(data: dict) -> None:
    """The totals and 三公 keys in the order of the model (and of the published tables), whatever order
    the text stated them in."""
    for holder in (data, data.get("previous_year", {})):
        for parent in (holder.get("totals", {}), holder):
            for group, model in GROUPS.items():
                values = parent.get(group)
                if isinstance(values, dict):
                    order = list(model.model_fields)
                    parent[group] = dict(sorted(values.items(), key=lambda kv: order.index(kv[0])
                                                if kv[0] in order else len(order)))


def _where(st: Statement, verb: str = "") -> str:
    return f"{verb}正文第{st.line}行“{st.excerpt}”"


def _put(data: dict, path: tuple[str, ...], value) -> None:
    for key in path[:-1]:
        data = data.setdefault(key, {})
    data[path[-1]] = value


def _figures(data: dict, year: int):
    from pydantic import ValidationError

    from generator.figures import compute

    try:
        return compute(Disclosure.model_validate({"year": year, **_plain(data)}))
    except (ValidationError, ValueError, TypeError):
        return None


def _plain(value):
    if isinstance(value, Commented):
        return _plain(value.value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items() if not k.startswith("_")}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value
