"""Lifecycle panels shown on registry and wiki pages (this app sits above both)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from lifecycle import gates
from lifecycle.forms import ActionItemForm
from lifecycle.models import ActionItem, Sprint
from lifecycle.selectors import latest_allowed_end
from registry import permissions
from registry.models import Stage

register = template.Library()


@register.inclusion_tag("lifecycle/_project_gates.html", takes_context=True)
def project_gates(context: dict[str, Any], project: Any) -> dict[str, Any]:
    """The checklist for each stage the project may enter next, and its sprints."""
    user = context["request"].user
    can_edit = permissions.can_edit_project(user, project)
    ctx = gates.Context([project])
    nexts = [(Stage(s), gates.for_reader(gates.evaluate(project, s, ctx, links=can_edit), user))
             for s in project.allowed_next_stages()]
    sprints = list(project.sprints.select_related("retrospective__space")[:6])
    cutoff = latest_allowed_end()
    return {"project": project, "nexts": nexts, "can_edit": can_edit, "sprints": sprints,
            "overdue": {s.pk for s in sprints if s.retrospective_id is None and s.ends_on < cutoff}}


@register.inclusion_tag("lifecycle/_approval.html", takes_context=True)
def approval_panel(context: dict[str, Any], page: Any) -> dict[str, Any]:
    """Who approved which revision of the page, or that approval is pending or void."""
    user = context["request"].user
    project = page.space.project if page.space.project_id else None
    reviewers = gates.reviewers_of(project) if project else set()
    approvals = list(page.approvals.select_related("reviewer")[:20])
    approval, sentence = gates.approval_state(page, reviewers, approvals)
    requested = page.review_requests.filter(revision=page.revision).select_related(
        "requested_by").first()
    sprint = Sprint.objects.filter(retrospective=page).select_related("project").first()
    return {
        "page": page, "approval": approval, "sentence": sentence, "approvals": approvals,
        "requested": requested, "sprint": sprint, "has_reviewers": bool(reviewers),
        "can_approve": user.pk in reviewers and approval is None,
        "can_request": project is not None and permissions.can_edit_project(user, project),
        "request": context["request"],
    }


@register.inclusion_tag("lifecycle/_retrospective_items.html", takes_context=True)
def retrospective_items(context: dict[str, Any], page: Any) -> dict[str, Any]:
    """On a retrospective page: its sprint's action items, editable in place, and the open
    items carried over from earlier sprints."""
    sprint = Sprint.objects.filter(retrospective=page).select_related("project").first()
    if sprint is None:
        return {"sprint": None}
    user = context["request"].user
    can_edit = permissions.can_edit_project(user, sprint.project)
    carried = ActionItem.objects.filter(
        project=sprint.project, status=ActionItem.Status.OPEN, sprint__number__lt=sprint.number,
    ).select_related("owner", "sprint")
    return {
        "sprint": sprint, "page": page, "can_edit": can_edit, "request": context["request"],
        "items": sprint.action_items.select_related("owner"), "carried": carried,
        "statuses": ActionItem.Status.choices, "item_form": ActionItemForm() if can_edit else None,
        "today": timezone.localdate(),
    }
