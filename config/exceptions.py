"""Domain errors, and the one place that turns them into HTTP answers for the API."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions as drf_exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


class ApplicationError(Exception):
    """A rule says no (not a malformed field): "cannot enter deployment: model card missing".

    `extra` carries structured detail (e.g. the unmet requirements) for the API body.
    """

    status_code = 409

    def __init__(self, message: str, *, extra: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.extra = extra or {}


def _validation_detail(error: DjangoValidationError) -> dict[str, Any]:
    if hasattr(error, "error_dict"):
        return {
            field: [str(m) for e in errors for m in e.messages]
            for field, errors in error.error_dict.items()
        }
    return {"non_field_errors": list(error.messages)}


def _flatten(data: Any, prefix: str = "") -> dict[str, list[str]]:
    """Nested serializer errors as {"lineage.0.use": [messages]}: always {field: [messages]}."""
    if isinstance(data, dict):
        flat: dict[str, list[str]] = {}
        for key, value in data.items():
            flat.update(_flatten(value, f"{prefix}.{key}" if prefix else str(key)))
        return flat
    if isinstance(data, list) and not all(isinstance(item, str) for item in data):
        flat = {}
        for index, item in enumerate(data):
            if item:
                flat.update(_flatten(item, f"{prefix}.{index}" if prefix else str(index)))
        return flat
    messages = data if isinstance(data, list) else [data]
    return {prefix or "non_field_errors": [str(m) for m in messages]}


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """One body shape everywhere: {"detail": str, "errors": {field: [messages]}}."""
    if isinstance(exc, DjangoValidationError):
        exc = drf_exceptions.ValidationError(_validation_detail(exc))
    elif isinstance(exc, ApplicationError):
        body = {"detail": exc.message, "errors": {}, **exc.extra}
        return Response(body, status=exc.status_code)
    elif isinstance(exc, Http404):
        exc = drf_exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = drf_exceptions.PermissionDenied()
    elif isinstance(exc, RequestDataTooBig):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        return Response({"detail": f"The request body is larger than the limit of {limit:,} bytes.",
                         "errors": {}}, status=413)

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    data = response.data
    if isinstance(exc, drf_exceptions.ValidationError):
        response.data = {"detail": "Invalid input.", "errors": _flatten(data)}
    else:
        detail = data.get("detail", "") if isinstance(data, dict) else str(data)
        response.data = {"detail": str(detail), "errors": {}}
    return response
