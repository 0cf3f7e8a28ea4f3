"""Bad input to the wiki's and the lifecycle's API: 400 naming the field (or 404/409/428 where
that is the answer), nothing changed, never a 500."""

from datetime import date

import pytest

from lifecycle import services as lifecycle_services
from lifecycle.models import ActionItem, Sprint
from tests.api.conftest import assert_error_body, names_field
from wiki import services
from wiki.models import Page, Template

pytestmark = pytest.mark.django_db

PAGE = "/api/v1/spaces/project-fraud/pages/runbook/"


@pytest.fixture
def page(project, member):
    return services.page_create(space=services.space_for(project), title="Runbook", by=member,
                                body="line 1\nline 2\nline 3\n")


@pytest.fixture
def sprint(project, member):
    return lifecycle_services.sprint_create(project=project, starts_on=date(2026, 1, 5),
                                            ends_on=date(2026, 1, 16), by=member)


@pytest.mark.parametrize("body,field", [
    ({"title": ""}, "title"),
    ({"title": "X", "template": "no-such-kind"}, "template"),
    ({"title": "X", "slug": "Not A Slug"}, "slug"),
    ({"title": "X", "slug": "new"}, "slug"),
    ({"title": "X", "tags": ["Bad Tag"]}, "tags"),
    ({"title": "X", "tags": "ops"}, "tags"),
    ({"title": "X", "parent": "ghost"}, "parent"),
    ({"title": "X", "documents": [{"type": "dataset", "slug": "ghost"}]}, "documents"),
    ({"title": "X", "documents": [{"type": "planet", "slug": "x"}]}, "documents"),
    ({"title": "X", "documents": {"type": "dataset"}}, "documents"),
    ({"title": "X", "body": "nul\x00byte"}, "body"),
    ({"title": "X", "space": "global"}, "space"),
    ({"title": "X", "revision": 4}, "revision"),
])
def test_page_create_refuses_bad_fields(api, project, body, field):
    response = api.post("/api/v1/spaces/project-fraud/pages/", body, format="json")
    assert names_field(assert_error_body(response, 400), field), response.json()
    assert not Page.objects.exists()


def test_a_page_for_a_hidden_dataset_is_refused_as_unknown(token_client, outsider, other_team,
                                                          private_dataset):
    response = token_client(outsider).post(
        "/api/v1/spaces/team-growth/pages/",
        {"title": "X", "documents": [{"type": "dataset", "slug": "secret-data"}]}, format="json")
    assert names_field(assert_error_body(response, 400), "documents")


@pytest.mark.parametrize("body,headers,status,field", [
    ({"body": "x"}, {}, 428, None),
    ({"body": "x"}, {"HTTP_IF_MATCH": '"abc"'}, 400, "If-Match"),
    ({"body": "x"}, {"HTTP_IF_MATCH": "*"}, 400, "If-Match"),
    ({"body": "x"}, {"HTTP_IF_MATCH": '"0"'}, 400, "If-Match"),
    ({"body": "x", "base_revision": 0}, {}, 400, "base_revision"),
    ({"body": "x", "base_revision": "one"}, {}, 400, "base_revision"),
    ({"body": "x", "base_revision": 7}, {}, 400, "base_revision"),
    ({"body": "x", "base_revision": 2**40}, {}, 400, "base_revision"),
    ({"body": "x", "base_revision": 1}, {"HTTP_IF_MATCH": '"2"'}, 400, "base_revision"),
    ({"slug": "renamed", "base_revision": 1}, {}, 400, "slug"),
    ({"template": "model-card", "base_revision": 1}, {}, 400, "template"),
    ({"title": "", "base_revision": 1}, {}, 400, "title"),
    ({"parent": "runbook", "base_revision": 1}, {}, 400, "parent"),
])
def test_page_edit_refuses_bad_input(api, page, body, headers, status, field):
    response = api.patch(PAGE, body, format="json", **headers)
    error = assert_error_body(response, status)
    if field:
        assert names_field(error, field), error
    page.refresh_from_db()
    assert page.revision == 1 and page.body == "line 1\nline 2\nline 3\n"


def test_a_page_cannot_be_its_own_parent(api, page):
    response = api.patch(PAGE, {"parent": "runbook", "base_revision": 1}, format="json")
    assert "parent" in assert_error_body(response, 400)["errors"]


@pytest.mark.parametrize("raw", ["{bad json", "[1, 2]", '"a string"', "null", '{"body": NaN}'])
def test_malformed_json_to_a_page_edit_is_a_400(api, page, raw):
    response = api.generic("PATCH", PAGE, raw, content_type="application/json", HTTP_IF_MATCH='"1"')
    assert_error_body(response, 400)
    page.refresh_from_db()
    assert page.revision == 1


def test_a_stale_base_revision_with_overlapping_lines_is_a_409_with_both_texts(api, page, lead,
                                                                              token_client):
    token_client(lead).patch(PAGE, {"body": "line 1\nTHEIRS\nline 3\n"}, format="json",
                             HTTP_IF_MATCH='"1"')
    error = assert_error_body(api.patch(PAGE, {"body": "line 1\nMINE\nline 3\n", "base_revision": 1},
                                        format="json"), 409)
    assert "THEIRS" in error["current_body"] and "MINE" in error["your_body"]
    assert error["current_revision"] == 2 and error["diff"]


def test_editing_a_page_in_the_trash_is_a_404(api, page, member):
    services.page_delete(page=page, by=member)
    assert_error_body(api.patch(PAGE, {"body": "x", "base_revision": 1}, format="json"), 404)


@pytest.mark.parametrize("url,status", [
    (f"{PAGE}revisions/9/", 404),
    (f"{PAGE}revisions/0/", 404),
    (f"{PAGE}revisions/99999999999/", 404),
    (f"{PAGE}revisions/abc/", 404),
    (f"{PAGE}diff/?a=9&b=1", 404),
    (f"{PAGE}diff/?a=x", 400),
    (f"{PAGE}diff/?a=0", 400),
    (f"{PAGE}diff/?b=-3", 400),
    (f"{PAGE}diff/?a={2**40}", 400),
    ("/api/v1/pages/?documents=planet:x", 400),
    ("/api/v1/pages/?documents=dataset", 400),
    ("/api/v1/templates/no-such-kind/", 404),
    ("/api/v1/spaces/project-ghost/", 404),
    ("/api/v1/spaces/elsewhere/", 404),
    ("/api/v1/projects/fraud/gates/nowhere/", 404),
    ("/api/v1/projects/fraud/gates/DEPLOYMENT/", 404),
    ("/api/v1/projects/ghost/gates/deployment/", 404),
    ("/api/v1/projects/fraud/sprints/9/", 404),
    ("/api/v1/action-items/999/", 404),
    ("/api/v1/action-items/?status=nope", 400),
])
def test_bad_numbers_kinds_and_stages(api, page, url, status):
    body = assert_error_body(api.get(url), status)
    if status == 400:
        assert body["errors"]


@pytest.mark.parametrize("url", [f"{PAGE}revisions/9/revert/", f"{PAGE}revisions/0/revert/"])
def test_reverting_to_a_missing_revision_is_a_404(api, page, url):
    assert_error_body(api.post(url), 404)
    page.refresh_from_db()
    assert page.revision == 1


@pytest.mark.parametrize("body,field", [
    ({"starts_on": "2026-02-10", "ends_on": "2026-02-01"}, "ends_on"),
    ({"starts_on": "soon", "ends_on": "2026-02-01"}, "starts_on"),
    ({"ends_on": "2026-02-01"}, "starts_on"),
    ({"starts_on": "2026-02-01", "ends_on": "2026-02-10", "number": 1}, "number"),
    ({"starts_on": "2026-02-01", "ends_on": "2026-02-10", "number": 0}, "number"),
    ({"starts_on": "2026-02-01", "ends_on": "2026-02-10", "retrospective": "x"}, "retrospective"),
])
def test_sprint_create_refuses_bad_fields(api, sprint, body, field):
    response = api.post("/api/v1/projects/fraud/sprints/", body, format="json")
    assert names_field(assert_error_body(response, 400), field)
    assert Sprint.objects.count() == 1


@pytest.mark.parametrize("body,field", [
    ({"text": ""}, "text"),
    ({"text": "x" * 501}, "text"),
    ({"text": "x", "owner": "ghost"}, "owner"),
    ({"text": "x", "due_on": "tomorrow"}, "due_on"),
    ({"text": "x", "status": "done"}, "status"),
])
def test_action_item_add_refuses_bad_fields(api, sprint, body, field):
    response = api.post("/api/v1/projects/fraud/sprints/1/action-items/", body, format="json")
    assert names_field(assert_error_body(response, 400), field)
    assert not ActionItem.objects.exists()


@pytest.mark.parametrize("body,field", [
    ({}, "status"),
    ({"status": "finished"}, "status"),
    ({"text": "Rewritten"}, "text"),
    ({"owner": "ghost"}, "owner"),
])
def test_action_item_update_refuses_bad_fields(api, sprint, member, body, field):
    item = lifecycle_services.action_item_add(sprint=sprint, text="Keep", by=member)
    response = api.patch(f"/api/v1/action-items/{item.pk}/", body, format="json")
    assert names_field(assert_error_body(response, 400), field)
    item.refresh_from_db()
    assert item.status == "open" and item.text == "Keep"


@pytest.mark.parametrize("body,field", [
    ({}, "revision"),
    ({"revision": "latest"}, "revision"),
    ({"revision": 0}, "revision"),
    ({"revision": 1, "reviewer": "member"}, "reviewer"),
])
def test_approval_refuses_bad_fields(api, page, body, field):
    response = api.post(f"{PAGE}approvals/", body, format="json")
    assert names_field(assert_error_body(response, 400), field)


@pytest.mark.parametrize("body,field", [
    ({"kind": "model-card", "name": "X", "team": "risk"}, "kind"),
    ({"kind": "Bad Kind", "name": "X", "team": "risk"}, "kind"),
    ({"kind": "x-log", "name": "X", "team": "nope"}, "team"),
    ({"kind": "x-log", "name": "X", "team": "risk", "required_sections": ["A", "a"]}, "required_sections"),
    ({"kind": "x-log", "name": "X", "team": "risk", "required_sections": "A"}, "required_sections"),
    ({"kind": "x-log", "name": "X", "team": "risk", "builtin": True}, "builtin"),
])
def test_template_create_refuses_bad_fields(api, team, body, field):
    before = Template.objects.count()
    response = api.post("/api/v1/templates/", body, format="json")
    assert names_field(assert_error_body(response, 400), field)
    assert Template.objects.count() == before
