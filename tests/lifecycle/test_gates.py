"""Every gate rule of PRODUCT.md, the staff override, and what a refusal leaves unchanged."""

import pytest

from config.exceptions import ApplicationError
from lifecycle import gates, services
from registry import permissions as registry_permissions
from registry import services as registry_services
from registry.models import Stage
from tests.factories import DatasetVersionFactory, ModelVersionFactory
from tests.lifecycle.conftest import at_stage


def move(project, to, by, **kwargs):
    return services.project_stage_change(project=project, to=to, by=by, **kwargs)


def unmet(project, to):
    return [c for c in gates.evaluate(project, to) if not c.met]


def test_data_discovery_needs_a_project_charter(project, member, write):
    with pytest.raises(ApplicationError, match="Project charter"):
        move(project, Stage.DATA_DISCOVERY, member)
    project.refresh_from_db()
    assert project.stage == Stage.PROPOSED and not project.transitions.exists()

    write("project-charter", project, by=member)
    move(project, Stage.DATA_DISCOVERY, member)
    project.refresh_from_db()
    assert project.stage == Stage.DATA_DISCOVERY


def test_a_charter_with_an_empty_section_does_not_count(project, member, write):
    write("project-charter", project, by=member, **{"Success criteria": "  "})
    [check] = unmet(project, Stage.DATA_DISCOVERY)
    assert "Success criteria" in check.problem
    assert check.page is not None


def test_the_refusal_names_what_is_missing_and_links_to_start_it(project, member):
    with pytest.raises(ApplicationError) as refusal:
        move(project, Stage.DATA_DISCOVERY, member)
    [item] = refusal.value.extra["unmet"]
    assert item["template"] == "project-charter"
    assert item["target"] == {"type": "project", "slug": project.slug, "name": project.name}
    assert "template=project-charter" in item["start_url"]
    assert f"documents=project%3A{project.slug}" in item["start_url"]


def test_experimentation_needs_a_go_decision_and_a_datasheet_per_dataset(project, dataset, member,
                                                                        write):
    project = at_stage(project, Stage.DATA_DISCOVERY)
    project.datasets.add(dataset)
    write("feasibility-assessment", project, by=member,
          **{"Decision (go / no-go) and reasons": "No-go: labels are missing."})
    problems = {c.requirement.template_kind: c.problem for c in unmet(project, Stage.EXPERIMENTATION)}
    assert "go" in problems["feasibility-assessment"]
    assert "datasheet" in problems

    write("feasibility-assessment", project, by=member,
          **{"Decision (go / no-go) and reasons": "Go: the data covers 95% of cases."})
    write("datasheet", dataset, by=member)
    move(project, Stage.EXPERIMENTATION, member)


def test_validation_needs_a_model_card_draft_for_the_candidate_model(project, model, member, write):
    project = at_stage(project, Stage.EXPERIMENTATION)
    [check] = unmet(project, Stage.VALIDATION)
    assert "no candidate model" in check.problem

    ModelVersionFactory(model=model, created_by=member)
    [check] = unmet(project, Stage.VALIDATION)
    assert check.target == model
    write("model-card", model, by=member, body="## Model details\n\nA draft.")
    assert unmet(project, Stage.VALIDATION) == []


def test_deployment_needs_a_complete_card_an_approved_ethics_review_and_a_runbook(
        project, model, member, reviewer, write):
    project = at_stage(project, Stage.VALIDATION)
    ModelVersionFactory(model=model, created_by=member)
    write("model-card", model, by=member)
    write("deployment-runbook", project, by=member)
    review = write("ethics-bias-review", project, by=member)

    [check] = unmet(project, Stage.DEPLOYMENT)
    assert check.requirement.needs_approval and "Not yet approved" in check.problem

    services.page_approve(page=review, revision=review.revision, by=reviewer)
    move(project, Stage.DEPLOYMENT, member)


def test_an_approval_is_void_once_the_page_changes(project, member, reviewer, write, edit):
    review = write("ethics-bias-review", project, by=member)
    services.page_approve(page=review, revision=review.revision, by=reviewer)
    assert gates.approval_state(review, registry_permissions.reviewers_of(project))[0] is not None

    edit(review, by=member, body=review.body + "\n\nOne more mitigation.")
    review.refresh_from_db()
    approval, sentence = gates.approval_state(review, registry_permissions.reviewers_of(project))
    assert approval is None
    assert "void" in sentence and "revision 1" in sentence


def test_only_a_reviewer_of_the_project_approves(project, member, write):
    review = write("ethics-bias-review", project, by=member)
    with pytest.raises(ApplicationError, match="Reviewer"):
        services.page_approve(page=review, revision=review.revision, by=member)
    assert not review.approvals.exists()


def test_a_stale_revision_cannot_be_approved(project, member, reviewer, write, edit):
    review = write("ethics-bias-review", project, by=member)
    edit(review, by=member, body=review.body + "\n\nMore.")
    with pytest.raises(ApplicationError, match="not the current one"):
        services.page_approve(page=review, revision=1, by=reviewer)


@pytest.mark.parametrize("stage,kind", [
    (Stage.MONITORING, "monitoring-drift-plan"),
    (Stage.RETRAINING, "drift-report"),
    (Stage.RETIRED, "retirement-note"),
])
def test_later_stages_need_their_document(project, member, write, stage, kind):
    before = {Stage.MONITORING: Stage.DEPLOYMENT, Stage.RETRAINING: Stage.MONITORING,
              Stage.RETIRED: Stage.MONITORING}[stage]
    project = at_stage(project, before)
    with pytest.raises(ApplicationError):
        move(project, stage, member)
    write(kind, project, by=member)
    move(project, stage, member)


def test_abandoning_needs_a_no_go_assessment_with_lessons_learned(project, member, write):
    with pytest.raises(ApplicationError):
        move(project, Stage.ABANDONED, member, note="Not feasible")
    page = write("feasibility-assessment", project, by=member,
                 **{"Decision (go / no-go) and reasons": "No-go: no labels."})
    with pytest.raises(ApplicationError, match="Lessons learned"):
        move(project, Stage.ABANDONED, member, note="Not feasible")
    from wiki.services import page_update

    page_update(page=page, title=page.title, base_revision=page.revision, by=member,
                body=page.body + "\n\n## Lessons learned\n\nCheck labels first.")
    move(project, Stage.ABANDONED, member, note="Not feasible")


def test_staff_override_with_a_reason_is_recorded(project, staff):
    transition = move(project, Stage.DATA_DISCOVERY, staff, override_reason="Charter is on paper.")
    assert transition.override_reason == "Charter is on paper."
    project.refresh_from_db()
    assert project.stage == Stage.DATA_DISCOVERY


def test_staff_without_a_reason_are_refused_like_anyone(project, staff):
    with pytest.raises(ApplicationError):
        move(project, Stage.DATA_DISCOVERY, staff)


def test_a_member_cannot_override(project, member):
    with pytest.raises(ApplicationError, match="Only staff"):
        move(project, Stage.DATA_DISCOVERY, member, override_reason="Trust me")
    project.refresh_from_db()
    assert project.stage == Stage.PROPOSED


def test_an_override_is_not_recorded_when_nothing_was_missing(project, staff, write):
    write("project-charter", project, by=staff)
    transition = move(project, Stage.DATA_DISCOVERY, staff, override_reason="Just in case")
    assert transition.override_reason == ""


def test_a_deleted_page_does_not_satisfy_a_gate(project, member, write):
    from wiki.services import page_delete

    page = write("project-charter", project, by=member)
    page_delete(page=page, by=member)
    assert len(unmet(project, Stage.DATA_DISCOVERY)) == 1


def test_promotion_to_production_needs_a_card_and_an_approved_ethics_review(
        project, model, member, reviewer, write):
    version = ModelVersionFactory(model=model, created_by=member)
    with pytest.raises(ApplicationError, match="model card"):
        services.model_version_set_status(version=version, status="production", by=member)
    version.refresh_from_db()
    assert version.status == "candidate"

    write("model-card", model, by=member)
    review = write("ethics-bias-review", model, by=member)
    with pytest.raises(ApplicationError, match="(?i)ethics"):
        services.model_version_set_status(version=version, status="production", by=member)
    services.page_approve(page=review, revision=review.revision, by=reviewer)
    services.model_version_set_status(version=version, status="production", by=member)


def test_a_new_version_cannot_be_registered_straight_into_production(model, member):
    with pytest.raises(ApplicationError):
        registry_services.model_version_add(model=model, by=member, status="production")
    assert not model.versions.exists()


def test_staging_needs_no_gate(model_version, member):
    services.model_version_set_status(version=model_version, status="staging", by=member)


def test_the_gate_context_reads_a_board_in_a_fixed_number_of_queries(team, member, write,
                                                                    django_assert_max_num_queries):
    from tests.factories import DatasetFactory, MLModelFactory, ProjectFactory

    def fill(n):
        for _ in range(n):
            project = ProjectFactory(team=team, stage=Stage.VALIDATION)
            project.datasets.add(DatasetFactory(team=team))
            model = MLModelFactory(project=project)
            ModelVersionFactory(model=model, created_by=member)
            write("model-card", model, by=member)
            DatasetVersionFactory(dataset=project.datasets.get(), created_by=member)

    from registry.models import Project

    for size in (2, 8):
        fill(size)
        projects = list(Project.objects.all())
        with django_assert_max_num_queries(10):
            ctx = gates.Context(projects)
            for project in projects:
                for stage in Stage.values:
                    gates.evaluate(project, stage, ctx, links=False)


def test_the_checklist_never_names_a_linked_dataset_the_reader_cannot_see(project, member, outsider,
                                                                         private_dataset, client):
    from tests.lifecycle.conftest import at_stage

    project = at_stage(project, Stage.DATA_DISCOVERY)
    project.datasets.add(private_dataset)
    [check] = [c for c in gates.for_reader(gates.evaluate(project, Stage.EXPERIMENTATION), outsider)
               if c.requirement.template_kind == "datasheet"]
    assert check.target is None and check.hidden_target == "a linked dataset you cannot see"
    client.force_login(outsider)
    for url in (project.get_absolute_url(), f"/projects/{project.slug}/gates/experimentation/",
                f"/api/v1/projects/{project.slug}/gates/experimentation/"):
        body = client.get(url).content.decode()
        assert private_dataset.name not in body and private_dataset.slug not in body, url
    member_view = gates.for_reader(gates.evaluate(project, Stage.EXPERIMENTATION), member)
    assert private_dataset in [c.target for c in member_view]


def test_a_refused_move_names_only_what_the_mover_may_see(project, staff, outsider, private_dataset,
                                                         role):
    from registry.models import RoleAssignment
    from tests.lifecycle.conftest import at_stage

    project = at_stage(project, Stage.DATA_DISCOVERY)
    project.datasets.add(private_dataset)
    RoleAssignment.objects.create(role=role("owner"), person=outsider, project=project)
    with pytest.raises(ApplicationError) as refusal:
        move(project, Stage.EXPERIMENTATION, outsider)
    assert private_dataset.name not in refusal.value.message
    assert private_dataset.slug not in str(refusal.value.extra)
    assert "a linked dataset you cannot see" in refusal.value.message
    with pytest.raises(ApplicationError) as for_staff:
        move(project, Stage.EXPERIMENTATION, staff)
    assert private_dataset.name in for_staff.value.message
