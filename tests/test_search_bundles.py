"""The pagefind bundles depend on the pages alone: not on the order the file system lists them in.

pagefind records a bundle's pages in the order it was given them, and that order is in the bundle's
bytes (the page list of its .pf_meta, and so its name and pagefind-entry.json). The build sends them in
path order; pagefind's own directory walk took them in readdir order, which is creation order on tmpfs
and a hash order on ext4, so the same content gave different bundles on different machines.
"""

from __future__ import annotations

import gzip
import json
import tempfile
from pathlib import Path

import pytest

from generator.site.search import PagefindService, SearchIndexError, bundle_dir, page_url

PAGES = ["units/b-unit/2024/index.html", "units/a-unit/index.html", "units/a-unit/2024/changes.html",
         "units/a-unit/2024/index.html", "units/c-unit/index.html", "units/b-unit/index.html"]


def _page(title: str) -> str:
    return (f'<!doctype html><html lang="zh-CN"><head><title>{title}</title></head><body><nav>目录</nav>'
            f'<main data-pagefind-body><h1>{title}</h1><h2 id="s-1">一、部门职责</h2>'
            f'<p>{title}负责人大代表联络工作，一般公共预算支出 1234.56 万元。</p></main></body></html>')


def _write_site(root: Path, order: list[str]) -> Path:
    """The pages written one after another in `order`, so that a directory walk may list them so."""
    for path in order:
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(_page(path.split("/")[1]), encoding="utf-8")
    return root


def _index(site: Path) -> Path:
    with PagefindService() as service:
        assert service.index(site, {"u00": sorted(PAGES)}) == []
    return site / bundle_dir("u00")


def _page_order(bundle: Path) -> list[str]:
    """The pages' addresses in the order the bundle's metadata lists them."""
    meta = gzip.decompress(next(bundle.glob("*.pf_meta")).read_bytes())
    fragments = sorted(bundle.glob("fragment/*.pf_fragment"), key=lambda f: meta.index(f.stem.encode()))
    return [json.loads(gzip.decompress(f.read_bytes())[len(b"pagefind_dcd"):])["url"] for f in fragments]


def _bundle_bytes(bundle: Path) -> dict[str, bytes]:
    return {p.relative_to(bundle).as_posix(): p.read_bytes() for p in sorted(bundle.rglob("*")) if p.is_file()}


def test_a_bundle_lists_its_pages_in_path_order(tmp_path):
    bundle = _index(_write_site(tmp_path, PAGES))
    assert _page_order(bundle) == [page_url(p) for p in sorted(PAGES)]
    assert page_url("units/a-unit/2024/index.html") == "/units/a-unit/2024/"
    assert page_url("units/a-unit/2024/changes.html") == "/units/a-unit/2024/changes.html"


def test_pages_written_in_another_order_on_another_file_system_give_the_same_bundle(tmp_path):
    """tmpfs lists a folder's files in the reverse order they were made; ext4 (most build machines'
    disks) in the order of a hash of their names."""
    shm = Path("/dev/shm")
    if not shm.is_dir():
        pytest.skip("no /dev/shm (tmpfs) on this machine")
    with tempfile.TemporaryDirectory(dir=shm) as other:
        forward = _bundle_bytes(_index(_write_site(Path(other), PAGES)))
        backward = _bundle_bytes(_index(_write_site(tmp_path, list(reversed(PAGES)))))
    assert forward.keys() == backward.keys()
    assert [name for name in forward if forward[name] != backward[name]] == []


def test_a_page_that_cannot_be_read_is_a_search_error_naming_it(tmp_path):
    site = _write_site(tmp_path, PAGES)
    (site / PAGES[0]).unlink()
    with pytest.raises(SearchIndexError, match="units/b-unit/2024/index.html"):
        with PagefindService() as service:
            service.index(site, {"u00": sorted(PAGES)})
