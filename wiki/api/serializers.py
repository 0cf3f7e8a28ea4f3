"""API shapes of the wiki. `*In` serializers check request bodies (and refuse unknown keys);
`*Out` serializers shape answers. Stored HTML is resolved per reader (`resolve_links`), never
re-rendered; rules stay in the services, visibility in wiki.permissions."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from config.api import MAX_INT, InputSerializer, request_user
from registry import permissions as registry_permissions
from registry.models import Team, slug_validator
from wiki import selectors
from wiki.conformance import conformance
from wiki.links import resolve_links
from wiki.models import Page, PageRevision, Space, Template
from wiki.refs import EXAMPLE, KINDS, DocRef, resolve_ordered

TAG = r"^[a-z0-9_-]{1,50}$"




# --- spaces ----------------------------------------------------------------------------
class SpaceOut(serializers.ModelSerializer):
    name = serializers.CharField(source="__str__", read_only=True)
    team = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    project = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    page_count = serializers.IntegerField(read_only=True, help_text="Live pages (not in the trash).")

    class Meta:
        model = Space
        fields = ["key", "kind", "name", "team", "project", "page_count", "created_at"]


# --- pages -----------------------------------------------------------------------------
class DocumentRef(InputSerializer):
    """What a page documents; the same shape in and out."""

    type = serializers.ChoiceField(choices=KINDS)
    slug = serializers.CharField(max_length=120, help_text='A slug; for a model version "model-slug@3".')

    def validate(self, data: dict[str, str]) -> DocRef:
        try:
            return DocRef.from_api(data["type"], data["slug"])
        except ValueError as error:
            raise serializers.ValidationError({"slug": str(error)}) from error


class PageOut(serializers.ModelSerializer):
    space = serializers.CharField(source="space.key", read_only=True)
    parent = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    template = serializers.SlugRelatedField(slug_field="kind", read_only=True, allow_null=True)
    tags = serializers.SlugRelatedField(slug_field="name", many=True, read_only=True)
    updated_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = Page
        fields = ["space", "slug", "title", "parent", "template", "tags", "revision", "updated_by",
                  "created_at", "updated_at"]


class ConformanceOut(serializers.Serializer):
    required = serializers.IntegerField(help_text="Number of sections the template requires.")
    missing = serializers.ListField(child=serializers.CharField(),
                                    help_text="Required sections that are absent or empty.")
    complete = serializers.BooleanField()
    summary = serializers.CharField()


class PageDetailOut(PageOut):
    html = serializers.SerializerMethodField(
        help_text="Sanitized HTML of the current revision, wiki links resolved for you.")
    documents = serializers.SerializerMethodField(help_text="What it documents (that you can see).")
    conformance = serializers.SerializerMethodField(
        help_text="Required sections of its template (null without a template).")

    class Meta(PageOut.Meta):
        fields = [*PageOut.Meta.fields, "body", "html", "documents", "conformance", "deleted_at"]

    def get_html(self, page: Page) -> str:
        return resolve_links(page.html, user=request_user(self), space=page.space)

    @extend_schema_field(DocumentRef(many=True))
    def get_documents(self, page: Page) -> list[dict[str, str]]:
        return [DocRef.of(obj).as_api() for obj in selectors.documents_of(page, user=request_user(self))]

    @extend_schema_field(ConformanceOut(allow_null=True))
    def get_conformance(self, page: Page) -> dict[str, Any] | None:
        if page.template is None:
            return None
        result = conformance(page)
        return {"required": result.required, "missing": result.missing, "complete": result.complete,
                "summary": result.summary}


class PageSaveOut(PageDetailOut):
    merged_with = serializers.ListField(
        child=serializers.IntegerField(), read_only=True,
        help_text="Revisions saved by others since your base revision and merged with your edit.")
    merged = serializers.BooleanField(read_only=True)
    message = serializers.CharField(read_only=True)

    class Meta(PageDetailOut.Meta):
        fields = [*PageDetailOut.Meta.fields, "merged", "merged_with", "message"]


class _PageFieldsIn(InputSerializer):
    title = serializers.CharField(max_length=200)
    body = serializers.CharField(allow_blank=True, required=False, trim_whitespace=False,
                                 max_length=settings.WIKI_PAGE_MAX_CHARS)
    summary = serializers.CharField(max_length=300, allow_blank=True, required=False, default="",
                             help_text="What this change is about.")
    parent = serializers.CharField(max_length=120, allow_null=True, allow_blank=True, required=False,
                                   help_text="Slug of a live page of the same space; null or '' for none.")
    tags = serializers.ListField(child=serializers.RegexField(TAG, max_length=50), required=False,
                                 max_length=100)
    documents = DocumentRef(many=True, required=False, max_length=50)

    def validate_parent(self, slug: str | None) -> Page | None:
        if not slug:
            return None
        parent = self.context["space"].pages.filter(slug=slug, deleted_at__isnull=True).first()
        if parent is None:
            raise serializers.ValidationError(f"This space has no page “{slug}”.")
        return parent

    def validate_documents(self, refs: list[DocRef]) -> list[object]:
        objects, missing = resolve_ordered(refs, user=request_user(self))
        if missing:
            raise serializers.ValidationError(
                f"Not found: {', '.join(str(ref) for ref in missing)}. Write kind:slug, e.g. {EXAMPLE}.")
        return objects


class PageCreateIn(_PageFieldsIn):
    slug = serializers.CharField(max_length=120, required=False, validators=[slug_validator],
                                 help_text="Made from the title when left out.")
    body = serializers.CharField(allow_blank=True, required=False, default="", trim_whitespace=False,
                          max_length=settings.WIKI_PAGE_MAX_CHARS)
    template = serializers.SlugRelatedField(slug_field="kind", queryset=Template.objects.all(),
                                            required=False, allow_null=True,
                                            help_text="Kind of the template the page follows.")
    tags = serializers.ListField(child=serializers.RegexField(TAG, max_length=50), required=False,
                                 max_length=100, default=list)
    documents = DocumentRef(many=True, required=False, max_length=50, default=list)


class PageUpdateIn(_PageFieldsIn):
    refused_fields = {
        "slug": "The slug of a page cannot change.",
        "template": "The template of a page cannot change.",
        "space": "A page cannot move to another space.",
    }
    title = serializers.CharField(max_length=200, required=False)
    base_revision = serializers.IntegerField(
        min_value=1, max_value=MAX_INT, required=False,
        help_text='The revision this edit started from; or send the header If-Match: "<revision>".')


class EditConflictOut(serializers.Serializer):
    detail = serializers.CharField()
    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))
    current_revision = serializers.IntegerField()
    current_title = serializers.CharField()
    current_body = serializers.CharField(help_text="The text saved meanwhile (kept as it is).")
    your_title = serializers.CharField()
    your_body = serializers.CharField(help_text="Your text, not saved.")
    diff = serializers.ListField(child=serializers.ListField(child=serializers.CharField()),
                                 help_text='From the current text to yours: [kind, line], kind in '
                                           '"hunk", "ctx", "add", "del".')


# --- revisions -------------------------------------------------------------------------
class RevisionOut(serializers.ModelSerializer):
    author = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = PageRevision
        fields = ["number", "title", "summary", "base_revision", "author", "created_at"]


class RevisionDetailOut(RevisionOut):
    html = serializers.SerializerMethodField(help_text="Its sanitized HTML, links resolved for you.")

    class Meta(RevisionOut.Meta):
        fields = [*RevisionOut.Meta.fields, "body", "html"]

    def get_html(self, revision: PageRevision) -> str:
        return resolve_links(revision.html, user=request_user(self), space=self.context["space"])


class DiffParams(serializers.Serializer):
    a = serializers.IntegerField(min_value=1, max_value=MAX_INT, required=False,
                                 help_text="The older revision (default: the one before b).")
    b = serializers.IntegerField(min_value=1, max_value=MAX_INT, required=False,
                                 help_text="The newer revision (default: the current one).")


class DiffLineOut(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["hunk", "ctx", "add", "del"])
    line = serializers.CharField()


class DiffOut(serializers.Serializer):
    a = serializers.IntegerField()
    b = serializers.IntegerField()
    a_title = serializers.CharField()
    b_title = serializers.CharField()
    title_changed = serializers.BooleanField()
    lines = DiffLineOut(many=True)


# --- templates -------------------------------------------------------------------------
class TemplateOut(serializers.ModelSerializer):
    team = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    required_sections = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = Template
        fields = ["kind", "name", "description", "body", "required_sections", "team", "builtin",
                  "created_at", "updated_at"]


class _TemplateFieldsIn(InputSerializer):
    name = serializers.CharField(max_length=120)
    description = serializers.CharField(max_length=300, allow_blank=True, required=False, default="")
    body = serializers.CharField(allow_blank=True, required=False, default="", trim_whitespace=False,
                          max_length=settings.WIKI_PAGE_MAX_CHARS)
    required_sections = serializers.ListField(child=serializers.CharField(max_length=200), required=False,
                                              default=list, max_length=100)


class TemplateCreateIn(_TemplateFieldsIn):
    kind = serializers.CharField(max_length=80, validators=[slug_validator],
                                 help_text="A stable key, e.g. experiment-log.")
    team = serializers.SlugRelatedField(slug_field="slug", queryset=Team.objects.all(),
                                        help_text="A team you lead or are a member of.")

    def validate_team(self, team: Team) -> Team:
        if not registry_permissions.can_create_in_team(request_user(self), team):
            raise serializers.ValidationError("You are not a lead or member of this team.")
        return team


class TemplateUpdateIn(_TemplateFieldsIn):
    refused_fields = {"kind": "The kind of a template cannot change.",
                      "team": "The team of a template cannot change.",
                      "builtin": "Built-in templates come with Almanac."}
    name = serializers.CharField(max_length=120, required=False)
    description = serializers.CharField(max_length=300, allow_blank=True, required=False)
    body = serializers.CharField(allow_blank=True, required=False, trim_whitespace=False,
                                 max_length=settings.WIKI_PAGE_MAX_CHARS)
    required_sections = serializers.ListField(child=serializers.CharField(max_length=200), required=False,
                                              max_length=100)
