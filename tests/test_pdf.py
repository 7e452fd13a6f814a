"""The real PDFs, opened with pypdf and pikepdf: layout, fonts, text, bookmarks, metadata, PDF/A, determinism."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pikepdf
import pypdf
import pytest

from generator.document import build_document
from generator.pdf.build import compendium_job, render, unit_job

ROOT = Path(__file__).resolve().parents[1]
CONTENT = ROOT / "content"
EPOCH = "1700000000"
A4 = (595.28, 841.89)


@pytest.fixture(scope="module")
def report(example_report):
    return example_report


@pytest.fixture(scope="module")
def fengnan(report, tmp_path_factory):
    """fengnan-renda 2023 (tables-first template with 收入总表), rendered once for the module."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
        ctx = report.contexts["fengnan-renda/2023"]
        return render(unit_job(ctx, report.site), report.site)


@pytest.fixture(scope="module")
def reader(fengnan):
    return pypdf.PdfReader(io.BytesIO(fengnan))


@pytest.fixture(scope="module")
def text(reader):
    return "\n".join(page.extract_text() for page in reader.pages)


@pytest.fixture(scope="module")
def document(report):
    return build_document(report.contexts["fengnan-renda/2023"], report.site)


def _size(page) -> tuple[float, float]:
    return float(page.mediabox.width), float(page.mediabox.height)


def test_pages_are_a4_portrait_or_landscape(reader):
    assert len(reader.pages) >= 10
    for page in reader.pages:
        w, h = sorted(_size(page))
        assert (round(w, 0), round(h, 0)) == (round(A4[0]), round(A4[1]))
    assert _size(reader.pages[0])[0] < _size(reader.pages[0])[1]


def test_wide_tables_are_on_landscape_pages(reader):
    landscape = [page.extract_text() for page in reader.pages if _size(page)[0] > _size(page)[1]]
    assert landscape, "no landscape page"
    assert any("部门预算收入总表" in t for t in landscape)
    portrait = [page.extract_text() for page in reader.pages if _size(page)[0] < _size(page)[1]]
    assert any("部门预算支出总表" in t for t in portrait)
    # wide but empty: the 政府采购预算 stays portrait, with its 空表列示 note (tests/test_pdf_pagination.py)
    assert not any("政府采购预算" in t and "预算年度" in t for t in landscape)
    assert any("部门政府采购预算" in t and "预算年度" in t for t in portrait)


def test_fonts_are_embedded_cjk(fengnan):
    names, embedded = set(), 0
    with pikepdf.open(io.BytesIO(fengnan)) as pdf:
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/FontDescriptor":
                names.add(str(obj.FontName).replace("-", ""))
                embedded += any(k in obj for k in ("/FontFile", "/FontFile2", "/FontFile3"))
    assert embedded == len(names) > 0
    assert any("NotoSerifCJK" in n for n in names), names
    assert any("NotoSansCJK" in n for n in names), names
    # Three faces: bold text is set in the sans (the heading face), so the serif bold is never embedded.
    assert len(names) == 3 and not any("Serif" in n and "Bold" in n for n in names), names


def test_chinese_text_is_extractable(text):
    for phrase in ("一般公共服务支出", "人大事务", "部门预算收支总表", "单位：万元", "预算年度：2023年"):
        assert phrase in text
    assert "\ufffd" not in text


def test_running_header_and_footer(reader):
    total = len(reader.pages)
    page = reader.pages[5].extract_text()
    assert f"第 6 页 共 {total} 页" in page
    assert "唐山市丰南区人民代表大会常务委员会办公室" in page and "2023年部门预算" in page


def test_table_of_contents_has_page_numbers(reader):
    toc = reader.pages[1].extract_text()
    assert "目" in toc and "录" in toc
    assert re.search(r"部门预算收入总表\s*\.+\s*\d+", toc)


def test_every_table_number_is_printed(text, document):
    printed = set(re.findall(r"-?\d+(?:\.\d+)?", text))
    missing = [(t.id, c.text) for t in document.tables for row in t.rows for c in row.cells
               if c.numeric and c.text and c.text not in printed]
    assert not missing


def test_table_rows_stay_whole_and_headers_repeat(reader, document):
    """Fixed table layout still keeps each row on one page and repeats the header rows on each page."""
    pages = [re.sub(r"\s+", "", page.extract_text()) for page in reader.pages]
    spanning = []
    for table in document.tables:
        heads = [re.sub(r"\s+", "", c.text) for row in table.header for c in row]
        on = set()
        for row in table.rows:
            texts = [re.sub(r"\s+", "", c.text) for c in row.cells if c.text and c.kind != "merged"]
            hits = [n for n, page in enumerate(pages) if all(t in page for t in texts)]
            assert hits, (table.id, texts)  # every cell of the row on one page
            if len(hits) == 1:
                on.add(hits[0])
        for n in on:
            assert all(h in pages[n] for h in heads), (table.id, n + 1)
        if len(on) > 1:
            spanning.append(table.id)
    assert "summary" in spanning and "basic_economic" in spanning  # continued on a next page, header repeated


def test_bookmarks(reader, document):
    def titles(items):
        for item in items:
            if isinstance(item, list):
                yield from titles(item)
            else:
                yield item.title

    found = list(titles(reader.outline))
    for section in document.sections:
        assert section.heading in found
    assert "部门预算收入总表" in found


def test_metadata(reader, fengnan):
    info = reader.metadata
    assert info.title == "唐山市丰南区人民代表大会常务委员会办公室2023年部门预算信息公开情况说明"
    assert info.author == "唐山市丰南区人民代表大会常务委员会办公室"
    assert "预算" in info.subject and "2023年" in (info.get("/Keywords") or "")
    assert info.get("/CreationDate") == "D:20231114221320Z"
    with pikepdf.open(io.BytesIO(fengnan)) as pdf:
        assert str(pdf.Root.Lang) == "zh-CN"


def test_pdfa3b_claim_and_attachments(fengnan):
    with pikepdf.open(io.BytesIO(fengnan)) as pdf:
        meta = pdf.open_metadata()
        assert meta.get("pdfaid:part") == "3" and meta.get("pdfaid:conformance") == "B"
        names = set(pdf.attachments.keys())
        assert "fengnan-renda-2023.json" in names
        assert {"fengnan-renda-2023-summary.csv", "fengnan-renda-2023-income.csv"} <= names
        assert len(pdf.Root.AF) == len(names)
        assert all(str(spec.AFRelationship) == "/Data" for spec in pdf.Root.AF)
        assert "/StructTreeRoot" in pdf.Root  # tagged
        check = getattr(pdf, "check_pdf_syntax", None) or pdf.check  # pikepdf < 9: check()
        assert check() == []  # the finisher's objects and streams are well formed
        csv = pdf.attachments["fengnan-renda-2023-summary.csv"].get_file().read_bytes().decode("utf-8-sig")
        assert "1043.55" in csv


def test_byte_identical_renders(report, fengnan, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    again = render(unit_job(report.contexts["fengnan-renda/2023"], report.site), report.site)
    assert again == fengnan


def test_same_bytes_whatever_the_process_rendered_before(report, fengnan, monkeypatch, tmp_path):
    """A worker keeps WeasyPrint's font configuration and stylesheet from one PDF to the next: a PDF
    rendered after others in this process equals the one a fresh process renders."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    here = render(unit_job(report.contexts["guangyang-zhengfuban/2022"], report.site), report.site)
    out = tmp_path / "fresh.pdf"
    script = ("import sys; from pathlib import Path; from generator.check import check_site; "
              "from generator.pdf.build import render, unit_job; r = check_site(Path(sys.argv[1])); "
              "job = unit_job(r.contexts['guangyang-zhengfuban/2022'], r.site); "
              "Path(sys.argv[2]).write_bytes(render(job, r.site))")
    subprocess.run([sys.executable, "-c", script, str(CONTENT), str(out)], cwd=ROOT, check=True,
                   env={**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "PYTHONPATH": str(ROOT)})
    assert out.read_bytes() == here


def test_compendium_has_every_unit(report, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    contexts = [c for c in report.contexts.values() if c.entry.year == 2023]
    pdf = pypdf.PdfReader(io.BytesIO(render(compendium_job(contexts, report.site, 2023), report.site)))
    top = [item.title for item in pdf.outline if not isinstance(item, list)]
    for ctx in contexts:
        assert any(ctx.entry.unit.unit.name in title for title in top), top
    toc = pdf.pages[1].extract_text() + pdf.pages[2].extract_text()
    assert "廊坊市人民代表大会常务委员会办公室" in toc and "唐山市丰南区" in toc


def test_charts_are_vector_graphics(fengnan, text):
    # each chart at the end of the section it illustrates (§二 总体情况), not in an appendix
    assert "附：图表" not in text
    assert text.rindex("（三）比上年增减情况") < text.index("支出按功能分类（类）") < text.rindex("三、机关运行经费安排情况")
    with pikepdf.open(io.BytesIO(fengnan)) as pdf:
        images = [o for o in pdf.objects if isinstance(o, pikepdf.Stream) and o.get("/Subtype") == "/Image"]
        figures = [o for o in pdf.objects if isinstance(o, pikepdf.Dictionary) and o.get("/S") == "/Figure"]
        assert not images
        # each chart is a tagged figure whose alternative text gives its data
        assert figures and all("（单位：万元）" in str(f.get("/Alt", "")) for f in figures)
