"""The catalog on /datasets/, the search page and GET /api/v1/search/."""

import pytest

from registry.models import Lineage
from tests.factories import (
    DatasetFactory,
    DatasetVersionFactory,
    MLModelFactory,
    ModelVersionFactory,
    ProjectFactory,
)
from wiki.services import page_create, space_for


def test_the_catalog_lists_datasets_with_clickable_facets(client, member, team):
    DatasetFactory(team=team, name="Orders", format="parquet", tags=["retail"])
    DatasetFactory(team=team, name="Clicks", format="csv", tags=["web"])
    client.force_login(member)
    body = client.get("/datasets/").content.decode()
    assert "Orders" in body and "Clicks" in body
    assert 'href="?tag=retail"' in body
    filtered = client.get("/datasets/?tag=retail").content.decode()
    assert "Orders" in filtered and "Clicks" not in filtered
    assert 'class="selected" aria-current="true"><span aria-hidden="true">✓ </span>' \
        '<span class="visually-hidden">Remove filter: </span>retail</a>' in filtered
    assert 'href="?"' in filtered  # clicking the selected value again removes it


def test_the_catalog_searches_and_highlights(client, member, team):
    DatasetFactory(team=team, name="Orders", description="Every basket with its <b>items</b>.")
    client.force_login(member)
    body = client.get("/datasets/?q=basket").content.decode()
    assert "<mark>basket</mark>" in body
    assert "<b>items</b>" not in body


def test_the_catalog_keeps_the_old_filter_names(client, member, team, other_team):
    DatasetFactory(team=team, name="Orders", contains_pii=True, format="Parquet")
    DatasetFactory(team=other_team, name="Clicks", format="csv")
    client.force_login(member)
    assert "Clicks" not in client.get("/datasets/?team=risk").content.decode()
    assert "Clicks" not in client.get("/datasets/?contains_pii=true").content.decode()
    assert "Clicks" not in client.get("/datasets/?format=parquet").content.decode()


@pytest.mark.parametrize("query", ["sort=size", "sensitivity=secret", "stage=launched",
                                   "pii=maybe", "q=" + "x" * 300])
def test_a_bad_catalog_parameter_is_a_400_with_the_form_error(client, member, dataset, query):
    client.force_login(member)
    response = client.get(f"/datasets/?{query}")
    assert response.status_code == 400
    assert "errorlist" in response.content.decode()


def test_an_outsider_sees_no_private_dataset_in_the_catalog_or_its_counts(
        client, outsider, member, private_dataset, dataset):
    client.force_login(outsider)
    body = client.get("/datasets/").content.decode()
    assert "Secret data" not in body
    assert client.get("/datasets/?tag=x").context["results"].total == 0
    assert client.get("/datasets/").context["results"].total == 1
    client.force_login(member)
    assert client.get("/datasets/").context["results"].total == 2


def test_the_search_page_shows_type_badges_and_counts(client, member, project, dataset):
    MLModelFactory(project=project, name="Transactions scorer")
    client.force_login(member)
    response = client.get("/search/?q=transactions")
    body = response.content.decode()
    assert response.status_code == 200
    assert 'class="badge kind-dataset"' in body and 'class="badge kind-model"' in body
    assert "Models <span class=\"muted\">(1)</span>" in body


def test_the_search_page_offers_did_you_mean_when_nothing_matches(client, member, team):
    DatasetFactory(team=team, name="Customer churn")
    client.force_login(member)
    body = client.get("/search/?q=custmer+chrun").content.decode()
    assert 'id="no-results"' in body and 'id="suggestions"' in body


def test_the_search_page_refuses_an_unknown_type(client, member):
    client.force_login(member)
    assert client.get("/search/?q=x&type=spaceship").status_code == 400


def test_signed_out_visitors_are_sent_to_sign_in(client):
    assert client.get("/search/?q=x").status_code == 302
    assert client.get("/datasets/").status_code == 302
    response = client.get("/api/v1/search/?q=x")
    assert response.status_code == 401 and response.json()["errors"] == {}


def test_the_api_answers_results_total_and_facets(client, member, project, dataset):
    client.force_login(member)
    data = client.get("/api/v1/search/?q=transactions&type=dataset").json()
    assert data["count"] == 1
    hit = data["results"][0]
    assert {k: hit[k] for k in ("kind", "slug", "title", "url")} == {
        "kind": "dataset", "slug": "transactions", "title": "Transactions",
        "url": "/datasets/transactions/"}
    assert hit["snippet"]  # PostgreSQL: the text; SQLite FTS5 picks the best column
    assert hit["rank"] > 0
    assert data["facets"]["kind"] == [{"value": "dataset", "label": "Dataset", "count": 1}]
    assert {v["value"] for v in data["facets"]["team"]} == {"risk"}


def test_the_api_hides_private_results_and_counts_from_an_outsider(client, outsider,
                                                                   private_dataset):
    client.force_login(outsider)
    data = client.get("/api/v1/search/?q=secret&type=dataset").json()
    assert data["count"] == 0 and data["results"] == []
    assert data["facets"]["kind"] == []


@pytest.mark.parametrize("query, field", [
    ("type=spaceship", "type"), ("sort=size", "sort"), ("page=0", "page"),
    ("page=abc", "page"), ("page_size=1000", "page_size"), ("q=" + "x" * 300, "q"),
])
def test_bad_api_parameters_are_a_400_naming_the_field(client, member, query, field):
    client.force_login(member)
    response = client.get(f"/api/v1/search/?{query}")
    assert response.status_code == 400
    body = response.json()
    assert field in body.get("errors", body)


def _fill(team, member, n):
    for i in range(n):
        project = ProjectFactory(team=team, visibility="private" if i % 2 else "internal",
                                 name=f"Churn project {i}")
        dataset = DatasetFactory(team=team, tags=[f"t{i}", "common"], home_project=project,
                                 name=f"Churn data {i}", description="churn labels")
        project.datasets.add(dataset)
        version = DatasetVersionFactory(dataset=dataset, created_by=member)
        model = MLModelFactory(project=project, name=f"Churn model {i}")
        mv = ModelVersionFactory(model=model, created_by=member)
        Lineage.objects.create(model_version=mv, dataset_version=version)
        page_create(space=space_for(project), title=f"Churn notes {i}", body="churn **labels**",
                    by=member, tags=["common"])


@pytest.mark.parametrize("size", [3, 30])
@pytest.mark.parametrize("url", ["/datasets/", "/datasets/?q=churn&tag=common&sort=updated",
                                 "/search/?q=churn", "/search/?q=chrun+zzz", "/search/",
                                 "/search/?q=chrun", "/datasets/?q=churn&tag=common",
                                 "/api/v1/search/?q=churn", "/api/v1/search/?type=dataset"])
def test_search_pages_cost_a_bounded_number_of_queries(client, member, team, size, url,
                                                       django_assert_max_num_queries):
    _fill(team, member, size)
    client.force_login(member)
    # the same at 3 and 30 datasets; one of them is the bell's unread count (every page has it),
    # and a misspelt query on PostgreSQL pays for its correction
    with django_assert_max_num_queries(13):
        assert client.get(url).status_code == 200
