"""A NUL character in a parameter is a 400 everywhere, never a 500 (PostgreSQL refuses it)."""

import pytest


@pytest.mark.parametrize("url", ["/datasets/?tag=a%00b", "/search/?q=x%00", "/projects/?q=%00",
                                 "/action-items/?project=%00"])
def test_pages_refuse_null_characters(client, member, url):
    client.force_login(member)
    assert client.get(url).status_code == 400


def test_the_api_refuses_null_characters_naming_the_parameter(client, member):
    client.force_login(member)
    response = client.get("/api/v1/search/?q=x&framework=a%00b")
    assert response.status_code == 400
    assert response.json()["errors"] == {"framework": ["Null characters are not allowed."]}


def test_forms_refuse_null_characters_and_save_nothing(client, member, team):
    from registry.models import Dataset

    client.force_login(member)
    response = client.post("/datasets/new/", {"slug": "x", "name": "a\x00b", "team": team.pk,
                                              "sensitivity": "internal"})
    assert response.status_code == 400
    assert not Dataset.objects.exists()
