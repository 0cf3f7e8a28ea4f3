"""The lifecycle tied to its documentation: gate requirements, approvals, sprints and
their retrospectives, and action items. This app sits above `registry` and `wiki`."""

from __future__ import annotations

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Case, F, Q, Value, When
from django.urls import reverse

from registry.models import Person, Project, Stage
from registry.visibility import VisibleQuerySet, project_q
from wiki.models import Page


class Requirement(models.Model):
    """For entering `stage`, a page from `template_kind` must document the target."""

    class Scope(models.TextChoices):
        PROJECT = "project", "the project"
        EACH_DATASET = "each_dataset", "each linked dataset"
        CANDIDATE_MODEL = "candidate_model", "the candidate model"

    class Decision(models.TextChoices):
        NONE = "", "no decision needed"
        GO = "go", "go"
        NO_GO = "no-go", "no-go"

    stage = models.CharField(max_length=20, choices=Stage.choices)
    template_kind = models.SlugField(max_length=80, help_text="The template's kind, e.g. model-card.")
    scope = models.CharField(max_length=20, choices=Scope.choices, default=Scope.PROJECT)
    must_be_complete = models.BooleanField(
        default=True, help_text="Every required section of the template is filled in."
    )
    decision = models.CharField(max_length=6, choices=Decision.choices, blank=True, default="")
    extra_sections = models.JSONField(
        default=list, blank=True, help_text="Sections that must be filled in besides the template's."
    )
    needs_approval = models.BooleanField(
        default=False, help_text="The current revision is approved by a Reviewer of the project."
    )
    label = models.CharField(max_length=160, help_text="What people read, e.g. 'complete model card'.")
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["stage", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["stage", "template_kind", "scope"],
                                    name="requirement_unique"),
            models.CheckConstraint(condition=Q(stage__in=Stage.values), name="requirement_stage_valid"),
        ]

    def __str__(self) -> str:
        return f"{Stage(self.stage).label}: {self.label} for {self.get_scope_display()}"


class Approval(models.Model):
    """A Reviewer's decision on one revision of a page: approved, rejected or changes
    requested, with a comment. An approval is void once the page has a newer revision."""

    class Decision(models.TextChoices):
        APPROVED = "approved", "Approved"
        CHANGES_REQUESTED = "changes_requested", "Changes requested"
        REJECTED = "rejected", "Rejected"

    page = models.ForeignKey(Page, on_delete=models.CASCADE, related_name="approvals")
    revision = models.PositiveIntegerField()
    reviewer = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="approvals")
    decision = models.CharField(max_length=20, choices=Decision.choices, default=Decision.APPROVED)
    comment = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["page", "revision", "reviewer"], name="approval_unique"),
            models.CheckConstraint(
                condition=Q(decision__in=["approved", "changes_requested", "rejected"]),
                name="approval_decision_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.reviewer}: {self.get_decision_display().lower()} {self.page} r{self.revision}"

    @property
    def approves(self) -> bool:
        return self.decision == self.Decision.APPROVED

    @property
    def is_void(self) -> bool:
        return self.page.revision != self.revision


class ReviewRequest(models.Model):
    page = models.ForeignKey(Page, on_delete=models.CASCADE, related_name="review_requests")
    revision = models.PositiveIntegerField()
    requested_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Review of {self.page} r{self.revision} requested by {self.requested_by}"


class Sprint(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="sprints")
    number = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    starts_on = models.DateField()
    ends_on = models.DateField()
    goal = models.TextField(blank=True)
    retrospective = models.OneToOneField(
        Page, on_delete=models.SET_NULL, null=True, blank=True, related_name="sprint"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["project", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["project", "number"], name="sprint_unique"),
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="sprint_dates_ordered"),
        ]

    def __str__(self) -> str:
        return f"{self.project.name} sprint {self.number}"

    def get_absolute_url(self) -> str:
        return reverse("lifecycle:sprint_detail", args=[self.project.slug, self.number])

    def activity_home(self) -> Project | None:
        return self.project


class ActionItemQuerySet(VisibleQuerySet):
    """An action item is read by whoever reads its project."""

    def rule(self, user: object) -> Q:
        return project_q(user, "project__")

    def open_first(self) -> ActionItemQuerySet:
        """Open items first, the most overdue first, undated last; then done and dropped."""
        closed = Case(When(status="open", then=Value(0)), default=Value(1))
        return self.order_by(closed, F("due_on").asc(nulls_last=True), "pk")


class ActionItem(models.Model):
    """A follow-up agreed in a retrospective; open ones carry over to the next one."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        DONE = "done", "Done"
        DROPPED = "dropped", "Dropped"

    sprint = models.ForeignKey(Sprint, on_delete=models.CASCADE, related_name="action_items")
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="action_items")
    text = models.CharField(max_length=500)
    owner = models.ForeignKey(Person, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="action_items")
    due_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)
    created_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ActionItemQuerySet.as_manager()

    class Meta:
        ordering = ["status", "due_on", "pk"]
        indexes = [models.Index(fields=["project", "status"]), models.Index(fields=["owner", "status"])]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=["open", "done", "dropped"]),
                                   name="action_item_status_valid"),
        ]

    def __str__(self) -> str:
        return self.text

    def get_absolute_url(self) -> str:
        return self.sprint.get_absolute_url() + f"#item-{self.pk}"

    def activity_home(self) -> Project | None:
        return self.project
