"""The finance bureau's view (build --bureau): every expected unit, published or not, its check status
and its publication date against the deadline of 20 days after the budget's approval."""

from __future__ import annotations

from generator.build import build
from site_support import parse, text_of

try:
    from conftest import UNIT_ID, YEAR, SiteTree
except ImportError:  # pragma: no cover
    from tests.conftest import UNIT_ID, YEAR, SiteTree


def rows(page) -> list[list[str]]:
    table = next(t for t in page.iter("table") if "bureau" in t.get("class", ""))
    return [[text_of(c).strip() for c in tr] for tr in table.find("tbody").iter("tr")]


def test_bureau_page_lists_expected_units_and_deadlines(tmp_path):
    tree = SiteTree(tmp_path)
    tree.patch_budget({"published": f"{YEAR}-02-20"})  # approved 01-25: deadline 02-14, six days late
    tree.add_unit("on-time-office", budget={"published": f"{YEAR}-02-14"})
    tree.add_unit("unlisted-office")
    tree.patch_site({"bureau": [{"year": YEAR, "approved": f"{YEAR}-01-25",
                                 "units": [UNIT_ID, "on-time-office", "missing-office"]}]})
    tree.write()
    output = tmp_path / "out"
    build(tree.content, output, search=False, bureau=True)
    page = parse(output / "bureau" / str(YEAR) / "index.html")
    found = {r[0].rsplit("（", 1)[1].rstrip("）"): r[1:] for r in rows(page)}
    assert found[UNIT_ID] == ["已公开", "通过", f"{YEAR}-02-20", "逾期 6 日"]
    assert found["on-time-office"] == ["已公开", "通过", f"{YEAR}-02-14", "按期"]
    assert found["missing-office"] == ["未公开", "—", "—", "—"]
    assert found["unlisted-office"][0] == "不在名单"
    assert f"公开期限（批复后 20 日）：{YEAR}-02-14" in text_of(page.find(".//main"))


def test_no_bureau_page_on_the_public_site(tmp_path):
    tree = SiteTree(tmp_path).patch_site({"bureau": [{"year": YEAR, "approved": f"{YEAR}-01-25", "units": [UNIT_ID]}]})
    tree.write()
    output = tmp_path / "out"
    build(tree.content, output, search=False)
    assert not (output / "bureau").exists()
