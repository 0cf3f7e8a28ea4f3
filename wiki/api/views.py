"""REST API v1 of the wiki: spaces, pages and their revisions, templates.

The same permissions (wiki.permissions) and services (wiki.services) as the UI. A page edit
names the revision it started from (`If-Match: "<revision>"` or `base_revision`); a stale
one is merged as in the UI or refused with 409 and both texts, never applied over the newer.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers as drf_serializers
from rest_framework.exceptions import APIException, PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from config.api import READ_ERRORS, WRITE_ERRORS, ApiListView, ApiView, ErrorSerializer, error_responses
from config.exceptions import ApplicationError
from registry.models import Project
from wiki import permissions, selectors, services
from wiki.api import serializers as s
from wiki.api.filters import PageFilter, SpaceFilter, TemplateFilter
from wiki.merge import line_diff
from wiki.models import Page, PageRevision, Space, Template

ETAG_HEADER = OpenApiParameter("If-Match", OpenApiTypes.STR, OpenApiParameter.HEADER, required=False,
                               description='The revision the edit started from, as GET returned it '
                                           'in ETag: "3". Or send `base_revision` in the body.')


class PreconditionRequired(APIException):
    status_code = 428
    default_detail = ('Say which revision this edit started from: the header If-Match: "<revision>" '
                      "(the ETag of GET) or a base_revision field.")


def etag(page: Page) -> str:
    return f'"{page.revision}"'


def _pages(user: Any) -> QuerySet[Page]:
    return Page.objects.visible_to(user).live().select_related(
        "space", "template", "parent", "updated_by").prefetch_related("tags")  # tags: one query


# --- spaces -------------------------------------------------------------------------------
def _spaces(user: Any) -> QuerySet[Space]:
    live = Count("pages", filter=Q(pages__deleted_at__isnull=True))
    return Space.objects.filter(
        Q(project__isnull=True) | Q(project__in=Project.objects.visible_to(user))
    ).select_related("team", "project").annotate(page_count=live)


class SpaceList(ApiListView):
    serializer_class = s.SpaceOut
    queryset = Space.objects.none()
    filterset_class = SpaceFilter
    ordering_fields = ["key", "kind", "created_at"]
    ordering = ["kind", "key"]

    def get_queryset(self) -> QuerySet[Space]:
        return _spaces(self.request.user)


class SpaceDetail(ApiView):
    @extend_schema(responses={200: s.SpaceOut, **READ_ERRORS})
    def get(self, request: Request, space: str) -> Response:
        space_obj = services.space_open(key=space, user=request.user)  # made on first visit
        return self.output(s.SpaceOut, _spaces(request.user).get(pk=space_obj.pk))


# --- pages --------------------------------------------------------------------------------
class _PageView(ApiView):
    space: Space

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "space": getattr(self, "space", None)}

    def _page(self, space: str, slug: str, *, write: bool = False, deleted: bool = False) -> Page:
        page = permissions.get_page_for_user_or_404(self.request.user, space, slug, write=write,
                                                    deleted=deleted)
        self.space = page.space
        return page

    def page_response(self, page: Page, serializer_class: type = s.PageDetailOut, *,
                      status: int = 200) -> Response:
        response = self.output(serializer_class, page, status=status)
        response["ETag"] = etag(page)
        return response


class PageList(ApiListView):
    """Pages you can read, in every space."""

    serializer_class = s.PageOut
    queryset = Page.objects.none()
    filterset_class = PageFilter
    ordering_fields = ["title", "slug", "created_at", "updated_at", "revision"]
    ordering = ["title", "pk"]

    def get_queryset(self) -> QuerySet[Page]:
        # tag and documents filters join many-to-many tables: distinct keeps one row per page
        return _pages(self.request.user).distinct()


class SpacePageList(_PageView, PageList):
    """Pages of one space; POST creates one (markdown in)."""

    def get_queryset(self) -> QuerySet[Page]:
        self.space = services.space_open(key=self.kwargs["space"], user=self.request.user)
        return super().get_queryset().filter(space=self.space)

    @extend_schema(request=s.PageCreateIn, responses={201: s.PageDetailOut, **WRITE_ERRORS})
    def post(self, request: Request, space: str) -> Response:
        self.space = services.space_open(key=space, user=request.user, write=True)
        page = services.page_create(space=self.space, by=request.user, **self.input(s.PageCreateIn))
        return self.page_response(page, status=201)


class PageDetail(_PageView):
    @extend_schema(responses={200: s.PageDetailOut, **READ_ERRORS},
                   description='The page; its ETag header is its revision, e.g. "3".')
    def get(self, request: Request, space: str, slug: str) -> Response:
        return self.page_response(self._page(space, slug))

    @extend_schema(
        request=s.PageUpdateIn, parameters=[ETAG_HEADER],
        responses={200: s.PageSaveOut,
                   409: OpenApiResponse(s.EditConflictOut, description=(
                       "Someone saved meanwhile and the edits overlap: nothing was saved; the "
                       "body has their text, yours and the diff. Also: the page is in the trash.")),
                   428: OpenApiResponse(ErrorSerializer, description="No base revision given."),
                   **WRITE_ERRORS},
        description="Edit the page. A stale base revision is merged when the edits touch "
                    "different lines (`merged_with` lists the revisions merged), else 409.")
    def patch(self, request: Request, space: str, slug: str) -> Response:
        page = self._page(space, slug, write=True)
        data = self.input(s.PageUpdateIn)
        base = self._base_revision(data.pop("base_revision", None))
        # a field left out means "as in my base revision", so a merge keeps others' changes
        original = page.revisions.filter(number=base).only("title", "body").first()
        data.setdefault("title", original.title if original else page.title)
        data.setdefault("body", original.body if original else page.body)
        try:
            result = services.page_update(page=page, by=request.user, base_revision=base, **data)
        except services.EditConflict as conflict:
            raise ApplicationError(conflict.message, extra={
                "current_revision": conflict.current.number, "current_title": conflict.current.title,
                "current_body": conflict.current.body, "your_title": conflict.mine_title,
                "your_body": conflict.mine_body, "diff": [list(row) for row in conflict.diff],
            }) from conflict
        result.page.merged_with, result.page.merged = result.merged_with, bool(result.merged_with)
        result.page.message = result.message
        return self.page_response(result.page, s.PageSaveOut)

    def _base_revision(self, field: int | None) -> int:
        header = self.request.headers.get("If-Match", "").strip()
        if not header:
            if field is None:
                raise PreconditionRequired()
            return field
        value = header.removeprefix("W/").strip('"')
        if not value.isdigit() or len(value) > 9 or int(value) < 1:
            raise drf_serializers.ValidationError(
                {"If-Match": ['Give one revision number in quotes, as the ETag: "3".']})
        if field is not None and field != int(value):
            raise drf_serializers.ValidationError(
                {"base_revision": ["It differs from the If-Match header; send one of the two."]})
        return int(value)

    @extend_schema(responses={204: None, **error_responses(401, 403, 404, 409)},
                   description="Move the page to the trash of its space (restore with POST …/restore/).")
    def delete(self, request: Request, space: str, slug: str) -> Response:
        services.page_delete(page=self._page(space, slug, write=True), by=request.user)
        return Response(status=204)


class TrashList(_PageView, ApiListView):
    """Pages in the trash of a space (its editors see it)."""

    serializer_class = s.PageOut
    queryset = Page.objects.none()
    ordering_fields = ["deleted_at", "title"]
    ordering = ["-deleted_at", "pk"]

    def get_queryset(self) -> QuerySet[Page]:
        self.space = services.space_open(key=self.kwargs["space"], user=self.request.user, write=True)
        return selectors.trash(space=self.space).select_related("template", "parent").prefetch_related(
            "tags")


class PageRestore(_PageView):
    @extend_schema(request=None, responses={200: s.PageDetailOut, **error_responses(401, 403, 404)},
                   description="Bring a page back from the trash.")
    def post(self, request: Request, space: str, slug: str) -> Response:
        page = services.page_restore(page=self._page(space, slug, write=True, deleted=True),
                                     by=request.user)
        return self.page_response(page)


class PagePurge(_PageView):
    @extend_schema(request=None, responses={204: None, **error_responses(401, 403, 404)},
                   description="Staff only: delete a page in the trash for good.")
    def post(self, request: Request, space: str, slug: str) -> Response:
        page = self._page(space, slug, write=True, deleted=True)
        if not permissions.can_purge(request.user):
            raise PermissionDenied("Only staff can purge pages.")
        services.page_purge(page=page, by=request.user)
        return Response(status=204)


# --- revisions ----------------------------------------------------------------------------
class RevisionList(_PageView, ApiListView):
    serializer_class = s.RevisionOut
    queryset = PageRevision.objects.none()
    ordering_fields = ["number", "created_at"]
    ordering = ["-number"]

    def get_queryset(self) -> QuerySet[PageRevision]:
        return selectors.revisions(self._page(self.kwargs["space"], self.kwargs["slug"]))


class RevisionDetail(_PageView):
    @extend_schema(responses={200: s.RevisionDetailOut, **READ_ERRORS})
    def get(self, request: Request, space: str, slug: str, number: int) -> Response:
        page = self._page(space, slug)
        revision = get_object_or_404(page.revisions.select_related("author"), number=number)
        return self.output(s.RevisionDetailOut, revision)


class RevisionRevert(_PageView):
    @extend_schema(request=None, responses={201: s.PageDetailOut, **error_responses(401, 403, 404, 409)},
                   description="Add a new revision with the content of this one; history is kept.")
    def post(self, request: Request, space: str, slug: str, number: int) -> Response:
        page = self._page(space, slug, write=True)
        get_object_or_404(page.revisions, number=number)
        return self.page_response(services.page_revert(page=page, number=number, by=request.user),
                                  status=201)


class PageDiff(_PageView):
    @extend_schema(parameters=[s.DiffParams], responses={200: s.DiffOut, **error_responses(400, 401, 404)},
                   description="Line diff between revisions a and b of the page.")
    def get(self, request: Request, space: str, slug: str) -> Response:
        page = self._page(space, slug)
        params = s.DiffParams(data=request.query_params)
        params.is_valid(raise_exception=True)
        b = params.validated_data.get("b", page.revision)
        a = params.validated_data.get("a", max(b - 1, 1))
        old = get_object_or_404(page.revisions, number=a)
        new = get_object_or_404(page.revisions, number=b)
        lines = [{"kind": kind, "line": line} for kind, line in line_diff(old.body, new.body)]
        return self.output(s.DiffOut, {"a": a, "b": b, "a_title": old.title, "b_title": new.title,
                                       "title_changed": old.title != new.title, "lines": lines})


# --- templates ----------------------------------------------------------------------------
class TemplateList(ApiListView):
    serializer_class = s.TemplateOut
    queryset = Template.objects.none()
    filterset_class = TemplateFilter
    ordering_fields = ["name", "kind", "created_at", "updated_at"]
    ordering = ["-builtin", "name"]

    def get_queryset(self) -> QuerySet[Template]:
        return selectors.templates_for(user=self.request.user)

    @extend_schema(request=s.TemplateCreateIn,
                   responses={201: s.TemplateOut, **error_responses(400, 401, 403)},
                   description="A team template: for leads and members of the team.")
    def post(self, request: Request) -> Response:
        template = services.template_create(**self.input(s.TemplateCreateIn), by=request.user)
        return self.output(s.TemplateOut, template, status=201)


class TemplateDetail(ApiView):
    def _template(self, kind: str) -> Template:
        return get_object_or_404(selectors.templates_for(user=self.request.user), kind=kind)

    @extend_schema(responses={200: s.TemplateOut, **READ_ERRORS})
    def get(self, request: Request, kind: str) -> Response:
        return self.output(s.TemplateOut, self._template(kind))

    @extend_schema(request=s.TemplateUpdateIn, responses={200: s.TemplateOut, **WRITE_ERRORS},
                   description="Team templates: the team's leads and members; built-in ones: staff.")
    def patch(self, request: Request, kind: str) -> Response:
        template = self._template(kind)
        if not permissions.can_edit_template(request.user, template):
            raise PermissionDenied("You cannot edit this template.")
        data = {"name": template.name, "body": template.body, "description": template.description,
                "required_sections": template.required_sections, **self.input(s.TemplateUpdateIn)}
        return self.output(s.TemplateOut, services.template_update(template=template, by=request.user,
                                                                   **data))
