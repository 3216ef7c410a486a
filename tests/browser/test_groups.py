"""Groups on the page (issue 13): a large graph opens with each group drawn as one box; a click
or Enter opens a group in place and nothing else moves; the player steps over a closed group
as one step and into an open one; search opens the groups a node is in and shows it. The
issue's loop `y = torch.sin(y) * 1.01 + x` gives 4 nodes an iteration (149 nodes for 37)."""
import pytest
from tests.browser.test_legibility import LAPTOP, MEASURE, MIN_LABEL_PX
from tests.browser.test_page import api_graph, current_step, open_graph, share_link

pytestmark = pytest.mark.browser


def loop(count):
    return ("x = torch.tensor(0.5, requires_grad=True)\ny = x\n"
            f"for i in range({count}):\n    y = torch.sin(y) * 1.01 + x\ny.backward()\n")


# Every drawn node and edge outside the open panels, by id: its box in the drawing's own
# units (the root <svg>'s user space; the camera may move to show what was opened), from
# its shape (the bounds of text change a little with the zoom).
POSITIONS = """() => {
  const svg = document.querySelector('#graph svg');
  const toRoot = svg.getScreenCTM().inverse();
  const found = {};
  for (const g of svg.querySelectorAll(':scope > g.graph g.node, :scope > g.graph g.edge')) {
    const shape = g.querySelector('polygon, path, rect, ellipse');  // text bounds vary with zoom
    const m = toRoot.multiply(shape.getScreenCTM());
    const b = shape.getBBox();
    const p = new DOMPoint(b.x, b.y).matrixTransform(m);
    const q = new DOMPoint(b.x + b.width, b.y + b.height).matrixTransform(m);
    found[g.id] = [p.x, p.y, q.x, q.y].map((v) => Math.round(v * 100) / 100);
  }
  return found;
}"""


def series_of(doc):
    return next(g for g in doc["groups"] if g["kind"] == "series" and g["parent"] is None)


def open_loop(page, live_server, count):
    page.set_viewport_size(LAPTOP)
    source = loop(count)
    open_graph(page, share_link(live_server, source, lang="en", step="-1"))
    return api_graph(live_server, source)


def open_group(page, group_id, how="click"):
    box = page.locator(f"#graph g.node.group[id='{group_id}']")
    if how == "click":
        box.click()
    else:
        box.focus()
        page.keyboard.press("Enter")
    page.wait_for_selector(f"#graph g.group-open[data-group='{group_id}'] g.node")


def steps_forward(page, presses):
    seen = []
    for _ in range(presses):
        page.keyboard.press("ArrowRight")
        seen.append(current_step(page))
    return seen


def test_the_149_node_loop_opens_closed_and_legible(page, live_server, screenshots):
    doc = open_loop(page, live_server, 37)
    assert len(doc["graph"]["nodes"]) == 149
    series = series_of(doc)
    assert page.locator(f"#graph g.node.group[id='{series['id']}']").count() == 1
    assert page.locator("#graph g.node").count() == 2      # x and the series' box
    page.keyboard.press("End")
    measured = page.evaluate(MEASURE)
    assert measured["label_px"] >= MIN_LABEL_PX["laptop"]
    page.screenshot(path=screenshots / "groups-149-closed.png")


def test_opening_and_closing_keeps_the_rest_in_place(page, live_server, screenshots):
    doc = open_loop(page, live_server, 37)
    series = series_of(doc)
    before = page.evaluate(POSITIONS)
    open_group(page, series["id"])
    opened = page.evaluate(POSITIONS)
    assert opened == before
    first = series["first"]
    open_group(page, first, how="keyboard")
    page.screenshot(path=screenshots / "groups-149-open.png")
    nested = page.evaluate(POSITIONS)
    assert nested == before
    inside = page.locator(f"#graph g.group-open[data-group='{first}'] g.node:not(.port)")
    assert inside.count() == 4     # sin, 1.01, mul, add
    # the series' title may be out of view now (the camera shows the iteration): by keyboard
    page.locator(f"#graph g.group-open[data-group='{series['id']}'] > text.group-title").focus()
    page.keyboard.press("Enter")
    assert page.locator("#graph g.group-open").count() == 0
    assert page.evaluate(POSITIONS) == before


def visible_runs(doc, owner):
    """The player's steps by the issue's rule: consecutive steps in one closed group, in one
    direction, are one; `owner(node id)` is the closed group hiding a node, or None."""
    edges = {e["id"]: e for e in doc["graph"]["edges"]}
    runs = []
    for index, step in enumerate(doc["timeline"]):
        where = edges[step["edge"]]["target"] if step["phase"] == "backward" else step["node"]
        group, backward = owner(where), step["phase"] != "forward"
        if group and runs and runs[-1][1:] == [group, backward]:
            runs[-1][0] = index
        else:
            runs.append([index, group, backward])
    return [run[0] for run in runs]


def test_the_timeline_steps_over_closed_groups_and_into_open_ones(page, live_server):
    doc = open_loop(page, live_server, 37)
    series = series_of(doc)
    in_series = set(series["nodes"])
    closed = visible_runs(doc, lambda n: series["id"] if n in in_series else None)
    assert len(closed) == 4        # x, the loop forward, the loop backward, x's sum
    assert steps_forward(page, len(closed)) == closed
    page.keyboard.press("Home")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    assert "for i in range(37) × 37" in page.inner_text("#caption")
    assert page.locator(f"#graph g.node.group.active[id='{series['id']}']").count() == 1
    open_group(page, series["id"])
    iteration = {n: g["id"] for g in doc["groups"] if g["parent"] == series["id"]
                 for n in g["nodes"]}
    page.keyboard.press("Home")
    expected = visible_runs(doc, iteration.get)
    assert steps_forward(page, 3) == expected[:3] == [0, 4, 8]
    open_group(page, series["first"])
    first_nodes = set(next(g for g in doc["groups"] if g["id"] == series["first"])["nodes"])
    page.keyboard.press("Home")
    expected = visible_runs(doc, lambda n: None if n in first_nodes else iteration.get(n))
    assert steps_forward(page, 6) == expected[:6] == [0, 1, 2, 3, 4, 8]


def test_search_opens_the_groups_and_shows_the_node(page, live_server, screenshots):
    doc = open_loop(page, live_server, 37)
    page.fill("#search-input", "sin")
    page.press("#search-input", "Enter")
    first_sin = next(n for n in doc["graph"]["nodes"] if n["label"] == "sin")
    found = page.locator(f"#graph g.node.found[id='{first_sin['id']}']")
    found.wait_for()
    frame = page.locator(".graph-frame").bounding_box()
    box = found.bounding_box()
    assert frame["x"] <= box["x"] and box["x"] + box["width"] <= frame["x"] + frame["width"]
    assert frame["y"] <= box["y"] and box["y"] + box["height"] <= frame["y"] + frame["height"]
    sins = sum(1 for n in doc["graph"]["nodes"] if n["label"] == "sin")
    assert page.inner_text("#search-status").startswith(f"1 of {sins}: sin")
    page.screenshot(path=screenshots / "groups-search.png")
    page.press("#search-input", "Enter")
    second = [n["id"] for n in doc["graph"]["nodes"] if n["label"] == "sin"][1]
    page.locator(f"#graph g.node.found[id='{second}']").wait_for()
    page.fill("#search-input", "nothing")
    page.press("#search-input", "Enter")
    assert "nothing" in page.inner_text("#search-status")


def test_a_2000_node_program_draws_and_opens(page, live_server, screenshots):
    doc = open_loop(page, live_server, 499)
    assert len(doc["graph"]["nodes"]) == 1997
    series = series_of(doc)
    open_group(page, series["id"])
    boxes = page.locator(f"#graph g.group-open[data-group='{series['id']}'] g.node.group")
    assert boxes.count() == 499
    page.keyboard.press("End")
    page.screenshot(path=screenshots / "groups-2000-open.png")


def test_small_programs_are_not_grouped(page, live_server):
    page.set_viewport_size(LAPTOP)
    open_graph(page, share_link(live_server, loop(3), lang="en"))
    assert page.locator("#graph g.node.group").count() == 0
    assert page.locator("#graph g.node").count() == 13
    assert page.locator("#graph-search").is_hidden()
