"""The graph of a gradient: what a `create_graph=True` backward pass records.

With create_graph, autograd's backward pass runs its derivative formulas as ordinary,
recorded operations: the gradient it returns (`torch.autograd.grad(y, x, create_graph=True)`,
or `x.grad` after `y.backward(create_graph=True)`) has a graph of its own, the backward pass as
forward ops, which can be differentiated again (second derivatives, Hessian-vector products).
Those operations run inside autograd's engine, where the interpreter does not see them:
`capturing` watches the pass with a dispatch mode and gives each new node what the
interpreter's recorder gives the program's own (its order, value, label and call), so that the
trace draws it like any other. `note_pass` keeps the gradients made (the last
MAX_HIGHER_ORDER_GRAPHS), for `traces` to trace each one's graph after the run. Runs inside the
sandbox child (torch).
"""
import collections
import contextlib

import torch
from torch.utils._python_dispatch import TorchDispatchMode

from webapp.core import limits
from webapp.execution.capture.nodes import freeze, format_number, is_leaf_node

# How a formula's arithmetic reads on its node: `* 3`, `** 2`.
SYMBOLS = {"mul": "*", "div": "/", "add": "+", "sub": "-", "pow": "**"}


class BackwardOps(TorchDispatchMode):
    """Keeps every tensor a backward pass makes, with the operation that made it."""

    def __init__(self):
        super().__init__()
        self.made = []

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        result = func(*args, **(kwargs or {}))
        for value in (result if isinstance(result, (tuple, list)) else (result,)):
            if isinstance(value, torch.Tensor):
                self.made.append((value, func, args, kwargs or {}))
        return result


def gradient_graphs():
    """What a Recorder keeps of the program's create_graph passes (see `note_pass`)."""
    return collections.deque(maxlen=limits.MAX_HIGHER_ORDER_GRAPHS)


NOTHING = contextlib.nullcontext()


def capturing(recorder, create_graph, graphs=()):
    """Around a backward pass of `recorder`'s program: with create_graph, the nodes the pass
    makes are noted like the program's own, as made by the next backward call, of one
    derivative order more than the highest in `graphs` (lists of the nodes differentiated).
    Without it, nothing (a training loop's backward pays no more than a `with`)."""
    return recording(recorder, graphs) if create_graph else NOTHING


@contextlib.contextmanager
def recording(recorder, graphs):
    """`capturing` of a create_graph pass."""
    order = 1 + max((fn.metadata.get("derivative", 0) for nodes in graphs for fn in nodes),
                    default=0)
    ops = BackwardOps()
    with ops:
        yield
    last = {}                  # node -> the call that made it (a copy_ after an empty tensor)
    for tensor, func, args, kwargs in ops.made:
        if tensor.grad_fn is not None:
            last[tensor.grad_fn] = (tensor, func, args)
    for fn, (tensor, func, args) in last.items():
        if "sequence" in fn.metadata:
            continue
        metadata = fn.metadata
        metadata["sequence"] = next(recorder.sequence)
        metadata["label"] = label_of(func, args)
        metadata["value"] = tensor.detach()
        metadata["call"] = (func, freeze(args), {})
        metadata["backward_pass"] = recorder.backward_calls + 1
        metadata["derivative"] = order


def label_of(func, args):
    """A backward formula's operation as it reads: `* 3` for a product with the number 3,
    `cos`, `mul` for two tensors."""
    name = func.overloadpacket.__name__.strip("_")
    numbers = [a for a in args if isinstance(a, (int, float)) and not isinstance(a, bool)]
    if numbers and name in SYMBOLS:
        return f"{SYMBOLS[name]} {format_number(numbers[0])}"
    return name


def note_pass(recorder, api, output, pairs):
    """After a create_graph pass (`api` "grad" or "backward") of `output` (or None for
    several): keep each (input, gradient) of `pairs` whose gradient has a graph."""
    call = recorder.backward_calls
    for number, (tensor, gradient) in enumerate(pairs):
        if isinstance(gradient, torch.Tensor) and gradient.grad_fn is not None:
            if api == "backward":          # a later backward accumulates into x.grad in place
                gradient.grad_fn.metadata["value"] = gradient.detach().clone()
            gradient.grad_fn.metadata.setdefault("gradient", {"call": call, "index": number})
            recorder.gradient_graphs.append(
                {"call": call, "api": api, "output": output, "input": tensor,
                 "gradient": gradient, "index": number})


def name_of(recorder, tensor):
    """The user's name for a tensor: a leaf's or constant's, or its node's."""
    if tensor is None:
        return None
    if tensor.grad_fn is None:
        return recorder.name_of(tensor)
    return tensor.grad_fn.metadata.get("name")


def mark(fns, builder, result):
    """On each op node of a trace: which backward call made it (null: the program's own
    forward operations), its derivative order, and which noted gradient it is."""
    by_key = {node["key"]: node for node in result["nodes"]}
    for fn in fns:
        if not is_leaf_node(fn):
            node = by_key[builder.key_of[fn]]
            node["backward_pass"] = fn.metadata.get("backward_pass")
            node["derivative"] = fn.metadata.get("derivative", 0)
            node["gradient"] = fn.metadata.get("gradient")


def traces(recorder, trace_of):
    """Per noted gradient (oldest first): its description and the trace of its graph
    (`trace_of(tensor)`), differentiated as the program did, or seeded with ones."""
    found = []
    for item in recorder.gradient_graphs:
        gradient = item["gradient"]
        found.append({
            "call": item["call"], "api": item["api"], "index": item["index"],
            "of": name_of(recorder, item["output"]), "wrt": name_of(recorder, item["input"]),
            "name": gradient.grad_fn.metadata.get("name"),
            "order": gradient.grad_fn.metadata.get("derivative", 1),
            "shape": list(gradient.shape), "trace": trace_of(gradient)})
    return found
