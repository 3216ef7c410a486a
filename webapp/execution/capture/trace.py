"""Recording what autograd did, and handing it out as plain data.

The interpreter calls `Recorder.record` after each tensor operation: the call, its arguments
and its result are noted on the result's autograd node (`grad_fn.metadata`), so they live and
die with the graph (a 10,001-step training loop keeps only the last graph). `Recorder.backward`
runs the program's own `.backward()`; after the run, `trace(target)` replays the backward pass
of the differentiated tensor with hooks on every node (what flowed along each edge, as autograd
computed it), recomputes each op's local derivatives, and returns plain lists and dicts.
Runs inside the sandbox child.
"""
import itertools
import math
import weakref

import torch

from webapp.core import limits
from webapp.execution.interpreter.allowlist import ARITHMETIC
from webapp.execution.capture.derivatives import merged_by_source, node_jacobians
from webapp.core.errors import LimitExceeded, NothingToDraw

# PyTorch's own words for a second backward through freed buffers (we retain the graph so that
# it can be replayed, and say what PyTorch would have said).
SECOND_BACKWARD = (
    "Trying to backward through the graph a second time (or directly access saved tensors after "
    "they have already been freed). Saved intermediate values of the graph are freed when you "
    "call .backward() or autograd.grad(). Specify retain_graph=True if you need to backward "
    "through the graph a second time or if you need to access saved intermediate values after "
    "calling backward.")


class Snapshot:
    """A tensor argument frozen when the operation ran: the autograd node it came from (its
    grad_fn, or the tensor itself for a leaf), whether it required grad, and its value then."""
    __slots__ = ("node", "value", "requires_grad")

    def __init__(self, tensor, copy=False):
        self.node = tensor.grad_fn if tensor.grad_fn is not None else tensor
        self.value = tensor.detach().clone() if copy else tensor.detach()
        self.requires_grad = tensor.requires_grad


def freeze(args, in_place=False):
    """The arguments as the recorder keeps them.

    Leaves become Snapshots: a training loop swaps their storage with `x.data = ...`, and the
    detached view keeps the old one. Operands of an in-place call are copied before it runs.
    Results of other operations are kept as they are: only in-place calls change them.
    """
    frozen = []
    for value in args:
        if type(value) is torch.Tensor:
            frozen.append(Snapshot(value, in_place) if in_place or value.grad_fn is None
                          else value)
        elif isinstance(value, (list, tuple)):
            frozen.append(type(value)(freeze(value, in_place)))
        else:
            frozen.append(value)
    return tuple(frozen)


def snapshots_in(args):
    """Every tensor argument of a recorded call, as a Snapshot."""
    for value in args:
        if isinstance(value, Snapshot):
            yield value
        elif isinstance(value, torch.Tensor):
            yield Snapshot(value)
        elif isinstance(value, (list, tuple)):
            yield from snapshots_in(value)


class Recorder:
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


def has_saved_tensors(fn):
    return any(name.startswith("_raw_saved_") for name in dir(fn))


def walk(root):
    """Every autograd node reachable from `root`, without recursion, in discovery order."""
    seen, order, stack = {root}, [], [root]
    while stack:
        fn = stack.pop()
        order.append(fn)
        if len(order) > limits.MAX_GRAPH_NODES:
            raise LimitExceeded(f"The graph has more than {limits.MAX_GRAPH_NODES:,} nodes.")
        for next_fn, _ in reversed(fn.next_functions):
            if next_fn is not None and next_fn not in seen:
                seen.add(next_fn)
                stack.append(next_fn)
    return order


def is_leaf_node(fn):
    return hasattr(fn, "variable")


def replay(target, gradient):
    """Run autograd's backward pass again for `target`, noting what flowed along each edge.

    Hooks on every node see `grad_inputs` (one per next function: the edge grads) and
    `grad_outputs` (d target / d node). Returns the nodes and the leaves' grads.
    """
    nodes = walk(target.grad_fn)
    leaves = [fn.variable for fn in nodes if is_leaf_node(fn)]
    handles = []
    for fn in nodes:
        if not is_leaf_node(fn):
            def hook(grad_inputs, grad_outputs, metadata=fn.metadata):
                metadata["flow"] = [None if g is None else g.detach().clone() for g in grad_inputs]
                metadata["grad"] = grad_outputs[0].detach().clone()
            handles.append(fn.register_hook(hook))
    try:
        leaf_grads = torch.autograd.grad(target, leaves, grad_outputs=gradient,
                                         retain_graph=True, allow_unused=True)
    finally:
        for handle in handles:
            handle.remove()
    return nodes, dict(zip(map(id, leaves), leaf_grads))


def seed_for(target, gradient, warnings):
    if gradient is not None:
        return gradient
    if target.numel() != 1:
        warnings.append("The output is not a scalar: its backward pass was seeded with ones.")
    return torch.ones_like(target)


def trace(target, gradient, recorder, warnings):
    """The plain-data trace of `target`'s graph (see `graph.build` for what it becomes)."""
    if not isinstance(target, torch.Tensor) or target.grad_fn is None:
        raise NothingToDraw("The program made no tensor that autograd recorded a graph for: "
                            "make a tensor with requires_grad=True and compute with it.")
    nodes, leaf_grads = replay(target, seed_for(target, gradient, warnings))
    from webapp.execution.capture.internal_values import recover
    recover(nodes)
    return TraceBuilder(recorder, leaf_grads, warnings).build(nodes, target)


class TraceBuilder:
    def __init__(self, recorder, leaf_grads, warnings):
        self.recorder = recorder
        self.leaf_grads = leaf_grads
        self.warnings = warnings
        self.nodes, self.edges = [], []
        self.key_of = {}              # autograd node -> key
        self.constant_keys = {}       # id(tensor) -> key, for named constant tensors
        self.first_use = {}           # autograd leaf node -> snapshot of its value when used
        self.first_consumer = {}      # autograd leaf node -> order of its first consumer

    def build(self, fns, target):
        for fn in fns:
            self.key_of[fn] = f"f{len(self.key_of)}"
        for fn in fns:
            if not is_leaf_node(fn):
                self.add_op(fn)
        for fn in fns:
            if is_leaf_node(fn):
                self.add_input(fn)
        return {"nodes": self.nodes, "edges": self.edges, "output": self.key_of[target.grad_fn]}

    def add_op(self, fn):
        metadata = fn.metadata
        value = metadata.get("value")
        grad = metadata.get("grad")
        order = metadata.get("sequence", math.inf)
        self.nodes.append({
            "key": self.key_of[fn], "kind": "op", "order": [order, 0],
            "label": op_label(fn, metadata), "op": fn.name(),
            "name": metadata.get("name"), **describe(value), "value": plain(value),
            "grad": plain(grad)})
        if value is None:
            self.warnings.append(f"{fn.name()} was made inside a library function: its value "
                                 f"was not recorded.")
        self.add_edges(fn, order)

    def add_edges(self, fn, order):
        call = fn.metadata.get("call")
        flows = fn.metadata.get("flow") or [None] * len(fn.next_functions)
        grads = merged_by_source(fn, flows)
        jacobians = merged_by_source(fn, node_jacobians(fn, fn.metadata.get("grad"), flows))
        for source, flow in grads.items():
            if is_leaf_node(source):
                position = self.note_first_use(source, call) if call else 0
                rank = [order, -1 + position / 100]
                self.first_consumer[source] = min(rank, self.first_consumer.get(source, rank))
            self.edges.append({
                "source": self.key_of[source], "target": self.key_of[fn],
                "local": plain(jacobians[source]), "grad": plain(flow), "constant": False})
        if call:
            self.add_constants(fn, call, order)

    def note_first_use(self, leaf_fn, call):
        """Keep the leaf's value as this call saw it; return its argument position."""
        for position, snap in enumerate(snapshots_in(call[1])):
            if snap.node is leaf_fn.variable:
                self.first_use.setdefault(leaf_fn, snap.value)
                return position
        return 0

    def add_constants(self, fn, call, order):
        func, args, kwargs = call
        position = 0
        for snap in snapshots_in(args):
            if not snap.requires_grad:
                position += 1
                self.add_constant(fn, snap, order, position)
        for number in operand_numbers(func, args):
            position += 1
            key = f"c{len(self.nodes)}"
            self.nodes.append({"key": key, "kind": "constant", "order": [order, -1 + position / 100],
                               "label": format_number(number), "op": None, "name": None,
                               "shape": [], "dtype": type(number).__name__, "value": number,
                               "grad": None})
            self.edges.append({"source": key, "target": self.key_of[fn], "local": None,
                               "grad": None, "constant": True})

    def add_constant(self, fn, snap, order, position):
        name = self.recorder.name_of(snap.node)
        key = self.constant_keys.get(id(snap.node)) if name else None
        if key is None:
            key = f"c{len(self.nodes)}"
            if name:
                self.constant_keys[id(snap.node)] = key
            self.nodes.append({"key": key, "kind": "constant", "order": [order, -1 + position / 100],
                               "label": name or summary_label(snap.value), "op": None,
                               "name": name, **describe(snap.value), "value": plain(snap.value),
                               "grad": None})
        self.edges.append({"source": key, "target": self.key_of[fn], "local": None,
                           "grad": None, "constant": True})

    def add_input(self, fn):
        variable = fn.variable
        value = self.first_use.get(fn, variable.detach())
        name = self.recorder.name_of(variable)
        self.nodes.append({
            "key": self.key_of[fn], "kind": "input",
            "order": self.first_consumer.get(fn, [math.inf, -1]),
            "label": name or "input", "op": None, "name": name, **describe(value),
            "value": plain(value), "grad": plain(self.leaf_grads.get(id(variable)))})


def operand_numbers(func, args):
    """The plain numbers a call used as operands (the 2 in `2 * x`), not as parameters."""
    if func not in ARITHMETIC:
        return []
    return [a for a in args if isinstance(a, (int, float)) and not isinstance(a, bool)]


def op_label(fn, metadata):
    """A short readable name: the interpreter's label, the function's, or autograd's."""
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
    return repr(number) if isinstance(number, float) else str(number)


def summary_label(tensor):
    if tensor.numel() == 1:
        return format_number(tensor.item())
    return "×".join(map(str, tensor.shape)) + " tensor"
