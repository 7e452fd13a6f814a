"""Images in a narrative: one policy for check, the site and the PDF (generator/narrative_images.py).
A PNG in the year folder is copied next to the page (so the page's <img> is served, not a 404) and
embedded in the PDF; a missing file, a non-image, a path outside the year folder (also through a
symlink) is a located N012 in check, and build refuses it."""

from __future__ import annotations

import io
from urllib.parse import unquote
from pathlib import Path

import pytest
from PIL import Image

from generator.build import BuildRefused, build

try:
    from conftest import UNIT_ID, YEAR, describe, of_code
    from site_support import parse
except ImportError:  # pragma: no cover
    from tests.conftest import UNIT_ID, YEAR, describe, of_code
    from tests.site_support import parse


def png(colour=(200, 30, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 20), colour).save(out, format="PNG")
    return out.getvalue()


def with_image(site_tree, markdown: str) -> Path:
    spec = site_tree.year()
    spec.narrative = spec.narrative.rstrip("\n") + "\n\n" + markdown + "\n"
    return site_tree.write() / "units" / UNIT_ID / str(YEAR)


@pytest.mark.parametrize("name", ["photo.png", "图片/照片.png"])
def test_an_image_in_the_year_folder_is_copied_next_to_the_page(site_tree, tmp_path, name):
    year_dir = with_image(site_tree, f"![照片]({name})")
    (year_dir / name).parent.mkdir(parents=True, exist_ok=True)
    (year_dir / name).write_bytes(png())
    report = site_tree.check()
    assert not of_code(report, "N012"), describe(report)
    output = tmp_path / "site"
    build(site_tree.content, output, search=False)
    page_dir = output / "units" / UNIT_ID / str(YEAR)
    [src] = [img.get("src") for img in parse(page_dir / "index.html").iter("img")]
    assert (page_dir / unquote(src)).read_bytes() == png()  # what the browser asks for is there


PROBLEMS = {
    "missing": ("![照片](nothing.png)", "文件不存在"),
    "not an image": ("![数据](budget.yaml)", "不是图片文件"),
    "outside the year folder": ("![照片](../photo.png)", "图片只能引用本年度目录中的文件"),
    "symlink out of the year folder": ("![照片](link.png)", "超出本年度目录"),
}


@pytest.mark.parametrize("case", PROBLEMS, ids=list(PROBLEMS))
def test_an_image_the_policy_refuses_is_a_located_n012_and_build_refuses(site_tree, tmp_path, case):
    markdown, problem = PROBLEMS[case]
    year_dir = with_image(site_tree, markdown)
    (year_dir.parent / "photo.png").write_bytes(png())  # in the unit's folder, not the year's
    (year_dir / "link.png").symlink_to(year_dir.parent / "photo.png")
    report = site_tree.check()
    found = of_code(report, "N012")
    assert len(found) == 1 and problem in found[0].message, describe(report)
    assert found[0].location.file.endswith("narrative.md") and found[0].location.line > 1
    with pytest.raises(BuildRefused):
        build(site_tree.content, tmp_path / "site", search=False)
    assert not (tmp_path / "site").exists()


def test_the_pdf_embeds_the_image(site_tree, tmp_path):
    pikepdf = pytest.importorskip("pikepdf")
    year_dir = with_image(site_tree, "![照片](photo.png)")
    (year_dir / "photo.png").write_bytes(png((10, 120, 200)))
    output = tmp_path / "site"
    build(site_tree.content, output, search=False, pdf=True)
    pdf = output / "units" / UNIT_ID / str(YEAR) / f"{UNIT_ID}-{YEAR}.pdf"
    with pikepdf.open(pdf) as document:
        sizes = [(int(image.Width), int(image.Height)) for page in document.pages
                 for image in page.get_images().values()]
    assert (40, 20) in sizes
