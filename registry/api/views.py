"""REST API v1 of the registry: small views around the same permissions and services as the UI.

Each view: get-for-user (404 hidden, 403 read-only), `self.input(...)` to check the body,
one service call, `self.output(...)` to shape the answer. Lists start from a
permission-scoped selector and prefetch what their serializer reads.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet, prefetch_related_objects
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from config.api import ApiListView, ApiView, error_responses
from config.exceptions import ApplicationError
from registry import permissions, selectors, services
from registry.api import serializers as s
from registry.api.filters import (
    ActivityFilter,
    DatasetVersionFilter,
    MembershipFilter,
    ModelVersionFilter,
    RoleAssignmentFilter,
    TransitionFilter,
)
from registry.filters import DatasetFilter, ModelFilter, PersonFilter, ProjectFilter, TeamFilter
from registry.models import (
    Activity,
    Dataset,
    DatasetVersion,
    Lineage,
    Membership,
    MLModel,
    ModelVersion,
    Person,
    Project,
    Role,
    RoleAssignment,
    StageTransition,
    Team,
)

READ_ERRORS = error_responses(401, 404)
WRITE_ERRORS = error_responses(400, 401, 403, 404)


# --- teams ---------------------------------------------------------------------------
class TeamList(ApiListView):
    serializer_class = s.TeamOut
    queryset = Team.objects.none()  # the model, for the schema; rows come from get_queryset
    filterset_class = TeamFilter
    ordering_fields = ["name", "slug", "created_at", "updated_at"]
    ordering = ["name"]

    def get_queryset(self) -> QuerySet[Team]:
        return selectors.team_list(user=self.request.user)

    @extend_schema(request=s.TeamCreateIn, responses={201: s.TeamOut, **error_responses(400, 401, 403)})
    def post(self, request: Request) -> Response:
        team = services.team_create(**self.input(s.TeamCreateIn), by=request.user)
        return self.output(s.TeamOut, selectors.team_list(user=request.user).get(pk=team.pk),
                           status=201)


class TeamDetail(ApiView):
    def _team(self, slug: str) -> Team:
        return get_object_or_404(selectors.team_list(user=self.request.user), slug=slug)

    @extend_schema(responses={200: s.TeamOut, **READ_ERRORS})
    def get(self, request: Request, slug: str) -> Response:
        return self.output(s.TeamOut, self._team(slug))

    @extend_schema(request=s.TeamUpdateIn, responses={200: s.TeamOut, **WRITE_ERRORS})
    def patch(self, request: Request, slug: str) -> Response:
        team = permissions.get_team_or_404(request.user, slug, write=True)
        services.team_update(team=team, by=request.user, **self.input(s.TeamUpdateIn, instance=team))
        return self.output(s.TeamOut, self._team(slug))


class MemberList(ApiListView):
    serializer_class = s.MembershipOut
    queryset = Membership.objects.none()
    filterset_class = MembershipFilter
    ordering_fields = ["joined_at", "level", "person__username"]
    ordering = ["person__username"]

    def get_queryset(self) -> QuerySet[Membership]:
        team = permissions.get_team_or_404(self.request.user, self.kwargs["slug"])
        return team.memberships.select_related("person")

    @extend_schema(
        request=s.MembershipIn,
        responses={200: s.MembershipOut, 201: s.MembershipOut, **error_responses(400, 401, 403, 404, 409)},
        description="Add a person to the team (201), or change their level (200).",
    )
    def post(self, request: Request, slug: str) -> Response:
        team = permissions.get_team_or_404(request.user, slug, write=True)
        data = self.input(s.MembershipIn)
        existed = team.memberships.filter(person=data["person"]).exists()
        membership = services.membership_set(team=team, by=request.user, **data)
        return self.output(s.MembershipOut, membership, status=200 if existed else 201)


class MemberDetail(ApiView):
    def _membership(self, slug: str, username: str, *, write: bool = False) -> Membership:
        team = permissions.get_team_or_404(self.request.user, slug, write=write)
        return get_object_or_404(team.memberships.select_related("person", "team"),
                                 person__username=username)

    @extend_schema(responses={200: s.MembershipOut, **READ_ERRORS})
    def get(self, request: Request, slug: str, username: str) -> Response:
        return self.output(s.MembershipOut, self._membership(slug, username))

    @extend_schema(request=s.MembershipLevelIn,
                   responses={200: s.MembershipOut, **error_responses(400, 401, 403, 404, 409)})
    def patch(self, request: Request, slug: str, username: str) -> Response:
        membership = self._membership(slug, username, write=True)
        membership = services.membership_set(team=membership.team, person=membership.person,
                                             level=self.input(s.MembershipLevelIn)["level"],
                                             by=request.user)
        return self.output(s.MembershipOut, membership)

    @extend_schema(responses={204: None, **error_responses(401, 403, 404, 409)})
    def delete(self, request: Request, slug: str, username: str) -> Response:
        membership = self._membership(slug, username, write=True)
        services.membership_remove(team=membership.team, person=membership.person, by=request.user)
        return Response(status=204)


# --- people and roles ------------------------------------------------------------------
class PersonList(ApiListView):
    serializer_class = s.PersonOut
    queryset = Person.objects.none()
    filterset_class = PersonFilter
    ordering_fields = ["username", "display_name", "date_joined"]
    ordering = ["username"]

    def get_queryset(self) -> QuerySet[Person]:
        return selectors.person_list(user=self.request.user).distinct()


class PersonDetail(ApiView):
    @extend_schema(responses={200: s.PersonOut, **READ_ERRORS})
    def get(self, request: Request, username: str) -> Response:
        person = get_object_or_404(selectors.person_list(user=request.user), username=username)
        return self.output(s.PersonOut, person)


class RoleList(ApiListView):
    serializer_class = s.RoleOut
    queryset = Role.objects.none()
    filterset_fields = ["slug"]
    ordering_fields = ["name", "slug"]
    ordering = ["name"]

    def get_queryset(self) -> QuerySet[Role]:
        return Role.objects.all()

    @extend_schema(request=s.RoleCreateIn, responses={201: s.RoleOut, **error_responses(400, 401, 403)},
                   description="Staff only: extend the role vocabulary.")
    def post(self, request: Request) -> Response:
        if not request.user.is_staff:
            raise PermissionDenied("Only staff can add roles.")
        role = services.role_create(**self.input(s.RoleCreateIn), by=request.user)
        return self.output(s.RoleOut, role, status=201)


class RoleDetail(ApiView):
    @extend_schema(responses={200: s.RoleOut, **READ_ERRORS})
    def get(self, request: Request, slug: str) -> Response:
        return self.output(s.RoleOut, get_object_or_404(Role, slug=slug))


TARGET_GETTERS = {
    "project": permissions.get_project_for_user_or_404,
    "dataset": permissions.get_dataset_for_user_or_404,
    "model": permissions.get_model_for_user_or_404,
}


class RoleAssignmentList(ApiListView):
    """Role holders of a project, dataset or model."""

    kind = "project"
    serializer_class = s.RoleAssignmentOut
    queryset = RoleAssignment.objects.none()
    filterset_class = RoleAssignmentFilter
    ordering_fields = ["created_at", "role__name", "person__username"]
    ordering = ["role__name", "person__username"]

    def get_queryset(self) -> QuerySet[RoleAssignment]:
        target = TARGET_GETTERS[self.kind](self.request.user, self.kwargs["slug"])
        return selectors.role_assignments_for(target=target)

    @extend_schema(request=s.RoleAssignIn,
                   responses={201: s.RoleAssignmentOut, **error_responses(400, 401, 403, 404, 409)})
    def post(self, request: Request, slug: str) -> Response:
        target = TARGET_GETTERS[self.kind](request.user, slug, write=True)
        assignment = services.role_assign(target=target, by=request.user, **self.input(s.RoleAssignIn))
        return self.output(s.RoleAssignmentOut, assignment, status=201)


class RoleAssignmentDetail(ApiView):
    kind = "project"

    def _assignment(self, slug: str, pk: int, *, write: bool = False) -> RoleAssignment:
        target = TARGET_GETTERS[self.kind](self.request.user, slug, write=write)
        return get_object_or_404(selectors.role_assignments_for(target=target), pk=pk)

    @extend_schema(responses={200: s.RoleAssignmentOut, **READ_ERRORS})
    def get(self, request: Request, slug: str, pk: int) -> Response:
        return self.output(s.RoleAssignmentOut, self._assignment(slug, pk))

    @extend_schema(responses={204: None, **error_responses(401, 403, 404)})
    def delete(self, request: Request, slug: str, pk: int) -> Response:
        services.role_unassign(assignment=self._assignment(slug, pk, write=True), by=request.user)
        return Response(status=204)


# --- projects ----------------------------------------------------------------------------
def _projects(user: Any) -> QuerySet[Project]:
    return selectors.project_list(user=user).prefetch_related(
        # each project lists its linked datasets the caller may see: one query for the page
        Prefetch("datasets", queryset=permissions.visible_datasets(user).only("pk", "slug"),
                 to_attr="visible_datasets"))


class ProjectList(ApiListView):
    serializer_class = s.ProjectOut
    queryset = Project.objects.none()
    filterset_class = ProjectFilter
    ordering_fields = ["name", "slug", "stage", "created_at", "updated_at", "stage_changed_at"]
    ordering = ["name"]

    def get_queryset(self) -> QuerySet[Project]:
        return _projects(self.request.user)

    @extend_schema(request=s.ProjectCreateIn, responses={201: s.ProjectOut, **error_responses(400, 401, 403)})
    def post(self, request: Request) -> Response:
        project = services.project_create(**self.input(s.ProjectCreateIn), by=request.user)
        return self.output(s.ProjectOut, _projects(request.user).get(pk=project.pk), status=201)


class ProjectDetail(ApiView):
    @extend_schema(responses={200: s.ProjectOut, **READ_ERRORS})
    def get(self, request: Request, slug: str) -> Response:
        return self.output(s.ProjectOut, get_object_or_404(_projects(request.user), slug=slug))

    @extend_schema(request=s.ProjectUpdateIn, responses={200: s.ProjectOut, **WRITE_ERRORS})
    def patch(self, request: Request, slug: str) -> Response:
        project = permissions.get_project_for_user_or_404(request.user, slug, write=True)
        services.project_update(project=project, by=request.user,
                                **self.input(s.ProjectUpdateIn, instance=project))
        return self.output(s.ProjectOut, _projects(request.user).get(pk=project.pk))


class TransitionList(ApiListView):
    serializer_class = s.TransitionOut
    queryset = StageTransition.objects.none()
    filterset_class = TransitionFilter
    ordering_fields = ["created_at"]
    ordering = ["-created_at", "-pk"]

    def get_queryset(self) -> QuerySet[StageTransition]:
        project = permissions.get_project_for_user_or_404(self.request.user, self.kwargs["slug"])
        return project.transitions.select_related("actor")

    @extend_schema(
        request=s.TransitionIn,
        responses={201: s.TransitionOut,
                   409: OpenApiResponse(s.TransitionRefusedSerializer,
                                        description="Refused; `unmet` lists what is missing."),
                   **error_responses(400, 401, 403, 404)},
        description="Move the project to another lifecycle stage.",
    )
    def post(self, request: Request, slug: str) -> Response:
        project = permissions.get_project_for_user_or_404(request.user, slug, write=True)
        data = self.input(s.TransitionIn)
        try:
            transition = services.project_stage_change(
                project=project, to=data["stage"], note=data["note"],
                override_reason=data["override_reason"], by=request.user)
        except ApplicationError as error:
            # the body always carries `unmet`, even when the refusal is about the lifecycle shape
            raise ApplicationError(error.message, extra={"unmet": [], **error.extra}) from error
        return self.output(s.TransitionOut, transition, status=201)


# --- datasets -----------------------------------------------------------------------------
def _datasets(user: Any) -> QuerySet[Dataset]:
    return selectors.dataset_list(user=user).select_related("home_project")


class DatasetList(ApiListView):
    serializer_class = s.DatasetOut
    queryset = Dataset.objects.none()
    filterset_class = DatasetFilter
    ordering_fields = ["name", "slug", "created_at", "updated_at", "sensitivity"]
    ordering = ["name"]

    def get_queryset(self) -> QuerySet[Dataset]:
        # a tag filter joins tags: distinct keeps one row per dataset
        return _datasets(self.request.user).distinct()

    @extend_schema(request=s.DatasetCreateIn,
                   responses={201: s.DatasetDetailOut, **error_responses(400, 401, 403)})
    def post(self, request: Request) -> Response:
        dataset = services.dataset_create(**self.input(s.DatasetCreateIn), by=request.user)
        return self.output(s.DatasetDetailOut, _datasets(request.user).get(pk=dataset.pk), status=201)


class DatasetDetail(ApiView):
    def _dataset(self, slug: str) -> Dataset:
        return get_object_or_404(_datasets(self.request.user).prefetch_related("columns"), slug=slug)

    @extend_schema(responses={200: s.DatasetDetailOut, **READ_ERRORS})
    def get(self, request: Request, slug: str) -> Response:
        return self.output(s.DatasetDetailOut, self._dataset(slug))

    @extend_schema(request=s.DatasetUpdateIn, responses={200: s.DatasetDetailOut, **WRITE_ERRORS})
    def patch(self, request: Request, slug: str) -> Response:
        dataset = permissions.get_dataset_for_user_or_404(request.user, slug, write=True)
        services.dataset_update(dataset=dataset, by=request.user,
                                **self.input(s.DatasetUpdateIn, instance=dataset))
        return self.output(s.DatasetDetailOut, self._dataset(slug))


class DatasetColumns(ApiView):
    @extend_schema(responses={200: s.ColumnsOut, **READ_ERRORS})
    def get(self, request: Request, slug: str) -> Response:
        dataset = permissions.get_dataset_for_user_or_404(request.user, slug)
        return self.output(s.ColumnsOut, {"columns": dataset.columns.all()})

    @extend_schema(request=s.ColumnsIn, responses={200: s.ColumnsOut, **WRITE_ERRORS},
                   description="Replace the whole schema of the dataset.")
    def put(self, request: Request, slug: str) -> Response:
        dataset = permissions.get_dataset_for_user_or_404(request.user, slug, write=True)
        columns = services.dataset_columns_set(dataset=dataset, by=request.user,
                                               columns=self.input(s.ColumnsIn)["columns"])
        return self.output(s.ColumnsOut, {"columns": columns})


class DatasetVersionList(ApiListView):
    serializer_class = s.DatasetVersionOut
    queryset = DatasetVersion.objects.none()
    filterset_class = DatasetVersionFilter
    ordering_fields = ["created_at", "released_on", "label", "row_count"]
    ordering = ["-created_at", "-pk"]

    def get_queryset(self) -> QuerySet[DatasetVersion]:
        dataset = permissions.get_dataset_for_user_or_404(self.request.user, self.kwargs["slug"])
        return dataset.versions.select_related("created_by")

    @extend_schema(request=s.DatasetVersionIn, responses={201: s.DatasetVersionDetailOut, **WRITE_ERRORS})
    def post(self, request: Request, slug: str) -> Response:
        dataset = permissions.get_dataset_for_user_or_404(request.user, slug, write=True)
        version = services.dataset_version_add(dataset=dataset, by=request.user,
                                               **self.input(s.DatasetVersionIn))
        return self.output(s.DatasetVersionDetailOut, version, status=201)


class DatasetVersionDetail(ApiView):
    @extend_schema(responses={200: s.DatasetVersionDetailOut, **READ_ERRORS})
    def get(self, request: Request, slug: str, label: str) -> Response:
        dataset = permissions.get_dataset_for_user_or_404(request.user, slug)
        versions = selectors.dataset_versions_with_usage(user=request.user, dataset=dataset)
        return self.output(s.DatasetVersionDetailOut, get_object_or_404(versions, label=label))


# --- models -----------------------------------------------------------------------------------
class ModelList(ApiListView):
    serializer_class = s.ModelOut
    queryset = MLModel.objects.none()
    filterset_class = ModelFilter
    ordering_fields = ["name", "slug", "created_at", "updated_at"]
    ordering = ["name"]

    def get_queryset(self) -> QuerySet[MLModel]:
        return selectors.model_list(user=self.request.user)

    def paginate_queryset(self, queryset: QuerySet[MLModel]) -> list[dict[str, Any]] | None:
        # a page as dicts of what a row shows: model and project instances would cost the
        # model search twice as much to build as the rest of the page
        return super().paginate_queryset(queryset.values(*s.ModelOut.ROW))

    @extend_schema(request=s.ModelCreateIn, responses={201: s.ModelOut, **error_responses(400, 401, 403)})
    def post(self, request: Request) -> Response:
        model = services.model_create(**self.input(s.ModelCreateIn), by=request.user)
        # what model_list annotates, known for a model with no versions yet
        model.latest_number = model.latest_status = None
        model.version_count = 0
        return self.output(s.ModelOut, model, status=201)


class ModelDetail(ApiView):
    def _model(self, slug: str) -> MLModel:
        return get_object_or_404(selectors.model_list(user=self.request.user), slug=slug)

    @extend_schema(responses={200: s.ModelOut, **READ_ERRORS})
    def get(self, request: Request, slug: str) -> Response:
        return self.output(s.ModelOut, self._model(slug))

    @extend_schema(request=s.ModelUpdateIn, responses={200: s.ModelOut, **WRITE_ERRORS})
    def patch(self, request: Request, slug: str) -> Response:
        model = permissions.get_model_for_user_or_404(request.user, slug, write=True)
        services.model_update(model=model, by=request.user, **self.input(s.ModelUpdateIn, instance=model))
        return self.output(s.ModelOut, self._model(slug))


class ModelVersionList(ApiListView):
    serializer_class = s.ModelVersionOut
    queryset = ModelVersion.objects.none()
    filterset_class = ModelVersionFilter
    ordering_fields = ["number", "created_at"]
    ordering = ["-number"]

    def get_queryset(self) -> QuerySet[ModelVersion]:
        model = permissions.get_model_for_user_or_404(self.request.user, self.kwargs["slug"])
        return selectors.model_versions_with_lineage(user=self.request.user, model=model).select_related(
            "created_by")

    @extend_schema(request=s.ModelVersionIn,
                   responses={201: s.ModelVersionOut, **error_responses(400, 401, 403, 404, 409)})
    def post(self, request: Request, slug: str) -> Response:
        model = permissions.get_model_for_user_or_404(request.user, slug, write=True)
        data = self.input(s.ModelVersionIn)
        version = services.model_version_add(model=model, by=request.user, **data)
        # its lineage is what the caller just named, all of it visible to them (validated so)
        if data["lineage"]:
            prefetch_related_objects([version], Prefetch(
                "lineage", queryset=Lineage.objects.select_related("dataset_version__dataset")))
        else:
            version._prefetched_objects_cache = {"lineage": Lineage.objects.none()}
        return self.output(s.ModelVersionOut, version, status=201)


def _model_version(user: Any, model: MLModel, number: int) -> ModelVersion:
    versions = selectors.model_versions_with_lineage(user=user, model=model).select_related("created_by")
    return get_object_or_404(versions, number=number)


class ModelVersionDetail(ApiView):
    @extend_schema(responses={200: s.ModelVersionOut, **READ_ERRORS})
    def get(self, request: Request, slug: str, number: int) -> Response:
        model = permissions.get_model_for_user_or_404(request.user, slug)
        return self.output(s.ModelVersionOut, _model_version(request.user, model, number))

    @extend_schema(request=s.ModelVersionPatchIn,
                   responses={200: s.ModelVersionOut, **error_responses(400, 401, 403, 404, 409)},
                   description="Change the status (the only mutable field of a version).")
    def patch(self, request: Request, slug: str, number: int) -> Response:
        model = permissions.get_model_for_user_or_404(request.user, slug, write=True)
        version = get_object_or_404(model.versions.select_related("model"), number=number)
        services.model_version_set_status(version=version, by=request.user,
                                          status=self.input(s.ModelVersionPatchIn)["status"])
        return self.output(s.ModelVersionOut, _model_version(request.user, model, number))


# --- activity ---------------------------------------------------------------------------------
class ActivityList(ApiListView):
    serializer_class = s.ActivityOut
    queryset = Activity.objects.none()
    filterset_class = ActivityFilter
    ordering_fields = ["created_at"]
    ordering = ["-created_at", "-pk"]

    def get_queryset(self) -> QuerySet[Activity]:
        return permissions.visible_activity(self.request.user).select_related("actor", "target_type")
