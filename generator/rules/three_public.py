"""“三公” rules (T)."""

from __future__ import annotations

from generator.diagnostics import Severity
from generator.figures import label
from generator.money import same
from generator.rules import rule

E = Severity.ERROR


@rule("T001", "“三公”经费小计或合计与各项之和不符", E,
      "“三公”经费小计 = 因公出国（境）费 + 公务用车购置及运行维护费 + 公务接待费；合计再加会议费、培训费等。",
      "记录的{figure}与各项之和不符", "核对各项金额或记录的小计、合计。",
      example="three_public:\n  outbound: 0\n  vehicle_operation: 20\n  reception: 10\n  subtotal: 38")
def three_public_sums(ctx):
    figures = ctx.figures
    for name in ("three_public.subtotal", "three_public.total"):
        published, derived = figures.published.get(name), figures.derived.get(name)
        if published is not None and derived is not None and not same(published, derived):
            yield ctx.report("T001", ctx.at(*figures.published_paths[name]), expected=derived, found=published,
                             subject=".".join(figures.published_paths[name]), figure=label(name))
