"""Wiki links per viewer, "Documentation" on registry pages, and who may do what."""

import pytest

from registry.models import ModelVersion
from wiki import services
from wiki.models import Page, PageLink
from wiki.selectors import pages_documenting


def test_registry_links_show_name_and_status(client, member, make_page, project_space, dataset,
                                             model_version, project):
    page = make_page(project_space, title="Links",
                     body="[[dataset:transactions]] [[model:scorer@1]] [[project:fraud]]")
    client.force_login(member)

    html = client.get(page.get_absolute_url()).content.decode()

    assert '<a class="wikilink" href="/datasets/transactions/">Transactions <span class="badge">' \
           'Internal</span></a>' in html
    assert 'href="/models/scorer/versions/1/">Scorer v1 <span class="badge">Candidate</span>' in html
    assert 'href="/projects/fraud/">Fraud <span class="badge">Proposed</span>' in html


def test_a_link_to_a_private_object_is_plain_text_for_an_outsider_revealing_nothing(
        client, member, outsider, make_page, global_space, private_dataset, private_model,
        private_project):
    page = make_page(global_space, title="Index",
                     body="See [[dataset:secret-data]], [[model:secret-model]], "
                          "[[project:secret]] and [[dataset:does-not-exist]].")
    client.force_login(outsider)

    html = client.get(page.get_absolute_url()).content.decode()

    assert "Secret data" not in html and "Secret model" not in html and "Secret limits" not in html
    assert "/datasets/secret-data/" not in html and "/models/secret-model/" not in html
    assert "/projects/secret/" not in html
    hidden = '<span class="wikilink-text">dataset:secret-data</span>'
    missing = '<span class="wikilink-text">dataset:does-not-exist</span>'
    assert hidden in html and missing in html  # a hidden object looks like a missing one

    client.force_login(member)
    assert 'href="/datasets/secret-data/">Secret data' in client.get(page.get_absolute_url()).content.decode()


def test_a_missing_page_link_offers_to_create_it_and_an_existing_one_links(client, member,
                                                                          make_page, project_space):
    make_page(project_space, title="Data dictionary")
    page = make_page(project_space, title="Home", body="[[Data dictionary]] and [[Glossary]]")
    client.force_login(member)

    html = client.get(page.get_absolute_url()).content.decode()

    assert '<a class="wikilink" href="/wiki/project-fraud/data-dictionary/">Data dictionary</a>' in html
    assert 'href="/wiki/project-fraud/new/?title=Glossary"' in html


def test_links_are_rebuilt_on_each_save(member, make_page, project_space, dataset, model):
    page = make_page(project_space, title="Links", body="[[dataset:transactions]]")
    assert PageLink.objects.filter(from_page=page, to_dataset=dataset).exists()

    services.page_update(page=page, title="Links", body="[[model:scorer]]", base_revision=1, by=member)

    assert not PageLink.objects.filter(from_page=page, to_dataset=dataset).exists()
    assert PageLink.objects.filter(from_page=page, to_model=model).exists()


def test_a_model_shows_its_documentation_and_the_pages_linking_to_it(client, member, outsider,
                                                                    make_page, project_space,
                                                                    private_space, model, model_card):
    card = make_page(project_space, title="Scorer model card", template=model_card,
                     documents=[model], body=model_card.body)
    make_page(project_space, title="Release notes", body="Uses [[model:scorer]].")
    make_page(private_space, title="Hidden mention", body="[[model:scorer]]")
    client.force_login(outsider)

    html = client.get("/models/scorer/").content.decode()

    assert card.get_absolute_url() in html and "Scorer model card" in html
    assert "Release notes" in html
    assert "Hidden mention" not in html


def test_the_documentation_section_offers_a_new_page_from_template_to_editors(client, member,
                                                                            viewer, model):
    client.force_login(member)
    html = client.get("/models/scorer/").content.decode()
    assert 'action="/wiki/project-fraud/new/"' in html and 'value="model:scorer"' in html

    client.force_login(viewer)
    assert 'id="new-from-template"' not in client.get("/models/scorer/").content.decode()


def test_pages_documenting_filters_by_template_kind_and_reader(make_page, private_space,
                                                               private_model, model_card, outsider,
                                                               member):
    card = make_page(private_space, title="Card", template=model_card, documents=[private_model])
    make_page(private_space, title="Notes", documents=[private_model])

    assert list(pages_documenting(private_model, template_kind="model-card")) == [card]
    assert pages_documenting(private_model).count() == 2
    assert pages_documenting(private_model, user=outsider).count() == 0
    assert pages_documenting(private_model, user=member).count() == 2


def test_pages_documenting_a_model_version(make_page, project_space, model_version):
    page = make_page(project_space, title="v1 notes", documents=[model_version])

    assert list(pages_documenting(ModelVersion.objects.get(pk=model_version.pk))) == [page]


def test_trashed_pages_document_nothing(member, make_page, project_space, model):
    page = make_page(project_space, title="Card", documents=[model])
    services.page_delete(page=page, by=member)

    assert pages_documenting(model).count() == 0


# --- the permission matrix on a private project's pages ---------------------------------
READ_URLS = ["", "history/", "diff/?a=1&b=1", "revisions/1/"]


@pytest.mark.parametrize("persona,read,write", [
    ("outsider", 404, 404), ("viewer", 200, 403), ("member", 200, 200), ("staff", 200, 200),
])
def test_permission_matrix_on_a_private_projects_page(client, request, private_page, persona, read,
                                                     write):
    client.force_login(request.getfixturevalue(persona))
    url = private_page.get_absolute_url()

    for suffix in READ_URLS:
        assert client.get(url + suffix).status_code == read, suffix
    assert client.get("/wiki/project-secret/").status_code == read
    assert client.get(url + "edit/").status_code == write
    assert client.get("/wiki/project-secret/new/").status_code == write


@pytest.mark.parametrize("persona", ["outsider", "viewer"])
def test_who_cannot_write_changes_nothing(client, request, private_page, persona):
    client.force_login(request.getfixturevalue(persona))
    url = private_page.get_absolute_url()

    client.post(url + "edit/", {"title": "Hacked", "body": "x", "base_revision": 1})
    client.post(url + "delete/")
    client.post(url + "revert/1/")
    client.post("/wiki/project-secret/new/", {"title": "Sneaky", "body": "x"})

    page = Page.objects.get(pk=private_page.pk)
    assert (page.title, page.revision, page.deleted_at) == ("Secret plan", 1, None)
    assert not Page.objects.filter(slug="sneaky").exists()


def test_an_outsider_does_not_find_private_pages_anywhere(client, outsider, private_page):
    client.force_login(outsider)

    assert "Secret plan" not in client.get("/wiki/").content.decode()
    assert "project-secret" not in client.get("/wiki/").content.decode()


def test_team_spaces_are_read_by_all_and_written_by_the_teams_writers(client, member, viewer,
                                                                     outsider, team_space,
                                                                     make_page):
    page = make_page(team_space, title="Team handbook")
    client.force_login(outsider)
    assert client.get(page.get_absolute_url()).status_code == 200
    assert client.get(page.get_absolute_url() + "edit/").status_code == 403
    client.force_login(viewer)
    assert client.get(page.get_absolute_url() + "edit/").status_code == 403
    client.force_login(member)
    assert client.get(page.get_absolute_url() + "edit/").status_code == 200


def test_the_global_space_is_written_by_team_writers_not_by_pure_viewers(client, member, viewer,
                                                                        global_space):
    client.force_login(member)
    assert client.get("/wiki/global/new/").status_code == 200
    client.force_login(viewer)
    assert client.get("/wiki/global/new/").status_code == 403


def test_unknown_spaces_are_404(client, member):
    client.force_login(member)

    assert client.get("/wiki/team-nope/").status_code == 404
    assert client.get("/wiki/project-nope/").status_code == 404


def test_signed_out_visitors_are_sent_to_sign_in(client, page):
    assert client.get(page.get_absolute_url()).status_code == 302


def test_page_events_go_into_the_activity_log_scoped_to_the_private_project(member, private_page,
                                                                           private_project):
    from registry.models import Activity

    event = Activity.objects.get(verb="created page", target_id=private_page.pk)
    assert event.scope_project == private_project


def test_a_page_created_after_a_link_to_it_lists_the_linking_page(client, member, make_page,
                                                                 project_space):
    make_page(project_space, title="Home", body="Start with [[Glossary]].")
    glossary = make_page(project_space, title="Glossary", slug="terms")
    client.force_login(member)

    html = client.get(glossary.get_absolute_url()).content.decode()

    assert '<ul id="linked-from" class="plain"><li><a href="/wiki/project-fraud/home/">Home</a>' in html
