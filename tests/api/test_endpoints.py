"""Happy paths, one or more per endpoint, through a real token of a team member."""

import pytest

from registry.models import Activity, DatasetColumn, Lineage, Project, StageTransition
from tests.factories import DatasetVersionFactory, ModelVersionFactory, PersonFactory

pytestmark = pytest.mark.django_db


def test_teams_list_create_read_and_edit(api, token_client, staff, team, member):
    assert [t["slug"] for t in api.get("/api/v1/teams/").json()["results"]] == ["risk"]
    assert api.post("/api/v1/teams/", {"slug": "vision", "name": "Vision"}, format="json").status_code == 403
    api = token_client(staff)
    response = api.post("/api/v1/teams/", {"slug": "vision", "name": "Vision"}, format="json")
    assert response.status_code == 201 and response.json()["member_count"] == 1
    assert api.get("/api/v1/teams/vision/").json()["name"] == "Vision"
    response = api.patch("/api/v1/teams/vision/", {"description": "Images."}, format="json")
    assert response.status_code == 200 and response.json()["description"] == "Images."


def test_team_members_add_change_and_remove(token_client, lead, member, team):
    api = token_client(lead)
    PersonFactory(username="newbie")
    response = api.post("/api/v1/teams/risk/members/", {"person": "newbie", "level": "viewer"},
                        format="json")
    assert response.status_code == 201 and response.json()["level"] == "viewer"
    response = api.post("/api/v1/teams/risk/members/", {"person": "newbie", "level": "member"},
                        format="json")
    assert response.status_code == 200 and response.json()["level"] == "member"
    response = api.patch("/api/v1/teams/risk/members/newbie/", {"level": "lead"}, format="json")
    assert response.json()["level"] == "lead"
    assert api.get("/api/v1/teams/risk/members/newbie/").status_code == 200
    assert api.delete("/api/v1/teams/risk/members/newbie/").status_code == 204
    usernames = [m["person"] for m in api.get("/api/v1/teams/risk/members/").json()["results"]]
    assert "newbie" not in usernames


def test_the_last_lead_cannot_be_removed(token_client, lead, team):
    response = token_client(lead).delete("/api/v1/teams/risk/members/lead/")
    assert response.status_code == 409 and "last lead" in response.json()["detail"]


def test_people_list_and_detail(api, member, team):
    assert "member" in [p["username"] for p in api.get("/api/v1/people/?team=risk").json()["results"]]
    assert api.get("/api/v1/people/member/").json()["teams"] == [{"team": "risk", "level": "member"}]


def test_roles_are_listed_and_staff_extends_them(api, token_client, staff):
    assert "owner" in [r["slug"] for r in api.get("/api/v1/roles/").json()["results"]]
    assert api.get("/api/v1/roles/reviewer/").json()["name"] == "Reviewer"
    response = token_client(staff).post("/api/v1/roles/", {"slug": "auditor", "name": "Auditor"},
                                        format="json")
    assert response.status_code == 201


@pytest.mark.parametrize("prefix", ["projects/fraud", "datasets/transactions", "models/scorer"])
def test_role_assignments_list_create_and_delete(api, project, dataset, model, prefix):
    PersonFactory(username="alice")
    url = f"/api/v1/{prefix}/roles/"
    # a member grants roles that carry no rights (the Reviewer role: tests/lifecycle/
    # test_separation_of_duties.py)
    response = api.post(url, {"role": "stakeholder", "person": "alice"}, format="json")
    assert response.status_code == 201
    pk = response.json()["id"]
    assert api.get(url).json()["results"][0]["person"] == "alice"
    assert api.get(f"{url}{pk}/").json()["role"] == "stakeholder"
    assert api.post(url, {"role": "stakeholder", "person": "alice"}, format="json").status_code == 409
    assert api.delete(f"{url}{pk}/").status_code == 204
    assert api.get(url).json()["count"] == 0


def test_projects_create_read_edit_and_link_datasets(api, team, dataset):
    response = api.post("/api/v1/projects/", {"slug": "churn", "name": "Churn", "team": "risk",
                                              "datasets": ["transactions"]}, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["stage"] == "proposed" and response.json()["datasets"] == ["transactions"]
    response = api.patch("/api/v1/projects/churn/", {"summary": "Who leaves.", "datasets": []},
                         format="json")
    assert response.json()["summary"] == "Who leaves." and response.json()["datasets"] == []
    assert api.get("/api/v1/projects/?stage=proposed&ordering=-name").json()["count"] == 1
    assert Activity.objects.filter(verb="created", target_repr="Churn").exists()


def test_a_transition_answers_201_and_is_in_the_history(api, project, member, write):
    write("project-charter", project, by=member)
    response = api.post("/api/v1/projects/fraud/transitions/",
                        {"stage": "data_discovery", "note": "Charter written."}, format="json")
    assert response.status_code == 201
    assert response.json()["from_stage"] == "proposed" and response.json()["actor"] == "member"
    history = api.get("/api/v1/projects/fraud/transitions/").json()["results"]
    assert history[0]["to_stage"] == "data_discovery"
    assert Project.objects.get(slug="fraud").stage == "data_discovery"


def test_a_refused_transition_answers_409_with_unmet(api, project):
    response = api.post("/api/v1/projects/fraud/transitions/", {"stage": "deployment"}, format="json")
    assert response.status_code == 409
    assert response.json() == {"detail": response.json()["detail"], "errors": {}, "unmet": []}
    assert not StageTransition.objects.filter(project=project).exists()


def test_a_transition_without_its_documents_answers_409_naming_them(api, project):
    response = api.post("/api/v1/projects/fraud/transitions/", {"stage": "data_discovery"}, format="json")
    assert response.status_code == 409
    [unmet] = response.json()["unmet"]
    assert unmet["template"] == "project-charter" and unmet["met"] is False
    assert unmet["start_url"].startswith("/wiki/project-fraud/new/?template=project-charter")
    assert Project.objects.get(slug="fraud").stage == "proposed"


def test_an_application_error_extra_reaches_the_body(api, project, monkeypatch):
    from config.exceptions import ApplicationError
    from lifecycle import services

    def refuse(**kwargs):
        raise ApplicationError("Documentation missing.", extra={"unmet": [{"page": "charter"}]})

    monkeypatch.setattr(services, "project_stage_change", refuse)
    response = api.post("/api/v1/projects/fraud/transitions/", {"stage": "data_discovery"},
                        format="json")
    assert response.status_code == 409 and response.json()["unmet"] == [{"page": "charter"}]


def test_datasets_create_read_edit_and_catalog_filters(api, team):
    body = {"slug": "clicks", "name": "Clicks", "team": "risk", "format": "parquet",
            "sensitivity": "confidential", "contains_pii": True, "tags": ["web", "eu"],
            "license": "CC-BY-4.0", "steward": "member"}
    response = api.post("/api/v1/datasets/", body, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["tags"] == ["eu", "web"]
    for query in ["tag=web", "team=risk", "sensitivity=confidential", "format=PARQUET",
                  "license=cc-by-4.0", "contains_pii=true", "q=click"]:
        assert [d["slug"] for d in api.get(f"/api/v1/datasets/?{query}").json()["results"]] == ["clicks"]
    assert api.get("/api/v1/datasets/?tag=nope").json()["count"] == 0
    response = api.patch("/api/v1/datasets/clicks/", {"tags": ["web"], "limitations": "Bots."},
                         format="json")
    assert response.json()["tags"] == ["web"] and response.json()["limitations"] == "Bots."


def test_dataset_columns_are_replaced_with_put(api, dataset):
    columns = [{"name": "id", "dtype": "int64"},
               {"name": "email", "dtype": "string", "description": "Contact", "is_pii": True}]
    response = api.put("/api/v1/datasets/transactions/columns/", {"columns": columns}, format="json")
    assert response.status_code == 200
    assert response.json()["columns"][1] == {"name": "email", "dtype": "string",
                                             "description": "Contact", "is_pii": True}
    assert api.get("/api/v1/datasets/transactions/").json()["columns"][0]["name"] == "id"
    api.put("/api/v1/datasets/transactions/columns/", {"columns": []}, format="json")
    assert not DatasetColumn.objects.exists()


def test_dataset_versions_register_list_and_show_their_users(api, dataset, model_version,
                                                             dataset_version):
    response = api.post("/api/v1/datasets/transactions/versions/",
                        {"label": "2026.02", "row_count": 12, "released_on": "2026-02-01",
                         "checksum": "sha256:abc"}, format="json")
    assert response.status_code == 201 and response.json()["used_by"] == []
    labels = [v["label"] for v in api.get("/api/v1/datasets/transactions/versions/").json()["results"]]
    assert labels == ["2026.02", "2026.01"]
    Lineage.objects.create(model_version=model_version, dataset_version=dataset_version)
    detail = api.get("/api/v1/datasets/transactions/versions/2026.01/").json()
    assert detail["used_by"] == [{"model": "scorer", "number": 1, "status": "candidate",
                                  "use": "training"}]


def test_models_create_read_and_edit(api, project):
    response = api.post("/api/v1/models/", {"slug": "ranker", "name": "Ranker", "task": "ranking",
                                            "project": "fraud"}, format="json")
    assert response.status_code == 201 and response.json()["version_count"] == 0
    response = api.patch("/api/v1/models/ranker/", {"framework": "xgboost"}, format="json")
    assert response.json()["framework"] == "xgboost"
    assert api.get("/api/v1/models/?framework=XGBoost").json()["count"] == 1


def test_model_versions_register_with_lineage_read_both_ways_and_change_status(api, model, dataset,
                                                                             member, reviewer, write):
    from lifecycle.services import page_approve

    DatasetVersionFactory(dataset=dataset, label="2026.01")
    DatasetVersionFactory(dataset=dataset, label="2026.02")
    lineage = [{"dataset": "transactions", "version": "2026.01", "use": "training"},
               {"dataset": "transactions", "version": "2026.02", "use": "evaluation"}]
    response = api.post("/api/v1/models/scorer/versions/",
                        {"metrics": {"auc": 0.91}, "code_revision": "abc123", "lineage": lineage},
                        format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["number"] == 1
    assert sorted(response.json()["lineage"], key=lambda x: x["use"], reverse=True) == lineage
    used = api.get("/api/v1/datasets/transactions/versions/2026.02/").json()["used_by"]
    assert used == [{"model": "scorer", "number": 1, "status": "candidate", "use": "evaluation"}]
    response = api.patch("/api/v1/models/scorer/versions/1/", {"status": "production"}, format="json")
    assert response.status_code == 409 and "model card" in response.json()["detail"]
    assert len(response.json()["unmet"]) == 2
    write("model-card", model, by=member)
    review = write("ethics-bias-review", model, by=member)
    page_approve(page=review, revision=review.revision, by=reviewer)
    response = api.patch("/api/v1/models/scorer/versions/1/", {"status": "production"}, format="json")
    assert response.json()["status"] == "production"
    assert api.get("/api/v1/models/scorer/").json()["latest_status"] == "production"
    assert api.get("/api/v1/models/scorer/versions/?status=production").json()["count"] == 1


def test_a_registration_answers_with_what_a_later_read_returns(api, model, dataset):
    # the 201 bodies are built from what was just written, not read back: they must not drift
    DatasetVersionFactory(dataset=dataset, label="2026.01")
    created = api.post("/api/v1/models/", {"slug": "ranker", "name": "Ranker", "task": "ranking",
                                           "project": "fraud", "framework": "jax"}, format="json")
    assert created.json() == api.get("/api/v1/models/ranker/").json()
    for body in ({"metrics": {"auc": 0.9}},
                 {"lineage": [{"dataset": "transactions", "version": "2026.01"}], "notes": "n"}):
        version = api.post("/api/v1/models/scorer/versions/", body, format="json")
        assert version.status_code == 201, version.json()
        number = version.json()["number"]
        assert version.json() == api.get(f"/api/v1/models/scorer/versions/{number}/").json()


def test_the_written_out_representations_match_their_declared_fields(api, model, dataset, member):
    from rest_framework import serializers

    from registry.api.serializers import ModelOut, ModelVersionOut
    from registry.selectors import model_list, model_versions_with_lineage

    used = DatasetVersionFactory(dataset=dataset, label="2026.01")
    ModelVersionFactory(model=model, number=1, created_by=member, trained_by=None)
    version = ModelVersionFactory(model=model, number=2, created_by=member, metrics={"auc": 0.9},
                                  notes="Retrained on January.", code_revision="abc123",
                                  artifact_uri="s3://models/2/")
    Lineage.objects.create(model_version=version, dataset_version=used, use="evaluation")
    rows = [(ModelOut, row) for row in model_list(user=member)] + [
        (ModelVersionOut, row) for row in model_versions_with_lineage(user=member, model=model)]
    assert len(rows) == 3
    for serializer, row in rows:
        fast = serializer(row).data
        assert fast == serializers.ModelSerializer.to_representation(serializer(row), row)
        assert list(fast) == serializer.Meta.fields
    # the list reads its rows as dicts of ModelOut.ROW
    (as_dict,) = model_list(user=member).values(*ModelOut.ROW)
    assert ModelOut(as_dict).data == ModelOut(rows[0][1]).data


def test_a_dataset_row_written_out_matches_its_declared_fields(member, team, project):
    from rest_framework import serializers

    from registry import services
    from registry.api.serializers import DatasetOut
    from registry.selectors import dataset_list, with_tag_names

    services.dataset_create(slug="bare", name="Bare", team=team, by=member)  # no steward, no home
    full = services.dataset_create(slug="full", name="Full", team=team, by=member, steward=member,
                                   home_project=project, tags=["pii", "daily"], format="parquet",
                                   contains_pii=True, limitations="EU only.")
    DatasetVersionFactory(dataset=full, label="2026.02")
    for dataset in dataset_list(user=member).select_related("home_project"):
        fast = DatasetOut(dataset).data
        assert fast == serializers.ModelSerializer.to_representation(DatasetOut(dataset), dataset)
        assert list(fast) == DatasetOut.Meta.fields
        # the list and the searched list read their rows as dicts of DatasetOut.ROW
        (row,) = with_tag_names(list(DatasetOut.rows_of(dataset_list(user=member).filter(pk=dataset.pk))))
        assert DatasetOut(row).data == fast
    assert DatasetOut(dataset_list(user=member).get(slug="full")).data["tags"] == ["daily", "pii"]


def test_activity_is_filterable_by_target_and_actor(api, project, dataset):
    api.patch("/api/v1/projects/fraud/", {"summary": "New."}, format="json")
    api.patch("/api/v1/datasets/transactions/", {"description": "New."}, format="json")
    feed = api.get("/api/v1/activity/").json()
    assert feed["count"] == 2
    by_target = api.get("/api/v1/activity/?target_type=project&target=fraud").json()["results"]
    assert [a["target_type"] for a in by_target] == ["project"]
    assert api.get("/api/v1/activity/?target=transactions").json()["count"] == 1
    assert api.get("/api/v1/activity/?actor=member").json()["count"] == 2
    assert api.get("/api/v1/activity/?actor=nobody").json()["count"] == 0


def test_pagination_and_ordering(token_client, staff, team):
    api = token_client(staff)
    for i in range(5):
        api.post("/api/v1/teams/", {"slug": f"t{i}", "name": f"T{i}"}, format="json")
    page = api.get("/api/v1/teams/?page_size=2&ordering=-slug").json()
    assert page["count"] == 6 and len(page["results"]) == 2 and page["next"]
    assert [t["slug"] for t in page["results"]] == ["t4", "t3"]
