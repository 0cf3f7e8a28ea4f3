"""Reviews of a page's revision: requests and approvals."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from config.exceptions import ApplicationError
from jobs.outbox import enqueue
from lifecycle import permissions
from lifecycle.models import Approval, ReviewRequest
from registry.models import Person
from registry.services import activity_record, save_validated
from wiki.models import Page


def page_approve(*, page: Page, revision: int, by: Person, comment: str = "") -> Approval:
    """`by`, a Reviewer of the page's project, approves revision `revision` of `page`."""
    return page_review(page=page, revision=revision, by=by, comment=comment,
                       decision=Approval.Decision.APPROVED)


@transaction.atomic
def page_review(*, page: Page, revision: int, decision: str, by: Person, comment: str = "") -> Approval:
    """`by`, a Reviewer of the page's project who wrote none of it, approves revision
    `revision` of `page`, requests changes to it or rejects it, with a comment."""
    if decision not in Approval.Decision.values:
        raise ValidationError({"decision": f"Unknown decision {decision!r}."})
    if decision != Approval.Decision.APPROVED and not comment.strip():
        raise ValidationError({"comment": "Say what should change."})
    page = Page.objects.select_for_update(of=("self",)).select_related("space__project").get(pk=page.pk)
    refusal = permissions.approval_refusal(by, page)
    if refusal:
        raise ApplicationError(refusal)
    if revision != page.revision:
        raise ApplicationError(
            f"Revision {revision} is not the current one (revision {page.revision}); "
            "reload the page and approve what it says now.")
    if page.approvals.filter(revision=revision, reviewer=by).exists():
        raise ApplicationError("You already reviewed this revision.")
    approval = Approval(page=page, revision=revision, reviewer=by, decision=decision,
                        comment=comment.strip()[:500])
    save_validated(approval)
    verb = {"approved": "approved", "changes_requested": "requested changes to",
            "rejected": "rejected"}[decision]
    changes: dict = {"revision": [None, revision]}
    if approval.comment:
        changes["comment"] = [None, approval.comment]
    activity_record(actor=by, verb=verb, target=page, changes=changes)
    enqueue("notifications.page_reviewed", approval_id=approval.pk)
    return approval


@transaction.atomic
def review_request(*, page: Page, by: Person) -> ReviewRequest:
    if not permissions.can_request_review(by, page):
        raise PermissionDenied
    if page.review_requests.filter(revision=page.revision).exists():
        raise ApplicationError(f"A review of revision {page.revision} is already requested.")
    request = ReviewRequest.objects.create(page=page, revision=page.revision, requested_by=by)
    activity_record(actor=by, verb="requested review", target=page,
                    changes={"revision": [None, page.revision]})
    enqueue("notifications.review_requested", review_request_id=request.pk)
    return request
