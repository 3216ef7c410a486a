"""Property-based: random well-formed programs, every node's and every edge's gradient
checked against torch.autograd.grad computed directly on the same computation.

Programs are generated as a list of steps; the same steps become both the source text sent to
`evaluate` and a direct PyTorch computation (no exec: the test applies the ops itself).
"""
import math

import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support.documents import document_of
from tests.support.numbers import close

SHAPES = [(), (3,), (2, 3)]
UNARY = {
    "sin": ("torch.sin({a})", torch.sin),
    "exp": ("torch.exp({a})", torch.exp),
    "tanh": ("torch.tanh({a})", torch.tanh),
    "sigmoid": ("torch.sigmoid({a})", torch.sigmoid),
    "square": ("{a} ** 2", lambda a: a ** 2),
    "neg": ("-{a}", lambda a: -a),
    "scale": ("{a} * 1.5", lambda a: a * 1.5),
    "sum": ("{a}.sum()", lambda a: a.sum()),
}
BINARY = {
    "add": ("{a} + {b}", lambda a, b: a + b),
    "sub": ("{a} - {b}", lambda a, b: a - b),
    "mul": ("{a} * {b}", lambda a, b: a * b),
}
ROWS = {  # need at least one dimension
    "first": ("{a}[0]", lambda a: a[0]),
    "sum0": ("{a}.sum(dim=0)", lambda a: a.sum(dim=0)),
}
numbers = st.floats(-2, 2, allow_nan=False).map(lambda v: round(v, 2))


@st.composite
def programs(draw):
    steps, shapes = [], {}
    for i in range(draw(st.integers(1, 3))):
        shape = draw(st.sampled_from(SHAPES))
        count = math.prod(shape)
        data = torch.tensor(draw(st.lists(numbers, min_size=count, max_size=count)))
        steps.append(("input", f"x{i}", data.reshape(shape).tolist()))
        shapes[f"x{i}"] = shape
    for k in range(draw(st.integers(1, 7))):
        names = list(shapes)
        a = draw(st.sampled_from(names))
        kinds = ["unary", "binary"] + (["rows"] if shapes[a] else [])
        kind = draw(st.sampled_from(kinds))
        if kind == "unary":
            op = draw(st.sampled_from(sorted(UNARY)))
            operands, shape = (a,), () if op == "sum" else shapes[a]
        elif kind == "rows":
            op = draw(st.sampled_from(sorted(ROWS)))
            operands, shape = (a,), shapes[a][1:]
        else:
            op = draw(st.sampled_from(sorted(BINARY)))
            b = draw(st.sampled_from(names))     # may be `a` itself: shared subexpressions
            operands = (a, b)
            shape = torch.broadcast_shapes(shapes[a], shapes[b])
        steps.append((op, f"v{k}", operands))
        shapes[f"v{k}"] = tuple(shape)
    return steps, shapes


def source_of(steps, shapes):
    lines = []
    for op, name, operands in steps:
        if op == "input":
            lines.append(f"{name} = torch.tensor({operands!r}, requires_grad=True)")
        else:
            template = {**UNARY, **BINARY, **ROWS}[op][0]
            lines.append(f"{name} = " + template.format(**dict(zip("ab", operands))))
    last = steps[-1][1]
    lines.append(f"out = {last}.sum()" if shapes[last] else f"out = {last} * 1.0")
    lines.append("out.backward()")
    return "\n".join(lines) + "\n"


def run_directly(steps, shapes):
    env = {}
    for op, name, operands in steps:
        if op == "input":
            env[name] = torch.tensor(operands, requires_grad=True)
        else:
            function = {**UNARY, **BINARY, **ROWS}[op][1]
            env[name] = function(*(env[o] for o in operands))
    last = steps[-1][1]
    env["out"] = env[last].sum() if shapes[last] else env[last] * 1.0
    return env


def edge_vjp(steps, shapes, env, source, target, upstream):
    """What flows back along source -> target alone: the target's own op, differentiated with
    respect to this operand only (the other operands held fixed), times the upstream grad."""
    point = env[source].detach().requires_grad_(True)
    if target == "out":
        last = steps[-1][1]
        result = point.sum() if shapes[last] else point * 1.0
    else:
        op, _, operands = next(step for step in steps if step[1] == target)
        function = {**UNARY, **BINARY, **ROWS}[op][1]
        result = function(*(point if o == source else env[o].detach() for o in operands))
    (vjp,) = torch.autograd.grad(result, point, grad_outputs=upstream)
    return vjp


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(programs())
def test_every_node_and_edge_gradient_matches_autograd(program):
    steps, shapes = program
    doc = document_of(source_of(steps, shapes))
    env = run_directly(steps, shapes)
    named = {n: t for n, t in env.items() if t.requires_grad}
    direct = dict(zip(named, torch.autograd.grad(env["out"], list(named.values()),
                                                 retain_graph=True, allow_unused=True)))
    nodes = {n["id"]: n for n in doc["graph"]["nodes"]}
    checked_nodes = 0
    for node in nodes.values():
        if node["name"] in named:
            assert close(node["value"], env[node["name"]].detach(), rel=1e-5, abs_=1e-6), node
            if direct[node["name"]] is not None:
                assert close(node["grad"], direct[node["name"]], rel=1e-5, abs_=1e-6), node
                checked_nodes += 1
    assert checked_nodes >= 2          # at least an input and the output
    for edge in doc["graph"]["edges"]:
        source, target = nodes[edge["source"]], nodes[edge["target"]]
        if edge["constant"] or source["name"] not in named or target["name"] not in named:
            continue
        expected = edge_vjp(steps, shapes, env, source["name"], target["name"],
                            direct[target["name"]])
        assert close(edge["grad"], expected, rel=1e-5, abs_=1e-6), \
            (edge, source["name"], target["name"])
    for input_id, paths in doc["paths"].items():
        if paths["sum"] is not None:
            assert math.isclose(paths["sum"], paths["grad"], rel_tol=1e-4, abs_tol=1e-5)
