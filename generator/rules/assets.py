"""Fixed asset rules (A)."""

from __future__ import annotations

from generator.diagnostics import Severity
from generator.rules import report_published_mismatches, rule

E = Severity.ERROR


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
        if office is not None and office > (whole or 0):
            yield ctx.report("A002", ctx.at("fixed_assets", "office_buildings", field), expected=f"≤ {whole or 0}",
                             found=office, subject=f"fixed_assets.office_buildings.{field}", what=what)
