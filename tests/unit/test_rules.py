"""The rule on every edge (webapp/execution/rules/): each written rule, evaluated at the node's values,
equals the local derivative autograd produced for that edge, on the lecture's programs and on
one program per operation the language allows; an op without a written rule says so."""
import math

import pytest
import torch

from tests.support.documents import document_of
from tests.support.numbers import close
from webapp.execution.rules import annotate as rules

VEC = "x = torch.tensor([0.3, 0.5, 0.7], requires_grad=True)\n" \
      "y = torch.tensor([0.2, 0.4, 0.9], requires_grad=True)\n" \
      "s = torch.tensor(0.6, requires_grad=True)\n" \
      "M = torch.tensor([[0.1, 0.2], [0.3, 0.4]], requires_grad=True)\n" \
      "N = torch.tensor([[0.5, 0.2], [0.3, 0.1]], requires_grad=True)\n" \
      "v = torch.tensor([0.5, 0.2], requires_grad=True)\n"
UNARY = """sin cos tan asin acos atan sinh cosh tanh asinh atanh exp exp2 expm1 log log2 log10 log1p
    sqrt rsqrt square abs neg sign floor ceil round trunc frac reciprocal erf sigmoid relu sum
    mean prod amax amin std var norm max min""".split()
FUNCTIONAL = "relu6 elu selu gelu silu softplus softsign sigmoid tanh hardtanh logsigmoid".split()
EXPRESSIONS = [f"torch.{name}(x)" for name in UNARY] + [f"F.{name}(x)" for name in FUNCTIONAL] + [
    "torch.acosh(x + 2)", "torch.logsumexp(x, 0)", "torch.sum(M, dim=0)", "M.mean(dim=1)",
    "torch.cumsum(x, 0)", "torch.softmax(x, 0)", "torch.log_softmax(x, 0)",
    "torch.clamp(x, min=0.4)", "torch.clamp(x, 0.4, 0.6)", "torch.clip(x, max=0.4)",
    "x + y", "x + 2", "2 + x", "x - y", "x - 2", "2 - x", "torch.add(x, y, alpha=2)",
    "torch.sub(x, s, alpha=3)", "x * y", "x * 3", "3 * x", "x * s", "x / y", "x / 2", "1 / x",
    "s / x", "x ** 2", "x ** 3", "x ** -1.5", "x ** y", "2 ** x", "torch.pow(x, 0.5)",
    "torch.atan2(x, y)", "torch.hypot(x, y)", "torch.maximum(x, y)", "torch.minimum(x, y)",
    "torch.maximum(x, x)", "torch.where(x > 0.4, x, y)", "torch.lerp(x, y, 0.3)",
    "torch.lerp(x, y, s)", "torch.remainder(x, 0.4)", "torch.fmod(x, 0.4)",
    "torch.remainder(x, y)", "torch.fmod(x, y)", "M @ N", "M @ v", "v @ M", "torch.dot(x, y)",
    "x @ y", "torch.outer(x, y)", "torch.trace(M)", "torch.tril(M)", "torch.triu(M)",
    "M.reshape(4)", "M.view(4)", "M.flatten()", "M.unsqueeze(0).squeeze()", "x.unsqueeze(0)",
    "M.transpose(0, 1)", "M.t()", "M.T", "M.permute(1, 0)", "torch.stack([x, y])",
    "torch.cat([x, y])", "torch.hstack([x, y])", "torch.vstack([x, y])", "x[0]", "x[1:]",
    "M[0, 1]", "M[:, 1]", "s.expand(3)", "torch.broadcast_to(s, (3,))", "x.repeat(2)",
    "x.clone()", "x.double()", "F.leaky_relu(x - 0.5, negative_slope=0.1)", "F.softmax(x, dim=0)",
    "F.log_softmax(x, dim=0)", "F.mse_loss(x, y)", "F.mse_loss(x, y, reduction='sum')",
    "F.binary_cross_entropy(torch.sigmoid(x), torch.tensor([0.0, 1.0, 1.0]))",
    "F.binary_cross_entropy_with_logits(x, torch.tensor([0.0, 1.0, 1.0]))", "x * x",
    "x + x", "torch.sin(s) * s", "torch.exp(-s)", "s ** 2 + torch.exp(-s)",
    "torch.sigmoid(s) + torch.tanh(s)", "-1 / (s ** 2 + 1) * torch.log(1 / (1 + torch.exp(-s)) + 1)",
    "torch.cross(x, y, dim=0)", "torch.diag(x)", "torch.cumprod(x, 0)", "M.prod(dim=0)",
    "torch.max(M, dim=0)[0]", "F.cross_entropy(M, torch.tensor([0, 1]))", "F.huber_loss(x, y)",
    "F.smooth_l1_loss(x, y)", "F.l1_loss(x, y)", "F.normalize(x, dim=0)", "F.linear(v, M)",
    "F.linear(v, M, v)", "F.cosine_similarity(x, y, dim=0)", "torch.einsum('i,i->', x, y)",
    "torch.inner(x, y)", "torch.tensordot(x, y, 1)", "torch.bmm(M.unsqueeze(0), N.unsqueeze(0))",
    "F.pad(x, (1, 1))", "F.dropout(x, p=0.0)", "torch.norm(x, p=1)", "torch.std(x, correction=0)",
    "torch.var(x, dim=0)", "x[torch.tensor([0, 2])]", "torch.mv(M, v)", "torch.mm(M, N)",
    "M.sum(dim=1, keepdim=True)", "torch.amax(M, dim=1)", "torch.logsumexp(M, dim=1)",
    "torch.relu(x - 0.5)", "torch.abs(x - 0.5)", "x.expand(2, 3)", "torch.where(x > 0.4, x, 0.0)",
]
# Ops the language reaches that have no written rule: the edge says so (known: false).
WITHOUT_RULE = {"DiagEmbedBackward0", "LinalgCrossBackward0", "BmmBackward0", "CumprodBackward0",
                "ProdBackward1", "MaxBackward0", "MinBackward0", "NllLossBackward0",
                "SmoothL1LossBackward0", "HuberLossBackward0", "IndexBackward0",
                "UnbindBackward0", "AsStridedBackward0", "ConstantPadNdBackward0",
                "NormBackward1", "TraceBackward1", "AddmmBackward0"}


def flat(value):
    if isinstance(value, list):
        return [x for item in value for x in flat(item)]
    return [value]


def summed_to_source(local, target_shape, source_shape):
    """autograd's node, called alone, hands back a broadcast operand's gradient before the
    engine sums it to the operand's shape (x * s with s a scalar): sum it here the same way."""
    if local is None or target_shape is None or source_shape is None or \
            len(flat(local)) == math.prod(target_shape) * math.prod(source_shape):
        return local
    jacobian = torch.tensor(local, dtype=torch.float64)
    extra = jacobian.dim() - len(target_shape) - len(source_shape)
    if extra < 0:
        return local
    if extra:
        jacobian = jacobian.sum(dim=tuple(range(len(target_shape), len(target_shape) + extra)))
    for d, size in enumerate(source_shape):
        if size == 1:
            jacobian = jacobian.sum(dim=len(target_shape) + d, keepdim=True)
    return jacobian.tolist()


def checked_edges(doc):
    """Every edge with a rule; asserts each known rule's value equals autograd's local."""
    found = []
    nodes = {node["id"]: node for node in doc["graph"]["nodes"]}
    for edge in doc["graph"]["edges"]:
        rule = edge["rule"]
        if edge["constant"]:
            assert rule is None
            continue
        assert rule is not None and rule["op"], edge
        local = summed_to_source(edge["local"], nodes[edge["target"]]["shape"],
                                 nodes[edge["source"]]["shape"])
        if rule["known"] and local is not None:
            assert rule["value"] is not None, (rule, local)
            assert close(rule["value"], local, rel=1e-5, abs_=1e-6), (rule, local)
        found.append(rule)
    return found


def test_every_lecture_program_has_a_checked_rule_on_every_edge(lecture_examples):
    for example in lecture_examples:
        if "error" in example or example["id"] == "gradient_descent":
            continue
        found = checked_edges(document_of(example["source"]))
        assert found and all(rule["known"] for rule in found), example["id"]


@pytest.mark.parametrize("expression", EXPRESSIONS)
def test_each_rule_equals_autograds_local_derivative(expression):
    doc = document_of(f"import torch.nn.functional as F\n{VEC}z = {expression}\n"
                   "w = (z * torch.ones_like(z)).sum()\nw.backward()\n")
    found = checked_edges(doc)
    for rule in found:
        assert rule["known"] or rule["op"] in WITHOUT_RULE, rule
        if rule["known"]:
            assert rule["derivative"] and "$" not in rule["derivative"] + rule["expression"]


def test_every_rule_in_the_table_is_reached_by_a_tested_program():
    reached = set()
    for expression in EXPRESSIONS:
        doc = document_of(f"import torch.nn.functional as F\n{VEC}z = {expression}\n"
                       "w = (z * torch.ones_like(z)).sum()\nw.backward()\n")
        reached |= {e["rule"]["op"] for e in doc["graph"]["edges"] if e["rule"]}
    untested = set(rules.RULES) - reached - {"AddBackward1", "SubBackward1", "MulBackward1",
                                             "DivBackward1", "UnsafeViewBackward0",
                                             "SqueezeBackward1"}
    assert untested == set()


@pytest.mark.parametrize("source, op, derivative, at", [
    ("x = torch.tensor(2.0, requires_grad=True)\ny = torch.sin(x)\n", "SinBackward0",
     r"\cos(a)", r"\cos(2)"),
    ("x = torch.tensor(-1.5, requires_grad=True)\ny = x ** 3\n", "PowBackward0",
     r"3 \cdot a^{2}", r"3 \cdot (-1.5)^{2}"),
    ("x = torch.tensor(2.0, requires_grad=True)\ny = x ** 2\n", "PowBackward0",
     r"2 \cdot a", r"2 \cdot 2"),
    ("x = torch.tensor(0.5, requires_grad=True)\ny = torch.sigmoid(x)\n", "SigmoidBackward0",
     r"\sigma(a)\,(1 - \sigma(a))", r"\sigma(0.5)\,(1 - \sigma(0.5))"),
])
def test_rules_are_written_out_and_plugged_in(source, op, derivative, at):
    (edge,) = [e for e in document_of(source)["graph"]["edges"] if not e["constant"]]
    assert edge["rule"]["op"] == op
    assert edge["rule"]["derivative"] == derivative
    assert edge["rule"]["at"] == at
    assert close(edge["rule"]["value"], edge["local"], rel=1e-5, abs_=1e-6)


def test_mul_says_which_operand_and_uses_the_other():
    doc = document_of("x = torch.tensor(2.0, requires_grad=True)\n"
                   "y = torch.tensor(3.0, requires_grad=True)\nz = x * y\n")
    rules_by_operand = {e["rule"]["operand"]: e["rule"] for e in doc["graph"]["edges"]}
    assert rules_by_operand["a"]["derivative"] == "b" and rules_by_operand["a"]["value"] == 3.0
    assert rules_by_operand["b"]["derivative"] == "a" and rules_by_operand["b"]["value"] == 2.0
    assert rules_by_operand["a"]["expression"] == r"a \cdot b"


def test_an_operand_used_twice_adds_both_partials():
    (edge,) = document_of("x = torch.tensor(3.0, requires_grad=True)\ny = x * x\n")["graph"]["edges"]
    assert edge["rule"]["operand"] == "a, b"
    assert edge["rule"]["derivative"] == "b + a"
    assert edge["rule"]["value"] == edge["local"] == 6.0


def test_an_op_without_a_written_rule_says_so():
    doc = document_of("x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)\n"
                   "y = torch.tensor([0.5, 0.1, 0.2], requires_grad=True)\n"
                   "z = torch.cross(x, y, dim=0).sum()\n")
    unknown = [e["rule"] for e in doc["graph"]["edges"] if e["rule"] and not e["rule"]["known"]]
    assert unknown and all(r["derivative"] is None and r["value"] is None for r in unknown)
    assert {r["op"] for r in unknown} == {"LinalgCrossBackward0"}


def test_rule_value_uses_the_values_autograd_saved():
    """The values plugged in are the ones autograd's own formula uses (checked directly)."""
    doc = document_of("a = torch.tensor(0.7, requires_grad=True)\nb = torch.tensor(-1.2, "
                   "requires_grad=True)\nz = torch.atan2(a, b)\n")
    a, b = torch.tensor(0.7), torch.tensor(-1.2)
    expected = {"a": (b / (a ** 2 + b ** 2)).item(), "b": (-a / (a ** 2 + b ** 2)).item()}
    for edge in doc["graph"]["edges"]:
        assert math.isclose(edge["rule"]["value"], expected[edge["rule"]["operand"]],
                            rel_tol=1e-6)


def test_a_large_tensor_edge_has_its_rule_but_no_value():
    """Like `local`, the rule's Jacobian is not built beyond MAX_JACOBIAN_ENTRIES entries."""
    doc = document_of("x = torch.ones(100, 100, requires_grad=True)\ny = torch.sin(x).sum()\n")
    sin_edge = next(e for e in doc["graph"]["edges"] if e["rule"]["op"] == "SinBackward0")
    assert sin_edge["rule"]["derivative"] == r"\cos(a)"
    assert sin_edge["rule"]["value"] is None and sin_edge["local"] is None
