"""Log lines are JSON objects carrying the request id (also returned to the client) and the user."""

import json
import logging
import os
import socket
import subprocess
import sys
import time
import uuid
from datetime import datetime
from pathlib import Path

import pytest
from celery import Celery
from celery.contrib.testing.worker import start_worker
from django_guid import clear_guid, set_guid

from accounts.services import api_token_create
from config.logging import ENVIRON_USER_ID, JsonFormatter

ROOT = Path(__file__).resolve().parents[2]


class Lines(logging.Handler):
    """Formats every record as the configured JSON formatter does, and keeps the lines."""

    def __init__(self) -> None:
        super().__init__()
        self.setFormatter(JsonFormatter())
        self.lines: list[dict] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(json.loads(self.format(record)))


@pytest.fixture
def log_lines():
    handler = Lines()
    loggers = [logging.getLogger(), logging.getLogger("django"), logging.getLogger("tests.ops")]
    for logger in loggers:
        logger.addHandler(handler)
    yield handler.lines
    for logger in loggers:
        logger.removeHandler(handler)


def test_the_configured_handlers_write_json_lines(settings):
    assert settings.LOGGING["formatters"]["json"] == {"()": "config.logging.JsonFormatter"}
    assert isinstance(logging.getLogger().handlers[0].formatter, JsonFormatter)


def test_a_request_log_line_carries_the_request_id_and_the_user(client, member, log_lines):
    request_id = str(uuid.uuid4())
    client.force_login(member)

    response = client.get("/projects/no-such-project/", HTTP_X_REQUEST_ID=request_id)

    assert response.status_code == 404
    assert response["X-Request-ID"] == request_id
    [line] = [line for line in log_lines if line["logger"] == "django.request"]
    assert line["request_id"] == request_id
    assert line["user_id"] == member.pk
    assert line["level"] == "WARNING"
    assert line["message"] == "Not Found: /projects/no-such-project/"
    assert line["path"] == "/projects/no-such-project/" and line["status_code"] == 404
    assert datetime.fromisoformat(line["time"]).utcoffset().total_seconds() == 0


def test_a_request_without_a_usable_id_gets_a_new_one(client, db):
    made = client.get("/healthz")["X-Request-ID"]
    replaced = client.get("/healthz", HTTP_X_REQUEST_ID='x"}\n{"forged": 1')["X-Request-ID"]

    for request_id in (made, replaced):
        assert len(request_id) == 32 and int(request_id, 16) >= 0
    assert made != replaced


def test_an_api_token_request_leaves_its_user_for_the_access_log(client, member):
    token, secret = api_token_create(user=member, name="ci", read_only=True)

    response = client.get("/api/v1/projects/", HTTP_AUTHORIZATION=f"Bearer {secret}")

    assert response.status_code == 200
    assert response.wsgi_request.META[ENVIRON_USER_ID] == str(member.pk)


def test_lines_outside_a_request_have_no_request_id(client, db, log_lines):
    client.get("/healthz")
    logging.getLogger("tests.ops").warning("after the request")

    assert log_lines[-1]["message"] == "after the request"
    assert log_lines[-1]["request_id"] is None and log_lines[-1]["user_id"] is None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return True
        except OSError:
            time.sleep(0.2)
    return False


def test_gunicorns_access_log_is_one_json_line_per_request(tmp_path):
    port = free_port()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.production", "SECRET_KEY": "x" * 50,
           "ALLOWED_HOSTS": "127.0.0.1", "SECURE_SSL_REDIRECT": "false", "PORT": str(port),
           "WEB_CONCURRENCY": "1", "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
           "CELERY_BROKER_URL": "", "REDIS_URL": ""}
    gunicorn = Path(sys.executable).with_name("gunicorn")
    request_id = uuid.uuid4().hex
    with open(tmp_path / "out", "w") as out, open(tmp_path / "err", "w") as err:
        server = subprocess.Popen([str(gunicorn), "-c", "config/gunicorn.py", "config.wsgi"], cwd=ROOT,
                                  env=env, stdout=out, stderr=err)
        try:
            assert wait_for_port(port, 30), (tmp_path / "err").read_text()
            with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
                sock.sendall(f"GET /healthz?x=1 HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Request-ID: {request_id}"
                             "\r\nConnection: close\r\n\r\n".encode())
                reply = sock.makefile("rb").read().decode()
        finally:
            server.terminate()
            server.wait(timeout=30)

    assert reply.startswith("HTTP/1.1 200") and f"X-Request-ID: {request_id}" in reply
    [access] = [json.loads(line) for line in (tmp_path / "out").read_text().splitlines()]
    assert access["logger"] == "gunicorn.access"
    assert access["request_id"] == request_id
    assert (access["method"], access["path"], access["query"], access["status"]) == (
        "GET", "/healthz", "x=1", 200)
    assert access["duration_ms"] > 0 and access["user_id"] is None
    errors = [json.loads(line) for line in (tmp_path / "err").read_text().splitlines()
              if line.startswith("{")]
    assert any(line["message"].startswith("Listening at: http://127.0.0.1:") for line in errors)


@pytest.mark.redis
def test_a_task_queued_during_a_request_logs_with_that_requests_id(settings):
    """Through a real broker: the worker thread does not share the publisher's context, so the id
    can only arrive in the task's headers."""
    app = Celery("logs-test", broker=os.environ["REDIS_URL"], set_as_current=False)
    app.conf.update(task_always_eager=False, task_default_queue=f"logs-test-{uuid.uuid4().hex}",
                    worker_hijack_root_logger=False)
    handler = Lines()
    logger = logging.getLogger("tests.ops.task")
    logger.addHandler(handler)

    @app.task(name="tests.ops.log_a_line")
    def log_a_line() -> None:
        logger.warning("the task ran")

    request_id = uuid.uuid4().hex
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            set_guid(request_id)
            log_a_line.delay()
            clear_guid()
            for _ in range(100):
                if handler.lines:
                    break
                time.sleep(0.1)
    finally:
        logger.removeHandler(handler)

    assert [(line["message"], line["request_id"]) for line in handler.lines] == [("the task ran", request_id)]
