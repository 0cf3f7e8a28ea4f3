"""Who may do what in the lifecycle: move a stage, override a gate, change a version's status,
approve a page, request a review, plan sprints and edit action items.

Built on registry.permissions; views, the API and the services all ask these predicates.
"""

from __future__ import annotations

from registry import permissions as registry_permissions
from registry.models import ModelVersion, Project
from registry.permissions import User
from wiki import permissions as wiki_permissions
from wiki.models import Page
from wiki.selectors import page_project


def can_move_stage(user: User, project: Project) -> bool:
    """Move a project to its next stage (its gate still applies): whoever may edit it."""
    return registry_permissions.can_edit_project(user, project)


def can_override_gates(user: User) -> bool:
    """Move a project past an unmet documentation gate, with a reason: staff."""
    return bool(user.is_authenticated and user.is_staff)


def can_change_version_status(user: User, version: ModelVersion) -> bool:
    """Stage, promote (through the promotion gate) or archive a version: its model's editors."""
    return registry_permissions.can_edit_model(user, version.model)


def can_plan(user: User, project: Project) -> bool:
    """Plan sprints, write retrospectives, add and update action items: the project's editors."""
    return registry_permissions.can_edit_project(user, project)


def approval_refusal(user: User, page: Page) -> str:
    """Why `user` may not review `page` ("" when they may). Separation of duties: it takes the
    Reviewer role on the project the page belongs to, granted by someone else, and nobody
    reviews a page they wrote or co-wrote (any revision of it)."""
    project = page_project(page)
    if project is None or not registry_permissions.is_reviewer_of_project(user, project):
        return ("Only a person holding the Reviewer role on the project, granted by someone "
                "else, may review.")
    if page.revisions.filter(author=user).exists():
        return "You wrote part of this page: another Reviewer must review it."
    return ""


def can_approve(user: User, page: Page) -> bool:
    return not approval_refusal(user, page)


def can_request_review(user: User, page: Page) -> bool:
    """Ask the Reviewers of the project a page belongs to to review it: the page's editors."""
    return page_project(page) is not None and wiki_permissions.can_edit_page(user, page)
