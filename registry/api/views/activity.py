"""REST API v1: The activity log."""

from __future__ import annotations

from django.db.models import QuerySet

from config.api import ApiListView
from registry import selectors
from registry.api import serializers as s
from registry.api.filters import (
    ActivityFilter,
)
from registry.models import (
    Activity,
)


class ActivityList(ApiListView):
    serializer_class = s.ActivityOut
    queryset = Activity.objects.none()
    filterset_class = ActivityFilter
    ordering_fields = ["created_at"]
    ordering = ["-created_at", "-pk"]

    def get_queryset(self) -> QuerySet[Activity]:
        return Activity.objects.visible_to(self.request.user).select_related("actor", "target_type")

    def paginate_queryset(self, queryset: QuerySet[Activity]) -> list[Activity] | None:
        # a page's `changes` name only what the caller may see
        page = super().paginate_queryset(queryset)
        return None if page is None else selectors.visible_changes(page, user=self.request.user)
