"""Drawings of grouped graphs (render.views, render.drawing): the top level with each group as
one box, a group's inside on its own, the lecture's small programs drawn whole as before, and
every recorded graph drawn up to the 2,000-node limit. The numbers in the boxes are checked
against PyTorch run directly (tests/support/reference.py)."""
import pytest

from tests.integration.test_render import groups, parse, texts_by_role
from tests.support.documents import document_of, inputs_by_name
from tests.support.numbers import close
from tests.support.reference import pytorch_run
from webapp.render import drawing as render
from webapp.render import views
from webapp.render.dot import format_number


def loop(count):
    """The issue's loop: 4 nodes an iteration, 4 * count + 1 in all."""
    return ("x = torch.tensor(0.5, requires_grad=True)\ny = x\n"
            f"for i in range({count}):\n    y = torch.sin(y) * 1.01 + x\ny.backward()\n")


@pytest.fixture(scope="module")
def loop_149():
    return document_of(loop(37))


def classes(element):
    return set(element.get("class", "").split())


def test_small_programs_are_drawn_whole_as_before():
    doc = document_of(loop(3))   # 13 nodes, with groups
    assert doc["groups"] and len(doc["graph"]["nodes"]) <= views.COLLAPSE_ABOVE_NODES
    without = {**doc, "groups": []}
    assert render.to_svg(doc) == render.to_svg(without)


def test_the_149_node_loop_opens_as_x_and_one_series_box(loop_149):
    assert len(loop_149["graph"]["nodes"]) == 149
    root = parse(render.to_svg(loop_149))
    drawn = {i: g for i, g in groups(root).items() if classes(g) & {"node", "edge"}}
    series = next(g for g in loop_149["groups"] if g["kind"] == "series")
    x = inputs_by_name(loop_149)["x"]["id"]
    assert set(drawn) == {x, series["id"], f"{x}-{series['id']}"}
    assert {"node", "group", "series", "output"} <= classes(drawn[series["id"]])
    texts = texts_by_role(root)
    assert texts[series["id"], "label"].text == "for i in range(37) × 37"
    # What flowed from the loop back into x, summed over its 38 edges, is x.grad (PyTorch's).
    edge = drawn[f"{x}-{series['id']}"]
    members = edge.get("data-members").split()
    assert len(members) == 38 and "merged" in classes(edge)
    _, calls = pytorch_run(loop(37))
    shown = texts[f"{x}-{series['id']}", "flow"].text
    assert shown == f"Σ {format_number(calls[-1]['x'].item())} (38)"


def test_a_series_box_shows_the_first_and_last_iteration(loop_149):
    nodes = {n["id"]: n for n in loop_149["graph"]["nodes"]}
    by_id = {g["id"]: g for g in loop_149["groups"]}
    series = next(g for g in loop_149["groups"] if g["kind"] == "series")
    first, last = (nodes[by_id[series[k]]["outputs"][-1]] for k in ("first", "last"))
    texts = texts_by_role(parse(render.to_svg(loop_149)))
    value = texts[series["id"], "value"]
    assert value.text == f"y = {format_number(first['value'])} … {format_number(last['value'])}"
    grad = texts[series["id"], "grad"]
    assert grad.text == f"grad {format_number(first['grad'])} … {format_number(last['grad'])}"
    # The grad line appears when the first iteration's grad is known: late in the backward.
    timeline = loop_149["timeline"]
    assert int(grad.get("data-step")) > int(value.get("data-step")) >= len(nodes) - 1
    assert timeline[int(grad.get("data-step"))]["node"] == first["id"]


def test_a_series_inside_is_its_iterations_each_with_its_own_x(loop_149):
    series = next(g for g in loop_149["groups"] if g["kind"] == "series")
    root = parse(render.to_svg(loop_149, group=series["id"]))
    assert root.get("data-view") == series["id"]
    drawn = groups(root)
    boxes = [i for i, g in drawn.items() if "group" in classes(g)]
    assert boxes == series["children"]
    ports = [i for i, g in drawn.items() if "port" in classes(g)]
    assert len(ports) == 37 and {drawn[p].get("data-members") for p in ports} == {"n0"}


def test_an_iteration_inside_is_its_own_nodes_with_ports(loop_149):
    second = next(g for g in loop_149["groups"] if g["kind"] == "iteration" and g["index"] == 1)
    root = parse(render.to_svg(loop_149, group=second["id"]))
    drawn = groups(root)
    for node in second["nodes"]:
        assert "node" in classes(drawn[node])
    ports = {g.get("data-members") for g in drawn.values() if "port" in classes(g)}
    assert ports == set(second["inputs"]) | {n for n in ports if n not in second["nodes"]}
    # every real edge into the iteration is drawn once, from its port, with its flow's step
    texts = texts_by_role(root)
    merged = [i for i, g in drawn.items() if "merged" in classes(g)]
    assert merged and all(texts[i, "flow"].get("data-step") for i in merged)


def test_an_unknown_group_is_refused(loop_149):
    with pytest.raises(ValueError, match="no group"):
        render.to_svg(loop_149, group="g9999")


def test_a_2000_node_program_draws_at_every_level():
    doc = document_of(loop(499))
    assert len(doc["graph"]["nodes"]) == 1997
    series = next(g for g in doc["groups"] if g["kind"] == "series")
    top = groups(parse(render.to_svg(doc)))
    assert series["id"] in top
    inside = groups(parse(render.to_svg(doc, group=series["id"])))
    assert all(child in inside for child in series["children"])
    last = groups(parse(render.to_svg(doc, group=series["last"])))
    output = doc["output"]
    assert "output" in classes(last[output])
    # and the whole graph, ungrouped, draws too (the layered layout)
    whole = groups(parse(render.to_svg({**doc, "groups": []})))
    assert {n["id"] for n in doc["graph"]["nodes"]} <= set(whole)


def test_the_svg_endpoint_draws_a_group_and_refuses_an_unknown_one(client):
    source = loop(37)
    doc = client.post("/api/graph", json={"source": source}).get_json()
    series = next(g for g in doc["groups"] if g["kind"] == "series")
    answer = client.get("/api/graph.svg", query_string={"source": source,
                                                          "group": series["id"]})
    assert answer.status_code == 200 and f'data-view="{series["id"]}"' in answer.text
    refused = client.get("/api/graph.svg", query_string={"source": source, "group": "g999"})
    assert refused.status_code == 400 and "g999" in refused.get_json()["detail"]
    assert close(doc["graph"]["nodes"][0]["grad"], pytorch_run(source)[1][-1]["x"].item())
