"""Sprints, their retrospectives and action items."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from config.exceptions import ApplicationError
from config.web import form_page, posted, submit
from lifecycle import permissions, selectors, services
from lifecycle.forms import ActionItemForm, ActionItemUpdateForm, SprintForm
from lifecycle.models import ActionItem, Sprint
from registry import permissions as registry_permissions


def _sprint_or_404(request: HttpRequest, slug: str, number: int, *, write: bool = False) -> Sprint:
    project = registry_permissions.get_project_for_user_or_404(request.user, slug, write=write)
    return get_object_or_404(project.sprints.select_related("project", "retrospective__space"),
                             number=number)


@login_required
def sprint_list(request: HttpRequest, slug: str) -> HttpResponse:
    project = registry_permissions.get_project_for_user_or_404(request.user, slug)
    can_edit = permissions.can_plan(request.user, project)
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
    can_edit = permissions.can_plan(request.user, sprint.project)
    items = sprint.action_items.select_related("owner")
    carried = selectors.carried_over(sprint)
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
    item = get_object_or_404(ActionItem.objects.visible_to(request.user).select_related("sprint"),
                             pk=pk)
    if not permissions.can_plan(request.user, item.project):
        raise PermissionDenied
    form = ActionItemUpdateForm(request.POST)
    if submit(form, lambda: services.action_item_update(item=item, by=request.user,
                                                        **form.cleaned_data)):
        messages.success(request, f"“{item}” is {item.get_status_display().lower()}.")
        return redirect(_next_or(request, item.sprint.get_absolute_url()))
    return form_page(request, form, f"Update “{item}”", back=item.sprint)


def _next_or(request: HttpRequest, fallback: str) -> str:
    """Where to go back to after a form posted from another page (only this site)."""
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return fallback
