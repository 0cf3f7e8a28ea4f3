"""The notification list, marking read, and each person's preferences."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from config.web import paginate, posted
from notifications import selectors, services
from notifications.forms import PreferencesForm
from notifications.models import Notification


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    unread_only = request.GET.get("unread") == "1"
    page = paginate(request, selectors.notification_list(user=request.user, unread_only=unread_only))
    return render(request, "notifications/list.html", {
        "page": page, "unread_only": unread_only, "nav": "notifications"})


@login_required
@require_POST
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark one read; `go=1` then opens what it is about."""
    notification = get_object_or_404(Notification.objects.of(request.user), pk=pk)
    services.notification_read(notification=notification, by=request.user)
    if request.POST.get("go") and url_has_allowed_host_and_scheme(notification.url, allowed_hosts=None):
        return redirect(notification.url)
    return redirect("notifications:list")


@login_required
@require_POST
def notification_read_all(request: HttpRequest) -> HttpResponse:
    count = services.notifications_read_all(by=request.user)
    messages.success(request, f"Marked {count} notification{'s' if count != 1 else ''} read.")
    return redirect("notifications:list")


@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    form = PreferencesForm(posted(request), initial_modes=selectors.preferences(user=request.user))
    if form.is_valid():
        services.preferences_set(person=request.user, modes=form.cleaned_data)
        messages.success(request, "Your notification settings are saved.")
        return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"form": form, "nav": "notifications"},
                  status=400 if request.method == "POST" else 200)
