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

from django.db.models import OuterRef, Q, Subquery
from django.urls import reverse
from django.utils.html import escape, format_html
from django.utils.text import slugify

from registry import permissions
from registry.models import Dataset, MLModel, ModelVersion, Project
from registry.permissions import User

PLACEHOLDER = re.compile(r'<span data-wikilink="([^"<>]*)">([^<]*)</span>')
_MODEL_VERSION = re.compile(r"^([a-z0-9-]+)@(\d{1,6})$")
KINDS = ("project", "dataset", "model")


@dataclass(frozen=True)
class Ref:
    kind: str  # "page", "project", "dataset", "model", "model_version"
    key: str  # page slug, object slug, or "slug@n"

    @property
    def slug(self) -> str:
        return self.key.split("@")[0]

    @property
    def number(self) -> int:
        return int(self.key.split("@")[1])


def parse_ref(raw: str) -> Ref:
    kind, sep, rest = raw.partition(":")
    kind = kind.strip().lower()
    rest = rest.strip()
    if sep and kind in KINDS and rest:
        if kind == "model" and _MODEL_VERSION.match(rest):
            return Ref("model_version", rest)
        return Ref(kind, rest)
    return Ref("page", " ".join(raw.split())[:200])


def refs_in(html: str) -> list[Ref]:
    return [parse_ref(html_lib.unescape(m.group(1))) for m in PLACEHOLDER.finditer(html)]


@dataclass
class Targets:
    pages: dict[str, object]
    projects: dict[str, Project]
    datasets: dict[str, Dataset]
    models: dict[str, MLModel]
    model_versions: dict[str, ModelVersion]

    def get(self, ref: Ref) -> object | None:
        if ref.kind == "page":  # a page is named by its title or its slug
            return self.pages.get(ref.key.casefold()) or self.pages.get(slugify(ref.key))
        table = {"project": self.projects, "dataset": self.datasets,
                 "model": self.models, "model_version": self.model_versions}[ref.kind]
        return table.get(ref.key)


def lookup(refs: list[Ref], *, user: User | None, space: object | None) -> Targets:
    """Find the targets of `refs`; with `user`, only those that user may see."""
    from wiki.models import Page
    from wiki.permissions import visible_pages

    def wanted(kind: str) -> set[str]:
        return {r.key for r in refs if r.kind == kind}

    def scoped(scope: object, qs: object) -> object:
        return qs if user is None else scope(user, qs)

    pages: dict[str, object] = {}
    if wanted("page") and space is not None:
        titles = wanted("page")
        qs = Page.objects.filter(Q(slug__in={slugify(t)[:120] for t in titles}) | Q(title__in=titles),
                                 space=space, deleted_at__isnull=True)
        for page in scoped(visible_pages, qs).select_related("space"):
            pages[page.slug] = page
            pages[page.title.casefold()] = page
    projects, datasets, models, versions = {}, {}, {}, {}
    if wanted("project"):
        projects = {p.slug: p for p in scoped(
            permissions.visible_projects, Project.objects.filter(slug__in=wanted("project")))}
    if wanted("dataset"):
        datasets = {d.slug: d for d in scoped(
            permissions.visible_datasets, Dataset.objects.filter(slug__in=wanted("dataset")))}
    if wanted("model"):
        latest = ModelVersion.objects.filter(model=OuterRef("pk")).order_by("-number")
        qs = MLModel.objects.filter(slug__in=wanted("model")).annotate(
            latest_status=Subquery(latest.values("status")[:1]))
        models = {m.slug: m for m in scoped(permissions.visible_models, qs)}
    if wanted("model_version"):
        slugs = {k.split("@")[0] for k in wanted("model_version")}
        qs = ModelVersion.objects.filter(model__slug__in=slugs).select_related("model")
        versions = {f"{v.model.slug}@{v.number}": v
                    for v in scoped(permissions.visible_model_versions, qs)
                    if f"{v.model.slug}@{v.number}" in wanted("model_version")}
    return Targets(pages, projects, datasets, models, versions)


def _status(ref: Ref, target: object) -> str:
    if ref.kind == "project":
        return target.get_stage_display()
    if ref.kind == "dataset":
        return target.get_sensitivity_display()
    if ref.kind == "model":
        status = getattr(target, "latest_status", None)
        return ModelVersion.Status(status).label if status else "no versions"
    if ref.kind == "model_version":
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
        return _render(ref, text, targets.get(ref), space, can_create)

    return PLACEHOLDER.sub(replace, html)
