"""The dashboard (the health check is config/health.py)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from registry import selectors
from registry.models import STAGE_ORDER, Dataset, Membership, MLModel, ModelVersion, Project


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    user = request.user
    my_team_ids = Membership.objects.filter(person=user).values("team_id")
    context = {
        "counts": {
            "projects": Project.objects.visible_to(user).count(),
            "datasets": Dataset.objects.visible_to(user).count(),
            "models": MLModel.objects.visible_to(user).count(),
            "production": ModelVersion.objects.visible_to(user)
            .filter(status=ModelVersion.Status.PRODUCTION).count(),
        },
        "my_projects": selectors.project_list(user=user).filter(team_id__in=my_team_ids)
        .order_by("-updated_at")[:10],
        "activity": selectors.recent_activity(user=user),
        "stage_order": STAGE_ORDER,
    }
    return render(request, "registry/dashboard.html", context)
