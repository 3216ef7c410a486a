"""Python's containers as a program uses them: iteration, list and dict methods, and the
comprehensions and generator expressions that build them.

Iteration (`iterate`) knows each kind of value a program can hold: a tensor yields its rows as
PyTorch's does, each one recorded as an indexing operation (`x[0]`, so that it is drawn);
anything else not listed is not iterable. Methods of lists, dicts and strings are reached only
through the tables below, each growth checked against MAX_LIST_ITEMS before it happens. A
comprehension runs in a frame of its own (its names do not leak, as in Python 3), and every
iteration of each of its `for` clauses counts as a step, so a generator over a huge range is
bounded by the step limit. Runs inside the sandbox child.
"""
import operator

import torch

from webapp.core import limits
from webapp.core.errors import LimitExceeded
from webapp.execution.interpreter.arrays import ndarray
from webapp.execution.interpreter.flow import position, run_failed
from webapp.execution.interpreter.formatting import format_method
from webapp.execution.interpreter.functions import UserFunction

Tensor = torch.Tensor
# Methods reachable by name, with how much each adds to its list: checked before it runs.
LIST_METHODS = {"append": lambda args: 1, "extend": lambda args: len(args[0]) if args else 0,
                "insert": lambda args: 1, "pop": None, "index": None, "count": None}
DICT_METHODS = {"items", "keys", "values", "get"}
STR_METHODS = {"format"}


class Counted:
    """A lazy iterator of the program's (`zip`, `enumerate`): a step per item it yields."""

    def __init__(self, interpreter, iterator, node):
        self.interpreter, self.iterator, self.node = interpreter, iterator, node

    def __iter__(self):
        return self

    def __next__(self):
        value = pull(self.interpreter, self.iterator, self.node)
        self.interpreter.count_step(self.node)
        return value

    def __repr__(self):
        return f"<{self.type_name} object at {id(self):#x}>"


class CountedZip(Counted):
    """What `zip(...)` gives a program."""
    type_name = "zip"


class CountedEnumerate(Counted):
    """What `enumerate(...)` gives a program."""
    type_name = "enumerate"


# The kinds of value a program can hold that Python iterates (generators are the program's
# own generator expressions and tensors' rows).
ITERABLE = (list, tuple, range, str, dict, torch.Size, type({}.keys()), type({}.values()),
            type({}.items()), type(reversed([])), type(reversed(range(0))), type(reversed({})),
            type(reversed("")),
            type(x for x in ()), Counted)


class ContainerMethod:
    """`items.append` before it is called: the list, dict or string and the method's name."""

    def __init__(self, owner, name):
        self.owner = owner
        self.name = name

    def __repr__(self):
        return f"<built-in method {self.name} of {type(self.owner).__name__} object>"


def method_of(owner, name):
    """The listed method `name` of a list, dict or string, or None."""
    kind = type(owner)
    if (kind is list and name in LIST_METHODS) or (kind is dict and name in DICT_METHODS) \
            or (kind is str and name in STR_METHODS):
        return ContainerMethod(owner, name)
    return None


def call_method(interpreter, method, args, kwargs, node):
    """Call a listed container method, with Python's own behaviour and errors."""
    owner, name = method.owner, method.name
    if type(owner) is str:                        # "...".format(...)
        return format_method(interpreter, owner, args, kwargs, node)
    if kwargs:
        raise run_failed(TypeError(f"{type(owner).__name__}.{name}() takes no keyword "
                                   f"arguments"), node)
    if name == "extend" and args:
        args = [interpreter.builtins.as_sequence(args[0], node)] + list(args[1:])
    growth = LIST_METHODS.get(name) if type(owner) is list else None
    if growth is not None and len(owner) + growth(args) > limits.MAX_LIST_ITEMS:
        raise too_long("list", node)
    try:
        return getattr(owner, name)(*args)       # `name` is one of the tables' names
    except (TypeError, ValueError, IndexError, KeyError) as error:
        raise run_failed(error, node) from None


def iterate(interpreter, value, node):
    """An iterator over `value` as Python's `iter(value)` gives it, for the kinds of value a
    program can hold; a tensor's rows recorded one by one as `value[i]`."""
    if isinstance(value, Tensor):          # an nn.Parameter too
        if value.dim() == 0:
            raise run_failed(TypeError("iteration over a 0-d tensor"), node)
        return rows(interpreter, value, node)
    if isinstance(value, ndarray):
        if value.array.ndim == 0:
            raise run_failed(TypeError("iteration over a 0-d array"), node)
        return iter(list(value))
    if isinstance(value, ITERABLE):
        return iter(value)
    raise run_failed(TypeError(f"'{type_name(value)}' object is not iterable"), node)


def rows(interpreter, tensor, node):
    """The rows of a tensor, each one made when the loop reaches it."""
    for index in range(tensor.shape[0]):
        yield interpreter.tensor_call(operator.getitem, (tensor, index), {}, node,
                                      label=f"[{index}]")


def type_name(value):
    """The type's name as Python's messages give it (our function values are 'function')."""
    if isinstance(value, UserFunction):
        return "function"
    return value.type_name if isinstance(value, Counted) else type(value).__name__


def generate(interpreter, clauses, element, first, node):
    """A comprehension's values, lazily, as a Python generator: `clauses` are the compiled
    `for` clauses [(store, iterable, tests, node)], `element` the compiled element, `first`
    the first clause's iterable, evaluated where the comprehension is (as Python does). Each
    step runs with the comprehension's own frame on top, which closes over the enclosing one."""
    frame, enclosing = {}, interpreter.enclosing_scope()
    frames, scopes, truth = interpreter.frames, interpreter.scopes, interpreter.truth

    def inside(closure, *args):
        frames.append(frame)
        scopes.append(enclosing)
        try:
            return closure(*args)
        finally:
            scopes.pop()
            frames.pop()

    def level(depth, iterator):
        store, _, tests, _ = clauses[depth]
        while True:
            try:
                value = pull(interpreter, iterator, node)
            except StopIteration:
                return
            interpreter.count_step(node)
            inside(store, value)
            if all(inside(lambda t=test: truth(t(), node)) for test in tests):
                if depth + 1 == len(clauses):
                    yield inside(element)
                else:
                    following = inside(clauses[depth + 1][1])
                    yield from level(depth + 1, iterate(interpreter, following, node))
    return level(0, iterate(interpreter, first, node))


def pull(interpreter, iterator, node):
    """next(iterator), counting how many lazy iterators are pulling from one another: each
    one nests the C stack (a chain of 100,000 generators would overflow it, not Python's
    recursion limit), so the chain is bounded by MAX_LAZY_NESTING."""
    interpreter.lazy_nesting += 1
    try:
        if interpreter.lazy_nesting > limits.MAX_LAZY_NESTING:
            raise LimitExceeded(f"Generators, zip and enumerate may draw from each other at "
                                f"most {limits.MAX_LAZY_NESTING} deep.", **position(node))
        return next(iterator)
    finally:
        interpreter.lazy_nesting -= 1


def bounded_list(values, node):
    """A list of `values`, refused once it would pass MAX_LIST_ITEMS."""
    result = []
    for value in values:
        result.append(value)
        if len(result) > limits.MAX_LIST_ITEMS:
            raise too_long("list", node)
    return result


def too_long(kind, node):
    """The limit on lists and dicts, located at `node`."""
    return LimitExceeded(f"This {kind} is too long: a {kind} may hold at most "
                         f"{limits.MAX_LIST_ITEMS:,} items.", **position(node))
