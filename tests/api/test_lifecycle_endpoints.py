"""Happy paths of the lifecycle's API: sprints, retrospectives, action items, approvals, review
requests and the gate checklist."""

from datetime import timedelta

import pytest
from django.utils import timezone

from lifecycle import services
from lifecycle.models import ActionItem, Approval, ReviewRequest

pytestmark = pytest.mark.django_db


@pytest.fixture
def sprint(project, member):
    today = timezone.localdate()
    return services.sprint_create(project=project, starts_on=today - timedelta(days=13), ends_on=today,
                                  goal="Ship the baseline", by=member)


def test_sprints_are_planned_listed_and_read(api, project):
    response = api.post("/api/v1/projects/fraud/sprints/",
                        {"starts_on": "2026-01-05", "ends_on": "2026-01-16", "goal": "Baseline"},
                        format="json")
    assert response.status_code == 201, response.content
    assert response.json() == {**response.json(), "number": 1, "project": "fraud", "retrospective": None,
                               "open_items": 0}
    api.post("/api/v1/projects/fraud/sprints/", {"starts_on": "2026-01-19", "ends_on": "2026-01-30"},
             format="json")
    assert [s["number"] for s in api.get("/api/v1/projects/fraud/sprints/").json()["results"]] == [2, 1]
    assert api.get("/api/v1/projects/fraud/sprints/1/").json()["goal"] == "Baseline"


def test_a_retrospective_is_written_from_the_template(api, sprint):
    response = api.post("/api/v1/projects/fraud/sprints/1/retrospective/")
    assert response.status_code == 201, response.content
    page = response.json()
    assert page["template"] == "retrospective" and page["slug"] == "sprint-1-retrospective"
    assert "Ship the baseline" in page["body"] and response["ETag"] == '"1"'
    assert api.get("/api/v1/projects/fraud/sprints/1/").json()["retrospective"]["slug"] == page["slug"]
    again = api.post("/api/v1/projects/fraud/sprints/1/retrospective/")
    assert again.status_code == 409 and "already" in again.json()["detail"]


def test_action_items_are_added_listed_filtered_and_updated(api, sprint, member, lead):
    url = "/api/v1/projects/fraud/sprints/1/action-items/"
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    first = api.post(url, {"text": "Backfill labels", "owner": "member", "due_on": yesterday}, format="json")
    assert first.status_code == 201, first.content
    assert first.json()["overdue"] is True and first.json()["sprint"] == 1
    api.post(url, {"text": "Write the runbook", "owner": "lead"}, format="json")
    assert api.get(url).json()["count"] == 2
    assert api.get("/api/v1/projects/fraud/sprints/1/").json()["open_items"] == 2
    listed = lambda q: [i["text"] for i in api.get(f"/api/v1/action-items/?{q}").json()["results"]]  # noqa: E731
    assert listed("mine=true") == ["Backfill labels"]
    assert listed("overdue=true") == ["Backfill labels"]
    assert len(listed("project=fraud&status=open")) == 2
    item = first.json()["id"]
    response = api.patch(f"/api/v1/action-items/{item}/", {"status": "done", "owner": "lead"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "done"
    assert response.json()["owner"] == "lead" and response.json()["overdue"] is False
    assert api.get(f"/api/v1/action-items/{item}/").json()["status"] == "done"
    assert listed("status=done") == ["Backfill labels"]


def test_a_reviewer_approves_the_current_revision_and_the_page_says_so(token_client, api, project,
                                                                        member, reviewer, write):
    page = write("ethics-bias-review", project, by=member)
    url = f"/api/v1/spaces/project-fraud/pages/{page.slug}/"
    assert api.post(f"{url}review-requests/").status_code == 201
    assert api.get(f"{url}review-requests/").json()["results"][0]["requested_by"] == "member"
    response = token_client(reviewer).post(f"{url}approvals/", {"revision": 1, "comment": "Fine."},
                                           format="json")
    assert response.status_code == 201, response.content
    assert response.json() == {**response.json(), "revision": 1, "reviewer": "reviewer", "void": False}
    assert api.get(f"{url}approvals/").json()["count"] == 1
    approval = api.get(url).json()["approval"]
    assert approval["approved"] is True and approval["approved_by"] == "reviewer"
    assert ReviewRequest.objects.count() == 1 and Approval.objects.count() == 1


def test_only_a_reviewer_approves_and_only_the_current_revision(token_client, api, project, member,
                                                                 reviewer, write, edit):
    page = write("ethics-bias-review", project, by=member)
    url = f"/api/v1/spaces/project-fraud/pages/{page.slug}/approvals/"
    assert api.post(url, {"revision": 1}, format="json").status_code == 409
    edit(page, by=member, body=page.body + "\nMore.\n")
    response = token_client(reviewer).post(url, {"revision": 1}, format="json")
    assert response.status_code == 409 and "not the current one" in response.json()["detail"]
    assert not Approval.objects.exists()


def test_the_gate_checklist_lists_the_checks_as_dicts(api, project, member, write):
    body = api.get("/api/v1/projects/fraud/gates/data_discovery/").json()
    assert body["stage"] == "data_discovery" and body["allowed"] is True and body["met"] is False
    assert body["checks"][0]["template"] == "project-charter" and body["checks"][0]["met"] is False
    write("project-charter", project, by=member)
    body = api.get("/api/v1/projects/fraud/gates/data_discovery/").json()
    assert body["met"] is True and body["checks"][0]["page"].startswith("/wiki/project-fraud/")
    assert api.get("/api/v1/projects/fraud/gates/monitoring/").json()["allowed"] is False


def test_open_items_only_count_open_ones(api, sprint, member):
    item = services.action_item_add(sprint=sprint, text="x", by=member)
    services.action_item_update(item=item, by=member, status=ActionItem.Status.DROPPED)
    assert api.get("/api/v1/projects/fraud/sprints/").json()["results"][0]["open_items"] == 0


def test_a_review_in_a_team_space_reads_approved_on_the_page_in_the_api_and_for_the_gate(
        token_client, client, project, team, member, reviewer):
    """The page belongs to the project it documents, wherever it lives: the gate, the page's
    panel and the API's approval state read the same approval."""
    from lifecycle import gates
    from wiki.models import Template
    from wiki.services import page_create, space_for

    template = Template.objects.get(kind="ethics-bias-review")
    body = "\n\n".join(f"## {title}\n\nWritten." for title in template.required_sections)
    review = page_create(space=space_for(team), title="Ethics review", body=body, by=member,
                         template=template, documents=[project])
    url = f"/api/v1/spaces/team-risk/pages/{review.slug}/"
    response = token_client(reviewer).post(f"{url}approvals/", {"revision": 1}, format="json")
    assert response.status_code == 201, response.content

    assert gates.approval_state(review)[0] is not None
    approval = token_client(member).get(url).json()["approval"]
    assert approval["approved"] is True and approval["approved_by"] == "reviewer"
    client.force_login(member)
    panel = client.get(f"/wiki/team-risk/{review.slug}/").content.decode()
    assert "Approved by" in panel and "Not yet approved" not in panel
    [check] = [c for c in gates.evaluate(project, "deployment") if c.requirement.template_kind
               == "ethics-bias-review"]
    assert check.met
