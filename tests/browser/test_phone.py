"""The page on a phone (390x844, issue 12 item 4): one column, a gallery tap brings the graph
into view, tap targets of at least 44 px, and presentation mode without horizontal overflow."""
import pytest
from tests.browser.test_page import open_graph, share_link
from tests.support.browser import wait_until

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
SIN_EXP = ("x = torch.tensor(2.0, requires_grad=True)\n"
           "y = torch.sin((x + 2) + (1 + torch.exp(x ** 2)))\ny.backward()\n")
IN_VIEW = """() => { const r = document.querySelector('.graph-frame').getBoundingClientRect();
  return r.top >= -1 && r.top < innerHeight && r.bottom > 0; }"""
# Visible buttons and selects smaller than 44 px either way (the gallery's rows included).
SMALL_TARGETS = """() => [...document.querySelectorAll('button, select, .example, input[type=range]')]
  .filter((el) => el.offsetParent !== null)
  .map((el) => [el.id || el.className, el.getBoundingClientRect()])
  .filter(([, r]) => r.width < 44 || r.height < 44)
  .map(([name, r]) => `${name} ${Math.round(r.width)}x${Math.round(r.height)}`)"""


def test_a_gallery_tap_brings_the_graph_into_view(page, live_server, screenshots):
    page.set_viewport_size(PHONE)
    page.emulate_media(reduced_motion="reduce")
    page.goto(live_server + "/?lang=en")
    page.wait_for_selector("body[data-ready=true]")
    columns = page.eval_on_selector(".layout", "e => getComputedStyle(e).gridTemplateColumns")
    assert len(columns.split()) == 1
    assert not page.evaluate(IN_VIEW)  # the graph starts below the editor
    page.click('.example[data-example="sin_exp"]')
    page.wait_for_selector("#graph svg g.node")
    wait_until(page, f"({IN_VIEW})()")
    page.screenshot(path=screenshots / "phone-after-gallery-tap.png")
    assert page.evaluate(SMALL_TARGETS) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_presentation_mode_fits_a_phone(page, live_server, screenshots):
    page.set_viewport_size(PHONE)
    open_graph(page, share_link(live_server, SIN_EXP, present="1", input="x", lang="en"))
    page.screenshot(path=screenshots / "phone-present.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert page.evaluate(SMALL_TARGETS) == []
