"""What the registry puts on the dashboard: counts, my teams' projects, recent activity. The
lifecycle serves the page (lifecycle.views.dashboard), adding "my work"."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from registry import selectors
from registry.models import STAGE_ORDER, Dataset, Membership, MLModel, ModelVersion, Project
from registry.permissions import User


def dashboard_context(user: User) -> dict[str, Any]:
    my_team_ids = Membership.objects.filter(person=user).values("team_id")
    # projects of my teams, and those I hold a role on (a Reviewer of another team's project)
    mine = Q(team_id__in=my_team_ids) | Q(pk__in=user.role_assignments.filter(
        project__isnull=False).values("project_id"))
    return {
        "counts": {
            "projects": Project.objects.visible_to(user).count(),
            "datasets": Dataset.objects.visible_to(user).count(),
            "models": MLModel.objects.visible_to(user).count(),
            "production": ModelVersion.objects.visible_to(user)
            .filter(status=ModelVersion.Status.PRODUCTION).count(),
        },
        "my_projects": selectors.project_list(user=user).filter(mine).order_by("-updated_at")[:10],
        "activity": selectors.recent_activity(user=user),
        "stage_order": STAGE_ORDER,
    }
