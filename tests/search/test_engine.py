"""search.engine: ranking, facets, highlighting, permissions and staying in sync."""

import pytest
from django.core.exceptions import ValidationError

from lifecycle import services as lifecycle_services
from registry import services
from registry.models import Dataset
from search import engine
from search.models import SearchDocument
from tests.factories import DatasetFactory, MLModelFactory, ProjectFactory


def titles(results):
    return [hit.title for hit in results.hits]


def test_a_name_match_outranks_a_description_match(member, team):
    DatasetFactory(team=team, name="Weather readings", description="Mentions churn once.")
    DatasetFactory(team=team, name="Churn labels", description="Who left and when.")
    results = engine.search(user=member, q="churn")
    assert titles(results) == ["Churn labels", "Weather readings"]


def test_tags_and_column_names_are_searched(member, team, dataset):
    services.dataset_update(dataset=dataset, by=member, tags=["geospatial"])
    services.dataset_columns_set(dataset=dataset, by=member,
                                 columns=[{"name": "merchant_postcode", "dtype": "string"}])
    assert titles(engine.search(user=member, q="geospatial")) == ["Transactions"]
    assert titles(engine.search(user=member, q="postcode")) == ["Transactions"]


def test_the_catalog_counts_each_facet_value(member, team, other_team):
    DatasetFactory(team=team, name="A", format="parquet", tags=["payments", "tabular"])
    DatasetFactory(team=team, name="B", format="CSV", tags=["payments"], contains_pii=True)
    DatasetFactory(team=other_team, name="C", format="parquet", sensitivity="restricted")
    results = engine.search(user=member, types=["dataset"])
    counts = {name: {v.value: v.count for v in values} for name, values in results.facets.items()}
    assert results.total == 3
    assert counts["tag"] == {"payments": 2, "tabular": 1}
    assert counts["format"] == {"parquet": 2, "csv": 1}
    assert counts["team"] == {"risk": 2, "growth": 1}
    assert counts["pii"] == {"yes": 1, "no": 2}
    assert counts["sensitivity"] == {"internal": 2, "restricted": 1}


def test_facet_filters_narrow_the_results_and_the_counts(member, team):
    DatasetFactory(team=team, name="A", format="parquet", tags=["payments", "tabular"])
    DatasetFactory(team=team, name="B", format="csv", tags=["payments"])
    results = engine.search(user=member, types=["dataset"],
                            filters={"tag": ["payments"], "format": ["parquet"]})
    assert titles(results) == ["A"]
    tags = {v.value: (v.count, v.selected) for v in results.facets["tag"]}
    assert tags == {"payments": (1, True), "tabular": (1, False)}


def test_the_stage_facet_shows_the_stages_of_projects_using_the_dataset(member, staff, team, dataset):
    project = ProjectFactory(team=team, stage="experimentation")
    services.project_update(project=project, by=member, datasets=[dataset])
    results = engine.search(user=member, types=["dataset"], filters={"stage": ["experimentation"]})
    assert titles(results) == ["Transactions"]
    lifecycle_services.project_stage_change(project=project, to="validation", by=staff,
                                  override_reason="The gates are tested elsewhere.")
    assert engine.search(user=member, types=["dataset"],
                         filters={"stage": ["experimentation"]}).total == 0


def test_snippets_escape_hostile_text_and_only_add_mark(member, team):
    DatasetFactory(team=team, name="Evil", description=(
        'Ledger <script>alert("x")</script> of <b>ledger</b> rows & "quotes" '
        "<img src=x onerror=alert(1)> ledger \ue000 stray sentinel"))
    snippet = str(engine.search(user=member, q="ledger").hits[0].snippet)
    assert "<mark>" in snippet
    # PostgreSQL's parser drops tags, SQLite keeps them as text: either way, escaped
    without_marks = snippet.replace("<mark>", "").replace("</mark>", "")
    assert "<" not in without_marks and ">" not in without_marks
    assert snippet.count("<mark>") == snippet.count("</mark>")


def test_highlighting_escapes_first_then_marks():
    hostile = '<script>alert("x")</script> & \ue000ledger\ue001 \ue000cut'
    assert engine.highlight(hostile) == (
        "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; <mark>ledger</mark> <mark>cut</mark>")


def test_an_outsider_sees_no_private_result_and_no_private_count(outsider, member,
                                                                 private_dataset, dataset):
    for user, expected in [(outsider, ["Transactions"]), (member, ["Secret data", "Transactions"])]:
        results = engine.search(user=user, types=["dataset"])
        assert titles(results) == expected
        assert results.total == len(expected)
        assert sum(v.count for v in results.facets["team"]) == len(expected)
    assert engine.search(user=outsider, q="secret").total == 0
    assert engine.search(user=outsider, q="secret").kind_counts == {}


def test_private_models_and_projects_stay_hidden_but_role_holders_see_them(
        outsider, private_model, private_project, role, lead):
    assert engine.search(user=outsider, q="secret").total == 0
    services.role_assign(role=role("reviewer"), person=outsider, target=private_model,
                         by=lead)
    assert titles(engine.search(user=outsider, q="secret")) == ["Secret model"]


def test_a_project_going_internal_shows_its_datasets_without_reindexing(outsider, member,
                                                                         private_dataset):
    assert engine.search(user=outsider, q="secret", types=["dataset"]).total == 0
    services.project_update(project=private_dataset.home_project, by=member,
                            visibility="internal")
    assert engine.search(user=outsider, q="secret", types=["dataset"]).total == 1


def test_anonymous_users_find_nothing(dataset):
    from django.contrib.auth.models import AnonymousUser

    assert engine.search(user=AnonymousUser(), q="transactions").total == 0


def test_create_update_and_delete_are_reflected_at_once(member, team):
    dataset = services.dataset_create(slug="orders", name="Orders", team=team, by=member,
                                      description="Every basket.", tags=["retail"])
    assert titles(engine.search(user=member, q="basket")) == ["Orders"]
    services.dataset_update(dataset=dataset, by=member, name="Purchases",
                            description="Every checkout.")
    assert engine.search(user=member, q="basket").total == 0
    assert titles(engine.search(user=member, q="purchases")) == ["Purchases"]
    services.dataset_update(dataset=dataset, by=member, tags=["grocery"])
    assert engine.search(user=member, types=["dataset"], filters={"tag": ["retail"]}).total == 0
    assert engine.search(user=member, types=["dataset"], filters={"tag": ["grocery"]}).total == 1
    Dataset.objects.get(pk=dataset.pk).delete()
    assert engine.search(user=member, q="purchases").total == 0
    assert not SearchDocument.objects.filter(kind="dataset", object_id=dataset.pk).exists()


def test_models_and_projects_are_found_with_type_badges(member, project):
    MLModelFactory(project=project, name="Fraud scorer", task="binary classification")
    results = engine.search(user=member, q="fraud")
    assert {(h.kind_label, h.title) for h in results.hits} == {("Project", "Fraud"),
                                                               ("Model", "Fraud scorer")}
    assert results.kind_counts == {"project": 1, "model": 1}
    assert titles(engine.search(user=member, q="fraud", types=["model"])) == ["Fraud scorer"]


def test_sorting_by_name_and_by_last_update(member, team):
    for name in ["Beta", "Alpha", "Gamma"]:
        DatasetFactory(team=team, name=name)
    assert titles(engine.search(user=member, types=["dataset"], sort="name")) == [
        "Alpha", "Beta", "Gamma"]
    assert titles(engine.search(user=member, types=["dataset"], sort="updated")) == [
        "Gamma", "Alpha", "Beta"]


def test_pages_split_the_results(member, team):
    for i in range(25):
        DatasetFactory(team=team, name=f"Set {i:02}")
    second = engine.search(user=member, types=["dataset"], sort="name", page=2)
    assert second.total == 25 and second.num_pages == 2
    assert titles(second) == [f"Set {i:02}" for i in range(20, 25)]


def test_no_results_offer_suggestions_from_visible_names_only(member, outsider, team,
                                                              private_dataset):
    DatasetFactory(team=team, name="Customer churn")
    suggestions = engine.search(user=member, q="custmer chrun").suggestions
    assert suggestions and any("churn" in s.lower() for s in suggestions)
    assert not any("secret" in s.lower()
                   for s in engine.search(user=outsider, q="secrit dta").suggestions)


@pytest.mark.parametrize("kwargs, field", [
    ({"types": ["spaceship"]}, "type"), ({"sort": "size"}, "sort"), ({"page": 0}, "page"),
    ({"filters": {"colour": ["red"]}}, "colour"), ({"q": "x" * 201}, "q"),
])
def test_bad_parameters_are_refused_naming_the_field(member, kwargs, field):
    with pytest.raises(ValidationError) as error:
        engine.search(user=member, **kwargs)
    assert field in error.value.message_dict


def test_hostile_query_syntax_is_just_text(member, dataset):
    for q in ['"unbalanced', "a AND OR NOT", "col:value*", "(((", "'; drop table x; --", "-"]:
        assert engine.search(user=member, q=q).total >= 0


@pytest.mark.postgres
def test_a_misspelt_dataset_name_still_finds_it(member, team):
    DatasetFactory(team=team, name="Customer transactions", description="Card payments.")
    DatasetFactory(team=team, name="Weather", description="Rain.")
    assert titles(engine.search(user=member, q="custmer")) == ["Customer transactions"]
    assert titles(engine.search(user=member, q="transactoins")) == ["Customer transactions"]


@pytest.mark.postgres
def test_stemming_finds_other_forms_of_a_word(member, team):
    DatasetFactory(team=team, name="Shipments", description="Parcels delivered by couriers.")
    assert titles(engine.search(user=member, q="delivering courier")) == ["Shipments"]


def test_the_catalog_ranks_datasets_by_relevance_and_hides_private_ones(member, team,
                                                                       private_dataset, outsider):
    DatasetFactory(team=team, name="Weather", description="Some churn notes.")
    DatasetFactory(team=team, name="Churn", description="Labels.")
    assert titles(engine.search(user=member, q="churn", types=["dataset"])) == ["Churn", "Weather"]
    assert "Secret data" not in titles(engine.search(user=outsider, types=["dataset"]))


@pytest.mark.postgres
def test_a_sequential_scan_starts_at_the_first_block_so_capped_candidates_do_not_drift(db):
    # a tier takes the first cap + 1 matches in table order: with PostgreSQL's synchronized
    # scans a big table's scan starts wherever another one is, and a capped query's first
    # page changed from one search to the next (bench/search.py's "UI first page" column)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronize_seqscans")
        assert cursor.fetchone()[0] == "off"
