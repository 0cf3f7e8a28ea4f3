"""Reviews of a page's revision: requests and approvals."""

from __future__ import annotations

from django.db import transaction

from config.exceptions import ApplicationError
from lifecycle import permissions
from lifecycle.models import Approval, ReviewRequest
from registry.models import Person
from registry.services import activity_record, save_validated
from wiki.models import Page


@transaction.atomic
def page_approve(*, page: Page, revision: int, by: Person, comment: str = "") -> Approval:
    """`by`, a Reviewer of the page's project, approves revision `revision` of `page`."""
    page = Page.objects.select_for_update().select_related("space__project").get(pk=page.pk)
    refusal = permissions.approval_refusal(by, page)
    if refusal:
        raise ApplicationError(refusal)
    if revision != page.revision:
        raise ApplicationError(
            f"Revision {revision} is not the current one (revision {page.revision}); "
            "reload the page and approve what it says now.")
    if page.approvals.filter(revision=revision, reviewer=by).exists():
        raise ApplicationError("You already approved this revision.")
    approval = Approval(page=page, revision=revision, reviewer=by, comment=comment.strip()[:500])
    save_validated(approval)
    activity_record(actor=by, verb="approved", target=page, changes={"revision": [None, revision]})
    return approval


@transaction.atomic
def review_request(*, page: Page, by: Person) -> ReviewRequest:
    if page.review_requests.filter(revision=page.revision).exists():
        raise ApplicationError(f"A review of revision {page.revision} is already requested.")
    request = ReviewRequest.objects.create(page=page, revision=page.revision, requested_by=by)
    activity_record(actor=by, verb="requested review", target=page,
                    changes={"revision": [None, page.revision]})
    return request
