"""Journeys a person makes in the browser (Part 11), each leaving a screenshot in CI's
artefacts: find a dataset, write a model card from its template, make an API token and use
it, and read hostile markdown without anything running."""

import pytest

from accounts.models import ApiToken
from tests.browser.axe import assert_accessible
from tests.factories import DatasetFactory
from tests.wiki.test_markdown_hostile import HOSTILE
from wiki.models import Page
from wiki.services import page_create, space_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_search_the_catalog_and_narrow_by_a_facet(page, sign_in, member, team):
    DatasetFactory(team=team, name="Card transactions", format="parquet")
    DatasetFactory(team=team, name="Card chargebacks", format="csv")
    DatasetFactory(team=team, name="Weather stations", format="csv")
    sign_in("member")

    page.click("nav.mainnav >> text=Datasets")
    page.fill("#filters input[name=q]", "card")
    page.click("#filters button[type=submit]")
    hits = page.locator("#results .hit-title")
    assert sorted(hits.all_inner_texts()) == ["Card chargebacks", "Card transactions"]
    assert_accessible(page, state="searched")

    page.click("#facets [data-facet=format] a:has-text('csv')")
    page.wait_for_url("**format=csv**")
    assert page.locator("#results .hit-title").all_inner_texts() == ["Card chargebacks"]
    assert page.locator("#facets [aria-current=true]").count() == 1
    assert page.input_value("#filters input[name=q]") == "card"
    assert_accessible(page, state="narrowed by a facet")


def test_write_a_model_card_from_its_template(page, sign_in, member, model):
    sign_in("member")
    page.goto(model.get_absolute_url())
    page.select_option("#new-from-template select[name=template]", "model-card")
    page.click("#new-from-template button[type=submit]")
    assert page.locator("#guide li").count() >= 3  # the template's sections, as a guide
    body = page.input_value("#id_body")
    assert body.count("## ") >= 3  # the editor starts from the template's sections
    page.fill("#id_title", "Scorer model card")
    page.fill("#id_body", body + "\n\nWritten in the journey.")
    page.click("button[name=save]")
    page.wait_for_url("**/scorer-model-card/")
    assert_accessible(page, state="a new model card")

    card = Page.objects.get(title="Scorer model card")
    assert card.template.kind == "model-card"
    assert list(card.documents_models.all()) == [model]
    page.goto(model.get_absolute_url())
    assert page.locator("#documented-by >> text=Scorer model card").is_visible()


def test_create_an_api_token_and_use_it(page, sign_in, member, project):
    sign_in("member")
    page.goto("/people/me/tokens/")
    page.fill("#id_name", "notebook")
    page.click("button:has-text('Create token')")
    token = page.inner_text("#new-token-value").strip()
    assert token.startswith("alm_")
    assert_accessible(page, state="a new token shown once")
    assert ApiToken.objects.get(name="notebook").user == member

    # Real HTTP, as a script would: the token reads the API; a wrong one does not.
    answer = page.request.get(f"/api/v1/projects/{project.slug}/",
                              headers={"Authorization": f"Bearer {token}"})
    assert answer.status == 200 and answer.json()["slug"] == project.slug
    refused = page.request.get(f"/api/v1/projects/{project.slug}/",
                               headers={"Authorization": f"Bearer {token}x"})
    assert refused.status == 401

    page.goto("/people/me/tokens/")
    assert ApiToken.objects.filter(name="notebook").count() == 1
    last_used = page.locator("#tokens tr:has-text('notebook') td").nth(5).inner_text()
    assert last_used != "never"
    page.click("#tokens tr:has-text('notebook') button:has-text('Revoke')")
    revoked = page.request.get(f"/api/v1/projects/{project.slug}/",
                               headers={"Authorization": f"Bearer {token}"})
    assert revoked.status == 401


def test_hostile_markdown_runs_nothing_in_a_real_browser(page, sign_in, live_server, member, team):
    """Every input of the hostile corpus, saved as a page and opened in Chromium: no script
    runs (no dialog, no marker set), no request leaves for another host."""
    space = space_for(team)
    body = "\n\n---\n\n".join(
        sample.replace("alert(1)", "window.__pwned=1") for sample in HOSTILE)
    hostile = page_create(space=space, title="Hostile", slug="hostile", body=body, by=member)
    dialogs, foreign = [], []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.on("request", lambda request: None if request.url.startswith((live_server.url, "data:"))
            else foreign.append(request.url))
    sign_in("member")
    page.goto(hostile.get_absolute_url())
    page.wait_for_load_state("networkidle")
    for element in page.locator("article.markdown a, article.markdown [tabindex]").all()[:50]:
        element.hover()
    assert page.evaluate("window.__pwned") is None
    assert dialogs == []
    assert foreign == []


def test_a_review_request_is_read_from_the_bell_and_the_author_hears_of_the_approval(
        browser_of, member, reviewer, project, write):
    from lifecycle import services as lifecycle_services

    review = write("ethics-bias-review", project, by=member)
    lifecycle_services.review_request(page=review, by=member)

    ivan = browser_of("reviewer")
    bell = ivan.locator("#bell")
    assert "1 unread" in bell.text_content()
    bell.click()
    ivan.wait_for_url("**/notifications/")
    assert_accessible(ivan, state="an open notification list")
    ivan.click("#notifications button:has-text('asked you to review')")
    ivan.wait_for_url(f"**{review.get_absolute_url()}")
    assert "unread" not in ivan.locator("#bell").text_content()
    ivan.click(f"button:has-text('Approve revision {review.revision}')")

    author = browser_of("member")
    assert "1 unread" in author.locator("#bell").text_content()
    author.click("#bell")
    assert author.locator("#notifications").inner_text().count("approved") >= 1
    author.click("button:has-text('Mark all read')")
    assert "unread" not in author.locator("#bell").text_content()
