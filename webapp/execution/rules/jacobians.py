"""Rules given as whole Jacobians: linear algebra (mm, mv, dot, trace), ops that couple the
entries along a dim (cumsum, softmax) and ops that only move entries around (view, transpose,
slice, cat, ...). `TABLE`: autograd node name -> Rule (see `model`).
"""
import math

import torch

from webapp.execution.rules.model import Table, one_hot_jacobian, source_shape, source_value

TABLE = Table()
rule = TABLE.rule


def eye(n, dtype):
    """The n × n identity."""
    return torch.eye(n, dtype=dtype)


rule("MmBackward0", r"$a $b",
     (r"\frac{\partial t_{ik}}{\partial ${a}_{mn}} = \delta_{im} \cdot ${b}_{nk}",
      lambda v: torch.einsum("im,nk->ikmn", eye(v.a.shape[0], v.like.dtype), v.b)),
     (r"\frac{\partial t_{ik}}{\partial ${b}_{mn}} = ${a}_{im}\,\delta_{nk}",
      lambda v: torch.einsum("im,nk->ikmn", v.a, eye(v.b.shape[1], v.like.dtype))),
     kind="jacobian", operands=("self", "mat2"))
rule("MvBackward0", r"$a $b",
     (r"\frac{\partial t_i}{\partial ${a}_{mn}} = \delta_{im} \cdot ${b}_n",
      lambda v: torch.einsum("im,n->imn", eye(v.a.shape[0], v.like.dtype), v.b)),
     (r"\frac{\partial t_i}{\partial ${b}_n} = ${a}_{in}", lambda v: v.a),
     kind="jacobian", operands=("self", "vec"))
rule("DotBackward0", r"$a \cdot $b = \sum_j ${a}_j ${b}_j", (r"${b}_j", lambda v: v.b),
     (r"${a}_j", lambda v: v.a), kind="jacobian", operands=("self", "tensor"))
rule("TraceBackward0", r"\sum_i ${a}_{ii}", (r"\delta_{mn}", lambda v: eye(v.a.shape[0], v.like.dtype)
                                          [:, :v.a.shape[1]] if v.a.shape[0] <= v.a.shape[1]
                                          else eye(v.a.shape[1], v.like.dtype)[:v.a.shape[0]]),
     kind="jacobian")
rule("CumsumBackward0", r"t_i = \sum_{j \le i} ${a}_j",
     (r"[j \le i]", lambda v: along_dim(v, lambda t: torch.tril(torch.ones(len(t), len(t),
                                                                           dtype=t.dtype)))),
     kind="jacobian")
rule("SoftmaxBackward0", r"t_i = \frac{e^{${a}_i}}{\sum_k e^{${a}_k}}",
     (r"t_i(\delta_{ij} - t_j)", lambda v: along_dim(v, lambda t: torch.diag(t)
                                                       - torch.outer(t, t))), kind="jacobian")
rule("LogSoftmaxBackward0", r"t_i = ${a}_i - \ln \sum_k e^{${a}_k}",
     (r"\delta_{ij} - \frac{e^{${a}_j}}{\sum_k e^{${a}_k}}",
      lambda v: along_dim(v, lambda t: eye(len(t), t.dtype) - torch.exp(t).expand(len(t), -1))),
     kind="jacobian")

def along_dim(v, block):
    """A Jacobian that couples entries only along `dim`: block(slice of t) for every slice."""
    t = v.like
    dim = v.dim % t.dim() if t.dim() else 0
    size = t.shape[dim] if t.dim() else 1
    values = (v.t if v.t is not None else t).movedim(dim, -1).reshape(-1, size) if t.dim() \
        else t.reshape(1, 1)
    positions = torch.arange(t.numel()).reshape(t.shape).movedim(dim, -1).reshape(values.shape) \
        if t.dim() else torch.zeros(1, 1, dtype=torch.long)
    jacobian = torch.zeros(t.numel(), t.numel(), dtype=t.dtype)
    for row, where in zip(values, positions):
        jacobian[where[:, None], where[None, :]] = block(row)
    return jacobian


MOVES = r"1 \text{ if } t_i \text{ is a copy of } ${a}_j \text{, else } 0"
MOVED_BY = {
    "ViewBackward0": lambda i, v: i.reshape(v.like.shape),
    "UnsafeViewBackward0": lambda i, v: i.reshape(v.like.shape),
    "SqueezeBackward0": lambda i, v: i.reshape(v.like.shape),
    "SqueezeBackward1": lambda i, v: i.reshape(v.like.shape),
    "SqueezeBackward4": lambda i, v: i.reshape(v.like.shape),
    "UnsqueezeBackward0": lambda i, v: i.reshape(v.like.shape),
    "TBackward0": lambda i, v: i.t(),
    "TransposeBackward0": lambda i, v: i.transpose(v.dim0, v.dim1),
    "PermuteBackward0": lambda i, v: i.permute(v.dims),
    "ExpandBackward0": lambda i, v: i.expand(v.like.shape),
    "RepeatBackward0": lambda i, v: i.repeat(v.repeats),
    "SelectBackward0": lambda i, v: i.select(v.dim, v.index),
    "SliceBackward0": lambda i, v: i[(slice(None),) * v.dim
                                     + (slice(v.start, min(v.end, 2**62), v.step),)],
    "TrilBackward0": lambda i, v: torch.where(torch.tril(torch.ones_like(i)) > 0, i, -1),
    "TriuBackward0": lambda i, v: torch.where(torch.triu(torch.ones_like(i)) > 0, i, -1),
}
for _name in MOVED_BY:
    rule(_name, r"\text{the entries of } $a \text{, moved}",
         (MOVES, lambda v, _name=_name: moved_jacobian(MOVED_BY[_name], v)), kind="jacobian")
rule("CatBackward0 StackBackward0", r"\text{the operands side by side}",
     *[(MOVES, lambda v, k=k: joined_jacobian(v, k)) for k in range(8)], kind="jacobian")


def moved_jacobian(move, v):
    """For ops that only move entries: apply the op to the entries' positions."""
    shape = source_shape(v.fn.next_functions[0][0])
    positions = torch.arange(math.prod(shape)).reshape(shape)
    return one_hot_jacobian(move(positions, v), math.prod(shape), v.like.dtype, shape)


def joined_jacobian(v, k):
    """cat/stack: positions of operand k, -1 for every other operand's entries."""
    sources = [source_value(v.fn, i) for i in range(len(v.fn.next_functions))]
    pieces = [torch.arange(s.numel()).reshape(s.shape) if i == k
              else torch.full(s.shape, -1) for i, s in enumerate(sources)]
    join = torch.stack if v.fn.name() == "StackBackward0" else torch.cat
    return one_hot_jacobian(join(pieces, v.dim), sources[k].numel(), v.like.dtype, sources[k].shape)
