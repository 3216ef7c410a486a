"""Live inputs on the page (static/js/live/): moving a slider (by keyboard) or typing a number
puts PyTorch's numbers at the new value (computed here with torch) into the same drawing,
every node where it was; a graph whose shape changes is drawn anew; the share link keeps the
value; the labels are written as the server writes them (webapp/render/dot.py)."""
import math
from urllib.parse import urlencode

import torch

from tests.support.browser import wait_until
from webapp.render.dot import format_number

T_XY = ("x = torch.tensor(2.0, requires_grad=True)\ny = torch.tensor(3.0, requires_grad=True)\n"
        "t = x + y\nz = x * t\nz.backward()\n")
BRANCH = ("x = torch.tensor(1.0, requires_grad=True)\nif x > 0:\n    y = x * 2\nelse:\n"
          "    y = torch.sin(x) * x\ny.backward()\n")
PATIENCE_MS = 120_000


def open_page(page, base, source, **params):
    page.emulate_media(reduced_motion="reduce")          # opens on the final picture
    page.goto(f"{base}/?{urlencode({'source': source, **params})}")
    wait_until_drawn(page)
    page.wait_for_selector("#live-inputs:not([hidden])")


def wait_until_drawn(page):
    """The page ready and its graph drawn (patiently: a shared machine can be slow)."""
    page.wait_for_selector("body[data-ready=true]", timeout=PATIENCE_MS)
    page.wait_for_selector("#graph svg g.node", timeout=PATIENCE_MS)


def updates(page):
    return int(page.evaluate("document.body.dataset.liveUpdates || '0'"))


def wait_for_update(page, before):
    wait_until(page, f"Number(document.body.dataset.liveUpdates || 0) > {before}",
               timeout_s=PATIENCE_MS / 1000)
    wait_until(page, "!document.body.dataset.liveBusy", timeout_s=PATIENCE_MS / 1000)


def drawing(page):
    """{node or edge's shown name: {role: text}} and each group's outline box on screen."""
    return page.evaluate("""() => {
        const names = {};
        for (const g of document.querySelectorAll('#graph svg g.node')) {
          const name = g.querySelector('text.name') || g.querySelector('text.label');
          names[g.id] = name ? name.textContent : g.id;
        }
        const texts = {}, boxes = {};
        for (const g of document.querySelectorAll('#graph svg g.node, #graph svg g.edge')) {
          const title = g.querySelector('title').textContent;
          const key = g.classList.contains('node') ? names[g.id]
            : title.split('->').map((id) => names[id]).join('->');
          texts[key] = Object.fromEntries([...g.querySelectorAll('text')].map(
            (t) => [t.classList[0], t.textContent]));
          const r = g.querySelector('path, polygon, ellipse').getBoundingClientRect();
          boxes[key] = [r.x, r.y, r.width, r.height];
        }
        return {texts, boxes};
    }""")


def t_xy_expected(x_value, y_value):
    """PyTorch's numbers for T_XY at x, y: values, grads, local derivatives and flows."""
    x = torch.tensor(x_value, requires_grad=True)
    y = torch.tensor(y_value, requires_grad=True)
    t = x + y
    t.retain_grad()
    z = x * t
    z.retain_grad()
    z.backward()
    x_, t_ = x.detach().requires_grad_(), t.detach().requires_grad_()
    local_x, local_t = torch.autograd.grad(x_ * t_, (x_, t_))   # d z / d x and d z / d t
    n = {"x": x, "y": y, "t": t, "z": z}
    texts = {name: {"value": format_number(v.item()), "grad": f"grad {format_number(v.grad.item())}"}
             for name, v in n.items()}
    edges = {"x->t": (t.grad, 1.0), "y->t": (t.grad, 1.0), "x->z": (z.grad, local_x),
             "t->z": (z.grad, local_t)}
    for key, (upstream, local) in edges.items():
        upstream, local = float(upstream), float(local)
        texts[key] = {"local": f"local {format_number(local)}",
                      "flow": f"{format_number(upstream)} × {format_number(local)} = "
                              f"{format_number(float(torch.tensor(upstream) * torch.tensor(local)))}"}
    return texts


def assert_shows(page, expected):
    texts = drawing(page)["texts"]
    for key, roles in expected.items():
        for role, text in roles.items():
            assert texts[key][role] == text, (key, role, texts[key], text)


def test_moving_a_slider_puts_pytorchs_numbers_on_the_same_layout(page, live_server,
                                                                  screenshots):
    open_page(page, live_server, T_XY)
    assert_shows(page, t_xy_expected(2.0, 3.0))
    before = drawing(page)
    page.evaluate("document.querySelector('#graph svg').dataset.marked = 'before'")
    count = updates(page)
    page.focus("#live-slider-x")
    for _ in range(7):                                  # the keyboard: 2.0 -> 2.35 (step 0.05)
        page.keyboard.press("ArrowRight")
    wait_for_update(page, count)
    x_new = float(page.input_value("#live-slider-x"))
    assert math.isclose(x_new, 2.35, abs_tol=1e-9)
    assert page.input_value("#live-inputs .live-input:first-child .live-number") == "2.35"
    assert_shows(page, t_xy_expected(x_new, 3.0))
    after = drawing(page)
    assert page.evaluate("document.querySelector('#graph svg').dataset.marked") == "before"
    for key, box in before["boxes"].items():            # every node and edge where it was
        assert after["boxes"][key] == box, (key, box, after["boxes"][key])
    assert page.evaluate("document.body.dataset.liveRedrawn") == "false"
    page.screenshot(path=str(screenshots / "live-inputs-t_xy.png"))


def test_typing_a_number_and_the_paths_panel_and_rule_follow(page, live_server):
    open_page(page, live_server, T_XY, input="y")
    count = updates(page)
    field = "#live-inputs .live-input:nth-child(2) .live-number"
    page.fill(field, "-1.5")
    page.press(field, "Enter")
    wait_for_update(page, count)
    expected = t_xy_expected(2.0, -1.5)
    assert_shows(page, expected)
    # the sum over paths for y: one path, its product = autograd's y.grad = x = 2
    check = page.text_content("#paths-check")
    assert format_number(2.0) in check
    # the final step's caption: x's grad accumulated from its two paths, at the new y
    x = torch.tensor(2.0, requires_grad=True)
    z = x * (x + torch.tensor(-1.5))
    z.backward()
    assert page.text_content("#caption").endswith(f"= {format_number(x.grad.item())}")


def test_the_share_link_restores_the_value(page, live_server, browser):
    open_page(page, live_server, T_XY)
    count = updates(page)
    page.fill("#live-inputs .live-input:first-child .live-number", "0.75")
    page.press("#live-inputs .live-input:first-child .live-number", "Enter")
    wait_for_update(page, count)
    link = page.url
    assert "inputs=x%3A0.75" in link
    other = browser.new_page()
    try:
        other.emulate_media(reduced_motion="reduce")
        other.goto(link)
        wait_until_drawn(other)
        assert other.input_value("#live-inputs .live-input:first-child .live-number") == "0.75"
        assert_shows(other, t_xy_expected(0.75, 3.0))
    finally:
        other.close()


def test_a_graph_of_another_shape_is_drawn_anew(page, live_server):
    open_page(page, live_server, BRANCH)
    count = updates(page)
    page.fill("#live-inputs .live-number", "-0.5")
    page.press("#live-inputs .live-number", "Enter")
    wait_for_update(page, count)
    assert page.evaluate("document.body.dataset.liveRedrawn") == "true"
    x = torch.tensor(-0.5, requires_grad=True)
    y = torch.sin(x) * x
    y.backward()
    texts = drawing(page)["texts"]
    assert texts["y"]["value"] == format_number(y.item())
    assert texts["x"]["grad"] == f"grad {format_number(x.grad.item())}"
    assert any(key.endswith("sin") for key in texts), texts


def test_japanese_labels_and_words(page, live_server):
    open_page(page, live_server, T_XY, lang="ja")
    assert page.text_content("#live-heading") == "入力を動かす"
    assert "プログラムの値" in page.get_attribute("#live-slider-x", "aria-label")
    count = updates(page)
    page.focus("#live-slider-y")
    page.keyboard.press("ArrowLeft")
    wait_for_update(page, count)
    assert drawing(page)["texts"]["y"]["grad"].startswith("勾配 ")


NUMBERS = [0, -0.0, 1, 2.5, 1.5625, 1.0625, 2.0625, 0.03125, 1234.5, 1235.5, 12345, 99995,
           9.9995, 0.00012345, 0.000123455, 1e-5, 1.5e-7, 123456789, -218.46250915527344,
           0.1, 1 / 3, -2 / 3, 6.02e23, 1e100, 5e-324, 0.30000000000000004, 1e4, 9999.5]


def test_labels_are_written_as_the_server_writes_them(page, live_server):
    open_page(page, live_server, T_XY)
    mine = page.evaluate("""async (numbers) => {
        const labels = await import('/static/js/live/labels.js');
        return numbers.map((n) => labels.formatNumber(n)).concat(
            ['NaN', 'Infinity', '-Infinity', null].map((n) => labels.formatNumber(n)));
    }""", NUMBERS)
    theirs = [format_number(n) for n in NUMBERS + ["NaN", "Infinity", "-Infinity", None]]
    assert mine == theirs


def test_a_link_with_values_the_program_no_longer_has_opens_on_its_own(page, live_server,
                                                                       browser_problems):
    browser_problems.allow_console_error(r"status of 400")
    open_page(page, live_server, T_XY, inputs="q:1.5")
    assert_shows(page, t_xy_expected(2.0, 3.0))
    assert "inputs" not in page.url and not page.is_visible("#problem")
