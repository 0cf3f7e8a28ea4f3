"""/healthz: 200 when the database, the cache and the broker answer, 503 naming what failed."""

import os

import pytest

DEAD = "redis://:s3cret-pass@127.0.0.1:1/0"  # nothing listens on port 1
REDIS_CACHE = "django.core.cache.backends.redis.RedisCache"


@pytest.fixture
def no_broker(settings):
    settings.CELERY_BROKER_URL = ""


def test_everything_answers_and_the_broker_is_not_configured(client, db, no_broker):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok", "broker": "not configured"}
    assert response["Cache-Control"] == "no-store"


def test_a_dead_broker_is_a_503_naming_it(client, db, settings):
    settings.CELERY_BROKER_URL = DEAD

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {"status": "failed", "database": "ok", "cache": "ok", "broker": "failed",
                               "failed": ["broker"]}


def test_a_dead_cache_is_a_503_naming_it(client, db, settings, no_broker):
    settings.CACHES = {"default": {"BACKEND": REDIS_CACHE, "LOCATION": DEAD}}

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["failed"] == ["cache"]
    assert response.json()["database"] == "ok"


def test_the_full_view_adds_timings_migrations_and_versions_but_no_secrets(client, db, settings):
    settings.CELERY_BROKER_URL = DEAD
    settings.CACHES = {"default": {"BACKEND": REDIS_CACHE, "LOCATION": DEAD}}

    response = client.get("/healthz?full")

    body = response.json()
    assert response.status_code == 503
    assert body["failed"] == ["cache", "broker"]
    assert body["checks"]["broker"]["status"] == "failed"
    assert body["checks"]["broker"]["error"]  # the kind of error, e.g. OperationalError
    assert all(check["ms"] >= 0 for check in body["checks"].values())
    assert body["migrations"] == {"pending": 0, "names": []}
    assert set(body["versions"]) == {"almanac", "python", "django", "celery", "database"}
    text = response.content.decode()
    for secret in ["s3cret-pass", "127.0.0.1", settings.SECRET_KEY, "redis://"]:
        assert secret not in text


def test_probes_by_ip_address_over_plain_http_are_answered(client, db, settings, no_broker):
    # production: only the public name is allowed and plain HTTP is redirected to HTTPS
    settings.ALLOWED_HOSTS = ["almanac.example.com"]
    settings.SECURE_SSL_REDIRECT = True

    assert client.get("/healthz", HTTP_HOST="10.1.2.3:8000").status_code == 200
    assert client.get("/accounts/login/", HTTP_HOST="10.1.2.3:8000").status_code == 400
    assert client.get("/accounts/login/", HTTP_HOST="almanac.example.com").status_code == 301


def test_only_get_is_allowed(client, db, no_broker):
    response = client.post("/healthz")
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"


@pytest.mark.redis
def test_a_real_redis_broker_and_cache_answer(client, db, settings):
    settings.CELERY_BROKER_URL = os.environ["REDIS_URL"]
    settings.CACHES = {"default": {"BACKEND": REDIS_CACHE, "LOCATION": os.environ["REDIS_URL"]}}

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok", "broker": "ok"}
