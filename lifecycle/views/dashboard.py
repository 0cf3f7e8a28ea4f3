"""The dashboard: "my work" first, then the registry's counts, projects and activity."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from lifecycle.work import my_work
from registry.views.dashboard import dashboard_context


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    context = dashboard_context(request.user)
    context["work"] = my_work(user=request.user)
    return render(request, "registry/dashboard.html", context)
