"""The graph of a gradient (issue 15, item 3): programs that differentiate a gradient made with
`create_graph=True` (`torch.autograd.grad` or `.backward`) show that gradient's own graph, the
backward pass as forward operations, with its values, and differentiate it again.

Each program runs in our interpreter and in Python with PyTorch directly (`assert_like_pytorch`:
printed output, every leaf's gradient at the last backward call, which here is a second
derivative); the second derivatives are checked once more against
`torch.autograd.functional.hessian` of the same function, computed here."""
import pytest
import torch
from torch.autograd.functional import hessian

from tests.support.documents import document_of, inputs_by_name, nodes_of
from tests.support.numbers import close
from tests.support.reference import assert_like_pytorch
from webapp.core import limits

# PyTorch's own warning for `.backward(create_graph=True)` (a reference cycle through .grad),
# which our evaluation also passes on to the user: not an error of these programs.
pytestmark = pytest.mark.filterwarnings("ignore:Using backward.. with create_graph=True")


def tensor(*values):
    return torch.tensor(values[0] if len(values) == 1 else list(values), dtype=torch.float32)


# name: (program, {input name: what its grad must be, from the Hessian computed here})
PROGRAMS = {
    "cube": ("""
x = torch.tensor(2.0, requires_grad=True)
y = x ** 3
g, = torch.autograd.grad(y, x, create_graph=True)
g.backward()
print(g.item(), x.grad.item())
""", lambda: {"x": hessian(lambda x: x ** 3, tensor(2.0))}),
    "sin-times-exp": ("""
x = torch.tensor(0.7, requires_grad=True)
y = torch.sin(x) * torch.exp(x)
g, = torch.autograd.grad(y, x, create_graph=True)
g.backward()
print(x.grad)
""", lambda: {"x": hessian(lambda x: torch.sin(x) * torch.exp(x), tensor(0.7))}),
    "mixed-partials-of-x-squared-y": ("""
x = torch.tensor(1.5, requires_grad=True)
y = torch.tensor(-2.0, requires_grad=True)
z = x * x * y
gx, = torch.autograd.grad(z, x, create_graph=True)
gx.backward()
print(x.grad, y.grad)
""", lambda: mixed(lambda x, y: x * x * y, (tensor(1.5), tensor(-2.0)), row=0)),
    "hessian-vector-product": ("""
x = torch.tensor([1.0, 2.0, -0.5], requires_grad=True)
v = torch.tensor([1.0, 0.5, -1.0])
f = (x ** 3).sum() + x[0] * x[1]
g, = torch.autograd.grad(f, x, create_graph=True)
hv = (g * v).sum()
hv.backward()
print(x.grad)
""", lambda: {"x": hessian(lambda x: (x ** 3).sum() + x[0] * x[1],
                           tensor(1.0, 2.0, -0.5)) @ tensor(1.0, 0.5, -1.0)}),
    "two-input-polynomial": ("""
x = torch.tensor(0.5, requires_grad=True)
y = torch.tensor(1.25, requires_grad=True)
z = x ** 2 * y + 3 * x * y ** 2 + y
gx, gy = torch.autograd.grad(z, (x, y), create_graph=True)
gy.backward()
print(gx.item(), gy.item(), x.grad.item(), y.grad.item())
""", lambda: mixed(lambda x, y: x ** 2 * y + 3 * x * y ** 2 + y,
                   (tensor(0.5), tensor(1.25)), row=1)),
    "tanh": ("""
x = torch.tensor(0.3, requires_grad=True)
y = torch.tanh(x)
g, = torch.autograd.grad(y, x, create_graph=True)
g.backward()
""", lambda: {"x": hessian(torch.tanh, tensor(0.3))}),
    "sum-over-a-vector": ("""
x = torch.tensor([0.5, 1.0, 2.0], requires_grad=True)
y = torch.sum(torch.sin(x) * x)
g, = torch.autograd.grad(y, x, create_graph=True)
g.sum().backward()
""", lambda: {"x": hessian(lambda x: torch.sum(torch.sin(x) * x),
                           tensor(0.5, 1.0, 2.0)).sum(0)}),
    "log-of-one-plus-x-squared": ("""
x = torch.tensor(0.8, requires_grad=True)
y = torch.log(1 + x ** 2)
g, = torch.autograd.grad(y, x, create_graph=True)
g.backward()
""", lambda: {"x": hessian(lambda x: torch.log(1 + x ** 2), tensor(0.8))}),
    "backward-with-create-graph": ("""
x = torch.tensor(1.5, requires_grad=True)
y = x ** 4 - 2 * x
y.backward(create_graph=True)
g = x.grad
x.grad = None
g.backward()
print(x.grad)
""", lambda: {"x": hessian(lambda x: x ** 4 - 2 * x, tensor(1.5))}),
    "sigmoid-of-a-product": ("""
w = torch.tensor(0.4, requires_grad=True)
b = torch.tensor(-0.3, requires_grad=True)
y = torch.sigmoid(w * 2.0 + b)
gw, = torch.autograd.grad(y, w, create_graph=True)
gw.backward()
""", lambda: mixed(lambda w, b: torch.sigmoid(w * 2.0 + b), (tensor(0.4), tensor(-0.3)),
                   row=0, names=("w", "b"))),
}


def mixed(f, point, row, names=("x", "y")):
    """{name: d/d name of (df/d point[row])}: a row of f's Hessian."""
    matrix = hessian(f, point)
    return {name: matrix[row][column] for column, name in enumerate(names)}


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_second_derivatives_equal_pytorchs(name):
    source, expected = PROGRAMS[name]
    doc = assert_like_pytorch(source)           # PyTorch running the same text
    inputs = inputs_by_name(doc)
    for input_name, value in expected().items():
        assert close(inputs[input_name]["grad"], value, rel=1e-5), (input_name, value)


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_the_gradients_graph_is_drawn_with_its_values(name):
    """The graph shown is the differentiated gradient's: the backward pass's operations are
    nodes (marked with the backward call that made them), every one with its value, and the
    gradient is an entry of `higher_order` pointing at its node."""
    doc = document_of(PROGRAMS[name][0])
    ops = [node for node in doc["graph"]["nodes"] if node["kind"] == "op"]
    made = [node for node in ops if node["backward_pass"] is not None]
    assert made and all(node["derivative"] == 1 for node in made)
    assert all(node["value"] is not None for node in ops), [n["op"] for n in ops]
    assert not [w for w in doc["warnings"] if "inside a library" in w]
    shown = [entry for entry in doc["higher_order"] if entry["node"] is not None]
    assert shown, doc["higher_order"]
    for entry in shown:
        assert nodes_of(doc)[entry["node"]]["gradient"] == {"call": entry["call"],
                                                           "index": entry["index"]}
        assert entry["document"]["output"] is not None


def run_directly(source):
    """The program's globals after Python with PyTorch ran it (the test's own text)."""
    scope = {"torch": torch}
    exec(compile(source, "<test program>", "exec"), scope)
    return scope


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_each_gradient_document_holds_pytorchs_first_derivative(name):
    source = PROGRAMS[name][0]
    doc, scope = document_of(source), run_directly(source)
    assert doc["higher_order"]
    for entry in doc["higher_order"]:
        if entry["name"] is None:
            continue
        sub = entry["document"]
        output = nodes_of(sub)[sub["output"]]
        assert close(output["value"], scope[entry["name"]].detach(), rel=1e-6), entry["name"]
        assert entry["order"] == 1 and entry["api"] in ("grad", "backward")


def test_a_gradient_not_differentiated_again_is_drawn_beside_the_first_graph():
    """grad(..., create_graph=True) alone: the main graph is y's (the call), and the gradient's
    own graph is in higher_order, differentiated again with ones: its input's grad is the
    second derivative."""
    doc = document_of("x = torch.tensor(2.0, requires_grad=True)\ny = x ** 3\n"
                      "g, = torch.autograd.grad(y, x, create_graph=True)\n")
    assert inputs_by_name(doc)["x"]["grad"] == pytest.approx(12.0)    # dy/dx = 3x^2
    (entry,) = doc["higher_order"]
    assert (entry["of"], entry["wrt"], entry["name"], entry["node"]) == ("y", "x", "g", None)
    sub_inputs = inputs_by_name(entry["document"])
    assert close(sub_inputs["x"]["grad"], hessian(lambda x: x ** 3, tensor(2.0)))
    assert entry["document"]["backward"]["called"] is False


def test_a_third_derivative_is_of_order_two():
    source = """
x = torch.tensor(1.2, requires_grad=True)
g, = torch.autograd.grad(x ** 4, x, create_graph=True)
h, = torch.autograd.grad(g, x, create_graph=True)
h.backward()
"""
    doc = assert_like_pytorch(source)
    assert close(inputs_by_name(doc)["x"]["grad"], 24 * 1.2)      # d3/dx3 x^4 = 24x
    orders = {entry["name"]: entry["order"] for entry in doc["higher_order"]}
    assert orders == {"g": 1, "h": 2}
    assert max(node["derivative"] or 0 for node in doc["graph"]["nodes"]) == 2


def gradients_program(count):
    return ("x = torch.tensor(1.0, requires_grad=True)\n"
            f"for i in range({count}):\n"
            "    g, = torch.autograd.grad(x ** 3 * (i + 1), x, create_graph=True)\n")


def test_the_gradient_graphs_kept_stop_at_the_limit():
    """MAX_HIGHER_ORDER_GRAPHS gradients are all kept; one more, and the oldest is dropped."""
    limit = limits.MAX_HIGHER_ORDER_GRAPHS
    at_limit = document_of(gradients_program(limit))["higher_order"]
    assert [entry["call"] for entry in at_limit] == list(range(1, limit + 1))
    past = document_of(gradients_program(limit + 1))["higher_order"]
    assert [entry["call"] for entry in past] == list(range(2, limit + 2))
    for entry, i in zip(past, range(1, limit + 1)):         # g = 3 (i + 1) x^2 at x = 1
        output = nodes_of(entry["document"])[entry["document"]["output"]]
        assert close(output["value"], 3.0 * (i + 1))


NEWTON = """
x = torch.tensor(3.0, requires_grad=True)
for i in range(4):
    y = x ** 3 - 2 * x
    g, = torch.autograd.grad(y, x, create_graph=True)
    h, = torch.autograd.grad(g, x)
    with torch.no_grad():
        x -= g / h
print(x, g, h)
"""


def test_newtons_method_keeps_each_gradients_graph_at_its_own_moment():
    """Newton's method updates x in place after each step: each kept gradient's graph shows
    x and g as they were at that step (PyTorch's own, step by step)."""
    doc = assert_like_pytorch(NEWTON)
    steps, x = [], torch.tensor(3.0, requires_grad=True)
    for _ in range(4):
        g, = torch.autograd.grad(x ** 3 - 2 * x, x, create_graph=True)
        h, = torch.autograd.grad(g, x)
        steps.append((x.item(), g.item()))
        with torch.no_grad():
            x -= g / h
    assert len(doc["higher_order"]) == len(steps)
    for entry, (x_then, g_then) in zip(doc["higher_order"], steps):
        sub = entry["document"]
        assert close(inputs_by_name(sub)["x"]["value"], x_then)
        assert close(nodes_of(sub)[sub["output"]]["value"], g_then)
        assert sub["backward"]["called"] is True


def test_x_grad_differentiated_in_place_shows_its_value_at_the_call():
    """`x.grad.backward()` after `y.backward(create_graph=True)` accumulates into x.grad in
    place (PyTorch's AccumulateGrad): the gradient's node keeps the value x.grad had when it
    was differentiated, PyTorch's own, not the sum after."""
    source = ("x = torch.tensor(3.0, requires_grad=True)\ny = x ** 3\n"
              "y.backward(create_graph=True)\nx.grad.backward()\nprint(x.grad)\n")
    doc = assert_like_pytorch(source)
    x = torch.tensor(3.0, requires_grad=True)
    (x ** 3).backward(create_graph=True)
    then = x.grad.detach().clone()
    output = nodes_of(doc)[doc["output"]]
    assert close(output["value"], then) and output["gradient"] is not None
    assert close(inputs_by_name(doc)["x"]["grad"], hessian(lambda x: x ** 3, tensor(3.0)))
