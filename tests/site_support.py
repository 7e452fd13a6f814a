"""Shared helpers for the site tests: one build of the example content per session."""

from __future__ import annotations

from pathlib import Path

import html5lib

ROOT = Path(__file__).resolve().parents[1]
CONTENT = ROOT / "content"
# A frozen copy of the example content (tests/fixtures/examples/README.md): the golden pages and the check
# corpus are built from it, so that a new disclosure in content/ does not change what they compare.
EXAMPLES = ROOT / "tests" / "fixtures" / "examples"
GOLDEN = ROOT / "tests" / "golden"
GOLDEN_PAGES = ["index.html", "units/langfang-renda/2023/index.html", "units/fengnan-renda/2023/index.html",
                "glossary.html", "404.html"]
NS = {"h": "http://www.w3.org/1999/xhtml"}


def parse(path: Path):
    return html5lib.parse(path.read_bytes(), treebuilder="etree", namespaceHTMLElements=False)


def text_of(element) -> str:
    return "".join(element.itertext())


def html_pages(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("*.html") if "pagefind" not in p.parts)
