"""Request hygiene that every view relies on."""

from __future__ import annotations

import json
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse

from config.input import check_json, depth_refused

_BODY_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def api_error(status: int, detail: str, errors: dict[str, list[str]] | None = None) -> JsonResponse:
    """The API's one error body, for answers given before DRF sees the request."""
    return JsonResponse({"detail": detail, "errors": errors or {}}, status=status)


def too_big() -> JsonResponse:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return api_error(413, f"The request body is larger than the limit of {limit:,} bytes.")


def _refuse_constant(name: str) -> None:
    raise ValueError(f"{name} is not a number JSON allows.")


class CheckJSONBodies:
    """Every body sent to the API is read here first, before any view or object lookup
    (so a hidden object's address answers like an unknown one): past
    DATA_UPLOAD_MAX_MEMORY_SIZE it is a 413, nested past API_JSON_MAX_DEPTH or holding a NUL
    or a lone surrogate a 400 naming where, in the API's error body. Malformed JSON is left to
    DRF's parser, which words that error."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _is_api(request) and request.method in _BODY_METHODS:
            try:
                body = request.body  # Django refuses past DATA_UPLOAD_MAX_MEMORY_SIZE
            except RequestDataTooBig:
                return too_big()
            if body and "json" in (request.content_type or ""):
                try:
                    data = json.loads(body, parse_constant=_refuse_constant)
                except RecursionError:
                    return api_error(400, "Invalid input.", {"non_field_errors": [depth_refused()]})
                except ValueError:
                    return self.get_response(request)
                try:
                    check_json(data)
                except ValidationError as error:
                    errors = {field: [str(m) for e in items for m in e.messages]
                              for field, items in error.error_dict.items()}
                    return api_error(400, "Invalid input.", errors)
        return self.get_response(request)


class RejectNullCharacters:
    """A NUL character in a query or form parameter is never meaningful and PostgreSQL
    refuses it in a string, so such a request is a 400 before any view sees it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            form = request.POST
        except (RequestDataTooBig, TooManyFieldsSent):
            if _is_api(request):
                return too_big()
            raise  # Django answers 400
        for name, params in (("query", request.GET), ("form", form)):
            for key, values in params.lists():
                if "\x00" in key or any("\x00" in value for value in values):
                    return self._refuse(request, key.replace("\x00", "") or name)
        return self.get_response(request)

    @staticmethod
    def _refuse(request: HttpRequest, field: str) -> HttpResponse:
        message = "Null characters are not allowed."
        if _is_api(request):
            return api_error(400, "Invalid input.", {field: [message]})
        return HttpResponse(f"Bad request: {message} ({field})", status=400, content_type="text/plain")


class ContentSecurityPolicy:
    """Every answer carries settings.CONTENT_SECURITY_POLICY: scripts, styles, fonts and
    requests only from this origin (no inline ones), images from here or data: URLs, so a
    remote image in markdown is never fetched by a reader's browser."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # Django's debug error pages (DEBUG only) are styled and scripted inline.
        debug_page = settings.DEBUG and response.status_code >= 400
        if settings.CONTENT_SECURITY_POLICY and not debug_page:
            response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        return response
