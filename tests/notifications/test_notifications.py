"""Notifications: told in the app (the bell, the list) and by email, once, only about what the
recipient may read, as each person chose."""

import pytest
from django.core import mail
from django.utils import timezone

from lifecycle import services as lifecycle_services
from notifications import events, services, tasks
from notifications.models import Kind, Notification, Preference
from registry.models import Project
from tests.factories import MembershipFactory, PersonFactory


@pytest.fixture
def run_tasks(django_capture_on_commit_callbacks):
    """Run what the outbox publishes after commit (in-process in tests), the way a worker would."""
    def run():
        return django_capture_on_commit_callbacks(execute=True)
    return run


@pytest.fixture
def page(write, project, member):
    return write("ethics-bias-review", project, by=member)


def test_a_review_request_tells_the_reviewer_in_the_app_and_by_email(
        client, page, member, reviewer, run_tasks):
    with run_tasks():
        lifecycle_services.review_request(page=page, by=member)
    notification = Notification.objects.get(recipient=reviewer)
    assert notification.kind == Kind.REVIEW_REQUESTED
    assert notification.text == f"{member.name} asked you to review “{page.title}” (revision 1)"
    assert notification.email == Notification.Email.SENT
    [email] = mail.outbox
    assert email.to == [reviewer.email] and email.subject == f"[Almanac] {notification.text}"
    assert f"http://127.0.0.1:8000{page.get_absolute_url()}" in email.body
    client.force_login(reviewer)
    html = client.get("/").content.decode()
    assert '<span class="count">1<span class="visually-hidden"> unread</span></span>' in html


def test_an_approval_tells_the_author_who_asked(page, member, reviewer, run_tasks):
    with run_tasks():
        lifecycle_services.review_request(page=page, by=member)
        lifecycle_services.page_review(page=page, revision=1, decision="approved", by=reviewer)
    told = Notification.objects.get(recipient=member)
    assert told.kind == Kind.REVIEW_APPROVED
    assert told.text == f"{reviewer.name} approved “{page.title}” (revision 1)"


@pytest.mark.parametrize("decision, kind", [("rejected", Kind.REVIEW_REJECTED),
                                             ("changes_requested", Kind.REVIEW_CHANGES)])
def test_a_rejection_or_changes_requested_carries_the_comment(page, member, reviewer, run_tasks,
                                                              decision, kind):
    with run_tasks():
        lifecycle_services.page_review(page=page, revision=1, decision=decision, by=reviewer,
                                       comment="Add the fairness metrics by age group.")
    told = Notification.objects.get(recipient=member)
    assert told.kind == kind and told.text.endswith(": Add the fairness metrics by age group.")


def test_a_task_delivered_twice_has_its_effect_once(page, member, reviewer, run_tasks):
    with run_tasks():
        request = lifecycle_services.review_request(page=page, by=member)
    tasks.review_requested(review_request_id=request.pk)
    notification = Notification.objects.get(recipient=reviewer)
    assert tasks.send_email(notification_id=notification.pk) == "skipped"
    assert Notification.objects.filter(recipient=reviewer).count() == 1 and len(mail.outbox) == 1


def test_a_failing_mail_server_is_retried_then_the_notification_says_it_was_not_sent(
        page, member, reviewer, run_tasks, settings, caplog):
    settings.EMAIL_BACKEND = "tests.notifications.failing_mail.Backend"
    with run_tasks():
        lifecycle_services.review_request(page=page, by=member)
    notification = Notification.objects.get(recipient=reviewer)
    assert notification.email == Notification.Email.PENDING  # the first try failed: to be retried
    assert "email of notification" in caplog.text
    # the last retry (as the worker would run it, after backoff) fails too
    assert tasks.send_email.apply(kwargs={"notification_id": notification.pk}, retries=5).get() == "failed"
    notification.refresh_from_db()
    assert notification.email == Notification.Email.FAILED and notification.emailed_at is None
    assert "ConnectionRefusedError" in notification.email_error and mail.outbox == []


def test_bell_list_and_marking_read(client, member, project):
    first = services.notify(recipient=member, kind=Kind.GATE_MET, text="One", target=project, key="a")
    services.notify(recipient=member, kind=Kind.GATE_MET, text="Two", target=project, key="b")
    client.force_login(member)
    assert "Two" in client.get("/notifications/").content.decode()
    response = client.post(f"/notifications/{first.pk}/read/", {"go": "1"})
    assert response.status_code == 302 and response.url == project.get_absolute_url()
    assert Notification.objects.unread().count() == 1
    client.post("/notifications/read-all/")
    assert Notification.objects.unread().count() == 0
    assert 'class="count"' not in client.get("/notifications/").content.decode()


def test_nobody_marks_someone_elses_notification_read(client, member, lead, project):
    notification = services.notify(recipient=member, kind=Kind.GATE_MET, text="One", target=project, key="a")
    client.force_login(lead)
    assert client.post(f"/notifications/{notification.pk}/read/").status_code == 404


def test_a_muted_kind_is_not_told_and_a_digest_kind_waits_for_one_daily_email(client, member, project):
    client.force_login(member)
    response = client.post("/notifications/settings/", {
        **{kind: "instant" for kind in Kind.values}, Kind.GATE_MET: "muted", Kind.MENTION: "digest"})
    assert response.status_code == 302
    assert services.notify(recipient=member, kind=Kind.GATE_MET, text="x", target=project, key="a") is None
    for n in range(3):
        services.notify(recipient=member, kind=Kind.MENTION, text=f"Mention {n}", target=project, key=f"m{n}")
    assert mail.outbox == []
    assert tasks.send_digests() == 3
    assert tasks.send_digests() == 0  # once a day
    [digest] = mail.outbox
    assert digest.subject == "[Almanac] Your daily digest: 3 notifications"
    assert "- Mention 0" in digest.body and "- Mention 2" in digest.body
    assert set(Notification.objects.values_list("email", flat=True)) == {"sent"}


def test_a_bad_setting_is_a_form_error(client, member):
    client.force_login(member)
    response = client.post("/notifications/settings/", {Kind.MENTION: "loudly"})
    assert response.status_code == 400 and not Preference.objects.exists()


def test_nobody_is_told_about_what_they_cannot_see(member, outsider, private_project, write, run_tasks):
    with run_tasks():
        page = write("decision-record", private_project, by=member,
                     body="## Context\n\nAsk @outsider and @member about it.")
    assert not Notification.objects.filter(recipient=outsider).exists()
    assert services.notify(recipient=outsider, kind=Kind.GATE_MET, text=str(private_project),
                           target=private_project, key="x") is None
    assert page.title not in str(list(Notification.objects.values_list("text", flat=True)))


def test_a_project_made_private_takes_its_notifications_off_the_list_and_out_of_email(
        client, team, other_team, project):
    reader = MembershipFactory(team=other_team, person=PersonFactory(username="reader")).person
    told = services.notify(recipient=reader, kind=Kind.GATE_MET, text="Fraud may move on",
                           target=project, key="k")
    Notification.objects.filter(pk=told.pk).update(email=Notification.Email.PENDING)  # not sent yet
    Project.objects.filter(pk=project.pk).update(visibility="private")
    client.force_login(reader)
    html = client.get("/notifications/").content.decode()
    assert "Fraud may move on" not in html and 'class="count"' not in html
    assert services.email_send(notification_id=told.pk) == Notification.Email.WITHHELD


def test_a_mention_tells_the_person_once_per_new_mention(member, lead, write, edit, project, run_tasks):
    with run_tasks():
        page = write("decision-record", project, by=member, body="## Context\n\n@lead please read.")
        edit(page, by=member, body="## Context\n\n@lead please read. Also email@example.com")
    [told] = Notification.objects.filter(recipient=lead, kind=Kind.MENTION)
    assert told.text == f"{member.name} mentioned you in the page “{page.title}”"


def test_an_action_item_assigned_due_soon_and_overdue(member, lead, project, run_tasks):
    sprint = lifecycle_services.sprint_create(project=project, starts_on=timezone.localdate(),
                                              ends_on=timezone.localdate(), by=lead)
    with run_tasks():
        item = lifecycle_services.action_item_add(sprint=sprint, text="Label the holdout", by=lead,
                                                  owner=member, due_on=timezone.localdate())
    assert Notification.objects.get(recipient=member).kind == Kind.ACTION_ASSIGNED
    assert events.remind()["due_soon"] == 1
    item.due_on = timezone.localdate() - timezone.timedelta(days=1)
    item.save()
    counts = events.remind()
    assert counts["overdue"] == 1 and events.remind()["overdue"] == 0
    assert list(Notification.objects.filter(recipient=member).values_list("kind", flat=True)) == [
        Kind.ACTION_OVERDUE, Kind.ACTION_DUE_SOON, Kind.ACTION_ASSIGNED]


def test_a_new_model_version_tells_the_owner_of_its_model_card_that_it_is_stale(
        member, lead, model, write, run_tasks, token_client):
    card = write("model-card", model, by=lead)
    with run_tasks():
        response = token_client(member).post("/api/v1/models/scorer/versions/", {}, format="json")
    assert response.status_code == 201
    told = Notification.objects.get(recipient=lead, kind=Kind.PAGE_STALE)
    assert told.text == f"“{card.title}” may be stale: {model} has a newer version"


def test_the_notification_list_costs_the_same_queries_at_two_sizes(
        client, member, project, django_assert_max_num_queries):
    client.force_login(member)
    for size in (3, 40):
        for n in range(size):
            services.notify(recipient=member, kind=Kind.GATE_MET, text=f"n{n}", target=project,
                            key=f"{size}-{n}", actor=None)
        with django_assert_max_num_queries(8):
            assert client.get("/notifications/").status_code == 200


def test_a_gate_newly_met_tells_the_projects_owners_once(member, lead, project, write, run_tasks):
    with run_tasks():
        write("project-charter", project, by=member)
    [told] = Notification.objects.filter(recipient=lead, kind=Kind.GATE_MET)
    assert told.text == "Fraud may now enter Data discovery: every required document is there"
    assert events.gates_check(project_id=project.pk) == 0
    assert not Notification.objects.filter(recipient=member).exists()  # they wrote it


def test_the_schedule_reminds_waiting_reviews_due_retrospectives_and_expiring_tokens(
        page, member, lead, reviewer, project, run_tasks, settings):
    from datetime import timedelta

    from accounts.services import api_token_create
    from lifecycle.models import ReviewRequest

    request = lifecycle_services.review_request(page=page, by=member)
    ReviewRequest.objects.filter(pk=request.pk).update(
        created_at=timezone.now() - timedelta(hours=settings.REVIEW_REMINDER_HOURS + 1))
    ended = timezone.localdate() - timedelta(days=20)
    lifecycle_services.sprint_create(project=project, starts_on=ended - timedelta(days=10), ends_on=ended,
                                     by=lead)
    api_token_create(user=member, name="ci", expires_at=timezone.now() + timedelta(days=2))
    counts = events.remind()
    assert (counts["review_waiting"], counts["retro_due"], counts["tokens"]) == (1, 2, 1)
    assert events.remind() == dict.fromkeys(counts, 0)
    assert Notification.objects.get(recipient=reviewer, kind=Kind.REVIEW_WAITING).text.startswith(
        f"“{page.title}” has been waiting for your review since")
    assert Notification.objects.get(recipient=member, kind=Kind.TOKEN_EXPIRING).text.startswith(
        "Your API token “ci” expires on")


def test_a_caveat_tells_the_owners_of_model_versions_trained_on_that_data(
        member, lead, model_version, dataset_version, outsider):
    from registry.models import Lineage

    Lineage.objects.create(model_version=model_version, dataset_version=dataset_version, use="training")
    assert tasks.caveat_raised(dataset_version_id=dataset_version.pk, summary="PII in column email",
                               caveat_key="caveat:1") == 2  # lead and member of the owning team
    told = Notification.objects.get(recipient=lead)
    assert told.kind == Kind.CAVEAT_RAISED
    assert told.text == (f"Caveat on Transactions 2026.01, which {model_version} uses: PII in column email")
    assert tasks.caveat_raised(dataset_version_id=dataset_version.pk, summary="PII",
                               caveat_key="caveat:1") == 0
