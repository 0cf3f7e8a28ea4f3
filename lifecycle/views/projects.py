"""A project's page, its stage moves and the checklist of each gate."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from config.web import submit
from lifecycle import gates, permissions, selectors, services
from lifecycle.forms import TransitionForm
from registry import permissions as registry_permissions
from registry.models import Project, Stage
from registry.views.projects import project_context


def _page(request: HttpRequest, project: Project, *, transition_form: TransitionForm | None = None,
          status: int = 200) -> HttpResponse:
    """The project's page: the registry's facts, its stage move form and gates, its sprints."""
    can_move = permissions.can_move_stage(request.user, project)
    context: dict[str, Any] = {
        **project_context(request, project),
        "gates": selectors.project_panel(user=request.user, project=project),
        "next_stages": [(s, Stage(s).label) for s in project.allowed_next_stages()],
        "transition_form": transition_form or (
            TransitionForm(initial={"stage": next(iter(project.allowed_next_stages()), "")})
            if can_move else None),
    }
    return render(request, "registry/project_detail.html", context, status=status)


@login_required
def project_detail(request: HttpRequest, slug: str) -> HttpResponse:
    return _page(request, registry_permissions.get_project_for_user_or_404(request.user, slug))


@login_required
@require_POST
def project_transition(request: HttpRequest, slug: str) -> HttpResponse:
    project = registry_permissions.get_project_for_user_or_404(request.user, slug, write=True)
    form = TransitionForm(request.POST)

    def move() -> Any:
        data = form.cleaned_data
        override = data["override_reason"] if permissions.can_override_gates(request.user) else ""
        return services.project_stage_change(project=project, to=data["stage"], note=data["note"],
                                             override_reason=override, by=request.user)

    if submit(form, move):
        messages.success(request, f"{project} moved to {Stage(form.cleaned_data['stage']).label}.")
        return redirect(project)
    return _page(request, project, transition_form=form, status=400)


@login_required
def gate_checklist(request: HttpRequest, slug: str, stage: str) -> HttpResponse:
    project = registry_permissions.get_project_for_user_or_404(request.user, slug)
    if stage not in Stage.values:
        raise Http404("No such stage.")
    checks = gates.for_reader(gates.evaluate(project, stage), request.user)
    return render(request, "lifecycle/gate_checklist.html", {
        "project": project, "stage": Stage(stage), "checks": checks, "nav": "projects",
        "allowed": stage in project.allowed_next_stages(),
        "can_edit": permissions.can_move_stage(request.user, project),
    })
