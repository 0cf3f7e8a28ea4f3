"""tests/routes.py lists every web UI route, and a route it cannot fill stops the tests."""

from types import ModuleType

import pytest
from django.urls import path

from config.urls import urlpatterns
from tests import routes


def test_every_pattern_outside_the_api_and_admin_is_listed():
    listed = {p.route for p in routes.ui_patterns()}
    assert {"projects/<slug:slug>/", "wiki/<space:space>/<slug:slug>/edit/", "datasets/",
            "accounts/login/", ""} <= listed
    assert not [r for r in listed if r.startswith(("api/", "admin/"))]


def test_a_page_without_a_filler_fails_the_walk(monkeypatch):
    monkeypatch.delitem(routes.PARAMETERS, "registry:project_detail")
    with pytest.raises(routes.UnfilledRoute, match=r"projects/<slug:slug>/ \(registry:project_detail\)"):
        routes.ui_routes(objects=None)


def test_a_new_page_is_picked_up_from_the_resolver(settings):
    def report(request, slug):
        raise AssertionError("only listed, never requested")

    urls = ModuleType("urls_with_a_new_page")
    urls.urlpatterns = [path("reports/<slug:slug>/", report, name="report"), *urlpatterns]
    settings.ROOT_URLCONF = urls
    with pytest.raises(routes.UnfilledRoute, match=r"reports/<slug:slug>/ \(report\)"):
        routes.ui_routes(objects=None)
