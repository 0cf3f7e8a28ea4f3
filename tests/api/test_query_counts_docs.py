"""The wiki's and the lifecycle's list endpoints cost a bounded number of queries."""

from datetime import date, timedelta

import pytest

from lifecycle import services as lifecycle_services
from lifecycle.models import Sprint
from registry.models import RoleAssignment
from tests.factories import PersonFactory, ProjectFactory
from wiki import services as wiki_services
from wiki.models import Page, Template

pytestmark = pytest.mark.django_db

BUDGET = 14
PAGE = "/api/v1/spaces/project-fraud/pages/runbook/"


def grow(n: int, *, team, project, member, role) -> None:
    space = wiki_services.space_for(project)
    runbook = Page.objects.get(space=space, slug="runbook")
    sprint = Sprint.objects.get(project=project, number=1)
    reviewer_role = role("reviewer")
    for _ in range(n):
        other = ProjectFactory(team=team, visibility="private")
        wiki_services.space_for(other)
        person = PersonFactory()
        RoleAssignment.objects.create(role=reviewer_role, person=person, project=project)
        page = wiki_services.page_create(space=space, title=f"Page {Page.objects.count()}", by=member,
                                         body="[[Runbook]] and [[project:fraud]]\n", tags=["a", "b"],
                                         parent=runbook, documents=[project])
        lifecycle_services.page_approve(page=page, revision=1, by=person)
        runbook = wiki_services.page_update(page=runbook, title="Runbook", body=f"{runbook.body}more\n",
                                            base_revision=runbook.revision, by=member).page
        lifecycle_services.page_approve(page=runbook, revision=runbook.revision, by=person)
        lifecycle_services.review_request(page=runbook, by=member)
        lifecycle_services.action_item_add(sprint=sprint, text="Do it", owner=person, by=member,
                                           due_on=date(2026, 1, 1))
        last = Sprint.objects.filter(project=project).order_by("-number").first()
        lifecycle_services.sprint_create(project=project, starts_on=last.ends_on + timedelta(days=1),
                                         ends_on=last.ends_on + timedelta(days=10), by=member)
        Template.objects.create(kind=f"t-{Template.objects.count()}", name="T", team=team)
        wiki_services.page_delete(page=wiki_services.page_create(
            space=space, title=f"Gone {Page.objects.count()}", by=member, body="x\n"), by=member)


LISTS = [
    "/api/v1/spaces/", "/api/v1/pages/", "/api/v1/pages/?tag=a", "/api/v1/pages/?documents=project:fraud",
    "/api/v1/spaces/project-fraud/pages/", "/api/v1/spaces/project-fraud/trash/", f"{PAGE}revisions/",
    f"{PAGE}approvals/", f"{PAGE}review-requests/", "/api/v1/templates/",
    "/api/v1/projects/fraud/sprints/", "/api/v1/projects/fraud/sprints/1/action-items/",
    "/api/v1/action-items/", "/api/v1/action-items/?overdue=true&mine=false",
    "/api/v1/projects/fraud/sprints/1/", PAGE,
]


@pytest.mark.parametrize("persona", ["outsider", "member", "staff"])
@pytest.mark.parametrize("url", LISTS)
def test_doc_list_queries_do_not_grow_with_rows(request, token_client, django_assert_max_num_queries,
                                                team, project, member, role, persona, url):
    if persona == "outsider" and url.endswith("/trash/"):
        pytest.skip("the trash is for the space's editors (403 to an outsider)")
    request.getfixturevalue("outsider")
    space = wiki_services.space_for(project)
    wiki_services.page_create(space=space, title="Runbook", body="start\n", by=member)
    lifecycle_services.sprint_create(project=project, starts_on=date(2026, 1, 5),
                                     ends_on=date(2026, 1, 16), by=member)
    client = token_client(request.getfixturevalue(persona))
    client.get("/api/v1/roles/")  # the token's first use writes last_used_at once
    counts = []
    for size in (2, 12):
        grow(size - (2 if size == 12 else 0), team=team, project=project, member=member, role=role)
        with django_assert_max_num_queries(BUDGET) as captured:
            response = client.get(url)
        assert response.status_code == 200, response.content
        counts.append(len(captured))
    assert counts[0] == counts[1], counts
