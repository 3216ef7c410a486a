"""Values of the nodes a library call makes inside itself
(webapp/execution/capture/internal_values.py): `1 / x` is a reciprocal and a multiplication,
`torch.matmul` of a vector an unsqueeze, mm and squeeze; each inner node's value equals what
PyTorch computes directly."""
import pytest
import torch

from tests.support.documents import document_of, inputs_by_name
from tests.support.numbers import close


def test_values_of_nodes_made_inside_library_functions_are_recovered(lecture_examples):
    example = next(e for e in lecture_examples if e["id"] == "difficult")
    doc = document_of(example["source"])
    reciprocal = [n for n in doc["graph"]["nodes"] if n["op"] == "ReciprocalBackward0"]
    assert reciprocal and all(n["value"] is not None for n in reciprocal)
    x = torch.tensor(1.0)
    assert any(close(n["value"], (1 / (1 + torch.exp(-x))).item()) for n in reciprocal)


def by_op(doc):
    return {node["op"]: node for node in doc["graph"]["nodes"] if node["kind"] == "op"}


def test_one_over_x_is_a_reciprocal_and_a_multiplication_each_with_its_value():
    doc = document_of("x = torch.tensor([0.5, 2.0, 4.0], requires_grad=True)\n"
                      "y = (1 / x).sum()\ny.backward()\n")
    x = torch.tensor([0.5, 2.0, 4.0])
    ops = by_op(doc)
    assert close(ops["ReciprocalBackward0"]["value"], torch.reciprocal(x))
    assert ops["ReciprocalBackward0"]["shape"] == [3]
    assert close(ops["MulBackward0"]["value"], torch.reciprocal(x) * 1)
    assert close(ops["SumBackward0"]["value"], (1 / x).sum())
    assert close(inputs_by_name(doc)["x"]["grad"], -1 / x ** 2)


MATMUL = "x = torch.tensor([1.0, 2.0], requires_grad=True)\n" \
         "W = torch.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)\n" \
         "y = torch.matmul(x, W)\nz = y.sum()\n"


def test_matmul_of_a_vector_shows_its_unsqueezed_operand_and_its_result():
    doc = document_of(MATMUL)
    x, W = torch.tensor([1.0, 2.0]), torch.tensor([[1.0, 2.0], [3.0, 4.0]])
    ops = by_op(doc)
    assert set(ops) == {"UnsqueezeBackward0", "MmBackward0", "SqueezeBackward4", "SumBackward0"}
    assert close(ops["UnsqueezeBackward0"]["value"], x.unsqueeze(0))
    assert ops["UnsqueezeBackward0"]["shape"] == [1, 2]
    assert close(ops["SqueezeBackward4"]["value"], torch.matmul(x, W))


@pytest.mark.xfail(strict=True, reason="found while writing this test: the mm node inside "
                                       "torch.matmul(vector, matrix) gets no value (nor shape), "
                                       "though the module's docstring says it does")
def test_matmul_of_a_vector_shows_the_value_of_its_inner_mm():
    mm = by_op(document_of(MATMUL))["MmBackward0"]
    x, W = torch.tensor([1.0, 2.0]), torch.tensor([[1.0, 2.0], [3.0, 4.0]])
    assert close(mm["value"], x.unsqueeze(0) @ W)
