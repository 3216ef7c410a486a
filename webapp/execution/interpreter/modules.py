"""The `torch.nn` modules a program may build: Linear, Sequential, ReLU, Sigmoid, Tanh,
MSELoss, CrossEntropyLoss, and nothing else.

Each is PyTorch's own module, built by PyTorch (so `nn.Linear`'s initialisation draws from the
seeded generator exactly as a plain run does, and `print(model)` prints what PyTorch prints),
held inside a `Module` of the interpreter that exposes only its listed members: a program never
reaches the module's own attributes (`_parameters`, `__dict__`, `forward`, hooks, `apply`).
Calling a module runs its operation through `Interpreter.tensor_call` (F.linear, torch.relu,
F.mse_loss, ...: what the module's forward calls), so sizes are checked and the op is recorded
like any other. A module assigned to a name names its parameters for the graph:
`layer.weight`, `model[0].bias` (an expression the student can type back into the program,
where PyTorch's `named_parameters()` would say `0.bias`). A layer's size is checked before it
is made. Runs inside the sandbox child.
"""
import math

import torch
import torch.nn.functional as F

from webapp.core import limits
from webapp.core.errors import LimitExceeded
from webapp.execution.interpreter.flow import position, run_failed
from webapp.execution.interpreter.guard import check_shape
from webapp.execution.interpreter.objects import Exposed, Function, Method, arguments

Tensor = torch.Tensor
nn = torch.nn


class Module(Exposed):
    """A module of the program: `module` is PyTorch's; `operation(self, inputs)` gives the
    function, arguments and label `tensor_call` runs for a call."""
    members = {"parameters": "method", "named_parameters": "method", "zero_grad": "method"}
    inputs = ("input",)

    def __init__(self, module):
        self.module = module
        self.kind = f"nn.{type(module).__name__}"

    def __repr__(self):
        return repr(self.module)

    def member(self, name, interpreter, node):
        if name in ("parameters", "named_parameters"):
            return Method(self, name, parameters if name == "parameters" else named_parameters)
        if name == "zero_grad":
            return Method(self, name, zero_grad)
        return getattr(self.module, name)

    def call(self, interpreter, args, kwargs, node):
        given = arguments("forward", dict.fromkeys(self.inputs), args, kwargs, node,
                          required=len(self.inputs))
        func, operands, options, label = self.operation(tuple(given.values()))
        return interpreter.tensor_call(func, operands, options, node, label=label)

    def named(self):
        """(suffix, parameter) for each parameter, as the program would write it."""
        return [(f".{name}", p) for name, p in self.module.named_parameters(recurse=False)]

    def bound(self, name, recorder):
        for suffix, parameter in self.named():
            recorder.name(parameter, name + suffix)


class Linear(Module):
    members = {**Module.members, "weight": "parameter", "bias": "parameter",
               "in_features": "number", "out_features": "number"}

    def operation(self, inputs):
        weight, bias = self.module.weight, self.module.bias
        return F.linear, (inputs[0], weight) + (() if bias is None else (bias,)), {}, "linear"


    def store_attribute(self, name, value, interpreter, node):
        """`layer.weight -= ...` gives the parameter back, changed in place: nothing to do.
        Any other value would replace the parameter, which a program may not do."""
        if name in ("weight", "bias") and value is getattr(self.module, name):
            return
        super().store_attribute(name, value, interpreter, node)


class Activation(Module):
    FUNCTIONS = {nn.ReLU: torch.relu, nn.Sigmoid: torch.sigmoid, nn.Tanh: torch.tanh}

    def operation(self, inputs):
        function = self.FUNCTIONS[type(self.module)]
        return function, inputs, {}, function.__name__

    def call(self, interpreter, args, kwargs, node):
        if getattr(self.module, "inplace", False):          # nn.ReLU(inplace=True)
            given = arguments("forward", {"input": None}, args, kwargs, node, required=1)
            return interpreter.tensor_call(torch.relu_, (given["input"],), {}, node,
                                           label="relu_", in_place=True)
        return super().call(interpreter, args, kwargs, node)


class Loss(Module):
    FUNCTIONS = {nn.MSELoss: F.mse_loss, nn.CrossEntropyLoss: F.cross_entropy}
    inputs = ("input", "target")

    def operation(self, inputs):
        function, module = self.FUNCTIONS[type(self.module)], self.module
        options = {"reduction": module.reduction}
        if function is F.cross_entropy:
            options.update(ignore_index=module.ignore_index,
                           label_smoothing=module.label_smoothing)
        return function, inputs, options, function.__name__


class Sequential(Module):
    """Its layers (our Modules) called in order; `model[i]` is the i-th."""

    def __init__(self, module, layers):
        super().__init__(module)
        self.layers = layers
        self.size = layer_count(layers)

    def __len__(self):
        return len(self.layers)

    def call(self, interpreter, args, kwargs, node):
        """Each layer in turn, each call counted as a step of the program."""
        value = arguments("forward", {"input": None}, args, kwargs, node, required=1)["input"]
        for layer in self.layers:
            interpreter.steps += 1
            if interpreter.steps > limits.MAX_STEPS:
                raise LimitExceeded(f"The program ran more than {limits.MAX_STEPS:,} steps.",
                                    **position(node))
            value = layer.call(interpreter, (value,), {}, node)
        return value

    def item(self, index, interpreter, node):
        if not isinstance(index, int) or isinstance(index, bool):
            raise run_failed(TypeError(f"Sequential indices must be integers here, not "
                                       f"{type(index).__name__}"), node)
        if not -len(self.layers) <= index < len(self.layers):
            raise run_failed(IndexError(f"index {index} is out of range"), node)
        return self.layers[index]

    def named(self):
        return [(f"[{i}]{suffix}", p) for i, layer in enumerate(self.layers)
                for suffix, p in layer.named()]


def layer_count(layers):
    """How many layers `layers` hold, a nested Sequential's counted in full."""
    return sum(layer.size if isinstance(layer, Sequential) else 1 for layer in layers)


def parameters(module, interpreter, args, kwargs, node):
    """`module.parameters()`: a list of its parameters (PyTorch gives a generator)."""
    arguments("parameters", {}, args, kwargs, node)
    return list(module.module.parameters())


def named_parameters(module, interpreter, args, kwargs, node):
    """`module.named_parameters()`: a list of (PyTorch's name, parameter) pairs."""
    arguments("named_parameters", {}, args, kwargs, node)
    return list(module.module.named_parameters())


def zero_grad(module, interpreter, args, kwargs, node):
    call = arguments("zero_grad", {"set_to_none": True}, args, kwargs, node)
    module.module.zero_grad(set_to_none=bool(call["set_to_none"]))


def make_linear(interpreter, args, kwargs, node):
    """`nn.Linear(in_features, out_features, bias=True)`, its size checked first."""
    call = arguments("Linear", {"in_features": None, "out_features": None, "bias": True},
                     args, kwargs, node, required=2)
    sizes = (call["out_features"], call["in_features"])
    if all(isinstance(s, int) and not isinstance(s, bool) for s in sizes):
        try:
            check_shape(sizes)
            interpreter.guard.check_room(math.prod(sizes) + (sizes[0] if call["bias"] else 0))
        except LimitExceeded as problem:
            problem.line, problem.column = position(node).values()
            raise
    layer = build(nn.Linear, node, call["in_features"], call["out_features"],
                  bias=bool(call["bias"]))
    interpreter.guard.hold(layer, sum(p.numel() for p in layer.parameters()))
    if interpreter.on_tensor is not None:        # the lessons see its parameters as leaves
        for parameter in layer.parameters():
            interpreter.on_tensor(parameter)
    return Linear(layer)


def build(cls, node, *args, **kwargs):
    """PyTorch's module `cls(*args, **kwargs)`, its errors as the program's."""
    try:
        return cls(*args, **kwargs)
    except (RuntimeError, TypeError, ValueError) as error:
        raise run_failed(error, node) from None


def make_sequential(interpreter, args, kwargs, node):
    arguments("Sequential", {}, (), kwargs, node)
    for layer in args:
        if not isinstance(layer, Module):
            raise run_failed(TypeError(f"{type(layer).__name__} is not a Module subclass"),
                             node)
    size = layer_count(args)
    if size > limits.MAX_SEQUENTIAL_LAYERS:
        raise LimitExceeded(f"An nn.Sequential may hold at most {limits.MAX_SEQUENTIAL_LAYERS:,} "
                            f"layers, nested ones counted (this one would hold {size:,}).",
                            **position(node))
    return Sequential(build(nn.Sequential, node, *(layer.module for layer in args)),
                      list(args))


def simple(cls, wrapper, parameters=None):
    """The program's `nn.NAME(...)` for a module without parameters."""
    def make(interpreter, args, kwargs, node):
        call = arguments(cls.__name__, parameters or {}, args, kwargs, node)
        return wrapper(build(cls, node, **call))
    return Function(cls.__name__, make, python=cls)


NN_MODULES = {
    "Linear": Function("Linear", make_linear, python=nn.Linear),
    "Sequential": Function("Sequential", make_sequential, python=nn.Sequential),
    "ReLU": simple(nn.ReLU, Activation, {"inplace": False}),
    "Sigmoid": simple(nn.Sigmoid, Activation),
    "Tanh": simple(nn.Tanh, Activation),
    "MSELoss": simple(nn.MSELoss, Loss, {"reduction": "mean"}),
    "CrossEntropyLoss": simple(nn.CrossEntropyLoss, Loss, {"reduction": "mean",
                                                           "ignore_index": -100,
                                                           "label_smoothing": 0.0}),
}
