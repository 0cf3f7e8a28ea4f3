"""Caveats on dataset versions travel along lineage to every model version that used the data."""

import pytest
from django.core.exceptions import PermissionDenied

from config.exceptions import ApplicationError
from lifecycle import gates
from lifecycle import services as lifecycle_services
from lifecycle.selectors import stale_pages
from registry import services
from registry.models import Activity, Caveat
from tests.factories import DatasetVersionFactory, ModelVersionFactory


@pytest.fixture
def trained(model, member, dataset_version):
    version = ModelVersionFactory(model=model, created_by=member)
    version.lineage.create(dataset_version=dataset_version, use="training")
    return version


def raise_bias(dataset_version, by):
    return services.caveat_raise(dataset_version=dataset_version, kind="bias", by=by,
                                 text="Under-represents customers over 70.")


def test_a_caveat_is_inherited_by_every_model_version_that_used_the_data(trained, dataset_version,
                                                                         member, model):
    unrelated = ModelVersionFactory(model=model, created_by=member)
    caveat = raise_bias(dataset_version, member)
    assert gates.inherited_caveats(trained) == [caveat]
    assert gates.inherited_caveats(unrelated) == []
    assert list(services.caveat_affected_versions(caveat)) == [trained]
    raised = Activity.objects.get(verb=services.CAVEAT_RAISED)
    assert raised.changes["caveat"][1] == {"id": caveat.pk, "kind": "bias"}
    services.caveat_resolve(caveat=caveat, resolution="Reweighted in 2026.02.", by=member)
    assert gates.inherited_caveats(trained) == []


def test_promotion_needs_each_inherited_caveat_answered_in_the_card(trained, dataset_version, member,
                                                                   reviewer, write, edit, model):
    caveat = raise_bias(dataset_version, member)
    card = write("model-card", model, by=member)
    review = write("ethics-bias-review", model, by=member)
    lifecycle_services.page_approve(page=review, revision=review.revision, by=reviewer)
    with pytest.raises(ApplicationError, match=f"Caveat {caveat.pk}") as refusal:
        lifecycle_services.model_version_set_status(version=trained, status="production", by=member)
    assert [u["caveat"] for u in refusal.value.extra["unmet"]] == [caveat.pk]
    body = card.body.replace("## Caveats and recommendations",
                             f"## Caveats and recommendations\n\nCaveat {caveat.pk}: we reweight "
                             "by age band and report recall per band.\n")
    edit(card, by=member, body=body)
    lifecycle_services.model_version_set_status(version=trained, status="production", by=member)


def test_naming_a_caveat_without_answering_it_does_not_count(trained, dataset_version, member, write,
                                                            model):
    caveat = raise_bias(dataset_version, member)
    card = write("model-card", model, by=member, **{
        "Caveats and recommendations": f"Caveat {caveat.pk}:\n<!-- Caveat {caveat.pk}: todo -->"})
    assert not gates.caveat_answered(card, caveat)


def test_a_new_caveat_makes_the_card_of_an_affected_production_version_stale(
        trained, dataset_version, member, write, model):
    card = write("model-card", model, by=member)
    assert card not in stale_pages(user=member)
    type(trained).objects.filter(pk=trained.pk).update(status="production")
    raise_bias(dataset_version, member)
    assert card in stale_pages(user=member)


def test_a_new_model_card_is_prefilled_with_the_inherited_caveats(trained, dataset_version, member, model):
    from wiki.models import Template
    from wiki.prefill import skeleton_for

    caveat = raise_bias(dataset_version, member)
    body = skeleton_for(Template.objects.get(kind="model-card"), [trained], None)
    assert f"Inherited caveat {caveat.pk}" in body and "over 70" in body
    fake = type("Card", (), {"body": body, "template": None})
    assert not gates.caveat_answered(fake, caveat)


def test_a_viewer_may_not_raise_and_only_editors_or_the_raiser_resolve(dataset_version, viewer,
                                                                       member, outsider):
    with pytest.raises(PermissionDenied):
        raise_bias(dataset_version, viewer)
    caveat = raise_bias(dataset_version, member)
    with pytest.raises(PermissionDenied):
        services.caveat_resolve(caveat=caveat, resolution="No.", by=outsider)


def test_caveats_in_the_api(token_client, member, trained, dataset_version, model):
    api = token_client(member)
    url = f"/api/v1/datasets/{dataset_version.dataset.slug}/versions/{dataset_version.label}/caveats/"
    response = api.post(url, {"kind": "pii", "text": "Holds raw card numbers."}, format="json")
    assert response.status_code == 201, response.json()
    caveat_id = response.json()["id"]
    version = api.get(f"/api/v1/models/{model.slug}/versions/{trained.number}/").json()
    assert [c["id"] for c in version["caveats"]] == [caveat_id]
    detail = api.get(f"/api/v1/datasets/{dataset_version.dataset.slug}/versions/{dataset_version.label}/")
    assert detail.json()["caveats"][0]["kind"] == "pii"
    assert api.post(url, {"kind": "gossip", "text": "x"}, format="json").status_code == 400
    assert api.post(url, {"kind": "pii", "text": ""}, format="json").status_code == 400
    resolved = api.patch(f"{url}{caveat_id}/", {"status": "resolved", "resolution": "Hashed."},
                         format="json")
    assert resolved.status_code == 200 and resolved.json()["status"] == "resolved"
    assert api.patch(f"{url}{caveat_id}/", {"status": "resolved", "resolution": "Again."},
                     format="json").status_code == 400
    assert api.get(f"/api/v1/models/{model.slug}/versions/{trained.number}/").json()["caveats"] == []


def test_a_caveat_on_hidden_data_is_not_shown_to_an_outsider(token_client, outsider, private_dataset,
                                                             member):
    hidden = DatasetVersionFactory(dataset=private_dataset, label="s1", created_by=member)
    caveat = raise_bias(hidden, member)
    client = token_client(outsider)
    base = f"/api/v1/datasets/{private_dataset.slug}/versions/s1/caveats/"
    assert client.get(base).status_code == 404
    assert client.get(f"{base}{caveat.pk}/").status_code == 404
    assert client.post(base, {"kind": "bias", "text": "x"}, format="json").status_code == 404


def test_the_pages_show_raise_and_resolve_caveats(client, member, trained, dataset_version, model):
    client.force_login(member)
    page = dataset_version.get_absolute_url()
    bad = client.post(f"{page}caveats/", {"kind": "bias", "text": " "})
    assert bad.status_code == 400
    raised = client.post(f"{page}caveats/", {"kind": "bias", "text": "Skewed to one region."})
    assert raised.status_code == 302
    caveat = Caveat.objects.get()
    assert "Skewed to one region." in client.get(page).content.decode()
    version_page = client.get(trained.get_absolute_url()).content.decode()
    assert "Inherited caveats" in version_page and "Skewed to one region." in version_page
    assert "1 open caveat" in version_page  # on the lineage graph
    client.post(f"{page}caveats/{caveat.pk}/resolve/", {"resolution": "Rebalanced."})
    caveat.refresh_from_db()
    assert caveat.status == "resolved"


def test_the_demo_tells_the_registry_story(db):
    from django.core.management import call_command

    from registry.models import MLModel

    call_command("seed_demo")
    model = MLModel.objects.get(slug="fraud-scorer")
    assert model.alias_map == {"champion": 3, "challenger": 5}
    assert model.versions.get(number=3).status == "production"
    v2 = model.versions.get(number=2)
    assert v2.status == "archived"
    assert any("replaced_by" in a.changes
               for a in Activity.objects.filter(verb="changed status", target_id=v2.pk))
    challenger = model.versions.get(number=5)
    [caveat] = gates.inherited_caveats(challenger)
    assert caveat.kind == "bias" and caveat.status == "open"
    with pytest.raises(ApplicationError, match=f"Caveat {caveat.pk}"):
        lifecycle_services.model_version_set_status(
            version=challenger, status="production", by=model.project.team.memberships.filter(
                level="lead").get().person)
    assert gates.inherited_caveats(model.versions.get(number=3)) == []


def test_the_written_out_caveat_matches_its_serializer(dataset_version, member):
    from registry.api.serializers import CaveatOut
    from registry.api.serializers.datasets import caveat_row

    caveat = raise_bias(dataset_version, member)
    assert caveat_row(caveat) == CaveatOut(caveat).data
    services.caveat_resolve(caveat=caveat, resolution="Fixed.", by=member)
    caveat.refresh_from_db()
    assert caveat_row(caveat) == CaveatOut(caveat).data


def test_raising_a_caveat_tells_the_owners_of_the_models_that_use_the_data(trained, dataset_version,
                                                                           member, lead, outsider):
    from notifications.models import Notification

    raise_bias(dataset_version, lead)
    told = Notification.objects.filter(kind="caveat_raised")
    assert {n.recipient.username for n in told} >= {"member"}
    assert "outsider" not in {n.recipient.username for n in told}
    assert all("Under-represents customers over 70." in n.text for n in told)
