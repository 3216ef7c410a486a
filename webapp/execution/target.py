"""Which tensor of a run program is differentiated: the one named by the request, else the
last one the program called `.backward()` on, else the last tensor with a graph.
Runs inside the sandbox child (torch).
"""
import torch

from webapp.core.errors import NothingToDraw


def choose_output(interpreter, name):
    """For a run `interpreter` and the requested output `name` (or None): the tensor to
    differentiate, and the gradient its backward pass was seeded with (or None)."""
    backward_tensor, gradient = interpreter.last_backward or (None, None)
    if name:
        value = interpreter.globals.get(name)
        if not isinstance(value, torch.Tensor) or value.grad_fn is None:
            raise NothingToDraw(f"'{name}' is not a tensor that autograd recorded a graph for.")
        return value, gradient if value is backward_tensor else None
    if backward_tensor is not None:
        return backward_tensor, gradient
    return interpreter.last_graph_value, None
