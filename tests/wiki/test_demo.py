"""The demo wiki: linked pages on the seeded assets, idempotent."""

from django.core.management import call_command

from wiki.demo import seed_wiki_demo
from wiki.models import Page, PageLink
from wiki.selectors import pages_documenting


def test_seed_demo_adds_linked_wiki_pages_once(db, client):
    call_command("seed_demo")
    count = Page.objects.count()
    seed_wiki_demo()

    assert Page.objects.count() == count >= 9
    kinds = set(Page.objects.values_list("template__kind", flat=True))
    assert {"model-card", "datasheet", "feasibility-assessment", "project-charter",
            "retrospective"} <= kinds
    assert Page.objects.filter(template__kind="retrospective").count() >= 3
    assert PageLink.objects.filter(to_page__isnull=False).exists()
    assert PageLink.objects.filter(to_dataset__slug="card-transactions").exists()
    from registry.models import MLModel
    assert pages_documenting(MLModel.objects.get(slug="fraud-scorer"),
                             template_kind="model-card").exists()

    assert client.login(username="demo", password="demo")
    html = client.get("/models/fraud-scorer/").content.decode()
    assert "Fraud scorer: model card" in html
    card = client.get("/wiki/project-card-fraud-detection/model-card-fraud-scorer/")
    assert card.status_code == 200
    assert 'class="wikilink" href="/wiki/project-card-fraud-detection/datasheet-card-transactions/"' \
        in card.content.decode()
