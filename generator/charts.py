"""Charts drawn at build time as static SVG, laid out for the size they are shown at.

A `Chart` carries its title, the data as rows (shown as a table beside the chart and used as the
text alternative), the SVG and the document section it illustrates. Nothing runs in the browser. An
unknown amount is never drawn (as 0 or otherwise): its table cell shows "—" and, where a chart leaves
something out for that reason, its `note` says so.

Layout: every chart is WIDTH px wide and is shown at that size, never scaled up (site.css), so its
text is TEXT px on a phone as on a desktop, at least the body size. Each bar has its own line of text
above it (label left, value right), so no two labels can overlap, whatever the amounts. Kinds follow
the data: parts of a whole are one stacked bar with a legend line per part (never a bar beside the
whole); parts compared without their whole are a bar list; this year beside last year only for items
both years give at the same level; a chart with fewer than two bars or parts is not drawn.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from html import escape
from pathlib import Path

from generator.figures import FIGURE_LABELS, UNKNOWN, shown
from generator.model.budget import SOURCE_LABELS, SPENDING_KINDS

FONT = "PingFang SC, Hiragino Sans GB, Microsoft YaHei, Noto Sans CJK SC, Source Han Sans SC, sans-serif"
WIDTH = 340  # px: fits a 390 px phone with the page and figure margins (site.css), unscaled
TEXT = 16  # px: the body size of the site (15 px on a phone)
LINE = 24  # px between text lines: the height of a CJK text box at TEXT px (1.45 em), so none overlaps the next
BAR = 14  # px: a bar's thickness
GAP = 10  # px after each item
COLOURS = ("#1f5a96", "#c0602a", "#4f8a33", "#8a4fa8", "#6b6b6b", "#b8860b")  # ≥ 3:1 against white
INK, MUTED = "#1a1a1a", "#555"
AMOUNT = "金额（万元）"  # the value column of every chart table


@dataclass
class Chart:
    id: str
    title: str
    columns: list[str]  # header of the data table
    rows: list[list[str]]  # data table, formatted; "—" for an unknown amount
    svg: str = ""
    note: str = ""  # shown under the chart: what it leaves out because the amount is unknown
    section: str = ""  # id of the DocSection it illustrates (shown at that section's end); "" for none

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


# ---- drawing -----------------------------------------------------------------------------------------

def text_width(text: str, size: int = TEXT) -> float:
    """An upper estimate of the drawn width: CJK and full-width characters 1 em, the rest narrower.
    Only used to wrap labels and keep values clear of bars; tests measure the real boxes in Chromium."""
    def em(ch: str) -> float:
        if ord(ch) > 0x2E7F:
            return 1.0
        return 0.35 if ch in " ,.:;'!|()[]" else 0.9 if ch in "%MW@—" else 0.62
    return size * sum(em(ch) for ch in text)


def wrap(text: str, width: float) -> list[str]:
    """Lines of at most `width` px, broken between characters (labels are short names)."""
    lines, line = [], ""
    for ch in text:
        if line and text_width(line + ch) > width:
            lines.append(line)
            line = ch.lstrip()
        else:
            line += ch
    return lines + [line] if line else lines


@dataclass
class Segment:
    label: str
    value: Decimal


@dataclass
class Item:
    """One labelled line of a chart: a bar (one segment), a stacked bar (several, a legend line each)
    or, in a comparison, one bar per series (`series` names them, e.g. years)."""

    label: str
    value: Decimal | None  # printed right of the label; None: not printed
    segments: list[Segment]
    series: list[str] | None = None


class Canvas:
    def __init__(self):
        self.parts: list[str] = []
        self.y = 0.0
        self.colours: dict[str, str] = {}

    def text(self, x: float, y: float, text: str, anchor: str = "start", fill: str = INK, bold: bool = False) -> None:
        weight = ' font-weight="bold"' if bold else ""
        self.parts.append(f'<text x="{x:g}" y="{y:g}" text-anchor="{anchor}" fill="{fill}"{weight}>{escape(text)}</text>')

    def rect(self, x: float, y: float, w: float, h: float, fill: str) -> None:
        self.parts.append(f'<rect x="{x:.1f}" y="{y:g}" width="{w:.1f}" height="{h:g}" fill="{fill}"/>')

    def label_line(self, label: str, value: str, bold: bool = False) -> None:
        """The label (wrapped) with the value at the right end of its first line."""
        room = WIDTH - (text_width(value) + 8 if value else 0)
        for n, line in enumerate(wrap(label, room)):
            self.y += LINE
            self.text(0, self.y - 6, line, bold=bold)
            if n == 0 and value:
                self.text(WIDTH, self.y - 6, value, anchor="end", bold=bold)

    def svg(self) -> str:
        height = round(self.y)
        return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
                f'viewBox="0 0 {WIDTH} {height}" font-family="{FONT}" font-size="{TEXT}" aria-hidden="true" '
                f'focusable="false">' + "".join(self.parts) + "</svg>")


def _length(value: Decimal, largest: Decimal, room: float) -> float:
    if largest <= 0 or value <= 0:
        return 0.0
    return max(2.0, float(value / largest) * room)  # float only for drawing; the table shows the Decimal


def draw(items: list[Item]) -> str:
    canvas = Canvas()
    colours: dict[str, str] = {}  # a part keeps its colour on every line (the years of a trend)
    for item in items:
        for segment in item.segments:
            colours.setdefault(segment.label, COLOURS[len(colours) % len(COLOURS)])
    canvas.colours = colours
    stacked = any(len(i.segments) > 1 and not i.series for i in items)
    largest = max((sum((s.value for s in i.segments), Decimal(0)) if not i.series else
                    max(s.value for s in i.segments)) for i in items)
    for item in items:
        if item.series:
            _draw_comparison(canvas, item, largest, items)
        elif stacked:
            _draw_stacked(canvas, item, largest)
        else:
            canvas.label_line(item.label, shown(item.value) if item.value is not None else "")
            canvas.rect(0, canvas.y, _length(item.segments[0].value, largest, WIDTH), BAR, COLOURS[0])
            canvas.y += BAR + GAP
    return canvas.svg()


def _draw_stacked(canvas: Canvas, item: Item, largest: Decimal) -> None:
    """The whole on one line, its parts stacked in one bar, then a legend line per part with its value
    and share (of the parts shown)."""
    canvas.label_line(item.label, shown(item.value) if item.value is not None else "", bold=True)
    parts = sum((s.value for s in item.segments), Decimal(0))
    x = 0.0
    for n, segment in enumerate(item.segments):
        w = _length(segment.value, largest, WIDTH)
        canvas.rect(x, canvas.y, w, BAR, canvas.colours[segment.label])
        x += w
    canvas.y += BAR + 4
    for n, segment in enumerate(item.segments):
        share = f"{(segment.value * 100 / parts).quantize(Decimal('0.1'))}%" if parts else ""
        value = f"{shown(segment.value)}（{share}）"
        room = WIDTH - 20 - text_width(value) - 8
        for k, line in enumerate(wrap(segment.label, room)):
            canvas.y += LINE
            if k == 0:
                canvas.rect(0, canvas.y - 18, 14, 14, canvas.colours[segment.label])
                canvas.text(WIDTH, canvas.y - 6, value, anchor="end")
            canvas.text(20, canvas.y - 6, line)
    canvas.y += GAP


def _draw_comparison(canvas: Canvas, item: Item, largest: Decimal, items: list[Item]) -> None:
    """The item's label, then one bar per series (its name left, its value right after the bar)."""
    names = [name for i in items for name in i.series or []]
    left = max(text_width(n) for n in names) + 8
    values = [shown(s.value) for i in items for s in i.segments]
    room = WIDTH - left - max(text_width(v) for v in values) - 8
    canvas.label_line(item.label, "")
    for n, (name, segment) in enumerate(zip(item.series, item.segments)):
        canvas.y += LINE
        canvas.text(0, canvas.y - 6, name, fill=MUTED)
        w = _length(segment.value, largest, room)
        canvas.rect(left, canvas.y - 18, w, BAR, canvas.colours[segment.label])
        canvas.text(left + w + 6, canvas.y - 6, shown(segment.value))
    canvas.y += GAP


class ChartRenderer:
    """Draws charts. The drawing is a few string joins, cheaper than any cache lookup, so `cache_dir`
    (the callers' chart cache folder, from when charts came from vl-convert) is not used."""

    def __init__(self, cache_dir: Path | None = None):
        self.cache_dir = cache_dir

    def render(self, chart: Chart, items: list[Item]) -> Chart:
        chart.svg = draw(items)
        return chart


# ---- the charts --------------------------------------------------------------------------------------

def _known(items: list[tuple[str, Decimal | None]]) -> list[tuple[str, Decimal]]:
    return [(label, v) for label, v in items if v]  # a zero has no bar, an unknown is not drawn at all


def bar_list(r: ChartRenderer, chart_id: str, title: str, category: str,
             items: list[tuple[str, Decimal | None]], note: str = "", section: str = "") -> Chart | None:
    """Bars of the non-zero known amounts; none for fewer than two (one bar compares nothing)."""
    items = _known(items)
    if len(items) < 2:
        return None
    rows = [[label, shown(v)] for label, v in items]
    chart = Chart(chart_id, title, [category, AMOUNT], rows, note=note, section=section)
    return r.render(chart, [Item(label, v, [Segment(label, v)]) for label, v in items])


def _whole(label: str, total: Decimal | None, parts: list[tuple[str, Decimal | None]]) -> Item | None:
    """A whole as a stacked bar of its non-zero known parts, when there are two or more. Its total is
    printed only when it is the sum of the parts shown (else the bar would claim a total it is not)."""
    known = _known(parts)
    if len(known) < 2:
        return None
    summed = sum((v for _, v in known), Decimal(0))
    return Item(label, total if total == summed else None, [Segment(n, v) for n, v in known])


def _stacked(r: ChartRenderer, chart: Chart, wholes: list[Item | None]) -> Chart | None:
    wholes = [w for w in wholes if w is not None]
    if not wholes:
        return None
    rows = [row for w in wholes for row in
            ([[w.label, shown(w.value)]] if w.value is not None else []) + [[s.label, shown(s.value)] for s in w.segments]]
    chart.rows = list({row[0]: row for row in rows}.values())  # a whole that is a part of another: once
    return r.render(chart, wholes)


def income_by_source(r: ChartRenderer, figures) -> Chart | None:
    parts = [(label, figures.value(f"income.{key}")) for key, label in SOURCE_LABELS.items()]
    parts.append(("上年结转结余", figures.value("income.carry_over")))
    whole = _whole(FIGURE_LABELS["income.grand_total"], figures.value("income.grand_total"), parts)
    return _stacked(r, Chart("income-by-source", "收入构成", ["项目", AMOUNT], [], section="overview"), [whole])


def expenditure_by_function(r: ChartRenderer, disclosure, catalogue) -> Chart | None:
    sums: dict[str, Decimal] = {}
    for line in disclosure.functional:
        sums[line.code[:3]] = sums.get(line.code[:3], Decimal(0)) + line.amount
    items = [(f"{code} {catalogue.name('functional', code) or ''}".strip(), sums[code]) for code in sorted(sums)]
    return bar_list(r, "expenditure-by-function", "支出按功能分类（类）", "功能分类", items, section="overview")


def spending_structure(r: ChartRenderer, figures) -> Chart | None:
    """本年支出合计 as 基本支出 + 项目支出 (+ the other spending kinds), and 基本支出 as 人员经费 + 公用经费:
    each whole stacked of its own parts, never a part beside its whole."""
    kinds = [(label, figures.value(f"expenditure.{key}")) for key, label in SPENDING_KINDS.items()]
    spending = _whole(FIGURE_LABELS["expenditure.total"], figures.value("expenditure.total"), kinds)
    basic = _whole(FIGURE_LABELS["expenditure.basic"], figures.value("expenditure.basic"),
                   [(FIGURE_LABELS[n], figures.value(n)) for n in ("expenditure.personnel", "expenditure.public")])
    if basic is not None and basic.value is None:
        basic = None  # 人员经费 and 公用经费 that do not add up to 基本支出 are not its parts
    chart = Chart("spending-structure", "支出结构", ["项目", AMOUNT], [], section="overview")
    return _stacked(r, chart, [spending, basic])


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
    """Each part of the “三公” budget, this year beside last year; without last year's figures, this
    year's parts alone. A part zero or unknown in both years is left out."""
    names = [n for n in _three_public_rows(figures) if figures.value(n) or figures.value(f"previous.{n}")]
    compared = any(figures.value(f"previous.{n}") is not None for n in names)
    years = [f"{year - 1}年", f"{year}年"] if compared else [f"{year}年"]
    items, rows, unknown = [], [], []
    for name in names:
        label = FIGURE_LABELS[name]
        values = [figures.value(f"previous.{name}"), figures.value(name)] if compared else [figures.value(name)]
        unknown += [f"{y}{label}" for y, v in zip(years, values) if v is None]
        drawn = [(y, v) for y, v in zip(years, values) if v is not None]
        if drawn:
            items.append(Item(label, None, [Segment(y, v) for y, v in drawn], series=[y for y, _ in drawn]))
        rows.append([label, *[shown(v) for v in values]])
    if sum(len(i.segments) for i in items) < 2:
        return None
    if not compared:  # one year: a bar list of its parts
        items = [Item(i.label, i.segments[0].value, i.segments[:1]) for i in items]
    note = f"未公开、图中未绘出：{'、'.join(unknown)}。" if unknown else ""
    title = "“三公”经费各项与上年对比" if compared else "“三公”经费各项"
    chart = Chart("three-public", title, ["项目", *years], rows, note=note, section="three_public")
    return r.render(chart, items)


def disclosure_charts(r: ChartRenderer, doc, catalogue) -> list[Chart]:
    charts = [income_by_source(r, doc.figures), spending_structure(r, doc.figures),
              expenditure_by_function(r, doc.disclosure, catalogue), three_public(r, doc.figures, doc.year)]
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
        return bar_list(r, f"units-{year}", f"{year}年各单位支出预算", "单位", items, note)
    largest = sorted((item for item in items if item[1]), key=lambda item: (-item[1], item[0]))[:TOP_UNITS]
    return bar_list(r, f"units-{year}", f"{year}年支出预算最多的{TOP_UNITS}个单位", "单位", largest, note)


def trend(r: ChartRenderer, unit_name: str, points: list[tuple[int, str, Decimal | None]]) -> Chart | None:
    """points: (year, series label, amount), the first series the whole (本年支出合计) and the others its
    parts (基本支出, 项目支出): a line per year, its whole stacked of its parts where they add up to it,
    else its whole alone. An unknown amount is not drawn and is "—" in the table."""
    years = sorted({year for year, _, _ in points})
    if len(years) < 2:
        return None
    series = list(dict.fromkeys(s for _, s, _ in points))
    table = {(y, s): v for y, s, v in points}
    rows = [[s, *[shown(table.get((y, s))) for y in years]] for s in series]
    unknown = [f"{y}年{s}" for y, s, v in points if v is None]
    items = []
    for y in years:
        whole = _whole(f"{y}年", table.get((y, series[0])), [(s, table.get((y, s))) for s in series[1:]])
        if whole is None or whole.value is None:
            total = table.get((y, series[0]))
            whole = Item(f"{y}年", total, [Segment(series[0], total)]) if total else None
        if whole is not None:
            items.append(whole)
    if len(items) < 2:
        return None
    note = f"未公开、图中未绘出：{'、'.join(unknown)}。" if unknown else ""
    chart = Chart("trend", f"{unit_name}历年支出预算", ["项目", *[f"{y}年" for y in years]], rows, note=note)
    return r.render(chart, items)
