"""rebuild_search_index and seed_scale."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from registry.models import Dataset
from search import engine
from search.models import SearchDocument, SearchFacet


def test_rebuild_restores_a_lost_or_stale_index(member, dataset, project, model):
    SearchDocument.objects.all().delete()
    Dataset.objects.filter(pk=dataset.pk).update(name="Renamed quietly")  # no signal
    assert engine.search(user=member, q="renamed").total == 0
    out = StringIO()
    call_command("rebuild_search_index", stdout=out)
    assert "1 datasets" in out.getvalue()
    assert [h.title for h in engine.search(user=member, q="renamed").hits] == ["Renamed quietly"]
    assert SearchDocument.objects.count() == 3
    assert SearchFacet.objects.filter(facet="kind").count() == 3


def test_rebuild_refuses_an_unknown_kind(db):
    with pytest.raises(CommandError, match="Unknown kind"):
        call_command("rebuild_search_index", kind=["spaceship"])


def test_seed_scale_fills_and_indexes_in_bulk(member):
    out = StringIO()
    call_command("seed_scale", datasets=120, pages=5, batch_size=50, stdout=out)
    assert Dataset.objects.count() == 120
    assert SearchDocument.objects.filter(kind="dataset").count() == 120
    assert SearchDocument.objects.filter(kind__in=["page", "retrospective"]).count() == 5
    assert engine.search(user=member, types=["dataset"]).total > 0
    call_command("seed_scale", datasets=10, stdout=StringIO())  # runs again with new slugs
    assert Dataset.objects.count() == 130
