"""Charts as vl-convert renders them: the SVG is the same bytes for the same data (in another process
too), read from the cache instead of rendered again, names no other host and the site's fonts, and
its bars are the amounts on one linear scale. The page's look (text size, overlaps) is measured in
Chromium by test_site_layout.py."""

from __future__ import annotations

import re
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from xml.etree import ElementTree

from generator import charts

ROOT = Path(__file__).resolve().parents[1]
ITEMS = [("201 一般公共服务支出", Decimal("1043.55")), ("208 社会保障和就业支出", Decimal("521.78")),
         ("210 卫生健康支出", None), ("唐山市丰南区人民代表大会常务委员会办公室机关服务中心", Decimal("0.01"))]
SVG = "{http://www.w3.org/2000/svg}"


def draw(cache: Path | None = None) -> tuple[charts.Chart, charts.ChartRenderer]:
    renderer = charts.ChartRenderer(cache)
    return charts.bar_list(renderer, "f", "支出按功能分类（类）", "功能分类", ITEMS), renderer


def texts(svg: str) -> list[str]:
    return ["".join(t.itertext()) for t in ElementTree.fromstring(svg).iter(f"{SVG}text")]


def bars(svg: str) -> list[float]:
    """The bars' lengths in px: vega draws a bar as a path "Mx,yh<length>v…" in the group of the first
    layer's marks (the legend swatches are the second's)."""
    root = ElementTree.fromstring(svg)
    groups = [g for g in root.iter(f"{SVG}g") if "layer_0_marks" in (g.get("class") or "")]
    return [float(re.match(r"M[\d.]+,[\d.]+h([\d.]+)", p.get("d")).group(1)) for g in groups for p in g]


def test_the_same_data_gives_the_same_svg_bytes_in_another_process():
    chart, _ = draw()
    script = ("import sys; from tests.test_charts import draw; sys.stdout.buffer.write(draw()[0].svg.encode())")
    other = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, check=True).stdout
    assert other.decode("utf-8") == chart.svg


def test_a_chart_is_rendered_once_then_read_from_the_cache(tmp_path):
    first, renderer = draw(tmp_path)
    assert renderer.rendered == 1 and len(list(tmp_path.rglob("*.svg"))) == 1
    again, second = draw(tmp_path)
    assert second.rendered == 0 and again.svg == first.svg
    changed = charts.bar_list(second, "f", "t", "c", [("甲", Decimal("1.00")), ("乙", Decimal("2.00"))])
    assert second.rendered == 1 and changed.svg != first.svg  # other data, another chart


def test_the_svg_names_no_other_host_and_the_site_fonts():
    svg = draw()[0].svg
    root = ElementTree.fromstring(svg)
    assert root.get("font-family") == charts.FONT and "Noto Sans CJK SC" in root.get("font-family")
    assert root.get("aria-hidden") == "true"  # the figure's role="img" element carries the text alternative
    assert charts.MEASURED_AS not in svg and "font-family" not in svg.split(">", 1)[1]  # set once, on the root
    without_namespaces = re.sub(r' xmlns(?::\w+)?="[^"]*"', "", svg)
    assert not re.search(r"https?:|//|url\(|href|@import|<image|<style", without_namespaces)
    assert " style=" not in svg and "<script" not in svg  # the site's CSP allows neither


def test_every_label_on_its_own_line_the_unknown_left_out_and_bars_on_one_scale():
    svg = draw()[0].svg
    found = texts(svg)
    assert "210 卫生健康支出" not in found  # unknown: not drawn, not as 0
    assert found[:4] == ["201 一般公共服务支出", "1043.55", "208 社会保障和就业支出", "521.78"]
    long_name = [t for t in found[4:] if t != "0.01"]
    assert "".join(long_name) == ITEMS[3][0] and len(long_name) == 2  # wrapped onto two lines, whole
    longest, half, tiny = bars(svg)
    assert longest == charts.WIDTH and abs(half - charts.WIDTH / 2) < 0.01
    assert abs(tiny - charts.MIN_BAR) < 1e-9  # a small amount still shows


def test_parts_are_stacked_in_one_bar_as_long_as_their_whole():
    renderer = charts.ChartRenderer()
    whole = charts._whole("本年支出合计", Decimal("2931.61"),
                          [("基本支出", Decimal("2364.61")), ("项目支出", Decimal("567.00"))])
    chart = charts._stacked(renderer, charts.Chart("s", "支出结构", ["项目", charts.AMOUNT], []), [whole])
    assert texts(chart.svg) == ["本年支出合计", "2931.61", "2364.61（80.7%）", "基本支出", "567.00（19.3%）", "项目支出"]
    first, second = bars(chart.svg)
    assert abs(first + second - charts.WIDTH) < 0.01 and abs(first / charts.WIDTH - 2364.61 / 2931.61) < 1e-6
