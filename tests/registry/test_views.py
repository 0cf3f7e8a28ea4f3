"""Forms through the web UI: happy paths, bad input (an error shown, nothing saved)."""

import pytest

from registry.models import Dataset, DatasetVersion, ModelVersion, Project


def test_a_member_registers_a_dataset_with_tags(client, member, team):
    client.force_login(member)
    response = client.post("/datasets/new/", {
        "slug": "clicks", "name": "Clicks", "team": team.pk, "sensitivity": "internal",
        "tags": "events, web", "description": "Every click."})

    assert response.status_code == 302
    dataset = Dataset.objects.get(slug="clicks")
    assert sorted(dataset.tags.values_list("name", flat=True)) == ["events", "web"]
    assert "Every click." in client.get(response["Location"]).content.decode()


@pytest.mark.parametrize("data,field", [
    ({"slug": "Bad Slug!", "name": "X", "sensitivity": "internal"}, "slug"),
    ({"slug": "ok", "name": "", "sensitivity": "internal"}, "name"),
    ({"slug": "ok", "name": "X", "sensitivity": "top-secret"}, "sensitivity"),
    ({"slug": "ok", "name": "X", "sensitivity": "internal", "tags": "no spaces allowed"}, "tags"),
])
def test_a_bad_dataset_form_shows_the_error_and_saves_nothing(client, member, team, data, field):
    client.force_login(member)
    response = client.post("/datasets/new/", {"team": team.pk, **data})

    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert f'id_{field}_errors' in response.content.decode()
    assert not Dataset.objects.exists()


def test_a_member_cannot_register_a_dataset_for_another_team(client, member, other_team):
    client.force_login(member)
    response = client.post("/datasets/new/", {"slug": "x", "name": "X", "team": other_team.pk,
                                              "sensitivity": "internal"})
    assert response.status_code == 400
    assert "team" in response.context["form"].errors


def test_a_duplicate_slug_is_a_form_error(client, member, dataset):
    client.force_login(member)
    response = client.post("/datasets/new/", {"slug": dataset.slug, "name": "Again",
                                              "team": dataset.team.pk, "sensitivity": "internal"})
    assert response.status_code == 400
    assert "slug" in response.context["form"].errors
    assert Dataset.objects.count() == 1


def test_a_duplicate_version_label_is_a_form_error(client, member, dataset_version):
    client.force_login(member)
    url = f"/datasets/{dataset_version.dataset.slug}/versions/new/"
    response = client.post(url, {"label": dataset_version.label, "row_count": "10"})
    assert response.status_code == 400
    assert "label" in response.context["form"].errors
    assert DatasetVersion.objects.count() == 1


def test_a_negative_row_count_is_a_form_error(client, member, dataset):
    client.force_login(member)
    response = client.post(f"/datasets/{dataset.slug}/versions/new/",
                           {"label": "v9", "row_count": "-5"})
    assert response.status_code == 400
    assert not DatasetVersion.objects.exists()


def test_the_schema_is_edited_as_lines(client, member, dataset):
    client.force_login(member)
    response = client.post(f"/datasets/{dataset.slug}/schema/", {
        "columns": "id | int | Row id\nemail | string | Contact | pii"})
    assert response.status_code == 302
    columns = list(dataset.columns.values_list("name", "dtype", "is_pii"))
    assert columns == [("id", "int", False), ("email", "string", True)]
    page = client.get(f"/datasets/{dataset.slug}/").content.decode()
    assert "email" in page and "PII" in page


def test_a_schema_line_without_a_type_is_refused(client, member, dataset):
    client.force_login(member)
    response = client.post(f"/datasets/{dataset.slug}/schema/", {"columns": "id | int\nname"})
    assert response.status_code == 400
    assert "Line 2" in response.content.decode()
    assert not dataset.columns.exists()


def test_a_model_version_with_lineage_from_the_form(client, member, model, dataset_version):
    client.force_login(member)
    response = client.post(f"/models/{model.slug}/versions/new/", {
        "status": "candidate", "metrics": '{"auc": 0.91}',
        "training_data": [dataset_version.pk]})
    assert response.status_code == 302
    version = ModelVersion.objects.get(model=model)
    assert version.metrics == {"auc": 0.91}
    assert list(version.dataset_versions.all()) == [dataset_version]
    dataset_page = client.get(dataset_version.dataset.get_absolute_url()).content.decode()
    assert f"{model.name} v1" in dataset_page


@pytest.mark.parametrize("metrics", ["{not json", "[1, 2]", '"auc"'])
def test_bad_metrics_are_a_form_error(client, member, model, metrics):
    client.force_login(member)
    response = client.post(f"/models/{model.slug}/versions/new/",
                           {"status": "candidate", "metrics": metrics})
    assert response.status_code == 400
    assert "metrics" in response.context["form"].errors
    assert not ModelVersion.objects.exists()


def test_a_private_dataset_version_cannot_be_smuggled_into_lineage(client, outsider, other_team,
                                                                   private_dataset, member):
    from tests.factories import MLModelFactory, ProjectFactory

    hidden = DatasetVersion.objects.create(dataset=private_dataset, label="v1", created_by=member)
    model = MLModelFactory(project=ProjectFactory(team=other_team))
    client.force_login(outsider)
    response = client.post(f"/models/{model.slug}/versions/new/",
                           {"status": "candidate", "training_data": [hidden.pk]})
    assert response.status_code == 400
    assert not ModelVersion.objects.exists()


def test_a_project_is_created_and_moved_through_the_ui(client, member, team, write):
    client.force_login(member)
    client.post("/projects/new/", {"slug": "eta", "name": "ETA", "team": team.pk,
                                   "visibility": "internal"})
    write("project-charter", Project.objects.get(slug="eta"), by=member)
    response = client.post("/projects/eta/transition/", {"stage": "data_discovery",
                                                         "note": "Kick-off"})
    assert response.status_code == 302
    page = client.get("/projects/eta/").content.decode()
    assert Project.objects.get(slug="eta").stage == "data_discovery"
    assert "Kick-off" in page


@pytest.mark.parametrize("data,message", [
    ({"stage": "deployment"}, "cannot go from Proposed to Deployment"),
    ({"stage": "abandoned", "note": ""}, "Say why"),
    ({"stage": "launched"}, "Select a valid choice"),
])
def test_a_refused_transition_is_explained_and_changes_nothing(client, member, project, data,
                                                               message):
    client.force_login(member)
    response = client.post(f"/projects/{project.slug}/transition/", data)
    assert response.status_code == 400
    assert message in response.content.decode()
    project.refresh_from_db()
    assert project.stage == "proposed"
    assert not project.transitions.exists()


def test_role_assignment_from_the_project_page(client, lead, project, outsider, role):
    client.force_login(lead)
    response = client.post(f"/projects/{project.slug}/roles/",
                           {"role": role("reviewer").pk, "person": outsider.pk})
    assert response.status_code == 302
    assert project.role_assignments.filter(person=outsider, role__slug="reviewer").exists()
    again = client.post(f"/projects/{project.slug}/roles/",
                        {"role": role("reviewer").pk, "person": outsider.pk})
    assert again.status_code == 400
    assert "already holds" in again.content.decode()


def test_a_lead_manages_members(client, lead, team, outsider):
    client.force_login(lead)
    client.post(f"/teams/{team.slug}/members/", {"person": outsider.username, "level": "viewer"})
    assert team.memberships.get(person=outsider).level == "viewer"
    client.post(f"/teams/{team.slug}/members/{outsider.username}/remove/")
    assert not team.memberships.filter(person=outsider).exists()


def test_a_member_cannot_manage_members(client, member, team, outsider):
    client.force_login(member)
    response = client.post(f"/teams/{team.slug}/members/", {"person": outsider.username,
                                                            "level": "lead"})
    assert response.status_code == 403
    assert not team.memberships.filter(person=outsider).exists()


def test_a_bad_page_number_shows_the_last_page_not_an_error(client, member, dataset):
    client.force_login(member)
    assert client.get("/datasets/?page=999").status_code == 200
    assert client.get("/datasets/?page=abc").status_code == 200


def test_a_bad_filter_value_is_a_400_not_a_500(client, member, dataset):
    client.force_login(member)
    response = client.get("/projects/?stage=launched")
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()


def test_healthz_answers_without_signing_in(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_sign_in_and_out(client, member):
    response = client.post("/accounts/login/", {"username": "member", "password": "pw"})
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    client.post("/accounts/logout/")
    assert client.get("/").status_code == 302


def test_the_lineage_picker_groups_versions_by_dataset_with_the_projects_own_first(
        client, member, team, project, model):
    from datetime import date

    from tests.factories import DatasetFactory, DatasetVersionFactory

    own = DatasetFactory(team=team, name="Zebra transactions")
    project.datasets.add(own)
    other = DatasetFactory(team=team, name="Alpha weather")
    DatasetVersionFactory(dataset=own, label="2026.09", released_on=date(2026, 9, 1), row_count=1200)
    DatasetVersionFactory(dataset=own, label="2026.10", released_on=date(2026, 10, 1), row_count=1500)
    DatasetVersionFactory(dataset=other, label="v1")
    client.force_login(member)
    html = client.get(f"/models/{model.slug}/versions/new/").content.decode()
    assert html.count("<fieldset") >= 2 and "<legend>Training data" in html
    # the project's dataset before the others, its newest version first, with its facts
    assert html.index("Zebra transactions (this project&#x27;s)") < html.index("Alpha weather")
    assert html.index("2026.10 · 2026-10-01 · 1,500 rows") < html.index("2026.09 · 2026-09-01 · 1,200 rows")
