"""Outgoing webhooks: a team's events reach a real local HTTP receiver, signed; failures are
retried with backoff and logged; nothing outside the team's own work is ever sent."""

import hashlib
import hmac
import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.utils import timezone

from lifecycle import services as lifecycle_services
from registry import services as registry_services
from tests.factories import DatasetVersionFactory, MembershipFactory, PersonFactory
from webhooks import services, tasks
from webhooks.models import Delivery, Event, Subscription


class Receiver:
    """A local HTTP server that records what it receives and answers `status`."""

    def __init__(self) -> None:
        self.requests: list[dict] = []
        self.status = 200
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - the http.server API
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append({"headers": dict(self.headers), "body": body})
                self.send_response(receiver.status)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    receiver = Receiver()
    yield receiver
    receiver.close()


@pytest.fixture
def hook(team, lead, receiver):
    return services.subscription_create(team=team, url=receiver.url, by=lead,
                                        events=[Event.STATUS_CHANGED, Event.VERSION_REGISTERED,
                                                Event.STAGE_CHANGED])


def test_a_status_change_is_delivered_signed(hook, receiver, model_version, member,
                                             django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle_services.model_version_set_status(version=model_version, status="staging", by=member)
    [request] = receiver.requests
    body = request["body"]
    expected = "sha256=" + hmac.new(hook.secret.encode(), body, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(request["headers"]["X-Almanac-Signature"], expected)
    assert request["headers"]["X-Almanac-Event"] == "model_version.status_changed"
    payload = json.loads(body)
    assert payload["target"]["model"] == model_version.model.slug
    assert payload["target"]["number"] == model_version.number
    assert payload["changes"] == {"status": ["candidate", "staging"]}
    assert payload["actor"] == "member"
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.response_code, delivery.attempts) == ("delivered", 200, 1)
    assert request["headers"]["X-Almanac-Delivery"] == str(delivery.uuid) == payload["delivery"]


def test_a_failing_receiver_is_retried_with_backoff_then_given_up(hook, receiver, model_version,
                                                                  member,
                                                                  django_capture_on_commit_callbacks):
    receiver.status = 500
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle_services.model_version_set_status(version=model_version, status="staging", by=member)
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.response_code, delivery.attempts) == ("pending", 500, 1)
    assert delivery.last_error == "HTTP 500"
    wait = delivery.next_attempt_at - delivery.last_attempt_at
    assert wait == services.retry_delay(1) == timedelta(seconds=30)
    assert services.retry_delay(3) == timedelta(minutes=2)

    assert tasks.deliver_due() == 0  # not due yet
    Delivery.objects.update(next_attempt_at=timezone.now())
    receiver.status = 204
    assert tasks.deliver_due() == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.response_code, delivery.attempts) == ("delivered", 204, 2)
    assert len(receiver.requests) == 2
    # delivered twice (a task run again by the broker) has its effect once
    assert services.attempt(delivery) is True
    assert len(receiver.requests) == 2

    receiver.status = 503
    again = services.redeliver(delivery=delivery, by=hook.created_by)
    for _ in range(services.MAX_ATTEMPTS):
        services.attempt(again)
    again.refresh_from_db()
    assert (again.status, again.attempts, again.next_attempt_at) == ("failed", services.MAX_ATTEMPTS, None)
    assert again.payload["target"] == delivery.payload["target"]
    assert again.payload["delivery"] == str(again.uuid) != delivery.payload["delivery"]


def test_an_unreachable_url_fails_gracefully(team, lead, model_version, member,
                                             django_capture_on_commit_callbacks):
    services.subscription_create(team=team, url="http://127.0.0.1:9/nothing", by=lead,
                                 events=[Event.STATUS_CHANGED])
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle_services.model_version_set_status(version=model_version, status="staging", by=member)
    delivery = Delivery.objects.get()
    assert delivery.status == "pending" and delivery.response_code is None
    assert delivery.last_error  # "Connection refused", in the log
    model_version.refresh_from_db()
    assert model_version.status == "staging"  # the write itself is untouched


def test_only_the_teams_own_work_is_sent(hook, receiver, team, other_team, member, outsider,
                                         private_model, django_capture_on_commit_callbacks):
    """Another team's subscription hears nothing of this team's work, and a payload names only
    its own object (no lineage, no linked datasets)."""
    other_lead = MembershipFactory(team=other_team, person=PersonFactory(), level="lead").person
    other_receiver = Receiver()
    try:
        services.subscription_create(team=other_team, url=other_receiver.url, by=other_lead,
                                     events=[Event.VERSION_REGISTERED])
        secret_data = DatasetVersionFactory(dataset__team=team, dataset__slug="secret-training-data",
                                            dataset__home_project=private_model.project,
                                            created_by=member)
        with django_capture_on_commit_callbacks(execute=True):
            registry_services.model_version_add(
                model=private_model, by=member, metrics={"auc": 0.9},
                lineage=[(secret_data, "training")])
        assert other_receiver.requests == []
        [request] = receiver.requests
        assert b"secret-training-data" not in request["body"]
        assert json.loads(request["body"])["event"] == "model_version.registered"
    finally:
        other_receiver.close()


def test_production_settings_refuse_private_addresses(hook, receiver, model_version, member,
                                                      settings, django_capture_on_commit_callbacks):
    settings.WEBHOOKS_ALLOW_PRIVATE_URLS = False
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle_services.model_version_set_status(version=model_version, status="staging", by=member)
    delivery = Delivery.objects.get()
    assert delivery.status == "failed" and "private address" in delivery.last_error
    assert receiver.requests == []


# --- the API and the UI ----------------------------------------------------------------------
def test_leads_manage_webhooks_through_the_api(team, lead, member, token_client, receiver,
                                               django_capture_on_commit_callbacks):
    api = token_client(lead)
    base = f"/api/v1/teams/{team.slug}/webhooks/"
    bad = api.post(base, {"url": "not a url", "events": ["nope"]}, format="json")
    assert bad.status_code == 400 and {"url", "events.0"} <= set(bad.json()["errors"])
    assert not Subscription.objects.exists()

    created = api.post(base, {"url": receiver.url, "events": ["ping", "project.stage_changed"]},
                       format="json")
    assert created.status_code == 201
    hook = created.json()
    assert hook["secret"] and hook["events"] == ["ping", "project.stage_changed"]
    with django_capture_on_commit_callbacks(execute=True):
        pinged = api.post(f"{base}{hook['id']}/ping/")
    assert pinged.status_code == 202
    log = api.get(f"{base}{hook['id']}/deliveries/").json()
    assert log["results"][0]["status"] == "delivered" and log["results"][0]["event"] == "ping"
    assert api.get(f"{base}{hook['id']}/deliveries/?status=failed").json()["count"] == 0
    assert api.get(f"{base}{hook['id']}/deliveries/?status=lost").status_code == 400
    with django_capture_on_commit_callbacks(execute=True):
        again = api.post(f"{base}{hook['id']}/deliveries/{log['results'][0]['id']}/redeliver/")
    assert again.status_code == 202 and len(receiver.requests) == 2
    paused = api.patch(f"{base}{hook['id']}/", {"active": False}, format="json")
    assert paused.json()["active"] is False

    # a member who is not the lead neither reads nor adds webhooks (the secret stays secret)
    as_member = token_client(member)
    assert as_member.get(base).status_code == 403
    assert as_member.get(f"{base}{hook['id']}/").status_code == 403
    assert as_member.post(base, {"url": receiver.url, "events": ["ping"]}, format="json").status_code == 403
    assert api.delete(f"{base}{hook['id']}/").status_code == 204
    assert not Delivery.objects.exists()


def test_the_delivery_log_reads_in_bounded_queries(hook, lead, client, django_assert_max_num_queries):
    client.force_login(lead)

    def fill(n):
        for _ in range(n):
            services.ping(subscription=hook, by=lead)

    fill(3)
    with django_assert_max_num_queries(12):
        assert client.get(hook.get_absolute_url()).status_code == 200
    fill(40)
    with django_assert_max_num_queries(12):
        assert client.get(hook.get_absolute_url()).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(f"/api/v1/teams/{hook.team.slug}/webhooks/{hook.pk}/deliveries/",
                          HTTP_ACCEPT="application/json").status_code == 200


def test_a_lead_subscribes_in_the_ui(team, lead, member, client, receiver):
    client.force_login(lead)
    page = client.get(f"/teams/{team.slug}/webhooks/")
    assert page.status_code == 200
    refused = client.post(f"/teams/{team.slug}/webhooks/", {"url": receiver.url})
    assert refused.status_code == 400 and "events" in refused.context["form"].errors
    answer = client.post(f"/teams/{team.slug}/webhooks/",
                         {"url": receiver.url, "events": ["ping", "page.approved"]}, follow=True)
    hook = Subscription.objects.get()
    assert hook.secret in answer.content.decode()
    assert answer["Cache-Control"] == "no-store"
    client.force_login(member)
    assert client.get(f"/teams/{team.slug}/webhooks/").status_code == 403
    assert client.get(hook.get_absolute_url()).status_code == 403

