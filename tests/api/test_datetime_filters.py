"""Date-time filters take any ISO 8601 offset Python reads (schemathesis sent +21:04, which
PostgreSQL refuses: a 500); a time past the calendar's ends bounds nothing; nonsense is a 400."""

import pytest


@pytest.mark.parametrize("url", ["/api/v1/model-versions/?registered_before={}",
                                 "/api/v1/model-versions/?registered_after={}",
                                 "/api/v1/activity/?since={}"])
def test_an_offset_postgresql_would_refuse_is_read_in_utc(token_client, member, model_version, url):
    api = token_client(member)
    answer = api.get(url.format("4682-10-17T12:18:24%2B21:04"))
    assert answer.status_code == 200, answer.content
    assert api.get(url.format("0001-01-01T00:00:00%2B01:00")).status_code == 200
    assert api.get(url.format("9999-12-31T23:59:59-05:00")).status_code == 200
    nonsense = api.get(url.format("soon"))
    assert nonsense.status_code == 400 and nonsense.json()["errors"]
