"""The pieces every API endpoint is built from, whatever app it lives in.

- `InputSerializer`: checks the shape of a request body and refuses keys it does not
  declare (400 naming them), so nothing a caller may not set is silently ignored.
- `ApiView` / `ApiListView`: the base of every endpoint (see registry/api/views.py).
- `error_responses()` for the schema, and `not_found` for unknown URLs, so every answer,
  even an error, has the same body shape. Pagination and throttles: config/drf.py.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.http import HttpRequest, JsonResponse
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers
from rest_framework.generics import GenericAPIView
from rest_framework.mixins import ListModelMixin
from rest_framework.request import Request
from rest_framework.response import Response

# Larger than any id, count or byte size we store (PostgreSQL bigint), so huge numbers are a
# 400 at the edge rather than an overflow in the database.
MAX_BIGINT = 2**63 - 1
MAX_INT = 2**31 - 1


class InputSerializer(serializers.Serializer):
    """Base of request-body serializers: unknown keys are an error, not ignored.

    `refused_fields` maps a known-but-not-settable key to the reason it is refused.
    """

    refused_fields: dict[str, str] = {}

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, dict):
            errors: dict[str, list[str]] = {}
            for key in data:
                if key in self.fields and not self.fields[key].read_only:
                    continue
                reason = self.refused_fields.get(key, "Unexpected field: it cannot be set here.")
                errors[str(key)] = [reason]
            if errors:
                raise serializers.ValidationError(errors)
        return super().to_internal_value(data)


class ErrorSerializer(serializers.Serializer):
    """The one body every error answer has."""

    detail = serializers.CharField()
    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()),
                                   help_text="Messages by field name (empty unless 400).")


ERROR_DESCRIPTIONS = {
    400: "Invalid input; `errors` names the fields.",
    401: "Not authenticated, or an invalid, expired or revoked token.",
    403: "Visible but not yours to change, or a read-only token.",
    404: "Not found, or not visible to you.",
    409: "A rule refuses the change.",
    429: "Too many requests.",
}


def error_responses(*codes: int) -> dict[int, OpenApiResponse]:
    wanted: Iterable[int] = codes or (400, 401, 403, 404)
    return {code: OpenApiResponse(ErrorSerializer, description=ERROR_DESCRIPTIONS[code])
            for code in wanted}


READ_ERRORS = error_responses(401, 404)
WRITE_ERRORS = error_responses(400, 401, 403, 404)


def not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
    """Unknown /api/ URLs answer with the same error body as every other error."""
    return JsonResponse({"detail": "Not found.", "errors": {}}, status=404)


# Base of API views: explicit methods, each one input serializer, one service call and one
# output serializer. `input()` validates a body, `output()` shapes an answer. (Comments, not
# docstrings: drf-spectacular would show an inherited docstring on every operation.)
class ApiView(GenericAPIView):
    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        # DRF's order, except that throttles run before the permission check: otherwise an
        # anonymous client is refused (401) forever without ever being throttled.
        self.format_kwarg = self.get_format_suffix(**kwargs)
        request.accepted_renderer, request.accepted_media_type = self.perform_content_negotiation(
            request)
        request.version, request.versioning_scheme = self.determine_version(request, *args, **kwargs)
        self.perform_authentication(request)
        self.check_throttles(request)
        self.check_permissions(request)

    def input(self, serializer_class: type[serializers.Serializer], *, instance: Any = None) -> Any:
        serializer = serializer_class(instance=instance, data=self.request.data,
                                      context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def output(self, serializer_class: type[serializers.Serializer], instance: Any, *,
               status: int = 200) -> Response:
        return Response(serializer_class(instance, context=self.get_serializer_context()).data,
                        status=status)


# A list with filtering (`filterset_class`), `ordering_fields` and pagination; subclasses give
# `get_queryset()` starting from a permission-scoped selector, and may add `post()`.
class ApiListView(ListModelMixin, ApiView):

    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.list(request, *args, **kwargs)


def request_user(serializer: serializers.Serializer) -> Any:
    """The person a serializer validates for (its context carries the request)."""
    return serializer.context["request"].user
