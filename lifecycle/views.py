"""Web UI of the lifecycle: gates, sprints and retrospectives, action items, lessons,
the board and the coverage view."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from config.exceptions import ApplicationError
from lifecycle import gates, selectors, services
from lifecycle.forms import (
    ActionItemFilter,
    ActionItemForm,
    ActionItemUpdateForm,
    ApprovalForm,
    LessonsFilter,
    SprintForm,
)
from lifecycle.models import ActionItem, Sprint
from registry import permissions
from registry.models import Stage
from registry.views import form_page, paginate, posted, submit
from wiki.permissions import get_page_for_user_or_404, get_space_for_user_or_404


@login_required
def gate_checklist(request: HttpRequest, slug: str, stage: str) -> HttpResponse:
    project = permissions.get_project_for_user_or_404(request.user, slug)
    if stage not in Stage.values:
        raise Http404("No such stage.")
    checks = gates.for_reader(gates.evaluate(project, stage), request.user)
    return render(request, "lifecycle/gate_checklist.html", {
        "project": project, "stage": Stage(stage), "checks": checks, "nav": "projects",
        "allowed": stage in project.allowed_next_stages(),
        "can_edit": permissions.can_edit_project(request.user, project),
    })


# --- sprints and retrospectives ------------------------------------------------------------
def _sprint_or_404(request: HttpRequest, slug: str, number: int, *, write: bool = False) -> Sprint:
    project = permissions.get_project_for_user_or_404(request.user, slug, write=write)
    return get_object_or_404(project.sprints.select_related("project", "retrospective__space"),
                             number=number)


@login_required
def sprint_list(request: HttpRequest, slug: str) -> HttpResponse:
    project = permissions.get_project_for_user_or_404(request.user, slug)
    can_edit = permissions.can_edit_project(request.user, project)
    form = SprintForm(posted(request))
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        sprint = submit(form, lambda: services.sprint_create(project=project, by=request.user,
                                                             **form.cleaned_data))
        if sprint:
            return redirect(sprint)
    overdue = set(selectors.overdue_retrospectives(user=request.user)
                  .filter(project=project).values_list("pk", flat=True))
    return render(request, "lifecycle/sprint_list.html", {
        "project": project, "sprints": project.sprints.select_related("retrospective__space"),
        "form": form if can_edit else None, "overdue": overdue, "nav": "projects",
    }, status=400 if form.errors else 200)


@login_required
def sprint_detail(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    sprint = _sprint_or_404(request, slug, number)
    can_edit = permissions.can_edit_project(request.user, sprint.project)
    items = sprint.action_items.select_related("owner")
    carried = ActionItem.objects.filter(
        project=sprint.project, status=ActionItem.Status.OPEN, sprint__number__lt=sprint.number,
    ).select_related("owner", "sprint")
    return render(request, "lifecycle/sprint_detail.html", {
        "sprint": sprint, "project": sprint.project, "items": items, "carried": carried,
        "can_edit": can_edit, "item_form": ActionItemForm() if can_edit else None,
        "statuses": ActionItem.Status.choices, "nav": "projects", "today": timezone.localdate(),
    })


@login_required
@require_POST
def retrospective_write(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    sprint = _sprint_or_404(request, slug, number, write=True)
    try:
        page = services.retrospective_write(sprint=sprint, by=request.user)
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect(sprint)
    messages.success(request, "Retrospective started from the template; fill it in.")
    return redirect(page.get_absolute_url() + "edit/")


@login_required
@require_POST
def action_item_add(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    sprint = _sprint_or_404(request, slug, number, write=True)
    form = ActionItemForm(request.POST)
    if submit(form, lambda: services.action_item_add(sprint=sprint, by=request.user,
                                                     **form.cleaned_data)):
        return redirect(_next_or(request, sprint.get_absolute_url()))
    return form_page(request, form, f"Add an action item to {sprint}", back=sprint)


@login_required
@require_POST
def action_item_update(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(selectors.visible_action_items(request.user).select_related("sprint"),
                             pk=pk)
    if not permissions.can_edit_project(request.user, item.project):
        raise PermissionDenied
    form = ActionItemUpdateForm(request.POST)
    if submit(form, lambda: services.action_item_update(item=item, by=request.user,
                                                        **form.cleaned_data)):
        return redirect(_next_or(request, item.sprint.get_absolute_url()))
    return form_page(request, form, f"Update “{item}”", back=item.sprint)


def _next_or(request: HttpRequest, fallback: str) -> str:
    """Where to go back to after a form posted from another page (only this site)."""
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return fallback


@login_required
def action_items(request: HttpRequest) -> HttpResponse:
    form = ActionItemFilter(request.GET or None, projects=permissions.visible_projects(request.user))
    items = selectors.visible_action_items(request.user).select_related(
        "owner", "project", "sprint")
    if form.is_valid():
        data = form.cleaned_data
        if data["mine"]:
            items = items.filter(owner=request.user)
        if data["overdue"]:
            items = items.filter(status=ActionItem.Status.OPEN, due_on__lt=timezone.localdate())
        if data["project"]:
            items = items.filter(project=data["project"])
        if data["status"]:
            items = items.filter(status=data["status"])
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "lifecycle/action_items.html", {
        "form": form, "page": paginate(request, items.order_by("status", "due_on", "pk")),
        "query": query.urlencode(), "today": timezone.localdate(), "nav": "action-items",
        "statuses": ActionItem.Status.choices,
    }, status=400 if form.errors else 200)


@login_required
def lessons(request: HttpRequest) -> HttpResponse:
    form = LessonsFilter(request.GET or None, projects=permissions.visible_projects(request.user))
    data = form.cleaned_data if form.is_valid() else {}
    project = data.get("project")
    pages = selectors.lessons(user=request.user, project=project.slug if project else "",
                              stage=data.get("stage", ""), query=data.get("q", ""))
    page = paginate(request, pages)
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "lifecycle/lessons.html", {
        "form": form, "page": page, "entries": selectors.lesson_entries(page.object_list, user=request.user),
        "query": query.urlencode(), "nav": "lessons",
    }, status=400 if form.errors else 200)


@login_required
def board(request: HttpRequest) -> HttpResponse:
    return render(request, "lifecycle/board.html",
                  {"columns": selectors.board(user=request.user), "nav": "board"})


@login_required
def coverage(request: HttpRequest) -> HttpResponse:
    projects = permissions.visible_projects(request.user).select_related("team").order_by("name")
    return render(request, "lifecycle/coverage.html", {
        "rows": selectors.coverage_for(user=request.user, projects=projects), "nav": "board",
        "stale": selectors.stale_pages(user=request.user)[:50],
        "overdue_retros": selectors.overdue_retrospectives(user=request.user)[:50],
        "overdue_items": selectors.overdue_action_items(user=request.user)
        .select_related("owner", "project")[:50],
    })


# --- approvals ---------------------------------------------------------------------------
@login_required
@require_POST
def page_approve(request: HttpRequest, space: str, slug: str) -> HttpResponse:
    page = get_page_for_user_or_404(request.user, get_space_for_user_or_404(request.user, space), slug)
    form = ApprovalForm(request.POST)
    if submit(form, lambda: services.page_approve(page=page, by=request.user, **form.cleaned_data)):
        messages.success(request, f"You approved revision {form.cleaned_data['revision']}.")
    else:
        for error in form.non_field_errors() + form.errors.get("revision", []):
            messages.error(request, error)
    return redirect(page)


@login_required
@require_POST
def page_request_review(request: HttpRequest, space: str, slug: str) -> HttpResponse:
    space_obj = get_space_for_user_or_404(request.user, space, write=True)
    page = get_page_for_user_or_404(request.user, space_obj, slug, write=True)
    try:
        services.review_request(page=page, by=request.user)
        messages.success(request, "Review requested: the project's reviewers see it on the page.")
    except ApplicationError as error:
        messages.error(request, error.message)
    return redirect(page)
