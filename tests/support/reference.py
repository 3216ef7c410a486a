"""PyTorch as the oracle for whole programs: a test's own program text (trusted, written in
the test file, never a user's) run by plain Python with real PyTorch, recording what a graph
of it must show.

`pytorch_run(source)` returns what the program printed and, for every `.backward()` call in
order, each leaf's gradient contribution right after that call (its `.grad` after minus before:
what the graph of that call shows on the leaf). Leaves are found by name among the program's
globals: tensors that require grad (`x`), and the parameters of modules (`layer.weight`,
`model[0].bias`).
`assert_like_pytorch(source)` compares our evaluation of the same text with it: the printed
output byte for byte, and every named input of the graph with the last call (rel 1e-6).
"""
import contextlib
import io

import torch

from tests.support.documents import document_of, inputs_by_name
from tests.support.numbers import close


def named_leaves(scope):
    """{name: leaf tensor} of a program's globals: leaves that require grad, and modules'
    parameters under `module.parameter` names."""
    found = {}
    for name, value in scope.items():
        if isinstance(value, torch.Tensor) and value.is_leaf and value.requires_grad:
            found[name] = value
        elif isinstance(value, torch.nn.Module):
            for parameter_name, parameter in value.named_parameters():
                found[name + written(parameter_name)] = parameter
    return found


def written(parameter_name):
    """A parameter's name as a program writes it (and the graph names it): `0.weight` of a
    Sequential is `[0].weight`."""
    return "".join(f"[{part}]" if part.isdigit() else f".{part}"
                   for part in parameter_name.split("."))


def grads_of(leaves):
    return {name: None if leaf.grad is None else leaf.grad.detach().clone()
            for name, leaf in leaves.items()}


class Recording:
    """The backward calls of one plain run: a list of {leaf name: contribution}."""

    def __init__(self, scope):
        self.scope, self.calls = scope, []

    @contextlib.contextmanager
    def watching(self):
        original = torch.Tensor.backward
        recording = self

        def backward(tensor, *args, **kwargs):
            before = grads_of(named_leaves(recording.scope))
            result = original(tensor, *args, **kwargs)
            after = grads_of(named_leaves(recording.scope))
            recording.calls.append({
                name: grad if before.get(name) is None or grad is None
                else grad - before[name]
                for name, grad in after.items()})
            return result
        torch.Tensor.backward = backward
        try:
            yield
        finally:
            torch.Tensor.backward = original


def pytorch_run(source, seed=0):
    """(stdout, [per backward call: {leaf name: gradient contribution}]) of `source` run by
    Python and PyTorch directly, seeded as the app seeds it."""
    scope = {"__name__": "__student__", "torch": torch}   # the app binds torch too
    recording = Recording(scope)
    out = io.StringIO()
    torch.manual_seed(seed)
    with recording.watching(), contextlib.redirect_stdout(out):
        exec(compile(source, "<test program>", "exec"), scope)  # the test's own text
    return out.getvalue(), recording.calls


def assert_like_pytorch(source, rel=1e-6):
    """Our graph document of `source` against `pytorch_run(source)`: the printed output
    byte for byte; each named input's grad equals its contribution in the last backward call
    (the graph shows that call); with no backward call, the program's output has no grads
    to compare and only the printed output is."""
    expected_stdout, calls = pytorch_run(source)
    doc = document_of(source)
    assert doc["stdout"] == expected_stdout, (doc["stdout"], expected_stdout)
    if not calls:
        return doc
    inputs = inputs_by_name(doc)
    compared = 0
    for name, grad in calls[-1].items():
        if name in inputs and grad is not None:
            assert close(inputs[name]["grad"], grad, rel=rel), (name, inputs[name], grad)
            compared += 1
    assert compared, f"no input of the graph is named like a leaf: {sorted(inputs)}"
    return doc



class Operations(torch.overrides.TorchFunctionMode):
    """The value of every result with a grad_fn that the program's own calls return (not those
    made inside a call: `1 / t` is a reciprocal then a mul, and only the mul comes back)."""

    def __init__(self):
        super().__init__()
        self.values = []           # (grad_fn name, value)

    def __torch_function__(self, func, types, args=(), kwargs=None):
        result = func(*args, **(kwargs or {}))
        if isinstance(result, torch.Tensor) and result.grad_fn is not None:
            self.values.append((type(result.grad_fn).__name__, result.detach().clone()))
        return result


@contextlib.contextmanager
def hooked_backward(passed):
    """Tensor.backward with a hook on every node of the graph it runs (walked from the
    tensor's grad_fn first): passed[node] = (its grad_inputs, its grad_outputs)."""
    original = torch.Tensor.backward

    def backward(tensor, *args, **kwargs):
        stack, seen = [tensor.grad_fn], set()
        while stack:
            fn = stack.pop()
            if fn is None or fn in seen or not fn.next_functions and hasattr(fn, "variable"):
                continue
            seen.add(fn)
            fn.register_hook(lambda inputs, outputs, fn=fn: passed.__setitem__(fn, (inputs,
                                                                                  outputs)))
            stack.extend(operand for operand, _ in fn.next_functions)
        return original(tensor, *args, **kwargs)
    torch.Tensor.backward = backward
    try:
        yield
    finally:
        torch.Tensor.backward = original


def pytorch_graph(source, seed=0):
    """Every number a graph of `source` (one backward call) shows, from PyTorch run directly:
    {"values": [(grad_fn name, value)] of the results the program's calls return, "grads":
    [(grad_fn name, d output / d its result)] and "flows": [(grad_fn name, what it passed
    back to one operand)] of every node of the graph, "leaves": {name: (value, grad)}}."""
    scope = {"__name__": "__student__", "torch": torch}
    operations, passed = Operations(), {}
    torch.manual_seed(seed)
    with operations, hooked_backward(passed), contextlib.redirect_stdout(io.StringIO()):
        exec(compile(source, "<test program>", "exec"), scope)  # the test's own text
    grads = [(type(fn).__name__, outputs[0]) for fn, (_, outputs) in passed.items()]
    flows = [(type(fn).__name__, inputs[i]) for fn, (inputs, _) in passed.items()
             for i, (operand, _) in enumerate(fn.next_functions) if operand is not None]
    leaves = {name: (leaf.detach(), leaf.grad) for name, leaf in named_leaves(scope).items()}
    return {"values": operations.values, "grads": grads, "flows": flows, "leaves": leaves}


def by_kind_and_value(pairs):
    """(kind, number) pairs sorted by kind, then number."""
    return sorted(((kind, float(value)) for kind, value in pairs))


def assert_same_numbers(mine, theirs, rel, subset=False):
    """The same (kind, number) pairs on both sides (`subset`: each of theirs among mine)."""
    mine, theirs = by_kind_and_value(mine), by_kind_and_value(theirs)
    for kind, number in theirs:
        match = next((m for m in mine if m[0] == kind and close(m[1], number, rel=rel)), None)
        assert match is not None, (kind, number, mine)
        mine.remove(match)
    assert subset or not mine, ("not in PyTorch's graph", mine)


def assert_graph_like_pytorch(doc, source, rel=1e-6):
    """Every op node's grad and every edge's flow of `doc` equal PyTorch's for `source` run
    directly (`pytorch_graph`), and so does the value of every result the program's calls
    return and every input's value and grad (scalar programs: nodes matched by grad_fn name
    and number). Returns how many numbers were compared."""
    expected = pytorch_graph(source)
    nodes = {node["id"]: node for node in doc["graph"]["nodes"]}
    ops = [node for node in nodes.values() if node["kind"] == "op"]
    flows = [(nodes[e["target"]]["op"], e["grad"]) for e in doc["graph"]["edges"]
             if e["grad"] is not None]
    assert_same_numbers([(n["op"], n["grad"]) for n in ops], expected["grads"], rel)
    assert_same_numbers(flows, expected["flows"], rel)
    assert_same_numbers([(n["op"], n["value"]) for n in ops], expected["values"], rel,
                        subset=True)
    inputs = inputs_by_name(doc)
    for name, (value, grad) in expected["leaves"].items():
        if name in inputs:
            assert close(inputs[name]["value"], value, rel=rel), (name, inputs[name], value)
            assert close(inputs[name]["grad"], grad, rel=rel), (name, inputs[name], grad)
    return 2 * len(ops) + len(flows) + 2 * len(inputs)
