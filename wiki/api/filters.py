"""Filters of the wiki's API lists."""

from __future__ import annotations

import django_filters
from django.core.validators import RegexValidator
from django.db.models import Q, QuerySet

from registry import permissions
from wiki.models import Page, Space, Template

DOCUMENTS = RegexValidator(r"^(project|dataset|model):[a-z0-9-]+(@[0-9]{1,6})?$",
                           "Write kind:slug, e.g. dataset:card-transactions or model:fraud-scorer@3.")


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
                                          validators=[DOCUMENTS],
                                          label="What the page documents: <kind>:<slug>, "
                                                "e.g. dataset:card-transactions or model:scorer@3")
    q = django_filters.CharFilter(field_name="title", lookup_expr="icontains", max_length=200,
                                  label="Words in the title")

    class Meta:
        model = Page
        fields = ["space", "template", "tag", "documents", "q"]

    def filter_documents(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        # only objects the caller can see: a hidden slug matches nothing
        user = self.request.user
        kind, _, rest = value.partition(":")
        slug, _, number = rest.partition("@")
        if kind == "project":
            return queryset.filter(documents_projects__in=permissions.visible_projects(user)
                                   .filter(slug=slug))
        if kind == "dataset":
            return queryset.filter(documents_datasets__in=permissions.visible_datasets(user)
                                   .filter(slug=slug))
        if number:
            return queryset.filter(documents_model_versions__in=permissions.visible_model_versions(user)
                                   .filter(model__slug=slug, number=int(number)))
        return queryset.filter(documents_models__in=permissions.visible_models(user).filter(slug=slug))


class TemplateFilter(django_filters.FilterSet):
    team = django_filters.CharFilter(field_name="team__slug", max_length=80)
    builtin = django_filters.BooleanFilter()
    q = django_filters.CharFilter(method="filter_q", max_length=200, label="Words in the name")

    class Meta:
        model = Template
        fields = ["team", "builtin", "q"]

    def filter_q(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(Q(name__icontains=value) | Q(kind__icontains=value))
