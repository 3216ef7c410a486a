"""What a rule is: how an autograd op's output t depends on its operands a, b, c (in the order
of the node's `next_functions`), with, per operand, d t / d operand as LaTeX and as a function
of the values (`Rule`, collected in `Table`s by the rule modules), and the values a rule is
evaluated at (`Values`). Also the shape helpers the rules and their evaluation share.
Runs inside the sandbox child (torch).
"""
import torch

from webapp.execution.capture.nodes import is_leaf_node

SYMBOLS = ("a", "b", "c")


class Rule:
    """`partials[i]`: (LaTeX of d t / d operand i, evaluator(values) -> tensor).

    kind "elementwise": the evaluator gives d t_k / d operand_k broadcast like the output;
    kind "jacobian": the evaluator gives the whole Jacobian itself;
    kind "reduction": the evaluator gives d t / d a_j, scattered into the output entry a_j
    reduces into.
    `operands` names autograd's saved tensors for a, b, c (used when the op saved them).
    """

    def __init__(self, expression, *partials, kind="elementwise", operands=("self", "other")):
        self.expression, self.partials, self.kind, self.operands = \
            expression, partials, kind, operands


class Table(dict):
    """Rules by autograd node name (`SinBackward0`), as one rule module writes them."""

    def rule(self, names, expression, *partials, **options):
        """The same Rule(expression, *partials, **options) for each of the space-separated
        autograd `names`."""
        for name in names.split():
            self[name] = Rule(expression, *partials, **options)


class Values:
    """What a rule is evaluated at: operands a, b, c, the output t, and the node's own
    parameters (`fn._saved_*`, e.g. `n` for the exponent of pow)."""

    def __init__(self, fn, operands):
        self.fn = fn
        self.t = first(saved(fn, "result"), fn.metadata.get("value"))
        self.like = first(self.t, fn.metadata.get("grad"))     # the output's shape and dtype
        for index, (symbol, name) in enumerate(zip(SYMBOLS, operands)):
            setattr(self, symbol, first(saved(fn, name), source_value(fn, index)))

    def __getattr__(self, name):        # parameters: v.exponent is fn._saved_exponent
        return signed(saved(self.__dict__["fn"], name))


def signed(value):
    """autograd hands back negative dims as unsigned 64-bit numbers (-1 is 2**64 - 1)."""
    if isinstance(value, tuple):
        return tuple(signed(v) for v in value)
    if isinstance(value, int) and value >= 2**63:
        return value - 2**64
    return value


def saved(fn, name):
    """The node's `_saved_<name>` (a tensor detached), or None when it saved none."""
    try:
        value = getattr(fn, f"_saved_{name}")
    except (AttributeError, RuntimeError):
        return None
    return value.detach() if isinstance(value, torch.Tensor) else value


def first(*values):
    """The first of `values` that is not None (or None)."""
    return next((v for v in values if v is not None), None)


def source_value(fn, index):
    """The value of operand `index` of the node `fn`, as recorded, or None."""
    if index >= len(fn.next_functions):
        return None
    source = fn.next_functions[index][0]
    if source is None:
        return None
    if is_leaf_node(source):
        return source.variable.detach()
    return source.metadata.get("value")


def source_shape(source):
    """The shape (a tuple) of the autograd node `source`'s value; () for no node."""
    if source is None:
        return ()
    if is_leaf_node(source):
        return tuple(source.variable.shape)
    return tuple(first(source.metadata.get("value"), source.metadata.get("grad")).shape)


def T(value):
    """`value` as a tensor."""
    return value if isinstance(value, torch.Tensor) else torch.tensor(value)


def reduced_dims(v):
    """The dims (non-negative, a tuple) of operand a that the op of Values `v` reduces."""
    dim = v.dim
    if dim is None or dim == ():
        return tuple(range(v.a.dim()))
    dims = dim if isinstance(dim, tuple) else (dim,)
    return tuple(d % max(v.a.dim(), 1) for d in dims)


def one_hot_jacobian(positions, source_numel, dtype, source_shape):
    """The Jacobian of an op that copies entries: `positions[i]` is the flat index of the
    source entry that output entry i copies (-1: none). Shape positions.shape + source_shape."""
    flat = positions.reshape(-1)
    jacobian = torch.zeros(flat.numel(), source_numel, dtype=dtype)
    rows = torch.nonzero(flat >= 0).reshape(-1)
    jacobian[rows, flat[rows]] = 1
    return jacobian.reshape(tuple(positions.shape) + tuple(source_shape))

