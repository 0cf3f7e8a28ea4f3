"""The dashboard's "my work": reviews waiting for me, my open action items (overdue first), my
pages gone stale, the gates blocking my projects, then my projects."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django.utils.html import escape

from lifecycle import services
from registry.models import RoleAssignment
from tests.factories import ModelVersionFactory, PersonFactory, ProjectFactory


@pytest.fixture
def outside_reviewer(project, role, other_team):
    """A Reviewer of `project` who is not in its team (like the demo's ivan)."""
    person = PersonFactory(username="ivan")
    RoleAssignment.objects.create(role=role("reviewer"), person=person, project=project)
    return person


def section(html: str, name: str) -> str:
    start = html.index(f'id="{name}"')
    return html[start:html.index("</div>", start)]


def test_a_reviewer_outside_the_team_sees_the_review_waiting_and_the_project(
        client, write, project, member, outside_reviewer):
    page = write("ethics-bias-review", project, by=member)
    services.review_request(page=page, by=member)
    client.force_login(outside_reviewer)
    html = client.get("/").content.decode()
    assert escape(page.title) in section(html, "my-reviews")
    assert f'<a href="{project.get_absolute_url()}">{project.name}</a>' in html
    services.page_review(page=page, revision=1, decision="approved", by=outside_reviewer)
    assert "No review is waiting for you." in client.get("/").content.decode()


def test_a_review_of_a_page_i_wrote_or_of_an_old_revision_is_not_waiting_for_me(
        client, write, edit, project, member, outside_reviewer):
    page = write("ethics-bias-review", project, by=member)
    services.review_request(page=page, by=member)
    edit(page, by=member, body=page.body + "\n\nMore.")
    client.force_login(outside_reviewer)
    assert "No review is waiting for you." in client.get("/").content.decode()


def test_my_open_action_items_overdue_first(client, project, member, lead):
    today = timezone.localdate()
    sprint = services.sprint_create(project=project, starts_on=today, ends_on=today, by=lead)
    services.action_item_add(sprint=sprint, text="Later", by=lead, owner=member,
                             due_on=today + timedelta(days=9))
    services.action_item_add(sprint=sprint, text="Late", by=lead, owner=member,
                             due_on=today - timedelta(days=2))
    done = services.action_item_add(sprint=sprint, text="Done", by=lead, owner=member)
    services.action_item_update(item=done, by=lead, status="done")
    services.action_item_add(sprint=sprint, text="Not mine", by=lead, owner=lead)
    client.force_login(member)
    items = section(client.get("/").content.decode(), "my-action-items")
    assert items.index("Late") < items.index("Later") and "overdue" in items
    assert "Done" not in items and "Not mine" not in items


def test_my_stale_pages_and_the_gates_blocking_my_projects(client, write, project, model, member):
    card = write("model-card", model, by=member)
    ModelVersionFactory(model=model, number=7, created_by=member)
    client.force_login(member)
    html = client.get("/").content.decode()
    assert escape(card.title) in section(html, "my-stale-pages")
    gates = section(html, "my-gates")
    assert 'Fraud</a> → Data discovery: <span class="small">missing Project charter for Fraud' in gates


def test_my_work_names_nothing_i_cannot_see(client, write, private_project, member, outsider, role):
    page = write("ethics-bias-review", private_project, by=member)
    services.review_request(page=page, by=member)
    client.force_login(outsider)
    html = client.get("/").content.decode()
    assert escape(page.title) not in html and private_project.name not in html


def test_my_work_costs_the_same_queries_at_two_sizes(client, team, member, lead, outside_reviewer,
                                                    write, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(outside_reviewer)
    today = timezone.localdate()
    counts = []
    for size in (1, 8):
        for n in range(size):
            project = ProjectFactory(team=team)
            RoleAssignment.objects.create(role=outside_reviewer.role_assignments.first().role,
                                          person=outside_reviewer, project=project)
            page = write("ethics-bias-review", project, by=member)
            services.review_request(page=page, by=member)
            sprint = services.sprint_create(project=project, starts_on=today, ends_on=today, by=lead)
            services.action_item_add(sprint=sprint, text=f"Item {n}", by=lead, owner=outside_reviewer,
                                     due_on=today - timedelta(days=n))
        with django_assert_max_num_queries(40), CaptureQueriesContext(connection) as queries:
            assert client.get("/").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
