"""Recording what autograd did while the program runs.

The interpreter calls `Recorder.record` after each tensor operation: the call, its arguments
and its result are noted on the result's autograd node (`grad_fn.metadata`), so they live and
die with the graph (a 10,001-step training loop keeps only the last graph). `Recorder.name`
keeps the user's names for tensors; `Recorder.backward` runs the program's own `.backward()`
with the graph retained, for `trace` to replay. Runs inside the sandbox child.
"""
import itertools
import weakref

import torch

from webapp.execution.capture.nodes import has_saved_tensors, is_leaf_node, walk

# PyTorch's own words for a second backward through freed buffers (we retain the graph so that
# it can be replayed, and say what PyTorch would have said).
SECOND_BACKWARD = (
    "Trying to backward through the graph a second time (or directly access saved tensors after "
    "they have already been freed). Saved intermediate values of the graph are freed when you "
    "call .backward() or autograd.grad(). Specify retain_graph=True if you need to backward "
    "through the graph a second time or if you need to access saved intermediate values after "
    "calling backward.")


class Recorder:
    """What one run of a program recorded: the order of its operations and its names."""

    def __init__(self):
        self.sequence = itertools.count()
        self.names = {}          # id(tensor) -> (weak reference, name): leaves and constants

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
        """The program's `.backward()`: like PyTorch's, but the graph is kept for the replay."""
        nodes = walk(tensor.grad_fn) if tensor.grad_fn is not None else []
        for fn in nodes:
            if not is_leaf_node(fn) and fn.metadata.get("backward_done") \
                    and has_saved_tensors(fn):
                raise RuntimeError(SECOND_BACKWARD)
        tensor.backward(gradient, retain_graph=True)
        for fn in nodes:
            fn.metadata["backward_done"] = True
