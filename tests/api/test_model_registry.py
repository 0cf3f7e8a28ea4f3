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
