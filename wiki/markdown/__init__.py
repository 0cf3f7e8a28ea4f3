"""The only place where markdown becomes HTML.

`render_markdown` runs python-markdown (tables, fenced code highlighted by Pygments with CSS
classes, a table of contents, task lists and wiki links), then nh3 with an explicit
allow-list. The result is stored with each revision and never rendered again on view.

Wiki links (`[[Page title]]`, `[[dataset:slug]]`, `[[model:slug@3]]`, `[[project:slug]]`)
depend on who reads: a link to something the reader may not see must render as plain
text. They are therefore stored as *placeholders*, `<span data-wikilink="dataset:slug">
dataset:slug</span>`, holding only what the author wrote. `wiki.links.resolve_links` turns
them into links per viewer at view time (a regex over the stored HTML plus one query per
kind of target), so markdown never runs on view and nothing about an invisible object
(its name, status or URL) is ever in the stored HTML or the response.

Rendering is bounded in time and depth, and `check_markdown` refuses what it does not take:
see `wiki.markdown.limits`.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from itertools import islice

import markdown
import nh3
from django.utils.text import slugify
from markdown.extensions import Extension
from markdown.extensions.codehilite import CodeHiliteExtension
from markdown.extensions.tables import TableExtension
from markdown.extensions.toc import TocExtension
from markdown.inlinepatterns import InlineProcessor
from markdown.treeprocessors import Treeprocessor

from wiki.markdown.limits import (  # noqa: F401 (check_markdown, MAX_LINE_CHARS: the module's API)
    MAX_HIGHLIGHTED_BLOCKS,
    MAX_LINE_CHARS,
    BoundedWork,
    cap_nesting,
    check_markdown,
)

WIKILINK_RE = r"\[\[([^\[\]\n|]{1,200})\]\]"
HEADING_ID_PREFIX = "h-"

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "details", "div", "dl", "dt",
    "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "mark",
    "ol", "p", "pre", "s", "span", "strong", "sub", "summary", "sup", "table", "tbody", "td",
    "tfoot", "th", "thead", "tr", "ul",
}
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "abbr": {"title"},
    "td": {"align"},
    "th": {"align"},
    "ol": {"start"},
    "span": {"class", "data-wikilink"},
    "div": {"class"},
    "code": {"class"},
    "pre": {"class"},
    "li": {"class"},
    "ul": {"class"},
    **{h: {"id"} for h in _HEADINGS},
}
URL_SCHEMES = {"http", "https", "mailto"}
_SAFE_CLASS = re.compile(r"^[A-Za-z0-9_ -]{1,80}$")
_SAFE_ID = re.compile(rf"^{HEADING_ID_PREFIX}[a-z0-9_-]{{0,80}}$")
_SAFE_WIKILINK = re.compile(r"^[^<>\"'&]{1,200}$")
_SAFE_ALIGN = {"left", "right", "center"}


def _heading_slug(value: str, separator: str) -> str:
    # A fixed prefix keeps heading ids from clobbering ids the application relies on.
    return HEADING_ID_PREFIX + (slugify(value) or "section")


class _WikiLinkProcessor(InlineProcessor):
    def handleMatch(self, m: re.Match, data: str) -> tuple[etree.Element, int, int]:  # noqa: N802
        ref = " ".join(m.group(1).split())
        element = etree.Element("span")
        element.set("data-wikilink", ref)
        element.text = ref
        return element, m.start(0), m.end(0)


_TASK = re.compile(r"^\[([ xX])\]\s+")


class _TaskListProcessor(Treeprocessor):
    """`- [ ] todo` / `- [x] done` become list items with a box (text, not an input)."""

    def run(self, root: etree.Element) -> None:
        for item in root.iter("li"):
            holder = item
            if (not item.text or not item.text.strip()) and len(item) and item[0].tag == "p":
                holder = item[0]
            match = _TASK.match(holder.text or "")
            if not match:
                continue
            done = match.group(1) in "xX"
            holder.text = holder.text[match.end():]
            box = etree.Element("span")
            box.set("class", "task-box done" if done else "task-box")
            box.text = "☑ " if done else "☐ "
            box.tail = holder.text
            holder.text = ""
            holder.insert(0, box)
            item.set("class", "task done" if done else "task")


class AlmanacExtension(Extension):
    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802
        md.inlinePatterns.register(_WikiLinkProcessor(WIKILINK_RE, md), "almanac_wikilink", 175)
        md.treeprocessors.register(_TaskListProcessor(md), "almanac_tasklist", 5)


def _attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    if attribute == "class":
        return value if _SAFE_CLASS.match(value) else None
    if attribute == "id":
        return value if _SAFE_ID.match(value) else None
    if attribute == "data-wikilink":
        return value if _SAFE_WIKILINK.match(value) else None
    if attribute == "align":
        return value if value in _SAFE_ALIGN else None
    if attribute in ("width", "height", "start"):
        return value if value.isdigit() and len(value) <= 5 else None
    return value


_CODE_BLOCK = re.compile(r"^[ \t]{0,3}(?:`{3,}|~{3,})|\n\n(?: {4}|\t)", re.MULTILINE)


def _markdown(text: str) -> markdown.Markdown:
    # Fences open and close: two matches a block. Counting stops once past the limit.
    blocks = sum(1 for _ in islice(_CODE_BLOCK.finditer(text), 2 * MAX_HIGHLIGHTED_BLOCKS + 1))
    return markdown.Markdown(
        extensions=[
            TableExtension(use_align_attribute=True),
            "fenced_code",
            CodeHiliteExtension(css_class="highlight", guess_lang=False,
                                use_pygments=blocks <= 2 * MAX_HIGHLIGHTED_BLOCKS),
            TocExtension(slugify=_heading_slug, toc_depth="2-4"),
            "sane_lists",
            AlmanacExtension(),
            BoundedWork(),
        ],
        output_format="html",
    )


def sanitize_html(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        attribute_filter=_attribute_filter,
        strip_comments=True,
    )


def render_markdown(text: str) -> str:
    """Markdown to sanitized HTML; see the module docstring for wiki links."""
    return sanitize_html(cap_nesting(_markdown(text or "").convert(text or "")))
