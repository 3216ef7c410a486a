"""The builtins that take iterables: `sum`, `min`, `max`, `sorted`, `any`, `all`, `enumerate`,
`zip`, `reversed`, `dict`, `list`, `tuple`, and `isinstance`.

Each one walks its argument with `containers.iterate` (so a tensor's rows are recorded, and
only the kinds of value a program can hold are iterable), calls a `key=` function through the
interpreter (a program's own function or lambda), and is bounded: what it collects by
MAX_LIST_ITEMS, what it walks lazily (`enumerate`, `zip`) by a step per item. Each one takes
the arguments and gives the results and errors Python's own does. Runs in the sandbox child.
"""
import builtins as python
import operator

import torch

from webapp.execution.interpreter.containers import (CountedEnumerate, CountedZip, bounded_list,
                                                     iterate, type_name)
from webapp.execution.interpreter.flow import run_failed

Tensor = torch.Tensor


class Iteration:
    """The iterable builtins of one run: {name: function(args, kwargs, node)}."""

    def __init__(self, interpreter):
        self.interpreter = interpreter
        self.functions = {
            "sum": self.sum_, "min": self.extreme(min), "max": self.extreme(max),
            "sorted": self.sorted_, "any": self.any_, "all": self.all_, "zip": self.zip_,
            "enumerate": self.enumerate_, "reversed": self.reversed_, "dict": self.dict_,
            "list": self.collect(list), "tuple": self.collect(tuple),
            "isinstance": self.isinstance_}

    def items(self, value, node):
        return bounded_list(iterate(self.interpreter, value, node), node)

    def keyed(self, key, node):
        """The key function as a Python callable (None: the items themselves)."""
        if key is None:
            return None
        call = self.interpreter.builtins.call
        return lambda item: call(key, [item], {}, node)

    @staticmethod
    def expect(name, kwargs, allowed, node):
        for keyword in kwargs:
            if keyword not in allowed:
                raise run_failed(TypeError(f"'{keyword}' is an invalid keyword argument for "
                                           f"{name}()"), node)

    @staticmethod
    def arity(name, args, kwargs, node):
        """sum and enumerate: an iterable and an optional start, in Python's words."""
        if not args:
            raise run_failed(TypeError("sum() takes at least 1 positional argument (0 given)"
                                       if name == "sum" else
                                       "enumerate() missing required argument 'iterable'"),
                             node)
        if len(args) + len(kwargs) > 2:
            raise run_failed(TypeError(f"{name}() takes at most 2 arguments "
                                       f"({len(args) + len(kwargs)} given)"), node)

    def sum_(self, args, kwargs, node):
        """sum(iterable, start=0): added one by one, so tensor additions are recorded."""
        self.expect("sum", kwargs, {"start"}, node)
        self.arity("sum", args, kwargs, node)
        total = args[1] if len(args) == 2 else kwargs.get("start", 0)
        binary = self.interpreter.binary
        for item in iterate(self.interpreter, args[0], node):
            total = binary(operator.add, total, item, node)
        return total

    def extreme(self, pick):
        """min or max: of one iterable or of several arguments, `key=`, `default=`."""
        name = pick.__name__

        def choose(args, kwargs, node):
            self.expect(name, kwargs, {"key", "default"}, node)
            if not args:
                raise run_failed(TypeError(f"{name} expected at least 1 argument, got 0"),
                                 node)
            items = iterate(self.interpreter, args[0], node) if len(args) == 1 else args
            options = {k: v for k, v in kwargs.items() if k == "default"}
            if kwargs.get("key") is not None:
                options["key"] = self.keyed(kwargs["key"], node)
            try:                                  # lazily: a generator costs steps only
                return pick(items, **options)
            except (TypeError, ValueError, RuntimeError) as error:
                raise run_failed(error, node) from None
        return choose

    def sorted_(self, args, kwargs, node):
        self.expect("sort", kwargs, {"key", "reverse"}, node)
        if len(args) != 1:
            raise run_failed(TypeError(f"sorted expected 1 argument, got {len(args)}"), node)
        items, key = self.items(args[0], node), self.keyed(kwargs.get("key"), node)
        try:
            return sorted(items, key=key, reverse=bool(kwargs.get("reverse", False)))
        except (TypeError, RuntimeError) as error:
            raise run_failed(error, node) from None

    def any_(self, args, kwargs, node):
        return self.truths(any, args, kwargs, node)

    def all_(self, args, kwargs, node):
        return self.truths(all, args, kwargs, node)

    def truths(self, combine, args, kwargs, node):
        """any/all, stopping at the first item that decides, as Python's do."""
        self.expect(combine.__name__, kwargs, (), node)
        if len(args) != 1:
            raise run_failed(TypeError(f"{combine.__name__}() takes exactly one argument "
                                       f"({len(args)} given)"), node)
        truth = self.interpreter.truth
        return combine(truth(item, node) for item in iterate(self.interpreter, args[0], node))

    def zip_(self, args, kwargs, node):
        self.expect("zip", kwargs, {"strict"}, node)
        iterators = [iterate(self.interpreter, a, node) for a in args]
        return CountedZip(self.interpreter, python.zip(*iterators, **kwargs), node)

    def enumerate_(self, args, kwargs, node):
        self.expect("enumerate", kwargs, {"start"}, node)
        self.arity("enumerate", args, kwargs, node)
        start = args[1] if len(args) == 2 else kwargs.get("start", 0)
        if not isinstance(start, int):
            raise run_failed(TypeError(f"'{type_name(start)}' object cannot be interpreted "
                                       f"as an integer"), node)
        iterator = python.enumerate(iterate(self.interpreter, args[0], node), start)
        return CountedEnumerate(self.interpreter, iterator, node)

    def reversed_(self, args, kwargs, node):
        """reversed(x): a sequence's items backwards; a tensor flipped along its first
        dimension, as PyTorch's `Tensor.__reversed__` does."""
        self.expect("reversed", kwargs, (), node)
        if len(args) != 1:
            raise run_failed(TypeError(f"reversed expected 1 argument, got {len(args)}"), node)
        value = args[0]
        if isinstance(value, Tensor):
            if value.dim() == 0:
                return value
            return self.interpreter.tensor_call(torch.Tensor.flip, (value, 0), {}, node,
                                                label="flip")
        if not isinstance(value, (list, tuple, range, str, dict)):
            raise run_failed(TypeError(f"'{type_name(value)}' object is not reversible"), node)
        return reversed(value)

    def dict_(self, args, kwargs, node):
        """dict(), dict(pairs) and dict(mapping); keyword arguments as items."""
        if len(args) > 1:
            raise run_failed(TypeError(f"dict expected at most 1 argument, got {len(args)}"),
                             node)
        pairs = [] if not args else list(args[0].items()) if type(args[0]) is dict \
            else self.items(args[0], node)
        try:
            result = dict(pairs, **kwargs)
        except (TypeError, ValueError) as error:
            raise run_failed(error, node) from None
        self.interpreter.check_length(result, node, "dict")
        return result

    def collect(self, kind):
        """list(iterable) or tuple(iterable), bounded."""
        def make(args, kwargs, node):
            self.expect(kind.__name__, kwargs, (), node)
            if len(args) > 1:
                raise run_failed(TypeError(f"{kind.__name__} expected at most 1 argument, got "
                                           f"{len(args)}"), node)
            return kind(self.items(args[0], node)) if args else kind()
        return make

    def isinstance_(self, args, kwargs, node):
        """isinstance(value, kind): kinds are the builtin types a program can name."""
        kinds = (int, float, bool, str, list, tuple, dict)
        if len(args) != 2 or kwargs:
            raise run_failed(TypeError(f"isinstance expected 2 arguments, got {len(args)}"),
                             node)
        wanted = args[1] if isinstance(args[1], tuple) else (args[1],)
        if not all(kind in kinds for kind in wanted):
            raise run_failed(TypeError("isinstance() arg 2 must be a type, a tuple of types, "
                                       "or a union"), node)
        return isinstance(args[0], wanted)
