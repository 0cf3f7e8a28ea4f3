"""The user's own API tokens: list, create (the token is shown once), revoke; and the sign-in
form's answer to a lockout (django-axes calls `locked_out`)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.forms import ApiTokenForm
from accounts.services import api_token_create, api_token_revoke


def locked_out(request: HttpRequest, original_response: HttpResponse | None = None,
               credentials: dict | None = None) -> HttpResponse:
    """django-axes' answer to a locked username or address: the sign-in form, saying so."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    message = (f"Too many failed sign-ins for this account or from this address: signing in is "
               f"locked for {minutes} minutes after the last attempt. Wait, then try again "
               "(an administrator can lift the lock sooner).")
    form = AuthenticationForm(request)
    form.fields["username"].initial = (credentials or {}).get("username", "")
    return render(request, "registration/login.html",
                  {"form": form, "locked_out": message, "next": request.POST.get("next", "")},
                  status=settings.AXES_HTTP_RESPONSE_CODE)


@login_required
def token_list(request: HttpRequest) -> HttpResponse:
    form = ApiTokenForm(request.POST or None)
    new_token = None
    if request.method == "POST" and form.is_valid():
        days = form.cleaned_data["expires_days"]
        _, new_token = api_token_create(
            user=request.user, name=form.cleaned_data["name"],
            read_only=form.cleaned_data["read_only"],
            expires_at=timezone.now() + timedelta(days=days) if days else None,
        )
        form = ApiTokenForm()
    context = {"form": form, "new_token": new_token, "nav": "people",
               "tokens": request.user.api_tokens.all()}
    status = 400 if form.errors else 200
    response = render(request, "accounts/token_list.html", context, status=status)
    response["Cache-Control"] = "no-store"  # the page may hold a secret shown once
    return response


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(request.user.api_tokens, pk=pk)
    api_token_revoke(token=token, by=request.user)
    messages.success(request, f"Token {token.name} revoked.")
    return redirect("accounts:token_list")
