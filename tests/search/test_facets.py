"""Facet filters and facet counts: the keys on each document, combinations, the cap, and
what the permission rule lets a facet count include."""

import pytest
from django.test import override_settings

from registry import services
from search import engine
from search.models import SearchDocument
from tests.factories import DatasetFactory


def titles(results):
    return [hit.title for hit in results.hits]


def counts(results, facet):
    return {v.value: v.count for v in results.facets[facet]}


def test_each_document_keeps_its_facet_values_as_keys(member, team):
    dataset = DatasetFactory(team=team, name="Keys", format="parquet", tags=["payments"])
    keys = SearchDocument.objects.get(kind="dataset", object_id=dataset.pk).facet_keys
    assert {"kind:dataset", "tag:payments", "format:parquet", "team:risk"} <= set(keys)


def test_changing_tags_moves_the_dataset_between_filters(member, team, dataset):
    services.dataset_update(dataset=dataset, by=member, tags=["geospatial"])
    assert titles(engine.search(user=member, types=["dataset"], filters={"tag": ["geospatial"]})) \
        == ["Transactions"]
    services.dataset_update(dataset=dataset, by=member, tags=["tabular"])
    assert engine.search(user=member, types=["dataset"], filters={"tag": ["geospatial"]}).total == 0
    assert engine.search(user=member, types=["dataset"], filters={"tag": ["tabular"]}).total == 1


def test_two_values_of_one_facet_both_have_to_hold(member, team):
    DatasetFactory(team=team, name="Both", tags=["payments", "tabular"])
    DatasetFactory(team=team, name="One", tags=["payments"])
    both = engine.search(user=member, types=["dataset"], filters={"tag": ["payments", "tabular"]})
    assert titles(both) == ["Both"]
    assert counts(both, "tag") == {"payments": 1, "tabular": 1}


def test_a_filter_combines_with_the_query_and_other_facets(member, team):
    DatasetFactory(team=team, name="Orders daily", format="parquet", contains_pii=True)
    DatasetFactory(team=team, name="Orders weekly", format="parquet")
    DatasetFactory(team=team, name="Orders csv", format="csv", contains_pii=True)
    results = engine.search(user=member, q="orders", types=["dataset"],
                            filters={"format": ["parquet"], "pii": ["yes"]})
    assert titles(results) == ["Orders daily"]
    assert counts(results, "format") == {"parquet": 1}
    by_name = engine.search(user=member, q="orders", types=["dataset"], sort="name",
                            filters={"format": ["parquet"]})
    assert titles(by_name) == ["Orders daily", "Orders weekly"]


def test_filtered_facet_counts_never_count_a_private_dataset(outsider, member, team,
                                                             private_project):
    DatasetFactory(team=team, name="Open ledger", tags=["ledger"], format="parquet")
    DatasetFactory(team=team, name="Secret ledger", tags=["ledger"], format="csv",
                   home_project=private_project)
    for q in ("", "ledger"):
        seen = engine.search(user=outsider, q=q, types=["dataset"], filters={"tag": ["ledger"]})
        assert titles(seen) == ["Open ledger"]
        assert counts(seen, "format") == {"parquet": 1}
        assert counts(seen, "tag") == {"ledger": 1}
    assert counts(engine.search(user=member, q="ledger", types=["dataset"],
                                filters={"tag": ["ledger"]}), "format") == {"parquet": 1, "csv": 1}


def test_a_role_on_a_dataset_in_a_private_project_counts_in_the_plain_catalog(
        outsider, private_dataset, role, lead):
    assert engine.search(user=outsider, types=["dataset"]).total == 0
    services.role_assign(role=role("reviewer"), person=outsider, target=private_dataset,
                         by=lead)
    seen = engine.search(user=outsider, types=["dataset"])
    assert titles(seen) == ["Secret data"] and seen.total == 1
    assert sum(counts(seen, "team").values()) == 1


@override_settings(SEARCH_COUNT_CAP=3)
def test_filtered_facet_counts_stop_at_the_cap(member, team):
    for n in range(5):
        DatasetFactory(team=team, name=f"Capped {n}", tags=["x"])
    results = engine.search(user=member, types=["dataset"], filters={"tag": ["x"]})
    assert results.capped and results.total == 3
    assert counts(results, "tag") == {"x": 3}


def test_relevance_pages_follow_one_ranking_without_repeats(member, team):
    for n in range(5):
        DatasetFactory(team=team, name=f"Churn {n}")
    for n in range(4):
        DatasetFactory(team=team, name=f"Weather {n}", description="mentions churn")
    pages = [engine.search(user=member, q="churn", page=p, page_size=4) for p in (1, 2, 3)]
    seen = [t for results in pages for t in titles(results)]
    assert len(seen) == 9 and len(set(seen)) == 9
    assert seen[:5] == [f"Churn {n}" for n in range(5)]  # name matches first, then by title


def test_a_facet_filter_with_words_takes_the_facet_not_words_that_look_like_it(member, team):
    # on PostgreSQL the keys are lexemes of the vectors: text that spells a key is not the key
    DatasetFactory(team=team, name="Orders raw", format="csv", description="Export to format:parquet.")
    DatasetFactory(team=team, name="Orders daily", format="parquet")
    found = engine.search(user=member, q="orders", types=["dataset"], filters={"format": ["parquet"]})
    assert titles(found) == ["Orders daily"] and found.total == 1
    api_like = engine.search(user=member, q="orders", types=["dataset"], filters={"format": ["parquet"]},
                             facets=False, detail=False)
    assert titles(api_like) == ["Orders daily"] and api_like.total == 1


@pytest.mark.postgres
def test_words_that_are_all_stop_words_find_nothing_with_or_without_a_filter(member, team):
    DatasetFactory(team=team, name="The orders", format="parquet")
    assert engine.search(user=member, q="the", types=["dataset"]).total == 0
    assert engine.search(user=member, q="the", types=["dataset"],
                         filters={"format": ["parquet"]}).total == 0


def test_a_page_the_database_cuts_follows_the_same_ranking(member, team):
    for n in range(4):
        DatasetFactory(team=team, name=f"Churn {n}")
    for n in range(4):
        DatasetFactory(team=team, name=f"Weather {n}", description="mentions churn")
    # facets=True reads every candidate; facets=False lets the database keep only the page
    every = engine.search(user=member, q="churn", types=["dataset"], page_size=10, facets=True)
    cut = [engine.search(user=member, q="churn", types=["dataset"], page=p, page_size=3,
                         facets=False) for p in (1, 2, 3)]
    assert [t for results in cut for t in titles(results)] == titles(every)
    assert titles(every)[:4] == [f"Churn {n}" for n in range(4)]  # name matches first
    assert [results.total for results in cut] == [8, 8, 8] and not cut[0].capped


@override_settings(SEARCH_COUNT_CAP=5)
def test_a_page_the_database_cuts_stops_at_the_cap(member, team):
    for n in range(8):
        DatasetFactory(team=team, name=f"Churn {n}")
    cut = [engine.search(user=member, q="churn", types=["dataset"], page=p, page_size=2,
                         facets=False) for p in (1, 2, 3, 4)]
    assert all(results.capped and results.total == 5 for results in cut)
    seen = [t for results in cut for t in titles(results)]
    assert len(seen) == 5 and len(set(seen)) == 5  # three pages, the last one cut at the cap


def test_a_facet_value_with_quotes_spaces_and_backslashes_still_filters_words(member, team):
    odd = "O'Neil \\ Partners & co | !x:y"
    DatasetFactory(team=team, name="Orders licensed", license=odd)
    DatasetFactory(team=team, name="Orders open", license="MIT")
    found = engine.search(user=member, q="orders", types=["dataset"],
                          filters={"license": [odd.lower()]}, facets=False)
    assert titles(found) == ["Orders licensed"]
    assert engine.search(user=member, q="orders", types=["dataset"],
                         filters={"license": ["o'neil"]}).total == 0


@override_settings(SEARCH_COUNT_CAP=5)
def test_a_capped_query_gives_the_catalog_and_the_api_the_same_page(member, team):
    # more matches than the cap: which ones are kept must not depend on who asks
    for n in range(4):
        DatasetFactory(team=team, name=f"Churn {n}")
    for n in range(4):
        DatasetFactory(team=team, name=f"Weather {n}", description="mentions churn")
    catalog = engine.search(user=member, q="churn", types=["dataset"])
    api = engine.search(user=member, q="churn", types=["dataset"], facets=False, detail=False)
    assert titles(api) == titles(catalog)
    assert api.total == catalog.total == 5 and api.capped and catalog.capped
