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
