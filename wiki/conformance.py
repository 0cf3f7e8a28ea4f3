"""Does a page have the sections its template requires? The lifecycle's gates ask this.

A section is a markdown ATX heading (`## Metrics`) whose text matches a required section
(case, punctuation and spacing ignored). It is *empty* when nothing but whitespace, HTML
comments (the templates' guidance) and sub-headings comes before the next heading of the
same or a higher level. Headings inside fenced code do not count.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from wiki.models import Page

_HEADING = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.+?)[ \t#]*$")
_FENCE = re.compile(r"^ {0,3}(```|~~~)")
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)


def normalize(title: str) -> str:
    return " ".join(re.sub(r"[^0-9a-z]+", " ", title.casefold().replace("&", " and ")).split())


@dataclass(frozen=True)
class Section:
    title: str
    level: int
    content: str


def sections(body: str) -> list[Section]:
    """Every heading of `body` with the text under it (down to the next heading of the same
    or a higher level, sub-sections included)."""
    lines = _COMMENT.sub("", (body or "").replace("\r\n", "\n")).split("\n")
    headings: list[tuple[int, int, str]] = []  # line index, level, title
    in_fence = False
    for index, line in enumerate(lines):
        if _FENCE.match(line):
            in_fence = not in_fence
            continue
        match = None if in_fence else _HEADING.match(line)
        if match:
            headings.append((index, len(match.group(1)), match.group(2)))
    found = []
    for position, (index, level, title) in enumerate(headings):
        end = next((i for i, lvl, _t in headings[position + 1:] if lvl <= level), len(lines))
        sub_heading_lines = {i for i, _lvl, _t in headings}
        content = "\n".join(
            line for i, line in enumerate(lines[index + 1:end], start=index + 1)
            if i not in sub_heading_lines
        )
        found.append(Section(title=title, level=level, content=content.strip()))
    return found


def missing_sections_in(body: str, required: list[str]) -> list[str]:
    """The required section titles that are absent or empty in `body`, in template order."""
    present: dict[str, bool] = {}
    for section in sections(body):
        key = normalize(section.title)
        present[key] = present.get(key, False) or bool(section.content)
    return [title for title in required if not present.get(normalize(title), False)]


def missing_sections(page: Page) -> list[str]:
    """Required sections of the page's template that are missing or empty ([] without one)."""
    if page.template is None:
        return []
    return missing_sections_in(page.body, list(page.template.required_sections or []))


def section_text(page: Page, title: str) -> str | None:
    """The markdown under the section `title` (None when the page has no such heading)."""
    return section_text_in(page.body, title)


def section_text_in(body: str, title: str) -> str | None:
    """`section_text` of a markdown text rather than a page."""
    wanted = normalize(title)
    for section in sections(body):
        if normalize(section.title) == wanted:
            return section.content
    return None


@dataclass(frozen=True)
class Conformance:
    required: int
    missing: list[str]

    @property
    def complete(self) -> bool:
        return not self.missing

    @property
    def summary(self) -> str:
        if not self.required:
            return "No required sections."
        if not self.missing:
            return f"All {self.required} required sections are filled in."
        n = len(self.missing)
        return f"{n} of {self.required} section{'s' if self.required != 1 else ''} still empty"


def conformance(page: Page) -> Conformance:
    """E.g. `conformance(page).summary == "3 of 9 sections still empty"`."""
    required = list(page.template.required_sections or []) if page.template else []
    return Conformance(required=len(required), missing=missing_sections(page))
