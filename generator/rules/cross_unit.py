"""Rules across units (C003), against last year's disclosure (Y001), and about acknowledgements (D001)."""

from __future__ import annotations

from generator.diagnostics import Diagnostic, Location, Severity
from generator.figures import label
from generator.money import fmt_plain, same
from generator.rules import declare, diagnostic, rule

declare("D001", "已确认偏差未匹配任何诊断", Severity.WARNING,
        "偏差确认应当精确：问题已改正或位置变了，旧的确认就该删除，以免掩盖新问题。at 所指的数据路径或正文原文"
        "在本年的 budget.yaml 和正文中都已不存在时，信息会指出这一点：这样的确认多半是连同上年的文件一起复制来的。",
        "已确认偏差（规则 {rule}，位置 {at}）未匹配任何诊断", "删除该条确认，或改正其 rule / at。",
        example="acknowledged:\n  - {rule: N001, at: 不存在的片段, reason: …}")


@rule("C003", "同一编码在不同单位名称不同", Severity.ERROR,
      "同一站点内，同一科目编码必须使用同一名称，否则跨单位比较和汇总会出错。",
      "科目 {code} 在本单位写作“{name}”，在 {other} 写作“{other_name}”", "统一名称（以科目目录为准）。",
      scope="site", example="# 单位甲：2010101 行政运行；单位乙：2010101 行政运转")
def same_code_same_name(facts):
    first: dict[tuple, tuple] = {}
    for disclosure in facts.values():
        for line in disclosure.names:
            key = (line.field, line.code)
            if key not in first:
                first[key] = (line.name, disclosure.key)
            elif first[key][0] != line.name:
                yield diagnostic("C003", disclosure.at(line.path), disclosure.unit_id, disclosure.year, expected=first[key][0],
                                 found=line.name, subject=line.subject, code=line.code, name=line.name,
                                 other=first[key][1], other_name=first[key][0])


@rule("Y001", "上年数与上年度公开数据不符", Severity.ERROR,
      "上年数取自仓库中本单位上年度的公开数据（content/units/<单位>/<上年>/）。本年 previous_year 中写出的上年数"
      "（首个年度，或对上年数的重述）与之不一致时，以本年写出的数为准计算“比上年增减”，并报告此差异："
      "多数是录入错误；确为重述的，记入 acknowledged 并说明理由。",
      "上年{figure}与 {year} 年度公开数据不符（以本年 previous_year 所写为准）",
      "核对 previous_year 与上年度数据；上年度数据已在仓库中时可删除 previous_year 中的该项；确为重述，记入 acknowledged。",
      example="previous_year:\n  totals:\n    expenditure: {total: 847.73}   # 上年度公开 847.70")
def previous_year_matches(ctx):
    """Once per figure written in previous_year: a sum derived from written items (the 三公 subtotal)
    is not reported again, its items are."""
    disclosed = ctx.figures.previous_disclosed
    if disclosed is None:
        return
    for name, written in ctx.figures.previous_restated.items():
        actual = disclosed.get(name)
        if actual is not None and not same(actual, written):
            path = previous_year_path(name)
            yield ctx.report("Y001", ctx.at_value(*path), expected=actual, found=written, subject=".".join(path),
                             figure=label(name), year=ctx.entry.year - 1)


def previous_year_path(figure: str) -> tuple:
    """Where last year's `figure` is written in budget.yaml. A figure derived from others (e.g. the 三公
    subtotal from its items) is not written: `at_value` then points at the nearest written ancestor."""
    group, _, key = figure.partition(".")
    if group in ("income", "expenditure"):
        return ("previous_year", "totals", group, key)
    if figure == "operating_costs":
        return ("previous_year", "totals", "operating_costs")
    if group == "three_public":
        return ("previous_year", "three_public", key)
    return ("previous_year",)


GONE = "：该位置在本年数据和正文中都已不存在，可能是从上年复制的确认"  # generator.rules.staleness.gone_acknowledgements


def stale_acknowledgements(record, matched: set[int], unit_id: str) -> list[Diagnostic]:
    out = []
    for i, ack in enumerate(record.acknowledged):
        if i in matched:
            continue
        why = GONE if i in record.acknowledged_gone else ""
        out.append(Diagnostic("D001", Severity.WARNING,
                              f"已确认偏差（规则 {ack.rule}，位置 {ack.at or '全部'}）未匹配任何诊断{why}",
                              record.acknowledged_at[i], unit=unit_id, year=record.year,
                              subject=f"acknowledged[{i}]"))
    return out


__all__ = ["fmt_plain", "stale_acknowledgements"]
