"""Through the API: the saved tensors and the gradient's graph are in /api/graph.json, keep to
the published schema (/api/openapi.json), and the schema can tell a broken one."""
import copy

import pytest

from tests.http.test_openapi import graph_validator
from webapp.web import openapi

SECOND_DERIVATIVE = ("x = torch.tensor(0.7, requires_grad=True)\n"
                     "y = torch.sin(x) * torch.exp(x)\n"
                     "g, = torch.autograd.grad(y, x, create_graph=True)\n"
                     "g.backward()\n")


@pytest.fixture(scope="module")
def validator():
    return graph_validator(openapi.document())


@pytest.fixture
def doc(client):
    response = client.get("/api/graph.json", query_string={"source": SECOND_DERIVATIVE})
    assert response.status_code == 200, response.json
    return response.json


def test_the_document_with_saved_tensors_and_a_gradients_graph_keeps_to_the_schema(
        doc, validator):
    assert not [error.message for error in validator.iter_errors(doc)]
    (entry,) = doc["higher_order"]
    assert entry["node"] == doc["output"] and entry["document"]["graph"]["nodes"]
    assert doc["saved_memory"]["bytes"] > 0
    assert any(node["saved"] for node in doc["graph"]["nodes"] if node["kind"] == "op")


def first_saved(doc):
    return next(node["saved"][0] for node in doc["graph"]["nodes"] if node["saved"])


@pytest.mark.parametrize("break_it", [
    lambda doc: first_saved(doc).update(kind="blob"),
    lambda doc: first_saved(doc).update(storage=3),
    lambda doc: first_saved(doc).update(node="x"),
    lambda doc: doc["graph"]["nodes"][0].pop("saved"),
    lambda doc: doc.pop("saved_memory"),
    lambda doc: doc["higher_order"][0].update(api="jvp"),
    lambda doc: doc["higher_order"][0]["document"].pop("timeline"),
    lambda doc: doc["higher_order"].extend(doc["higher_order"] * 4),
])
def test_the_schema_rejects_broken_saved_or_higher_order_parts(doc, validator, break_it):
    assert validator.is_valid(doc)
    broken = copy.deepcopy(doc)
    break_it(broken)
    assert not validator.is_valid(broken)
