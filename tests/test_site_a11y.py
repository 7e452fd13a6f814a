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

import pytest

from generator.build import build
from site_support import CONTENT

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


@pytest.fixture(scope="module")
def instrumented(tmp_path_factory) -> Path:
    if CHROMIUM is None:
        pytest.skip("chromium not installed")
    script = axe_script()
    if script is None:
        pytest.skip("axe-core could not be installed from npm")
    site = tmp_path_factory.mktemp("a11y") / "site"
    build(CONTENT, site, search=False)
    shutil.copyfile(script, site / "axe.min.js")
    (site / "axe-run.js").write_text(RUNNER, encoding="utf-8")
    for page in PAGES:
        path = site / page
        root = "../" * page.count("/")
        tags = f'<script src="{root}axe.min.js"></script><script src="{root}axe-run.js"></script></body>'
        path.write_text(path.read_text(encoding="utf-8").replace("</body>", tags), encoding="utf-8")
    return site


@pytest.mark.parametrize("page", PAGES)
def test_axe_finds_no_violation(instrumented, page):
    result = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--allow-file-access-from-files",
         "--virtual-time-budget=20000", "--dump-dom", (instrumented / page).as_uri()],
        capture_output=True, text=True, timeout=120)
    match = re.search(r'<pre id="axe-result">(.*?)</pre>', result.stdout, re.S)
    assert match, f"axe did not run: {result.stderr[-500:]}"
    import html

    violations = json.loads(html.unescape(match.group(1)))
    assert violations == [], json.dumps(violations, ensure_ascii=False, indent=1)
