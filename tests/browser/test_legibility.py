"""Legible by construction (issue 12, item 1), measured in the browser for every lecture
program at the page's default view: the on-screen size of the node value and gradient labels
(font size x the drawing's screen scale) is at least 14 px on a 1366x768 laptop and 24 px in
presentation mode on a 1280x720 projector, the step being shown is inside the frame, and in
presentation mode the sum-over-paths formula is typeset at 24 px or more and not clipped."""
import json

import pytest
from tests.browser.test_page import SKIPPED_EXAMPLES, open_graph, share_link

pytestmark = pytest.mark.browser

LAPTOP = {"width": 1366, "height": 768}
PROJECTOR = {"width": 1280, "height": 720}
MIN_LABEL_PX = {"laptop": 14, "projector": 24}
MIN_FORMULA_PX = 24

# The smallest on-screen size of a node's value/grad label, and whether the step shown (its
# active elements, or the output node before any step) overlaps the graph frame.
MEASURE = """() => {
  const svg = document.querySelector('#graph svg');
  const scale = svg.getScreenCTM().a;
  const texts = [...svg.querySelectorAll('g.node text.value, g.node text.grad')];
  const sizes = texts.map((t) => parseFloat(getComputedStyle(t).fontSize) * scale);
  const frame = document.querySelector('.graph-frame').getBoundingClientRect();
  const active = [...svg.querySelectorAll('g.node.active, g.edge.active')];
  const inside = active.some((el) => {
    const b = el.getBoundingClientRect();
    return b.right > frame.left && b.left < frame.right && b.bottom > frame.top && b.top < frame.bottom;
  });
  return {label_px: Math.min(...sizes), active_inside: active.length === 0 || inside};
}"""
FORMULA = """() => {
  const box = document.querySelector('#paths-formula');
  const katex = box.querySelector('.katex');
  const r = box.getBoundingClientRect();
  return {px: katex ? parseFloat(getComputedStyle(katex).fontSize) : 0,
          clipped: box.scrollWidth > box.clientWidth + 1 || r.right > innerWidth + 0.5
                   || document.documentElement.scrollWidth > innerWidth};
}"""


def programs(examples):
    return [e for e in examples if e["id"] not in SKIPPED_EXAMPLES]


def measured(page, live_server, examples, viewport, **params):
    page.set_viewport_size(viewport)
    found = {}
    for example in programs(examples):
        open_graph(page, share_link(live_server, example["source"], lang="en", **params))
        found[example["id"]] = page.evaluate(MEASURE)
        if params.get("present"):
            first_input = page.eval_on_selector("#input-select", "s => s.options[1].value")
            page.select_option("#input-select", first_input)
            page.wait_for_selector("#paths-formula .katex")
            found[example["id"]]["formula"] = page.evaluate(FORMULA)
    return found


def record(screenshots, name, found):
    """The numbers, for the closing note (tests/screenshots is git-ignored)."""
    (screenshots / f"legibility-{name}.json").write_text(json.dumps(found, indent=1))


def test_labels_are_at_least_14_px_on_a_laptop(page, live_server, lecture_examples, screenshots):
    found = measured(page, live_server, lecture_examples, LAPTOP)
    record(screenshots, "laptop", found)
    page.screenshot(path=screenshots / "legibility-laptop-last.png")
    small = {k: round(v["label_px"], 1) for k, v in found.items()
             if v["label_px"] < MIN_LABEL_PX["laptop"]}
    assert small == {}
    assert [k for k, v in found.items() if not v["active_inside"]] == []


def test_labels_and_formula_are_at_least_24_px_on_a_projector(page, live_server,
                                                              lecture_examples, screenshots):
    found = measured(page, live_server, lecture_examples, PROJECTOR, present="1")
    record(screenshots, "projector", found)
    page.screenshot(path=screenshots / "legibility-projector-last.png")
    small = {k: round(v["label_px"], 1) for k, v in found.items()
             if v["label_px"] < MIN_LABEL_PX["projector"]}
    assert small == {}
    assert [k for k, v in found.items() if not v["active_inside"]] == []
    formula = {k: v["formula"] for k, v in found.items()
               if v["formula"]["px"] < MIN_FORMULA_PX or v["formula"]["clipped"]}
    assert formula == {}
