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

import torch

from . import limits
from .allowlist import ARITHMETIC
from .errors import LimitExceeded, NothingToDraw

# PyTorch's own words for a second backward through freed buffers (we retain the graph so that
# it can be replayed, and say what PyTorch would have said).
SECOND_BACKWARD = (
    "Trying to backward through the graph a second time (or directly access saved tensors after "
    "they have already been freed). Saved intermediate values of the graph are freed when you "
    "call .backward() or autograd.grad(). Specify retain_graph=True if you need to backward "
    "through the graph a second time or if you need to access saved intermediate values after "
    "calling backward.")


class Snapshot:
    """A tensor argument as it was when the operation ran.

    Leaves are copied (`x.data = ...` changes them in a training loop); results of operations
    are not changed afterwards except in place, and in-place calls snapshot with `copy_all`.
    """
    __slots__ = ("original", "_copy")

    def __init__(self, tensor, copy_all):
        self.original = tensor
        self._copy = tensor.detach().clone() if copy_all or tensor.is_leaf else None

    @property
    def copy(self):
        return self.original.detach() if self._copy is None else self._copy


def snapshot(value, copy_all=False):
    if isinstance(value, torch.Tensor):
        return Snapshot(value, copy_all)
    if isinstance(value, (list, tuple)):
        return type(value)(snapshot(v, copy_all) for v in value)
    return value


def snapshots_in(value):
    if isinstance(value, Snapshot):
        yield value
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from snapshots_in(v)


class Recorder:
    def __init__(self):
        self.sequence = itertools.count()
        self.names = {}          # id(tensor) -> (tensor, name) for leaves and constants

    def record(self, result, func, args, kwargs, label=None):
        """Note an operation on its result's autograd node. `args` are snapshots already."""
        fn = result.grad_fn if isinstance(result, torch.Tensor) else None
        if fn is None:
            return
        metadata = fn.metadata
        if "sequence" in metadata:          # a method that hands back its own tensor
            return
        metadata["sequence"] = next(self.sequence)
        metadata["label"] = label
        metadata["value"] = result.detach().clone()
        metadata["call"] = (func, args, kwargs)

    def name(self, value, name):
        """Remember the user's variable name for a tensor (the first name it was given)."""
        if not isinstance(value, torch.Tensor):
            return
        if value.grad_fn is not None:
            value.grad_fn.metadata.setdefault("name", name)
        elif id(value) not in self.names:
            self.names[id(value)] = (value, name)

    def name_of(self, tensor):
        entry = self.names.get(id(tensor))
        return entry[1] if entry and entry[0] is tensor else None

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
    return any(name.startswith("_saved_") for name in dir(fn))


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
        merged = {}                    # the same operand twice (x * x) is one edge, summed
        for (source, _), flow in zip(fn.next_functions, flows):
            if source is None:
                continue
            if source in merged and flow is not None and merged[source] is not None:
                merged[source] = merged[source] + flow
            else:
                merged.setdefault(source, flow)
        for source, flow in merged.items():
            if is_leaf_node(source):
                position = self.note_first_use(source, call) if call else 0
                rank = [order, -1 + position / 100]
                self.first_consumer[source] = min(rank, self.first_consumer.get(source, rank))
            self.edges.append({
                "source": self.key_of[source], "target": self.key_of[fn],
                "local": local_derivative(fn, source, call), "grad": plain(flow),
                "constant": False})
        if call:
            self.add_constants(fn, call, order)

    def note_first_use(self, leaf_fn, call):
        """Keep the leaf's value as this call saw it; return its argument position."""
        for position, snap in enumerate(snapshots_in(call[1])):
            if snap.original is leaf_fn.variable:
                self.first_use.setdefault(leaf_fn, snap.copy)
                return position
        return 0

    def add_constants(self, fn, call, order):
        func, args, kwargs = call
        position = 0
        for snap in snapshots_in(args):
            if not snap.original.requires_grad:
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
        name = self.recorder.name_of(snap.original)
        key = self.constant_keys.get(id(snap.original)) if name else None
        if key is None:
            key = f"c{len(self.nodes)}"
            if name:
                self.constant_keys[id(snap.original)] = key
            self.nodes.append({"key": key, "kind": "constant", "order": [order, -1 + position / 100],
                               "label": name or summary_label(snap.copy), "op": None,
                               "name": name, **describe(snap.copy), "value": plain(snap.copy),
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


def local_derivative(fn, source, call):
    """d(fn's output)/d(source's value), recomputed from the recorded call; None if unknown.

    A number when both are scalars; a Jacobian (nested lists, shape out.shape + in.shape) when
    it has at most MAX_JACOBIAN_ENTRIES entries; otherwise None.
    """
    if call is None:
        return None
    func, args, kwargs = call
    belongs = (lambda t: t is source.variable) if is_leaf_node(source) else \
        (lambda t: t.grad_fn is source)
    mine = [s for s in snapshots_in(args) if belongs(s.original)]
    if not mine:
        return None
    point = mine[0].copy.clone().requires_grad_(True)

    def substitute(value):
        if isinstance(value, Snapshot):
            return point if belongs(value.original) else value.copy
        if isinstance(value, (list, tuple)):
            return type(value)(substitute(v) for v in value)
        return value
    try:
        with torch.enable_grad():
            out = func(*substitute(args), **kwargs)
            if not isinstance(out, torch.Tensor) or not out.requires_grad:
                return None
            if out.numel() * point.numel() > limits.MAX_JACOBIAN_ENTRIES:
                return None
            rows = [torch.autograd.grad(element, point, retain_graph=True, allow_unused=True)[0]
                    for element in out.reshape(-1)]
    except Exception:                  # an op we cannot replay alone: say we do not know
        return None
    jacobian = torch.stack([torch.zeros_like(point) if r is None else r for r in rows])
    jacobian = jacobian.reshape(tuple(out.shape) + tuple(point.shape))
    return plain(jacobian)


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
