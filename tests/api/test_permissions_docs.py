"""The permission matrix over the wiki's and the lifecycle's routes under a private project.

Hidden answers 404, visible-but-read-only answers 403, a read-only token answers 403 to writes.
"""

from datetime import date

import pytest

from lifecycle import services as lifecycle_services
from lifecycle.models import Approval
from wiki import services as wiki_services

pytestmark = pytest.mark.django_db

PERSONAS = ["outsider", "viewer", "member", "staff", "read_only"]
PAGE = "/api/v1/spaces/project-secret/pages/plan/"


@pytest.fixture
def docs(member, viewer, outsider, staff, private_project, role):
    space = wiki_services.space_for(private_project)
    page = wiki_services.page_create(space=space, title="Plan", body="The limits are secret.\n",
                                     by=member, tags=["hidden"], documents=[private_project])
    old = wiki_services.page_create(space=space, title="Old", body="Gone.\n", by=member)
    wiki_services.page_delete(page=old, by=member)
    sprint = lifecycle_services.sprint_create(project=private_project, starts_on=date(2026, 1, 5),
                                              ends_on=date(2026, 1, 16), goal="Hidden goal", by=member)
    item = lifecycle_services.action_item_add(sprint=sprint, text="Secret follow-up", owner=member,
                                              by=member)
    return {"page": page, "sprint": sprint, "item": item.pk}


READS = [
    "/api/v1/spaces/project-secret/", "/api/v1/spaces/project-secret/pages/", PAGE,
    f"{PAGE}revisions/", f"{PAGE}revisions/1/", f"{PAGE}diff/?a=1&b=1", f"{PAGE}approvals/",
    f"{PAGE}review-requests/", "/api/v1/projects/secret/sprints/", "/api/v1/projects/secret/sprints/1/",
    "/api/v1/projects/secret/sprints/1/action-items/", "/api/v1/projects/secret/gates/data_discovery/",
    "/api/v1/action-items/{item}/",
]
READ_EXPECTED = {"outsider": 404, "viewer": 200, "member": 200, "staff": 200, "read_only": 200}


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("url", READS)
def test_reading_docs_under_a_private_project(docs, as_persona, persona, url):
    response = as_persona(persona).get(url.format(**docs))
    assert response.status_code == READ_EXPECTED[persona], (url, response.content)
    if response.status_code == 404:
        assert response.json() == {"detail": "Not found.", "errors": {}}


WRITES = [
    ("post", "/api/v1/spaces/project-secret/pages/", {"title": "New page"}, 201),
    ("patch", PAGE, {"body": "Changed.\n", "base_revision": 1}, 200),
    ("delete", PAGE, None, 204),
    ("post", f"{PAGE}revisions/1/revert/", None, 201),
    ("post", f"{PAGE}review-requests/", None, 201),
    ("post", "/api/v1/spaces/project-secret/pages/old/restore/", None, 200),
    ("post", "/api/v1/projects/secret/sprints/", {"starts_on": "2026-02-02", "ends_on": "2026-02-13"}, 201),
    ("post", "/api/v1/projects/secret/sprints/1/retrospective/", None, 201),
    ("post", "/api/v1/projects/secret/sprints/1/action-items/", {"text": "Another"}, 201),
    ("patch", "/api/v1/action-items/{item}/", {"status": "done"}, 200),
]


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("method,url,body,ok", WRITES, ids=[f"{w[0]} {w[1]}" for w in WRITES])
def test_writing_docs_under_a_private_project(docs, as_persona, persona, method, url, body, ok):
    url = url.format(**docs)
    expected = {"outsider": 404, "viewer": 403, "member": ok, "staff": ok, "read_only": 403}[persona]
    response = getattr(as_persona(persona), method)(url, body, format="json")
    assert response.status_code == expected, (url, response.content)
    if expected >= 400:
        assert set(response.json()) >= {"detail", "errors"}


@pytest.mark.parametrize("persona,expected", [("outsider", 404), ("viewer", 403), ("member", 200),
                                              ("staff", 200), ("read_only", 200)])
def test_the_trash_is_for_the_space_editors(docs, as_persona, persona, expected):
    assert as_persona(persona).get("/api/v1/spaces/project-secret/trash/").status_code == expected


@pytest.mark.parametrize("persona,expected", [("outsider", 404), ("viewer", 403), ("member", 403),
                                              ("staff", 204), ("read_only", 403)])
def test_only_staff_purge(docs, as_persona, persona, expected):
    response = as_persona(persona).post("/api/v1/spaces/project-secret/pages/old/purge/")
    assert response.status_code == expected


@pytest.mark.parametrize("persona,expected", [("outsider", 404), ("viewer", 409), ("member", 409),
                                              ("staff", 409), ("read_only", 403), ("reviewer", 201)])
def test_only_a_reviewer_of_the_project_approves(request, docs, as_persona, token_client, role,
                                                 private_project, persona, expected):
    from registry.models import RoleAssignment
    from tests.factories import PersonFactory

    reviewer = PersonFactory(username="secret-reviewer")
    RoleAssignment.objects.create(role=role("reviewer"), person=reviewer, project=private_project)
    client = token_client(reviewer) if persona == "reviewer" else as_persona(persona)
    response = client.post(f"{PAGE}approvals/", {"revision": 1}, format="json")
    assert response.status_code == expected, response.content
    assert Approval.objects.count() == (1 if expected == 201 else 0)


@pytest.mark.parametrize("persona", PERSONAS)
def test_private_docs_never_appear_in_lists_or_counts(docs, as_persona, persona):
    client = as_persona(persona)
    hidden = persona == "outsider"
    spaces = [s["key"] for s in client.get("/api/v1/spaces/").json()["results"]]
    assert ("project-secret" in spaces) is not hidden
    for query in ["", "?tag=hidden", "?q=plan", "?space=project-secret", "?documents=project:secret"]:
        count = client.get(f"/api/v1/pages/{query}").json()["count"]
        assert count == (0 if hidden else 1), query
    items = client.get("/api/v1/action-items/").json()
    assert items["count"] == (0 if hidden else 1)
    assert client.get("/api/v1/action-items/?project=secret").json()["count"] == (0 if hidden else 1)
    if not hidden:
        assert "Secret follow-up" in [i["text"] for i in items["results"]]


def test_a_member_cannot_create_a_template_for_a_team_they_cannot_write(token_client, member, other_team):
    response = token_client(member).post("/api/v1/templates/", {"kind": "x-log", "name": "X",
                                                                "team": "growth"}, format="json")
    assert response.status_code == 400 and "team" in response.json()["errors"]


@pytest.mark.parametrize("persona,expected", [("outsider", 403), ("viewer", 403), ("member", 200),
                                              ("staff", 200), ("read_only", 403)])
def test_team_templates_are_edited_by_the_team(token_client, as_persona, member, team, persona, expected):
    token_client(member).post("/api/v1/templates/", {"kind": "risk-log", "name": "Risk log", "team": "risk"},
                              format="json")
    response = as_persona(persona).patch("/api/v1/templates/risk-log/", {"name": "Renamed"}, format="json")
    assert response.status_code == expected, response.content
