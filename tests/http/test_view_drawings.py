"""The drawing of a gradient's graph (`gradient=N`) and of what autograd saved (`saved=1`),
through the API: what is drawn is the document asked for, every export takes both, and a
gradient the program did not keep is a 400 in the request's language.

The saved lines are compared with what PyTorch's own `grad_fn._saved_*` hold for the same
program run here directly."""
import re
import xml.etree.ElementTree as ET

import pytest
import torch

from tests.support.problems import assert_problem
from webapp.core import limits

SVG = "{http://www.w3.org/2000/svg}"
GRADIENT_ONLY = ("x = torch.tensor(0.7, requires_grad=True)\n"
                 "y = torch.sin(x) * torch.exp(x)\n"
                 "g, = torch.autograd.grad(y, x, create_graph=True)\n")
TWO_GRADIENTS = ("x = torch.tensor(0.5, requires_grad=True)\n"
                 "y = torch.tensor(1.25, requires_grad=True)\n"
                 "z = x ** 2 * y + 3 * x * y ** 2 + y\n"
                 "gx, gy = torch.autograd.grad(z, (x, y), create_graph=True)\n")


def drawn(client, path="/api/graph.svg", **query):
    response = client.get(path, query_string=query)
    assert response.status_code == 200, response.json
    return response


def node_groups(svg_text):
    root = ET.fromstring(svg_text)
    return {g.get("id"): g for g in root.iter(f"{SVG}g") if "node" in (g.get("class") or "")}


@pytest.mark.parametrize("source", [GRADIENT_ONLY, TWO_GRADIENTS])
def test_gradient_n_draws_that_gradients_own_graph(client, source):
    doc = client.get("/api/graph.json", query_string={"source": source}).json
    assert doc["higher_order"]
    for number, entry in enumerate(doc["higher_order"]):
        own = entry["document"]
        svg = drawn(client, source=source, gradient=str(number)).data.decode()
        root = ET.fromstring(svg)
        assert root.get("data-output") == own["output"]
        assert root.get("data-steps") == str(len(own["timeline"]))
        assert set(node_groups(svg)) == {node["id"] for node in own["graph"]["nodes"]}
    plain = drawn(client, source=source).data.decode()
    assert set(node_groups(plain)) == {node["id"] for node in doc["graph"]["nodes"]}


def test_the_step_of_a_gradients_graph_is_checked_against_its_own_timeline(client):
    doc = client.get("/api/graph.json", query_string={"source": GRADIENT_ONLY}).json
    own = len(doc["higher_order"][0]["document"]["timeline"])
    assert own > len(doc["timeline"])
    drawn(client, source=GRADIENT_ONLY, gradient="0", step=str(own - 1))
    answer = client.get("/api/graph.svg", query_string={"source": GRADIENT_ONLY,
                                                        "step": str(own - 1)})
    assert_problem(answer, 400, detail="'step' must be")


@pytest.mark.parametrize("lang, words", [("en", "kept 1 gradient graphs"),
                                         ("ja", "勾配のグラフは 1 個です")])
def test_a_gradient_the_program_did_not_keep_is_a_400_in_its_language(client, lang, words):
    answer = client.get("/api/graph.svg", query_string={"source": GRADIENT_ONLY,
                                                        "gradient": "1", "lang": lang})
    assert words in assert_problem(answer, 400)["detail"]
    plain = "x = torch.tensor(1.0, requires_grad=True)\n(x * 2).backward()\n"
    answer = client.get("/api/graph.png", query_string={"source": plain, "gradient": "0"})
    assert "kept 0 gradient graphs" in assert_problem(answer, 400)["detail"]


@pytest.mark.parametrize("path, kind", [("/api/graph.png", b"\x89PNG"), ("/api/graph.pdf", b"%PDF"),
                                        ("/api/graph.gif", b"GIF8")])
def test_every_export_draws_the_gradients_graph(client, path, kind):
    answer = drawn(client, path, source=GRADIENT_ONLY, gradient="0", saved="1")
    assert answer.data.startswith(kind)
    first = drawn(client, path, source=GRADIENT_ONLY)
    assert first.data != answer.data


def test_the_dot_export_has_the_gradients_nodes_and_the_saved_lines(client):
    doc = client.get("/api/graph.json", query_string={"source": GRADIENT_ONLY}).json
    own = doc["higher_order"][0]["document"]
    dot = drawn(client, "/api/graph.dot", source=GRADIENT_ONLY, gradient="0", saved="1")
    ids = set(re.findall(r'^\s+"(n\d+)" \[', dot.data.decode(), re.M))
    assert ids == {node["id"] for node in own["graph"]["nodes"]}
    assert "cos" in dot.data.decode() and "saved 4 B" in dot.data.decode()


# program, the tensor whose grad_fn is drawn, and its name in the drawing's lines
SAVED_PROGRAMS = {
    "a*a": ("a = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)\nb = a * a\n"
            "b.sum().backward()\n", "b"),
    "sin(x)*y": ("x = torch.tensor(0.5, requires_grad=True)\n"
                 "y = torch.tensor(2.0, requires_grad=True)\nz = torch.sin(x) * y\n"
                 "z.backward()\n", "z"),
    "a[0]*a": ("a = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)\nb = a[0] * a\n"
               "b.sum().backward()\n", "b"),
}


def pytorchs_saved(source, name):
    """{attribute name without _saved_: (bytes, storage address)} of `name`.grad_fn, from
    PyTorch run here (the test's own program text)."""
    scope = {"torch": torch}
    exec(compile(source.replace(".backward()", ".sum()"), "<test>", "exec"), scope)
    grad_fn = scope[name].grad_fn
    saved = {}
    for attribute in dir(grad_fn):
        if attribute.startswith("_saved_"):
            value = getattr(grad_fn, attribute)
            assert isinstance(value, torch.Tensor)
            saved[attribute.removeprefix("_saved_")] = (
                value.nbytes, value.untyped_storage().data_ptr(), value.untyped_storage().nbytes())
    return saved


@pytest.mark.parametrize("case", sorted(SAVED_PROGRAMS))
def test_saved_lines_are_what_pytorch_saved(client, case):
    source, name = SAVED_PROGRAMS[case]
    doc = client.get("/api/graph.json", query_string={"source": source}).json
    node = next(n for n in doc["graph"]["nodes"] if n.get("name") == name)
    svg = drawn(client, source=source, saved="1").data.decode()
    texts = node_groups(svg)[node["id"]].findall(f"{SVG}text")
    lines = [t.text for t in texts if t.get("class", "").startswith("saved") and
             t.get("class").split()[0] == "saved"]
    expected = pytorchs_saved(source, name)
    assert sorted(line.split(" = ")[0] for line in lines) == sorted(expected)
    for line in lines:
        nbytes = expected[line.split(" = ")[0]][0]
        assert f" · {nbytes} B" in line
    storages = {address: size for _, address, size in expected.values()}
    total = [t.text for t in texts if t.get("class", "").split()[0] == "saved-total"]
    assert total == [f"saved {sum(storages.values())} B"]
    shared = len(expected) - len(storages)
    assert sum("same memory as" in line for line in lines) == shared


def test_gradient_reaches_the_last_kept_graph_and_no_further(client):
    """The program makes one gradient more than limits.MAX_HIGHER_ORDER_GRAPHS keeps."""
    kept = limits.MAX_HIGHER_ORDER_GRAPHS
    source = ("x = torch.tensor(1.5, requires_grad=True)\n"
              f"for k in range({kept + 1}):\n"
              "    g, = torch.autograd.grad(x ** (k + 2), x, create_graph=True)\n")
    doc = client.get("/api/graph.json", query_string={"source": source}).json
    assert len(doc["higher_order"]) == kept
    last = doc["higher_order"][kept - 1]["document"]
    # the last gradient kept is that of x ** (kept + 2): its value (kept + 2) x ** (kept + 1)
    x = torch.tensor(1.5, requires_grad=True)
    (expected,) = torch.autograd.grad(x ** (kept + 2), x)
    output = next(n for n in last["graph"]["nodes"] if n["id"] == last["output"])
    assert abs(output["value"] - expected.item()) <= 1e-5 * abs(expected.item())
    svg = drawn(client, source=source, gradient=str(kept - 1)).data.decode()
    assert ET.fromstring(svg).get("data-output") == last["output"]
    answer = client.get("/api/graph.svg", query_string={"source": source, "gradient": str(kept)})
    assert_problem(answer, 400, detail=f"'gradient' must be an integer from 0 to {kept - 1}")
