"""Separation of duties (issue #11, finding 1): nobody grants themselves the Reviewer role,
nobody reviews what they wrote, and a Reviewer role its holder granted themselves counts for
nothing — through the API and the UI, refused at each step."""

import pytest

from config.exceptions import ApplicationError
from lifecycle import gates, services
from lifecycle.models import Approval
from registry import services as registry_services
from registry.models import RoleAssignment, Stage
from tests.factories import MembershipFactory, PersonFactory
from tests.lifecycle.conftest import at_stage

pytestmark = pytest.mark.django_db


@pytest.fixture
def ready_for_deployment(project, member, reviewer, write, model, model_version):
    """A project in validation whose deployment gate lacks only an approved ethics review."""
    at_stage(project, Stage.VALIDATION)
    write("model-card", model, by=member)
    write("deployment-runbook", project, by=member)
    return project


def test_a_member_cannot_make_himself_reviewer_and_wave_his_own_page_through_the_api(
        token_client, ready_for_deployment, member, write):
    api = token_client(member)
    response = api.post("/api/v1/projects/fraud/roles/", {"role": "reviewer", "person": "member"},
                        format="json")
    assert response.status_code == 409 and "themselves" in response.json()["detail"]
    assert not RoleAssignment.objects.filter(person=member, role__slug="reviewer").exists()

    review = write("ethics-bias-review", ready_for_deployment, by=member)
    response = api.post(f"/api/v1/spaces/project-fraud/pages/{review.slug}/approvals/",
                        {"revision": 1}, format="json")
    assert response.status_code == 409 and not Approval.objects.exists()

    response = api.post("/api/v1/projects/fraud/transitions/", {"stage": "deployment"}, format="json")
    assert response.status_code == 409
    assert [u["template"] for u in response.json()["unmet"]] == ["ethics-bias-review"]


def test_a_reviewer_granted_by_the_lead_still_cannot_approve_a_page_he_wrote(
        token_client, lead, member, ready_for_deployment, write, role):
    registry_services.role_assign(role=role("reviewer"), person=member, target=ready_for_deployment,
                                  by=lead)
    review = write("ethics-bias-review", ready_for_deployment, by=member)
    response = token_client(member).post(
        f"/api/v1/spaces/project-fraud/pages/{review.slug}/approvals/", {"revision": 1}, format="json")
    assert response.status_code == 409 and "wrote" in response.json()["detail"]


def test_a_co_author_cannot_approve_either(reviewer, member, ready_for_deployment, write, edit):
    review = write("ethics-bias-review", ready_for_deployment, by=member)
    review = edit(review, by=reviewer, body=review.body + "\nA fix.\n").page
    review = edit(review, by=member, body=review.body + "\nAnother.\n").page
    with pytest.raises(ApplicationError, match="wrote part of this page"):
        services.page_approve(page=review, revision=review.revision, by=reviewer)


def test_only_the_lead_an_owner_or_staff_grant_the_reviewer_role(member, lead, staff, project, role):
    friend = MembershipFactory(team=project.team, person=PersonFactory(username="friend")).person
    with pytest.raises(ApplicationError, match="lead, an Owner or staff"):
        registry_services.role_assign(role=role("reviewer"), person=friend, target=project, by=member)
    registry_services.role_assign(role=role("reviewer"), person=friend, target=project, by=lead)
    registry_services.role_assign(role=role("owner"), person=member, target=project, by=lead)
    other = PersonFactory(username="other")
    registry_services.role_assign(role=role("reviewer"), person=other, target=project, by=member)
    assert RoleAssignment.objects.get(person=other).granted_by == member
    with pytest.raises(ApplicationError, match="themselves"):
        registry_services.role_assign(role=role("reviewer"), person=staff, target=project, by=staff)


def test_a_reviewer_role_its_holder_granted_themselves_counts_for_nothing(
        member, ready_for_deployment, write, role):
    """A grant recorded before the rule (granted_by = its holder) neither approves nor counts."""
    sneaky = PersonFactory(username="sneaky")
    RoleAssignment.objects.create(role=role("reviewer"), person=sneaky, project=ready_for_deployment,
                                  granted_by=sneaky)
    review = write("ethics-bias-review", ready_for_deployment, by=member)
    with pytest.raises(ApplicationError, match="granted by someone else"):
        services.page_approve(page=review, revision=1, by=sneaky)
    Approval.objects.create(page=review, revision=1, reviewer=sneaky)  # as if it had slipped in
    assert gates.approval_state(review)[0] is None
    assert not all(c.met for c in gates.evaluate(ready_for_deployment, Stage.DEPLOYMENT))


def test_the_ui_refuses_self_assignment_and_offers_no_approval_to_the_author(
        client, lead, member, ready_for_deployment, write, role):
    client.force_login(member)
    response = client.post("/projects/fraud/roles/", {"role": role("reviewer").pk, "person": member.pk})
    assert response.status_code == 400 and "themselves" in response.content.decode()
    registry_services.role_assign(role=role("reviewer"), person=member, target=ready_for_deployment,
                                  by=lead)
    review = write("ethics-bias-review", ready_for_deployment, by=member)
    page = client.get(review.get_absolute_url()).content.decode()
    assert "Approve revision 1" not in page
    client.post(f"{review.get_absolute_url()}approve/", {"revision": 1})
    assert not Approval.objects.exists()
    response = client.post("/projects/fraud/transition/", {"stage": "deployment"})
    assert response.status_code == 400 and "Ethics" in response.content.decode()


@pytest.mark.parametrize("decision, shown", [("changes_requested", "Changes requested by"),
                                             ("rejected", "Rejected by")])
def test_a_reviewer_requests_changes_or_rejects_with_a_comment_seen_everywhere(
        client, token_client, member, reviewer, ready_for_deployment, write, decision, shown):
    review = write("ethics-bias-review", ready_for_deployment, by=member)
    client.force_login(reviewer)
    client.post(f"{review.get_absolute_url()}approve/", {"revision": 1, "decision": decision})
    assert not Approval.objects.exists()  # a comment is needed to say what should change
    client.post(f"{review.get_absolute_url()}approve/",
                {"revision": 1, "decision": decision, "comment": "Add fairness by region."})

    page = client.get(review.get_absolute_url()).content.decode()
    assert shown in page and "Add fairness by region." in page
    history = client.get(f"{review.get_absolute_url()}history/").content.decode()
    assert "Add fairness by region." in history
    api = token_client(member)
    [row] = api.get(f"/api/v1/spaces/project-fraud/pages/{review.slug}/approvals/").json()["results"]
    assert row["decision"] == decision and row["comment"] == "Add fairness by region."
    state = api.get(f"/api/v1/spaces/project-fraud/pages/{review.slug}/").json()["approval"]
    assert state["approved"] is False and state["state"].startswith(shown)
    assert not all(c.met for c in gates.evaluate(ready_for_deployment, Stage.DEPLOYMENT))
