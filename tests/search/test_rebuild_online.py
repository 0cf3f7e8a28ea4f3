"""rebuild_search_index while the site runs: batches in short transactions, searches find
every object throughout, progress with a total and an ETA, as a task too."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from jobs.models import Progress
from jobs.progress import progress_start
from registry.models import Dataset
from search import engine, index
from search.models import SearchDocument
from search.rebuild import NAME
from search.tasks import rebuild_index
from tests.factories import DatasetFactory


def test_every_object_stays_findable_during_a_rebuild(member, team):
    DatasetFactory.create_batch(7, team=team, name="Ledger entries")
    seen = []

    def check(done: int, total: int, kind: str) -> None:
        seen.append((done, total, engine.search(user=member, q="ledger").total))

    index.rebuild_online(kinds=["dataset"], batch_size=2, progress=check)
    assert [done for done, _, _ in seen] == [2, 4, 6, 7] and {t for _, t, _ in seen} == {7}
    assert {found for _, _, found in seen} == {7}  # never a gap


def test_the_rebuild_removes_documents_of_objects_gone_and_refreshes_stale_ones(member, dataset, team):
    gone = DatasetFactory(team=team, name="Soon gone")
    Dataset.objects.filter(pk=gone.pk).delete()  # no signal: its document stays
    Dataset.objects.filter(pk=dataset.pk).update(name="Renamed quietly")
    index.rebuild_online(kinds=["dataset"])
    assert list(SearchDocument.objects.filter(kind="dataset").values_list("title", flat=True)) == [
        "Renamed quietly"]


def test_the_command_prints_counts_a_total_and_an_eta_and_the_admin_shows_them(
        admin_client, member, team):
    DatasetFactory.create_batch(5, team=team)
    out = StringIO()
    call_command("rebuild_search_index", kind=["dataset"], batch_size=2, stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("2 of 5 (40%)") and "indexing datasets" in lines[0]
    assert lines[-1].startswith("Indexed 5 datasets in")
    run = Progress.objects.get(name=NAME)
    assert run.finished_at is not None and (run.done, run.total) == (5, 5)
    assert "done, 5 of 5" in admin_client.get("/admin/jobs/progress/").content.decode()


def test_the_eta_comes_from_the_rate_so_far(db):
    run = Progress(name="x", done=25, total=100)
    run.started_at = timezone.now() - timedelta(seconds=10)
    run.updated_at = run.started_at + timedelta(seconds=10)
    assert run.eta_seconds() == pytest.approx(30) and run.describe() == "25 of 100 (25%), about 30s left"


def test_a_second_rebuild_while_one_runs_is_refused(db):
    progress_start(name=NAME, total=10)
    with pytest.raises(CommandError, match="already running"):
        call_command("rebuild_search_index")


def test_the_rebuild_runs_as_a_task(member, dataset):
    SearchDocument.objects.all().delete()
    assert rebuild_index(kinds=["dataset"]) == {"dataset": 1}
    assert engine.search(user=member, q=dataset.name.split()[0]).total == 1
