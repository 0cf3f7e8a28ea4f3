"""An edit changes only what its author changed and can see (issue #11, findings 7, 8, 9):
references the editor cannot see stay, a change to what a page documents voids its approval,
and tags and documents edited from a stale base are merged as sets, never lost."""

import threading

import pytest
from django.db import connection
from rest_framework.test import APIClient

from accounts.services import api_token_create
from lifecycle import gates
from lifecycle import services as lifecycle_services
from registry.models import Stage
from tests.lifecycle.conftest import at_stage
from wiki import services
from wiki.models import Page


@pytest.mark.django_db
def test_a_web_edit_keeps_the_links_its_author_cannot_see(client, member, outsider, project,
                                                          private_project, global_space):
    page = services.page_create(space=global_space, title="Portfolio", body="Both.\n", by=member,
                                documents=[project, private_project])
    client.force_login(outsider)
    form = client.get(f"/wiki/global/{page.slug}/edit/").context["form"]
    assert form.initial["documents"] == "project:fraud"
    response = client.post(f"/wiki/global/{page.slug}/edit/", {
        "title": "Portfolio", "body": "Both, edited.\n", "documents": form.initial["documents"],
        "tags": "", "parent": "", "summary": "", "base_revision": page.revision})
    assert response.status_code == 302
    assert set(page.documents_projects.values_list("slug", flat=True)) == {"fraud", "secret"}


@pytest.mark.django_db
def test_changing_only_what_a_page_documents_voids_its_approval(token_client, project, member,
                                                                 reviewer, write, team):
    from tests.factories import ProjectFactory

    other = ProjectFactory(team=team, slug="other", name="Other")
    at_stage(other, Stage.VALIDATION)
    review = write("ethics-bias-review", project, by=member)
    lifecycle_services.page_approve(page=review, revision=1, by=reviewer)
    api = token_client(member)
    url = f"/api/v1/spaces/project-fraud/pages/{review.slug}/"
    response = api.patch(url, {"documents": [{"type": "project", "slug": "other"}]}, format="json",
                         HTTP_IF_MATCH='"1"')
    assert response.status_code == 200 and response.json()["revision"] == 2
    review.refresh_from_db()
    assert gates.approval_state(review)[0] is None
    [check] = [c for c in gates.evaluate(other, Stage.DEPLOYMENT)
               if c.requirement.template_kind == "ethics-bias-review"]
    assert not check.met
    assert api.get(url).json()["approval"]["approved"] is False


@pytest.mark.django_db
def test_tags_and_documents_from_the_same_base_are_merged_as_sets(token_client, member, project,
                                                                   dataset, project_space):
    page = services.page_create(space=project_space, title="Notes", body="Text.\n", by=member,
                                tags=["base"], documents=[project])
    api = token_client(member)
    url = f"/api/v1/spaces/project-fraud/pages/{page.slug}/"
    first = api.patch(url, {"tags": ["base", "c1"]}, format="json", HTTP_IF_MATCH='"1"')
    second = api.patch(url, {"tags": ["c2"], "documents": [{"type": "project", "slug": "fraud"},
                                                         {"type": "dataset", "slug": "transactions"}]},
                       format="json", HTTP_IF_MATCH='"1"')
    assert first.status_code == second.status_code == 200
    assert second.json()["tags"] == ["c1", "c2"]  # "base" was removed by the second edit
    assert {d["slug"] for d in second.json()["documents"]} == {"fraud", "transactions"}


@pytest.mark.postgres  # the in-memory SQLite test database locks whole tables across threads
@pytest.mark.django_db(transaction=True)
def test_two_edits_racing_from_one_base_never_lose_a_tag(member, project_space):
    """200 rounds: two clients PATCH tags at once from the same If-Match; both tags stay."""
    _, token = api_token_create(user=member, name="race")
    page = services.page_create(space=project_space, title="Race", body="x\n", by=member)
    url = f"/api/v1/spaces/{project_space.key}/pages/{page.slug}/"
    lost = []

    def edit(tag: str, base: int, barrier: threading.Barrier, results: list[int]) -> None:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
        barrier.wait()
        response = client.patch(url, {"tags": [tag]}, format="json", HTTP_IF_MATCH=f'"{base}"')
        results.append(response.status_code)
        connection.close()

    for round_ in range(200):
        base = Page.objects.get(pk=page.pk).revision
        barrier, results = threading.Barrier(2), []
        threads = [threading.Thread(target=edit, args=(f"r{round_}-{who}", base, barrier, results))
                   for who in ("a", "b")]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        names = set(Page.objects.get(pk=page.pk).tags.values_list("name", flat=True))
        if results != [200, 200] or not {f"r{round_}-a", f"r{round_}-b"} <= names:
            lost.append((round_, results, sorted(names)))
    assert lost == []
