"""A program that never calls `.backward()` on the output still gets its graph, and the
document says which backward its numbers are from (`backward`, docs/graph-json.md): none, so
its grads are those `y.backward()` would give at the values the graph shows, while the
program's own `x.grad` stays None. PyTorch run directly is the oracle. Runs in-process."""
import torch

from tests.support.documents import document_of, inputs_by_name
from tests.support.numbers import close
from webapp.graph.schema import SCHEMAS


def test_without_backward_the_document_says_so_and_gives_what_backward_would():
    doc = document_of("x = torch.tensor(0.5, requires_grad=True)\ny = torch.sin(x) * x\n")
    assert doc["backward"] == {"called": False, "call": None, "calls": 0}
    assert doc["variables"]["x"]["grad"] is None
    x = torch.tensor(0.5, requires_grad=True)
    (torch.sin(x) * x).backward()
    assert close(inputs_by_name(doc)["x"]["grad"], x.grad)
    assert close(doc["paths"][inputs_by_name(doc)["x"]["id"]]["grad"], x.grad)


def test_an_output_the_program_did_not_differentiate_is_not_called_though_another_was():
    source = ("x = torch.tensor(0.5, requires_grad=True)\nh = x ** 3\ny = h * 2\n"
              "y.backward()\n")
    doc = document_of(source, output="h")
    assert doc["backward"] == {"called": False, "call": None, "calls": 1}
    assert close(inputs_by_name(doc)["x"]["grad"], 3 * 0.5 ** 2)
    assert document_of(source)["backward"] == {"called": True, "call": 1, "calls": 1}


def test_without_backward_after_an_update_the_grads_are_at_the_values_shown():
    # the graph of y was made before x.data changed: it is drawn, and differentiated, at the
    # x it used (what y.backward() would have given right after y was computed)
    doc = document_of("x = torch.tensor(3.0, requires_grad=True)\ny = x ** 2\n"
                      "x.data = x.data - 1.0\n")
    x = inputs_by_name(doc)["x"]
    assert x["value"] == 3.0 and close(x["grad"], 6.0)
    assert doc["variables"]["x"]["value"] == 2.0


def test_the_schema_requires_the_field():
    graph = SCHEMAS["Graph"]
    assert "backward" in graph["required"]
    assert set(SCHEMAS["Backward"]["required"]) == {"called", "call", "calls"}
