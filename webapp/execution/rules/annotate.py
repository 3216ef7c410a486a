"""The rule on every edge: each autograd op's local derivative, written out and evaluated.

`RULES[autograd name]` (the tables of `elementwise`, `reductions` and `jacobians`) says how the
op's output t depends on its operands a, b, c and gives, per operand, d t / d operand.
`edge_rule(fn, source)`, which the trace asks for every edge, gives the LaTeX, the same with
the numbers plugged in (scalars only), and the rule's value as a Jacobian shaped like the
edge's `local` (target.shape + source.shape), so a test can compare it with what autograd
computed. An op without a written rule says so (`known: false`).
Runs inside the sandbox child (torch).
"""
import math

import torch

from webapp.core import limits
from webapp.execution.capture.nodes import plain
from webapp.execution.rules import elementwise, jacobians, reductions
from webapp.execution.rules.model import (SYMBOLS, T, Values, one_hot_jacobian, reduced_dims,
                                          saved, source_shape)
from webapp.execution.rules.tex import PARAMETERS, SYMBOL_NAMES, fill, number_tex, plugged, tex

RULES = elementwise.TABLE | reductions.TABLE | jacobians.TABLE


def edge_rule(fn, source):
    """The rule for the edge from autograd node `source` into node `fn`, as plain data:
    {"op", "known", "expression", "operand", "derivative", "at", "value"}."""
    indices = [i for i, (s, _) in enumerate(fn.next_functions) if s is source]
    known = RULES.get(fn.name())
    if known is None or not indices or max(indices) >= len(known.partials):
        return {"op": fn.name(), "known": False, "expression": None, "operand": None,
                "derivative": None, "at": None, "value": None}
    values = Values(fn, known.operands)
    symbols = {s: getattr(values, s) for s in SYMBOLS[:len(fn.next_functions)]}
    parameters = parameter_names(fn)
    derivative = " + ".join(tex(known.partials[i][0], values) for i in indices)
    return {"op": fn.name(), "known": True,
            "expression": fill(tex(known.expression, values), SYMBOL_NAMES | parameters),
            "operand": ", ".join(SYMBOLS[i] for i in indices if i < len(SYMBOLS)),
            "derivative": fill(derivative, SYMBOL_NAMES | parameters),
            "at": plugged(derivative, symbols, parameters),
            "value": plain(evaluate_partials(known, values, indices, source))}


def parameter_names(fn):
    """{template name: LaTeX number} for the PARAMETERS the node `fn` saved as numbers."""
    parameters = {name: number_tex(value, bare=True) for name, value in
                  ((name, saved(fn, attribute)) for name, attribute in PARAMETERS.items())
                  if isinstance(value, (int, float)) and not isinstance(value, bool)}
    if "n" in parameters:
        parameters["m"] = number_tex(saved(fn, "exponent") - 1, bare=True)
    return parameters


def evaluate_partials(known, values, indices, source):
    """The rule's value as a Jacobian of shape t.shape + source.shape, or None."""
    try:
        shape = source_shape(source)
        if values.like.numel() * math.prod(shape) > limits.MAX_JACOBIAN_ENTRIES:
            return None                  # as large as `local` is allowed to be, no larger
        total = None
        for i in indices:
            jacobian = as_jacobian(known, known.partials[i][1](values), values, shape)
            total = jacobian if total is None else total + jacobian
        return total
    except Exception:          # a rule that cannot be evaluated here: the value is unknown
        return None


def as_jacobian(known, partial, values, shape):
    """One partial of the Rule `known` (what its evaluator gave, at Values `values`) as the
    Jacobian d t / d operand of shape t.shape + `shape`."""
    out_shape = tuple(values.like.shape)
    partial = T(partial).to(values.like.dtype)
    if known.kind == "jacobian" or values.like.numel() == 1 == math.prod(shape):
        # (one entry in, one out: the partial is the whole Jacobian, whatever the kind)
        return partial.reshape(out_shape + shape)
    if known.kind == "elementwise" or saved(values.fn, "reduction") == 0:   # s broadcast to t
        positions = torch.arange(math.prod(shape)).reshape(shape).expand(out_shape)
        jacobian = one_hot_jacobian(positions, math.prod(shape), values.like.dtype, shape)
        weights = partial.expand(out_shape).reshape(out_shape + (1,) * len(shape))
        return jacobian * weights
    # reduction: d t / d a_j scattered to the output entry that a_j reduces into
    into = reduction_target(values, shape)
    jacobian = one_hot_jacobian(into, values.like.numel(), values.like.dtype, out_shape)
    moved = jacobian.reshape(math.prod(shape), values.like.numel()).T
    return (moved * partial.reshape(1, -1)).reshape(out_shape + shape)


def reduction_target(values, shape):
    """For each source entry, the index of the output entry it reduces into."""
    out = values.like
    if out.numel() == 1 or saved(values.fn, "reduction") is not None:
        return torch.zeros(shape, dtype=torch.long)
    kept = list(shape)
    for d in reduced_dims(values):
        kept[d] = 1
    return torch.arange(out.numel()).reshape(kept).expand(shape)
