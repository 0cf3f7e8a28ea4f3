"""Happy paths of the wiki's API, through a real token of a team member."""

import pytest

from wiki import services
from wiki.models import Page, PageRevision

pytestmark = pytest.mark.django_db

PAGE = "/api/v1/spaces/project-fraud/pages/runbook/"


@pytest.fixture
def page(project, member):
    return services.page_create(space=services.space_for(project), title="Runbook", by=member,
                                body="line 1\nline 2\nline 3\nline 4\nline 5\n", tags=["ops"])


def test_spaces_are_listed_and_read(api, page, team):
    services.space_for(team)
    keys = [s["key"] for s in api.get("/api/v1/spaces/").json()["results"]]
    assert "project-fraud" in keys and "team-risk" in keys
    body = api.get("/api/v1/spaces/project-fraud/").json()
    assert body == {**body, "kind": "project", "project": "fraud", "page_count": 1}
    assert api.get("/api/v1/spaces/global/").json()["kind"] == "global"


def test_a_page_is_created_from_markdown_with_template_tags_documents_and_parent(api, page, model):
    body = {"title": "Scorer card", "body": "# Model details\n\nA [[Runbook]] and **bold**.\n",
            "template": "model-card", "tags": ["cards", "fraud"], "parent": "runbook",
            "documents": [{"type": "model", "slug": "scorer"}, {"type": "project", "slug": "fraud"}]}
    response = api.post("/api/v1/spaces/project-fraud/pages/", body, format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert response["ETag"] == '"1"'
    assert data["slug"] == "scorer-card" and data["template"] == "model-card"
    assert data["parent"] == "runbook" and data["tags"] == ["cards", "fraud"]
    assert {"type": "model", "slug": "scorer"} in data["documents"]
    assert "<strong>bold</strong>" in data["html"] and 'href="/wiki/project-fraud/runbook/"' in data["html"]
    assert data["conformance"]["required"] > 0 and "Model details" not in data["conformance"]["missing"]


def test_page_detail_has_html_conformance_approval_and_an_etag(api, page):
    response = api.get(PAGE)
    assert response.status_code == 200 and response["ETag"] == '"1"'
    data = response.json()
    assert data["body"].startswith("line 1") and data["html"].startswith("<p>")
    assert data["conformance"] is None and data["tags"] == ["ops"]
    assert data["approval"] == {"approved": False, "state": "Not yet approved by a Reviewer of the project.",
                                "approved_by": None, "approved_revision": None}


def test_pages_are_filtered_by_space_template_tag_documents_and_title(api, page, project, member, write):
    card = write("project-charter", project, by=member)
    results = lambda q: [p["slug"] for p in api.get(f"/api/v1/pages/?{q}").json()["results"]]  # noqa: E731
    assert set(results("space=project-fraud")) == {"runbook", card.slug}
    assert results("template=project-charter") == [card.slug]
    assert results("tag=ops") == ["runbook"]
    assert results("documents=project:fraud") == [card.slug]
    assert results("q=runb") == ["runbook"]
    assert results("ordering=-title")[0] == "runbook"
    nested = api.get("/api/v1/spaces/project-fraud/pages/?tag=ops").json()
    assert nested["count"] == 1


def test_an_edit_with_if_match_saves_a_new_revision(api, page):
    response = api.patch(PAGE, {"body": "line 1\nchanged\n", "summary": "Shorter."}, format="json",
                         HTTP_IF_MATCH='"1"')
    assert response.status_code == 200, response.content
    assert response["ETag"] == '"2"'
    assert response.json()["merged"] is False and response.json()["revision"] == 2
    response = api.patch(PAGE, {"title": "Run book", "base_revision": 2}, format="json")
    assert response.json()["title"] == "Run book" and response.json()["body"] == "line 1\nchanged\n"


def test_a_stale_edit_on_other_lines_is_merged(api, page, lead, token_client):
    other = token_client(lead)
    assert other.patch(PAGE, {"body": "line 1 (theirs)\nline 2\nline 3\nline 4\nline 5\n"},
                       format="json", HTTP_IF_MATCH='"1"').status_code == 200
    response = api.patch(PAGE, {"body": "line 1\nline 2\nline 3\nline 4\nline 5 (mine)\n"},
                         format="json", HTTP_IF_MATCH='"1"')
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["merged"] is True and data["merged_with"] == [2] and data["revision"] == 3
    assert data["body"] == "line 1 (theirs)\nline 2\nline 3\nline 4\nline 5 (mine)\n"


def test_an_overlapping_stale_edit_is_a_409_with_both_texts_and_nothing_saved(api, page, lead,
                                                                              token_client):
    token_client(lead).patch(PAGE, {"body": "line 1\nTHEIRS\nline 3\nline 4\nline 5\n"}, format="json",
                             HTTP_IF_MATCH='"1"')
    response = api.patch(PAGE, {"body": "line 1\nMINE\nline 3\nline 4\nline 5\n"}, format="json",
                         HTTP_IF_MATCH='"1"')
    assert response.status_code == 409
    data = response.json()
    assert data["current_revision"] == 2 and "THEIRS" in data["current_body"]
    assert "MINE" in data["your_body"] and ["add", "+MINE"] in data["diff"]
    page.refresh_from_db()
    assert page.revision == 2 and "THEIRS" in page.body


def test_revisions_are_listed_read_diffed_and_reverted(api, page):
    api.patch(PAGE, {"body": "line 1\nchanged\n"}, format="json", HTTP_IF_MATCH='"1"')
    assert [r["number"] for r in api.get(f"{PAGE}revisions/").json()["results"]] == [2, 1]
    first = api.get(f"{PAGE}revisions/1/").json()
    assert first["body"].startswith("line 1\nline 2") and first["author"] == "member"
    diff = api.get(f"{PAGE}diff/?a=1&b=2").json()
    assert diff["a"] == 1 and diff["b"] == 2 and {"kind": "add", "line": "+changed"} in diff["lines"]
    assert api.get(f"{PAGE}diff/").json()["a"] == 1
    response = api.post(f"{PAGE}revisions/1/revert/")
    assert response.status_code == 201 and response.json()["revision"] == 3
    assert response.json()["body"] == page.body
    assert PageRevision.objects.filter(page=page).count() == 3


def test_a_page_goes_to_the_trash_comes_back_and_staff_purge_it(api, page, token_client, staff):
    assert api.delete(PAGE).status_code == 204
    assert api.get(PAGE).status_code == 404
    assert [p["slug"] for p in api.get("/api/v1/spaces/project-fraud/trash/").json()["results"]] == [
        "runbook"]
    assert api.post(f"{PAGE}restore/").status_code == 200
    assert api.get(PAGE).status_code == 200
    api.delete(PAGE)
    assert api.post(f"{PAGE}purge/").status_code == 403
    assert token_client(staff).post(f"{PAGE}purge/").status_code == 204
    assert not Page.objects.filter(pk=page.pk).exists()


def test_templates_are_listed_read_created_and_edited(api, team):
    kinds = [t["kind"] for t in api.get("/api/v1/templates/?page_size=100").json()["results"]]
    assert "model-card" in kinds
    assert api.get("/api/v1/templates/model-card/").json()["builtin"] is True
    body = {"kind": "experiment-log", "name": "Experiment log", "team": "risk",
            "required_sections": ["Hypothesis", "Result"], "body": "## Hypothesis\n\n## Result\n"}
    response = api.post("/api/v1/templates/", body, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["team"] == "risk"
    response = api.patch("/api/v1/templates/experiment-log/", {"description": "Per run."}, format="json")
    assert response.status_code == 200 and response.json()["required_sections"] == ["Hypothesis", "Result"]
    assert api.get("/api/v1/templates/?team=risk").json()["count"] == 1
    assert api.patch("/api/v1/templates/model-card/", {"name": "X"}, format="json").status_code == 403


def test_hidden_links_render_as_plain_text_for_an_outsider(api, token_client, outsider, private_project,
                                                          member, team):
    space = services.space_for(team)
    services.page_create(space=space, title="Index", body="See [[project:secret]].\n", by=member)
    html = token_client(outsider).get("/api/v1/spaces/team-risk/pages/index/").json()["html"]
    assert "Secret limits" not in html and "/projects/secret/" not in html
    assert "Secret limits" in api.get("/api/v1/spaces/team-risk/pages/index/").json()["html"]
