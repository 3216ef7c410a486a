"""Browser fixtures: a real Chromium, a watched page and its BrowserProblems, screenshots.
Every test in this folder is marked `browser`.

The `page` fixture makes a browser test fail when the page logs a console error, throws, or
asks for anything outside 127.0.0.1 (such requests are aborted). A test that expects an error
response (Chromium logs each 4xx/5xx fetch as a console error) declares it first:
`browser_problems.allow_console_error(r"status of 422")`.
"""
from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import sync_playwright

from tests.support.browser import (CHROMIUM, CHROMIUM_ARGS, SCREENSHOTS, BrowserProblems,
                                   watched_page)

HERE = Path(__file__).resolve().parent
BROWSER_PROBLEMS = pytest.StashKey[BrowserProblems]()


def pytest_collection_modifyitems(items):
    """Mark every test in tests/browser `browser`, so `-m "not browser"` leaves them out."""
    for item in items:
        if HERE in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"no Chromium at {CHROMIUM}: run scripts/setup.sh (or set AUTOGRAD_CHROMIUM)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        yield chromium
        chromium.close()


@pytest.fixture
def browser_problems(request):
    """This test's BrowserProblems; call .allow_console_error(regex) before the error happens."""
    problems = BrowserProblems()
    request.node.stash[BROWSER_PROBLEMS] = problems
    return problems


@pytest.fixture
def page(browser, browser_problems):
    """A fresh page (viewport 1280x800) in its own context. The test fails if the page logs a
    console error, throws, or requests anything outside 127.0.0.1 (aborted, never sent)."""
    new_page = watched_page(browser, browser_problems)
    yield new_page
    new_page.context.close()
    report = browser_problems.new_report()
    if report:
        pytest.fail(f"the page reported problems (after the test):\n{report}", pytrace=False)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    """Fail the test itself (not just its teardown) when its page recorded a problem."""
    result = yield
    problems = item.stash.get(BROWSER_PROBLEMS, None)
    if problems is not None:
        page_used = item.funcargs["page"]
        if not page_used.is_closed():
            # Playwright delivers events while it waits: one round trip flushes them.
            try:
                page_used.evaluate("0")
            except PlaywrightError:
                pass  # mid-navigation: whatever is pending surfaces at teardown
        report = problems.new_report()
        if report:
            pytest.fail(f"the page reported problems:\n{report}", pytrace=False)
    return result


@pytest.fixture(scope="session")
def screenshots():
    """The folder for screenshots (tests/screenshots, ignored by git), created."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
