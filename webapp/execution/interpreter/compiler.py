"""Turns a checked program's AST into closures, once, before it runs.

A table from AST node type to a compiling method (in the manner of simpleeval's handler table);
each returns a closure that evaluates the node when called. Compiling once takes the per-node
dispatch out of loops (a 10,001-step training loop runs each statement 10,001 times), which is
what makes the lecture's gradient descent fit the time limit. All semantics live in
`Interpreter` (names, calls, tensor operations); this module only wires them together.
"""
import ast

import torch

from webapp.execution.capture.groups import ITERATION
from webapp.execution.interpreter import allowlist, contexts, stores
from webapp.execution.interpreter.expressions import BINARY, ExpressionCompiler
from webapp.execution.interpreter.containers import iterate
from webapp.execution.interpreter.flow import Break, Continue, Return, run_failed
from webapp.execution.interpreter.targets import TargetCompiler

Tensor = torch.Tensor


class Compiler(ExpressionCompiler, TargetCompiler):
    """Compiles for one Interpreter: each handler takes an AST node, returns a closure
    (the expressions' handlers are `ExpressionCompiler`'s)."""
    def __init__(self, interpreter):
        self.interpreter = interpreter
        self.statements = {
            ast.Assign: self.assign, ast.AugAssign: self.augassign, ast.Expr: self.expr,
            ast.FunctionDef: self.define, ast.Return: self.return_, ast.If: self.if_,
            ast.For: self.for_, ast.Pass: self.pass_, ast.Break: self.break_,
            ast.Continue: self.continue_, ast.Import: self.import_,
            ast.ImportFrom: self.import_from, ast.While: self.while_, ast.Assert: self.assert_,
            ast.With: self.with_}
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
        if isinstance(target, ast.Subscript):              # items[i] = ..., h[i] = ...
            owner, index = self.expression(target.value), self.expression(target.slice)
            store = interpreter.store_subscript
            return lambda value: store(owner(), index(), value, target)
        return self.unpacking(target)

    def augassign(self, node):
        if type(node.target) is ast.Subscript:
            return self.augassign_item(node)
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
        iterable, body, orelse = self.expression(node.iter), self.block(node.body), \
            self.block(node.orelse)
        store = self.target(node.target)
        if type(node.target) is ast.Name:           # the common case, without a detour
            name, bind = node.target.id, interpreter.bind
            store = lambda value: bind(name, value)  # noqa: E731

        def loop():
            run_block, recorder = interpreter.run_block, interpreter.recorder
            values = iterable()
            if type(values) is not range:
                values = iterate(interpreter, values, node.iter)
            outer, counted = recorder.group, values if type(values) is range else None
            try:
                for index, value in enumerate(values):
                    store(value)
                    recorder.group = (ITERATION, outer, node, index, counted)   # its ops' group
                    try:
                        run_block(body)
                    except Break:
                        return
                    except Continue:
                        pass
                    recorder.group = outer
            finally:
                recorder.group = outer
            run_block(orelse)
        return loop

    def with_(self, node):
        return contexts.compile_with(self, node)

    def while_(self, node):
        """`while test:`, each test a step (so `while True: pass` stops at the step limit)."""
        interpreter = self.interpreter
        test, body, orelse = self.expression(node.test), self.block(node.body), \
            self.block(node.orelse)

        def loop():
            truth, run_block, count_step = interpreter.truth, interpreter.run_block, \
                interpreter.count_step
            recorder = interpreter.recorder
            outer, index = recorder.group, 0
            try:
                while True:
                    count_step(node)
                    recorder.group = (ITERATION, outer, node, index, None)   # test and body
                    if not truth(test(), node.test):
                        break
                    index += 1
                    try:
                        run_block(body)
                    except Break:
                        return
                    except Continue:
                        pass
            finally:
                recorder.group = outer
            run_block(orelse)
        return loop

    def assert_(self, node):
        """`assert test, message`: Python's AssertionError, with the message as it prints."""
        truth, test = self.interpreter.truth, self.expression(node.test)
        message = self.expression(node.msg) if node.msg is not None else None

        def check():
            if not truth(test(), node.test):
                raise run_failed(AssertionError(*([message()] if message else [])), node)
        return check

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
