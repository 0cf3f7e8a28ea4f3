"""Bad input answers 400 naming the field, changes nothing, and is never a 500."""

import json

import pytest

from registry.models import Dataset, ModelVersion, Project
from tests.api.conftest import assert_error_body, names_field

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("body,field", [
    ({"slug": "Bad Slug", "name": "X", "team": "risk"}, "slug"),
    ({"slug": "x", "name": "X", "team": "nope"}, "team"),
    ({"slug": "x", "name": "X", "team": "risk", "visibility": "secret"}, "visibility"),
    ({"slug": "x", "name": "X", "team": "risk", "is_staff": True}, "is_staff"),
    ({"slug": "x", "name": "X", "team": "risk", "stage": "deployment"}, "stage"),
    ({"slug": "x", "name": 5 * "x" * 100, "team": "risk"}, "name"),
    ({"slug": "x", "name": "X", "team": ["risk"]}, "team"),
    ({"slug": "x", "name": "X", "team": "risk", "datasets": "transactions"}, "datasets"),
    ({"name": "X", "team": "risk"}, "slug"),
])
def test_project_create_refuses_bad_fields(api, team, dataset, body, field):
    body = assert_error_body(api.post("/api/v1/projects/", body, format="json"), 400)
    assert names_field(body, field)
    assert not Project.objects.exists()


def test_a_taken_slug_is_a_400(api, project):
    body = assert_error_body(api.post("/api/v1/projects/", {"slug": "fraud", "name": "X",
                                                            "team": "risk"}, format="json"), 400)
    assert "slug" in body["errors"]


@pytest.mark.parametrize("body,field", [
    ({"stage": "validation"}, "stage"),
    ({"slug": "renamed"}, "slug"),
    ({"visibility": "nope"}, "visibility"),
    ({"team": None}, "team"),
    ({"summary": "bad\x00byte"}, "summary"),
])
def test_project_patch_refuses_fields_it_may_not_set(api, project, body, field):
    body = assert_error_body(api.patch("/api/v1/projects/fraud/", body, format="json"), 400)
    assert names_field(body, field)
    project.refresh_from_db()
    assert project.stage == "proposed" and project.slug == "fraud" and project.summary != "bad"


@pytest.mark.parametrize("raw", ["{bad json", "[1, 2]", '"a string"', "null", "1e999999",
                                 '{"stage": NaN}'])
def test_malformed_or_non_object_json_is_a_400(api, project, raw):
    response = api.generic("POST", "/api/v1/projects/fraud/transitions/", raw,
                           content_type="application/json")
    assert_error_body(response, 400)


def test_a_non_json_body_is_a_415(api, project):
    response = api.generic("POST", "/api/v1/projects/fraud/transitions/", "stage=validation",
                           content_type="application/x-www-form-urlencoded")
    assert_error_body(response, 415)


@pytest.mark.parametrize("body,field", [
    ({"label": "v1", "row_count": 2**70}, "row_count"),
    ({"label": "v1", "row_count": -1}, "row_count"),
    ({"label": "v1", "row_count": "many"}, "row_count"),
    ({"label": "v1", "size_bytes": 1.5}, "size_bytes"),
    ({"label": "v1", "released_on": "yesterday"}, "released_on"),
    ({"label": ""}, "label"),
    ({"label": "a/b"}, "label"),
    ({"label": "x" * 61}, "label"),
])
def test_dataset_version_refuses_bad_values(api, dataset_version, body, field):
    response = api.post("/api/v1/datasets/transactions/versions/", body, format="json")
    assert names_field(assert_error_body(response, 400), field)
    assert dataset_version.dataset.versions.count() == 1


@pytest.mark.parametrize("body,field", [
    ({"metrics": [1, 2]}, "metrics"),
    ({"metrics": "auc=0.9"}, "metrics"),
    ({"metrics": {"auc": "\x00"}}, "metrics"),
    ({"number": 2**40}, "number"),
    ({"number": 0}, "number"),
    ({"status": "live"}, "status"),
    ({"trained_by": "ghost"}, "trained_by"),
    ({"lineage": [{"dataset": "transactions", "version": "nope"}]}, "lineage"),
    ({"lineage": [{"dataset": "transactions", "version": "2026.01", "use": "testing"}]}, "lineage"),
    ({"lineage": {"dataset": "transactions"}}, "lineage"),
    ({"lineage": [{"dataset": "transactions", "version": "2026.01", "extra": 1}]}, "lineage"),
])
def test_model_version_refuses_bad_values(api, model_version, dataset_version, body, field):
    response = api.post("/api/v1/models/scorer/versions/", body, format="json")
    assert names_field(assert_error_body(response, 400), field)
    assert ModelVersion.objects.count() == 1


@pytest.mark.parametrize("body,field", [
    ({"metrics": {"auc": 1}}, "metrics"),
    ({"status": "nope"}, "status"),
    ({}, "status"),
])
def test_a_model_version_only_changes_its_status(api, model_version, body, field):
    response = api.patch("/api/v1/models/scorer/versions/1/", body, format="json")
    assert names_field(assert_error_body(response, 400), field)


@pytest.mark.parametrize("body,field", [
    ({"columns": [{"name": "a", "dtype": "int"}, {"name": "a", "dtype": "int"}]}, "columns"),
    ({"columns": [{"name": "a"}]}, "columns"),
    ({"columns": "a:int"}, "columns"),
    ({"cols": []}, "cols"),
])
def test_columns_refuse_bad_schemas(api, dataset, body, field):
    response = api.put("/api/v1/datasets/transactions/columns/", body, format="json")
    assert names_field(assert_error_body(response, 400), field)


@pytest.mark.parametrize("body,field", [
    ({"tags": ["Not A Slug"]}, "tags"),
    ({"sensitivity": "top-secret"}, "sensitivity"),
    ({"contains_pii": "perhaps"}, "contains_pii"),
    ({"steward": "ghost"}, "steward"),
    ({"team": "growth"}, "team"),
])
def test_dataset_patch_refuses_bad_values(api, dataset, other_team, body, field):
    response = api.patch("/api/v1/datasets/transactions/", body, format="json")
    assert names_field(assert_error_body(response, 400), field)
    assert Dataset.objects.get(slug="transactions").sensitivity == "internal"


@pytest.mark.parametrize("query", ["stage=nowhere", "team=ghost", "page=abc", "page=99",
                                   "ordering=password", "page_size=100000", "q=%00"])
def test_bad_list_queries_never_500(api, project, query):
    response = api.get(f"/api/v1/projects/?{query}")
    assert response.status_code in (200, 400, 404)
    if response.status_code != 200:
        assert_error_body(response, response.status_code)


@pytest.mark.parametrize("url", ["/api/v1/models/scorer/versions/99999999999999999999/",
                                 "/api/v1/datasets/transactions/versions/%00/",
                                 "/api/v1/people/%00/", "/api/v1/projects/NOT_A%20SLUG/",
                                 "/api/v1/whatever/"])
def test_bad_paths_answer_404_with_the_error_body(api, model, dataset, url):
    assert_error_body(api.get(url), 404)


def test_an_unsupported_method_is_a_405_with_the_error_body(api, project):
    assert_error_body(api.delete("/api/v1/projects/fraud/"), 405)


def test_activity_filters_refuse_unknown_types(api):
    body = assert_error_body(api.get("/api/v1/activity/?target_type=planet"), 400)
    assert "target_type" in body["errors"]


def test_json_with_a_huge_nested_payload_is_a_400_not_a_500(api, model):
    deep = json.dumps({"metrics": {"a": [[[[[[[[[[1]]]]]]]]]]}})
    response = api.generic("POST", "/api/v1/models/scorer/versions/", deep,
                           content_type="application/json")
    assert response.status_code in (201, 400)


@pytest.mark.parametrize("since", ["1385-07-31T00:16:32-16:30", "0001-01-01T00:00:00+05:00",
                                   "9999-12-31T23:59:59-05:00", "2026-01-01T00:00:00Z", "soon"])
def test_activity_since_accepts_any_offset_and_refuses_nonsense(api, since):
    response = api.get("/api/v1/activity/", {"since": since})
    assert response.status_code == (400 if since == "soon" else 200)


def test_nested_errors_name_their_path(api, model, dataset_version):
    body = {"lineage": [{"dataset": "transactions", "version": "2026.01", "color": "red"}]}
    response = api.post("/api/v1/models/scorer/versions/", body, format="json")
    assert assert_error_body(response, 400)["errors"] == {
        "lineage.0.color": ["Unexpected field: it cannot be set here."]}


def test_a_model_goes_only_into_a_project_of_a_team_you_write_for(token_client, viewer, outsider,
                                                                  project, private_project):
    from registry.models import MLModel

    body = {"slug": "ranker", "name": "Ranker", "task": "ranking"}
    # visible but not yours: says so
    response = token_client(viewer).post("/api/v1/models/", {**body, "project": "fraud"},
                                         format="json")
    error = assert_error_body(response, 400)
    assert names_field(error, "project") and "lead or member" in str(error["errors"])
    # hidden: answered as if it did not exist, so its slug leaks nothing
    response = token_client(outsider).post("/api/v1/models/", {**body, "project": "secret"},
                                           format="json")
    error = assert_error_body(response, 400)
    assert names_field(error, "project") and "does not exist" in str(error["errors"])
    assert not MLModel.objects.filter(slug="ranker").exists()
