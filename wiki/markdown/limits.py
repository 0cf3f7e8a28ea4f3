"""Bounds on rendering markdown, which is untrusted input.

python-markdown has shapes that cost quadratic time or unbounded recursion (runs of `[`,
`<a `, `[a](`, nested emphasis, `- - - - x`, thousands of headings in one block). Rendering
is bounded by construction, not by a clock (the README's "Security" section has the figures,
tests/wiki/test_markdown_bounded.py the shapes):

- `check_markdown` refuses a text longer than `WIKI_PAGE_MAX_CHARS` or with a line longer
  than `MAX_LINE_CHARS` (a line is what python-markdown's regular expressions rescan);
- `_FlattenContainers` escapes list and quote markers nested deeper than
  `MAX_CONTAINER_DEPTH` on one line, caps the indentation before a list marker, and puts a
  blank line after each line that ends a block (headings, rules);
- the link processors scan a bounded window and share a per-render scan budget;
- a start tag ends at the next `<` (the standard library's HTML parser rescans to the end);
- every inline processor stops matching past `MAX_INLINE_DEPTH` nested elements, or once the
  render has copied `INLINE_COPY_BUDGET` characters (each match rebuilds its block); text
  without markup, and text past `INLINE_TEXT_BUDGET`, skips the inline pass;
- elements deeper than `MAX_TREE_DEPTH` become their text, block HTML deeper than
  `MAX_HTML_DEPTH` is escaped before the sanitizer, and Pygments colours at most
  `MAX_HIGHLIGHTED_BLOCKS` code blocks.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree

import markdown
from django.conf import settings
from django.core.exceptions import ValidationError
from markdown import inlinepatterns
from markdown.extensions import Extension
from markdown.extensions.tables import TableProcessor
from markdown.htmlparser import HTMLExtractor
from markdown.htmlparser import htmlparser as _stdlib_htmlparser
from markdown.inlinepatterns import InlineProcessor
from markdown.preprocessors import HtmlBlockPreprocessor, Preprocessor
from markdown.treeprocessors import Treeprocessor
from markdown.util import AtomicString

MAX_LINE_CHARS = 10_000
MAX_CONTAINER_DEPTH = 16  # list items and quotes opened on one line
MAX_MARKER_INDENT = 64  # columns of indentation before a list marker
MAX_INLINE_DEPTH = 96  # elements an inline match may sit in (blocks included)
LINK_TEXT_REACH = 2_000  # characters of `[link text]`
LINK_TARGET_REACH = 1_000  # characters of `(target "title")`
LINK_SCAN_BUDGET = 1_000_000  # characters the link processors may scan in one render
INLINE_COPY_BUDGET = 50_000_000  # characters inline matches may copy in one render
INLINE_TEXT_BUDGET = 10_000  # texts (paragraphs, items, cells) given inline markup per render
MAX_TREE_DEPTH = 128  # elements deep; deeper ones become their text
MAX_HTML_DEPTH = 64  # block tags open at once in the HTML handed to the sanitizer
MAX_HIGHLIGHTED_BLOCKS = 100  # code blocks Pygments colours; past that none are (~1 ms each)


def max_chars() -> int:
    return settings.WIKI_PAGE_MAX_CHARS


def check_markdown(text: str, *, field: str = "body") -> None:
    """Refuse what `render_markdown` does not take: a ValidationError naming `field` and the limit."""
    limit = max_chars()
    if len(text) > limit:
        raise ValidationError({field: f"Markdown is limited to {limit:,} characters "
                                      f"(this has {len(text):,})."})
    if len(text) > MAX_LINE_CHARS and any(len(line) > MAX_LINE_CHARS for line in text.splitlines()):
        raise ValidationError({field: f"A line of markdown is limited to {MAX_LINE_CHARS:,} characters; "
                                      "break the long line."})


class _Work:
    """What one render may still spend; see the module docstring."""

    def __init__(self) -> None:
        self.scan = LINK_SCAN_BUDGET
        self.copy = INLINE_COPY_BUDGET
        self.texts = INLINE_TEXT_BUDGET


_FENCE = re.compile(r"^[ \t]{0,3}(`{3,}|~{3,})")
_CONTAINER = re.compile(r"([ \t]*)(>|[-*+](?=[ \t]|$)|\d{1,9}[.)](?=[ \t]|$))")


def _flatten_line(line: str) -> str:
    pos, depth, indent = 0, 0, 0
    while match := _CONTAINER.match(line, pos):
        indent += len(match.group(1).expandtabs(4))
        if depth >= MAX_CONTAINER_DEPTH or indent > MAX_MARKER_INDENT:
            marker = match.group(2)
            escaped = f"{marker[:-1]}\\{marker[-1]}" if marker[0].isdigit() else f"\\{marker}"
            space = " " if depth else match.group(1)[:MAX_MARKER_INDENT]
            return f"{line[:pos]}{space}{escaped}{line[match.end():]}"
        pos, depth = match.end(), depth + 1
    return line


# Lines that always end a block (headings, setext underlines, rules): python-markdown splits
# them off a block one at a time, rescanning the rest each time, so a blank line follows each.
_BLOCK_END = re.compile(r"^(?:#{1,6}(?:[ \t].*)?|=+[ \t]*|-+[ \t]*|(?:[-*_][ \t]*){3,})$")


class _FlattenContainers(Preprocessor):
    """Outside fenced code: lists and quotes nested past a depth become text (python-markdown
    recurses once per level), and a blank line follows each line that ends a block."""

    def run(self, lines: list[str]) -> list[str]:
        fence = ""
        out = []
        for line in lines:
            opening = _FENCE.match(line)
            if fence:
                if opening and opening.group(1)[0] == fence[0] and len(opening.group(1)) >= len(fence):
                    fence = ""
                out.append(line)
            elif opening:
                fence = opening.group(1)
                out.append(line)
            else:
                out.append(_flatten_line(line) if len(line) > 2 * MAX_CONTAINER_DEPTH else line)
                if _BLOCK_END.match(line):
                    out.append("")
        return out


class _BoundedHTMLExtractor(HTMLExtractor):
    def check_for_whole_start_tag(self, i: int) -> int:
        """The standard library's, except that a start tag ends before the next `<`: its
        attribute pattern otherwise rescans the rest of the text from every `<a`."""
        rawdata = self.rawdata
        stop = rawdata.find("<", i + 1)
        stop = len(rawdata) if stop == -1 else stop
        match = _stdlib_htmlparser.locatestarttagend_tolerant.match(rawdata, i, stop)
        j = match.end() if match else i
        following = rawdata[j:j + 1] if j < stop else ""
        if following == ">":
            return j + 1
        if following == "/":
            return j + 2 if rawdata.startswith("/>", j) else (j if j > i else i + 1)
        if following == "" or following.isalpha() or following in "=/":
            return -1  # not a tag: the `<` is text
        return j if j > i else i + 1


class _BoundedHtmlBlock(HtmlBlockPreprocessor):
    def run(self, lines: list[str]) -> list[str]:
        parser = _BoundedHTMLExtractor(self.md)
        parser.feed("\n".join(lines))
        parser.close()
        return "".join(parser.cleandoc).split("\n")


class _BoundedLinks:
    """Link processors whose `[text]` and `(target)` scans stop at a reach and share a budget:
    python-markdown scans from every `[` to the end of the block otherwise."""

    md: markdown.Markdown

    def getText(self, data: str, index: int) -> tuple[str, int, bool]:  # noqa: N802
        work: _Work = self.md.almanac_work
        reach = min(LINK_TEXT_REACH, work.scan)
        if reach <= 0:
            return "", index, False
        window = data[index:index + reach]
        text, end, handled = super().getText(window, 0)  # type: ignore[misc]
        work.scan -= end if handled else len(window)
        return text, index + end, handled

    def getLink(self, data: str, index: int) -> tuple[str, str | None, int, bool]:  # noqa: N802
        work: _Work = self.md.almanac_work
        reach = min(LINK_TARGET_REACH, work.scan)
        if reach <= 0:
            return "", None, index, False
        window = data[index:index + reach]
        href, title, end, handled = super().getLink(window, 0)  # type: ignore[misc]
        # With a quote in it the scan may have run to the window's end.
        quoted = handled and ('"' in window[:end] or "'" in window[:end])
        work.scan -= end if handled and not quoted else len(window)
        return href, title, index + end, handled


_LINK_PROCESSORS = {
    "reference": inlinepatterns.ReferenceInlineProcessor,
    "link": inlinepatterns.LinkInlineProcessor,
    "image_link": inlinepatterns.ImageInlineProcessor,
    "image_reference": inlinepatterns.ImageReferenceInlineProcessor,
    "short_reference": inlinepatterns.ShortReferenceInlineProcessor,
    "short_image_ref": inlinepatterns.ShortImageReferenceInlineProcessor,
}
_BOUNDED = {name: type(f"Bounded{cls.__name__}", (_BoundedLinks, cls), {})
            for name, cls in _LINK_PROCESSORS.items()}


def _guard(md: markdown.Markdown, processor: InlineProcessor) -> None:
    """Stop `processor` matching when inline elements nest too deep or the render has copied
    its budget (each match rebuilds the block's text around a placeholder)."""
    inner = processor.handleMatch
    inline = md.treeprocessors["inline"]

    def handle_match(match: re.Match, data: str) -> tuple:
        work: _Work = md.almanac_work
        if work.copy <= 0 or len(inline.ancestors) >= MAX_INLINE_DEPTH:
            return None, None, None
        node, start, end = inner(match, data)
        if start is not None:
            work.copy -= len(data)
            if isinstance(node, etree.Element):  # its texts are processed next: budget them
                tail, node.tail = node.tail, None
                _leave_plain_text(work, node)
                node.tail = tail
        return node, start, end

    processor.handleMatch = handle_match


# Text with none of these has no inline markup (a single `*` or `_` emphasises nothing).
_MARKUP = re.compile(r"[\\`\[<&]|  \n|[*_].*[*_]", re.DOTALL)


def _leave_plain_text(work: _Work, root: etree.Element) -> None:
    """Text without markup, and any text past the render's budget, becomes an AtomicString:
    python-markdown runs every inline pattern over every other text."""
    for element in root.iter():
        for attribute in ("text", "tail"):
            value = getattr(element, attribute)
            if not value or isinstance(value, AtomicString):
                continue
            if work.texts > 0 and _MARKUP.search(value):
                work.texts -= 1
            else:
                setattr(element, attribute, AtomicString(value))


class _SkipPlainText(Treeprocessor):
    def run(self, root: etree.Element) -> None:
        _leave_plain_text(self.md.almanac_work, root)


def _text_of(element: etree.Element) -> str:
    """`itertext()` without recursion."""
    parts: list[str] = []
    stack: list[etree.Element | str] = [element]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            parts.append(item)
            continue
        parts.append(item.text or "")
        for child in reversed(item):
            stack.append(child.tail or "")
            stack.append(child)
    return "".join(parts)


class _FlattenDeepTree(Treeprocessor):
    """After the inline pass: elements nested past `MAX_TREE_DEPTH` (emphasis can nest without
    limit) become their text, before the recursive serializer and table of contents walk them."""

    def run(self, root: etree.Element) -> None:
        stack = [(root, 0)]
        while stack:
            element, depth = stack.pop()
            if depth >= MAX_TREE_DEPTH and len(element):
                element.text = (element.text or "") + "".join(
                    _text_of(child) + (child.tail or "") for child in element)
                for child in list(element):
                    element.remove(child)
                continue
            stack.extend((child, depth + 1) for child in element)


_BLOCK_TAG = re.compile(r"<(/?)(?:div|li|ul|ol|blockquote|dl|dd|dt|details|table|tr|td|th)\b[^<>]*>",
                        re.IGNORECASE)


def cap_nesting(html: str) -> str:
    """Block tags opened past `MAX_HTML_DEPTH` become text: the sanitizer's cost grows with
    the square of their depth."""
    parts, depth, last = [], 0, 0
    for match in _BLOCK_TAG.finditer(html):
        if match.group(1):
            depth = max(depth - 1, 0)
        elif depth >= MAX_HTML_DEPTH:
            parts.append(html[last:match.start()])
            parts.append("&lt;")
            last = match.start() + 1
        else:
            depth += 1
    if not parts:
        return html
    parts.append(html[last:])
    return "".join(parts)


class _BoundedTables(TableProcessor):
    """The table test reads the first two lines of a block (python-markdown's splits the whole
    block, and is asked again for what is left after each heading or rule split off it)."""

    def test(self, parent: etree.Element, block: str) -> bool:
        end = block.find("\n")
        if end == -1 or "|" not in block[:end]:
            return False
        if len(self._split_row(block[:end].strip(" "))) == 1:  # one column: every row is read
            return super().test(parent, block)
        second = block.find("\n", end + 1)
        return super().test(parent, block if second == -1 else block[:second])


class BoundedWork(Extension):
    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802
        md.almanac_work = _Work()
        md.preprocessors.register(_FlattenContainers(md), "almanac_flatten", 27)
        md.preprocessors.register(_BoundedHtmlBlock(md), "html_block", 20)
        md.treeprocessors.register(_SkipPlainText(md), "almanac_plain", 21)  # inline is 20
        tables = md.parser.blockprocessors["table"]
        md.parser.blockprocessors.register(_BoundedTables(md.parser, tables.config), "table", 75)
        md.treeprocessors.register(_FlattenDeepTree(md), "almanac_depth", 19)
        for name, cls in _BOUNDED.items():
            priority = next(item.priority for item in md.inlinePatterns._priority if item.name == name)
            old = md.inlinePatterns[name]
            md.inlinePatterns.register(cls(old.pattern, md), name, priority)
        for processor in md.inlinePatterns:
            if isinstance(processor, InlineProcessor):
                _guard(md, processor)
