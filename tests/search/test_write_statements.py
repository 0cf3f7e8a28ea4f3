"""Writes do their work once: each write indexes its target once, when its transaction
commits, whatever verbs it records; statement counts of one request per common write, pinned.

Statements per request (UI form POST, the commit hook's indexing included, the content-type
cache cleared first, background tasks left to a worker; SQLite / PostgreSQL where they differ —
PostgreSQL locks the documents it replaces, one statement per batch, and a save whose
IntegrityError is answered takes a savepoint there, two statements; since Part 9 a write that
queues a notification task adds 2, its outbox row and the UPDATE that marks it sent):

    write                                    before    after
    page edit                                  68        21/22  (15 outside search and the outbox:
                                                              the page, its space and the space's
                                                              owner in one query, one write check,
                                                              the page's documents by one UNION;
                                                              it also unlinks the page's project;
                                                              a body-only edit: 21)
    stage move                                 51/52     29/30  (28/29 + webhooks' subscribed teams)
    stage move, project uses 1 or 4 datasets   64/65     39/41
    model create                               20        13/15
    model version create                       15/17     16/19  (+2 outbox; PG locks the model)
    dataset version create                     19        12/14  (+2 outbox)
"""

import threading
import time

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from registry import services
from registry.models import DatasetVersion, MLModel, ModelVersion, Project
from search import engine
from search.models import SearchDocument
from tests.factories import DatasetFactory
from wiki.refs import DocRef

# A write that is a webhook event reads which teams subscribe to webhooks, once per 30 s per
# process (webhooks.services.subscribed_team_ids): counted here, as the content types are.
# A write that queues background work (notifications) pays 2 for it: the outbox row, and its
# publication after commit.
BUDGETS = {"page edit": 19 + 2, "stage move": 29, "model create": 13, "model version create": 14 + 2,
           "dataset version create": 10 + 2}


def _locks(batches=1):
    """The row lock PostgreSQL takes on the documents a flush replaces, per batch."""
    return batches if connection.vendor == "postgresql" else 0


def _savepoint():
    """PostgreSQL aborts a transaction on an IntegrityError: a save that answers one takes a
    savepoint there (SQLite undoes the one statement)."""
    return 2 if connection.vendor == "postgresql" else 0


class _Sent:
    """A task the outbox hands to a broker: the worker runs it, not the request."""

    def apply_async(self, **options):
        return None


@pytest.fixture(autouse=True)
def _tasks_run_in_a_worker(monkeypatch):
    """The request's own statements: its outbox row and its publication count (2 a task), the
    task's work does not (the tests' settings run tasks in-process, a deployment in a worker)."""
    from jobs import outbox

    monkeypatch.setattr(outbox, "find_task", lambda name: _Sent())


def _post(client, url, data, budget):
    ContentType.objects.clear_cache()  # read once per process: counted, so every run counts alike
    with CaptureQueriesContext(connection) as captured:
        response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert len(captured) <= budget, "\n".join(q["sql"][:200] for q in captured.captured_queries)
    return [q["sql"] for q in captured.captured_queries]


def _index_writes(statements):
    return [s for s in statements if s.startswith(("INSERT INTO \"search_searchdocument\"",
                                                   "UPDATE \"search_searchdocument\"",
                                                   "DELETE FROM \"search_searchdocument\""))]


@pytest.fixture
def charter(write, project, member):
    return write("project-charter", project, by=member)


def test_a_page_edit_writes_its_document_once(client, member, charter):
    client.force_login(member)
    statements = _post(client, f"{charter.get_absolute_url()}edit/", {
        "title": charter.title, "body": charter.body + "\n\nA new word: zeppelin.",
        "base_revision": charter.revision, "summary": "", "tags": "", "documents": "",
        "parent": ""}, BUDGETS["page edit"] + _locks())
    assert len(_index_writes(statements)) == 1  # saved, re-linked, logged: indexed once
    assert [h.title for h in engine.search(user=member, q="zeppelin").hits] == [charter.title]


def test_a_body_only_edit_costs_no_more(client, member, project, charter):
    client.force_login(member)
    statements = _post(client, f"{charter.get_absolute_url()}edit/", {
        "title": charter.title, "body": charter.body + "\n\nA new word: zeppelin.",
        "base_revision": charter.revision, "summary": "", "tags": "",
        "documents": str(DocRef.of(project)), "parent": ""}, BUDGETS["page edit"] + _locks())
    assert len(_index_writes(statements)) == 1
    assert list(charter.documents_projects.all()) == [project]


def test_a_stage_move_writes_the_project_document_once(client, member, project, charter):
    client.force_login(member)
    statements = _post(client, f"/projects/{project.slug}/transition/", {"stage": "data_discovery"},
                       BUDGETS["stage move"] + _locks())
    assert Project.objects.get(pk=project.pk).stage == "data_discovery"
    assert len(_index_writes(statements)) == 1


@pytest.mark.parametrize("used", [1, 4])
def test_a_stage_move_rewrites_the_datasets_it_shows_on_in_one_batch(client, member, team, project,
                                                                     charter, used):
    datasets = [DatasetFactory(team=team, name=f"Used {n}") for n in range(used)]
    project.datasets.add(*datasets)
    client.force_login(member)
    statements = _post(client, f"/projects/{project.slug}/transition/", {"stage": "data_discovery"},
                       BUDGETS["stage move"] + 10 + _locks(2))  # the same whatever the number of datasets
    assert len(_index_writes(statements)) == 2  # the project's row, and one UPDATE for the datasets
    found = engine.search(user=member, types=["dataset"], filters={"stage": ["data_discovery"]})
    assert sorted(h.title for h in found.hits) == sorted(d.name for d in datasets)


def test_model_create(client, member, project):
    client.force_login(member)
    statements = _post(client, "/models/new/", {
        "slug": "ranker", "name": "Ranker", "task": "ranking", "framework": "torch",
        "project": project.pk, "description": "Ranks things."}, BUDGETS["model create"] + _savepoint())
    assert MLModel.objects.filter(slug="ranker").exists()
    assert len(_index_writes(statements)) == 1
    assert [h.title for h in engine.search(user=member, q="ranker").hits] == ["Ranker"]


def test_model_version_create(client, member, model, dataset_version):
    client.force_login(member)
    _post(client, f"/models/{model.slug}/versions/new/", {
        "status": "candidate", "metrics": '{"auc": 0.91}', "training_data": [dataset_version.pk]},
        BUDGETS["model version create"] + _savepoint() + _locks())  # the model's row, numbering
    assert ModelVersion.objects.filter(model=model).exists()


def test_dataset_version_create(client, member, dataset):
    client.force_login(member)
    _post(client, f"/datasets/{dataset.slug}/versions/new/", {"label": "v9", "row_count": "10"},
          BUDGETS["dataset version create"] + _savepoint())
    assert DatasetVersion.objects.filter(dataset=dataset).exists()


def test_a_write_that_rolls_back_leaves_the_index_as_it_was(member, team):
    with pytest.raises(RuntimeError), transaction.atomic():
        services.dataset_create(slug="ghost", name="Ghost", team=team, by=member)
        raise RuntimeError
    assert not SearchDocument.objects.filter(slug="ghost").exists()
    assert engine.search(user=member, q="ghost").total == 0


def test_a_search_inside_the_writing_transaction_reads_its_writes(member, team):
    with transaction.atomic():
        dataset = services.dataset_create(slug="orders", name="Orders", team=team, by=member,
                                          tags=["retail"])
        services.dataset_update(dataset=dataset, by=member, name="Purchases")
        assert [h.title for h in engine.search(user=member, q="purchases").hits] == ["Purchases"]
        services.dataset_update(dataset=dataset, by=member, tags=["grocery"])
    assert engine.search(user=member, types=["dataset"], filters={"tag": ["grocery"]}).total == 1
    assert SearchDocument.objects.filter(slug="orders").count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_transactions_indexing_one_object_take_turns(team):
    from django.db import connections

    from registry.models import Dataset, Tag
    from search import index
    from search.models import SearchFacet, SearchFacetCount

    dataset = DatasetFactory(team=team, slug="shared", name="Shared")
    # a tag added without a signal: the index is stale, so both flushes rewrite the facets
    Dataset.tags.through.objects.create(dataset=dataset, tag=Tag.objects.create(name="late"))
    barrier = threading.Barrier(2, timeout=10)
    errors = []

    def flush_in_a_transaction():
        try:
            with transaction.atomic():
                index.mark("dataset", [dataset.pk])
                barrier.wait()
                index.flush()
                time.sleep(0.2)  # hold the transaction open while the other one flushes
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=flush_in_a_transaction) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    rows = list(SearchFacet.objects.filter(document__object_id=dataset.pk, document__kind="dataset",
                                           facet="tag").values_list("value", flat=True))
    assert rows == ["late"]  # written once, not once per transaction
    assert SearchFacetCount.objects.get(kind="dataset", facet="tag", value="late").n == 1
