"""Forward mode on the drawing (static/js/lessons/forward.js, forward-drawing.js): the tangents
written on the graph's nodes and edges step by step, as the backward pass writes gradients,
with their own caption in en and ja; Home leaves it. Expected tangents from
torch.autograd.forward_ad run here directly."""
import pytest
import torch
import torch.autograd.forward_ad as fwAD

from tests.browser.test_teaching_page import api_graph, open_page

pytestmark = pytest.mark.filterwarnings("ignore:`torch.jit.script` is deprecated")

T_XY = "x = torch.tensor(2.0, requires_grad=True)\ny = torch.tensor(3.0, requires_grad=True)\n" \
       "t = x + y\nz = x * t\nz.backward()\n"


def torch_tangents(seed_x, seed_y):
    """PyTorch's tangents of t and z, and of each edge's part, for T_XY."""
    with fwAD.dual_level():
        x = fwAD.make_dual(torch.tensor(2.0), torch.tensor(seed_x))
        y = fwAD.make_dual(torch.tensor(3.0), torch.tensor(seed_y))
        t = x + y
        z = x * t
        got = {name: float(fwAD.unpack_dual(v).tangent) for name, v in (("t", t), ("z", z))}
    return got


def shown(page, selector):
    """The texts matching selector that are on screen (not hidden by step)."""
    return page.eval_on_selector_all(selector, """els => els
        .filter((e) => getComputedStyle(e).visibility !== 'hidden' && getComputedStyle(e).display !== 'none')
        .map((e) => e.textContent)""")


def start_forward(page, base, lang, input_name):
    open_page(page, base, T_XY, lang=lang)
    page.click("#forward-panel > summary")
    page.select_option("#forward-input", label=input_name)
    page.click("#forward-run")
    page.wait_for_selector("#forward-result .forward-steps")


def test_tangents_are_written_on_the_drawing_step_by_step_and_home_clears_them(
        page, live_server, screenshots):
    doc = api_graph(live_server, T_XY)
    ids = {n["name"]: n["id"] for n in doc["graph"]["nodes"] if n["name"]}
    expected = torch_tangents(0.0, 1.0)
    start_forward(page, live_server, "en", "y")
    page.click("#forward-back")
    page.click("#forward-back")                     # -1: only the seed
    assert page.text_content("#forward-counter") == "0 / 2"
    assert shown(page, "#graph svg text.tangent") == ["tangent 1"]
    assert shown(page, f"#graph svg g#{ids['y']} text.tangent") == ["tangent 1"]
    assert page.text_content("#caption").startswith("forward mode starts: tangent 1 on y[0]")
    assert shown(page, "#graph svg text.grad") == []            # gradients make way
    page.keyboard.press("ArrowRight")                # the keys step forward mode while it is on
    assert shown(page, f"#graph svg g#{ids['t']} text.tangent") == [f"tangent {expected['t']:g}"]
    assert shown(page, f"#graph svg g#{ids['z']} text.tangent") == []
    assert shown(page, "#graph svg text.tangent-flow") == ["1 × 1 = 1"]
    assert page.text_content("#caption") == "forward mode, tangent of t: 1 × 1 = 1"
    assert page.locator(f"#graph svg g#{ids['t']}.tangent-current").count() == 1
    page.keyboard.press("ArrowRight")
    assert shown(page, f"#graph svg g#{ids['z']} text.tangent") == [f"tangent {expected['z']:g}"]
    assert sorted(shown(page, "#graph svg text.tangent-flow")) == ["1 × 1 = 1", "2 × 1 = 2"]
    assert page.text_content("#caption") == f"forward mode, tangent of z: 2 × 1 = {expected['z']:g}"
    assert page.locator("#graph svg text.tangent-flow.active").count() == 1
    # The same layout: the drawing is the page's, not another one.
    assert page.locator("#graph svg").count() == 1
    page.eval_on_selector("#caption", "e => e.scrollIntoView({block: 'start'})")
    page.screenshot(path=str(screenshots / "forward-on-graph.png"))
    page.keyboard.press("Home")
    assert page.locator("#graph svg [data-tangent-step]").count() == 0
    assert page.locator("#graph svg.forward-mode, #graph .tangent-done, #graph .tangent-current"
                        ).count() == 0
    assert page.text_content("#caption").startswith("Before the first step")
    assert page.text_content("#step-counter") == "0 / %d" % len(doc["timeline"])
    page.keyboard.press("End")                       # the page's player again, gradients back
    assert "grad 7" in shown(page, f"#graph svg g#{ids['x']} text.grad")


def test_forward_mode_speaks_japanese(page, live_server, screenshots):
    expected = torch_tangents(1.0, 0.0)
    start_forward(page, live_server, "ja", "x")
    # z = x * t: d z/d x = t (5) times x's tangent, plus d z/d t = x (2) times t's tangent.
    assert page.text_content("#caption") == (
        f"フォワードモード、接ベクトル z: 5 × 1 + 2 × {expected['t']:g} = {expected['z']:g}")
    assert f"接ベクトル {expected['z']:g}" in shown(page, "#graph svg text.tangent")
    assert f"接ベクトル {expected['t']:g}" in shown(page, "#graph svg text.tangent")
    page.click("#forward-back")
    page.click("#forward-back")
    page.click("#forward-back")
    assert page.text_content("#caption").startswith("フォワードモードの開始: x[0] の接ベクトルを 1")
    page.eval_on_selector("#caption", "e => e.scrollIntoView({block: 'start'})")
    page.screenshot(path=str(screenshots / "forward-on-graph-ja.png"))
