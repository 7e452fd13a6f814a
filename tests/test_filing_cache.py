"""Filing exports kept between builds (generator/filing/cache.py): an export is linked from the cache
only when what its exporter reads is unchanged, and the files are exactly those a clean build makes."""

from __future__ import annotations

import ast
import copy
import shutil
from pathlib import Path

import pytest

from generator.bench import make_synthetic
from generator.build import build
from generator.check import check_site
from generator.document import build_document
from generator.filing.cache import EXPORTER_CODE, EXPORTER_READS, ExportCache, export_key
from site_support import CONTENT

PACKAGE = Path(__file__).resolve().parents[1] / "generator"
UNIT = "unit-00000"  # years 2022 and 2023


def exported_files(site: Path) -> dict[str, Path]:
    return {p.relative_to(site).as_posix(): p for p in sorted(site.rglob("*")) if p.suffix in (".xlsx", ".docx")}


def cache_of(site: Path) -> Path:
    return site.parent / ".cache" / "filing"


@pytest.fixture(scope="module")
def content(tmp_path_factory) -> Path:
    """Three units of two years each: a change to one year leaves the other year's exports alone."""
    root = tmp_path_factory.mktemp("filing-cache") / "content"
    make_synthetic(CONTENT, root, 3, 2)
    return root


def doc_attribute_chains(module: Path) -> set[str]:
    """Every `doc.a.b…` the module's code reads, as "a.b…" (method calls on it included)."""
    tree = ast.parse(module.read_text(encoding="utf-8"))
    inner = {id(n.value) for n in ast.walk(tree) if isinstance(n, ast.Attribute)}  # `doc.unit` of `doc.unit.name`
    chains = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and id(node) not in inner:
            names, value = [], node
            while isinstance(value, ast.Attribute):
                names.append(value.attr)
                value = value.value
            if isinstance(value, ast.Name) and value.id == "doc":
                chains.add(".".join(reversed(names)))
    return chains


@pytest.mark.parametrize("fmt", ["xlsx", "docx"])
def test_every_attribute_the_exporter_reads_is_in_its_key(fmt):
    chains = doc_attribute_chains(PACKAGE / "filing" / f"{fmt}.py")
    assert chains, "the exporter reads the document as `doc`"
    declared = EXPORTER_READS[fmt]
    unkeyed = sorted(c for c in chains if not any(c == d or c.startswith(d + ".") for d in declared))
    assert not unkeyed, f"{fmt} exporter reads {unkeyed}, which its cache key leaves out"


def generator_imports(module: Path) -> set[str]:
    """The generator modules `module` imports (at the top or inside a function), as paths below generator/."""
    found = set()
    for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
        names = [node.module] if isinstance(node, ast.ImportFrom) and node.module else []
        names += [alias.name for alias in node.names] if isinstance(node, ast.Import) else []
        for name in names:
            if name.startswith("generator."):
                found.add(name.removeprefix("generator.").replace(".", "/"))
    return found


def test_the_code_an_export_is_made_by_is_in_its_key():
    covered = lambda path: any(path == c.removesuffix(".py") or path.startswith(c + "/") for c in EXPORTER_CODE)
    for fmt in ("xlsx", "docx", "__init__"):
        imported = generator_imports(PACKAGE / "filing" / f"{fmt}.py")
        assert not sorted(p for p in imported if not covered(p)), fmt


def test_key_follows_the_content_the_exporter_reads(content):
    report = check_site(content)
    ctx = report.context(f"{UNIT}/2023")
    doc = build_document(ctx, report.site)
    again = build_document(report.context(f"{UNIT}/2023"), report.site)
    assert export_key(doc, "xlsx") == export_key(again, "xlsx")
    assert export_key(doc, "docx") == export_key(again, "docx")

    figure = copy.deepcopy(doc)
    cell = next(c for t in figure.tables for r in t.rows for c in r.cells if c.kind == "money" and c.text)
    cell.text = "0.01"
    assert export_key(figure, "xlsx") != export_key(doc, "xlsx")
    assert export_key(figure, "docx") != export_key(doc, "docx")

    prose = copy.deepcopy(doc)
    block = next(b for s in prose.sections for b in s.blocks if getattr(b, "html", ""))
    block.html += "<p>新增一句。</p>"
    assert export_key(prose, "xlsx") == export_key(doc, "xlsx")  # the workbook has no narrative
    assert export_key(prose, "docx") != export_key(doc, "docx")

    other_year = build_document(report.context(f"{UNIT}/2022"), report.site)
    assert export_key(other_year, "xlsx") != export_key(doc, "xlsx")


def test_rebuild_links_unchanged_exports_and_remakes_changed_ones(content, tmp_path):
    work = tmp_path / "content"
    shutil.copytree(content, work)
    site = tmp_path / "out" / "site"
    build(work, site, jobs=1)
    before = {name: (path.stat().st_ino, path.read_bytes()) for name, path in exported_files(site).items()}
    assert len(before) == 3 * 2 * 2
    assert all(path.stat().st_nlink == 2 for path in exported_files(site).values())  # the site's and the cache's

    narrative = work / "units" / UNIT / "2023" / "narrative.md"
    narrative.write_text(narrative.read_text(encoding="utf-8") + "\n新增一句说明。\n", encoding="utf-8")
    result = build(work, site, jobs=1)
    assert result.rendered == 1

    after = exported_files(site)
    changed = {n for n, p in after.items() if p.stat().st_ino != before[n][0]}
    assert changed == {f"units/{UNIT}/2023/{UNIT}-2023.docx"}  # the other year and the workbook were linked
    docx = after[f"units/{UNIT}/2023/{UNIT}-2023.docx"].read_bytes()
    assert docx != before[f"units/{UNIT}/2023/{UNIT}-2023.docx"][1]

    clean = tmp_path / "clean" / "site"  # its own cache: every export made afresh
    build(work, clean, jobs=1, reuse=False)
    assert {n: p.read_bytes() for n, p in exported_files(clean).items()} == {n: p.read_bytes() for n, p in after.items()}

    kept = [p for p in cache_of(site).rglob("*") if p.is_file()]
    assert len(kept) == len(after)  # the superseded .docx was pruned
    assert all(p.stat().st_nlink == 2 for p in kept)


def test_clean_build_makes_every_export_and_keeps_them(content, tmp_path):
    site = tmp_path / "out" / "site"
    build(content, site, jobs=1)
    first = {n: p.stat().st_ino for n, p in exported_files(site).items()}
    build(content, site, jobs=1, reuse=False)
    again = exported_files(site)
    assert all(again[n].stat().st_ino != ino for n, ino in first.items())  # made again, not linked
    assert all(p.stat().st_nlink == 2 for p in again.values())  # and kept for the next build


def test_prune_forgets_only_exports_no_file_shares(tmp_path):
    cache = ExportCache(tmp_path / "cache")
    published = tmp_path / "site" / "a.xlsx"
    published.parent.mkdir()
    published.write_bytes(b"kept")
    orphan = tmp_path / "site" / "b.xlsx"
    orphan.write_bytes(b"gone")
    cache.keep("a" * 64, "xlsx", published)
    cache.keep("b" * 64, "xlsx", orphan)
    orphan.unlink()
    assert cache.prune() == 1
    assert [p.name for p in (tmp_path / "cache").rglob("*.xlsx")] == ["a" * 64 + ".xlsx"]
    target = tmp_path / "site" / "c.xlsx"
    assert cache.link_into("a" * 64, "xlsx", target) and target.read_bytes() == b"kept"
    assert not cache.link_into("b" * 64, "xlsx", tmp_path / "site" / "d.xlsx")
