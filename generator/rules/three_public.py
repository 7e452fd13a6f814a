"""“三公” rules (T)."""

from __future__ import annotations

from generator.diagnostics import Severity
from generator.figures import label
from generator.money import same
from generator.rules import published_mismatches, report_mismatch, rule

E = Severity.ERROR


@rule("T001", "“三公”经费小计或合计与各项之和不符", E,
      "“三公”经费小计 = 因公出国（境）费 + 公务用车购置及运行维护费 + 公务接待费；合计再加会议费、培训费等。"
      "记录的小计与合计相差同一个数时（多半是某一项录错），只报告一次。",
      "记录的{figure}与各项之和不符", "核对各项金额或记录的小计、合计。",
      example="three_public:\n  outbound: 0\n  vehicle_operation: 20\n  reception: 10\n  subtotal: 38")
def three_public_sums(ctx):
    found = {name: (derived, published)
             for name, derived, published in published_mismatches(ctx, ("three_public.subtotal", "three_public.total"))}
    subtotal, whole = found.get("three_public.subtotal"), found.get("three_public.total")
    # One wrong part puts the recorded subtotal and total off by the same amount: one fact, one diagnostic.
    same_fact = subtotal is not None and whole is not None and same(subtotal[1] - subtotal[0], whole[1] - whole[0])
    for name, (derived, published) in found.items():
        if same_fact and name == "three_public.total":
            continue
        figure = label(name) + ("（记录的合计相差同一数额）" if same_fact else "")
        yield report_mismatch(ctx, "T001", name, derived, published, figure)
