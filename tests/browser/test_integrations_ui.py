"""A steward maps the datasets OpenLineage events named to the datasets they are."""

import pytest
from django.utils import timezone

from integrations.models import UnmappedDataset
from tests.browser.axe import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_steward_maps_an_unknown_dataset(page, sign_in, member, dataset):
    UnmappedDataset.objects.create(namespace="postgres://warehouse:5432", name="shop.public.orders",
                                   reported_by=member, job_name="train", last_seen_at=timezone.now())
    sign_in("member")
    page.goto("/integrations/openlineage/unmapped/")
    assert "postgres://warehouse:5432/shop.public.orders" in page.locator("#unmapped").inner_text()
    assert_accessible(page)

    page.get_by_label("Dataset slug for postgres://warehouse:5432/shop.public.orders").fill("nothing-here")
    page.click("#unmapped button[type=submit]")
    assert "No dataset with this slug that you may edit." in page.locator("#unmapped").inner_text()
    assert_accessible(page, state="map form with an error")

    page.get_by_label("Dataset slug for postgres://warehouse:5432/shop.public.orders").fill(dataset.slug)
    page.click("#unmapped button[type=submit]")
    assert "is now the source location of" in page.content()
    assert "Nothing to map" in page.locator("#unmapped").inner_text()
    assert_accessible(page, state="after mapping")
    dataset.refresh_from_db()
    assert dataset.source_uri == "postgres://warehouse:5432/shop.public.orders"
