"""Issue 12's "done when", as a pipeline's script with a token would do it: register a version
with params, tags and lineage (and retry it), compare it with the live one, answer its
inherited caveats in the model card, promote it (the old one archived), move `champion`, and
find every production version trained on a given dataset version."""

from lifecycle import services as lifecycle_services
from registry import services
from tests.factories import DatasetVersionFactory, ModelVersionFactory


def test_a_pipeline_script_does_it_all_with_a_token(api, model, dataset, member, reviewer, write):
    # what is there before the script runs: v1 live and documented, a new data release with a
    # known bias
    old_data = DatasetVersionFactory(dataset=dataset, label="2026.01", created_by=member)
    v1 = ModelVersionFactory(model=model, number=1, created_by=member, metrics={"auc": 0.88})
    v1.lineage.create(dataset_version=old_data, use="training")
    card = write("model-card", model, by=member)
    review = write("ethics-bias-review", model, by=member)
    lifecycle_services.page_approve(page=review, revision=review.revision, by=reviewer)
    base = f"/api/v1/models/{model.slug}"
    assert api.patch(f"{base}/versions/1/", {"status": "production"}, format="json").status_code == 200
    assert api.put(f"{base}/aliases/champion/", {"version": 1, "serving": True},
                   format="json").status_code == 200
    new_data = DatasetVersionFactory(dataset=dataset, label="2026.02", created_by=member)
    caveat = services.caveat_raise(dataset_version=new_data, kind="bias", by=member,
                                   text="Few customers over 70.")

    # 1. register (and retry) a version with params, tags and lineage
    body = {"metrics": {"auc": 0.91}, "params": {"max_depth": 8}, "tags": {"stage": "candidate"},
            "run_id": "run-42", "lineage": [{"dataset": dataset.slug, "version": "2026.02"}]}
    first = api.post(f"{base}/versions/", body, format="json")
    assert first.status_code == 201
    retry = api.post(f"{base}/versions/", body, format="json")
    assert retry.status_code == 200 and retry.json()["number"] == first.json()["number"] == 2
    assert [c["id"] for c in retry.json()["caveats"]] == [caveat.pk]

    # 2. compare it with the live one
    live = api.get(f"{base}/versions/@champion/").json()["number"]
    comparison = api.get(f"{base}/compare/?versions={live},2").json()
    assert comparison["metrics"][0]["deltas"]["2"] > 0
    assert comparison["lineage"][0]["values"] == {"1": "2026.01", "2": "2026.02"}

    # 3. promotion is refused until the card answers the inherited caveat...
    refused = api.patch(f"{base}/versions/2/", {"status": "production"}, format="json")
    assert refused.status_code == 409
    assert caveat.pk in [u["caveat"] for u in refused.json()["unmet"]]
    page = f"/api/v1/spaces/{card.space.key}/pages/{card.slug}/"
    text = api.get(page).json()["body"].replace(
        "## Caveats and recommendations",
        f"## Caveats and recommendations\n\nCaveat {caveat.pk}: recall is reported per age band; "
        "v2 ships with an age-band threshold.\n")
    edited = api.patch(page, {"body": text}, format="json", HTTP_IF_MATCH=f'"{card.revision}"')
    assert edited.status_code == 200, edited.json()

    # 4. ...then it goes to production, the old one archived
    promoted = api.patch(f"{base}/versions/2/", {"status": "production"}, format="json")
    assert promoted.status_code == 200, promoted.json()
    assert api.get(f"{base}/versions/1/").json()["status"] == "archived"

    # 5. champion moves to it
    assert api.put(f"{base}/aliases/champion/", {"version": 2}, format="json").json()["version"] == 2
    assert api.get(f"{base}/versions/@champion/").json()["number"] == 2

    # 6. every production version trained on the new data release
    found = api.get(f"/api/v1/model-versions/?status=production&trained_on={dataset.slug}@2026.02")
    assert [(v["model"], v["number"]) for v in found.json()["results"]] == [(model.slug, 2)]
