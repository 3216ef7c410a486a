"""Shared fixtures: the app and its test client, a live server, a real Chromium page, the
lecture's examples, and run_axe for accessibility checks.

The `page` fixture makes a browser test fail when the page logs a console error, throws, or
asks for anything outside 127.0.0.1 (such requests are aborted). A test that expects an error
response (Chromium logs each 4xx/5xx fetch as a console error) declares it first:
`browser_problems.allow_console_error(r"status of 422")`.
"""
import json
import os
import re
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

from webapp import create_app

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
SCREENSHOTS = REPO / "tests" / "screenshots"
AXE_JS = REPO / "tests" / "vendor" / "axe-core-4.14.1" / "axe.min.js"

# Debian's Chromium: `playwright install` cannot download its own browsers here.
CHROMIUM = os.environ.get("AUTOGRAD_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]
LOCAL_SCHEMES = {"data", "blob", "about"}
LOCAL_HOST = "127.0.0.1"


@pytest.fixture
def app():
    return create_app({"TESTING": True})


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture(scope="session")
def live_server():
    """The base URL ("http://127.0.0.1:PORT") of the app served from a thread.

    A thread, not a process: forking after torch is imported is unsafe.
    """
    # A whole test suite comes from one address: the rate limit is tested on its own.
    app = create_app({"TESTING": True, "AUTOGRAD_RATE_LIMIT": "100000 per minute"})
    server = make_server(LOCAL_HOST, 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live_server", daemon=True)
    thread.start()
    yield f"http://{LOCAL_HOST}:{server.server_port}"
    server.shutdown()
    thread.join()
    server.server_close()


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


class BrowserProblems:
    """What went wrong in a page during one test: console errors, uncaught errors, and
    requests that tried to leave 127.0.0.1."""

    def __init__(self):
        self.found = {"console errors": [], "page errors": [], "outside requests": []}
        self.reported = 0
        self.allowed_console = []

    def allow_console_error(self, pattern):
        """Accept console errors matching this regex: Chromium logs every 4xx/5xx fetch as
        "Failed to load resource: ... status of 422", which a test of an error message expects."""
        self.allowed_console.append(re.compile(pattern))

    def record(self, kind, text):
        if kind == "console errors" and any(p.search(text) for p in self.allowed_console):
            return
        self.found[kind].append(text)

    def new_report(self):
        """A description of everything recorded since the last report, or ''."""
        lines = [f"{kind}: {text}" for kind, texts in self.found.items() for text in texts]
        fresh, self.reported = lines[self.reported:], len(lines)
        return "\n".join(fresh)


BROWSER_PROBLEMS = pytest.StashKey[BrowserProblems]()


def is_local(url):
    parts = urlsplit(url)
    return parts.scheme in LOCAL_SCHEMES or parts.hostname == LOCAL_HOST


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
    problems = browser_problems

    def keep_local(route):
        if is_local(route.request.url):
            route.continue_()
        else:
            problems.record("outside requests", route.request.url)
            route.abort()

    context = browser.new_context(viewport={"width": 1280, "height": 800})
    context.route("**/*", keep_local)
    new_page = context.new_page()
    new_page.on(
        "console",
        lambda message: message.type == "error"
        and problems.record("console errors", f"{message.text} at {message.location}"),
    )
    new_page.on("pageerror", lambda error: problems.record("page errors", str(error)))
    yield new_page
    context.close()
    report = problems.new_report()
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


@pytest.fixture(scope="session")
def lecture_examples():
    """The lecture's programs from ../shared/lecture_examples.json: the "examples" list."""
    path = SHARED / "lecture_examples.json"
    if not path.exists():
        pytest.skip(f"{path} is absent (the shared folder sits beside the repository)")
    return json.loads(path.read_text(encoding="utf-8"))["examples"]


def run_axe(page):
    """Run axe-core on the page's current document; return its list of violations.

    axe is injected through page.evaluate, not add_script_tag: the page's Content-Security-Policy
    would block an inline <script> (and log a console error), while evaluate passes by it.
    """
    page.evaluate(AXE_JS.read_text(encoding="utf-8"))
    return page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
    )


def wait_until(page, expression, timeout_s=15.0):
    """Poll a JavaScript expression until it is truthy. (Playwright's wait_for_function compiles
    its string with eval, which the app's Content-Security-Policy forbids; evaluate does not.)"""
    deadline = time.monotonic() + timeout_s
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise AssertionError(f"still false after {timeout_s} s: {expression}")
        time.sleep(0.05)
