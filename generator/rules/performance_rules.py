"""Performance information rules (F)."""

from __future__ import annotations

from generator.diagnostics import Severity
from generator.money import same, total
from generator.rules import at_most, rule

E, W = Severity.ERROR, Severity.WARNING


@rule("F001", "资金支出计划不是逐期累计", E,
      "资金支出计划按 3 月底、6 月底、10 月底、12 月底的累计百分比填写，应逐期不减且不超过 100%。",
      "项目“{project}”的支出计划在“{period}”为 {value}%，{problem}", "按累计百分比填写。",
      example="performance:\n  projects:\n    - name: 某项目\n      goal: …\n      schedule: {3月底: 50, 6月底: 40}")
def schedule_cumulative(ctx):
    for i, project in enumerate(ctx.disclosure.performance.projects):
        previous = 0
        for period, value in project.schedule.items():
            problem = "小于上一期" if value < previous else ("超过 100%" if value > 100 else "")
            if problem:
                yield ctx.report("F001", ctx.at("performance", "projects", i, "schedule", period), found=value,
                                 subject=f"performance.projects[{i}].schedule", project=project.name,
                                 period=period, value=value, problem=problem)
            previous = value


@rule("F002", "项目资金构成之和不等于项目金额", E,
      "项目金额 = 财政资金 + 其他资金。", "项目“{project}”的财政资金与其他资金之和不等于项目金额", "核对资金构成。",
      example="performance:\n  projects:\n    - {name: 某项目, goal: …, amount: 10, funding: {fiscal: 8, other: 1}}")
def funding_split(ctx):
    for i, project in enumerate(ctx.disclosure.performance.projects):
        parts = [project.funding.fiscal, project.funding.other]
        if project.amount is None or all(p is None for p in parts):
            continue
        if not same(total(parts), project.amount):
            # the disagreeing figure is the sum of the funding parts: the one part, if only one is written,
            # else the `funding:` mapping itself
            written = [name for name in ("fiscal", "other") if getattr(project.funding, name) is not None]
            path = ("performance", "projects", i, "funding") + (tuple(written) if len(written) == 1 else ())
            yield ctx.report("F002", ctx.at_value(*path), expected=project.amount,
                             found=total(parts), subject=f"performance.projects[{i}].funding", project=project.name)


@rule("F003", "项目金额之和超过项目支出", W,
      "列出金额的绩效项目都属于项目支出，其金额之和不应超过项目支出总额。",
      "绩效项目金额之和超过项目支出", "核对各项目金额。",
      example="performance:\n  projects:\n    - {name: 甲, goal: …, amount: 500}\ntotals:\n  expenditure: {project: 100}")
def projects_within_project_spending(ctx):
    amounts = [p.amount for p in ctx.disclosure.performance.projects if p.amount is not None]
    project_spending = ctx.figures.value("expenditure.project")
    if amounts and project_spending is not None and total(amounts) > project_spending and not same(total(amounts), project_spending):
        yield ctx.report("F003", ctx.at("performance", "projects"), expected=at_most(project_spending),
                         found=total(amounts), subject="performance.projects")


@rule("F004", "资金支出计划的期次不在模板栏目中", E,
      "模板的项目绩效目标表按固定期次（如 3月底、6月底、10月底、12月底）列示资金支出计划；其他写法的期次无处可印，"
      "数据会在公开表中丢失。",
      "项目“{project}”的资金支出计划期次“{period}”不在模板的栏目（{columns}）中，不会印出",
      "按模板的期次填写（如 3月底），或在模板的 project_goal_head 中增加该期次。",
      example="performance:\n  projects:\n    - name: 某项目\n      goal: …\n      schedule: {3月末: 25, 6月底: 50}")
def schedule_periods_printed(ctx):
    columns = [label for row in (ctx.profile.project_goal_head if ctx.profile else []) if row.item == "schedule"
               for label in row.labels]
    if not columns:
        return  # the template prints no schedule: nothing to match
    for i, project in enumerate(ctx.disclosure.performance.projects):
        for period in project.schedule:
            if period not in columns:
                yield ctx.report("F004", ctx.at("performance", "projects", i, "schedule", period), found=period,
                                 expected="、".join(columns), subject=f"performance.projects[{i}].schedule",
                                 project=project.name, period=period, columns="、".join(columns))
