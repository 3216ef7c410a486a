"""The interpreter: runs a checked program (`language.Program`) under real PyTorch.

A table from AST node type to handler, in the manner of simpleeval, but allowlisting every name,
attribute and call: values come only from the tables in `allowlist`, tensor methods are called
through `torch.Tensor`'s own functions by listed name, and every tensor operation goes through
`tensor_call`, which checks sizes (`guard`) and notes the operation for the graph (`capture`).
Runs inside the sandbox child.
"""
import ast
import operator

import torch

from . import allowlist, limits
from .builtins import Builtins, UserFunction, BoundMethod
from .capture import Recorder, freeze
from .errors import LimitExceeded, NotAllowed, ProblemError
from .flow import Break, Continue, Return, position, run_failed
from .guard import Guard

BINARY = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
          ast.Div: operator.truediv, ast.FloorDiv: operator.floordiv, ast.Mod: operator.mod,
          ast.Pow: operator.pow, ast.MatMult: operator.matmul}
IN_PLACE = {operator.add: operator.iadd, operator.sub: operator.isub,
            operator.mul: operator.imul, operator.truediv: operator.itruediv,
            operator.floordiv: operator.ifloordiv, operator.mod: operator.imod,
            operator.pow: operator.ipow, operator.matmul: operator.imatmul}
COMPARE = {ast.Eq: operator.eq, ast.NotEq: operator.ne, ast.Lt: operator.lt,
           ast.LtE: operator.le, ast.Gt: operator.gt, ast.GtE: operator.ge,
           ast.Is: operator.is_, ast.IsNot: operator.is_not}
# Errors that PyTorch and Python raise for a program's mistakes: shown as they are.
PROGRAM_ERRORS = (RuntimeError, ValueError, TypeError, IndexError, ZeroDivisionError,
                  ArithmeticError, KeyError, AttributeError, NotImplementedError)


class Interpreter:
    def __init__(self, program, echo=False):
        self.program = program
        self.echo = echo                 # a REPL paste: bare expressions print their value
        self.recorder = Recorder()
        self.guard = Guard()
        self.builtins = Builtins(self)
        self.globals = {"torch": allowlist.TORCH}
        self.frames = [self.globals]
        self.steps = 0
        self.last_backward = None        # (tensor, gradient) of the last .backward()
        self.last_graph_value = None     # the last expression or assignment with a grad_fn
        self.warnings = []
        self.statements = {
            ast.Assign: self.exec_assign, ast.AugAssign: self.exec_augassign,
            ast.Expr: self.exec_expr, ast.FunctionDef: self.exec_def, ast.Return: self.exec_return,
            ast.If: self.exec_if, ast.For: self.exec_for, ast.Pass: lambda node: None,
            ast.Break: self.exec_break, ast.Continue: self.exec_continue,
            ast.Import: self.exec_import, ast.ImportFrom: self.exec_import_from}
        self.expressions = {
            ast.Constant: lambda node: node.value, ast.Name: self.eval_name,
            ast.BinOp: self.eval_binop, ast.UnaryOp: self.eval_unaryop,
            ast.BoolOp: self.eval_boolop, ast.Compare: self.eval_compare,
            ast.IfExp: self.eval_ifexp, ast.Call: self.eval_call,
            ast.Attribute: self.eval_attribute, ast.Subscript: self.eval_subscript,
            ast.Slice: self.eval_slice, ast.List: self.eval_sequence,
            ast.Tuple: self.eval_sequence}

    # Statements ---------------------------------------------------------------------------

    def run(self):
        try:
            self.exec_block(self.program.tree.body)
        except (Break, Continue, Return):
            raise NotAllowed("'return', 'break' and 'continue' belong inside a function or loop.")

    def exec_block(self, statements):
        for statement in statements:
            self.steps += 1
            if self.steps > limits.MAX_STEPS:
                raise LimitExceeded(f"The program ran more than {limits.MAX_STEPS:,} steps.",
                                    **position(statement))
            try:
                self.statements[type(statement)](statement)
            except (ProblemError, Return, Break, Continue):
                raise
            except PROGRAM_ERRORS as error:
                raise run_failed(error, statement) from None
            except RecursionError:
                raise LimitExceeded("The program nests too deeply.", **position(statement))

    def exec_assign(self, node):
        value = self.eval(node.value)
        for target in node.targets:
            self.assign(target, value)

    def assign(self, target, value):
        if isinstance(target, ast.Name):
            self.bind(target.id, value)
        elif isinstance(target, ast.Attribute):          # NAME.data = ...
            tensor = self.eval(target.value)
            if not (isinstance(tensor, torch.Tensor) and isinstance(value, torch.Tensor)):
                raise run_failed(TypeError("'.data' takes a tensor, on a tensor."), target)
            tensor.data = value
        else:
            items = self.builtins.as_sequence(value, target)
            if len(items) != len(target.elts):
                raise run_failed(ValueError(f"expected {len(target.elts)} values to unpack, "
                                            f"got {len(items)}"), target)
            for name, item in zip(target.elts, items):
                self.bind(name.id, item)

    def bind(self, name, value):
        self.frames[-1][name] = value
        self.recorder.name(value, name)
        if isinstance(value, torch.Tensor) and value.grad_fn is not None:
            self.last_graph_value = value

    def exec_augassign(self, node):
        current = self.eval_name(node.target)
        operand = self.eval(node.value)
        op = BINARY[type(node.op)]
        if isinstance(current, torch.Tensor):               # Python's += on a tensor is in place
            result = self.tensor_call(IN_PLACE[op], (current, operand), {}, node,
                                      replay_as=op, in_place=True)
        else:
            result = self.binary(op, current, operand, node)
        self.bind(node.target.id, result)

    def exec_expr(self, node):
        value = self.eval(node.value)
        if isinstance(value, torch.Tensor) and value.grad_fn is not None:
            self.last_graph_value = value
        if self.echo and value is not None and not isinstance(node.value, ast.Call):
            self.builtins.print_values([value], node)

    def exec_def(self, node):
        self.bind(node.name, UserFunction(node))

    def exec_return(self, node):
        raise Return(self.eval(node.value) if node.value is not None else None)

    def exec_break(self, node):
        raise Break()

    def exec_continue(self, node):
        raise Continue()

    def exec_if(self, node):
        self.exec_block(node.body if self.truth(self.eval(node.test), node.test) else node.orelse)

    def exec_for(self, node):
        for value in self.eval(node.iter):
            self.bind(node.target.id, value)
            try:
                self.exec_block(node.body)
            except Break:
                break
            except Continue:
                continue

    def exec_import(self, node):
        for alias in node.names:
            if alias.asname:
                self.bind(alias.asname, allowlist.MODULES[alias.name])
            else:
                top = alias.name.split(".")[0]
                self.bind(top, allowlist.MODULES[top])

    def exec_import_from(self, node):
        module = allowlist.MODULES[node.module]
        for alias in node.names:
            self.bind(alias.asname or alias.name, module.members[alias.name])

    # Expressions --------------------------------------------------------------------------

    def eval(self, node):
        return self.expressions[type(node)](node)

    def truth(self, value, node):
        try:
            return bool(value)
        except PROGRAM_ERRORS as error:
            raise run_failed(error, node) from None

    def eval_name(self, node):
        for scope in (self.frames[-1], self.globals, self.builtins.names):
            if node.id in scope:
                return scope[node.id]
        raise run_failed(NameError(f"name '{node.id}' is not defined"), node)

    def eval_binop(self, node):
        return self.binary(BINARY[type(node.op)], self.eval(node.left), self.eval(node.right),
                           node)

    def binary(self, op, left, right, node):
        if isinstance(left, torch.Tensor) or isinstance(right, torch.Tensor):
            return self.tensor_call(op, (left, right), {}, node)
        self.builtins.check_python_operation(op, left, right, node)
        try:
            return self.builtins.check_value(op(left, right), node)
        except PROGRAM_ERRORS as error:
            raise run_failed(error, node) from None

    def eval_unaryop(self, node):
        value = self.eval(node.operand)
        if isinstance(node.op, ast.Not):
            return not self.truth(value, node)
        op = operator.neg if isinstance(node.op, ast.USub) else operator.pos
        if isinstance(value, torch.Tensor):
            return self.tensor_call(op, (value,), {}, node)
        try:
            return op(value)
        except PROGRAM_ERRORS as error:
            raise run_failed(error, node) from None

    def eval_boolop(self, node):
        is_and = isinstance(node.op, ast.And)
        value = None
        for operand in node.values:
            value = self.eval(operand)
            if self.truth(value, operand) != is_and:
                return value
        return value

    def eval_compare(self, node):
        left = self.eval(node.left)
        result = True
        for op, comparator in zip(node.ops, node.comparators):
            right = self.eval(comparator)
            compare = COMPARE[type(op)]
            if compare in (operator.is_, operator.is_not):
                result = compare(left, right)
            elif isinstance(left, torch.Tensor) or isinstance(right, torch.Tensor):
                result = self.tensor_call(compare, (left, right), {}, node)
            else:
                try:
                    result = compare(left, right)
                except PROGRAM_ERRORS as error:
                    raise run_failed(error, node) from None
            if len(node.ops) > 1 and not self.truth(result, node):
                return result
            left = right
        return result

    def eval_ifexp(self, node):
        return self.eval(node.body if self.truth(self.eval(node.test), node.test)
                         else node.orelse)

    def eval_attribute(self, node):
        return self.attribute_of(self.eval(node.value), node)

    def attribute_of(self, owner, node):
        name = node.attr
        if isinstance(owner, allowlist.Namespace) and name in owner.members:
            return owner.members[name]
        if isinstance(owner, torch.Tensor):
            if name in allowlist.TENSOR_ATTRIBUTES:
                return getattr(owner, name)
            if name in allowlist.TENSOR_METHODS:
                return BoundMethod(owner, name)
        kind = repr(owner) if isinstance(owner, allowlist.Namespace) else \
            f"'{type(owner).__name__}' object"
        raise run_failed(AttributeError(f"{kind} has no attribute '{name}' here"), node)

    def eval_subscript(self, node):
        owner = self.eval(node.value)
        index = self.eval(node.slice)
        if isinstance(owner, torch.Tensor):
            return self.tensor_call(operator.getitem, (owner, index), {}, node,
                                    label=index_label(index))
        if isinstance(owner, (list, tuple, torch.Size, str)) or \
                type(owner).__module__ == "torch.return_types":
            try:
                return owner[index]
            except PROGRAM_ERRORS as error:
                raise run_failed(error, node) from None
        raise run_failed(TypeError(f"'{type(owner).__name__}' object is not subscriptable"),
                         node)

    def eval_slice(self, node):
        parts = [None if part is None else self.eval(part)
                 for part in (node.lower, node.upper, node.step)]
        return slice(*parts)

    def eval_sequence(self, node):
        if len(node.elts) > limits.MAX_LIST_ITEMS:
            raise LimitExceeded("This list is too long.", **position(node))
        items = [self.eval(element) for element in node.elts]
        return items if isinstance(node, ast.List) else tuple(items)

    def eval_call(self, node):
        function = self.eval_callee(node.func)
        args = []
        for argument in node.args:
            if isinstance(argument, ast.Starred):
                args.extend(self.builtins.as_sequence(self.eval(argument.value), argument))
            else:
                args.append(self.eval(argument))
        kwargs = {keyword.arg: self.eval(keyword.value) for keyword in node.keywords}
        return self.builtins.call(function, args, kwargs, node)

    def eval_callee(self, node):
        """What a call calls; `x.sum(...)` becomes a BoundMethod without a detour."""
        if type(node) is ast.Attribute and node.attr in allowlist.TENSOR_METHODS:
            owner = self.eval(node.value)
            if type(owner) is torch.Tensor:
                return BoundMethod(owner, node.attr)
            return self.attribute_of(owner, node)
        return self.eval(node)

    # Tensor operations --------------------------------------------------------------------

    def tensor_call(self, func, args, kwargs, node, label=None, replay_as=None,
                    in_place=False):
        """Run one tensor operation: check sizes, run it, note it for the graph."""
        try:
            self.guard.before(func, args, kwargs)
            before = None
            if in_place:
                self.recorder.protect_value(args[0])
                if any(isinstance(a, torch.Tensor) and a.requires_grad for a in args):
                    before = freeze(args, in_place=True)
            result = func(*args, **kwargs)
            self.guard.after(result)
        except ProblemError as problem:
            if problem.line is None:
                problem.line, problem.column = position(node).values()
            raise
        except PROGRAM_ERRORS as error:
            raise run_failed(error, node) from None
        except MemoryError:
            raise LimitExceeded("The program ran out of memory.", **position(node)) from None
        if type(result) is torch.Tensor and result.grad_fn is not None:
            self.recorder.record(result, replay_as or func, before or freeze(args), kwargs,
                                 label)
        return result


def index_label(index):
    parts = index if isinstance(index, tuple) else (index,)
    return "[" + ", ".join(index_part(p) for p in parts) + "]"


def index_part(part):
    if isinstance(part, slice):
        bounds = (part.start, part.stop) if part.step is None else \
            (part.start, part.stop, part.step)
        return ":".join("" if x is None else str(x) for x in bounds)
    if isinstance(part, torch.Tensor):
        return "tensor"
    return str(part)
