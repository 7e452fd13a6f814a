"""Versions and corrections (V001–V003): a disclosure corrected after publication says why.

With `versions: true` in site.yaml, the content's git history tells each correction's date
(generator/versions.py); the officer writes a 更正说明 for it in `corrections`, which the page and the
PDF show with what changed. The dates themselves must be real dates in one format.
"""

from __future__ import annotations

import datetime as _dt

from generator.diagnostics import Severity
from generator.rules import rule
from generator.versions import ISO_DATE, history_of

W = Severity.WARNING


@rule("V001", "公开后的更正没有更正说明", W,
      "公开后改动了数据或正文，网页和 PDF 都会列出这次更正的日期和改动；公众需要知道为什么改，"
      "所以每次更正都应写一条更正说明。",
      "{date} 的更正（改动：{what}）没有更正说明",
      "在 budget.yaml 的 corrections 下加一条，date 写更正日期（提交日期），note 写更正了什么、为什么。",
      example="# git 记录中公开后有一次更正（2023-03-15 提交），更正说明却没有写：\n"
              "corrections: []")
def correction_has_note(ctx):
    history = history_of(ctx.site, ctx.entry)
    if history is None:
        return
    for correction in history.corrections:
        if not correction.note:
            where = ctx.at("corrections") if ctx.disclosure.corrections else ctx.at("year")
            yield ctx.report("V001", where, expected=f"corrections 中日期为 {correction.date} 的更正说明",
                             found="（无）", subject=f"corrections.{correction.date}", date=correction.date,
                             what=what_changed(correction))


@rule("V002", "更正说明没有对应的更正", W,
      "更正说明按日期对应 git 记录中公开后的一次更正；日期对不上，网页上就无法把说明放在它所说明的更正旁边。",
      "更正说明的日期 {found} 没有对应的更正（公开后有改动的日期：{expected}）",
      "把 date 改为这次更正的提交日期；若并无更正，删去这条更正说明。",
      example="corrections:\n  - date: '2023-03-16'   # 更正提交于 2023-03-15\n    note: 更正“三公”经费中公务接待费的录入错误。")
def note_has_correction(ctx):
    history = history_of(ctx.site, ctx.entry)
    if history is None:
        return
    dates = {c.date for c in history.corrections}
    for index, note in enumerate(ctx.disclosure.corrections):
        if note.date not in dates and ISO_DATE.match(note.date):
            yield ctx.report("V002", ctx.at("corrections", index, "date"), expected="、".join(sorted(dates)) or "（无）",
                             found=note.date, subject=f"corrections[{index}].date")


@rule("V003", "日期格式不对", W,
      "公开日期与更正日期用来对照公开期限和 git 记录的提交日期，须写成 YYYY-MM-DD 的实际日期。",
      "{field} 的日期“{found}”不是 YYYY-MM-DD 格式的实际日期",
      "写成如 2024-02-10 的日期（加引号）。",
      example="published: 2024年2月10日")
def dates_are_dates(ctx):
    d = ctx.disclosure
    written = [(("published",), "published", d.published)] if d.published else []
    written += [(("corrections", i, "date"), f"corrections[{i}].date", c.date) for i, c in enumerate(d.corrections)]
    for path, name, value in written:
        if not is_date(value):
            yield ctx.report("V003", ctx.at(*path), expected="YYYY-MM-DD", found=value, subject=name, field=name)


def is_date(value: str) -> bool:
    if not ISO_DATE.match(value or ""):
        return False
    try:
        _dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def what_changed(correction) -> str:
    parts = [f"{s.title}{len(s.lines)}项" for s in correction.sections if s.lines]
    if correction.narrative:
        parts.append("正文：" + "、".join(correction.narrative))
    return "；".join(parts) or "数据无法读取"
