"""Recording what autograd did while the program runs.

The interpreter calls `Recorder.record` after each tensor operation: the call, its arguments
and its result are noted on the result's autograd node (`grad_fn.metadata`), so they live and
die with the graph (a 10,001-step training loop keeps only the last graph). `Recorder.name`
keeps the user's names for tensors; `Recorder.backward` runs the program's own `.backward()`
with the graph retained, and notes what the graph's leaves held at that call (capture/moment.py),
for `trace` to replay at that moment. Runs inside the sandbox child.
"""
import functools
import itertools
import weakref

import torch

from webapp.execution.capture.engine import run_backward
from webapp.execution.capture.moment import BackwardCall, leaf_state
from webapp.execution.capture.nodes import has_saved_tensors, is_leaf_node, walk


@functools.cache
def second_backward_message():
    """PyTorch's own words for a backward through freed buffers, provoked once, the first time
    a program needs them (we retain every graph so that it can be traced, and say what PyTorch
    would have said). Never at import: the fork server imports this module, and a forked
    child's autograd engine is unusable after a backward pass in its parent."""
    leaf = torch.ones((), requires_grad=True)
    product = leaf * leaf
    product.backward()
    try:
        product.backward()
    except RuntimeError as error:
        return str(error)
    return "Trying to backward through the graph a second time."     # no torch says otherwise


class Recorder:
    """What one run of a program recorded: the order of its operations and its names."""

    def __init__(self):
        self.sequence = itertools.count()
        self.names = {}          # id(tensor) -> (weak reference, name): leaves and constants
        self.backward_calls = 0  # how many `.backward()` calls the program made

    def record(self, result, func, args, kwargs, label=None):
        """Note an operation on its result's autograd node. `args` come from `freeze`."""
        fn = result.grad_fn if isinstance(result, torch.Tensor) else None
        if fn is None:
            return
        metadata = fn.metadata
        if "sequence" in metadata:          # a method that hands back its own tensor
            return
        metadata["sequence"] = next(self.sequence)
        metadata["label"] = label
        metadata["value"] = result.detach()       # see `protect_value`
        metadata["call"] = (func, args, kwargs)

    @staticmethod
    def protect_value(tensor):
        """Before an in-place operation on `tensor`: copy the value recorded for its node,
        which shares the storage about to change."""
        fn = tensor.grad_fn if isinstance(tensor, torch.Tensor) else None
        if fn is not None and "value" in fn.metadata:
            fn.metadata["value"] = fn.metadata["value"].clone()

    def name(self, value, name):
        """Remember the user's variable name for a tensor (the first name it was given)."""
        if not isinstance(value, torch.Tensor):
            return
        if value.grad_fn is not None:
            value.grad_fn.metadata.setdefault("name", name)
        elif self.name_of(value) is None:
            self.names[id(value)] = (weakref.ref(value), name)

    def name_of(self, tensor):
        """The name given to a leaf or constant tensor, or None."""
        entry = self.names.get(id(tensor))
        return entry[1] if entry and entry[0]() is tensor else None

    def backward(self, tensor, gradient=None):
        """The program's `.backward()`: like PyTorch's, but the graph is kept for the trace,
        and the root's node notes the call (`BackwardCall`: what its leaves held then)."""
        root = tensor.grad_fn
        nodes = walk(root) if root is not None else []
        leaves = []
        for fn in nodes:
            if is_leaf_node(fn):
                leaves.append(leaf_state(fn.variable))
            elif fn.metadata.get("backward_done") and has_saved_tensors(fn):
                raise RuntimeError(second_backward_message())
        run_backward(tensor, gradient, retain_graph=True)
        self.backward_calls += 1
        for fn in nodes:
            fn.metadata["backward_done"] = True
        if root is not None:
            seed = gradient.detach().clone() if isinstance(gradient, torch.Tensor) else gradient
            root.metadata["backward"] = BackwardCall(self.backward_calls, seed, leaves)
