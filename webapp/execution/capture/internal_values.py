"""Values of the autograd nodes that a library function made inside itself.

`1 / t` is recorded by autograd as a reciprocal and a multiplication, `torch.matmul(x, W)` of a
vector as unsqueeze, mm and squeeze: the interpreter sees one call, autograd records several
nodes. For the graph that is drawn, each such call is run again under a dispatch mode that sees
every tensor the library makes; the new nodes are matched with the recorded ones by walking
both graphs side by side, and their values are copied over. Runs inside the sandbox child.
"""
import torch
from torch.utils._python_dispatch import TorchDispatchMode

from webapp.execution.capture.nodes import Snapshot, is_leaf_node


class OutputCollector(TorchDispatchMode):
    """Keeps every tensor an operation produces, below autograd."""

    def __init__(self):
        super().__init__()
        self.outputs = []

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        result = func(*args, **(kwargs or {}))
        for value in (result if isinstance(result, (tuple, list)) else (result,)):
            if isinstance(value, torch.Tensor):
                self.outputs.append(value)
        return result


def recover(fns):
    """Fill `metadata["value"]` of unrecorded nodes made inside recorded calls."""
    for fn in fns:
        call = fn.metadata.get("call")
        if call and any(is_internal(source) for source, _ in fn.next_functions):
            try:
                copy_values(fn, rerun(call))
            except Exception:            # the values stay unknown, and the graph says so
                continue


def is_internal(fn):
    """Whether `fn` is an op node that no recorded call made (a library function's inside)."""
    return fn is not None and not is_leaf_node(fn) and "sequence" not in fn.metadata


def rerun(call):
    """Run a recorded call again on fresh leaves like the old ones: (its result, every tensor
    made inside it)."""
    func, args, kwargs = call
    fresh = {}

    def substitute(value):
        if isinstance(value, (Snapshot, torch.Tensor)):
            snap = value if isinstance(value, Snapshot) else Snapshot(value)
            if not snap.requires_grad:
                return snap.value
            if id(snap.node) not in fresh:
                fresh[id(snap.node)] = snap.value.clone().requires_grad_(True)
            return fresh[id(snap.node)]
        if isinstance(value, (list, tuple)):
            return type(value)(substitute(v) for v in value)
        return value
    collector = OutputCollector()
    with torch.enable_grad(), collector:
        result = func(*substitute(args), **kwargs)
    return result, collector.outputs


def copy_values(fn, rerun_result):
    """Walk the recorded node `fn` and the rerun's result side by side, copying each inside
    node's value (and an order just before `fn`) onto the recorded node of the same name."""
    result, outputs = rerun_result
    value_of = {id(t.grad_fn): t for t in outputs if t.grad_fn is not None}
    stack = [(fn, result.grad_fn)]
    while stack:
        old, new = stack.pop()
        for (old_next, _), (new_next, _) in zip(old.next_functions, new.next_functions):
            if is_internal(old_next) and new_next is not None \
                    and old_next.name() == new_next.name():
                tensor = value_of.get(id(new_next))
                if tensor is not None:
                    old_next.metadata["value"] = tensor.detach()
                    old_next.metadata["sequence"] = fn.metadata["sequence"] - 0.5
                stack.append((old_next, new_next))
