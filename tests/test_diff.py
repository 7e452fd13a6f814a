"""`budgetsite diff` on a unit with two consecutive years (tests/conftest.py NEXT_BUDGET: 行政运行
50 → 53, 一般行政管理事务 20 → 25, 公务接待费 5.00 → 4.00), and its page on the site."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from generator.build import build
from generator.cli import app
from site_support import parse, text_of

try:
    from conftest import NEXT_YEAR, UNIT_ID, SiteTree
except ImportError:  # pragma: no cover
    from tests.conftest import NEXT_YEAR, UNIT_ID, SiteTree


def test_diff_json_line_by_line_sorted_by_size(tmp_path):
    tree = SiteTree(tmp_path).add_next_year()
    tree.write()
    result = CliRunner().invoke(app, ["diff", UNIT_ID, "--content", str(tree.content), "--format", "json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert payload["year"] == NEXT_YEAR and payload["base"] == "disclosed"
    sections = {s["id"]: s for s in payload["sections"]}
    functional = [(l["key"], l["before"], l["after"], l["change"], l["percent"]) for l in sections["functional"]["lines"]]
    assert functional[:4] == [("201", "70.00", "78.00", "8.00", "11.4"), ("20101", "70.00", "78.00", "8.00", "11.4"),
                              ("2010102", "20.00", "25.00", "5.00", "25.0"), ("2010101", "50.00", "53.00", "3.00", "6.0")]
    reception = next(l for l in sections["three_public"]["lines"] if l["key"] == "three_public.reception")
    assert (reception["before"], reception["after"], reception["change"]) == ("5.00", "4.00", "-1.00")


def test_diff_page_is_linked_from_the_unit_page(tmp_path):
    tree = SiteTree(tmp_path).add_next_year()
    tree.write()
    output = tmp_path / "out"
    build(tree.content, output, search=False)
    unit = parse(output / "units" / UNIT_ID / "index.html")
    links = [a.get("href") for a in unit.iter("a")]
    assert f"../../units/{UNIT_ID}/{NEXT_YEAR}/changes.html" in links
    page = parse(output / "units" / UNIT_ID / str(NEXT_YEAR) / "changes.html")
    assert "公务接待费" in text_of(page.find(".//main"))
