"""Filter fields shared by the apps' django-filter FilterSets."""

from __future__ import annotations

from datetime import UTC, datetime

import django_filters
from django_filters.fields import IsoDateTimeField


class UtcIsoDateTimeField(IsoDateTimeField):
    """An ISO 8601 date-time, read in UTC: any offset Python accepts (up to ±24 h) becomes a
    time PostgreSQL takes (its offsets stop at ±15:59); one that falls past the calendar's ends
    in UTC is the calendar's first or last moment (a bound that bounds nothing)."""

    def to_python(self, value: object) -> datetime | None:
        parsed = super().to_python(value)
        if parsed is None or parsed.tzinfo is None:
            return parsed
        try:
            return parsed.astimezone(UTC)
        except OverflowError:
            return (datetime.min if parsed.year < 2 else datetime.max).replace(tzinfo=UTC)


class UtcIsoDateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = UtcIsoDateTimeField
