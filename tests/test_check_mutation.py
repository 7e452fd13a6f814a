"""Mutation test of the narrative checks: does `check` catch every changed figure?

For each example disclosure in content/ (copied to a tmp dir), one change at a time:
- every figure the narrative states (each statement `extract` finds, and so every amount a pattern
  recognises) is raised by 0.01 and by 10.00 in narrative.md; a direction stated without an amount
  (增加/减少/持平) is replaced by another one;
- every data figure the statements depend on (budget.yaml: the typed totals, the 三公 parts,
  previous_year, the procurement total, fixed_assets) is raised by 0.01 and by 10.00.
A change is caught when it gives a new error. A data change that no statement depends on (no
figure a statement states changes with it) and that no other rule catches is listed as such, not
counted as a miss. The unmodified example content must give no error (no false alarm).
Run with `-s` to see the figures.
"""

from __future__ import annotations

import re
import shutil
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from generator.check import check_site
from generator.rules.narrative_rules import assessed
from generator.yamlsource import load_yaml

CONTENT = Path(__file__).resolve().parent / "fixtures" / "examples"  # frozen copy of the example content
DISCLOSURES = sorted(p.parent.relative_to(CONTENT / "units").as_posix()
                     for p in (CONTENT / "units").glob("*/*/narrative.md"))
DELTAS = (Decimal("0.01"), Decimal("10.00"))
NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
OTHER_DIRECTION = {"增加": "减少", "减少": "增加", "持平": "增加"}
SUMMARY: dict[str, dict] = {}


@dataclass
class Outcome:
    what: str
    caught: bool
    depended_on: bool = True  # for a data change: whether some stated figure changes with it


def _errors(report) -> Counter:
    return Counter((d.code, d.location.file, d.location.line, d.message) for d in report.diagnostics
                   if d.counts_as_error)


def _site_of(tmp_path: Path, disclosure: str) -> Path:
    """A copy of the example content with only this disclosure's unit (so each check is small)."""
    unit = disclosure.split("/")[0]
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content, ignore=lambda d, names: [n for n in names if Path(d).name == "units"
                                                                and n != unit])
    return content


def _context(report, disclosure: str):
    return report.context(disclosure)


def _replace_at(text: str, line: int, column: int, old: re.Pattern, new) -> str:
    """Replace the token matching `old` that starts at (line, column) (1-based) by new(token)."""
    lines = text.split("\n")
    target = lines[line - 1]
    match = old.match(target, column - 1)
    assert match, f"no {old.pattern} at {line}:{column} in {target!r}"
    lines[line - 1] = target[:match.start()] + new(match.group()) + target[match.end():]
    return "\n".join(lines)


def _raised(token: str, delta: Decimal) -> str:
    return format(Decimal(token) + delta, "f")


def _statement_changes(ctx, text: str):
    """(description, changed narrative) for every stated figure and every direction stated."""
    for result in assessed(ctx):
        st = result.statement
        if st.kind == "unknown":
            continue
        where = f"{st.line}:{st.column} {st.figure}{'（' + st.name + '）' if st.name else ''}"
        if st.kind == "direction":
            direction = re.compile("增加|减少|持平")
            yield f"方向 {where}", _replace_at(text, st.line, st.column, direction, OTHER_DIRECTION.get)
            continue
        for delta in DELTAS:
            yield f"正文 +{delta} {where}", _replace_at(text, st.line, st.column, NUMBER,
                                                       lambda t, d=delta: _raised(t, d))


DATA_ROOTS = (("totals",), ("three_public",), ("previous_year",), ("procurement", "total"), ("fixed_assets",))


def _data_paths(data: dict):
    """Paths of the amounts in budget.yaml that the checks read as figures (not quantities or dates)."""
    def walk(node, path):
        if isinstance(node, dict):
            for key, value in node.items():
                if key in ("quantity", "as_of", "source", "items"):
                    continue
                yield from walk(value, path + (key,))
        elif isinstance(node, (int, float)) and not isinstance(node, bool):
            yield path

    for root in DATA_ROOTS:
        node = data
        for key in root:
            node = node.get(key) if isinstance(node, dict) else None
        if node is not None:
            yield from walk(node, root)


def _stated_values(ctx) -> dict:
    """What the data says for each figure a statement states (this year, or this year − last year)."""
    return {r.statement.figure: ctx.figures.value(r.statement.figure) for r in assessed(ctx)
            if r.statement.kind in ("value", "change", "direction")}


def _run(content: Path, disclosure: str):
    report = check_site(content)
    return report, _context(report, disclosure)


@pytest.fixture(scope="module")
def summary():
    yield SUMMARY
    if SUMMARY:
        print("\n变动核对（mutation test）：")
        for disclosure, s in SUMMARY.items():
            print(f"  {disclosure}: 正文数字改动 {s['text_caught']}/{s['text_tried']} 被发现；"
                  f"数据改动 {s['data_caught']}/{s['data_tried']} 被发现，"
                  f"其余 {s['data_free']} 处无正文语句依赖、亦无其他规则覆盖：{'、'.join(s['free_paths']) or '无'}；"
                  f"未改动时的错误 {s['false_alarms']} 个")
        totals = {k: sum(s[k] for s in SUMMARY.values()) for k in
                  ("text_tried", "text_caught", "data_tried", "data_caught", "data_free", "false_alarms")}
        print(f"  合计：正文 {totals['text_caught']}/{totals['text_tried']}，数据 {totals['data_caught']}/"
              f"{totals['data_tried']}（无依赖 {totals['data_free']}），误报 {totals['false_alarms']}")


@pytest.mark.parametrize("disclosure", DISCLOSURES)
def test_every_changed_figure_is_caught(disclosure, tmp_path, summary):
    content = _site_of(tmp_path, disclosure)
    narrative_path = content / "units" / disclosure / "narrative.md"
    budget_path = content / "units" / disclosure / "budget.yaml"
    narrative, budget = narrative_path.read_text(encoding="utf-8"), budget_path.read_text(encoding="utf-8")
    report, ctx = _run(content, disclosure)
    baseline = _errors(report)
    assert not baseline, f"false alarms on the unmodified example: {sorted(baseline)}"
    before = _stated_values(ctx)

    text_outcomes = []
    for what, changed in _statement_changes(ctx, narrative):
        narrative_path.write_text(changed, encoding="utf-8")
        mutated, _ = _run(content, disclosure)
        text_outcomes.append(Outcome(what, bool(_errors(mutated) - baseline)))
    narrative_path.write_text(narrative, encoding="utf-8")

    doc = load_yaml(budget_path)
    data_outcomes = []
    for path in _data_paths(yaml.safe_load(budget)):
        line, column = doc.position(path)
        for delta in DELTAS:
            budget_path.write_text(_replace_at(budget, line, column, NUMBER, lambda t, d=delta: _raised(t, d)),
                                   encoding="utf-8")
            mutated, mutated_ctx = _run(content, disclosure)
            after = _stated_values(mutated_ctx)
            depended = any(after.get(name) != value for name, value in before.items())
            data_outcomes.append(Outcome(f"数据 +{delta} {'.'.join(map(str, path))}",
                                         bool(_errors(mutated) - baseline), depended))
    budget_path.write_text(budget, encoding="utf-8")

    missed = [o.what for o in text_outcomes if not o.caught] + \
             [o.what for o in data_outcomes if not o.caught and o.depended_on]
    free = [o for o in data_outcomes if not o.caught and not o.depended_on]
    SUMMARY[disclosure] = {
        "text_tried": len(text_outcomes), "text_caught": sum(o.caught for o in text_outcomes),
        "data_tried": len(data_outcomes), "data_caught": sum(o.caught for o in data_outcomes),
        "data_free": len(free), "free_paths": sorted({o.what.split(" ", 2)[2] for o in free}),
        "false_alarms": sum(baseline.values()),
    }
    assert text_outcomes and data_outcomes
    assert not missed, f"changes that check did not catch in {disclosure}:\n" + "\n".join(missed)
