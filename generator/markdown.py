"""Narrative Markdown to HTML: CommonMark + tables, raw HTML disabled, heading anchors, external links marked."""

from __future__ import annotations

import re
from bisect import bisect_right
from urllib.parse import urlsplit

from markdown_it import MarkdownIt
from markdown_it.token import Token

EXTERNAL_MARK = '<span class="external-mark">（外部链接）</span>'
_NOT_ID = re.compile(r"[^\w]+")


def slug(text: str) -> str:
    """A stable anchor id from heading text; CJK characters are kept, punctuation becomes '-'."""
    return _NOT_ID.sub("-", text).strip("-").lower() or "section"


def is_external(href: str) -> bool:
    parts = urlsplit(href)
    return bool(parts.scheme and parts.scheme not in ("mailto", "tel")) or href.startswith("//")


def is_local_image(src: str) -> bool:
    """An image the site may show: a relative path inside the disclosure's folder (no scheme, no root, no
    `..`). Anything else — another host, `data:`, `file:`, an absolute or escaping path — is never put
    in a page, whatever Markdown form wrote it (inline, reference, inside a link, over several lines)."""
    parts = urlsplit(src.strip())
    if parts.scheme or parts.netloc or src.strip().startswith(("/", "\\")):
        return False
    return ".." not in re.split(r"[/\\]", parts.path)


# The ids the page templates give their own elements (themes/default/templates, themes/print): fixed ones,
# and the prefixes of those made from a table, section, chart, group or glossary term. A heading whose
# slug is one of them, or starts with one of the prefixes or with "h-", gets "h-" before it: no template
# id starts with "h-", so a heading id can never be the id of something else on the page.
TEMPLATE_IDS = frozenset({"main", "report", "report-h", "charts", "charts-h", "downloads", "downloads-h", "latest",
                          "years", "search", "top", "explanation"})
TEMPLATE_ID_PREFIXES = ("t-", "s-", "chart-", "g-", "term-", "h-")


def heading_id(text: str) -> str:
    """The anchor a heading's text asks for, kept clear of the ids the templates use."""
    wanted = slug(text)
    if wanted in TEMPLATE_IDS or wanted.startswith(TEMPLATE_ID_PREFIXES):
        return "h-" + wanted
    return wanted


def unique_id(wanted: str, used: set[str]) -> str:
    """`wanted`, or `wanted-2`, `wanted-3`…: the first not in `used` (which it is added to)."""
    return _unique(wanted, used)


def _unique(wanted: str, used: set[str]) -> str:
    candidate, n = wanted, 2
    while candidate in used:
        candidate, n = f"{wanted}-{n}", n + 1
    used.add(candidate)
    return candidate


def _anchor_headings(state) -> None:
    used = state.env.setdefault("ids", set())
    tokens = state.tokens
    for i, token in enumerate(tokens):
        if token.type == "heading_open" and not token.attrGet("id"):
            inline = tokens[i + 1]
            token.attrSet("id", _unique(heading_id(inline.content), used))


def _mark_links(state) -> None:
    for token in state.tokens:
        if token.type != "inline" or not token.children:
            continue
        children: list[Token] = []
        external = False
        for child in token.children:
            if child.type == "link_open" and is_external(child.attrGet("href") or ""):
                child.attrSet("rel", "noopener external")
                child.attrSet("class", "external")
                external = True
            children.append(child)
            if child.type == "link_close" and external:
                mark = Token("html_inline", "", 0)
                mark.content = EXTERNAL_MARK
                children.append(mark)
                external = False
        token.children = children


def _local_images_only(state) -> None:
    """Applied to the parsed tokens, so that no way of writing an image gets past it: an image that is
    not local is replaced by its alt text (`check` reports it as N012)."""
    for token in state.tokens:
        if token.type != "inline" or not token.children:
            continue
        for n, child in enumerate(token.children):
            if child.type == "image" and not is_local_image(child.attrGet("src") or ""):
                alt = Token("text", "", 0)
                alt.content = child.content
                token.children[n] = alt


def _commonmark() -> MarkdownIt:
    """CommonMark with tables, raw HTML off: the Markdown every narrative is written in."""
    return MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable("table")


def _parser() -> MarkdownIt:
    md = _commonmark()
    md.core.ruler.push("anchor_headings", _anchor_headings)
    md.core.ruler.push("mark_external_links", _mark_links)
    md.core.ruler.push("local_images_only", _local_images_only)
    return md


_MD = _parser()
# The same Markdown before the page's policies (images kept as written): what `check` judges.
_AS_WRITTEN = _commonmark()


def references(text: str):
    """(line, target, is_image) of every link and image the Markdown `text` really contains, as parsed
    (the line is that of its block, 1-based)."""
    for token in _AS_WRITTEN.parse(text):
        if token.type != "inline" or not token.children:
            continue
        line = token.map[0] + 1 if token.map else 1
        for child in token.children:
            if child.type == "image":
                yield line, child.attrGet("src") or "", True
            elif child.type == "link_open":
                yield line, child.attrGet("href") or "", False


def render(text: str, ids: set[str] | None = None) -> str:
    """Render Markdown to an HTML fragment. `ids` collects heading ids already used on the page."""
    env = {"ids": ids if ids is not None else set()}
    return _MD.render(text, env)


def render_many(texts: list[str], ids: set[str] | None = None) -> list[str]:
    """Each text rendered as `render` renders it, one after another (so heading ids stay unique across
    them, in this order), from a single parse of them all: they are parsed joined by blank lines and
    the token stream is cut where each began. Should a block run on from one text into the next (an
    unclosed code fence, a list carried on) or a link reference definition reach across, the result
    would differ from separate parses: then they are parsed one by one."""
    ids = ids if ids is not None else set()
    env = {"ids": set(ids)}
    starts, line = [], 0
    for text in texts:
        starts.append(line)
        line += text.count("\n") + 2  # its lines, and the blank line after it
    parts: list[list[Token]] = [[] for _ in texts]
    for token in _MD.parse("\n\n".join(texts), env) if texts else []:
        if token.level == 0 and token.nesting >= 0:  # a top-level block begins
            if token.map is None:
                return [render(text, ids) for text in texts]
            part = bisect_right(starts, token.map[0]) - 1
            if token.map[1] > starts[part] + texts[part].count("\n") + 2:  # a list takes the blank line after it
                return [render(text, ids) for text in texts]
        parts[part].append(token)
    if env.get("references"):
        return [render(text, ids) for text in texts]
    ids.update(env["ids"])
    return [_MD.renderer.render(tokens, _MD.options, env) for tokens in parts]
