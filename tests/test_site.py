"""The static site built from the example content: structure, numbers, offline guarantee, data, search."""

from __future__ import annotations

import csv
import gzip
import io
import json
import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from generator.build import BuildRefused, build
from generator.check import check_site
from generator.document import build_document
from generator.site.buckets import SITE_BUCKET, Buckets
from site_support import CONTENT, EXAMPLES, GOLDEN, GOLDEN_PAGES, html_pages, parse, text_of

BUCKETS = Buckets.for_units(3)  # the search buckets of a site of three units


@pytest.fixture(scope="session")
def site(example_site) -> Path:
    return example_site


@pytest.fixture(scope="module")
def documents():
    report = check_site(CONTENT)
    return {key: build_document(ctx, report.site) for key, ctx in sorted(report.contexts.items())}


def test_every_page_is_chinese_html5(site):
    pages = html_pages(site)
    assert len(pages) >= 10
    for page in pages:
        assert page.read_bytes().startswith(b"<!DOCTYPE html>"), page
        assert parse(page).get("lang") == "zh-CN", page


def test_every_number_of_every_table_is_on_its_page(site, documents):
    for key, doc in documents.items():
        page = parse(site / "units" / key / "index.html")
        shown = {(c.get("id") or "")[2:]: c for c in page.iter("table") if (c.get("id") or "").startswith("t-")}
        for table in doc.tables:
            assert table.id in shown, (key, table.id)
            cells = [text_of(c).strip() for c in shown[table.id].iter() if c.tag in ("td", "th")]
            for row in table.rows:
                for cell in row.cells:
                    if cell.kind != "merged" and cell.text:
                        assert cell.text in cells, (key, table.id, cell.text)


def test_tables_have_captions_scopes_and_scroll_regions(site):
    page = parse(site / "units" / "fengnan-renda" / "2023" / "index.html")
    tables = [t for t in page.iter("table") if (t.get("id") or "").startswith("t-")]
    assert tables
    for table in tables:
        caption = table.find("caption")
        assert caption is not None and "预算年度" in text_of(caption)
        assert all(th.get("scope") in ("col", "colgroup", "row") for th in table.iter("th"))
    money = [t for t in tables if t.get("id") == "t-summary"][0]
    assert "单位：万元" in text_of(money.find("caption"))
    regions = [d for d in page.iter("div") if "table-scroll" in (d.get("class") or "")]
    assert all(r.get("role") == "region" and r.get("aria-label") and r.get("tabindex") == "0" for r in regions)


def test_empty_table_is_shown_with_its_note(site):
    html = (site / "units" / "fengnan-renda" / "2023" / "index.html").read_text(encoding="utf-8")
    assert "空表列示" in html
    assert 'id="t-government_fund"' in html


def test_no_request_to_any_other_host(site):
    for page in html_pages(site):
        root = parse(page)
        for element in root.iter():
            for attr in ("src", "href", "action", "data", "poster"):
                url = element.get(attr)
                if url is None or "external" in (element.get("rel") or ""):
                    continue
                parts = urlsplit(url)
                assert not parts.scheme and not parts.netloc, (page, url)
                if page.name == "404.html" and page.parent == site:  # served at any depth: rooted at base_path
                    assert url.startswith(("/", "#")) and not url.startswith("//"), (page, url)
                else:
                    assert not url.startswith("/"), (page, url)  # relative: works under any sub-path
    for css in (site / "static").glob("*.css"):
        assert not re.search(r"url\(|@import|https?://", css.read_text(encoding="utf-8")), css


def test_no_inline_script_or_style(site):
    for page in html_pages(site):
        root = parse(page)
        for script in root.iter("script"):
            assert script.get("src") and not (script.text or "").strip(), page
        assert not list(root.iter("style")), page
        assert all(e.get("style") is None for e in root.iter()), page
        assert not any(k.startswith("on") for e in root.iter() for k in e.keys()), page


def chart_figure(page, chart_id: str):
    found = [f for f in page.iter("figure") if f.get("id") == f"chart-{chart_id}"]
    return found[0] if found else None


def svg_texts(figure) -> list[str]:
    svg = next(e for e in figure.iter() if str(e.tag).endswith("svg"))
    return ["".join(t.itertext()) for t in svg.iter() if str(t.tag).endswith("text")]


def test_spending_is_one_stacked_whole_and_its_parts_never_a_bar_beside_it(site):
    """廊坊人大 2023 as published: 本年支出 2931.61 = 基本支出 2364.61 + 项目支出 567.00, and 基本支出 =
    人员经费 2071.69 + 公用经费 292.92. Each whole is a line with its parts stacked under it, in §二."""
    page = parse(site / "units" / "langfang-renda" / "2023" / "index.html")
    overview = next(s for s in page.iter("section") if s.get("id") == "s-overview")
    figure = chart_figure(overview, "spending-structure")
    assert figure is not None  # placed in the section it illustrates
    texts = svg_texts(figure)
    assert texts[:2] == ["本年支出合计", "2931.61"]
    assert "2364.61（80.7%）" in texts and "567.00（19.3%）" in texts
    assert texts.count("基本支出") == 2  # a part of 本年支出 (legend), then a whole of its own
    assert "2071.69（87.6%）" in texts and "292.92（12.4%）" in texts
    three = next(s for s in page.iter("section") if s.get("id") == "s-three_public")
    assert chart_figure(three, "three-public") is not None


def test_no_chart_of_a_single_bar(site):
    """丰南人大 2023 has one income source (一般公共预算拨款收入 1043.55): a chart of it would be one bar."""
    page = parse(site / "units" / "fengnan-renda" / "2023" / "index.html")
    assert chart_figure(page, "income-by-source") is None
    assert chart_figure(page, "expenditure-by-function") is not None  # four 类


def test_labels_wrap_within_the_chart_width():
    from generator import charts

    name = "唐山市丰南区人民代表大会常务委员会办公室"
    lines = charts.wrap(name, 200)
    assert "".join(lines) == name and len(lines) > 1
    assert all(charts.text_width(line) <= 200 for line in lines)


def test_a_year_of_many_units_charts_the_largest(tmp_path):
    from decimal import Decimal

    from generator import charts

    items = [(f"单位{n:02d}", Decimal(n)) for n in range(1, 31)] + [("无预算单位", None)]
    chart = charts.units_totals(charts.ChartRenderer(tmp_path), 2023, items)
    assert chart.title == f"2023年支出预算最多的{charts.TOP_UNITS}个单位"
    assert [row[0] for row in chart.rows] == [f"单位{n:02d}" for n in range(30, 30 - charts.TOP_UNITS, -1)]
    few = charts.units_totals(charts.ChartRenderer(tmp_path), 2023, items[:3])
    assert few.title == "2023年各单位支出预算" and len(few.rows) == 3


def test_charts_have_text_alternative_and_data(site):
    page = parse(site / "units" / "langfang-renda" / "2023" / "index.html")
    figures = [f for f in page.iter("figure") if "chart" in (f.get("class") or "")]
    assert len(figures) >= 2
    for figure in figures:
        assert figure.find("figcaption") is not None
        images = [d for d in figure.iter("div") if d.get("role") == "img"]
        assert images and images[0].get("aria-label")
        assert [e for e in figure.iter() if str(e.tag).endswith("svg")] and list(figure.iter("table"))


def test_csv_has_bom_and_rows(site, documents):
    doc = documents["fengnan-renda/2023"]
    for table in doc.tables:
        raw = (site / "units" / "fengnan-renda" / "2023" / "data" / f"{table.id}.csv").read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf")
        rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
        assert rows[0] == table.columns
        assert rows[1:] == table.records()


def test_datapackages_reference_existing_files(site):
    packages = list(site.glob("datapackage-*.json")) + list(site.glob("units/*/*/datapackage.json"))
    assert len(packages) == 5
    for path in packages:
        descriptor = json.loads(path.read_text(encoding="utf-8"))
        assert descriptor["resources"]
        for resource in descriptor["resources"]:
            assert ".." not in resource["path"]
            assert (path.parent / resource["path"]).is_file(), resource["path"]
            if resource["format"] == "csv":
                assert resource["encoding"] == "utf-8"
                assert [f["name"] for f in resource["schema"]["fields"]]


def test_disclosure_json(site):
    data = json.loads((site / "units/langfang-renda/2023/langfang-renda-2023.json").read_text(encoding="utf-8"))
    assert data["disclosure"]["year"] == 2023
    assert data["figures"]["expenditure.total"] == "2931.61"
    assert data["unit"]["id"] == "langfang-renda"  # named by its folder, not null
    assert data["unit"]["name"] == "廊坊市人民代表大会常务委员会办公室"


def test_rebuild_is_byte_identical(site, tmp_path):
    again = tmp_path / "site"
    build(CONTENT, again)
    first = {p.relative_to(site): p.read_bytes() for p in site.rglob("*") if p.is_file()}
    second = {p.relative_to(again): p.read_bytes() for p in again.rglob("*") if p.is_file()}
    assert first.keys() == second.keys()
    assert [k for k in first if first[k] != second[k]] == []


def test_failed_build_leaves_previous_output(tmp_path):
    import shutil

    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    output = tmp_path / "site"
    build(content, output, search=False)
    before = {p: p.read_bytes() for p in output.rglob("*") if p.is_file()}
    budget = content / "units" / "langfang-renda" / "2023" / "budget.yaml"
    budget.write_text(budget.read_text(encoding="utf-8").replace("year: 2023", "year: 2021", 1), encoding="utf-8")
    with pytest.raises(BuildRefused):
        build(content, output, search=False)
    after = {p: p.read_bytes() for p in output.rglob("*") if p.is_file()}
    assert after == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".site.")]


def test_rebuild_keeps_the_pdfs_and_links_the_unit_pdf(tmp_path):
    output = tmp_path / "site"
    build(CONTENT, output, search=False)
    unit_pdf = output / "units" / "langfang-renda" / "2023" / "langfang-renda-2023.pdf"
    compendium = output / "2023" / "compendium-2023.pdf"
    for pdf in (unit_pdf, compendium):  # as `budgetsite pdf` leaves them
        pdf.parent.mkdir(parents=True, exist_ok=True)
        pdf.write_bytes(b"%PDF-1.7 " + pdf.name.encode())
    build(CONTENT, output, search=False)
    assert unit_pdf.read_bytes().endswith(unit_pdf.name.encode())
    assert compendium.read_bytes().endswith(compendium.name.encode())
    page = (unit_pdf.parent / "index.html").read_text(encoding="utf-8")
    assert 'href="langfang-renda-2023.pdf"' in page


def test_search_index_finds_chinese_word(site):
    assert (site / "pagefind" / SITE_BUCKET / "pagefind.js").is_file()
    hits = []
    for path in site.glob("pagefind/*/fragment/*.pf_fragment"):
        fragment = json.loads(gzip.decompress(path.read_bytes())[len(b"pagefind_dcd"):])
        if "人大代表" in fragment["content"].replace("\u200b", ""):  # pagefind marks word breaks
            hits.append((path.parts[-3], fragment["url"]))
    bucket = BUCKETS.unit("langfang-renda")
    assert (bucket, "/units/langfang-renda/2023/") in hits, hits  # in its unit's bundle


def test_search_buckets_one_bundle_each_listed_by_the_search_page(site):
    """The site's pages in the primary bundle, each unit's in its bucket's; the merged bundles keep only
    their index (the primary's code searches them); the search page lists exactly the bundles written."""
    bundles = sorted(p.name for p in (site / "pagefind").iterdir())
    box = [d for d in parse(site / "search.html").iter("div") if d.get("id") == "search"][0]
    listed = box.get("data-search-buckets").split()
    assert listed[0] == SITE_BUCKET and sorted(listed) == bundles
    assert listed[1:] == sorted({BUCKETS.unit(u) for u in ("langfang-renda", "fengnan-renda", "guangyang-zhengfuban")})
    for bucket in bundles:
        files = {p.relative_to(site / "pagefind" / bucket).as_posix() for p in (site / "pagefind" / bucket).rglob("*")
                 if p.is_file()}
        entry = json.loads((site / "pagefind" / bucket / "pagefind-entry.json").read_text(encoding="utf-8"))
        assert sum(language["page_count"] for language in entry["languages"].values()) >= 1
        urls = [json.loads(gzip.decompress((site / "pagefind" / bucket / f).read_bytes())[len(b"pagefind_dcd"):])["url"]
                for f in sorted(files) if f.startswith("fragment/")]
        assert urls and all(BUCKETS.page(u.lstrip("/")) == bucket for u in urls), (bucket, urls)
        if bucket == SITE_BUCKET:
            assert {"pagefind.js", "pagefind-worker.js"} <= files
        else:
            assert not [f for f in files if f.endswith((".js", ".css")) or f.startswith("wasm.")], files
    page = parse(site / "search.html")
    # static/search.js imports pagefind.js from the primary bundle itself; pagefind's UI is not used
    assert not [e for e in page.iter("link") if "pagefind" in (e.get("href") or "")]
    assert [e.get("src") for e in page.iter("script")] == ["static/search.js"]


def test_search_page_without_search_index_says_so(tmp_path):
    output = tmp_path / "site"
    build(CONTENT, output, search=False)
    assert not (output / "pagefind").exists() and not (output / "search-index").exists()
    page = parse(output / "search.html")
    assert not [d for d in page.iter("div") if d.get("id") == "search"]
    references = [e.get(a) for e in page.iter() for a in ("href", "src") if e.get(a)]
    assert not [r for r in references if "pagefind" in r or "search.js" in r], references
    assert all((output / r.split("#")[0]).is_file() for r in references if not r.startswith("#")), references
    assert "未建立搜索索引" in text_of(page.find(".//main"))


@pytest.fixture(scope="module")
def golden_site(tmp_path_factory) -> Path:
    """The frozen example content (tests/fixtures/examples), built as the golden pages were."""
    output = tmp_path_factory.mktemp("golden") / "site"
    build(EXAMPLES, output, search=False)
    return output


@pytest.mark.parametrize("page", GOLDEN_PAGES)
def test_golden_pages(golden_site, page):
    """Regenerate with `python -m tests.regenerate_golden` (or UPDATE_GOLDEN=1 pytest …)."""
    produced = (golden_site / page).read_text(encoding="utf-8")
    golden = GOLDEN / page
    if os.environ.get("UPDATE_GOLDEN") == "1":
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(produced, encoding="utf-8")
    assert golden.read_text(encoding="utf-8") == produced
