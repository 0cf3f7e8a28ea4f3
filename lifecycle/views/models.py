"""A model version's page, and its status changes (promotion passes the promotion gate)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from config.web import submit
from lifecycle import audit, gates, permissions, services
from lifecycle.forms import AliasForm, ModelVersionStatusForm
from monitoring import selectors as monitoring_selectors
from monitoring.forms import MonitoringRecordForm
from registry import permissions as registry_permissions
from registry.views.models import model_version_context


@login_required
def model_version_detail(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    model = registry_permissions.get_model_for_user_or_404(request.user, slug)
    context = model_version_context(request, model, number)
    version = context["version"]
    context["can_change_status"] = permissions.can_change_version_status(request.user, version)
    context["status_form"] = ModelVersionStatusForm(initial={"status": version.status})
    context["alias_form"] = AliasForm()
    context["promotion"] = gates.promotion_for_reader(gates.promotion_checklist(version), request.user)
    context["promotion_met"] = all(check.met for check in context["promotion"])
    context["monitoring"] = {"charts": monitoring_selectors.version_charts(version=version),
                             "drift": list(monitoring_selectors.open_drift(version=version)),
                             "form": MonitoringRecordForm()}
    return render(request, "registry/model_version_detail.html", context)


@login_required
def model_version_audit(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    """The audit bundle as a printable page; the same bundle downloads as JSON from the API."""
    model = registry_permissions.get_model_for_user_or_404(request.user, slug)
    version = get_object_or_404(model.versions.select_related("model__project__team",
                                                              "created_by", "trained_by"),
                                number=number)
    return render(request, "lifecycle/audit.html", {
        "model": model, "version": version, "bundle": audit.bundle(version, reader=request.user),
        "json_url": reverse("lifecycle-api:model_version_audit", args=[model.slug, version.number]),
    })


@login_required
@require_POST
def model_version_alias(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    model = registry_permissions.get_model_for_user_or_404(request.user, slug, write=True)
    version = get_object_or_404(model.versions.select_related("model"), number=number)
    form = AliasForm(request.POST)
    if submit(form, lambda: services.model_alias_set(
            model=model, name=form.cleaned_data["alias"], version=version, by=request.user,
            serving=form.cleaned_data["serving"])):
        messages.success(request, f"“{form.cleaned_data['alias']}” now names v{version.number}.")
        return redirect(version)
    for error in form.non_field_errors() + form.errors.get("alias", []):
        messages.error(request, error)
    return redirect(version)


@login_required
@require_POST
def model_alias_remove(request: HttpRequest, slug: str, alias: str) -> HttpResponse:
    model = registry_permissions.get_model_for_user_or_404(request.user, slug, write=True)
    if submit(Form(request.POST), lambda: services.model_alias_remove(
            model=model, name=alias, by=request.user) or True):
        messages.success(request, f"Removed the alias “{alias}”.")
    else:
        messages.error(request, f"{model} has no alias “{alias}”.")
    return redirect(model)


@login_required
@require_POST
def model_version_status(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    model = registry_permissions.get_model_for_user_or_404(request.user, slug, write=True)
    version = get_object_or_404(model.versions.select_related("model"), number=number)
    form = ModelVersionStatusForm(request.POST)
    if submit(form, lambda: services.model_version_set_status(
            version=version, status=form.cleaned_data["status"], by=request.user)):
        messages.success(request, f"{version} is {version.get_status_display().lower()}.")
        return redirect(version)
    for error in form.non_field_errors() + form.errors.get("status", []):
        messages.error(request, error)
    return redirect(version)
