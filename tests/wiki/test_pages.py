"""Pages through the web UI: create, edit, history, diff, revert, trash."""

import pytest

from registry.models import Activity
from wiki.markdown import render_markdown
from wiki.models import Page, PageRevision


def _edit(client, page, **data):
    current = Page.objects.get(pk=page.pk)
    form = {"title": current.title, "body": current.body, "base_revision": current.revision,
            "summary": "", "tags": "", "documents": "", "parent": ""}
    form.update(data)
    return client.post(f"{page.get_absolute_url()}edit/", form)


def test_a_member_creates_a_page_and_it_is_rendered_and_logged(client, member, project_space):
    client.force_login(member)
    response = client.post("/wiki/project-fraud/new/", {
        "title": "Feature notes", "body": "# Features\n\n| a | b |\n|---|---|\n| 1 | 2 |\n",
        "tags": "features, notes", "summary": "First draft"})

    assert response.status_code == 302
    page = Page.objects.get(space=project_space, slug="feature-notes")
    assert page.revision == 1 and page.revisions.get().summary == "First draft"
    html = client.get(response["Location"]).content.decode()
    assert "<table>" in html and "features" in html
    assert Activity.objects.filter(verb="created page", target_id=page.pk).exists()


def test_every_save_adds_a_revision_with_author_and_summary(client, member, lead, page):
    client.force_login(lead)
    assert _edit(client, page, body="line 1\nchanged\n", summary="Tighten").status_code == 302

    page.refresh_from_db()
    assert page.revision == 2
    latest = page.revisions.get(number=2)
    assert (latest.author, latest.summary, latest.base_revision) == (lead, "Tighten", 1)
    assert page.revisions.get(number=1).body.startswith("line 1\nline 2")


def test_the_history_lists_revisions_and_the_diff_shows_what_changed(client, member, page):
    client.force_login(member)
    _edit(client, page, body="line 1\nline two\nline 3\nline 4\nline 5\n")

    history = client.get(f"{page.get_absolute_url()}history/").content.decode()
    diff = client.get(f"{page.get_absolute_url()}diff/?a=1&b=2").content.decode()

    assert "r1" in history and "r2" in history
    assert '<span class="del">-line 2</span>' in diff and '<span class="add">+line two</span>' in diff


def test_the_diff_escapes_markup(client, member, page):
    client.force_login(member)
    _edit(client, page, body="<script>alert(1)</script>\n")

    diff = client.get(f"{page.get_absolute_url()}diff/?a=1&b=2").content.decode()

    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in diff and "<script>alert" not in diff


def test_revert_adds_a_new_revision_copying_the_old_one(client, member, page):
    client.force_login(member)
    _edit(client, page, title="Runbook v2", body="rewritten\n")

    response = client.post(f"{page.get_absolute_url()}revert/1/")

    assert response.status_code == 302
    page.refresh_from_db()
    assert page.revision == 3 and page.title == "Runbook" and page.body.startswith("line 1")
    assert list(page.revisions.values_list("number", flat=True)) == [3, 2, 1]
    assert page.revisions.get(number=2).body == "rewritten\n"


def test_a_preview_renders_without_saving(client, member, page):
    client.force_login(member)
    response = _edit(client, page, body="**bold** [[dataset:transactions]]", preview="1")

    assert response.status_code == 200
    assert "<strong>bold</strong>" in response.content.decode()
    assert Page.objects.get(pk=page.pk).revision == 1


def test_the_preview_endpoint_uses_the_same_renderer(client, member):
    client.force_login(member)
    response = client.post("/wiki/preview/", {"body": "# Hi <script>x</script>"})

    assert response.status_code == 200
    assert response.content.decode() == render_markdown("# Hi <script>x</script>")
    assert "<script" not in response.content.decode()


def test_delete_moves_to_trash_and_an_editor_restores(client, member, lead, page):
    client.force_login(member)
    assert client.post(f"{page.get_absolute_url()}delete/").status_code == 302
    assert client.get(page.get_absolute_url()).status_code == 404
    assert "Runbook" in client.get("/wiki/project-fraud/trash/").content.decode()

    client.force_login(lead)
    assert client.post(f"{page.get_absolute_url()}restore/").status_code == 302
    assert client.get(page.get_absolute_url()).status_code == 200
    assert Page.objects.get(pk=page.pk).revision == 1


def test_only_staff_purge_and_only_from_the_trash(client, member, staff, page):
    client.force_login(member)
    client.post(f"{page.get_absolute_url()}delete/")
    assert client.post(f"{page.get_absolute_url()}purge/").status_code == 403
    assert Page.objects.filter(pk=page.pk).exists()

    client.force_login(staff)
    assert client.post(f"{page.get_absolute_url()}purge/").status_code == 302
    assert not Page.objects.filter(pk=page.pk).exists()
    assert not PageRevision.objects.filter(page_id=page.pk).exists()


def test_a_viewer_cannot_see_the_trash_or_restore(client, member, viewer, page):
    client.force_login(member)
    client.post(f"{page.get_absolute_url()}delete/")
    client.force_login(viewer)

    assert client.get("/wiki/project-fraud/trash/").status_code == 403
    assert client.post(f"{page.get_absolute_url()}restore/").status_code == 403
    assert Page.objects.get(pk=page.pk).deleted_at is not None


def test_sub_pages_show_breadcrumbs_and_the_parent_lists_them(client, member, page, make_page,
                                                               project_space):
    child = make_page(project_space, title="Rollback steps", parent=page)
    client.force_login(member)

    child_html = client.get(child.get_absolute_url()).content.decode()
    parent_html = client.get(page.get_absolute_url()).content.decode()

    assert f'<a href="{page.get_absolute_url()}">Runbook</a>' in child_html
    assert "Rollback steps" in parent_html


# --- bad input: a form error or a 4xx, nothing changed --------------------------------
@pytest.mark.parametrize("data,field", [
    ({"title": "", "body": "x"}, "title"),
    ({"title": "   ", "body": "x"}, "title"),
    ({"title": "Runbook", "body": "x"}, "slug"),  # the slug already exists
    ({"title": "X", "slug": "new", "body": "x"}, "slug"),
    ({"title": "X", "slug": "Bad Slug", "body": "x"}, "slug"),
    ({"title": "X", "template": "no-such-template", "body": "x"}, "template"),
    ({"title": "X", "parent": "missing", "body": "x"}, "parent"),
    ({"title": "X", "documents": "dataset:nope", "body": "x"}, "documents"),
    ({"title": "X", "documents": "rubbish", "body": "x"}, "documents"),
    ({"title": "X", "tags": "two words", "body": "x"}, "tags"),
])
def test_a_bad_new_page_shows_an_error_and_saves_nothing(client, member, page, data, field):
    client.force_login(member)
    before = Page.objects.count()

    response = client.post("/wiki/project-fraud/new/", data)

    assert response.status_code == 400
    assert field in response.context["form"].errors or response.context["form"].non_field_errors()
    assert Page.objects.count() == before


def test_a_private_document_is_unknown_to_an_outsider(client, outsider, global_space,
                                                      private_dataset):
    client.force_login(outsider)
    response = client.post("/wiki/global/new/", {"title": "X", "documents": "dataset:secret-data"})

    assert response.status_code == 400 and "documents" in response.context["form"].errors


@pytest.mark.parametrize("base", ["", "0", "7", "abc"])
def test_an_edit_with_a_missing_or_impossible_base_revision_is_refused(client, member, page, base):
    client.force_login(member)
    response = _edit(client, page, body="changed\n", base_revision=base)

    assert response.status_code == 400
    assert Page.objects.get(pk=page.pk).revision == 1


def test_reverting_to_a_revision_that_does_not_exist_changes_nothing(client, member, page):
    client.force_login(member)

    response = client.post(f"{page.get_absolute_url()}revert/9/")

    assert response.status_code == 400
    assert Page.objects.get(pk=page.pk).revision == 1


def test_a_diff_of_unknown_revisions_is_a_404(client, member, page):
    client.force_login(member)

    assert client.get(f"{page.get_absolute_url()}diff/?a=1&b=9").status_code == 404
    assert client.get(f"{page.get_absolute_url()}diff/?a=x&b=1").status_code == 404


def test_a_new_page_from_an_unknown_template_is_a_404(client, member, project_space):
    client.force_login(member)

    assert client.get("/wiki/project-fraud/new/?template=nope").status_code == 404


def test_moving_a_page_under_its_own_child_is_refused(client, member, page, make_page,
                                                      project_space):
    child = make_page(project_space, title="Child", parent=page)
    client.force_login(member)

    response = _edit(client, page, parent=child.slug)

    assert response.status_code == 400 and "parent" in response.context["form"].errors
    assert Page.objects.get(pk=page.pk).parent is None
