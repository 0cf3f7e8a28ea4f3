"""The conformance check Part 3's gates use."""

from wiki import services
from wiki.conformance import conformance, missing_sections, missing_sections_in, section_text
from wiki.models import Template


def test_a_fresh_model_card_has_all_nine_sections_empty(make_page, project_space, model_card):
    page = make_page(project_space, title="Card", body=model_card.body, template=model_card)

    assert missing_sections(page) == model_card.required_sections
    assert conformance(page).summary == "9 of 9 sections still empty"


def test_filled_sections_are_no_longer_missing(make_page, project_space, model_card):
    body = model_card.body.replace("<!-- Metrics: replace this comment with your text. -->",
                                   "AUC 0.91 on the holdout.")
    page = make_page(project_space, title="Card", body=body, template=model_card)

    assert "Metrics" not in missing_sections(page)
    assert conformance(page).summary == "8 of 9 sections still empty"


def test_a_heading_followed_only_by_a_subheading_is_empty_but_content_below_counts():
    required = ["Risks"]
    assert missing_sections_in("## Risks\n### Data\n\n## Next\ntext\n", required) == ["Risks"]
    assert missing_sections_in("## Risks\n### Data\nStale labels.\n## Next\n", required) == []


def test_headings_match_ignoring_case_and_punctuation_but_not_in_code():
    required = ["Decision (go / no-go) and reasons"]
    assert missing_sections_in("# decision: go/no-go and reasons\nGo.\n", required) == []
    assert missing_sections_in("```\n# Decision (go / no-go) and reasons\nGo.\n```\n",
                               required) == required


def test_a_missing_heading_is_reported_in_template_order():
    assert missing_sections_in("## B\nx\n", ["A", "B", "C"]) == ["A", "C"]


def test_a_page_without_template_has_nothing_missing(make_page, project_space):
    page = make_page(project_space, title="Free", body="Anything.\n")

    assert missing_sections(page) == [] and conformance(page).required == 0


def test_section_text_returns_the_body_of_a_section(make_page, project_space):
    template = Template.objects.get(kind="feasibility-assessment")
    page = make_page(project_space, title="Feasibility", template=template,
                     body="## Decision (go / no-go) and reasons\n\nGo: labels exist.\n")

    assert section_text(page, "Decision (go / no-go) and reasons") == "Go: labels exist."
    assert section_text(page, "Risks") is None


def test_the_page_shows_how_many_sections_are_still_empty(client, member, make_page, project_space,
                                                          model_card):
    page = make_page(project_space, title="Card", body=model_card.body, template=model_card)
    services.page_update(page=page, title=page.title, by=member, base_revision=1,
                         body=page.body.replace("## Factors\n", "## Factors\n\nRegion, age band.\n"))
    client.force_login(member)

    html = client.get(page.get_absolute_url()).content.decode()

    assert "8 of 9 sections still empty" in html
