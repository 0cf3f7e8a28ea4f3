"""Every model has an admin page that opens, with data in it."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.core.management import call_command
from django.urls import reverse

OUR_APPS = {"registry", "wiki", "lifecycle", "accounts", "search", "integrations"}


def test_every_model_of_ours_is_in_the_admin():
    missing = [m._meta.label for app in OUR_APPS - {"search"} for m in apps.get_app_config(app).get_models()
               if m not in admin.site._registry and not m._meta.auto_created]
    assert missing == []


@pytest.mark.django_db
def test_every_admin_list_and_change_page_opens_on_demo_data(client):
    from tests.factories import PersonFactory

    call_command("seed_demo")
    client.force_login(PersonFactory(username="root", is_staff=True, is_superuser=True))
    for model in admin.site._registry:
        if model._meta.app_label not in OUR_APPS:
            continue
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        assert client.get(reverse(f"{prefix}_changelist")).status_code == 200, prefix
        first = model.objects.first()
        if first is not None:
            assert client.get(reverse(f"{prefix}_change", args=[first.pk])).status_code == 200, prefix
