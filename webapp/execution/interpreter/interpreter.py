"""The interpreter: runs a checked program (`language.Program`) under real PyTorch.

The program is compiled to closures first (`compiler`); this class holds the state and the
semantics they call: names and frames, Python and tensor operations, attributes, subscripts.
Values come only from the tables in `allowlist`, tensor methods are called through
`torch.Tensor`'s own functions by listed name, and every tensor operation goes through
`tensor_call`, which checks sizes (`guard`) and notes the operation for the graph (`capture`).
Runs inside the sandbox child.
"""
import operator

import torch

from webapp.core import limits
from webapp.execution.interpreter import allowlist
from webapp.execution.interpreter.arrays import ndarray
from webapp.execution.interpreter.builtins import BoundMethod, Builtins
from webapp.execution.capture.recorder import Recorder
from webapp.execution.interpreter.compiler import Compiler
from webapp.execution.interpreter.containers import method_of, too_long, type_name
from webapp.execution.interpreter.expressions import MEMBERSHIP
from webapp.core.errors import LimitExceeded, NotAllowed, ProblemError
from webapp.execution.interpreter import tensor_calls
from webapp.execution.interpreter.flow import Break, Continue, Return, position, run_failed
from webapp.execution.interpreter.guard import Guard
from webapp.execution.interpreter.objects import Exposed
from webapp.execution.interpreter.stores import index_label, store_item

IN_PLACE = {operator.add: operator.iadd, operator.sub: operator.isub,
            operator.mul: operator.imul, operator.truediv: operator.itruediv,
            operator.floordiv: operator.ifloordiv, operator.mod: operator.imod,
            operator.pow: operator.ipow, operator.matmul: operator.imatmul}
PROGRAM_ERRORS = tensor_calls.PROGRAM_ERRORS
Tensor = torch.Tensor


class Interpreter:
    """One run of a checked program: its names and frames, the recorder of its tensor
    operations, the size guard and the step count. `run()` runs it; the operations the
    compiled closures call are its methods."""
    def __init__(self, program, echo=False):
        self.program = program
        self.echo = echo                 # a REPL paste: bare expressions print their value
        self.recorder = Recorder()
        self.guard = Guard()
        self.builtins = Builtins(self)
        self.globals = {"torch": allowlist.TORCH}
        self.frames = [self.globals]
        self.scopes = [()]               # per frame: the frames it closes over, innermost first
        self.lazy_nesting = 0            # generators pulling from generators (containers.pull)
        self.steps = 0
        self.last_backward = None        # (tensor, gradient) of the last .backward()
        self.last_graph_value = None     # the last expression or assignment with a grad_fn
        self.last_recorded = None        # the last result of any operation with a grad_fn
        self.warnings = []
        # Lessons (numerics, descent) watch the run: each tensor made that autograd did not
        # record (leaves, constants: to perturb, replace or widen them), each `NAME.data = ...`.
        self.on_tensor = None
        self.on_data = None
        self.on_bind = None              # live inputs (execution/live_inputs.py): top-level names
        self.body = Compiler(self).block(program.tree.body)

    def run(self):
        """Run the whole program (ProblemError on what it did wrong)."""
        try:
            self.run_block(self.body)
        except (Break, Continue, Return):
            raise NotAllowed("'return', 'break' and 'continue' belong inside a function or loop.")

    def run_block(self, block):
        """Run compiled statements [(closure, node)], counting steps, turning Python and
        PyTorch errors into RunFailed at the statement's position."""
        for statement, node in block:
            self.steps += 1
            if self.steps > limits.MAX_STEPS:
                raise LimitExceeded(f"The program ran more than {limits.MAX_STEPS:,} steps.",
                                    **position(node))
            try:
                statement()
            except (ProblemError, Return, Break, Continue):
                raise
            except PROGRAM_ERRORS as error:
                raise run_failed(error, node) from None
            except RecursionError:
                raise LimitExceeded("The program nests too deeply.", **position(node))

    def count_step(self, node):
        """One more step (a loop's test, an item of a comprehension or of `zip`)."""
        self.steps += 1
        if self.steps > limits.MAX_STEPS:
            raise LimitExceeded(f"The program ran more than {limits.MAX_STEPS:,} steps.",
                                **position(node))

    def run_result(self, expression, node):
        """The value of a function's final `return expression` (compiled apart), counted
        and located as the statement `node` would be in `run_block`."""
        self.steps += 1
        if self.steps > limits.MAX_STEPS:
            raise LimitExceeded(f"The program ran more than {limits.MAX_STEPS:,} steps.",
                                **position(node))
        try:
            return expression()
        except ProblemError:
            raise
        except PROGRAM_ERRORS as error:
            raise run_failed(error, node) from None
        except RecursionError:
            raise LimitExceeded("The program nests too deeply.", **position(node))

    # Names --------------------------------------------------------------------------------

    def bind(self, name, value):
        """Assign `value` to `name` in the current frame, noting tensor names for the graph."""
        self.frames[-1][name] = value
        if isinstance(value, Tensor):                # a module's Parameter too
            if self.on_bind is not None and len(self.frames) == 1:
                self.on_bind(name, value)
            self.recorder.name(value, name)
            if value.grad_fn is not None:
                self.last_graph_value = value
        elif isinstance(value, Exposed):             # a module names its parameters
            value.bound(name, self.recorder)

    def enclosing_scope(self):
        """What a function or comprehension made now closes over: the current frame and
        those it closes over, unless the current frame is the globals (read directly)."""
        if len(self.frames) == 1:
            return ()
        return (self.frames[-1],) + self.scopes[-1]

    # Operations ---------------------------------------------------------------------------

    def truth(self, value, node):
        """bool(value), a failure located at `node`."""
        try:
            return bool(value)
        except PROGRAM_ERRORS as error:
            raise run_failed(error, node) from None

    def binary(self, op, left, right, node):
        """`left op right`: a tensor operation, or a checked Python one."""
        if isinstance(left, Tensor) or isinstance(right, Tensor):
            return self.tensor_call(op, (left, right), {}, node)
        self.builtins.check_python_operation(op, left, right, node)
        try:
            return self.builtins.check_value(op(left, right), node)
        except PROGRAM_ERRORS as error:
            raise run_failed(error, node) from None

    def augmented(self, op, current, operand, node):
        """`current op= operand`: in place on a tensor (as in Python), else `binary`."""
        if isinstance(current, Tensor):              # Python's += on a tensor is in place
            return self.tensor_call(IN_PLACE[op], (current, operand), {}, node, replay_as=op,
                                    in_place=True)
        return self.binary(op, current, operand, node)

    def unary(self, op, value, node):
        """`op value` (-x, +x, not x), a tensor operation when value is a tensor."""
        if isinstance(value, Tensor):
            return self.tensor_call(op, (value,), {}, node)
        try:
            return op(value)
        except PROGRAM_ERRORS as error:
            raise run_failed(error, node) from None

    def comparison(self, compare, left, right, node):
        """`left compare right`: identity, a tensor operation, or Python's comparison."""
        if compare is operator.is_ or compare is operator.is_not:
            return compare(left, right)
        if compare in MEMBERSHIP:                     # `in`: Python's own, on any container
            try:
                return compare(left, right)
            except PROGRAM_ERRORS as error:
                raise run_failed(error, node) from None
        if isinstance(left, Tensor) or isinstance(right, Tensor):
            return self.tensor_call(compare, (left, right), {}, node)
        try:
            return compare(left, right)
        except PROGRAM_ERRORS as error:
            raise run_failed(error, node) from None

    def attribute_of(self, owner, node):
        """`owner.name` for an allowlisted namespace member, tensor attribute or method."""
        name = node.attr
        if isinstance(owner, allowlist.Namespace) and name in owner.members:
            return owner.members[name]
        if isinstance(owner, Exposed):
            return owner.attribute(name, self, node)
        if isinstance(owner, Tensor):
            if name in allowlist.TENSOR_ATTRIBUTES:
                return getattr(owner, name)
            if name in allowlist.TENSOR_METHODS:
                return BoundMethod(owner, name)
        method = method_of(owner, name)
        if method is not None:
            return method
        kind = f"module '{owner.name}'" if isinstance(owner, allowlist.Namespace) else \
            f"'{type_name(owner)}' object"
        raise run_failed(AttributeError(f"{kind} has no attribute '{name}'"), node)

    def subscript(self, owner, index, node):
        """`owner[index]` for tensors (recorded, with a label), sequences and torch results."""
        if isinstance(owner, Tensor):
            return self.tensor_call(operator.getitem, (owner, index), {}, node,
                                    label=index_label(index))
        if isinstance(owner, Exposed):
            return owner.item(index, self, node)
        if isinstance(owner, (list, tuple, dict, torch.Size, str, ndarray)) or \
                type(owner).__module__ == "torch.return_types":
            try:
                return owner[index]
            except PROGRAM_ERRORS as error:
                raise run_failed(error, node) from None
        raise run_failed(TypeError(f"'{type_name(owner)}' object is not subscriptable"),
                         node)

    def store_subscript(self, owner, index, value, node):
        """`owner[index] = value` for the program's lists and dicts, which may not grow past
        MAX_LIST_ITEMS (checked before); on a tensor as PyTorch does it (`stores`)."""
        if isinstance(owner, (Tensor, Exposed)):      # autograd's CopySlices; param groups
            return store_item(self, owner, index, value, node)
        if type(owner) not in (list, dict):
            raise run_failed(TypeError(f"'{type_name(owner)}' object does not support item "
                                       f"assignment"), node)
        if type(owner) is list and type(index) is slice:
            value = self.builtins.as_sequence(value, node)
            removed = len(range(*index.indices(len(owner))))
            self.check_length(range(len(owner) - removed + len(value)), node)
        elif type(owner) is dict and index not in owner:
            self.check_length(range(len(owner) + 1), node, "dict")
        try:
            owner[index] = value
        except PROGRAM_ERRORS as error:
            raise run_failed(error, node) from None

    @staticmethod
    def check_length(items, node, kind="list"):
        """Refuse a list (or dict) longer than MAX_LIST_ITEMS."""
        if len(items) > limits.MAX_LIST_ITEMS:
            raise too_long(kind, node)

    # Tensor operations --------------------------------------------------------------------

    tensor_call = tensor_calls.tensor_call
    before_in_place = tensor_calls.before_in_place
