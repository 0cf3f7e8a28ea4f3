import hashlib
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import ApiToken
from accounts.services import api_token_create, api_token_revoke
from tests.api.conftest import assert_error_body

pytestmark = pytest.mark.django_db


def bearer(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


def test_a_token_is_stored_only_as_a_sha256(member):
    api_token, token = api_token_create(user=member, name="ci")
    stored = ApiToken.objects.get(pk=api_token.pk)
    assert stored.key_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in {getattr(stored, f.attname) for f in ApiToken._meta.concrete_fields}
    assert token.startswith(f"alm_{stored.prefix}_")


def test_a_token_authenticates_and_records_its_last_use_at_most_once_a_minute(member, project):
    api_token, token = api_token_create(user=member, name="ci")
    assert api_token.last_used_at is None
    assert bearer(token).get("/api/v1/projects/").status_code == 200
    first = ApiToken.objects.get(pk=api_token.pk).last_used_at
    assert first is not None
    bearer(token).get("/api/v1/projects/")
    assert ApiToken.objects.get(pk=api_token.pk).last_used_at == first
    ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=first - timedelta(minutes=2))
    bearer(token).get("/api/v1/projects/")
    assert ApiToken.objects.get(pk=api_token.pk).last_used_at > first - timedelta(minutes=1)


def test_an_expired_token_is_a_401(member):
    api_token, token = api_token_create(user=member, name="ci",
                                        expires_at=timezone.now() + timedelta(days=1))
    ApiToken.objects.filter(pk=api_token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    body = assert_error_body(bearer(token).get("/api/v1/projects/"), 401)
    assert "expired" in body["detail"]


def test_a_revoked_token_is_a_401(member):
    api_token, token = api_token_create(user=member, name="ci")
    api_token_revoke(token=api_token, by=member)
    assert_error_body(bearer(token).get("/api/v1/projects/"), 401)


@pytest.mark.parametrize("header", ["Bearer alm_nothere_x", "Bearer nonsense", "Bearer a b",
                                    "Bearer alm_0123456789ab_wrong"])
def test_an_unknown_or_malformed_token_is_a_401(member, header):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    assert_error_body(client.get("/api/v1/projects/"), 401)


def test_a_token_of_an_inactive_user_is_a_401(member):
    _, token = api_token_create(user=member, name="ci")
    member.is_active = False
    member.save()
    assert_error_body(bearer(token).get("/api/v1/projects/"), 401)


def test_no_credentials_is_a_401_with_a_bearer_challenge(anon):
    response = anon.get("/api/v1/projects/")
    assert_error_body(response, 401)
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_read_only_token_reads_but_cannot_write(member, team):
    _, token = api_token_create(user=member, name="ro", read_only=True)
    client = bearer(token)
    assert client.get("/api/v1/projects/").status_code == 200
    response = client.post("/api/v1/projects/", {"slug": "x", "name": "X", "team": "risk"},
                           format="json")
    body = assert_error_body(response, 403)
    assert "read-only" in body["detail"]


def test_the_command_prints_a_working_token(member):
    out = StringIO()
    call_command("create_api_token", "member", "--read-only", "--name", "nb", "--expires-days", "3",
                 stdout=out)
    token = out.getvalue().strip()
    stored = ApiToken.objects.get(user=member)
    assert stored.name == "nb" and stored.is_read_only and stored.expires_at is not None
    assert bearer(token).get("/api/v1/projects/").status_code == 200


def test_the_command_refuses_an_unknown_user(db):
    from django.core.management.base import CommandError
    with pytest.raises(CommandError):
        call_command("create_api_token", "ghost", stdout=StringIO())


def test_the_token_page_shows_a_new_token_once_and_revokes_it(client, member):
    client.force_login(member)
    assert "api-tokens" in client.get(f"/people/{member.username}/").content.decode()
    response = client.post("/people/me/tokens/", {"name": "laptop", "expires_days": "30"})
    assert response.status_code == 200
    stored = ApiToken.objects.get(user=member)
    page = response.content.decode()
    token = page.split('id="new-token-value">')[1].split("<")[0]
    assert token.startswith(f"alm_{stored.prefix}_")
    assert bearer(token).get("/api/v1/projects/").status_code == 200
    assert token not in client.get("/people/me/tokens/").content.decode()  # shown once
    assert client.post(f"/people/me/tokens/{stored.pk}/revoke/").status_code == 302
    assert bearer(token).get("/api/v1/projects/").status_code == 401


def test_nobody_revokes_someone_elses_token_from_the_page(client, member, outsider):
    api_token, _ = api_token_create(user=member, name="ci")
    client.force_login(outsider)
    assert client.post(f"/people/me/tokens/{api_token.pk}/revoke/").status_code == 404
    assert ApiToken.objects.get(pk=api_token.pk).revoked_at is None


def test_the_token_page_refuses_a_nameless_token(client, member):
    client.force_login(member)
    assert client.post("/people/me/tokens/", {"name": ""}).status_code == 400
    assert not ApiToken.objects.exists()


def test_session_auth_enforces_csrf(member, project):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(member)
    assert client.get("/api/v1/projects/").status_code == 200
    response = client.patch("/api/v1/projects/fraud/", {"name": "New"}, format="json")
    assert_error_body(response, 403)
