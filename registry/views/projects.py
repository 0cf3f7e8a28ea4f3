"""Projects: the list and the forms. The project page, with its stage, gates and sprints, is
composed by lifecycle.views.projects from `project_context` below."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from config.web import form_page, list_page, posted, submit
from registry import permissions, selectors, services
from registry.filters import ProjectFilter
from registry.forms import ProjectForm, RoleAssignForm
from registry.models import STAGE_ORDER, Dataset, Project, Team


@login_required
def project_list(request: HttpRequest) -> HttpResponse:
    filterset = ProjectFilter(request.GET, queryset=selectors.project_list(user=request.user))
    return list_page(request, "registry/project_list.html", filterset, "projects",
                     can_create=permissions.can_write_anywhere(request.user))


def project_context(request: HttpRequest, project: Project) -> dict[str, Any]:
    """What the registry shows on a project's page: facts, stage strip, datasets, models,
    roles, timeline and activity."""
    user = request.user
    index = STAGE_ORDER.index(project.stage) if project.stage in STAGE_ORDER else -1
    return {
        "project": project,
        "nav": "projects",
        "can_edit": permissions.can_edit_project(user, project),
        "stages": [(s, i < index, i == index) for i, s in enumerate(STAGE_ORDER)],
        "transitions": project.transitions.select_related("actor"),
        "datasets": selectors.dataset_list(user=user).filter(projects=project),
        "models": selectors.model_list(user=user).filter(project=project),
        "roles": selectors.role_assignments_for(target=project),
        "role_form": RoleAssignForm() if permissions.can_assign_roles(user, project) else None,
        "activity": selectors.activity_for(user=user, target=project),
    }


def _project_form(request: HttpRequest, instance: Project | None = None) -> ProjectForm:
    teams = permissions.writable_teams(request.user)
    if instance:
        teams = teams | Team.objects.filter(pk=instance.team_id)
    return ProjectForm(posted(request), instance=instance, teams=teams,
                       datasets=Dataset.objects.visible_to(request.user))


@login_required
def project_create(request: HttpRequest) -> HttpResponse:
    form = _project_form(request)
    if request.method == "POST":
        project = submit(form, lambda: services.project_create(**form.cleaned_data, by=request.user))
        if project:
            return redirect(project)
    return form_page(request, form, "New project", nav="projects")


@login_required
def project_edit(request: HttpRequest, slug: str) -> HttpResponse:
    project = permissions.get_project_for_user_or_404(request.user, slug, write=True)
    form = _project_form(request, project)
    if request.method == "POST":
        def save() -> Project:
            data = {k: v for k, v in form.cleaned_data.items() if k != "slug"}
            return services.project_update(project=project, by=request.user, **data)

        if submit(form, save):
            return redirect(project)
    return form_page(request, form, f"Edit {project}", nav="projects", back=project)
