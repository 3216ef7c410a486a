"""The torchviz view over the Flask test client: /api/graph.svg?style=torchviz."""
import xml.etree.ElementTree as ET

from tests.support.problems import assert_problem

SIN_EXP = ("x = torch.tensor(2.0, requires_grad=True)\n"
           "y = torch.sin((x + 2) + (1 + torch.exp(x ** 2)))\ny.backward()\n")
SVG = "{http://www.w3.org/2000/svg}"


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


def test_the_torchviz_view_is_cached(client, monkeypatch):
    """Asked again, it costs neither a sandbox child nor a layout."""
    from webapp.pipeline import evaluation
    evaluations = []
    real = evaluation.evaluated
    monkeypatch.setattr(evaluation, "evaluated",
                        lambda request: evaluations.append(request) or real(request))
    query = {"source": SIN_EXP, "style": "torchviz"}
    first, second = (client.get("/api/graph.svg", query_string=query) for _ in range(2))
    assert first.status_code == second.status_code == 200 and first.data == second.data
    assert len(evaluations) == 1
