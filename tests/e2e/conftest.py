"""End-to-end tests: a real Chromium, driven by Playwright, against pytest-django's live server.

The browser is Debian's chromium (`playwright install` cannot download browsers here). Without
it the tests are skipped, unless REQUIRE_BROWSER=1 asks for them to fail instead (CI sets it, so
a missing browser can never pass silently).
"""

import os
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread, and Django refuses ORM calls from a
# thread with a running loop unless told otherwise.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config, items):
    # This hook sees every collected item, not only this folder's: mark ours alone.
    for item in items:
        if HERE in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.browser)


def _unavailable(reason: str):
    if os.environ.get("REQUIRE_BROWSER") == "1":
        pytest.fail(f"REQUIRE_BROWSER=1 but {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        _unavailable(f"Playwright for Python cannot be imported ({exc}).")
    if not CHROMIUM.exists():
        _unavailable(f"no Chromium at {CHROMIUM} (apt-get install -y chromium).")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def new_page(browser, live_server):
    """Open a page in a fresh context (its own cookies: a separate visitor); closed after."""
    contexts = []

    def open_page(**context_options):
        context_options.setdefault("base_url", live_server.url)
        context = browser.new_context(**context_options)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()


@pytest.fixture
def live_demo(live_server):
    """The demo for a live-server test: seeded for the test, flushed after it with everything
    else it wrote; the seed article. Demo accounts sign in with tests/conftest.py's
    DEMO_PASSWORD."""
    from articles.models import Article
    from tests.conftest import SEED_SLUG, demo_seed

    demo_seed()
    return Article.objects.get(slug=SEED_SLUG)
