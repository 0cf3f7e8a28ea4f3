"""The model registry as a pipeline uses it: aliases, one production version, the
per-version gate, metadata, search, idempotent registration."""

import pytest

from lifecycle import services
from registry.models import ModelAlias
from tests.factories import ModelVersionFactory


@pytest.fixture
def documented(member, reviewer, write, model):
    def documented():
        write("model-card", model, by=member)
        review = write("ethics-bias-review", model, by=member)
        services.page_approve(page=review, revision=review.revision, by=reviewer)
    return documented


def test_aliases_are_set_resolved_moved_and_removed(api, model, member):
    v1 = ModelVersionFactory(model=model, number=1, created_by=member)
    ModelVersionFactory(model=model, number=2, created_by=member)
    url = f"/api/v1/models/{model.slug}/aliases/challenger/"
    response = api.put(url, {"version": 1}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["version"] == 1 and response.json()["serving"] is False
    got = api.get(f"/api/v1/models/{model.slug}/versions/@challenger/").json()
    assert got["number"] == 1 and got["aliases"] == ["challenger"]
    assert api.put(url, {"version": 2}, format="json").json()["version"] == 2
    assert api.get(f"/api/v1/models/{model.slug}/").json()["aliases"] == {"challenger": 2}
    assert api.get("/api/v1/models/").json()["results"][0]["aliases"] == {"challenger": 2}
    assert api.delete(url).status_code == 204
    assert api.get(f"/api/v1/models/{model.slug}/versions/@challenger/").status_code == 404
    assert api.delete(url).status_code == 404
    assert v1.aliases.count() == 0


def test_bad_alias_input_is_a_400_naming_the_field(api, model, member):
    ModelVersionFactory(model=model, number=1, created_by=member)
    base = f"/api/v1/models/{model.slug}/aliases"
    assert "version" in api.put(f"{base}/champion/", {"version": 9}, format="json").json()["errors"]
    assert "version" in api.put(f"{base}/champion/", {"version": "x"}, format="json").json()["errors"]
    assert "alias" in api.put(f"{base}/123/", {"version": 1}, format="json").json()["errors"]
    assert not ModelAlias.objects.exists()


def test_a_serving_alias_is_refused_with_the_checklist_until_documented(api, model, member,
                                                                        documented):
    ModelVersionFactory(model=model, number=1, created_by=member)
    url = f"/api/v1/models/{model.slug}/aliases/champion/"
    refused = api.put(url, {"version": 1, "serving": True}, format="json")
    assert refused.status_code == 409
    assert {u["requirement"] for u in refused.json()["unmet"]} == {"Model card", "Ethics & bias review"}
    documented()
    assert api.put(url, {"version": 1, "serving": True}, format="json").json()["serving"] is True


def test_promotion_archives_the_old_version_and_the_checklist_is_readable(api, model, member,
                                                                         documented):
    for n in (1, 2):
        ModelVersionFactory(model=model, number=n, created_by=member)
    checklist = api.get(f"/api/v1/models/{model.slug}/versions/2/promotion/").json()
    assert checklist["met"] is False and checklist["checks"][0]["start_url"]
    documented()
    for n in (1, 2):
        r = api.patch(f"/api/v1/models/{model.slug}/versions/{n}/", {"status": "production"},
                      format="json")
        assert r.status_code == 200, r.json()
    live = api.get(f"/api/v1/models/{model.slug}/versions/?status=production").json()["results"]
    assert [v["number"] for v in live] == [2]
    assert api.get(f"/api/v1/models/{model.slug}/versions/1/").json()["status"] == "archived"
    assert api.get(f"/api/v1/models/{model.slug}/").json()["production_version"] == 2


def test_aliases_of_a_hidden_model_answer_like_an_unknown_one(token_client, outsider, private_model,
                                                              member):
    ModelVersionFactory(model=private_model, number=1, created_by=member)
    client = token_client(outsider)
    for url in (f"/api/v1/models/{private_model.slug}/aliases/champion/",
                f"/api/v1/models/{private_model.slug}/versions/@champion/",
                f"/api/v1/models/{private_model.slug}/versions/1/promotion/"):
        assert client.get(url).status_code == 404
    assert client.put(f"/api/v1/models/{private_model.slug}/aliases/champion/", {"version": 1},
                      format="json").status_code == 404


def test_a_viewer_may_read_but_not_set_an_alias(token_client, viewer, model, member):
    ModelVersionFactory(model=model, number=1, created_by=member)
    client = token_client(viewer)
    assert client.put(f"/api/v1/models/{model.slug}/aliases/champion/", {"version": 1},
                      format="json").status_code == 403


def test_a_version_carries_params_tags_and_its_tracker_run(api, model, dataset_version):
    body = {"metrics": {"auc": 0.91, "loss": 3}, "params": {"max_depth": 6, "booster": "gbtree"},
            "tags": {"stage": "shadow"}, "run_id": "a1b2c3", "source_uri": "http://mlflow/r/a1b2c3",
            "lineage": [{"dataset": dataset_version.dataset.slug, "version": dataset_version.label}]}
    response = api.post(f"/api/v1/models/{model.slug}/versions/", body, format="json")
    assert response.status_code == 201, response.json()
    got = api.get(f"/api/v1/models/{model.slug}/versions/{response.json()['number']}/").json()
    assert {k: got[k] for k in ("metrics", "params", "tags", "run_id", "source_uri")} == {
        k: body[k] for k in ("metrics", "params", "tags", "run_id", "source_uri")}
    patched = api.patch(f"/api/v1/models/{model.slug}/versions/{got['number']}/",
                        {"tags": {"stage": "canary"}}, format="json")
    assert patched.status_code == 200 and patched.json()["tags"] == {"stage": "canary"}
    assert api.patch(f"/api/v1/models/{model.slug}/", {"tags": {"owner": "risk"}},
                     format="json").json()["tags"] == {"owner": "risk"}


@pytest.mark.parametrize("field,value,named", [
    ("metrics", {"auc": "high"}, "auc"),
    ("metrics", {"auc": True}, "auc"),
    ("metrics", {"auc": None}, "auc"),
    ("metrics", {"a" * 101: 1}, "a" * 100),
    ("metrics", {f"m{i}": 1 for i in range(101)}, "100"),
    ("metrics", {"bad\nkey": 1}, "bad"),
    ("params", {"depth": [1, 2]}, "depth"),
    ("params", {"note": "x" * 501}, "note"),
    ("tags", {"stage": {"nested": 1}}, "stage"),
    ("tags", {"stage": "x" * 501}, "stage"),
    ("tags", {"": "x"}, None),
    ("run_id", "r" * 201, None),
])
def test_bad_metadata_is_a_400_naming_the_field_and_the_key(api, model, field, value, named):
    response = api.post(f"/api/v1/models/{model.slug}/versions/", {field: value}, format="json")
    assert response.status_code == 400, response.content
    said = " ".join(f"{key} {' '.join(messages)}"
                    for key, messages in response.json()["errors"].items() if key.startswith(field))
    assert said
    if named:
        assert named in said
    assert not model.versions.exists()


@pytest.mark.parametrize("number", ["NaN", "Infinity", "1e309", "-1e400"])
def test_a_metric_that_is_not_finite_is_refused(api, model, number):
    response = api.post(f"/api/v1/models/{model.slug}/versions/", f'{{"metrics": {{"auc": {number}}}}}',
                        content_type="application/json")
    assert response.status_code == 400
    assert not model.versions.exists()


def test_the_version_form_takes_params_tags_and_refuses_a_word_as_a_metric(client, model, member):
    client.force_login(member)
    url = f"/models/{model.slug}/versions/new/"
    refused = client.post(url, {"status": "candidate", "metrics": '{"auc": "high"}'})
    assert refused.status_code == 400 and "auc: a metric is a finite number" in refused.content.decode()
    response = client.post(url, {"status": "candidate", "metrics": '{"auc": 0.9}',
                                 "params": '{"eta": 0.1}', "tags": "stage=shadow\nowner = risk",
                                 "run_id": "r1"})
    assert response.status_code == 302
    version = model.versions.get()
    assert version.params == {"eta": 0.1} and version.tags == {"stage": "shadow", "owner": "risk"}
    page = client.get(version.get_absolute_url()).content.decode()
    assert "stage=shadow" in page and "eta" in page


@pytest.fixture
def catalog(member, model, dataset):
    """Two models' versions with tags, metrics and lineage."""
    from tests.factories import DatasetVersionFactory, MLModelFactory

    other = MLModelFactory(project=model.project, slug="other")
    jan = DatasetVersionFactory(dataset=dataset, label="jan", created_by=member)
    feb = DatasetVersionFactory(dataset=dataset, label="feb", created_by=member)
    rows = {}
    for m, n, auc, stage, data in [(model, 1, 0.80, "shadow", jan), (model, 2, 0.93, "canary", feb),
                                   (other, 1, 0.95, "canary", feb), (other, 2, None, "shadow", jan)]:
        v = ModelVersionFactory(model=m, number=n, created_by=member, tags={"stage": stage},
                                metrics={"auc": auc} if auc is not None else {"loss": 1})
        v.lineage.create(dataset_version=data, use="training")
        rows[(m.slug, n)] = v
    return rows


def found(api, query):
    response = api.get(f"/api/v1/model-versions/?{query}")
    assert response.status_code == 200, response.json()
    return [(v["model"], v["number"]) for v in response.json()["results"]]


def test_versions_are_searched_across_models(api, catalog, model, dataset):
    assert len(found(api, "")) == 4
    assert sorted(found(api, "tag.stage=canary")) == [("other", 1), (model.slug, 2)]
    assert found(api, "metric.auc__gte=0.9&sort=-metric.auc") == [("other", 1), (model.slug, 2)]
    assert found(api, "sort=metric.auc")[-1] == ("other", 2)  # no auc: last
    assert sorted(found(api, f"trained_on={dataset.slug}@jan")) == [("other", 2), (model.slug, 1)]
    assert found(api, f"model={model.slug}&metric.auc__lt=0.9") == [(model.slug, 1)]
    assert found(api, "registered_after=2999-01-01T00:00:00Z") == []
    ModelAlias.objects.create(model=model, name="champion", version=catalog[(model.slug, 2)],
                              updated_by=catalog[(model.slug, 2)].created_by)
    assert found(api, "alias=champion") == [(model.slug, 2)]


@pytest.mark.parametrize("query,field", [
    ("metric.auc__gte=high", "metric.auc__gte"), ("metric.auc__between=1", "metric.auc__between"),
    ("sort=-name", "sort"), ("status=live", "status"), ("metric.auc=NaN", "metric.auc"),
    ("registered_after=yesterday", "registered_after"),
])
def test_a_bad_search_is_a_400_naming_the_parameter(api, catalog, query, field):
    response = api.get(f"/api/v1/model-versions/?{query}")
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"]


def test_a_search_names_no_hidden_object(token_client, outsider, catalog, private_model, private_dataset,
                                         member):
    from tests.factories import DatasetVersionFactory

    hidden = DatasetVersionFactory(dataset=private_dataset, label="secret", created_by=member)
    v = ModelVersionFactory(model=private_model, created_by=member, tags={"stage": "canary"})
    v.lineage.create(dataset_version=hidden, use="training")
    client = token_client(outsider)
    assert found(client, f"tag.stage=canary&model={private_model.slug}") == []
    assert found(client, f"trained_on={private_dataset.slug}@secret") == []
    assert all(m != private_model.slug for m, _ in found(client, ""))


def test_the_search_page_filters_and_the_models_page_shows_what_is_live(client, member, catalog, model):
    ModelVersion = type(catalog[(model.slug, 1)])
    ModelVersion.objects.filter(pk=catalog[(model.slug, 1)].pk).update(status="production")
    ModelAlias.objects.create(model=model, name="challenger", version=catalog[(model.slug, 2)],
                              updated_by=member)
    client.force_login(member)
    page = client.get("/model-versions/?tag=stage%3Dcanary&metric=auc%3E%3D0.94").content.decode()
    assert "other" in page.lower() and f"{model.name} v2" not in page
    bad = client.get("/model-versions/?metric=auc%20is%20high")
    assert bad.status_code == 400 and "auc&gt;=0.9" in bad.content.decode()
    models_page = client.get("/models/").content.decode()
    assert "@challenger" in models_page and f"/models/{model.slug}/versions/1/" in models_page


def test_a_retried_dataset_version_answers_200_and_a_different_one_409(api, dataset):
    url = f"/api/v1/datasets/{dataset.slug}/versions/"
    body = {"label": "2026.03", "row_count": 1200, "checksum": "sha256:ab", "released_on": "2026-03-01"}
    first = api.post(url, body, format="json")
    assert first.status_code == 201
    again = api.post(url, body, format="json")
    assert again.status_code == 200 and again.json() == first.json()
    other = api.post(url, {**body, "row_count": 1300, "checksum": "sha256:cd"}, format="json")
    assert other.status_code == 409
    assert other.json()["differing"] == ["checksum", "row_count"]
    assert "checksum, row_count" in other.json()["detail"]
    assert dataset.versions.count() == 1


def test_a_retried_model_version_answers_200_by_number_run_or_key(api, model, dataset_version):
    url = f"/api/v1/models/{model.slug}/versions/"
    lineage = [{"dataset": dataset_version.dataset.slug, "version": dataset_version.label}]
    body = {"number": 4, "metrics": {"auc": 0.9}, "params": {"eta": 0.1}, "lineage": lineage}
    assert api.post(url, body, format="json").status_code == 201
    assert api.post(url, body, format="json").status_code == 200
    changed = api.post(url, {**body, "metrics": {"auc": 0.8}, "lineage": []}, format="json")
    assert changed.status_code == 409 and changed.json()["differing"] == ["lineage", "metrics"]

    by_run = {"run_id": "run-7", "metrics": {"auc": 0.91}}
    created = api.post(url, by_run, format="json").json()
    assert api.post(url, by_run, format="json").json()["number"] == created["number"]

    keyed = {"metrics": {"auc": 0.5}}
    one = api.post(url, keyed, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    two = api.post(url, keyed, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert (one.status_code, two.status_code) == (201, 200)
    assert one.json()["number"] == two.json()["number"]
    assert api.post(url, {"metrics": {"auc": 0.6}}, format="json",
                    HTTP_IDEMPOTENCY_KEY="k-1").status_code == 409
    assert api.post(url, keyed, format="json").status_code == 201  # no key, no number: a new one
    assert model.versions.count() == 4


def test_a_retry_after_promotion_still_answers_200(api, model, member, documented):
    url = f"/api/v1/models/{model.slug}/versions/"
    assert api.post(url, {"number": 1}, format="json").status_code == 201
    documented()
    api.patch(f"{url}1/", {"status": "production"}, format="json")
    again = api.post(url, {"number": 1}, format="json")
    assert again.status_code == 200 and again.json()["status"] == "production"


def test_an_overlong_idempotency_key_is_a_400_naming_it(api, model):
    response = api.post(f"/api/v1/models/{model.slug}/versions/", {}, format="json",
                        HTTP_IDEMPOTENCY_KEY="k" * 201)
    assert response.status_code == 400 and "Idempotency-Key" in response.json()["errors"]
    assert not model.versions.exists()


@pytest.fixture
def three(model, member, dataset):
    from tests.factories import DatasetVersionFactory

    jan = DatasetVersionFactory(dataset=dataset, label="jan", created_by=member)
    feb = DatasetVersionFactory(dataset=dataset, label="feb", created_by=member)
    rows = []
    for n, auc, depth, data in [(3, 0.90, 6, jan), (4, 0.92, 8, feb), (5, 0.88, 8, feb)]:
        v = ModelVersionFactory(model=model, number=n, created_by=member, metrics={"auc": auc},
                                params={"max_depth": depth}, tags={"stage": "x"})
        v.lineage.create(dataset_version=data, use="training")
        rows.append(v)
    return rows


def test_compare_gives_deltas_params_tags_and_what_data_changed(api, model, three, dataset):
    response = api.get(f"/api/v1/models/{model.slug}/compare/?versions=3,4,5")
    assert response.status_code == 200, response.json()
    body = response.json()
    [auc] = body["metrics"]
    assert auc["values"] == {"3": 0.9, "4": 0.92, "5": 0.88}
    assert auc["deltas"] == {"3": 0.0, "4": pytest.approx(0.02), "5": pytest.approx(-0.02)}
    assert body["params"] == [{"name": "max_depth", "differs": True, "values": {"3": 6, "4": 8, "5": 8}}]
    assert body["tags"][0]["differs"] is False
    assert body["lineage"] == [{"name": f"{dataset.slug} (training)", "differs": True,
                                "values": {"3": "jan", "4": "feb", "5": "feb"}}]


@pytest.mark.parametrize("query", ["", "?versions=", "?versions=3,x", "?versions=3,99",
                                   "?versions=" + ",".join(str(n) for n in range(1, 13))])
def test_a_bad_compare_is_a_400_naming_versions(api, model, three, query):
    response = api.get(f"/api/v1/models/{model.slug}/compare/{query}")
    assert response.status_code == 400 and "versions" in response.json()["errors"]


def test_the_compare_page_and_the_metric_chart(client, member, model, three):
    client.force_login(member)
    page = client.get(f"/models/{model.slug}/compare/?versions=3,5").content.decode()
    assert "(-0.02)" in page and "changed" in page
    assert client.get(f"/models/{model.slug}/compare/?versions=3,77").status_code == 400
    assert client.get(f"/models/{model.slug}/compare/").status_code == 200
    ModelAlias.objects.create(model=model, name="champion", version=three[1], updated_by=member)
    detail = client.get(model.get_absolute_url()).content.decode()
    assert '<svg viewBox' in detail and "<title id=\"chart-1-title\">auc by version</title>" in detail
    assert "v4 (@champion)" in detail  # marked on the chart and in its table
    assert "<script" not in detail.split('id="metric-charts"')[1].split("</figure>")[0]


def test_compare_of_a_hidden_model_is_a_404(token_client, outsider, private_model, member):
    ModelVersionFactory(model=private_model, number=1, created_by=member)
    assert token_client(outsider).get(
        f"/api/v1/models/{private_model.slug}/compare/?versions=1").status_code == 404


def test_a_version_in_the_search_reads_as_on_its_own_page(api, catalog, model, member, dataset):
    from registry import services as registry_services

    v = catalog[(model.slug, 2)]
    ModelAlias.objects.create(model=model, name="champion", version=v, updated_by=member)
    registry_services.caveat_raise(dataset_version=v.lineage.get().dataset_version, kind="pii",
                                   text="Raw card numbers.", by=member)
    results = api.get("/api/v1/model-versions/").json()["results"]
    assert any(r["caveats"] for r in results) and any(r["aliases"] for r in results)
    for row in results:
        assert row == api.get(f"/api/v1/models/{row['model']}/versions/{row['number']}/").json()
