"""The documentation flows as people do them in the browser."""

from datetime import date, timedelta

import pytest

from lifecycle import services as lifecycle_services
from registry.models import Project, Stage
from tests.browser.axe import assert_accessible
from tests.factories import ModelVersionFactory
from wiki.models import Page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_two_people_edit_the_same_page_and_neither_edit_is_lost(browser_of, lead, member, project,
                                                                write):
    doc = write("project-charter", project, by=member,
                **{"Problem statement": "Losses grow.", "Constraints": "EU data only."})
    url = f"{doc.get_absolute_url()}edit/"
    alice, bob = (browser_of(name) for name in ("member", "lead"))
    alice.goto(url)
    bob.goto(url)
    assert_accessible(alice)

    alice.fill("#id_body", alice.input_value("#id_body").replace("Losses grow.", "Losses grew 30%."))
    alice.click("button[name=save]")
    assert_accessible(alice, state="saved")
    bob.fill("#id_body", bob.input_value("#id_body").replace("EU data only.", "EU data; no PANs."))
    bob.click("button[name=save]")

    assert "merged" in bob.content()
    assert_accessible(bob, state="merged")
    doc.refresh_from_db()
    assert "Losses grew 30%." in doc.body and "EU data; no PANs." in doc.body
    assert doc.revision == 3

    # Now both change the same line: the second is shown a conflict, keeping their text.
    alice.goto(url)
    bob.goto(url)
    alice.fill("#id_body", alice.input_value("#id_body").replace("Losses grew 30%.", "Losses: 30%."))
    alice.click("button[name=save]")
    bob.fill("#id_body", bob.input_value("#id_body").replace("Losses grew 30%.", "Losses: +30%."))
    bob.click("button[name=save]")
    assert bob.locator("#conflict").is_visible()
    assert "Losses: 30%." in bob.locator("#current-text").inner_text()
    assert "Losses: +30%." in bob.input_value("#id_body")
    assert_accessible(bob, state="edit conflict")
    doc.refresh_from_db()
    assert "Losses: 30%." in doc.body and doc.revision == 4

    bob.fill("#id_body", bob.input_value("#id_body").replace("Losses: +30%.", "Losses: +30% (both)."))
    bob.click("button[name=save]")
    doc.refresh_from_db()
    assert "Losses: +30% (both)." in doc.body and doc.revision == 5
    assert_accessible(bob, state="saved after a conflict")

    bob.goto(f"{doc.get_absolute_url()}history/")
    assert_accessible(bob)
    bob.goto(f"{doc.get_absolute_url()}diff/?a=1&b=5")
    assert "Losses grow." in bob.content() and "Losses: +30% (both)." in bob.content()
    assert_accessible(bob)


def test_a_project_moves_to_deployment_once_its_docs_are_written_and_approved(
        browser_of, member, reviewer, project, model, write):
    Project.objects.filter(pk=project.pk).update(stage=Stage.VALIDATION)
    ModelVersionFactory(model=model, created_by=member)
    write("model-card", model, by=member)
    write("deployment-runbook", project, by=member)
    page = browser_of("member")

    page.goto(project.get_absolute_url())
    assert_accessible(page)
    page.select_option("#id_stage", "deployment")
    page.click("#transition button[type=submit]")
    assert "Cannot enter Deployment" in page.content()
    assert Project.objects.get(pk=project.pk).stage == Stage.VALIDATION
    assert_accessible(page, state="refused stage move")

    page.click("#gates >> text=Start the ethics & bias review")
    assert_accessible(page)
    body = page.input_value("#id_body")
    for section in ("Sensitive attributes", "Potential harms", "Fairness metrics by group",
                    "Mitigations", "Reviewer sign-off"):
        body = body.replace(f"<!-- {section}: replace this comment with your text. -->",
                            f"Our {section.lower()}.")
    page.fill("#id_body", body)
    page.click("button[name=save]")
    assert_accessible(page)
    page.click("#approval >> text=Request review")
    assert_accessible(page, state="review requested")
    review = Page.objects.get(template__kind="ethics-bias-review")

    approver = browser_of("reviewer")
    approver.goto(review.get_absolute_url())
    assert_accessible(approver, state="as its reviewer")
    approver.click("#approval button[type=submit]")
    assert "Approved by" in approver.locator("#approval").inner_text()
    assert_accessible(approver, state="approved")

    page.goto(project.get_absolute_url())
    page.select_option("#id_stage", "deployment")
    page.click("#transition button[type=submit]")
    assert "Deployment" in page.locator("#stage").inner_text()
    assert_accessible(page)
    page.goto("/board/")
    assert project.name in page.locator('[data-stage="deployment"]').inner_text()
    assert_accessible(page)


def test_writing_the_next_retrospective_carries_open_items_over(browser_of, member, project):
    today = date.today()
    first = lifecycle_services.sprint_create(project=project, starts_on=today - timedelta(days=30),
                                             ends_on=today - timedelta(days=17), by=member)
    lifecycle_services.sprint_create(project=project, starts_on=today - timedelta(days=16),
                                     ends_on=today - timedelta(days=3), by=member)
    lifecycle_services.action_item_add(sprint=first, text="Add a holdout set", owner=member,
                                       by=member)
    page = browser_of("member")
    page.goto(f"/projects/{project.slug}/sprints/2/")
    assert "Add a holdout set" in page.locator("body").inner_text()
    assert_accessible(page)
    page.click("#write-retro")
    assert "Add a holdout set" in page.input_value("#id_body")
    assert "carried over from sprint 1" in page.input_value("#id_body")
    assert_accessible(page)
