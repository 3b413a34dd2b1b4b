"""Browser tests: Playwright (sync API) driving Debian's Chromium against pytest-django's live server.

Run them with `pytest -m e2e` (scripts/test.sh does, on SQLite). Never `playwright install`: the
browser is the system one, /usr/bin/chromium (apt package `chromium`), or $CHAINSERVE_CHROMIUM.

Fixtures: `browser` (one Chromium per process), `page` (a fresh context per test, zh-CN, 1440×900;
fails the test on an uncaught JavaScript error; screenshot to $E2E_SHOTS_DIR on failure), `demo`
(the demo cluster in the test database), `login(username[, password])` (through the login form),
`listed()` (names in the list page's first column), `shot(name)` (a full-page PNG).

Every test gets a fresh database: live_server implies transactional_db, which empties the tables
after each test. `demo` puts the demo cluster back for each test (see there).
"""

import os
import re
import shutil
import sqlite3
from pathlib import Path

import pytest

# Playwright's sync API keeps an asyncio loop running in this thread; Django would otherwise refuse
# ORM calls made from the test code ("You cannot call this from an async context").
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
# Serve on the IPv4 loopback: no guessing between ::1 and 127.0.0.1 for "localhost".
os.environ.setdefault("DJANGO_LIVE_TEST_SERVER_ADDRESS", "127.0.0.1")

CHROMIUM = os.environ.get("CHAINSERVE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",  # we may run as root in CI containers
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SHOTS = Path(os.environ.get("E2E_SHOTS_DIR", "/tmp/shots"))
PASSWORD = "chainserve-demo"
TIMEOUT_MS = 15_000


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    # Everything under tests/e2e is a browser test, marked or not.
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.e2e)


def _browser_missing_reason():
    if shutil.which(CHROMIUM) or (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        return None
    return f"Chromium not found at {CHROMIUM} (apt-get install chromium, or set CHAINSERVE_CHROMIUM)"


@pytest.fixture(scope="session")
def browser(django_db_setup):
    reason = _browser_missing_reason()
    if reason:
        # In CI (and under scripts/test.sh) a missing browser is a failure, never a silent skip.
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"} or os.environ.get("E2E_REQUIRE_BROWSER"):
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    from django.db import connections
    from playwright.sync_api import sync_playwright

    before = {alias: connections[alias] for alias in connections}
    with sync_playwright() as pw:
        _carry_over_test_db_state(before)
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _carry_over_test_db_state(before):
    """Once Playwright's event loop runs in this thread, Django's connection handler (an asgiref Local,
    thread-critical) stores connections per async context instead of per thread, so the test code gets
    new connection objects to the same test database. The one made at setup holds the serialized
    contents that serialized rollback restores between tests: hand it to the new one."""
    from django.db import connections

    for alias, old in before.items():
        new = connections[alias]
        if new is not old and hasattr(old, "_test_serialized_contents"):
            new._test_serialized_contents = old._test_serialized_contents


@pytest.fixture
def page(browser, live_server, request):
    """A fresh browser context (no cookies) per test, in Chinese like a real user's, failing on JS errors."""
    context = browser.new_context(
        base_url=live_server.url,
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
        viewport={"width": 1440, "height": 900},
    )
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.js_errors = []
    page.on("pageerror", lambda exc: page.js_errors.append(str(exc)))
    yield page
    failed = getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed
    if failed:
        SHOTS.mkdir(parents=True, exist_ok=True)
        try:
            page.screenshot(path=str(SHOTS / f"FAILED-{_slug(request.node.name)}.png"), full_page=True)
        except Exception:  # noqa: BLE001 — a screenshot must not hide the real failure
            pass
    errors = list(page.js_errors)
    context.close()
    if not failed:
        assert errors == [], f"JavaScript errors on the page: {errors}"


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    rep = yield
    setattr(item, f"rep_{rep.when}", rep)
    return rep


_DEMO_SNAPSHOTS = {}  # alias -> an in-memory SQLite copy of the test database with the demo loaded


@pytest.fixture
def demo(transactional_db, django_db_serialized_rollback, settings, tmp_path):
    """The demo cluster in a fresh database; uploads go to a temporary MEDIA_ROOT.

    The live server needs real commits, so each test's tables are emptied afterwards; serialized
    rollback puts back what data migrations seeded (calendars, categories …) before the next test.
    Loading the demo takes seconds, so on SQLite's in-memory test database it is loaded once per
    process and copied back (SQLite's backup API, milliseconds) for the following tests; elsewhere
    it is loaded for every test."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection

    from chainserve.demo import load_demo

    settings.MEDIA_ROOT = str(tmp_path / "media")
    if connection.vendor != "sqlite" or not connection.is_in_memory_db() or os.environ.get("E2E_NO_SNAPSHOT"):
        assert load_demo() is True
        return True
    connection.ensure_connection()
    snapshot = _DEMO_SNAPSHOTS.get(connection.alias)
    if snapshot is None:
        assert load_demo() is True
        snapshot = sqlite3.connect(":memory:", check_same_thread=False)
        connection.connection.backup(snapshot)
        _DEMO_SNAPSHOTS[connection.alias] = snapshot
    else:
        snapshot.backup(connection.connection)
        ContentType.objects.clear_cache()
        assert load_demo() is False  # the demo is there: loading it again changes nothing
    return True


@pytest.fixture
def login(page):
    """Log in through the login form; returns the page, on the page the login led to."""

    def do_login(username, password=PASSWORD):
        page.goto("/accounts/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        with page.expect_navigation():
            page.click("main form button[type=submit]")
        return page

    return do_login


@pytest.fixture
def switch(page, login):
    """Log out and log in as another user."""

    def do_switch(username):
        # Leave the page first: a response still on its way (the last form's redirect) would otherwise set the
        # old session's CSRF cookie after the cookies are cleared, and the login form would be refused.
        page.goto("about:blank")
        page.context.clear_cookies()
        return login(username)

    return do_switch


@pytest.fixture
def listed(page):
    """The names in the first column of the list page's table, in page order."""

    def names():
        return page.locator("main table tbody tr td:first-child a").all_inner_texts()

    return names


@pytest.fixture
def shot(page):
    """Save a full-page screenshot under E2E_SHOTS_DIR (/tmp/shots) and return its path."""

    def take(name):
        SHOTS.mkdir(parents=True, exist_ok=True)
        path = SHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


def _slug(text):
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", text)[:120]
