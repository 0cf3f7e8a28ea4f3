"""Web UI of the registry: thin views around selectors, permissions and services."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import QuerySet
from django.forms import Form
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from config.exceptions import ApplicationError
from registry import permissions, selectors, services
from registry.filters import DatasetFilter, ModelFilter, PersonFilter, ProjectFilter, TeamFilter
from registry.forms import (
    ColumnsForm,
    DatasetForm,
    DatasetVersionForm,
    MembershipForm,
    ModelForm,
    ModelVersionForm,
    ModelVersionStatusForm,
    PersonForm,
    ProjectForm,
    RoleAssignForm,
    TeamForm,
    TransitionForm,
)
from registry.models import (
    STAGE_ORDER,
    Dataset,
    Membership,
    MLModel,
    ModelVersion,
    Person,
    Project,
    Stage,
)

PAGE_SIZE = 25


# --- helpers --------------------------------------------------------------------------
def submit(form: Form, action: Callable[[], Any]) -> Any | None:
    """Run a service for a valid form; put its refusal on the form instead of a 500."""
    if not form.is_valid():
        return None
    try:
        return action()
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            for field, errors in error.error_dict.items():
                target = field if field in form.fields else None
                for message in errors:
                    form.add_error(target, message)
        else:
            form.add_error(None, error)
    except ApplicationError as error:
        form.add_error(None, error.message)
    return None


def posted(request: HttpRequest) -> Any:
    """The POST data to bind a form to: an empty POST is still a submission to validate."""
    return request.POST if request.method == "POST" else None


def paginate(request: HttpRequest, queryset: QuerySet) -> Any:
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def list_page(request: HttpRequest, template: str, filterset: Any, nav: str, **extra: Any) -> HttpResponse:
    page = paginate(request, filterset.qs)
    query = request.GET.copy()
    query.pop("page", None)
    context = {"filter": filterset, "page": page, "nav": nav, "query": query.urlencode(), **extra}
    return render(request, template, context, status=400 if filterset.errors else 200)


def form_page(request: HttpRequest, form: Form, title: str, **extra: Any) -> HttpResponse:
    status = 400 if request.method == "POST" else 200
    return render(request, "registry/form.html", {"form": form, "title": title, **extra},
                  status=status)


# --- dashboard and health --------------------------------------------------------
@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    user = request.user
    my_team_ids = Membership.objects.filter(person=user).values("team_id")
    context = {
        "counts": {
            "projects": permissions.visible_projects(user).count(),
            "datasets": permissions.visible_datasets(user).count(),
            "models": permissions.visible_models(user).count(),
            "production": permissions.visible_model_versions(user)
            .filter(status=ModelVersion.Status.PRODUCTION).count(),
        },
        "my_projects": selectors.project_list(user=user).filter(team_id__in=my_team_ids)
        .order_by("-updated_at")[:10],
        "activity": selectors.recent_activity(user=user),
        "stage_order": STAGE_ORDER,
    }
    return render(request, "registry/dashboard.html", context)


@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok", "database": connection.vendor})


# --- teams --------------------------------------------------------------------------
@login_required
def team_list(request: HttpRequest) -> HttpResponse:
    filterset = TeamFilter(request.GET, queryset=selectors.team_list(user=request.user))
    return list_page(request, "registry/team_list.html", filterset, "teams")


@login_required
def team_detail(request: HttpRequest, slug: str) -> HttpResponse:
    team = permissions.get_team_or_404(request.user, slug)
    can_edit = permissions.can_edit_team(request.user, team)
    context = {
        "team": team,
        "nav": "teams",
        "memberships": team.memberships.select_related("person"),
        "projects": selectors.project_list(user=request.user).filter(team=team),
        "datasets": selectors.dataset_list(user=request.user).filter(team=team)[:50],
        "can_edit": can_edit,
        "member_form": MembershipForm() if can_edit else None,
        "activity": selectors.activity_for(user=request.user, target=team),
    }
    return render(request, "registry/team_detail.html", context)


@login_required
def team_create(request: HttpRequest) -> HttpResponse:
    form = TeamForm(posted(request))
    if request.method == "POST":
        team = submit(form, lambda: services.team_create(**form.cleaned_data, by=request.user))
        if team:
            return redirect(team)
    return form_page(request, form, "New team", nav="teams")


@login_required
def team_edit(request: HttpRequest, slug: str) -> HttpResponse:
    team = permissions.get_team_or_404(request.user, slug, write=True)
    form = TeamForm(posted(request), instance=team)
    form.fields["slug"].disabled = True
    if request.method == "POST":
        fields = {k: form.cleaned_data.get(k) for k in ("name", "description")}
        if submit(form, lambda: services.team_update(team=team, by=request.user, **fields)):
            return redirect(team)
    return form_page(request, form, f"Edit {team}", nav="teams", back=team)


@login_required
@require_POST
def team_member_set(request: HttpRequest, slug: str) -> HttpResponse:
    team = permissions.get_team_or_404(request.user, slug, write=True)
    form = MembershipForm(request.POST)
    if submit(form, lambda: services.membership_set(team=team, by=request.user, **form.cleaned_data)):
        return redirect(team)
    return form_page(request, form, f"Add a member to {team}", back=team)


@login_required
@require_POST
def team_member_remove(request: HttpRequest, slug: str, username: str) -> HttpResponse:
    team = permissions.get_team_or_404(request.user, slug, write=True)
    person = get_object_or_404(Person, username=username)
    try:
        services.membership_remove(team=team, person=person, by=request.user)
    except ApplicationError as error:
        messages.error(request, error.message)
    return redirect(team)


# --- people -------------------------------------------------------------------------
@login_required
def person_list(request: HttpRequest) -> HttpResponse:
    filterset = PersonFilter(request.GET, queryset=selectors.person_list(user=request.user))
    return list_page(request, "registry/person_list.html", filterset, "people")


@login_required
def person_detail(request: HttpRequest, username: str) -> HttpResponse:
    person = get_object_or_404(Person, username=username)
    context = {
        "person": person,
        "nav": "people",
        "memberships": person.memberships.select_related("team"),
        "roles": permissions.visible_role_assignments(request.user)
        .filter(person=person).select_related("role", "project", "dataset", "model"),
        "activity": permissions.visible_activity(request.user).filter(actor=person)
        .select_related("actor")[:30],
        "is_me": person.pk == request.user.pk,
    }
    return render(request, "registry/person_detail.html", context)


@login_required
def profile_edit(request: HttpRequest) -> HttpResponse:
    form = PersonForm(posted(request), instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Profile saved.")
        return redirect(request.user)
    return form_page(request, form, "Your profile", back=request.user)


# --- projects ----------------------------------------------------------------------
@login_required
def project_list(request: HttpRequest) -> HttpResponse:
    filterset = ProjectFilter(request.GET, queryset=selectors.project_list(user=request.user))
    return list_page(request, "registry/project_list.html", filterset, "projects",
                     can_create=permissions.writable_teams(request.user).exists())


@login_required
def project_detail(request: HttpRequest, slug: str) -> HttpResponse:
    project = permissions.get_project_for_user_or_404(request.user, slug)
    return render(request, "registry/project_detail.html", project_context(request, project))


def project_context(request: HttpRequest, project: Project, **extra: Any) -> dict[str, Any]:
    user = request.user
    can_edit = permissions.can_edit_project(user, project)
    index = STAGE_ORDER.index(project.stage) if project.stage in STAGE_ORDER else -1
    return {
        "project": project,
        "nav": "projects",
        "can_edit": can_edit,
        "stages": [(s, i < index, i == index) for i, s in enumerate(STAGE_ORDER)],
        "transitions": project.transitions.select_related("actor"),
        "datasets": selectors.dataset_list(user=user).filter(projects=project),
        "models": selectors.model_list(user=user).filter(project=project),
        "roles": selectors.role_assignments_for(target=project),
        "role_form": RoleAssignForm() if can_edit else None,
        "transition_form": extra.pop("transition_form", None)
        or (TransitionForm(initial={"stage": next(iter(project.allowed_next_stages()), "")})
            if can_edit else None),
        "next_stages": [(s, Stage(s).label) for s in project.allowed_next_stages()],
        "activity": selectors.activity_for(user=user, target=project),
        **extra,
    }


def _project_form(request: HttpRequest, instance: Project | None = None) -> ProjectForm:
    return ProjectForm(posted(request), instance=instance,
                       teams=permissions.writable_teams(request.user),
                       datasets=permissions.visible_datasets(request.user))


@login_required
def project_create(request: HttpRequest) -> HttpResponse:
    form = _project_form(request)
    if request.method == "POST":
        project = submit(form, lambda: services.project_create(**form.cleaned_data, by=request.user))
        if project:
            return redirect(project)
    return form_page(request, form, "New project", nav="projects")


@login_required
def project_edit(request: HttpRequest, slug: str) -> HttpResponse:
    project = permissions.get_project_for_user_or_404(request.user, slug, write=True)
    form = _project_form(request, project)
    form.fields["team"].queryset |= type(project.team).objects.filter(pk=project.team_id)
    if request.method == "POST":
        def save() -> Project:
            data = {k: v for k, v in form.cleaned_data.items() if k != "slug"}
            return services.project_update(project=project, by=request.user, **data)

        if submit(form, save):
            return redirect(project)
    return form_page(request, form, f"Edit {project}", nav="projects", back=project)


@login_required
@require_POST
def project_transition(request: HttpRequest, slug: str) -> HttpResponse:
    project = permissions.get_project_for_user_or_404(request.user, slug, write=True)
    form = TransitionForm(request.POST)

    def move() -> Any:
        return services.project_stage_change(
            project=project, to=form.cleaned_data["stage"], note=form.cleaned_data["note"],
            override_reason=form.cleaned_data["override_reason"] if request.user.is_staff else "",
            by=request.user)

    if submit(form, move):
        messages.success(request, f"{project} moved to {Stage(form.cleaned_data['stage']).label}.")
        return redirect(project)
    return render(request, "registry/project_detail.html",
                  project_context(request, project, transition_form=form), status=400)


# --- datasets -----------------------------------------------------------------------
@login_required
def dataset_list(request: HttpRequest) -> HttpResponse:
    filterset = DatasetFilter(request.GET, queryset=selectors.dataset_list(user=request.user))
    return list_page(request, "registry/dataset_list.html", filterset, "datasets",
                     can_create=permissions.writable_teams(request.user).exists())


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
        "projects": permissions.visible_projects(request.user).filter(datasets=dataset),
        "roles": selectors.role_assignments_for(target=dataset),
        "role_form": RoleAssignForm() if can_edit else None,
        "activity": selectors.activity_for(user=request.user, target=dataset),
    }
    return render(request, "registry/dataset_detail.html", context)


def _dataset_form(request: HttpRequest, instance: Dataset | None = None) -> DatasetForm:
    teams = permissions.writable_teams(request.user)
    if instance:
        teams = teams | type(instance.team).objects.filter(pk=instance.team_id)
    return DatasetForm(posted(request), instance=instance, teams=teams,
                       projects=permissions.visible_projects(request.user))


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
    context = {"dataset": dataset, "version": version, "nav": "datasets",
               "activity": selectors.activity_for(user=request.user, target=version)}
    return render(request, "registry/dataset_version_detail.html", context)


# --- models --------------------------------------------------------------------------
@login_required
def model_list(request: HttpRequest) -> HttpResponse:
    filterset = ModelFilter(request.GET, queryset=selectors.model_list(user=request.user))
    return list_page(request, "registry/model_list.html", filterset, "models",
                     can_create=permissions.writable_teams(request.user).exists())


@login_required
def model_detail(request: HttpRequest, slug: str) -> HttpResponse:
    model = permissions.get_model_for_user_or_404(request.user, slug)
    can_edit = permissions.can_edit_model(request.user, model)
    context = {
        "model": model,
        "nav": "models",
        "can_edit": can_edit,
        "versions": selectors.model_versions_with_lineage(user=request.user, model=model),
        "roles": selectors.role_assignments_for(target=model),
        "role_form": RoleAssignForm() if can_edit else None,
        "activity": selectors.activity_for(user=request.user, target=model),
    }
    return render(request, "registry/model_detail.html", context)


def _model_form(request: HttpRequest, instance: MLModel | None = None) -> ModelForm:
    projects = permissions.visible_projects(request.user).filter(
        team__in=permissions.writable_teams(request.user))
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
    dataset_versions = permissions.visible_dataset_versions(request.user).select_related("dataset")
    form = ModelVersionForm(posted(request), dataset_versions=dataset_versions)
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


@login_required
def model_version_detail(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    model = permissions.get_model_for_user_or_404(request.user, slug)
    version = get_object_or_404(
        selectors.model_versions_with_lineage(user=request.user, model=model), number=number)
    can_edit = permissions.can_edit_model(request.user, model)
    context = {"model": model, "version": version, "nav": "models", "can_edit": can_edit,
               "status_form": ModelVersionStatusForm(initial={"status": version.status}),
               "activity": selectors.activity_for(user=request.user, target=version)}
    return render(request, "registry/model_version_detail.html", context)


@login_required
@require_POST
def model_version_status(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    model = permissions.get_model_for_user_or_404(request.user, slug, write=True)
    version = get_object_or_404(model.versions, number=number)
    form = ModelVersionStatusForm(request.POST)
    if submit(form, lambda: services.model_version_set_status(
            version=version, status=form.cleaned_data["status"], by=request.user)):
        return redirect(version)
    for error in form.non_field_errors() + form.errors.get("status", []):
        messages.error(request, error)
    return redirect(version)


# --- roles --------------------------------------------------------------------------
TARGET_GETTERS = {
    "project": permissions.get_project_for_user_or_404,
    "dataset": permissions.get_dataset_for_user_or_404,
    "model": permissions.get_model_for_user_or_404,
}


@login_required
@require_POST
def role_assign(request: HttpRequest, kind: str, slug: str) -> HttpResponse:
    target = TARGET_GETTERS[kind](request.user, slug, write=True)
    form = RoleAssignForm(request.POST)
    if submit(form, lambda: services.role_assign(target=target, by=request.user,
                                                 **form.cleaned_data)):
        return redirect(target)
    return form_page(request, form, f"Assign a role on {target}", back=target)


@login_required
@require_POST
def role_unassign(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = get_object_or_404(permissions.visible_role_assignments(request.user), pk=pk)
    if not permissions.can_edit_target(request.user, assignment.target):
        raise PermissionDenied
    target = assignment.target
    services.role_unassign(assignment=assignment, by=request.user)
    return redirect(target)


# --- activity --------------------------------------------------------------------
@login_required
def activity_list(request: HttpRequest, kind: str, slug: str) -> HttpResponse:
    target = TARGET_GETTERS[kind](request.user, slug)
    page = paginate(request, selectors.activity_for(user=request.user, target=target, limit=None))
    return render(request, "registry/activity_list.html",
                  {"target": target, "page": page, "nav": f"{kind}s"})
