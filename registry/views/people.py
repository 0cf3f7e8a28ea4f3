"""People and the signed-in person's profile."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from config.web import form_page, list_page, posted, submit
from registry import selectors, services
from registry.filters import PersonFilter
from registry.forms import PersonForm
from registry.models import Person, RoleAssignment


@login_required
def person_list(request: HttpRequest) -> HttpResponse:
    filterset = PersonFilter(request.GET, queryset=selectors.person_list(user=request.user))
    return list_page(request, "registry/person_list.html", filterset, "people")


@login_required
def person_detail(request: HttpRequest, username: str) -> HttpResponse:
    person = get_object_or_404(Person, username=username)
    context = {
        "person": person,
        "nav": "people",
        "memberships": person.memberships.select_related("team"),
        "roles": RoleAssignment.objects.visible_to(request.user)
        .filter(person=person).select_related("role", "project", "dataset", "model"),
        "activity": selectors.recent_activity(user=request.user, actor=person, limit=30),
        "is_me": person.pk == request.user.pk,
    }
    return render(request, "registry/person_detail.html", context)


@login_required
def profile_edit(request: HttpRequest) -> HttpResponse:
    form = PersonForm(posted(request), instance=request.user)
    if request.method == "POST" and submit(form, lambda: services.person_update(
            person=request.user, by=request.user, **form.cleaned_data)):
        messages.success(request, "Profile saved.")
        return redirect(request.user)
    return form_page(request, form, "Your profile", back=request.user)
