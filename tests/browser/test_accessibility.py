"""Every page of the web UI has no axe-core violation at WCAG 2.1 A and AA.

The walk takes its routes from Django's URL resolver (tests/routes.py), so a new page is
checked as soon as it exists, or fails the walk until tests/routes.py can fill its path
parameters. It runs on the real demo data (`manage.py seed_demo`), signed in as demo; the
states that only an action shows (a form with errors, a refused stage move, an edit
conflict, a search with no results, the error pages…) are checked by the second test.
"""

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import RequestFactory
from django.views.defaults import server_error

from accounts.services import api_token_create
from registry.models import Person, Team
from tests.browser.axe import axe_violations, describe, requires_axe
from tests.routes import POST_ONLY, demo_objects, ui_routes
from wiki.models import Page
from wiki.services import page_update, template_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), requires_axe]


def _sign_in(page, username: str) -> None:
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "demo")
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


@pytest.fixture
def demo(page):
    """The demo instance, with an API token and a team template (the demo has neither, and
    their pages show more with one), and the browser signed in as demo."""
    call_command("seed_demo", stdout=StringIO())
    demo = Person.objects.get(username="demo")
    api_token_create(user=demo, name="CI pipeline", read_only=True)
    template_create(kind="fraud-rule-review", name="Fraud rule review", by=demo,
                    team=Team.objects.get(slug="risk-ml"), required_sections=["Rule", "Impact"],
                    body="## Rule\n\n## Impact\n")
    _sign_in(page, "demo")
    return demo_objects()


def _signed_in_page(browser, live_server, username: str):
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(10_000)
    _sign_in(page, username)
    return context, page


@pytest.fixture
def lead_page(browser, live_server):
    """A second browser signed in as Amara, the lead of demo's team (Risk ML)."""
    context, page = _signed_in_page(browser, live_server, "amara")
    yield page
    context.close()


@pytest.fixture
def admin_page(browser, live_server):
    """A third browser signed in as Olivia, the demo's administrator (staff)."""
    context, page = _signed_in_page(browser, live_server, "olivia")
    yield page
    context.close()


class Findings:
    """Violations per page, reported together: one run shows everything to fix."""

    def __init__(self) -> None:
        self.pages: list[str] = []
        self.failures: dict[str, list[dict]] = {}

    def check(self, page, where: str) -> None:
        violations = axe_violations(page)
        self.pages.append(where)
        print(f"{len(violations):3d} {where}")
        if violations:
            self.failures[where] = violations

    def assert_none(self) -> None:
        if self.failures:
            pytest.fail(
                f"axe-core found violations on {len(self.failures)} of {len(self.pages)} pages:\n"
                + "\n".join(f"{where}: {len(v)} violation(s)\n{describe(v)}"
                            for where, v in self.failures.items()), pytrace=False)


def test_every_page_of_the_web_ui_passes_axe(page, demo, lead_page, admin_page):
    findings, visited = Findings(), set()
    for route in ui_routes(demo):
        if not route.page:
            # The allow-list holds only what a browser cannot open as a page.
            response = page.request.get(route.url, max_redirects=0)
            if route.note == POST_ONLY:
                assert response.status == 405, f"{route.name} is listed as POST only: {route.url}"
            else:
                assert response.headers["content-type"].startswith("application/json"), route.name
            continue
        if route.url in visited:
            continue  # a URL two patterns produce is checked once
        visited.add(route.url)
        viewer = page
        response = page.goto(route.url)
        # a form for the team's lead only (its edit form), or for staff only (a new team)
        for other in (lead_page, admin_page):
            if response.status == 403:
                viewer, response = other, other.goto(route.url)
        assert response.ok, f"GET {route.url} ({route.name}) answered {response.status}"
        findings.check(viewer, f"{route.url} ({route.name})")
    findings.assert_none()


def test_the_states_that_matter_pass_axe(page, demo, browser, live_server):
    findings = Findings()

    def visit(url: str, state: str, status: int = 200) -> None:
        assert page.goto(url).status == status, url
        findings.check(page, f"{url} ({state})")

    visit("/datasets/?tag=payments", "catalog filtered by a tag")
    visit("/datasets/?tag=payments&sensitivity=confidential&sort=name", "two facets, sorted")
    visit("/datasets/?q=zzzqqq", "catalog, nothing matches")
    visit("/search/?q=fraud", "search results")
    visit("/search/?q=fraud&type=dataset", "search results of one type")
    visit("/search/?q=zzzqqq", "search with no results")
    visit("/search/?q=frad", "a misspelt search")
    visit("/projects/?q=zzzqqq", "a list filtered to nothing")
    visit("/action-items/?overdue=on", "overdue action items")
    visit("/no/such/page/", "the 404 page", status=404)
    visit("/projects/churn-prediction/edit/", "the 403 page", status=403)
    page.set_content(server_error(RequestFactory().get("/")).content.decode())  # no URL fails
    assert page.locator("h1").inner_text() == "Something went wrong"
    findings.check(page, "the 500 page")
    visit("/wiki/project-churn-prediction/churn-prediction-ethics-bias-review/",
          "a page demo may approve, as its Reviewer")

    # forms with errors
    page.goto(f"/datasets/{demo.dataset.slug}/versions/new/")
    page.fill("#id_label", "2027.01")
    page.fill("#id_row_count", "-3")
    page.click("button:has-text('Save')")
    assert page.locator("#id_row_count_errors").is_visible()
    findings.check(page, "a dataset version form with errors")
    page.goto("/projects/new/")
    page.click("form.stacked button[type=submit]")
    assert page.locator(".field.has-error").count() >= 2
    findings.check(page, "an empty project form")
    page.goto("/people/me/tokens/")
    page.click("form.stacked button[type=submit]")
    assert page.locator("#id_name_errors").is_visible()
    findings.check(page, "the token form with errors")
    page.fill("#id_name", "notebook")
    page.click("form.stacked button[type=submit]")
    assert page.locator("#new-token-value").is_visible()
    findings.check(page, "a token just created, shown once")
    page.goto(f"/wiki/{demo.space.key}/new/?template=model-card")
    page.fill("#id_title", "")
    page.click("button[name=save]")
    assert page.locator("#id_title_errors").is_visible()
    findings.check(page, "a new wiki page without a title")
    page.goto(f"/wiki/{demo.space.key}/new/")
    page.fill("#id_body", "## Preview me\n\n- [ ] a task\n")
    page.click("button[name=preview]")
    page.wait_for_selector("#preview h2")
    findings.check(page, "the editor with a preview")

    # a refused stage move names what is missing
    page.goto(demo.project.get_absolute_url())
    page.select_option("#id_stage", "retired")
    page.click("#transition button[type=submit]")
    assert "retirement note" in page.locator("#transition").inner_text().lower()
    findings.check(page, "a refused stage move")

    # an edit conflict: someone saves the same line while demo edits
    edit_url = f"{demo.page.get_absolute_url()}edit/"
    page.goto(edit_url)
    wiki_page = Page.objects.get(pk=demo.page.pk)
    first_line = wiki_page.body.splitlines()[0]
    page_update(page=wiki_page, title=wiki_page.title, base_revision=wiki_page.revision,
                body=wiki_page.body.replace(first_line, first_line + " (theirs)", 1),
                by=Person.objects.get(username="amara"))
    page.fill("#id_body", page.input_value("#id_body").replace(first_line, first_line + " (mine)", 1))
    page.click("button[name=save]")
    assert page.locator("#conflict").is_visible()
    findings.check(page, "a wiki edit conflict")

    # a page in the trash, and the message after a save
    page.goto(demo.page.get_absolute_url())
    page.locator("form[action$='/delete/'] button").click()
    assert page.locator(".messages").is_visible()
    findings.check(page, "a message after deleting a page")
    visit(f"/wiki/{demo.space.key}/trash/", "the trash with a page in it")

    # signed out
    context = browser.new_context(base_url=live_server.url)
    try:
        signed_out = context.new_page()
        for url in ["/accounts/login/", "/accounts/password_reset/"]:
            signed_out.goto(url)
            findings.check(signed_out, f"{url} (signed out)")
        signed_out.goto("/accounts/login/")
        signed_out.fill("#id_username", "demo")
        signed_out.fill("#id_password", "wrong")
        signed_out.click("button[type=submit]")
        findings.check(signed_out, "the sign-in form after a wrong password")
    finally:
        context.close()
    findings.assert_none()
