"""The renderer loads only files inside the project: no network, no file outside, data: allowed."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.pdf.fetcher import ResourceRefused, SafeFetcher
from generator.pdf.html import Job, absolutize_images, theme_dir
from generator.pdf.render import write_pdf

ROOT = Path(__file__).resolve().parents[1]
CONTENT = ROOT / "content"


@pytest.fixture
def fetcher():
    return SafeFetcher([theme_dir(), CONTENT])


@pytest.mark.parametrize("url", ["file:///etc/passwd", "http://example.com/a.png", "https://example.com/a.png",
                                 "ftp://example.com/a.png", "file://otherhost/etc/passwd",
                                 (CONTENT / ".." / ".." / "etc" / "passwd").as_uri()])
def test_refused(fetcher, url):
    with pytest.raises(ResourceRefused) as refused:
        fetcher.fetch(url)
    assert "拒绝加载" in str(refused.value)


def test_project_files_and_data_urls_are_served(fetcher):
    css = fetcher.fetch((theme_dir() / "print.css").as_uri())
    assert b"@page" in css.read()
    assert fetcher.fetch("data:text/plain,hello").read() == b"hello"


@pytest.mark.parametrize("src", ["/etc/passwd", "file:///etc/passwd", "http://example.com/x.png",
                                 "../../../../../../etc/passwd"])
def test_markdown_image_outside_project_stops_rendering(src):
    html = absolutize_images(f'<p><img src="{src}" alt=""></p>', CONTENT / "units" / "fengnan-renda" / "2023")
    with pytest.raises(ResourceRefused):
        write_pdf(Job(html), theme_dir(), [CONTENT], archival=False)
