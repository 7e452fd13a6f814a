"""Images and links in a narrative are judged on what the Markdown parser sees, not on the source text:
every way of writing a remote, `data:` or escaping image is reported (N012) and never reaches a page."""

from __future__ import annotations

import pytest

from generator.build import build
from generator.markdown import render

try:
    from conftest import UNIT_ID, YEAR, describe, of_code
    from site_support import parse
except ImportError:  # pragma: no cover
    from tests.conftest import UNIT_ID, YEAR, describe, of_code
    from tests.site_support import parse

FORMS = {
    "reference": "![图][r]\n\n[r]: http://127.0.0.1:8000/x.png",
    "inside a link": "[![标志](http://127.0.0.1:8000/x.png)](https://www.example.gov.cn/)",
    "destination on the next line": "![图](\nhttp://127.0.0.1:8000/x.png)",
    "brackets in the alt text": "![图 [一] 说明](http://127.0.0.1:8000/x.png)",
    "alt text over two lines": "![图\n说明](http://127.0.0.1:8000/x.png)",
    "escaping path": "![图](../../../../etc/x.png)",
    "data URL": "![图](data:image/png;base64,iVBORw0KGgo=)",
}


@pytest.mark.parametrize("form", FORMS, ids=list(FORMS))
def test_a_remote_or_escaping_image_is_reported_and_never_rendered(site_tree, tmp_path, form):
    spec = site_tree.year()
    spec.narrative = spec.narrative.rstrip("\n") + "\n\n" + FORMS[form] + "\n"
    report = site_tree.check()
    assert of_code(report, "N012"), describe(report)
    html = render(FORMS[form])
    assert "<img" not in html
    # the page itself, built with the error acknowledged as an author could, holds no such image
    site_tree.patch_budget({"acknowledged": [{"rule": "N012", "reason": "测试：确认后照样不得显示外部图片。"}]})
    output = tmp_path / "site"
    build(site_tree.write(), output, search=False)
    page = parse(output / "units" / UNIT_ID / str(YEAR) / "index.html")
    assert [img.get("src") for img in page.iter("img")] == []


def test_a_local_image_and_plain_links_stay(site_tree):
    assert '<img src="photo.png"' in render("![照片](photo.png)")
    assert 'href="https://www.example.gov.cn/"' in render("[门户网站](https://www.example.gov.cn/)")
    assert "href=\"javascript" not in render("[点我](javascript:alert(1))")  # left as plain text
