"""What `tensor.numpy()` gives a program: a NumPy array that prints, iterates, indexes and
computes with numbers exactly as NumPy's does, and has no attributes at all.

`ndarray` holds the real array (sharing the tensor's memory, as PyTorch's does) and hands
out only NumPy's own text, NumPy's scalars (`np.float32(0.2)` prints `0.2`), and new arrays
of its own kind, each result's shape checked against the tensor limits before NumPy makes
it. The interpreter's attribute table does not know the class, so nothing of NumPy's API is
reachable through it. Runs inside the sandbox child.
"""
import operator

import numpy
import torch

from webapp.execution.interpreter.guard import check_shape

NUMBERS = (int, float, bool, numpy.generic)
BASIC_INDEX = (int, numpy.integer, slice, type(None), type(Ellipsis))


def numpy_of(tensor, *args, **kwargs):
    """`tensor.numpy()` as PyTorch does it (its own error on a tensor that requires grad)."""
    return wrap(tensor.numpy(*args, **kwargs))


def wrap(value):
    """A NumPy result as a program may hold it: arrays wrapped, NumPy scalars as they are."""
    return ndarray(value) if isinstance(value, numpy.ndarray) else value


class ndarray:                                    # noqa: N801 (NumPy's name, in messages)
    """A NumPy array as a program sees it (see the module's docstring)."""
    __slots__ = ("array",)
    __array_ufunc__ = None              # NumPy scalars hand their operators over to ours

    def __init__(self, array):
        self.array = array

    def __str__(self):
        return str(self.array)

    def __repr__(self):
        return repr(self.array)

    def __len__(self):
        return len(self.array)

    def __iter__(self):
        return (wrap(item) for item in self.array)

    def __getitem__(self, index):
        parts = index if isinstance(index, tuple) else (index,)
        if not all(isinstance(part, BASIC_INDEX) and not isinstance(part, bool)
                   for part in parts):
            raise IndexError("only integers, slices, None and ... index a NumPy array here")
        return wrap(self.array[index])

    def __float__(self):
        return float(self.array)

    def __int__(self):
        return int(self.array)

    def __bool__(self):
        return bool(self.array)

    def __round__(self, digits=None):
        return wrap(round(self.array, digits)) if digits is not None else round(self.array)

    @property
    def ndim(self):
        """The number of dimensions (for the interpreter; the program cannot read it)."""
        return self.array.ndim


def operand(value):
    """The NumPy value of an operand, or None for what NumPy arrays do not compute with
    here (tensors, lists, strings, ...)."""
    if isinstance(value, ndarray):
        return value.array
    if isinstance(value, NUMBERS):
        return value
    return None


def result_shape(op, left, right):
    """The shape `op(left, right)` will have (NumPy broadcasting, or a matrix product)."""
    shapes = [numpy.shape(left), numpy.shape(right)]
    if op is operator.matmul:
        meta = [torch.empty(shape, device="meta") for shape in shapes]
        return tuple(torch.matmul(*meta).shape)
    return numpy.broadcast_shapes(*shapes)


def binary(op, swapped=False):
    """The method for `op` (reflected when `swapped`): shape checked, then NumPy's."""
    def method(self, other):
        value = operand(other)
        if value is None:
            return NotImplemented
        left, right = (value, self.array) if swapped else (self.array, value)
        try:
            shape = result_shape(op, left, right)
        except (ValueError, RuntimeError):
            shape = None                 # NumPy says what is wrong
        if shape is not None:
            check_shape(shape)
        return wrap(op(left, right))
    return method


def unary(op):
    """The method for a unary `op` (NumPy's)."""
    return lambda self: wrap(op(self.array))


for _name, _op in (("add", operator.add), ("sub", operator.sub), ("mul", operator.mul),
                   ("truediv", operator.truediv), ("floordiv", operator.floordiv),
                   ("mod", operator.mod), ("pow", operator.pow),
                   ("matmul", operator.matmul)):
    setattr(ndarray, f"__{_name}__", binary(_op))
    setattr(ndarray, f"__r{_name}__", binary(_op, swapped=True))
for _name, _op in (("lt", operator.lt), ("le", operator.le), ("eq", operator.eq),
                   ("ne", operator.ne), ("gt", operator.gt), ("ge", operator.ge)):
    setattr(ndarray, f"__{_name}__", binary(_op))
for _name, _op in (("neg", operator.neg), ("pos", operator.pos), ("abs", operator.abs)):
    setattr(ndarray, f"__{_name}__", unary(_op))
ndarray.__hash__ = None
