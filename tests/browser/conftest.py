"""Fixtures for the browser tests (``pytest -m browser``).

- ``browser``: one headless Debian Chromium for the whole session (no Playwright browser download);
- ``new_page()``: opens a page in a fresh browser context (own cookies) against the live server;
  ``page`` is the first such page (viewport 1366×900);
- ``log_in(page, username)``: logs in through the real login form; ``logged_in_page`` is ``page``
  logged in as ``user`` (a member of team "East" who owns nothing yet);
- the default sales process exists in every test (``default_sales_process``), as after migrating;
- ``shot(page, step)``: saves ``test-artifacts/screenshots/<test>-<step>.png``. Every page opened by a
  test is also captured as ``<test>-failure[-N].png`` when the test fails.

Playwright's sync API keeps an asyncio loop running in the test thread, so Django's async-safety
check would refuse ORM calls made from the tests: DJANGO_ALLOW_ASYNC_UNSAFE is set while the browser
session is alive (and restored afterwards, so other suites run with the check on).
"""

import os
import re
from pathlib import Path

import pytest

from kam.accounts.tests.factories import TeamFactory, UserFactory
from kam.pipeline.defaults import create_default_process
from kam.pipeline.models import SalesAid, SalesProcess, Stage, StageCriterion

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
PASSWORD = "pw-for-tests-1"  # UserFactory's password
CHROMIUM = os.environ.get("KAM_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DESKTOP = {"width": 1366, "height": 900}
TIMEOUT_MS = 10_000

HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config, items):
    """Everything in tests/browser is a browser test, even if a module forgets its marker."""
    for item in items:
        if HERE in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"kam_report_{report.when}", report)


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", text).strip("_")


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import expect, sync_playwright

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    expect.set_options(timeout=TIMEOUT_MS)
    playwright = sync_playwright().start()
    chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    try:
        yield chromium
    finally:
        chromium.close()
        playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def test_name(request) -> str:
    return _slug(request.node.name)


@pytest.fixture
def shot(test_name):
    """``shot(page, "step")`` → test-artifacts/screenshots/<test>-<step>.png (the whole page)."""

    def _shot(page, step: str, *, full_page: bool = True) -> Path:
        path = SCREENSHOTS / f"{test_name}-{_slug(step)}.png"
        page.screenshot(path=str(path), full_page=full_page)
        return path

    return _shot


@pytest.fixture
def new_page(browser, live_server, transactional_db, request, test_name):
    """``new_page(viewport=…)``: a page in a fresh context (its own session) on the live server.

    It depends on the database fixture so that its browsers close *before* the database is flushed:
    a request still in flight would otherwise lock a table during the flush.
    """
    for old in SCREENSHOTS.glob(f"{test_name}-*.png"):
        old.unlink()
    contexts, pages, js_errors = [], [], []

    def _opened(page):
        pages.append(page)
        page.on("pageerror", lambda error: js_errors.append(f"{page.url}: {error}"))

    def _new_page(*, viewport=None, **context_options):
        context = browser.new_context(
            base_url=live_server.url,
            viewport=viewport or DESKTOP,
            timezone_id="Asia/Shanghai",
            **{"locale": "en-US", **context_options},
        )
        context.set_default_timeout(TIMEOUT_MS)
        context.on("page", _opened)
        contexts.append(context)
        return context.new_page()

    yield _new_page

    reports = [getattr(request.node, f"kam_report_{when}", None) for when in ("setup", "call")]
    if any(report is not None and report.failed for report in reports):
        for index, page in enumerate(pages):
            suffix = "" if index == 0 else f"-{index + 1}"
            try:
                page.screenshot(path=str(SCREENSHOTS / f"{test_name}-failure{suffix}.png"), full_page=True)
            except Exception:  # noqa: BLE001 - a failed capture must not hide the test's own failure
                pass
    for context in contexts:
        context.close()
    if reports[1] is not None and reports[1].passed:
        assert not js_errors, f"JavaScript errors in the page: {js_errors}"


@pytest.fixture
def page(new_page):
    return new_page()


@pytest.fixture
def log_in():
    """``log_in(page, username, password=…)`` through the real login form; ends on the dashboard."""

    def _log_in(page, username: str, password: str = PASSWORD):
        page.goto("/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        with page.expect_navigation():
            page.locator("form button[type=submit]").click()
        assert not page.url.rstrip("/").endswith("/login"), f"login failed for {username}: {page.url}"
        return page

    return _log_in


@pytest.fixture(autouse=True)
def default_sales_process(transactional_db):
    """The default sales process the data migration made: the flush after each browser test removes it."""
    if not SalesProcess.objects.exists():
        create_default_process(
            SalesProcess=SalesProcess, Stage=Stage, StageCriterion=StageCriterion, SalesAid=SalesAid
        )


@pytest.fixture
def team(transactional_db):
    return TeamFactory(name="East")


@pytest.fixture
def user(team):
    """A sales member of team East; owns nothing yet."""
    return UserFactory(username="anna", full_name="Anna Li", role="member", team=team)


@pytest.fixture
def logged_in_page(page, user, log_in):
    return log_in(page, user.username)
