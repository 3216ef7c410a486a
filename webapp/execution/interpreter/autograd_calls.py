"""The backward passes a program asks for: `y.backward(gradient, retain_graph=...,
create_graph=...)` and `torch.autograd.grad(outputs, inputs, grad_outputs=..., retain_graph=...,
create_graph=..., allow_unused=...)`, with PyTorch's signatures, defaults and errors.

Both go through the `Recorder` (capture/recorder.py), which keeps every graph for the trace and
fails a second pass through freed buffers with PyTorch's own words; the last of them is the one
the graph shows (`Interpreter.last_backward`). Runs inside the sandbox child.
"""
import torch

from webapp.core.errors import NotAllowed, ProblemError
from webapp.execution.interpreter.flow import position, run_failed
from webapp.execution.interpreter.objects import Function, arguments

Tensor = torch.Tensor
BACKWARD_PARAMETERS = {"gradient": None, "retain_graph": None, "create_graph": False,
                       "inputs": None}
AUTOGRAD_BACKWARD_PARAMETERS = {"tensors": None, "grad_tensors": None, "retain_graph": None,
                                "create_graph": False, "inputs": None}
GRAD_PARAMETERS = {"outputs": None, "inputs": None, "grad_outputs": None,
                   "retain_graph": None, "create_graph": False, "allow_unused": None}


def backward(interpreter, tensor, args, kwargs, node):
    """`tensor.backward(...)`: None, as in PyTorch."""
    call = arguments("backward", BACKWARD_PARAMETERS, args, kwargs, node) if args or kwargs \
        else BACKWARD_PARAMETERS
    inputs = call["inputs"]
    if inputs is not None:
        inputs = tensors(inputs, "inputs", node)
    try:
        interpreter.recorder.backward(tensor, call["gradient"], call["retain_graph"],
                                      bool(call["create_graph"]), inputs)
    except ProblemError:
        raise
    except (RuntimeError, TypeError, ValueError) as error:
        raise run_failed(error, node) from None
    interpreter.last_backward = (tensor, call["gradient"])
    return None


def autograd_backward(interpreter, args, kwargs, node):
    """`torch.autograd.backward(tensors, grad_tensors=None, ...)` of one tensor: its
    `.backward(...)`."""
    call = arguments("backward", AUTOGRAD_BACKWARD_PARAMETERS, args, kwargs, node, required=1)
    (tensor,) = one_tensor(call.pop("tensors"), node)
    seeds = call.pop("grad_tensors")
    if isinstance(seeds, (list, tuple)):
        (seeds,) = one_tensor(seeds, node)
    return backward(interpreter, tensor, (), {"gradient": seeds, **call}, node)


def one_tensor(value, node):
    """(the tensor,) of a tensor or a sequence of one."""
    items = tensors(value, "tensors", node)
    if len(items) != 1:
        raise NotAllowed("torch.autograd.backward takes one tensor here: call .backward() "
                         "on each.", **position(node))
    return items


def grad(interpreter, args, kwargs, node):
    """`torch.autograd.grad(...)`: a tuple with one gradient (or None) per input."""
    call = arguments("grad", GRAD_PARAMETERS, args, kwargs, node, required=2)
    outputs, inputs = tensors(call["outputs"], "outputs", node), \
        tensors(call["inputs"], "inputs", node)
    grad_outputs = call["grad_outputs"]
    if isinstance(grad_outputs, list):
        grad_outputs = tuple(grad_outputs)
    try:
        result = interpreter.recorder.grad(outputs, inputs, grad_outputs, call["retain_graph"],
                                           bool(call["create_graph"]), call["allow_unused"])
    except ProblemError:
        raise
    except (RuntimeError, TypeError, ValueError) as error:
        raise run_failed(error, node) from None
    if len(outputs) == 1:
        seed = grad_outputs[0] if isinstance(grad_outputs, tuple) else grad_outputs
        interpreter.last_backward = (outputs[0], seed)
    for value in result:
        if isinstance(value, Tensor) and value.grad_fn is not None:
            interpreter.recorder.record(value, torch.autograd.grad, (), {}, "grad")
    return result


def tensors(value, what, node):
    """A tensor or a list or tuple of tensors, as a tuple (TypeError otherwise)."""
    items = tuple(value) if isinstance(value, (list, tuple)) else (value,)
    if not items or not all(isinstance(item, Tensor) for item in items):
        raise run_failed(TypeError(f"grad(): '{what}' must be a tensor or a sequence of "
                                   f"tensors"), node)
    return items


GRAD = Function("grad", grad)
BACKWARD = Function("backward", autograd_backward)
