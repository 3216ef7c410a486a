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
