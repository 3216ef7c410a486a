"""Which saved values each local derivative uses: autograd's derivative formulas
(tools/autograd/derivatives.yaml in PyTorch), for the operations students write.

`USES[op][saved name]` lists the positions of the op's inputs (in `next_functions` order)
whose derivative reads that saved value: `MulBackward0` saves `other` for d/d self (the
derivative of self * other with respect to self is other) and `self` for d/d other.
A declarative table; an op not in it answers None (not known), never a guess.
"""

SIZES = {"self_sym_sizes": (0,)}

USES = {
    "MulBackward0": {"self": (1,), "other": (0,)},
    "MulBackward1": {"other": (0,)},
    "DivBackward0": {"self": (1,), "other": (0, 1)},
    "DivBackward1": {"other": (0,)},
    "PowBackward0": {"self": (0,), "exponent": (0,)},
    "PowBackward1": {"self": (0, 1), "exponent": (0,), "result": (1,)},
    "PowBackward2": {"exponent": (0,), "result": (0,), "self": (0,)},
    "ExpBackward0": {"result": (0,)},
    "SinBackward0": {"self": (0,)},
    "CosBackward0": {"self": (0,)},
    "TanBackward0": {"result": (0,)},
    "TanhBackward0": {"result": (0,)},
    "SigmoidBackward0": {"result": (0,)},
    "SqrtBackward0": {"result": (0,)},
    "RsqrtBackward0": {"result": (0,)},
    "ReluBackward0": {"result": (0,)},
    "LogBackward0": {"self": (0,)},
    "Log1PBackward0": {"self": (0,)},
    "AbsBackward0": {"self": (0,)},
    "ReciprocalBackward0": {"result": (0,)},
    "AddBackward0": {"alpha": (1,)},
    "SubBackward0": {"alpha": (1,)},
    "RsubBackward0": {"alpha": (1,)},
    "RsubBackward1": {"alpha": (0,)},
    "MvBackward0": {"self": (1,), "vec": (0,)},
    "MmBackward0": {"self": (1,), "mat2": (0,), "self_sym_sizes": (0,),
                    "self_sym_strides": (0,), "mat2_sym_sizes": (1,),
                    "mat2_sym_strides": (1,)},
    "DotBackward0": {"self": (1,), "tensor": (0,)},
    "SumBackward0": SIZES,
    "SumBackward1": {"self_sym_sizes": (0,), "dim": (0,), "keepdim": (0,)},
    "MeanBackward0": {"self_sym_sizes": (0,), "self_sym_numel": (0,)},
    "MeanBackward1": {"self_sym_sizes": (0,), "self_sym_numel": (0,), "dim": (0,),
                      "keepdim": (0,)},
    "SelectBackward0": {"self_sym_sizes": (0,), "dim": (0,), "index": (0,)},
    "ExpandBackward0": SIZES,
    "ViewBackward0": SIZES,
    "UnsqueezeBackward0": {"dim": (0,)},
    "SqueezeBackward0": SIZES,
}


def uses_of(op, name, operands):
    """The operands (items of `operands`, one per input position; None ones left out) whose
    local derivative uses the saved value `name` of an `op` node; None when not known."""
    positions = USES.get(op, {}).get(name)
    if positions is None:
        return None
    return [operands[i] for i in positions if i < len(operands) and operands[i] is not None]
