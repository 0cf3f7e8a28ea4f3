"""No lost edits: two people edit the same page from the same revision, both ways."""

import pytest

from wiki.models import Page

BODY = "line 1\nline 2\nline 3\nline 4\nline 5\n"


def _post(client, page, body, base, title="Runbook"):
    return client.post(f"{page.get_absolute_url()}edit/", {
        "title": title, "body": body, "base_revision": base, "summary": "edit"})


@pytest.mark.parametrize("first,second", [("member", "lead"), ("lead", "member")])
def test_edits_to_different_lines_are_merged_and_both_kept(client, page, member, lead, first, second):
    people = {"member": member, "lead": lead}
    client.force_login(people[first])
    assert _post(client, page, BODY.replace("line 1", "LINE ONE"), base=1).status_code == 302

    client.force_login(people[second])
    response = _post(client, page, BODY.replace("line 5", "LINE FIVE"), base=1)

    assert response.status_code == 302
    page.refresh_from_db()
    assert page.body == "LINE ONE\nline 2\nline 3\nline 4\nLINE FIVE\n"
    assert page.revision == 3
    followed = client.get(response["Location"]).content.decode()
    assert "merged with yours" in followed


@pytest.mark.parametrize("first,second", [("member", "lead"), ("lead", "member")])
def test_overlapping_edits_show_a_conflict_and_save_nothing(client, page, member, lead, first, second):
    people = {"member": member, "lead": lead}
    client.force_login(people[first])
    _post(client, page, BODY.replace("line 3", "theirs"), base=1)

    client.force_login(people[second])
    response = _post(client, page, BODY.replace("line 3", "mine"), base=1)

    assert response.status_code == 409
    html = response.content.decode()
    assert 'id="current-text"' in html and "theirs" in html  # the current text
    assert '<span class="add">+mine</span>' in html  # the difference
    form = response.context["form"]
    assert form["body"].value().replace("\r\n", "\n") == BODY.replace("line 3", "mine")
    assert form["base_revision"].value() == "2"  # the new base is the current revision
    page.refresh_from_db()
    assert page.revision == 2 and "theirs" in page.body


def test_after_a_conflict_the_resolved_text_saves_on_the_new_base(client, page, member, lead):
    client.force_login(member)
    _post(client, page, BODY.replace("line 3", "theirs"), base=1)
    client.force_login(lead)
    _post(client, page, BODY.replace("line 3", "mine"), base=1)

    response = _post(client, page, BODY.replace("line 3", "theirs and mine"), base=2)

    assert response.status_code == 302
    page.refresh_from_db()
    assert page.revision == 3 and "theirs and mine" in page.body


def test_two_different_new_titles_conflict(client, page, member, lead):
    client.force_login(member)
    _post(client, page, BODY, base=1, title="Runbook A")
    client.force_login(lead)

    response = _post(client, page, BODY, base=1, title="Runbook B")

    assert response.status_code == 409
    assert Page.objects.get(pk=page.pk).title == "Runbook A"
