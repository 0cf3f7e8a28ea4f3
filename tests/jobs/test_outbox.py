"""The outbox: background work is written with the change that needs it, published after
commit, and kept when the broker is down until the relay sends it."""

import time

import pytest
import redis
from django.db import transaction
from django.utils import timezone

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


@pytest.fixture
def hooks_held(monkeypatch):
    """The commit hooks of `enqueue`, held back: the writer has not run them (yet, or ever)."""
    held = []
    monkeypatch.setattr(outbox.transaction, "on_commit", lambda func, robust=False: held.append(func))
    return held


def test_a_relay_running_before_the_commit_hook_leaves_the_message_to_it(db, hooks_held):
    message = outbox.enqueue(HARMLESS, project_id=0)
    callbacks = hooks_held
    assert outbox.relay() == (0, 1)  # claimed by the request that wrote it: not sent twice
    callbacks[0]()
    message.refresh_from_db()
    assert message.published_at is not None and message.attempts == 1


def test_a_message_whose_writer_died_before_publishing_is_sent_by_the_relay(db, hooks_held):
    message = outbox.enqueue(HARMLESS, project_id=0)  # the process dies before its hook runs
    assert outbox.relay() == (0, 1)
    OutboxMessage.objects.filter(pk=message.pk).update(claimed_until=timezone.now())  # the claim ran out
    assert outbox.relay() == (1, 0)


def test_a_writer_whose_transaction_outlasted_its_claim_does_not_send_what_the_relay_sent(
        db, hooks_held):
    message = outbox.enqueue(HARMLESS, project_id=0)
    callbacks = hooks_held
    OutboxMessage.objects.filter(pk=message.pk).update(claimed_until=timezone.now())
    assert outbox.relay() == (1, 0)
    message.claimed_until = timezone.now()  # what the writer holds: its claim, run out
    callbacks[0]()
    assert OutboxMessage.objects.get(pk=message.pk).attempts == 1  # sent once, by the relay


def test_publishing_after_commit_costs_one_statement(db, hooks_held, monkeypatch,
                                                    django_assert_num_queries):
    sent = []
    monkeypatch.setattr(outbox, "find_task", lambda name: type(
        "Broker", (), {"apply_async": lambda self, **options: sent.append(options)})())
    message = outbox.enqueue(HARMLESS, project_id=0)
    with django_assert_num_queries(1):  # the UPDATE that marks it sent
        hooks_held[0]()
    assert sent == [{"kwargs": {"project_id": 0}, "countdown": None, "retry": False}]
    assert OutboxMessage.objects.get(pk=message.pk).published_at is not None


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
