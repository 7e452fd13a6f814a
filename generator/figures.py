"""Named figures of a disclosure: derived from the line items, or as published.

Every check, every narrative placeholder and every chart reads figures by name, e.g.
`expenditure.basic` or `three_public.subtotal`; `previous.*` and `change.*` give last year and the
difference.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from generator.model import Disclosure
from generator.model.budget import FISCAL_SOURCES, SOURCE_LABELS, SPENDING_KINDS, ThreePublic, Totals
from generator.money import ZERO, fmt, same, total

UNIT_FUND_SOURCES = ("business", "operating", "higher_subsidy", "affiliate_remit", "other")
THREE_PUBLIC_LEAVES = ("outbound", "outbound_research", "outbound_other", "vehicle_purchase",
                       "vehicle_operation", "vehicle", "reception", "meeting", "training")

FIGURE_LABELS: dict[str, str] = {
    "income.total": "本年收入合计",
    **{f"income.{k}": v for k, v in SOURCE_LABELS.items()},
    "income.unit_funds": "单位资金收入",
    "income.carry_over": "上年结转结余",
    "income.grand_total": "收入总计",
    "expenditure.total": "本年支出合计",
    **{f"expenditure.{k}": v for k, v in SPENDING_KINDS.items()},
    "expenditure.personnel": "人员经费",
    "expenditure.public": "公用经费",
    "expenditure.year_end_balance": "年终结转结余",
    "expenditure.grand_total": "支出总计",
    "operating_costs": "机关运行经费",
    "three_public.total": "“三公”经费表合计",
    "three_public.subtotal": "“三公”经费",
    "three_public.outbound": "因公出国（境）费",
    "three_public.outbound_research": "教学科研人员学术交流合作",
    "three_public.outbound_other": "其他人员因公出国（境）",
    "three_public.vehicle": "公务用车购置及运维费",
    "three_public.vehicle_purchase": "公务用车购置费",
    "three_public.vehicle_operation": "公务用车运行维护费",
    "three_public.reception": "公务接待费",
    "three_public.meeting": "会议费",
    "three_public.training": "培训费",
    "procurement.total": "政府采购预算",
    "fixed_assets.total": "上年末固定资产总额",
    "fixed_assets.planned_purchases": "本年拟购置固定资产",
}


def label(name: str) -> str:
    prefix = ""
    for head, text in (("previous.", "上年"), ("change.", "比上年增减：")):
        if name.startswith(head):
            prefix, name = text, name[len(head):]
    return prefix + FIGURE_LABELS.get(name, name)


UNKNOWN = "—"  # an amount the disclosure neither types nor implies (docs/site.md): never 0.00


def shown(amount: Decimal | None) -> str:
    """An amount on the site's own pages and charts: two decimals, or UNKNOWN. (The budget tables keep
    the published convention instead, where a blank cell is zero.)"""
    return UNKNOWN if amount is None else fmt(amount)


@dataclass
class Figures:
    """`value(name)` is what the tables show: the published figure where recorded, else derived."""

    derived: dict[str, Decimal] = field(default_factory=dict)
    published: dict[str, Decimal] = field(default_factory=dict)
    published_paths: dict[str, tuple] = field(default_factory=dict)
    previous: dict[str, Decimal] = field(default_factory=dict)  # last year's figures, as this year uses them
    # Where `previous` comes from: last year's disclosure in the repository (None when it is not there),
    # and the figures written in this year's `previous_year` (restated or, in a first year, the only source).
    previous_disclosed: dict[str, Decimal] | None = None
    previous_restated: dict[str, Decimal] = field(default_factory=dict)
    inferred: set[str] = field(default_factory=set)  # derived from other published figures, not from line items

    def value(self, name: str) -> Decimal | None:
        if name.startswith("previous."):
            return self.previous.get(name[len("previous."):])
        if name.startswith("change."):
            base = name[len("change."):]
            now, before = self.value(base), self.previous.get(base)
            return None if now is None or before is None else now - before
        if name in self.published:
            return self.published[name]
        return self.derived.get(name)

    def current(self) -> dict[str, Decimal]:
        """Every figure of this year: published where recorded, else derived."""
        return {n: self.value(n) for n in sorted(set(self.derived) | set(self.published))}

    def names(self) -> list[str]:
        current = sorted(set(self.derived) | set(self.published))
        return current + [f"previous.{n}" for n in sorted(self.previous)] + [
            f"change.{n}" for n in current if n in self.previous
        ]


def compute(disclosure: Disclosure, last_year: Figures | None = None) -> Figures:
    """`last_year`: the figures of the same unit's disclosure of the year before, when it is in the
    repository; the previous-year figures then come from it (see `_previous`)."""
    figures = Figures()
    _record_published(figures, disclosure.totals, ())
    figures.derived.update(_from_line_items(disclosure))
    inferred = _from_published_parts(figures)
    figures.derived.update(inferred)
    figures.inferred = set(inferred)
    _three_public(figures, disclosure.three_public)
    _other_tables(figures, disclosure)
    figures.previous_restated = _written_previous(disclosure)
    if last_year is not None:
        figures.previous_disclosed = last_year.current()
    figures.previous = _previous(disclosure, last_year)
    return figures


def _record_published(figures: Figures, totals: Totals, prefix: tuple) -> None:
    for group in ("income", "expenditure"):
        for key, value in getattr(totals, group).model_dump().items():
            if value is not None:
                figures.published[f"{group}.{key}"] = value
                figures.published_paths[f"{group}.{key}"] = prefix + ("totals", group, key)
    if totals.operating_costs is not None:
        figures.published["operating_costs"] = totals.operating_costs
        figures.published_paths["operating_costs"] = prefix + ("totals", "operating_costs")


def _from_line_items(d: Disclosure) -> dict[str, Decimal]:
    out: dict[str, Decimal] = {}
    lines = d.functional
    if lines:
        this_year = [line for line in lines if not line.carried_over]
        for source in SOURCE_LABELS:
            out[f"income.{source}"] = total(line.amount for line in this_year if line.source == source)
        out["income.unit_funds"] = total(out[f"income.{s}"] for s in UNIT_FUND_SOURCES)
        out["income.total"] = total(line.amount for line in this_year)
        out["income.carry_over"] = total(line.amount for line in lines if line.carried_over)
        out["income.grand_total"] = out["income.total"] + out["income.carry_over"]
        for kind in SPENDING_KINDS:
            out[f"expenditure.{kind}"] = total(getattr(line, kind) for line in lines)
        out["expenditure.total"] = total(line.amount for line in lines)
        # Line items transcribe the standard tables, whose 收支总表 prints 年终结转结余: left blank
        # there, it is zero as published (an empty cell means zero), not unknown.
        balance = d.totals.expenditure.year_end_balance
        out["expenditure.year_end_balance"] = ZERO if balance is None else balance
        out["expenditure.grand_total"] = out["expenditure.total"] + out["expenditure.year_end_balance"]
    if d.economic:
        out["expenditure.personnel"] = total(line.personnel for line in d.economic)
        out["expenditure.public"] = total(line.public for line in d.economic)
    return out


GRAND_TOTALS = {  # 总计 = 本年合计 + 结转结余, both sides of the 收支总表 (docs/site.md, "Where each amount comes from")
    "income.grand_total": ("income.total", "income.carry_over"),
    "expenditure.grand_total": ("expenditure.total", "expenditure.year_end_balance"),
}


def _from_published_parts(figures: Figures) -> dict[str, Decimal]:
    """Without line items, the summary figures still imply some others."""
    out: dict[str, Decimal] = dict(_grand_totals(figures))
    value = figures.value
    if "expenditure.personnel" in figures.published and "expenditure.public" in figures.published \
            and "expenditure.basic" not in figures.derived:
        out["expenditure.basic"] = value("expenditure.personnel") + value("expenditure.public")
    public = figures.derived.get("expenditure.public", figures.published.get("expenditure.public"))
    if public is not None:
        out["operating_costs"] = public
    return out


def _grand_totals(figures: Figures):
    """收入总计 / 支出总计 not typed: the sum of their two parts, only when both are known. An untyped
    上年结转结余 or 年终结转结余 is unknown (not zero) unless line items give it, so the 总计 stays unknown:
    a disclosure without its 收支总表 does not say what it carried over unless its text states it."""
    for whole, parts in GRAND_TOTALS.items():
        if figures.value(whole) is not None:
            continue  # typed, or derived from the line items
        amounts = [figures.value(part) for part in parts]
        if all(amount is not None for amount in amounts):
            yield whole, total(amounts)


def three_public_amount(value) -> Decimal | None:
    if value is None:
        return None
    if isinstance(value, dict):
        return total(value.values())
    return value


def three_public_by_fund(value) -> dict[str, Decimal]:
    if value is None:
        return {}
    if isinstance(value, dict):
        return dict(value)
    return {"general_budget": value}


def _three_public(figures: Figures, tp: ThreePublic) -> None:
    leaves = {name: three_public_amount(getattr(tp, name)) for name in THREE_PUBLIC_LEAVES}
    _three_public_published(figures, tp)  # also when only a subtotal is recorded (no parts typed)
    if all(v is None for v in leaves.values()):
        return
    for name, amount in leaves.items():
        if amount is not None:
            figures.derived[f"three_public.{name}"] = amount
    if leaves["vehicle_purchase"] is not None or leaves["vehicle_operation"] is not None:
        figures.derived["three_public.vehicle"] = total([leaves["vehicle_purchase"], leaves["vehicle_operation"]])
    if leaves["outbound_research"] is not None or leaves["outbound_other"] is not None:
        figures.derived["three_public.outbound"] = total([leaves["outbound_research"], leaves["outbound_other"]])
    get = figures.derived.get
    figures.derived["three_public.subtotal"] = total(
        [get("three_public.outbound"), get("three_public.vehicle"), get("three_public.reception")]
    )
    figures.derived["three_public.total"] = total(
        [figures.derived["three_public.subtotal"], get("three_public.meeting"), get("three_public.training")]
    )


def _three_public_published(figures: Figures, tp: ThreePublic) -> None:
    for name in ("subtotal", "total"):
        published = three_public_amount(getattr(tp, name))
        if published is not None:
            figures.published[f"three_public.{name}"] = published
            figures.published_paths[f"three_public.{name}"] = ("three_public", name)


def _other_tables(figures: Figures, d: Disclosure) -> None:
    if d.procurement.items or d.procurement.total is not None:
        figures.derived["procurement.total"] = total(item.funded for item in d.procurement.items)
    if d.procurement.total is not None:
        figures.published["procurement.total"] = d.procurement.total
        figures.published_paths["procurement.total"] = ("procurement", "total")
    assets = d.fixed_assets
    if assets is not None:
        parts = [assets.buildings, assets.vehicles, assets.equipment, assets.other]
        figures.derived["fixed_assets.total"] = total(p.value for p in parts)
        if assets.total is not None:
            figures.published["fixed_assets.total"] = assets.total
            figures.published_paths["fixed_assets.total"] = ("fixed_assets", "total")
        if assets.planned_purchases is not None:
            figures.derived["fixed_assets.planned_purchases"] = assets.planned_purchases


def _previous(d: Disclosure, last_year: Figures | None = None) -> dict[str, Decimal]:
    """Last year's figures: those of last year's disclosure when it is in the repository, else those
    written in `previous_year`. Where both give a figure and they differ, the one written this year
    wins (a restatement, 重述; rule Y001 reports the difference); figures derived from it follow."""
    restated = _restated(d)
    if last_year is None:
        return restated
    written = _written_previous(d)
    previous = last_year.current()
    differs = {n for n, v in written.items() if not _same_or_none(previous.get(n), v)}
    for name, value in restated.items():
        if name.startswith("three_public."):
            continue
        if name in differs or (name not in written and differs - THREE_PUBLIC_WRITTEN and
                               not _same_or_none(previous.get(name), value)):
            previous[name] = value
    three_public = _restated_three_public(last_year, d.previous_year.three_public)
    if three_public is not None:
        previous = {n: v for n, v in previous.items() if not n.startswith("three_public.")} | three_public
    return previous


def _restated(d: Disclosure) -> dict[str, Decimal]:
    """The figures `previous_year` gives: those written, and those derived from them."""
    before = Figures()
    _record_published(before, d.previous_year.totals, ())
    before.derived.update(_from_published_parts(before))
    _three_public(before, d.previous_year.three_public)
    if not _every_three_public_part(d.previous_year.three_public):
        # A previous year recorded in part (only the parts a text's changes name) says nothing of the
        # others: its 三公 sum is unknown, not the sum of the parts written (unless written itself).
        for name in ("three_public.subtotal", "three_public.total"):
            before.derived.pop(name, None)
    return {name: before.value(name) for name in before.names() if before.value(name) is not None}


def _every_three_public_part(tp: ThreePublic) -> bool:
    """Whether each part of the 三公 sum is written: 出国 (or both its halves), 公务用车 (or both 购置 and
    运行维护), 接待."""
    def written(*names: str) -> bool:
        return all(getattr(tp, name) is not None for name in names)

    return ((written("outbound") or written("outbound_research", "outbound_other"))
            and (written("vehicle") or written("vehicle_purchase", "vehicle_operation"))
            and written("reception"))


THREE_PUBLIC_FIELDS = THREE_PUBLIC_LEAVES + ("subtotal", "total")
THREE_PUBLIC_WRITTEN = frozenset(f"three_public.{name}" for name in THREE_PUBLIC_FIELDS)
# A part written in place of its split (or the split in place of the part) replaces the other.
THREE_PUBLIC_SPLITS = {"vehicle": ("vehicle_purchase", "vehicle_operation"),
                       "outbound": ("outbound_research", "outbound_other")}


def _written_previous(d: Disclosure) -> dict[str, Decimal]:
    """The figures written in `previous_year` itself (not derived), by name."""
    before = Figures()
    _record_published(before, d.previous_year.totals, ())
    written = dict(before.published)
    for name in THREE_PUBLIC_FIELDS:
        amount = three_public_amount(getattr(d.previous_year.three_public, name))
        if amount is not None:
            written[f"three_public.{name}"] = amount
    return written


def _restated_three_public(last_year: Figures, written: ThreePublic) -> dict[str, Decimal] | None:
    """Last year's 三公 figures with the items `previous_year` restates, the sums derived again; None
    when it restates nothing (last year's figures stand as disclosed)."""
    leaves = {name: last_year.derived.get(f"three_public.{name}") for name in THREE_PUBLIC_LEAVES}
    sums = {name: last_year.published.get(f"three_public.{name}") for name in ("subtotal", "total")}
    restated = False
    for name in THREE_PUBLIC_LEAVES:
        amount = three_public_amount(getattr(written, name))
        if amount is not None and not _same_or_none(leaves[name], amount):
            leaves[name], restated = amount, True
            for part in THREE_PUBLIC_SPLITS.get(name, ()):
                leaves[part] = None
    written_sums = {name: three_public_amount(getattr(written, name)) for name in sums}
    if restated:
        sums = written_sums  # last year's sums no longer hold: as written this year, else derived again
    for name, amount in written_sums.items():
        if amount is not None and not _same_or_none(last_year.value(f"three_public.{name}"), amount):
            sums[name], restated = amount, True
    if not restated:
        return None
    before = Figures()
    _three_public(before, ThreePublic.model_construct(**leaves, **sums))
    return {name: before.value(name) for name in before.names() if before.value(name) is not None}


def _same_or_none(a: Decimal | None, b: Decimal | None) -> bool:
    return a is None and b is None or (a is not None and b is not None and same(a, b))


def fiscal(source: str) -> bool:
    return source in FISCAL_SOURCES
