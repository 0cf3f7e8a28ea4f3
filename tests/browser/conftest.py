"""A real Chromium (Debian's) driven by Playwright against a live server."""

import contextlib
import os
import re
import shutil
from pathlib import Path

import pytest

from tests.browser.axe import assert_accessible

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

# Where each browser test leaves a screenshot of every page it opened (CI keeps the folder).
ARTIFACTS = Path(os.environ.get("ALMANAC_ARTIFACTS", "test-artifacts")) / "screenshots"

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


def save_screenshots(request, context, label: str = "") -> None:
    """A full-page screenshot of each page still open in `context`, named after the test
    (and `label`, when one test drives several browsers)."""
    name = re.sub(r"[^A-Za-z0-9_.-]+", "-", request.node.name + (f"-{label}" if label else "")).strip("-")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for number, open_page in enumerate(context.pages, start=1):
        suffix = f"-{number}" if len(context.pages) > 1 else ""
        # a page that crashed must not hide the test's own failure
        with contextlib.suppress(Exception):
            open_page.screenshot(path=str(ARTIFACTS / f"{name}{suffix}.png"), full_page=True)


def _refused_by_policy(message) -> bool:
    """A console message of Chromium's saying the Content-Security-Policy refused one of our
    own scripts or styles (a refused remote image in markdown is the policy working)."""
    text = message.text
    return "Content Security Policy" in text and ("script-src" in text or "style-src" in text)


@pytest.fixture
def page(browser, live_server, request):
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(10_000)
    refused: list[str] = []
    page.on("console", lambda message: refused.append(message.text) if _refused_by_policy(message) else None)
    yield page
    save_screenshots(request, context)
    context.close()
    assert refused == [], "the Content-Security-Policy refused scripts or styles of ours"


@pytest.fixture
def sign_in(page):
    def sign_in(username: str, password: str = "pw") -> None:
        page.goto("/accounts/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        page.click("button[type=submit]")
        page.wait_for_url(lambda url: "/accounts/login/" not in url)

    return sign_in


@pytest.fixture
def browser_of(browser, live_server, request):
    """A browser of its own for each person, signed in; all closed when the test ends (so no
    request of theirs reaches the live server after its database is gone)."""
    contexts = []

    def browser_of(username: str):
        context = browser.new_context(base_url=live_server.url)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.goto("/accounts/login/")
        assert_accessible(page)
        page.fill("#id_username", username)
        page.fill("#id_password", "pw")
        page.click("button[type=submit]")
        page.wait_for_url(lambda url: "/accounts/login/" not in url)
        return page

    yield browser_of
    for number, context in enumerate(contexts, start=1):
        save_screenshots(request, context, label=f"person-{number}")
        context.close()
