"""The outbox: background work is written with the change that needs it, published after
commit, and kept when the broker is down until the relay sends it."""

import time

import pytest
import redis
from django.db import transaction

from jobs import outbox
from jobs.models import OutboxMessage
from jobs.tasks import relay_outbox
from tests.jobs.broker import RedisServer, broker

HARMLESS = "notifications.gates_check"  # with an unknown project id, it does nothing


def test_work_is_published_once_the_request_commits(db):
    with transaction.atomic():  # the request's transaction
        message = outbox.enqueue(HARMLESS, project_id=0)
        assert OutboxMessage.objects.get(pk=message.pk).published_at is None
    message.refresh_from_db()
    assert message.published_at is not None and message.attempts == 1


def test_a_rolled_back_change_enqueues_nothing(db, django_capture_on_commit_callbacks):
    with (django_capture_on_commit_callbacks(execute=True) as callbacks,
          pytest.raises(RuntimeError), transaction.atomic()):
        outbox.enqueue(HARMLESS, project_id=0)
        raise RuntimeError("the request failed")
    assert callbacks == [] and not OutboxMessage.objects.exists()


def test_a_message_that_cannot_be_published_waits_with_its_error(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        message = outbox.enqueue("no.such_task", thing_id=3)
    message.refresh_from_db()
    assert message.published_at is None and message.attempts == 1
    assert message.last_error.startswith("NotRegistered") or "no.such_task" in message.last_error
    assert outbox.waiting() == 1


def test_the_relay_publishes_what_waits_and_stops_at_the_first_refusal(db):
    first = OutboxMessage.objects.create(task=HARMLESS, kwargs={"project_id": 0})
    broken = OutboxMessage.objects.create(task="no.such_task")
    last = OutboxMessage.objects.create(task=HARMLESS, kwargs={"project_id": 0})
    assert relay_outbox() == {"published": 1, "waiting": 2}
    assert OutboxMessage.objects.get(pk=first.pk).published_at is not None
    assert OutboxMessage.objects.get(pk=broken.pk).attempts == 1
    assert OutboxMessage.objects.get(pk=last.pk).published_at is None


def test_a_message_held_by_a_publisher_is_not_sent_twice(db):
    message = OutboxMessage.objects.create(task=HARMLESS, kwargs={"project_id": 0})
    assert outbox.claim(message.pk) is not None
    assert outbox.publish(message.pk) is False  # someone else holds it


def test_a_countdown_longer_than_the_brokers_visibility_timeout_is_refused(db, settings):
    assert settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] > outbox.MAX_COUNTDOWN
    with pytest.raises(ValueError):
        outbox.enqueue(HARMLESS, project_id=0, countdown=outbox.MAX_COUNTDOWN + 1)


@pytest.mark.redis
def test_with_the_broker_down_registering_a_version_answers_at_once_and_the_outbox_drains_later(
        model, member, token_client, django_capture_on_commit_callbacks):
    server = RedisServer()
    api = token_client(member)
    durations = []
    with broker(server.url):  # configured, but not running: the broker is down
        for n in range(10):
            started = time.perf_counter()
            with django_capture_on_commit_callbacks(execute=True):
                response = api.post("/api/v1/models/scorer/versions/", {"code_revision": f"r{n}"},
                                    format="json")
            durations.append(time.perf_counter() - started)
            assert response.status_code == 201, response.content
        assert max(durations) < 2, durations
        assert outbox.waiting() == 10  # one "pages gone stale" notification per version

        server.start()
        try:
            started = time.perf_counter()
            published, waiting = outbox.relay()
            drained = time.perf_counter() - started
            queued = redis.Redis.from_url(server.url).llen("celery")
        finally:
            server.stop()
    assert (published, waiting, queued) == (10, 0, 10)
    print(f"\noutbox: 10 registrations during the outage, slowest {max(durations) * 1000:.0f} ms; "
          f"drained 10 messages in {drained * 1000:.0f} ms after the broker returned")
