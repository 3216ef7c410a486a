"""What a program may name: the torch functions, tensor methods and attributes, math, builtins.

Everything here is looked up by name in these tables; the interpreter never calls `getattr`
on a name it was not given here, so anything not listed simply does not exist for a program.
This module imports torch and runs only inside the sandbox child (and the tests).
"""
import math
import operator

import torch
import torch.nn.functional as F

from webapp.execution.interpreter.autograd_calls import BACKWARD, GRAD
from webapp.execution.interpreter.contexts import ENABLE_GRAD, NO_GRAD
from webapp.execution.interpreter.modules import NN_MODULES
from webapp.execution.interpreter.optim import OPTIMIZERS
from webapp.language.names import (FUNCTIONAL_FUNCTIONS, MATH_NAMES, TENSOR_ATTRIBUTES, TENSOR_METHODS,
                              TORCH_FUNCTIONS, TORCH_VALUE_NAMES)

TORCH_VALUES = {name: getattr(torch, name) for name in TORCH_VALUE_NAMES}
# In-place tensor methods (autograd's own semantics: version counters, PyTorch's errors).
# The interpreter knows them; the checker (webapp/language/names.py) decides what a program
# may write.
IN_PLACE_METHODS = frozenset("""
    add_ sub_ mul_ div_ pow_ neg_ abs_ exp_ log_ sqrt_ sin_ cos_ tanh_ sigmoid_ relu_ clamp_
    clip_ zero_ fill_ copy_ requires_grad_ normal_ uniform_
""".split())
TENSOR_METHODS = TENSOR_METHODS | IN_PLACE_METHODS

# Calls whose plain-number arguments are operands (the 2 in `2 * x` is a constant node);
# for every other call a number is a parameter (the 0 in `sum(dim=0)`) and goes in the label.
ARITHMETIC = frozenset({
    operator.add, operator.sub, operator.mul, operator.truediv, operator.floordiv,
    operator.mod, operator.pow, operator.matmul,
    torch.add, torch.sub, torch.subtract, torch.mul, torch.multiply, torch.div, torch.divide,
    torch.true_divide, torch.pow, torch.maximum, torch.minimum, torch.atan2, torch.hypot,
    torch.remainder, torch.fmod, torch.where, torch.lerp,
    torch.Tensor.add, torch.Tensor.sub, torch.Tensor.mul, torch.Tensor.div, torch.Tensor.pow,
})

class Namespace:
    """A module as a program sees it: a fixed table of names, nothing else."""

    def __init__(self, name, members):
        self.name = name
        self.members = dict(members)

    def __repr__(self):
        return f"<module '{self.name}'>"


def make_dot(*args, **kwargs):
    """torchviz's make_dot, as a program sees it: the page draws the graph instead."""
    return None


FUNCTIONAL = Namespace("torch.nn.functional", {n: getattr(F, n) for n in FUNCTIONAL_FUNCTIONS})
NN = Namespace("torch.nn", {"functional": FUNCTIONAL, **NN_MODULES})
AUTOGRAD = Namespace("torch.autograd", {"grad": GRAD, "backward": BACKWARD})
OPTIM = Namespace("torch.optim", OPTIMIZERS)
TORCH = Namespace("torch", {**{n: getattr(torch, n) for n in TORCH_FUNCTIONS},
                            **TORCH_VALUES, "nn": NN, "autograd": AUTOGRAD, "optim": OPTIM,
                            "no_grad": NO_GRAD, "enable_grad": ENABLE_GRAD})
MATH = Namespace("math", {n: getattr(math, n) for n in MATH_NAMES})
TORCHVIZ = Namespace("torchviz", {"make_dot": make_dot})

MODULES = {"torch": TORCH, "torch.nn": NN, "torch.nn.functional": FUNCTIONAL, "math": MATH,
           "torchviz": TORCHVIZ, "torch.autograd": AUTOGRAD, "torch.optim": OPTIM}
