"""Feeds decide visibility when they are read (issue #11, findings 2 and 5): an activity row
is read by whoever reads its target now, and its `changes` never name an object the reader
cannot see; a filter given a hidden slug answers as for an unknown one."""

import pytest

from registry import selectors, services
from registry.models import Activity, DatasetVersion, Lineage
from tests.factories import DatasetVersionFactory

pytestmark = pytest.mark.django_db


def test_an_outsider_reads_no_row_of_a_private_dataset_not_even_by_its_slug(
        token_client, member, outsider, private_dataset):
    services.dataset_columns_set(dataset=private_dataset, by=member, columns=[
        {"name": "credit_limit_ceiling", "dtype": "float"}])
    api = token_client(outsider)
    assert api.get("/api/v1/datasets/secret-data/").status_code == 404
    for url in ("/api/v1/activity/?target=secret-data", "/api/v1/activity/?target_type=dataset",
                "/api/v1/activity/"):
        body = api.get(url).content.decode()
        assert "secret-data" not in body and "credit_limit_ceiling" not in body
        assert "Secret data" not in body
    assert token_client(member).get("/api/v1/activity/?target=secret-data").json()["count"] == 1


def test_a_project_made_private_takes_its_earlier_rows_off_outsiders_dashboards(
        client, member, outsider, team):
    project = services.project_create(slug="moon", name="Moonshot", team=team, by=member)
    client.force_login(outsider)
    assert "Moonshot" in client.get("/").content.decode()
    services.project_update(project=project, by=member, visibility="private")
    assert "Moonshot" not in client.get("/").content.decode()
    assert not Activity.objects.visible_to(outsider).filter(target_id=project.pk).exists()


def test_changes_name_a_hidden_object_only_by_its_kind(
        token_client, member, outsider, project, dataset, private_dataset, model, private_project):
    services.project_update(project=project, by=member, datasets=[dataset, private_dataset])
    services.dataset_update(dataset=dataset, by=member, home_project=private_project)
    hidden_version = DatasetVersionFactory(dataset=private_dataset, label="v1", created_by=member)
    services.model_version_add(model=model, by=member, lineage=[(hidden_version, "training")])

    body = token_client(outsider).get("/api/v1/activity/?page_size=200").content.decode()
    for secret in ("secret-data", "Secret data", "secret", "Secret limits"):
        assert secret not in body
    assert "a dataset you cannot see" in body and "a dataset version you cannot see" in body
    assert "secret-data" in token_client(member).get("/api/v1/activity/?page_size=200").content.decode()


def test_the_version_page_names_no_hidden_dataset_in_its_lineage_or_activity(
        client, member, outsider, other_team, project, private_dataset):
    from tests.factories import MLModelFactory, ProjectFactory

    public = ProjectFactory(team=other_team, slug="open", name="Open")
    model = MLModelFactory(project=public, slug="open-model", name="Open model")
    hidden_version = DatasetVersionFactory(dataset=private_dataset, label="v1", created_by=member)
    version = services.model_version_add(model=model, by=outsider, lineage=[])
    Lineage.objects.create(model_version=version, dataset_version=hidden_version, use="training")
    client.force_login(outsider)
    page = client.get(version.get_absolute_url()).content.decode()
    assert "Secret data" not in page and "secret-data" not in page
    assert DatasetVersion.objects.visible_to(outsider).count() == 0


def test_visible_changes_costs_one_query_per_kind_named(member, outsider, project, dataset,
                                                        private_dataset, django_assert_max_num_queries):
    for _ in range(5):
        services.project_update(project=project, by=member, datasets=[dataset, private_dataset])
        services.project_update(project=project, by=member, datasets=[])
    rows = list(Activity.objects.all())
    with django_assert_max_num_queries(1):
        selectors.visible_changes(rows, user=outsider)


def test_a_filter_given_a_hidden_project_answers_as_for_an_unknown_one(
        client, token_client, outsider, private_model, project):
    api = token_client(outsider)
    hidden = api.get("/api/v1/models/?project=secret")
    unknown = api.get("/api/v1/models/?project=no-such-project")
    assert hidden.status_code == unknown.status_code == 400
    assert hidden.json()["errors"].keys() == unknown.json()["errors"].keys() == {"project"}
    assert "secret" not in hidden.content.decode().replace("?project=secret", "")
    client.force_login(outsider)
    page = client.get("/models/").content.decode()
    assert "Secret limits" not in page and 'value="secret"' not in page
    assert client.get("/models/?project=secret").status_code == 400
