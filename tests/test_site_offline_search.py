"""Search from disk (file://): the plain-script index written by the build, one script per search bucket,
and static/search.js using it, run for real in headless Chromium; over http the same page uses pagefind,
its bundles merged in the browser."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from urllib.parse import quote

import pytest

from browser_support import Browser, serve
from generator.build import build
from generator.site.offline_search import (INDEX_DIR, MAX_TEXT, VERSION, extract, matches, query_terms, read_script,
                                          script_path)
from generator.site.buckets import SITE_BUCKET, Buckets
from site_support import CONTENT, html_pages, parse, text_of

BUCKETS = Buckets.for_units(3)  # the search buckets of a site of three units

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
LANGFANG = "units/langfang-renda/2023/index.html"
FENGNAN = "units/fengnan-renda/2023/index.html"


@pytest.fixture(scope="session")
def site(example_site) -> Path:
    return example_site


def listed_buckets(site: Path) -> list[str]:
    box = [d for d in parse(site / "search.html").iter("div") if d.get("id") == "search"]
    return box[0].get("data-search-buckets").split()


def read_index(site: Path) -> dict[str, list[list]]:
    """Each bucket's pages, from the scripts of the buckets the search page lists."""
    parts = {}
    for bucket in listed_buckets(site):
        data = read_script(bucket, (site / script_path(bucket)).read_text(encoding="utf-8"))
        assert data["version"] == VERSION
        parts[bucket] = data["pages"]
    return parts


@pytest.fixture(scope="module")
def index(site) -> list[list]:
    """The whole offline index: every bucket's pages, in path order (as static/search.js joins them)."""
    return sorted((row for rows in read_index(site).values() for row in rows), key=lambda row: row[0])


def found(index, query: str) -> list[str]:
    return [row[0] for row in index if matches(row, query)]


# ---- the index -------------------------------------------------------------------------------


def test_index_has_every_indexed_page_and_nothing_else(site, index):
    urls = [row[0] for row in index]
    assert len(urls) == len(set(urls))
    expected = sorted(p.relative_to(site).as_posix() for p in html_pages(site)
                      if "data-pagefind-body" in p.read_text(encoding="utf-8"))
    assert urls == expected
    assert "search.html" not in urls and "404.html" not in urls and LANGFANG in urls
    for url, title, headings, text in index:
        page = parse(site / url)
        assert title == text_of(page.find(".//h1")).strip()
        assert len(text) <= MAX_TEXT and "  " not in text and "\n" not in text


def test_index_holds_headings_and_text_but_not_charts_downloads_or_menus(index):
    url, title, headings, text = next(row for row in index if row[0] == LANGFANG)
    assert title == "廊坊市人民代表大会常务委员会办公室2023年单位预算信息公开情况说明"
    assert "一、单位职责及机构设置情况" in headings and "八、名词解释" in headings
    assert "目录" not in headings  # the table of contents is navigation
    assert "人大代表" in text and "2931.61" in text
    assert "全部数据（JSON）" not in text  # downloads: data-pagefind-ignore
    assert "<svg" not in text and "万元" in text


def test_each_bucket_script_holds_its_own_pages_in_path_order(site):
    parts = read_index(site)
    buckets = listed_buckets(site)
    assert buckets[0] == SITE_BUCKET and len(buckets) == 4  # the site's pages, and one bucket per example unit
    assert sorted(p.name for p in (site / INDEX_DIR).iterdir()) == sorted(f"{b}.js" for b in buckets)
    for bucket, rows in parts.items():
        urls = [row[0] for row in rows]
        assert urls and urls == sorted(urls)
        assert {BUCKETS.page(url) for url in urls} == {bucket}
    assert "index.html" in [row[0] for row in parts[SITE_BUCKET]]
    assert LANGFANG in [row[0] for row in parts[BUCKETS.page(LANGFANG)]]


def test_table_cells_stay_apart(index):
    text = next(row for row in index if row[0] == "years/2023/index.html")[3]
    assert "收入总计 支出总计 基本支出" in text


def test_matching_rule_finds_chinese_words(index):
    assert LANGFANG in found(index, "人大代表")
    assert found(index, "人大代表 丰南") == [FENGNAN]  # every term must occur
    assert found(index, "  人大代表\u3000丰南 ") == [FENGNAN]  # any whitespace separates terms
    assert found(index, "没有这个词语") == []
    assert found(index, "   ") == [] and query_terms("   ") == []


# ---- in the browser --------------------------------------------------------------------------


def dump_dom(url: str) -> str:
    if CHROMIUM is None:
        pytest.skip("chromium not installed")
    # No --allow-file-access-from-files: an ordinary browser opening the files must be enough.
    result = subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--virtual-time-budget=10000",
                             "--dump-dom", url], capture_output=True, text=True, timeout=120)
    assert "<main" in result.stdout, result.stderr[-1000:]
    return result.stdout


def search_box(dom: str):
    page = parse_text(dom)
    box = [d for d in page.iter("div") if d.get("id") == "search"]
    assert box, dom[-2000:]
    return box[0]


def parse_text(dom: str):
    import html5lib

    return html5lib.parse(dom, treebuilder="etree", namespaceHTMLElements=False)


def offline_search(site: Path, query: str):
    box = search_box(dump_dom((site / "search.html").as_uri() + "?q=" + quote(query)))
    assert all(e.get("style") is None for e in box.iter())  # nothing a strict CSP would block
    status = [p for p in box.iter("p") if p.get("class") == "search-status"]
    assert status, "the offline search did not run"
    results = [(text_of(a), a.get("href")) for li in box.iter("li") for a in li.iter("a")]
    return text_of(status[0]), results, box


def test_browser_from_disk_finds_a_chinese_word(site):
    status, results, box = offline_search(site, "人大代表")
    assert status == f"找到 {len(results)} 个页面（本地搜索）"
    assert ("廊坊市人民代表大会常务委员会办公室2023年单位预算信息公开情况说明", (site / LANGFANG).as_uri()) in results
    assert all(Path(href.removeprefix("file://")).is_file() for _, href in results)
    marks = [text_of(m) for m in box.iter("mark")]
    assert marks and set(marks) == {"人大代表"}
    form = box.find(".//form")
    assert form.get("role") == "search" and box.find(".//label").get("for") == box.find(".//input").get("id")


def test_browser_from_disk_every_term_must_occur(site):
    status, results, _ = offline_search(site, "人大代表 丰南")
    assert status == "找到 1 个页面（本地搜索）"
    assert [href for _, href in results] == [(site / FENGNAN).as_uri()]


def test_browser_from_disk_says_when_nothing_is_found(site):
    status, results, _ = offline_search(site, "没有这个词语")
    assert status == "没有找到“没有这个词语”" and results == []


def test_browser_from_disk_finds_pages_of_every_bucket(site):
    """One search over all the bucket scripts: hits from different buckets come in one list."""
    status, results, _ = offline_search(site, "人大代表")
    buckets = {BUCKETS.page(Path(href.removeprefix("file://")).relative_to(site).as_posix()) for _, href in results}
    assert len(buckets) >= 2 and SITE_BUCKET not in buckets  # two units' buckets
    status, results, _ = offline_search(site, "名词解释")
    hrefs = [href for _, href in results]
    assert status == "找到 4 个页面（本地搜索）"
    assert {(site / p).as_uri() for p in ("glossary.html", LANGFANG, FENGNAN)} <= set(hrefs)  # site and unit buckets


def test_browser_from_disk_without_index_says_so(site, tmp_path):
    bare = tmp_path / "site"
    shutil.copytree(site, bare)
    shutil.rmtree(bare / INDEX_DIR)
    status, results, _ = offline_search(bare, "人大代表")
    assert "未找到本地搜索索引" in status and results == []


def test_browser_from_disk_with_a_bucket_missing_searches_the_others_and_says_so(site, tmp_path):
    bare = tmp_path / "site"
    shutil.copytree(site, bare)
    (bare / script_path(BUCKETS.page(LANGFANG))).unlink()
    status, results, _ = offline_search(bare, "人大代表")
    hrefs = [href for _, href in results]
    assert (bare / FENGNAN).as_uri() in hrefs and (bare / LANGFANG).as_uri() not in hrefs
    assert status == f"找到 {len(results)} 个页面（本地搜索）；部分本地搜索索引未能载入，结果可能不全。"


def test_browser_over_http_uses_pagefind(site):
    """Waited for in real time (pagefind starts a worker; a virtual-time budget ran out under load)."""
    if CHROMIUM is None:
        pytest.skip("chromium not installed")
    with Browser() as browser, serve(site) as base:
        browser.open(base + "search.html?q=" + quote("人大代表"))
        browser.wait_for("document.querySelectorAll('#search mark').length > 0")
        engine = browser.evaluate("document.getElementById('search').dataset.searchEngine")
        offline_forms = browser.evaluate("document.querySelectorAll('#search form.offline-search').length")
        text = browser.evaluate("document.getElementById('search').textContent")
    assert engine == "pagefind"
    assert offline_forms == 0
    assert "人大代表" in text  # ?q= searched: the words marked in excerpts

RESULTS = "[...document.querySelectorAll('#search .search-result > a')].map(a => [a.textContent.trim(), a.href])"


def pagefind_results(browser: Browser, url: str, titles: list[str]) -> list[list[str]]:
    """The titles and links shown for the search at `url`, once results with all of `titles` are shown
    (pagefind answers asynchronously: its worker, WebAssembly and index fetches)."""
    browser.open(url)
    browser.wait_for(f"(() => {{ const shown = {RESULTS}.map(r => r[0]);"
                     f" return {json.dumps(titles, ensure_ascii=False)}.every(t => shown.includes(t)); }})()")
    return browser.evaluate(RESULTS)


@pytest.mark.parametrize("prefix", ["", "yusuan/"])
def test_browser_over_http_finds_pages_of_merged_bundles_and_opens_them(site, tmp_path, prefix):
    """pagefind runs on the primary bundle (site-wide pages) and merges every unit's bundle: a unit's
    disclosure is found and its link opens it, also with the site deployed under a sub-path."""
    served = site
    if prefix:  # the web server's root holds the site under yusuan/
        served = tmp_path / "served"
        served.mkdir()
        (served / prefix.rstrip("/")).symlink_to(site)
    if CHROMIUM is None:  # the set-up installs it; a browser that is there but fails is a failure
        pytest.skip("chromium not installed")
    browser = Browser()
    langfang = "廊坊市人民代表大会常务委员会办公室2023年单位预算信息公开情况说明"
    fengnan = "唐山市丰南区人民代表大会常务委员会办公室2023年部门预算信息公开情况说明"
    assert SITE_BUCKET != BUCKETS.page(LANGFANG) != BUCKETS.page(FENGNAN) != SITE_BUCKET  # two merged bundles
    with browser, serve(served) as base:
        results = pagefind_results(browser, base + prefix + "search.html?q=" + quote("人大代表"), [langfang, fengnan])
        assert browser.evaluate("document.getElementById('search').dataset.searchEngine") == "pagefind"
        links = [href for text, href in results if text == langfang]
        assert links == [base + prefix + LANGFANG.removesuffix("index.html")], results
        browser.open(links[0])
        assert browser.evaluate("document.querySelector('h1').textContent.trim()") == langfang
        assert browser.evaluate("location.href") == links[0]


def test_a_line_break_inside_chinese_text_does_not_split_a_word(site_tree):
    """Markdown keeps the source's line breaks; between two Chinese characters they are not word gaps."""
    site_tree.replace_in_narrative("## 九、其他需要说明的事项\n\n无。",
                                   "## 九、其他需要说明的事项\n\n本单位负责联络人大\n代表，\nABC 与  DEF 之间有空格。")
    output = site_tree.root / "site"
    build(site_tree.write(), output)
    page = (output / "units" / "demo-office" / "2023" / "index.html").read_text(encoding="utf-8")
    assert "联络人大\n代表" in page  # as written…
    bucket = BUCKETS.page("units/demo-office/2023/index.html")
    rows = read_script(bucket, (output / script_path(bucket)).read_text(encoding="utf-8"))["pages"]
    assert found(rows, "联络人大代表") == ["units/demo-office/2023/index.html"]  # …and found as one word
    text = next(row[3] for row in rows if row[0] == "units/demo-office/2023/index.html")
    assert "本单位负责联络人大代表， ABC 与 DEF 之间有空格。" in text  # other breaks and spaces stay one space


def test_a_page_is_indexed_as_pagefind_indexes_it():
    """What extract() keeps of a page: inside data-pagefind-body only, without ignored subtrees, scripts,
    navigation or SVG; the first h1 as the title; h2–h6 as headings; block boundaries as spaces, line
    breaks between Chinese characters dropped; character references decoded; comments left out."""
    page = """<!DOCTYPE html><html lang="zh-CN"><head><title>标签页标题</title><script>var x = "脚本";</script></head>
<body><nav>导航</nav><header>页眉</header>
<main data-pagefind-body><h1>廊坊市<!-- 注释 -->人大
办公室</h1><p>收入&amp;支出<br>合计</p>
<h2>一、部门<em>职责</em></h2><table><tr><td>行政运行</td><td>1,043.55</td></tr></table>
<section data-pagefind-ignore><h2>图表</h2><p>不索引</p></section>
<svg><title>图</title><text>图中文字</text></svg><h3>二、说明</h3><p>完</p></main>
<footer>页脚</footer></body></html>"""
    got = extract(page.encode("utf-8"), "units/x/2023/index.html")
    assert got.title == "廊坊市人大办公室"
    assert got.headings == ["一、部门职责", "二、说明"]
    assert got.text == "廊坊市人大办公室 收入&支出 合计 一、部门职责 行政运行 1,043.55 二、说明 完"
    assert extract(page.replace("data-pagefind-body", "").encode("utf-8"), "x.html") is None  # not indexed
    assert extract(b"", "empty.html") is None
    untitled = page.replace("<h1>", "<h4>").replace("</h1>", "</h4>").encode("utf-8")
    assert extract(untitled, "x.html").title == "标签页标题图"  # no h1: the <title> elements
