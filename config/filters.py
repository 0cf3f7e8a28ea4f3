"""Filter fields shared by the apps' django-filter FilterSets."""

from __future__ import annotations

from datetime import UTC, datetime

import django_filters
from django.core.exceptions import ValidationError
from django_filters.fields import IsoDateTimeField


class UtcIsoDateTimeField(IsoDateTimeField):
    """An ISO 8601 date-time, read in UTC: any offset Python accepts (up to ±24 h) becomes a
    time PostgreSQL takes (its offsets stop at ±15:59), and one past the calendar's ends is a
    form error, not a database error."""

    def to_python(self, value: object) -> datetime | None:
        parsed = super().to_python(value)
        if parsed is None or parsed.tzinfo is None:
            return parsed
        try:
            return parsed.astimezone(UTC)
        except (OverflowError, ValueError) as error:
            raise ValidationError("Enter a date and time within the years 1 to 9999.",
                                  code="invalid") from error


class UtcIsoDateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = UtcIsoDateTimeField
