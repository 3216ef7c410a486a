"""Turns a checked program's AST into closures, once, before it runs.

A table from AST node type to a compiling method (in the manner of simpleeval's handler table);
each returns a closure that evaluates the node when called. Compiling once takes the per-node
dispatch out of loops (a 10,001-step training loop runs each statement 10,001 times), which is
what makes the lecture's gradient descent fit the time limit. All semantics live in
`Interpreter` (names, calls, tensor operations); this module only wires them together.
"""
import ast
import operator

import torch

from webapp.execution.interpreter import allowlist
from webapp.execution.interpreter.builtins import BoundMethod, UserFunction
from webapp.execution.interpreter.flow import Break, Continue, Return, run_failed

BINARY = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
          ast.Div: operator.truediv, ast.FloorDiv: operator.floordiv, ast.Mod: operator.mod,
          ast.Pow: operator.pow, ast.MatMult: operator.matmul}
COMPARE = {ast.Eq: operator.eq, ast.NotEq: operator.ne, ast.Lt: operator.lt,
           ast.LtE: operator.le, ast.Gt: operator.gt, ast.GtE: operator.ge,
           ast.Is: operator.is_, ast.IsNot: operator.is_not}
Tensor = torch.Tensor


class Compiler:
    """Compiles for one Interpreter: each handler takes an AST node, returns a closure."""
    def __init__(self, interpreter):
        self.interpreter = interpreter
        self.statements = {
            ast.Assign: self.assign, ast.AugAssign: self.augassign, ast.Expr: self.expr,
            ast.FunctionDef: self.define, ast.Return: self.return_, ast.If: self.if_,
            ast.For: self.for_, ast.Pass: self.pass_, ast.Break: self.break_,
            ast.Continue: self.continue_, ast.Import: self.import_,
            ast.ImportFrom: self.import_from}
        self.expressions = {
            ast.Constant: self.constant, ast.Name: self.name, ast.BinOp: self.binop,
            ast.UnaryOp: self.unaryop, ast.BoolOp: self.boolop, ast.Compare: self.compare,
            ast.IfExp: self.ifexp, ast.Call: self.call, ast.Attribute: self.attribute,
            ast.Subscript: self.subscript, ast.Slice: self.slice, ast.List: self.sequence,
            ast.Tuple: self.sequence}

    def block(self, statements):
        """A list of (closure, node): the interpreter runs them, counting steps."""
        return [(self.statements[type(s)](s), s) for s in statements]

    def expression(self, node):
        return self.expressions[type(node)](node)

    # Statements ---------------------------------------------------------------------------

    def assign(self, node):
        value = self.expression(node.value)
        targets = [self.target(t) for t in node.targets]
        if len(targets) == 1:
            (store,) = targets
            return lambda: store(value())

        def assign_all():
            result = value()
            for store in targets:
                store(result)
        return assign_all

    def target(self, target):
        interpreter = self.interpreter
        if isinstance(target, ast.Name):
            name, bind = target.id, interpreter.bind
            return lambda value: bind(name, value)
        if isinstance(target, ast.Attribute):              # NAME.data = ...
            owner = self.expression(target.value)

            def store_data(value):
                tensor = owner()
                if not (isinstance(tensor, Tensor) and isinstance(value, Tensor)):
                    raise run_failed(TypeError("'.data' takes a tensor, on a tensor."), target)
                if interpreter.on_data is not None:
                    interpreter.on_data(tensor, value)
                tensor.data = value
            return store_data
        names = [element.id for element in target.elts]

        def unpack(value):
            items = interpreter.builtins.as_sequence(value, target)
            if len(items) != len(names):
                raise run_failed(ValueError(f"expected {len(names)} values to unpack, "
                                            f"got {len(items)}"), target)
            for name, item in zip(names, items):
                interpreter.bind(name, item)
        return unpack

    def augassign(self, node):
        interpreter = self.interpreter
        current, operand = self.name(node.target), self.expression(node.value)
        op, name = BINARY[type(node.op)], node.target.id
        return lambda: interpreter.bind(name, interpreter.augmented(op, current(), operand(),
                                                                    node))

    def expr(self, node):
        interpreter = self.interpreter
        value = self.expression(node.value)
        echo = interpreter.echo and not isinstance(node.value, ast.Call)

        def evaluate():
            result = value()
            if type(result) is Tensor and result.grad_fn is not None:
                interpreter.last_graph_value = result
            if echo and result is not None:
                interpreter.builtins.print_values([result], node)
        return evaluate

    def define(self, node):
        interpreter = self.interpreter
        function = UserFunction(node, self.block(node.body))
        return lambda: interpreter.bind(node.name, function)

    def return_(self, node):
        value = self.expression(node.value) if node.value is not None else lambda: None

        def return_value():
            raise Return(value())
        return return_value

    def if_(self, node):
        interpreter = self.interpreter
        test, body, orelse = self.expression(node.test), self.block(node.body), \
            self.block(node.orelse)
        truth, run_block = interpreter.truth, interpreter.run_block
        return lambda: run_block(body if truth(test(), node.test) else orelse)

    def for_(self, node):
        interpreter = self.interpreter
        iterable, body, name = self.expression(node.iter), self.block(node.body), \
            node.target.id

        def loop():
            bind, run_block = interpreter.bind, interpreter.run_block
            for value in iterable():
                bind(name, value)
                try:
                    run_block(body)
                except Break:
                    break
                except Continue:
                    continue
        return loop

    def pass_(self, node):
        return lambda: None

    def break_(self, node):
        def stop():
            raise Break()
        return stop

    def continue_(self, node):
        def skip():
            raise Continue()
        return skip

    def import_(self, node):
        bind = self.interpreter.bind
        bindings = [(alias.asname, allowlist.MODULES[alias.name]) if alias.asname else
                    (alias.name.split(".")[0], allowlist.MODULES[alias.name.split(".")[0]])
                    for alias in node.names]
        return lambda: [bind(name, module) for name, module in bindings] and None

    def import_from(self, node):
        bind = self.interpreter.bind
        module = allowlist.MODULES[node.module]
        bindings = [(alias.asname or alias.name, module.members[alias.name])
                    for alias in node.names]
        return lambda: [bind(name, value) for name, value in bindings] and None

    # Expressions --------------------------------------------------------------------------

    def constant(self, node):
        value = node.value
        return lambda: value

    def name(self, node):
        interpreter, name = self.interpreter, node.id
        frames, globals_, builtins = interpreter.frames, interpreter.globals, \
            interpreter.builtins.names

        def load():
            scope = frames[-1]
            if name in scope:
                return scope[name]
            if name in globals_:
                return globals_[name]
            if name in builtins:
                return builtins[name]
            raise run_failed(NameError(f"name '{name}' is not defined"), node)
        return load

    def binop(self, node):
        left, right = self.expression(node.left), self.expression(node.right)
        op, binary = BINARY[type(node.op)], self.interpreter.binary
        return lambda: binary(op, left(), right(), node)

    def unaryop(self, node):
        operand, interpreter = self.expression(node.operand), self.interpreter
        if isinstance(node.op, ast.Not):
            return lambda: not interpreter.truth(operand(), node)
        op = operator.neg if isinstance(node.op, ast.USub) else operator.pos
        return lambda: interpreter.unary(op, operand(), node)

    def boolop(self, node):
        operands = [(self.expression(v), v) for v in node.values]
        is_and, truth = isinstance(node.op, ast.And), self.interpreter.truth

        def combine():
            value = None
            for operand, operand_node in operands:
                value = operand()
                if truth(value, operand_node) != is_and:
                    return value
            return value
        return combine

    def compare(self, node):
        left = self.expression(node.left)
        links = [(COMPARE[type(op)], self.expression(c)) for op, c in zip(node.ops,
                                                                         node.comparators)]
        interpreter = self.interpreter

        def chain():
            a, result = left(), True
            for compare, right in links:
                b = right()
                result = interpreter.comparison(compare, a, b, node)
                if len(links) > 1 and not interpreter.truth(result, node):
                    return result
                a = b
            return result
        return chain

    def ifexp(self, node):
        test, body, orelse = (self.expression(n) for n in (node.test, node.body, node.orelse))
        truth = self.interpreter.truth
        return lambda: body() if truth(test(), node.test) else orelse()

    def attribute(self, node):
        owner, attribute_of = self.expression(node.value), self.interpreter.attribute_of
        return lambda: attribute_of(owner(), node)

    def subscript(self, node):
        owner, index, subscript = self.expression(node.value), self.expression(node.slice), \
            self.interpreter.subscript
        return lambda: subscript(owner(), index(), node)

    def slice(self, node):
        parts = [(lambda: None) if p is None else self.expression(p)
                 for p in (node.lower, node.upper, node.step)]
        return lambda: slice(*(part() for part in parts))

    def sequence(self, node):
        items, check = [self.expression(e) for e in node.elts], self.interpreter.check_length
        kind = list if isinstance(node, ast.List) else tuple
        check(node.elts, node)
        return lambda: kind(item() for item in items)

    def call(self, node):
        interpreter = self.interpreter
        callee = self.callee(node.func)
        arguments = [(isinstance(a, ast.Starred), self.expression(a.value)
                      if isinstance(a, ast.Starred) else self.expression(a), a)
                     for a in node.args]
        keywords = [(k.arg, self.expression(k.value)) for k in node.keywords]
        call = interpreter.builtins.call
        if not keywords and not any(starred for starred, _, _ in arguments):
            plain = [argument for _, argument, _ in arguments]
            return lambda: call(callee(), [argument() for argument in plain], {}, node)

        def call_with_keywords():
            args = []
            for starred, argument, argument_node in arguments:
                if starred:
                    args.extend(interpreter.builtins.as_sequence(argument(), argument_node))
                else:
                    args.append(argument())
            return call(callee(), args, {k: v() for k, v in keywords}, node)
        return call_with_keywords

    def callee(self, node):
        """What a call calls; `x.sum(...)` becomes a BoundMethod without a detour."""
        if type(node) is ast.Attribute and node.attr in allowlist.TENSOR_METHODS:
            owner, attribute_of, name = self.expression(node.value), \
                self.interpreter.attribute_of, node.attr

            def method():
                value = owner()
                if type(value) is Tensor:
                    return BoundMethod(value, name)
                return attribute_of(value, node)
            return method
        return self.expression(node)
