"""POST /api/v1/lineage/openlineage/: an orchestrator's run events become dataset versions
and lineage, once per run, never inventing a dataset and never reaching past what the
sender may see and change."""

import uuid

import pytest
from django.urls import reverse

from integrations.models import OpenLineageRun, UnmappedDataset
from registry.models import Activity, DatasetVersion, Lineage
from tests.factories import DatasetFactory, ModelVersionFactory

URL = "/api/v1/lineage/openlineage/"


def event(*, inputs=(), outputs=(), run_id=None, event_type="COMPLETE",
          event_time="2026-11-20T08:30:00.000Z"):
    return {
        "eventType": event_type, "eventTime": event_time,
        "run": {"runId": run_id or str(uuid.uuid4()),
                "facets": {"nominalTime": {"nominalStartTime": event_time}}},
        "job": {"namespace": "airflow", "name": "train_fraud_scorer"},
        "inputs": list(inputs), "outputs": list(outputs),
        "producer": "https://github.com/OpenLineage/OpenLineage/tree/1.20.0/integration/airflow",
        "schemaURL": "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent",
    }


def ds(namespace, name, version=None, **input_facets):
    item = {"namespace": namespace, "name": name, "facets": {"schema": {"fields": []}}}
    if version is not None:
        item["facets"]["version"] = {"_producer": "x", "datasetVersion": version}
    if input_facets:
        item["inputFacets"] = {"dataQualityMetrics": input_facets}
    return item


@pytest.fixture
def lake_dataset(dataset):
    dataset.source_uri = "s3://lake/transactions/"
    dataset.save()
    return dataset


@pytest.fixture
def trained(model, member):
    return ModelVersionFactory(model=model, number=4, created_by=member,
                               artifact_uri="s3://models/scorer/4/")


def test_a_complete_event_registers_inputs_and_gives_the_model_version_its_lineage(
        token_client, member, lake_dataset, trained):
    client = token_client(member)
    body = event(inputs=[ds("s3://lake", "transactions/2026-11", version="2026.11",
                            rowCount=1200, bytes=4096)],
                 outputs=[ds("s3://models", "scorer/4")])

    answer = client.post(URL, body, format="json")

    assert answer.status_code == 201, answer.json()
    data = answer.json()
    assert data["inputs"] == [{"namespace": "s3://lake", "name": "transactions/2026-11", "status": "created",
                               "dataset": "transactions", "version": "2026.11"}]
    assert data["outputs"] == [{"namespace": "s3://models", "name": "scorer/4", "status": "linked",
                                "model": "scorer", "number": 4, "lineage_added": [
                                    {"dataset": "transactions", "version": "2026.11", "use": "training"}]}]
    assert data["unknown_datasets"] == [] and not data["duplicate"]
    version = DatasetVersion.objects.get(dataset=lake_dataset, label="2026.11")
    assert (version.row_count, version.size_bytes, version.location) == (
        1200, 4096, "s3://lake/transactions/2026-11")
    assert version.created_by == member
    links = Lineage.objects.filter(model_version=trained).values_list("dataset_version__label", "use")
    assert list(links) == [("2026.11", "training")]
    assert Activity.objects.filter(verb="added lineage", actor=member).count() == 1


def test_the_same_run_sent_again_changes_nothing(token_client, member, lake_dataset, trained):
    client = token_client(member)
    body = event(inputs=[ds("s3://lake", "transactions/2026-11")], outputs=[ds("s3://models", "scorer/4/")])
    first = client.post(URL, body, format="json").json()
    counts = (DatasetVersion.objects.count(), Lineage.objects.count(), Activity.objects.count())

    again = client.post(URL, body, format="json")

    assert again.status_code == 200
    assert again.json() == {**first, "duplicate": True}
    assert (DatasetVersion.objects.count(), Lineage.objects.count(), Activity.objects.count()) == counts
    assert OpenLineageRun.objects.count() == 1


def test_without_a_version_facet_the_event_time_labels_the_version(token_client, member, lake_dataset):
    token_client(member).post(URL, event(inputs=[ds("s3://lake/", "/transactions")],
                                         event_time="2026-11-20T09:30:00+01:00"), format="json")
    version = DatasetVersion.objects.get(dataset=lake_dataset)
    assert version.label == "2026-11-20T08:30:00Z"
    assert str(version.released_on) == "2026-11-20"


def test_an_existing_version_is_used_not_duplicated(token_client, member, lake_dataset, dataset_version,
                                                    trained):
    body = event(inputs=[ds("s3://lake", "transactions", version="2026.01")],
                 outputs=[ds("s3://models", "scorer/4")])
    answer = token_client(member).post(URL, body, format="json").json()
    assert answer["inputs"][0]["status"] == "existing"
    assert DatasetVersion.objects.count() == 1
    assert trained.lineage.get().dataset_version == dataset_version


def test_unknown_datasets_are_reported_and_listed_for_stewards(token_client, client, member, lead, outsider,
                                                             lake_dataset):
    orders_ref = ds("postgres://warehouse:5432", "shop.public.orders")
    answer = token_client(member).post(URL, event(inputs=[orders_ref, ds("s3://lake", "transactions/x")]),
                                       format="json")

    data = answer.json()
    assert data["unknown_datasets"] == [{"namespace": "postgres://warehouse:5432",
                                         "name": "shop.public.orders"}]
    assert data["unknown_datasets_url"] == "/integrations/openlineage/unmapped/"
    assert DatasetVersion.objects.count() == 1  # only the known one
    unmapped = UnmappedDataset.objects.get()
    assert unmapped.uri == "postgres://warehouse:5432/shop.public.orders"

    client.force_login(outsider)
    assert "shop.public.orders" not in client.get(data["unknown_datasets_url"]).content.decode()
    client.force_login(lead)
    page = client.get(data["unknown_datasets_url"]).content.decode()
    assert "shop.public.orders" in page and "postgres://warehouse:5432/shop.public.orders" in page

    orders = DatasetFactory(team=lake_dataset.team, slug="orders", name="Orders")
    mapped = client.post(reverse("integrations:unmapped_map", args=[unmapped.pk]), {"dataset": "orders"})
    assert mapped.status_code == 302
    orders.refresh_from_db()
    assert orders.source_uri == "postgres://warehouse:5432/shop.public.orders"
    assert not UnmappedDataset.objects.exists()

    again = token_client(member).post(URL, event(inputs=[orders_ref]), format="json").json()
    assert again["inputs"][0]["dataset"] == "orders" and again["unknown_datasets"] == []


def test_mapping_to_a_dataset_one_cannot_edit_is_refused_like_an_unknown_one(
        token_client, client, member, viewer, private_dataset):
    token_client(member).post(URL, event(inputs=[ds("s3://else", "thing")]), format="json")
    unmapped = UnmappedDataset.objects.get()
    client.force_login(viewer)
    url = reverse("integrations:unmapped_map", args=[unmapped.pk])
    for slug in ["secret-data", "no-such-dataset"]:
        answer = client.post(url, {"dataset": slug})
        assert answer.status_code == 400
        assert "No dataset with this slug that you may edit." in answer.content.decode()
    private_dataset.refresh_from_db()
    assert private_dataset.source_uri == ""
    assert client.get(url).status_code == 405


def test_an_event_reaches_nothing_the_sender_may_not_see_or_change(
        token_client, outsider, member, lake_dataset, private_project, private_model):
    hidden = DatasetFactory(team=private_project.team, home_project=private_project, slug="vault-data",
                            source_uri="s3://vault/hidden")
    ModelVersionFactory(model=private_model, number=1, created_by=member, artifact_uri="s3://models/secret/1")
    trained = ModelVersionFactory(model__project__team=lake_dataset.team, model__slug="other", number=1,
                                  created_by=member, artifact_uri="s3://models/other/1")

    data = token_client(outsider).post(URL, event(
        inputs=[ds("s3://vault", "hidden"), ds("s3://lake", "transactions/2026-12")],
        outputs=[ds("s3://models", "secret/1"), ds("s3://models", "other/1")]), format="json").json()

    assert data["inputs"][0] == {"namespace": "s3://vault", "name": "hidden", "status": "unknown"}
    assert data["inputs"][1]["status"] == "refused" and data["inputs"][1]["dataset"] == "transactions"
    assert data["outputs"][0] == {"namespace": "s3://models", "name": "secret/1",
                                  "status": "not a model version"}
    assert data["outputs"][1]["status"] == "refused"
    assert not DatasetVersion.objects.exists() and not Lineage.objects.exists()
    assert "vault-data" not in str(data) and "secret" not in str(data).replace("secret/1", "")
    assert hidden.versions.count() == 0 and trained.lineage.count() == 0


def test_events_other_than_complete_are_accepted_and_ignored(token_client, member, lake_dataset):
    body = event(event_type="START", inputs=[ds("s3://lake", "transactions")])
    answer = token_client(member).post(URL, body, format="json")
    assert answer.status_code == 200 and answer.json()["processed"] is False
    assert not DatasetVersion.objects.exists() and not OpenLineageRun.objects.exists()


@pytest.mark.parametrize(("change", "field"), [
    (lambda e: e["run"].pop("runId"), "run.runId"),
    (lambda e: e["run"].update(runId="not-a-uuid"), "run.runId"),
    (lambda e: e.pop("eventTime"), "eventTime"),
    (lambda e: e.update(eventType="DONE"), "eventType"),
    (lambda e: e["job"].pop("name"), "job.name"),
    (lambda e: e["inputs"][0].pop("name"), "inputs.0.name"),
    (lambda e: e["inputs"][0]["facets"].update(version={"datasetVersion": "a/b"}),
     "inputs.0.facets.version.datasetVersion"),
    (lambda e: e["inputs"][0].update(inputFacets={"dataQualityMetrics": {"rowCount": -1}}),
     "inputs.0.inputFacets.dataQualityMetrics.rowCount"),
    (lambda e: e.update(inputs="s3://lake/x"), "inputs.non_field_errors"),
])
def test_a_bad_event_is_a_400_naming_the_field(token_client, member, lake_dataset, change, field):
    body = event(inputs=[ds("s3://lake", "transactions")])
    change(body)
    answer = token_client(member).post(URL, body, format="json")
    assert answer.status_code == 400
    assert field in answer.json()["errors"], answer.json()
    assert not DatasetVersion.objects.exists()


def test_only_a_writing_token_may_send_events(token_client, member, lake_dataset, client):
    assert token_client(member, read_only=True).post(URL, event(), format="json").status_code == 403
    assert client.post(URL, event(), content_type="application/json").status_code == 401


def test_a_run_id_sent_by_someone_else_is_refused(token_client, member, lead, lake_dataset):
    body = event(inputs=[ds("s3://lake", "transactions")])
    token_client(member).post(URL, body, format="json")
    answer = token_client(lead).post(URL, body, format="json")
    assert answer.status_code == 409
    assert "inputs" not in answer.json()


@pytest.mark.parametrize("size", [2, 12])
def test_the_unmapped_lists_are_bounded(token_client, client, member, size, django_assert_max_num_queries):
    for n in range(size):
        UnmappedDataset.objects.create(namespace="s3://x", name=f"t{n}", reported_by=member,
                                       last_seen_at="2026-11-20T00:00Z")
    client.force_login(member)
    with django_assert_max_num_queries(8):
        assert client.get("/integrations/openlineage/unmapped/").status_code == 200
    api = token_client(member)
    with django_assert_max_num_queries(6):
        assert len(api.get(URL + "unmapped/").json()["results"]) == size
