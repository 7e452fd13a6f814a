"""The year page's comparison across units: one table per ordering (each in a <details>, so the reader
sorts without script), a 合计 row, the 三公 parts, and the same table as CSV (years/<year>/comparison.csv).

A 合计 cell is the sum of its column only when every unit's amount is known; else it is "—" (a sum of
the known amounts would pass for the total)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from decimal import Decimal

from generator.export import spreadsheet_safe
from generator.figures import UNKNOWN
from generator.money import fmt

COLUMNS = [  # (figure, label): the list pages' totals, then the 三公 parts
    ("income.grand_total", "收入总计"), ("expenditure.grand_total", "支出总计"), ("expenditure.basic", "基本支出"),
    ("expenditure.project", "项目支出"), ("three_public.subtotal", "“三公”经费"),
    ("three_public.outbound", "因公出国（境）费"), ("three_public.vehicle", "公务用车购置及运维费"),
    ("three_public.reception", "公务接待费"),
]
PARTS = [name for name, _ in COLUMNS[5:]]  # kept in DisclosureSummary.parts, in this order


@dataclass
class ComparisonRow:
    name: str
    url: str
    amounts: list[str]


@dataclass
class Ordering:
    id: str
    label: str  # 按单位名称 / 按支出总计（从高到低）
    rows: list[ComparisonRow]


@dataclass
class Comparison:
    labels: list[str]
    orderings: list[Ordering]
    total: list[str]  # the 合计 row
    csv: str  # relative to the site root


def comparison_csv_path(year: int) -> str:
    return f"years/{year}/comparison.csv"


def _value(text: str) -> Decimal | None:
    return None if text in ("", UNKNOWN) else Decimal(text)


def comparison(year: int, summaries) -> Comparison:
    rows = [ComparisonRow(s.name, s.url, list(s.amounts) + (list(s.parts) or [UNKNOWN] * len(PARTS)))
            for s in sorted(summaries, key=lambda s: (s.name, s.unit_id))]
    orderings = [Ordering("name", "按单位名称", rows)]
    for index, (name, label) in enumerate(COLUMNS):
        ordered = sorted(rows, key=lambda r, i=index: (_value(r.amounts[i]) is None, -(_value(r.amounts[i]) or 0)))
        orderings.append(Ordering(name.replace(".", "-"), f"按{label}（从高到低）", ordered))
    return Comparison([label for _, label in COLUMNS], orderings, _total(rows), comparison_csv_path(year))


def _total(rows: list[ComparisonRow]) -> list[str]:
    out = []
    for index in range(len(COLUMNS)):
        values = [_value(r.amounts[index]) for r in rows]
        out.append(UNKNOWN if not values or None in values else fmt(sum(values, Decimal(0))))
    return out


def comparison_csv(found: Comparison) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["单位"] + found.labels)
    for row in found.orderings[0].rows:
        writer.writerow([spreadsheet_safe(row.name)] + ["" if a == UNKNOWN else a for a in row.amounts])
    writer.writerow(["合计"] + ["" if a == UNKNOWN else a for a in found.total])
    return "\ufeff" + buffer.getvalue()
