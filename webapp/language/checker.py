"""The language: a small, safe subset of Python, checked before anything runs.

`check(source) -> Program` normalises the text (NFKC, pasted prompts), parses it with `ast`
and walks every node against an allowlist. Every refused construct is noted with its line,
column and a catalogued message (`webapp.core.messages`); if there is any, one `NotAllowed`
lists them all in order of position (the first is also its own detail). It imports no torch:
the web process checks programs before it spends a sandbox child on them, and the child
checks them again.
"""
import ast
import dataclasses
import unicodedata

from webapp.core import limits
from webapp.core.errors import NotAllowed, SourceTooLarge, SyntaxProblem
from webapp.language.constructs import ALLOWED_NODES, REFUSED_NODES
from webapp.language.expression_rules import ExpressionRules
from webapp.language.prompts import strip_prompts
from webapp.language.statement_rules import StatementRules, user_function_keywords


@dataclasses.dataclass(frozen=True)
class Program:
    """A checked program: the module tree plus how to map its positions back to the text."""
    tree: ast.Module
    text: str                     # what was parsed (prompts removed, NFKC applied)
    column_shift: tuple           # per line (0-based): characters removed from its start

    @property
    def pasted_from_repl(self):
        return any(self.column_shift)


def check(source):
    """Normalise, parse and allowlist-check `source`; return a `Program` or raise."""
    if len(source) > limits.MAX_SOURCE_CHARS:
        raise SourceTooLarge.message("source-too-long", chars=len(source),
                                     limit=limits.MAX_SOURCE_CHARS)
    text, shifts = strip_prompts(unicodedata.normalize("NFKC", source))
    tree = parse(text, shifts)
    Checker(shifts, tree).check(tree)
    return Program(tree, text, tuple(shifts))


def parse(text, shifts):
    try:
        return ast.parse(text, mode="exec")
    except SyntaxError as error:
        line = error.lineno or 1          # a NUL byte: no line of its own
        column = (error.offset or 1) + (shifts[line - 1] if line <= len(shifts) else 0)
        raise SyntaxProblem.message("syntax-error", line=line, column=column,
                                    error=error.msg) from None
    except (RecursionError, MemoryError):
        raise NotAllowed.message("nested-too-deeply", line=1, column=1,
                                 limit=limits.MAX_NESTING_DEPTH) from None
    except ValueError as error:     # e.g. a NUL character
        raise SyntaxProblem.message("unreadable", line=1, column=1, error=str(error)) from None


class Checker(StatementRules, ExpressionRules):
    """Walks the tree without recursion and notes everything not on the allowlist."""

    def __init__(self, shifts, tree):
        self.shifts = shifts
        self.refusals = []               # (line, column, message id, fields)
        self.user_keywords = user_function_keywords(tree)

    def refuse(self, node, message_id, **fields):
        line = getattr(node, "lineno", 1)
        shift = self.shifts[line - 1] if line <= len(self.shifts) else 0
        column = getattr(node, "col_offset", 0) + 1 + shift
        self.refusals.append((line, column, message_id, fields))

    def check(self, tree):
        statements = 0
        stack = [(tree, 0, None, OUTSIDE)]
        while stack:
            node, depth, parent, inside = stack.pop()
            if depth > limits.MAX_NESTING_DEPTH:
                self.refuse(node, "nested-too-deeply", limit=limits.MAX_NESTING_DEPTH)
                continue                 # one note for the whole too-deep part
            if isinstance(node, ast.stmt):
                statements += 1
                if statements > limits.MAX_STATEMENTS:
                    raise SourceTooLarge.message("too-many-statements", line=node.lineno,
                                                 column=node.col_offset + 1,
                                                 limit=limits.MAX_STATEMENTS)
            self.check_node(node, parent)
            self.check_placement(node, inside)
            inside = placement_inside(node, inside)
            for child in ast.iter_child_nodes(node):
                stack.append((child, depth + 1, node, inside))
        if self.refusals:
            raise NotAllowed.noted(sorted(set_of(self.refusals)))

    def check_placement(self, node, inside):
        """Python's own refusals of `return` outside a function, `break`/`continue` outside
        a loop (the compiler's, which `ast.parse` does not make)."""
        function, loop = inside
        if isinstance(node, ast.Return) and not function:
            self.refuse(node, "return-outside-function")
        elif isinstance(node, (ast.Break, ast.Continue)) and not loop:
            self.refuse(node, "break-outside-loop" if isinstance(node, ast.Break)
                        else "continue-outside-loop")

    def check_node(self, node, parent):
        if isinstance(node, ast.Module):
            return
        if not isinstance(node, ALLOWED_NODES):
            if isinstance(node, (ast.stmt, ast.expr)) or isinstance(parent, ALLOWED_NODES):
                self.refuse(node, REFUSED_NODES.get(type(node), "construct-not-allowed"),
                            construct=type(node).__name__)
            # else a part of a refused construct (an except clause of a try): noted with it
        handler = getattr(self, "check_" + type(node).__name__, None)
        if handler:
            handler(node, parent)


OUTSIDE = (False, False)          # (inside a function, inside a loop of that function)


def placement_inside(node, inside):
    """Where the children of `node` are: a function's body starts outside any loop."""
    if isinstance(node, (ast.FunctionDef, ast.Lambda)):
        return True, False
    if isinstance(node, (ast.For, ast.While)):
        return inside[0], True
    return inside


def set_of(refusals):
    """Each refusal once (a construct can be noted by two rules at one position)."""
    seen = {}
    for line, column, message_id, fields in refusals:
        seen.setdefault((line, column, message_id), (line, column, message_id, fields))
    return list(seen.values())
