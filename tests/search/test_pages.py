"""Wiki pages and retrospectives in search; capped counts; the pre-aggregated counts."""

import pytest
from django.test import override_settings

from registry import services
from search import engine
from search.models import SearchDocument
from tests.factories import DatasetFactory, ProjectFactory
from wiki.models import Template
from wiki.services import page_create, page_delete, page_purge, page_restore, page_update, space_for


def titles(results):
    return [hit.title for hit in results.hits]


def page(owner, title, body, *, by, template=None, tags=()):
    return page_create(space=space_for(owner), title=title, body=body, by=by, tags=tags,
                       template=Template.objects.get(kind=template) if template else None)


def test_pages_and_retrospectives_are_found_with_their_own_badges(member, team, project):
    page(team, "Labelling guide", "How we label **churn** events.", by=member)
    page(project, "Sprint 3 retrospective", "Churn labels arrived late.", by=member,
         template="retrospective")
    results = engine.search(user=member, q="churn")
    assert {(h.kind_label, h.title) for h in results.hits} == {
        ("Page", "Labelling guide"), ("Retrospective", "Sprint 3 retrospective")}
    assert results.kind_counts == {"page": 1, "retrospective": 1}
    assert titles(engine.search(user=member, q="churn", types=["retrospective"])) == [
        "Sprint 3 retrospective"]


def test_a_page_title_match_outranks_a_body_match(member, team):
    page(team, "Notes", "We talked about drift twice: drift, drift.", by=member)
    page(team, "Drift playbook", "What to do.", by=member)
    assert titles(engine.search(user=member, q="drift")) == ["Drift playbook", "Notes"]


def test_page_snippets_quote_the_text_not_the_markup(member, team):
    page(team, "Guide", "Use the **ledger** table, see [docs](https://example.com).\n\n"
                        "<script>alert(1)</script> ledger", by=member)
    snippet = str(engine.search(user=member, q="ledger").hits[0].snippet)
    assert "<mark>ledger</mark>" in snippet
    without_marks = snippet.replace("<mark>", "").replace("</mark>", "")
    assert "<" not in without_marks and "**" not in without_marks and "strong" not in without_marks


def test_an_outsider_never_sees_nor_counts_a_private_projects_page(outsider, member,
                                                                    private_project):
    page(private_project, "Secret roadmap", "Quarterly plans.", by=member)
    for user, expected in [(outsider, 0), (member, 1)]:
        assert engine.search(user=user, q="roadmap").total == expected
        assert engine.search(user=user).kind_counts.get("page", 0) == expected
        data = engine.search(user=user, types=["page"], facets=True)
        assert data.total == expected


def test_trash_restore_and_purge_are_reflected(member, staff, team):
    guide = page(team, "Onboarding", "Read this first.", by=member)
    assert engine.search(user=member, q="onboarding").total == 1
    page_delete(page=guide, by=member)
    assert engine.search(user=member, q="onboarding").total == 0
    assert engine.search(user=member).kind_counts.get("page", 0) == 0
    page_restore(page=guide, by=member)
    assert titles(engine.search(user=member, q="onboarding")) == ["Onboarding"]
    page_update(page=guide, title="Welcome", body="Read this first.", base_revision=guide.revision,
                by=member)
    assert titles(engine.search(user=member, q="welcome")) == ["Welcome"]
    page_delete(page=guide, by=member)
    page_purge(page=guide, by=staff)
    assert not SearchDocument.objects.filter(kind="page").exists()


@override_settings(SEARCH_COUNT_CAP=3)
def test_counts_stop_at_the_cap_and_say_so(member, team):
    for i in range(5):
        DatasetFactory(team=team, name=f"Churn set {i}", tags=["common"])
    results = engine.search(user=member, q="churn")
    assert results.capped and results.total == 3
    assert len(results.hits) == 3
    catalog = engine.search(user=member, types=["dataset"], filters={"tag": ["common"]})
    assert catalog.capped and catalog.total == 3
    assert {v.value: v.count for v in catalog.facets["tag"]} == {"common": 3}
    exact = engine.search(user=member, types=["dataset"])  # no query, no filter: exact
    assert not exact.capped and exact.total == 5


@override_settings(SEARCH_COUNT_CAP=3)
def test_capped_counts_show_a_plus_in_the_page_and_the_api(client, member, team):
    for i in range(5):
        DatasetFactory(team=team, name=f"Churn set {i}")
    client.force_login(member)
    assert "3+ in all" in client.get("/search/?q=churn").content.decode()
    data = client.get("/api/v1/search/?q=churn").json()
    assert data["count"] == 3 and data["count_capped"] is True


def test_plain_catalog_counts_add_what_a_team_sees_in_another_teams_private_project(
        outsider, other_team, member, private_project, team):
    # a dataset owned by the outsider's team but homed in a private project of another team
    DatasetFactory(team=other_team, name="Shared", home_project=private_project, tags=["x"])
    DatasetFactory(team=team, name="Hidden", home_project=private_project, tags=["x"])
    DatasetFactory(team=team, name="Open", tags=["x"])
    seen = engine.search(user=outsider, types=["dataset"])
    assert seen.total == 2 and sorted(titles(seen)) == ["Open", "Shared"]
    assert {v.value: v.count for v in seen.facets["tag"]} == {"x": 2}
    assert engine.search(user=member, types=["dataset"]).total == 3


def test_plain_counts_follow_a_project_changing_visibility(outsider, member, team):
    project = ProjectFactory(team=team, visibility="internal")
    DatasetFactory(team=team, name="Homed", home_project=project)
    assert engine.search(user=outsider, types=["dataset"]).total == 1
    services.project_update(project=project, by=member, visibility="private")
    assert engine.search(user=outsider, types=["dataset"]).total == 0
    assert engine.search(user=outsider, types=["dataset"]).facets["team"] == []
    services.project_update(project=project, by=member, visibility="internal")
    assert engine.search(user=outsider, types=["dataset"]).total == 1


@pytest.mark.postgres
def test_a_misspelt_page_title_still_finds_it(member, team):
    page(team, "Retraining runbook", "Steps.", by=member)
    results = engine.search(user=member, q="retrainnig")
    assert titles(results) == ["Retraining runbook"]
    assert results.corrected == "retraining"
