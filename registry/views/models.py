"""Models and their versions. A version's page, with its status and promotion, is composed
by lifecycle.views.models."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from config.web import form_page, list_page, paginate, posted, query_without_page, submit
from registry import compare, permissions, selectors, services
from registry.filters import ModelFilter
from registry.forms import ModelForm, ModelVersionForm, RoleAssignForm
from registry.models import DatasetVersion, MLModel, ModelVersion, Project
from registry.version_search import ModelVersionSearch, from_form


@login_required
def model_list(request: HttpRequest) -> HttpResponse:
    filterset = ModelFilter(request.GET, queryset=selectors.model_list(user=request.user),
                            request=request)
    page = paginate(request, filterset.qs)
    maps = selectors.alias_maps(model.pk for model in page)  # one query for the page's aliases
    for model in page:
        model.alias_map = maps[model.pk]
    return render(request, "registry/model_list.html", {
        "filter": filterset, "page": page, "nav": "models", "query": query_without_page(request),
        "can_create": permissions.can_write_anywhere(request.user)},
        status=400 if filterset.errors else 200)


@login_required
def model_version_search(request: HttpRequest) -> HttpResponse:
    data, errors = from_form(request.GET)
    filterset = ModelVersionSearch(data, queryset=selectors.model_version_search(user=request.user),
                                   request=request)
    filterset.is_valid()
    for field, message in errors.items():
        filterset.form.add_error(field, message)
    return list_page(request, "registry/model_version_search.html", filterset, "models")


@login_required
def model_compare(request: HttpRequest, slug: str) -> HttpResponse:
    model = permissions.get_model_for_user_or_404(request.user, slug)
    raw = request.GET.get("versions")
    if raw is None:  # the live version and the newest one, or the two newest
        live = model.versions.filter(status=ModelVersion.Status.PRODUCTION).values_list("number", flat=True)
        newest = model.versions.order_by("-number").values_list("number", flat=True)[:2]
        raw = ",".join(list(dict.fromkeys(str(n) for n in [*live, *newest]))[:2])
    context: dict[str, Any] = {"model": model, "nav": "models", "asked": raw}
    try:
        versions = selectors.versions_to_compare(user=request.user, model=model,
                                                 numbers=compare.parse_numbers(raw))
        context["comparison"] = compare.compare(versions)
    except ValidationError as error:
        context["error"] = " ".join(error.message_dict["versions"])
    return render(request, "registry/model_compare.html", context,
                  status=400 if "error" in context and request.GET.get("versions") is not None else 200)


@login_required
def model_detail(request: HttpRequest, slug: str) -> HttpResponse:
    model = permissions.get_model_for_user_or_404(request.user, slug)
    versions = list(selectors.model_versions_with_lineage(user=request.user, model=model))
    context = {
        "model": model,
        "nav": "models",
        "can_edit": permissions.can_edit_model(request.user, model),
        "versions": versions,
        "production": next((v for v in versions if v.status == ModelVersion.Status.PRODUCTION), None),
        "aliases": selectors.model_aliases(model=model),
        "roles": selectors.role_assignments_for(target=model),
        "role_form": RoleAssignForm() if permissions.can_assign_roles(request.user, model) else None,
        "activity": selectors.activity_for(user=request.user, target=model),
    }
    return render(request, "registry/model_detail.html", context)


def _model_form(request: HttpRequest, instance: MLModel | None = None) -> ModelForm:
    projects = permissions.writable_projects(request.user)
    if instance:
        projects = projects | Project.objects.filter(pk=instance.project_id)
    return ModelForm(posted(request), instance=instance, projects=projects)


@login_required
def model_create(request: HttpRequest) -> HttpResponse:
    form = _model_form(request)
    if request.method == "POST":
        model = submit(form, lambda: services.model_create(**form.cleaned_data, by=request.user))
        if model:
            return redirect(model)
    return form_page(request, form, "Register a model", nav="models")


@login_required
def model_edit(request: HttpRequest, slug: str) -> HttpResponse:
    model = permissions.get_model_for_user_or_404(request.user, slug, write=True)
    form = _model_form(request, model)
    if request.method == "POST":
        def save() -> MLModel:
            data = {k: v for k, v in form.cleaned_data.items() if k != "slug"}
            return services.model_update(model=model, by=request.user, **data)

        if submit(form, save):
            return redirect(model)
    return form_page(request, form, f"Edit {model}", nav="models", back=model)


@login_required
def model_version_add(request: HttpRequest, slug: str) -> HttpResponse:
    model = permissions.get_model_for_user_or_404(request.user, slug, write=True)
    dataset_versions = DatasetVersion.objects.visible_to(request.user).select_related("dataset")
    form = ModelVersionForm(posted(request), dataset_versions=dataset_versions, project=model.project)
    if request.method == "POST":
        def add() -> ModelVersion:
            data = {k: v for k, v in form.cleaned_data.items()
                    if k not in ("training_data", "evaluation_data")}
            return services.model_version_add(model=model, by=request.user,
                                              lineage=form.lineage(), **data)

        version = submit(form, add)
        if version:
            return redirect(version)
    return form_page(request, form, f"New version of {model}", nav="models", back=model)


def model_version_context(request: HttpRequest, model: MLModel, number: int) -> dict[str, Any]:
    """What the registry shows on a version's page: its facts, lineage and activity (the page
    is composed by lifecycle.views.models, which adds its status and promotion)."""
    version = get_object_or_404(
        selectors.model_versions_with_lineage(user=request.user, model=model), number=number)
    return {"model": model, "version": version, "nav": "models",
            "can_edit": permissions.can_edit_model(request.user, model),
            "activity": selectors.activity_for(user=request.user, target=version)}
