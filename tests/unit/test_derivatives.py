"""Local derivatives (webapp/execution/capture/derivatives.py): the Jacobian on each edge,
as autograd's own node computes it, against torch.autograd.functional.jacobian run directly;
an operand used twice, a broadcast operand, and the size cut-off."""
import pytest
import torch

from tests.support.documents import document_of, inputs_by_name, nodes_of
from tests.support.numbers import close
from webapp.core import limits
from webapp.execution.capture.derivatives import node_jacobians


def test_operand_used_twice_is_one_edge_with_the_summed_derivative():
    doc = document_of("x = torch.tensor(3.0, requires_grad=True)\ny = x * x\ny.backward()\n")
    (edge,) = [e for e in doc["graph"]["edges"] if not e["constant"]]
    assert edge["local"] == 6.0 and edge["grad"] == 6.0


def test_jacobians_are_listed_only_when_small():
    small = document_of("x = torch.tensor([1.0, 2.0], requires_grad=True)\ny = (x * x).sum()\n"
                     "y.backward()\n")
    mul = [e for e in small["graph"]["edges"] if nodes_of(small)[e["target"]]["label"] == "mul"]
    assert mul[0]["local"] == [[2.0, 0.0], [0.0, 4.0]]
    big = document_of("x = torch.ones(9, requires_grad=True)\ny = (x * x).sum()\ny.backward()\n")
    mul = [e for e in big["graph"]["edges"] if nodes_of(big)[e["target"]]["label"] == "mul"]
    assert 81 > limits.MAX_JACOBIAN_ENTRIES and mul[0]["local"] is None
    assert mul[0]["grad"] == [2.0] * 9


def test_a_broadcast_operands_local_derivative_has_its_own_shape():
    doc = document_of("x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)\n"
                   "s = torch.tensor(2.0, requires_grad=True)\ny = (x * s).sum()\ny.backward()\n")
    s_id = inputs_by_name(doc)["s"]["id"]
    (edge,) = [e for e in doc["graph"]["edges"] if e["source"] == s_id]
    assert edge["local"] == [1.0, 2.0, 3.0]      # shape: target (3,) + source ()
    assert edge["grad"] == 6.0


def jacobians_of(function, *inputs):
    """(our node_jacobians of the result's grad_fn, torch.autograd.functional.jacobian)."""
    leaves = [value.clone().requires_grad_(True) for value in inputs]
    result = function(*leaves)
    ours = node_jacobians(result.grad_fn, torch.zeros_like(result), leaves)
    theirs = torch.autograd.functional.jacobian(function, tuple(inputs))
    return ours, theirs


@pytest.mark.parametrize("function, inputs", [
    (torch.mul, (torch.tensor([1.0, -2.0, 3.0]), torch.tensor([0.5, 4.0, -1.0]))),
    (torch.mm, (torch.tensor([[1.0, 2.0], [3.0, 4.0]]), torch.tensor([[0.5, -1.0], [2.0, 0.1]]))),
    (torch.atan2, (torch.tensor([0.7, -0.2]), torch.tensor([-1.2, 0.4]))),
    (torch.pow, (torch.tensor(1.5), torch.tensor(2.5))),
], ids=["mul", "mm", "atan2", "pow"])
def test_node_jacobians_equal_torch_autograd_functional_jacobian(function, inputs):
    ours, theirs = jacobians_of(function, *inputs)
    assert len(ours) == len(theirs)
    for mine, expected in zip(ours, theirs):
        assert mine is not None and mine.shape == expected.shape
        assert close(mine, expected)


def test_a_broadcast_operands_jacobian_is_summed_to_its_shape():
    ours, theirs = jacobians_of(torch.mul, torch.tensor([1.0, 2.0, 3.0]), torch.tensor(2.0))
    assert ours[1].shape == theirs[1].shape == (3,)
    assert close(ours[1], theirs[1]) and close(ours[1], [1.0, 2.0, 3.0])
    assert close(ours[0], theirs[0]) and close(ours[0], 2.0 * torch.eye(3))


def test_a_node_with_too_many_output_entries_gives_no_jacobian():
    side = int(limits.MAX_JACOBIAN_ENTRIES ** 0.5) + 1
    leaf = torch.ones(side * side, requires_grad=True)
    result = torch.sin(leaf)
    assert result.numel() ** 2 > limits.MAX_JACOBIAN_ENTRIES
    assert node_jacobians(result.grad_fn, torch.zeros_like(result), [leaf]) == [None]
    small = torch.sin(torch.ones(2, requires_grad=True))
    assert node_jacobians(small.grad_fn, None, [leaf]) == [None]
