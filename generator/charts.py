"""Charts: vega-lite specs made with altair, rendered at build time to static SVG by vl-convert, laid
out for the size they are shown at.

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

Who does what: vega-lite has no text wrapping to a width and no rows of varying height, so `lay_out`
places the lines of text (wrapped labels, values, legend lines) in pixels; vega-lite draws them and
scales the amounts to bar lengths (a linear scale from 0 to the largest amount). The spec's shape is
made once by altair (`shape`); each chart only puts its data in. The SVG is cached by the hash of its
full spec (`ChartRenderer`), so a chart is rendered once for the page and the PDF, and across builds.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from generator.figures import FIGURE_LABELS, UNKNOWN, shown
from generator.model.budget import SOURCE_LABELS, SPENDING_KINDS

FONT = "PingFang SC, Hiragino Sans GB, Microsoft YaHei, Noto Sans CJK SC, Source Han Sans SC, sans-serif"
WIDTH = 340  # px: fits a 390 px phone with the page and figure margins (site.css), unscaled
TEXT = 16  # px: the body size of the site (15 px on a phone)
LINE = 24  # px between text lines: the height of a CJK text box at TEXT px (1.45 em), so none overlaps the next
BAR = 14  # px: a bar's thickness
GAP = 10  # px after each item
MIN_BAR = 2  # px: the shortest bar drawn, so that a small amount is still seen
COLOURS = ("#1f5a96", "#c0602a", "#4f8a33", "#8a4fa8", "#6b6b6b", "#b8860b")  # ≥ 3:1 against white
INK, MUTED = "#1a1a1a", "#555"
AMOUNT = "金额（万元）"  # the value column of every chart table
SVG_FORMAT = "2"  # part of the cache key: change it when `tidy` changes what it makes of vl-convert's SVG


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


# ---- layout: where each line of text and each bar goes --------------------------------------------------

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


@dataclass
class Layout:
    """A chart's marks as vega-lite data. Texts and legend swatches are placed in pixels; bars are
    amounts (`start`, `end`) that vega-lite's linear scale maps onto [left, right] px, with `largest` at
    `right`; `after` are values printed just after the end of a bar, on that scale."""

    largest: float
    left: float = 0.0
    right: float = WIDTH
    y: float = 0.0
    texts: list[dict] = field(default_factory=list)
    bars: list[dict] = field(default_factory=list)
    swatches: list[dict] = field(default_factory=list)
    after: list[dict] = field(default_factory=list)
    colours: dict[str, str] = field(default_factory=dict)

    def text(self, x: float, y: float, text: str, anchor: str = "left", fill: str = INK, bold: bool = False) -> None:
        self.texts.append({"x": x, "y": y, "text": text, "align": anchor, "fill": fill,
                           "weight": "bold" if bold else "normal"})

    def bar(self, start: float, value: Decimal, top: float, colour: str) -> float:
        """A bar from the amount `start` on; returns where it ends (an amount). A positive amount is
        at least MIN_BAR px long."""
        if value <= 0 or self.largest <= 0:
            return start
        shortest = self.largest * MIN_BAR / (self.right - self.left)
        end = start + max(float(value), shortest)  # float only for drawing; the table shows the Decimal
        self.bars.append({"start": start, "end": end, "top": top, "bottom": top + BAR, "colour": colour})
        return end

    def swatch(self, top: float, colour: str) -> None:
        self.swatches.append({"x": 0, "x2": 14, "y": top, "y2": top + 14, "colour": colour})

    def label_line(self, label: str, value: str, bold: bool = False) -> None:
        """The label (wrapped) with the value at the right end of its first line."""
        room = WIDTH - (text_width(value) + 8 if value else 0)
        for n, line in enumerate(wrap(label, room)):
            self.y += LINE
            self.text(0, self.y - 6, line, bold=bold)
            if n == 0 and value:
                self.text(WIDTH, self.y - 6, value, anchor="right", bold=bold)


def lay_out(items: list[Item]) -> Layout:
    colours: dict[str, str] = {}  # a part keeps its colour on every line (the years of a trend)
    for item in items:
        for segment in item.segments:
            colours.setdefault(segment.label, COLOURS[len(colours) % len(COLOURS)])
    stacked = any(len(i.segments) > 1 and not i.series for i in items)
    largest = max((sum((s.value for s in i.segments), Decimal(0)) if not i.series else
                   max(s.value for s in i.segments)) for i in items)
    layout = Layout(float(largest), colours=colours)
    if any(i.series for i in items):
        _comparison_scale(layout, items)
    for item in items:
        if item.series:
            _place_comparison(layout, item)
        elif stacked:
            _place_stacked(layout, item)
        else:
            layout.label_line(item.label, shown(item.value) if item.value is not None else "")
            layout.bar(0.0, item.segments[0].value, layout.y, COLOURS[0])
            layout.y += BAR + GAP
    return layout


def _place_stacked(layout: Layout, item: Item) -> None:
    """The whole on one line, its parts stacked in one bar, then a legend line per part with its value
    and share (of the parts shown)."""
    layout.label_line(item.label, shown(item.value) if item.value is not None else "", bold=True)
    parts = sum((s.value for s in item.segments), Decimal(0))
    end = 0.0
    for segment in item.segments:
        end = layout.bar(end, segment.value, layout.y, layout.colours[segment.label])
    layout.y += BAR + 4
    for segment in item.segments:
        share = f"{(segment.value * 100 / parts).quantize(Decimal('0.1'))}%" if parts else ""
        value = f"{shown(segment.value)}（{share}）"
        room = WIDTH - 20 - text_width(value) - 8
        for k, line in enumerate(wrap(segment.label, room)):
            layout.y += LINE
            if k == 0:
                layout.swatch(layout.y - 18, layout.colours[segment.label])
                layout.text(WIDTH, layout.y - 6, value, anchor="right")
            layout.text(20, layout.y - 6, line)
    layout.y += GAP


def _comparison_scale(layout: Layout, items: list[Item]) -> None:
    """Bars start after the widest series name and leave room after them for the widest value."""
    names = [name for i in items for name in i.series or []]
    values = [shown(s.value) for i in items for s in i.segments]
    layout.left = max(text_width(n) for n in names) + 8
    layout.right = WIDTH - max(text_width(v) for v in values) - 8


def _place_comparison(layout: Layout, item: Item) -> None:
    """The item's label, then one bar per series (its name left, its value right after the bar)."""
    layout.label_line(item.label, "")
    for name, segment in zip(item.series, item.segments):
        layout.y += LINE
        layout.text(0, layout.y - 6, name, fill=MUTED)
        end = layout.bar(0.0, segment.value, layout.y - 18, layout.colours[segment.label])
        layout.after.append({"at": end, "y": layout.y - 6, "text": shown(segment.value)})
    layout.y += GAP


# ---- the vega-lite spec ---------------------------------------------------------------------------------

_SHAPE: list[dict] = []


def shape(cache_dir: Path | None = None) -> dict:
    """The spec of every chart without its data and size: four layers (bars, legend swatches, texts,
    values after bars) on named datasets, the bar scale from the params `largest`, `left` and `right`.
    Made by altair once, then kept in this process and in `cache_dir`: importing altair takes longer
    than rebuilding a unit whose charts are all in the cache."""
    if not _SHAPE:
        stored = cache_dir / f"shape-{_shape_key()}.json" if cache_dir else None
        if stored is not None and stored.exists():
            _SHAPE.append(json.loads(stored.read_text(encoding="utf-8")))
        else:
            _SHAPE.append(_make_shape())
            if stored is not None:
                from generator.files import write_atomically

                write_atomically(stored, json.dumps(_SHAPE[0], ensure_ascii=False, sort_keys=True))
    return _SHAPE[0]


def _shape_key() -> str:
    """This module's code and the altair it uses: what the shape is made from."""
    from importlib import metadata

    made_from = Path(__file__).read_bytes() + metadata.version("altair").encode()
    return hashlib.sha256(made_from).hexdigest()[:32]


def _make_shape() -> dict:
    import altair as alt

    pixels = dict(scale=None, axis=None)
    amount = alt.Scale(domain=[0, alt.ExprRef("largest")], range=[alt.ExprRef("left"), alt.ExprRef("right")],
                       nice=False, zero=False)
    colour = alt.Color("colour:N", scale=None, legend=None)
    bars = alt.Chart(alt.NamedData("bars")).mark_bar().encode(
        x=alt.X("start:Q", scale=amount, axis=None), x2=alt.X2("end"),
        y=alt.Y("top:Q", **pixels), y2=alt.Y2("bottom"), color=colour)
    swatches = alt.Chart(alt.NamedData("swatches")).mark_rect().encode(
        x=alt.X("x:Q", **pixels), x2=alt.X2("x2"), y=alt.Y("y:Q", **pixels), y2=alt.Y2("y2"), color=colour)
    texts = alt.Chart(alt.NamedData("texts")).mark_text(
        fontSize=TEXT, baseline="alphabetic", align=alt.ExprRef("datum.align"),
        fontWeight=alt.ExprRef("datum.weight")).encode(
        x=alt.X("x:Q", **pixels), y=alt.Y("y:Q", **pixels), text=alt.Text("text:N"),
        color=alt.Color("fill:N", scale=None, legend=None))
    after = alt.Chart(alt.NamedData("after")).mark_text(
        fontSize=TEXT, baseline="alphabetic", align="left", dx=6, color=INK).encode(
        x=alt.X("at:Q", scale=amount, axis=None), y=alt.Y("y:Q", **pixels), text=alt.Text("text:N"))
    chart = (alt.layer(bars, swatches, texts, after)
             .add_params(*[alt.param(name=name, value=0) for name in ("largest", "left", "right")])
             .properties(width=WIDTH, height=0, padding=0, autosize=alt.AutoSizeParams(type="none"))
             .resolve_scale(x="independent", y="independent")
             .configure(font=MEASURED_AS, aria=False).configure_view(stroke=None))
    spec = chart.to_dict(validate=False)  # the shape is ours; validating costs more than rendering
    spec["background"] = None  # transparent, as the figure around it (altair's default is white)
    for layer in spec["layer"]:  # vega-lite 6 wants the type of a second position channel stated
        for channel in ("x2", "y2"):
            if channel in layer["encoding"]:
                layer["encoding"][channel]["type"] = "quantitative"
    return spec


def chart_spec(layout: Layout, cache_dir: Path | None = None) -> dict:
    """The full spec of one chart: the shape with this chart's data, height and bar scale."""
    values = {"largest": layout.largest, "left": layout.left, "right": layout.right}
    return {**shape(cache_dir), "height": round(layout.y),
            "params": [{"name": name, "value": value} for name, value in values.items()],
            "datasets": {"bars": layout.bars, "swatches": layout.swatches, "texts": layout.texts,
                         "after": layout.after}}


# vl-convert's SVG as the page and PDF want it: hidden from assistive technology as a whole (the figure's
# role="img" element carries the text alternative), without the per-mark ARIA vega adds and the empty
# background and foreground paths of its view, and with the site's fonts named once, on the root.
# vega measures every text with its font for the bounds of the scene (which nothing here uses: the
# size is fixed and the texts placed by `lay_out`), and measuring a CJK label in Noto Sans CJK takes
# vl-convert about 4 ms, most of a chart's time; so the spec names a family no system has
# (MEASURED_AS: vega estimates the widths instead) and `tidy` puts the real families in its place.
MEASURED_AS = "budgetsite-unmeasured"
_ROOT = re.compile(r'<svg ([^>]*?)class="marks" ')
_NOISE = re.compile(r' (?:role|aria-roledescription)="[^"]*"|<path class="(?:background|foreground)" [^>]*/>'
                    f'| font-family="{MEASURED_AS}"| font-size="{TEXT}px"| font-weight="normal"')


def tidy(svg: str) -> str:
    root = f'<svg \\1aria-hidden="true" focusable="false" font-family="{FONT}" font-size="{TEXT}" '
    return _NOISE.sub("", _ROOT.sub(root, svg, count=1))


class ChartRenderer:
    """Renders chart specs to SVG with vl-convert (loaded once a process, on the first chart not in the
    cache). The cache key is the hash of the full spec, vl-convert's version, SVG_FORMAT and the fonts
    `tidy` names, so a chart is rendered once: for the page, the PDF and every later build."""

    def __init__(self, cache_dir: Path | None = None):
        self.cache_dir = cache_dir
        self.rendered = 0  # charts this renderer had to render (not found in the cache)

    def svg(self, spec: dict) -> str:
        text = json.dumps(spec, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        key = hashlib.sha256("\0".join([text, _converter_version(), SVG_FORMAT, FONT]).encode("utf-8")).hexdigest()
        cached = self.cache_dir / f"{key[:2]}/{key}.svg" if self.cache_dir else None
        if cached is not None and cached.exists():
            return cached.read_text(encoding="utf-8")
        import vl_convert

        svg = tidy(vl_convert.vegalite_to_svg(spec, allowed_base_urls=[]))  # no data from anywhere
        self.rendered += 1
        if cached is not None:
            from generator.files import write_atomically

            write_atomically(cached, svg)  # workers may render the same chart at once
        return svg

    def render(self, chart: Chart, items: list[Item]) -> Chart:
        chart.svg = self.svg(chart_spec(lay_out(items), self.cache_dir))
        return chart


_VERSION: list[str] = []


def _converter_version() -> str:
    if not _VERSION:
        from importlib import metadata

        _VERSION.append(metadata.version("vl-convert-python"))
    return _VERSION[0]


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
