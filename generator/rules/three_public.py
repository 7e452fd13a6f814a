"""“三公” rules (T)."""

from __future__ import annotations

from generator.diagnostics import Severity
from generator.rules import report_published_mismatches, rule

E = Severity.ERROR


@rule("T001", "“三公”经费小计或合计与各项之和不符", E,
      "“三公”经费小计 = 因公出国（境）费 + 公务用车购置及运行维护费 + 公务接待费；合计再加会议费、培训费等。",
      "记录的{figure}与各项之和不符", "核对各项金额或记录的小计、合计。",
      example="three_public:\n  outbound: 0\n  vehicle_operation: 20\n  reception: 10\n  subtotal: 38")
def three_public_sums(ctx):
    yield from report_published_mismatches(ctx, "T001", ("three_public.subtotal", "three_public.total"))
