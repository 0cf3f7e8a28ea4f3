"""The permission matrix: every route under a private project, for every persona.

Hidden answers 404, visible-but-read-only answers 403, a read-only token answers 403 to writes.
"""

import pytest

from registry import services
from registry.models import Lineage, RoleAssignment
from tests.factories import (
    DatasetFactory,
    DatasetVersionFactory,
    MLModelFactory,
    ModelVersionFactory,
    PersonFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(lead, member, viewer, outsider, staff, project, private_project, private_dataset,
          private_model, role, write):
    alice = PersonFactory(username="alice")
    write("project-charter", private_project, by=member)
    secret_dv = DatasetVersionFactory(dataset=private_dataset, label="v1", created_by=member)
    secret_mv = ModelVersionFactory(model=private_model, number=1, created_by=member)
    Lineage.objects.create(model_version=secret_mv, dataset_version=secret_dv)
    assignments = {
        kind: RoleAssignment.objects.create(role=role("stakeholder"), person=alice, **{kind: target})
        for kind, target in [("project", private_project), ("dataset", private_dataset),
                             ("model", private_model)]
    }
    services.project_update(project=private_project, by=member, summary="Hidden work.")
    services.dataset_update(dataset=private_dataset, by=member, description="Hidden rows.")
    return assignments


def read_routes(world):
    p, d, m = world["project"].pk, world["dataset"].pk, world["model"].pk
    return [
        "/api/v1/projects/secret/", "/api/v1/projects/secret/transitions/",
        "/api/v1/projects/secret/roles/", f"/api/v1/projects/secret/roles/{p}/",
        "/api/v1/datasets/secret-data/", "/api/v1/datasets/secret-data/columns/",
        "/api/v1/datasets/secret-data/versions/", "/api/v1/datasets/secret-data/versions/v1/",
        "/api/v1/datasets/secret-data/roles/", f"/api/v1/datasets/secret-data/roles/{d}/",
        "/api/v1/models/secret-model/", "/api/v1/models/secret-model/versions/",
        "/api/v1/models/secret-model/versions/1/", "/api/v1/models/secret-model/roles/",
        f"/api/v1/models/secret-model/roles/{m}/",
    ]


READ_INDEXES = list(range(15))

WRITES = [
    ("patch", "/api/v1/projects/secret/", {"summary": "Changed."}, 200),
    ("post", "/api/v1/projects/secret/transitions/", {"stage": "data_discovery"}, 201),
    ("post", "/api/v1/projects/secret/roles/", {"role": "data-scientist", "person": "alice"}, 201),
    ("delete", "/api/v1/projects/secret/roles/{project}/", None, 204),
    ("patch", "/api/v1/datasets/secret-data/", {"description": "Changed."}, 200),
    ("put", "/api/v1/datasets/secret-data/columns/", {"columns": [{"name": "a", "dtype": "int"}]}, 200),
    ("post", "/api/v1/datasets/secret-data/versions/", {"label": "v2"}, 201),
    ("post", "/api/v1/datasets/secret-data/roles/", {"role": "data-scientist", "person": "alice"}, 201),
    ("delete", "/api/v1/datasets/secret-data/roles/{dataset}/", None, 204),
    ("patch", "/api/v1/models/secret-model/", {"framework": "torch"}, 200),
    ("post", "/api/v1/models/secret-model/versions/", {"status": "candidate"}, 201),
    ("patch", "/api/v1/models/secret-model/versions/1/", {"status": "staging"}, 200),
    ("post", "/api/v1/models/secret-model/roles/", {"role": "data-scientist", "person": "alice"}, 201),
    ("delete", "/api/v1/models/secret-model/roles/{model}/", None, 204),
]

PERSONAS = ["outsider", "viewer", "member", "staff", "read_only"]
READ_EXPECTED = {"outsider": 404, "viewer": 200, "member": 200, "staff": 200, "read_only": 200}


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("index", READ_INDEXES)
def test_reading_under_a_private_project(world, as_persona, persona, index):
    url = read_routes(world)[index]
    response = as_persona(persona).get(url)
    assert response.status_code == READ_EXPECTED[persona], (url, response.content)
    if response.status_code == 404:
        assert response.json() == {"detail": "Not found.", "errors": {}}


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("method,url,body,ok", WRITES, ids=[f"{w[0]} {w[1]}" for w in WRITES])
def test_writing_under_a_private_project(world, as_persona, persona, method, url, body, ok):
    url = url.format(**{k: v.pk for k, v in world.items()})
    expected = {"outsider": 404, "viewer": 403, "member": ok, "staff": ok, "read_only": 403}[persona]
    response = getattr(as_persona(persona), method)(url, body, format="json")
    assert response.status_code == expected, (url, response.content)
    if expected >= 400:
        assert set(response.json()) >= {"detail", "errors"}


@pytest.mark.parametrize("persona", PERSONAS)
def test_private_objects_never_appear_in_lists_counts_or_feeds(world, as_persona, persona):
    client = as_persona(persona)
    hidden = persona == "outsider"
    projects = [p["slug"] for p in client.get("/api/v1/projects/").json()["results"]]
    datasets = [d["slug"] for d in client.get("/api/v1/datasets/").json()["results"]]
    models = [m["slug"] for m in client.get("/api/v1/models/").json()["results"]]
    feed = client.get("/api/v1/activity/").json()
    assert ("secret" in projects) is not hidden
    assert ("secret-data" in datasets) is not hidden
    assert ("secret-model" in models) is not hidden
    assert any("Secret" in a["target_repr"] for a in feed["results"]) is not hidden
    assert client.get("/api/v1/projects/?q=secret").json()["count"] == (0 if hidden else 1)
    assert client.get("/api/v1/activity/?target=secret").json()["count"] == (0 if hidden else 1)


def test_lineage_to_a_private_dataset_is_hidden_both_ways(world, token_client, outsider, member,
                                                         model, dataset):
    public_dv = DatasetVersionFactory(dataset=dataset, label="p1")
    secret_model = MLModelFactory(project=world["project"].project, slug="hidden-user")
    hidden_mv = ModelVersionFactory(model=secret_model, number=1)
    Lineage.objects.create(model_version=hidden_mv, dataset_version=public_dv)
    public_mv = ModelVersionFactory(model=model, number=1)
    secret_dv = DatasetFactory(team=world["project"].project.team,
                               home_project=world["project"].project, slug="s2").versions.create(
        label="x", created_by=member)
    Lineage.objects.create(model_version=public_mv, dataset_version=secret_dv)
    Lineage.objects.create(model_version=public_mv, dataset_version=public_dv)
    api = token_client(outsider)
    assert api.get("/api/v1/datasets/transactions/versions/p1/").json()["used_by"] == [
        {"model": "scorer", "number": 1, "status": "candidate", "use": "training"}]
    assert api.get("/api/v1/models/scorer/versions/1/").json()["lineage"] == [
        {"dataset": "transactions", "version": "p1", "use": "training"}]
    assert len(token_client(member).get("/api/v1/models/scorer/versions/1/").json()["lineage"]) == 2


def test_an_outsider_cannot_use_hidden_objects_as_references(world, token_client, outsider,
                                                            other_team):
    api = token_client(outsider)
    response = api.post("/api/v1/projects/", {"slug": "mine", "name": "Mine", "team": "growth",
                                              "datasets": ["secret-data"]}, format="json")
    assert response.status_code == 400 and "datasets" in response.json()["errors"]
    response = api.post("/api/v1/datasets/", {"slug": "mine", "name": "Mine", "team": "growth",
                                              "home_project": "secret"}, format="json")
    assert response.status_code == 400 and "home_project" in response.json()["errors"]
    response = api.post("/api/v1/models/", {"slug": "mine", "name": "Mine", "task": "x",
                                            "project": "secret"}, format="json")
    assert response.status_code == 400 and "project" in response.json()["errors"]


@pytest.mark.parametrize("persona,expected", [("outsider", 403), ("viewer", 403), ("member", 403),
                                              ("lead", 200), ("staff", 200), ("read_only", 403)])
def test_only_leads_and_staff_edit_a_team(request, token_client, team, lead, persona, expected,
                                         as_persona, outsider, viewer, member, staff):
    client = token_client(lead) if persona == "lead" else as_persona(persona)
    assert client.patch("/api/v1/teams/risk/", {"name": "Risk 2"}, format="json").status_code == expected
    response = client.post("/api/v1/teams/risk/members/", {"person": "outsider", "level": "viewer"},
                           format="json")
    assert response.status_code == (201 if expected == 200 else 403)


@pytest.mark.parametrize("persona,expected", [("member", 403), ("staff", 201), ("read_only", 403)])
def test_only_staff_extend_the_role_vocabulary(as_persona, member, staff, persona, expected):
    response = as_persona(persona).post("/api/v1/roles/", {"slug": "auditor", "name": "Auditor"},
                                        format="json")
    assert response.status_code == expected


def test_a_member_cannot_move_a_project_to_a_team_they_cannot_write(token_client, member, project,
                                                                   other_team):
    response = token_client(member).patch("/api/v1/projects/fraud/", {"team": "growth"}, format="json")
    assert response.status_code == 400 and "team" in response.json()["errors"]
    project.refresh_from_db()
    assert project.team.slug == "risk"


def test_only_staff_may_override_requirements(token_client, member, staff, project):
    body = {"stage": "data_discovery", "override_reason": "Because."}
    response = token_client(member).post("/api/v1/projects/fraud/transitions/", body, format="json")
    assert response.status_code == 400 and "override_reason" in response.json()["errors"]
    response = token_client(staff).post("/api/v1/projects/fraud/transitions/", body, format="json")
    assert response.status_code == 201
    assert response.json()["override_reason"] == "Because."
