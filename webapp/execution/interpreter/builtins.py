"""The callables a program can reach: Python builtins, user functions, tensor methods.

`Builtins.call` is the one place a call happens. It calls only: our builtins, the program's own
functions, listed tensor methods (through `torch.Tensor`'s functions by name), and the torch,
torch.nn.functional and math functions of `allowlist` (checked by identity). Runs inside the
sandbox child.
"""
import math
import operator
import types

import torch

from webapp.core import limits
from webapp.execution.interpreter import allowlist
from webapp.execution.interpreter.arrays import numpy_of
from webapp.execution.interpreter.containers import (ContainerMethod, bounded_list, call_method,
                                                     iterate, type_name)
from webapp.core.errors import LimitExceeded, NotAllowed, RunFailed
from webapp.execution.interpreter.flow import position, run_failed
from webapp.execution.interpreter.functions import UserFunction, call_user
from webapp.execution.interpreter.iteration import Iteration
from webapp.language.names import KEYWORDS
from webapp.execution.interpreter import autograd_calls
from webapp.execution.interpreter.objects import Exposed
from webapp.execution.interpreter.printing import text_of, repr_of

ALLOWED_CALLABLES = {id(member): member
                     for namespace in allowlist.MODULES.values()
                     for member in namespace.members.values() if callable(member)
                     and not isinstance(member, (allowlist.Namespace, torch.dtype))}
TENSOR_METHODS = {name: getattr(torch.Tensor, name) for name in allowlist.TENSOR_METHODS}
MATH_FUNCTIONS = {id(member) for member in allowlist.MATH.members.values() if callable(member)}


def check_keywords(kwargs, node):
    """Keyword arguments reach library functions only by the names the language lists (the
    checker's rule, kept here too: `f = torch.ones; f(3, out=x)` passes no checker)."""
    for keyword in kwargs:
        if keyword not in KEYWORDS:
            raise NotAllowed(f"The keyword argument '{keyword}=' is not allowed.",
                             **position(node))


class BoundMethod:
    """`x.sum` before it is called: the tensor and the listed method's name."""

    def __init__(self, tensor, name):
        self.tensor = tensor
        self.name = name

    def __repr__(self):
        # Python's text without the address; a few of Tensor's methods are Python functions.
        if isinstance(TENSOR_METHODS[self.name], types.FunctionType):
            return f"<bound method Tensor.{self.name} of {self.tensor!r}>"
        return f"<built-in method {self.name} of Tensor object>"


class Builtins:
    """The builtin functions a program may call, calls of every callable, and the
    program's captured stdout (within its size limit)."""
    def __init__(self, interpreter):
        self.interpreter = interpreter
        self.stdout = []
        self.stdout_chars = 0
        self.stdout_cut = False
        self.call_depth = 0
        iteration = Iteration(interpreter).functions
        # The names a program sees are Python's own objects (`print(max)` prints as Python's);
        # calling one goes to its handler here, found by identity.
        self.names = {
            "print": print, "range": range, "len": len, "abs": abs, "min": min, "max": max,
            "float": float, "int": int, "round": round, "sum": sum, "bool": bool, "str": str,
            "list": list, "tuple": tuple, "dict": dict, "enumerate": enumerate, "zip": zip,
            "reversed": reversed, "sorted": sorted, "any": any, "all": all,
            "isinstance": isinstance, "True": True, "False": False, "None": None}
        self.handlers = {id(python_value): (python_value, handler) for python_value, handler in (
            (print, self.print_), (range, self.range_),
            *((self.names[name], function) for name, function in iteration.items()))}
        self.plain = {id(f): f for f in (len, abs, float, int, round, bool, str)}

    # Calls --------------------------------------------------------------------------------

    def call(self, function, args, kwargs, node):
        interpreter = self.interpreter
        kind = type(function)
        if kwargs and kind is not UserFunction and kind is not ContainerMethod:
            check_keywords(kwargs, node)
        if kind is BoundMethod:
            return self.call_method(function, args, kwargs, node)
        if kind is UserFunction:
            return self.call_user(function, args, kwargs, node)
        if isinstance(function, Exposed):
            return function.call(interpreter, args, kwargs, node)
        handler = self.handlers.get(id(function))
        if handler is not None and handler[0] is function:
            return handler[1](args, kwargs, node)
        if kind is ContainerMethod:
            return call_method(interpreter, function, args, kwargs, node)
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
        raise run_failed(TypeError(f"'{type_name(function)}' object is not callable"), node)

    def call_plain(self, function, args, node, kwargs=None):
        for value in args:
            if isinstance(value, (list, tuple, range)) and len(value) > limits.MAX_LIST_ITEMS:
                raise LimitExceeded("This sequence is too long.", **position(node))
        try:
            if function is str:
                return self.check_value(text_of(*args) if len(args) == 1 else str(*args), node)
            return self.check_value(function(*args, **(kwargs or {})), node)
        except (RunFailed, LimitExceeded):
            raise
        except (TypeError, ValueError, ArithmeticError, RuntimeError) as error:
            raise run_failed(error, node) from None

    def call_user(self, function, args, kwargs, node):
        return call_user(self.interpreter, function, args, kwargs, node)

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

    # print, range --------------------------------------------------------------------

    def print_(self, args, kwargs, node):
        for keyword in kwargs:
            if keyword not in ("sep", "end", "flush"):
                raise run_failed(TypeError(f"'{keyword}' is an invalid keyword argument for "
                                           f"print()"), node)
        sep, end = kwargs.get("sep", " "), kwargs.get("end", "\n")
        if not all(isinstance(v, (str, type(None))) for v in (sep, end)):
            raise run_failed(TypeError("sep and end must be strings"), node)
        self.write((" " if sep is None else sep).join(map(text_of, args))
                   + ("\n" if end is None else end))

    def print_values(self, values, node):
        self.write(" ".join(map(repr_of, values)) + "\n")

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

    # Values -------------------------------------------------------------------------------

    def as_sequence(self, value, node):
        """The items of an iterable value as a new list (at most MAX_LIST_ITEMS)."""
        if isinstance(value, (list, tuple, range, torch.Size, str)):
            if len(value) > limits.MAX_LIST_ITEMS:
                raise LimitExceeded("This sequence is too long.", **position(node))
            return list(value)
        return bounded_list(iterate(self.interpreter, value, node), node)

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
        if isinstance(value, (list, tuple)) and len(value) > limits.MAX_LIST_ITEMS:
            raise LimitExceeded("This sequence is too long.", **position(node))
        if isinstance(value, str) and len(value) > limits.MAX_BUILT_STRING_CHARS:
            raise LimitExceeded("This string is too long.", **position(node))
        return value
