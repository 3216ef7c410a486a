"""The language: a small, safe subset of Python, checked before anything runs.

`check(source) -> Program` normalises the text (NFKC, REPL prompts), parses it with `ast` and
walks every node against an allowlist, raising a `ProblemError` that names the construct with
its line and column. It imports no torch: the web process checks programs before it spends a
sandbox child on them, and the child checks them again.
"""
import ast
import dataclasses
import unicodedata

from webapp.core import limits
from webapp.core.errors import NotAllowed, SourceTooLarge, SyntaxProblem

# Names importable, and what they bind. `import torch.nn.functional as F` binds F.
IMPORTABLE = {"torch", "torch.nn", "torch.nn.functional", "math", "torchviz"}
TORCHVIZ_NAMES = {"make_dot"}

# Statement and expression node types the interpreter knows; anything else is refused.
STATEMENTS = (ast.Assign, ast.AugAssign, ast.Expr, ast.FunctionDef, ast.Return, ast.If,
              ast.For, ast.Pass, ast.Break, ast.Continue, ast.Import, ast.ImportFrom)
EXPRESSIONS = (ast.Constant, ast.Name, ast.BinOp, ast.UnaryOp, ast.BoolOp, ast.Compare,
               ast.IfExp, ast.Call, ast.Attribute, ast.Subscript, ast.Slice, ast.List,
               ast.Tuple, ast.Starred, ast.keyword)
CONTEXTS_AND_OPERATORS = (ast.expr_context, ast.operator, ast.unaryop, ast.boolop, ast.cmpop,
                          ast.arguments, ast.arg, ast.alias)
ALLOWED_BINOPS = (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.FloorDiv, ast.Mod, ast.Pow,
                  ast.MatMult)
ALLOWED_UNARY = (ast.UAdd, ast.USub, ast.Not)
ALLOWED_COMPARE = (ast.Eq, ast.NotEq, ast.Lt, ast.LtE, ast.Gt, ast.GtE, ast.Is, ast.IsNot)

# What the message calls a refused construct.
CONSTRUCT_NAMES = {
    ast.Lambda: "lambda", ast.ClassDef: "class", ast.While: "while loops", ast.Try: "try",
    ast.With: "with", ast.Global: "global", ast.Nonlocal: "nonlocal", ast.ListComp:
    "comprehensions", ast.SetComp: "comprehensions", ast.DictComp: "comprehensions",
    ast.GeneratorExp: "comprehensions", ast.JoinedStr: "f-strings", ast.Dict: "dicts",
    ast.Set: "sets", ast.Delete: "del", ast.Raise: "raise", ast.Assert: "assert",
    ast.AsyncFunctionDef: "async", ast.Await: "await", ast.Yield: "yield", ast.NamedExpr:
    "the walrus operator", ast.Match: "match",
}


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
        raise SourceTooLarge(f"The program has {len(source):,} characters; "
                             f"the limit is {limits.MAX_SOURCE_CHARS:,}.")
    text, shifts = strip_prompts(unicodedata.normalize("NFKC", source))
    tree = parse(text, shifts)
    Checker(shifts).check(tree)
    return Program(tree, text, tuple(shifts))


def strip_prompts(text):
    """Remove REPL prompts (`>>> `, `... `) and the output lines between them.

    Lines keep their numbers (output lines become empty) so that errors point at the line the
    user sees; the returned shifts say how many characters each line lost at its start.
    """
    lines = text.split("\n")
    if not any(line.startswith(">>>") for line in lines):
        return text, [0] * len(lines)
    kept, shifts = [], []
    for line in lines:
        for prompt in (">>> ", ">>>", "... ", "..."):
            if line.startswith(prompt):
                kept.append(line[len(prompt):])
                shifts.append(len(prompt))
                break
        else:
            kept.append("")          # output printed by the REPL
            shifts.append(0)
    return "\n".join(kept), shifts


def parse(text, shifts):
    try:
        return ast.parse(text, mode="exec")
    except SyntaxError as error:
        line = error.lineno
        column = (error.offset or 1) + (shifts[line - 1] if line and line <= len(shifts) else 0)
        raise SyntaxProblem(f"Syntax error: {error.msg}.", line=line, column=column) from None
    except (RecursionError, MemoryError):
        raise NotAllowed(f"The program is nested too deeply (the limit is "
                         f"{limits.MAX_NESTING_DEPTH} levels).", line=1, column=1) from None
    except ValueError as error:     # e.g. a NUL character
        raise SyntaxProblem(f"The program cannot be read: {error}.", line=1, column=1) from None


class Checker:
    """Walks the tree without recursion and refuses everything not on the allowlist."""

    def __init__(self, shifts):
        self.shifts = shifts

    def refuse(self, node, message, error=NotAllowed):
        line = getattr(node, "lineno", 1)
        shift = self.shifts[line - 1] if line <= len(self.shifts) else 0
        raise error(message, line=line, column=getattr(node, "col_offset", 0) + 1 + shift)

    def check(self, tree):
        from webapp.language.names import ATTRIBUTE_NAMES, KEYWORDS
        self.attribute_names, self.keywords = ATTRIBUTE_NAMES, KEYWORDS
        statements = 0
        stack = [(tree, 0, None)]
        while stack:
            node, depth, parent = stack.pop()
            if depth > limits.MAX_NESTING_DEPTH:
                self.refuse(node, f"The program is nested too deeply (the limit is "
                                  f"{limits.MAX_NESTING_DEPTH} levels).")
            if isinstance(node, ast.stmt):
                statements += 1
                if statements > limits.MAX_STATEMENTS:
                    self.refuse(node, f"The program has more than {limits.MAX_STATEMENTS} "
                                      f"statements.", SourceTooLarge)
            self.check_node(node, parent)
            for child in ast.iter_child_nodes(node):
                stack.append((child, depth + 1, node))

    def check_node(self, node, parent):
        if isinstance(node, ast.Module):
            return
        if not isinstance(node, STATEMENTS + EXPRESSIONS + CONTEXTS_AND_OPERATORS):
            what = CONSTRUCT_NAMES.get(type(node), type(node).__name__)
            self.refuse(node, f"{what} is not allowed here.")
        handler = getattr(self, "check_" + type(node).__name__, None)
        if handler:
            handler(node, parent)

    def check_identifier(self, node, name):
        if name.startswith("_"):
            self.refuse(node, f"Names starting with an underscore are not allowed: '{name}'.")
        if not name.isascii():
            self.refuse(node, f"Names must be written in ASCII letters: '{name}'.")

    def check_Name(self, node, parent):
        self.check_identifier(node, node.id)

    def check_arg(self, node, parent):
        self.check_identifier(node, node.arg)

    def check_Attribute(self, node, parent):
        chain = []                       # torch.hub.load: name '.hub', the first offender
        link = node
        while isinstance(link, ast.Attribute):
            chain.append(link)
            link = link.value
        for attribute in reversed(chain):
            self.check_identifier(attribute, attribute.attr)
            if attribute.attr not in self.attribute_names:
                self.refuse(attribute, f"The attribute '.{attribute.attr}' is not allowed.")
        if isinstance(node.ctx, ast.Store) and node.attr != "data":
            self.refuse(node, f"Only '.data' can be assigned to, not '.{node.attr}'.")

    def check_keyword(self, node, parent):
        if node.arg is None:
            self.refuse(node, "'**' arguments are not allowed.")
        self.check_identifier(node, node.arg)
        if node.arg not in self.keywords:
            self.refuse(node, f"The keyword argument '{node.arg}=' is not allowed.")

    def check_Starred(self, node, parent):
        if not (isinstance(parent, ast.Call) and isinstance(parent.func, ast.Name)
                and parent.func.id == "print"):
            self.refuse(node, "'*' arguments are only allowed in print(...).")

    def check_Constant(self, node, parent):
        value = node.value
        if isinstance(value, (bytes, complex)) or value is Ellipsis:
            self.refuse(node, f"{type(value).__name__} literals are not allowed.")
        if isinstance(value, str) and len(value) > limits.MAX_STRING_CHARS:
            self.refuse(node, f"Strings are limited to {limits.MAX_STRING_CHARS} characters.")
        if isinstance(value, int) and value.bit_length() > limits.MAX_INT_BITS:
            self.refuse(node, "This number is too large.")

    def check_BinOp(self, node, parent):
        if not isinstance(node.op, ALLOWED_BINOPS):
            self.refuse(node, f"The operator {type(node.op).__name__} is not allowed.")

    def check_UnaryOp(self, node, parent):
        if not isinstance(node.op, ALLOWED_UNARY):
            self.refuse(node, f"The operator {type(node.op).__name__} is not allowed.")

    def check_Compare(self, node, parent):
        for op in node.ops:
            if not isinstance(op, ALLOWED_COMPARE):
                self.refuse(node, f"The comparison {type(op).__name__} is not allowed.")

    def check_Call(self, node, parent):
        if isinstance(node.func, ast.Attribute) and node.func.attr == "format":
            self.refuse(node, "'.format' is not allowed.")

    def check_Assign(self, node, parent):
        for target in node.targets:
            self.check_target(target)

    def check_AugAssign(self, node, parent):
        if not isinstance(node.target, ast.Name):
            self.refuse(node, "Augmented assignment (+= and so on) is allowed to names only.")
        self.check_BinOp(node, parent)

    def check_target(self, target):
        if isinstance(target, ast.Name):
            return
        if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name):
            return                       # NAME.data = ...; check_Attribute sees the name
        if isinstance(target, ast.Tuple) and all(isinstance(t, ast.Name) for t in target.elts):
            return
        self.refuse(target, "Only names, 'NAME.data' and tuples of names can be assigned to.")

    def check_FunctionDef(self, node, parent):
        self.check_identifier(node, node.name)
        args = node.args
        if node.decorator_list:
            self.refuse(node, "Decorators are not allowed.")
        if (args.vararg or args.kwarg or args.kwonlyargs or args.posonlyargs or args.defaults
                or node.returns):
            self.refuse(node, "Functions take plain positional parameters only.")
        if not isinstance(parent, ast.Module):
            self.refuse(node, "Functions must be defined at the top level.")

    def check_For(self, node, parent):
        if not isinstance(node.target, ast.Name):
            self.refuse(node, "A for loop takes one name: 'for i in range(...)'.")
        call = node.iter
        if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Name)
                and call.func.id == "range"):
            self.refuse(node.iter, "Only 'for NAME in range(...)' loops are allowed.")
        if node.orelse:
            self.refuse(node, "'for ... else' is not allowed.")

    def check_Import(self, node, parent):
        for alias in node.names:
            if alias.name not in IMPORTABLE:
                self.refuse(node, f"Only torch, torch.nn.functional, math and torchviz can be "
                                  f"imported, not '{alias.name}'.")
            if alias.asname:
                self.check_identifier(node, alias.asname)

    def check_ImportFrom(self, node, parent):
        from webapp.language.names import MATH_NAMES
        allowed = {"math": MATH_NAMES, "torchviz": TORCHVIZ_NAMES,
                   "torch.nn": {"functional"}, "torch": {"nn"}}.get(node.module)
        for alias in node.names:
            if allowed is None or alias.name not in allowed or node.level:
                self.refuse(node, f"'from {node.module} import {alias.name}' is not allowed.")
            if alias.asname:
                self.check_identifier(node, alias.asname)
