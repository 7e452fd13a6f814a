"""Government-site conventions (政府网站规范): the footer from site.yaml, 发布机关 and 发布日期 on each
disclosure, a units page that lists each unit once, a local favicon."""

from __future__ import annotations

from pathlib import Path

from generator.build import build
from site_support import parse, text_of

try:
    from conftest import UNIT_ID, YEAR, SiteTree, describe
except ImportError:  # pragma: no cover
    from tests.conftest import UNIT_ID, YEAR, SiteTree, describe


def built(tree: SiteTree) -> Path:
    report = tree.check()
    assert report.diagnostics == [], describe(report)
    output = tree.root / "out" / "site"
    build(tree.content, output, search=False)
    return output


def footer(page: Path) -> str:
    root = parse(page)
    return text_of(next(e for e in root.iter("footer")))


def test_footer_shows_organizer_site_code_and_icp_from_site_yaml(tmp_path):
    tree = SiteTree(tmp_path).patch_site({"organizer": "某市财政局办公室", "site_code": "1310000001",
                                          "icp": "冀ICP备12345678号", "police_record": "冀公网安备13010202000001号"})
    site = built(tree)
    for page in ("index.html", "units/index.html", f"units/{UNIT_ID}/{YEAR}/index.html", "404.html"):
        text = footer(site / page)
        assert "主办单位：某市财政局办公室" in text, page
        assert "网站标识码：1310000001" in text and "ICP备案号：冀ICP备12345678号" in text, page
        assert "公安机关备案号：冀公网安备13010202000001号" in text, page


def test_without_those_settings_the_footer_names_the_publisher_only(tmp_path):
    tree = SiteTree(tmp_path)
    site = built(tree)
    text = footer(site / "index.html")
    assert f"主办单位：{tree.site['publisher']}" in text
    assert "网站标识码" not in text and "ICP" not in text  # nothing shown that site.yaml does not give


def test_a_disclosure_names_its_issuing_unit_and_the_date_it_gives(tmp_path):
    tree = SiteTree(tmp_path).patch_budget({"published": "2023-02-10"})
    page = parse(built(tree) / "units" / UNIT_ID / str(YEAR) / "index.html")
    meta = text_of(next(p for p in page.iter("p") if p.get("class") == "doc-meta"))
    assert meta == f"发布机关：{tree.units[UNIT_ID].unit['name']}发布日期：2023-02-10"


def test_a_disclosure_without_a_date_shows_none(tmp_path):
    page = parse(built(SiteTree(tmp_path)) / "units" / UNIT_ID / str(YEAR) / "index.html")
    meta = text_of(next(p for p in page.iter("p") if p.get("class") == "doc-meta"))
    assert "发布机关：" in meta and "发布日期" not in meta


def unit_entries(site: Path) -> list[str]:
    page = parse(site / "units" / "index.html")
    return [text_of(li.find("a")) for ul in page.iter("ul") if ul.get("class") == "unit-list" for li in ul.iter("li")]


def headings(site: Path) -> list[str]:
    return [text_of(h) for h in parse(site / "units" / "index.html").iter("h2")]


def test_units_page_lists_a_unit_without_department_once(tmp_path):
    """A unit without `department` was its own group heading and again an entry under it."""
    tree = SiteTree(tmp_path).add_unit("other-office")
    site = built(tree)
    names = [tree.units[UNIT_ID].unit["name"], tree.units["other-office"].unit["name"]]
    assert unit_entries(site) == names
    assert headings(site) == []  # no unit names a 主管部门: one list, no heading repeating a unit


def test_units_page_groups_by_department_and_the_department_heads_its_group(tmp_path):
    tree = SiteTree(tmp_path)
    head = tree.units[UNIT_ID].unit["name"]
    tree.add_unit("sub-office", unit={"department": head})
    tree.add_unit("lone-office")
    site = built(tree)
    assert headings(site) == [head, "其他单位"]
    entries = unit_entries(site)
    assert entries == [head, tree.units["sub-office"].unit["name"], tree.units["lone-office"].unit["name"]]


def test_every_page_has_a_local_favicon(tmp_path):
    site = built(SiteTree(tmp_path))
    for page in ("index.html", f"units/{UNIT_ID}/{YEAR}/index.html"):
        icons = [link for link in parse(site / page).iter("link") if link.get("rel") == "icon"]
        assert len(icons) == 1
        href = icons[0].get("href")
        assert "//" not in href and (site / page).parent.joinpath(href).resolve().is_file()
    assert (site / "static" / "favicon.svg").read_text(encoding="utf-8").startswith("<svg")
