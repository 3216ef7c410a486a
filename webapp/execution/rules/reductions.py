"""Rules of the ops that reduce their operand (sum, mean, max, var, norm, ...) and of the
losses: each partial gives d t / d a_j, scattered into the output entry that a_j reduces into.
`TABLE`: autograd node name -> Rule (see `model`).
"""
import torch

from webapp.execution.rules.model import Table, reduced_dims

TABLE = Table()
rule = TABLE.rule

# -- losses ------------------------------------------------------------------------------------
rule("MseLossBackward0", r"\operatorname{mean}(($a - $b)^2)",
     (r"\frac{2}{N}(${a}_j - ${b}_j)", lambda v: loss_scale(v) * 2 * (v.a - v.b)),
     (r"-\frac{2}{N}(${a}_j - ${b}_j)", lambda v: -loss_scale(v) * 2 * (v.a - v.b)),
     kind="reduction", operands=("self", "target"))
rule("BinaryCrossEntropyWithLogitsBackward0",
     r"-\operatorname{mean}(y \ln\sigma($a) + (1-y)\ln(1-\sigma($a)))",
     (r"\frac{1}{N}(\sigma(${a}_j) - y_j)", lambda v: loss_scale(v) * (torch.sigmoid(v.a) - v.target)),
     kind="reduction")
rule("BinaryCrossEntropyBackward0", r"-\operatorname{mean}(y \ln($a) + (1-y)\ln(1-$a))",
     (r"\frac{1}{N}\frac{${a}_j - y_j}{${a}_j(1 - ${a}_j)}",
      lambda v: loss_scale(v) * (v.a - v.target) / (v.a * (1 - v.a))), kind="reduction")


def loss_scale(v):
    """1/N for reduction "mean" (1), 1 for "sum" (2); "none" (0) is elementwise."""
    return 1 / v.a.numel() if v.reduction == 1 else 1.0


# -- reductions: d t / d a_j, scattered into the output entry a_j reduces into ------------------
rule("SumBackward0", r"\sum_j ${a}_j", ("1", lambda v: torch.ones_like(v.a)), kind="reduction")
rule("SumBackward1", r"\sum_{j \in \mathrm{dim}} ${a}_j", ("1", lambda v: torch.ones_like(v.a)),
     kind="reduction")
rule("MeanBackward0 MeanBackward1", r"\frac{1}{N}\sum_j ${a}_j",
     (r"\frac{1}{N}", lambda v: torch.full_like(v.a, v.like.numel() / v.a.numel())),
     kind="reduction")
rule("ProdBackward0", r"\prod_j ${a}_j", (r"\prod_{k \ne j} ${a}_k", lambda v: product_of_others(v.a)),
     kind="reduction")
rule("MaxBackward1 AmaxBackward0", r"\max_j ${a}_j",
     (r"\frac{[${a}_j = \max]}{\#\max}", lambda v: ties(v)), kind="reduction")
rule("MinBackward1 AminBackward0", r"\min_j ${a}_j",
     (r"\frac{[${a}_j = \min]}{\#\min}", lambda v: ties(v)), kind="reduction")
rule("VarBackward0", r"\frac{1}{N - c}\sum_j (${a}_j - \bar{$a})^2",
     (r"\frac{2(${a}_j - \bar{$a})}{N - c}",
      lambda v: 2 * (v.a - v.a.mean()) / (v.a.numel() - correction(v))), kind="reduction")
rule("StdBackward0", r"\sqrt{\frac{1}{N - c}\sum_j (${a}_j - \bar{$a})^2}",
     (r"\frac{${a}_j - \bar{$a}}{(N - c)\,t}",
      lambda v: (v.a - v.a.mean()) / ((v.a.numel() - correction(v)) * v.t)), kind="reduction")
rule("LinalgVectorNormBackward0", r"\|$a\|_p",
     (r"\frac{${a}_j}{\|$a\|_2} \text{ or } \operatorname{sign} ${a}_j \ (p = 1)",
      lambda v: {2: lambda: v.a / v.t, 1: lambda: torch.sign(v.a)}[v.ord]()), kind="reduction")
rule("LogsumexpBackward0", r"\ln \sum_j e^{${a}_j}",
     (r"\frac{e^{${a}_j}}{\sum_k e^{${a}_k}}", lambda v: torch.exp(v.a - expand_kept(v))),
     kind="reduction")


def product_of_others(a):
    """For each entry of `a`, the product of all the others (zeros allowed)."""
    flat = a.reshape(-1)
    others = [torch.cat([flat[:j], flat[j + 1:]]).prod() for j in range(flat.numel())]
    return torch.stack(others).reshape(a.shape) if others else torch.ones_like(a)


def ties(v):
    """1 / (number of entries equal to the extreme) at each of them, per reduced slice."""
    mask = (v.a == expand_kept(v)).to(v.like.dtype)
    return mask / mask.sum(dim=reduced_dims(v), keepdim=True)


def correction(v):
    """var and std's correction c (N - c in the denominator): 1 unless given."""
    return 1 if v.correction is None else v.correction


def expand_kept(v):
    """The output broadcast back over the reduced dims (logsumexp keeps no dims)."""
    dims = reduced_dims(v)
    t = v.t
    if v.keepdim or t.dim() == v.a.dim():
        return t
    for d in sorted(dims):
        t = t.unsqueeze(d)
    return t
