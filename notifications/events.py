"""Who is told what, for each thing that happens. Each function takes ids (they run in tasks,
possibly twice) and calls `services.notify`, whose key makes a repeat a no-op.

Lower apps ask for these through the outbox by task name (`notifications.tasks`), e.g.
`enqueue("notifications.review_requested", review_request_id=...)`.
"""

from __future__ import annotations

import re
from datetime import timedelta

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.models import ApiToken
from lifecycle import selectors as lifecycle_selectors
from lifecycle.gates import Context, evaluate
from lifecycle.models import ActionItem, Approval, ReviewRequest, Sprint
from monitoring.models import DriftEvent
from notifications.models import GateState, Kind
from notifications.services import notify
from registry import permissions as registry_permissions
from registry.models import DatasetVersion, Lineage, MLModel, ModelVersion, Person, Project, Role, Stage
from registry.visibility import WRITE_LEVELS
from wiki.models import Page, PageRevision
from wiki.selectors import page_project

MENTION = re.compile(r"(?<![\w@/.])@([A-Za-z0-9_.+-]*[A-Za-z0-9_])")


# --- who ----------------------------------------------------------------------------------
def project_owners(project: Project) -> QuerySet[Person]:
    """Who answers for a project: its team's leads and members, and its Owners."""
    return Person.objects.filter(
        Q(memberships__team_id=project.team_id, memberships__level__in=WRITE_LEVELS)
        | Q(role_assignments__project=project, role_assignments__role__slug=Role.OWNER)
    ).distinct()


def model_owners(model: MLModel) -> QuerySet[Person]:
    return Person.objects.filter(
        Q(pk__in=project_owners(model.project).values("pk"))
        | Q(role_assignments__model=model, role_assignments__role__slug=Role.OWNER)
    ).distinct()


def page_owners(page: Page) -> QuerySet[Person]:
    """Who wrote a page: its creator and every author of a revision."""
    authors = PageRevision.objects.filter(page=page).values("author_id")
    return Person.objects.filter(Q(pk=page.created_by_id) | Q(pk__in=authors)).distinct()


# --- reviews ------------------------------------------------------------------------------
def review_requested(*, review_request_id: int, reminder: bool = False) -> int:
    request = ReviewRequest.objects.select_related("page__space", "requested_by").filter(
        pk=review_request_id).first()
    if request is None or request.revision != request.page.revision:
        return 0
    page, project = request.page, page_project(request.page)
    if project is None:
        return 0
    authors = set(page.revisions.values_list("author_id", flat=True))
    done = set(page.approvals.filter(revision=request.revision).values_list("reviewer_id", flat=True))
    sent = 0
    for reviewer in Person.objects.filter(pk__in=registry_permissions.reviewers_of(project) - authors - done):
        if reminder:
            kind, key = Kind.REVIEW_WAITING, f"review-waiting:{request.pk}"
            text = f"“{page.title}” has been waiting for your review since {request.created_at:%d %b}"
        else:
            kind, key = Kind.REVIEW_REQUESTED, f"review-requested:{request.pk}"
            text = (f"{request.requested_by.name} asked you to review “{page.title}” "
                    f"(revision {request.revision})")
        sent += bool(notify(recipient=reviewer, kind=kind, text=text, target=page, key=key,
                            actor=None if reminder else request.requested_by))
    return sent


def page_reviewed(*, approval_id: int) -> int:
    approval = Approval.objects.select_related("page__space", "reviewer").filter(pk=approval_id).first()
    if approval is None:
        return 0
    page = approval.page
    kind, verb = {
        Approval.Decision.APPROVED: (Kind.REVIEW_APPROVED, "approved"),
        Approval.Decision.REJECTED: (Kind.REVIEW_REJECTED, "rejected"),
        Approval.Decision.CHANGES_REQUESTED: (Kind.REVIEW_CHANGES, "requested changes to"),
    }[approval.decision]
    requesters = ReviewRequest.objects.filter(page=page, revision=approval.revision).values("requested_by_id")
    people = Person.objects.filter(Q(pk__in=page_owners(page).values("pk")) | Q(pk__in=requesters)).distinct()
    text = f"{approval.reviewer.name} {verb} “{page.title}” (revision {approval.revision})"
    if approval.comment:
        text += f": {approval.comment}"
    sent = sum(bool(notify(recipient=person, kind=kind, text=text, target=page, actor=approval.reviewer,
                           key=f"reviewed:{approval.pk}")) for person in people)
    sent += mentioned(text=approval.comment, page=page, actor=approval.reviewer,
                      key=f"mention:approval:{approval.pk}", where="a review of")
    return sent


# --- pages: mentions, staleness, gates ------------------------------------------------------
def mentioned(*, text: str, page: Page, actor: Person | None, key: str, where: str = "",
              before: str = "") -> int:
    """Tell everyone `@named` in `text` (and not already in `before`) who may read `page`."""
    names = set(MENTION.findall(text)) - set(MENTION.findall(before))
    if not names:
        return 0
    sent = 0
    who = actor.name if actor else "Someone"
    for person in Person.objects.filter(username__in=names, is_active=True):
        sent += bool(notify(recipient=person, kind=Kind.MENTION, target=page, actor=actor,
                            text=f"{who} mentioned you in {where or 'the page'} “{page.title}”",
                            key=f"{key}:{person.pk}"))
    return sent


def page_saved(*, page_id: int, revision: int) -> int:
    """After a page's revision `revision`: the people it newly mentions, and the gates of its
    project it newly meets."""
    page = Page.objects.select_related("space__project").filter(pk=page_id).first()
    if page is None:
        return 0
    current = page.revisions.select_related("author").filter(number=revision).first()
    if current is None:
        return 0
    previous = page.revisions.filter(number=revision - 1).values_list("body", flat=True).first() or ""
    sent = mentioned(text=current.body, before=previous, page=page, actor=current.author,
                     key=f"mention:page:{page.pk}:r{revision}")
    project = page_project(page)
    if project is not None:
        sent += gates_check(project_id=project.pk, by_id=current.author_id)
    return sent


def gates_check(*, project_id: int, by_id: int | None = None) -> int:
    """Tell a project's owners of each gate to a next stage that became met since the last
    check (or is met at the first check, made when one of its pages is saved)."""
    project = Project.objects.filter(pk=project_id).first()
    if project is None:
        return 0
    ctx, sent = Context([project]), 0
    actor = Person.objects.filter(pk=by_id).first() if by_id else None
    for stage in project.allowed_next_stages():
        met = all(check.met for check in evaluate(project, stage, ctx, links=False))
        state, created = GateState.objects.get_or_create(project=project, stage=stage, defaults={"met": met})
        if not created:
            if state.met == met:
                continue
            GateState.objects.filter(pk=state.pk).update(met=met)
        if not met:
            continue
        label = Stage(stage).label
        for person in project_owners(project):
            sent += bool(notify(recipient=person, kind=Kind.GATE_MET, target=project, actor=actor,
                                text=f"{project.name} may now enter {label}: every required document "
                                     "is there",
                                key=f"gate-met:{project.pk}:{stage}:{timezone.now():%Y%m%d%H%M%S}"))
    return sent


def _stale_notice(page: Page, about: str) -> int:
    sent = 0
    for person in page_owners(page):
        sent += bool(notify(recipient=person, kind=Kind.PAGE_STALE, target=page,
                            text=f"“{page.title}” may be stale: {about} has a newer version",
                            key=f"stale:{page.pk}:r{page.revision}"))
    return sent


def version_added(*, model_version_id: int = 0, dataset_version_id: int = 0) -> int:
    """A new model or dataset version makes the pages documenting its asset stale."""
    if model_version_id:
        version = ModelVersion.objects.select_related("model").filter(pk=model_version_id).first()
        asset, pages = (version.model, version.model.documented_by.all()) if version else (None, None)
    else:
        version = DatasetVersion.objects.select_related("dataset").filter(pk=dataset_version_id).first()
        asset, pages = (version.dataset, version.dataset.documented_by.all()) if version else (None, None)
    if version is None:
        return 0
    pages = pages.filter(deleted_at__isnull=True, updated_at__lt=version.created_at).select_related("space")
    return sum(_stale_notice(page, str(asset)) for page in pages)


# --- caveats (Part 8) -----------------------------------------------------------------------
def caveat_raised(*, dataset_version_id: int, summary: str, caveat_key: str, url: str = "") -> int:
    """A caveat on a dataset version: the owners of every model version trained or evaluated
    on it, if they may read both the dataset version and their model version."""
    version = DatasetVersion.objects.select_related("dataset").filter(pk=dataset_version_id).first()
    if version is None:
        return 0
    sent = 0
    uses = Lineage.objects.filter(dataset_version=version).select_related("model_version__model__project")
    for use in uses:
        model_version = use.model_version
        for person in model_owners(model_version.model):
            sent += bool(notify(
                recipient=person, kind=Kind.CAVEAT_RAISED, target=version, url=url,
                also_about=(model_version,), key=f"{caveat_key}:{model_version.pk}",
                text=f"Caveat on {version.dataset.name} {version.label}, which {model_version} "
                     f"uses: {summary}"))
    return sent


# --- drift ------------------------------------------------------------------------------------
def drift_detected(*, drift_event_id: int) -> int:
    event = DriftEvent.objects.select_related("model_version__model__project", "report").filter(
        pk=drift_event_id).first()
    if event is None:
        return 0
    version = event.model_version
    people = Person.objects.filter(Q(pk__in=model_owners(version.model).values("pk"))
                                   | Q(pk=version.created_by_id)).distinct()
    url = event.report.get_absolute_url() if event.report_id else version.get_absolute_url()
    text = (f"Drift on {version}: {event.metric} = {event.value:g} breached its threshold "
            f"{event.threshold:g}; a drift report is open and retraining proposed")
    return sum(bool(notify(recipient=person, kind=Kind.DRIFT, target=version, url=url, text=text,
                           key=f"drift:{event.pk}")) for person in people)


# --- reminders on a schedule --------------------------------------------------------------------
def action_item_assigned(*, action_item_id: int, by_id: int | None = None) -> int:
    item = ActionItem.objects.select_related("owner", "project").filter(pk=action_item_id).first()
    if item is None or item.owner is None or item.status != ActionItem.Status.OPEN:
        return 0
    due = f", due {item.due_on:%d %b}" if item.due_on else ""
    actor = Person.objects.filter(pk=by_id).first() if by_id else None
    return int(bool(notify(recipient=item.owner, kind=Kind.ACTION_ASSIGNED, target=item, actor=actor,
                           text=f"Action item for you in {item.project.name}: {item.text}{due}",
                           key=f"assigned:{item.pk}:{item.owner_id}")))


def remind() -> dict[str, int]:
    """What the schedule reminds people of: action items due soon and overdue, retrospectives
    due, review requests left waiting, pages gone stale, API tokens about to expire."""
    today, now = timezone.localdate(), timezone.now()
    counts = dict.fromkeys(["due_soon", "overdue", "retro_due", "review_waiting", "stale", "tokens"], 0)
    soon = today + timedelta(days=settings.ACTION_ITEM_DUE_SOON_DAYS)
    items = ActionItem.objects.filter(
        status=ActionItem.Status.OPEN, owner__isnull=False, due_on__isnull=False, due_on__lte=soon,
    ).select_related("owner", "project")
    for item in items:
        overdue = item.due_on < today
        counts["overdue" if overdue else "due_soon"] += bool(notify(
            recipient=item.owner, target=item,
            kind=Kind.ACTION_OVERDUE if overdue else Kind.ACTION_DUE_SOON,
            text=(f"Overdue since {item.due_on:%d %b}" if overdue else f"Due {item.due_on:%d %b}")
            + f" in {item.project.name}: {item.text}",
            key=f"{'overdue' if overdue else 'due-soon'}:{item.pk}:{item.due_on}"))
    cutoff = lifecycle_selectors.latest_allowed_end(today)
    sprints = Sprint.objects.filter(
        project__stage__in=lifecycle_selectors.ACTIVE_STAGES, ends_on__lt=cutoff,
    ).filter(Q(retrospective__isnull=True) | Q(retrospective__sections_missing__gt=0)
             | Q(retrospective__deleted_at__isnull=False)).select_related("project")
    for sprint in sprints:
        for person in project_owners(sprint.project):
            counts["retro_due"] += bool(notify(
                recipient=person, kind=Kind.RETRO_DUE, target=sprint,
                text=f"The retrospective of {sprint} is due (the sprint ended {sprint.ends_on:%d %b})",
                key=f"retro-due:{sprint.pk}"))
    waited = now - timedelta(hours=settings.REVIEW_REMINDER_HOURS)
    for request_id in ReviewRequest.objects.filter(created_at__lt=waited).values_list("pk", flat=True):
        counts["review_waiting"] += review_requested(review_request_id=request_id, reminder=True)
    # every stale page, whoever reads it (a reader with staff's sight); `notify` checks each owner
    stale = lifecycle_selectors.stale_pages(user=Person(is_staff=True, is_active=True))
    for page in stale:
        counts["stale"] += _stale_notice(page, "what it documents")
    horizon = now + timedelta(days=settings.TOKEN_EXPIRY_NOTICE_DAYS)
    tokens = ApiToken.objects.filter(expires_at__gt=now, expires_at__lte=horizon).select_related("user")
    for token in tokens.filter(revoked_at__isnull=True):
        counts["tokens"] += bool(notify(
            recipient=token.user, kind=Kind.TOKEN_EXPIRING, target=token.user, url="/people/me/tokens/",
            text=f"Your API token “{token.name}” expires on {token.expires_at:%d %b %Y}",
            key=f"token-expiring:{token.pk}"))
    return counts
