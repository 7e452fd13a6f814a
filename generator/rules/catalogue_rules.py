"""Classification code rules (C, H): known codes, official names, levels, parents."""

from __future__ import annotations

from generator.diagnostics import Severity
from generator.rules import rule

E, W = Severity.ERROR, Severity.WARNING
KINDS = (("functional", "功能分类", 7), ("economic", "经济分类", 5))


def _lines(ctx):
    for field, label, length in KINDS:
        for i, line in enumerate(getattr(ctx.disclosure, field)):
            yield field, label, length, i, line


@rule("C001", "科目编码不在目录中", W,
      "目录外的编码可能是录入错误，也可能是新设科目；后者应补入站点目录（content/catalogue/）。",
      "{label}科目 {code} 不在科目目录中{hint}",
      "核对编码（提示中列出了目录里最接近的编码；若填写的名称在目录中，给出该名称的编码）；"
      "若为新科目，在 content/catalogue/{field}.yaml 中补充编码和名称。",
      example="functional:\n  - {code: \"2010198\", basic: 1}   # 20101 人大事务 下没有 98 项")
def unknown_code(ctx):
    for field, label, _, i, line in _lines(ctx):
        if ctx.catalogue.name(field, line.code) is None:
            named = ctx.catalogue.codes_named(field, line.code, line.name)
            yield ctx.report("C001", ctx.at(field, i, "code"), expected=named[0] if named else None, found=line.code,
                             subject=f"{field}[{i}].code", label=label, code=line.code, field=field,
                             hint=_code_hint(ctx.catalogue, field, line, named))


def _code_hint(catalogue, field: str, line, named: list[str]) -> str:
    """What the officer may have meant: the code of the name written, else the nearest codes."""
    if named:
        return f"；名称“{line.name}”在目录中的编码是 {named[0]}"
    nearest = catalogue.nearest(field, line.code)
    if not nearest:
        return ""
    return "；目录中最接近的有：" + "、".join(f"{code} {catalogue.name(field, code)}" for code in nearest)


@rule("C002", "科目名称与目录不符", E,
      "同一编码在全国使用同一名称；名称不符说明编码或名称之一录错了。",
      "{label}科目 {code} 的名称应为“{expected}”，实为“{found}”", "改正名称或编码；目录名称已过时的，在站点目录中补充别名。",
      example="functional:\n  - {code: \"2010101\", name: 一般行政管理事务, basic: 1}")
def wrong_name(ctx):
    for field, label, _, i, line in _lines(ctx):
        official = ctx.catalogue.name(field, line.code)
        if line.name and official and not ctx.catalogue.accepts(field, line.code, line.name):
            yield ctx.report("C002", ctx.at(field, i, "name"), expected=official, found=line.name,
                             subject=f"{field}[{i}].name", label=label, code=line.code)


@rule("C004", "明细科目层级不对", E,
      "功能分类明细录到项级（7 位），经济分类录到款级（5 位）；类、款合计由程序推算，不重复录入。",
      "{label}明细应为 {length} 位编码，实为 {code}", "改为最末级编码；上级合计不必录入。",
      example="functional:\n  - {code: \"20101\", basic: 1}")
def wrong_level(ctx):
    for field, label, length, i, line in _lines(ctx):
        if len(line.code) != length:
            yield ctx.report("C004", ctx.at(field, i, "code"), expected=f"{length} 位", found=line.code,
                             subject=f"{field}[{i}].code", label=label, length=length, code=line.code)


@rule("H001", "上级科目无法确定", E,
      "表格要列出每个项的所属款、类及其小计；目录中没有上级科目就无法生成正确的层级。",
      "{label}科目 {code} 的上级科目 {parent} 不在目录中", "核对编码前几位；新科目需同时在站点目录中补充其上级。",
      example="functional:\n  - {code: \"2990101\", basic: 1}")
def missing_parent(ctx):
    for field, label, length, i, line in _lines(ctx):
        if len(line.code) != length:
            continue
        for size in range(3, length, 2):
            parent = line.code[:size]
            if ctx.catalogue.name(field, parent) is None:
                yield ctx.report("H001", ctx.at(field, i, "code"), found=parent, subject=f"{field}[{i}].code",
                                 label=label, code=line.code, parent=parent)
                break
