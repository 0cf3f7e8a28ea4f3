"""One production version per model, aliases, and the per-version promotion gate."""

import threading

import pytest
from django.db import IntegrityError, connection, transaction

from config.exceptions import ApplicationError
from lifecycle import gates, services
from registry.models import Activity, ModelAlias, ModelVersion
from tests.factories import ModelVersionFactory


@pytest.fixture
def ready(member, reviewer, write, model):
    """Document `model` so that its versions registered so far pass the gate."""
    def ready(*versions):
        write("model-card", model, by=member)
        review = write("ethics-bias-review", model, by=member)
        services.page_approve(page=review, revision=review.revision, by=reviewer)
    return ready


def promote(version, by):
    return services.model_version_set_status(version=version, status="production", by=by)


def test_promoting_archives_the_production_version_it_replaces_and_says_so(model, member, ready):
    v1 = ModelVersionFactory(model=model, created_by=member)
    v2 = ModelVersionFactory(model=model, created_by=member)
    ready()
    promote(v1, member)
    promote(v2, member)
    v1.refresh_from_db()
    assert v1.status == "archived"
    assert list(model.versions.filter(status="production")) == [v2]
    [promoted] = [a for a in Activity.objects.filter(verb="changed status", target_id=v2.pk)
                  if "replaced" in a.changes]
    assert promoted.changes["replaced"][0]["slug"] == f"{model.slug}@{v1.number}"
    [archived] = [a for a in Activity.objects.filter(verb="changed status", target_id=v1.pk)
                  if "replaced_by" in a.changes]
    assert archived.changes["replaced_by"][1]["slug"] == f"{model.slug}@{v2.number}"


def test_the_database_refuses_a_second_production_version(model, member):
    ModelVersionFactory(model=model, created_by=member, status="production")
    with pytest.raises(IntegrityError), transaction.atomic():
        ModelVersionFactory(model=model, created_by=member, status="production")


def test_an_archived_version_goes_back_to_production_only_through_the_gate(model, member, ready):
    old = ModelVersionFactory(model=model, created_by=member, status="archived")
    ready()
    ModelVersionFactory(model=model, created_by=member)  # a newer version: the card is stale for none
    promote(old, member)
    assert old.status == "production"


def test_the_gate_is_per_version_a_newer_version_needs_the_card_revised(model, member, ready, edit):
    v1 = ModelVersionFactory(model=model, created_by=member)
    ready()
    promote(v1, member)
    v2 = ModelVersionFactory(model=model, created_by=member)
    with pytest.raises(ApplicationError, match="Stale") as refusal:
        promote(v2, member)
    [unmet] = refusal.value.extra["unmet"]
    assert unmet["requirement"] == "Model card" and unmet["start_url"]
    v2.refresh_from_db()
    assert v2.status == "candidate"
    card = model.documented_by.get(template__kind="model-card")
    edit(card, by=member, body=card.body + f"\n\nv{v2.number} retrained on March data.\n")
    promote(v2, member)


def test_the_checklist_names_what_is_missing_with_start_links(model, member):
    version = ModelVersionFactory(model=model, created_by=member)
    checks = gates.promotion_checklist(version)
    assert [(c.requirement, c.met) for c in checks] == [("Model card", False),
                                                         ("Ethics & bias review", False)]
    assert "template=model-card" in checks[0].start_url
    assert f"documents=model%3A{model.slug}%40{version.number}" in checks[0].start_url
    assert "template=ethics-bias-review" in checks[1].start_url


def test_aliases_are_set_moved_removed_and_unique_within_a_model(model, member):
    v1 = ModelVersionFactory(model=model, created_by=member)
    v2 = ModelVersionFactory(model=model, created_by=member)
    services.model_alias_set(model=model, name="challenger", version=v1, by=member)
    services.model_alias_set(model=model, name="challenger", version=v2, by=member)
    assert ModelAlias.objects.get(model=model, name="challenger").version == v2
    assert Activity.objects.filter(verb="moved alias", target_id=v2.pk).exists()
    services.model_alias_remove(model=model, name="challenger", by=member)
    assert not ModelAlias.objects.exists()


@pytest.mark.parametrize("name", ["Champion", "a b", "12", "x" * 61, ""])
def test_a_bad_alias_name_is_refused(model, member, name):
    from django.core.exceptions import ValidationError

    version = ModelVersionFactory(model=model, created_by=member)
    with pytest.raises(ValidationError):
        services.model_alias_set(model=model, name=name, version=version, by=member)


def test_a_serving_alias_passes_the_promotion_gate(model, member, ready):
    version = ModelVersionFactory(model=model, created_by=member)
    with pytest.raises(ApplicationError, match="serving alias"):
        services.model_alias_set(model=model, name="champion", version=version, by=member,
                                 serving=True)
    assert not ModelAlias.objects.exists()
    ready()
    alias = services.model_alias_set(model=model, name="champion", version=version, by=member,
                                     serving=True)
    assert alias.serving


def test_a_viewer_cannot_set_an_alias(model, member, viewer):
    from django.core.exceptions import PermissionDenied

    version = ModelVersionFactory(model=model, created_by=member)
    with pytest.raises(PermissionDenied):
        services.model_alias_set(model=model, name="champion", version=version, by=viewer)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_promotions_at_once_leave_one_production_version(model, member, ready):
    versions = [ModelVersionFactory(model=model, created_by=member) for _ in range(2)]
    ready()
    barrier = threading.Barrier(2)
    errors = []

    def run(version):
        try:
            barrier.wait()
            promote(ModelVersion.objects.select_related("model").get(pk=version.pk), member)
        except Exception as error:  # noqa: BLE001 - asserted below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(v,)) for v in versions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(isinstance(e, ApplicationError) for e in errors)
    assert model.versions.filter(status="production").count() == 1
    assert model.versions.filter(status="archived").count() == 1 - len(errors)


def test_the_version_page_shows_aliases_and_the_checklist_and_sets_an_alias(client, model, member):
    version = ModelVersionFactory(model=model, created_by=member)
    client.force_login(member)
    url = version.get_absolute_url()
    page = client.get(url).content.decode()
    assert "Promotion checklist" in page and "Missing" in page and "Start it" in page
    response = client.post(f"{url}alias/", {"alias": "challenger"})
    assert response.status_code == 302
    assert "@challenger" in client.get(url).content.decode()
    assert "@challenger" in client.get(model.get_absolute_url()).content.decode()
    refused = client.post(f"{url}alias/", {"alias": "champion", "serving": "on"}, follow=True)
    assert "cannot go to the serving alias" in refused.content.decode()
    client.post(f"/models/{model.slug}/aliases/challenger/remove/")
    assert not ModelAlias.objects.exists()


def test_a_wiki_link_to_an_alias_shows_the_version_it_names_now(model, member, write):
    from wiki.links import resolve_links
    from wiki.markdown import render_markdown

    v1 = ModelVersionFactory(model=model, created_by=member)
    services.model_alias_set(model=model, name="champion", version=v1, by=member)
    html = resolve_links(render_markdown(f"See [[model:{model.slug}@champion]]."), user=member)
    assert v1.get_absolute_url() in html and "champion" in html
    v2 = ModelVersionFactory(model=model, created_by=member)
    services.model_alias_set(model=model, name="champion", version=v2, by=member)
    html = resolve_links(render_markdown(f"See [[model:{model.slug}@champion]]."), user=member)
    assert v2.get_absolute_url() in html
    unknown = resolve_links(render_markdown(f"[[model:{model.slug}@nobody]]"), user=member)
    assert "<a" not in unknown


def test_a_page_with_an_alias_link_is_saved_and_links_to_the_model(model, member, write):
    version = ModelVersionFactory(model=model, created_by=member)
    services.model_alias_set(model=model, name="champion", version=version, by=member)
    page = write("decision-record", model, by=member, body=f"We ship [[model:{model.slug}@champion]].")
    assert page.outgoing_links.get().to_model == model


def test_status_and_aliases_are_read_only_in_the_admin(rf, staff):
    from django.contrib import admin

    from registry.models import ModelVersion as Version

    request = rf.get("/admin/")
    request.user = staff
    assert "status" in admin.site._registry[Version].get_readonly_fields(request)
    alias_admin = admin.site._registry[ModelAlias]
    assert not alias_admin.has_change_permission(request) and not alias_admin.has_add_permission(request)
