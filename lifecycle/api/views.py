"""REST API v1 of the lifecycle: stage moves, a version's status (promotion), sprints and
retrospectives, action items, approvals, review requests and the gate checklist. Same
permissions and services as lifecycle/views."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from config.api import READ_ERRORS, WRITE_ERRORS, ApiListView, ApiView, error_responses
from config.exceptions import ApplicationError
from lifecycle import audit, gates, permissions, services
from lifecycle.api import serializers as s
from lifecycle.models import ActionItem, Approval, ReviewRequest, Sprint
from registry import permissions as registry_permissions
from registry import selectors as selectors_registry
from registry import services as registry_services
from registry.api import serializers as registry_s
from registry.api.views import models as registry_views
from registry.api.views.models import model_version_or_404
from registry.models import Stage, StageTransition
from wiki.api import views as wiki_views
from wiki.api.serializers import PageDetailOut
from wiki.models import Page


class PageDetail(wiki_views.PageDetail):
    """The wiki's page endpoint, with the page's approval state on GET."""

    @extend_schema(responses={200: s.PageWithApprovalOut, **READ_ERRORS},
                   description='The page; its ETag header is its revision, e.g. "3".')
    def get(self, request: Request, space: str, slug: str) -> Response:
        return self.page_response(self._page(space, slug), s.PageWithApprovalOut)


# --- stages and promotion ------------------------------------------------------------------
class TransitionFilter(django_filters.FilterSet):
    to_stage = django_filters.ChoiceFilter(choices=Stage.choices)

    class Meta:
        model = StageTransition
        fields = ["to_stage"]


class TransitionList(ApiListView):
    serializer_class = s.TransitionOut
    queryset = StageTransition.objects.none()
    filterset_class = TransitionFilter
    ordering_fields = ["created_at"]
    ordering = ["-created_at", "-pk"]

    def get_queryset(self) -> QuerySet[StageTransition]:
        project = registry_permissions.get_project_for_user_or_404(self.request.user, self.kwargs["slug"])
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
        project = registry_permissions.get_project_for_user_or_404(request.user, slug)
        data = self.input(s.TransitionIn)
        try:
            transition = services.project_stage_change(
                project=project, to=data["stage"], note=data["note"],
                override_reason=data["override_reason"], by=request.user)
        except ApplicationError as error:
            # the body always carries `unmet`, even when the refusal is about the lifecycle shape
            raise ApplicationError(error.message, extra={"unmet": [], **error.extra}) from error
        return self.output(s.TransitionOut, transition, status=201)


class ModelVersionDetail(registry_views.ModelVersionDetail):
    """The registry's version endpoint; its PATCH changes the status (promotion is gated)."""

    @extend_schema(request=s.ModelVersionPatchIn,
                   responses={200: registry_s.ModelVersionOut, **error_responses(400, 401, 403, 404, 409)},
                   description="Change the status (production passes the version's promotion "
                               "gate and archives the version it replaces), the tags or the notes.")
    def patch(self, request: Request, slug: str, number: int) -> Response:
        model = registry_permissions.get_model_for_user_or_404(request.user, slug)
        version = get_object_or_404(model.versions.select_related("model"), number=number)
        data = self.input(s.ModelVersionPatchIn)
        if "tags" in data or "notes" in data:
            if not permissions.can_change_version_status(request.user, version):
                raise PermissionDenied
            registry_services.model_version_update(version=version, by=request.user,
                                                   tags=data.get("tags"), notes=data.get("notes"))
        if "status" in data:
            services.model_version_set_status(version=version, by=request.user, status=data["status"])
        return self.output(registry_s.ModelVersionOut, model_version_or_404(request.user, model, number))


class Promotion(ApiView):
    @extend_schema(responses={200: s.PromotionOut, **READ_ERRORS},
                   description="What the version needs to go to production (or to a serving "
                               "alias): each line met or not, with a link to start what is missing.")
    def get(self, request: Request, slug: str, number: int) -> Response:
        model = registry_permissions.get_model_for_user_or_404(request.user, slug)
        version = get_object_or_404(model.versions.select_related("model__project"), number=number)
        checks = gates.promotion_for_reader(gates.promotion_checklist(version), request.user)
        return self.output(s.PromotionOut, {
            "model": model.slug, "number": number, "met": all(c.met for c in checks),
            "checks": [c.as_dict() for c in checks]})


class AliasDetail(ApiView):
    def _alias(self, model: Any, alias: str) -> Any:
        return get_object_or_404(
            selectors_registry.model_aliases(model=model).select_related("model"), name=alias)

    @extend_schema(responses={200: s.AliasOut, **READ_ERRORS})
    def get(self, request: Request, slug: str, alias: str) -> Response:
        model = registry_permissions.get_model_for_user_or_404(request.user, slug)
        return self.output(s.AliasOut, self._alias(model, alias))

    @extend_schema(request=s.AliasIn, responses={200: s.AliasOut, **error_responses(400, 401, 403, 404, 409)},
                   description="Set the alias, or move it to another version.")
    def put(self, request: Request, slug: str, alias: str) -> Response:
        model = registry_permissions.get_model_for_user_or_404(request.user, slug, write=True)
        data = self.input(s.AliasIn)
        version = model.versions.filter(number=data["version"]).first()
        if version is None:
            raise ValidationError({"version": [f"{model} has no version {data['version']}."]})
        services.model_alias_set(model=model, name=alias, version=version, by=request.user,
                                 serving=data.get("serving"))
        return self.output(s.AliasOut, self._alias(model, alias))

    @extend_schema(responses={204: None, **WRITE_ERRORS})
    def delete(self, request: Request, slug: str, alias: str) -> Response:
        model = registry_permissions.get_model_for_user_or_404(request.user, slug, write=True)
        self._alias(model, alias)
        services.model_alias_remove(model=model, name=alias, by=request.user)
        return Response(status=204)
class ModelVersionAudit(ApiView):
    """The version's audit bundle (see lifecycle/audit.py), as a JSON download."""

    @extend_schema(responses={200: OpenApiTypes.OBJECT, **READ_ERRORS},
                   description="Who did what, when and on which data: dataset versions with "
                               "checksums, code revision, metrics, every document as it read at "
                               "each promotion (revision id and SHA-256 of its text) with the "
                               "reviewers' decisions, every status change of the version and every "
                               "stage change of its project, each with actor and time.")
    def get(self, request: Request, slug: str, number: int) -> Response:
        model = registry_permissions.get_model_for_user_or_404(request.user, slug)
        version = get_object_or_404(model.versions.select_related("model__project__team",
                                                                  "created_by", "trained_by"),
                                    number=number)
        response = Response(audit.bundle(version, reader=request.user))
        response["Content-Disposition"] = f'inline; filename="{model.slug}-v{version.number}-audit.json"'
        return response


# --- approvals and review requests -------------------------------------------------------------
class ApprovalList(wiki_views._PageView, ApiListView):
    serializer_class = s.ApprovalOut
    queryset = Approval.objects.none()
    ordering_fields = ["created_at", "revision"]
    ordering = ["-created_at", "-pk"]

    def get_queryset(self) -> QuerySet[Approval]:
        self.page = self._page(self.kwargs["space"], self.kwargs["slug"])
        return self.page.approvals.select_related("reviewer")

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "page": getattr(self, "page", None)}

    @extend_schema(request=s.ApprovalIn, responses={201: s.ApprovalOut,
                                                    **error_responses(400, 401, 403, 404, 409)},
                   description="A Reviewer of the page's project who wrote none of it approves "
                               "its current revision, requests changes or rejects it (409 for anyone "
                               "else, a Reviewer role its holder granted themselves, an author, or an "
                               "older revision).")
    def post(self, request: Request, space: str, slug: str) -> Response:
        self.page = self._page(space, slug)
        approval = services.page_review(page=self.page, by=request.user, **self.input(s.ApprovalIn))
        self.page.refresh_from_db(fields=["revision"])
        return self.output(s.ApprovalOut, approval, status=201)


class ReviewRequestList(wiki_views._PageView, ApiListView):
    serializer_class = s.ReviewRequestOut
    queryset = ReviewRequest.objects.none()
    ordering_fields = ["created_at", "revision"]
    ordering = ["-created_at", "-pk"]

    def get_queryset(self) -> QuerySet[ReviewRequest]:
        return self._page(self.kwargs["space"], self.kwargs["slug"]).review_requests.select_related(
            "requested_by")

    @extend_schema(request=None, responses={201: s.ReviewRequestOut, **error_responses(401, 403, 404, 409)},
                   description="Ask the project's Reviewers to review the current revision.")
    def post(self, request: Request, space: str, slug: str) -> Response:
        page = self._page(space, slug, write=True)
        return self.output(s.ReviewRequestOut, services.review_request(page=page, by=request.user),
                           status=201)


# --- sprints ---------------------------------------------------------------------------------
def _sprints(project: Any) -> QuerySet[Sprint]:
    open_items = Count("action_items", filter=Q(action_items__status=ActionItem.Status.OPEN))
    return project.sprints.select_related("project", "retrospective__space").annotate(open_items=open_items)


def _sprint(user: Any, slug: str, number: int, *, write: bool = False) -> Sprint:
    project = registry_permissions.get_project_for_user_or_404(user, slug, write=write)
    return get_object_or_404(_sprints(project), number=number)


class SprintList(ApiListView):
    serializer_class = s.SprintOut
    queryset = Sprint.objects.none()
    filterset_fields = ["number"]
    ordering_fields = ["number", "starts_on", "ends_on"]
    ordering = ["-number"]

    def get_queryset(self) -> QuerySet[Sprint]:
        project = registry_permissions.get_project_for_user_or_404(self.request.user, self.kwargs["slug"])
        return _sprints(project)

    @extend_schema(request=s.SprintIn, responses={201: s.SprintOut, **WRITE_ERRORS})
    def post(self, request: Request, slug: str) -> Response:
        project = registry_permissions.get_project_for_user_or_404(request.user, slug, write=True)
        sprint = services.sprint_create(project=project, by=request.user, **self.input(s.SprintIn))
        return self.output(s.SprintOut, _sprints(project).get(pk=sprint.pk), status=201)


class SprintDetail(ApiView):
    @extend_schema(responses={200: s.SprintDetailOut, **READ_ERRORS})
    def get(self, request: Request, slug: str, number: int) -> Response:
        sprint = _sprint(request.user, slug, number)
        sprint.action_items_list = sprint.action_items.select_related("owner", "created_by", "project")
        return self.output(s.SprintDetailOut, sprint)


class Retrospective(ApiView):
    @extend_schema(request=None, responses={201: PageDetailOut, **error_responses(401, 403, 404, 409)},
                   description="Start the sprint's retrospective page from the retrospective "
                               "template, pre-filled (carried-over items, data and model changes).")
    def post(self, request: Request, slug: str, number: int) -> Response:
        sprint = _sprint(request.user, slug, number, write=True)
        page = services.retrospective_write(sprint=sprint, by=request.user)
        page = Page.objects.select_related("space", "template", "parent", "updated_by").get(pk=page.pk)
        response = self.output(PageDetailOut, page, status=201)
        response["ETag"] = wiki_views.etag(page)
        return response


# --- action items ----------------------------------------------------------------------------
def _items(user: Any) -> QuerySet[ActionItem]:
    return ActionItem.objects.visible_to(user).select_related("owner", "created_by", "project", "sprint")


class SprintItemList(ApiListView):
    serializer_class = s.ActionItemOut
    queryset = ActionItem.objects.none()
    ordering_fields = ["due_on", "created_at", "status"]
    ordering = None  # by default open items first, the most overdue first (open_first)

    def get_queryset(self) -> QuerySet[ActionItem]:
        sprint = _sprint(self.request.user, self.kwargs["slug"], self.kwargs["number"])
        return _items(self.request.user).filter(sprint=sprint).open_first()

    @extend_schema(request=s.ActionItemIn, responses={201: s.ActionItemOut, **WRITE_ERRORS})
    def post(self, request: Request, slug: str, number: int) -> Response:
        sprint = _sprint(request.user, slug, number, write=True)
        item = services.action_item_add(sprint=sprint, by=request.user, **self.input(s.ActionItemIn))
        return self.output(s.ActionItemOut, item, status=201)


class ActionItemFilter(django_filters.FilterSet):
    mine = django_filters.BooleanFilter(method="filter_mine", label="Only items you own")
    overdue = django_filters.BooleanFilter(method="filter_overdue", label="Open and past due")
    project = django_filters.CharFilter(field_name="project__slug", max_length=80)
    status = django_filters.ChoiceFilter(choices=ActionItem.Status.choices)

    class Meta:
        model = ActionItem
        fields = ["mine", "overdue", "project", "status"]

    def filter_mine(self, queryset: QuerySet, name: str, value: bool) -> QuerySet:
        owned = Q(owner=self.request.user)
        return queryset.filter(owned) if value else queryset.exclude(owned)

    def filter_overdue(self, queryset: QuerySet, name: str, value: bool) -> QuerySet:
        late = Q(status=ActionItem.Status.OPEN, due_on__lt=timezone.localdate())
        return queryset.filter(late) if value else queryset.exclude(late)


class ActionItemList(ApiListView):
    """Action items of every project you can see."""

    serializer_class = s.ActionItemOut
    queryset = ActionItem.objects.none()
    filterset_class = ActionItemFilter
    ordering_fields = ["due_on", "created_at", "updated_at", "status"]
    ordering = None  # by default open items first, the most overdue first (open_first)

    def get_queryset(self) -> QuerySet[ActionItem]:
        return _items(self.request.user).open_first()


class ActionItemDetail(ApiView):
    @extend_schema(responses={200: s.ActionItemOut, **READ_ERRORS})
    def get(self, request: Request, pk: int) -> Response:
        return self.output(s.ActionItemOut, get_object_or_404(_items(request.user), pk=pk))

    @extend_schema(request=s.ActionItemUpdateIn, responses={200: s.ActionItemOut, **WRITE_ERRORS},
                   description="Change the status, owner or due date.")
    def patch(self, request: Request, pk: int) -> Response:
        item = get_object_or_404(_items(request.user), pk=pk)
        if not permissions.can_plan(request.user, item.project):
            raise PermissionDenied
        item = services.action_item_update(item=item, by=request.user, **self.input(s.ActionItemUpdateIn))
        return self.output(s.ActionItemOut, item)


# --- gates -------------------------------------------------------------------------------------
class GateChecklist(ApiView):
    @extend_schema(
        parameters=[OpenApiParameter("stage", OpenApiTypes.STR, OpenApiParameter.PATH, enum=Stage.values)],
        responses={200: s.GateOut, **READ_ERRORS},
        description="What the project needs written (and approved) to enter `stage`.")
    def get(self, request: Request, slug: str, stage: str) -> Response:
        project = registry_permissions.get_project_for_user_or_404(request.user, slug)
        if stage not in Stage.values:
            raise Http404("No such stage.")
        checks = [check.as_dict() for check in gates.for_reader(gates.evaluate(project, stage), request.user)]
        return self.output(s.GateOut, {
            "project": project.slug, "stage": stage, "checks": checks,
            "allowed": stage in project.allowed_next_stages(),
            "met": all(c["met"] for c in checks)})
