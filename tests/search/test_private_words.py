"""Did-you-mean and typo correction never spell a word the reader cannot see (Part 7, finding
12): corrections come only from the titles of documents visible to the reader."""

import pytest

from search import engine
from tests.factories import DatasetFactory, MLModelFactory, ProjectFactory


@pytest.fixture
def zanzibar(team):
    project = ProjectFactory(team=team, slug="zanzibar", name="Zanzibar expansion",
                             visibility="private", summary="Where we open next.")
    DatasetFactory(team=team, home_project=project, slug="zanzibar-ledger", name="Zanzibar ledger")
    MLModelFactory(project=project, slug="zanzibar-pricing", name="Zanzibar pricing")
    return project


def _spoken(results) -> str:
    return " ".join([results.corrected, *results.suggestions, *(h.title for h in results.hits)])


@pytest.mark.parametrize("q", ["zanzibr", "zanzibar", "zanzibr ledger", "zanzibar ledgr"])
def test_an_outsider_is_never_offered_a_private_word(outsider, zanzibar, q):
    for types in ([], ["dataset"], ["project"]):
        results = engine.search(user=outsider, q=q, types=types)
        assert results.total == 0
        assert "zanzibar" not in _spoken(results).lower()


def test_the_search_page_and_api_do_not_spell_it_either(client, outsider, zanzibar, token_client):
    client.force_login(outsider)
    for url in ("/search/?q=zanzibr", "/datasets/?q=zanzibr", "/search/?q=zanzibr+ledger"):
        assert "zanzibar" not in client.get(url).content.decode().lower()
    api = token_client(outsider)
    for url in ("/api/v1/search/?q=zanzibr", "/api/v1/search/?q=zanzibr&type=dataset"):
        assert "zanzibar" not in api.get(url).content.decode().lower()


def test_a_visible_word_is_still_offered(outsider, other_team):
    DatasetFactory(team=other_team, slug="zanzibar-weather", name="Zanzibar weather")
    results = engine.search(user=outsider, q="zanzibr weathr")
    assert "zanzibar" in _spoken(results).lower()


def test_a_member_who_sees_the_project_gets_the_correction(member, zanzibar):
    results = engine.search(user=member, q="zanzibr ledgr")
    assert "zanzibar" in _spoken(results).lower()


@pytest.mark.postgres
def test_on_postgresql_a_private_word_is_neither_corrected_to_nor_suggested(outsider, zanzibar,
                                                                           other_team):
    results = engine.search(user=outsider, q="zanzibr")
    assert (results.corrected, results.suggestions, results.total) == ("", [], 0)
    # a visible title with a close word is what the correction takes instead
    DatasetFactory(team=other_team, slug="zanzibar-weather", name="Zanzibar weather")
    results = engine.search(user=outsider, q="zanzibr")
    assert [h.title for h in results.hits] == ["Zanzibar weather"]
    assert results.corrected == "zanzibar"
