"""Screenshots for reviewing a theme change: `make shots` or `python scripts/shots.py [--out build/shots]`.

Builds the example site with its PDFs into <out>/site, then writes
- <out>/web/<page kind>-<width>-NN.png: every page kind at 1280 and 390 px wide, the whole page cut into
  screen-sized pieces (one image of a 15,000 px page is neither viewable nor reliably captured);
- <out>/pdf/<pdf name>-NNN.png: every page of every PDF (pdftoppm, 60 dpi);
- <out>/index.txt: the list, with each web page's full height, so a change in length shows at a glance.
Headless Chromium is driven over the DevTools pipe (tests/browser_support.py); no network is used.
"""

from __future__ import annotations

import argparse
import base64
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from generator.build import build  # noqa: E402
from tests.browser_support import Browser  # noqa: E402

WIDTHS = (1280, 390)
PIECE = {1280: 1600, 390: 1700}  # height of one screenshot piece (about two phone screens)
MAX_PIECES = 30  # a page longer than this many pieces is cut off in the images (its height is still listed)
PDF_DPI = 60


def page_kinds(site: Path) -> dict[str, str]:
    """One page of each kind (each disclosure, being the page a theme change touches most)."""
    kinds = {"home": "index.html", "units": "units/index.html", "glossary": "glossary.html",
             "search": "search.html", "404": "404.html"}
    for year in sorted((site / "years").iterdir()):
        kinds[f"year-{year.name}"] = f"years/{year.name}/index.html"
    for unit in sorted((site / "units").iterdir()):
        if unit.is_dir():
            kinds[f"unit-{unit.name}"] = f"units/{unit.name}/index.html"
            for year in sorted(p for p in unit.iterdir() if p.is_dir()):
                kinds[f"disclosure-{unit.name}-{year.name}"] = f"units/{unit.name}/{year.name}/index.html"
    return kinds


def set_width(browser: Browser, width: int) -> None:
    browser.command("Emulation.setDeviceMetricsOverride", session=True, width=width, height=PIECE[width],
                    deviceScaleFactor=1, mobile=width < 600)


def capture(browser: Browser, url: str, width: int, stem: Path) -> int:
    """Screenshots of the page at `url` in pieces; returns its full height in CSS px."""
    browser.open(url)
    height = int(browser.evaluate("Math.ceil(document.documentElement.getBoundingClientRect().height)"))
    for n, top in enumerate(range(0, height, PIECE[width])[:MAX_PIECES], start=1):
        clip = {"x": 0, "y": top, "width": width, "height": min(PIECE[width], height - top), "scale": 1}
        shot = browser.command("Page.captureScreenshot", session=True, format="png", clip=clip,
                               captureBeyondViewport=True)
        Path(f"{stem}-{n:02d}.png").write_bytes(base64.b64decode(shot["data"]))
    return height


def web_shots(site: Path, out: Path) -> list[str]:
    out.mkdir(parents=True, exist_ok=True)
    lines = []
    with Browser() as browser:
        for width in WIDTHS:
            set_width(browser, width)
            for kind, page in page_kinds(site).items():
                height = capture(browser, (site / page).as_uri(), width, out / f"{kind}-{width}")
                lines.append(f"{kind}-{width}: {page} {height} px")
    return lines


def pdf_shots(site: Path, out: Path) -> list[str]:
    out.mkdir(parents=True, exist_ok=True)
    lines = []
    for pdf in sorted(site.rglob("*.pdf")):
        subprocess.run(["pdftoppm", "-r", str(PDF_DPI), "-png", str(pdf), str(out / pdf.stem)], check=True)
        pages = len(list(out.glob(f"{pdf.stem}-*.png")))
        lines.append(f"{pdf.stem}: {pages} pages")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Screenshots of the example site and its PDFs")
    parser.add_argument("--content", type=Path, default=ROOT / "content")
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "shots")
    parser.add_argument("--no-pdf", action="store_true", help="web pages only (faster)")
    args = parser.parse_args(argv)
    for old in ("web", "pdf"):
        shutil.rmtree(args.out / old, ignore_errors=True)  # no stale pieces of a page that got shorter
    site = args.out / "site"
    build(args.content, site, pdf=not args.no_pdf, compendium=not args.no_pdf)
    lines = web_shots(site, args.out / "web")
    if not args.no_pdf:
        lines += pdf_shots(site, args.out / "pdf")
    (args.out / "index.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    print(f"截图已写入 {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
