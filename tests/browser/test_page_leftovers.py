"""Issue 12's page leftovers: the favicon is fetched once, not on every step; the minimap
never hides the drawing at the default view; the narration band is never blank on a step."""
import pytest

from tests.browser.test_page import api_graph, current_step, open_graph, share_link

pytestmark = pytest.mark.browser

SIN_EXP = ("x = torch.tensor(2.0, requires_grad=True)\n"
           "y = torch.sin((x + 2) + (1 + torch.exp(x ** 2)))\ny.backward()\n")
DIFFICULT = ("x = torch.tensor(1.0, requires_grad=True)\n"
             "y = -1 / (x ** 2 + 1) * torch.log(1 / (1 + torch.exp(-x)) + 1)\ny.backward()\n")


def test_the_favicon_is_not_fetched_again_on_each_step(page, live_server):
    doc = api_graph(live_server, SIN_EXP)
    asked = []
    page.on("request", lambda request: "favicon" in request.url and asked.append(request.url))
    open_graph(page, share_link(live_server, SIN_EXP, lang="en"))
    page.keyboard.press("Home")
    for k in range(len(doc["timeline"])):
        page.keyboard.press("ArrowRight")
        assert current_step(page) == k
    page.evaluate("new Promise((done) => setTimeout(done, 300))")  # late requests land too
    assert len(asked) <= 1, asked
    # and there is still an icon: a picture the browser can decode
    size = page.evaluate("""() => new Promise((done) => {
        const img = new Image();
        img.onload = () => done([img.naturalWidth, img.naturalHeight]);
        img.onerror = () => done(null);
        img.src = document.querySelector("link[rel=icon]").href;
    })""")
    assert size and size[0] > 0 and size[1] > 0


# The on-screen part of every node (its box cut to the drawing's own box) and the minimap's box.
BOXES = """() => {
  const r = (e) => e.getBoundingClientRect();
  const svg = r(document.querySelector('#graph > svg'));
  const cut = (b) => ({left: Math.max(b.left, svg.left), top: Math.max(b.top, svg.top),
    right: Math.min(b.right, svg.right), bottom: Math.min(b.bottom, svg.bottom)});
  const nodes = [...document.querySelectorAll('#graph g.node')].map((g) => cut(r(g)))
    .filter((b) => b.right > b.left && b.bottom > b.top);
  const m = document.querySelector('#minimap');
  return {nodes, minimap: m.hidden ? null : r(m).toJSON()};
}"""


def overlap(a, b):
    return min(a["right"], b["right"]) > max(a["left"], b["left"]) and \
        min(a["bottom"], b["bottom"]) > max(a["top"], b["top"])


@pytest.mark.parametrize("size,present", [((1366, 768), "0"), ((1280, 720), "1"),
                                          ((390, 844), "0")])
def test_the_minimap_never_covers_a_node_at_the_default_view(page, live_server, screenshots,
                                                              size, present):
    page.set_viewport_size({"width": size[0], "height": size[1]})
    doc = api_graph(live_server, DIFFICULT)
    open_graph(page, share_link(live_server, DIFFICULT, present=present, lang="en"))
    for k in (-1, len(doc["timeline"]) // 2, len(doc["timeline"]) - 1):
        page.evaluate(
            "(k) => { const s = document.querySelector('#scrubber'); s.value = k;"
            " s.dispatchEvent(new Event('input')); }", k)
        page.click("#zoom-fit")                                 # the default view
        boxes = page.evaluate(BOXES)
        assert boxes["minimap"] is not None, "difficult is shown as a region with a minimap"
        assert boxes["nodes"], "some node is on screen"
        covered = [b for b in boxes["nodes"] if overlap(b, boxes["minimap"])]
        assert covered == [], (k, boxes["minimap"], covered)
    page.screenshot(path=str(screenshots / f"minimap-{size[0]}x{size[1]}.png"))


@pytest.mark.parametrize("present,lang", [("0", "en"), ("1", "ja")])
def test_the_narration_band_is_never_blank(page, live_server, screenshots, present, lang):
    page.set_viewport_size({"width": 1280, "height": 720})
    doc = api_graph(live_server, SIN_EXP)
    open_graph(page, share_link(live_server, SIN_EXP, present=present, lang=lang))
    page.keyboard.press("Home")
    for k in range(-1, len(doc["timeline"])):
        assert current_step(page) == k
        caption = page.text_content("#caption").strip()
        rule = page.is_visible("#rule-panel") and page.text_content("#rule-panel").strip()
        note = page.is_visible("#step-note") and page.text_content("#step-note").strip()
        assert caption, k
        assert bool(rule) != bool(note), (k, rule, note)   # a rule, or else a note
        step = doc["timeline"][k] if k >= 0 else None
        if step and step["phase"] == "forward":
            node = next(n for n in doc["graph"]["nodes"] if n["id"] == step["node"])
            if node["kind"] == "op":
                assert node["op"] in note, (k, note)              # autograd's grad_fn, named
        if k in (-1, 3):
            page.screenshot(path=str(screenshots / f"narration-{lang}-step{k}.png"))
        page.keyboard.press("ArrowRight")


LONG_CHAIN = "x = torch.tensor(0.5, requires_grad=True)\ny = x\n" + "y = y * 1.01\n" * 40 + \
             "y.backward()\n"
SHAPES = """() => {
  const b = document.querySelector('#graph > svg > g.graph').getBBox();
  const panel = document.querySelector('.graph-frame');
  return {drawing: b.width / b.height, panel: panel.clientWidth / panel.clientHeight};
}"""


@pytest.mark.parametrize("size,present", [((1366, 768), "0"), ((1280, 720), "1")])
def test_a_long_chain_fills_the_panel_instead_of_a_strip(page, live_server, screenshots,
                                                          size, present):
    page.set_viewport_size({"width": size[0], "height": size[1]})
    open_graph(page, share_link(live_server, LONG_CHAIN, present=present, lang="en"))
    page.wait_for_function("() => !document.body.classList.contains('busy')")
    shapes = page.evaluate(SHAPES)
    assert shapes["panel"] / 2 <= shapes["drawing"] <= shapes["panel"] * 2, shapes
    page.screenshot(path=str(screenshots / f"long-chain-{size[0]}x{size[1]}.png"))
