"""The Python client against a live server: what a training pipeline or a CI job does."""

import pytest

from almanac_client import (
    Almanac,
    BadRequest,
    ConfigurationError,
    Conflict,
    Forbidden,
    Lineage,
    NotFound,
    Unauthorized,
)
from registry.models import DatasetVersion, ModelVersion

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_pipeline_registers_a_dataset_version(almanac, member, dataset):
    client = almanac(member)

    version = client.register_dataset_version(
        "transactions", "2026.10", released_on="2026-10-01", row_count=48211004,
        checksum="sha256:9f2c", location="s3://lake/transactions/2026.10/")

    assert (version.dataset, version.label, version.row_count) == ("transactions", "2026.10", 48211004)
    assert version.created_by == "member"
    assert DatasetVersion.objects.filter(dataset=dataset, label="2026.10").exists()
    assert client.dataset_version("transactions", "2026.10").location == "s3://lake/transactions/2026.10/"


def test_a_model_version_is_registered_with_its_metrics_and_lineage(almanac, member, model, dataset_version):
    client = almanac(member)

    version = client.register_model_version(
        "scorer", metrics={"auc": 0.912}, code_revision="4e1d2a7",
        lineage=[Lineage("transactions", "2026.01"), "transactions@2026.01:evaluation"])

    assert version.number == 1 and version.status == "candidate"
    assert version.metrics == {"auc": 0.912}
    assert set(version.lineage) == {Lineage("transactions", "2026.01", "training"),
                                    Lineage("transactions", "2026.01", "evaluation")}
    used_by = client.dataset_version("transactions", "2026.01").used_by
    assert {(u.model, u.number, u.use) for u in used_by} == {("scorer", 1, "training"),
                                                             ("scorer", 1, "evaluation")}
    assert [v.number for v in client.model_versions("scorer").results] == [1]


def test_a_version_moves_through_statuses(almanac, member, model_version):
    client = almanac(member)

    assert client.set_status("scorer", 1, "staging").status == "staging"
    with pytest.raises(Conflict) as refused:
        client.set_status("scorer", 1, "production")
    assert "model card" in refused.value.detail.lower()
    assert ModelVersion.objects.get(pk=model_version.pk).status == "staging"


def test_a_project_moves_stage_once_its_gate_is_met(almanac, member, project, write):
    client = almanac(member)

    gate = client.gate("fraud", "data_discovery")
    assert gate.allowed and not gate.met
    assert [check.requirement for check in gate.checks if not check.met] == ["Project charter"]
    with pytest.raises(Conflict) as refused:
        client.move_stage("fraud", "data_discovery", note="Start looking.")
    assert refused.value.body["unmet"][0]["requirement"] == "Project charter"

    write("project-charter", project, by=member)
    assert client.gate("fraud", "data_discovery").met
    moved = client.move_stage("fraud", "data_discovery", note="Start looking.")
    assert (moved.from_stage, moved.to_stage, moved.actor) == ("proposed", "data_discovery", "member")


def test_search_finds_what_the_token_may_see(almanac, member, outsider, dataset, private_dataset):
    assert [hit.slug for hit in almanac(member).search("Secret", type="dataset").results] == ["secret-data"]
    assert almanac(outsider).search("Secret").results == []
    assert "transactions" in [d.slug for d in almanac(outsider).datasets().results]


def test_errors_carry_the_body_of_the_answer(almanac, member, outsider, viewer, model, private_model,
                                             live_server):
    with pytest.raises(NotFound) as hidden:
        almanac(outsider).register_model_version("secret-model", metrics={"auc": 1})
    assert hidden.value.status == 404 and hidden.value.body == {"detail": "Not found.", "errors": {}}

    with pytest.raises(BadRequest) as bad:
        almanac(member).register_model_version("scorer", lineage=["transactions@nope"])
    assert "lineage" in bad.value.errors
    assert "transactions@nope" in str(bad.value)

    with pytest.raises(Forbidden):
        almanac(member, read_only=True).register_model_version("scorer")
    with pytest.raises(Forbidden):
        almanac(viewer).register_model_version("scorer")
    with pytest.raises(Unauthorized):
        Almanac(live_server.url, "alm_not_a_token").models()
    assert not ModelVersion.objects.exists()


def test_configuration_comes_from_the_environment(monkeypatch, almanac, member, live_server, model):
    from accounts.services import api_token_create

    _, token = api_token_create(user=member, name="env")
    monkeypatch.setenv("ALMANAC_URL", live_server.url + "/")
    monkeypatch.setenv("ALMANAC_TOKEN", token)
    client = Almanac()
    assert client.base_url == live_server.url + "/api/v1"
    assert [m.slug for m in client.models().results] == ["scorer"]
    assert token not in repr(client)

    monkeypatch.delenv("ALMANAC_URL")
    with pytest.raises(ConfigurationError):
        Almanac()


def test_an_openlineage_event_is_sent_through_the_client(almanac, member, dataset):
    dataset.source_uri = "s3://lake/transactions"
    dataset.save()
    event = {"eventType": "COMPLETE", "eventTime": "2026-11-20T08:30:00Z",
             "run": {"runId": "0f6c8f3e-5d2a-4a53-9e1f-2b8f0e0c1a77"},
             "job": {"namespace": "airflow", "name": "load"},
             "inputs": [{"namespace": "s3://lake", "name": "transactions/2026-11"},
                        {"namespace": "s3://lake", "name": "nobody-knows"}],
             "producer": "test"}

    answer = almanac(member).post_openlineage(event)

    assert answer["inputs"][0]["status"] == "created"
    assert answer["unknown_datasets"] == [{"namespace": "s3://lake", "name": "nobody-knows"}]
    assert DatasetVersion.objects.filter(dataset=dataset, label="2026-11-20T08:30:00Z").exists()


def test_aliases_point_at_versions_and_a_serving_one_passes_the_gate(almanac, member, outsider, model,
                                                                    private_model):
    client = almanac(member)
    for auc in (0.90, 0.93):
        client.register_model_version("scorer", metrics={"auc": auc})

    assert client.set_alias("scorer", "champion", 1)["version"] == 1
    assert client.model_version("scorer", "@champion").number == 1
    assert client.model_version("scorer", 1).aliases == ["champion"]
    client.set_alias("scorer", "champion", 2)  # moved
    assert client.model_version("scorer", "@champion").number == 2
    with pytest.raises(Conflict):  # a candidate does not pass the promotion gate
        client.set_alias("scorer", "prod", 2, serving=True)
    with pytest.raises(BadRequest) as bad:
        client.set_alias("scorer", "7", 2)
    assert "not a number" in bad.value.body["errors"]["alias"][0]
    with pytest.raises(Forbidden):  # seen, not theirs to change
        almanac(outsider).set_alias("scorer", "champion", 1)
    with pytest.raises(NotFound):  # hidden answers as unknown
        almanac(outsider).set_alias("secret-model", "champion", 1)

    client.delete_alias("scorer", "champion")
    with pytest.raises(NotFound):
        client.model_version("scorer", "@champion")


def test_versions_are_searched_across_models_and_compared(almanac, member, model):
    client = almanac(member)
    client.register_model_version("scorer", metrics={"auc": 0.88}, params={"depth": 6},
                                  tags={"team": "risk"}, run_id="run-1")
    client.register_model_version("scorer", metrics={"auc": 0.93}, params={"depth": 8},
                                  tags={"team": "growth"}, run_id="run-2",
                                  source_uri="http://mlflow.example/#/runs/run-2")

    assert [(v.number, v.run_id) for v in client.search_versions({"tag.team": "risk"}).results] == [
        (1, "run-1")]
    found = client.search_versions({"metric.auc__gte": 0.9}, model="scorer").results
    assert [(v.number, v.params, v.source_uri) for v in found] == [
        (2, {"depth": 8}, "http://mlflow.example/#/runs/run-2")]

    compared = client.compare("scorer", [1, 2])
    assert [v["number"] for v in compared["versions"]] == [1, 2]
    assert compared["metrics"] == [{"name": "auc", "differs": True, "values": {"1": 0.88, "2": 0.93},
                                    "deltas": {"1": 0.0, "2": 0.05}}]
    assert [(p["name"], p["values"]) for p in compared["params"]] == [("depth", {"1": 6, "2": 8})]
    assert [(t["name"], t["differs"]) for t in compared["tags"]] == [("team", True)]
    with pytest.raises(BadRequest) as unknown:
        client.compare("scorer", [1, 9])
    assert unknown.value.body["errors"]["versions"] == ["Scorer has no version 9."]
