"""Size limits for tensors and Python values, checked before and after each operation.

`Guard.before(func, args, kwargs)` predicts the size of a tensor operation's result (from the
arguments of creation functions, or by running the operation on shape-only "meta" tensors) and
refuses it before it runs; `Guard.after(value)` checks what came out and keeps a count of the
elements held by live tensors. Runs inside the sandbox child.
"""
import math
import weakref

import torch

from webapp.core import limits
from webapp.core.errors import LimitExceeded

SIZE_ARGUMENT_FUNCTIONS = {torch.ones, torch.zeros, torch.rand, torch.randn}
# Tensors smaller than this are not followed one by one: with the step limit they cannot add up.
TRACKED_ELEMENTS = 1_024


class Guard:
    """The size limits of one run: each tensor's shape, and all live large tensors together."""
    def __init__(self):
        self.live_elements = 0
        self.tracked = weakref.WeakSet()

    def before(self, func, args, kwargs):
        """Refuse an operation whose result would break a tensor limit."""
        shape = predict_shape(func, args, kwargs)
        if shape is not None:
            check_shape(shape)

    def after(self, value):
        """Check a result's shape and count it among the live elements; return it unchanged."""
        if type(value) is torch.Tensor and value.dim():
            check_shape(value.shape)
            numel = value.numel()
            if numel >= TRACKED_ELEMENTS and value not in self.tracked:
                self.tracked.add(value)
                self.live_elements += numel
                weakref.finalize(value, self._release, numel)
                if self.live_elements > limits.MAX_TOTAL_ELEMENTS:
                    raise LimitExceeded(
                        f"All tensors together would hold more than "
                        f"{limits.MAX_TOTAL_ELEMENTS:,} elements.")
        return value

    def _release(self, numel):
        """A counted tensor was freed: forget its elements."""
        self.live_elements -= numel


def check_shape(shape):
    """Raise LimitExceeded for a shape with too many dimensions or elements."""
    if len(shape) > limits.MAX_TENSOR_DIMS:
        raise LimitExceeded(f"A tensor may have at most {limits.MAX_TENSOR_DIMS} dimensions "
                            f"(this one would have {len(shape)}).")
    numel = math.prod(shape)
    if numel > limits.MAX_TENSOR_ELEMENTS:
        raise LimitExceeded(f"A tensor may have at most {limits.MAX_TENSOR_ELEMENTS:,} elements "
                            f"(this one would have {numel:,}).")


def predict_shape(func, args, kwargs):
    """The result's shape if it can be known cheaply and could be large, else None."""
    creation = CREATION_SHAPES.get(func)
    if creation is not None:
        try:
            return creation(args, kwargs)
        except (TypeError, ValueError, OverflowError, ZeroDivisionError, KeyError):
            return None                  # torch says what is wrong with the arguments
    for value in args:
        kind = type(value)
        if kind is torch.Tensor and value.dim() or kind is list or kind is tuple:
            return meta_shape(func, args, kwargs)
    return None


def arange_shape(args, kwargs):
    """The shape torch.arange would make from these arguments."""
    numbers = [float(a) for a in args if isinstance(a, (int, float))]
    start, end, step = {1: lambda: (0.0, numbers[0], 1.0), 2: lambda: (*numbers, 1.0),
                        3: lambda: tuple(numbers)}[len(numbers)]()
    return (max(0, math.ceil((end - start) / step)),)


def linspace_shape(args, kwargs):
    """The shape torch.linspace would make (None when `steps` is not a plain int)."""
    steps = kwargs.get("steps", args[2] if len(args) > 2 else 0)
    return (int(steps),) if isinstance(steps, int) else None


def eye_shape(args, kwargs):
    """The shape torch.eye would make (None without int sizes)."""
    rows = [a for a in args if isinstance(a, int)]
    return (rows[0], rows[-1]) if rows else None


def data_shape(args, kwargs):
    """The shape torch.tensor would give nested lists, following first elements (a list
    repeated by reference, [[0] * 10**4] * 10**4, is not walked element by element)."""
    shape, data = [], args[0] if args else None
    while isinstance(data, (list, tuple)):
        shape.append(len(data))
        if not data:
            break
        data = data[0]
    return tuple(shape)


CREATION_SHAPES = {
    **{f: lambda args, kwargs: size_from_arguments(args) for f in SIZE_ARGUMENT_FUNCTIONS},
    torch.full: lambda args, kwargs: size_from_arguments(args[:1]),
    torch.arange: arange_shape, torch.linspace: linspace_shape, torch.eye: eye_shape,
    torch.tensor: data_shape, torch.as_tensor: data_shape,
}


def size_from_arguments(sizes):
    """The shape given as sizes (`ones(2, 3)` or `ones((2, 3))`), or None when torch
    should judge them itself."""
    if len(sizes) == 1 and isinstance(sizes[0], (list, tuple, torch.Size)):
        sizes = sizes[0]
    if not all(isinstance(s, int) and not isinstance(s, bool) for s in sizes):
        return None
    if any(s < 0 for s in sizes):
        return None                    # torch says what is wrong
    return tuple(sizes)


def meta_shape(func, args, kwargs):
    """Run the operation on meta tensors (shapes only, no data) to learn the result's shape."""
    def to_meta(a):
        if isinstance(a, torch.Tensor):
            return torch.empty(a.shape, dtype=a.dtype, device="meta")
        if isinstance(a, (list, tuple)):
            return type(a)(to_meta(x) for x in a)
        return a
    try:
        result = func(*to_meta(tuple(args)), **kwargs)
    except Exception:                  # not every op runs on meta; the check after still holds
        return None
    return result.shape if isinstance(result, torch.Tensor) else None
