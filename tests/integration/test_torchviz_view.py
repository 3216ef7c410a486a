"""The torchviz view (webapp/torchviz_view.py, evaluate.torchviz_source, pipeline.torchviz_dot,
/api/graph.svg?style=torchviz): torchviz's own picture of the program, and a check that our
graph and torchviz's agree node for node on every lecture program."""
import time
import xml.etree.ElementTree as ET

import networkx as nx
import pytest

from tests.support.problems import assert_problem
from webapp.pipeline import evaluation as pipeline
from webapp.render import drawing as render
from webapp.render import torchviz_view
from webapp.core.errors import ProblemError

SIN_EXP = ("x = torch.tensor(2.0, requires_grad=True)\n"
           "y = torch.sin((x + 2) + (1 + torch.exp(x ** 2)))\ny.backward()\n")
SVG = "{http://www.w3.org/2000/svg}"


def patiently(compute, tries=4):
    """compute(), again when a loaded machine stopped the program (the lecture's gradient
    descent takes ~2 s of its 3 s)."""
    for attempt in range(tries):
        time.sleep(3 * attempt)
        try:
            return compute()
        except ProblemError as problem:
            if "server was busy" not in problem.detail or attempt == tries - 1:
                raise
    raise AssertionError("unreachable")


def our_functions(doc):
    """Our op nodes (named by autograd's function) and inputs (torchviz's AccumulateGrad), with
    the edges among them, as a multigraph."""
    graph = nx.MultiDiGraph()
    for node in doc["graph"]["nodes"]:
        if node["kind"] == "op":
            graph.add_node(node["id"], name=node["op"])
        elif node["kind"] == "input":
            graph.add_node(node["id"], name="AccumulateGrad")
    for edge in doc["graph"]["edges"]:
        if edge["source"] in graph and edge["target"] in graph:
            graph.add_edge(edge["source"], edge["target"])
    return graph


def torchviz_functions(parsed):
    """torchviz's grey boxes (autograd functions, AccumulateGrad included) and the edges among
    them (leaf tensors, saved tensors and the output box left out)."""
    graph = nx.MultiDiGraph()
    for identifier, name in parsed.functions().items():
        graph.add_node(identifier, name=name)
    for source, target, style in parsed.edges:
        if source in graph and target in graph and style is None:
            graph.add_edge(source, target)
    return graph


def test_our_op_nodes_are_torchvizs_nodes_on_every_lecture_program(lecture_examples):
    checked = 0
    for example in lecture_examples:
        if "error" in example:
            continue
        doc = patiently(lambda: pipeline.graph_document(example["source"]))
        parsed = torchviz_view.parse(
            patiently(lambda: pipeline.torchviz_dot(example["source"])))
        ours, theirs = our_functions(doc), torchviz_functions(parsed)
        names = sorted(nx.get_node_attributes(ours, "name").values())
        assert names == sorted(nx.get_node_attributes(theirs, "name").values()), example["id"]
        assert nx.is_isomorphic(ours, theirs,
                                node_match=lambda a, b: a["name"] == b["name"]), example["id"]
        checked += 1
    assert checked >= 10


def test_the_correspondence_check_notices_a_different_graph():
    doc = pipeline.graph_document(SIN_EXP)
    other = torchviz_view.parse(pipeline.torchviz_dot(SIN_EXP.replace("torch.exp", "torch.sin")))
    assert not nx.is_isomorphic(our_functions(doc), torchviz_functions(other),
                                node_match=lambda a, b: a["name"] == b["name"])


def test_leaves_carry_the_programs_names():
    parsed = torchviz_view.parse(pipeline.torchviz_dot(SIN_EXP))
    leaves = [node["label"] for node in parsed.nodes.values() if node["fill"] == "lightblue"]
    assert leaves == ["x\n ()"]


@pytest.mark.parametrize("dot_source", [
    'digraph {\n\t1 [label=a image="/etc/passwd"]\n}\n',
    'digraph {\n\t1 [label=a shapefile="/etc/passwd"]\n}\n',
    'digraph {\n\t1 [label=a fillcolor="red\\" image=\\"x"]\n}\n',
    'digraph {\n\t1 -> 2 [URL="http://example.com"]\n}\n',
    'digraph {\n\t1 -> 2\n}\n',                      # edges to undefined nodes
    'digraph {\n\tsubgraph cluster { 1 }\n}\n',
    'graph {\n}\n',
])
def test_anything_make_dot_does_not_write_is_refused(dot_source):
    with pytest.raises(torchviz_view.TorchvizFormatError):
        torchviz_view.parse(dot_source)


def test_rewritten_dot_keeps_labels_and_renumbers_ids():
    parsed = torchviz_view.parse('digraph {\n\tgraph [size="12,12"]\n'
                                 '\t140 [label="w\n (2, 3)" fillcolor=lightblue]\n'
                                 '\t141 [label=MulBackward0]\n\t140 -> 141\n}\n')
    dot = torchviz_view.to_dot(parsed)
    assert '"t0" [id="t0", label="w\\n (2, 3)", fillcolor="lightblue"];' in dot
    assert '"t0" -> "t1";' in dot and "140" not in dot


def test_torchviz_svg_over_http(client):
    response = client.get("/api/graph.svg", query_string={"source": SIN_EXP,
                                                          "style": "torchviz"})
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    root = ET.fromstring(response.data)
    assert root.get("class") == "torchviz-graph"
    texts = [text.text for text in root.iter(f"{SVG}text")]
    assert {"SinBackward0", "ExpBackward0", "PowBackward0", "AccumulateGrad"} <= set(texts)
    assert "x" in texts
    assert not [el for el in root.iter() if el.tag.endswith(("script", "image", "a"))]


def test_torchviz_view_of_a_bad_program_is_a_problem(client):
    response = client.get("/api/graph.svg", query_string={"source": "import os",
                                                          "style": "torchviz"})
    assert_problem(response, 400, slug="not-allowed")
    response = client.get("/api/graph.svg", query_string={"source": SIN_EXP,
                                                          "style": "torchviz", "output": "1x"})
    assert_problem(response, 400, detail="'output' must be a variable name")


def test_torchviz_drawing_is_capped_like_ours(monkeypatch):
    monkeypatch.setattr(render, "MAX_DRAWN_NODES", 3)
    with pytest.raises(render.GraphTooLargeToDraw):
        torchviz_view.to_svg(pipeline.torchviz_dot(SIN_EXP))
