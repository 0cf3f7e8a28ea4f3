"""`Authorization: Bearer <token>` for the API, and the scope check of read-only tokens."""

from __future__ import annotations

from typing import Any

from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request

from accounts.models import ApiToken
from accounts.tokens import api_token_authenticate
from config.drf import count_failed_authentication


class BearerTokenAuthentication(BaseAuthentication):
    keyword = b"bearer"

    def authenticate(self, request: Request) -> tuple[Any, ApiToken] | None:
        header = get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword:
            return None  # not ours: let session authentication try
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("Invalid Authorization header: use 'Bearer <token>'.")
        try:
            raw = header[1].decode("ascii")
        except UnicodeDecodeError as error:
            if (wait := count_failed_authentication(request)) is not None:
                raise exceptions.Throttled(wait=wait) from error
            raise exceptions.AuthenticationFailed("Invalid token.") from error
        api_token = api_token_authenticate(raw)
        if api_token is None:
            wait = count_failed_authentication(request)
            if wait is not None:
                raise exceptions.Throttled(wait=wait)
            raise exceptions.AuthenticationFailed("Invalid, expired or revoked token.")
        return api_token.user, api_token

    def authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="api"'


class TokenScopeAllowsMethod(BasePermission):
    """A read-only token may only read."""

    message = "This token is read-only."

    def has_permission(self, request: Request, view: Any) -> bool:
        if isinstance(request.auth, ApiToken) and request.auth.is_read_only:
            return request.method in SAFE_METHODS
        return True
