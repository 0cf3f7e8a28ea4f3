"""Wiki links: parsed from stored HTML placeholders, resolved per viewer.

`render_markdown` stores `<span data-wikilink="REF">REF</span>` for `[[REF]]`. On view,
`resolve_links` looks every REF up among the objects the *viewer* may see (one query per
kind present, whatever the number of links) and swaps the placeholder for a link with the
object's name and status, or for the author's plain text when the object is missing or
hidden. The two cases render identically, so nothing about hidden objects leaks.
"""

from __future__ import annotations

import html as html_lib
import re
from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import Q
from django.urls import reverse
from django.utils.html import escape, format_html
from django.utils.text import slugify

from registry.models import MLModel, ModelAlias, ModelVersion
from registry.permissions import User
from wiki.models import Page
from wiki.refs import KINDS, DocRef, resolve

PLACEHOLDER = re.compile(r'<span data-wikilink="([^"<>]*)">([^<]*)</span>')


@dataclass(frozen=True)
class Ref:
    """A wiki link's target: a page of the space (by title or slug) or an object (`doc`)."""

    kind: str  # "page", or a DocRef kind: "project", "dataset", "model", "model_version"
    key: str  # a page's title; an object's reference text (e.g. "model:fraud-scorer@3")
    doc: DocRef | None = None
    alias: str = ""  # `[[model:slug@champion]]`: the version the alias names when it is read


_ALIAS = re.compile(r"^([a-z0-9]+(?:-[a-z0-9]+)*)@([a-z0-9]+(?:-[a-z0-9]+)*)$")


def parse_ref(raw: str) -> Ref:
    """`[[Some page]]`, `[[dataset:slug]]`, `[[model:slug@3]]`, `[[model:slug@champion]]` →
    the link's target. An alias link is stored as a link to the model (aliases move) and shows
    the version the alias names when the page is read."""
    kind, sep, rest = raw.partition(":")
    kind, rest = kind.strip().lower(), rest.strip()
    alias = _ALIAS.match(rest.lower()) if kind == "model" else None
    if sep and alias and not alias.group(2).isdigit():
        doc = DocRef("model", alias.group(1))
        return Ref("model", str(doc), doc, alias=alias.group(2))
    if sep and kind in KINDS and rest:
        try:
            doc = DocRef.parse(f"{kind}:{rest.lower()}")
        except ValueError:  # names no object: shown as the author's text
            return Ref(kind, f"{kind}:{rest}")
        return Ref(doc.kind, str(doc), doc)
    return Ref("page", " ".join(raw.split())[:200])


def refs_in(html: str) -> list[Ref]:
    return [parse_ref(html_lib.unescape(m.group(1))) for m in PLACEHOLDER.finditer(html)]


@dataclass
class Targets:
    pages: dict[str, object]
    objects: dict[DocRef, object]
    aliases: dict[tuple[str, str], ModelVersion] | None = None

    def get(self, ref: Ref) -> object | None:
        if ref.kind == "page":  # a page is named by its title or its slug
            return self.pages.get(ref.key.casefold()) or self.pages.get(slugify(ref.key))
        return self.objects.get(ref.doc)

    def shown(self, ref: Ref) -> object | None:
        """What a reader's link goes to: for an alias, the version it names now."""
        if ref.alias:
            return (self.aliases or {}).get((ref.doc.slug, ref.alias))
        return self.get(ref)


def lookup(refs: list[Ref], *, user: User | None, space: object | None) -> Targets:
    """Find the targets of `refs`; with `user`, only those that user may see."""
    pages: dict[str, object] = {}
    titles = {r.key for r in refs if r.kind == "page"}
    if titles and space is not None:
        qs = Page.objects.live().filter(
            Q(slug__in={slugify(t)[:120] for t in titles}) | Q(title__in=titles), space=space)
        for page in (qs if user is None else qs.visible_to(user)).select_related("space"):
            pages[page.slug] = page
            pages[page.title.casefold()] = page
    objects = resolve([r.doc for r in refs if r.doc is not None], user=user)
    models = [obj for obj in objects.values() if isinstance(obj, MLModel)]
    if models:  # a model link shows the status of its latest version
        latest: dict[int, str] = {}
        for model_id, status in ModelVersion.objects.filter(model__in=models).order_by(
                "model_id", "number").values_list("model_id", "status"):
            latest[model_id] = status
        for model in models:
            model.latest_status = latest.get(model.pk)
    aliases: dict[tuple[str, str], ModelVersion] = {}
    wanted = {(r.doc.slug, r.alias) for r in refs if r.alias}
    if wanted:
        qs = ModelAlias.objects.filter(model__slug__in={m for m, _ in wanted},
                                       name__in={a for _, a in wanted})
        for alias in (qs if user is None else qs.visible_to(user)).select_related("version__model"):
            alias.version.alias_name = alias.name
            aliases[(alias.version.model.slug, alias.name)] = alias.version
    return Targets(pages, objects, aliases)


def _status(ref: Ref, target: object) -> str:
    if ref.kind == "project":
        return target.get_stage_display()
    if ref.kind == "dataset":
        return target.get_sensitivity_display()
    if ref.kind == "model":
        status = getattr(target, "latest_status", None)
        return ModelVersion.Status(status).label if status else "no versions"
    if ref.kind == "model_version" or ref.alias:
        return target.get_status_display()
    return ""


def _render(ref: Ref, text: str, target: object | None, space: object | None,
            can_create: bool) -> str:
    if target is None:
        if ref.kind == "page" and space is not None and can_create:
            url = reverse("wiki:page_create", args=[space.key]) + "?" + urlencode(
                {"title": html_lib.unescape(text)})
            return format_html('<a class="wikilink missing" href="{}" title="Create this page">{}</a>',
                               url, html_lib.unescape(text))
        return f'<span class="wikilink-text">{text}</span>'
    if ref.kind == "page":
        return format_html('<a class="wikilink" href="{}">{}</a>', target.get_absolute_url(),
                           target.title)
    name = str(target)
    if ref.alias:
        return format_html('<a class="wikilink" href="{}">{} <span class="badge">{} · {}</span></a>',
                           target.get_absolute_url(), name, ref.alias, _status(ref, target))
    return format_html('<a class="wikilink" href="{}">{} <span class="badge">{}</span></a>',
                       target.get_absolute_url(), name, _status(ref, target))


def resolve_links(html: str, *, user: User, space: object | None = None,
                  can_create: bool = False) -> str:
    """Stored page HTML → HTML for this viewer (see the module docstring)."""
    if "data-wikilink" not in html:
        return html
    targets = lookup(refs_in(html), user=user, space=space)

    def replace(match: re.Match) -> str:
        ref = parse_ref(html_lib.unescape(match.group(1)))
        text = escape(html_lib.unescape(match.group(2)))
        return _render(ref, text, targets.shown(ref), space, can_create)

    return PLACEHOLDER.sub(replace, html)
