"""Charts: altair specs rendered at build time to static SVG (vl-convert), cached by spec hash.

A `Chart` carries its title, the data as rows (shown as a table beside the chart and used as the
text alternative) and the SVG. Nothing runs in the browser. An unknown amount is never drawn (as 0 or
otherwise): its table cell shows "—" and, where a chart leaves something out for that reason, its
`note` says so.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from generator.files import write_atomically
from generator.figures import FIGURE_LABELS, UNKNOWN, shown
from generator.model.budget import SOURCE_LABELS

FONT = "Noto Sans CJK SC, Source Han Sans SC, PingFang SC, Microsoft YaHei, sans-serif"
WIDTH = 420
AMOUNT = "金额（万元）"  # the value field of every chart


@dataclass
class Chart:
    id: str
    title: str
    columns: list[str]  # header of the data table
    rows: list[list[str]]  # data table, formatted; "—" for an unknown amount
    svg: str = ""
    note: str = ""  # shown under the chart: what it leaves out because the amount is unknown

    @property
    def alt(self) -> str:
        """Text alternative: the title, the money unit and every data point. With several value columns
        (years), each value is named by its column: “本年支出合计：2023年 100.00，2024年 108.00”; an unknown
        value is left out, and the note follows."""
        if len(self.columns) > 2:
            points = "；".join(f"{r[0]}：" + "，".join(f"{c} {v}" for c, v in zip(self.columns[1:], r[1:])
                                                      if v and v != UNKNOWN) for r in self.rows)
        else:
            points = "；".join(" ".join(r) for r in self.rows)
        text = f"{self.title}（单位：万元）。{points}" if points else self.title
        return f"{text}。{self.note}" if self.note else text


class ChartRenderer:
    """Renders specs to SVG once; the cache key is a hash of the full spec."""

    def __init__(self, cache_dir: Path | None):
        self.cache_dir = cache_dir

    def svg(self, spec: dict) -> str:
        text = json.dumps(spec, sort_keys=True, ensure_ascii=False)
        key = hashlib.sha256(text.encode("utf-8")).hexdigest()
        cached = self.cache_dir / f"{key}.svg" if self.cache_dir else None
        if cached is not None and cached.exists():
            return cached.read_text(encoding="utf-8")
        import vl_convert

        svg = vl_convert.vegalite_to_svg(spec)
        if cached is not None:
            write_atomically(cached, svg)  # workers may draw the same chart
        return svg

    def render(self, chart: Chart, shape: dict, records: list[dict]) -> Chart:
        chart.svg = self.svg(with_data(shape, records))
        return chart

    def shape(self, kind: str, category: str = "", color: str = "") -> dict:
        """A chart shape (`make_shape`), from this process's memory, else the cache folder, else altair:
        importing altair alone takes longer than a rebuild of one unit."""
        key = (kind, category, color)
        found = _SHAPES.get(key)
        if found is None:
            found = _SHAPES[key] = self._stored_shape(key)
        return found

    def _stored_shape(self, key: tuple) -> dict:
        from generator.fingerprint import code_version

        name = hashlib.sha256("\0".join([code_version(), *key]).encode("utf-8")).hexdigest()[:32]
        stored = self.cache_dir / f"shape-{name}.json" if self.cache_dir else None
        if stored is not None and stored.exists():
            return json.loads(stored.read_text(encoding="utf-8"))
        shape = make_shape(*key)
        if stored is not None:
            write_atomically(stored, json.dumps(shape, ensure_ascii=False, sort_keys=True))
        return shape


_SHAPES: dict[tuple, dict] = {}


def with_data(shape: dict, records: list[dict]) -> dict:
    """A chart's full Vega-Lite spec: its shape (made once by altair) with its data inline."""
    return {**shape, "data": {"values": records}}


def make_shape(kind: str, category: str = "", color: str = "") -> dict:
    """altair's spec of a chart shape in the site's style, without data: "bar" (amounts by `category`,
    grouped by `color` when given) or "trend" (amounts by year, one line per item). Turning altair
    objects into a spec costs more than drawing the chart, so a shape is made once and every chart
    of that shape only puts its data in."""
    import altair as alt

    if kind == "trend":
        chart = alt.Chart(alt.Data(values=[])).mark_line(point=True).encode(
            x=alt.X("年度:O", title="年度"), y=alt.Y(f"{AMOUNT}:Q", title="万元"),
            color=alt.Color("项目:N", sort=None, title=None, legend=alt.Legend(orient="bottom")))
    else:
        encoding = dict(x=alt.X(f"{AMOUNT}:Q", title="万元"),
                        y=alt.Y(f"{category}:N", sort=None, title=None, axis=alt.Axis(labelLimit=220)))
        if color:
            encoding["color"] = alt.Color(f"{color}:N", sort=None, title=None, legend=alt.Legend(orient="bottom"))
            encoding["yOffset"] = alt.YOffset(f"{color}:N", sort=None)
        chart = alt.Chart(alt.Data(values=[])).mark_bar().encode(**encoding)
    configured = chart.properties(width=WIDTH).configure(font=FONT, background="white").configure_view(stroke=None)
    spec = configured.to_dict(validate=False)  # the shapes are ours; validating costs more still
    spec.pop("data", None)
    return spec


def _num(value: Decimal) -> float:
    return float(value)  # only for drawing; the table beside shows the exact Decimal text


def _pairs(items: list[tuple[str, Decimal]], category: str) -> tuple[list[dict], list[list[str]]]:
    records = [{category: label, AMOUNT: _num(v)} for label, v in items]
    rows = [[label, shown(v)] for label, v in items]
    return records, rows


def simple_bar(r: ChartRenderer, chart_id: str, title: str, category: str,
               items: list[tuple[str, Decimal | None]], note: str = "") -> Chart | None:
    """Bars of the non-zero known amounts (a zero has no bar, an unknown is not drawn at all)."""
    items = [(label, v) for label, v in items if v]
    if not items:
        return None
    records, rows = _pairs(items, category)
    return r.render(Chart(chart_id, title, [category, AMOUNT], rows, note=note), r.shape("bar", category), records)


def income_by_source(r: ChartRenderer, figures) -> Chart | None:
    items = [(label, figures.value(f"income.{key}")) for key, label in SOURCE_LABELS.items()]
    items.append(("上年结转结余", figures.value("income.carry_over")))
    return simple_bar(r, "income-by-source", "收入来源构成", "收入来源", items)


def expenditure_by_function(r: ChartRenderer, disclosure, catalogue) -> Chart | None:
    sums: dict[str, Decimal] = {}
    for line in disclosure.functional:
        sums[line.code[:3]] = sums.get(line.code[:3], Decimal(0)) + line.amount
    items = [(f"{code} {catalogue.name('functional', code) or ''}".strip(), sums[code]) for code in sorted(sums)]
    return simple_bar(r, "expenditure-by-function", "支出按功能分类（类）", "功能分类", items)


def spending_structure(r: ChartRenderer, figures) -> Chart | None:
    names = ("expenditure.basic", "expenditure.project", "expenditure.personnel", "expenditure.public")
    items = [(FIGURE_LABELS[n], figures.value(n)) for n in names]
    return simple_bar(r, "spending-structure", "基本支出与项目支出、人员经费与公用经费", "项目", items)


VEHICLE_PARTS = ("three_public.vehicle_purchase", "three_public.vehicle_operation")


def _three_public_rows(figures) -> list[str]:
    """The figures to compare, at the level both years have: the vehicle costs split into 购置 and 运维
    unless a year gives only the combined 公务用车购置及运维费 (an untyped part is unknown, not zero), in
    which case both years show the combined figure. A year without any vehicle figure does not decide."""
    split = True
    for prefix in ("", "previous."):
        parts_known = all(figures.value(prefix + name) is not None for name in VEHICLE_PARTS)
        if figures.value(prefix + "three_public.vehicle") is not None and not parts_known:
            split = False
    vehicle = list(VEHICLE_PARTS) if split else ["three_public.vehicle"]
    return ["three_public.outbound", *vehicle, "three_public.reception"]


def three_public(r: ChartRenderer, figures, year: int) -> Chart | None:
    records, rows, unknown = [], [], []
    for name in _three_public_rows(figures):
        now, before = figures.value(name), figures.value(f"previous.{name}")
        if not now and not before:
            continue  # zero or unknown in both years: nothing to compare
        label = FIGURE_LABELS[name]
        for which, value in ((f"{year - 1}年", before), (f"{year}年", now)):
            if value is None:
                unknown.append(f"{which}{label}")
            else:
                records.append({"项目": label, "年度": which, AMOUNT: _num(value)})
        rows.append([label, shown(before), shown(now)])
    if not rows:
        return None
    note = f"未公开、图中未绘出：{'、'.join(unknown)}。" if unknown else ""
    chart = Chart("three-public", "“三公”经费各项与上年对比", ["项目", f"{year - 1}年", f"{year}年"], rows, note=note)
    return r.render(chart, r.shape("bar", "项目", color="年度"), records)


def disclosure_charts(r: ChartRenderer, doc, catalogue) -> list[Chart]:
    charts = [income_by_source(r, doc.figures), expenditure_by_function(r, doc.disclosure, catalogue),
              spending_structure(r, doc.figures), three_public(r, doc.figures, doc.year)]
    return [c for c in charts if c is not None]


TOP_UNITS = 20  # bars in a year's units chart; the year page's table lists every unit
MISSING_NAMED = 10  # units named in the note of those left out of it


def units_totals(r: ChartRenderer, year: int, items: list[tuple[str, Decimal | None]]) -> Chart | None:
    """The year's units by 支出预算, i.e. 本年支出合计 (what every disclosure's text calls so); with more
    than TOP_UNITS, the largest of them (a chart of a thousand bars can be neither read nor drawn in
    reasonable time). Units whose amount is unknown are named in the note, not drawn."""
    label = FIGURE_LABELS["expenditure.total"]
    missing = [name for name, v in items if v is None]
    named = "、".join(missing[:MISSING_NAMED]) + (f"等{len(missing)}个单位" if len(missing) > MISSING_NAMED else "")
    note = f"{label}未公开、图中未列入：{named}。" if missing else ""
    if len([v for _, v in items if v]) <= TOP_UNITS:
        return simple_bar(r, f"units-{year}", f"{year}年各单位支出预算", "单位", items, note)
    largest = sorted((item for item in items if item[1]), key=lambda item: (-item[1], item[0]))[:TOP_UNITS]
    return simple_bar(r, f"units-{year}", f"{year}年支出预算最多的{TOP_UNITS}个单位", "单位", largest, note)


def trend(r: ChartRenderer, unit_name: str, points: list[tuple[int, str, Decimal | None]]) -> Chart | None:
    """points: (year, series label, amount); an unknown amount has no point on its line
    and is "—" in the table."""
    if len({year for year, _, _ in points}) < 2:
        return None
    records = [{"年度": str(y), "项目": s, AMOUNT: _num(v)} for y, s, v in points if v is not None]
    series = list(dict.fromkeys(s for _, s, _ in points))
    years = sorted({y for y, _, _ in points})
    table = {(y, s): v for y, s, v in points}
    rows = [[s, *[shown(table.get((y, s))) for y in years]] for s in series]
    unknown = [f"{y}年{s}" for y, s, v in points if v is None]
    note = f"未公开、图中未绘出：{'、'.join(unknown)}。" if unknown else ""
    chart = Chart("trend", f"{unit_name}历年支出预算", ["项目", *[f"{y}年" for y in years]], rows, note=note)
    return r.render(chart, r.shape("trend"), records)
