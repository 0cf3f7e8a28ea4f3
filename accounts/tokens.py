"""Token strings and their check. Imported by the authentication class while DRF loads its
settings, so this module stays free of DRF views (and of config.exceptions)."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.utils import timezone

from accounts.models import ApiToken

TOKEN_PREFIX = "alm"
# last_used_at is a hint, not an audit log: one write a minute at most per token.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_new() -> tuple[str, str]:
    """A fresh (prefix, token): `alm_<12 hex>_<43 url-safe chars>`."""
    prefix = secrets.token_hex(6)
    return prefix, f"{TOKEN_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"


def api_token_authenticate(raw: str) -> ApiToken | None:
    """The active token `raw` stands for, or None. Marks it used (at most once a minute)."""
    parts = raw.split("_", 2)
    if len(parts) != 3 or parts[0] != TOKEN_PREFIX or len(parts[1]) != 12:
        return None
    try:  # every API request: get() on the unique prefix, no ORDER BY to compile
        api_token = ApiToken.objects.select_related("user").get(prefix=parts[1])
    except ApiToken.DoesNotExist:
        return None
    if not hmac.compare_digest(api_token.key_hash, token_hash(raw)):
        return None
    if not api_token.is_active or not api_token.user.is_active:
        return None
    now = timezone.now()
    if api_token.last_used_at is None or now - api_token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=now)
        api_token.last_used_at = now
    return api_token
