"""Lists across projects: action items, lessons, the board and documentation coverage."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from config.web import paginate, query_without_page
from lifecycle import selectors
from lifecycle.forms import ActionItemFilter, LessonsFilter
from lifecycle.models import ActionItem
from registry.models import Project


@login_required
def action_items(request: HttpRequest) -> HttpResponse:
    form = ActionItemFilter(request.GET or None, projects=Project.objects.visible_to(request.user))
    items = ActionItem.objects.visible_to(request.user).select_related(
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
    return render(request, "lifecycle/action_items.html", {
        "form": form, "page": paginate(request, items.open_first()),
        "query": query_without_page(request), "today": timezone.localdate(), "nav": "action-items",
        "statuses": ActionItem.Status.choices,
    }, status=400 if form.errors else 200)


@login_required
def lessons(request: HttpRequest) -> HttpResponse:
    form = LessonsFilter(request.GET or None, projects=Project.objects.visible_to(request.user))
    data = form.cleaned_data if form.is_valid() else {}
    project = data.get("project")
    pages = selectors.lessons(user=request.user, project=project.slug if project else "",
                              stage=data.get("stage", ""), query=data.get("q", ""))
    page = paginate(request, pages)
    return render(request, "lifecycle/lessons.html", {
        "form": form, "page": page, "entries": selectors.lesson_entries(page.object_list, user=request.user),
        "query": query_without_page(request), "nav": "lessons",
    }, status=400 if form.errors else 200)


@login_required
def board(request: HttpRequest) -> HttpResponse:
    return render(request, "lifecycle/board.html",
                  {"columns": selectors.board(user=request.user), "nav": "board"})


@login_required
def coverage(request: HttpRequest) -> HttpResponse:
    projects = Project.objects.visible_to(request.user).select_related("team").order_by("name")
    return render(request, "lifecycle/coverage.html", {
        "rows": selectors.coverage_for(user=request.user, projects=projects), "nav": "board",
        "stale": selectors.stale_pages(user=request.user)[:50],
        "overdue_retros": selectors.overdue_retrospectives(user=request.user)[:50],
        "overdue_items": selectors.overdue_action_items(user=request.user)
        .select_related("owner", "project")[:50],
    })
