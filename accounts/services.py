"""Creating and revoking API tokens."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import ApiToken
from accounts.tokens import token_hash, token_new
from config.exceptions import ApplicationError
from registry.models import Person


@transaction.atomic
def api_token_create(
    *, user: Person, name: str, read_only: bool = False, expires_at: datetime | None = None,
) -> tuple[ApiToken, str]:
    """Return the stored token and the secret string, which is never stored nor shown again."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": "Name the token, e.g. 'ci' or 'notebook'."})
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationError({"expires_at": "The expiry must be in the future."})
    prefix, token = token_new()
    api_token = ApiToken(
        user=user, name=name, prefix=prefix, key_hash=token_hash(token), expires_at=expires_at,
        scope=ApiToken.Scope.READ if read_only else ApiToken.Scope.WRITE,
    )
    api_token.full_clean()
    api_token.save()
    return api_token, token


@transaction.atomic
def api_token_revoke(*, token: ApiToken, by: Person) -> ApiToken:
    if token.user_id != by.pk and not by.is_staff:
        raise ApplicationError("Only its owner can revoke a token.")
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token
