"""`with torch.no_grad():` and `with torch.enable_grad():`, the only context managers.

`torch.no_grad()` in a program makes a `GradMode` (the interpreter's own object, not torch's
context manager), and `compile_with` compiles a `with` statement whose every item must be one:
anything else (`with x:`, a module, an optimizer) fails as Python fails on an object without
the context manager protocol. The body runs under torch's own grad mode, which is put back on
the way out however the body ends (an error, `break`, `return`). Nested statements nest.
Runs inside the sandbox child.
"""
import contextlib

import torch

from webapp.core.errors import NotAllowed
from webapp.execution.interpreter.flow import position, run_failed
from webapp.execution.interpreter.objects import Exposed, Function


class GradMode(Exposed):
    """What `torch.no_grad()` or `torch.enable_grad()` gave: whether grad is enabled inside."""
    kind = "a grad mode"

    def __init__(self, name, enabled):
        self.name, self.enabled = name, enabled

    def __repr__(self):
        return f"<torch.autograd.grad_mode.{self.name} object>"


def grad_mode(name, enabled):
    """The program's `torch.no_grad` / `torch.enable_grad`: called without arguments."""
    def make(interpreter, args, kwargs, node):
        if args or kwargs:
            raise run_failed(TypeError(f"{name}() takes no arguments"), node)
        return GradMode(name, enabled)
    return Function(name, make, python=getattr(torch, name))


NO_GRAD = grad_mode("no_grad", False)
ENABLE_GRAD = grad_mode("enable_grad", True)


def compile_with(compiler, node):
    """The closure of `with ITEM, ...: body` (each ITEM a grad mode, entered in order)."""
    for item in node.items:
        if item.optional_vars is not None:
            raise NotAllowed("'with ... as NAME' is not needed: write 'with torch.no_grad():'.",
                             **position(item.optional_vars))
    items = [(compiler.expression(item.context_expr), item.context_expr) for item in node.items]
    body, interpreter = compiler.block(node.body), compiler.interpreter

    def run_with():
        with contextlib.ExitStack() as stack:
            for expression, expression_node in items:
                mode = expression()
                if type(mode) is not GradMode:
                    raise run_failed(TypeError(f"'{type(mode).__name__}' object does not "
                                               f"support the context manager protocol"),
                                     expression_node)
                stack.enter_context(torch.set_grad_enabled(mode.enabled))
            interpreter.run_block(body)
    return run_with
