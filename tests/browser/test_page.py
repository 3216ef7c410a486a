"""The page in a real browser against the real API: every lecture program stepped through by
keyboard with the drawn values and gradients checked against the API's JSON, the sum-over-paths
panel, presentation mode, share links, errors at the line, text never taken as HTML,
screenshots, and axe-core."""
import math
import re
from functools import partial
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests
from tests.support.browser import run_axe, wait_until
from tests.support.numbers import close

pytestmark = pytest.mark.browser

SKIPPED_EXAMPLES = {"int_tensor_error"}  # it must fail: see test_pytorch_error_is_shown
TWO_PATHS = "x = torch.tensor(2.0, requires_grad=True)\ny = torch.tensor(3.0, requires_grad=True)\nt = x + y\nz = x * t\nz.backward()\n"
NOT_ALLOWED = "x = torch.tensor(2.0, requires_grad=True)\ny = x.__class__\n"
HTML_PAYLOAD = "<img src=x onerror=alert(1)>"
NUMBER = re.compile(r"NaN|−?∞|[-−]?\d+(?:\.\d+)?(?:e[-−]?\d+)?")
LABEL_WORD = re.compile(r"^(?:grad|local|勾配|局所微分) ")  # webapp.render.dot.WORDS
SHAPE_PREFIX = re.compile(r"^\d+(?:×\d+)+ ")
# A label rounded to 4 significant digits against the exact JSON number.
label_close = partial(close, rel=1e-3, abs_=1e-12)


# -- helpers -----------------------------------------------------------------------------------

def share_link(base, source, **params):
    return f"{base}/?{urlencode({'source': source, **params})}"


def api_graph(base, source):
    response = requests.post(f"{base}/api/graph", json={"source": source}, timeout=30)
    assert response.status_code == 200, response.text
    return response.json()


def open_graph(page, url, reduced_motion=True):
    """Open a page (without autoplay unless reduced_motion is False) and wait for its graph."""
    page.emulate_media(reduced_motion="reduce" if reduced_motion else "no-preference")
    page.goto(url)
    page.wait_for_selector("body[data-ready=true]")
    page.wait_for_selector("#graph svg g.node")


def current_step(page):
    return int(page.input_value("#scrubber"))


def numbers(text):
    """The numbers written in a label: "grad −218.5" -> [-218.5]; "2×3 [1, 2, …]" -> [1, 2]."""
    text = SHAPE_PREFIX.sub("", LABEL_WORD.sub("", text.strip()))
    found = []
    for token in NUMBER.findall(text):
        token = token.replace("−", "-")
        found.append(math.nan if token == "NaN" else
                     math.copysign(math.inf, -1 if token.startswith("-") else 1)
                     if "∞" in token else float(token))
    return found


def flat(value):
    stack, out = [value], []
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(reversed(item))
        else:
            out.append({"NaN": math.nan, "Infinity": math.inf,
                        "-Infinity": -math.inf}.get(item, item))
    return out


def assert_shows(text, value, what):
    """The label's numbers are the first entries of the JSON value (a label may cut a tensor)."""
    shown, exact = numbers(text), flat(value)
    if value is None:  # not recorded: the label may say so, but shows no number
        assert shown == [], f"{what}: {text!r} vs null"
        return
    assert shown, f"{what}: no number in {text!r}"
    assert len(shown) <= len(exact), f"{what}: {text!r} vs {value!r}"
    for s, e in zip(shown, exact):
        assert label_close(s, e), f"{what}: {text!r} vs {value!r}"


def step_indices(doc):
    """From the JSON timeline: the step at which each value, grad and flow must appear."""
    value_step, grad_step, flow_step = {}, {}, {}
    for k, step in enumerate(doc["timeline"]):
        if step["phase"] == "forward":
            value_step[step["node"]] = k
        elif step["phase"] == "seed":
            grad_step[step["node"]] = k
        elif step["phase"] == "backward":
            flow_step[step["edge"]] = k
            grad_step.setdefault(step["node"], k)
        elif step["phase"] == "accumulate":
            grad_step[step["node"]] = k
    consumers = {}
    for edge in doc["graph"]["edges"]:
        if not edge["constant"]:
            consumers[edge["source"]] = consumers.get(edge["source"], 0) + 1
    # A node with one consumer has its grad with that edge's backward step (set above);
    # with several, at its accumulate step (which overrode the first backward step).
    return value_step, grad_step, flow_step, consumers


DRAWN_TEXTS = """() => [...document.querySelectorAll('#graph svg [data-step]')].map(el => ({
    owner: el.closest('g.node, g.edge').id,
    role: el.getAttribute('class').split(' ')[0],
    step: Number(el.dataset.step),
    visible: el.checkVisibility({visibilityProperty: true}),
    text: el.textContent,
}))"""


def check_step(page, doc, k, expected):
    """At step k (-1: before the first): exactly the labels due by k are visible, and each
    shows the JSON's number; the group(s) of step k are active."""
    value_step, grad_step, flow_step, _ = expected
    nodes = {n["id"]: n for n in doc["graph"]["nodes"]}
    edges = {e["id"]: e for e in doc["graph"]["edges"]}
    assert current_step(page) == k
    assert page.text_content("#step-counter") == f"{k + 1} / {len(doc['timeline'])}"
    assert page.text_content("#caption").strip()
    for label in page.evaluate(DRAWN_TEXTS):
        owner, role = label["owner"], label["role"]
        due = {"value": value_step, "grad": grad_step}.get(role, flow_step).get(owner)
        assert label["step"] == due, f"{role} of {owner}: data-step {label['step']}, JSON {due}"
        assert label["visible"] == (label["step"] <= k), f"{role} of {owner} at step {k}"
        if not label["visible"]:
            continue
        if role == "value":
            assert_shows(label["text"], nodes[owner]["value"], f"value of {owner}")
        elif role == "grad":
            assert_shows(label["text"], nodes[owner]["grad"], f"grad of {owner}")
        elif role == "local":
            assert_shows(label["text"], edges[owner]["local"], f"local of {owner}")
        elif role == "flow":
            edge = edges[owner]
            shown = numbers(label["text"])
            if "=" in label["text"]:  # upstream × local = flow
                assert label_close(shown[0], flat(nodes[edge["target"]]["grad"])[0]), label
                assert label_close(shown[1], flat(edge["local"])[0]), label
                assert label_close(shown[-1], flat(edge["grad"])[0]), label
            else:
                assert_shows(label["text"], edge["grad"], f"flow along {owner}")
    if k < 0:
        return
    step = doc["timeline"][k]
    active = set(page.eval_on_selector_all("#graph svg g.active", "els => els.map(e => e.id)"))
    assert active == {step["node"], *([step["edge"]] if "edge" in step else []),
                      *step.get("edges", [])}


def choose_input(page, name):
    page.select_option("#input-select", label=name)
    page.wait_for_selector("#path-list li")


def example_ids(examples):
    return [e["id"] for e in examples if e["id"] not in SKIPPED_EXAMPLES]


# -- every lecture program ---------------------------------------------------------------------

def test_every_lecture_program_steps_through_its_timeline(page, live_server, lecture_examples):
    checked = []
    for example in lecture_examples:
        if example["id"] in SKIPPED_EXAMPLES:
            continue
        doc = api_graph(live_server, example["source"])
        expected = step_indices(doc)
        count = len(doc["timeline"])
        open_graph(page, share_link(live_server, example["source"]))
        assert current_step(page) == count - 1  # reduced motion: the final picture, no play
        page.keyboard.press("Home")  # before the first step: nothing computed yet
        check_step(page, doc, -1, expected)
        page.keyboard.press("End")
        check_step(page, doc, count - 1, expected)
        page.keyboard.press("Home")
        for k in range(count):
            page.keyboard.press("ArrowRight")
            check_step(page, doc, k, expected)
        page.keyboard.press("ArrowRight")  # past the end stays at the end
        check_step(page, doc, count - 1, expected)
        check_paths(page, doc)
        checked.append(example["id"])
    assert checked == example_ids(lecture_examples)


def shown_names(doc):
    """{node id: the name the page gives it}: its variable's name, else its op's label, with
    "#2", "#3" after the second and later nodes (constants aside) whose names collide."""
    names, seen = {}, {}
    for node in doc["graph"]["nodes"]:
        base = node["name"] or node["label"]
        if node["kind"] != "constant":
            seen[base] = seen.get(base, 0) + 1
        names[node["id"]] = base if node["kind"] == "constant" or seen[base] == 1 \
            else f"{base} #{seen[base]}"
    return names


def check_paths(page, doc):
    """For every input: the listed paths and their products, the sum and the check mark."""
    name = shown_names(doc).get
    for input_id, info in doc["paths"].items():
        choose_input(page, name(input_id))
        routes = page.eval_on_selector_all(".path-route", "els => els.map(e => e.textContent)")
        assert routes == [" → ".join(name(n) for n in p["nodes"]) for p in info["paths"]]
        summary = page.text_content("#paths-summary")
        assert str(info["count"]) in summary
        check = page.text_content("#paths-check")
        assert_shows(check.split("=", 1)[1], info["grad"], f"grad of {input_id}")
        if info["sum"] is None:
            assert "✓" not in check
            continue
        products = page.eval_on_selector_all(".path-product", "els => els.map(e => e.textContent)")
        for text, path in zip(products, info["paths"]):
            assert label_close(numbers(text)[-1], path["product"]), text
        agrees = math.isclose(info["sum"], info["grad"], rel_tol=1e-6, abs_tol=1e-6)
        assert ("✓" in check) == agrees, check
        tex = page.get_attribute("#paths-formula", "data-tex")
        assert label_close(numbers(tex.rsplit("=", 1)[1])[0], info["sum"]), tex
        assert page.query_selector("#paths-formula .katex") is not None


# -- sum over paths ----------------------------------------------------------------------------

def test_paths_are_highlighted_and_an_input_node_can_be_clicked(page, live_server):
    doc = api_graph(live_server, TWO_PATHS)
    open_graph(page, share_link(live_server, TWO_PATHS))
    x_id = next(n["id"] for n in doc["graph"]["nodes"] if n["name"] == "x")
    page.click(f"#graph svg g#{x_id}")
    assert page.input_value("#input-select") == x_id
    items = page.query_selector_all(".path-item")
    assert len(items) == doc["paths"][x_id]["count"] == 2
    for i, path in enumerate(doc["paths"][x_id]["paths"]):
        items[i].hover()
        lit = set(page.eval_on_selector_all("#graph svg .on-path", "els => els.map(e => e.id)"))
        assert lit == set(path["nodes"]) | set(path["edges"])
    assert "✓" in page.text_content("#paths-check")
    assert "input=x" in page.url


# -- share links, presentation, themes, language -----------------------------------------------

def test_share_link_round_trip_restores_step_and_input(page, live_server, browser, screenshots):
    open_graph(page, share_link(live_server, TWO_PATHS))
    page.keyboard.press("Home")
    for _ in range(6):  # from -1 (before the first step) to 5
        page.keyboard.press("ArrowRight")
    choose_input(page, "y")
    caption = page.text_content("#caption")
    query = parse_qs(urlsplit(page.url).query)
    assert query["source"] == [TWO_PATHS] and query["step"] == ["5"] and query["input"] == ["y"]

    other = browser.new_page(viewport={"width": 1280, "height": 800})
    try:
        open_graph(other, page.url)
        assert current_step(other) == 5
        assert other.input_value("#input-select") == page.input_value("#input-select")
        assert other.text_content("#caption") == caption
        assert other.input_value("#source") == TWO_PATHS
    finally:
        other.close()


def test_presentation_mode_from_the_link_and_the_button(page, live_server, screenshots):
    page.set_viewport_size({"width": 1600, "height": 900})
    open_graph(page, share_link(live_server, TWO_PATHS, present="1", step="6", input="x"))
    assert "present" in page.get_attribute("body", "class")
    assert not page.is_visible("#editor")
    assert page.is_visible("#graph svg")
    caption_size = page.eval_on_selector("#caption", "e => parseFloat(getComputedStyle(e).fontSize)")
    assert caption_size >= 28
    page.screenshot(path=screenshots / "presentation.png")
    page.keyboard.press("Escape")
    assert page.is_visible("#editor")
    assert "present" not in parse_qs(urlsplit(page.url).query)
    page.click("#present-toggle")
    assert parse_qs(urlsplit(page.url).query)["present"] == ["1"]
    assert not page.is_visible("#editor")


def test_light_and_dark_themes(page, live_server, screenshots):
    page.emulate_media(color_scheme="light")
    open_graph(page, share_link(live_server, TWO_PATHS, step="6", input="x", lang="en"))
    assert page.get_attribute("html", "data-theme") == "light"
    assert "theme-light" in page.get_attribute("#graph svg", "class")
    page.screenshot(path=screenshots / "light.png")
    page.click("#theme-toggle")
    page.wait_for_selector("#graph svg.theme-dark")
    assert page.get_attribute("html", "data-theme") == "dark"
    assert current_step(page) == 6  # the redrawn graph keeps its step
    page.screenshot(path=screenshots / "dark.png")


def test_dark_by_default_when_the_system_prefers_it(page, live_server):
    page.emulate_media(color_scheme="dark")
    open_graph(page, share_link(live_server, TWO_PATHS))
    assert page.get_attribute("html", "data-theme") == "dark"


def test_japanese_from_the_browser_and_switchable(browser, live_server, screenshots):
    doc = api_graph(live_server, TWO_PATHS)
    accumulate = next(k for k, s in enumerate(doc["timeline"]) if s["phase"] == "accumulate")
    context = browser.new_context(locale="ja-JP", viewport={"width": 1280, "height": 800})
    page = context.new_page()
    try:
        open_graph(page, share_link(live_server, TWO_PATHS, step=str(accumulate), input="x"))
        assert page.get_attribute("html", "lang") == "ja"
        assert page.text_content("#run-button") == "実行"
        assert "合算" in page.text_content("#caption")
        assert "経路" in page.text_content("#paths-summary")
        page.screenshot(path=screenshots / "japanese.png")
        page.select_option("#lang-select", "en")
        wait_until(page, "document.documentElement.lang === 'en'")
        assert page.text_content("#run-button") == "Run"
        assert parse_qs(urlsplit(page.url).query)["lang"] == ["en"]
    finally:
        context.close()


def test_lang_parameter_overrides_the_browser(page, live_server):
    open_graph(page, share_link(live_server, TWO_PATHS, lang="ja"))
    assert page.get_attribute("html", "lang") == "ja"
    assert page.text_content("h2#paths-heading") == "経路の和"


# -- playing ------------------------------------------------------------------------------------

def test_a_share_link_plays_unless_motion_is_reduced(page, live_server):
    open_graph(page, share_link(live_server, TWO_PATHS), reduced_motion=False)
    assert page.get_attribute("#play-pause", "data-playing") == "true"
    page.keyboard.press("Space")
    assert page.get_attribute("#play-pause", "data-playing") == "false"
    open_graph(page, share_link(live_server, TWO_PATHS), reduced_motion=True)
    assert page.get_attribute("#play-pause", "data-playing") == "false"
    page.keyboard.press("Home")
    page.keyboard.press("Space")  # the play button still works, step by step
    assert page.get_attribute("#play-pause", "data-playing") == "true"
    wait_until(page, "document.querySelector('#scrubber').value !== '-1'")
    page.keyboard.press("ArrowLeft")  # stepping by hand stops the playing
    assert page.get_attribute("#play-pause", "data-playing") == "false"


def test_keys_typed_in_the_editor_stay_in_the_editor(page, live_server):
    open_graph(page, share_link(live_server, TWO_PATHS, step="3"))
    page.click("#editor .cm-content")
    page.keyboard.press("End")
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("Space")
    assert current_step(page) == 3
    assert page.get_attribute("#play-pause", "data-playing") == "false"


def test_gallery_runs_a_lecture_program_with_ctrl_enter_too(page, live_server, lecture_examples):
    page.emulate_media(reduced_motion="reduce")
    page.goto(live_server + "/?lang=en")
    page.wait_for_selector("body[data-ready=true]")
    titles = page.eval_on_selector_all(".example-title", "els => els.map(e => e.textContent)")
    assert titles == [e["title"]["en"] for e in lecture_examples]
    subtitles = page.eval_on_selector_all(".example-subtitle", "els => els.map(e => e.textContent)")
    assert subtitles == [e["title"]["ja"] for e in lecture_examples]
    page.click('.example[data-example="paths_uv"]')
    page.wait_for_selector("#graph svg g.node")
    assert page.input_value("#source") == next(
        e["source"] for e in lecture_examples if e["id"] == "paths_uv")
    page.fill("#editor .cm-content", TWO_PATHS)
    page.press("#editor .cm-content", "Control+Enter")
    wait_until(page, "document.querySelector('#graph svg').querySelectorAll('g.node').length === 4")
    assert parse_qs(urlsplit(page.url).query)["source"] == [TWO_PATHS]


# -- zoom -----------------------------------------------------------------------------------

def test_zoom_buttons_wheel_and_fit(page, live_server):
    open_graph(page, share_link(live_server, TWO_PATHS))
    view_box = lambda: [float(v) for v in page.get_attribute("#graph svg", "viewBox").split()]  # noqa: E731
    full = view_box()
    page.click("#zoom-in")
    assert view_box()[2] < full[2]
    page.click("#zoom-fit")
    assert view_box() == full
    box = page.locator("#graph").bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.wheel(0, 300)  # the wheel alone scrolls the page
    assert view_box() == full
    page.locator("#graph").hover()  # where the page has scrolled it
    box = page.locator("#graph").bounding_box()
    page.keyboard.down("Control")  # Ctrl+wheel (a trackpad's pinch) zooms
    page.mouse.wheel(0, 300)
    page.keyboard.up("Control")
    assert view_box()[2] > full[2]
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] / 2 + 80, box["y"] + box["height"] / 2 + 40, steps=4)
    page.mouse.up()
    assert view_box()[0] < full[0]


# -- errors ---------------------------------------------------------------------------------

def test_a_program_not_allowed_shows_line_and_column(page, live_server, browser_problems):
    browser_problems.allow_console_error(r"status of 400")
    problem = requests.post(f"{live_server}/api/graph", json={"source": NOT_ALLOWED}, timeout=30).json()
    page.goto(share_link(live_server, NOT_ALLOWED, lang="en"))
    page.wait_for_selector("#problem:not([hidden])")
    assert page.text_content("#problem-where") == f"Line {problem['line']}, column {problem['column']}"
    assert problem["line"] == 2
    # the editor's diagnostic, on line 2 (its place to the column: tests/browser/test_editor.py)
    page.wait_for_selector("#editor .cm-lint-marker-error")
    assert page.locator("#editor .cm-lintRange-error").count() == 1
    excerpt = page.text_content("#problem-excerpt")
    assert "y = x.__class__" in excerpt
    assert excerpt.splitlines()[1].index("^") == len("2 | ") + problem["column"] - 1
    assert problem["detail"] in page.text_content("#problem-detail")
    assert page.query_selector("#graph svg") is None


def test_pytorch_error_is_shown(page, live_server, lecture_examples, browser_problems):
    browser_problems.allow_console_error(r"status of 422")
    example = next(e for e in lecture_examples if e["id"] == "int_tensor_error")
    page.goto(share_link(live_server, example["source"], lang="en"))
    page.wait_for_selector("#problem:not([hidden])")
    assert page.text_content("#problem-title") == "The program ran and failed"
    assert example["error"] in page.text_content("#problem-detail")


@pytest.mark.parametrize("source", [
    HTML_PAYLOAD + "\n",
    f'x = torch.tensor(2.0, requires_grad=True)\nprint("{HTML_PAYLOAD}")\ny = x * 2\ny.backward()\n',
], ids=["syntax-error", "printed"])
def test_html_in_a_program_stays_text(page, live_server, browser_problems, source):
    browser_problems.allow_console_error(r"status of 4\d\d")
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.emulate_media(reduced_motion="reduce")
    page.goto(share_link(live_server, source))
    page.wait_for_selector("body[data-ready=true]")
    assert page.evaluate("document.querySelectorAll('img').length") == 0
    assert page.get_by_text(HTML_PAYLOAD).first.is_visible()
    assert dialogs == []


# -- accessibility --------------------------------------------------------------------------

@pytest.mark.parametrize("theme", ["light", "dark"])
def test_no_serious_accessibility_violations(page, live_server, theme):
    page.emulate_media(color_scheme=theme)
    open_graph(page, share_link(live_server, TWO_PATHS, step="6", input="x"))
    violations = [v for v in run_axe(page) if v["impact"] in ("serious", "critical")]
    assert violations == [], [(v["id"], [n["target"] for n in v["nodes"]]) for v in violations]


def test_no_serious_accessibility_violations_in_presentation_mode(page, live_server):
    open_graph(page, share_link(live_server, TWO_PATHS, step="6", input="x", present="1", lang="ja"))
    violations = [v for v in run_axe(page) if v["impact"] in ("serious", "critical")]
    assert violations == [], [(v["id"], [n["target"] for n in v["nodes"]]) for v in violations]


def test_top_to_bottom_layout_from_the_link_and_the_select(page, live_server):
    open_graph(page, share_link(live_server, TWO_PATHS, step="3"))
    tall = ("(() => { const b = document.querySelector('#graph svg').viewBox.baseVal;"
            " return b.height > b.width; })()")
    assert page.input_value("#direction-select") == "auto"  # the panel's shape decides
    assert "direction" not in parse_qs(urlsplit(page.url).query)
    page.select_option("#direction-select", "LR")
    wait_until(page, f"!{tall}")
    assert parse_qs(urlsplit(page.url).query)["direction"] == ["LR"]
    page.select_option("#direction-select", "TB")
    wait_until(page, tall)
    assert parse_qs(urlsplit(page.url).query)["direction"] == ["TB"]
    assert current_step(page) == 3
    open_graph(page, page.url)
    assert page.input_value("#direction-select") == "TB"
    assert page.evaluate(tall)


@pytest.mark.parametrize("lang, says", [("en", "would give"), ("ja", "呼べば得られる勾配")])
def test_without_backward_the_check_says_these_are_what_backward_would_give(
        page, live_server, lang, says):
    source = "x = torch.tensor(0.5, requires_grad=True)\ny = torch.sin(x) * x\n"
    doc = api_graph(live_server, source)
    assert doc["backward"]["called"] is False
    open_graph(page, share_link(live_server, source, input="x", lang=lang))
    check = page.text_content("#paths-check")
    assert "y.backward()" in check and says in check and "autograd" not in check
    assert "✓" in check


def test_too_many_paths_lists_the_first_ones_and_still_checks_the_sum(page, live_server):
    source = ("x = torch.tensor(0.5, requires_grad=True)\ny = x\nfor i in range(7):\n"
              "    y = torch.sin(y) + torch.cos(y)\ny.backward()\n")
    doc = api_graph(live_server, source)
    x_id = next(n["id"] for n in doc["graph"]["nodes"] if n["kind"] == "input")
    info = doc["paths"][x_id]
    assert info["truncated"] and info["count"] == 2 ** 7
    open_graph(page, share_link(live_server, source, input="x", lang="en"))
    assert len(page.query_selector_all("#path-list li")) == len(info["paths"]) < info["count"]
    summary = page.text_content("#paths-summary")
    assert f"{info['count']} path(s)" in summary
    assert f"first {len(info['paths'])}" in summary
    assert "\\cdots" in page.get_attribute("#paths-formula", "data-tex")
    assert ("✓" in page.text_content("#paths-check")) == math.isclose(
        info["sum"], info["grad"], rel_tol=1e-6, abs_tol=1e-6)


def test_a_busy_server_says_when_to_retry(page, live_server, browser_problems):
    # The one answer made up here: a real 503 needs the server saturated on purpose.
    browser_problems.allow_console_error(r"status of 503")
    page.route("**/api/graph", lambda route: route.fulfill(
        status=503, headers={"Retry-After": "7", "Content-Type": "application/problem+json"},
        body='{"type": "/problems/busy", "title": "Busy", "status": 503, "detail": "Try again."}'))
    page.goto(share_link(live_server, TWO_PATHS, lang="en"))
    page.wait_for_selector("#problem:not([hidden])")
    # The page waits the Retry-After and tries again by itself (tests/browser/test_busy_server.py)
    assert page.text_content("#problem-title") == \
        "The server is busy: trying again by itself in 7 s (retry 1 of 3)"


def test_download_links_are_this_step(page, live_server):
    open_graph(page, share_link(live_server, TWO_PATHS, step="4", lang="ja"))
    doc = api_graph(live_server, TWO_PATHS)
    svg = requests.get(live_server + page.get_attribute("#export-svg", "href"), timeout=30)
    assert svg.status_code == 200 and svg.headers["content-type"].startswith("image/svg+xml")
    assert f'data-steps="{len(doc["timeline"])}"' in svg.text
    query = parse_qs(urlsplit(page.get_attribute("#export-svg", "href")).query)
    assert query["step"] == ["4"] and query["lang"] == ["ja"] and query["source"] == [TWO_PATHS]
    json_doc = requests.get(live_server + page.get_attribute("#export-json", "href"), timeout=30)
    assert json_doc.json()["timeline"] == doc["timeline"]


def test_the_page_works_under_a_strict_content_security_policy(page, live_server):
    """No inline script or handler: with script-src 'self' the page still runs (a blocked
    script would log a console error and fail the page fixture)."""
    # img-src as the app's own policy has it: the favicon is a data: URL (index.html says why)
    policy = ("default-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; "
              "img-src 'self' data:")

    def with_policy(route):
        response = route.fetch()
        route.fulfill(response=response,
                      headers={**response.headers, "content-security-policy": policy})

    page.route(f"{live_server}/?*", with_policy)
    open_graph(page, share_link(live_server, TWO_PATHS, input="x"))
    assert page.query_selector("#paths-formula .katex") is not None
    page.keyboard.press("Home")
    assert current_step(page) == -1
