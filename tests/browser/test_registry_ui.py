"""What a person does in the browser: sign in, browse, register, fix a mistake."""

import pytest

from registry.models import DatasetVersion
from tests.browser.axe import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_member_signs_in_and_registers_a_dataset_version(page, sign_in, member, dataset):
    sign_in("member")
    assert_accessible(page)
    page.click("nav.mainnav >> text=Datasets")
    assert_accessible(page)
    page.click(f"#results >> text={dataset.name}")
    assert_accessible(page)
    page.click("text=New version")
    assert_accessible(page)

    page.fill("#id_label", "2026.11")
    page.fill("#id_row_count", "-3")
    page.click("button:has-text('Save')")
    assert page.locator("#id_row_count_errors").is_visible()
    assert page.get_attribute("#id_row_count", "aria-invalid") == "true"
    assert_accessible(page, state="form with errors")
    assert not DatasetVersion.objects.exists()

    page.fill("#id_row_count", "125000")
    page.click("button:has-text('Save')")
    page.wait_for_url(f"**/datasets/{dataset.slug}/versions/2026.11/")
    assert "125,000" in page.content()
    assert_accessible(page)
    page.click(f".breadcrumbs >> text={dataset.name}")
    assert page.locator("#versions").inner_text().count("2026.11") == 1
    assert_accessible(page)


def test_the_project_page_moves_a_stage_and_shows_the_timeline(page, sign_in, member, project,
                                                              write):
    write("project-charter", project, by=member)
    sign_in("member")
    page.goto(f"/projects/{project.slug}/")
    assert_accessible(page)
    page.select_option("#id_stage", "data_discovery")
    page.fill("#id_note", "Charter agreed with the stakeholders")
    page.click("#transition button[type=submit]")
    assert "Data discovery" in page.locator("#stage").inner_text()
    assert "Charter agreed" in page.locator("#timeline").inner_text()
    assert page.locator("#stage-strip .current").inner_text() == "Data discovery"
    assert page.get_attribute("#stage-strip .current", "aria-current") == "step"
    assert_accessible(page)


def test_an_outsider_cannot_reach_a_private_project(page, sign_in, outsider, private_project):
    sign_in("outsider")
    page.goto("/projects/")
    assert private_project.name not in page.content()
    assert_accessible(page)
    response = page.goto(f"/projects/{private_project.slug}/")
    assert response.status == 404
    assert_accessible(page, state="not found")
