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
import operator
import weakref

import torch

from webapp.execution.capture import higher_order
from webapp.execution.capture.engine import run_backward
from webapp.execution.capture.moment import BackwardCall, leaf_state
from webapp.execution.capture.nodes import (Snapshot, fill_values, has_saved_tensors,
                                            is_leaf_node, walk)


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


# How an augmented assignment on a view reads in a label: `h[0] += ...` is `[0] +=`.
OPERATOR_LABELS = {operator.add: " +=", operator.sub: " -=", operator.mul: " *=",
                   operator.truediv: " /=", operator.pow: " **="}


class Recorder:
    """What one run of a program recorded: the order of its operations and its names."""

    def __init__(self):
        self.sequence = itertools.count()
        self.names = {}          # id(tensor) -> (weak reference, name): leaves and constants
        self.backward_calls = 0  # how many `.backward()` calls the program made
        self.gradient_graphs = higher_order.gradient_graphs()   # create_graph's gradients
        self.group = None        # the innermost call or loop iteration open (capture/groups.py)

    def record(self, result, func, args, kwargs, label=None, in_place=False):
        """Note an operation on its result's autograd node. `args` come from `freeze`; an
        in-place operation's node takes the name of the tensor it changed (`h[0] = ...`,
        `h.relu_()`: the program's `h` is the new node from then on)."""
        fn = result.grad_fn if isinstance(result, torch.Tensor) else None
        if fn is not None:
            self.note(fn, result, func, args, kwargs, label, in_place)

    def note(self, fn, result, func, args, kwargs, label, in_place):
        """`record` of `result`, whose autograd node `fn` the caller has already."""
        metadata = fn.metadata
        if "sequence" in metadata:          # a method that hands back its own tensor
            return
        metadata["sequence"] = next(self.sequence)
        metadata["label"] = label
        metadata["call"] = (func, args, kwargs)     # its value: `keep_value`, `values_of`
        metadata["group"] = self.group
        if in_place and args and isinstance(args[0], Snapshot):
            changed = args[0].node
            name = self.name_of(changed) if isinstance(changed, torch.Tensor) else \
                changed.metadata.get("name")
            if name is not None:
                metadata["name"] = name

    def record_base(self, view, func, args, kwargs, label):
        """After an in-place operation on a view (`h[0:2].zero_()`): autograd gave the view's
        base a CopySlices node; note it as the same call, labelled `[0:2].zero_`, named as
        the base was."""
        base = view._base
        fn = base.grad_fn
        if fn is None or "sequence" in fn.metadata:
            return
        view_node = args[0].node if isinstance(args[0], Snapshot) else None
        view_label = view_node.metadata.get("label") if view_node is not None and \
            not isinstance(view_node, torch.Tensor) else None
        written = label or OPERATOR_LABELS.get(func, getattr(func, "__name__", "op"))
        self.record(base, func, args, kwargs, f"{view_label or 'view'}{written}")
        previous = fn.next_functions[0][0] if fn.next_functions else None
        name = self.name_of(base) if previous is None or is_leaf_node(previous) else \
            previous.metadata.get("name")
        if name is not None:
            fn.metadata["name"] = name

    @staticmethod
    def protect_value(tensor):
        """Before an in-place operation on `tensor`: its node keeps a copy of the value it
        made (or was given by `keep_value`), whose storage is about to change."""
        fn = tensor.grad_fn if isinstance(tensor, torch.Tensor) else None
        if fn is not None:
            metadata = fn.metadata
            kept = metadata.get("value")
            if kept is not None:
                metadata["value"] = kept.clone()
            elif "sequence" in metadata:
                metadata["value"] = tensor.detach().clone()

    @staticmethod
    def keep_value(tensor):
        """Before `tensor.data = ...`: its node keeps the storage it made. (A node's value is
        otherwise taken when the trace is made, from the tensor itself, which the calls that
        used it hold: `values_of`. The tensor keeps its storage and contents unless changed
        in place, when `protect_value` runs first, or given a new `.data`.)"""
        fn = tensor.grad_fn if isinstance(tensor, torch.Tensor) else None
        if fn is not None and "sequence" in fn.metadata and "value" not in fn.metadata:
            fn.metadata["value"] = tensor.detach()

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

    def backward(self, tensor, gradient=None, retain_graph=None, create_graph=False,
                 inputs=None):
        """The program's `.backward()`: like PyTorch's, but the graph is kept for the trace
        (a pass without retain_graph only marks its nodes freed, and a later pass through a
        freed node that saved tensors fails with PyTorch's words), and the root's node notes
        the call (`BackwardCall`: what its leaves held then)."""
        nodes, leaves = self.start_pass(tensor, inputs)
        if create_graph:
            fill_values(nodes, tensor)
        with higher_order.capturing(self, create_graph, (nodes,)):
            run_backward(tensor, gradient, retain_graph=True, create_graph=create_graph,
                         inputs=inputs)
        self.end_pass(tensor, gradient, nodes, leaves, retain_graph, create_graph)
        if create_graph:
            higher_order.note_pass(self, "backward", tensor,
                                   [(leaf[0], leaf[0].grad) for leaf in leaves])

    def grad(self, outputs, inputs, grad_outputs, retain_graph, create_graph, allow_unused):
        """The program's `torch.autograd.grad(...)` (outputs and inputs: tuples of tensors),
        kept and noted as `backward` is; with one output the graph shows it as it would
        show that output's `.backward()`."""
        passes = [self.start_pass(output, inputs) for output in outputs]
        if create_graph:
            for output, (nodes, _) in zip(outputs, passes):
                fill_values(nodes, output)
        with higher_order.capturing(self, create_graph, [nodes for nodes, _ in passes]):
            grads = torch.autograd.grad(outputs, inputs, grad_outputs, retain_graph=True,
                                        create_graph=create_graph, allow_unused=allow_unused)
        seeds = grad_outputs if isinstance(grad_outputs, (list, tuple)) else [grad_outputs]
        for output, (nodes, leaves), seed in zip(outputs, passes, seeds * len(outputs)):
            self.end_pass(output, seed, nodes, leaves, retain_graph, create_graph,
                          noted=len(outputs) == 1)
        if create_graph:
            higher_order.note_pass(self, "grad", outputs[0] if len(outputs) == 1 else None,
                                   list(zip(inputs, grads)))
        return grads

    def start_pass(self, tensor, inputs):
        """(the nodes a backward pass from `tensor` runs, to `inputs` or to every leaf; each
        leaf's state now), after refusing a pass through freed buffers as PyTorch does."""
        root = tensor.grad_fn if isinstance(tensor, torch.Tensor) else None
        operations, leaves, freed = [], [], False
        for fn in walk(root) if root is not None else ():
            if hasattr(fn, "variable"):                     # a leaf (`is_leaf_node`)
                leaves.append(leaf_state(fn.variable))
            else:
                operations.append(fn)
                freed = freed or "freed" in fn.metadata
        if inputs is not None:
            operations = passed_nodes(operations, inputs)
        if freed:
            for fn in operations:
                if fn.metadata.get("freed") and has_saved_tensors(fn):
                    raise RuntimeError(second_backward_message())
        return operations, leaves

    def end_pass(self, tensor, gradient, nodes, leaves, retain_graph, create_graph,
                 noted=True):
        """After a pass: its nodes freed unless retained (PyTorch's default: retain_graph
        is create_graph), the call noted on the root's node."""
        self.backward_calls += 1
        if not (create_graph if retain_graph is None else retain_graph):
            for fn in nodes:
                fn.metadata["freed"] = True
        root = tensor.grad_fn
        if root is not None and noted:
            seed = gradient.detach().clone() if isinstance(gradient, torch.Tensor) else gradient
            root.metadata["backward"] = BackwardCall(self.backward_calls, seed, leaves)


def passed_nodes(operations, inputs):
    """Of `operations` (a graph's op nodes), those autograd's engine runs in a pass to
    `inputs` (tensors): the nodes from which an input's node can be reached."""
    leaves = {id(tensor) for tensor in inputs if tensor.grad_fn is None}
    targets = {tensor.grad_fn for tensor in inputs if tensor.grad_fn is not None}
    consumers = {}
    for fn in operations:
        for source, _ in fn.next_functions:
            consumers.setdefault(source, []).append(fn)
            if source is not None and is_leaf_node(source) and id(source.variable) in leaves:
                targets.add(source)
    reached, stack = set(), list(targets)
    while stack:
        for consumer in consumers.get(stack.pop(), ()):
            if consumer not in reached:
                reached.add(consumer)
                stack.append(consumer)
    return [fn for fn in operations if fn in reached]
