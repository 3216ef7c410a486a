"""Forward mode on the graph (webapp/graph/forward_mode.py, POST /api/forward): tangents checked against
torch.autograd.forward_ad and torch.func.jvp run directly, and against reverse mode's gradient."""
import math

import pytest
import torch

from tests.support.documents import document_of
from tests.support.numbers import close
from webapp.graph import forward_mode

import torch.autograd.forward_ad as fwAD  # noqa: E402
import torch.func  # noqa: E402

# forward_ad loads its decompositions on first use through torch.jit.script, now deprecated.
pytestmark = pytest.mark.filterwarnings("ignore:`torch.jit.script` is deprecated")

T_XY = "x = torch.tensor(2.0, requires_grad=True)\ny = torch.tensor(3.0, requires_grad=True)\n" \
       "t = x + y\nz = x * t\nz.backward()\n"
SIN_EXP = "x = torch.tensor(2.0, requires_grad=True)\n" \
          "y = torch.sin((x + 2) + (1 + torch.exp(x ** 2)))\ny.backward()\n"


def by_name(doc):
    return {n["name"]: n["id"] for n in doc["graph"]["nodes"] if n["name"]}


def flat(value):
    if isinstance(value, list):
        return [x for item in value for x in flat(item)]
    return [value]


def test_tangents_of_named_nodes_equal_forward_ad():
    doc = document_of(T_XY)
    ids = by_name(doc)
    for seed_x, seed_y, chosen in ((1.0, 0.0, "x"), (0.0, 1.0, "y")):
        with fwAD.dual_level():
            x = fwAD.make_dual(torch.tensor(2.0), torch.tensor(seed_x))
            y = fwAD.make_dual(torch.tensor(3.0), torch.tensor(seed_y))
            t = x + y
            z = x * t
            expected = {name: float(fwAD.unpack_dual(v).tangent)
                        for name, v in (("t", t), ("z", z))}
        result = forward_mode.tangents(doc, chosen)
        assert result["input"] == ids[chosen]
        for name, tangent in expected.items():
            assert math.isclose(result["tangents"][ids[name]], tangent, rel_tol=1e-6), name
        assert result["output_tangent"] == result["tangents"][ids["z"]]
    assert forward_mode.tangents(doc, "x")["output_tangent"] == 7.0
    assert forward_mode.tangents(doc, "y")["output_tangent"] == 2.0


def test_the_output_tangent_equals_torch_func_jvp():
    result = forward_mode.tangents(document_of(SIN_EXP))
    _, expected = torch.func.jvp(lambda x: torch.sin((x + 2) + (1 + torch.exp(x ** 2))),
                                 (torch.tensor(2.0),), (torch.tensor(1.0),))
    assert math.isclose(result["output_tangent"], float(expected), rel_tol=1e-5)
    assert result["passes"] == {"forward_mode": 1, "reverse_mode": 1}


def test_a_vector_input_takes_one_pass_per_entry(lecture_examples):
    source = next(e for e in lecture_examples if e["id"] == "exercise_3_3")["source"]
    doc = document_of(source)
    W = torch.tensor([[1.0, 2.0], [2.0, 1.0]])
    for entry in range(2):
        result = forward_mode.tangents(doc, "x1", entry)
        direction = torch.zeros(2)
        direction[entry] = 1
        _, expected = torch.func.jvp(lambda v: torch.matmul(torch.matmul(v, W), v),
                                     (torch.tensor([1.0, 2.0]),), (direction,))
        assert close(result["output_tangent"], float(expected), rel=1e-5, abs_=1e-6)
        assert result["passes"] == {"forward_mode": 2, "reverse_mode": 1}
        assert result["tangents"][result["input"]] == [float(direction[0]), float(direction[1])]


def test_forward_mode_gives_reverse_modes_gradient_on_every_lecture_program(lecture_examples):
    checked = 0
    for example in lecture_examples:
        if "grads" not in example:
            continue
        doc = document_of(example["source"])
        for node in doc["graph"]["nodes"]:
            if node["kind"] != "input":
                continue
            for entry, grad in enumerate(flat(node["grad"])):
                result = forward_mode.tangents(doc, node["id"], entry)
                assert result["output_tangent"] is not None, example["id"]
                assert close(result["output_tangent"], grad, rel=1e-5, abs_=1e-6), \
                    (example["id"], entry)
                checked += 1
    assert checked >= 20


def test_the_timeline_goes_from_the_input_toward_the_output():
    doc = document_of(T_XY)
    ids = by_name(doc)
    result = forward_mode.tangents(doc, "y")
    nodes = [step["node"] for step in result["timeline"]]
    assert nodes == [ids["t"], ids["z"]]                       # x alone never moves with y
    assert nodes == sorted(nodes, key=lambda n: int(n[1:]))
    edges = {e["id"]: e for e in doc["graph"]["edges"]}
    for step in result["timeline"]:
        assert all(edges[e]["target"] == step["node"] for e in step["edges"])


def test_a_broadcast_scalar_operand_is_handled():
    doc = document_of("x = torch.tensor([0.3, 0.5, 0.7], requires_grad=True)\n"
                   "s = torch.tensor(0.6, requires_grad=True)\nz = (x * s).sum()\n")
    result = forward_mode.tangents(doc, "s")
    assert math.isclose(result["output_tangent"], 1.5, rel_tol=1e-6)


# The lecture's programs run by PyTorch directly in forward mode: each leaf made with
# requires_grad=True becomes a dual tensor (tangent one-hot at the chosen entry for the chosen
# leaf, zero for the others), so every variable the program binds carries PyTorch's tangent.
FORWARD_AD_PROGRAMS = ("sin_exp", "chain", "vector", "matrix_sum", "two_vars", "exercise_3_2",
                       "exercise_3_3", "branch", "sum_sin", "t_xy", "paths_uv", "difficult")


def forward_ad_run(source, chosen_index, entry):
    """{variable name: PyTorch's tangent} of the program's globals, seeding the chosen_index-th
    leaf that requires grad (in creation order) at `entry`."""
    original, made = torch.tensor, []

    def tensor(*args, requires_grad=False, **kwargs):
        primal = original(*args, **kwargs)
        if not requires_grad:
            return primal
        direction = torch.zeros_like(primal)
        if len(made) == chosen_index:
            direction.view(-1)[entry] = 1.0
        made.append(fwAD.make_dual(primal, direction))
        return made[-1]

    scope = {"__name__": "__student__", "torch": torch}
    torch.manual_seed(0)
    with fwAD.dual_level():
        torch.tensor = tensor
        try:
            exec(compile(until_backward(source), "<lecture program>", "exec"), scope)
        finally:
            torch.tensor = original
        return {name: tangent_of(value) for name, value in scope.items()
                if isinstance(value, torch.Tensor)}


def until_backward(source):
    """The program up to its backward call: what the graph shows (the repo's own text)."""
    lines = source.splitlines()
    end = next(i for i, line in enumerate(lines) if ".backward(" in line)
    return "\n".join(lines[:end]) + "\n"


def tangent_of(value):
    tangent = fwAD.unpack_dual(value).tangent
    return torch.zeros_like(value) if tangent is None else tangent.detach().clone()


@pytest.mark.parametrize("program", FORWARD_AD_PROGRAMS)
def test_every_named_tangent_and_flow_equals_forward_ad(lecture_examples, program):
    source = next(e for e in lecture_examples if e["id"] == program)["source"]
    doc = document_of(source)
    nodes = {n["id"]: n for n in doc["graph"]["nodes"]}
    names = [n["name"] for n in nodes.values()]
    inputs = sorted((n for n in nodes.values() if n["kind"] == "input"),
                    key=lambda n: int(n["id"][1:]))
    compared = 0
    for index, node in enumerate(inputs):
        for entry in range(math.prod(node["shape"])):
            expected = forward_ad_run(source, index, entry)
            result = forward_mode.tangents(doc, node["id"], entry)
            for node_id, tangent in result["tangents"].items():
                name = nodes[node_id]["name"]
                if name in expected and names.count(name) == 1:
                    assert close(tangent, expected[name].tolist(), rel=1e-5, abs_=1e-6), \
                        (program, name, entry)
                    compared += 1
            # Each step's edges' flows add up to the step's node's tangent.
            for step in result["timeline"]:
                total = [sum(v) for v in zip(*(flat(result["flows"][e]) for e in step["edges"]))]
                assert close(total, flat(result["tangents"][step["node"]]), rel=1e-9, abs_=1e-12)
    assert compared >= 2, program
