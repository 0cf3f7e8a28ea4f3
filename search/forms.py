"""Shape checks for the search page and the catalog (rules live in the engine)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import QueryDict

from registry.models import Dataset, Stage
from search import engine
from search.kinds import KINDS


class ListField(forms.Field):
    """Repeated query parameter (?tag=a&tag=b) of short free-text values."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value: Any) -> list[str]:
        values = [str(v).strip() for v in (value or []) if str(v).strip()]
        if any(len(v) > 200 for v in values):
            raise forms.ValidationError("Values are at most 200 characters.")
        return values


def page_number(data: QueryDict) -> int:
    """Lenient, like the other list pages: a bad page number shows page 1, not an error."""
    try:
        page = int(data.get("page", "1"))
    except ValueError:
        return 1
    return min(max(page, 1), engine.MAX_PAGE)


class SearchForm(forms.Form):
    q = forms.CharField(required=False, max_length=engine.MAX_QUERY_LENGTH, label="Search")
    type = forms.MultipleChoiceField(required=False, choices=())
    sort = forms.ChoiceField(required=False, choices=[(s, s.title()) for s in engine.SORTS])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["type"].choices = [(k.name, k.label) for k in KINDS.values()]

    def clean_sort(self) -> str:
        sort = self.cleaned_data["sort"]
        if sort:
            return sort
        return "relevance" if self.cleaned_data.get("q") else "name"


class CatalogForm(SearchForm):
    tag = ListField(required=False)
    team = ListField(required=False)
    sensitivity = forms.MultipleChoiceField(required=False, choices=Dataset.Sensitivity.choices)
    format = ListField(required=False)
    license = ListField(required=False)
    pii = forms.ChoiceField(required=False, choices=[("", "Any"), ("yes", "Yes"), ("no", "No")])
    contains_pii = forms.NullBooleanField(required=False)  # the old filter's name, still honoured
    stage = forms.MultipleChoiceField(required=False, choices=Stage.choices)

    def filters(self) -> dict[str, list[str]]:
        data = self.cleaned_data
        filters = {name: data[name] for name in ("tag", "team", "sensitivity", "stage")}
        filters["format"] = [v.lower() for v in data["format"]]
        filters["license"] = [v.lower() for v in data["license"]]
        pii = data["pii"] or {True: "yes", False: "no", None: ""}[data["contains_pii"]]
        filters["pii"] = [pii] if pii else []
        return {k: v for k, v in filters.items() if v}
