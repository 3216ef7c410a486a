"""The page with what issue 11 added to the language: a program that records no graph shows
its printed output and why nothing was drawn (no crash, no drawing); a program with several
refused constructs shows every one, in the page's language."""
from urllib.parse import urlencode

import pytest
import requests

pytestmark = pytest.mark.browser

PLAIN = "x = 2\ny = x + 2\nprint(y)\n"
THREE_REFUSED = ("import os\nx = torch.tensor(2.0, requires_grad=True)\n"
                 "opt = torch.optim.RMSprop([x])\nclass Model:\n    pass\n")


def share_link(base, source, **params):
    return f"{base}/?{urlencode({'source': source, **params})}"


def test_a_program_without_a_graph_shows_its_output_and_why(page, live_server):
    page.goto(share_link(live_server, PLAIN, lang="en"))
    page.wait_for_selector("#stdout-box:not([hidden])")
    assert page.text_content("#stdout") == "4\n"
    assert "plain Python numbers" in page.text_content("#warnings")
    assert page.text_content("#graph-empty") == (
        "This program recorded no graph: the warnings below say why.")
    assert page.is_visible("#graph-empty")
    assert page.query_selector("#graph svg") is None
    assert page.is_hidden("#problem")


def test_every_refused_construct_is_shown_in_the_page_s_language(page, live_server,
                                                                  browser_problems):
    browser_problems.allow_console_error(r"status of 400")
    expected = requests.post(f"{live_server}/api/graph", timeout=30,
                             json={"source": THREE_REFUSED, "lang": "ja"}).json()["errors"]
    page.goto(share_link(live_server, THREE_REFUSED, lang="ja"))
    page.wait_for_selector("#problem:not([hidden])")
    shown = page.text_content("#problem-detail")
    for error in expected:
        assert error["detail"] in shown
    assert "3 行目、7 列目" in shown and "4 行目、1 列目" in shown
    assert page.text_content("#problem-where") == "1 行目、1 列目"
