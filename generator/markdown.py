"""Narrative Markdown to HTML: CommonMark + tables, raw HTML disabled, heading anchors, external links marked."""

from __future__ import annotations

import re
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
            token.attrSet("id", _unique(slug(inline.content), used))


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


def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable("table")
    md.core.ruler.push("anchor_headings", _anchor_headings)
    md.core.ruler.push("mark_external_links", _mark_links)
    return md


_MD = _parser()


def render(text: str, ids: set[str] | None = None) -> str:
    """Render Markdown to an HTML fragment. `ids` collects heading ids already used on the page."""
    env = {"ids": ids if ids is not None else set()}
    return _MD.render(text, env)
