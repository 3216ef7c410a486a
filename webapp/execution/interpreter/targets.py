"""The compiler's handlers for assignment targets beyond a plain name (`Compiler` inherits
them): tuple and list unpacking (nested, with one starred name, as in Python), and augmented
assignment to an item (`counts[k] += 1`: read once, combined, stored back through
`Interpreter.store_subscript`).
"""
import ast

from webapp.execution.interpreter.expressions import BINARY
from webapp.execution.interpreter.flow import run_failed


class TargetCompiler:
    """Compiles unpacking and item updates for `self.interpreter`."""

    def unpacking(self, target):
        """`a, (b, c) = ...` and `first, *rest = ...`: the value's items, bound in order."""
        stores = [self.target(e.value if isinstance(e, ast.Starred) else e)
                  for e in target.elts]
        starred = [i for i, e in enumerate(target.elts) if isinstance(e, ast.Starred)]
        as_sequence = self.interpreter.builtins.as_sequence
        star = starred[0] if starred else None
        before = len(stores) if star is None else star
        after = 0 if star is None else len(stores) - star - 1

        def unpack(value):
            items = as_sequence(value, target)
            if star is None and len(items) != len(stores):
                more = len(items) > len(stores)
                raise run_failed(ValueError(
                    f"too many values to unpack (expected {len(stores)})" if more else
                    f"not enough values to unpack (expected {len(stores)}, got {len(items)})"),
                    target)
            if star is not None and len(items) < before + after:
                raise run_failed(ValueError(f"not enough values to unpack (expected at least "
                                            f"{before + after}, got {len(items)})"), target)
            if star is not None:
                items = items[:before] + [items[before:len(items) - after]] + \
                    items[len(items) - after:]
            for store, item in zip(stores, items):
                store(item)
        return unpack

    def augassign_item(self, node):
        """`owner[index] op= operand`: Python reads the item, combines it (in place for a
        tensor, as Python's `+=` is), and stores the result back."""
        interpreter, target = self.interpreter, node.target
        owner, index = self.expression(target.value), self.expression(target.slice)
        operand, op = self.expression(node.value), BINARY[type(node.op)]

        def update():
            container, key = owner(), index()
            current = interpreter.subscript(container, key, target)
            result = interpreter.augmented(op, current, operand(), node)
            interpreter.store_subscript(container, key, result, target)
        return update
