"""The lecture's panels in a real browser against the real API: the rule beside the numbers on
the current edge, numerical vs automatic differentiation with its error-vs-h plot, gradient
descent with its plots, and forward mode. Screenshots go to tests/screenshots/."""
import math
from urllib.parse import urlencode

import pytest
import requests

pytestmark = pytest.mark.browser

SIN_EXP = "x = torch.tensor(2.0, requires_grad=True)\n" \
          "y = torch.sin((x + 2) + (1 + torch.exp(x ** 2)))\ny.backward()\n"
CROSS = "x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)\n" \
        "y = torch.tensor([0.5, 0.1, 0.2], requires_grad=True)\n" \
        "z = torch.cross(x, y, dim=0).sum()\nz.backward()\n"


def api_graph(base, source):
    response = requests.post(f"{base}/api/graph", json={"source": source}, timeout=30)
    assert response.status_code == 200, response.text
    return response.json()


def open_page(page, base, source, **params):
    page.emulate_media(reduced_motion="reduce")
    page.goto(f"{base}/?{urlencode({'source': source, **params})}")
    page.wait_for_selector("body[data-ready=true]")
    page.wait_for_selector("#graph svg g.node")


def backward_step(doc, op):
    """The timeline index of the backward step along the edge into the node with this op."""
    nodes = {n["id"]: n for n in doc["graph"]["nodes"]}
    edges = {e["id"]: e for e in doc["graph"]["edges"]}
    for k, step in enumerate(doc["timeline"]):
        if step["phase"] == "backward" and nodes[edges[step["edge"]]["target"]]["op"] == op:
            return k, edges[step["edge"]]
    raise AssertionError(f"no backward step into {op}")


def test_the_rule_is_shown_beside_the_numbers_on_the_current_edge(page, live_server,
                                                                   screenshots):
    doc = api_graph(live_server, SIN_EXP)
    k, edge = backward_step(doc, "SinBackward0")
    open_page(page, live_server, SIN_EXP, step=k, lang="en")
    panel = page.locator("#rule-panel")
    assert panel.is_visible()
    tex = page.get_attribute("#rule-panel .rule-formula", "data-tex")
    assert r"\cos(a)" in tex and r"\cos(59.6)" in tex
    assert f"{edge['local']:.4g}".replace("-", "") in tex
    assert page.locator("#rule-panel .rule-formula .katex").count() == 1
    assert "✓" in page.text_content("#rule-panel .rule-check")
    assert page.text_content("#rule-panel .rule-legend") == "t = y, a = add"
    page.screenshot(path=str(screenshots / "teaching-rule.png"))
    # A forward step has no edge: no rule.
    page.keyboard.press("Home")
    assert not panel.is_visible()


def test_the_rule_panel_follows_the_steps_and_speaks_japanese(page, live_server):
    doc = api_graph(live_server, SIN_EXP)
    k, _ = backward_step(doc, "PowBackward0")
    open_page(page, live_server, SIN_EXP, step=k, lang="ja")
    tex = page.get_attribute("#rule-panel .rule-formula", "data-tex")
    assert r"2 \cdot a" in tex and r"2 \cdot 2" in tex
    assert "この辺の微分規則" in page.text_content("#rule-panel")
    k_exp, _ = backward_step(doc, "ExpBackward0")
    key = "ArrowLeft" if k_exp < k else "ArrowRight"
    while int(page.input_value("#scrubber")) != k_exp:
        page.keyboard.press(key)
    assert "e^{4}" in page.get_attribute("#rule-panel .rule-formula", "data-tex")


def test_an_op_without_a_rule_says_so_on_the_page(page, live_server):
    doc = api_graph(live_server, CROSS)
    k, edge = backward_step(doc, "LinalgCrossBackward0")
    open_page(page, live_server, CROSS, step=k, lang="en")
    assert "No symbolic rule is written for LinalgCrossBackward0" in \
        page.text_content("#rule-panel .rule-unknown")
    assert page.locator("#rule-panel .rule-formula").count() == 0
