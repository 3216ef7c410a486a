"""Which Python constructs a program may use: the tables the checker walks with, and from
which the language reference (docs/language.md) is written, so the two cannot disagree.

`ALLOWED`: each entry a construct as the reference names it, the `ast` node types it stands
for, and one example (a program the checker accepts; the reference test checks each one).
`REFUSED_NODES`: node type -> the message that says what to write instead.
"""
import ast

from webapp.language import names

ALLOWED = (
    ("numbers, strings, True/False/None", (ast.Constant,), "x = 2.0\ns = 'loss'\n"),
    ("names", (ast.Name,), "x = 1\ny = x\n"),
    ("arithmetic: + - * / // % ** @", (ast.BinOp,), "y = (2 + 3) * 4 ** 2 / 8\n"),
    ("signs and not: -x, +x, not x", (ast.UnaryOp,), "y = -2\nz = not True\n"),
    ("and, or", (ast.BoolOp,), "ok = 1 < 2 and 2 < 3 or False\n"),
    ("comparisons: == != < <= > >= is, is not, in, not in", (ast.Compare,),
     "ok = 1 < 2 <= 3\nfound = 2 in [1, 2]\n"),
    ("conditional expressions", (ast.IfExp,), "y = 1 if 2 > 1 else 0\n"),
    ("calls, with keyword arguments and *list", (ast.Call, ast.keyword, ast.Starred),
     "x = torch.tensor(2.0, requires_grad=True)\nprint(*[1, 2], sep=', ')\n"),
    ("attributes (the listed names)", (ast.Attribute,), "x = torch.ones(2)\nprint(x.shape)\n"),
    ("indexing and slices", (ast.Subscript, ast.Slice),
     "x = torch.arange(6.0)\ny = x[1:4]\nz = x[0]\n"),
    ("lists, tuples, dicts", (ast.List, ast.Tuple, ast.Dict),
     "xs = [1, 2]\npair = (1, 2)\nd = {'lr': 0.1}\n"),
    ("comprehensions: list, dict, generator", (ast.ListComp, ast.DictComp, ast.GeneratorExp,
                                               ast.comprehension),
     "squares = [i * i for i in range(5) if i % 2 == 0]\ntotal = sum(i for i in range(5))\n"
     "d = {i: i * i for i in range(3)}\n"),
    ("lambda", (ast.Lambda,), "square = lambda x: x ** 2\nprint(square(3))\n"),
    ("f-strings, with bounded format specs", (ast.JoinedStr, ast.FormattedValue),
     "loss = 0.25\nprint(f'loss = {loss:.4f}')\n"),
    ("assignment, also to tuples, NAME.data, x.grad = None and x[i]",
     (ast.Assign,),
     "a, b = 1, 2\nx = torch.zeros(3)\nx[0] = 1.0\nx.data = x.data * 2\nx.grad = None\n"),
    ("augmented assignment: += -= *= /= ...", (ast.AugAssign,),
     "n = 0\nn += 1\nx = torch.ones(2)\nx.data -= 0.1 * x.data\n"),
    ("expression statements", (ast.Expr,), "print(1)\n"),
    ("def: nested, with default and keyword arguments", (ast.FunctionDef, ast.Return),
     "def f(x, scale=2):\n    def g(y):\n        return y * scale\n    return g(x)\n"
     "print(f(3, scale=4))\n"),
    ("if / elif / else", (ast.If,), "x = 3\nif x > 2:\n    y = 1\nelif x > 1:\n    y = 2\n"
     "else:\n    y = 3\n"),
    ("for over range, lists, tuples, tensors, enumerate, zip", (ast.For,),
     "for i, v in enumerate([10, 20]):\n    print(i, v)\n"),
    ("while (its steps counted)", (ast.While,),
     "x = 10.0\nwhile x > 1:\n    x = x / 2\n"),
    ("break, continue, pass", (ast.Break, ast.Continue, ast.Pass),
     "for i in range(10):\n    if i == 2:\n        continue\n    if i > 4:\n        break\n"
     "    pass\n"),
    ("assert", (ast.Assert,), "x = 2\nassert x > 0, 'x must be positive'\n"),
    ("with torch.no_grad(): / with torch.enable_grad():", (ast.With, ast.withitem),
     "x = torch.tensor(2.0, requires_grad=True)\nwith torch.no_grad():\n    x -= 0.1\n"),
    ("import torch, torch.nn, torch.nn.functional, torch.optim, torch.autograd, math, "
     "torchviz", (ast.Import, ast.ImportFrom, ast.alias),
     "import torch\nimport torch.nn.functional as F\nfrom math import exp\n"),
)

# Parts of a construct that are not constructs themselves.
PARTS = (ast.expr_context, ast.operator, ast.unaryop, ast.boolop, ast.cmpop, ast.arguments,
         ast.arg)
ALLOWED_NODES = tuple(node for _, nodes, _ in ALLOWED for node in nodes) + PARTS

ALLOWED_BINOPS = (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.FloorDiv, ast.Mod, ast.Pow,
                  ast.MatMult)
ALLOWED_UNARY = (ast.UAdd, ast.USub, ast.Not)
ALLOWED_COMPARE = (ast.Eq, ast.NotEq, ast.Lt, ast.LtE, ast.Gt, ast.GtE, ast.Is, ast.IsNot,
                   ast.In, ast.NotIn)

REFUSED_NODES = {
    ast.ClassDef: "no-class", ast.Try: "no-try", ast.Global: "no-global",
    ast.Nonlocal: "no-nonlocal", ast.SetComp: "no-set", ast.Set: "no-set",
    ast.Delete: "no-del", ast.Raise: "no-raise", ast.AsyncFunctionDef: "no-async",
    ast.Await: "no-async", ast.AsyncFor: "no-async", ast.AsyncWith: "no-async",
    ast.Yield: "no-yield", ast.YieldFrom: "no-yield", ast.NamedExpr: "no-walrus",
    ast.Match: "no-match", ast.AnnAssign: "no-annotations",
}
if hasattr(ast, "TryStar"):
    REFUSED_NODES[ast.TryStar] = "no-try"

# What `import X` may name, and what `from X import ...` may take from each module.
IMPORTABLE = ("torch", "torch.nn", "torch.nn.functional", "torch.optim", "torch.autograd",
              "math", "torchviz")
FROM_IMPORTABLE = {
    "math": names.MATH_NAMES,
    "torchviz": names.TORCHVIZ_NAMES,
    "torch": frozenset({"nn", "optim", "autograd"}),
    "torch.nn": names.NN_MODULES | {"functional"},
    "torch.optim": names.OPTIMIZERS,
    "torch.autograd": names.AUTOGRAD_FUNCTIONS,
    "torch.nn.functional": names.FUNCTIONAL_FUNCTIONS,
}
