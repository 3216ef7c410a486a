"""A rule written out: its LaTeX templates filled with the operands' names, the node's
parameters and, for scalar operands, their numbers. Plain strings in and out.
"""
from string import Template

import torch

from webapp.execution.rules.model import SYMBOLS

# Parameters written as numbers where autograd saved one: $n is the exponent of pow.
PARAMETERS = {"n": "exponent", "alpha": "alpha", "w": "weight", "s": "negative_slope"}
SYMBOL_NAMES = {s: s for s in SYMBOLS} | {"n": "n", "m": "n - 1", "alpha": r"\alpha",
                                          "w": "w", "s": "s"}


def tex(template, values):
    """A rule's template: itself, or what it says for these Values when it is a function."""
    return template(values) if callable(template) else template


def fill(template, names):
    """The template with each `$name` that `names` has replaced (the others left as they are)."""
    return Template(template).safe_substitute(names)


def plugged(derivative, symbols, parameters):
    """The derivative with scalar operand values written in, or None (tensors, or unused)."""
    used = [s for s in SYMBOLS if f"${s}" in derivative]
    if any(not is_scalar(symbols.get(s)) for s in used):
        return None
    names = {s: number_tex(float(symbols[s])) for s in used}
    filled = fill(derivative, SYMBOL_NAMES | parameters | names)
    return filled if filled != fill(derivative, SYMBOL_NAMES | parameters) else None


def is_scalar(value):
    """Whether `value` is a number or a 0-dimensional tensor."""
    return isinstance(value, (int, float)) or isinstance(value, torch.Tensor) \
        and value.numel() == 1 and value.dim() == 0


def number_tex(number, bare=False):
    """A number as LaTeX, 4 significant digits (`1.5 \\times 10^{-7}`); negative numbers in
    parentheses unless `bare`."""
    text = f"{number:.4g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        text = rf"{mantissa} \times 10^{{{int(exponent)}}}"
    return f"({text})" if number < 0 and not bare else text
