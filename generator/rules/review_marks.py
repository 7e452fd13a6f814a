"""Marks left for the officer (I001): what `new-year`, `new-unit` and `import` flagged for review in the narrative."""

from __future__ import annotations

import re

from generator.diagnostics import Severity
from generator.newyear import REVIEW_MARK
from generator.rules import rule

MARKED = re.compile(re.escape(REVIEW_MARK) + r"(?P<what>\d+(?:\.\d+)?\s*(?:万元|元|%|％|年)?|[^\n，。；]{0,20})")


@rule("I001", "正文有待核对的内容", Severity.ERROR,
      "new-year 从上年度复制正文时，在正文所述的每个金额和年份前加了“【待核】”标记：复制来的数字还是上年的，"
      "与复制来的数据又恰好一致，检查无从发现它们没有更新。new-unit 和 import 在没有正文的章节下留一行"
      "“【待核】（请填写本部分内容）”。标记在，就说明这一处还没有人核对过或填写过。",
      "正文“{excerpt}”尚待核对",
      "按本年预算改写这一处的金额或年份（或确认无需改动），或填写这一章节，然后删去“【待核】”。",
      example="2024年预算收入【待核】1043.55万元")
def review_marks_left(ctx):
    narrative = ctx.entry.narrative
    if narrative is None or REVIEW_MARK not in narrative.text:
        return
    for number, line in enumerate(narrative.text.splitlines(), start=1):
        for match in MARKED.finditer(line):
            excerpt = line[max(0, match.start() - 12):match.end()].strip()
            yield ctx.report("I001", ctx.in_narrative(number, match.start() + 1), found=match.group("what").strip(),
                             subject=excerpt, excerpt=excerpt)
