"""The audit bundle of a model version: a promotion's record, entry by entry, through the
service, the API (JSON download) and the printable page; and nothing private in it."""

import hashlib

import pytest

from lifecycle import audit, services
from registry import services as registry_services
from registry.models import Lineage, Stage
from tests.conftest import filled
from tests.factories import DatasetVersionFactory, ModelVersionFactory
from wiki.models import Template
from wiki.services import page_create, page_update, space_for


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


@pytest.fixture
def promoted(project, model, member, reviewer, staff, write, private_dataset):
    """Fraud scorer's version, trained on a dataset version with a checksum (and evaluated on a
    private one), its card and approved ethics review written, then promoted; after that the
    card is edited again."""
    dv = DatasetVersionFactory(dataset__team=project.team, dataset__name="Card transactions",
                               label="2026.10", checksum="sha256:abc123", row_count=5000,
                               created_by=member)
    hidden = DatasetVersionFactory(dataset=private_dataset, label="secret-1", created_by=member)
    version = ModelVersionFactory(model=model, created_by=member, code_revision="9f1c2e7",
                                  metrics={"auc": 0.91}, params={"max_depth": "6"},
                                  run_id="run-42", source_uri="mlflow-artifacts:/42")
    Lineage.objects.create(model_version=version, dataset_version=dv, use="training")
    Lineage.objects.create(model_version=version, dataset_version=hidden, use="evaluation")
    card = page_create(space=space_for(project), title="Scorer card", by=member,
                       body=filled("model-card"), template=Template.objects.get(kind="model-card"),
                       documents=[model, version])
    review = write("ethics-bias-review", model, by=member)
    services.page_approve(page=review, revision=review.revision, by=reviewer, comment="Fine.")
    services.project_stage_change(project=project, to=Stage.DATA_DISCOVERY, by=staff,
                                  override_reason="Charter on paper.")
    services.model_version_set_status(version=version, status="production", by=member)
    body_at_promotion = card.body
    services.model_alias_set(model=model, name="champion", version=version, by=member)
    registry_services.caveat_raise(dataset_version=dv, kind="bias", by=member,
                                   text="Few customers over 70.")
    page_update(page=card, title=card.title, body=card.body + "\n\nEdited after.",
                base_revision=card.revision, by=member)
    return version, card, review, body_at_promotion


def test_a_promotions_bundle_entry_by_entry(promoted, member, reviewer, project, model):
    version, card, review, body_at_promotion = promoted
    bundle = audit.bundle(version, reader=member)

    assert bundle["model"] == {"slug": model.slug, "name": model.name, "project": project.slug,
                               "project_name": project.name, "team": project.team.slug}
    assert bundle["version"]["code_revision"] == "9f1c2e7"
    assert bundle["version"]["metrics"] == {"auc": 0.91}
    assert bundle["version"]["registered_by"]["username"] == member.username
    assert (bundle["version"]["params"], bundle["version"]["run_id"]) == ({"max_depth": "6"}, "run-42")
    assert [a["alias"] for a in bundle["version"]["aliases"]] == ["champion"]

    by_use = {row["use"]: row for row in bundle["datasets"]}
    training, evaluation = by_use["training"], by_use["evaluation"]
    assert training == {**training, "use": "training", "name": "Card transactions",
                        "version": "2026.10", "checksum": "sha256:abc123", "row_count": 5000}
    assert evaluation["use"] == "evaluation"  # the member may see the private dataset too
    [caveat] = training["caveats"]
    assert (caveat["kind"], caveat["text"], caveat["status"]) == ("bias", "Few customers over 70.", "open")

    [promotion] = bundle["promotions"]
    assert promotion["actor"]["username"] == member.username
    assert promotion["changes"]["status"][1] == "production"
    documents = {d["page"]: d for d in promotion["documents"]}
    # the card as it read then: revision 1 and the hash of that text, not today's revision 2
    assert documents["Scorer card"]["revision"] == 1
    assert documents["Scorer card"]["sha256"] == sha(body_at_promotion)
    assert documents["Scorer card"]["revision_id"] == card.revisions.get(number=1).pk
    decisions = documents[review.title]["decisions"]
    assert [(d["reviewer"]["username"], d["decision"], d["comment"]) for d in decisions] == [
        (reviewer.username, "approved", "Fine.")]
    now = {d["page"]: d for d in bundle["documents_now"]}
    assert now["Scorer card"]["revision"] == 2
    assert now["Scorer card"]["sha256"] != documents["Scorer card"]["sha256"]

    verbs = [e["verb"] for e in bundle["version_history"]]
    assert verbs[-2:] == ["changed status", "set alias"]
    [stage] = bundle["stage_changes"]
    assert (stage["from"], stage["to"], stage["override_reason"]) == (
        "proposed", "data_discovery", "Charter on paper.")
    assert stage["actor"]["username"] == "staff"


def test_the_bundle_downloads_as_json_and_prints_as_a_page(promoted, member, client,
                                                           token_client):
    version = promoted[0]
    api = token_client(member, read_only=True)
    answer = api.get(f"/api/v1/models/{version.model.slug}/versions/{version.number}/audit/")
    assert answer.status_code == 200
    assert "attachment" in answer["Content-Disposition"] or "filename=" in answer["Content-Disposition"]
    assert answer.json()["promotions"][0]["documents"]

    client.force_login(member)
    page = client.get(f"/models/{version.model.slug}/versions/{version.number}/audit/")
    assert page.status_code == 200
    html = page.content.decode()
    assert sha(promoted[3]) in html and "sha256:abc123" in html and "Charter on paper." in html
    assert f"/api/v1/models/{version.model.slug}/versions/{version.number}/audit/" in html


def test_a_reader_outside_the_private_team_sees_no_private_dataset(promoted, outsider,
                                                                    private_dataset, token_client):
    version = promoted[0]
    bundle = audit.bundle(version, reader=outsider)
    text = str(bundle)
    assert private_dataset.slug not in text and private_dataset.name not in text
    assert {"use": "evaluation", "hidden": True} in bundle["datasets"]

    # an outsider may read the internal project's model, but not the private dataset
    answer = token_client(outsider).get(
        f"/api/v1/models/{version.model.slug}/versions/{version.number}/audit/")
    assert answer.status_code == 200
    assert private_dataset.slug not in answer.content.decode()


def test_a_private_models_bundle_is_an_unknown_one(private_model, outsider, token_client, member):
    version = ModelVersionFactory(model=private_model, created_by=member)
    api = token_client(outsider)
    hidden = api.get(f"/api/v1/models/{private_model.slug}/versions/{version.number}/audit/")
    unknown = api.get(f"/api/v1/models/no-such-model/versions/{version.number}/audit/")
    assert hidden.status_code == unknown.status_code == 404
    assert hidden.json() == unknown.json()
