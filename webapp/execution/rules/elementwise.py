"""Rules of the elementwise ops: one operand (sin, exp, relu, ...) and two operands with
broadcasting (+, *, /, pow, where, ...). Each partial gives d t_k / d operand_k, broadcast
like the output. `TABLE`: autograd node name -> Rule (see `model`).
"""
import math

import torch

from webapp.execution.rules.model import T, Table

TABLE = Table()
rule = TABLE.rule

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
rule("ClampMinBackward0", r"\max($a, \mathrm{lo})", (r"[$a \ge \mathrm{lo}]",
                                                     lambda v: (v.a >= v.min).to(v.like.dtype)))
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
rule("AddBackward0", lambda v: "$a + $b" if v.alpha == 1 else r"$a + ${alpha} \cdot $b",
     ("1", lambda v: torch.ones_like(v.like)),
     (r"${alpha}", lambda v: torch.full_like(v.like, v.alpha)))
rule("SubBackward0", lambda v: "$a - $b" if v.alpha == 1 else r"$a - ${alpha} \cdot $b",
     ("1", lambda v: torch.ones_like(v.like)),
     (r"-${alpha}", lambda v: torch.full_like(v.like, -v.alpha)))
rule("AddBackward1", r"$a + k", ("1", lambda v: torch.ones_like(v.like)))
rule("SubBackward1", r"$a - k", ("1", lambda v: torch.ones_like(v.like)))
rule("RsubBackward1", lambda v: "k - $a" if v.alpha == 1 else r"k - ${alpha} \cdot $a",
     (r"-${alpha}", lambda v: torch.full_like(v.like, -v.alpha)))
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
