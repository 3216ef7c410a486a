"""Assignments to something other than a name: `x.data = ...`, `x.grad = None`,
`x.requires_grad = ...`, `h[i] = ...` on tensors (and on the interpreter's own objects, such as
`opt.param_groups[0]["lr"] = ...`), and their augmented forms (`x.data -= lr * x.grad`,
`h[0] += 1`, through `Interpreter.store_subscript`), compiled for `compiler.Compiler`.

Index assignment on a tensor is PyTorch's own `__setitem__`: autograd makes the CopySlices
node, bumps the version counter and raises its own errors (a leaf that requires grad outside
`torch.no_grad()`, a saved tensor modified in place at backward); the new node is noted for
the graph like any in-place operation, with the values it changed kept as they were
(`Interpreter.before_in_place`). Augmented assignments follow Python: read once, operate (in
place on a tensor), store back. Runs inside the sandbox child.
"""
import operator

import torch

from webapp.core.errors import NotAllowed, ProblemError
from webapp.execution.interpreter.expressions import BINARY
from webapp.execution.interpreter.flow import position, run_failed
from webapp.execution.interpreter.objects import Exposed

Tensor = torch.Tensor
TENSOR_ATTRIBUTE_STORES = ("data", "grad", "requires_grad")
# What can be assigned at all: a tensor's, and a layer's parameters given back to it (Python
# stores the result of `layer.weight -= ...` back into `layer.weight`).
ATTRIBUTE_STORES = TENSOR_ATTRIBUTE_STORES + ("weight", "bias")


def attribute_store(compiler, target):
    """The store of `OWNER.name = value` (a closure taking the value)."""
    interpreter, name = compiler.interpreter, target.attr
    owner = compiler.expression(target.value)
    check_attribute_store(target)
    return lambda value: store_attribute(interpreter, owner(), name, value, target)


def check_attribute_store(target):
    if target.attr not in ATTRIBUTE_STORES:
        raise NotAllowed(f"Only a tensor's .data, .grad and .requires_grad can be assigned "
                         f"to, not '.{target.attr}'.", **position(target))


def store_attribute(interpreter, tensor, name, value, node):
    """`tensor.name = value` for a name of TENSOR_ATTRIBUTE_STORES, PyTorch's checks (or
    the interpreter's own object's store)."""
    if isinstance(tensor, Exposed):
        return tensor.store_attribute(name, value, interpreter, node)
    if not isinstance(tensor, Tensor) or name not in TENSOR_ATTRIBUTE_STORES:
        raise run_failed(AttributeError(f"'{type(tensor).__name__}' object attribute "
                                        f"'{name}' cannot be assigned"), node)
    if name == "data":
        if not isinstance(value, Tensor):
            raise run_failed(TypeError("'.data' takes a tensor."), node)
        if interpreter.on_data is not None:
            interpreter.on_data(tensor, value)
        interpreter.recorder.keep_value(tensor)
    try:
        setattr(tensor, name, value)
    except (RuntimeError, TypeError, ValueError) as error:
        raise run_failed(error, node) from None


def store_item(interpreter, owner, index, value, node):
    """`owner[index] = value`: on a tensor as PyTorch does it, recorded for the graph."""
    if isinstance(owner, Exposed):
        return owner.store_item(index, value, interpreter, node)
    if not isinstance(owner, Tensor):
        raise run_failed(TypeError(f"'{type(owner).__name__}' object does not support item "
                                   f"assignment"), node)
    label = index_label(index) + " ="
    if not isinstance(value, Tensor):
        label += f" {value}" if isinstance(value, (int, float)) else ""
    try:
        before = interpreter.before_in_place((owner, index, value))
        operator.setitem(owner, index, value)
    except ProblemError:
        raise
    except (RuntimeError, TypeError, ValueError, IndexError) as error:
        raise run_failed(error, node) from None
    if owner.grad_fn is not None:
        interpreter.recorder.record(owner, operator.setitem, before or (owner, index, value),
                                    {}, label, in_place=True)
    return None


def augmented_store(compiler, node):
    """The closure of `OWNER.name op= value` (`x.data -= lr * x.grad`); an item's is the
    compiler's own (`targets.augassign_item`, through `Interpreter.store_subscript`)."""
    interpreter, target = compiler.interpreter, node.target
    op, operand = BINARY[type(node.op)], compiler.expression(node.value)
    owner = compiler.expression(target.value)
    check_attribute_store(target)
    name, read = target.attr, interpreter.attribute_of

    def update_attribute():
        tensor = owner()
        current = read(tensor, target)
        store_attribute(interpreter, tensor, name,
                        interpreter.augmented(op, current, operand(), node), target)
    return update_attribute


def index_label(index):
    """A label for an indexing op: `[0, 1:3]`."""
    parts = index if isinstance(index, tuple) else (index,)
    return "[" + ", ".join(index_part(p) for p in parts) + "]"


def index_part(part):
    """One part of an index as written: `1:3`, `tensor`, `0`."""
    if isinstance(part, slice):
        bounds = (part.start, part.stop) if part.step is None else \
            (part.start, part.stop, part.step)
        return ":".join("" if x is None else str(x) for x in bounds)
    if isinstance(part, torch.Tensor):
        return "tensor"
    return str(part)
