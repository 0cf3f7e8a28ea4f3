"""Roles on projects, datasets and models, and the activity page of each."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from config.web import form_page, paginate, submit
from registry import permissions, selectors, services
from registry.forms import RoleAssignForm
from registry.models import RoleAssignment


@login_required
@require_POST
def role_assign(request: HttpRequest, kind: str, slug: str) -> HttpResponse:
    target = permissions.get_target_for_user_or_404(request.user, kind, slug)
    if not permissions.can_assign_roles(request.user, target):
        raise PermissionDenied
    form = RoleAssignForm(request.POST)
    assignment = submit(form, lambda: services.role_assign(target=target, by=request.user,
                                                           **form.cleaned_data))
    if assignment:
        messages.success(request, f"{assignment.person.name} is now {assignment.role.name} of {target}.")
        return redirect(target)
    return form_page(request, form, f"Assign a role on {target}", back=target)


@login_required
@require_POST
def role_unassign(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = get_object_or_404(RoleAssignment.objects.visible_to(request.user), pk=pk)
    if not permissions.can_assign_roles(request.user, assignment.target):
        raise PermissionDenied
    target = assignment.target
    services.role_unassign(assignment=assignment, by=request.user)
    messages.success(request, f"{assignment.person.name} is no longer {assignment.role.name} of {target}.")
    return redirect(target)


@login_required
def activity_list(request: HttpRequest, kind: str, slug: str) -> HttpResponse:
    target = permissions.get_target_for_user_or_404(request.user, kind, slug)
    page = paginate(request, selectors.activity_of(user=request.user, target=target))
    page.object_list = selectors.visible_changes(page.object_list, user=request.user)
    return render(request, "registry/activity_list.html",
                  {"target": target, "page": page, "nav": f"{kind}s"})
