"""Every tensor operation of a program, run the one way (`Interpreter.tensor_call` is
`tensor_call` here): sizes checked before (`shapes`, `guard`), the operation run, its result
counted and noted for the graph (`capture`). The lecture's training loop makes seven of these
per step, ten thousand steps: the common case (a bounded operation on a few elements, no
keywords) is decided here without a further call. Runs inside the sandbox child.
"""
import torch

from webapp.core import limits
from webapp.core.errors import ProblemError
from webapp.execution.capture.nodes import freeze
from webapp.execution.interpreter.flow import out_of_memory, position, run_failed
from webapp.execution.interpreter.guard import check_shape
from webapp.execution.interpreter.shapes import BOUNDED, predict_shape

# Errors that PyTorch and Python raise for a program's mistakes: shown as they are.
PROGRAM_ERRORS = (RuntimeError, ValueError, TypeError, IndexError, ZeroDivisionError,
                  ArithmeticError, KeyError, AttributeError, NotImplementedError)
MOST_ELEMENTS = limits.MAX_TENSOR_ELEMENTS
Tensor = torch.Tensor


def tensor_call(self, func, args, kwargs, node, label=None, replay_as=None, in_place=False):
    """Run one tensor operation for the Interpreter `self`: check sizes, run it, note it for
    the graph."""
    try:
        if kwargs or func not in BOUNDED or not few_elements(args):
            shape = predict_shape(func, args, kwargs)
            if shape is not None:
                check_shape(shape)
        before = self.before_in_place(args) if in_place else None
        result = func(*args, **kwargs)
        if type(result) is Tensor and result.dim():
            self.guard.after(result)
    except ProblemError as problem:
        if problem.line is None:
            problem.line, problem.column = position(node).values()
        raise
    except PROGRAM_ERRORS as error:
        raise run_failed(error, node) from None
    except MemoryError:
        raise out_of_memory(node) from None
    if type(result) is Tensor:
        fn = result.grad_fn
        if fn is not None:
            self.recorder.note(fn, result, replay_as or func, before or freeze(args), kwargs,
                               label, before is not None)
            if before is not None and result._base is not None:    # h[0:2].zero_()
                self.recorder.record_base(result, replay_as or func, before, kwargs,
                                          label and "." + label)
            self.last_recorded = result
        elif self.on_tensor is not None:
            self.on_tensor(result)
    return result


def few_elements(args):
    """Whether a bounded operation's positional `args` hold few enough elements together
    that its result cannot break the tensor limit (`shapes.predict_shape`'s own test, at
    once: plain numbers count for nothing; anything else is left to `predict_shape`)."""
    total = 1
    for value in args:
        kind = type(value)
        if kind is Tensor:
            total *= value.numel() or 0
            if not total:
                return False        # an empty tensor: its extent counts (`predict_shape`)
        elif kind is not float and kind is not int:
            return False
    return total <= MOST_ELEMENTS


def before_in_place(self, args):
    """Before an in-place operation: keep the recorded value of the tensor it changes;
    its operands as they are now when autograd will record the change (else None)."""
    self.recorder.protect_value(args[0])
    if isinstance(args[0], Tensor) and args[0]._base is not None:
        self.recorder.protect_value(args[0]._base)      # a view's change is its base's
    for value in args:
        if isinstance(value, Tensor) and value.requires_grad:
            return freeze(args, in_place=True)
    return None
