"""WCAG 2.1 AA: axe-core run in real headless Chromium on key pages of the built site.

axe-core comes from the npm registry, installed once into a cache dir ($BUDGETSITE_AXE_DIR or
~/.cache/budgetsite/axe). Skipped, with the reason, when Chromium or axe-core is unavailable.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import quote

import pytest

from generator.build import build
from site_support import CONTENT

try:  # tests/ on sys.path (rootdir layout) or tests as a package
    from conftest import SiteTree
except ImportError:  # pragma: no cover
    from tests.conftest import SiteTree

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
PAGES = ["index.html", "units/fengnan-renda/2023/index.html", "units/langfang-renda/2023/index.html",
         "units/langfang-renda/index.html", "units/index.html", "years/2023/index.html", "glossary.html",
         "search.html", "404.html"]
RUNNER = """
axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}})
  .then(function (r) {
    var out = document.createElement("pre"); out.id = "axe-result";
    out.textContent = JSON.stringify(r.violations.map(function (v) {
      return {id: v.id, impact: v.impact, nodes: v.nodes.map(function (n) { return n.target.join(" "); })};
    }));
    document.body.appendChild(out);
  });
"""


def axe_script() -> Path | None:
    cache = Path(os.environ.get("BUDGETSITE_AXE_DIR", Path.home() / ".cache" / "budgetsite" / "axe"))
    script = cache / "node_modules" / "axe-core" / "axe.min.js"
    if not script.is_file() and shutil.which("npm"):
        cache.mkdir(parents=True, exist_ok=True)
        subprocess.run(["npm", "install", "axe-core", "--prefix", str(cache), "--no-audit", "--no-fund", "--silent"],
                       capture_output=True, timeout=180)
    return script if script.is_file() else None


# Pages a temporary two-year site adds: the unit history (totals, changes, trend chart) and, opened from
# disk with a query, the search page with the results of the offline search (axe runs once they are shown).
HISTORY_PAGES = ["units/demo-office/index.html", "search.html?q=" + quote("人大代表")]
LATE_RUNNER = "window.addEventListener('load', function () { setTimeout(function () {" + RUNNER + "}, 1000); });"


def instrument(site: Path, pages: list[str], runner: str) -> Path:
    if CHROMIUM is None:
        pytest.skip("chromium not installed")
    script = axe_script()
    if script is None:
        pytest.skip("axe-core could not be installed from npm")
    shutil.copyfile(script, site / "axe.min.js")
    (site / "axe-run.js").write_text(runner, encoding="utf-8")
    for page in pages:
        page = page.split("?")[0]
        path = site / page
        root = "../" * page.count("/")
        tags = f'<script src="{root}axe.min.js"></script><script src="{root}axe-run.js"></script></body>'
        path.write_text(path.read_text(encoding="utf-8").replace("</body>", tags), encoding="utf-8")
    return site


@pytest.fixture(scope="module")
def instrumented(tmp_path_factory) -> Path:
    site = tmp_path_factory.mktemp("a11y") / "site"
    build(CONTENT, site, search=False)
    return instrument(site, PAGES, RUNNER)


@pytest.fixture(scope="module")
def instrumented_history(tmp_path_factory) -> Path:
    tree = SiteTree(tmp_path_factory.mktemp("a11y-history")).add_next_year()
    tree.replace_in_narrative("## 九、其他需要说明的事项\n\n无。", "## 九、其他需要说明的事项\n\n联络人大代表。")
    site = tree.root / "site"
    build(tree.write(), site)  # with the search indexes
    return instrument(site, HISTORY_PAGES, LATE_RUNNER)


@pytest.mark.parametrize("page", PAGES)
def test_axe_finds_no_violation(instrumented, page):
    assert_no_violation(instrumented, page)


@pytest.mark.parametrize("page", HISTORY_PAGES)
def test_axe_finds_no_violation_on_history_and_offline_search(instrumented_history, page):
    dom = assert_no_violation(instrumented_history, page)
    expected = 'id="chart-trend"' if page.startswith("units/") else 'class="search-result"'
    assert expected in dom  # what was checked was really on the page


def assert_no_violation(site: Path, page: str) -> str:
    path, _, query = page.partition("?")
    result = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--allow-file-access-from-files",
         "--virtual-time-budget=20000", "--dump-dom", (site / path).as_uri() + (f"?{query}" if query else "")],
        capture_output=True, text=True, timeout=120)
    match = re.search(r'<pre id="axe-result">(.*?)</pre>', result.stdout, re.S)
    assert match, f"axe did not run: {result.stderr[-500:]}"
    import html

    violations = json.loads(html.unescape(match.group(1)))
    assert violations == [], json.dumps(violations, ensure_ascii=False, indent=1)
    return result.stdout
