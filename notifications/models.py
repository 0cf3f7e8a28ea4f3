"""What a person must know or do, in the app and by email, and how each person wants it."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from registry.models import Person, Project
from registry.visibility import project_q, sees_all


class Kind(models.TextChoices):
    REVIEW_REQUESTED = "review_requested", "A review is requested from you"
    REVIEW_WAITING = "review_waiting", "A review has been waiting for you"
    REVIEW_APPROVED = "review_approved", "Your page was approved"
    REVIEW_REJECTED = "review_rejected", "Your page was rejected"
    REVIEW_CHANGES = "review_changes", "Changes were requested on your page"
    ACTION_ASSIGNED = "action_assigned", "An action item was assigned to you"
    ACTION_DUE_SOON = "action_due_soon", "Your action item is due soon"
    ACTION_OVERDUE = "action_overdue", "Your action item is overdue"
    RETRO_DUE = "retro_due", "A retrospective is due"
    PAGE_STALE = "page_stale", "A page you own has gone stale"
    CAVEAT_RAISED = "caveat_raised", "A caveat was raised on data your model uses"
    DRIFT = "drift", "Drift was detected on your model"
    GATE_MET = "gate_met", "A gate of your project is newly met"
    MENTION = "mention", "You were mentioned"
    TOKEN_EXPIRING = "token_expiring", "Your API token expires soon"


class NotificationQuerySet(models.QuerySet):
    def of(self, user: object) -> NotificationQuerySet:
        """`user`'s notifications whose subject `user` may read now (a project made private
        since takes its notifications off the list, the count and the emails)."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        mine = self.filter(recipient=user)
        if sees_all(user):
            return mine
        return mine.filter(Q(scope_project__isnull=True) | project_q(user, "scope_project__"))

    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    class Email(models.TextChoices):
        NONE = "none", "Not emailed"
        PENDING = "pending", "Waiting to be sent"
        DIGEST = "digest", "Waiting for the daily digest"
        SENT = "sent", "Sent"
        FAILED = "failed", "Could not be sent"
        WITHHELD = "withheld", "Not sent: no longer visible to the recipient"

    recipient = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    text = models.CharField(max_length=300)
    url = models.CharField(max_length=500, blank=True)
    actor = models.ForeignKey(Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    scope_project = models.ForeignKey(
        Project, on_delete=models.CASCADE, null=True, blank=True, related_name="+",
        help_text="The project its subject lives under: read only while the recipient reads it.")
    key = models.CharField(max_length=200, help_text="What it is about: the same key notifies once.")
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    email = models.CharField(max_length=10, choices=Email.choices, default=Email.NONE)
    emailed_at = models.DateTimeField(null=True, blank=True)
    email_error = models.CharField(max_length=300, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["recipient", "key"], name="notification_once")]
        indexes = [models.Index(fields=["recipient", "read_at"]),
                   models.Index(fields=["email", "created_at"])]

    def __str__(self) -> str:
        return self.text


class Preference(models.Model):
    """How `person` wants notifications of `kind`: by email at once (the default, with no
    row), in one daily digest, or not at all (muted)."""

    class Mode(models.TextChoices):
        INSTANT = "instant", "Email each one"
        DIGEST = "digest", "Daily digest"
        APP = "app", "In Almanac only"
        MUTED = "muted", "Muted"

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="notification_preferences")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    mode = models.CharField(max_length=10, choices=Mode.choices, default=Mode.INSTANT)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person", "kind"], name="preference_unique")]

    def __str__(self) -> str:
        return f"{self.person}: {self.kind} {self.mode}"


class Digest(models.Model):
    """One daily digest email sent to a person: at most one a day."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    count = models.PositiveIntegerField(default=0)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person", "day"], name="digest_daily")]

    def __str__(self) -> str:
        return f"Digest for {self.person} on {self.day}"


class GateState(models.Model):
    """Whether a project's gate into `stage` was met when last checked: a change to met is
    announced once."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="+")
    stage = models.CharField(max_length=20)
    met = models.BooleanField(default=False)
    checked_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["project", "stage"], name="gate_state_unique")]

    def __str__(self) -> str:
        return f"{self.project} → {self.stage}: {'met' if self.met else 'unmet'}"
