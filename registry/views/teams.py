"""Teams and their members."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from config.exceptions import ApplicationError
from config.web import form_page, list_page, posted, submit
from registry import permissions, selectors, services
from registry.filters import TeamFilter
from registry.forms import MembershipForm, TeamForm
from registry.models import Person


@login_required
def team_list(request: HttpRequest) -> HttpResponse:
    filterset = TeamFilter(request.GET, queryset=selectors.team_list(user=request.user))
    return list_page(request, "registry/team_list.html", filterset, "teams",
                     can_create=permissions.can_create_team(request.user))


@login_required
def team_detail(request: HttpRequest, slug: str) -> HttpResponse:
    team = permissions.get_team_or_404(request.user, slug)
    can_edit = permissions.can_edit_team(request.user, team)
    context = {
        "team": team,
        "nav": "teams",
        "memberships": team.memberships.select_related("person"),
        "projects": selectors.project_list(user=request.user).filter(team=team),
        "datasets": selectors.dataset_list(user=request.user).filter(team=team)[:50],
        "can_edit": can_edit,
        "member_form": MembershipForm() if can_edit else None,
        "activity": selectors.activity_for(user=request.user, target=team),
    }
    return render(request, "registry/team_detail.html", context)


@login_required
def team_create(request: HttpRequest) -> HttpResponse:
    if not permissions.can_create_team(request.user):
        raise PermissionDenied
    form = TeamForm(posted(request))
    if request.method == "POST":
        team = submit(form, lambda: services.team_create(**form.cleaned_data, by=request.user))
        if team:
            return redirect(team)
    return form_page(request, form, "New team", nav="teams")


@login_required
def team_edit(request: HttpRequest, slug: str) -> HttpResponse:
    team = permissions.get_team_or_404(request.user, slug, write=True)
    form = TeamForm(posted(request), instance=team)
    form.fields["slug"].disabled = True
    if request.method == "POST":
        fields = {k: form.cleaned_data.get(k) for k in ("name", "description")}
        if submit(form, lambda: services.team_update(team=team, by=request.user, **fields)):
            return redirect(team)
    return form_page(request, form, f"Edit {team}", nav="teams", back=team)


@login_required
@require_POST
def team_member_set(request: HttpRequest, slug: str) -> HttpResponse:
    team = permissions.get_team_or_404(request.user, slug, write=True)
    form = MembershipForm(request.POST)
    if submit(form, lambda: services.membership_set(team=team, by=request.user, **form.cleaned_data)):
        return redirect(team)
    return form_page(request, form, f"Add a member to {team}", back=team)


@login_required
@require_POST
def team_member_remove(request: HttpRequest, slug: str, username: str) -> HttpResponse:
    team = permissions.get_team_or_404(request.user, slug, write=True)
    person = get_object_or_404(Person, username=username)
    try:
        services.membership_remove(team=team, person=person, by=request.user)
    except ApplicationError as error:
        messages.error(request, error.message)
    return redirect(team)
