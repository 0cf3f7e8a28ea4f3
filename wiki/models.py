"""The wiki: spaces, pages with append-only revisions, links and templates."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.urls import reverse

from registry.models import (
    Dataset,
    MLModel,
    ModelVersion,
    Person,
    Project,
    Tag,
    Team,
    slug_validator,
)
from registry.visibility import VisibleQuerySet, project_q


class Space(models.Model):
    """Where pages live: one global space, one per team, one per project.

    `key` is the stable URL segment: `global`, `team-<slug>` or `project-<slug>` (team and
    project slugs never change after creation).
    """

    class Kind(models.TextChoices):
        GLOBAL = "global", "Global"
        TEAM = "team", "Team"
        PROJECT = "project", "Project"

    key = models.CharField(max_length=100, unique=True)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    team = models.OneToOneField(Team, on_delete=models.CASCADE, null=True, blank=True,
                                related_name="wiki_space")
    project = models.OneToOneField(Project, on_delete=models.CASCADE, null=True, blank=True,
                                   related_name="wiki_space")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "key"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind="global", team__isnull=True, project__isnull=True)
                    | Q(kind="team", team__isnull=False, project__isnull=True)
                    | Q(kind="project", team__isnull=True, project__isnull=False)
                ),
                name="space_kind_matches_owner",
            ),
        ]

    def __str__(self) -> str:
        if self.kind == self.Kind.TEAM:
            return f"{self.team.name} wiki"
        if self.kind == self.Kind.PROJECT:
            return f"{self.project.name} wiki"
        return "Global wiki"

    def get_absolute_url(self) -> str:
        return reverse("wiki:space", args=[self.key])

    def activity_home(self) -> Project | None:
        return self.project if self.project_id else None


class Template(models.Model):
    """A page skeleton with required sections. Built-in ones come by migration."""

    kind = models.SlugField(max_length=80, unique=True, validators=[slug_validator],
                            help_text="A stable key, e.g. model-card.")
    name = models.CharField(max_length=120)
    description = models.CharField(max_length=300, blank=True)
    body = models.TextField(blank=True, help_text="The markdown skeleton a new page starts from.")
    required_sections = models.JSONField(default=list, blank=True)
    team = models.ForeignKey(Team, on_delete=models.CASCADE, null=True, blank=True,
                             related_name="wiki_templates")
    builtin = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-builtin", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("wiki:template_detail", args=[self.kind])


class PageQuerySet(VisibleQuerySet):
    """A page in a project's space is read by whoever reads the project; team and global
    spaces by every signed-in person."""

    def rule(self, user: object) -> Q:
        return Q(space__project__isnull=True) | project_q(user, "space__project__")

    def live(self) -> PageQuerySet:
        """Not in the trash."""
        return self.filter(deleted_at__isnull=True)


class Page(models.Model):
    space = models.ForeignKey(Space, on_delete=models.PROTECT, related_name="pages")
    slug = models.SlugField(max_length=120, validators=[slug_validator])
    title = models.CharField(max_length=200)
    parent = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="children")
    body = models.TextField(blank=True)
    html = models.TextField(blank=True, help_text="Sanitized HTML of the current revision.")
    tags = models.ManyToManyField(Tag, blank=True, related_name="pages")
    template = models.ForeignKey(Template, on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="pages")
    documents_projects = models.ManyToManyField(Project, blank=True, related_name="documented_by")
    documents_datasets = models.ManyToManyField(Dataset, blank=True, related_name="documented_by")
    documents_models = models.ManyToManyField(MLModel, blank=True, related_name="documented_by")
    documents_model_versions = models.ManyToManyField(ModelVersion, blank=True,
                                                      related_name="documented_by")
    revision = models.PositiveIntegerField(default=0, help_text="Number of the current revision.")
    sections_missing = models.PositiveIntegerField(
        default=0, help_text="Required sections of its template still empty (kept by the services).")
    created_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    updated_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    deleted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PageQuerySet.as_manager()

    class Meta:
        ordering = ["title", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["space", "slug"], name="page_slug_unique_in_space"),
        ]
        indexes = [
            models.Index(fields=["space", "title"]),
            models.Index(fields=["-updated_at"]),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("wiki:page", args=[self.space.key, self.slug])

    def activity_home(self) -> Project | None:
        return self.space.activity_home()

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


# The many-to-many field of Page that holds each kind of documented object.
DOC_FIELDS: dict[type, str] = {Project: "documents_projects", Dataset: "documents_datasets",
                               MLModel: "documents_models", ModelVersion: "documents_model_versions"}


class PageRevision(models.Model):
    """One saved state of a page. Append-only: edits and reverts add rows."""

    page = models.ForeignKey(Page, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    html = models.TextField(blank=True)
    summary = models.CharField(max_length=300, blank=True)
    tags = models.JSONField(null=True, blank=True, help_text="Tag names at this revision.")
    documents = models.JSONField(null=True, blank=True,
                                 help_text="What the page documented at this revision (model:slug@3…).")
    base_revision = models.PositiveIntegerField(null=True, blank=True)
    author = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["page", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["page", "number"], name="page_revision_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.page} r{self.number}"


class PageLink(models.Model):
    """A wiki link found in a page's current revision; rebuilt on every save."""

    from_page = models.ForeignKey(Page, on_delete=models.CASCADE, related_name="outgoing_links")
    to_page = models.ForeignKey(Page, on_delete=models.CASCADE, null=True, blank=True,
                                related_name="incoming_links")
    to_project = models.ForeignKey(Project, on_delete=models.CASCADE, null=True, blank=True,
                                   related_name="wiki_links")
    to_dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, null=True, blank=True,
                                   related_name="wiki_links")
    to_model = models.ForeignKey(MLModel, on_delete=models.CASCADE, null=True, blank=True,
                                 related_name="wiki_links")
    to_model_version = models.ForeignKey(ModelVersion, on_delete=models.CASCADE, null=True,
                                         blank=True, related_name="wiki_links")

    def __str__(self) -> str:
        target = self.to_page or self.to_project or self.to_dataset or self.to_model \
            or self.to_model_version
        return f"{self.from_page} → {target}"
