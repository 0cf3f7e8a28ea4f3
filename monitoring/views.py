"""Recording an observation from a version's page (the page itself is composed by
lifecycle.views.models, which shows the charts from monitoring.selectors)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from config.web import submit
from monitoring import services
from monitoring.forms import MonitoringRecordForm
from registry import permissions as registry_permissions


@login_required
@require_POST
def record_add(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    model = registry_permissions.get_model_for_user_or_404(request.user, slug, write=True)
    version = get_object_or_404(model.versions.select_related("model__project"), number=number)
    form = MonitoringRecordForm(request.POST)
    if submit(form, lambda: services.monitoring_records_add(
            version=version, observations=[services.Observation(**form.cleaned_data)], by=request.user)):
        messages.success(request, f"Recorded {form.cleaned_data['metric']} for {version}.")
    else:
        for field, errors in form.errors.items():  # named, so the reader knows what to fix
            name = (form.fields[field].label or field.replace("_", " ")) if field in form.fields else ""
            messages.error(request, (f"{name.capitalize()}: " if name else "") + " ".join(errors))
    return redirect(version.get_absolute_url() + "#monitoring")


@login_required
@require_POST
def drift_resolve(request: HttpRequest, slug: str, number: int, pk: int) -> HttpResponse:
    """The owners dealt with a drift (retrained, or judged it harmless): the flag goes."""
    model = registry_permissions.get_model_for_user_or_404(request.user, slug, write=True)
    version = get_object_or_404(model.versions.select_related("model"), number=number)
    event = get_object_or_404(version.drift_events, pk=pk)
    services.drift_resolve(event=event, by=request.user)
    messages.success(request, f"The drift of {event.metric} on {version} is resolved.")
    return redirect(version.get_absolute_url() + "#monitoring")
