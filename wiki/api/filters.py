"""Filters of the wiki's API lists."""

from __future__ import annotations

import django_filters
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet

from wiki.models import DOC_FIELDS, Page, Space, Template
from wiki.refs import DocRef, resolve


def _is_reference(value: str) -> None:
    try:
        DocRef.parse(value)
    except ValueError as error:
        raise ValidationError("%(error)s", params={"error": str(error)}) from error


class SpaceFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=Space.Kind.choices)

    class Meta:
        model = Space
        fields = ["kind"]


class PageFilter(django_filters.FilterSet):
    space = django_filters.CharFilter(field_name="space__key", max_length=100,
                                      label="Key of the space (global, team-<slug>, project-<slug>)")
    template = django_filters.CharFilter(field_name="template__kind", max_length=80,
                                         label="Kind of the template the page follows")
    tag = django_filters.CharFilter(field_name="tags__name", max_length=50)
    documents = django_filters.CharFilter(method="filter_documents", max_length=140,
                                          validators=[_is_reference],
                                          label="What the page documents: <kind>:<slug>, "
                                                "e.g. dataset:card-transactions or model:scorer@3")
    q = django_filters.CharFilter(field_name="title", lookup_expr="icontains", max_length=200,
                                  label="Words in the title")

    class Meta:
        model = Page
        fields = ["space", "template", "tag", "documents", "q"]

    def filter_documents(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        # only objects the caller can see: a hidden slug matches nothing
        ref = DocRef.parse(value)
        target = resolve([ref], user=self.request.user).get(ref)
        if target is None:
            return queryset.none()
        return queryset.filter(**{DOC_FIELDS[type(target)]: target})


class TemplateFilter(django_filters.FilterSet):
    team = django_filters.CharFilter(field_name="team__slug", max_length=80)
    builtin = django_filters.BooleanFilter()
    q = django_filters.CharFilter(method="filter_q", max_length=200, label="Words in the name")

    class Meta:
        model = Template
        fields = ["team", "builtin", "q"]

    def filter_q(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(Q(name__icontains=value) | Q(kind__icontains=value))
