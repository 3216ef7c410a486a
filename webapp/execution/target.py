"""Which tensor of a run program is differentiated: the one named by the request, else the
last one the program called `.backward()` on, else the last tensor with a graph it assigned
or left as an expression, else the last one any operation made (`print(x ** 2 + 1)`).
None when the program recorded no graph at all: `why_no_graph` says why, for the warning.
Runs inside the sandbox child (torch).
"""
import torch

from webapp.core.errors import NothingToDraw


def choose_output(interpreter, name):
    """For a run `interpreter` and the requested output `name` (or None): the tensor to
    differentiate (None: there is no graph), and the gradient its backward pass was seeded
    with (or None)."""
    backward_tensor, gradient = interpreter.last_backward or (None, None)
    if name:
        value = interpreter.globals.get(name)
        if not isinstance(value, torch.Tensor) or value.grad_fn is None:
            raise NothingToDraw(f"'{name}' is not a tensor that autograd recorded a graph for.")
        return value, gradient if value is backward_tensor else None
    if backward_tensor is not None and backward_tensor.grad_fn is not None:
        return backward_tensor, gradient
    if interpreter.last_graph_value is not None:
        return interpreter.last_graph_value, None
    return interpreter.last_recorded, None


def why_no_graph(interpreter):
    """The warning of a program that recorded no graph: what it did instead."""
    tensors = {name: value for name, value in interpreter.globals.items()
               if isinstance(value, torch.Tensor)}
    needing = [name for name, value in tensors.items() if value.requires_grad]
    if interpreter.last_backward is not None:
        return ("No graph was recorded: .backward() was called on a tensor that no operation "
                "made (a leaf), so there is no operation to draw.")
    if not tensors:
        return ("No graph was recorded: the program computes with plain Python numbers, and "
                "autograd records only operations on tensors. To see a graph, make a tensor "
                "that requires grad, e.g. x = torch.tensor(2.0, requires_grad=True), and "
                "compute with it.")
    if not needing:
        return ("No graph was recorded: no tensor of the program requires grad, so autograd "
                "recorded none of its operations. Make the input with requires_grad=True, "
                "e.g. x = torch.tensor(2.0, requires_grad=True).")
    return (f"No graph was recorded: {', '.join(needing)} "
            f"{'requires' if len(needing) == 1 else 'require'} grad, but nothing was computed "
            "from it with autograd recording (outside torch.no_grad()). Compute something "
            f"from it, e.g. y = {needing[0]} ** 2.")
