"""Browser plumbing: launching Debian's Chromium, recording what goes wrong in a page
(BrowserProblems), and the page helpers run_axe and wait_until. The fixtures that use them
are in tests/browser/conftest.py."""
import os
import re
import time
from urllib.parse import urlsplit

from tests.support.paths import REPO

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


def is_local(url):
    parts = urlsplit(url)
    return parts.scheme in LOCAL_SCHEMES or parts.hostname == LOCAL_HOST


def watched_page(browser, problems):
    """A fresh page (viewport 1280x800) in its own context, its problems recorded in
    `problems`; requests outside 127.0.0.1 are aborted, never sent."""

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
    return new_page


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
