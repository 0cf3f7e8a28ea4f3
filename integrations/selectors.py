"""Reads of the integrations, for one page or endpoint each."""

from __future__ import annotations

from django.db.models import QuerySet

from integrations.models import UnmappedDataset
from registry.models import Person


def unmapped_datasets(*, user: Person) -> QuerySet[UnmappedDataset]:
    """The unmapped datasets `user` may see, newest first, with who reported each."""
    return UnmappedDataset.objects.visible_to(user).select_related("reported_by")  # a row names its reporter
