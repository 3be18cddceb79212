"""Markdown to safe HTML: markdown-it-py (CommonMark, raw HTML off) and then nh3 (an allow-list
sanitiser), so neither a typo nor a hostile text can put script or styles on our pages."""

from __future__ import annotations

import re

import nh3
from markdown_it import MarkdownIt

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")
TAGS = {
    "p", "h2", "h3", "h4", "ul", "ol", "li", "strong", "em", "code", "pre", "blockquote", "a", "hr",
    "br", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ATTRIBUTES = {"a": {"href", "title"}}


def render_markdown(text: str) -> str:
    html = _markdown.render(text)
    return nh3.clean(
        html,
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes={"https", "http", "mailto"},
        link_rel="noopener noreferrer",
    )


def plain_text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", nh3.clean(html, tags=set())).split())
