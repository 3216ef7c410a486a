"""What autograd saves (issue 15, item 4): every op node lists the `grad_fn._saved_*` values of
its autograd node, as PyTorch holds them at the program's `.backward()` call.

The oracle is PyTorch running the same text directly: `.backward` is wrapped to read every
`_saved_*` attribute of the graph at the moment of the call (the values the graph shows
belong to that call), and the document's `saved` lists must hold the same names, kinds,
shapes, dtypes, bytes and values; and storages shared between saved tensors (`a * a`, a view
and its base: pytorchviz issue #69) counted once."""
import pytest
import torch

from tests.support.documents import document_of, nodes_of
from tests.support.numbers import close

PREFIX = "_saved_"


def read_saved(root):
    """{op name: {saved name: value now}} of the graph from the autograd node `root` (each
    op name once in these programs), and the storages of its saved tensors {data_ptr: bytes}."""
    found, storages, stack, seen = {}, {}, [root], set()
    while stack:
        fn = stack.pop()
        if fn in seen or hasattr(fn, "variable"):
            continue
        seen.add(fn)
        assert fn.name() not in found, f"{fn.name()} twice: this test matches ops by name"
        found[fn.name()] = {}
        for attribute in (n for n in dir(fn) if n.startswith(PREFIX)):
            value = getattr(fn, attribute)
            if isinstance(value, torch.Tensor):
                storage = value.untyped_storage()
                storages[storage.data_ptr()] = storage.nbytes()
                value = value.detach().clone()
            found[fn.name()][attribute[len(PREFIX):]] = value
        stack.extend(next_fn for next_fn, _ in fn.next_functions if next_fn is not None)
    return found, storages


def saved_at_backward(source):
    """read_saved of the graph of `source`'s last `.backward()`, read at that call by PyTorch
    running the test's own text directly."""
    calls, original = [], torch.Tensor.backward

    def backward(tensor, *args, **kwargs):
        calls.append(read_saved(tensor.grad_fn))
        return original(tensor, *args, **kwargs)
    torch.Tensor.backward = backward
    try:
        exec(compile(source, "<test program>", "exec"), {"torch": torch})
    finally:
        torch.Tensor.backward = original
    return calls[-1]


def assert_saved_like_pytorch(source):
    """The document's `saved` of every op node against PyTorch's; returns the document."""
    expected, storages = saved_at_backward(source)
    doc = document_of(source)
    ops = {node["op"]: node for node in doc["graph"]["nodes"] if node["kind"] == "op"}
    assert set(ops) == set(expected)
    for op, node in ops.items():
        listed = {item["name"]: item for item in node["saved"]}
        assert set(listed) == set(expected[op]), op
        for name, value in expected[op].items():
            assert_entry(listed[name], value, (op, name))
    assert doc["saved_memory"]["bytes"] == sum(storages.values())
    assert doc["saved_memory"]["storages"] == len(storages)
    return doc


def assert_entry(item, value, where):
    if isinstance(value, torch.Tensor):
        assert item["kind"] == "tensor", where
        assert item["shape"] == list(value.shape), where
        assert item["dtype"] == str(value.dtype).removeprefix("torch."), where
        assert item["bytes"] == value.numel() * value.element_size(), where
        assert close(item["value"], value), (where, item["value"], value)
    elif value is None:
        assert item["kind"] == "none" and item["value"] is None, where
    elif isinstance(value, tuple):
        assert item["kind"] == "sizes" and item["value"] == list(value), where
    else:
        assert item["kind"] == "scalar" and item["value"] == value, where


X = "x = torch.tensor(1.5, requires_grad=True)\n"
V = "a = torch.tensor([1.0, -2.0], requires_grad=True)\n"
PROGRAMS = {
    "product": X + "w = torch.tensor(-0.5, requires_grad=True)\ny = x * w\ny.backward()\n",
    "a-times-a": V + "y = (a * a).sum()\ny.backward()\n",
    "sin-exp": X + "y = torch.sin(x) * torch.exp(x)\ny.backward()\n",
    "power-and-constant": X + "y = 3 * x ** 3\ny.backward()\n",
    "tanh-sigmoid-log": X + "y = torch.log(torch.sigmoid(torch.tanh(x)) + 1)\ny.backward()\n",
    "matrix-vector": V + "W = torch.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)\n"
                         "y = torch.mean(W @ a)\ny.backward()\n",
    "matrix-matrix": "A = torch.ones(2, 3, requires_grad=True)\n"
                     "B = torch.arange(6.0).reshape(3, 2).requires_grad_()\n"
                     "y = (A @ B).sum()\ny.backward()\n",
    "division-and-sqrt": X + "y = torch.sqrt(x) / (x + 2)\ny.backward()\n",
    "view-of-the-input": V + "b = a[0]\ny = (b * a).sum()\ny.backward()\n",
    "leaf-changed-after-backward": X + "y = torch.cos(x) * x\ny.backward()\n"
                                       "x.data = torch.tensor(7.0)\n",
}


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_saved_tensors_are_those_pytorch_saved(name):
    assert_saved_like_pytorch(PROGRAMS[name])


def test_a_times_a_saves_one_tensor_twice_and_counts_it_once():
    """pytorchviz issue #69: `a * a` saves `a` as self and as other; both are listed, both
    are the input node, in one storage, and its 8 bytes are counted once."""
    doc = document_of(PROGRAMS["a-times-a"])
    nodes = nodes_of(doc)
    (mul,) = [node for node in nodes.values() if node["op"] == "MulBackward0"]
    self_, other = sorted(mul["saved"], key=lambda item: item["name"], reverse=True)
    a = next(id_ for id_, node in nodes.items() if node["name"] == "a")
    assert (self_["role"], self_["node"], other["role"], other["node"]) == \
        ("input", a, "input", a)
    assert self_["storage"] == other["storage"] and mul["saved_bytes"] == 8
    assert self_["uses"] == other["uses"] == [a]


def test_a_view_and_its_base_are_two_values_in_one_storage():
    """`a[0] * a` saves the view and the base: two nodes (the index and a), one storage."""
    doc = document_of(PROGRAMS["view-of-the-input"])
    nodes = nodes_of(doc)
    (mul,) = [node for node in nodes.values() if node["op"] == "MulBackward0"]
    by_name = {item["name"]: item for item in mul["saved"]}
    assert nodes[by_name["self"]["node"]]["op"] == "SelectBackward0"
    assert nodes[by_name["other"]["node"]]["name"] == "a"
    assert by_name["self"]["storage"] == by_name["other"]["storage"]
    assert (by_name["self"]["bytes"], by_name["other"]["bytes"], mul["saved_bytes"]) == (4, 8, 8)


def test_what_each_derivative_uses():
    """MulBackward0's self is used by d/d other and other by d/d self; exp's own result by
    its derivative; the roles say operand or own output."""
    doc = document_of(PROGRAMS["sin-exp"])
    nodes = nodes_of(doc)
    by_op = {node["op"]: node for node in nodes.values() if node["kind"] == "op"}
    sin, exp, mul = by_op["SinBackward0"], by_op["ExpBackward0"], by_op["MulBackward0"]
    sin_id, exp_id = (next(i for i, n in nodes.items() if n is node) for node in (sin, exp))
    saved = {item["name"]: item for item in mul["saved"]}
    assert (saved["self"]["node"], saved["self"]["uses"]) == (sin_id, [exp_id])
    assert (saved["other"]["node"], saved["other"]["uses"]) == (exp_id, [sin_id])
    (result,) = exp["saved"]
    assert (result["name"], result["role"], result["node"]) == ("result", "output", exp_id)


def test_inputs_and_constants_save_nothing():
    doc = document_of(PROGRAMS["power-and-constant"])
    for node in doc["graph"]["nodes"]:
        if node["kind"] != "op":
            assert node["saved"] is None and node["saved_bytes"] is None


def test_a_products_local_derivatives_are_the_saved_values_they_use():
    """d(self * other)/d self is the saved other: each edge's local derivative (autograd's
    own, from calling its node) equals the saved value whose `uses` name that edge's source."""
    doc = document_of(PROGRAMS["product"])
    (mul,) = [node for node in doc["graph"]["nodes"] if node["op"] == "MulBackward0"]
    edges = {edge["source"]: edge for edge in doc["graph"]["edges"]
             if edge["target"] == mul["id"]}
    for item in mul["saved"]:
        (source,) = item["uses"]
        assert close(edges[source]["local"], item["value"]), item["name"]
