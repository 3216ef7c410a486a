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
    # sin's operand is the program's third unnamed add (x + 2, 1 + exp, their sum)
    assert page.text_content("#rule-panel .rule-legend") == "t = y, a = add #3"
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


def number_in(text):
    return float(text.replace("−", "-").replace("e", "e"))


def test_the_numerical_panel_shows_estimates_errors_counts_and_the_error_plot(
        page, live_server, screenshots):
    expected = requests.post(f"{live_server}/api/numerics", json={"source": SIN_EXP},
                             timeout=30).json()
    open_page(page, live_server, SIN_EXP, lang="en")
    page.click("#numerics-panel > summary")
    page.click("#numerics-run")
    page.wait_for_selector("#numerics-result table")
    (row,) = expected["inputs"]
    cells = page.locator("#numerics-result tr[data-input=x] td").all_text_contents()
    assert cells[0] == "x"
    for shown, key in zip(cells[1:], ["grad", "forward", "forward_error", "central",
                                      "central_error"]):
        assert math.isclose(number_in(shown), row[key], rel_tol=1e-3), (key, shown)
    assert "need n + 1 = 2 runs" in page.text_content("#numerics-result .numerics-counts")
    for series in ("forward difference", "central difference"):
        circles = page.locator(f"#numerics-result svg [data-series='{series}'] circle")
        assert circles.count() == 12
    assert page.locator("#numerics-result svg .plot-mark").count() == 1
    page.locator("#numerics-panel").scroll_into_view_if_needed()
    page.screenshot(path=str(screenshots / "teaching-numerics.png"), full_page=True)


def test_the_numerical_panel_says_when_a_program_is_too_large(page, live_server,
                                                               browser_problems):
    browser_problems.allow_console_error(r"status of 422")
    source = "x = torch.ones(100, requires_grad=True)\ny = (x * x).sum()\ny.backward()\n"
    open_page(page, live_server, source, lang="en")
    page.click("#numerics-panel > summary")
    page.click("#numerics-run")
    page.wait_for_selector("#numerics-result .lesson-problem")
    assert "101" in page.text_content("#numerics-result .lesson-problem")


DIFFICULT = "x = torch.tensor(1.0, requires_grad=True)\n" \
            "y = -1 / (x ** 2 + 1) * torch.log(1 / (1 + torch.exp(-x)) + 1)\ny.backward()\n"
T_XY = "x = torch.tensor(2.0, requires_grad=True)\ny = torch.tensor(3.0, requires_grad=True)\n" \
       "t = x + y\nz = x * t\nz.backward()\n"


def plotted_points(page, selector):
    return page.locator(selector).count()


def test_gradient_descent_plots_the_steps_on_the_curve_and_the_loss(page, live_server,
                                                                     screenshots):
    expected = requests.post(f"{live_server}/api/descent",
                             json={"source": DIFFICULT, "lr": 0.5, "steps": 40},
                             timeout=30).json()
    open_page(page, live_server, DIFFICULT, lang="en")
    page.click("#descent-panel > summary")
    page.fill("#descent-lr", "0.5")
    page.fill("#descent-steps", "40")
    page.click("#descent-run")
    page.wait_for_selector("#descent-result svg")
    summary = page.text_content("#descent-result .descent-summary")
    assert summary == f"40 steps with learning rate 0.5; final x = {expected['final']['x']:.4g}."
    assert plotted_points(page, "#descent-result svg [data-series=steps] circle") == 41
    assert page.locator("#descent-result svg [data-series=f] polyline").count() == 1
    loss_line = page.get_attribute("#descent-result svg [data-series=loss] polyline", "points")
    assert len(loss_line.split()) == 41
    page.locator("#descent-panel").scroll_into_view_if_needed()
    page.screenshot(path=str(screenshots / "teaching-descent.png"), full_page=True)


def test_the_lectures_descent_program_pasted_as_is_shows_its_trajectory(
        page, live_server, lecture_examples, screenshots):
    source = next(e for e in lecture_examples if e["id"] == "gradient_descent")["source"]
    open_page(page, live_server, source, lang="ja")
    page.click("#descent-panel > summary")
    page.click("#descent-run")
    page.wait_for_selector("#descent-result svg", timeout=30_000)
    assert page.text_content("#descent-result .descent-summary") == \
        "プログラム自身のループ: 10001 ステップ、最終的な x = 0.3517。"
    assert plotted_points(page, "#descent-result svg [data-series=ステップ] circle") == 1002
    page.locator("#descent-panel").scroll_into_view_if_needed()
    page.screenshot(path=str(screenshots / "teaching-descent-program.png"), full_page=True)


def test_forward_mode_steps_tangents_from_the_chosen_input(page, live_server, screenshots):
    open_page(page, live_server, T_XY, lang="en")
    doc = api_graph(live_server, T_XY)
    ids = {n["name"]: n["id"] for n in doc["graph"]["nodes"] if n["name"]}
    page.click("#forward-panel > summary")
    page.select_option("#forward-input", label="y")
    page.click("#forward-run")
    page.wait_for_selector("#forward-result .forward-steps")
    assert page.text_content("#forward-result .forward-passes") == (
        "Forward mode needs 2 pass(es) for the whole gradient (one per input entry); "
        "reverse mode needs 1 backward pass(es).")
    steps = page.locator("#forward-result .forward-step").all_text_contents()
    assert steps == ["t: 1 × 1 = 1", "z: 2 × 1 = 2"]
    assert "= 2; autograd's gradient entry: 2 ✓" in page.text_content("#forward-result .forward-check")
    assert page.locator(f"#graph svg g#{ids['z']}.tangent-current").count() == 1
    assert page.locator(f"#graph svg g#{ids['y']}.tangent-done").count() == 1
    page.click("#forward-result .forward-step >> nth=0")
    assert page.locator(f"#graph svg g#{ids['t']}.tangent-current").count() == 1
    page.locator("#forward-panel").scroll_into_view_if_needed()
    page.screenshot(path=str(screenshots / "teaching-forward.png"), full_page=True)


def test_the_lesson_panels_pass_axe_with_results_shown(page, live_server):
    from tests.support.browser import run_axe
    open_page(page, live_server, T_XY, lang="ja")
    for panel in ("numerics", "descent", "forward"):
        page.click(f"#{panel}-panel > summary")
    page.click("#numerics-run")
    page.wait_for_selector("#numerics-result table")
    page.click("#forward-run")
    page.wait_for_selector("#forward-result .forward-steps")
    violations = [v for v in run_axe(page)
                  if any("lesson" in " ".join(n["target"]) or "-result" in " ".join(n["target"])
                         or "-panel" in " ".join(n["target"]) for n in v["nodes"])]
    assert violations == [], [(v["id"], [n["target"] for n in v["nodes"]]) for v in violations]
