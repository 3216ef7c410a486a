"""The rule on every edge: each autograd op's local derivative, written out and evaluated.

`RULES[autograd name]` says how the op's output t depends on its operands a, b, c (in the order
of the node's `next_functions`) and gives, per operand, d t / d operand as LaTeX and as a
function of the values. `annotate(trace, target)` adds `rule` to every edge of a trace: the
LaTeX, the same with the numbers plugged in (scalars only), and the rule's value as a Jacobian
shaped like the edge's `local` (target.shape + source.shape), so a test can compare it with
what autograd computed. An op without a written rule says so (`known: false`).
Runs inside the sandbox child (torch).
"""
import math
from string import Template

import torch

from webapp.core import limits
from webapp.execution.capture.trace import is_leaf_node, plain, walk

RULES = {}
SYMBOLS = ("a", "b", "c")


class Rule:
    """`partials[i]`: (LaTeX of d t / d operand i, evaluator(values) -> tensor).

    kind "elementwise": the evaluator gives d t_k / d operand_k broadcast like the output;
    kind "jacobian": the evaluator gives the whole Jacobian itself.
    `operands` names autograd's saved tensors for a, b, c (used when the op saved them).
    """

    def __init__(self, expression, *partials, kind="elementwise", operands=("self", "other")):
        self.expression, self.partials, self.kind, self.operands = \
            expression, partials, kind, operands


def rule(names, expression, *partials, **options):
    for name in names.split():
        RULES[name] = Rule(expression, *partials, **options)


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
    try:
        value = getattr(fn, f"_saved_{name}")
    except (AttributeError, RuntimeError):
        return None
    return value.detach() if isinstance(value, torch.Tensor) else value


def first(*values):
    return next((v for v in values if v is not None), None)


def source_value(fn, index):
    if index >= len(fn.next_functions):
        return None
    source = fn.next_functions[index][0]
    if source is None:
        return None
    if is_leaf_node(source):
        return source.variable.detach()
    return source.metadata.get("value")


def T(value):
    return value if isinstance(value, torch.Tensor) else torch.tensor(value)


# -- elementwise functions of one operand ------------------------------------------------------
rule("SinBackward0", r"\sin($a)", (r"\cos($a)", lambda v: torch.cos(v.a)))
rule("CosBackward0", r"\cos($a)", (r"-\sin($a)", lambda v: -torch.sin(v.a)))
rule("TanBackward0", r"\tan($a)", (r"1 + \tan^2($a)", lambda v: 1 + v.t ** 2))
rule("AsinBackward0", r"\arcsin($a)", (r"\frac{1}{\sqrt{1 - $a^2}}",
                                      lambda v: 1 / torch.sqrt(1 - v.a ** 2)))
rule("AcosBackward0", r"\arccos($a)", (r"-\frac{1}{\sqrt{1 - $a^2}}",
                                      lambda v: -1 / torch.sqrt(1 - v.a ** 2)))
rule("AtanBackward0", r"\arctan($a)", (r"\frac{1}{1 + $a^2}", lambda v: 1 / (1 + v.a ** 2)))
rule("SinhBackward0", r"\sinh($a)", (r"\cosh($a)", lambda v: torch.cosh(v.a)))
rule("CoshBackward0", r"\cosh($a)", (r"\sinh($a)", lambda v: torch.sinh(v.a)))
rule("TanhBackward0", r"\tanh($a)", (r"1 - \tanh^2($a)", lambda v: 1 - v.t ** 2))
rule("AsinhBackward0", r"\operatorname{arsinh}($a)", (r"\frac{1}{\sqrt{$a^2 + 1}}",
                                                     lambda v: 1 / torch.sqrt(v.a ** 2 + 1)))
rule("AcoshBackward0", r"\operatorname{arcosh}($a)", (r"\frac{1}{\sqrt{$a^2 - 1}}",
                                                     lambda v: 1 / torch.sqrt(v.a ** 2 - 1)))
rule("AtanhBackward0", r"\operatorname{artanh}($a)", (r"\frac{1}{1 - $a^2}",
                                                     lambda v: 1 / (1 - v.a ** 2)))
rule("ExpBackward0", r"e^{$a}", (r"e^{$a}", lambda v: v.t))
rule("Exp2Backward0", r"2^{$a}", (r"2^{$a} \ln 2", lambda v: v.t * math.log(2)))
rule("Expm1Backward0", r"e^{$a} - 1", (r"e^{$a}", lambda v: v.t + 1))
rule("LogBackward0", r"\ln($a)", (r"\frac{1}{$a}", lambda v: 1 / v.a))
rule("Log2Backward0", r"\log_2 $a", (r"\frac{1}{$a \ln 2}", lambda v: 1 / (v.a * math.log(2))))
rule("Log10Backward0", r"\log_{10} $a", (r"\frac{1}{$a \ln 10}",
                                         lambda v: 1 / (v.a * math.log(10))))
rule("Log1PBackward0", r"\ln(1 + $a)", (r"\frac{1}{1 + $a}", lambda v: 1 / (1 + v.a)))
rule("SqrtBackward0", r"\sqrt{$a}", (r"\frac{1}{2\sqrt{$a}}", lambda v: 1 / (2 * v.t)))
rule("RsqrtBackward0", r"\frac{1}{\sqrt{$a}}", (r"-\frac{1}{2} $a^{-3/2}",
                                                lambda v: -0.5 * v.t ** 3))
rule("ReciprocalBackward0", r"\frac{1}{$a}", (r"-\frac{1}{$a^2}", lambda v: -v.t ** 2))
rule("ErfBackward0", r"\operatorname{erf}($a)", (r"\frac{2}{\sqrt{\pi}} e^{-$a^2}",
                                                lambda v: 2 / math.sqrt(math.pi)
                                                * torch.exp(-v.a ** 2)))
rule("SigmoidBackward0", r"\sigma($a) = \frac{1}{1 + e^{-$a}}",
     (r"\sigma($a)\,(1 - \sigma($a))", lambda v: v.t * (1 - v.t)))
rule("LogSigmoidBackward0", r"\ln \sigma($a)", (r"1 - \sigma($a)",
                                                lambda v: 1 - torch.sigmoid(v.a)))
rule("ReluBackward0", r"\max($a, 0)", (r"[$a > 0]", lambda v: (v.t > 0).to(v.like.dtype)))
rule("AbsBackward0", r"|$a|", (r"\operatorname{sign}($a)", lambda v: torch.sign(v.a)))
rule("NegBackward0", r"-$a", (r"-1", lambda v: -torch.ones_like(v.like)))
rule("SignBackward0 FloorBackward0 CeilBackward0 RoundBackward0 TruncBackward0",
     r"\operatorname{step}($a)", (r"0", lambda v: torch.zeros_like(v.like)))
rule("FracBackward0", r"$a - \lfloor $a \rfloor", (r"1", lambda v: torch.ones_like(v.like)))
rule("CloneBackward0 ToCopyBackward0", r"$a", (r"1", lambda v: torch.ones_like(v.like)))
rule("ClampBackward1", r"\min(\max($a, \mathrm{lo}), \mathrm{hi})",
     (r"[\mathrm{lo} \le $a \le \mathrm{hi}]",
      lambda v: ((v.a >= (-math.inf if v.min is None else v.min))
                 & (v.a <= (math.inf if v.max is None else v.max))).to(v.like.dtype)))
rule("HardtanhBackward0", r"\min(\max($a, \mathrm{lo}), \mathrm{hi})",
     (r"[\mathrm{lo} < $a < \mathrm{hi}]",
      lambda v: ((v.a > v.min_val) & (v.a < v.max_val)).to(v.like.dtype)))
rule("LeakyReluBackward0", r"\max($a, $s \cdot $a)",
     (r"[$a > 0] + $s\,[$a \le 0]", lambda v: torch.where(v.a > 0, 1.0, v.negative_slope)
      .to(v.like.dtype)))
rule("SiluBackward0", r"$a\,\sigma($a)", (r"\sigma($a)\,(1 + $a\,(1 - \sigma($a)))",
                                         lambda v: torch.sigmoid(v.a)
                                         * (1 + v.a * (1 - torch.sigmoid(v.a)))))
rule("SoftplusBackward0", r"\frac{1}{\beta}\ln(1 + e^{\beta $a})",
     (r"\sigma(\beta $a)", lambda v: torch.where(v.a * v.beta > v.threshold, 1.0,
                                                 torch.sigmoid(v.a * v.beta)).to(v.like.dtype)))
rule("GeluBackward0", r"$a\,\Phi($a)", (r"\Phi($a) + $a\,\varphi($a)", lambda v: (
    0.5 * (1 + torch.erf(v.a / math.sqrt(2)))
    + v.a * torch.exp(-v.a ** 2 / 2) / math.sqrt(2 * math.pi))))
rule("EluBackward0", r"\lambda\,( \cdot $a \text{ if } $a > 0 \text{ else } \alpha(e^{$a} - 1))",
     (r"\lambda\,(1 \text{ if } $a > 0 \text{ else } \alpha e^{$a})",
      lambda v: v.scale * torch.where(v.a > 0, 1.0, v.input_scale * v.alpha
                                      * torch.exp(v.a * v.input_scale))))

# -- two operands, elementwise with broadcasting -----------------------------------------------
rule("AddBackward0", lambda v: "$a + $b" if v.alpha == 1 else r"$a + ${alpha} \cdot $b", ("1", lambda v: torch.ones_like(v.like)),
     (r"${alpha}", lambda v: torch.full_like(v.like, v.alpha)))
rule("SubBackward0", lambda v: "$a - $b" if v.alpha == 1 else r"$a - ${alpha} \cdot $b", ("1", lambda v: torch.ones_like(v.like)),
     (r"-${alpha}", lambda v: torch.full_like(v.like, -v.alpha)))
rule("AddBackward1", r"$a + k", ("1", lambda v: torch.ones_like(v.like)))
rule("SubBackward1", r"$a - k", ("1", lambda v: torch.ones_like(v.like)))
rule("RsubBackward1", lambda v: "k - $a" if v.alpha == 1 else r"k - ${alpha} \cdot $a", (r"-${alpha}", lambda v: torch.full_like(v.like, -v.alpha)))
rule("MulBackward0", r"$a \cdot $b", ("$b", lambda v: v.b + torch.zeros_like(v.like)),
     ("$a", lambda v: v.a + torch.zeros_like(v.like)))
rule("MulBackward1", r"$a \cdot k", ("k", lambda v: torch.full_like(v.like, float(v.other))))
rule("DivBackward0", r"\frac{$a}{$b}", (r"\frac{1}{$b}", lambda v: 1 / v.b + torch.zeros_like(v.like)),
     (r"-\frac{$a}{$b^2}", lambda v: -v.a / v.b ** 2 + torch.zeros_like(v.like)))
rule("DivBackward1", r"\frac{$a}{k}", (r"\frac{1}{k}", lambda v: torch.full_like(v.like, 1 / v.other)))
rule("PowBackward0", r"$a^{$n}", (lambda v: {2: r"2 \cdot $a", 1: "1"}.get(v.exponent, r"$n \cdot $a^{$m}"),
                                  lambda v: v.exponent * T(v.a) ** (v.exponent - 1)))
rule("PowBackward1", r"$a^{$b}", (r"$b \cdot $a^{$b - 1}", lambda v: v.b * v.a ** (v.b - 1)),
     (r"$a^{$b} \ln($a)", lambda v: v.t * torch.log(v.a)))
rule("PowBackward2", r"k^{$a}", (r"k^{$a} \ln k", lambda v: v.t * math.log(v.self)),
     operands=("exponent",))
rule("Atan2Backward0", r"\operatorname{atan2}($a, $b)",
     (r"\frac{$b}{$a^2 + $b^2}", lambda v: v.b / (v.a ** 2 + v.b ** 2)),
     (r"-\frac{$a}{$a^2 + $b^2}", lambda v: -v.a / (v.a ** 2 + v.b ** 2)))
rule("HypotBackward0", r"\sqrt{$a^2 + $b^2}", (r"\frac{$a}{\sqrt{$a^2 + $b^2}}",
                                               lambda v: v.a / v.t),
     (r"\frac{$b}{\sqrt{$a^2 + $b^2}}", lambda v: v.b / v.t))
rule("MaximumBackward0", r"\max($a, $b)",
     (r"[$a > $b] + \tfrac12[$a = $b]", lambda v: (v.a > v.b) + 0.5 * (v.a == v.b)),
     (r"[$b > $a] + \tfrac12[$a = $b]", lambda v: (v.b > v.a) + 0.5 * (v.a == v.b)))
rule("MinimumBackward0", r"\min($a, $b)",
     (r"[$a < $b] + \tfrac12[$a = $b]", lambda v: (v.a < v.b) + 0.5 * (v.a == v.b)),
     (r"[$b < $a] + \tfrac12[$a = $b]", lambda v: (v.b < v.a) + 0.5 * (v.a == v.b)))
rule("WhereBackward0", r"$a \text{ where cond else } $b",
     (r"[\mathrm{cond}]", lambda v: v.condition + torch.zeros_like(v.like)),
     (r"[\lnot\mathrm{cond}]", lambda v: ~v.condition + torch.zeros_like(v.like)))
rule("LerpBackward0", r"$a + $w($b - $a)", ("1 - $w", lambda v: torch.full_like(v.like, 1 - v.weight)),
     ("$w", lambda v: torch.full_like(v.like, v.weight)), operands=("self", "end"))
rule("LerpBackward1", r"$a + $c($b - $a)", (r"1 - $c", lambda v: 1 - v.c + torch.zeros_like(v.like)),
     (r"$c", lambda v: v.c + torch.zeros_like(v.like)), (r"$b - $a", lambda v: v.b - v.a),
     operands=("self", "end", "weight"))
rule("RemainderBackward0 FmodBackward0", r"$a \bmod k", ("1", lambda v: torch.ones_like(v.like)))
rule("RemainderBackward1", r"$a \bmod $b", ("1", lambda v: torch.ones_like(v.like)),
     (r"-\lfloor $a / $b \rfloor", lambda v: -torch.floor(v.a / v.b)))
rule("FmodBackward1", r"\operatorname{fmod}($a, $b)", ("1", lambda v: torch.ones_like(v.like)),
     (r"-\operatorname{trunc}($a / $b)", lambda v: -torch.trunc(v.a / v.b)))
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
    flat = a.reshape(-1)
    others = [torch.cat([flat[:j], flat[j + 1:]]).prod() for j in range(flat.numel())]
    return torch.stack(others).reshape(a.shape) if others else torch.ones_like(a)


def ties(v):
    """1 / (number of entries equal to the extreme) at each of them, per reduced slice."""
    mask = (v.a == expand_kept(v)).to(v.like.dtype)
    return mask / mask.sum(dim=reduced_dims(v), keepdim=True)


def correction(v):
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


def reduced_dims(v):
    dim = v.dim
    if dim is None or dim == ():
        return tuple(range(v.a.dim()))
    dims = dim if isinstance(dim, tuple) else (dim,)
    return tuple(d % max(v.a.dim(), 1) for d in dims)


# -- whole Jacobians: linear algebra and moving entries around ---------------------------------
def eye(n, dtype):
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
rule("ClampMinBackward0", r"\max($a, \mathrm{lo})", (r"[$a \ge \mathrm{lo}]",
                                                     lambda v: (v.a >= v.min).to(v.like.dtype)))


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


def one_hot_jacobian(positions, source_numel, dtype, source_shape):
    flat = positions.reshape(-1)
    jacobian = torch.zeros(flat.numel(), source_numel, dtype=dtype)
    rows = torch.nonzero(flat >= 0).reshape(-1)
    jacobian[rows, flat[rows]] = 1
    return jacobian.reshape(tuple(positions.shape) + tuple(source_shape))


# -- the trace ---------------------------------------------------------------------------------

def annotate(trace, target):
    """Add `rule` to every edge of a trace (`capture.trace`'s plain data) of `target`."""
    fns = walk(target.grad_fn)
    by_key = {f"f{i}": fn for i, fn in enumerate(fns)}
    for edge in trace["edges"]:
        fn, source = by_key.get(edge["target"]), by_key.get(edge["source"])
        edge["rule"] = None if edge["constant"] or fn is None else edge_rule(fn, source)


def edge_rule(fn, source):
    """The rule for the edge source -> fn, as plain data."""
    indices = [i for i, (s, _) in enumerate(fn.next_functions) if s is source]
    known = RULES.get(fn.name())
    if known is None or not indices or max(indices) >= len(known.partials):
        return {"op": fn.name(), "known": False, "expression": None, "operand": None,
                "derivative": None, "at": None, "value": None}
    values = Values(fn, known.operands)
    symbols = {s: getattr(values, s) for s in SYMBOLS[:len(fn.next_functions)]}
    parameters = {name: number_tex(value, bare=True) for name, value in
                  ((name, saved(fn, attribute)) for name, attribute in PARAMETERS.items())
                  if isinstance(value, (int, float)) and not isinstance(value, bool)}
    if "n" in parameters:
        parameters["m"] = number_tex(saved(fn, "exponent") - 1, bare=True)
    derivative = " + ".join(tex(known.partials[i][0], values) for i in indices)
    return {"op": fn.name(), "known": True,
            "expression": fill(tex(known.expression, values), SYMBOL_NAMES | parameters),
            "operand": ", ".join(SYMBOLS[i] for i in indices if i < len(SYMBOLS)),
            "derivative": fill(derivative, SYMBOL_NAMES | parameters),
            "at": plugged(derivative, symbols, parameters),
            "value": plain(evaluate_partials(known, values, indices, source))}


# Parameters written as numbers where autograd saved one: $n is the exponent of pow.
PARAMETERS = {"n": "exponent", "alpha": "alpha", "w": "weight", "s": "negative_slope"}
SYMBOL_NAMES = {s: s for s in SYMBOLS} | {"n": "n", "m": "n - 1", "alpha": r"\alpha",
                                          "w": "w", "s": "s"}


def tex(template, values):
    return template(values) if callable(template) else template


def fill(template, names):
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
    return isinstance(value, (int, float)) or isinstance(value, torch.Tensor) \
        and value.numel() == 1 and value.dim() == 0


def number_tex(number, bare=False):
    text = f"{number:.4g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        text = rf"{mantissa} \times 10^{{{int(exponent)}}}"
    return f"({text})" if number < 0 and not bare else text


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


def source_shape(source):
    if source is None:
        return ()
    if is_leaf_node(source):
        return tuple(source.variable.shape)
    return tuple(first(source.metadata.get("value"), source.metadata.get("grad")).shape)
