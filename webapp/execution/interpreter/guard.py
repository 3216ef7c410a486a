"""Size limits for tensors, checked before and after each operation.

`Guard.before(func, args, kwargs)` predicts the size of a tensor operation's result (`shapes`)
and refuses it before it runs; `Guard.after(value)` checks what came out and keeps a count of
the elements held by live tensors. Runs inside the sandbox child.
"""
import math
import weakref

import torch

from webapp.core import limits
from webapp.core.errors import LimitExceeded
from webapp.execution.interpreter.shapes import predict_shape

# Tensors smaller than this are not followed one by one: with the step limit they cannot add up.
TRACKED_ELEMENTS = 1_024
Tensor = torch.Tensor


class Guard:
    """The size limits of one run: each tensor's shape, and all live large tensors together."""
    def __init__(self):
        self.live_elements = 0
        self.tracked = {}            # id(tensor) -> weak reference, for the counted tensors

    def before(self, func, args, kwargs):
        """Refuse an operation whose result would break a tensor limit."""
        shape = predict_shape(func, args, kwargs)
        if shape is not None:
            check_shape(shape)

    def after(self, value):
        """Check a result's shape and count it among the live elements; return it unchanged."""
        if type(value) is Tensor and value.dim():
            check_shape(value.shape)
            numel = value.numel()
            if numel >= TRACKED_ELEMENTS and not self.counted(value):
                self.tracked[id(value)] = weakref.ref(value)
                self.live_elements += numel
                weakref.finalize(value, self._release, id(value), numel)
                if self.live_elements > limits.MAX_TOTAL_ELEMENTS:
                    raise LimitExceeded(
                        f"All tensors together would hold more than "
                        f"{limits.MAX_TOTAL_ELEMENTS:,} elements.")
        return value

    def check_room(self, elements):
        """Refuse, before they are made, `elements` more that a module or an optimizer would
        hold beyond the live tensors."""
        if self.live_elements + elements > limits.MAX_TOTAL_ELEMENTS:
            raise LimitExceeded(f"All tensors together would hold more than "
                                f"{limits.MAX_TOTAL_ELEMENTS:,} elements.")

    def hold(self, owner, elements):
        """Count `elements` (checked by `check_room`) for as long as `owner` lives."""
        self.live_elements += elements
        weakref.finalize(owner, self._release, None, elements)

    def counted(self, tensor):
        """Whether this very tensor is already counted (by identity, never by value)."""
        reference = self.tracked.get(id(tensor))
        return reference is not None and reference() is tensor

    def _release(self, key, numel):
        """A counted tensor was freed: forget its elements."""
        self.tracked.pop(key, None)
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
