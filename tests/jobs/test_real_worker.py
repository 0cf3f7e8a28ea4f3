"""The drift path end to end through a real Redis broker and a real Celery worker (a separate
process, on the test's PostgreSQL database), and the outbox across a broker outage.

Needs PostgreSQL (the worker and the test share the database) and Redis (`redis-server` is
started on a free port for the test, so it can be stopped without touching anyone else's)."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from jobs import outbox
from monitoring.models import DriftEvent
from notifications.models import Kind, Notification
from tests.factories import (
    MembershipFactory,
    MLModelFactory,
    ModelVersionFactory,
    PersonFactory,
    TeamFactory,
)
from tests.jobs.broker import RedisServer, broker
from wiki.models import Template
from wiki.services import page_create, space_for

# committed data (the worker reads it) and the built-in templates kept across the flushes
pytestmark = [pytest.mark.postgres, pytest.mark.redis,
              pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parent.parent.parent


def database_url() -> str:
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


@pytest.fixture
def redis_server():
    server = RedisServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def worker(redis_server, tmp_path):
    """`celery -A config worker` with beat, as `make worker` runs it, on the test database."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.local",
           "DATABASE_URL": database_url(), "CELERY_BROKER_URL": redis_server.url, "CONN_MAX_AGE": "0",
           "LOG_LEVEL": "INFO"}
    env.pop("REDIS_URL", None)
    log = (tmp_path / "worker.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--beat", "--pool", "solo",
         "--schedule", str(tmp_path / "beat"), "--loglevel", "INFO"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    yield tmp_path / "worker.log"
    process.terminate()
    process.wait(20)
    connection.close()  # the worker's connections are gone; the flush after the test may proceed


def wait_for(check, *, seconds: float, log: Path):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.25)
    raise AssertionError(f"not within {seconds}s; worker log:\n{log.read_text()[-4000:]}")


@pytest.fixture
def production(db):
    team = TeamFactory(slug="risk", name="Risk")
    owner = MembershipFactory(team=team, person=PersonFactory(username="owner"), level="lead").person
    model = MLModelFactory(project__team=team, project__stage="monitoring", slug="scorer")
    version = ModelVersionFactory(model=model, number=3, status="production", created_by=owner)
    return version, owner


def test_a_breach_posted_through_the_api_produces_drift_notification_report_and_proposal(
        production, redis_server, worker, token_client):
    version, owner = production
    api = token_client(owner)
    with broker(redis_server.url):
        started = time.monotonic()
        response = api.post("/api/v1/models/scorer/versions/3/monitoring/", {"records": [
            {"metric": "psi", "value": 0.05, "observed_at": "2026-11-01T06:00:00Z", "threshold": 0.2},
            {"metric": "psi", "value": 0.31, "observed_at": "2026-11-02T06:00:00Z", "threshold": 0.2}]},
            format="json")
        assert response.status_code == 201
        event = wait_for(lambda: DriftEvent.objects.filter(model_version=version).first(), seconds=60,
                         log=worker)
        told = wait_for(lambda: Notification.objects.filter(recipient=owner, kind=Kind.DRIFT,
                                                            email="sent").first(), seconds=60, log=worker)
        elapsed = time.monotonic() - started
    assert event.report.template.kind == "drift-report" and told.url == event.report.get_absolute_url()
    assert f"Subject: [Almanac] {told.text}"[:60] in worker.read_text()  # the console backend's email
    print(f"\ndrift path through Redis and a worker: {elapsed:.1f}s from the POST to the email")


def test_with_redis_stopped_a_version_registers_and_its_notifications_arrive_when_it_returns(
        production, redis_server, worker, token_client):
    version, owner = production
    project = version.model.project
    page = page_create(space=space_for(project), title="Scorer model card", body="", by=owner,
                       template=Template.objects.get(kind="model-card"), documents=[version.model])
    writer = MembershipFactory(team=project.team, person=PersonFactory(username="writer")).person
    api = token_client(writer)
    with broker(redis_server.url):
        redis_server.stop()
        durations = []
        for n in range(5):
            started = time.perf_counter()
            response = api.post("/api/v1/models/scorer/versions/", {"code_revision": f"r{n}"},
                                format="json")
            durations.append(time.perf_counter() - started)
            assert response.status_code == 201
        waiting = outbox.waiting()
        redis_server.start()
        started = time.monotonic()
        # beat's relay (every 10 s) publishes what waited; the worker then tells the card's owner
        told = wait_for(lambda: Notification.objects.filter(recipient=owner, kind=Kind.PAGE_STALE).first(),
                        seconds=60, log=worker)
        wait_for(lambda: outbox.waiting() == 0, seconds=30, log=worker)
        drained = time.monotonic() - started
    assert max(durations) < 2 and waiting >= 5
    assert told.text.startswith(f"“{page.title}” may be stale")
    print(f"\noutage: {len(durations)} registrations answered 201 in at most {max(durations) * 1000:.0f} ms, "
          f"{waiting} messages waited; notified {drained:.1f}s after Redis returned")
