"""Measure a reader's search on a built site in headless Chromium (numbers quoted in docs/scale.md):
`python -m tests.measure_search SITE WORD [WORD …]`. For each word the search page is opened four
times with `?q=WORD`; each time prints the milliseconds from navigation start until the search
status says 找到, and the number of resources the page fetched. The first run of the first word pays
for loading pagefind's WebAssembly; the others show what a reader's next searches cost."""

from __future__ import annotations

import sys
from pathlib import Path
from urllib.parse import quote

from tests.browser_support import Browser, serve

RUNS = 4

# Resolves with [ms since navigation, status text, resources fetched] once the status reports results.
SEARCH_DONE = """new Promise(resolve => {
  const tick = () => {
    const status = document.querySelector('#search .search-status');
    if (status && /找到/.test(status.textContent))
      resolve([performance.now(), status.textContent, performance.getEntriesByType('resource').length]);
    else setTimeout(tick, 5);
  };
  tick();
})"""


def main(argv: list[str]) -> int:
    if len(argv) < 2:
        print(__doc__)
        return 2
    site, words = Path(argv[0]), argv[1:]
    with serve(site) as base, Browser() as browser:
        for word in words:
            runs = []
            for _ in range(RUNS):
                browser.open(base + "search.html?q=" + quote(word))
                runs.append(browser.evaluate(SEARCH_DONE))
            print(f"{word}: {runs[0][1]}; ms {[round(r[0]) for r in runs]}; requests {[r[2] for r in runs]}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
