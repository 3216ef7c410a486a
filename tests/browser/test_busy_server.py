"""The page rides out a busy server (static/js/lib/fetch.js, page/problem.js): on 503 or 429 it
waits the Retry-After with a countdown in the page's language, sends the request again by
itself, and after RETRIES more tries says the server stayed busy. The server's first answers are
replaced by 503s through Playwright's route interception; the rest reach the real API.

And long programs share by the link's #fragment (page/url-state.js): a program whose query
would be longer than the server reads opens from its link, never a 414."""
import json
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

from tests.support.browser import wait_until

pytestmark = pytest.mark.browser

PROGRAM = "x = torch.tensor(2.0, requires_grad=True)\ny = x * x + 1\ny.backward()\n"
RETRIES = 3          # lib/fetch.js
BUSY = {"status": 503, "headers": {"Retry-After": "1", "Content-Type": "application/problem+json"},
        "body": json.dumps({"type": "/problems/busy", "title": "The server is busy",
                            "status": 503, "detail": "Every evaluator is busy.",
                            "retry_after": 1})}


def busy_first(page, times, path="**/api/graph"):
    """Answer the first `times` requests to `path` with a 503 (Retry-After: 1); the rest go to
    the server. Returns the list of statuses given, in order."""
    given = []

    def handle(route):
        if len(given) < times:
            given.append(503)
            route.fulfill(**BUSY)
        else:
            given.append("server")
            route.continue_()
    page.route(path, handle)
    return given


def open_page(page, base, **params):
    page.emulate_media(reduced_motion="reduce")
    page.goto(f"{base}/?{urlencode({'source': PROGRAM, **params})}")


@pytest.mark.parametrize("lang, countdown", [("en", "trying again by itself in"),
                                             ("ja", "秒後に自動で再試行します")])
def test_a_busy_server_is_waited_for_with_a_countdown_then_the_graph_is_drawn(
        page, live_server, browser_problems, screenshots, lang, countdown):
    browser_problems.allow_console_error(r"status of 503")
    given = busy_first(page, 2)
    open_page(page, live_server, lang=lang)
    page.wait_for_selector("#problem.waiting:not([hidden])")
    assert countdown in page.text_content("#problem-title")
    page.screenshot(path=str(screenshots / f"busy-countdown-{lang}.png"))
    page.wait_for_selector("#graph svg g.node", timeout=90_000)
    assert page.is_hidden("#problem")
    assert given == [503, 503, "server"]


def test_after_its_tries_the_page_says_the_server_stayed_busy(page, live_server,
                                                             browser_problems, screenshots):
    browser_problems.allow_console_error(r"status of 503")
    given = busy_first(page, 100)
    open_page(page, live_server, lang="ja")
    wait_until(page, "!document.querySelector('#problem').classList.contains('waiting') && "
                     "document.querySelector('#problem-title').textContent.includes('回試しました')",
               timeout_s=30)
    assert f"{RETRIES + 1} 回試しました" in page.text_content("#problem-title")
    page.screenshot(path=str(screenshots / "busy-gave-up-ja.png"))
    assert given == [503] * (RETRIES + 1)


def test_a_long_wait_is_not_sat_through(page, live_server, browser_problems):
    browser_problems.allow_console_error(r"status of 429")
    given = []

    def handle(route):
        given.append(429)
        route.fulfill(status=429, headers={"Retry-After": "120"}, content_type=
                      "application/problem+json", body=json.dumps(
                          {"type": "/problems/rate-limited", "title": "Too many requests",
                           "status": 429, "detail": "Your share is used up."}))
    page.route("**/api/graph", handle)
    open_page(page, live_server, lang="en")
    page.wait_for_selector("#problem:not([hidden])")
    wait_until(page, "document.querySelector('#problem-detail').textContent.includes('share')")
    assert given == [429] and not page.is_visible("#problem.waiting")


def test_a_long_program_shares_by_the_fragment_and_opens_from_it(page, live_server, browser,
                                                                screenshots):
    # Comments of Japanese text: 9 bytes each in a query, far past what the server reads.
    source = PROGRAM + "".join(f"# 勾配の計算 {n}: y を x で微分する\n" for n in range(120))
    assert len(urlencode({"source": source})) > 8_190
    page.emulate_media(reduced_motion="reduce")
    page.goto(f"{live_server}/#{urlencode({'source': source})}")
    page.wait_for_selector("#graph svg g.node")
    assert page.input_value("#source") == source
    parts = urlsplit(page.url)
    assert "source" not in parse_qs(parts.query) and parse_qs(parts.fragment)["source"] == \
        [source]
    other = browser.new_page()
    try:
        other.emulate_media(reduced_motion="reduce")
        other.goto(page.url)
        other.wait_for_selector("#graph svg g.node")
        assert other.input_value("#source") == source
    finally:
        other.close()


def test_a_short_program_stays_readable_in_the_query(page, live_server):
    open_page(page, live_server)
    page.wait_for_selector("#graph svg g.node")
    wait_until(page, "location.search.includes('source=')")
    assert parse_qs(urlsplit(page.url).query)["source"] == [PROGRAM]
    assert urlsplit(page.url).fragment == ""
