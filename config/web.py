"""Web plumbing every app's views share: form submission, pagination, form pages, and the
path converters of the URL patterns (registered when this module is imported, which every
urls module does)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.forms import Form
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import register_converter

from config.exceptions import ApplicationError

PAGE_SIZE = 25
_PERIODS = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "hour": 3600, "d": 86400, "day": 86400}


# --- rates -----------------------------------------------------------------------------------
def client_address(request: HttpRequest) -> str:
    """The address a request came from, for lockouts and rates: REMOTE_ADDR; behind
    TRUSTED_PROXY_COUNT proxies, the X-Forwarded-For entry the outermost of them appended (a
    client can put addresses before it, not replace it)."""
    count = settings.TRUSTED_PROXY_COUNT
    if count:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
        if forwarded:
            return forwarded[-min(count, len(forwarded))]
    return request.META.get("REMOTE_ADDR", "")


def over_rate(request: HttpRequest, *, scope: str, rate: str) -> bool:
    """Count one use of `scope` by the signed-in user (or the address); True once past `rate`
    ("30/min"), until the window that the first use opened closes. One `add` and one `incr`."""
    count, _, period = rate.partition("/")
    seconds = _PERIODS[period]
    who = request.user.pk if request.user.is_authenticated else client_address(request)
    key = f"rate:{scope}:{who}"
    cache.add(key, 0, seconds)
    try:
        used = cache.incr(key)
    except ValueError:  # the window closed between add and incr
        cache.set(key, 1, seconds)
        used = 1
    return used > int(count)


# --- forms -----------------------------------------------------------------------------------
def submit(form: Form, action: Callable[[], Any]) -> Any | None:
    """Run a service for a valid form; put its refusal on the form instead of a 500."""
    if not form.is_valid():
        return None
    try:
        return action()
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            for field, errors in error.error_dict.items():
                target = field if field in form.fields else None
                for message in errors:
                    form.add_error(target, message)
        else:
            form.add_error(None, error)
    except ApplicationError as error:
        form.add_error(None, error.message)
    return None


def posted(request: HttpRequest) -> QueryDict | None:
    """The POST data to bind a form to: an empty POST is still a submission to validate."""
    return request.POST if request.method == "POST" else None


def form_page(request: HttpRequest, form: Form, title: str, **extra: Any) -> HttpResponse:
    """A page holding one form: 400 when it comes back from a refused POST."""
    status = 400 if request.method == "POST" else 200
    return render(request, "registry/form.html", {"form": form, "title": title, **extra},
                  status=status)


# --- lists -----------------------------------------------------------------------------------
def paginate(request: HttpRequest, queryset: QuerySet | list) -> Page:
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def query_without_page(request: HttpRequest) -> str:
    """The list's query string minus `page`, for the pagination links."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def list_page(request: HttpRequest, template: str, filterset: Any, nav: str, **extra: Any) -> HttpResponse:
    """A filtered, paginated list: 400 (with the filter errors shown) for a bad filter."""
    context = {"filter": filterset, "page": paginate(request, filterset.qs), "nav": nav,
               "query": query_without_page(request), **extra}
    return render(request, template, context, status=400 if filterset.errors else 200)


# --- path converters -------------------------------------------------------------------------
class KindConverter:
    """The plural names of the objects that carry roles and activity pages."""

    regex = "projects|datasets|models"

    def to_python(self, value: str) -> str:
        return value[:-1]

    def to_url(self, value: str) -> str:
        return f"{value}s"


class LabelConverter:
    """A dataset version label or a username: anything but a slash or a NUL (which no
    database stores)."""

    regex = "[^/\x00]+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class NumberConverter:
    """A version number or an id; the digit cap keeps lookups inside the database's integers."""

    regex = "[0-9]{1,9}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


class SpaceConverter:
    """A wiki space key: `global`, `team-<slug>` or `project-<slug>`."""

    regex = "global|team-[a-z0-9-]+|project-[a-z0-9-]+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(KindConverter, "kind")
register_converter(LabelConverter, "label")
register_converter(NumberConverter, "number")
register_converter(SpaceConverter, "space")
