"""`base_path`: 404.html links rooted at it (served at any URL depth); every other page stays relative."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from generator.build import BuildRefused, build
from site_support import html_pages, parse

try:  # tests/ on sys.path (rootdir layout) or tests as a package
    from conftest import codes, of_code
except ImportError:  # pragma: no cover
    from tests.conftest import codes, of_code


def links(page) -> list[str]:
    root = parse(page)
    return [e.get(a) for e in root.iter() for a in ("href", "src") if e.get(a) is not None]


@pytest.fixture
def yusuan(site_tree, tmp_path):
    site_tree.patch_site({"base_path": "/yusuan/"})
    output = tmp_path / "out" / "site"
    build(site_tree.write(), output, search=False)
    return output


def test_404_links_are_rooted_at_base_path(yusuan):
    found = links(yusuan / "404.html")
    assert "/yusuan/static/site.css" in found
    assert "/yusuan/index.html" in found and "/yusuan/search.html" in found
    assert "/yusuan/years/2023/index.html" in found  # the navigation too
    for url in found:
        if url.startswith("#"):  # in-page anchor (skip link): valid at any depth
            continue
        assert url.startswith("/yusuan/"), url
        # …and points at a file of the site once the site is deployed under /yusuan/
        assert (yusuan / urlsplit(url).path.removeprefix("/yusuan/")).is_file(), url


def test_other_pages_stay_relative(yusuan):
    pages = [p for p in html_pages(yusuan) if p != yusuan / "404.html"]
    assert len(pages) >= 6
    for page in pages:
        for url in links(page):
            assert not url.startswith("/") and not urlsplit(url).scheme, (page, url)


def test_default_base_path_roots_404_at_slash(site_tree, tmp_path):
    output = tmp_path / "site"
    build(site_tree.write(), output, search=False)
    found = links(output / "404.html")
    assert "/static/site.css" in found and "/index.html" in found
    assert all(u.startswith(("/", "#")) and not u.startswith("//") for u in found), found


@pytest.mark.parametrize("value", ["/", "/yusuan/", "/gov/yusuan-2024/", "/a.b_c~d/"])
def test_valid_base_paths(site_tree, value):
    site_tree.patch_site({"base_path": value})
    assert "S004" not in codes(site_tree.check())


@pytest.mark.parametrize("value", ["yusuan/", "/yusuan", "", "//cdn.example.com/", "/a//b/", "/../", "/./",
                                   "/预算/", "/yu suan/", "/yusuan/?x=1/"])
def test_invalid_base_path_is_a_located_chinese_error(site_tree, tmp_path, value):
    site_tree.patch_site({"base_path": value})
    report = site_tree.check()
    problems = of_code(report, "S004")
    assert len(problems) == 1, [d.to_text() for d in report.diagnostics]
    problem = problems[0]
    assert problem.location.file == "content/site.yaml"
    assert site_tree.line(problem.location.file, problem.location.line).startswith("base_path:")
    assert "base_path" in problem.message and "以“/”开头、以“/”结尾" in problem.message
    with pytest.raises(BuildRefused):
        build(site_tree.content, tmp_path / "refused", search=False)
    assert not (tmp_path / "refused").exists()
