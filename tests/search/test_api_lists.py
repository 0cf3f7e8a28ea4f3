"""/api/v1/datasets/?q= and /api/v1/models/?q= search with the catalog's engine: the same first
page as the UI for the same query, typo tolerance, facet filters, the permission rule in SQL."""

from io import StringIO

import pytest
from django.core.management import call_command

from registry.models import MLModel
from tests.factories import DatasetFactory, MLModelFactory, ProjectFactory

# the dataset and word rows of bench/search.py's mix (q, catalog filters, the API's filters)
DATASET_QUERIES = [
    ("churn", {}, {}),
    ("invoices", {}, {}),
    ("payments", {}, {}),
    ('"fraud detection"', {}, {}),
    ("invocies", {}, {}),
    ("shipmnets", {}, {}),
    ("orders", {"format": "parquet"}, {"format": "parquet"}),
    ("daily retail", {"tag": "curated"}, {"tag": "curated"}),
    ("claims", {"sensitivity": "restricted"}, {"sensitivity": "restricted"}),
    ("transactions", {"pii": "yes"}, {"contains_pii": "true"}),
    ("xylophonic", {}, {}),
]
MODEL_QUERIES = ["churn", "fraud detection", "scoring", "forecasting", "invocies", "xylophonic"]


@pytest.fixture
def corpus(member):
    call_command("seed_scale", datasets=300, pages=5, batch_size=100, stdout=StringIO())


def _ui_catalog(client, q, filters):
    response = client.get("/datasets/", {"q": q, **filters})
    assert response.status_code == 200
    return [hit.slug for hit in response.context["results"].hits]


def _api(api, url, params):
    response = api.get(url, params)
    assert response.status_code == 200, response.json()
    return response.json()


@pytest.mark.parametrize("q,ui_filters,api_filters", DATASET_QUERIES)
def test_the_api_and_the_catalog_give_the_same_first_page(client, token_client, member, corpus,
                                                          q, ui_filters, api_filters):
    client.force_login(member)
    ui = _ui_catalog(client, q, ui_filters)
    body = _api(token_client(member), "/api/v1/datasets/", {"q": q, "page_size": 20, **api_filters})
    assert [row["slug"] for row in body["results"]] == ui
    ui_total = client.get("/datasets/", {"q": q, **ui_filters}).context["results"].total
    assert body["count"] == ui_total


@pytest.mark.parametrize("q", MODEL_QUERIES)
def test_the_model_api_and_the_search_page_give_the_same_first_page(client, token_client, member,
                                                                    corpus, q):
    client.force_login(member)
    ui = [hit.slug for hit in client.get("/search/", {"q": q, "type": "model"}).context["results"].hits]
    body = _api(token_client(member), "/api/v1/models/", {"q": q, "page_size": 20})
    assert [row["slug"] for row in body["results"]] == ui


def test_the_second_page_follows_the_first(token_client, member, corpus):
    api = token_client(member)
    first = _api(api, "/api/v1/datasets/", {"q": "transactions", "page_size": 5})
    second = _api(api, "/api/v1/datasets/", {"q": "transactions", "page_size": 5, "page": 2})
    both = _api(api, "/api/v1/datasets/", {"q": "transactions", "page_size": 10})
    assert [r["slug"] for r in first["results"] + second["results"]] == [
        r["slug"] for r in both["results"]]
    assert first["next"] and "page=2" in first["next"] and second["previous"]


def test_a_name_match_comes_first_and_hidden_datasets_never(token_client, outsider, member, team,
                                                            other_team, private_dataset):
    DatasetFactory(team=other_team, slug="notes", name="Notes", description="About secret data.")
    DatasetFactory(team=other_team, slug="secret-sauce", name="Secret sauce")
    body = _api(token_client(outsider), "/api/v1/datasets/", {"q": "secret"})
    assert [r["slug"] for r in body["results"]] == ["secret-sauce", "notes"]
    assert body["count"] == 2
    seen = _api(token_client(member), "/api/v1/datasets/", {"q": "secret"})
    assert {r["slug"] for r in seen["results"]} == {"secret-sauce", "notes", "secret-data"}


def test_model_filters_without_a_facet_narrow_the_search(token_client, member, team, project):
    other = ProjectFactory(team=team, slug="other", name="Other")
    MLModelFactory(project=project, slug="churn-a", name="Churn A", framework="xgboost")
    MLModelFactory(project=other, slug="churn-b", name="Churn B", framework="torch")
    api = token_client(member)
    by_project = _api(api, "/api/v1/models/", {"q": "churn", "project": "other"})
    assert [r["slug"] for r in by_project["results"]] == ["churn-b"]
    by_framework = _api(api, "/api/v1/models/", {"q": "churn", "framework": "XGBoost"})
    assert [r["slug"] for r in by_framework["results"]] == ["churn-a"]
    by_name = _api(api, "/api/v1/models/", {"q": "churn", "ordering": "name"})
    assert [r["slug"] for r in by_name["results"]] == ["churn-a", "churn-b"]
    assert MLModel.objects.count() == 2


@pytest.mark.parametrize("params,field", [
    ({"q": "churn", "ordering": "sensitivity"}, "ordering"),
    ({"q": "churn", "sensitivity": "galactic"}, "sensitivity"),
    ({"q": "x" * 300}, "q"),
    ({"q": "churn", "page": 501}, "page"),
])
def test_bad_search_parameters_are_a_400_naming_the_field(token_client, member, dataset, params,
                                                          field):
    response = token_client(member).get("/api/v1/datasets/", params)
    assert response.status_code == 400
    assert field in response.json()["errors"]


@pytest.mark.parametrize("size", [3, 30])
def test_a_searched_list_costs_a_bounded_number_of_queries(token_client, member, team, project,
                                                           size, django_assert_max_num_queries):
    for n in range(size):
        DatasetFactory(team=team, slug=f"churn-{n}", name=f"Churn {n}", tags=["common"])
        MLModelFactory(project=project, slug=f"churn-model-{n}", name=f"Churn model {n}")
    api = token_client(member)
    for url in ("/api/v1/datasets/?q=churn", "/api/v1/datasets/?q=churn&tag=common",
                "/api/v1/models/?q=churn", "/api/v1/models/?q=churn&project=fraud"):
        with django_assert_max_num_queries(12):
            assert api.get(url).status_code == 200


@pytest.mark.postgres
def test_on_postgresql_a_misspelt_name_finds_it_through_the_api(token_client, member, team):
    DatasetFactory(team=team, slug="customer-transactions", name="Customer transactions")
    DatasetFactory(team=team, slug="weather", name="Weather")
    body = _api(token_client(member), "/api/v1/datasets/", {"q": "custmer"})
    assert [r["slug"] for r in body["results"]] == ["customer-transactions"]
