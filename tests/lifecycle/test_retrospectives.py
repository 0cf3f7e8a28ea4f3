"""Sprints, retrospectives pre-filled from what happened, and action items carried over."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from config.exceptions import ApplicationError
from lifecycle import selectors, services
from lifecycle.models import ActionItem, Sprint
from registry import services as registry_services
from tests.conftest import filled
from wiki.services import page_update


@pytest.fixture
def sprint(project, member):
    today = timezone.localdate()
    return services.sprint_create(project=project, starts_on=today - timedelta(days=13),
                                  ends_on=today, goal="Ship the baseline", by=member)


def test_sprints_number_themselves(project, member, sprint):
    second = services.sprint_create(project=project, starts_on=date(2026, 1, 1),
                                    ends_on=date(2026, 1, 14), by=member)
    assert (sprint.number, second.number) == (1, 2)


def test_a_sprint_cannot_end_before_it_starts(project, member):
    with pytest.raises(ValidationError):
        services.sprint_create(project=project, starts_on=date(2026, 2, 1),
                               ends_on=date(2026, 1, 1), by=member)
    assert not Sprint.objects.exists()


def test_the_retrospective_is_prefilled_with_goal_and_changed_assets(project, dataset, member,
                                                                     sprint):
    project.datasets.add(dataset)
    registry_services.dataset_version_add(dataset=dataset, label="2026.11", by=member)

    page = services.retrospective_write(sprint=sprint, by=member)

    assert page.template.kind == "retrospective"
    assert "Ship the baseline" in page.body
    assert f"[[dataset:{dataset.slug}]]" in page.body
    sprint.refresh_from_db()
    assert sprint.retrospective == page
    assert project in page.documents_projects.all()


def test_a_sprint_has_one_retrospective(member, sprint):
    services.retrospective_write(sprint=sprint, by=member)
    with pytest.raises(ApplicationError, match="already"):
        services.retrospective_write(sprint=sprint, by=member)


def test_open_action_items_carry_over_to_the_next_retrospective(project, member, sprint):
    first_retro = services.retrospective_write(sprint=sprint, by=member)
    open_item = services.action_item_add(sprint=sprint, text="Add a holdout set", owner=member,
                                         by=member, due_on=date(2026, 12, 1))
    done = services.action_item_add(sprint=sprint, text="Fix the join", by=member)
    services.action_item_update(item=done, status="done", by=member)
    nxt = services.sprint_create(project=project, starts_on=sprint.ends_on + timedelta(days=1),
                                 ends_on=sprint.ends_on + timedelta(days=14), by=member)

    page = services.retrospective_write(sprint=nxt, by=member)

    assert "Add a holdout set" in page.body
    assert "Fix the join" not in page.body
    assert f"[[{first_retro.title}]]" in page.body
    assert open_item.status == ActionItem.Status.OPEN


def test_an_unknown_action_item_status_is_refused(member, sprint):
    item = services.action_item_add(sprint=sprint, text="Do it", by=member)
    with pytest.raises(ValidationError):
        services.action_item_update(item=item, status="maybe", by=member)
    item.refresh_from_db()
    assert item.status == "open"


def test_overdue_detection(project, member):
    long_ago = timezone.localdate() - timedelta(days=30)
    late = services.sprint_create(project=project, starts_on=long_ago - timedelta(days=14),
                                  ends_on=long_ago, by=member)
    recent = services.sprint_create(project=project, starts_on=timezone.localdate() - timedelta(days=3),
                                    ends_on=timezone.localdate() - timedelta(days=1), by=member)
    assert list(selectors.overdue_retrospectives(user=member)) == [late]
    assert recent not in selectors.overdue_retrospectives(user=member)

    item = services.action_item_add(sprint=late, text="Overdue thing", by=member,
                                    due_on=long_ago)
    assert list(selectors.overdue_action_items(user=member)) == [item]
    page = services.retrospective_write(sprint=late, by=member)
    # Started from the template, it is not written yet: still overdue until filled in.
    assert list(selectors.overdue_retrospectives(user=member)) == [late]
    page_update(page=page, title=page.title, body=filled("retrospective"),
                base_revision=page.revision, by=member)
    assert not selectors.overdue_retrospectives(user=member).exists()


def test_five_working_days_skip_the_weekend():
    friday = date(2026, 11, 27)
    assert selectors.add_working_days(friday, 5) == date(2026, 12, 4)
    # A sprint ending on Friday the 20th is overdue from Saturday the 28th on, not before.
    assert selectors.latest_allowed_end(date(2026, 11, 27)) == date(2026, 11, 20)


def test_a_page_is_stale_when_its_dataset_gets_a_newer_version(dataset, member, write):
    page = write("datasheet", dataset, by=member)
    assert not selectors.stale_pages(user=member).filter(pk=page.pk).exists()
    registry_services.dataset_version_add(dataset=dataset, label="v-next", by=member)
    assert selectors.stale_pages(user=member).filter(pk=page.pk).exists()


def test_private_retrospectives_and_items_stay_private(private_project, member, outsider):
    sprint = services.sprint_create(project=private_project, starts_on=date(2026, 1, 1),
                                    ends_on=date(2026, 1, 14), by=member)
    services.action_item_add(sprint=sprint, text="Secret follow-up", by=member)
    services.retrospective_write(sprint=sprint, by=member)
    assert not ActionItem.objects.visible_to(outsider).exists()
    assert not selectors.overdue_retrospectives(user=outsider).exists()
    assert not selectors.lessons(user=outsider).exists()
    assert selectors.lessons(user=member).exists()


def test_the_prefill_writes_only_what_every_reader_of_the_space_may_see(
        client, project, dataset, private_dataset, member, outsider, sprint, model):
    """Issue #11, finding 13: the project is internal; a dataset it uses lives in a private one."""
    from search import engine

    project.datasets.add(dataset, private_dataset)
    registry_services.dataset_version_add(dataset=dataset, label="2026.11", by=member)
    registry_services.dataset_version_add(dataset=private_dataset, label="2026.11", by=member)

    page = services.retrospective_write(sprint=sprint, by=member)
    assert "[[dataset:transactions]]" in page.body
    assert "secret-data" not in page.body and "Secret data" not in page.body
    client.force_login(outsider)
    assert "secret-data" not in client.get(page.get_absolute_url()).content.decode()
    assert engine.search(user=outsider, q="secret").total == 0


def test_a_model_card_prefill_names_no_dataset_hidden_from_the_readers_of_its_space(
        client, member, model, private_dataset):
    from tests.factories import DatasetVersionFactory, ModelVersionFactory

    hidden = DatasetVersionFactory(dataset=private_dataset, label="v1", created_by=member)
    version = ModelVersionFactory(model=model, number=1, created_by=member)
    version.lineage.create(dataset_version=hidden, use="training")
    client.force_login(member)  # sees the private dataset; the readers of the space do not all
    form = client.get("/wiki/project-fraud/new/?template=model-card&documents=model:scorer")
    body = form.context["form"].initial["body"]
    assert "Facts from Almanac about [[model:scorer]]" in body and "secret-data" not in body
