"""Sign-in and token guessing are throttled (finding 10), and the API answers JSON to a
browser (finding 11)."""

import re
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

LOGIN = "/accounts/login/"


@pytest.fixture
def axes_on(settings):
    settings.AXES_ENABLED = True
    return settings


def _sign_in(client, username, password, address="10.0.0.1"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


def _signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_the_right_password_after_too_many_wrong_ones_is_refused_with_a_clear_message(
        axes_on, client, member):
    statuses = [_sign_in(client, member.username, "wrong").status_code
                for _ in range(axes_on.AXES_FAILURE_LIMIT)]
    assert statuses == [200] * (axes_on.AXES_FAILURE_LIMIT - 1) + [429]  # the last failure locks

    response = _sign_in(client, member.username, "pw")

    assert response.status_code == 429
    assert not _signed_in(client)
    page = response.content.decode()
    assert 'id="locked-out"' in page and "locked for 15 minutes" in page
    assert 'name="username"' in page  # the form is still there, with the message on it


def test_forty_wrong_passwords_then_the_right_one_does_not_sign_in(axes_on, client, member):
    for _ in range(40):
        _sign_in(client, member.username, "wrong")
    assert _sign_in(client, member.username, "pw").status_code == 429
    assert not _signed_in(client)


def test_an_account_is_locked_whatever_address_the_guesses_come_from(axes_on, client, member):
    for index in range(axes_on.AXES_FAILURE_LIMIT):
        _sign_in(client, member.username, "wrong", address=f"10.0.1.{index}")
    assert _sign_in(client, member.username, "pw", address="10.0.2.1").status_code == 429


def test_an_address_is_locked_whatever_accounts_it_guesses(axes_on, client, member, lead):
    for index in range(axes_on.AXES_FAILURE_LIMIT):
        _sign_in(client, f"nobody{index}", "wrong", address="10.0.3.1")
    assert _sign_in(client, lead.username, "pw", address="10.0.3.1").status_code == 429
    assert _sign_in(client, lead.username, "pw", address="10.0.3.2").status_code == 302


def test_behind_a_proxy_the_forwarded_address_counts_and_cannot_be_forged(axes_on, client, lead):
    axes_on.TRUSTED_PROXY_COUNT = 1
    for index in range(axes_on.AXES_FAILURE_LIMIT):
        client.post(LOGIN, {"username": f"nobody{index}", "password": "wrong"}, REMOTE_ADDR="10.9.9.9",
                    HTTP_X_FORWARDED_FOR=f"1.2.3.{index}, 203.0.113.7")
    locked = client.post(LOGIN, {"username": lead.username, "password": "pw"}, REMOTE_ADDR="10.9.9.9",
                         HTTP_X_FORWARDED_FOR="1.1.1.1, 203.0.113.7")
    assert locked.status_code == 429
    other = client.post(LOGIN, {"username": lead.username, "password": "pw"}, REMOTE_ADDR="10.9.9.9",
                        HTTP_X_FORWARDED_FOR="203.0.113.8")
    assert other.status_code == 302  # another client behind the same proxy is not locked


def test_the_lockout_lifts_after_the_documented_time(axes_on, client, member):
    for _ in range(axes_on.AXES_FAILURE_LIMIT):
        _sign_in(client, member.username, "wrong")
    assert _sign_in(client, member.username, "pw").status_code == 429

    lifted = timezone.now() - axes_on.AXES_COOLOFF_TIME - timedelta(seconds=1)
    AccessAttempt.objects.update(attempt_time=lifted)

    assert _sign_in(client, member.username, "pw").status_code == 302
    assert _signed_in(client)


def test_a_successful_sign_in_forgives_earlier_mistakes(axes_on, client, member):
    for _ in range(axes_on.AXES_FAILURE_LIMIT - 1):
        _sign_in(client, member.username, "wrong")
    assert _sign_in(client, member.username, "pw").status_code == 302
    client.logout()
    for _ in range(axes_on.AXES_FAILURE_LIMIT - 1):
        _sign_in(client, member.username, "wrong")
    assert _sign_in(client, member.username, "pw").status_code == 302


# --- Bearer tokens -----------------------------------------------------------------------------
def test_random_bearer_tokens_count_against_the_anonymous_rate(settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK,
                               "DEFAULT_THROTTLE_RATES": {"user": "2000/min", "anon": "5/min"}}
    client = APIClient()
    statuses = []
    for index in range(100):
        client.credentials(HTTP_AUTHORIZATION=f"Bearer alm_{index:040d}")
        statuses.append(client.get("/api/v1/projects/").status_code)

    assert statuses[:5] == [401] * 5
    assert set(statuses[5:]) == {429}
    response = client.get("/api/v1/projects/")
    assert int(response["Retry-After"]) > 0 and response.json()["detail"]


def test_a_valid_token_still_works_while_guesses_from_its_address_are_throttled(
        settings, db, token_client, member):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK,
                               "DEFAULT_THROTTLE_RATES": {"user": "2000/min", "anon": "2/min"}}
    guesser = APIClient()
    guesser.credentials(HTTP_AUTHORIZATION="Bearer alm_guess")
    assert [guesser.get("/api/v1/projects/").status_code for _ in range(3)] == [401, 401, 429]
    assert token_client(member).get("/api/v1/projects/").status_code == 200


# --- the API in a browser ----------------------------------------------------------------------
def _get_routes(fillers: dict[str, str]):
    schema = SchemaGenerator().get_schema(request=None, public=True)
    for path, operations in schema["paths"].items():
        if "get" in operations:
            yield re.sub(r"\{(\w+)\}", lambda m: fillers.get(m.group(1), "1"), path)


def test_every_api_route_answers_a_browser_in_json_never_500(
        client, member, project, dataset, model_version):
    client.force_login(member)
    found = {"slug": project.slug}
    routes = list(_get_routes(found)) + list(_get_routes({"slug": "no-such-thing"}))
    routes += [f"/api/v1/datasets/{dataset.slug}/", f"/api/v1/models/{model_version.model.slug}/",
               f"/api/v1/models/{model_version.model.slug}/versions/{model_version.number}/"]
    assert len(routes) > 40
    for url in routes:
        response = client.get(url, HTTP_ACCEPT="text/html")
        assert response.status_code < 500, url
        assert response["Content-Type"].startswith("application/json"), url
        assert "detail" in response.json() or response.status_code == 200, url
    assert client.get(f"/api/v1/projects/{project.slug}/", HTTP_ACCEPT="text/html").status_code == 200
