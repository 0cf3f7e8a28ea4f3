"""Reads of webhooks: a team's subscriptions and a subscription's delivery log, for those who
manage the team's webhooks (others get a 404 for a subscription, 403 for the team's list)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404

from registry import permissions as registry_permissions
from registry.models import Person, Team
from webhooks import permissions
from webhooks.models import Delivery, Subscription


def managed_team(user: Person, slug: str) -> Team:
    team = registry_permissions.get_team_or_404(user, slug)
    if not permissions.can_manage_webhooks(user, team):
        raise PermissionDenied
    return team


def subscriptions(team: Team) -> QuerySet[Subscription]:
    return (team.webhooks.select_related("team", "created_by")
            .annotate(failed=Count("deliveries", filter=Q(deliveries__status=Delivery.Status.FAILED)),
                      delivered=Count("deliveries",
                                      filter=Q(deliveries__status=Delivery.Status.DELIVERED))))


def subscription(user: Person, slug: str, pk: int) -> Subscription:
    return get_object_or_404(subscriptions(managed_team(user, slug)), pk=pk)


def deliveries(subscription: Subscription) -> QuerySet[Delivery]:
    return subscription.deliveries.all()
