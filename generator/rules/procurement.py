"""Government procurement rules (P)."""

from __future__ import annotations

from generator.diagnostics import Severity
from generator.money import same
from generator.rules import report_published_mismatches, rule

E, W = Severity.ERROR, Severity.WARNING


@rule("P001", "政府采购合计与明细之和不符", E,
      "政府采购预算合计应等于各采购明细金额之和。", "政府采购合计与明细之和不符", "核对明细或合计。",
      example="procurement:\n  total: 100\n  items:\n    - {item: 办公耗材, general_budget: 80}")
def procurement_total(ctx):
    yield from report_published_mismatches(ctx, "P001", ("procurement.total",))


@rule("P002", "数量乘单价不等于金额", E,
      "采购金额 = 数量 × 单价。", "第 {n} 项“{item}”：数量 × 单价 与金额不符", "核对数量、单价或金额。",
      example="procurement:\n  items:\n    - {item: 电脑, quantity: 2, unit_price: 0.6, general_budget: 1.5}")
def quantity_times_price(ctx):
    for i, item in enumerate(ctx.disclosure.procurement.items):
        if item.quantity is None or item.unit_price is None:
            continue
        expected = item.quantity * item.unit_price
        found = item.amount if item.amount is not None else item.funded
        if not same(expected, found):
            yield ctx.report("P002", ctx.at("procurement", "items", i), expected=expected, found=found,
                             subject=f"procurement.items[{i}]", n=i + 1, item=item.item)


@rule("P003", "采购金额与各资金来源之和不符", E,
      "政府采购金额合计 = 一般公共预算拨款 + 基金预算拨款 + … 各列之和。", "第 {n} 项“{item}”：金额合计与各资金来源之和不符",
      "核对各资金来源列。", example="procurement:\n  items:\n    - {item: 电脑, amount: 2, general_budget: 1.5}")
def funded_columns(ctx):
    for i, item in enumerate(ctx.disclosure.procurement.items):
        if item.amount is not None and not same(item.amount, item.funded):
            yield ctx.report("P003", ctx.at("procurement", "items", i, "amount"), expected=item.funded,
                             found=item.amount, subject=f"procurement.items[{i}].amount", n=i + 1, item=item.item)


@rule("P004", "拟购置资产未列入政府采购预算", E,
      "正文称本年拟购置的固定资产已列入政府采购预算，则政府采购预算至少应包含该金额。",
      "拟购置固定资产已称列入政府采购预算，但政府采购预算合计小于拟购置金额", "补录采购明细，或更正正文说法。",
      example="fixed_assets:\n  planned_purchases: 18\n  planned_in_procurement: true\nprocurement:\n  total: 0")
def planned_purchases_in_procurement(ctx):
    assets = ctx.disclosure.fixed_assets
    if assets is None or not assets.planned_in_procurement or assets.planned_purchases is None:
        return
    procurement = ctx.figures.value("procurement.total") or 0
    if procurement < assets.planned_purchases:
        yield ctx.report("P004", ctx.at("fixed_assets", "planned_purchases"), expected=f"≥ {assets.planned_purchases}",
                         found=procurement, subject="fixed_assets.planned_purchases")
