"""The trace of a program's graph: what autograd did, handed out as plain data.

After the run, `trace(target, ...)` replays the backward pass of the differentiated tensor
with hooks on every node (what flowed along each edge, as autograd computed it), recomputes
each op's local derivatives, asks the rules for each edge's rule, and returns plain lists and
dicts, in one walk of the graph. All of it is taken with the graph's leaves as they were at
the program's `.backward()` call on the target (capture/moment.py), or, when the program made
no such call, as the graph's operations used them. Runs inside the sandbox child.
"""
import math

import torch

from webapp.core.errors import NothingToDraw
from webapp.execution.capture import higher_order, saved
from webapp.execution.capture.derivatives import merged_by_source, node_jacobians
from webapp.execution.capture.groups import GroupKeys
from webapp.execution.capture.internal_values import recover
from webapp.execution.capture.moment import leaves_at
from webapp.execution.capture.nodes import (Snapshot, describe, fill_values, format_number,
                                            is_leaf_node, op_label, operand_numbers, plain,
                                            snapshots_in, summary_label, walk)
from webapp.execution.capture.values import settle


def replay(target, nodes, gradient):
    """Run autograd's backward pass again for `target`, whose graph's nodes are `nodes`
    (`walk`), noting what flowed along each edge.

    Hooks on every node see `grad_inputs` (one per next function: the edge grads) and
    `grad_outputs` (d target / d node). Returns the leaves' grads by id of the leaf.
    """
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
    return dict(zip(map(id, leaves), leaf_grads))


def seed_for(target, gradient, warnings):
    """The gradient the replay is seeded with: the program's own, or ones (with a warning
    appended to `warnings` when `target` is not a scalar)."""
    if gradient is not None:
        return gradient
    if target.numel() != 1:
        warnings.append("The output is not a scalar: its backward pass was seeded with ones.")
    return torch.ones_like(target)


def trace(target, gradient, recorder, warnings, rule_of):
    """The plain-data trace of `target`'s graph (see `graph.build` for what it becomes):
    {"nodes", "edges", "output", "backward"}. `gradient` seeds a target the program did not
    call `.backward()` on (None: ones); `rule_of(fn, source)` gives the rule of the edge
    source -> fn as plain data; notes for the user are appended to `warnings`."""
    if not isinstance(target, torch.Tensor) or target.grad_fn is None:
        raise NothingToDraw("The program made no tensor that autograd recorded a graph for: "
                            "make a tensor with requires_grad=True and compute with it.")
    call = target.grad_fn.metadata.get("backward")
    nodes = walk(target.grad_fn)
    fill_values(nodes, target)
    leaves = call.leaves if call else leaves_as_used(nodes)
    with leaves_at(leaves + swapped_operands(nodes)):
        seed = seed_for(target, call.gradient if call else gradient, warnings)
        try:
            leaf_grads = replay(target, nodes, seed)
        except RuntimeError as error:
            if "modified by an inplace operation" not in str(error):
                raise
            raise NothingToDraw(CHANGED_IN_PLACE) from None
        recover(nodes)
        builder = TraceBuilder(recorder, leaf_grads, warnings, rule_of, at_call=call is not None)
        result = builder.build(nodes, target)
        saved.attach(nodes, builder, result)         # at the call's moment too
        higher_order.mark(nodes, builder, result)
    result["backward"] = {"called": call is not None, "call": call and call.number,
                          "calls": recorder.backward_calls}
    return result


CHANGED_IN_PLACE = ("The program changed in place a tensor that autograd saved for this graph "
                    "(with an in-place method such as fill_ or zero_, after the graph was "
                    "made): the graph can no longer be traced. Make a new tensor instead, "
                    "or change it through .data.")


def swapped_operands(nodes):
    """The constant and intermediate tensors of the graph's calls that were given a new
    storage since (`c.data = ...`), each with a view of the storage the call used, for
    `leaves_at`; autograd saved the tensor itself, so it would see the new one."""
    found = {}
    for fn in nodes:
        call = fn.metadata.get("call")
        for tensor, used in operands(call[1]) if call else ():
            if used is not None and tensor.untyped_storage().data_ptr() \
                    != used.untyped_storage().data_ptr():
                found.setdefault(id(tensor), (tensor, used, None))
    return list(found.values())


def operands(args):
    """(tensor, the view of its value the call used) for the constants and the intermediate
    tensors among a recorded call's arguments (`freeze`'s output)."""
    for value in args:
        if isinstance(value, Snapshot):
            if not value.requires_grad and isinstance(value.node, torch.Tensor):
                yield value.node, value.value
        elif isinstance(value, torch.Tensor):
            if value.grad_fn is not None:
                yield value, value.grad_fn.metadata.get("value")
        elif isinstance(value, (list, tuple)):
            yield from operands(value)


def leaves_as_used(nodes):
    """For a graph the program did not differentiate: each leaf with the view of its storage
    that the graph's first operation using it kept (in `walk` order, as the trace draws it),
    for `leaves_at`."""
    found = {}
    for fn in nodes:
        call = fn.metadata.get("call")
        for snap in snapshots_in(call[1]) if call else ():
            if snap.requires_grad and isinstance(snap.node, torch.Tensor):
                found.setdefault(id(snap.node), (snap.node, snap.value, None))
    return list(found.values())


class TraceBuilder:
    """Turns the replayed nodes into the trace's node and edge dicts."""

    def __init__(self, recorder, leaf_grads, warnings, rule_of, at_call=False):
        self.recorder = recorder
        self.at_call = at_call        # leaves hold their values of a backward call
        self.leaf_grads = leaf_grads
        self.warnings = warnings
        self.rule_of = rule_of
        self.nodes, self.edges = [], []
        self.key_of = {}              # autograd node -> key
        self.constant_keys = {}       # id(tensor) -> key, for named constant tensors
        self.first_use = {}           # autograd leaf node -> snapshot of its value when used
        self.first_consumer = {}      # autograd leaf node -> order of its first consumer
        self.groups = GroupKeys()     # the calls and loop iterations the ops ran in

    def build(self, fns, target):
        """The trace of the autograd nodes `fns` (from `walk`) whose output is `target`."""
        for fn in fns:
            self.key_of[fn] = f"f{len(self.key_of)}"
        for fn in fns:
            if not is_leaf_node(fn):
                self.add_op(fn)
        for fn in fns:
            if is_leaf_node(fn):
                self.add_input(fn)
        settle(self.nodes, self.edges)        # tensors -> numbers or summaries, within budget
        return {"nodes": self.nodes, "edges": self.edges, "output": self.key_of[target.grad_fn],
                "groups": self.groups.described}

    def add_op(self, fn):
        """The node of an operation, then the edges into it."""
        metadata = fn.metadata
        value = metadata.get("value")
        grad = metadata.get("grad")
        order = metadata.get("sequence", math.inf)
        self.nodes.append({
            "key": self.key_of[fn], "kind": "op", "order": [order, 0],
            "label": op_label(fn, metadata), "op": fn.name(),
            "name": metadata.get("name"), **describe(value), "value": value,
            "grad": grad, "group": self.groups.key(metadata.get("group"))})
        if value is None:
            self.warnings.append(f"{fn.name()} was made inside a library function: its value "
                                 f"was not recorded.")
        self.add_edges(fn, order)

    def add_edges(self, fn, order):
        """One edge per source node of `fn` (an operand used twice is one edge), with what
        flowed along it, its local Jacobian and its rule; then the constants `fn` used."""
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
                "local": plain(jacobians[source]), "grad": flow, "constant": False,
                "rule": self.rule_of(fn, source)})
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
        """Nodes and edges for the tensors that need no grad and the plain numbers that
        `call` gave the operation `fn`."""
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
            self.add_constant_edge(key, fn)

    def add_constant(self, fn, snap, order, position):
        """A constant tensor (one node per named tensor, however often it is used)."""
        name = self.recorder.name_of(snap.node)
        key = self.constant_keys.get(id(snap.node)) if name else None
        if key is None:
            key = f"c{len(self.nodes)}"
            if name:
                self.constant_keys[id(snap.node)] = key
            self.nodes.append({"key": key, "kind": "constant", "order": [order, -1 + position / 100],
                               "label": name or summary_label(snap.value), "op": None,
                               "name": name, **describe(snap.value), "value": snap.value,
                               "grad": None})
        self.add_constant_edge(key, fn)

    def add_constant_edge(self, key, fn):
        """The edge from the constant node `key` into `fn`: no gradient flows, no rule."""
        self.edges.append({"source": key, "target": self.key_of[fn], "local": None,
                           "grad": None, "constant": True, "rule": None})

    def add_input(self, fn):
        """The node of a leaf, with its value at the backward call (a second backward
        through a retained graph sees `x.data = ...` of the meantime, as its grads do), or
        else as first used; and its grad."""
        variable = fn.variable
        value = variable.detach() if self.at_call else self.first_use.get(fn, variable.detach())
        name = self.recorder.name_of(variable)
        self.nodes.append({
            "key": self.key_of[fn], "kind": "input",
            "order": self.first_consumer.get(fn, [math.inf, -1]),
            "label": name or "input", "op": None, "name": name, **describe(value),
            "value": value, "grad": self.leaf_grads.get(id(variable))})
