"""What a newcomer tripped on in the first thirty minutes (issue #15, "Found", UI items), each
fixed and kept so. The two layout ones (the board's columns, a retrospective's action items in
the side column) are measured in a real browser: tests/browser/test_layout.py."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from lifecycle import selectors, services
from registry import services as registry_services
from registry.models import Stage
from tests.factories import ModelVersionFactory
from tests.lifecycle.conftest import at_stage

pytestmark = pytest.mark.django_db


@pytest.fixture
def sprint(project, member):
    return services.sprint_create(project=project, starts_on=date(2026, 1, 5),
                                  ends_on=date(2026, 1, 16), goal="Baseline", by=member)


def test_action_items_list_open_and_overdue_before_done_and_dropped(client, member, sprint):
    today = timezone.localdate()
    for text, status, due in [("Done one", "done", today - timedelta(days=9)),
                              ("Dropped one", "dropped", today - timedelta(days=9)),
                              ("Open later", "open", today + timedelta(days=9)),
                              ("Open undated", "open", None),
                              ("Open overdue", "open", today - timedelta(days=2))]:
        item = services.action_item_add(sprint=sprint, text=text, due_on=due, by=member)
        services.action_item_update(item=item, status=status, by=member)
    client.force_login(member)
    page = client.get("/action-items/").content.decode()
    order = sorted(["Done one", "Dropped one", "Open later", "Open undated", "Open overdue"],
                   key=page.index)
    assert order[:3] == ["Open overdue", "Open later", "Open undated"]
    api = [i["text"] for i in _api(member).get("/api/v1/action-items/").json()["results"]]
    assert api[:3] == ["Open overdue", "Open later", "Open undated"]


def _api(person):
    from rest_framework.test import APIClient

    from accounts.services import api_token_create

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {api_token_create(user=person, name='t')[1]}")
    return client


def test_coverage_names_the_project_of_each_overdue_action_item(client, member, sprint):
    services.action_item_add(sprint=sprint, text="Backfill labels", by=member,
                             due_on=timezone.localdate() - timedelta(days=3))
    client.force_login(member)
    page = client.get("/coverage/").content.decode()
    line = page[page.index("Backfill labels"):][:400]
    assert sprint.project.name in line


def test_a_gate_refusal_reads_as_one_sentence(client, member, project, model):
    ModelVersionFactory(model=model, number=1, created_by=member)
    at_stage(project, Stage.VALIDATION)
    client.force_login(member)
    text = client.post(f"/projects/{project.slug}/transition/", {"stage": "deployment"}).content.decode()
    assert "Cannot enter Deployment" in text and ".;" not in text and "..;" not in text


def test_assigning_a_role_changing_an_item_or_a_version_says_it_was_done(
        client, lead, member, project, sprint, model_version, role):
    client.force_login(lead)
    response = client.post(f"/projects/{project.slug}/roles/",
                           {"role": role("stakeholder").pk, "person": member.pk}, follow=True)
    assert "is now Stakeholder of Fraud" in response.content.decode()
    item = services.action_item_add(sprint=sprint, text="Write it down", by=lead)
    response = client.post(f"/action-items/{item.pk}/", {"status": "done"}, follow=True)
    assert "is done" in response.content.decode()
    response = client.post(f"{model_version.get_absolute_url()}status/", {"status": "staging"},
                           follow=True)
    assert "is staging" in response.content.decode()


def test_a_started_retrospective_is_not_a_written_one(client, member, project, sprint):
    """'Write retrospective' starts the page from the template: until its required sections
    are filled in, the sprint's retrospective is still overdue (the gates agree)."""
    assert sprint.ends_on < selectors.latest_allowed_end()
    page = services.retrospective_write(sprint=sprint, by=member)
    assert selectors.overdue_retrospectives(user=member).filter(pk=sprint.pk).exists()
    client.force_login(member)
    assert "section" in client.get(sprint.get_absolute_url()).content.decode()
    from wiki.models import Template
    from wiki.services import page_update

    required = Template.objects.get(kind="retrospective").required_sections
    body = "\n\n".join(f"## {title}\n\nWritten." for title in required)
    page_update(page=page, title=page.title, body=body, base_revision=page.revision, by=member)
    assert not selectors.overdue_retrospectives(user=member).filter(pk=sprint.pk).exists()


def test_the_dashboard_says_just_now_and_reads_its_changes_in_words(client, member, team):
    project = registry_services.project_create(slug="fresh", name="Fresh", team=team, by=member)
    from wiki.services import page_create, space_for

    page_create(space=space_for(project), title="Charter", body="Text.\n", by=member)
    client.force_login(member)
    page = client.get("/").content.decode()
    assert "just now" in page and "0 minutes ago" not in page
    assert "revision: — → 1" not in page and "—\xa0→" not in page
