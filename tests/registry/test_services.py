import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError

from config.exceptions import ApplicationError
from lifecycle import services as lifecycle_services
from registry import services
from registry.models import Activity, Dataset, DatasetVersion, Membership, ModelVersion, Project, Stage, Team


def test_creating_a_project_records_its_first_stage_and_the_activity(team, member):
    project = services.project_create(slug="churn", name="Churn", team=team, by=member)

    assert project.stage == Stage.PROPOSED
    assert [t.to_stage for t in project.transitions.all()] == [Stage.PROPOSED]
    assert Activity.objects.filter(target_id=project.pk, verb="created", actor=member).exists()


def test_an_update_records_before_and_after_of_changed_fields_only(project, member):
    services.project_update(project=project, by=member, name="Fraud v2", summary=project.summary)

    event = Activity.objects.get(verb="updated", target_id=project.pk)
    assert event.changes == {"name": ["Fraud", "Fraud v2"]}


def test_an_update_that_changes_nothing_records_nothing(project, member):
    services.project_update(project=project, by=member, name=project.name)
    assert not Activity.objects.filter(verb="updated").exists()


def test_the_stage_cannot_be_edited_directly(project, member):
    with pytest.raises(ApplicationError):
        services.project_update(project=project, by=member, stage=Stage.DEPLOYMENT)
    project.refresh_from_db()
    assert project.stage == Stage.PROPOSED


def test_a_project_moves_one_stage_forward_and_the_move_is_recorded(project, member, write):
    write("project-charter", project, by=member)
    lifecycle_services.project_stage_change(project=project, to=Stage.DATA_DISCOVERY, note="Go", by=member)

    project.refresh_from_db()
    assert project.stage == Stage.DATA_DISCOVERY
    move = project.transitions.first()
    assert (move.from_stage, move.to_stage, move.note, move.actor) == (
        Stage.PROPOSED, Stage.DATA_DISCOVERY, "Go", member)


def test_a_project_cannot_skip_stages(project, member):
    with pytest.raises(ApplicationError, match="cannot go from Proposed to Deployment"):
        lifecycle_services.project_stage_change(project=project, to=Stage.DEPLOYMENT, by=member)
    project.refresh_from_db()
    assert project.stage == Stage.PROPOSED
    assert project.transitions.count() == 0


def test_an_unknown_stage_is_a_validation_error(project, member):
    with pytest.raises(ValidationError):
        lifecycle_services.project_stage_change(project=project, to="launched", by=member)


def test_abandoning_needs_a_reason(project, member):
    with pytest.raises(ValidationError, match="why"):
        lifecycle_services.project_stage_change(project=project, to=Stage.ABANDONED, note="  ", by=member)
    project.refresh_from_db()
    assert project.stage == Stage.PROPOSED


def test_monitoring_and_retraining_go_back_and_forth(project, member, write):
    Project.objects.filter(pk=project.pk).update(stage=Stage.MONITORING)
    project.refresh_from_db()
    write("drift-report", project, by=member)
    write("monitoring-drift-plan", project, by=member)
    lifecycle_services.project_stage_change(project=project, to=Stage.RETRAINING, by=member)
    lifecycle_services.project_stage_change(project=project, to=Stage.MONITORING, by=member)
    project.refresh_from_db()
    assert project.stage == Stage.MONITORING


def test_a_deployed_project_cannot_be_abandoned(project, member):
    Project.objects.filter(pk=project.pk).update(stage=Stage.DEPLOYMENT)
    project.refresh_from_db()
    with pytest.raises(ApplicationError):
        lifecycle_services.project_stage_change(project=project, to=Stage.ABANDONED, note="x", by=member)


def test_dataset_version_labels_are_unique_within_a_dataset(dataset, member):
    services.dataset_version_add(dataset=dataset, label="v1", by=member)
    with pytest.raises(ValidationError):
        services.dataset_version_add(dataset=dataset, label="v1", by=member)
    assert DatasetVersion.objects.filter(dataset=dataset).count() == 1


def test_the_database_itself_refuses_a_duplicate_version(dataset, member):
    DatasetVersion.objects.create(dataset=dataset, label="v1", created_by=member)
    with pytest.raises(IntegrityError):
        DatasetVersion.objects.create(dataset=dataset, label="v1", created_by=member)


def test_the_database_refuses_a_negative_row_count(dataset, member):
    with pytest.raises(IntegrityError):
        DatasetVersion.objects.create(dataset=dataset, label="v1", created_by=member,
                                      row_count=-1)


def test_model_versions_number_themselves_and_keep_lineage(model, dataset_version, member):
    first = services.model_version_add(model=model, by=member,
                                       lineage=[(dataset_version, "training")])
    second = services.model_version_add(model=model, by=member, metrics={"auc": 0.9},
                                        lineage=[(dataset_version, "evaluation")])

    assert (first.number, second.number) == (1, 2)
    assert list(first.lineage.values_list("use", flat=True)) == ["training"]
    assert list(dataset_version.model_versions.order_by("number")) == [first, second]


def test_a_model_version_number_cannot_repeat(model, member):
    services.model_version_add(model=model, by=member, number=3)
    with pytest.raises(ValidationError):
        services.model_version_add(model=model, by=member, number=3)
    assert ModelVersion.objects.filter(model=model).count() == 1


def test_unknown_lineage_use_is_refused_and_nothing_is_saved(model, dataset_version, member):
    with pytest.raises(ValidationError):
        services.model_version_add(model=model, by=member, lineage=[(dataset_version, "fun")])
    assert not ModelVersion.objects.filter(model=model).exists()


def test_changing_a_version_status_is_recorded(model_version, member):
    lifecycle_services.model_version_set_status(version=model_version, status="staging", by=member)

    event = Activity.objects.get(verb="changed status")
    assert event.changes == {"status": ["candidate", "staging"]}


def test_schema_columns_must_have_distinct_names(dataset, member):
    with pytest.raises(ValidationError, match="repeat"):
        services.dataset_columns_set(dataset=dataset, by=member, columns=[
            {"name": "id", "dtype": "int"}, {"name": "id", "dtype": "string"}])
    assert dataset.columns.count() == 0


def test_tags_are_normalised_and_shared(team, member):
    a = services.dataset_create(slug="a", name="A", team=team, by=member, tags=["Churn", " eu "])
    b = services.dataset_create(slug="b", name="B", team=team, by=member, tags=["churn"])

    assert sorted(a.tags.values_list("name", flat=True)) == ["churn", "eu"]
    assert a.tags.get(name="churn") == b.tags.get()


def test_a_team_creator_becomes_its_lead(staff):
    team = services.team_create(slug="new", name="New", by=staff)
    assert Membership.objects.get(team=team, person=staff).level == "lead"


def test_staff_create_a_team_for_its_lead(staff, member):
    team = services.team_create(slug="new", name="New", by=staff, lead=member)
    assert list(team.memberships.values_list("person__username", "level")) == [("member", "lead")]


def test_only_staff_create_teams_so_nobody_raises_their_own_rights(member, settings):
    """Part 7, finding 14: a team's creator leads it and writes in the global wiki."""
    with pytest.raises(PermissionDenied):
        services.team_create(slug="mine", name="Mine", by=member)
    assert not Team.objects.filter(slug="mine").exists()
    settings.TEAMS_CREATED_BY_ANYONE = True
    assert services.team_create(slug="mine", name="Mine", by=member).slug == "mine"


def test_the_last_lead_cannot_leave(team, lead):
    with pytest.raises(ApplicationError, match="last lead"):
        services.membership_remove(team=team, person=lead, by=lead)
    with pytest.raises(ApplicationError, match="last lead"):
        services.membership_set(team=team, person=lead, level="member", by=lead)
    assert Membership.objects.get(team=team, person=lead).level == "lead"


def test_a_role_cannot_be_held_twice(project, lead, member, role):
    services.role_assign(role=role("owner"), person=member, target=project, by=lead)
    with pytest.raises(ApplicationError):
        services.role_assign(role=role("owner"), person=member, target=project, by=lead)


def test_a_person_may_hold_several_roles(project, lead, member, role):
    services.role_assign(role=role("owner"), person=member, target=project, by=lead)
    services.role_assign(role=role("reviewer"), person=member, target=project, by=lead)
    assert project.role_assignments.filter(person=member).count() == 2


def test_the_six_default_roles_exist(db):
    from registry.models import Role

    assert set(Role.objects.values_list("name", flat=True)) >= {
        "Owner", "Data Scientist", "ML Engineer", "Data Steward", "Reviewer", "Stakeholder"}


def test_a_refused_save_names_the_rule_and_the_transaction_goes_on(team, member):
    """A unique rule the database enforces is named on its field, and what the same
    transaction wrote before and after stays (SQLite undoes the one statement; PostgreSQL
    needs the savepoint `save_validated` takes there)."""
    from django.db import transaction

    services.dataset_create(slug="orders", name="Orders", team=team, by=member)
    with transaction.atomic():
        before = services.dataset_create(slug="returns", name="Returns", team=team, by=member)
        with pytest.raises(ValidationError) as refused:
            services.dataset_create(slug="orders", name="Orders again", team=team, by=member)
        after = services.dataset_create(slug="refunds", name="Refunds", team=team, by=member)
    assert "slug" in refused.value.message_dict
    assert sorted(Dataset.objects.values_list("slug", flat=True)) == ["orders", "refunds", "returns"]
    assert before.pk and after.pk
