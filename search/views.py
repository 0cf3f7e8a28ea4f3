"""The global search page and the dataset catalog: thin views around search.engine."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.views.decorators.http import require_GET

from registry import permissions
from search import engine
from search.forms import CatalogForm, SearchForm, page_number

CATALOG_FACET_TITLES = {"tag": "Tags", "team": "Owner team", "sensitivity": "Sensitivity",
                        "format": "Format", "license": "License", "pii": "Personal data",
                        "stage": "Used by projects in stage"}


def _url(params: QueryDict, **changes: Any) -> str:
    query = params.copy()
    query.pop("page", None)
    for key, value in changes.items():
        query.pop(key, None)
        if value:
            query.setlist(key, value if isinstance(value, list) else [value])
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else "?"


def _toggle(params: QueryDict, name: str, value: str) -> str:
    values = params.getlist(name)
    values = [v for v in values if v != value] if value in values else [*values, value]
    return _url(params, **{name: values})


def _run(request: HttpRequest, form: SearchForm, **kwargs: Any) -> engine.SearchResults | None:
    """Search, and on a page past the end show the last one (as the other lists do)."""
    data = form.cleaned_data
    try:
        results = engine.search(user=request.user, q=data["q"], sort=data["sort"],
                                page=page_number(request.GET), **kwargs)
        if results.page > results.num_pages:
            results = engine.search(user=request.user, q=data["q"], sort=data["sort"],
                                    page=results.num_pages, **kwargs)
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
        return None
    return results


def _context(request: HttpRequest, form: SearchForm, results: engine.SearchResults | None) -> dict:
    params = request.GET
    return {
        "form": form, "results": results, "search_query": params.get("q", ""),
        "sort_links": [(s, _url(params, sort=s)) for s in engine.SORTS],
        "page_url": _url(params),
    }


@login_required
@require_GET
def search_page(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET)
    results = _run(request, form, types=form.cleaned_data["type"]) if form.is_valid() else None
    context = _context(request, form, results)
    params = request.GET
    context["type_links"] = [("All", _url(params, type=[]), not params.getlist("type"), None)] + [
        (kind.label + "s", _url(params, type=kind.name), params.getlist("type") == [kind.name],
         results.kind_counts.get(kind.name, 0) if results and (
             not results.types or kind.name in results.types) else None)
        for kind in engine.KINDS.values()]
    return render(request, "search/search.html", context, status=400 if form.errors else 200)


@login_required
@require_GET
def catalog(request: HttpRequest) -> HttpResponse:
    form = CatalogForm(request.GET)
    results = None
    if form.is_valid():
        results = _run(request, form, types=["dataset"], filters=form.filters())
    context = _context(request, form, results)
    context["nav"] = "datasets"
    context["can_create"] = permissions.can_write_anywhere(request.user)
    context["facet_groups"] = [
        (name, CATALOG_FACET_TITLES[name],
         [(v, _toggle(request.GET, name, v.value)) for v in values])
        for name, values in (results.facets.items() if results else []) if values
    ]
    return render(request, "search/catalog.html", context, status=400 if form.errors else 200)
