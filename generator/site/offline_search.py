"""Search from disk (file://): a compact index as plain scripts, for static/search.js.

Browsers block pagefind's fetch and WebAssembly under file://, but a classic `<script src>` still loads.
So the build also writes one script per search bucket (generator/site/search.py),
`search-index/<bucket>.js`, each adding its part to one global:

    window.BUDGETSITE_SEARCH_INDEX = window.BUDGETSITE_SEARCH_INDEX || {};
    window.BUDGETSITE_SEARCH_INDEX["<bucket>"] = {"version": 2, "pages": [[url, title, [heading, …], text], …]};

`url` is relative to the site root. What pagefind indexes is indexed: pages with a
`data-pagefind-body` element, without `data-pagefind-ignore` subtrees (charts, downloads); also left
out are navigation (the table of contents), scripts, styles and SVG. The title is the first h1 (else <title>), the headings are h2–h6, the text is the body
with whitespace collapsed (and removed between two CJK characters, where it is only a line break), cut
at MAX_TEXT characters per page. Pages in path order, compact JSON: deterministic. static/search.js
loads the scripts of the buckets the search page lists and searches their pages together, in path order.

Matching (static/search.js, mirrored by `matches` for tests): the query is split at whitespace into
terms; a page matches when every term is a substring of its title, headings or text
(case-insensitive). Chinese has no spaces between words, so substring matching is what finds 人大代表.
"""

from __future__ import annotations

import hashlib
import json
import pickle
import re
from dataclasses import dataclass, field
from pathlib import Path

import lxml.etree
import lxml.html

from generator.files import write_atomically

INDEX_DIR = "search-index"  # search-index/<bucket>.js
GLOBAL = "BUDGETSITE_SEARCH_INDEX"
VERSION = 2
MAX_TEXT = 30_000  # characters of text per page; the longest example disclosure has about 13,000

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
SKIP = {"script", "style", "svg", "template", "noscript", "nav"}  # nav: menus, the table of contents
BLOCK = {"address", "article", "aside", "blockquote", "br", "caption", "dd", "div", "dl", "dt", "figcaption",
         "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p",
         "pre", "section", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul"}
HEADINGS = {"h2", "h3", "h4", "h5", "h6"}
CJK = "\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef"  # CJK scripts and punctuation, fullwidth forms
BREAK = "\x00"  # between block elements (table cells, paragraphs): a space that stays a space
_SPACE = re.compile(r"\s+")
_CJK_GAP = re.compile(rf"(?<=[{CJK}]) (?=[{CJK}])")
_BREAKS = re.compile(rf"[ {BREAK}]*{BREAK}[ {BREAK}]*")


def normalize(text: str) -> str:
    """Whitespace collapsed to one space, and none between two CJK characters (there it is only a line
    break of the source), trimmed. Block boundaries (BREAK) become one space, so two cells never merge."""
    text = _CJK_GAP.sub("", _SPACE.sub(" ", text))
    return _BREAKS.sub(" ", text).strip()


@dataclass
class Page:
    url: str
    title: str
    headings: list[str] = field(default_factory=list)
    text: str = ""

    def row(self) -> list:
        return [self.url, self.title, self.headings, self.text]


class _Extractor:
    """Walks a parsed page in document order, collecting what is indexed."""

    def __init__(self):
        self.found_body = False
        self.title_tag: list[str] = []
        self.h1: list[str] = []
        self.in_h1 = False
        self.h1_done = False
        self.heading: list[str] | None = None
        self.headings: list[str] = []
        self.text: list[str] = []

    def walk(self, element, body: bool, skip: bool) -> None:
        """`body`: inside a data-pagefind-body element; `skip`: inside an ignored subtree."""
        tag = element.tag
        if not isinstance(tag, str):  # a comment or processing instruction: only its tail is text
            self._data(element.tail, body and not skip)
            return
        if tag == "title":
            self.title_tag.append(element.text or "")
        if tag in VOID:
            if tag in BLOCK and body and not skip:
                self.text.append(BREAK)
            self._data(element.tail, body and not skip)
            return
        opens_body = "data-pagefind-body" in element.attrib
        self.found_body |= opens_body
        inner_body = body or opens_body
        inner_skip = skip or tag in SKIP or "data-pagefind-ignore" in element.attrib
        inside = inner_body and not inner_skip
        if inside:
            self._open(tag)
        self._data(element.text, inside)
        for child in element:
            self.walk(child, inner_body, inner_skip)
        if inside:
            self._close(tag)
        self._data(element.tail, body and not skip)

    def _open(self, tag: str) -> None:
        if tag in BLOCK:
            self.text.append(BREAK)
        if tag == "h1" and not self.h1_done:
            self.in_h1 = True
        elif tag in HEADINGS and self.heading is None:
            self.heading = []

    def _close(self, tag: str) -> None:
        if tag in BLOCK:
            self.text.append(BREAK)
        if tag == "h1" and self.in_h1:
            self.in_h1, self.h1_done = False, True
        if tag in HEADINGS and self.heading is not None:
            heading = normalize("".join(self.heading))
            if heading:
                self.headings.append(heading)
            self.heading = None

    def _data(self, data: str | None, inside: bool) -> None:
        if not data or not inside:
            return
        self.text.append(data)
        if self.in_h1:
            self.h1.append(data)
        if self.heading is not None:
            self.heading.append(data)


_PARSER = lxml.html.HTMLParser(encoding="utf-8")


def extract(page: bytes, url: str) -> Page | None:
    """The searchable parts of one page (UTF-8), or None when the page is not indexed (no
    data-pagefind-body). Parsed by libxml2 (lxml): Python's own HTML parser took 3.3 times as long,
    which a first build of a thousand units felt."""
    try:
        root = lxml.html.document_fromstring(page, parser=_PARSER)
    except lxml.etree.ParserError:  # an empty file
        return None
    walker = _Extractor()
    walker.walk(root, False, False)
    if not walker.found_body:
        return None
    title = normalize("".join(walker.h1)) or normalize("".join(walker.title_tag))
    text = normalize("".join(walker.text))[:MAX_TEXT]
    return Page(url, title, walker.headings, text)


def script_path(bucket: str) -> str:
    return f"{INDEX_DIR}/{bucket}.js"


def pages(site_dir: Path, urls: list[str], known: dict | None = None) -> list[Page]:
    """The indexed pages among `urls` (paths relative to site_dir, in path order). `known` maps (url,
    sha256 of the page) to its extract from an earlier build and is brought up to date: parsing is the
    costly part, and most pages do not change."""
    found = []
    seen: dict = {}
    for url in urls:
        raw = (site_dir / url).read_bytes()
        key = (url, hashlib.sha256(raw).hexdigest())
        page = known[key] if known is not None and key in known else extract(raw, url)
        seen[key] = page
        if page is not None:
            found.append(page)
    if known is not None:
        known.clear()
        known.update(seen)
    return found


def _prefix(bucket: str) -> str:
    return f"window.{GLOBAL}=window.{GLOBAL}||{{}};window.{GLOBAL}[{json.dumps(bucket)}]="


def index_script(bucket: str, found: list[Page]) -> str:
    data = json.dumps({"version": VERSION, "pages": [p.row() for p in found]}, ensure_ascii=False,
                      separators=(",", ":"))
    # U+2028/2029 are valid in JSON but were line terminators in older JavaScript engines
    data = data.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return f"{_prefix(bucket)}{data};\n"


def read_script(bucket: str, script: str) -> dict:
    """The data of one bucket's script (for tests): the script is the two assignments and nothing else."""
    prefix = _prefix(bucket)
    if not (script.startswith(prefix) and script.endswith(";\n")):
        raise ValueError(f"not a search index script of bucket {bucket}")
    return json.loads(script[len(prefix):-2])


def write_bucket(site_dir: Path, bucket: str, urls: list[str], cache: Path | None = None) -> Path:
    """Write search-index/<bucket>.js from the pages `urls`; with `cache` (a file), pages unchanged since
    the last build are not parsed again."""
    known = _read_cache(cache) if cache is not None else None
    target = site_dir / script_path(bucket)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(index_script(bucket, pages(site_dir, urls, known)).encode("utf-8"))
    if cache is not None:
        _write_cache(cache, known)
    return target


def _read_cache(path: Path) -> dict:
    try:
        with path.open("rb") as handle:
            stored = pickle.load(handle)
        return stored if isinstance(stored, dict) else {}
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError, ValueError):
        return {}


def _write_cache(path: Path, known: dict) -> None:
    write_atomically(path, pickle.dumps(known, protocol=pickle.HIGHEST_PROTOCOL))


def query_terms(query: str) -> list[str]:
    """Terms of a query: split at whitespace (kept between CJK words: the user separated them), lower case."""
    return [t for t in _SPACE.split(query.lower()) if t]


def matches(row: list, query: str) -> bool:
    """The rule static/search.js applies: every term of the query is a substring (case-insensitive)."""
    terms = query_terms(query)
    _, title, headings, text = row
    haystack = " ".join([title, *headings, text]).lower()
    return bool(terms) and all(term in haystack for term in terms)
