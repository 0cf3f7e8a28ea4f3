"""The permission matrix of a private project and what lives under it."""

import pytest

from registry import permissions
from registry.models import Activity, Project
from registry.services import activity_record


@pytest.fixture
def private_things(private_project, private_dataset, private_model, member):
    activity_record(actor=member, verb="created", target=private_model)
    return private_project


PAGES = [
    "/projects/secret/", "/projects/secret/edit/", "/projects/secret/activity/",
    "/datasets/secret-data/", "/models/secret-model/",
]


@pytest.mark.parametrize("url", PAGES)
def test_an_outsider_gets_404_on_every_private_page(client, outsider, private_things, url):
    client.force_login(outsider)
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("url", ["/projects/secret/", "/datasets/secret-data/",
                                 "/models/secret-model/"])
def test_a_viewer_member_and_staff_read_private_pages(client, viewer, member, staff,
                                                      private_things, url):
    for person in (viewer, member, staff):
        client.force_login(person)
        assert client.get(url).status_code == 200, person


@pytest.mark.parametrize("url", ["/projects/secret/edit/", "/datasets/secret-data/edit/",
                                 "/models/secret-model/edit/",
                                 "/models/secret-model/versions/new/"])
def test_a_viewer_cannot_edit_but_a_member_and_staff_can(client, viewer, member, staff,
                                                          private_things, url):
    client.force_login(viewer)
    assert client.get(url).status_code == 403
    for person in (member, staff):
        client.force_login(person)
        assert client.get(url).status_code == 200


def test_a_viewer_cannot_move_the_stage(client, viewer, private_things):
    client.force_login(viewer)
    response = client.post("/projects/secret/transition/", {"stage": "data_discovery"})
    assert response.status_code == 403
    private_things.refresh_from_db()
    assert private_things.stage == "proposed"


def test_private_things_are_missing_from_an_outsiders_lists(client, outsider, private_things,
                                                           project):
    client.force_login(outsider)
    for url, hidden in [("/projects/", "Secret limits"), ("/datasets/", "Secret data"),
                        ("/models/", "Secret model"), ("/", "Secret model")]:
        body = client.get(url).content.decode()
        assert hidden not in body, url
    assert "Fraud" in client.get("/projects/").content.decode()


def test_the_dashboard_counts_do_not_include_private_things_for_an_outsider(outsider, member,
                                                                             private_things):
    assert Project.objects.visible_to(outsider).count() == 0
    assert Project.objects.visible_to(member).count() == 1
    assert Activity.objects.visible_to(outsider).count() == 0
    assert Activity.objects.visible_to(member).filter(verb="created").count() == 1


def test_a_role_holder_outside_the_team_sees_the_private_project(outsider, private_project,
                                                                 role):
    from registry.models import RoleAssignment

    RoleAssignment.objects.create(role=role("stakeholder"), person=outsider,
                                  project=private_project)
    assert Project.objects.visible_to(outsider).filter(pk=private_project.pk).exists()
    assert not permissions.can_edit_project(outsider, private_project)


def test_an_owner_role_holder_may_edit(outsider, project, role):
    from registry.models import RoleAssignment

    assert not permissions.can_edit_project(outsider, project)
    RoleAssignment.objects.create(role=role("owner"), person=outsider, project=project)
    assert permissions.can_edit_project(outsider, project)


def test_anonymous_visitors_are_sent_to_sign_in(client, project):
    response = client.get("/projects/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_internal_things_are_readable_but_not_writable_by_other_teams(client, outsider, project):
    client.force_login(outsider)
    assert client.get("/projects/fraud/").status_code == 200
    assert client.get("/projects/fraud/edit/").status_code == 403


def test_activity_of_a_private_project_is_scoped_to_it(private_model):
    activity_record(actor=None, verb="touched", target=private_model)
    assert Activity.objects.get(verb="touched").scope_project == private_model.project
