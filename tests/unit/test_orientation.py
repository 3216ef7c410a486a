"""render.orientation: direction=auto lays a graph out the way that shows it larger in a
panel of the given shape, judged by the drawings graphviz actually makes."""
import re

import pytest

from webapp.render import drawing
from webapp.render.orientation import chosen_direction

CHAIN = "x = torch.tensor(0.5, requires_grad=True)\ny = torch.sin(torch.exp(torch.cos(x * 2) + 1) * 3)\ny.backward()\n"
VIEW_BOX = re.compile(r'viewBox="[-0-9.]+ [-0-9.]+ ([0-9.]+) ([0-9.]+)"')


def size(svg_text):
    width, height = VIEW_BOX.search(svg_text).groups()
    return float(width), float(height)


@pytest.fixture
def chain(client):
    response = client.post("/api/graph", json={"source": CHAIN})
    assert response.status_code == 200
    return response.get_json()


def shown_scale(doc, direction, aspect):
    width, height = size(drawing.to_svg(doc, direction=direction))
    return min(aspect / width, 1 / height)


@pytest.mark.parametrize("aspect", [0.5, 0.8, 1.0, 16 / 9, 4.0])
def test_the_chosen_direction_shows_the_graph_at_least_as_large(chain, aspect):
    chosen = chosen_direction(chain, aspect)
    other = {"LR": "TB", "TB": "LR"}[chosen]
    assert shown_scale(chain, chosen, aspect) >= shown_scale(chain, other, aspect) / 1.02


def test_a_chain_goes_down_a_tall_panel_and_across_a_wide_one(chain):
    assert chosen_direction(chain, 0.5) == "TB"
    assert chosen_direction(chain, 6.0) == "LR"


def test_the_svg_endpoint_draws_the_chosen_direction(client, chain):
    tall = client.get("/api/graph.svg", query_string={"source": CHAIN, "direction": "auto",
                                                       "aspect": "0.5"})
    wide = client.get("/api/graph.svg", query_string={"source": CHAIN, "direction": "auto",
                                                       "aspect": "6"})
    assert tall.status_code == wide.status_code == 200
    tall_w, tall_h = size(tall.get_data(as_text=True))
    wide_w, wide_h = size(wide.get_data(as_text=True))
    assert tall_h > tall_w and wide_w > wide_h


@pytest.mark.parametrize("aspect", ["0.05", "11", "wide", "nan"])
def test_an_aspect_out_of_range_is_a_400(client, aspect):
    response = client.get("/api/graph.svg", query_string={"source": CHAIN, "direction": "auto",
                                                          "aspect": aspect})
    assert response.status_code == 400
    assert "'aspect' must be a number from 0.1 to 10" in response.get_json()["detail"]


# A long chain: 40 operations in a row (each with its constant).
LONG_CHAIN = "x = torch.tensor(0.5, requires_grad=True)\ny = x\n" + "y = y * 1.01\n" * 40 + \
             "y.backward()\n"
FAN_IN = "x = torch.tensor(0.5, requires_grad=True)\n" + \
         "".join(f"a{i} = x * {i + 1}\n" for i in range(12)) + \
         "y = " + " + ".join(f"a{i}" for i in range(12)) + "\ny.backward()\n"


@pytest.fixture
def long_chain(client):
    response = client.post("/api/graph", json={"source": LONG_CHAIN})
    assert response.status_code == 200
    return response.get_json()


@pytest.mark.parametrize("aspect", [16 / 9, 4 / 3, 2.4])
def test_a_long_chain_wraps_to_fill_a_wide_panel(long_chain, aspect):
    """Not a thin strip: the drawing graphviz makes has about the panel's shape, and it shows
    at least twice as large as either straight layout."""
    chosen = chosen_direction(long_chain, aspect)
    assert chosen.startswith("wrap:"), chosen
    width, height = size(drawing.to_svg(long_chain, direction=chosen))
    straight = {d: size(drawing.to_svg(long_chain, direction=d)) for d in ("LR", "TB")}
    assert aspect / 2 <= width / height <= aspect * 2, (chosen, width / height)
    for name, (w, h) in straight.items():
        assert not aspect / 2 <= w / h <= aspect * 2, (name, w / h)      # the strips
        assert shown_scale(long_chain, chosen, aspect) >= 2 * min(aspect / w, 1 / h), name


def test_wrapped_rows_read_in_order_and_keep_every_element(long_chain):
    """Each row starts at the left under the one before: the row's first nodes share a column
    and go down in order; every node and edge is still drawn, with its id."""
    from webapp.render import wrap
    svg = drawing.to_svg(long_chain, direction="wrap:4")
    for element in long_chain["graph"]["nodes"] + long_chain["graph"]["edges"]:
        assert f'id="{element["id"]}"' in svg
    rows = wrap.rows_of(long_chain["graph"]["nodes"], long_chain["graph"]["edges"], 4)
    assert len(rows) == 4 and sum(map(len, rows)) == 41
    centres = [node_centre(svg, ids[0]) for ids in rows]
    assert len({round(x) for x, _ in centres}) == 1                      # one column
    assert [y for _, y in centres] == sorted(y for _, y in centres)      # top to bottom


def node_centre(svg, node_id):
    """The (x, y) of a node's first text, in the drawing's units."""
    found = re.search(rf'<g id="{node_id}" class="node[^"]*">.*?<text[^>]* x="([-0-9.]+)" '
                      rf'y="([-0-9.]+)"', svg, re.S)
    return float(found[1]), float(found[2])


def test_a_graph_that_is_not_a_chain_is_not_wrapped(client):
    response = client.post("/api/graph", json={"source": FAN_IN})
    assert chosen_direction(response.get_json(), 16 / 9) in ("LR", "TB")


def test_wrap_is_not_a_parameter_a_user_can_ask_for(client):
    response = client.get("/api/graph.svg", query_string={"source": LONG_CHAIN,
                                                         "direction": "wrap:3"})
    assert response.status_code == 400


def loop_chain(client, operations):
    """A chain written out line by line: a loop's iterations would be groups, and a graph of
    groups above render.views.COLLAPSE_ABOVE_NODES is drawn with each group closed."""
    source = ("x = torch.tensor(0.5, requires_grad=True)\ny = x\n"
              + "y = y * 1.01\n" * operations + "y.backward()\n")
    response = client.post("/api/graph", json={"source": source})
    assert response.status_code == 200
    return response.get_json()


def test_chains_are_wrapped_up_to_max_wrapped_nodes(client):
    """Each layout tried is a graphviz run: beyond MAX_WRAPPED_NODES the chain is not tried in
    rows (the view shows a legible region and the minimap)."""
    from webapp.render.orientation import MAX_WRAPPED_NODES
    operations = (MAX_WRAPPED_NODES - 1) // 2           # an input, then an op and a constant each
    at_limit = loop_chain(client, operations)
    assert len(at_limit["graph"]["nodes"]) <= MAX_WRAPPED_NODES
    assert chosen_direction(at_limit, 16 / 9).startswith("wrap:")
    beyond = loop_chain(client, operations + 1)
    assert len(beyond["graph"]["nodes"]) > MAX_WRAPPED_NODES
    assert chosen_direction(beyond, 16 / 9) in ("LR", "TB")
