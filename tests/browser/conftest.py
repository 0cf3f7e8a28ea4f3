"""A real Chromium (Debian's) driven by Playwright against a live server."""

import os
import shutil

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
# to set up data are synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    if CHROMIUM:
        return
    skip = pytest.mark.skip(reason="needs Chromium: apt-get install -y chromium (.ci/run does)")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _reference_data(request):
    """Browser tests run in flushed transactional databases: put back the rows that data
    migrations install (roles, templates, gate requirements), with the same functions."""
    if "transactional_db" not in request.fixturenames and "live_server" not in request.fixturenames:
        return
    from importlib import import_module
    from types import SimpleNamespace

    from django.apps import apps
    from django.db import connection

    request.getfixturevalue("transactional_db")
    # the functions write to the database their schema editor is connected to
    editor = SimpleNamespace(connection=connection)
    for module, function in [("registry.migrations.0002_default_roles", "add_roles"),
                             ("wiki.migrations.0002_builtin_templates_and_global_space", "install"),
                             ("lifecycle.migrations.0002_default_requirements", "add_defaults")]:
        getattr(import_module(module), function)(apps, editor)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync"],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def sign_in(page):
    def sign_in(username: str, password: str = "pw") -> None:
        page.goto("/accounts/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        page.click("button[type=submit]")
        page.wait_for_url(lambda url: "/accounts/login/" not in url)

    return sign_in
