"""The model registry's pages in the states that matter pass axe: a model with its metric
charts, aliases and live version; a version with its checklist, inherited caveats and alias
form; a dataset version with caveats; the version search filtered and refused; a comparison."""

from io import StringIO

import pytest
from django.core.management import call_command

from tests.browser.axe import assert_accessible, requires_axe
from tests.browser.test_accessibility import _sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), requires_axe]


def test_the_model_registry_pages_pass_axe(page):
    call_command("seed_demo", stdout=StringIO())
    _sign_in(page, "demo")
    for url, state in [
        ("/models/", "models with production version and aliases"),
        ("/models/fraud-scorer/", "metric charts, aliases"),
        ("/models/fraud-scorer/versions/5/", "checklist refused by a caveat, alias form"),
        ("/datasets/card-transactions/versions/2026.12/", "an open caveat, raise form"),
        ("/model-versions/?tag=pipeline%3Dnightly&metric=auc%3E%3D0.9&sort=-metric.auc", "filtered"),
        ("/model-versions/?metric=auc+is+high", "a filter it cannot read"),
        ("/models/fraud-scorer/compare/?versions=3,4,5", "three versions compared"),
        ("/models/fraud-scorer/compare/?versions=3,99", "an unknown version"),
    ]:
        page.goto(url)
        assert_accessible(page, state=state)
    page.goto("/datasets/card-transactions/versions/2026.12/")
    page.fill("#id_text", " ")
    page.click("#raise-caveat button[type=submit]")
    assert_accessible(page, state="raise form with an error")
