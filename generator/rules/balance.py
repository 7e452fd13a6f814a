"""Balance and cross-table rules (B, X): totals that must agree."""

from __future__ import annotations

from generator.diagnostics import Severity
from generator.figures import label
from generator.money import same, total
from generator.rules import published_mismatches, rule

E, W = Severity.ERROR, Severity.WARNING


def _where(ctx, figure: str):
    path = ctx.figures.published_paths.get(figure)
    if path:
        return ctx.at(*path), ".".join(path)
    if figure.startswith(("income.", "expenditure.")) and ctx.disclosure.functional:
        return ctx.at("functional"), "functional"
    if figure.startswith("expenditure.") and ctx.disclosure.economic:
        return ctx.at("economic"), "economic"
    return ctx.at(), figure


def _equation(ctx, code, left: str, parts: list[str], relation: str):
    """left = sum(parts), when every figure involved is known."""
    value = ctx.figures.value
    if value(left) is None or any(value(p) is None for p in parts):
        return
    expected = total(value(p) for p in parts)
    if not same(expected, value(left)):
        location, subject = _where(ctx, left)
        # the left side may be right and one typed part wrong: that part, made to fit
        shortfall = value(left) - expected
        alternatives = tuple((p, value(p) + shortfall) for p in parts if p in ctx.figures.published)
        yield ctx.report(code, location, expected=expected, found=value(left), subject=subject, about=left,
                         alternatives=alternatives, left=label(left), relation=relation)


@rule("B001", "收入总计不等于支出总计", E,
      "预算必须收支平衡：收入总计 = 支出总计。", "{left}与支出总计不等（{relation}）",
      "核对收入、结转与支出明细。", example="totals:\n  income: {grand_total: 100}\n  expenditure: {grand_total: 90}")
def balance(ctx):
    yield from _equation(ctx, "B001", "income.grand_total", ["expenditure.grand_total"], "收入总计 = 支出总计")


@rule("B002", "收入合计与结转不等于收入总计", E,
      "收入总计 = 本年收入合计 + 上年结转结余。", "{left}不等于本年收入合计与上年结转之和（{relation}）",
      "核对上年结转或收入合计。", example="totals:\n  income: {total: 100, carry_over: 5, grand_total: 100}")
def income_grand_total(ctx):
    yield from _equation(ctx, "B002", "income.grand_total", ["income.total", "income.carry_over"],
                         "收入总计 = 本年收入合计 + 上年结转结余")


@rule("B003", "支出合计与结转不等于支出总计", E,
      "支出总计 = 本年支出合计 + 年终结转结余。", "{left}不等于本年支出合计与年终结转结余之和（{relation}）",
      "核对年终结转结余或支出合计。", example="totals:\n  expenditure: {total: 100, year_end_balance: 0, grand_total: 90}")
def expenditure_grand_total(ctx):
    yield from _equation(ctx, "B003", "expenditure.grand_total", ["expenditure.total", "expenditure.year_end_balance"],
                         "支出总计 = 本年支出合计 + 年终结转结余")


@rule("B004", "本年收入合计不等于各项收入之和", E,
      "本年收入合计由各资金来源相加得到。", "{left}不等于各项收入之和（{relation}）", "核对各资金来源的收入。",
      example="totals:\n  income: {total: 100, general_budget: 90}")
def income_sources(ctx):
    known = [f"income.{s}" for s in ("general_budget", "government_fund", "soe_capital", "special_account", "unit_funds")]
    published = ctx.figures.published
    if not ctx.disclosure.functional and any(k in published for k in known):
        parts = [k for k in known if k in published]
        yield from _equation(ctx, "B004", "income.total", parts, "本年收入合计 = " + " + ".join(label(p) for p in parts))


@rule("B005", "本年支出合计不等于基本支出与项目支出等之和", E,
      "本年支出合计 = 基本支出 + 项目支出（+ 经营支出等）。", "{left}不等于其组成之和（{relation}）",
      "核对基本支出、项目支出。", example="totals:\n  expenditure: {total: 100, basic: 60, project: 30}")
def expenditure_kinds(ctx):
    kinds = [f"expenditure.{k}" for k in ("basic", "project", "operating", "remit", "affiliate")]
    parts = [k for k in kinds if ctx.figures.value(k) is not None]
    if len(parts) >= 2:
        yield from _equation(ctx, "B005", "expenditure.total", parts, "本年支出合计 = " + " + ".join(label(p) for p in parts))


@rule("B006", "基本支出不等于人员经费与公用经费之和", E,
      "基本支出由人员经费和公用经费构成。", "{left}不等于人员经费与公用经费之和（{relation}）",
      "核对人员经费、公用经费。", example="totals:\n  expenditure: {basic: 100, personnel: 80, public: 10}")
def basic_split(ctx):
    figures = ctx.figures
    basic = "expenditure.basic"
    if ctx.disclosure.economic:
        return  # X002 compares the economic table with the functional one
    if basic in figures.published and {"expenditure.personnel", "expenditure.public"} <= set(figures.published):
        yield from _equation(ctx, "B006", basic, ["expenditure.personnel", "expenditure.public"],
                             "基本支出 = 人员经费 + 公用经费")


@rule("X001", "公开的合计数与明细推算不符", E,
      "表格由明细推算；作者另外记录的公开合计数（如预算系统导出）必须与由功能分类、经济分类明细推算的数一致，否则说明明细或合计录错。"
      "只核对有明细可推算的数：没有明细时，由其他公开数推得的数（如人员经费加公用经费）由 B 类规则核对，机关运行经费由 X003 核对。",
      "记录的{figure}与由{lines}推算的数不符", "核对明细；若公开文本本身有误，记录为已确认偏差。",
      example="functional:\n  - {code: \"2010101\", basic: 10}\ntotals:\n  expenditure: {basic: 11}")
def published_vs_derived(ctx):
    own_codes = ("three_public.", "procurement.", "fixed_assets.")  # T001, P001, A001 report these
    figures = ctx.figures
    names = [n for n in figures.published if not n.startswith(own_codes) and n not in figures.inferred]
    for name, derived, published in published_mismatches(ctx, names):
        path = figures.published_paths[name]
        yield ctx.report("X001", ctx.at(*path), expected=derived, found=published, subject=".".join(path),
                         about=name, figure=label(name), lines=_lines_of(name))


def _lines_of(name: str) -> str:
    """The line items a figure is derived from (see figures._from_line_items)."""
    return "经济分类明细" if name in ("expenditure.personnel", "expenditure.public") else "功能分类明细"


@rule("X002", "基本支出表合计与一般公共预算基本支出不符", E,
      "一般公共预算财政拨款基本支出表（经济分类）的合计，应等于一般公共预算财政拨款支出表（功能分类）中的基本支出。",
      "经济分类基本支出合计与功能分类一般公共预算基本支出不符", "核对经济分类明细或功能分类基本支出。",
      example="functional:\n  - {code: \"2010101\", basic: 10}\neconomic:\n  - {code: \"30101\", personnel: 9}")
def economic_matches_functional(ctx):
    d = ctx.disclosure
    if not d.economic or not d.functional:
        return
    functional_basic = total(line.basic for line in d.functional if line.source == "general_budget")
    economic = total(line.amount for line in d.economic)
    if not same(functional_basic, economic):
        # the disagreeing figure is the sum of the economic lines, written nowhere: point at `economic:`
        yield ctx.report("X002", ctx.at_value("economic"), expected=functional_basic, found=economic,
                         subject="economic")


@rule("X003", "机关运行经费与公用经费不符", E,
      "按各地名词解释，机关运行经费即基本支出中的公用经费；两处口径应一致。",
      "机关运行经费与公用经费不符", "核对机关运行经费或公用经费。",
      example="totals:\n  expenditure: {public: 97.41}\n  operating_costs: 90")
def operating_costs(ctx):
    figures = ctx.figures
    public = figures.value("expenditure.public")
    stated = figures.published.get("operating_costs")
    if public is not None and stated is not None and not same(public, stated):
        typed_public = "expenditure.public" in figures.published  # it may be the one mistyped
        yield ctx.report("X003", ctx.at("totals", "operating_costs"), expected=public, found=stated,
                         subject="totals.operating_costs", about="operating_costs",
                         alternatives=(("expenditure.public", stated),) if typed_public else ())


@rule("X004", "模板要求的报表缺少明细数据", E,
      "所用模板要公开标准报表，这些表由功能分类、经济分类明细推算；没有明细就无法生成。",
      "模板“{profile}”需要{what}明细以生成报表", "在 budget.yaml 中录入 functional / economic 明细，或改用不含标准报表的模板。",
      example="# 部门预算模板，但 budget.yaml 没有 functional")
def tables_need_lines(ctx):
    profile = ctx.profile
    if profile is None:
        return
    tables = set(profile.front_tables) | {t for s in profile.sections for t in s.tables}
    functional_tables = {"summary", "income", "expenditure", "fiscal_summary", "general_budget"}
    if tables & functional_tables and not ctx.disclosure.functional:
        yield ctx.report("X004", ctx.at(), subject="functional", profile=profile.id, what="功能分类")
    if "basic_economic" in tables and not ctx.disclosure.economic:
        yield ctx.report("X004", ctx.at(), subject="economic", profile=profile.id, what="经济分类")
