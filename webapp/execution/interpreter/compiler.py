"""Turns a checked program's AST into closures, once, before it runs.

A table from AST node type to a compiling method (in the manner of simpleeval's handler table);
each returns a closure that evaluates the node when called. Compiling once takes the per-node
dispatch out of loops (a 10,001-step training loop runs each statement 10,001 times), which is
what makes the lecture's gradient descent fit the time limit. All semantics live in
`Interpreter` (names, calls, tensor operations); this module only wires them together.
"""
import ast

import torch

from webapp.execution.interpreter import allowlist, contexts, stores
from webapp.execution.interpreter.builtins import UserFunction
from webapp.execution.interpreter.expressions import BINARY, ExpressionCompiler
from webapp.execution.interpreter.flow import Break, Continue, Return, run_failed

Tensor = torch.Tensor


class Compiler(ExpressionCompiler):
    """Compiles for one Interpreter: each handler takes an AST node, returns a closure
    (the expressions' handlers are `ExpressionCompiler`'s)."""
    def __init__(self, interpreter):
        self.interpreter = interpreter
        self.statements = {
            ast.Assign: self.assign, ast.AugAssign: self.augassign, ast.Expr: self.expr,
            ast.FunctionDef: self.define, ast.Return: self.return_, ast.If: self.if_,
            ast.For: self.for_, ast.Pass: self.pass_, ast.Break: self.break_,
            ast.Continue: self.continue_, ast.Import: self.import_,
            ast.ImportFrom: self.import_from, ast.With: self.with_}
        self.expressions = self.expression_table()

    def block(self, statements):
        """A list of (closure, node): the interpreter runs them, counting steps."""
        return [(self.statements[type(s)](s), s) for s in statements]

    # Statements ---------------------------------------------------------------------------

    def assign(self, node):
        value = self.expression(node.value)
        if len(node.targets) == 1 and type(node.targets[0]) is ast.Name:
            name, bind = node.targets[0].id, self.interpreter.bind
            return lambda: bind(name, value())
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
        if isinstance(target, ast.Attribute):              # x.data = ..., x.grad = None
            return stores.attribute_store(self, target)
        if isinstance(target, ast.Subscript):              # h[i] = ...
            return stores.subscript_store(self, target)
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
        if not isinstance(node.target, ast.Name):          # x.data -= ..., h[0] += ...
            return stores.augmented_store(self, node)
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
        body, result = node.body, None
        if type(body[-1]) is ast.Return and body[-1].value is not None:
            body, result = body[:-1], (self.expression(body[-1].value), body[-1])
        function = UserFunction(node, self.block(body), result)
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

    def with_(self, node):
        return contexts.compile_with(self, node)

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
