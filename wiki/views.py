"""Web UI of the wiki: thin views around permissions, selectors and services."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from config.exceptions import ApplicationError
from config.web import over_rate, paginate, submit
from registry import permissions as registry_permissions
from registry import selectors as registry_selectors
from wiki import permissions, selectors, services
from wiki.conformance import conformance
from wiki.forms import PageForm, TemplateForm, resolve_documents
from wiki.links import resolve_links
from wiki.markdown import check_markdown, render_markdown
from wiki.merge import line_diff
from wiki.models import Page, PageRevision, Space, Template
from wiki.prefill import skeleton_for
from wiki.refs import format_many


# --- index, preview ---------------------------------------------------------------
@login_required
def wiki_index(request: HttpRequest) -> HttpResponse:
    context = {"nav": "wiki", **selectors.space_index(user=request.user)}
    return render(request, "wiki/index.html", context)


PREVIEW_REFUSED = "Too many previews in a row: wait a minute, then preview again."


def _preview(request: HttpRequest, space: Space | None) -> str:
    """The posted body as its page will show it; ValidationError past the markdown limits or
    the reader's preview rate (settings.WIKI_PREVIEW_RATE)."""
    body = request.POST.get("body", "")
    check_markdown(body)
    if over_rate(request, scope="wiki-preview", rate=settings.WIKI_PREVIEW_RATE):
        raise ValidationError({"body": PREVIEW_REFUSED})
    return resolve_links(render_markdown(body), user=request.user, space=space)


@login_required
@require_POST
def preview(request: HttpRequest) -> HttpResponse:
    """Markdown → the same HTML a saved page shows (used by the editor's script)."""
    space = None
    key = request.POST.get("space", "")
    if key:
        space = services.space_open(key=key, user=request.user)
    try:
        html = _preview(request, space)
    except ValidationError as error:
        message = error.messages[0]
        return HttpResponse(message, status=429 if message == PREVIEW_REFUSED else 400,
                            content_type="text/plain; charset=utf-8")
    return HttpResponse(html, content_type="text/html; charset=utf-8")


# --- spaces -------------------------------------------------------------------------
@login_required
def space_detail(request: HttpRequest, space: str) -> HttpResponse:
    space_obj = services.space_open(key=space, user=request.user)
    query = request.GET.get("q", "").strip()[:100]
    context = {
        "space": space_obj, "nav": "wiki", "query": query,
        "page": paginate(request, selectors.space_pages(user=request.user, space=space_obj,
                                                        query=query)),
        "tree": selectors.top_level_pages(space=space_obj),
        "can_edit": permissions.can_edit_space(request.user, space_obj),
        "templates": selectors.templates_for(user=request.user),
    }
    return render(request, "wiki/space_detail.html", context)


@login_required
def space_trash(request: HttpRequest, space: str) -> HttpResponse:
    space_obj = services.space_open(key=space, user=request.user, write=True)
    context = {"space": space_obj, "nav": "wiki",
               "page": paginate(request, selectors.trash(space=space_obj)),
               "can_purge": permissions.can_purge(request.user)}
    return render(request, "wiki/space_trash.html", context)


# --- pages --------------------------------------------------------------------------
def _editor(request: HttpRequest, form: PageForm, space: Space, *, page: Page | None = None,
            template: Template | None = None, status: int = 200, **extra: Any) -> HttpResponse:
    preview_html = None
    if request.method == "POST" and "preview" in request.POST:
        try:
            preview_html = _preview(request, space)
        except ValidationError as error:
            form.add_error("body", error.messages)
            status = 400
    context = {"form": form, "space": space, "page_obj": page, "template": template,
               "nav": "wiki", "preview_html": preview_html,
               "guide": template.required_sections if template else [], **extra}
    return render(request, "wiki/page_form.html", context, status=status)


@login_required
def page_create(request: HttpRequest, space: str) -> HttpResponse:
    space_obj = services.space_open(key=space, user=request.user, write=True)
    if request.method == "POST":
        form = PageForm(request.POST, user=request.user, space=space_obj)
        if "preview" not in request.POST:
            page = submit(form, lambda: services.page_create(
                space=space_obj, by=request.user, **{k: v for k, v in form.cleaned_data.items()
                                                      if k not in ("base_revision",)}))
            if page:
                messages.success(request, "Page created.")
                return redirect(page)
        template = form.cleaned_data.get("template") if form.is_valid() else None
        return _editor(request, form, space_obj, template=template,
                       status=200 if "preview" in request.POST else 400)
    template = None
    kind = request.GET.get("template", "")
    if kind:
        template = Template.objects.filter(kind=kind).first()
        if template is None:
            raise Http404("No such template.")
    try:
        documents = resolve_documents(request.user, request.GET.get("documents", ""))
    except ValidationError as error:
        raise Http404(error.messages[0]) from error
    title = request.GET.get("title", "")[:200]
    if not title and template:
        names = ", ".join(str(d) for d in documents)
        title = f"{template.name}: {names}" if names else template.name
    form = PageForm(user=request.user, space=space_obj, initial={
        "title": title, "template": template.kind if template else "",
        "documents": format_many(documents), "parent": request.GET.get("parent", "")[:120],
        "body": skeleton_for(template, documents, space_obj.project if space_obj.project_id else None),
    })
    return _editor(request, form, space_obj, template=template)


def page_context(request: HttpRequest, space: Space, page: Page) -> dict[str, Any]:
    """What the wiki shows on a page's page (lifecycle.views.pages adds its review panels)."""
    can_edit = permissions.can_edit_space(request.user, space)
    return {
        "space": space, "page_obj": page, "nav": "wiki", "can_edit": can_edit,
        "html": resolve_links(page.html, user=request.user, space=space, can_create=can_edit),
        "ancestors": selectors.ancestors(page),
        "children": selectors.children(page),
        "tags": page.tags.all(),
        "documents": selectors.documents_of(page, user=request.user),
        "linked_from": selectors.pages_linking_to(page, user=request.user)[:50],
        "conformance": conformance(page) if page.template else None,
    }


@login_required
def page_edit(request: HttpRequest, space: str, slug: str) -> HttpResponse:
    page = permissions.get_page_for_user_or_404(request.user, space, slug, write=True)
    space_obj = page.space
    if request.method != "POST":
        form = PageForm(user=request.user, space=space_obj, page=page, initial={
            "title": page.title, "body": page.body, "base_revision": page.revision,
            "parent": page.parent.slug if page.parent else "",
            "tags": ", ".join(page.tags.values_list("name", flat=True)),
            "documents": format_many(selectors.documents_of(page, user=request.user))})
        return _editor(request, form, space_obj, page=page, template=page.template)
    form = PageForm(request.POST, user=request.user, space=space_obj, page=page)
    if "preview" in request.POST:
        form.is_valid()
        return _editor(request, form, space_obj, page=page, template=page.template)
    conflicts: list[services.EditConflict] = []

    def save() -> services.SaveResult | None:
        try:
            return services.page_update(page=page, by=request.user, **form.cleaned_data)
        except services.EditConflict as conflict:  # before `submit` turns it into a form error
            conflicts.append(conflict)
            return None

    result = submit(form, save)
    if conflicts:
        return _conflict(request, space_obj, page, conflicts[0])
    if result:
        messages.success(request, result.message)
        return redirect(result.page)
    return _editor(request, form, space_obj, page=page, template=page.template, status=400)


def _conflict(request: HttpRequest, space: Space, page: Page,
              conflict: services.EditConflict) -> HttpResponse:
    """The other edit stays; the user's text is kept in a form whose base is now current."""
    data = request.POST.copy()
    data["base_revision"] = str(conflict.current.number)
    form = PageForm(data, user=request.user, space=space, page=page)
    form.is_valid()
    return _editor(request, form, space, page=page, template=page.template, status=409,
                   conflict=conflict)


@login_required
def page_history(request: HttpRequest, space: str, slug: str) -> HttpResponse:
    page = permissions.get_page_for_user_or_404(request.user, space, slug)
    space_obj = page.space
    context = {"space": space_obj, "page_obj": page, "nav": "wiki",
               "page": paginate(request, selectors.revisions(page)),
               "activity": registry_selectors.activity_for(user=request.user, target=page),
               "can_edit": permissions.can_edit_space(request.user, space_obj)}
    return render(request, "wiki/page_history.html", context)


def _revision_number(value: str | None, default: int) -> int:
    try:
        return int(value) if value not in (None, "") else default
    except ValueError as error:
        raise Http404("A revision is a number.") from error


@login_required
def page_diff(request: HttpRequest, space: str, slug: str) -> HttpResponse:
    page = permissions.get_page_for_user_or_404(request.user, space, slug)
    space_obj = page.space
    b = _revision_number(request.GET.get("b"), page.revision)
    a = _revision_number(request.GET.get("a"), max(b - 1, 1))
    old = get_object_or_404(PageRevision, page=page, number=a)
    new = get_object_or_404(PageRevision, page=page, number=b)
    context = {"space": space_obj, "page_obj": page, "nav": "wiki", "old": old, "new": new,
               "rows": line_diff(old.body, new.body),
               "title_changed": old.title != new.title}
    return render(request, "wiki/page_diff.html", context)


@login_required
def page_revision(request: HttpRequest, space: str, slug: str, number: int) -> HttpResponse:
    page = permissions.get_page_for_user_or_404(request.user, space, slug)
    space_obj = page.space
    revision = get_object_or_404(PageRevision.objects.select_related("author"), page=page,
                                 number=number)
    context = {"space": space_obj, "page_obj": page, "nav": "wiki", "revision": revision,
               "html": resolve_links(revision.html, user=request.user, space=space_obj),
               "can_edit": permissions.can_edit_space(request.user, space_obj)}
    return render(request, "wiki/page_revision.html", context)


def _page_action(request: HttpRequest, space: str, slug: str, action: Any, *,
                 deleted: bool = False, done: str) -> HttpResponse:
    page = permissions.get_page_for_user_or_404(request.user, space, slug, write=True, deleted=deleted)
    space_obj = page.space
    try:
        target = action(page)
    except (ApplicationError, ValidationError) as error:
        message = error.message if isinstance(error, ApplicationError) else " ".join(error.messages)
        messages.error(request, message)
        return render(request, "wiki/error.html",
                      {"space": space_obj, "message": message, "nav": "wiki",
                       "back": page if not page.is_deleted else space_obj}, status=400)
    messages.success(request, done)
    return redirect(target)


@login_required
@require_POST
def page_revert(request: HttpRequest, space: str, slug: str, number: int) -> HttpResponse:
    return _page_action(request, space, slug, lambda page: services.page_revert(
        page=page, number=number, by=request.user), done=f"Reverted to revision {number}.")


@login_required
@require_POST
def page_delete(request: HttpRequest, space: str, slug: str) -> HttpResponse:
    def delete(page: Page) -> Space:
        services.page_delete(page=page, by=request.user)
        return page.space

    return _page_action(request, space, slug, delete, done="Page moved to the trash.")


@login_required
@require_POST
def page_restore(request: HttpRequest, space: str, slug: str) -> HttpResponse:
    return _page_action(request, space, slug, lambda page: services.page_restore(
        page=page, by=request.user), deleted=True, done="Page restored.")


@login_required
@require_POST
def page_purge(request: HttpRequest, space: str, slug: str) -> HttpResponse:
    if not permissions.can_purge(request.user):
        raise PermissionDenied

    def purge(page: Page) -> str:
        services.page_purge(page=page, by=request.user)
        return f"{page.space.get_absolute_url()}trash/"

    return _page_action(request, space, slug, purge, deleted=True, done="Page purged for good.")


# --- templates ----------------------------------------------------------------------
@login_required
def template_list(request: HttpRequest) -> HttpResponse:
    return render(request, "wiki/template_list.html", {
        "templates": selectors.templates_for(user=request.user), "nav": "wiki",
        "can_create": registry_permissions.can_write_anywhere(request.user)})


@login_required
def template_detail(request: HttpRequest, kind: str) -> HttpResponse:
    template = get_object_or_404(Template.objects.select_related("team"), kind=kind)
    return render(request, "wiki/template_detail.html", {
        "template": template, "nav": "wiki", "html": render_markdown(template.body),
        "can_edit": permissions.can_edit_template(request.user, template)})


@login_required
def template_create(request: HttpRequest) -> HttpResponse:
    form = TemplateForm(request.POST or None, teams=registry_permissions.writable_teams(request.user))
    if request.method == "POST":
        template = submit(form, lambda: services.template_create(**form.cleaned_data,
                                                                 by=request.user))
        if template:
            return redirect(template)
    return render(request, "registry/form.html", {"form": form, "title": "New template",
                                                  "nav": "wiki"},
                  status=400 if request.method == "POST" else 200)


@login_required
def template_edit(request: HttpRequest, kind: str) -> HttpResponse:
    template = get_object_or_404(Template, kind=kind)
    if not permissions.can_edit_template(request.user, template):
        raise PermissionDenied
    form = TemplateForm(request.POST or None, editing=True, initial={
        "name": template.name, "description": template.description, "body": template.body,
        "required_sections": "\n".join(template.required_sections)})
    if request.method == "POST" and submit(form, lambda: services.template_update(
            template=template, by=request.user, **form.cleaned_data)):
        return redirect(template)
    return render(request, "registry/form.html", {
        "form": form, "title": f"Edit {template.name}", "nav": "wiki", "back": template},
        status=400 if request.method == "POST" else 200)
