"""Searching model versions across models, as MLflow's `model-versions/search` does: by model,
status, alias, tag (`tag.<key>=<value>`), metric bounds (`metric.auc__gte=0.9`), run, the
dataset version it was trained or evaluated on, registration date; ordered by a metric
(`sort=-metric.auc`). One filter set for the page (/model-versions/) and the API
(/api/v1/model-versions/), built on `ModelVersion.objects.visible_to(user)`."""

from __future__ import annotations

import re
from typing import Any

import django_filters
from django.db.models import Exists, F, FloatField, Func, OuterRef, QuerySet, TextField
from django.forms.utils import ErrorList
from django.http import QueryDict

from config.filters import UtcIsoDateTimeFilter
from registry.metadata import KEY, MAX_KEY_LENGTH
from registry.models import DatasetVersion, Lineage, ModelAlias, ModelVersion

MAX_DYNAMIC = 10  # tag. and metric. conditions in one search
_METRIC = re.compile(r"^metric\.(.+?)(?:__(gte|lte|gt|lt|exact))?$")
_LOOKUPS = {None: "exact", "exact": "exact", "gte": "gte", "lte": "lte", "gt": "gt", "lt": "lt"}


class MetricValue(Func):
    """A version's metric `key` as a number (NULL when absent or not a number), on SQLite and
    PostgreSQL alike."""

    output_field = FloatField()
    column = "metrics"
    sqlite_types, postgres_type, postgres_cast = "'integer', 'real'", "number", "::double precision"

    def __init__(self, key: str) -> None:
        super().__init__(F(self.column))
        self.key = key

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list]:
        column, params = compiler.compile(self.source_expressions[0])
        path = f'$."{self.key}"'
        return (f"(CASE WHEN json_type({column}, %s) IN ({self.sqlite_types}) "
                f"THEN json_extract({column}, %s) END)", [*params, path, *params, path])

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list]:
        column, params = compiler.compile(self.source_expressions[0])
        return (f"(CASE WHEN jsonb_typeof({column} -> %s) = '{self.postgres_type}' "
                f"THEN ({column} ->> %s){self.postgres_cast} END)",
                [*params, self.key, *params, self.key])


class TagValue(MetricValue):
    """A version's tag `key` as text (NULL when absent)."""

    output_field = TextField()
    column = "tags"
    sqlite_types, postgres_type, postgres_cast = "'text'", "string", ""


def _dataset_version(value: str, user: Any) -> QuerySet[DatasetVersion]:
    dataset, _, label = value.partition("@")
    return DatasetVersion.objects.visible_to(user).filter(dataset__slug=dataset, label=label)


class ModelVersionSearch(django_filters.FilterSet):
    model = django_filters.CharFilter(field_name="model__slug", label="Model (slug)")
    status = django_filters.ChoiceFilter(choices=ModelVersion.Status.choices)
    alias = django_filters.CharFilter(method="has_alias", label="Alias")
    run_id = django_filters.CharFilter(label="Tracker run id")
    trained_on = django_filters.CharFilter(method="trained_on_filter", label="Trained on (dataset@version)")
    evaluated_on = django_filters.CharFilter(method="evaluated_on_filter",
                                             label="Evaluated on (dataset@version)")
    registered_after = UtcIsoDateTimeFilter(field_name="created_at", lookup_expr="gte",
                                                        label="Registered at or after")
    registered_before = UtcIsoDateTimeFilter(field_name="created_at", lookup_expr="lt",
                                                         label="Registered before")
    sort = django_filters.CharFilter(method="sort_by", label="Sort (e.g. -metric.auc)")
    # the page's two free fields, rewritten to tag.<key> and metric.<name>__<lookup> (`from_form`)
    tag = django_filters.CharFilter(method="sort_by", label="Tag (key=value)")
    metric = django_filters.CharFilter(method="sort_by", label="Metric bound (e.g. auc>=0.9)")

    class Meta:
        model = ModelVersion
        fields = ["model", "status", "alias", "run_id", "trained_on", "evaluated_on",
                  "registered_after", "registered_before", "tag", "metric", "sort"]

    def has_alias(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(Exists(ModelAlias.objects.filter(version=OuterRef("pk"), name=value)))

    def _used(self, queryset: QuerySet, value: str, use: str) -> QuerySet:
        used = Lineage.objects.filter(model_version=OuterRef("pk"), use=use,
                                      dataset_version__in=_dataset_version(value, self.request.user))
        return queryset.filter(Exists(used))

    def trained_on_filter(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return self._used(queryset, value, Lineage.Use.TRAINING)

    def evaluated_on_filter(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return self._used(queryset, value, Lineage.Use.EVALUATION)

    def sort_by(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset  # applied last, in filter_queryset

    # --- tag.<key>=<value>, metric.<key>[__gte|lte|gt|lt]=<number>, sort=[-]metric.<key> ---
    def is_valid(self) -> bool:
        valid = super().is_valid()
        self.conditions: list[tuple[str, str, str, Any]] = []
        self.metric_sort: tuple[str, bool] | None = None
        errors: dict[str, str] = {}
        for param in self.data:
            if param.startswith("tag."):
                key = param[4:]
                if not _key_ok(key):
                    errors[param] = "A tag key is 1-100 characters of letters, digits, '_-./: '."
                else:
                    self.conditions.append(("tag", key, "exact", self.data.get(param)))
            elif param.startswith("metric."):
                match = _METRIC.match(param)
                if not match or not _key_ok(match.group(1)) or "__" in match.group(1):
                    errors[param] = "Write metric.<name>, metric.<name>__gte (or __lte, __gt, __lt)."
                    continue
                try:
                    number = float(self.data.get(param))
                    if number != number or number in (float("inf"), float("-inf")):
                        raise ValueError
                except (TypeError, ValueError):
                    errors[param] = "A metric bound is a finite number."
                    continue
                self.conditions.append(("metric", match.group(1), _LOOKUPS[match.group(2)], number))
        if len(self.conditions) > MAX_DYNAMIC:
            errors["tag."] = f"At most {MAX_DYNAMIC} tag. and metric. conditions."
        sort = (self.form.cleaned_data.get("sort") or "") if valid else ""
        if sort:
            key = sort.lstrip("-")
            if not key.startswith("metric.") or not _key_ok(key[7:]):
                errors["sort"] = "Sort by metric.<name> (ascending) or -metric.<name>."
            else:
                self.metric_sort = (key[7:], sort.startswith("-"))
        for param, message in errors.items():
            self.form._errors[param] = ErrorList([message])  # named as the caller wrote it
        return valid and not errors

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        if not self.is_valid():
            return queryset.none()
        queryset = super().filter_queryset(queryset)
        for index, (kind, key, lookup, value) in enumerate(self.conditions):
            alias = f"_search_{index}"
            if kind == "tag":
                queryset = queryset.alias(**{alias: TagValue(key)}).filter(**{alias: value})
            else:
                queryset = queryset.alias(**{alias: MetricValue(key)}).filter(
                    **{f"{alias}__{lookup}": value})
        if self.metric_sort:
            key, descending = self.metric_sort
            value = MetricValue(key)
            queryset = queryset.alias(_sort=value).order_by(
                F("_sort").desc(nulls_last=True) if descending else F("_sort").asc(nulls_last=True),
                "-created_at", "-pk")
        return queryset


_BOUND = re.compile(r"^\s*([^<>=]+?)\s*(>=|<=|>|<|=)\s*(\S+)\s*$")
_OPERATORS = {">=": "__gte", "<=": "__lte", ">": "__gt", "<": "__lt", "=": ""}


def from_form(data: QueryDict) -> tuple[QueryDict, dict[str, str]]:
    """The page's `tag` (key=value) and `metric` (auc>=0.9) fields as the API's parameters,
    and the errors of those that cannot be read."""
    data = data.copy()
    errors = {}
    tag = data.get("tag", "").strip()
    if tag:
        key, sep, value = tag.partition("=")
        if sep and key.strip():
            data[f"tag.{key.strip()}"] = value.strip()
        else:
            errors["tag"] = "Write key=value, e.g. stage=shadow."
    bound = data.get("metric", "").strip()
    if bound:
        match = _BOUND.match(bound)
        if match:
            data[f"metric.{match.group(1)}{_OPERATORS[match.group(2)]}"] = match.group(3)
        else:
            errors["metric"] = "Write name, comparison and number, e.g. auc>=0.9."
    return data, errors


def _key_ok(key: str) -> bool:
    return 0 < len(key) <= MAX_KEY_LENGTH and KEY.match(key) is not None and '"' not in key
