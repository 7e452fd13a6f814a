"""The pages as a reader sees them: the example site in headless Chromium at 390 px (a phone) and 1280 px.

Measured in the browser, not read from the CSS: the rendered size of every chart text against the
body text, the boxes of the chart texts (none overlaps another or leaves its chart), how many
characters each table cell gets on a line, the height of the 财政拨款收支总表 and where the table
captions stand. Skipped when Chromium is not installed.
"""

from __future__ import annotations

import json
import math

import pytest

from generator.build import build
from site_support import CONTENT

try:
    from browser_support import CHROMIUM, Browser
except ImportError:  # pragma: no cover
    from tests.browser_support import CHROMIUM, Browser

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium not installed")

WIDTHS = (390, 1280)
DISCLOSURES = ["units/fengnan-renda/2023/index.html", "units/langfang-renda/2023/index.html",
               "units/guangyang-zhengfuban/2022/index.html"]
CHART_PAGES = DISCLOSURES + ["index.html", "years/2023/index.html"]

CHART_TEXTS = """JSON.stringify([...document.querySelectorAll('figure.chart svg')].map(svg => {
  const box = svg.getBoundingClientRect();
  return {chart: svg.closest('figure').id, svg: [box.left, box.top, box.right, box.bottom],
          body: parseFloat(getComputedStyle(document.body).fontSize),
          texts: [...svg.querySelectorAll('text')].map(t => {
            const r = t.getBoundingClientRect();
            return {text: t.textContent, size: parseFloat(getComputedStyle(t).fontSize) * svg.getScreenCTM().a,
                    box: [r.left, r.top, r.right, r.bottom]};
          })};
}))"""

# Per table cell with text: its characters and the number of lines they take (line boxes of its text).
CELL_LINES = """JSON.stringify([...document.querySelectorAll('table.budget')].map(table => ({
  title: table.querySelector('.t-title').textContent,
  height: table.getBoundingClientRect().height,
  cells: [...table.querySelectorAll('th, td')].filter(c => c.textContent.trim()).map(c => {
    const range = document.createRange(); range.selectNodeContents(c);
    const tops = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top)));
    return {text: c.textContent.trim(), lines: tops.size};
  })})))"""

CAPTIONS = """JSON.stringify([...document.querySelectorAll('table.budget')].map(table => {
  const region = table.closest('.table-scroll').getBoundingClientRect();
  const title = table.querySelector('.t-title');
  const range = document.createRange(); range.selectNodeContents(title);
  const text = range.getBoundingClientRect();
  const visible = [Math.max(region.left, 0), Math.min(region.right, innerWidth)];
  return {title: title.textContent, centre: (text.left + text.right) / 2, visible: (visible[0] + visible[1]) / 2,
          fits: text.right - text.left <= visible[1] - visible[0]};
}))"""


@pytest.fixture(scope="module")
def measured(tmp_path_factory):
    """{(width, page): {"charts": …, "tables": …, "captions": …}} for the example site."""
    site = tmp_path_factory.mktemp("layout") / "site"
    build(CONTENT, site, search=False)
    found = {}
    with Browser() as browser:
        for width in WIDTHS:
            browser.command("Emulation.setDeviceMetricsOverride", session=True, width=width, height=900,
                            deviceScaleFactor=1, mobile=width < 600)
            for page in CHART_PAGES:
                browser.open((site / page).as_uri())
                found[width, page] = {name: json.loads(browser.evaluate(script)) for name, script in
                                      (("charts", CHART_TEXTS), ("tables", CELL_LINES), ("captions", CAPTIONS))}
    return found


def overlap(a, b) -> bool:
    return min(a[2], b[2]) - max(a[0], b[0]) > 0.5 and min(a[3], b[3]) - max(a[1], b[1]) > 0.5


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("page", CHART_PAGES)
def test_chart_text_is_body_size_and_no_label_overlaps_another(measured, width, page):
    charts = measured[width, page]["charts"]
    assert charts, "no chart measured"
    for chart in charts:
        texts = chart["texts"]
        assert texts, chart["chart"]
        for t in texts:
            assert t["size"] >= chart["body"], (chart["chart"], t["text"], t["size"], chart["body"])
            left, top, right, bottom = chart["svg"]
            box = t["box"]
            assert box[0] >= left - 0.5 and box[2] <= right + 0.5, (chart["chart"], t["text"], box, chart["svg"])
        for n, a in enumerate(texts):
            for b in texts[n + 1:]:
                assert not overlap(a["box"], b["box"]), (chart["chart"], a["text"], b["text"])


@pytest.mark.parametrize("page", DISCLOSURES)
def test_on_a_phone_no_table_cell_is_squeezed_to_a_few_characters_a_line(measured, page):
    """At 390 px, every cell gets at least four characters on a line (or all of its text, if shorter):
    “科目编码” on one line, never “科目编/码”, and never a column of single characters."""
    for table in measured[390, page]["tables"]:
        for cell in table["cells"]:
            assert cell["lines"] <= math.ceil(len(cell["text"]) / 4), (table["title"], cell)


def test_on_a_phone_the_fiscal_appropriations_table_keeps_its_rows_on_one_or_two_lines(measured):
    """The 财政拨款收支总表 of 丰南人大 (34 rows, 31 功能分类 类 on the right) was 5,062 px tall at 390 px,
    one character a line; now at most 1.5 times its height on a desktop."""
    def height(width):
        page = measured[width, DISCLOSURES[0]]["tables"]
        return next(t["height"] for t in page if t["title"].endswith("财政拨款收支总表"))
    assert height(390) <= 1.5 * height(1280), (height(390), height(1280))


@pytest.mark.parametrize("width", WIDTHS)
def test_table_captions_are_centred_on_the_screen(measured, width):
    for caption in measured[width, DISCLOSURES[0]]["captions"]:
        if caption["fits"]:
            assert abs(caption["centre"] - caption["visible"]) <= 2, caption
