"""The expression half of the compiler (`compiler.Compiler` inherits it): each handler takes
an expression's AST node and returns a closure that evaluates it. Hot paths (tensor operands,
namespace members, tensor attributes, tensor method calls) are decided inside the closure
without a further call; everything else goes to the `Interpreter`'s semantics.
"""
import ast
import operator

import torch

from webapp.execution.interpreter import allowlist
from webapp.execution.interpreter.builtins import BoundMethod
from webapp.execution.interpreter.comprehensions import ComprehensionCompiler
from webapp.execution.interpreter.formatting import FormatCompiler
from webapp.execution.interpreter.functions import FunctionCompiler
from webapp.execution.interpreter.flow import run_failed

BINARY = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
          ast.Div: operator.truediv, ast.FloorDiv: operator.floordiv, ast.Mod: operator.mod,
          ast.Pow: operator.pow, ast.MatMult: operator.matmul}
COMPARE = {ast.Eq: operator.eq, ast.NotEq: operator.ne, ast.Lt: operator.lt,
           ast.LtE: operator.le, ast.Gt: operator.gt, ast.GtE: operator.ge,
           ast.Is: operator.is_, ast.IsNot: operator.is_not,
           ast.In: lambda a, b: a in b, ast.NotIn: lambda a, b: a not in b}
MEMBERSHIP = (COMPARE[ast.In], COMPARE[ast.NotIn])
Tensor = torch.Tensor


class ExpressionCompiler(FunctionCompiler, ComprehensionCompiler, FormatCompiler):
    """Compiles expressions for `self.interpreter` (set by the subclass); functions,
    comprehensions and f-strings by the handlers it inherits."""
    def expression_table(self):
        return {
            ast.Constant: self.constant, ast.Name: self.name, ast.BinOp: self.binop,
            ast.UnaryOp: self.unaryop, ast.BoolOp: self.boolop, ast.Compare: self.compare,
            ast.IfExp: self.ifexp, ast.Call: self.call, ast.Attribute: self.attribute,
            ast.Subscript: self.subscript, ast.Slice: self.slice, ast.List: self.sequence,
            ast.Tuple: self.sequence, ast.Lambda: self.lambda_, ast.Dict: self.dict_display,
            ast.ListComp: self.list_comprehension, ast.DictComp: self.dict_comprehension,
            ast.GeneratorExp: self.generator_expression, ast.JoinedStr: self.joined_string,
            ast.FormattedValue: self.formatted_value}

    def expression(self, node):
        return self.expressions[type(node)](node)

    def constant(self, node):
        value = node.value
        return lambda: value

    def name(self, node):
        if self.local_names is not None and node.id in self.local_names:
            return self.local_name(node)
        interpreter, name = self.interpreter, node.id
        frames, scopes, globals_, builtins = interpreter.frames, interpreter.scopes, \
            interpreter.globals, interpreter.builtins.names

        def load():
            scope = frames[-1]
            if name in scope:
                return scope[name]
            for outer in scopes[-1]:             # closures: the enclosing functions' frames
                if name in outer:
                    return outer[name]
            if name in globals_:
                return globals_[name]
            if name in builtins:
                return builtins[name]
            raise run_failed(NameError(f"name '{name}' is not defined"), node)
        return load

    def binop(self, node):
        left, right = self.expression(node.left), self.expression(node.right)
        op, interpreter = BINARY[type(node.op)], self.interpreter
        binary, tensor_call = interpreter.binary, interpreter.tensor_call

        def operate():
            a, b = left(), right()
            if type(a) is Tensor or type(b) is Tensor:
                return tensor_call(op, (a, b), {}, node)
            return binary(op, a, b, node)
        return operate

    def unaryop(self, node):
        operand, interpreter = self.expression(node.operand), self.interpreter
        if isinstance(node.op, ast.Not):
            return lambda: not interpreter.truth(operand(), node)
        op = operator.neg if isinstance(node.op, ast.USub) else operator.pos
        unary, tensor_call = interpreter.unary, interpreter.tensor_call

        def operate():
            value = operand()
            if type(value) is Tensor:
                return tensor_call(op, (value,), {}, node)
            return unary(op, value, node)
        return operate

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
        name, Namespace = node.attr, allowlist.Namespace
        read = operator.attrgetter(name) if name in allowlist.TENSOR_ATTRIBUTES else None

        def attribute():
            value = owner()
            kind = type(value)
            if kind is Tensor and read is not None:
                return read(value)
            if kind is Namespace and name in value.members:
                return value.members[name]
            return attribute_of(value, node)
        return attribute

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
        arguments = [(isinstance(a, ast.Starred), self.expression(a.value)
                      if isinstance(a, ast.Starred) else self.expression(a), a)
                     for a in node.args]
        keywords = [(k.arg, self.expression(k.value)) for k in node.keywords]
        call = interpreter.builtins.call
        if keywords or any(starred for starred, _, _ in arguments):
            callee = self.callee(node.func)

            def call_with_keywords():
                args = []
                for starred, argument, argument_node in arguments:
                    if starred:
                        args.extend(interpreter.builtins.as_sequence(argument(),
                                                                     argument_node))
                    else:
                        args.append(argument())
                return call(callee(), args, {k: v() for k, v in keywords}, node)
            return call_with_keywords
        collect = collector([argument for _, argument, _ in arguments])
        if type(node.func) is ast.Attribute and node.func.attr in allowlist.TENSOR_METHODS:
            return self.method_call(node, collect)
        callee = self.expression(node.func)
        return lambda: call(callee(), collect(), {}, node)

    def method_call(self, node, collect):
        """`owner.name(...)` with a listed tensor method's name: called on a tensor without
        a BoundMethod in between; on anything else, whatever `owner.name` is."""
        owner, name = self.expression(node.func.value), node.func.attr
        builtins, attribute_of = self.interpreter.builtins, self.interpreter.attribute_of
        call, call_tensor_method = builtins.call, builtins.call_tensor_method

        def method():
            value = owner()
            if type(value) is Tensor:
                return call_tensor_method(value, name, collect(), {}, node)
            return call(attribute_of(value, node.func), collect(), {}, node)
        return method

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


def collector(arguments):
    """A closure that evaluates the compiled `arguments` into a new list."""
    if not arguments:
        return list
    if len(arguments) == 1:
        (first,) = arguments
        return lambda: [first()]
    if len(arguments) == 2:
        first, second = arguments
        return lambda: [first(), second()]
    return lambda: [argument() for argument in arguments]
