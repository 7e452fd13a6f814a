"""The year's compendium (汇编) PDF, written by the real `budgetsite pdf --compendium`, linked from the year
page and, for the latest year, from the home page; a year without a compendium links none."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from generator.build import build
from generator.cli import app
from site_support import parse, text_of

try:  # tests/ on sys.path (rootdir layout) or tests as a package
    from conftest import NEXT_YEAR, UNIT_ID, YEAR, SiteTree
except ImportError:  # pragma: no cover
    from tests.conftest import NEXT_YEAR, UNIT_ID, YEAR, SiteTree

TITLE = f"{NEXT_YEAR}年预算信息公开汇编（PDF）"


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """Two years; `budgetsite pdf --compendium --year NEXT_YEAR` into the output, then `build`."""
    tree = SiteTree(tmp_path_factory.mktemp("compendium")).add_next_year()
    content = tree.write()
    output = tree.root / "site"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", "1700000000")
        result = CliRunner().invoke(app, ["pdf", "--content", str(content), "--output", str(output),
                                          "--year", str(NEXT_YEAR), "--compendium", "--plain"])
    assert result.exit_code == 0, result.output
    build(content, output, search=False)
    return output


def compendium_links(page: Path) -> list[str]:
    return [a.get("href") for a in parse(page).iter("a") if "汇编" in text_of(a)]


def test_year_page_links_its_compendium(site):
    page = site / "years" / str(NEXT_YEAR) / "index.html"
    links = [(text_of(a), a.get("href")) for a in parse(page).iter("a") if "汇编" in text_of(a)]
    assert links == [(TITLE, f"../../{NEXT_YEAR}/compendium-{NEXT_YEAR}.pdf")]
    target = (page.parent / links[0][1]).resolve()
    assert target.read_bytes().startswith(b"%PDF-")


def test_home_page_links_the_latest_compendium(site):
    assert compendium_links(site / "index.html") == [f"{NEXT_YEAR}/compendium-{NEXT_YEAR}.pdf"]


def test_year_without_compendium_links_none(site):
    assert not (site / str(YEAR)).exists()
    assert compendium_links(site / "years" / str(YEAR) / "index.html") == []


def test_rebuild_keeps_the_compendium_and_its_links(site):
    before = (site / str(NEXT_YEAR) / f"compendium-{NEXT_YEAR}.pdf").read_bytes()
    build(site.parent / "content", site, search=False)
    assert (site / str(NEXT_YEAR) / f"compendium-{NEXT_YEAR}.pdf").read_bytes() == before
    assert compendium_links(site / "years" / str(NEXT_YEAR) / "index.html") == [
        f"../../{NEXT_YEAR}/compendium-{NEXT_YEAR}.pdf"]
    assert compendium_links(site / "index.html") == [f"{NEXT_YEAR}/compendium-{NEXT_YEAR}.pdf"]
    # the unit PDF of that year, from the same `budgetsite pdf` run, is linked as before
    disclosure = site / "units" / UNIT_ID / str(NEXT_YEAR) / "index.html"
    assert f'href="{UNIT_ID}-{NEXT_YEAR}.pdf"' in disclosure.read_text(encoding="utf-8")
