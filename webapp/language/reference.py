"""The language reference, docs/language.md, written from the tables the checker uses
(`constructs`, `names`, the message catalog and the limits), so it cannot fall behind them.

    python -m webapp.language.reference > docs/language.md

tests/unit/test_language_reference.py fails when the committed file differs from this output.
"""
import ast
import sys

from webapp.core import limits
from webapp.core.messages import text
from webapp.language import constructs, names

INTRO = """# The language

<!-- Written by `python -m webapp.language.reference > docs/language.md`; do not edit. -->

Programs are Python, run by the app's own interpreter over `ast` (never `eval` or `exec`).
What a program may use is listed below; everything else is refused before anything runs,
every refused construct in one answer (`errors` in the problem+json, first by position), each
with what to write instead, in English or Japanese (`lang`, else `Accept-Language`).
Full-width characters typed through a Japanese input method are normalised (NFKC) first.
"""

PASTING = """## Pasting

- Python's REPL: `>>> ` starts a statement, `... ` continues it; every other line is output
  and is dropped. Bare expressions print their value, as in the REPL.
- Jupyter and IPython: `[1]: ` or `In [1]: ` starts a cell, `: ` or `   ...: ` continues it;
  `Out[1]: `, or `[1]: ` again after the cell `[1]: ` (JupyterLab's output prompt), and
  every line without a prompt is output, except a line indented under its cell's prompt
  (`[4]: y = f(x)` then `     y.backward()`), which is the cell's next line.
- `torchviz.make_dot(y)` and `from torchviz import make_dot` are accepted and draw nothing
  extra: the page's torchviz view (`style=torchviz`) is that drawing.
- `import numpy` is not accepted. The lecture uses NumPy only through a tensor's `.numpy()`
  (to print or plot values), which works; its plots need matplotlib, which cannot run here,
  so an allowlisted `numpy` module would serve no lecture program.
"""

NO_GRAPH = """## Programs without a graph

A program that records no autograd graph (plain Python numbers, tensors that do not require
grad, or a tensor that requires grad but nothing computed from it) still answers 200: an
empty graph, its printed output, and a warning saying why. What is differentiated: the
tensor of the last `.backward()` call, else the last expression or assigned tensor with a
graph, else the last tensor any operation made (so `print(x ** 2 + 1)` shows its graph).
"""

NAME_TABLES = (
    ("torch functions (`torch.NAME`)", names.TORCH_FUNCTIONS),
    ("torch values (`torch.float64`, `torch.pi`, ...)", names.TORCH_VALUE_NAMES),
    ("`torch.nn.functional` (`F.NAME`)", names.FUNCTIONAL_FUNCTIONS),
    ("`torch.autograd`", names.AUTOGRAD_FUNCTIONS),
    ("grad modes (only as `with torch.NAME():`)", names.GRAD_MODES),
    ("`torch.optim` optimizers", names.OPTIMIZERS),
    ("what an optimizer offers", names.OPTIMIZER_MEMBERS),
    ("`torch.nn` modules", names.NN_MODULES),
    ("what a module offers", names.MODULE_MEMBERS),
    ("tensor methods", names.TENSOR_METHODS),
    ("in-place tensor methods", names.INPLACE_TENSOR_METHODS),
    ("tensor attributes", names.TENSOR_ATTRIBUTES),
    ("`math`", names.MATH_NAMES),
    ("list methods", names.LIST_METHODS),
    ("dict methods", names.DICT_METHODS),
    ("string methods (`.format` on a string literal)", names.STRING_METHODS),
    ("`torchviz`", names.TORCHVIZ_NAMES),
    ("built-in functions and constants", names.BUILTIN_NAMES),
    ("keyword arguments (besides a program's own functions' parameters)", names.KEYWORDS),
)

# What the checker refuses beyond whole node types, as (what, message id, its fields).
OTHER_REFUSALS = (
    ("`with` anything else", "with-grad-mode-only", {}),
    ("`*args` / `**kwargs` parameters", "def-star-parameters", {}),
    ("keyword-only / positional-only parameters", "def-keyword-only", {}),
    ("decorators", "no-decorators", {}),
    ("type annotations", "no-annotations", {}),
    ("`for ... else`, `while ... else`", "loop-else", {}),
    ("`**` in calls and dicts", "no-double-star", {}),
    ("`*` outside a call's arguments", "star-only-in-calls", {}),
    ("assigning to an attribute other than `.data` / `.grad` / a layer's `.weight`, `.bias`", "attribute-target",
     {"attribute": "shape"}),
    ("`x.grad = ...` other than None", "grad-only-none", {}),
    ("`.format` on anything but a string literal", "format-on-literal", {}),
    ("`{0.attr}` or `{0[i]}` in a format string", "format-field", {"field": "0.real"}),
    ("names starting with `_`", "underscore-name", {"name": "__class__"}),
    ("`make_dot(y).render(...)`", "no-render", {}),
    ("`return` outside a function (Python's own words)", "return-outside-function", {}),
    ("`break` outside a loop", "break-outside-loop", {}),
    ("`continue` outside a loop", "continue-outside-loop", {}),
    ("other imports", "import-not-allowed",
     {"module": "os", "modules": ", ".join(constructs.IMPORTABLE)}),
)

LIMITS = (
    ("characters of source", limits.MAX_SOURCE_CHARS),
    ("statements", limits.MAX_STATEMENTS),
    ("levels of nesting", limits.MAX_NESTING_DEPTH),
    ("characters in a string", limits.MAX_STRING_CHARS),
    ("items in a list or tuple", limits.MAX_LIST_ITEMS),
    ("nested calls of the program's functions", limits.MAX_CALL_DEPTH),
    ("interpreted steps (loops of every kind count)", limits.MAX_STEPS),
    ("width in a format spec", limits.MAX_FORMAT_WIDTH),
    ("precision in a format spec", limits.MAX_FORMAT_PRECISION),
    ("refused constructs listed in one answer (all are counted)",
     limits.MAX_REPORTED_PROBLEMS),
)


def example_block(source):
    return "```python\n" + source.rstrip("\n") + "\n```"


def allowed_section():
    lines = ["## What a program may write", ""]
    for title, _, example in constructs.ALLOWED:
        lines += [f"### {title}", "", example_block(example), ""]
    return lines


def refused_section():
    lines = ["## What is refused, and what to write instead", "",
             "| construct | message |", "|---|---|"]
    seen = set()
    for node, message_id in constructs.REFUSED_NODES.items():
        if message_id not in seen:
            seen.add(message_id)
            lines.append(f"| `{node.__name__}` | {cell(text(message_id))} |")
    for what, message_id, fields in OTHER_REFUSALS:
        lines.append(f"| {what} | {cell(text(message_id, **fields))} |")
    return lines + [""]


def cell(message):
    return message.replace("|", "\\|")


def imports_section():
    lines = ["## Imports", "", "`import " + "`, `import ".join(constructs.IMPORTABLE)
             + "` (also `as NAME`), and:", ""]
    for module, members in constructs.FROM_IMPORTABLE.items():
        lines.append(f"- `from {module} import` {listed(members)}")
    return lines + [""]


def names_section():
    lines = ["## Names", "", "Attributes are allowed by name (any of those below, on "
             "whatever has it when the program runs); an attribute not listed is refused.",
             ""]
    for title, members in NAME_TABLES:
        lines += [f"**{title}**: {listed(members)}", ""]
    return lines


def limits_section():
    lines = ["## Limits", "", "| what | limit |", "|---|---|"]
    lines += [f"| {what} | {value:,} |" for what, value in LIMITS]
    return lines + [""]


def listed(members):
    return ", ".join(f"`{name}`" for name in sorted(members))


def reference():
    """The whole of docs/language.md, as text."""
    parts = [INTRO, *allowed_section(), *refused_section(), *imports_section(),
             *names_section(), *limits_section(), PASTING, NO_GRAPH]
    return "\n".join(parts).rstrip("\n") + "\n"


def examples():
    """(title, node types, example) of each allowed construct, for the reference's test."""
    return [(title, nodes, ast.parse(example)) for title, nodes, example in constructs.ALLOWED]


if __name__ == "__main__":
    sys.stdout.write(reference())
