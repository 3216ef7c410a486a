"""The callables a program can reach: Python builtins, user functions, tensor methods.

`Builtins.call` is the one place a call happens. It calls only: our builtins, the program's own
functions, listed tensor methods (through `torch.Tensor`'s functions by name), and the torch,
torch.nn.functional and math functions of `allowlist` (checked by identity). Runs inside the
sandbox child.
"""
import math
import operator

import torch

from webapp.core import limits
from webapp.execution.interpreter import allowlist
from webapp.execution.interpreter.arrays import ndarray, numpy_of
from webapp.core.errors import LimitExceeded, RunFailed
from webapp.execution.interpreter import autograd_calls
from webapp.execution.interpreter.flow import Return, position, run_failed
from webapp.execution.interpreter.objects import Exposed

ALLOWED_CALLABLES = {id(member): member
                     for namespace in allowlist.MODULES.values()
                     for member in namespace.members.values() if callable(member)
                     and not isinstance(member, (allowlist.Namespace, torch.dtype))}
TENSOR_METHODS = {name: getattr(torch.Tensor, name) for name in allowlist.TENSOR_METHODS}
MATH_FUNCTIONS = {id(member) for member in allowlist.MATH.members.values() if callable(member)}


class UserFunction:
    """A `def` of the program: its node, its compiled body and, when the body ends with
    `return expression`, that expression compiled apart (`result`: (closure, node)), so that
    the call returns its value without raising `Return`."""

    def __init__(self, node, body, result=None):
        self.node = node
        self.body = body
        self.result = result
        self.parameters = [argument.arg for argument in node.args.args]

    def __repr__(self):
        return f"<function {self.node.name}>"


class BoundMethod:
    """`x.sum` before it is called: the tensor and the listed method's name."""

    def __init__(self, tensor, name):
        self.tensor = tensor
        self.name = name

    def __repr__(self):
        return f"<method Tensor.{self.name}>"


class Builtins:
    """The builtin functions a program may call, calls of every callable, and the
    program's captured stdout (within its size limit)."""
    def __init__(self, interpreter):
        self.interpreter = interpreter
        self.stdout = []
        self.stdout_chars = 0
        self.stdout_cut = False
        self.call_depth = 0
        self.names = {
            "print": self.print_, "range": self.range_, "len": len, "abs": abs, "min": min,
            "max": max, "float": float, "int": int, "round": round, "sum": self.sum_,
            "bool": bool, "str": str, "list": list, "tuple": tuple,
            "True": True, "False": False, "None": None}
        self.special = (self.names["print"], self.names["range"], self.names["sum"])
        self.plain = {id(f): f for f in (len, abs, min, max, float, int, round, bool, str, list,
                                         tuple)}

    # Calls --------------------------------------------------------------------------------

    def call(self, function, args, kwargs, node):
        interpreter = self.interpreter
        kind = type(function)
        if kind is BoundMethod:
            return self.call_method(function, args, kwargs, node)
        if kind is UserFunction:
            return self.call_user(function, args, kwargs, node)
        if isinstance(function, Exposed):
            return function.call(interpreter, args, kwargs, node)
        if function in self.special:
            return function(args, kwargs, node)
        if id(function) in self.plain and self.plain[id(function)] is function:
            if kwargs:
                raise run_failed(TypeError(f"{function.__name__}() takes no keyword "
                                            f"arguments"), node)
            return self.call_plain(function, args, node)
        if ALLOWED_CALLABLES.get(id(function)) is function:
            if function is allowlist.make_dot:
                interpreter.warnings.append("make_dot: the graph is drawn by this page.")
                return None
            if id(function) in MATH_FUNCTIONS:
                return self.call_plain(function, args, node, kwargs)
            return interpreter.tensor_call(function, tuple(args), kwargs, node)
        raise run_failed(TypeError(f"'{type(function).__name__}' object is not callable"),
                         node)

    def call_plain(self, function, args, node, kwargs=None):
        for value in args:
            if isinstance(value, (list, tuple, range)) and len(value) > limits.MAX_LIST_ITEMS:
                raise LimitExceeded("This sequence is too long.", **position(node))
        try:
            return self.check_value(function(*args, **(kwargs or {})), node)
        except (RunFailed, LimitExceeded):
            raise
        except (TypeError, ValueError, ArithmeticError, RuntimeError) as error:
            raise run_failed(error, node) from None

    def call_user(self, function, args, kwargs, node):
        definition, parameters = function.node, function.parameters
        if kwargs or len(args) != len(parameters):
            raise run_failed(TypeError(f"{definition.name}() takes {len(parameters)} "
                                        f"positional arguments but {len(args)} were given"),
                              node)
        if self.call_depth >= limits.MAX_CALL_DEPTH:
            raise LimitExceeded(f"Functions may call each other at most "
                                f"{limits.MAX_CALL_DEPTH} deep.", **position(node))
        interpreter = self.interpreter
        interpreter.frames.append(dict(zip(parameters, args)))
        self.call_depth += 1
        try:
            interpreter.run_block(function.body)
            if function.result is not None:
                return interpreter.run_result(*function.result)
        except Return as result:
            return result.value
        finally:
            self.call_depth -= 1
            interpreter.frames.pop()
        return None

    def call_method(self, method, args, kwargs, node):
        return self.call_tensor_method(method.tensor, method.name, args, kwargs, node)

    def call_tensor_method(self, tensor, name, args, kwargs, node):
        """`tensor.name(*args, **kwargs)` for a listed method's name."""
        interpreter = self.interpreter
        if name == "backward":
            return autograd_calls.backward(interpreter, tensor, args, kwargs, node)
        if name == "numpy":        # NumPy's values and printing, none of its API
            try:
                return numpy_of(tensor, *args, **kwargs)
            except (RuntimeError, TypeError) as error:
                raise run_failed(error, node) from None
        function = TENSOR_METHODS[name]
        return interpreter.tensor_call(function, (tensor, *args), kwargs, node,
                                       label=name, in_place=name.endswith("_"))

    # print, range, sum --------------------------------------------------------------------

    def print_(self, args, kwargs, node):
        sep, end = kwargs.get("sep", " "), kwargs.get("end", "\n")
        if not all(isinstance(v, (str, type(None))) for v in (sep, end)):
            raise run_failed(TypeError("sep and end must be strings"), node)
        self.write((" " if sep is None else sep).join(map(str, args))
                   + ("\n" if end is None else end))

    def print_values(self, values, node):
        self.write(" ".join(map(repr, values)) + "\n")

    def write(self, text):
        room = limits.MAX_STDOUT_CHARS - self.stdout_chars
        if len(text) > room:
            text = text[:max(room, 0)]
            if not self.stdout_cut:
                self.stdout_cut = True
                self.interpreter.warnings.append(
                    f"Printed output was cut at {limits.MAX_STDOUT_CHARS:,} characters.")
        self.stdout.append(text)
        self.stdout_chars += len(text)

    def range_(self, args, kwargs, node):
        if kwargs or not 1 <= len(args) <= 3 or not all(
                isinstance(a, int) and not isinstance(a, bool) for a in args):
            raise run_failed(TypeError("range() takes one to three integers"), node)
        return range(*args)

    def sum_(self, args, kwargs, node):
        """sum(iterable[, start]): added one by one, so tensor additions are recorded."""
        if kwargs or not 1 <= len(args) <= 2:
            raise run_failed(TypeError("sum() takes an iterable and an optional start"), node)
        total = args[1] if len(args) == 2 else 0
        for item in self.as_sequence(args[0], node):
            total = self.interpreter.binary(operator.add, total, item, node)
        return total

    # Values -------------------------------------------------------------------------------

    def as_sequence(self, value, node):
        if isinstance(value, torch.Tensor):
            if value.dim() == 0:
                raise run_failed(TypeError("iteration over a 0-d tensor"), node)
            return [value[i] for i in range(value.shape[0])]
        if isinstance(value, ndarray):
            if value.ndim == 0:
                raise run_failed(TypeError("iteration over a 0-d array"), node)
            return list(value)
        if isinstance(value, (list, tuple, range, torch.Size, str)):
            if len(value) > limits.MAX_LIST_ITEMS:
                raise LimitExceeded("This sequence is too long.", **position(node))
            return list(value)
        raise run_failed(TypeError(f"'{type(value).__name__}' object is not iterable"), node)

    def check_python_operation(self, op, left, right, node):
        """Refuse Python arithmetic whose result would be huge, before computing it."""
        if op is operator.pow and isinstance(left, int) and isinstance(right, int) \
                and abs(left) > 1 and right > 0:
            if right * math.log2(abs(left)) > limits.MAX_INT_BITS:
                raise LimitExceeded("This number would be too large.", **position(node))
        if op is operator.mul:
            for sequence, count in ((left, right), (right, left)):
                if isinstance(sequence, (str, list, tuple)) and isinstance(count, int) and \
                        len(sequence) * count > limits.MAX_LIST_ITEMS:
                    raise LimitExceeded("This sequence would be too long.",
                                        **position(node))

    def check_value(self, value, node):
        if isinstance(value, int) and value.bit_length() > limits.MAX_INT_BITS:
            raise LimitExceeded("This number is too large.", **position(node))
        if isinstance(value, (str, list, tuple)) and len(value) > limits.MAX_LIST_ITEMS:
            raise LimitExceeded("This sequence is too long.", **position(node))
        return value
