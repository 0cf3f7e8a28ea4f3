"""The demo shows people in the loop: ivan's bell with a review waiting, which he approves and
demo is told of; a drifting production model with its report; overdue action items."""

from io import StringIO

from django.core.management import call_command

from monitoring.models import DriftEvent, MonitoringRecord
from notifications.models import Kind, Notification
from registry.models import Person


def test_the_demo_has_a_review_for_ivan_drift_and_overdue_items(
        client, db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", stdout=StringIO())
    ivan, demo = Person.objects.get(username="ivan"), Person.objects.get(username="demo")
    waiting = Notification.objects.get(recipient=ivan, kind=Kind.REVIEW_REQUESTED)
    client.force_login(ivan)
    assert '<span class="count">' in client.get("/").content.decode()
    assert "Decision: hold transactions above the new score threshold" in client.get("/").content.decode()

    drift = DriftEvent.objects.get()
    assert drift.model_version.model.slug == "fraud-scorer" and drift.report.template.kind == "drift-report"
    assert MonitoringRecord.objects.filter(model_version__model__slug="demand-forecaster").count() == 28
    kinds = set(Notification.objects.filter(recipient=demo).values_list("kind", flat=True))
    assert {Kind.DRIFT, Kind.ACTION_OVERDUE, Kind.RETRO_DUE} <= kinds

    page = client.get(waiting.url).content.decode()
    assert "Approve" in page
    slug = waiting.url.rstrip("/").rsplit("/", 1)[1]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/wiki/project-card-fraud-detection/{slug}/approve/",
                               {"decision": "approved", "revision": 1})
    assert response.status_code == 302
    told = Notification.objects.get(recipient=demo, kind=Kind.REVIEW_APPROVED,
                                    text__contains="Decision: hold transactions")
    assert told.text.startswith("Ivan Petrov approved")
