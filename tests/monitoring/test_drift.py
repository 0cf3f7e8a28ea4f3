"""Monitoring records of a production version, their evaluation into drift (flag, report page,
notification, retraining proposal), and the chart on the version's page."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils.html import escape

from lifecycle.services import project_stage_change
from monitoring.models import DriftEvent, MonitoringRecord
from monitoring.tasks import evaluate, evaluate_all
from notifications.models import Kind, Notification
from registry.models import Activity, Project
from tests.factories import ModelVersionFactory

URL = "/api/v1/models/scorer/versions/3/monitoring/"
START = datetime(2026, 11, 1, tzinfo=UTC)


def record(day: int, value: float, **extra) -> dict:
    return {"metric": "psi", "value": value, "observed_at": (START + timedelta(days=day)).isoformat(),
            "threshold": 0.2, **extra}


@pytest.fixture
def production(model, member):
    Project.objects.filter(pk=model.project_id).update(stage="monitoring")
    return ModelVersionFactory(model=model, number=3, status="production", created_by=member)


@pytest.fixture
def api(token_client, member):
    return token_client(member)


def test_one_record_then_the_same_again_then_a_batch(api, production):
    assert api.post(URL, record(0, 0.05), format="json").status_code == 201
    again = api.post(URL, record(0, 0.05), format="json")
    assert again.status_code == 200 and again.json() == {"created": 0, "unchanged_or_updated": 1}
    batch = api.post(URL, {"records": [record(0, 0.05), record(1, 0.07), record(2, 0.08)]}, format="json")
    assert batch.status_code == 201 and batch.json() == {"created": 2, "unchanged_or_updated": 1}
    listed = api.get(URL).json()["results"]
    assert [r["value"] for r in listed] == [0.08, 0.07, 0.05] and listed[0]["breached"] is False


@pytest.mark.parametrize("body, field", [
    ({"metric": "psi", "value": "high", "observed_at": "2026-11-01T00:00:00Z", "threshold": 0.2}, "value"),
    ({"metric": "psi", "value": 1, "threshold": 0.2}, "observed_at"),
    ({**record(0, 0.1), "direction": "sideways"}, "direction"),
    ({**record(0, 0.1), "colour": "red"}, "colour"),
    ({"records": []}, "records"),
    ({"records": [record(0, 0.1), {"metric": "psi"}]}, "records"),
])
def test_bad_input_is_a_400_naming_the_field(api, production, body, field):
    response = api.post(URL, body, format="json")
    errors = response.json()["errors"]
    assert response.status_code == 400 and field in {key.split(".")[0] for key in errors}, errors
    assert not MonitoringRecord.objects.exists()


def test_only_a_production_version_is_monitored(api, model, member):
    ModelVersionFactory(model=model, number=3, status="staging", created_by=member)
    response = api.post(URL, record(0, 0.1), format="json")
    assert response.status_code == 409 and "not in production" in response.json()["detail"]


def test_readers_may_not_record_and_outsiders_do_not_see_a_private_version(
        token_client, production, viewer, outsider, private_model, member):
    assert token_client(viewer).post(URL, record(0, 0.1), format="json").status_code == 403
    ModelVersionFactory(model=private_model, number=1, status="production", created_by=member)
    hidden = "/api/v1/models/secret-model/versions/1/monitoring/"
    unknown = "/api/v1/models/no-such-model/versions/1/monitoring/"
    for url in (hidden, unknown):
        assert token_client(outsider).post(url, record(0, 0.1), format="json").status_code == 404
        assert token_client(outsider).get(url).status_code == 404


def test_a_breach_flags_the_version_opens_a_report_tells_the_owners_and_proposes_retraining(
        api, production, member, lead, client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        api.post(URL, {"records": [record(d, 0.05 + d / 100) for d in range(5)]}, format="json")
        assert not DriftEvent.objects.exists()
        api.post(URL, record(5, 0.31), format="json")
    event = DriftEvent.objects.get()
    assert (event.metric, event.value, event.threshold) == ("psi", 0.31, 0.2)
    report = event.report
    assert report.template.kind == "drift-report" and report.sections_missing == 0
    assert list(report.documents_model_versions.all()) == [production]
    assert list(report.documents_projects.all()) == [production.model.project]
    assert "| 2026-11-06 00:00 | 0.31 | **breach** |" in report.body
    assert "| 2026-11-01 00:00 | 0.05 | ok |" in report.body
    told = Notification.objects.get(recipient=lead, kind=Kind.DRIFT)
    assert told.url == report.get_absolute_url()
    assert told.text.startswith(f"Drift on {production}: psi = 0.31 breached its threshold 0.2")
    assert Activity.objects.filter(verb="proposed retraining").exists()
    # the retraining gate now has its drift report
    project_stage_change(project=production.model.project, to="retraining", note="Drift.", by=member)
    client.force_login(member)
    html = client.get(production.get_absolute_url()).content.decode()
    assert 'id="drift-flag">drift detected</span>' in html
    assert '<title id="chart-1-title">psi over time against its threshold</title>' in html
    assert escape("psi: 6 observations from 2026-11-01 to 2026-11-06, last 0.31; a value above 0.2 "
                  "is a breach (1 so far).") in html
    assert html.count('class="breach"') == 1


def test_evaluating_twice_opens_one_drift(api, production, member):
    MonitoringRecord.objects.create(model_version=production, metric="psi", value=0.5, threshold=0.2,
                                    observed_at=START, created_by=member)
    assert evaluate_all() == 1
    assert evaluate(production.pk) == 0 and evaluate_all() == 0
    assert DriftEvent.objects.count() == 1


def test_recording_from_the_version_page(client, production, member, viewer):
    client.force_login(member)
    page = client.get(production.get_absolute_url()).content.decode()
    assert 'id="monitoring-form"' in page
    response = client.post("/models/scorer/versions/3/monitoring/", {
        "metric": "latency_ms", "value": "120", "observed_at": "2026-11-20T10:00",
        "threshold": "250", "direction": "above"}, follow=True)
    assert "Recorded latency_ms for" in response.content.decode()
    assert MonitoringRecord.objects.get().value == 120
    bad = client.post("/models/scorer/versions/3/monitoring/", {"metric": "x", "value": "lots"}, follow=True)
    assert "Value: Enter a number." in bad.content.decode() and MonitoringRecord.objects.count() == 1
    client.force_login(viewer)
    assert client.post("/models/scorer/versions/3/monitoring/", {}).status_code == 403


def test_the_record_list_costs_the_same_queries_at_two_sizes(api, production, member,
                                                            django_assert_max_num_queries):
    for size in (3, 60):
        api.post(URL, {"records": [record(d, 0.01) for d in range(size)]}, format="json")
        with django_assert_max_num_queries(12):
            assert api.get(URL).status_code == 200


def test_an_editor_marks_a_drift_resolved_and_the_flag_goes(client, production, member, viewer, outsider):
    event = DriftEvent.objects.create(model_version=production, metric="psi", value=0.5, threshold=0.2,
                                      direction="above", observed_at=START)
    url = f"/models/scorer/versions/3/drift/{event.pk}/resolve/"
    client.force_login(viewer)
    assert client.post(url).status_code == 403
    client.force_login(member)
    page = client.get(production.get_absolute_url()).content.decode()
    assert 'id="drift-flag"' in page and "Mark resolved" in page
    response = client.post(url, follow=True)
    assert "The drift of psi on Scorer v3 is resolved." in response.content.decode()
    assert 'id="drift-flag"' not in response.content.decode()
    assert client.post(f"/models/scorer/versions/3/drift/{event.pk + 99}/resolve/").status_code == 404
