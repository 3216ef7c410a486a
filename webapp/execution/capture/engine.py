"""The program's `.backward()`, handed to autograd's engine directly when nothing is unusual.

`Tensor.backward` reaches the C++ engine through ~15 us of Python per call (the
`__torch_function__` checks, `_make_grads`, the logging hooks, a context stash for compiled
autograd); in the lecture's 10,001-step descent that is an eighth of the whole run. For the
case a training loop makes over and over — a plain floating-point scalar, seeded with ones —
`run_backward` makes the seed as `_make_grads` does (`torch.ones_like`, format preserved) and
calls the engine as `torch.autograd.backward` would; anything else (a gradient given, a
non-scalar, an integer tensor, a tensor that does not require grad) goes through
`Tensor.backward`, which raises PyTorch's own errors. Runs inside the sandbox child (torch).
"""
import torch
from torch.autograd.variable import Variable

ENGINE = Variable._execution_engine


def is_plain_scalar(tensor, gradient):
    """Whether `tensor.backward(gradient)` is the common case the engine can take directly."""
    return (gradient is None and type(tensor) is torch.Tensor and tensor.requires_grad
            and tensor.numel() == 1 and tensor.is_floating_point())


def run_backward(tensor, gradient=None, retain_graph=False, create_graph=False, inputs=None):
    """`tensor.backward(gradient, retain_graph, create_graph, inputs)`, as PyTorch computes
    it."""
    if create_graph or inputs is not None or not is_plain_scalar(tensor, gradient):
        tensor.backward(gradient, retain_graph=retain_graph, create_graph=create_graph,
                        inputs=inputs)
        return
    seed = torch.ones_like(tensor, memory_format=torch.preserve_format)
    ENGINE.run_backward((tensor,), (seed,), retain_graph, False, (),
                        allow_unreachable=True, accumulate_grad=True)
