"""Autograd nodes and the values on them, as the capture sees them: frozen arguments
(`Snapshot`, `freeze`, `snapshots_in`), the walk over a graph, and the plain data and labels a
node's value becomes in the trace. Runs inside the sandbox child (torch).
"""
import torch

from webapp.core import limits
from webapp.core.errors import LimitExceeded
from webapp.execution.interpreter.allowlist import ARITHMETIC


class Snapshot:
    """A tensor argument frozen when the operation ran: the autograd node it came from (its
    grad_fn, or the tensor itself for a leaf), whether it required grad, and its value then."""
    __slots__ = ("node", "value", "requires_grad")

    def __init__(self, tensor, copy=False, fn=None):
        """`fn`: the tensor's grad_fn when the caller has it already (None for a leaf)."""
        if fn is None:
            fn = tensor.grad_fn
        self.node = tensor if fn is None else fn
        # `.data`, not `.detach()`: the same storage at half the cost (no dispatcher call);
        # only its version counter is its own, and nothing reads a snapshot's version.
        self.value = tensor.data.clone() if copy else tensor.data
        self.requires_grad = tensor.requires_grad


def freeze(args, in_place=False):
    """The arguments as the recorder keeps them.

    Leaves become Snapshots: a training loop swaps their storage with `x.data = ...`, and the
    detached view keeps the old one. Operands of an in-place call are copied before it runs.
    Results of other operations are kept as they are: only in-place calls change them.
    """
    frozen = []
    for value in args:
        kind = type(value)
        if kind is float or kind is int:                # the common operands first
            frozen.append(value)
        elif isinstance(value, torch.Tensor):          # a module's Parameter too
            fn = value.grad_fn
            frozen.append(Snapshot(value, in_place, fn) if in_place or fn is None
                          else value)
        elif kind is list or kind is tuple:
            frozen.append(kind(freeze(value, in_place)))
        else:
            frozen.append(value)
    return tuple(frozen)


def snapshots_in(args):
    """Every tensor argument of a recorded call (`freeze`'s output), as a Snapshot."""
    for value in args:
        if isinstance(value, Snapshot):
            yield value
        elif isinstance(value, torch.Tensor):
            yield Snapshot(value)
        elif isinstance(value, (list, tuple)):
            yield from snapshots_in(value)


def walk(root):
    """Every autograd node reachable from the node `root`, without recursion, in discovery
    order (a list); LimitExceeded past MAX_GRAPH_NODES."""
    seen, order, stack = {root}, [], [root]
    most = limits.MAX_GRAPH_NODES
    while stack:
        fn = stack.pop()
        order.append(fn)
        if len(order) > most:
            raise LimitExceeded(f"The graph has more than {most:,} nodes.")
        edges = fn.next_functions
        for index in range(len(edges) - 1, -1, -1):
            next_fn = edges[index][0]
            if next_fn is not None and next_fn not in seen:
                seen.add(next_fn)
                stack.append(next_fn)
    return order


def fill_values(nodes, root):
    """Give each recorded node of `nodes` (a graph from `walk`) that has no value kept
    (`Recorder.keep_value`, `protect_value`) the value of its tensor: the graph's `root`
    tensor's own, or the one a recorded call of the graph used, which that call holds. Taken
    when it is needed rather than at every operation: a training loop's discarded graphs
    never pay for it."""
    for tensor in (root, *operand_tensors(nodes)):
        fn = tensor.grad_fn
        if fn is not None:
            metadata = fn.metadata
            if "sequence" in metadata and "value" not in metadata:
                metadata["value"] = tensor.detach()


def operand_tensors(nodes):
    """The tensors with a graph of their own among the arguments of the nodes' recorded
    calls (`freeze` keeps those as they are)."""
    for fn in nodes:
        call = fn.metadata.get("call") if not hasattr(fn, "variable") else None
        if call:
            yield from tensors_in(call[1])


def tensors_in(args):
    for value in args:
        if isinstance(value, torch.Tensor):
            if value.grad_fn is not None:
                yield value
        elif isinstance(value, (list, tuple)):
            yield from tensors_in(value)


def is_leaf_node(fn):
    """Whether the autograd node `fn` is a leaf's AccumulateGrad (it holds the `variable`)."""
    return hasattr(fn, "variable")


def has_saved_tensors(fn):
    """Whether the autograd node `fn` keeps tensors for its backward (freed by a backward)."""
    return any(name.startswith("_raw_saved_") for name in dir(fn))


def operand_numbers(func, args):
    """The plain numbers a call used as operands (the 2 in `2 * x`), not as parameters."""
    if func not in ARITHMETIC:
        return []
    return [a for a in args if isinstance(a, (int, float)) and not isinstance(a, bool)]


def op_label(fn, metadata):
    """A short readable name for the node `fn` with its recorded `metadata`: the
    interpreter's label, the function's, or autograd's."""
    if metadata.get("label"):
        return metadata["label"]
    call = metadata.get("call")
    if call is None:
        return readable_op(fn.name())
    func, _, kwargs = call
    name = getattr(func, "__name__", "op").strip("_")
    name = {"truediv": "div", "getitem": "index"}.get(name, name)
    parameters = [f"{k}={v}" for k, v in kwargs.items() if not isinstance(v, torch.Tensor)]
    return name + (f"({', '.join(parameters)})" if parameters else "")


def readable_op(name):
    """`MulBackward0` -> `mul`."""
    return name.split("::")[-1].replace("Backward", "").rstrip("0123456789").lower() or name


def describe(value):
    """{"shape", "dtype"} of a tensor as plain data (both None for anything else)."""
    if isinstance(value, torch.Tensor):
        return {"shape": list(value.shape), "dtype": str(value.dtype).removeprefix("torch.")}
    return {"shape": None, "dtype": None}


def plain(value):
    """A tensor as numbers or nested lists (None when missing or too large to list)."""
    if value is None:
        return None
    if isinstance(value, torch.Tensor):
        if value.numel() > limits.MAX_VALUE_ELEMENTS:
            return None
        if value.is_complex():
            return str(value.tolist())
        return value.detach().tolist()
    return value


def format_number(number):
    """A constant's label: `2`, `0.5`."""
    return repr(number) if isinstance(number, float) else str(number)


def summary_label(tensor):
    """An unnamed constant tensor's label: its number, or its shape (`2×3 tensor`)."""
    if tensor.numel() == 1:
        return format_number(tensor.item())
    return "×".join(map(str, tensor.shape)) + " tensor"
