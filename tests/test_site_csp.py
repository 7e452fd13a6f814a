"""The built site under a strict Content-Security-Policy, sent as a real response header by a local web
server, in headless Chromium: every kind of page loads with no CSP violation and no console error, and
search finds the example disclosures under both documented policies (docs/site.md "Content-Security-Policy"):

- STRICT, `default-src 'self'; script-src 'self' 'wasm-unsafe-eval'`: pagefind runs (its WebAssembly);
- PLAIN, `default-src 'self'`: WebAssembly is refused, and static/search.js falls back to the plain index
  (search-index/). The one violation allowed there is the refusal of its probe, the compilation of an empty
  WebAssembly module (blocked "wasm-eval"), which is how the page learns that pagefind cannot run.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from urllib.parse import quote

import pytest

from browser_support import CHROMIUM, Browser, serve

STRICT = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'"
PLAIN = "default-src 'self'"
LANGFANG_TITLE = "廊坊市人民代表大会常务委员会办公室2023年单位预算信息公开情况说明"
FENGNAN_TITLE = "唐山市丰南区人民代表大会常务委员会办公室2023年部门预算信息公开情况说明"
PAGES = {  # one of every kind of page
    "home": "index.html",
    "units": "units/index.html",
    "year": "years/2023/index.html",
    "unit": "units/langfang-renda/index.html",
    "disclosure": "units/langfang-renda/2023/index.html",
    "glossary": "glossary.html",
    "404": "404.html",
}
# Recorded before any script of the page runs (DevTools scripts are not subject to the page's CSP).
WATCH = """window.__violations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__violations.push({directive: e.effectiveDirective, blocked: e.blockedURI, source: e.sourceFile});
});"""
RESULTS = "[...document.querySelectorAll('#search .search-result > a')].map(a => [a.textContent, a.href])"


@pytest.fixture(scope="module")
def browser():
    if CHROMIUM is None:  # the set-up installs it; a browser that is there but fails is a failure
        pytest.skip("chromium not installed")
    with Browser() as opened:
        opened.command("Log.enable", session=True)
        opened.command("Page.addScriptToEvaluateOnNewDocument", session=True, source=WATCH)
        yield opened


def complaints(browser: Browser) -> list[str]:
    """Console errors, uncaught exceptions and browser log errors (failed loads, CSP refusals) since the
    last call."""
    found = []
    for event in browser.events:
        method, params = event["method"], event.get("params", {})
        if method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            found.append("console: " + " ".join(str(a.get("value", a.get("description", ""))) for a in params["args"]))
        elif method == "Runtime.exceptionThrown":
            details = params["exceptionDetails"]
            found.append("exception: " + details.get("exception", {}).get("description", details.get("text", "")))
        elif method == "Log.entryAdded" and params["entry"]["level"] == "error" \
                and not params["entry"].get("url", "").endswith("/favicon.ico"):  # asked by the browser, not a page
            found.append(f"log ({params['entry']['source']}): {params['entry']['text']} {params['entry'].get('url', '')}")
    browser.events.clear()
    return found


def visit(browser: Browser, url: str) -> tuple[list[dict], list[str]]:
    """Load `url`, let its scripts settle; the CSP violations and the complaints it caused."""
    browser.events.clear()
    browser.open(url)
    time.sleep(0.5)  # scripts started by the load (none on most pages) finish
    return browser.evaluate("window.__violations"), complaints(browser)


def wasm_probe_refused(violations: list[dict], logged: list[str]) -> bool:
    """The only thing PLAIN refuses on the search page: the probe compiling an empty WebAssembly module
    (one violation, from static/search.js; Chromium logs no console error for it)."""
    return (len(violations) == 1 and violations[0]["blocked"] == "wasm-eval"
            and violations[0]["directive"] == "script-src" and violations[0]["source"].endswith("/static/search.js")
            and logged == [])


@pytest.mark.parametrize("policy", [STRICT, PLAIN], ids=["strict", "plain"])
@pytest.mark.parametrize("kind", sorted(PAGES))
def test_every_kind_of_page_loads_without_violation_or_error(example_site, browser, policy, kind):
    with serve(example_site, policy) as base:
        violations, logged = visit(browser, base + PAGES[kind])
        assert browser.evaluate("document.styleSheets.length") >= 1  # site.css applied, not refused
        assert browser.evaluate("document.querySelector('h1') !== null")
    assert violations == [] and logged == []


def search(browser: Browser, url: str, titles: list[str]) -> tuple[str, list[list[str]]]:
    """The engine that answered the search at `url` and the results it shows, once results with all of
    `titles` are shown."""
    browser.open(url)
    browser.wait_for(f"(() => {{ const shown = {RESULTS}.map(r => r[0]);"
                     f" return {json.dumps(titles, ensure_ascii=False)}.every(t => shown.includes(t)); }})()")
    return browser.evaluate("document.getElementById('search').dataset.searchEngine"), browser.evaluate(RESULTS)


def test_search_under_the_strict_policy_runs_pagefind(example_site, browser):
    with serve(example_site, STRICT) as base:
        browser.events.clear()
        engine, results = search(browser, base + "search.html?q=" + quote("人大代表"), [LANGFANG_TITLE, FENGNAN_TITLE])
        assert engine == "pagefind"
        assert [LANGFANG_TITLE, base + "units/langfang-renda/2023/"] in results
        status = browser.evaluate("document.querySelector('#search .search-status').textContent")
        assert status == f"找到 {len(results)} 个页面"
        assert browser.evaluate("window.__violations") == [] and complaints(browser) == []
        browser.events.clear()
        browser.open(base + "units/langfang-renda/2023/")  # the result's link opens the disclosure
        assert browser.evaluate("document.querySelector('h1').textContent.trim()") == LANGFANG_TITLE


def test_search_under_the_plain_policy_falls_back_to_the_plain_index(example_site, browser):
    with serve(example_site, PLAIN) as base:
        browser.events.clear()
        engine, results = search(browser, base + "search.html?q=" + quote("人大代表"), [LANGFANG_TITLE, FENGNAN_TITLE])
        assert engine == "plain"
        assert [LANGFANG_TITLE, base + "units/langfang-renda/2023/index.html"] in results
        status = browser.evaluate("document.querySelector('#search .search-status').textContent")
        assert status == f"找到 {len(results)} 个页面（本地搜索）"
        time.sleep(0.5)
        assert wasm_probe_refused(browser.evaluate("window.__violations"), complaints(browser))
        # every term must occur: the plain index's rule
        engine, results = search(browser, base + "search.html?q=" + quote("人大代表 丰南"), [FENGNAN_TITLE])
        assert [title for title, _ in results] == [FENGNAN_TITLE]


def test_search_page_loads_nothing_from_pagefinds_ui(example_site):
    """pagefind's UI stylesheet carries data: icons that default-src 'self' refuses; the page uses pagefind's
    API with its own form instead."""
    page = (example_site / "search.html").read_text(encoding="utf-8")
    assert "pagefind-ui" not in page and "style=" not in page and "<style" not in page
