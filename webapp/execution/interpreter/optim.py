"""`torch.optim.SGD` and `torch.optim.Adam`, the optimizers a program may make.

Each is PyTorch's own optimizer over the program's tensors, held inside an `Optimizer` of the
interpreter that exposes `step()`, `zero_grad()` and `param_groups` only (never `state`,
`state_dict` or hooks); a parameter group is a `ParamGroup` whose hyperparameters can be read
and set to numbers (`opt.param_groups[0]["lr"] = 0.01`). The state an optimizer will keep
(momentum buffers, Adam's two averages) is counted against the tensor limits when it is made,
before any of it exists. PyTorch's own errors (a non-leaf, an invalid learning rate) come
out as PyTorch words them. Runs inside the sandbox child.
"""
import torch

from webapp.core.errors import LimitExceeded, NotAllowed
from webapp.execution.interpreter.flow import position, run_failed
from webapp.execution.interpreter.objects import Exposed, Function, Method, arguments

Tensor = torch.Tensor
OPTIONS = {
    torch.optim.SGD: {"lr": 0.001, "momentum": 0, "dampening": 0, "weight_decay": 0,
                      "nesterov": False, "maximize": False},
    torch.optim.Adam: {"lr": 0.001, "betas": (0.9, 0.999), "eps": 1e-08, "weight_decay": 0,
                       "amsgrad": False, "maximize": False},
}
# Hyperparameters a program may set in a parameter group (to numbers; betas to two).
SETTABLE = ("lr", "momentum", "dampening", "weight_decay", "eps", "betas")


def state_elements(cls, options, tensors):
    """How many elements the optimizer's state will hold for `tensors`: SGD a momentum
    buffer per tensor (with momentum), Adam two averages (three with amsgrad) and a step."""
    if cls is torch.optim.SGD:
        return sum(t.numel() for t in tensors) if options["momentum"] else 0
    copies = 3 if options["amsgrad"] else 2
    return sum(copies * t.numel() + 1 for t in tensors)


class Optimizer(Exposed):
    members = {"step": "method", "zero_grad": "method", "param_groups": "list"}

    def __init__(self, optimizer):
        self.optimizer = optimizer
        self.kind = f"torch.optim.{type(optimizer).__name__}"

    def __repr__(self):
        return repr(self.optimizer)

    def member(self, name, interpreter, node):
        if name == "param_groups":
            return [ParamGroup(group) for group in self.optimizer.param_groups]
        return Method(self, name, step if name == "step" else zero_grad)


def step(optimizer, interpreter, args, kwargs, node):
    arguments("step", {}, args, kwargs, node)
    try:
        optimizer.optimizer.step()
    except (RuntimeError, TypeError, ValueError) as error:
        raise run_failed(error, node) from None


def zero_grad(optimizer, interpreter, args, kwargs, node):
    call = arguments("zero_grad", {"set_to_none": True}, args, kwargs, node)
    optimizer.optimizer.zero_grad(set_to_none=bool(call["set_to_none"]))


class ParamGroup(Exposed):
    """One of `opt.param_groups`: its hyperparameters by key."""
    kind = "a parameter group"

    def __init__(self, group):
        self.group = group

    def __repr__(self):
        return repr(self.group)

    def item(self, key, interpreter, node):
        if key == "params":
            return list(self.group["params"])
        if isinstance(key, str) and key in self.group:
            return self.group[key]
        raise run_failed(KeyError(key), node)

    def store_item(self, key, value, interpreter, node):
        if key not in SETTABLE or key not in self.group:
            raise NotAllowed(f"Only {', '.join(repr(k) for k in SETTABLE if k in self.group)} "
                             f"of a parameter group can be set here.", **position(node))
        numbers = value if key == "betas" else (value,)
        if not (isinstance(numbers, tuple) and len(numbers) == (2 if key == "betas" else 1)
                and all(isinstance(n, (int, float)) and not isinstance(n, bool)
                        for n in numbers)):
            raise run_failed(TypeError(f"'{key}' takes "
                                       f"{'two numbers' if key == 'betas' else 'a number'}"),
                             node)
        self.group[key] = value


def optimizer(cls):
    """The program's `torch.optim.SGD(params, lr=..., ...)` / `Adam(...)`."""
    def make(interpreter, args, kwargs, node):
        call = arguments(cls.__name__, {"params": None, **OPTIONS[cls]}, args, kwargs, node,
                         required=1)
        params = call.pop("params")
        if isinstance(params, (list, tuple)):
            for value in params:
                if not isinstance(value, Tensor):
                    raise run_failed(TypeError(f"optimizer can only optimize Tensors, but one "
                                               f"of the params is {type(value).__name__}"),
                                     node)
        try:
            made = cls(params, **call)
        except (RuntimeError, TypeError, ValueError) as error:
            raise run_failed(error, node) from None
        # The state is made by the first step(): counted now, before any of it exists.
        elements = state_elements(cls, call, made.param_groups[0]["params"])
        try:
            interpreter.guard.check_room(elements)
        except LimitExceeded as problem:
            problem.line, problem.column = position(node).values()
            raise
        interpreter.guard.hold(made, elements)
        return Optimizer(made)
    return Function(cls.__name__, make, python=cls)


OPTIMIZERS = {"SGD": optimizer(torch.optim.SGD), "Adam": optimizer(torch.optim.Adam)}
