"""The compiler's handlers for containers built by expressions: dict displays, list, dict
and set-free comprehensions, generator expressions (`ExpressionCompiler` inherits them).
What they do when they run is `containers`'s.
"""
import ast

from webapp.core import limits
from webapp.core.errors import NotAllowed
from webapp.execution.interpreter.containers import bounded_list, generate, too_long
from webapp.execution.interpreter.flow import position


class ComprehensionCompiler:
    """Compiles dict displays and comprehensions for `self.interpreter`."""

    def dict_display(self, node):
        if any(key is None for key in node.keys):
            raise NotAllowed("'**' in a dict is not allowed.", **position(node))
        pairs = [(self.expression(k), self.expression(v)) for k, v in zip(node.keys,
                                                                         node.values)]
        self.interpreter.check_length(pairs, node, "dict")
        return lambda: {key(): value() for key, value in pairs}

    def comprehension(self, node, *elements):
        """The compiled `for` clauses of a comprehension, its first iterable (compiled in the
        enclosing scope, where Python evaluates it) and its compiled `elements`."""
        for clause in node.generators:
            if clause.is_async:
                raise NotAllowed("'async for' is not allowed.", **position(clause))
        first = self.expression(node.generators[0].iter)
        outer_locals, self.local_names = self.local_names, None     # a scope of its own
        try:
            clauses = [(self.target(c.target), first if i == 0 else self.expression(c.iter),
                        [self.expression(test) for test in c.ifs], c)
                       for i, c in enumerate(node.generators)]
            return clauses, first, [self.expression(e) for e in elements]
        finally:
            self.local_names = outer_locals

    def list_comprehension(self, node):
        clauses, first, (element,) = self.comprehension(node, node.elt)
        interpreter = self.interpreter
        return lambda: bounded_list(generate(interpreter, clauses, element, first(), node),
                                    node)

    def dict_comprehension(self, node):
        clauses, first, (key, value) = self.comprehension(node, node.key, node.value)
        interpreter = self.interpreter

        def build():
            result = {}
            pairs = generate(interpreter, clauses, lambda: (key(), value()), first(), node)
            for k, v in pairs:
                result[k] = v
                if len(result) > limits.MAX_LIST_ITEMS:
                    raise too_long("dict", node)
            return result
        return build

    def generator_expression(self, node):
        """A real Python generator (so that `torch.stack(t for t in ts)` fails with
        PyTorch's own message, as it does in Python), run lazily by whoever consumes it."""
        clauses, first, (element,) = self.comprehension(node, node.elt)
        interpreter = self.interpreter

        def make():
            values = generate(interpreter, clauses, element, first(), node)
            values.__name__ = values.__qualname__ = "<genexpr>"
            return values
        return make
