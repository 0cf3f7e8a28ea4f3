import re
import time

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.test import override_settings

from tests.api.conftest import assert_error_body

pytestmark = pytest.mark.django_db


def rates(user: str, anon: str) -> dict:
    return {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"user": user, "anon": anon}}


def test_a_user_over_the_rate_gets_a_429_with_the_error_body(token_client, member):
    client = token_client(member)
    with override_settings(REST_FRAMEWORK=rates("3/min", "60/min")):
        cache.clear()
        for _ in range(3):
            assert client.get("/api/v1/teams/").status_code == 200
        response = client.get("/api/v1/teams/")
        body = assert_error_body(response, 429)
        assert "throttled" in body["detail"] and int(response.headers["Retry-After"]) > 0


def test_a_window_is_one_counter_whatever_the_rate(token_client, member):
    # not DRF's list of every request's time, rewritten whole on each request
    client = token_client(member)
    with override_settings(REST_FRAMEWORK=rates("1000/min", "60/min")):
        cache.clear()
        for _ in range(5):
            assert client.get("/api/v1/teams/").status_code == 200
        assert cache.get(f"throttle_user_{member.pk}") == 5
        assert 0 < cache.get(f"throttle_user_{member.pk}:ends") - time.time() <= 60


def test_an_anonymous_client_over_the_rate_gets_a_429(anon):
    with override_settings(REST_FRAMEWORK=rates("1000/min", "2/min")):
        cache.clear()
        assert anon.get("/api/v1/teams/").status_code == 401
        assert anon.get("/api/v1/teams/").status_code == 401
        assert_error_body(anon.get("/api/v1/teams/"), 429)


def test_the_default_rates_come_from_settings():
    assert settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["user"]
    assert settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["anon"]


def test_the_schema_validates_without_warnings(tmp_path):
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    text = out.read_text()
    for path in ["/api/v1/projects/{slug}/transitions/", "/api/v1/models/{slug}/versions/{number}/",
                 "/api/v1/datasets/{slug}/versions/{label}/", "/api/v1/activity/"]:
        assert f"  {path}:" in text
    assert "bearerAuth" in text


def test_the_docs_page_loads_its_assets_locally(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    page = response.content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert assets and all(a.startswith("/static/") or a.startswith("/api/") for a in assets), assets
    assert "cdn" not in page.lower() and "unpkg" not in page.lower()
    # the start-up script is served by URL (the Content-Security-Policy allows no inline one)
    script = next(a for a in assets if a.startswith("/api/docs/"))
    assert "/api/schema/" in client.get(script.replace("&amp;", "&")).content.decode()


def test_the_schema_endpoint_serves_openapi_3(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    assert response.json()["openapi"].startswith("3.")


@pytest.mark.redis
def test_throttle_counts_live_in_redis_so_every_worker_shares_them(token_client, member):
    import redis
    from django.core.cache import caches

    assert type(caches["default"]).__name__ == "RedisCache"
    client = token_client(member)
    with override_settings(REST_FRAMEWORK=rates("2/min", "60/min")):
        cache.clear()
        for _ in range(2):
            assert client.get("/api/v1/teams/").status_code == 200
        # a separate connection (as another gunicorn worker has) sees the same counter
        other_worker = redis.Redis.from_url(settings.REDIS_URL)
        assert other_worker.keys(f"*throttle_user_{member.pk}")
        assert client.get("/api/v1/teams/").status_code == 429
        cache.clear()
