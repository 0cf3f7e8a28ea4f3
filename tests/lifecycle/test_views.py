"""The lifecycle through the web UI, including bad input and bounded queries."""

from datetime import date

import pytest

from lifecycle import services
from lifecycle.models import ActionItem, Sprint
from registry.models import Stage
from tests.factories import ProjectFactory
from tests.lifecycle.conftest import at_stage


def test_the_project_page_shows_the_checklist_with_a_link_to_start_the_missing_page(
        client, member, project):
    client.force_login(member)
    page = client.get(project.get_absolute_url()).content.decode()
    assert "To enter Data discovery" in page
    assert "Start the project charter" in page
    assert "template=project-charter" in page


def test_a_blocked_transition_shows_what_is_missing_and_changes_nothing(client, member, project):
    client.force_login(member)
    response = client.post(f"/projects/{project.slug}/transition/", {"stage": "data_discovery"})
    assert response.status_code == 400
    assert "Cannot enter Data discovery" in response.content.decode()
    project.refresh_from_db()
    assert project.stage == "proposed"


def test_staff_override_from_the_ui_shows_in_the_timeline(client, staff, project):
    client.force_login(staff)
    response = client.post(f"/projects/{project.slug}/transition/",
                           {"stage": "data_discovery", "override_reason": "Signed on paper"})
    assert response.status_code == 302
    assert "Override: Signed on paper" in client.get(project.get_absolute_url()).content.decode()


def test_the_gate_checklist_page(client, member, project):
    client.force_login(member)
    assert client.get(f"/projects/{project.slug}/gates/deployment/").status_code == 200
    assert client.get(f"/projects/{project.slug}/gates/launch/").status_code == 404


def test_planning_a_sprint_and_writing_its_retrospective(client, member, project):
    client.force_login(member)
    response = client.post(f"/projects/{project.slug}/sprints/",
                           {"starts_on": "2026-11-02", "ends_on": "2026-11-13", "goal": "Baseline"})
    assert response.status_code == 302
    response = client.post(f"/projects/{project.slug}/sprints/1/retrospective/")
    assert response.status_code == 302
    sprint = Sprint.objects.get(project=project)
    assert sprint.retrospective is not None
    assert client.get(sprint.retrospective.get_absolute_url()).status_code == 200


@pytest.mark.parametrize("data", [
    {"starts_on": "2026-11-13", "ends_on": "2026-11-02"},
    {"starts_on": "not a date", "ends_on": "2026-11-02"},
    {},
])
def test_a_bad_sprint_is_a_form_error(client, member, project, data):
    client.force_login(member)
    response = client.post(f"/projects/{project.slug}/sprints/", data)
    assert response.status_code == 400
    assert not Sprint.objects.exists()


def test_a_viewer_cannot_plan_sprints(client, viewer, project):
    client.force_login(viewer)
    response = client.post(f"/projects/{project.slug}/sprints/",
                           {"starts_on": "2026-11-02", "ends_on": "2026-11-13"})
    assert response.status_code == 403


def test_action_items_are_added_and_closed_from_the_sprint_page(client, member, project):
    sprint = services.sprint_create(project=project, starts_on=date(2026, 11, 2),
                                    ends_on=date(2026, 11, 13), by=member)
    client.force_login(member)
    client.post(f"/projects/{project.slug}/sprints/1/items/",
                {"text": "Add holdout", "owner": "member", "due_on": "2026-12-01"})
    item = ActionItem.objects.get(sprint=sprint)
    assert item.owner == member
    client.post(f"/action-items/{item.pk}/", {"status": "done", "owner": "member"})
    item.refresh_from_db()
    assert item.status == "done"
    bad = client.post(f"/action-items/{item.pk}/", {"status": "maybe"})
    assert bad.status_code == 400
    item.refresh_from_db()
    assert item.status == "done"


def test_the_action_items_page_filters(client, member, project, other_team):
    sprint = services.sprint_create(project=project, starts_on=date(2026, 1, 1),
                                    ends_on=date(2026, 1, 14), by=member)
    services.action_item_add(sprint=sprint, text="Mine and late", owner=member,
                             due_on=date(2026, 2, 1), by=member)
    services.action_item_add(sprint=sprint, text="Nobody's", by=member)
    client.force_login(member)
    assert "Nobody" in client.get("/action-items/").content.decode()
    mine = client.get("/action-items/?mine=on").content.decode()
    assert "Mine and late" in mine and "Nobody" not in mine
    overdue = client.get("/action-items/?overdue=on").content.decode()
    assert "Mine and late" in overdue and "Nobody" not in overdue
    assert client.get("/action-items/?status=bogus").status_code == 400


def test_the_board_shows_each_project_in_its_column(client, member, project):
    at_stage(project, Stage.VALIDATION)
    client.force_login(member)
    page = client.get("/board/").content.decode()
    column = page.split('data-stage="validation"')[1].split("</section>")[0]
    assert project.name in column


def test_the_reviewer_approves_from_the_page(client, member, reviewer, project, write):
    review = write("ethics-bias-review", project, by=member)
    client.force_login(member)
    client.post(f"{review.get_absolute_url()}request-review/")
    client.force_login(reviewer)
    page = client.get(review.get_absolute_url()).content.decode()
    assert "Approve revision 1" in page
    client.post(f"{review.get_absolute_url()}approve/", {"revision": review.revision})
    assert review.approvals.filter(reviewer=reviewer, revision=1).exists()
    assert "Approved by" in client.get(review.get_absolute_url()).content.decode()


@pytest.mark.parametrize("url", ["/board/", "/coverage/", "/action-items/", "/lessons/"])
@pytest.mark.parametrize("size", [2, 12])
def test_lifecycle_lists_have_bounded_queries(client, member, team, write, url, size,
                                              django_assert_max_num_queries):
    for i in range(size):
        project = ProjectFactory(team=team, stage=Stage.EXPERIMENTATION)
        write("project-charter", project, by=member)
        sprint = services.sprint_create(project=project, starts_on=date(2026, 1, 1),
                                        ends_on=date(2026, 1, 14), by=member)
        services.retrospective_write(sprint=sprint, by=member)
        services.action_item_add(sprint=sprint, text=f"Item {i}", by=member, owner=member)
    client.force_login(member)
    with django_assert_max_num_queries(30):
        assert client.get(url).status_code == 200


def test_filters_offer_only_visible_projects(client, outsider, private_project):
    client.force_login(outsider)
    for url in ("/action-items/", "/lessons/"):
        assert private_project.name not in client.get(url).content.decode()
        assert client.get(f"{url}?project={private_project.slug}").status_code == 400


def test_action_items_are_edited_from_the_retrospective_page(client, member, project):
    sprint = services.sprint_create(project=project, starts_on=date(2026, 11, 2),
                                    ends_on=date(2026, 11, 13), by=member)
    retro = services.retrospective_write(sprint=sprint, by=member)
    client.force_login(member)
    url = retro.get_absolute_url()
    response = client.post(f"/projects/{project.slug}/sprints/1/items/",
                           {"text": "Write the drift plan", "owner": "member", "next": url})
    assert response["Location"] == url
    item = ActionItem.objects.get(sprint=sprint)
    assert "Write the drift plan" in client.get(url).content.decode()
    response = client.post(f"/action-items/{item.pk}/", {"status": "dropped", "next": url})
    assert response["Location"] == url
    item.refresh_from_db()
    assert item.status == "dropped"
    evil = client.post(f"/action-items/{item.pk}/", {"status": "open", "next": "https://evil.example/"})
    assert evil["Location"] == sprint.get_absolute_url()
