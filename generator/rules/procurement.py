"""Government procurement rules (P)."""

from __future__ import annotations

from decimal import Decimal

from generator.diagnostics import Severity
from generator.model.budget import PROCUREMENT_FUNDS, derived_row
from generator.money import quantize, same
from generator.rules import at_least, at_most, report_published_mismatches, rule

E, W = Severity.ERROR, Severity.WARNING


ROW_CELLS = {"budget": "预算资金", "amount": "合计", **PROCUREMENT_FUNDS, "sme_reserved": "预留中小微企业份额"}


def _contradicted_cells(published, projects):
    """(field, derived, published) for each cell of a recorded 合计/小计 row that its items contradict."""
    derived = derived_row(projects)
    for key in ROW_CELLS:
        found = getattr(published, key, None)
        if found is not None and derived.get(key) is not None and not same(found, derived[key]):
            yield key, derived[key], found


@rule("P001", "政府采购合计与明细之和不符", E,
      "政府采购预算合计行的每一栏应等于各采购明细该栏之和；“预算资金”栏为各项目预算资金之和，每个项目只计一次"
      "（一个项目含多个采购物品时不重复计算）。",
      "政府采购合计行“{column}”栏与明细之和不符", "核对明细或合计；公开文本如此的，如实记录并确认偏差。",
      example="procurement:\n  total: 100\n  items:\n    - {item: 办公耗材, general_budget: 80}")
def procurement_total(ctx):
    yield from report_published_mismatches(ctx, "P001", ("procurement.total",), column="合计")
    procurement = ctx.disclosure.procurement
    if procurement.total_row is None:
        return
    for key, derived, found in _contradicted_cells(procurement.total_row, procurement.projects()):
        yield ctx.report("P001", ctx.at("procurement", "total_row", key), expected=derived, found=found,
                         subject=f"procurement.total_row.{key}", column=ROW_CELLS[key])


@rule("P002", "数量乘单价不等于金额", E,
      "采购金额 = 数量 × 单价。", "第 {n} 项“{item}”：数量 × 单价 与金额不符", "核对数量、单价或金额。",
      example="procurement:\n  items:\n    - {item: 电脑, quantity: 2, unit_price: 0.6, general_budget: 1.5}")
def quantity_times_price(ctx):
    for i, item in enumerate(ctx.disclosure.procurement.items):
        if item.quantity is None or item.unit_price is None:
            continue
        expected = item.quantity * item.unit_price
        if not same(expected, item.shown_amount):
            yield ctx.report("P002", ctx.at("procurement", "items", i), expected=expected, found=item.shown_amount,
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
    # no procurement data at all: the table the text points to lists nothing
    procurement = ctx.figures.value("procurement.total")
    procurement = Decimal(0) if procurement is None else procurement
    if procurement < assets.planned_purchases:
        yield ctx.report("P004", ctx.at("fixed_assets", "planned_purchases"), expected=at_least(assets.planned_purchases),
                         found=procurement, subject="fixed_assets.planned_purchases")


@rule("P006", "政府采购小计与该单位明细之和不符", E,
      "部门预算按所属单位列示的小计行，每一栏应等于该单位各采购明细该栏之和；“预算资金”栏每个项目只计一次。",
      "“{unit}”小计行“{column}”栏与该单位明细之和不符", "核对该单位的明细或小计；公开文本如此的，如实记录并确认偏差。",
      example="procurement:\n  items:\n    - {unit: 某某中心, project: 业务经费, project_budget: 10, item: 电脑, "
              "general_budget: 10}\n  subtotals:\n    - {unit: 某某中心, amount: 12}")
def unit_subtotals(ctx):
    procurement = ctx.disclosure.procurement
    projects_of = dict(procurement.units())
    for n, subtotal in enumerate(procurement.subtotals):
        if subtotal.unit not in projects_of:
            continue  # P008 reports a subtotal without items
        for key, derived, found in _contradicted_cells(subtotal, projects_of[subtotal.unit]):
            yield ctx.report("P006", ctx.at("procurement", "subtotals", n, key), expected=derived, found=found,
                             subject=f"procurement.subtotals[{n}].{key}", unit=subtotal.unit, column=ROW_CELLS[key])


@rule("P007", "采购物品金额之和超过项目预算资金", E,
      "一个项目的采购物品均由该项目的预算资金安排，其金额之和不能超过项目预算资金。",
      "项目“{project}”的采购物品金额之和超过其预算资金",
      "核对项目预算资金或物品金额；同一项目的后续物品应省略 project_budget（否则会被当作另一个项目）。",
      example="procurement:\n  items:\n    - {project: 业务经费, project_budget: 10, item: 电脑, general_budget: 8}\n"
              "    - {project: 业务经费, item: 打印机, general_budget: 4}")
def items_within_project_budget(ctx):
    for project in ctx.disclosure.procurement.projects():
        spent = sum(item.shown_amount for item in project.items)
        if project.budget is not None and quantize(spent) > quantize(project.budget):
            yield ctx.report("P007", ctx.at("procurement", "items", project.first, "project_budget"),
                             expected=at_most(project.budget), found=spent,
                             subject=f"procurement.items[{project.first}].project_budget", project=project.name)


@rule("P008", "政府采购表中没有位置的数字", E,
      "按模板的政府采购表版式（profile 的 procurement）无处列示的数字不会出现在表中，等于被悄悄删去：资金来源列不在模板中，"
      "或模板没有合计行、没有小计行，或小计所列单位在明细中没有。",
      "{what}", "改用模板中的资金来源列或正确的单位名称，或选用与公开文本相符的模板。",
      example="procurement:\n  items:\n    - {item: 电脑, carry_over: 2}")
def figures_without_a_place(ctx):
    if ctx.profile is None:  # an unknown profile is reported by S012; there is no layout to compare with
        return
    procurement, layout = ctx.disclosure.procurement, ctx.profile.procurement
    shown = {column.key for column in layout.columns}
    for i, item in enumerate(procurement.items):
        for key in PROCUREMENT_FUNDS:
            if key not in shown and getattr(item, key):
                yield ctx.report("P008", ctx.at("procurement", "items", i, key), subject=f"procurement.items[{i}].{key}",
                                 what=f"第 {i + 1} 项“{item.item}”的“{PROCUREMENT_FUNDS[key]}”不是本模板政府采购表的列")
    if procurement.total_row is not None and not layout.total_row:
        yield ctx.report("P008", ctx.at_value("procurement", "total_row"), subject="procurement.total_row",
                         what="本模板的政府采购表没有合计行，total_row 无处列示")
    units = {unit for unit, _ in procurement.units()}
    for n, subtotal in enumerate(procurement.subtotals):
        if not layout.unit_subtotals:
            what = f"本模板的政府采购表没有小计行，“{subtotal.unit}”的小计无处列示"
        elif subtotal.unit not in units:
            what = f"采购明细中没有单位“{subtotal.unit}”，其小计无处列示"
        else:
            continue
        yield ctx.report("P008", ctx.at("procurement", "subtotals", n, "unit"),
                         subject=f"procurement.subtotals[{n}]", what=what)


@rule("P009", "同一项目的预算资金重复填写", W,
      "公开表中一个项目含多个采购物品时，项目名称和预算资金是合并的一格；逐行重复填写预算资金会使其成为多个项目，"
      "合计中的预算资金被重复计算。",
      "“{project}”在相邻两行填写了相同的预算资金，被当作两个项目",
      "同一项目的后续物品删去 project_budget；确为两个同名项目的，确认偏差。",
      example="procurement:\n  items:\n    - {project: 业务经费, project_budget: 10, item: 电脑, general_budget: 6}\n"
              "    - {project: 业务经费, project_budget: 10, item: 打印机, general_budget: 4}")
def repeated_project_budget(ctx):
    projects = ctx.disclosure.procurement.projects()
    for before, after in zip(projects, projects[1:]):
        if (before.name and after.name == before.name and after.unit == before.unit
                and after.budget is not None and before.budget is not None and same(after.budget, before.budget)):
            yield ctx.report("P009", ctx.at("procurement", "items", after.first, "project_budget"),
                             subject=f"procurement.items[{after.first}].project_budget", project=after.name)

