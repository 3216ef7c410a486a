"""The torchviz view (webapp/render/torchviz_view.py, execution/torchviz_dot.py, pipeline.torchviz_dot,
/api/graph.svg?style=torchviz): torchviz's own picture of the program, and a check that our
graph and torchviz's agree node for node on every lecture program."""
import time

import networkx as nx
import pytest

from webapp.pipeline import evaluation as pipeline
from webapp.render import drawing as render
from webapp.render import torchviz_view
from webapp.core.errors import ProblemError

SIN_EXP = ("x = torch.tensor(2.0, requires_grad=True)\n"
           "y = torch.sin((x + 2) + (1 + torch.exp(x ** 2)))\ny.backward()\n")


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


def test_torchviz_drawing_is_capped_like_ours(monkeypatch):
    monkeypatch.setattr(render, "MAX_DRAWN_NODES", 3)
    with pytest.raises(render.GraphTooLargeToDraw):
        torchviz_view.to_svg(pipeline.torchviz_dot(SIN_EXP))
