"""Datasets, their schema and versions. The catalog (/datasets/) is the search app's."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from config.web import form_page, posted, submit
from registry import permissions, selectors, services
from registry.forms import (
    CaveatForm,
    CaveatResolveForm,
    ColumnsForm,
    DatasetForm,
    DatasetVersionForm,
    RoleAssignForm,
)
from registry.models import Dataset, DatasetVersion, Project, Team


@login_required
def dataset_detail(request: HttpRequest, slug: str) -> HttpResponse:
    dataset = permissions.get_dataset_for_user_or_404(request.user, slug)
    can_edit = permissions.can_edit_dataset(request.user, dataset)
    context = {
        "dataset": dataset,
        "nav": "datasets",
        "can_edit": can_edit,
        "versions": selectors.dataset_versions_with_usage(user=request.user, dataset=dataset),
        "columns": dataset.columns.all(),
        "tags": dataset.tags.all(),
        "projects": Project.objects.visible_to(request.user).filter(datasets=dataset),
        "roles": selectors.role_assignments_for(target=dataset),
        "role_form": RoleAssignForm() if permissions.can_assign_roles(request.user, dataset) else None,
        "activity": selectors.activity_for(user=request.user, target=dataset),
    }
    return render(request, "registry/dataset_detail.html", context)


def _dataset_form(request: HttpRequest, instance: Dataset | None = None) -> DatasetForm:
    teams = permissions.writable_teams(request.user)
    if instance:
        teams = teams | Team.objects.filter(pk=instance.team_id)
    return DatasetForm(posted(request), instance=instance, teams=teams,
                       projects=Project.objects.visible_to(request.user))


@login_required
def dataset_create(request: HttpRequest) -> HttpResponse:
    form = _dataset_form(request)
    if request.method == "POST":
        dataset = submit(form, lambda: services.dataset_create(**form.cleaned_data, by=request.user))
        if dataset:
            return redirect(dataset)
    return form_page(request, form, "Register a dataset", nav="datasets")


@login_required
def dataset_edit(request: HttpRequest, slug: str) -> HttpResponse:
    dataset = permissions.get_dataset_for_user_or_404(request.user, slug, write=True)
    form = _dataset_form(request, dataset)
    if request.method == "POST":
        def save() -> Dataset:
            data = {k: v for k, v in form.cleaned_data.items() if k != "slug"}
            return services.dataset_update(dataset=dataset, by=request.user, **data)

        if submit(form, save):
            return redirect(dataset)
    return form_page(request, form, f"Edit {dataset}", nav="datasets", back=dataset)


@login_required
def dataset_columns(request: HttpRequest, slug: str) -> HttpResponse:
    dataset = permissions.get_dataset_for_user_or_404(request.user, slug, write=True)
    form = ColumnsForm(posted(request), initial={"columns": ColumnsForm.as_text(dataset)})
    if request.method == "POST":
        columns = submit(form, lambda: services.dataset_columns_set(
            dataset=dataset, columns=form.cleaned_data["columns"], by=request.user))
        if columns is not None:
            return redirect(dataset)
    return form_page(request, form, f"Schema of {dataset}", nav="datasets", back=dataset)


@login_required
def dataset_version_add(request: HttpRequest, slug: str) -> HttpResponse:
    dataset = permissions.get_dataset_for_user_or_404(request.user, slug, write=True)
    form = DatasetVersionForm(posted(request))
    if request.method == "POST":
        version = submit(form, lambda: services.dataset_version_add(
            dataset=dataset, by=request.user, **form.cleaned_data))
        if version:
            return redirect(version)
    return form_page(request, form, f"New version of {dataset}", nav="datasets", back=dataset)


@login_required
def dataset_version_detail(request: HttpRequest, slug: str, label: str) -> HttpResponse:
    dataset = permissions.get_dataset_for_user_or_404(request.user, slug)
    version = get_object_or_404(
        selectors.dataset_versions_with_usage(user=request.user, dataset=dataset), label=label)
    return render(request, "registry/dataset_version_detail.html",
                  _version_context(request, dataset, version))


def _version_context(request: HttpRequest, dataset: Dataset, version: DatasetVersion,
                     caveat_form: CaveatForm | None = None) -> dict[str, Any]:
    return {"dataset": dataset, "version": version, "nav": "datasets",
            "can_raise": permissions.can_raise_caveat(request.user, dataset),
            "caveat_form": caveat_form or CaveatForm(),
            "activity": selectors.activity_for(user=request.user, target=version)}


@login_required
@require_POST
def caveat_raise(request: HttpRequest, slug: str, label: str) -> HttpResponse:
    dataset = permissions.get_dataset_for_user_or_404(request.user, slug)
    version = get_object_or_404(
        selectors.dataset_versions_with_usage(user=request.user, dataset=dataset), label=label)
    if not permissions.can_raise_caveat(request.user, dataset):
        raise PermissionDenied
    form = CaveatForm(request.POST)
    caveat = submit(form, lambda: services.caveat_raise(dataset_version=version, by=request.user,
                                                       **form.cleaned_data))
    if caveat:
        messages.success(request, f"{caveat.ref} raised: the model versions trained or evaluated "
                                  "on this data inherit it.")
        return redirect(version)
    return render(request, "registry/dataset_version_detail.html",
                  _version_context(request, dataset, version, form), status=400)


@login_required
@require_POST
def caveat_resolve(request: HttpRequest, slug: str, label: str, pk: int) -> HttpResponse:
    dataset = permissions.get_dataset_for_user_or_404(request.user, slug)
    version = get_object_or_404(dataset.versions.all(), label=label)
    caveat = get_object_or_404(version.caveats.select_related("dataset_version__dataset"), pk=pk)
    form = CaveatResolveForm(request.POST)
    if submit(form, lambda: services.caveat_resolve(caveat=caveat, by=request.user,
                                                    resolution=form.cleaned_data["resolution"])):
        messages.success(request, f"{caveat.ref} resolved.")
    else:
        for error in [*form.non_field_errors(), *form.errors.get("resolution", [])]:
            messages.error(request, error)
    return redirect(version)
