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
