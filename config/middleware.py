"""Request hygiene that every view relies on."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse


class RejectNullCharacters:
    """A NUL character in a query or form parameter is never meaningful and PostgreSQL
    refuses it in a string, so such a request is a 400 before any view sees it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        for name, params in (("query", request.GET), ("form", request.POST)):
            for key, values in params.lists():
                if "\x00" in key or any("\x00" in value for value in values):
                    return self._refuse(request, key.replace("\x00", "") or name)
        return self.get_response(request)

    @staticmethod
    def _refuse(request: HttpRequest, field: str) -> HttpResponse:
        message = "Null characters are not allowed."
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": "Invalid input.", "errors": {field: [message]}}, status=400)
        return HttpResponse(f"Bad request: {message}", status=400, content_type="text/plain")
