"""Fixed asset rules (A), and P005: the fixed assets the procurement budget buys."""

from __future__ import annotations

from decimal import Decimal
from typing import Iterator

from generator.diagnostics import Severity
from generator.money import fmt, total
from generator.rules import at_least, at_most, report_published_mismatches, rule

E = Severity.ERROR

# 政府采购品目分类目录 (2022, as in 2013): the goods classes A01–A06 are the fixed-asset classes of
# GB/T 14885 (房屋和构筑物, 设备, 文物和陈列品, 图书和档案, 家具和用具, 特种动植物); A07 on are materials and
# consumables (A0999 办公耗材), services are C…, works B….
FIXED_ASSET_CLASSES = ("A01", "A02", "A03", "A04", "A05", "A06")
# 政府会计准则第3号: equipment is a fixed asset from a unit value of 1000 元 (0.10 万元); books and furniture
# bought in bulk are fixed assets whatever their unit price.
EQUIPMENT_CLASS, EQUIPMENT_THRESHOLD = "A02", Decimal("0.10")


@rule("A001", "资产总额与各类资产之和不符", E,
      "资产总额 = 房屋 + 车辆 + 单价 20 万元以上设备 + 其他固定资产（办公用房是房屋的一部分，不另计）。",
      "资产总额与各类资产价值之和不符", "核对各类资产价值或资产总额。",
      example="fixed_assets:\n  as_of: 2022-12-31\n  total: 50\n  vehicles: {quantity: 3, value: 42.30}")
def assets_total(ctx):
    yield from report_published_mismatches(ctx, "A001", ("fixed_assets.total",))


@rule("A002", "办公用房超过房屋总量", E,
      "办公用房是房屋的一部分，面积和价值都不能超过房屋。", "办公用房{what}超过房屋{what}", "核对房屋与办公用房的面积、价值。",
      example="fixed_assets:\n  as_of: 2022-12-31\n  buildings: {quantity: 100, value: 10}\n  office_buildings: {quantity: 200, value: 10}")
def office_within_buildings(ctx):
    assets = ctx.disclosure.fixed_assets
    if assets is None:
        return
    for field, what in (("quantity", "面积"), ("value", "价值")):
        office, whole = getattr(assets.office_buildings, field), getattr(assets.buildings, field)
        if office is None or office <= (whole or 0):
            continue
        if field == "quantity":  # square metres, as the table prints them: not an amount
            expected, found = f"≤ {format(whole or 0, 'f')}", format(office, "f")
        else:
            expected, found = at_most(whole or Decimal(0)), office
        yield ctx.report("A002", ctx.at("fixed_assets", "office_buildings", field), expected=expected,
                         found=found, subject=f"fixed_assets.office_buildings.{field}", what=what)


def procurement_items(disclosure) -> Iterator:
    """Every item of the procurement budget (however the budget groups them)."""
    yield from disclosure.procurement.items


def is_fixed_asset(item) -> bool:
    code = item.catalogue_code.strip().upper()
    if not code.startswith(FIXED_ASSET_CLASSES):
        return False
    return not (code.startswith(EQUIPMENT_CLASS) and item.unit_price is not None
                and item.unit_price < EQUIPMENT_THRESHOLD)


@rule("P005", "政府采购预算中的固定资产未计入拟购置固定资产", E,
      "政府采购预算中品目属于固定资产类（政府采购品目分类目录 A01 房屋和构筑物、A02 设备、A03 文物和陈列品、A04 图书和档案、"
      "A05 家具和用具、A06 特种动植物）的采购就是本年购置固定资产，国有资产信息中的“本年度拟购置固定资产总额”不应少于这些采购的金额。"
      "A07 起（如 A0999 办公耗材）是材料和耗材，C 类是服务，不计；单价不足 0.10 万元（1000 元）的设备不是固定资产，也不计。",
      "政府采购预算中有固定资产品目{items}，共 {amount} 万元，但拟购置固定资产为 {planned} 万元",
      "把这些采购计入本年度拟购置固定资产总额（数据 fixed_assets.planned_purchases 与正文），或改正采购明细的品目编码。",
      example="procurement:\n  items:\n    - {item: 台式计算机, catalogue_code: A02010104, quantity: 2, unit_price: 0.6, "
              "general_budget: 1.2}\nfixed_assets:\n  as_of: 2022-12-31\n  planned_purchases: 0")
def procured_fixed_assets_planned(ctx):
    bought = [item for item in procurement_items(ctx.disclosure) if is_fixed_asset(item)]
    if not bought:
        return
    amount = total(item.amount if item.amount is not None else item.funded for item in bought)
    stated = _stated_planned_purchases(ctx)
    if stated is None or stated[0] >= amount:
        return
    planned, location, subject = stated
    names = "、".join(f"{item.catalogue_code} {item.item}" for item in bought[:3]) + ("等" if len(bought) > 3 else "")
    yield ctx.report("P005", location, expected=at_least(amount), found=planned, subject=subject,
                     about="fixed_assets.planned_purchases", should_be=amount, items=f"（{names}）", amount=fmt(amount),
                     planned=fmt(planned))


def _stated_planned_purchases(ctx):
    """(amount, where, subject) of the planned purchases: the data's, else what the narrative states."""
    from generator.rules.narrative_rules import _statements

    assets = ctx.disclosure.fixed_assets
    if assets is not None and assets.planned_purchases is not None:
        return assets.planned_purchases, ctx.at("fixed_assets", "planned_purchases"), "fixed_assets.planned_purchases"
    statements, _ = _statements(ctx)
    for st in statements:
        if st.figure == "fixed_assets.planned_purchases" and st.kind == "value":
            return st.amount, ctx.in_narrative(st.line, st.column), st.excerpt
    return None
