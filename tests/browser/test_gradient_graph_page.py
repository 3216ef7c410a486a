"""The graph of a gradient on the page (static/js/views/gradient-tabs.js,
second-derivatives.js): a program that makes a gradient with create_graph=True gets a tab per
graph (the first pass, the gradient's own graph drawn by /api/graph.svg?gradient=N), and the
gradient's tab shows the second derivatives with the page's check against the sum over paths.
Expected numbers from torch.autograd.functional.hessian and torch.autograd.grad run here."""
import pytest
import torch
from torch.autograd.functional import hessian

from tests.browser.test_teaching_page import api_graph, open_page
from tests.support.browser import wait_until

pytestmark = pytest.mark.filterwarnings("ignore:`torch.jit.script` is deprecated")

GRADIENT_ONLY = ("x = torch.tensor(0.7, requires_grad=True)\n"
                 "y = torch.sin(x) * torch.exp(x)\n"
                 "g, = torch.autograd.grad(y, x, create_graph=True)\n")
MIXED = ("x = torch.tensor(0.5, requires_grad=True)\n"
         "y = torch.tensor(1.25, requires_grad=True)\n"
         "z = x ** 2 * y + 3 * x * y ** 2 + y\n"
         "gx, gy = torch.autograd.grad(z, (x, y), create_graph=True)\n"
         "gy.backward()\n")


def sin_exp(x):
    return torch.sin(x) * torch.exp(x)


def polynomial(x, y):
    return x ** 2 * y + 3 * x * y ** 2 + y


def shown_number(text):
    """The number after '=' in a row of the second-derivatives panel ('= 3.08', '= −1.5')."""
    return float(text.split("=")[1].strip().replace("−", "-"))


def assert_near(shown, expected):
    """The page writes 4 significant digits."""
    assert abs(shown - expected) <= 5e-4 * max(1.0, abs(expected)), (shown, expected)


def tabs(page):
    return page.eval_on_selector_all("#graph-tabs [role=tab]", """els => els.map((e) =>
        [e.textContent, e.getAttribute('aria-selected')])""")


def second_rows(page):
    return dict(page.eval_on_selector_all("#gradient-panel li", """els => els.map((e) =>
        [e.dataset.input, e.querySelector('.second-value').textContent])"""))


def choose_tab(page, key, output):
    page.click(f"#graph-tabs [data-tab={key}]")
    page.wait_for_selector(f"#graph svg[data-output={output}]")


def test_a_gradient_not_differentiated_again_gets_its_own_tab_with_the_second_derivative(
        page, live_server, screenshots):
    doc = api_graph(live_server, GRADIENT_ONLY)
    own = doc["higher_order"][0]["document"]
    open_page(page, live_server, GRADIENT_ONLY, lang="en")
    assert tabs(page) == [["First pass: y", "true"], ["Graph of g = ∂y/∂x", "false"]]
    assert page.is_hidden("#gradient-panel")
    choose_tab(page, "gradient-0", own["output"])
    assert tabs(page)[1][1] == "true"
    assert page.text_content("#step-counter") == f"{len(own['timeline'])} / {len(own['timeline'])}"
    expected = hessian(sin_exp, torch.tensor(0.7)).item()
    rows = second_rows(page)
    assert list(rows) == ["x"]
    assert_near(shown_number(rows["x"]), expected)
    assert page.locator("#gradient-panel li.ok .check-ok").count() == 1
    assert page.get_attribute("#gradient-panel .second-formula", "data-tex") == \
        "\\frac{\\partial^2 \\mathit{y}}{\\partial \\mathit{x}^2}"
    # The backward pass's operations are marked; the paths panel checks the same number.
    recorded = sum(node["backward_pass"] is not None for node in own["graph"]["nodes"])
    assert page.locator("#graph g.node.from-backward").count() == recorded > 0
    assert page.locator("#graph g.node.is-gradient").count() == 1
    assert page.input_value("#input-select") == next(
        n["id"] for n in own["graph"]["nodes"] if n["name"] == "x")
    page.screenshot(path=str(screenshots / "gradient-graph-tab.png"))
    choose_tab(page, "main", doc["output"])              # back to the first pass
    assert page.is_hidden("#gradient-panel")
    first = torch.autograd.grad(sin_exp(x := torch.tensor(0.7, requires_grad=True)), x)[0]
    assert f"x.grad = {float(first):.4g}" in page.text_content("#paths-check")


def test_mixed_partials_against_the_hessian_and_the_first_pass_drawn_for_its_output(
        page, live_server):
    doc = api_graph(live_server, MIXED)
    open_page(page, live_server, MIXED, lang="en")
    labels = [label for label, _ in tabs(page)]
    assert labels == ["First pass: z", "Graph of gy = ∂z/∂y", "Graph of gx = ∂z/∂x"]
    matrix = hessian(polynomial, (torch.tensor(0.5), torch.tensor(1.25)))
    rows = second_rows(page)                             # the main graph: gy, differentiated
    assert_near(shown_number(rows["x"]), matrix[1][0].item())
    assert_near(shown_number(rows["y"]), matrix[1][1].item())
    assert page.locator("#gradient-panel li.ok").count() == 2
    gx_doc = doc["higher_order"][0]["document"]
    choose_tab(page, "gradient-0", gx_doc["output"])    # gx, seeded as gx.backward() would
    rows = second_rows(page)
    assert_near(shown_number(rows["x"]), matrix[0][0].item())
    assert_near(shown_number(rows["y"]), matrix[0][1].item())
    assert "gx.backward() would give" in page.text_content("#gradient-panel")
    page.click("#graph-tabs [data-tab=first]")           # the first pass: z's own graph
    wait_until(page, "document.querySelector('#graph-tabs [data-tab=first]')"
                     ".getAttribute('aria-selected') === 'true' && "
                     "!document.querySelector('#graph svg g.node.from-backward')")
    x, y = torch.tensor(0.5, requires_grad=True), torch.tensor(1.25, requires_grad=True)
    dz_dx, dz_dy = torch.autograd.grad(polynomial(x, y), (x, y))
    page.select_option("#input-select", label="y")
    assert f"y.grad = {float(dz_dy):.4g}" in page.text_content("#paths-check")
    page.select_option("#input-select", label="x")
    assert f"x.grad = {float(dz_dx):.4g}" in page.text_content("#paths-check")


def test_the_tabs_work_with_the_keyboard_and_speak_japanese(page, live_server, screenshots):
    doc = api_graph(live_server, GRADIENT_ONLY)
    open_page(page, live_server, GRADIENT_ONLY, lang="ja")
    assert [label for label, _ in tabs(page)] == ["1 回目: y", "g = ∂y/∂x のグラフ"]
    page.focus("#graph-tabs [data-tab=main]")
    page.keyboard.press("ArrowRight")
    page.wait_for_selector(f"#graph svg[data-output={doc['higher_order'][0]['document']['output']}]")
    wait_until(page, "document.activeElement.dataset.tab === 'gradient-0'")
    assert page.text_content("#gradient-panel h3") == "2 階微分"
    assert "(g.backward() で得られる x.grad)" in page.text_content("#gradient-panel")
    assert "このグラフの経路の和" in page.text_content("#gradient-panel .check-ok")
    page.screenshot(path=str(screenshots / "gradient-graph-tab-ja.png"))
